//! Rename: renumbering a paper across the workspace, and its refusals.

use crate::common::{Workspace, span, workspace};
use digest_analysis::FileEdits;
use digest_analysis::features::{RenameError, RenameTarget, prepare_rename, rename};
use expect_test::{Expect, expect};

/// Papers 1 and 2 of `a`, referred to in every form, from three digests.
const WORKSPACE: &str = crate::common::NUMBERED_WORKSPACE;

fn at(needle: &str) -> String {
    crate::common::mark(WORKSPACE, needle)
}

/// A refusal: the error, then its message.
fn render_error(error: &RenameError) -> String {
    format!("Err({error:?})\n{}\n", error.message())
}

/// prepare_rename at the `$0`: `range number`, or the refusal.
fn check_prepare(fixture: &str, expect: Expect) {
    let ws = workspace(fixture);
    let (file, offset) = ws.cursor();
    let rendered = match prepare_rename(&ws.files(), file, offset) {
        Ok(RenameTarget { range, number }) => {
            format!("{} {number}\n", span(&ws.texts[file], range))
        }
        Err(error) => render_error(&error),
    };
    expect.assert_eq(&rendered);
}

/// A rename's result: the edits and every file they change as it reads
/// after them (`no edits` for none), or the refusal.
fn render(ws: &Workspace, result: &Result<Vec<FileEdits>, RenameError>) -> String {
    match result {
        Ok(edits) if edits.is_empty() => "no edits\n".to_string(),
        Ok(edits) => ws.render_applied(edits),
        Err(error) => render_error(error),
    }
}

/// Renames the paper at the `$0` of `fixture` to `new`.
fn check(fixture: &str, new: &str, expect: Expect) {
    let ws = workspace(fixture);
    let (file, offset) = ws.cursor();
    expect.assert_eq(&render(&ws, &rename(&ws.files(), file, offset, new)));
}

#[test]
fn prepare_on_heading_numbers_and_references() {
    check_prepare(
        &at("Paper2 Many"),
        expect![[r#"
            7:6..7:7 2
        "#]],
    );
    check_prepare(
        &at("2 Many"),
        expect![[r#"
            7:6..7:7 2
        "#]],
    );
    check_prepare(
        &at("Paper 2类似"),
        expect![[r#"
            5:14..5:15 2
        "#]],
    );
    check_prepare(
        &at("[[#Paper2]]"),
        expect![[r#"
            8:15..8:16 2
        "#]],
    );
    check_prepare(
        &at("[[a.digest#Paper2]]"),
        expect![[r#"
            2:36..2:37 2
        "#]],
    );
    check_prepare(
        &at("[[a#Paper 2]]"),
        expect![[r#"
            3:34..3:35 2
        "#]],
    );
}

#[test]
fn prepare_refuses_elsewhere_with_a_reason() {
    check_prepare(
        &at("Many Teachers"),
        expect![[r#"
            Err(NotHere)
            nothing to renumber here: put the cursor on a paper's number or on a reference to a paper
        "#]],
    );
    check_prepare(
        &at("itself"),
        expect![[r#"
            Err(NotHere)
            nothing to renumber here: put the cursor on a paper's number or on a reference to a paper
        "#]],
    );
    check_prepare(
        "Paper1 A\n摘要原文: [[oth$0er]]\n",
        expect![[r#"
            Err(NotHere)
            nothing to renumber here: put the cursor on a paper's number or on a reference to a paper
        "#]],
    );
    check_prepare(
        &at("Paper2\n中文总结: [[sub"),
        expect![[r#"
            Err(Unresolved { target: "Paper2" })
            `Paper2` names no paper of the workspace: there is nothing to renumber
        "#]],
    );
    check_prepare(
        &at("[[a#Paper2]]\n中文总结: c"),
        expect![[r#"
            Err(Unresolved { target: "[[a#Paper2]]" })
            `[[a#Paper2]]` names no paper of the workspace: there is nothing to renumber
        "#]],
    );
}

#[test]
fn renumbering_rewrites_the_heading_and_every_reference() {
    check(
        &at("Paper2 Many"),
        "5",
        expect![[r#"
            a.digest 4:16..4:17 -> "5"
            a.digest 4:29..4:30 -> "5"
            a.digest 5:14..5:15 -> "5"
            a.digest 7:6..7:7 -> "5"
            a.digest 8:15..8:16 -> "5"
            b.digest 2:16..2:17 -> "5"
            b.digest 2:36..2:37 -> "5"
            b.digest 3:34..3:35 -> "5"
            sub/c.digest 2:19..2:20 -> "5"
            --- a.digest
            Notes

            Paper1 Sparse Attention
            摘要原文: see Paper5 and [[Paper5]].
            中文总结: 与Paper 5类似。

            Paper5 Many Teachers
            摘要原文: [[#Paper5]] itself; Paper1.
            中文总结: b
            --- b.digest
            Paper1 Elsewhere
            摘要原文: [[a#Paper5]] [[a.digest#Paper5]] [[a#Paper1]] Paper2
            中文总结: [[sub/c#Paper2]] [[a#Paper 5]]
            --- sub/c.digest
            Paper2 Deep
            摘要原文: [[../a#Paper5]] [[a#Paper2]]
            中文总结: c
        "#]],
    );
    // What dangled before still dangles (b's own Paper2, c's `sub/a`);
    // nothing else does.
    let ws = workspace(&at("Paper2 Many"));
    let (file, offset) = ws.cursor();
    let edits = rename(&ws.files(), file, offset, "5").expect("a rename");
    let after = ws.apply(&edits);
    assert_eq!(ws.unresolved(&after), ws.unresolved(&ws.texts));
    expect![[r#"
        b.digest 2:53..2:59 Paper1: unresolved reference `Paper2`: this digest has no such paper (its papers go up to Paper1); fix the number
        sub/c.digest 2:23..2:35 Paper2: unresolved reference `a#Paper2`: no digest found at `a.digest`; fix the number or the file name
    "#]].assert_eq(&crate::common::lines(ws.unresolved(&ws.texts)));
}

#[test]
fn renumbering_from_a_wiki_reference_in_another_digest() {
    check(
        &at("[[../a#Paper2]]"),
        "Paper 12",
        expect![[r#"
            a.digest 4:16..4:17 -> "12"
            a.digest 4:29..4:30 -> "12"
            a.digest 5:14..5:15 -> "12"
            a.digest 7:6..7:7 -> "12"
            a.digest 8:15..8:16 -> "12"
            b.digest 2:16..2:17 -> "12"
            b.digest 2:36..2:37 -> "12"
            b.digest 3:34..3:35 -> "12"
            sub/c.digest 2:19..2:20 -> "12"
            --- a.digest
            Notes

            Paper1 Sparse Attention
            摘要原文: see Paper12 and [[Paper12]].
            中文总结: 与Paper 12类似。

            Paper12 Many Teachers
            摘要原文: [[#Paper12]] itself; Paper1.
            中文总结: b
            --- b.digest
            Paper1 Elsewhere
            摘要原文: [[a#Paper12]] [[a.digest#Paper12]] [[a#Paper1]] Paper2
            中文总结: [[sub/c#Paper2]] [[a#Paper 12]]
            --- sub/c.digest
            Paper2 Deep
            摘要原文: [[../a#Paper12]] [[a#Paper2]]
            中文总结: c
        "#]],
    );
    let ws = workspace(&at("[[../a#Paper2]]"));
    let (file, offset) = ws.cursor();
    let edits = rename(&ws.files(), file, offset, "Paper 12").expect("a rename");
    expect![[r#"
        b.digest 2:55..2:61 Paper1: unresolved reference `Paper2`: this digest has no such paper (its papers go up to Paper1); fix the number
        sub/c.digest 2:24..2:36 Paper2: unresolved reference `a#Paper2`: no digest found at `a.digest`; fix the number or the file name
    "#]].assert_eq(&crate::common::lines(ws.unresolved(&ws.apply(&edits))));
}

#[test]
fn renumbering_refuses_a_taken_number_or_a_non_number() {
    let ws = workspace(&at("Paper2 Many"));
    let (file, offset) = ws.cursor();
    let files = ws.files();
    // " 2 " is the same number: nothing to do.
    let tried: String = [
        "1",
        "01",
        "",
        "x",
        "-3",
        "+3",
        "3a",
        "Paper",
        "99999999999999999999",
        " 2 ",
    ]
    .iter()
    .map(|new| {
        let result = render(&ws, &rename(&files, file, offset, new));
        format!("{new:?} -> {}\n", result.trim_end().replace('\n', "\n    "))
    })
    .collect();
    expect![[r#"
        "1" -> Err(Taken { paper: "Paper1", digest: None })
            Paper1 already exists in this digest: choose a number that no paper has
        "01" -> Err(Taken { paper: "Paper1", digest: None })
            Paper1 already exists in this digest: choose a number that no paper has
        "" -> Err(NotANumber { written: "" })
            `` is not a paper number: give a number such as 7
        "x" -> Err(NotANumber { written: "x" })
            `x` is not a paper number: give a number such as 7
        "-3" -> Err(NotANumber { written: "-3" })
            `-3` is not a paper number: give a number such as 7
        "+3" -> Err(NotANumber { written: "+3" })
            `+3` is not a paper number: give a number such as 7
        "3a" -> Err(NotANumber { written: "3a" })
            `3a` is not a paper number: give a number such as 7
        "Paper" -> Err(NotANumber { written: "Paper" })
            `Paper` is not a paper number: give a number such as 7
        "99999999999999999999" -> Err(NotANumber { written: "99999999999999999999" })
            `99999999999999999999` is not a paper number: give a number such as 7
        " 2 " -> no edits
    "#]]
    .assert_eq(&tried);

    // From another digest, the message names the digest.
    check(
        &at("[[a#Paper 2]]"),
        "1",
        expect![[r#"
            Err(Taken { paper: "Paper1", digest: Some("a") })
            Paper1 already exists in `a`: choose a number that no paper has
        "#]],
    );
}

#[test]
fn a_repeated_heading_is_renumbered_alone() {
    check(
        "Paper1 A\n摘要原文: Paper1, Paper2\n$0Paper1 B\nPaper2 C\n",
        "3",
        expect![[r#"
            main.digest 3:6..3:7 -> "3"
            --- main.digest
            Paper1 A
            摘要原文: Paper1, Paper2
            Paper3 B
            Paper2 C
        "#]],
    );
}

#[test]
fn leading_zeros_and_crlf() {
    check(
        "Pa$0per007 A\r\n摘要原文: 见Paper7\r\nPaper8 B\r\n",
        "9",
        expect![[r#"
            main.digest 1:6..1:9 -> "9"
            main.digest 2:13..2:14 -> "9"
            --- main.digest
            Paper9 A\r
            摘要原文: 见Paper9\r
            Paper8 B\r
        "#]],
    );
}
