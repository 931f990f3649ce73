//! Document highlight: a paper's heading (write) and references (read).

use crate::common::{cursor, span};
use digest_analysis::features::{Highlight, HighlightKind, highlights};
use digest_analysis::{Analysis, Config};
use expect_test::{Expect, expect};

const TEXT: &str = "\
See Paper2 in the preamble.

Paper1 A
摘要原文: Paper2, [[Paper2]], [[#Paper 2]], Paper1, [[other#Paper2]], [[other.digest#Paper2]]
中文总结: [[other#Paper1]]

Paper2 B
摘要原文: Paper3
Paper2 Again
";

/// The highlights with the cursor before `needle` in `TEXT`: `kind range`.
fn check(needle: &str, expect: Expect) {
    let (text, offset) = cursor(&crate::common::mark(TEXT, needle));
    let analysis = Analysis::new(&text, &Config::default());
    let found = highlights(&analysis, offset).into_iter().map(|h| {
        let Highlight { range, kind } = h;
        let kind = match kind {
            HighlightKind::Write => "write",
            HighlightKind::Read => "read",
        };
        format!("{kind} {}", span(&text, range))
    });
    expect.assert_eq(&crate::common::lines(found));
}

#[test]
fn the_heading_and_every_reference_in_this_digest() {
    check(
        "Paper2 B",
        expect![[r#"
            read 1:5..1:11
            read 4:7..4:13
            read 4:15..4:25
            read 4:27..4:39
            write 7:1..7:7
        "#]],
    );
    check(
        "B\n摘要",
        expect![[r#"
            read 1:5..1:11
            read 4:7..4:13
            read 4:15..4:25
            read 4:27..4:39
            write 7:1..7:7
        "#]],
    );
    check(
        "Paper2 in",
        expect![[r#"
            read 1:5..1:11
            read 4:7..4:13
            read 4:15..4:25
            read 4:27..4:39
            write 7:1..7:7
        "#]],
    );
    check(
        "[[#Paper 2]]",
        expect![[r#"
            read 1:5..1:11
            read 4:7..4:13
            read 4:15..4:25
            read 4:27..4:39
            write 7:1..7:7
        "#]],
    );
}

#[test]
fn wiki_references_to_another_digest_match_as_written() {
    check(
        "[[other#Paper2]]",
        expect![[r#"
            read 4:49..4:65
            read 4:67..4:90
        "#]],
    );
}

#[test]
fn missing_papers_repeated_headings_and_plain_text() {
    check(
        "Paper3",
        expect![[r#"
            read 8:7..8:13
        "#]],
    );
    check(
        "Paper2 Again",
        expect![[r#"
            write 9:1..9:7
        "#]],
    );
    check("preamble", expect![[""]]);
}
