//! Rename: renumbering a paper across the workspace, and its refusals.

mod common;

use common::{span, workspace};
use digest_analysis::features::{RenameError, prepare_rename, rename};

/// Papers 1 and 2 of `a`, referred to in every form, from three digests.
const WORKSPACE: &str = common::NUMBERED_WORKSPACE;

fn at(needle: &str) -> String {
    common::mark(WORKSPACE, needle)
}

/// prepare_rename at the cursor: `line:col..line:col number` or the message.
fn prepare(fixture: &str) -> String {
    let ws = workspace(fixture);
    let (file, offset) = ws.cursor();
    match prepare_rename(&ws.files(), file, offset) {
        Ok(target) => format!("{} {}", span(&ws.texts[file], target.range), target.number),
        Err(e) => e.message(),
    }
}

#[test]
fn prepare_on_heading_numbers_and_references() {
    assert_eq!(prepare(&at("Paper2 Many")), "7:6..7:7 2");
    assert_eq!(prepare(&at("2 Many")), "7:6..7:7 2");
    assert_eq!(prepare(&at("Paper 2类似")), "5:14..5:15 2");
    assert_eq!(prepare(&at("[[#Paper2]]")), "8:15..8:16 2");
    assert_eq!(prepare(&at("[[a.digest#Paper2]]")), "2:36..2:37 2");
    assert_eq!(prepare(&at("[[a#Paper 2]]")), "3:34..3:35 2");
}

#[test]
fn prepare_refuses_elsewhere_with_a_reason() {
    let not_here = RenameError::NotHere.message();
    assert_eq!(prepare(&at("Many Teachers")), not_here);
    assert_eq!(prepare(&at("itself")), not_here);
    assert_eq!(prepare("Paper1 A\n摘要原文: [[oth$0er]]\n"), not_here);
    assert_eq!(
        prepare(&at("Paper2\n中文总结: [[sub")),
        "`Paper2` names no paper of the workspace: there is nothing to renumber"
    );
    assert_eq!(
        prepare(&at("[[a#Paper2]]\n中文总结: c")),
        "`[[a#Paper2]]` names no paper of the workspace: there is nothing to renumber"
    );
}

#[test]
fn renumbering_rewrites_the_heading_and_every_reference() {
    let ws = workspace(&at("Paper2 Many"));
    let (file, offset) = ws.cursor();
    let edits = rename(&ws.files(), file, offset, "5").expect("a rename");
    assert_eq!(
        ws.render_edits(&edits),
        [
            "a.digest 4:16..4:17 -> \"5\"",
            "a.digest 4:29..4:30 -> \"5\"",
            "a.digest 5:14..5:15 -> \"5\"",
            "a.digest 7:6..7:7 -> \"5\"",
            "a.digest 8:15..8:16 -> \"5\"",
            "b.digest 2:16..2:17 -> \"5\"",
            "b.digest 2:36..2:37 -> \"5\"",
            "b.digest 3:34..3:35 -> \"5\"",
            "sub/c.digest 2:19..2:20 -> \"5\"",
        ]
    );
    let after = ws.apply(&edits);
    assert_eq!(
        after[0],
        "Notes\n\nPaper1 Sparse Attention\n摘要原文: see Paper5 and [[Paper5]].\n\
         中文总结: 与Paper 5类似。\n\nPaper5 Many Teachers\n摘要原文: [[#Paper5]] itself; Paper1.\n\
         中文总结: b\n"
    );
    assert_eq!(
        after[1],
        "Paper1 Elsewhere\n摘要原文: [[a#Paper5]] [[a.digest#Paper5]] [[a#Paper1]] Paper2\n\
         中文总结: [[sub/c#Paper2]] [[a#Paper 5]]\n"
    );
    assert_eq!(
        after[2],
        "Paper2 Deep\n摘要原文: [[../a#Paper5]] [[a#Paper2]]\n中文总结: c\n"
    );
    // What dangled before still dangles (b's own Paper2, c's `sub/a`);
    // nothing else does.
    assert_eq!(ws.unresolved(&after), ws.unresolved(&ws.texts));
    assert_eq!(ws.unresolved(&ws.texts).len(), 2);
}

#[test]
fn renumbering_from_a_wiki_reference_in_another_digest() {
    let ws = workspace(&at("[[../a#Paper2]]"));
    let (file, offset) = ws.cursor();
    let edits = rename(&ws.files(), file, offset, "Paper 12").expect("a rename");
    let after = ws.apply(&edits);
    assert!(after[0].contains("Paper12 Many Teachers"), "{}", after[0]);
    assert!(after[2].contains("[[../a#Paper12]]"), "{}", after[2]);
    assert_eq!(ws.unresolved(&after).len(), 2);
    assert_eq!(edits.iter().map(|f| f.edits.len()).sum::<usize>(), 9);
}

#[test]
fn renumbering_refuses_a_taken_number_or_a_non_number() {
    let ws = workspace(&at("Paper2 Many"));
    let (file, offset) = ws.cursor();
    let files = ws.files();
    let message = |new: &str| rename(&files, file, offset, new).map_err(|e| e.message());
    assert_eq!(
        message("1"),
        Err("Paper1 already exists in this digest: choose a number that no paper has".into())
    );
    assert_eq!(
        message("01"),
        Err("Paper1 already exists in this digest: choose a number that no paper has".into())
    );
    for bad in ["", "x", "-3", "+3", "3a", "Paper", "99999999999999999999"] {
        assert_eq!(
            message(bad),
            Err(format!(
                "`{bad}` is not a paper number: give a number such as 7"
            )),
            "{bad}"
        );
    }
    // The same number: nothing to do.
    assert_eq!(message(" 2 "), Ok(Vec::new()));

    // From another digest, the message names the digest.
    let ws = workspace(&at("[[a#Paper 2]]"));
    let (file, offset) = ws.cursor();
    assert_eq!(
        rename(&ws.files(), file, offset, "1").map_err(|e| e.message()),
        Err("Paper1 already exists in `a`: choose a number that no paper has".into())
    );
}

#[test]
fn a_repeated_heading_is_renumbered_alone() {
    let ws = workspace("Paper1 A\n摘要原文: Paper1, Paper2\n$0Paper1 B\nPaper2 C\n");
    let (file, offset) = ws.cursor();
    let edits = rename(&ws.files(), file, offset, "3").expect("a rename");
    assert_eq!(ws.render_edits(&edits), ["main.digest 3:6..3:7 -> \"3\""]);
}

#[test]
fn leading_zeros_and_crlf() {
    let ws = workspace("Pa$0per007 A\r\n摘要原文: 见Paper7\r\nPaper8 B\r\n");
    let (file, offset) = ws.cursor();
    let edits = rename(&ws.files(), file, offset, "9").expect("a rename");
    assert_eq!(
        ws.apply(&edits)[0],
        "Paper9 A\r\n摘要原文: 见Paper9\r\nPaper8 B\r\n"
    );
}
