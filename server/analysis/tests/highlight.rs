//! Document highlight: a paper's heading (write) and references (read).

mod common;

use common::{cursor, span};
use digest_analysis::features::{HighlightKind, highlights};
use digest_analysis::{Analysis, Config};

const TEXT: &str = "\
See Paper2 in the preamble.

Paper1 A
摘要原文: Paper2, [[Paper2]], [[#Paper 2]], Paper1, [[other#Paper2]], [[other.digest#Paper2]]
中文总结: [[other#Paper1]]

Paper2 B
摘要原文: Paper3
Paper2 Again
";

fn highlight(needle: &str) -> Vec<String> {
    let (text, offset) = cursor(&common::mark(TEXT, needle));
    let analysis = Analysis::new(&text, &Config::default());
    highlights(&analysis, offset)
        .into_iter()
        .map(|h| {
            let kind = match h.kind {
                HighlightKind::Write => "write",
                HighlightKind::Read => "read",
            };
            format!("{kind} {}", span(&text, h.range))
        })
        .collect()
}

#[test]
fn the_heading_and_every_reference_in_this_digest() {
    let expected = [
        "read 1:5..1:11",
        "read 4:7..4:13",
        "read 4:15..4:25",
        "read 4:27..4:39",
        "write 7:1..7:7",
    ];
    assert_eq!(highlight("Paper2 B"), expected);
    assert_eq!(highlight("B\n摘要"), expected);
    assert_eq!(highlight("Paper2 in"), expected);
    assert_eq!(highlight("[[#Paper 2]]"), expected);
}

#[test]
fn wiki_references_to_another_digest_match_as_written() {
    assert_eq!(
        highlight("[[other#Paper2]]"),
        ["read 4:49..4:65", "read 4:67..4:90"]
    );
}

#[test]
fn missing_papers_repeated_headings_and_plain_text() {
    assert_eq!(highlight("Paper3"), ["read 8:7..8:13"]);
    assert_eq!(highlight("Paper2 Again"), ["write 9:1..9:7"]);
    assert_eq!(highlight("preamble"), Vec::<String>::new());
}
