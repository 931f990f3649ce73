//! The typography rules (`cjk-spacing`, `cjk-punctuation`,
//! `fullwidth-alphanumeric`): each finding with its fix, then the text
//! after every fix of the file; properties over generated Chinese text with
//! links, references and code spans beside it.
#![allow(clippy::unwrap_used)]

use crate::common::{show_text, span};
use digest_analysis::format::apply;
use digest_analysis::rules::typography::{
    self, Spacing, TypographyOptions, findings_with, fix_all_with,
};
use digest_analysis::{Analysis, Config, NoFiles, Rule, parse_config};
use expect_test::{Expect, expect};
use proptest::prelude::*;

const ALL_ON: &str = "[rules]\ncjk-spacing = \"warning\"\ncjk-punctuation = \"warning\"\nfullwidth-alphanumeric = \"info\"\n";

fn all_on() -> Config {
    let (config, errors) = parse_config(ALL_ON);
    assert_eq!(errors, []);
    config
}

fn none() -> TypographyOptions {
    TypographyOptions {
        spacing: Spacing::None,
        ..TypographyOptions::default()
    }
}

/// A paper whose summary is `text`.
fn summary(text: &str) -> String {
    format!("Paper1 T\n摘要原文: a\n中文总结: {text}\n")
}

/// The typography findings of every paper, each as
/// `range [code] message` with its fix below (`range -> new text`).
fn render_findings(text: &str, config: &Config, options: &TypographyOptions) -> String {
    let analysis = Analysis::new(text, config);
    let mut out = String::new();
    for paper in &analysis.syntax.papers {
        for finding in findings_with(&analysis, paper, config, options.clone()) {
            let edit = finding.edit();
            out.push_str(&format!(
                "{} [{}] {}\n    {} {:?} -> {:?}\n",
                span(text, finding.range),
                finding.problem.rule().code(),
                finding.problem.message(),
                span(text, edit.range),
                edit.range.slice(text),
                edit.new_text,
            ));
        }
    }
    out
}

/// `text` after every typography fix; checked to leave nothing to find.
fn fixed_with(text: &str, config: &Config, options: &TypographyOptions) -> String {
    let analysis = Analysis::new(text, config);
    let fixed = apply(text, &fix_all_with(&analysis, config, options.clone()));
    assert_eq!(render_findings(&fixed, config, options), "", "{fixed:?}");
    fixed
}

/// The findings and fixes of `text` (all three rules on, `options`), then
/// the text after every fix.
fn check_with(text: &str, options: &TypographyOptions, expect: Expect) {
    let config = all_on();
    let mut out = render_findings(text, &config, options);
    out.push_str("--- fixed\n");
    out.push_str(&show_text(&fixed_with(text, &config, options)));
    expect.assert_eq(&out);
}

fn check(text: &str, expect: Expect) {
    check_with(text, &TypographyOptions::default(), expect);
}

#[test]
fn a_space_between_han_and_latin_letters_or_digits() {
    check(
        &summary("使用COCO数据集训练ResNet50，共3个阶段，2023年发表，提升5%与1.5倍"),
        expect![[r#"
            3:8..3:10 [cjk-spacing] Paper1: put a space between `用` and `COCO`
                3:9..3:9 "" -> " "
            3:12..3:14 [cjk-spacing] Paper1: put a space between `COCO` and `数`
                3:13..3:13 "" -> " "
            3:17..3:19 [cjk-spacing] Paper1: put a space between `练` and `ResNet50`
                3:18..3:18 "" -> " "
            3:27..3:29 [cjk-spacing] Paper1: put a space between `共` and `3`
                3:28..3:28 "" -> " "
            3:42..3:44 [cjk-spacing] Paper1: put a space between `升` and `5`
                3:43..3:43 "" -> " "
            3:45..3:47 [cjk-spacing] Paper1: put a space between `与` and `1`
                3:46..3:46 "" -> " "
            3:48..3:50 [cjk-spacing] Paper1: put a space between `5` and `倍`
                3:49..3:49 "" -> " "
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 使用 COCO 数据集训练 ResNet50，共 3个阶段，2023年发表，提升 5%与 1.5 倍
        "#]],
    );
}

#[test]
fn spacing_none_removes_the_space() {
    check_with(
        &summary("使用 COCO 数据集，2023 年，共 3\u{3000}个，A B 与 Poincaré 猜想"),
        &none(),
        expect![[r#"
            3:9..3:10 [cjk-spacing] Paper1: remove the space between `用` and `COCO`
                3:9..3:10 " " -> ""
            3:14..3:15 [cjk-spacing] Paper1: remove the space between `COCO` and `数`
                3:14..3:15 " " -> ""
            3:23..3:24 [cjk-spacing] Paper1: remove the space between `2023` and `年`
                3:23..3:24 " " -> ""
            3:27..3:28 [cjk-spacing] Paper1: remove the space between `共` and `3`
                3:27..3:28 " " -> ""
            3:29..3:30 [cjk-spacing] Paper1: remove the space between `3` and `个`
                3:29..3:30 "\u{3000}" -> ""
            3:35..3:36 [cjk-spacing] Paper1: remove the space between `B` and `与`
                3:35..3:36 " " -> ""
            3:37..3:38 [cjk-spacing] Paper1: remove the space between `与` and `Poincaré`
                3:37..3:38 " " -> ""
            3:46..3:47 [cjk-spacing] Paper1: remove the space between `Poincaré` and `猜`
                3:46..3:47 " " -> ""
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 使用COCO数据集，2023年，共3个，A B与Poincaré猜想
        "#]],
    );
}

#[test]
fn links_references_and_code_are_cut_out() {
    // Nothing across a cut-out's edge, nothing inside one.
    check(
        &summary(
            "与Paper3类似，见[[Paper1]]和[[other#Paper2]]，代码在https://x.org/a,b里，\
             或github.com/a/b中，用`x=1,y`和``a`b``写，[链接,文](https://y.org)",
        ),
        expect![[r#"
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 与Paper3类似，见[[Paper1]]和[[other#Paper2]]，代码在https://x.org/a,b里，或github.com/a/b中，用`x=1,y`和``a`b``写，[链接,文](https://y.org)
        "#]],
    );
    // Outside them, the text around is checked; an unmatched backtick is text.
    check(
        &summary("见Paper3,用A和`code`,3`个"),
        expect![[r#"
            3:14..3:15 [cjk-punctuation] Paper1: write the full-width `，` for `,` in Chinese text
                3:14..3:15 "," -> "，"
            3:15..3:17 [cjk-spacing] Paper1: put a space between `用` and `A`
                3:16..3:16 "" -> " "
            3:16..3:18 [cjk-spacing] Paper1: put a space between `A` and `和`
                3:17..3:17 "" -> " "
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 见Paper3，用 A 和`code`,3`个
        "#]],
    );
}

#[test]
fn only_the_configured_section_kinds_are_read() {
    let text = "\
前言A与B,

Paper1 标题COCO与B,
说明C与D,
摘要原文: 中文A与B, 摘要
中文总结: 总结A
笔记: 笔记B
代码: 代码C
";
    check(
        text,
        expect![[r#"
            6:8..6:10 [cjk-spacing] Paper1: put a space between `结` and `A`
                6:9..6:9 "" -> " "
            7:6..7:8 [cjk-spacing] Paper1: put a space between `记` and `B`
                7:7..7:7 "" -> " "
            --- fixed
            前言A与B,

            Paper1 标题COCO与B,
            说明C与D,
            摘要原文: 中文A与B, 摘要
            中文总结: 总结 A
            笔记: 笔记 B
            代码: 代码C
        "#]],
    );
    // Configured kinds.
    let options = TypographyOptions {
        sections: vec!["code".to_string()],
        ..TypographyOptions::default()
    };
    check_with(
        text,
        &options,
        expect![[r#"
            8:6..8:8 [cjk-spacing] Paper1: put a space between `码` and `C`
                8:7..8:7 "" -> " "
            --- fixed
            前言A与B,

            Paper1 标题COCO与B,
            说明C与D,
            摘要原文: 中文A与B, 摘要
            中文总结: 总结A
            笔记: 笔记B
            代码: 代码 C
        "#]],
    );
}

#[test]
fn half_width_punctuation_in_chinese_text() {
    check(
        &summary("首先,其次;然后: 最后?对! 好. 结束.下一句"),
        expect![[r#"
            3:9..3:10 [cjk-punctuation] Paper1: write the full-width `，` for `,` in Chinese text
                3:9..3:10 "," -> "，"
            3:12..3:13 [cjk-punctuation] Paper1: write the full-width `；` for `;` in Chinese text
                3:12..3:13 ";" -> "；"
            3:15..3:16 [cjk-punctuation] Paper1: write the full-width `：` for `:` in Chinese text
                3:15..3:17 ": " -> "："
            3:19..3:20 [cjk-punctuation] Paper1: write the full-width `？` for `?` in Chinese text
                3:19..3:20 "?" -> "？"
            3:21..3:22 [cjk-punctuation] Paper1: write the full-width `！` for `!` in Chinese text
                3:21..3:23 "! " -> "！"
            3:24..3:25 [cjk-punctuation] Paper1: write the full-width `。` for `.` in Chinese text
                3:24..3:26 ". " -> "。"
            3:28..3:29 [cjk-punctuation] Paper1: write the full-width `。` for `.` in Chinese text
                3:28..3:29 "." -> "。"
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 首先，其次；然后：最后？对！好。结束。下一句
        "#]],
    );
    // Spaces around it go, but not the indentation or trailing space.
    check(
        "Paper1 T\n摘要原文: a\n中文总结: 模型 (ResNet) 的结果 , 很好 .\n  , 开头\n",
        expect![[r#"
            3:10..3:11 [cjk-punctuation] Paper1: write the full-width `（` for `(` in Chinese text
                3:9..3:11 " (" -> "（"
            3:17..3:18 [cjk-punctuation] Paper1: write the full-width `）` for `)` in Chinese text
                3:17..3:19 ") " -> "）"
            3:23..3:24 [cjk-punctuation] Paper1: write the full-width `，` for `,` in Chinese text
                3:22..3:25 " , " -> "，"
            4:3..4:4 [cjk-punctuation] Paper1: write the full-width `，` for `,` in Chinese text
                4:3..4:5 ", " -> "，"
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 模型（ResNet）的结果，很好 .
              ，开头
        "#]],
    );
    // Numbers, Latin text, and a `.` not ending a Chinese sentence.
    check(
        &summary("精度3.5与1,000个, 即3,5; 方法A. 见a.b, 中.com 中..."),
        expect![[r#"
            3:8..3:10 [cjk-spacing] Paper1: put a space between `度` and `3`
                3:9..3:9 "" -> " "
            3:11..3:13 [cjk-spacing] Paper1: put a space between `5` and `与`
                3:12..3:12 "" -> " "
            3:12..3:14 [cjk-spacing] Paper1: put a space between `与` and `1`
                3:13..3:13 "" -> " "
            3:19..3:20 [cjk-punctuation] Paper1: write the full-width `，` for `,` in Chinese text
                3:19..3:21 ", " -> "，"
            3:21..3:23 [cjk-spacing] Paper1: put a space between `即` and `3`
                3:22..3:22 "" -> " "
            3:25..3:26 [cjk-punctuation] Paper1: write the full-width `；` for `;` in Chinese text
                3:25..3:27 "; " -> "；"
            3:28..3:30 [cjk-spacing] Paper1: put a space between `法` and `A`
                3:29..3:29 "" -> " "
            3:32..3:34 [cjk-spacing] Paper1: put a space between `见` and `a`
                3:33..3:33 "" -> " "
            3:36..3:37 [cjk-punctuation] Paper1: write the full-width `，` for `,` in Chinese text
                3:36..3:38 ", " -> "，"
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 精度 3.5 与 1,000个，即 3,5；方法 A. 见 a.b，中.com 中...
        "#]],
    );
}

#[test]
fn parentheses_are_fixed_in_pairs() {
    check(
        &summary("方法(ResNet).而(A(中)B) (x)"),
        expect![[r#"
            3:9..3:10 [cjk-punctuation] Paper1: write the full-width `（` for `(` in Chinese text
                3:9..3:10 "(" -> "（"
            3:16..3:17 [cjk-punctuation] Paper1: write the full-width `）` for `)` in Chinese text
                3:16..3:17 ")" -> "）"
            3:19..3:20 [cjk-punctuation] Paper1: write the full-width `（` for `(` in Chinese text
                3:19..3:20 "(" -> "（"
            3:21..3:22 [cjk-punctuation] Paper1: write the full-width `（` for `(` in Chinese text
                3:21..3:22 "(" -> "（"
            3:23..3:24 [cjk-punctuation] Paper1: write the full-width `）` for `)` in Chinese text
                3:23..3:24 ")" -> "）"
            3:25..3:26 [cjk-punctuation] Paper1: write the full-width `）` for `)` in Chinese text
                3:25..3:27 ") " -> "）"
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 方法（ResNet）.而（A（中）B）(x)
        "#]],
    );
}

#[test]
fn full_width_letters_and_digits() {
    check(
        &summary("用ＣＯＣＯ训练，第１２轮，２０２３年，ａ１"),
        expect![[r#"
            3:7..3:9 [cjk-spacing] Paper1: put a space between `用` and `ＣＯＣＯ`
                3:8..3:8 "" -> " "
            3:8..3:12 [fullwidth-alphanumeric] Paper1: write `COCO` for the full-width `ＣＯＣＯ`
                3:8..3:12 "ＣＯＣＯ" -> "COCO"
            3:11..3:13 [cjk-spacing] Paper1: put a space between `ＣＯＣＯ` and `训`
                3:12..3:12 "" -> " "
            3:15..3:17 [cjk-spacing] Paper1: put a space between `第` and `１２`
                3:16..3:16 "" -> " "
            3:16..3:18 [fullwidth-alphanumeric] Paper1: write `12` for the full-width `１２`
                3:16..3:18 "１２" -> "12"
            3:17..3:19 [cjk-spacing] Paper1: put a space between `１２` and `轮`
                3:18..3:18 "" -> " "
            3:20..3:24 [fullwidth-alphanumeric] Paper1: write `2023` for the full-width `２０２３`
                3:20..3:24 "２０２３" -> "2023"
            3:26..3:28 [fullwidth-alphanumeric] Paper1: write `a1` for the full-width `ａ１`
                3:26..3:28 "ａ１" -> "a1"
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 用 COCO 训练，第 12 轮，2023年，a1
        "#]],
    );
    // Left alone where the half-width form would join a link or a
    // reference, or make one.
    check(
        &summary("见ＡＢPaper3，Paper3ＣＤ，ｇｉｔｈｕｂ.com/a 与 Ｐａｐｅｒ３ 及 Paper ４"),
        expect![[r#"
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 见ＡＢPaper3，Paper3ＣＤ，ｇｉｔｈｕｂ.com/a 与 Ｐａｐｅｒ３ 及 Paper ４
        "#]],
    );
}

#[test]
fn fixes_never_change_what_a_line_is() {
    // A line at column 0 that a fix would make a label, a heading or
    // another label-like line keeps its start as written.
    check(
        "Paper1 T\n摘要原文: a\n中文总结: 第一行\n中文总结 : 文字,好\nＰａｐｅｒ２ 标题\n方法 :说明\n结果A:好\n",
        expect![[r#"
            4:10..4:11 [cjk-punctuation] Paper1: write the full-width `，` for `,` in Chinese text
                4:10..4:11 "," -> "，"
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 第一行
            中文总结 : 文字，好
            Ｐａｐｅｒ２ 标题
            方法 :说明
            结果A:好
        "#]],
    );
    // A `:` that keeps a link without a scheme from being one stays.
    check(
        &summary("见:github.com/a/b 与:COCO"),
        expect![[r#"
            3:25..3:26 [cjk-punctuation] Paper1: write the full-width `：` for `:` in Chinese text
                3:25..3:26 ":" -> "："
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 见:github.com/a/b 与：COCO
        "#]],
    );
    // Also when what follows starts with a reference (a cut-out of the
    // scan): `：` would make `Paper3.5github.com/a/b` one link.
    check(
        &summary("见 :Paper3.5github.com/a/b"),
        expect![[r#"
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 见 :Paper3.5github.com/a/b
        "#]],
    );
}

#[test]
fn long_words_are_quoted_in_part_and_kana_is_not_han() {
    check(
        &summary("用ABCDEFGHIJKLMNOPQRSTUVWXYZ训练，カナA，한A"),
        expect![[r#"
            3:7..3:9 [cjk-spacing] Paper1: put a space between `用` and `ABCDEFGHIJKLMNOPQRST…`
                3:8..3:8 "" -> " "
            3:33..3:35 [cjk-spacing] Paper1: put a space between `…GHIJKLMNOPQRSTUVWXYZ` and `训`
                3:34..3:34 "" -> " "
            --- fixed
            Paper1 T
            摘要原文: a
            中文总结: 用 ABCDEFGHIJKLMNOPQRSTUVWXYZ 训练，カナA，한A
        "#]],
    );
}

#[test]
fn all_off_finds_nothing() {
    let text = summary("使用COCO数据集,ＡＢ");
    assert_eq!(
        render_findings(&text, &Config::default(), &TypographyOptions::default()),
        ""
    );
    let analysis = Analysis::new(&text, &Config::default());
    assert_eq!(typography::fix_all(&analysis, &Config::default()), []);
    assert_eq!(
        digest_analysis::check(&analysis, &Config::default(), &NoFiles),
        []
    );
}

#[test]
fn each_rule_turns_on_alone() {
    let text = summary("使用COCO数据集,ＡＢ");
    let codes = |config: &str| {
        let (config, errors) = parse_config(config);
        assert_eq!(errors, []);
        let analysis = Analysis::new(&text, &config);
        digest_analysis::check(&analysis, &config, &NoFiles)
            .iter()
            .map(|d| format!("{} {}", d.severity.as_str(), d.rule().code()))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        codes("[rules]\ncjk-spacing = \"hint\"\n"),
        ["hint cjk-spacing", "hint cjk-spacing"]
    );
    assert_eq!(
        codes("[rules]\ncjk-punctuation = \"error\"\n"),
        ["error cjk-punctuation"]
    );
    // Alone, the full-width run is not read as Latin by the spacing rule.
    assert_eq!(
        codes("[rules]\nfullwidth-alphanumeric = \"warning\"\n"),
        ["warning fullwidth-alphanumeric"]
    );
    assert_eq!(Rule::CjkSpacing.default_severity(), None);
}

// ---------------------------------------------------------------------------
// Properties.

/// Chinese and Latin words, numbers, punctuation of both widths, and the
/// spans the rules must never touch: links, references, code.
fn piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "中文",
        "数据集",
        "年",
        "个",
        "COCO",
        "ResNet50",
        "3",
        "3.5",
        "1,000",
        "Poincaré",
        "ＣＯＣＯ",
        "１２",
        ",",
        ";",
        ":",
        "?",
        "!",
        "(",
        ")",
        ".",
        "，",
        "。",
        "https://x.org/a",
        "https://x.org/a_(b)",
        "github.com/a/b",
        "Paper3",
        "Paper 2",
        "Paper",
        "[[Paper1]]",
        "[[other#Paper2]]",
        " `a,b 中` ",
        " ``x`y`` ",
        "[文,字](http://a.org)",
        "<https://y.org>",
    ])
}

/// The code spans of [`piece`] (with spaces around, so that two of them
/// never make one run of backticks), which the fixes must leave whole; the
/// links and references are compared as the parser finds them.
const CODE: &[&str] = &[" `a,b 中` ", " ``x`y`` "];

fn prose() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            piece(),
            prop::sample::select(vec!["", "", "", " ", "  ", "\u{3000}"]),
        ),
        1..12,
    )
    .prop_map(|ps| ps.into_iter().map(|(p, s)| format!("{p}{s}")).collect())
}

/// A digest whose summaries and notes are generated prose over several
/// lines, some at column 0 that look like labels or headings.
fn typo_digest() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        4 => prose(),
        1 => prose().prop_map(|p| format!("  {p}")),
        1 => prose().prop_map(|p| format!("中文总结 :{p}")),
        1 => prose().prop_map(|p| format!("方法 : {p}")),
        1 => prose().prop_map(|p| format!("Ｐａｐｅｒ ３{p}")),
        1 => prose().prop_map(|p| format!("{p}:{p}")),
    ];
    let section = (
        prop::sample::select(vec!["中文总结", "Summary", "笔记", "摘要原文"]),
        prop::collection::vec(line, 1..4),
        prop::sample::select(vec!["\n", "\r\n"]),
    )
        .prop_map(|(label, lines, eol)| format!("{label}: {}", lines.join(eol)));
    prop::collection::vec(prop::collection::vec(section, 1..3), 1..3).prop_map(|papers| {
        let mut text = String::new();
        for (n, sections) in papers.iter().enumerate() {
            text.push_str(&format!("Paper{} T\n", n + 1));
            for section in sections {
                text.push_str(section);
                text.push('\n');
            }
        }
        text
    })
}

fn options() -> impl Strategy<Value = TypographyOptions> {
    prop::sample::select(vec![TypographyOptions::default(), none()])
}

fn count_findings(text: &str, config: &Config, options: &TypographyOptions) -> usize {
    let analysis = Analysis::new(text, config);
    (analysis.syntax.papers.iter())
        .map(|p| findings_with(&analysis, p, config, options.clone()).len())
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// Every fix together: sorted edits, apart, on char boundaries, after
    /// which the rules find nothing; the links, references and code spans
    /// are left whole, and no edit reaches into a link or a reference.
    #[test]
    fn fixing_everything_leaves_nothing_and_spans_whole(text in typo_digest(), options in options()) {
        let config = all_on();
        let analysis = Analysis::new(&text, &config);
        let edits = fix_all_with(&analysis, &config, options.clone());
        for pair in edits.windows(2) {
            prop_assert!(pair[0].range.end < pair[1].range.start, "{:?}", edits);
        }
        for edit in &edits {
            prop_assert!(text.is_char_boundary(edit.range.start) && text.is_char_boundary(edit.range.end));
            for paper in &analysis.syntax.papers {
                let spans = paper.inline.links.iter().map(|l| l.range)
                    .chain(paper.inline.references.iter().map(|r| r.range));
                for span in spans {
                    // (An insertion at a span's edge is not inside it.)
                    let inside = edit.range.start < span.end && span.start < edit.range.end;
                    prop_assert!(!inside, "{:?} reaches into {:?}", edit, span.slice(&text));
                }
            }
        }
        let fixed = apply(&text, &edits);
        prop_assert_eq!(render_findings(&fixed, &config, &options), "", "fixed: {:?}", fixed);
        for span in CODE {
            let span = span.trim();
            prop_assert_eq!(text.matches(span).count(), fixed.matches(span).count(), "{}", span);
        }
        // What the parser sees stays: papers, sections, links, references.
        let after = Analysis::new(&fixed, &config);
        let shape = |a: &Analysis, t: &str| {
            a.syntax.papers.iter().map(|p| {
                let kinds: Vec<String> = p.sections.iter().map(|s| s.kind.to_string()).collect();
                let links: Vec<String> = p.inline.links.iter().map(|l| l.range.slice(t).to_string()).collect();
                let refs: Vec<String> = p.inline.references.iter().map(|r| r.range.slice(t).to_string()).collect();
                (p.number, kinds, links, refs, p.label_like.iter().map(|r| r.slice(t).to_string()).collect::<Vec<_>>())
            }).collect::<Vec<_>>()
        };
        prop_assert_eq!(shape(&analysis, &text), shape(&after, &fixed), "fixed: {:?}", fixed);
    }

    /// Each quick fix alone leaves fewer findings.
    #[test]
    fn each_fix_leaves_fewer_findings(text in typo_digest(), options in options()) {
        let config = all_on();
        let analysis = Analysis::new(&text, &config);
        let before = count_findings(&text, &config, &options);
        for paper in &analysis.syntax.papers {
            for finding in findings_with(&analysis, paper, &config, options.clone()) {
                let fixed = apply(&text, &finding.edits());
                prop_assert!(count_findings(&fixed, &config, &options) < before, "{:?} in {:?}", finding, text);
            }
        }
    }

    /// With the rules off nothing is found; with them on, the other rules
    /// find what they found.
    #[test]
    fn off_finds_nothing_and_on_changes_no_other_finding(text in typo_digest()) {
        let off = Config::default();
        let analysis = Analysis::new(&text, &off);
        let found_off = digest_analysis::check(&analysis, &off, &NoFiles);
        prop_assert!(found_off.iter().all(|d| !is_typography(d.rule())));
        prop_assert_eq!(typography::fix_all(&analysis, &off), vec![]);
        let on = all_on();
        let found_on: Vec<_> = digest_analysis::check(&Analysis::new(&text, &on), &on, &NoFiles)
            .into_iter()
            .filter(|d| !is_typography(d.rule()))
            .collect();
        prop_assert_eq!(found_off, found_on);
    }
}

fn is_typography(rule: Rule) -> bool {
    matches!(
        rule,
        Rule::CjkSpacing | Rule::CjkPunctuation | Rule::FullwidthAlphanumeric
    )
}

#[test]
fn digest_toml_sets_the_options() {
    let (config, errors) = parse_config(&format!(
        "{ALL_ON}[typography]\nspacing = \"none\"\nsections = [\"abstract\"]\n"
    ));
    assert_eq!(errors, []);
    assert_eq!(
        typography::typography_options(&config),
        TypographyOptions {
            spacing: Spacing::None,
            sections: vec!["abstract".to_string()],
        }
    );
    // The abstract is read and the summary is not; "none" wants no space.
    let text = "Paper1 T\n摘要原文: 使用 COCO 数据集\n中文总结: 使用COCO数据集\n";
    let analysis = Analysis::new(text, &config);
    let codes: Vec<String> = digest_analysis::check(&analysis, &config, &NoFiles)
        .iter()
        .map(|d| format!("{} {}", span(text, d.range), d.rule().code()))
        .collect();
    assert_eq!(codes, ["2:9..2:10 cjk-spacing", "2:14..2:15 cjk-spacing"]);
}

#[test]
fn the_full_width_runs_of_one_word_are_fixed_together() {
    // Fixing `１２` alone would make `Paper12` a reference after `Ｏ`.
    let text = summary("见ＣＯＣＯPaper１２");
    let config = all_on();
    let analysis = Analysis::new(&text, &config);
    let paper = &analysis.syntax.papers[0];
    let fixes: Vec<String> = findings_with(&analysis, paper, &config, TypographyOptions::default())
        .iter()
        .map(|f| apply(&text, &f.edits()))
        .collect();
    let fixed = summary("见 COCOPaper12");
    let runs_only = summary("见COCOPaper12");
    // A spacing fix (见|Ｃ) also comes: its own edit; the two full-width runs
    // each bring the other.
    assert!(fixes.contains(&runs_only), "{fixes:#?}");
    assert_eq!(
        fixes.iter().filter(|f| **f == runs_only).count(),
        2,
        "{fixes:#?}"
    );
    assert_eq!(
        fixed_with(&text, &config, &TypographyOptions::default()),
        fixed
    );
}
