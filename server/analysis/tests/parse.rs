//! The parser: structure and exact ranges, and a property test.

mod common;

use common::span;
use digest_analysis::syntax::{SourceFile, parse};
use digest_analysis::{Analysis, Config, NoFiles, TextRange, check};
use proptest::prelude::*;

fn papers(text: &str) -> Vec<String> {
    let file = parse(text, &Config::default());
    file.papers
        .iter()
        .map(|p| {
            let sections: Vec<String> = p
                .sections
                .iter()
                .map(|s| format!("{}={:?}", s.kind, s.text.slice(text)))
                .collect();
            format!(
                "#{} {:?} heading {} range {} [{}]{}",
                p.number,
                p.title.map(|t| t.slice(text)),
                span(text, p.heading),
                span(text, p.range),
                sections.join(", "),
                p.stray
                    .map_or(String::new(), |s| format!(" stray {:?}", s.slice(text)))
            )
        })
        .collect()
}

#[test]
fn heading_forms() {
    let text = "Paper1 A\nPaper 2 B\nPaper3: C\nPaper4：标题\nPaper5.\nPaper006 F\n Paper7 no\nPapers 8\nPaper3D Vision\nPaper9\tTab\n";
    assert_eq!(
        papers(text),
        [
            "#1 Some(\"A\") heading 1:1..1:9 range 1:1..1:9 []",
            "#2 Some(\"B\") heading 2:1..2:10 range 2:1..2:10 []",
            "#3 Some(\"C\") heading 3:1..3:10 range 3:1..3:10 []",
            "#4 Some(\"标题\") heading 4:1..4:10 range 4:1..4:10 []",
            "#5 None heading 5:1..5:8 range 5:1..5:8 []",
            "#6 Some(\"F\") heading 6:1..6:11 range 6:1..9:15 [] stray \"Paper7 no\\nPapers 8\\nPaper3D Vision\"",
            "#9 Some(\"Tab\") heading 10:1..10:11 range 10:1..10:11 []",
        ]
    );
}

#[test]
fn sections_span_paragraphs_and_stop_at_labels() {
    let text = "Title\n\nPaper1 A\n\n摘要原文: first\n\nsecond paragraph\n\n中文总结：总结\n\n\nPaper2 B\nAbstract:\n\ntext below\n";
    assert_eq!(
        papers(text),
        [
            "#1 Some(\"A\") heading 3:1..3:9 range 3:1..9:8 [abstract=\"first\\n\\nsecond paragraph\", summary=\"总结\"]",
            "#2 Some(\"B\") heading 12:1..12:9 range 12:1..15:11 [abstract=\"text below\"]",
        ]
    );
    let file = parse(text, &Config::default());
    assert_eq!(file.title.map(|t| t.slice(text)), Some("Title"));
}

#[test]
fn bom_crlf_and_cr_line_ends() {
    let text = "\u{feff}Title\r\nPaper1 A\r摘要原文: x\r\n中文总结: y\r\n";
    let file = parse(text, &Config::default());
    assert_eq!(file.text_start, 3);
    assert_eq!(file.title.map(|t| t.slice(text)), Some("Title"));
    assert_eq!(
        papers(text),
        ["#1 Some(\"A\") heading 2:1..2:9 range 2:1..4:8 [abstract=\"x\", summary=\"y\"]"]
    );
}

#[test]
fn a_bom_is_not_a_column() {
    let text = "\u{feff}Paper1 A\n";
    let file = parse(text, &Config::default());
    assert_eq!(file.papers.len(), 1);
    assert_eq!(span(text, file.papers[0].heading), "1:1..1:9");
}

#[test]
fn references_are_found_in_bodies_not_headings() {
    let text = "See Paper2.\nPaper1 About Paper2\n摘要原文: 与Paper2类似\n中文总结: [[Paper2]]\nPaper2 B\n";
    let file = parse(text, &Config::default());
    let refs: Vec<&str> = file
        .preamble_inline
        .references
        .iter()
        .chain(file.papers.iter().flat_map(|p| &p.inline.references))
        .map(|r| r.range.slice(text))
        .collect();
    assert_eq!(refs, ["Paper2", "Paper2", "[[Paper2]]"]);
}

/// Every range of the syntax, for the property test.
fn all_ranges(file: &SourceFile) -> Vec<TextRange> {
    let mut out = vec![file.preamble];
    out.extend(file.title);
    let inline = |i: &digest_analysis::syntax::Inline, out: &mut Vec<TextRange>| {
        out.extend(i.links.iter().flat_map(|l| [l.range, l.url]));
        out.extend(i.references.iter().map(|r| r.range));
    };
    inline(&file.preamble_inline, &mut out);
    for p in &file.papers {
        out.extend([p.keyword, p.number_range, p.heading, p.range]);
        out.extend(p.title);
        out.extend(p.stray);
        out.extend(p.label_like.iter().copied());
        out.extend(p.sections.iter().flat_map(|s| [s.label, s.text, s.range]));
        inline(&p.inline, &mut out);
    }
    out
}

fn digestish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Paper1 T\n".to_string()),
        Just("Paper 2: 标题\r\n".to_string()),
        Just("摘要原文: ".to_string()),
        Just("中文总结：".to_string()),
        Just("Summry: ".to_string()),
        Just("与Paper3类似".to_string()),
        Just("[[a#Paper1]]".to_string()),
        Just("https://x.org/a(b)".to_string()),
        Just("[t](http://[::1]:99999/%zz)".to_string()),
        Just("aka.ms/x ".to_string()),
        Just("\r".to_string()),
        Just("\n\n".to_string()),
        Just("\u{feff}".to_string()),
        Just("😀𝒳".to_string()),
        "\\PC{0,12}",
    ];
    prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn parsing_any_text_is_total_and_in_bounds(text in prop_oneof![digestish(), "\\PC{0,200}", any::<String>()]) {
        let config = Config::default();
        let file = parse(&text, &config);
        for range in all_ranges(&file) {
            prop_assert!(range.start <= range.end && range.end <= text.len(), "{range:?}");
            prop_assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end), "{range:?}");
        }
        prop_assert_eq!(&file, &parse(&text, &config));
        let analysis = Analysis::new(&text, &config);
        let first = check(&analysis, &config, &NoFiles);
        prop_assert_eq!(first, check(&analysis, &config, &NoFiles));
    }
}
