//! The formatter: exact output for each layout rule, the smallest edits,
//! range formatting, and properties over generated digests (idempotent,
//! preserving what the parser sees, same findings).
#![allow(clippy::unwrap_used)]

use crate::common::{edit, edits};
use digest_analysis::format::{apply, format, format_range, format_text};
use digest_analysis::rules::Unresolved;
use digest_analysis::syntax::{Inline, SourceFile};
use digest_analysis::{
    Analysis, Config, Diagnostic, FormatOptions, LineEnd, NoFiles, Problem, Rule, TextEdit,
    TextRange, check, parse_config,
};
use proptest::prelude::*;

/// `text` formatted under `config`, checked to be a fixed point: formatting
/// the result gives no edits.
fn fmt_with(text: &str, config: &Config) -> String {
    let out = format_text(text, config, &FormatOptions::default());
    let again = format(
        &Analysis::new(&out, config),
        config,
        &FormatOptions::default(),
    );
    assert_eq!(again, [], "formatting {out:?} again changes it");
    out
}

fn fmt(text: &str) -> String {
    fmt_with(text, &Config::default())
}

const CANONICAL: &str = "\
My digest

Paper1 Spatial things

摘要原文: We look at space.

中文总结: 这篇论文看空间。
第二行。

Paper2 Other things

Abstract: Time.

Summary:
";

#[test]
fn a_canonical_digest_gets_no_edits() {
    assert_eq!(edits(CANONICAL), []);
    assert_eq!(fmt(CANONICAL), CANONICAL);
    assert_eq!(edits(""), []);
    assert_eq!(edits("\u{feff}"), []);
}

#[test]
fn one_trailing_space_is_one_edit_deleting_it() {
    let text = CANONICAL.replace("Spatial things", "Spatial things ");
    let at = text.find("things \n").unwrap() + "things".len();
    assert_eq!(edits(&text), [edit(at, at + 1, "")]);
    assert_eq!(apply(&text, &edits(&text)), CANONICAL);
}

#[test]
fn headings() {
    let text = "Paper 01: Title\nPaper12.\nPaper3：标题\nPaper4\t T  \nPaper 000 X\nPaper5 \t\nPaper6.5 fives\n";
    assert_eq!(
        fmt(text),
        "Paper1 Title\n\nPaper12\n\nPaper3 标题\n\nPaper4 T\n\nPaper0 X\n\nPaper5\n\nPaper6 5 fives\n"
    );
    // The smallest edit: ` 01:` becomes `1`.
    assert_eq!(edits("Paper 01: Title\n"), [edit(5, 9, "1")]);
    // A number past u64 keeps its digits.
    assert_eq!(
        fmt("Paper 0099999999999999999999 Big\n"),
        "Paper99999999999999999999 Big\n"
    );
    // The keyword as written, one of the configured ones.
    let config = Config {
        keywords: vec!["Paper".into(), "论文".into()],
        ..Config::default()
    };
    assert_eq!(
        fmt_with("论文 07：题目\nPaper 8\n", &config),
        "论文7 题目\n\nPaper8\n"
    );
    // Not headings: left as they are.
    assert_eq!(
        fmt(" Paper1 indented\nPapers 1\nPaper3D Vision\n"),
        " Paper1 indented\nPapers 1\nPaper3D Vision\n"
    );
}

#[test]
fn labels_take_the_majority_colon_and_one_space() {
    // Two full-width colons against one ASCII colon.
    assert_eq!(
        fmt("Paper1 A\n\nAbstract：a\n\n笔记：n\n\nSummary:b\n"),
        "Paper1 A\n\nAbstract： a\n\n笔记： n\n\nSummary： b\n"
    );
    // A tie: ASCII.
    assert_eq!(
        fmt("Paper1 A\n\n摘要原文：a\n\n中文总结:b\n"),
        "Paper1 A\n\n摘要原文: a\n\n中文总结: b\n"
    );
    // White space after the colon: one space before text on the line.
    assert_eq!(
        fmt("Paper1 A\n\nAbstract:\t  a\n\nSummary:\u{3000}b\n"),
        "Paper1 A\n\nAbstract: a\n\nSummary: b\n"
    );
    // An empty section keeps no space; text on the next line keeps its
    // line break and indentation; blank lines after the label become one.
    assert_eq!(
        fmt("Paper1 A\n\nAbstract:   \n\nSummary:  \n  indented\n\nNotes:\n\n\n\nlater\n"),
        "Paper1 A\n\nAbstract:\n\nSummary:\n  indented\n\nNotes:\n\nlater\n"
    );
    // Lines that only look like labels are text.
    assert_eq!(
        fmt("Paper1 A\n\nAbstract:a\nSumary：x\n抵扣说明：y\n"),
        "Paper1 A\n\nAbstract: a\nSumary：x\n抵扣说明：y\n"
    );
}

/// The text after a label's colon is scanned from its own start: the space
/// formatting puts after the colon changes no finding.
#[test]
fn a_link_right_after_a_label_colon() {
    let text = "Paper1 A\n\n摘要原文:aka.ms/x\n\n中文总结:b\n";
    let out = fmt(text);
    assert_eq!(out, "Paper1 A\n\n摘要原文: aka.ms/x\n\n中文总结: b\n");
    for text in [text, &out] {
        let analysis = Analysis::new(text, &Config::default());
        let messages: Vec<String> = check(&analysis, &Config::default(), &NoFiles)
            .iter()
            .map(Diagnostic::message)
            .collect();
        assert_eq!(
            messages,
            ["Paper1: `aka.ms/x` looks like a link without a scheme: write `https://aka.ms/x`"]
        );
    }
}

#[test]
fn blank_lines() {
    let text = "\n\n  \nMy digest  \n\n\n\nmore preamble\nPaper1 A\nstray\n\n \n\nstray 2\nAbstract: a\n\n\n   \nstill a\n  indented a\nSummary: b\nPaper2 B\n\n\n\n\nAbstract: c\n\n\n";
    assert_eq!(
        fmt(text),
        "My digest\n\nmore preamble\n\nPaper1 A\n\nstray\n\nstray 2\n\nAbstract: a\n\nstill a\n  indented a\n\nSummary: b\n\nPaper2 B\n\nAbstract: c\n"
    );
    // Papers without a body, one after the other; no blank line at the start.
    assert_eq!(fmt("\n\nPaper1 A\nPaper2 B"), "Paper1 A\n\nPaper2 B\n");
}

#[test]
fn the_file_start_and_end() {
    assert_eq!(fmt(""), "");
    assert_eq!(fmt(" \n\t\n\n"), "");
    assert_eq!(fmt("\u{feff}  \n\n"), "\u{feff}");
    assert_eq!(
        fmt("\u{feff}\n\nTitle\nPaper1 A"),
        "\u{feff}Title\n\nPaper1 A\n"
    );
    assert_eq!(fmt("\u{feff}Paper1 A\n"), "\u{feff}Paper1 A\n");
    assert_eq!(fmt("Paper1 A"), "Paper1 A\n");
    assert_eq!(fmt("Paper1 A\n\n\n \n"), "Paper1 A\n");
    assert_eq!(edits("Paper1 A"), [edit(8, 8, "\n")]);
}

#[test]
fn line_ends_follow_the_first() {
    assert_eq!(
        fmt("Title\r\nPaper1 A \r\nAbstract:a\nSummary: b\rc"),
        "Title\r\n\r\nPaper1 A\r\n\r\nAbstract: a\r\n\r\nSummary: b\r\nc\r\n"
    );
    assert_eq!(
        fmt("Title\rPaper1 A\r\n\rAbstract: a\r\r\r"),
        "Title\r\rPaper1 A\r\rAbstract: a\r"
    );
    // CRLF to CR: the CRLF is replaced whole (no LSP position names the
    // place between its `\r` and its `\n`).
    let text = "Paper1 A\r\r\nAbstract: a\r";
    assert_eq!(edits(text), [edit(9, 11, "\r")]);
    // Chosen by the caller.
    let options = FormatOptions {
        line_end: Some(LineEnd::CrLf),
        ..FormatOptions::default()
    };
    let analysis = Analysis::new(CANONICAL, &Config::default());
    assert_eq!(
        apply(CANONICAL, &format(&analysis, &Config::default(), &options)),
        CANONICAL.replace('\n', "\r\n")
    );
    assert_eq!(LineEnd::first_in("a\rb\nc"), Some(LineEnd::Cr));
    assert_eq!(LineEnd::first_in("a"), None);
}

#[test]
fn disabled_formatting_gives_no_edits() {
    let options = FormatOptions {
        enabled: false,
        ..FormatOptions::default()
    };
    let analysis = Analysis::new("\n\nPaper 01 A  \n", &Config::default());
    assert_eq!(format(&analysis, &Config::default(), &options), []);
}

#[test]
fn cjk_and_emoji_edits_stay_on_char_boundaries() {
    let text = "Paper1 标题😀\u{3000}\n\nSummary:中文😀 \u{3000}\n𝒳 行\t\n";
    assert_eq!(fmt(text), "Paper1 标题😀\n\nSummary: 中文😀\n𝒳 行\n");
    let title_end = text.find('\u{3000}').unwrap();
    let colon = text.find(':').unwrap() + 1;
    let summary_end = text.find(" \u{3000}").unwrap();
    let tab = text.find('\t').unwrap();
    assert_eq!(
        edits(text),
        [
            edit(title_end, title_end + 3, ""),
            edit(colon, colon, " "),
            edit(summary_end, summary_end + 4, ""),
            edit(tab, tab + 1, ""),
        ]
    );
}

#[test]
fn a_very_long_line() {
    let long = "长".repeat(100_000);
    let text = format!("Paper1 A\n\nSummary: {long}  \u{3000}\n");
    assert_eq!(fmt(&text), format!("Paper1 A\n\nSummary: {long}\n"));
    assert_eq!(edits(&text).len(), 1);
}

#[test]
fn range_formatting_keeps_the_edits_on_the_touched_lines() {
    let text = "Paper1 A \nAbstract:a\n\n\nPaper 02 B\nAbstract:  b \nPaper3 C\t\n";
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    let options = FormatOptions::default();
    let all = format(&analysis, &config, &options);
    let heading2 = text.find("Paper 02").unwrap();
    let abstract2 = text.find("Abstract:  b").unwrap();
    // The whole text: every edit.
    let whole = TextRange::new(0, text.len());
    assert_eq!(format_range(&analysis, &config, whole, &options), all);
    // A cursor in Paper2's heading: the blank lines before it become one,
    // the heading is rewritten; its line end is followed by a blank line.
    let on_heading = format_range(&analysis, &config, TextRange::empty(heading2 + 3), &options);
    assert_eq!(
        on_heading,
        [
            edit(heading2 - 1, heading2, ""),
            edit(heading2 + 5, heading2 + 7, ""),
            edit(abstract2, abstract2, "\n"),
        ]
    );
    // The two lines of Paper2 selected whole (ending at the next line's start).
    let paper3 = text.find("Paper3").unwrap();
    let lines = format_range(
        &analysis,
        &config,
        TextRange::new(heading2, paper3),
        &options,
    );
    assert_eq!(
        apply(text, &lines),
        "Paper1 A \nAbstract:a\n\nPaper2 B\n\nAbstract: b\n\nPaper3 C\t\n"
    );
    // Inside the last line: the line end before it and its trailing tab.
    let last = format_range(
        &analysis,
        &config,
        TextRange::new(paper3 + 2, paper3 + 4),
        &options,
    );
    let b = text.find("b \n").unwrap() + 1;
    assert_eq!(
        last,
        [
            edit(b, b + 1, "\n"),
            edit(text.len() - 2, text.len() - 1, "")
        ]
    );
    // A blank line touched: its run becomes one blank line.
    let blank = text.find("\n\n\n").unwrap() + 2;
    let on_blank = format_range(&analysis, &config, TextRange::empty(blank), &options);
    assert_eq!(on_blank, [edit(heading2 - 1, heading2, "")]);
    assert!(all.len() > on_heading.len() + last.len());
}

#[test]
fn apply_leaves_out_edits_out_of_order_or_out_of_the_text() {
    let text = "abc😀";
    let wrong = [
        edit(1, 2, "B"),
        edit(0, 1, "A"),
        edit(4, 5, "x"),
        edit(9, 9, "y"),
        edit(3, 7, "!"),
    ];
    assert_eq!(apply(text, &wrong), "aBc!");
}

#[test]
fn with_the_typography_rules_on_their_fixes_are_made() {
    let config = typography_on();
    let text =
        "Paper 01 T\nAbstract:用COCO训练,很好.\nSummary:,使用COCO数据集训练.  \n第二行ＡＢ\n";
    // The abstract is not read; a fix touching a layout edit joins it.
    assert_eq!(
        fmt_with(text, &config),
        "Paper1 T\n\nAbstract: 用COCO训练,很好.\n\nSummary: ，使用 COCO 数据集训练。\n第二行 AB\n"
    );
    let analysis = Analysis::new(text, &config);
    let colon = text.find("Summary:").unwrap() + 8;
    let edits = format(&analysis, &config, &FormatOptions::default());
    assert!(edits.contains(&edit(colon, colon + 1, " ，")), "{edits:?}");
    // Off (the default): the layout alone.
    assert_eq!(
        fmt(text),
        "Paper1 T\n\nAbstract: 用COCO训练,很好.\n\nSummary: ,使用COCO数据集训练.\n第二行ＡＢ\n"
    );
    // A range takes the fixes of the lines it touches.
    let second = text.find("第二行").unwrap();
    let part = format_range(
        &analysis,
        &config,
        TextRange::empty(second),
        &FormatOptions::default(),
    );
    assert_eq!(
        apply(text, &part),
        "Paper 01 T\nAbstract:用COCO训练,很好.\nSummary:,使用COCO数据集训练.\n第二行 AB\n"
    );
}

/// A digest of some 10 MB: formatted once in one pass, a fixed point after.
#[test]
fn a_large_digest() {
    let mut text = String::from("Title  \n");
    let mut expected = String::from("Title\n");
    let long = "这段话主要介绍了知识蒸馏 distillation ".repeat(40);
    let long = long.trim_end();
    for n in 1..=4000 {
        text.push_str(&format!(
            "Paper {n:03}: T{n}\nAbstract:{long}  \n\n\nSummary：{long}\n"
        ));
        expected.push_str(&format!(
            "\nPaper{n} T{n}\n\nAbstract: {long}\n\nSummary: {long}\n"
        ));
    }
    assert!(text.len() > 10_000_000, "{}", text.len());
    let config = Config::default();
    let out = fmt_with(&text, &config);
    // Not assert_eq: a failure would print 20 MB.
    let first_difference = out.bytes().zip(expected.bytes()).position(|(a, b)| a != b);
    assert!(out == expected, "differs at {first_difference:?}");
}

// ---------------------------------------------------------------------------
// Properties.

/// Trailing white space, blank-line runs, CJK, emoji, references and links.
fn word() -> impl Strategy<Value = &'static str> {
    prop::sample::select(WORDS.to_vec())
}

/// [`WORDS`] and Chinese text for the typography rules: Han next to Latin
/// letters and digits, half-width punctuation, full-width letters, code.
fn typo_word() -> impl Strategy<Value = &'static str> {
    prop::sample::select([WORDS, TYPO_WORDS].concat())
}

const TYPO_WORDS: &[&str] = &[
    "使用COCO数据集",
    "第3轮",
    "2023年",
    "3.5与1,000",
    "模型 (ResNet) 的",
    "好,",
    "结束.",
    "中 , 文",
    "ＣＯＣＯ",
    "用ＡＢ",
    "`a,b 中`",
    "中:",
];

const WORDS: &[&str] = &[
    "word",
    "中文",
    "😀",
    "𝒳",
    "Paper3",
    "Paper 2",
    "与Paper1类似",
    "[[Paper1]]",
    "[[other#Paper2]]",
    "https://x.org/a",
    "(code: https://x.org/a).",
    "aka.ms/x",
    "htp://bad",
    "[t](http://a.org)",
    "ＡＢＣ",
    "x:",
    "：",
];

fn words(word: BoxedStrategy<&'static str>) -> impl Strategy<Value = String> {
    prop::collection::vec(
        (word, prop::sample::select(vec![" ", "", "  ", "\t"])),
        1..5,
    )
    .prop_map(|ws| ws.into_iter().map(|(w, s)| format!("{w}{s}")).collect())
}

fn trailing() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", "", " ", "\t", "  ", "\u{3000}"])
}

/// One line, without its line end.
fn line(word: BoxedStrategy<&'static str>) -> impl Strategy<Value = String> {
    let label = prop::sample::select(vec![
        "摘要原文",
        "Abstract",
        "中文总结",
        "Summary",
        "笔记",
        "Notes",
        "代码",
        "标签",
    ]);
    let heading = (
        prop::sample::select(vec!["Paper", "Paper "]),
        prop::sample::select(vec!["", "0", "00"]),
        0u8..12,
        prop::sample::select(vec!["", " ", "  ", ":", "：", ".", ": ", "\t", "x"]),
        prop::option::of(words(word.clone())),
    )
        .prop_map(|(k, z, n, sep, title)| format!("{k}{z}{n}{sep}{}", title.unwrap_or_default()));
    let section = (
        label,
        prop::sample::select(vec![":", "："]),
        prop::sample::select(vec!["", " ", "  ", "\t", "\u{3000}"]),
        prop::option::of(words(word.clone())),
    )
        .prop_map(|(l, c, gap, text)| format!("{l}{c}{gap}{}", text.unwrap_or_default()));
    let text = (prop::sample::select(vec!["", "", "  ", "\t"]), words(word))
        .prop_map(|(indent, w)| format!("{indent}{w}"));
    let near = prop::sample::select(vec!["Sumary: x", "Abstrct：y", "抵扣说明：z", "summary:"])
        .prop_map(str::to_string);
    let blank = prop::sample::select(vec!["", "", " ", "\t", "\u{3000}"]).prop_map(str::to_string);
    (
        prop_oneof![2 => heading, 3 => section, 3 => text, 1 => near, 3 => blank],
        trailing(),
    )
        .prop_map(|(l, t)| format!("{l}{t}"))
}

/// A generated digest: a BOM or not, one kind of line end (sometimes
/// mixed), lines of every kind, any number of final line ends.
fn digest() -> impl Strategy<Value = String> {
    digest_of(word().boxed())
}

/// A [`digest`] with Chinese text for the typography rules.
fn typo_digest() -> impl Strategy<Value = String> {
    digest_of(typo_word().boxed())
}

fn digest_of(word: BoxedStrategy<&'static str>) -> impl Strategy<Value = String> {
    let ends = prop::sample::select(vec!["\n", "\r\n", "\r"]);
    (
        any::<bool>(),
        ends.clone(),
        prop::collection::vec((line(word), prop::option::weighted(0.1, ends)), 0..30),
        0usize..3,
    )
        .prop_map(|(bom, eol, lines, finals)| {
            let mut text = String::from(if bom { "\u{feff}" } else { "" });
            for (i, (line, other)) in lines.iter().enumerate() {
                if i > 0 {
                    text.push_str(other.unwrap_or(eol));
                }
                text.push_str(line);
            }
            text.push_str(&eol.repeat(finals));
            text
        })
}

/// What formatting must keep: papers (numbers, titles), sections (kinds,
/// labels, words), stray words, references and links, the preamble.
#[derive(Debug, PartialEq)]
struct Kept {
    title: Option<String>,
    preamble: Vec<String>,
    preamble_inline: (Vec<String>, Vec<String>),
    papers: Vec<KeptPaper>,
}

#[derive(Debug, PartialEq)]
struct KeptPaper {
    number: u64,
    title: Option<String>,
    keyword: String,
    sections: Vec<(String, String, Vec<String>)>,
    stray: Vec<String>,
    inline: (Vec<String>, Vec<String>),
}

fn words_of(text: &str, range: TextRange) -> Vec<String> {
    range
        .slice(text)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

/// References as their targets, links as their URLs, in text order.
fn inline_of(text: &str, inline: &Inline) -> (Vec<String>, Vec<String>) {
    (
        inline
            .references
            .iter()
            .map(|r| format!("{:?}", r.target))
            .collect(),
        inline
            .links
            .iter()
            .map(|l| format!("{} {:?} {:?}", l.url.slice(text), l.kind, l.problem))
            .collect(),
    )
}

fn kept(text: &str, file: &SourceFile) -> Kept {
    let papers = file
        .papers
        .iter()
        .map(|p| KeptPaper {
            number: p.number,
            title: p.title.map(|t| t.slice(text).to_string()),
            keyword: p.keyword.slice(text).to_string(),
            sections: p
                .sections
                .iter()
                .map(|s| {
                    let label = s.label.slice(text).to_string();
                    (s.kind.to_string(), label, words_of(text, s.text))
                })
                .collect(),
            stray: p.stray.map(|s| words_of(text, s)).unwrap_or_default(),
            inline: inline_of(text, &p.inline),
        })
        .collect();
    Kept {
        title: file.title.map(|t| t.slice(text).to_string()),
        preamble: words_of(text, file.preamble),
        preamble_inline: inline_of(text, &file.preamble_inline),
        papers,
    }
}

/// `Paper 01` as formatting writes it: `Paper1`.
fn canonical_name(name: &str) -> String {
    let at = name
        .find(|c: char| c.is_ascii_digit())
        .unwrap_or(name.len());
    let keyword = name[..at].strip_suffix(' ').unwrap_or(&name[..at]);
    let digits = name[at..].trim_start_matches('0');
    format!("{keyword}{}", if digits.is_empty() { "0" } else { digits })
}

/// A finding as (code, message), the paper it names as formatting writes
/// its heading: a message names the paper as written.
fn finding(d: &Diagnostic) -> (String, String) {
    let mut problem = d.problem.clone();
    let canon = |name: &mut String| *name = canonical_name(name);
    match &mut problem {
        Problem::MissingSection { paper, .. }
        | Problem::EmptySection { paper, .. }
        | Problem::DuplicateSection { paper, .. }
        | Problem::MissingTitle { paper }
        | Problem::UnknownLabel { paper, .. }
        | Problem::StrayText { paper, .. } => canon(paper),
        // The earlier heading's line moves and its text is rewritten: the
        // spec compares findings less the line numbers.
        Problem::DuplicatePaper {
            paper,
            earlier,
            line,
        } => {
            canon(paper);
            earlier.clear();
            *line = 0;
        }
        Problem::Numbering {
            paper, previous, ..
        } => {
            canon(paper);
            canon(previous);
        }
        Problem::UnresolvedReference { paper, reason, .. } => {
            if let Some(paper) = paper {
                canon(paper);
            }
            if let Unresolved::NoPaper {
                highest: Some(highest),
            } = reason
            {
                canon(highest);
            }
        }
        Problem::MalformedLink {
            paper: Some(paper), ..
        }
        | Problem::LinkWithoutScheme {
            paper: Some(paper), ..
        } => canon(paper),
        _ => {}
    }
    (d.rule().code().to_string(), problem.message())
}

fn findings(analysis: &Analysis) -> Vec<(String, String)> {
    findings_under(analysis, &Config::default())
}

/// The findings under `config`, less those of the typography rules (which
/// formatting with them on fixes).
fn findings_under(analysis: &Analysis, config: &Config) -> Vec<(String, String)> {
    let typography = [
        Rule::CjkSpacing,
        Rule::CjkPunctuation,
        Rule::FullwidthAlphanumeric,
    ];
    let mut out: Vec<_> = check(analysis, config, &NoFiles)
        .iter()
        .filter(|d| !typography.contains(&d.rule()))
        .map(finding)
        .collect();
    out.sort();
    out
}

/// The typography rules on.
fn typography_on() -> Config {
    let (config, errors) = parse_config(
        "[rules]\ncjk-spacing = \"warning\"\ncjk-punctuation = \"warning\"\nfullwidth-alphanumeric = \"warning\"\n",
    );
    assert_eq!(errors, []);
    config
}

/// What formatting keeps, the sections' words read as the typography fixes
/// leave them: without white space, letters, digits and punctuation
/// half-width.
fn kept_less_typography(mut kept: Kept) -> Kept {
    let half = |c: char| match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap(),
        '，' => ',',
        '；' => ';',
        '：' => ':',
        '？' => '?',
        '！' => '!',
        '（' => '(',
        '）' => ')',
        '。' => '.',
        c => c,
    };
    for paper in &mut kept.papers {
        for (_, _, words) in &mut paper.sections {
            *words = vec![words.concat().chars().map(half).collect()];
        }
    }
    kept
}

/// The layout, checked on the text itself: one kind of line end, no
/// trailing white space, no blank line at the start, no two blank lines in
/// a row, exactly one final line end.
fn assert_layout(text: &str) -> Result<(), TestCaseError> {
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    if body.is_empty() {
        return Ok(());
    }
    let eol = LineEnd::first_in(body).map(LineEnd::as_str).unwrap_or("\n");
    prop_assert!(body.ends_with(eol), "no final line end: {text:?}");
    let lines: Vec<&str> = body[..body.len() - eol.len()].split(eol).collect();
    for (i, line) in lines.iter().enumerate() {
        prop_assert!(!line.contains(['\r', '\n']), "mixed line ends: {text:?}");
        prop_assert_eq!(line.trim_end(), *line, "trailing white space: {:?}", text);
        if line.is_empty() {
            prop_assert!(i > 0 && !lines[i - 1].is_empty(), "blank run: {:?}", text);
        }
    }
    prop_assert!(!lines.last().is_some_and(|l| l.is_empty()), "{text:?}");
    Ok(())
}

/// The edits are sorted, apart, on char boundaries, and inside the text.
fn assert_edits(text: &str, edits: &[TextEdit]) -> Result<(), TestCaseError> {
    for pair in edits.windows(2) {
        prop_assert!(pair[0].range.end < pair[1].range.start, "{edits:?}");
    }
    for e in edits {
        prop_assert!(e.range.start <= e.range.end && e.range.end <= text.len());
        prop_assert!(text.is_char_boundary(e.range.start) && text.is_char_boundary(e.range.end));
        prop_assert_ne!(e.range.slice(text), e.new_text.as_str());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn formatting_is_idempotent(text in prop_oneof![3 => digest(), 1 => "\\PC{0,80}", 1 => any::<String>()]) {
        let config = Config::default();
        let options = FormatOptions::default();
        let analysis = Analysis::new(&text, &config);
        let edits = format(&analysis, &config, &options);
        assert_edits(&text, &edits)?;
        let once = apply(&text, &edits);
        assert_layout(&once)?;
        let again = format(&Analysis::new(&once, &config), &config, &options);
        prop_assert_eq!(again, vec![], "formatted: {:?}", once);
        prop_assert_eq!(edits.is_empty(), once == text);
    }

    #[test]
    fn formatting_keeps_what_the_parser_sees(text in digest()) {
        let config = Config::default();
        let before = Analysis::new(&text, &config);
        let once = apply(&text, &format(&before, &config, &FormatOptions::default()));
        let after = Analysis::new(&once, &config);
        prop_assert_eq!(kept(&text, &before.syntax), kept(&once, &after.syntax), "formatted: {:?}", once);
    }

    #[test]
    fn formatting_keeps_the_findings(text in digest()) {
        let config = Config::default();
        let before = Analysis::new(&text, &config);
        let once = apply(&text, &format(&before, &config, &FormatOptions::default()));
        let after = Analysis::new(&once, &config);
        prop_assert_eq!(findings(&before), findings(&after), "formatted: {:?}", once);
    }

    #[test]
    fn formatting_with_typography_is_idempotent(text in prop_oneof![3 => typo_digest(), 1 => digest()]) {
        let config = typography_on();
        let options = FormatOptions::default();
        let analysis = Analysis::new(&text, &config);
        let edits = format(&analysis, &config, &options);
        assert_edits(&text, &edits)?;
        let once = apply(&text, &edits);
        assert_layout(&once)?;
        let after = Analysis::new(&once, &config);
        prop_assert_eq!(format(&after, &config, &options), vec![], "formatted: {:?}", once);
        prop_assert_eq!(digest_analysis::rules::typography::fix_all(&after, &config), vec![]);
    }

    #[test]
    fn formatting_with_typography_keeps_the_rest(text in typo_digest()) {
        let config = typography_on();
        let before = Analysis::new(&text, &config);
        let once = apply(&text, &format(&before, &config, &FormatOptions::default()));
        let after = Analysis::new(&once, &config);
        prop_assert_eq!(
            kept_less_typography(kept(&text, &before.syntax)),
            kept_less_typography(kept(&once, &after.syntax)),
            "formatted: {:?}", once
        );
        prop_assert_eq!(findings_under(&before, &config), findings_under(&after, &config), "formatted: {:?}", once);
    }

    #[test]
    fn range_formatting_with_typography_takes_a_part_of_the_edits(text in typo_digest(), a in any::<usize>(), b in any::<usize>()) {
        let config = typography_on();
        let analysis = Analysis::new(&text, &config);
        let options = FormatOptions {
            line_end: Some(LineEnd::first_in(&text).unwrap_or(LineEnd::Lf)),
            ..FormatOptions::default()
        };
        let whole = apply(&text, &format(&analysis, &config, &options));
        let (a, b) = (a % (text.len() + 1), b % (text.len() + 1));
        let part = format_range(&analysis, &config, TextRange::new(a.min(b), a.max(b)), &options);
        assert_edits(&text, &part)?;
        prop_assert_eq!(format_text(&apply(&text, &part), &config, &options), whole);
    }

    #[test]
    fn range_formatting_takes_a_part_of_the_edits(text in digest(), a in any::<usize>(), b in any::<usize>()) {
        let config = Config::default();
        let analysis = Analysis::new(&text, &config);
        let options = FormatOptions::default();
        let all = format(&analysis, &config, &options);
        let (a, b) = (a % (text.len() + 1), b % (text.len() + 1));
        let part = format_range(&analysis, &config, TextRange::new(a.min(b), a.max(b)), &options);
        assert_edits(&text, &part)?;
        prop_assert!(part.len() <= all.len());
        // A part of the way to the same layout. With the same line end: the
        // part may delete the file's first line end (in a leading blank
        // line) without changing the others, and the next formatting then
        // takes the line end that comes first.
        let whole = apply(&text, &all);
        let same_end = FormatOptions {
            line_end: Some(LineEnd::first_in(&text).unwrap_or(LineEnd::Lf)),
            ..FormatOptions::default()
        };
        prop_assert_eq!(format_text(&apply(&text, &part), &config, &same_end), whole);
    }
}
