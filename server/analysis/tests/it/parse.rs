//! The parser: structure and exact ranges, and a property test.

use crate::common::{span, spanned};
use digest_analysis::syntax::{Inline, Link, Paper, Reference, Section, SourceFile, parse};
use digest_analysis::{Analysis, Config, NoFiles, TextRange};
use expect_test::{Expect, expect};
use proptest::prelude::*;

/// Everything the parser found in `text`, a field per line, ranges as
/// `line:col..line:col` followed by the text they cover when it is short.
fn render(text: &str, file: &SourceFile) -> String {
    let SourceFile {
        text_start,
        title,
        preamble,
        preamble_inline,
        papers,
    } = file;
    let r = |range: TextRange| spanned(text, range);
    let opt = |range: Option<TextRange>| range.map_or("None".to_string(), r);
    let mut out = format!(
        "text_start: {text_start}\ntitle: {}\npreamble: {}\n",
        opt(*title),
        span(text, *preamble)
    );
    render_inline(text, preamble_inline, "    ", &mut out);
    for paper in papers {
        let Paper {
            number,
            keyword,
            number_range,
            title,
            heading,
            range,
            sections,
            stray,
            label_like,
            inline,
        } = paper;
        out.push_str(&format!(
            "paper {number}: {}\n    heading: {}\n    keyword: {}\n    number: {}\n    title: {}\n",
            span(text, *range),
            r(*heading),
            r(*keyword),
            r(*number_range),
            opt(*title),
        ));
        for Section {
            kind,
            label,
            text: body,
            range,
        } in sections
        {
            out.push_str(&format!(
                "    section {kind}: {}\n        label: {}\n        text: {}\n",
                span(text, *range),
                r(*label),
                r(*body)
            ));
        }
        out.push_str(&format!("    stray: {}\n", opt(*stray)));
        for line in label_like {
            out.push_str(&format!("    label-like: {}\n", r(*line)));
        }
        render_inline(text, inline, "    ", &mut out);
    }
    out
}

/// The links and references of a stretch of text, one per line.
fn render_inline(text: &str, inline: &Inline, indent: &str, out: &mut String) {
    let Inline { links, references } = inline;
    for Link {
        range,
        url,
        kind,
        problem,
    } in links
    {
        out.push_str(&format!(
            "{indent}link {kind:?}: {}\n{indent}    url: {}\n{indent}    problem: {problem:?}\n",
            spanned(text, *range),
            spanned(text, *url)
        ));
    }
    for Reference {
        range,
        target,
        wiki,
    } in references
    {
        out.push_str(&format!(
            "{indent}reference {target:?}: {} (wiki: {wiki})\n",
            spanned(text, *range)
        ));
    }
}

fn check(text: &str, expect: Expect) {
    expect.assert_eq(&render(text, &parse(text, &Config::default())));
}

#[test]
fn heading_forms() {
    check(
        "Paper1 A\nPaper 2 B\nPaper3: C\nPaper4：标题\nPaper5.\nPaper006 F\n Paper7 no\nPapers 8\nPaper3D Vision\nPaper9\tTab\n",
        expect![[r#"
            text_start: 0
            title: None
            preamble: 1:1..1:1
            paper 1: 1:1..1:9
                heading: 1:1..1:9 "Paper1 A"
                keyword: 1:1..1:6 "Paper"
                number: 1:6..1:7 "1"
                title: 1:8..1:9 "A"
                stray: None
            paper 2: 2:1..2:10
                heading: 2:1..2:10 "Paper 2 B"
                keyword: 2:1..2:6 "Paper"
                number: 2:7..2:8 "2"
                title: 2:9..2:10 "B"
                stray: None
            paper 3: 3:1..3:10
                heading: 3:1..3:10 "Paper3: C"
                keyword: 3:1..3:6 "Paper"
                number: 3:6..3:7 "3"
                title: 3:9..3:10 "C"
                stray: None
            paper 4: 4:1..4:10
                heading: 4:1..4:10 "Paper4：标题"
                keyword: 4:1..4:6 "Paper"
                number: 4:6..4:7 "4"
                title: 4:8..4:10 "标题"
                stray: None
            paper 5: 5:1..5:8
                heading: 5:1..5:8 "Paper5."
                keyword: 5:1..5:6 "Paper"
                number: 5:6..5:7 "5"
                title: None
                stray: None
            paper 6: 6:1..9:15
                heading: 6:1..6:11 "Paper006 F"
                keyword: 6:1..6:6 "Paper"
                number: 6:6..6:9 "006"
                title: 6:10..6:11 "F"
                stray: 7:2..9:15 "Paper7 no\nPapers 8\nPaper3D Vision"
                reference Paper(7): 7:2..7:8 "Paper7" (wiki: false)
            paper 9: 10:1..10:11
                heading: 10:1..10:11 "Paper9\tTab"
                keyword: 10:1..10:6 "Paper"
                number: 10:6..10:7 "9"
                title: 10:8..10:11 "Tab"
                stray: None
        "#]],
    );
}

#[test]
fn sections_span_paragraphs_and_stop_at_labels() {
    check(
        "Title\n\nPaper1 A\n\n摘要原文: first\n\nsecond paragraph\n\n中文总结：总结\n\n\nPaper2 B\nAbstract:\n\ntext below\n",
        expect![[r#"
            text_start: 0
            title: 1:1..1:6 "Title"
            preamble: 1:1..3:1
            paper 1: 3:1..9:8
                heading: 3:1..3:9 "Paper1 A"
                keyword: 3:1..3:6 "Paper"
                number: 3:6..3:7 "1"
                title: 3:8..3:9 "A"
                section abstract: 5:1..7:17
                    label: 5:1..5:5 "摘要原文"
                    text: 5:7..7:17 "first\n\nsecond paragraph"
                section summary: 9:1..9:8
                    label: 9:1..9:5 "中文总结"
                    text: 9:6..9:8 "总结"
                stray: None
            paper 2: 12:1..15:11
                heading: 12:1..12:9 "Paper2 B"
                keyword: 12:1..12:6 "Paper"
                number: 12:6..12:7 "2"
                title: 12:8..12:9 "B"
                section abstract: 13:1..15:11
                    label: 13:1..13:9 "Abstract"
                    text: 15:1..15:11 "text below"
                stray: None
        "#]],
    );
}

#[test]
fn bom_crlf_and_cr_line_ends() {
    check(
        "\u{feff}Title\r\nPaper1 A\r摘要原文: x\r\n中文总结: y\r\n",
        expect![[r#"
            text_start: 3
            title: 1:1..1:6 "Title"
            preamble: 1:1..2:1
            paper 1: 2:1..4:8
                heading: 2:1..2:9 "Paper1 A"
                keyword: 2:1..2:6 "Paper"
                number: 2:6..2:7 "1"
                title: 2:8..2:9 "A"
                section abstract: 3:1..3:8
                    label: 3:1..3:5 "摘要原文"
                    text: 3:7..3:8 "x"
                section summary: 4:1..4:8
                    label: 4:1..4:5 "中文总结"
                    text: 4:7..4:8 "y"
                stray: None
        "#]],
    );
}

#[test]
fn a_bom_is_not_a_column() {
    check(
        "\u{feff}Paper1 A\n",
        expect![[r#"
            text_start: 3
            title: None
            preamble: 1:1..1:1
            paper 1: 1:1..1:9
                heading: 1:1..1:9 "Paper1 A"
                keyword: 1:1..1:6 "Paper"
                number: 1:6..1:7 "1"
                title: 1:8..1:9 "A"
                stray: None
        "#]],
    );
}

#[test]
fn references_are_found_in_bodies_not_headings() {
    check(
        "See Paper2.\nPaper1 About Paper2\n摘要原文: 与Paper2类似\n中文总结: [[Paper2]]\nPaper2 B\n",
        expect![[r#"
            text_start: 0
            title: 1:1..1:12 "See Paper2."
            preamble: 1:1..2:1
                reference Paper(2): 1:5..1:11 "Paper2" (wiki: false)
            paper 1: 2:1..4:17
                heading: 2:1..2:20 "Paper1 About Paper2"
                keyword: 2:1..2:6 "Paper"
                number: 2:6..2:7 "1"
                title: 2:8..2:20 "About Paper2"
                section abstract: 3:1..3:16
                    label: 3:1..3:5 "摘要原文"
                    text: 3:7..3:16 "与Paper2类似"
                section summary: 4:1..4:17
                    label: 4:1..4:5 "中文总结"
                    text: 4:7..4:17 "[[Paper2]]"
                stray: None
                reference Paper(2): 3:8..3:14 "Paper2" (wiki: false)
                reference Paper(2): 4:7..4:17 "[[Paper2]]" (wiki: true)
            paper 2: 5:1..5:9
                heading: 5:1..5:9 "Paper2 B"
                keyword: 5:1..5:6 "Paper"
                number: 5:6..5:7 "2"
                title: 5:8..5:9 "B"
                stray: None
        "#]],
    );
}

/// Every range of the syntax, for the property test.
fn all_ranges(file: &SourceFile) -> Vec<TextRange> {
    let mut out = vec![file.preamble];
    out.extend(file.title);
    let inline = |i: &Inline, out: &mut Vec<TextRange>| {
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
        let first = digest_analysis::check(&analysis, &config, &NoFiles);
        prop_assert_eq!(first, digest_analysis::check(&analysis, &config, &NoFiles));
    }
}
