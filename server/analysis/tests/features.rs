//! Outline, hover and definition: fixtures with `$0` cursors, exact results.

mod common;

use common::{Files, cursor, span};
use digest_analysis::features::{definition, excerpt, hover, outline};
use digest_analysis::{Analysis, Config, NoFiles};

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

fn hover_at(fixture: &str, files: &Files) -> Option<(String, String)> {
    let (text, offset) = cursor(fixture);
    let analysis = analysis(&text);
    hover(&analysis, offset, &Config::default(), files).map(|h| (span(&text, h.range), h.markdown))
}

fn at(marker: &str) -> String {
    common::mark(DIGEST, marker)
}

#[test]
fn outline_lists_papers_and_sections() {
    let analysis = analysis(DIGEST);
    let rendered: Vec<String> = outline(&analysis)
        .iter()
        .map(|s| {
            let children: Vec<String> = s
                .children
                .iter()
                .map(|c| {
                    format!(
                        "{} {} {}",
                        c.name,
                        span(DIGEST, c.range),
                        span(DIGEST, c.selection)
                    )
                })
                .collect();
            format!(
                "{} {} {} [{}]",
                s.name,
                span(DIGEST, s.range),
                span(DIGEST, s.selection),
                children.join("; ")
            )
        })
        .collect();
    assert_eq!(
        rendered,
        [
            "Paper1 Sparse Attention 3:1..7:21 3:1..3:24 [摘要原文 5:1..5:35 5:1..5:5; 中文总结 7:1..7:21 7:1..7:5]",
            "Paper2 Many Teachers 9:1..13:88 9:1..9:21 [Abstract 11:1..11:59 11:1..11:9; Notes 13:1..13:88 13:1..13:6]",
        ]
    );
}

#[test]
fn hover_on_a_reference_previews_the_summary() {
    let expected = Some((
        "13:21..13:27".to_string(),
        "**Paper1 Sparse Attention**\n\n路由器挑选少量键，节省显存。".to_string(),
    ));
    assert_eq!(hover_at(&at("Paper1 and"), &Files::default()), expected);
    // The cursor just after the reference still touches it.
    let end = DIGEST.replacen("Paper1 and", "Paper1$0 and", 1);
    assert_eq!(hover_at(&end, &Files::default()), expected);
    // One character before it does not.
    let before = DIGEST.replacen(" Paper1 and", "$0 Paper1 and", 1);
    assert_eq!(hover_at(&before, &Files::default()), None);
}

#[test]
fn hover_on_a_heading_line_and_without_summary_uses_the_abstract() {
    let got = hover_at(&at("Teachers\n"), &Files::default());
    assert_eq!(
        got,
        Some((
            "9:1..9:21".to_string(),
            "**Paper2 Many Teachers**\n\nAn ensemble of teachers, weighted by confidence."
                .to_string()
        ))
    );
}

#[test]
fn hover_on_links() {
    assert_eq!(
        hover_at(&at("https://example.org/x"), &Files::default()),
        Some((
            "13:48..13:69".to_string(),
            "`https://example.org/x`".to_string()
        ))
    );
    let bad = hover_at(&at("htp://bad.org"), &Files::default()).expect("a hover");
    assert_eq!(bad.0, "13:74..13:87");
    assert!(
        bad.1.starts_with("`htp://bad.org`\n\nMalformed link: "),
        "{}",
        bad.1
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
    assert_eq!(
        hover_at(&fixture, &files),
        Some((
            "3:8..3:24".to_string(),
            "**Paper7 Far Away**\n\n远方的论文。".to_string()
        ))
    );
}

#[test]
fn excerpts_cut_at_words_for_latin_and_anywhere_for_cjk() {
    assert_eq!(excerpt("short", 10), "short");
    assert_eq!(excerpt("knowledge distillation works", 15), "knowledge…");
    assert_eq!(excerpt("knowledge distillation", 10), "knowledge…");
    assert_eq!(excerpt("知识蒸馏很有效", 4), "知识蒸馏…");
    assert_eq!(excerpt("supercalifragilistic", 5), "super…");
    assert_eq!(excerpt("蒸馏distillation方法", 6), "蒸馏…");
}

#[test]
fn hover_previews_are_bounded() {
    let long = "word ".repeat(400);
    let text = format!(
        "Paper1 Long\n摘要原文: a\n中文总结: {long}\nPaper2 B\n摘要原文: 见Paper1\n中文总结: b\n"
    );
    let fixture = text.replacen("见Paper1", "见$0Paper1", 1);
    let (_, markdown) = hover_at(&fixture, &Files::default()).expect("a hover");
    let body = markdown.split("\n\n").nth(1).expect("a body");
    assert_eq!(body.chars().count(), 600);
    assert!(body.ends_with("word…"), "{body}");
}

#[test]
fn definition_in_file_and_across_files() {
    let (text, offset) = cursor(&at("[[Paper1]]"));
    let found = definition(&analysis(&text), offset, &NoFiles).expect("a target");
    assert_eq!(
        (found.file, span(&text, found.range)),
        (None, "3:1..3:24".to_string())
    );

    let files = Files::default().with("other.digest", "Title\n\nPaper7 Far Away\n");
    let text = "Paper1 A\n摘要原文: [[other#Paper7]] [[other]] [[other#Paper9]]\n";
    let at = |needle: &str| {
        let offset = text.find(needle).expect("needle") + 1;
        definition(&analysis(text), offset, &files).map(|t| (t.file, t.range.start, t.range.end))
    };
    assert_eq!(
        at("[[other#Paper7"),
        Some((Some("other.digest".to_string()), 7, 22))
    );
    assert_eq!(
        at("[[other]]"),
        Some((Some("other.digest".to_string()), 0, 0))
    );
    assert_eq!(at("[[other#Paper9"), None);
}
