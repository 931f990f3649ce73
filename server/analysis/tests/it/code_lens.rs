//! Reference lenses: on each heading, the references to its paper across
//! the workspace.

use crate::common::workspace;
use digest_analysis::features::{CodeLens, code_lenses, references};
use expect_test::{Expect, expect};

/// The lenses of the fixture's first file: the heading, the title, then
/// each reference (`path line:col..line:col`), indented.
fn check(fixture: &str, expect: Expect) {
    let ws = workspace(fixture);
    let mut out = String::new();
    for lens in code_lenses(&ws.files(), 0) {
        let CodeLens {
            range,
            paper,
            references,
        } = &lens;
        out.push_str(&format!(
            "{} paper {paper}: {}\n",
            crate::common::spanned(&ws.texts[0], *range),
            lens.title()
        ));
        for found in references {
            out.push_str(&format!("    {}\n", ws.loc(found.file, found.range)));
        }
    }
    expect.assert_eq(&out);
}

#[test]
fn each_heading_counts_the_references_across_the_workspace() {
    check(
        crate::common::NUMBERED_WORKSPACE,
        expect![[r#"
            3:1..3:24 "Paper1 Sparse Attention" paper 0: 2 references
                a.digest 8:27..8:33
                b.digest 2:40..2:52
            7:1..7:21 "Paper2 Many Teachers" paper 1: 8 references
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
fn a_repeated_heading_and_an_unreferenced_paper_count_none() {
    check(
        "\
Paper1 A
摘要原文: Paper1 and [[Paper 1]], Paper3 (missing)
Paper1 B
Paper2 C
",
        expect![[r#"
            1:1..1:9 "Paper1 A" paper 0: 2 references
                main.digest 2:7..2:13
                main.digest 2:18..2:29
            3:1..3:9 "Paper1 B" paper 1: 0 references
            4:1..4:9 "Paper2 C" paper 2: 0 references
        "#]],
    );
}

#[test]
fn the_lenses_agree_with_find_references() {
    // From every file of the workspace, on every heading.
    let ws = workspace(crate::common::NUMBERED_WORKSPACE);
    let files = ws.files();
    for current in 0..files.len() {
        for lens in code_lenses(&files, current) {
            let found = references(&files, current, lens.range.start, false);
            assert_eq!(lens.references, found, "file {current}, {lens:?}");
        }
    }
}

#[test]
fn the_counts_follow_an_edit_in_another_digest() {
    let before = "//- /ws/a.digest\nPaper1 A\n//- /ws/b.digest\nPaper1 B\n摘要原文: [[a#Paper1]]\n";
    let count = |fixture: &str| {
        let ws = workspace(fixture);
        code_lenses(&ws.files(), 0)
            .iter()
            .map(CodeLens::title)
            .collect::<Vec<_>>()
    };
    assert_eq!(count(before), ["1 reference"]);
    let after = before.replace("[[a#Paper1]]", "[[a#Paper1]] [[a.digest#Paper 1]]");
    assert_eq!(count(&after), ["2 references"]);
    let gone = before.replace("[[a#Paper1]]", "[[a]]");
    assert_eq!(count(&gone), ["0 references"]);
}

#[test]
fn no_lenses_without_papers_or_out_of_range() {
    let ws = workspace("Just a title\n");
    assert_eq!(code_lenses(&ws.files(), 0), []);
    assert_eq!(code_lenses(&ws.files(), 5), []);
}
