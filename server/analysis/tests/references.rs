//! Find references: in-file and wiki references across a workspace.

mod common;

use common::{Workspace, workspace};
use digest_analysis::features::references;

/// Papers 1 and 2 of `a`, referred to in every form, from three digests.
const WORKSPACE: &str = common::NUMBERED_WORKSPACE;

/// The references at the `$0` in `fixture`, one `path line:col..line:col` each.
fn refs(fixture: &str, include_declaration: bool) -> Vec<String> {
    let ws: Workspace = workspace(fixture);
    let (file, offset) = ws.cursor();
    references(&ws.files(), file, offset, include_declaration)
        .into_iter()
        .map(|r| ws.loc(r.file, r.range))
        .collect()
}

fn at(needle: &str) -> String {
    common::mark(WORKSPACE, needle)
}

const TO_A2: [&str; 8] = [
    "a.digest 4:11..4:17",
    "a.digest 4:22..4:32",
    "a.digest 5:8..5:15",
    "a.digest 8:7..8:18",
    "b.digest 2:7..2:19",
    "b.digest 2:20..2:39",
    "b.digest 3:24..3:37",
    "sub/c.digest 2:7..2:22",
];

#[test]
fn from_a_heading_with_and_without_the_declaration() {
    let mut expected = TO_A2.to_vec();
    expected.insert(3, "a.digest 7:1..7:7");
    assert_eq!(refs(&at("Paper2 Many"), true), expected);
    assert_eq!(refs(&at("Many Teachers"), false), TO_A2);
}

#[test]
fn from_any_reference_to_the_paper() {
    for needle in [
        "Paper 2类似",
        "[[#Paper2]]",
        "[[a.digest#Paper2]]",
        "[[../a#Paper2]]",
    ] {
        assert_eq!(refs(&at(needle), false), TO_A2, "{needle}");
    }
}

#[test]
fn another_paper_with_the_same_number_is_another_paper() {
    // `[[sub/c#Paper2]]` names c's Paper2; `[[a#Paper2]]` written in c names
    // `sub/a`, which does not exist.
    assert_eq!(
        refs(&at("[[sub/c#Paper2]]"), true),
        ["b.digest 3:7..3:23", "sub/c.digest 1:1..1:7"]
    );
}

#[test]
fn references_to_a_missing_paper_are_found_without_declaration() {
    // b has no Paper2: its in-file `Paper2` dangles, alone.
    assert_eq!(
        refs(&at("Paper2\n中文总结: [[sub"), true),
        ["b.digest 2:53..2:59"]
    );
}

#[test]
fn a_repeated_heading_has_no_references() {
    let fixture = "Paper1 A\n摘要原文: Paper1\nPaper1 B\n$0Paper2 C\n摘要原文: Paper2\n"
        .replacen("$0Paper2", "Paper2", 1)
        .replacen("Paper1 B", "$0Paper1 B", 1);
    assert_eq!(refs(&fixture, true), ["main.digest 3:1..3:7"]);
    let first = "$0Paper1 A\n摘要原文: Paper1\nPaper1 B\n";
    assert_eq!(
        refs(first, true),
        ["main.digest 1:1..1:7", "main.digest 2:7..2:13"]
    );
}

#[test]
fn nothing_off_papers() {
    assert_eq!(refs(&at("itself"), true), Vec::<String>::new());
    assert_eq!(refs(&at("Notes"), true), Vec::<String>::new());
    // A whole-file reference names no paper.
    assert_eq!(
        refs("Paper1 A\n摘要原文: $0[[other]]\n", true),
        Vec::<String>::new()
    );
}
