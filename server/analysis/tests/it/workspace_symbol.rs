//! Workspace symbols: papers across digests, fuzzy, case-insensitive, ranked.

use crate::common::{span, workspace};
use digest_analysis::features::{WorkspaceSymbol, workspace_symbols};
use expect_test::{Expect, expect};

const WORKSPACE: &str = "\
//- /ws/a.digest
Reading list A

Paper1 Knowledge Distillation via Teachers
Paper2 Sparse Attention
Paper12 知识蒸馏综述
Paper3: Distill
//- /ws/notes/b.digest
Digest B
Paper30 KNOWLEDGE distillation
Paper4 Attention Is All You Need
";

/// The symbols for `query`, best first: `path: "name" in "container"`, then
/// the paper's range and its heading's (the selection).
fn render(query: &str, limit: usize) -> String {
    let ws = workspace(WORKSPACE);
    let found = workspace_symbols(&ws.files(), query, limit)
        .into_iter()
        .map(|symbol| {
            let WorkspaceSymbol {
                file,
                name,
                container,
                range,
                selection,
            } = symbol;
            let text = &ws.texts[file];
            // The selection is the heading as named.
            assert_eq!(text[selection.start..selection.end], name);
            format!(
                "{}: {name:?} in {container:?} {} selection {}",
                ws.name(file),
                span(text, range),
                span(text, selection)
            )
        });
    crate::common::lines(found)
}

fn check(query: &str, limit: usize, expect: Expect) {
    expect.assert_eq(&render(query, limit));
}

#[test]
fn by_number_exact_before_prefix() {
    check(
        "3",
        10,
        expect![[r#"
            a.digest: "Paper3: Distill" in Some("Reading list A") 6:1..6:16 selection 6:1..6:16
            notes/b.digest: "Paper30 KNOWLEDGE distillation" in Some("Digest B") 2:1..2:31 selection 2:1..2:31
        "#]],
    );
    assert_eq!(render("paper 3", 10), render("3", 10));
    check(
        "PAPER1",
        10,
        expect![[r#"
            a.digest: "Paper1 Knowledge Distillation via Teachers" in Some("Reading list A") 3:1..3:43 selection 3:1..3:43
            a.digest: "Paper12 知识蒸馏综述" in Some("Reading list A") 5:1..5:15 selection 5:1..5:15
        "#]],
    );
}

#[test]
fn by_title_exact_prefix_substring_subsequence() {
    check(
        "distill",
        10,
        expect![[r#"
            a.digest: "Paper3: Distill" in Some("Reading list A") 6:1..6:16 selection 6:1..6:16
            notes/b.digest: "Paper30 KNOWLEDGE distillation" in Some("Digest B") 2:1..2:31 selection 2:1..2:31
            a.digest: "Paper1 Knowledge Distillation via Teachers" in Some("Reading list A") 3:1..3:43 selection 3:1..3:43
        "#]],
    );
    check(
        "ATTENTION",
        10,
        expect![[r#"
            notes/b.digest: "Paper4 Attention Is All You Need" in Some("Digest B") 3:1..3:33 selection 3:1..3:33
            a.digest: "Paper2 Sparse Attention" in Some("Reading list A") 4:1..4:24 selection 4:1..4:24
        "#]],
    );
    check(
        "kd",
        10,
        expect![[r#"
            notes/b.digest: "Paper30 KNOWLEDGE distillation" in Some("Digest B") 2:1..2:31 selection 2:1..2:31
            a.digest: "Paper1 Knowledge Distillation via Teachers" in Some("Reading list A") 3:1..3:43 selection 3:1..3:43
        "#]],
    );
    check(
        "knowledge   distillation",
        10,
        expect![[r#"
            notes/b.digest: "Paper30 KNOWLEDGE distillation" in Some("Digest B") 2:1..2:31 selection 2:1..2:31
            a.digest: "Paper1 Knowledge Distillation via Teachers" in Some("Reading list A") 3:1..3:43 selection 3:1..3:43
        "#]],
    );
}

#[test]
fn cjk_substrings_and_subsequences() {
    check(
        "蒸馏",
        10,
        expect![[r#"
            a.digest: "Paper12 知识蒸馏综述" in Some("Reading list A") 5:1..5:15 selection 5:1..5:15
        "#]],
    );
    check(
        "知蒸",
        10,
        expect![[r#"
            a.digest: "Paper12 知识蒸馏综述" in Some("Reading list A") 5:1..5:15 selection 5:1..5:15
        "#]],
    );
}

#[test]
fn limits_and_empty_queries() {
    check(
        "attention",
        1,
        expect![[r#"
            notes/b.digest: "Paper4 Attention Is All You Need" in Some("Digest B") 3:1..3:33 selection 3:1..3:33
        "#]],
    );
    check(
        "",
        3,
        expect![[r#"
            a.digest: "Paper1 Knowledge Distillation via Teachers" in Some("Reading list A") 3:1..3:43 selection 3:1..3:43
            a.digest: "Paper2 Sparse Attention" in Some("Reading list A") 4:1..4:24 selection 4:1..4:24
            a.digest: "Paper12 知识蒸馏综述" in Some("Reading list A") 5:1..5:15 selection 5:1..5:15
        "#]],
    );
    check("zzz", 10, expect![[""]]);
    check("distill", 0, expect![[""]]);
}
