//! Folding ranges: papers and sections, as byte ranges.

mod common;

use common::span;
use digest_analysis::features::{FoldKind, folding_ranges};
use digest_analysis::{Analysis, Config};

#[test]
fn papers_and_multi_line_sections_fold() {
    let text = "\
Title

Paper1 A

摘要原文: one line

中文总结: first paragraph

second paragraph


Paper2 B
Paper3 C
摘要原文: a\r\nb\r\n";
    let analysis = Analysis::new(text, &Config::default());
    let folds: Vec<String> = folding_ranges(&analysis)
        .into_iter()
        .map(|f| {
            let kind = match f.kind {
                FoldKind::Paper => "paper",
                FoldKind::Section => "section",
            };
            format!("{kind} {}", span(text, f.range))
        })
        .collect();
    // Paper2 is one line and its section-less body folds nothing; one-line
    // sections do not fold either.
    assert_eq!(
        folds,
        [
            "paper 3:1..9:17",
            "section 7:1..9:17",
            "paper 13:1..15:2",
            "section 14:1..15:2",
        ]
    );
}
