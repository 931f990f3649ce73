//! Find references: in-file and wiki references across a workspace.

use crate::common::workspace;
use digest_analysis::FileRange;
use digest_analysis::features::references;
use expect_test::{Expect, expect};

/// Papers 1 and 2 of `a`, referred to in every form, from three digests.
const WORKSPACE: &str = crate::common::NUMBERED_WORKSPACE;

/// The references at the `$0` in `fixture`, one `path line:col..line:col`
/// each.
fn check(fixture: &str, include_declaration: bool, expect: Expect) {
    let ws = workspace(fixture);
    let (file, offset) = ws.cursor();
    let found = references(&ws.files(), file, offset, include_declaration)
        .into_iter()
        .map(|found| {
            let FileRange { file, range } = found;
            ws.loc(file, range)
        });
    expect.assert_eq(&crate::common::lines(found));
}

fn at(needle: &str) -> String {
    crate::common::mark(WORKSPACE, needle)
}

#[test]
fn from_a_heading_with_and_without_the_declaration() {
    check(
        &at("Paper2 Many"),
        true,
        expect![[r#"
            a.digest 4:11..4:17
            a.digest 4:22..4:32
            a.digest 5:8..5:15
            a.digest 7:1..7:7
            a.digest 8:7..8:18
            b.digest 2:7..2:19
            b.digest 2:20..2:39
            b.digest 3:24..3:37
            sub/c.digest 2:7..2:22
        "#]],
    );
    check(
        &at("Many Teachers"),
        false,
        expect![[r#"
            a.digest 4:11..4:17
            a.digest 4:22..4:32
            a.digest 5:8..5:15
            a.digest 8:7..8:18
            b.digest 2:7..2:19
            b.digest 2:20..2:39
            b.digest 3:24..3:37
            sub/c.digest 2:7..2:22
        "#]],
    );
}

#[test]
fn from_any_reference_to_the_paper() {
    check(
        &at("Paper 2类似"),
        false,
        expect![[r#"
            a.digest 4:11..4:17
            a.digest 4:22..4:32
            a.digest 5:8..5:15
            a.digest 8:7..8:18
            b.digest 2:7..2:19
            b.digest 2:20..2:39
            b.digest 3:24..3:37
            sub/c.digest 2:7..2:22
        "#]],
    );
    check(
        &at("[[#Paper2]]"),
        false,
        expect![[r#"
            a.digest 4:11..4:17
            a.digest 4:22..4:32
            a.digest 5:8..5:15
            a.digest 8:7..8:18
            b.digest 2:7..2:19
            b.digest 2:20..2:39
            b.digest 3:24..3:37
            sub/c.digest 2:7..2:22
        "#]],
    );
    check(
        &at("[[a.digest#Paper2]]"),
        false,
        expect![[r#"
            a.digest 4:11..4:17
            a.digest 4:22..4:32
            a.digest 5:8..5:15
            a.digest 8:7..8:18
            b.digest 2:7..2:19
            b.digest 2:20..2:39
            b.digest 3:24..3:37
            sub/c.digest 2:7..2:22
        "#]],
    );
    check(
        &at("[[../a#Paper2]]"),
        false,
        expect![[r#"
            a.digest 4:11..4:17
            a.digest 4:22..4:32
            a.digest 5:8..5:15
            a.digest 8:7..8:18
            b.digest 2:7..2:19
            b.digest 2:20..2:39
            b.digest 3:24..3:37
            sub/c.digest 2:7..2:22
        "#]],
    );
}

#[test]
fn another_paper_with_the_same_number_is_another_paper() {
    // `[[sub/c#Paper2]]` names c's Paper2; `[[a#Paper2]]` written in c names
    // `sub/a`, which does not exist.
    check(
        &at("[[sub/c#Paper2]]"),
        true,
        expect![[r#"
            b.digest 3:7..3:23
            sub/c.digest 1:1..1:7
        "#]],
    );
}

#[test]
fn references_to_a_missing_paper_are_found_without_declaration() {
    // b has no Paper2: its in-file `Paper2` dangles, alone.
    check(
        &at("Paper2\n中文总结: [[sub"),
        true,
        expect![[r#"
            b.digest 2:53..2:59
        "#]],
    );
}

#[test]
fn a_repeated_heading_has_no_references() {
    check(
        "Paper1 A\n摘要原文: Paper1\n$0Paper1 B\nPaper2 C\n摘要原文: Paper2\n",
        true,
        expect![[r#"
            main.digest 3:1..3:7
        "#]],
    );
    check(
        "$0Paper1 A\n摘要原文: Paper1\nPaper1 B\n",
        true,
        expect![[r#"
            main.digest 1:1..1:7
            main.digest 2:7..2:13
        "#]],
    );
}

#[test]
fn nothing_off_papers() {
    check(&at("itself"), true, expect![[""]]);
    check(&at("Notes"), true, expect![[""]]);
    // A whole-file reference names no paper.
    check("Paper1 A\n摘要原文: $0[[other]]\n", true, expect![[""]]);
}
