//! Outline, hover and definition: fixtures with `$0` cursors, exact results.

use crate::common::{Files, cursor, span};
use digest_analysis::features::{Hover, Target, definition, excerpt, hover, outline};
use digest_analysis::{Analysis, Config};
use expect_test::{Expect, expect};

const DIGEST: &str = "\
Notes on efficient models

Paper1 Sparse Attention

摘要原文: Keys are chosen by a router.

中文总结: 路由器挑选少量键，节省显存。

Paper2 Many Teachers

Abstract: An ensemble of teachers, weighted by confidence.

Notes: compare with Paper1 and [[Paper1]]; see https://example.org/x and htp://bad.org.
";

fn analysis(text: &str) -> Analysis {
    Analysis::new(text, &Config::default())
}

fn at(marker: &str) -> String {
    crate::common::mark(DIGEST, marker)
}

fn check_outline(text: &str, expect: Expect) {
    expect.assert_eq(&crate::common::render_outline(
        text,
        &outline(&analysis(text)),
    ));
}

/// The hover at the `$0`, if any.
fn hover_at(fixture: &str, files: &Files) -> (String, Option<Hover>) {
    let (text, offset) = cursor(fixture);
    let found = hover(&analysis(&text), offset, &Config::default(), files);
    (text, found)
}

/// The hover at the `$0`: its range on a line, then its markdown; nothing
/// when there is no hover.
fn check_hover(fixture: &str, files: &Files, expect: Expect) {
    let (text, found) = hover_at(fixture, files);
    let rendered = match found {
        Some(Hover { range, markdown }) => format!("{}\n{markdown}\n", span(&text, range)),
        None => String::new(),
    };
    expect.assert_eq(&rendered);
}

/// The definition at the `$0`: `origin -> file range`, `(this)` for this
/// digest, the range in the text of the digest it is in; nothing when there
/// is none.
fn check_definition(fixture: &str, files: &Files, expect: Expect) {
    let (text, offset) = cursor(fixture);
    let rendered = match definition(&analysis(&text), offset, files) {
        Some(Target {
            file,
            range,
            origin,
            entry: _,
        }) => {
            let target = match file {
                None => format!("(this) {}", span(&text, range)),
                Some(file) => match files.0.get(&file) {
                    Some(Some(other)) => format!("{file} {}", span(other, range)),
                    _ => format!("{file} (not a fixture file) {}..{}", range.start, range.end),
                },
            };
            format!("{} -> {target}\n", span(&text, origin))
        }
        None => String::new(),
    };
    expect.assert_eq(&rendered);
}

#[test]
fn outline_lists_papers_and_sections() {
    check_outline(
        DIGEST,
        expect![[r#"
            paper "Paper1 Sparse Attention" "" 3:1..7:21 selection 3:1..3:24
                section "摘要原文" "abstract" 5:1..5:35 selection 5:1..5:5
                section "中文总结" "summary" 7:1..7:21 selection 7:1..7:5
            paper "Paper2 Many Teachers" "" 9:1..13:88 selection 9:1..9:21
                section "Abstract" "abstract" 11:1..11:59 selection 11:1..11:9
                section "Notes" "notes" 13:1..13:88 selection 13:1..13:6
        "#]],
    );
}

#[test]
fn hover_on_a_reference_previews_the_summary() {
    check_hover(
        &at("Paper1 and"),
        &Files::default(),
        expect![[r#"
            13:21..13:27
            **Paper1 Sparse Attention**

            路由器挑选少量键，节省显存。
        "#]],
    );
    // The cursor just after the reference still touches it.
    let end = DIGEST.replacen("Paper1 and", "Paper1$0 and", 1);
    check_hover(
        &end,
        &Files::default(),
        expect![[r#"
            13:21..13:27
            **Paper1 Sparse Attention**

            路由器挑选少量键，节省显存。
        "#]],
    );
    // One character before it does not.
    let before = DIGEST.replacen(" Paper1 and", "$0 Paper1 and", 1);
    check_hover(&before, &Files::default(), expect![[""]]);
}

#[test]
fn hover_on_a_heading_line_and_without_summary_uses_the_abstract() {
    check_hover(
        &at("Teachers\n"),
        &Files::default(),
        expect![[r#"
            9:1..9:21
            **Paper2 Many Teachers**

            An ensemble of teachers, weighted by confidence.
        "#]],
    );
}

#[test]
fn hover_on_links() {
    check_hover(
        &at("https://example.org/x"),
        &Files::default(),
        expect![[r#"
            13:48..13:69
            `https://example.org/x`
        "#]],
    );
    check_hover(
        &at("htp://bad.org"),
        &Files::default(),
        expect![[r#"
            13:74..13:87
            `htp://bad.org`

            Malformed link: the scheme `htp://` is misspelt: write `http://` or `https://`
        "#]],
    );
}

#[test]
fn hover_across_files() {
    let files = Files::default().with(
        "other.digest",
        "Paper7 Far Away\n摘要原文: a\n中文总结: 远方的论文。\n",
    );
    let text = "Paper1 A\n摘要原文: a\n中文总结: 见[[other#Paper7]]\n";
    let fixture = text.replacen("[[other", "$0[[other", 1);
    check_hover(
        &fixture,
        &files,
        expect![[r#"
            3:8..3:24
            **Paper7 Far Away**

            远方的论文。
        "#]],
    );
}

#[test]
fn excerpts_cut_at_words_for_latin_and_anywhere_for_cjk() {
    let cases = [
        ("short", 10),
        ("knowledge distillation works", 15),
        ("knowledge distillation", 10),
        ("知识蒸馏很有效", 4),
        ("supercalifragilistic", 5),
        ("蒸馏distillation方法", 6),
    ];
    let rendered = cases
        .iter()
        .map(|&(text, max)| format!("{text:?} {max} -> {:?}", excerpt(text, max)));
    expect![[r#"
        "short" 10 -> "short"
        "knowledge distillation works" 15 -> "knowledge…"
        "knowledge distillation" 10 -> "knowledge…"
        "知识蒸馏很有效" 4 -> "知识蒸馏…"
        "supercalifragilistic" 5 -> "super…"
        "蒸馏distillation方法" 6 -> "蒸馏…"
    "#]]
    .assert_eq(&crate::common::lines(rendered));
}

#[test]
fn hover_previews_are_bounded() {
    let long = "word ".repeat(400);
    let text = format!(
        "Paper1 Long\n摘要原文: a\n中文总结: {long}\nPaper2 B\n摘要原文: 见Paper1\n中文总结: b\n"
    );
    let fixture = text.replacen("见Paper1", "见$0Paper1", 1);
    let (text, found) = hover_at(&fixture, &Files::default());
    let Hover { range, markdown } = found.expect("a hover");
    assert_eq!(span(&text, range), "5:8..5:14");
    let (head, body) = markdown.split_once("\n\n").expect("a body");
    assert_eq!(head, "**Paper1 Long**");
    assert_eq!(body.chars().count(), 600);
    assert!(body.ends_with("word…"), "{body}");
}

#[test]
fn definition_in_file_and_across_files() {
    check_definition(
        &at("[[Paper1]]"),
        &Files::default(),
        expect![[r#"
            13:32..13:42 -> (this) 3:1..3:24
        "#]],
    );

    let files = Files::default().with("other.digest", "Title\n\nPaper7 Far Away\n");
    let text = "Paper1 A\n摘要原文: [[other#Paper7]] [[other]] [[other#Paper9]]\n";
    // The cursor one byte into the reference.
    let at = |needle: &str| text.replacen(needle, &format!("[$0{}", &needle[1..]), 1);
    check_definition(
        &at("[[other#Paper7"),
        &files,
        expect![[r#"
            2:7..2:23 -> other.digest 3:1..3:16
        "#]],
    );
    check_definition(
        &at("[[other]]"),
        &files,
        expect![[r#"
            2:24..2:33 -> other.digest 1:1..1:1
        "#]],
    );
    check_definition(&at("[[other#Paper9"), &files, expect![[""]]);
}
