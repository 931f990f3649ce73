//! Workspace symbols: papers across digests, fuzzy, case-insensitive, ranked.

mod common;

use common::workspace;
use digest_analysis::features::workspace_symbols;

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

/// `path: heading (container)` per result.
fn symbols(query: &str, limit: usize) -> Vec<String> {
    let ws = workspace(WORKSPACE);
    workspace_symbols(&ws.files(), query, limit)
        .into_iter()
        .map(|s| {
            assert_eq!(ws.texts[s.file][s.selection.start..s.selection.end], s.name);
            format!(
                "{}: {} ({})",
                ws.name(s.file),
                s.name,
                s.container.unwrap_or_default()
            )
        })
        .collect()
}

#[test]
fn by_number_exact_before_prefix() {
    assert_eq!(
        symbols("3", 10),
        [
            "a.digest: Paper3: Distill (Reading list A)",
            "notes/b.digest: Paper30 KNOWLEDGE distillation (Digest B)",
        ]
    );
    assert_eq!(symbols("paper 3", 10), symbols("3", 10));
    assert_eq!(
        symbols("PAPER1", 10),
        [
            "a.digest: Paper1 Knowledge Distillation via Teachers (Reading list A)",
            "a.digest: Paper12 知识蒸馏综述 (Reading list A)"
        ]
    );
}

#[test]
fn by_title_exact_prefix_substring_subsequence() {
    assert_eq!(
        symbols("distill", 10),
        [
            "a.digest: Paper3: Distill (Reading list A)",
            "notes/b.digest: Paper30 KNOWLEDGE distillation (Digest B)",
            "a.digest: Paper1 Knowledge Distillation via Teachers (Reading list A)",
        ]
    );
    assert_eq!(
        symbols("ATTENTION", 10),
        [
            "notes/b.digest: Paper4 Attention Is All You Need (Digest B)",
            "a.digest: Paper2 Sparse Attention (Reading list A)",
        ]
    );
    assert_eq!(
        symbols("kd", 10),
        [
            "notes/b.digest: Paper30 KNOWLEDGE distillation (Digest B)",
            "a.digest: Paper1 Knowledge Distillation via Teachers (Reading list A)",
        ]
    );
    assert_eq!(
        symbols("knowledge   distillation", 10),
        [
            "notes/b.digest: Paper30 KNOWLEDGE distillation (Digest B)",
            "a.digest: Paper1 Knowledge Distillation via Teachers (Reading list A)",
        ]
    );
}

#[test]
fn cjk_substrings_and_subsequences() {
    assert_eq!(
        symbols("蒸馏", 10),
        ["a.digest: Paper12 知识蒸馏综述 (Reading list A)"]
    );
    assert_eq!(
        symbols("知蒸", 10),
        ["a.digest: Paper12 知识蒸馏综述 (Reading list A)"]
    );
}

#[test]
fn limits_and_empty_queries() {
    assert_eq!(
        symbols("attention", 1),
        ["notes/b.digest: Paper4 Attention Is All You Need (Digest B)"]
    );
    assert_eq!(
        symbols("", 3),
        [
            "a.digest: Paper1 Knowledge Distillation via Teachers (Reading list A)",
            "a.digest: Paper2 Sparse Attention (Reading list A)",
            "a.digest: Paper12 知识蒸馏综述 (Reading list A)",
        ]
    );
    assert_eq!(symbols("zzz", 10), Vec::<String>::new());
    assert_eq!(symbols("distill", 0), Vec::<String>::new());
}
