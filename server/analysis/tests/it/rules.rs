//! Fixture tests for every rule: one case that fires and a near miss that
//! must not.

use crate::common::{Files, diagnostics, diagnostics_with, render_outline};
use digest_analysis::features::outline;
use digest_analysis::{Analysis, Config, parse_config};
use expect_test::{Expect, expect};

/// The diagnostics of `text` under `config`, one per line.
fn check_with(text: &str, config: &Config, files: &Files, expect: Expect) {
    expect.assert_eq(&crate::common::lines(diagnostics_with(text, config, files)));
}

fn check(text: &str, expect: Expect) {
    check_with(text, &Config::default(), &Files::default(), expect);
}

const CLEAN: &str = "\
Reading notes on sparse models

Paper1 Pruning before training

摘要原文: We prune weights at initialisation and train the rest.

中文总结: 本文在训练前剪枝，与Paper2互补。

Paper2 Mixture of experts at scale

Abstract: Routing tokens to experts keeps compute flat.

Summary: 路由让计算量保持不变，见 https://example.org/moe 。
";

#[test]
fn a_clean_digest_has_no_diagnostics() {
    check(CLEAN, expect![[""]]);
}

#[test]
fn missing_section_fires_on_the_heading() {
    let text = "Paper1 Only an abstract\n\n摘要原文: text\n";
    check(
        text,
        expect![[r#"
            1:1..1:24 warning[missing-section] Paper1 has no summary section: add a line starting with `中文总结:`
        "#]],
    );
    // Near miss: the English label counts as the summary.
    check("Paper1 T\n摘要原文: a\nSummary: b\n", expect![[""]]);
}

#[test]
fn empty_section_is_not_also_missing() {
    let text = "Paper1 T\n摘要原文:   \n中文总结: b\n";
    check(
        text,
        expect![[r#"
            2:1..2:6 warning[empty-section] Paper1: the `摘要原文` section is empty: write its text after the colon
        "#]],
    );
    // Near miss: text on the following line belongs to the section.
    check(
        "Paper1 T\n摘要原文:\n\nlater text\n中文总结: b\n",
        expect![[""]],
    );
}

#[test]
fn duplicate_section_fires_on_each_repeat_only() {
    let text = "Paper1 T\n摘要原文: a\n中文总结: b\nSummary: c\n中文总结: d\n";
    check(
        text,
        expect![[r#"
            4:1..4:8 warning[duplicate-section] Paper1 has a second summary section (`Summary`): merge it into the first one or remove it
            5:1..5:5 warning[duplicate-section] Paper1 has a second summary section (`中文总结`): merge it into the first one or remove it
        "#]],
    );
    // Near miss: notes and code are different kinds.
    check(
        "Paper1 T\n摘要原文: a\n中文总结: b\nNotes: c\nCode: d\n",
        expect![[""]],
    );
}

#[test]
fn missing_title_is_an_error() {
    let text = "Paper12.\n摘要原文: a\n中文总结: b\n";
    check(
        text,
        expect![[r#"
            1:1..1:9 error[missing-title] Paper12 has no title: write the paper's title after the number
        "#]],
    );
    check("Paper12. T\n摘要原文: a\n中文总结: b\n", expect![[""]]);
}

#[test]
fn duplicate_paper_points_at_the_first_and_skips_numbering() {
    let text = "Notes\n\nPaper1 A\n摘要原文: a\n中文总结: b\nPaper2 B\n摘要原文: a\n中文总结: b\nPaper1 C\n摘要原文: a\n中文总结: b\n";
    check(
        text,
        expect![[r#"
            9:1..9:7 error[duplicate-paper] Paper1 repeats the number of the heading on line 3 (`Paper1 A`): give this paper a number of its own (related 3:1..3:9: Paper1 is first used here)
        "#]],
    );
    // Lines count CRLF and a lone CR as one break each; a long heading is
    // quoted up to 60 characters.
    let long = "Paper2 A title that goes on and on, far longer than any message should quote";
    let text = format!(
        "Paper1 A\r\n摘要原文: a\r中文总结: b\n{long}\n摘要原文: a\n中文总结: b\nPaper2 B\n"
    );
    check(
        &text,
        expect![[r#"
            7:1..7:7 error[duplicate-paper] Paper2 repeats the number of the heading on line 4 (`Paper2 A title that goes on and on, far longer than any mess…`): give this paper a number of its own (related 4:1..4:77: Paper2 is first used here)
            7:1..7:9 warning[missing-section] Paper2 has no abstract section: add a line starting with `摘要原文:`
            7:1..7:9 warning[missing-section] Paper2 has no summary section: add a line starting with `中文总结:`
        "#]],
    );
    // Leading zeros are ignored: Paper01 is paper 1.
    let text = "Paper1 A\n摘要原文: a\n中文总结: b\nPaper01 B\n摘要原文: a\n中文总结: b\n";
    check(
        text,
        expect![[r#"
            4:1..4:8 error[duplicate-paper] Paper01 repeats the number of the heading on line 1 (`Paper1 A`): give this paper a number of its own (related 1:1..1:9: Paper1 is first used here)
        "#]],
    );
}

#[test]
fn numbering_follows_the_previous_heading() {
    let text = "Paper5 A\n摘要原文: a\n中文总结: b\nPaper7 B\n摘要原文: a\n中文总结: b\nPaper8 C\n摘要原文: a\n中文总结: b\n";
    check(
        text,
        expect![[r#"
            4:1..4:7 warning[numbering] Paper7 follows Paper5: expected number 6; renumber the paper
        "#]],
    );
}

#[test]
fn unresolved_references_name_their_target() {
    let text = "Paper1 A\n摘要原文: a\n中文总结: 与Paper9类似，见[[Paper1]]和[[notes#Paper4]]、[[gone]]、[[bad]]、[[notes#Intro]]。\n";
    let files = Files::default()
        .with("notes.digest", "Paper1 X\n摘要原文: a\n中文总结: b\n")
        .unreadable("bad.digest");
    check_with(
        text,
        &Config::default(),
        &files,
        expect![[r#"
            3:8..3:14 error[unresolved-reference] Paper1: unresolved reference `Paper9`: this digest has no such paper (its papers go up to Paper1); fix the number
            3:29..3:45 error[unresolved-reference] Paper1: unresolved reference `notes#Paper4`: `notes.digest` has no such paper; fix the number or the file name
            3:46..3:54 error[unresolved-reference] Paper1: unresolved reference `gone`: no digest found at `gone.digest`; fix the number or the file name
            3:55..3:62 error[unresolved-reference] Paper1: unresolved reference `bad`: `bad.digest` is not valid UTF-8 (first bad byte at offset 0); fix the number or the file name
            3:63..3:78 error[unresolved-reference] Paper1: unresolved reference `notes#Intro`: the part after `#` must be a paper, like `#Paper3`; fix the number or the file name
        "#]],
    );
    // In this digest: no file name to fix.
    let text = "Mentions Paper2.\n\nPaper1 A\n摘要原文: [[Paper9]]、[[#Paper9]]、[[#Intro]]\n中文总结: b\nPaper3 C\n摘要原文: a\n中文总结: b\n";
    check(
        text,
        expect![[r#"
            1:10..1:16 error[unresolved-reference] unresolved reference `Paper2`: this digest has no such paper (its papers go up to Paper3); fix the number
            4:7..4:17 error[unresolved-reference] Paper1: unresolved reference `Paper9`: this digest has no such paper (its papers go up to Paper3); fix the number
            4:18..4:29 error[unresolved-reference] Paper1: unresolved reference `#Paper9`: this digest has no such paper (its papers go up to Paper3); fix the number
            4:30..4:40 error[unresolved-reference] Paper1: unresolved reference `#Intro`: the part after `#` must be a paper, like `#Paper3`
            6:1..6:7 warning[numbering] Paper3 follows Paper1: expected number 2; renumber the paper
        "#]],
    );
    check(
        "Notes on Paper2\n",
        expect![[r#"
            1:10..1:16 error[unresolved-reference] unresolved reference `Paper2`: this digest has no papers yet; fix the number
        "#]],
    );
    // Near misses: these resolve, or are not references at all.
    let text = "Paper1 A\n摘要原文: a\n中文总结: 见[[notes#Paper1]]、[[notes]]、Paper3D、MyPaper9、paper 9。\n";
    check_with(text, &Config::default(), &files, expect![[""]]);
}

#[test]
fn malformed_links_are_errors() {
    let text = "Paper1 A\n摘要原文: see htp://example.org/x\n中文总结: b\n";
    check(
        text,
        expect![[r#"
            2:11..2:30 error[malformed-link] Paper1: malformed link `htp://example.org/x`: the scheme `htp://` is misspelt: write `http://` or `https://`
        "#]],
    );
    check(
        "Paper1 A\n摘要原文: see http://example.org/x\n中文总结: b\n",
        expect![[""]],
    );
}

#[test]
fn links_without_scheme_are_hints() {
    let text = "Paper1 A\n摘要原文: 模型见aka.ms/tiny-model。\n中文总结: b\n";
    check(
        text,
        expect![[r#"
            2:10..2:27 hint[link-without-scheme] Paper1: `aka.ms/tiny-model` looks like a link without a scheme: write `https://aka.ms/tiny-model`
        "#]],
    );
    check(
        "Paper1 A\n摘要原文: mail me@aka.ms/x or https://aka.ms/x\n中文总结: b\n",
        expect![[""]],
    );
}

#[test]
fn unknown_label_suggests_the_known_one() {
    let text = "Paper1 A\n摘要原文: a\n中文总结: b\nsummary: again\n中文总节: again\n";
    check(
        text,
        expect![[r#"
            4:1..4:8 warning[unknown-label] Paper1: `summary` is not a known section label: did you mean `Summary`?
            5:1..5:5 warning[unknown-label] Paper1: `中文总节` is not a known section label: did you mean `中文总结`?
        "#]],
    );
    // Near misses: unrelated prefixes, prefixes with spaces, prefixes too long.
    let text = "Paper1 A\n摘要原文: a\n中文总结: b\n抵扣说明: x\nNote that: y\nAbstractAbstractAbstract: z\n";
    check(text, expect![[""]]);
}

#[test]
fn a_misspelt_label_is_its_one_finding() {
    let text = "Paper1 A title\n\nAbstrct: some text here\n\nSummary: my words\n";
    check(
        text,
        expect![[r#"
            3:1..3:8 warning[unknown-label] Paper1: `Abstrct` is not a known section label: did you mean `Abstract`?
        "#]],
    );
    // The outline, like every other rule, sees the line as text.
    let analysis = Analysis::new(text, &Config::default());
    expect![[r#"
        paper "Paper1 A title" "" 1:1..5:18 selection 1:1..1:15
            section "Summary" "summary" 5:1..5:18 selection 5:1..5:8
    "#]]
    .assert_eq(&render_outline(text, &outline(&analysis)));
    // Its text is still checked as text.
    check(
        "Paper1 A\nAbstrct: see aka.ms/x\nSummary: b\n",
        expect![[r#"
            2:1..2:8 warning[unknown-label] Paper1: `Abstrct` is not a known section label: did you mean `Abstract`?
            2:14..2:22 hint[link-without-scheme] Paper1: `aka.ms/x` looks like a link without a scheme: write `https://aka.ms/x`
        "#]],
    );
    // With nothing after its colon, it is not an empty section either.
    check(
        "Paper1 A\n\nAbstrct:\n\nSummary: my words\n",
        expect![[r#"
            3:1..3:8 warning[unknown-label] Paper1: `Abstrct` is not a known section label: did you mean `Abstract`?
        "#]],
    );
}

#[test]
fn a_misspelt_label_after_a_section_or_twice_or_repeated() {
    // After a real section its text is that section's, but the kind it
    // names is not missing.
    check(
        "Paper1 A\n\nAbstract: a\n\nSumary: b\n",
        expect![[r#"
            5:1..5:7 warning[unknown-label] Paper1: `Sumary` is not a known section label: did you mean `Summary`?
        "#]],
    );
    // Two misspelt labels: one finding each.
    check(
        "Paper1 A\n摘要原闻: a\n中文总节: b\n",
        expect![[r#"
            2:1..2:5 warning[unknown-label] Paper1: `摘要原闻` is not a known section label: did you mean `摘要原文`?
            3:1..3:5 warning[unknown-label] Paper1: `中文总节` is not a known section label: did you mean `中文总结`?
        "#]],
    );
    // A kind the paper already has: text, so no duplicate-section.
    check(
        "Paper1 A\nAbstract: a\nabstract: b\nSummary: c\n",
        expect![[r#"
            3:1..3:9 warning[unknown-label] Paper1: `abstract` is not a known section label: did you mean `Abstract`?
        "#]],
    );
    // Only the kind it names is recovered: the summary is still missing,
    // and asked for in the paper's language.
    check(
        "Paper1 A\nAbstrct: a\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `Summary:`
            2:1..2:8 warning[unknown-label] Paper1: `Abstrct` is not a known section label: did you mean `Abstract`?
        "#]],
    );
}

#[test]
fn stray_text_stops_at_a_misspelt_label() {
    let text = "Paper1 A\n\nsome words\nmore words\n\nAbstrct: a\nSummary: b\n";
    check(
        text,
        expect![[r#"
            3:1..4:11 warning[stray-text] Paper1: text before the first section belongs to no section: move it into a section, or start one before it (e.g. `Abstract:`)
            6:1..6:8 warning[unknown-label] Paper1: `Abstrct` is not a known section label: did you mean `Abstract`?
        "#]],
    );
}

#[test]
fn a_line_not_reported_is_not_recovered() {
    let (config, errors) = parse_config("[rules]\nunknown-label = \"off\"\n");
    assert_eq!(errors, []);
    let text = "Paper1 A title\n\nAbstrct: some text here\n\nSummary: my words\n";
    check_with(
        text,
        &config,
        &Files::default(),
        expect![[r#"
            1:1..1:15 warning[missing-section] Paper1 has no abstract section: add a line starting with `Abstract:`
            3:1..3:24 warning[stray-text] Paper1: text before the first section belongs to no section: move it into a section, or start one before it (e.g. `Abstract:`)
        "#]],
    );
}

#[test]
fn labels_are_proposed_in_the_papers_language() {
    // English labels: English proposals.
    check(
        "Paper1 A\n\nAbstract: a\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `Summary:`
        "#]],
    );
    check(
        "Paper1 A\n\nSummary: b\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no abstract section: add a line starting with `Abstract:`
        "#]],
    );
    // Chinese labels: Chinese proposals.
    check(
        "Paper1 A\n\n中文总结: b\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no abstract section: add a line starting with `摘要原文:`
        "#]],
    );
    // Each paper has its own language.
    check(
        "Paper1 A\nAbstract: a\nPaper2 B\n摘要原文: a\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `Summary:`
            3:1..3:9 warning[missing-section] Paper2 has no summary section: add a line starting with `中文总结:`
        "#]],
    );
    // Mixed: the position used most wins...
    check(
        "Paper1 A\n摘要原文: a\nNotes: n\nCode: c\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `Summary:`
        "#]],
    );
    // ...and a tie goes to the earlier position.
    check(
        "Paper1 A\nNotes: n\n代码: c\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no abstract section: add a line starting with `摘要原文:`
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `中文总结:`
        "#]],
    );
    // Stray text is told the same.
    check(
        "Paper1 A\nwords\nSummary: b\nAbstract: a\n",
        expect![[r#"
            2:1..2:6 warning[stray-text] Paper1: text before the first section belongs to no section: move it into a section, or start one before it (e.g. `Abstract:`)
        "#]],
    );
}

#[test]
fn configured_labels_keep_their_positions() {
    let (config, errors) = parse_config(
        "[sections.abstract]\nlabels = [\"摘要原文\", \"Abstract\", \"Résumé\"]\n\
         [sections.method]\nlabels = [\"方法\", \"Method\"]\nrequired = true\n\
         [sections.data]\nlabels = [\"数据\"]\nrequired = true\n",
    );
    assert_eq!(errors, []);
    let check = |text: &str, expect: Expect| check_with(text, &config, &Files::default(), expect);
    // Position 1: the second label of each kind, the first where a kind
    // has only one.
    check(
        "Paper1 A\nAbstract: a\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `Summary:`
            1:1..1:9 warning[missing-section] Paper1 has no method section: add a line starting with `Method:`
            1:1..1:9 warning[missing-section] Paper1 has no data section: add a line starting with `数据:`
        "#]],
    );
    // Position 2, which the other kinds lack: their first label.
    check(
        "Paper1 A\nRésumé: a\n数据: d\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `中文总结:`
            1:1..1:9 warning[missing-section] Paper1 has no method section: add a line starting with `方法:`
        "#]],
    );
}

#[test]
fn stray_text_is_the_text_before_the_first_section() {
    let text = "Paper1 A\n\n  a stray line\nanother\n\n摘要原文: a\n中文总结: b\n";
    check(
        text,
        expect![[r#"
            3:3..4:8 warning[stray-text] Paper1: text before the first section belongs to no section: move it into a section, or start one before it (e.g. `摘要原文:`)
        "#]],
    );
    // Near miss: preamble text is allowed.
    check(
        "Title\nsome words\n\nPaper1 A\n摘要原文: a\n中文总结: b\n",
        expect![[""]],
    );
}

#[test]
fn configuration_changes_severities_labels_and_keywords() {
    let (config, errors) = parse_config(
        "[headings]\nkeywords = [\"Paper\", \"论文\"]\n[rules]\nnumbering = \"error\"\nmissing-section = \"off\"\n[sections.method]\nlabels = [\"方法\"]\nrequired = true\n",
    );
    assert_eq!(errors, []);
    let text = "论文1 A\n方法: m\n论文3 B\n方法: 与论文1相同\n";
    check_with(
        text,
        &config,
        &Files::default(),
        expect![[r#"
            3:1..3:4 error[numbering] 论文3 follows 论文1: expected number 2; renumber the paper
        "#]],
    );
}

#[test]
fn diagnostics_are_capped_with_a_note_of_how_many_were_left_out() {
    // 1,200 papers without a summary: 1,200 `missing-section` warnings.
    let text: String = (1..=1200)
        .map(|n| format!("Paper{n} T\n摘要原文: a\n"))
        .collect();
    let found = diagnostics(&text);
    assert_eq!(found.len(), 1001);
    expect!["1:1..1:1 info[too-many-diagnostics] 200 more diagnostics were left out: only the first 1000 are shown; fix these first"].assert_eq(&found[0]);
    expect!["1999:1..1999:12 warning[missing-section] Paper1000 has no summary section: add a line starting with `中文总结:`"].assert_eq(&found[1000]);
    // Near miss: exactly at the cap, nothing is added.
    let text: String = (1..=1000)
        .map(|n| format!("Paper{n} T\n摘要原文: a\n"))
        .collect();
    assert_eq!(diagnostics(&text).len(), 1000);
}

#[test]
fn typography_rules_are_off_by_default_and_read_summaries_and_notes() {
    let text = "Paper1 使用COCO训练\n摘要原文: 使用COCO训练,ＡＢ\n中文总结: 使用COCO训练,ＡＢ\n笔记: 见Paper1,https://x.org/a中\n";
    // Near miss: off by default.
    check(text, expect![[""]]);
    let (config, errors) = parse_config(
        "[rules]\ncjk-spacing = \"warning\"\ncjk-punctuation = \"info\"\nfullwidth-alphanumeric = \"hint\"\n",
    );
    assert_eq!(errors, []);
    check_with(
        text,
        &config,
        &Files::default(),
        expect![[r#"
            3:8..3:10 warning[cjk-spacing] Paper1: put a space between `用` and `COCO`
            3:12..3:14 warning[cjk-spacing] Paper1: put a space between `COCO` and `训`
            3:15..3:16 info[cjk-punctuation] Paper1: write the full-width `，` for `,` in Chinese text
            3:16..3:18 hint[fullwidth-alphanumeric] Paper1: write `AB` for the full-width `ＡＢ`
        "#]],
    );
}
