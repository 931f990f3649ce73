//! Folding ranges: papers and sections, as byte ranges.

use crate::common::span;
use digest_analysis::features::{Fold, FoldKind, folding_ranges};
use digest_analysis::{Analysis, Config};
use expect_test::{Expect, expect};

/// Every fold of `text`: `kind range`.
fn check(text: &str, expect: Expect) {
    let analysis = Analysis::new(text, &Config::default());
    let folds = folding_ranges(&analysis).into_iter().map(|fold| {
        let Fold { range, kind } = fold;
        let kind = match kind {
            FoldKind::Paper => "paper",
            FoldKind::Section => "section",
        };
        format!("{kind} {}", span(text, range))
    });
    expect.assert_eq(&crate::common::lines(folds));
}

#[test]
fn papers_and_multi_line_sections_fold() {
    // Paper2 is one line and its section-less body folds nothing; one-line
    // sections do not fold either.
    check(
        "\
Title

Paper1 A

摘要原文: one line

中文总结: first paragraph

second paragraph


Paper2 B
Paper3 C
摘要原文: a\r\nb\r\n",
        expect![[r#"
            paper 3:1..9:17
            section 7:1..9:17
            paper 13:1..15:2
            section 14:1..15:2
        "#]],
    );
}
