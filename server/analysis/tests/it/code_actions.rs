//! Quick fixes: each applied to its diagnostic's text, the result checked.

use crate::common::{Workspace, diagnostics, render_diagnostic, workspace};
use digest_analysis::features::{CodeAction, CreateFile, code_actions, fix_all_typography};
use digest_analysis::{Config, Lookup, NoFiles, Resolver, check};
use expect_test::{Expect, expect};

/// Every diagnostic of the fixture's first file, each followed by its
/// fixes (indented): the title and whether it is preferred, its edits, and
/// every file they change as it reads after them; `no fix` for none.
fn render(ws: &Workspace) -> String {
    render_with(ws, &Config::default())
}

fn render_with(ws: &Workspace, config: &Config) -> String {
    render_checked(ws, config, &NoFiles)
}

/// Like [`render_with`], the diagnostics found with `resolver` (for the
/// first file).
fn render_checked(ws: &Workspace, config: &Config, resolver: &dyn Resolver) -> String {
    let files = ws.files();
    let mut out = String::new();
    for d in check(&ws.analyses[0], config, resolver) {
        out.push_str(&render_diagnostic(&ws.texts[0], &d));
        out.push('\n');
        let actions = code_actions(&files, 0, &d, config);
        if actions.is_empty() {
            out.push_str("    no fix\n");
        }
        for action in actions {
            let CodeAction {
                title,
                diagnostic,
                create,
                edits,
                preferred,
            } = action;
            assert_eq!(diagnostic, d, "an action names the diagnostic it fixes");
            out.push_str(&format!("    {title} (preferred: {preferred})\n"));
            if let Some(CreateFile {
                path,
                ignore_if_exists,
                overwrite,
                text,
            }) = create
            {
                out.push_str(&format!(
                    "        create {} (ignore if exists: {ignore_if_exists}, overwrite: {overwrite})\n",
                    path.display()
                ));
                if text.is_empty() {
                    out.push_str("        (no text)\n");
                }
                for line in text.split_inclusive('\n') {
                    let line = line.trim_end_matches('\n').replace('\r', "\\r");
                    out.push_str(format!("        | {line}").trim_end());
                    out.push('\n');
                }
            }
            for line in ws.render_applied(&edits).lines() {
                out.push_str(&format!("        {line}\n").replace("        \n", "\n"));
            }
        }
    }
    out
}

fn check_fixes(fixture: &str, expect: Expect) {
    expect.assert_eq(&render(&workspace(fixture)));
}

/// The texts after the fixes of the first file's `code` diagnostics, one
/// list of workspace texts per fix.
fn fixed_texts(ws: &Workspace, code: &str) -> Vec<Vec<String>> {
    let config = Config::default();
    check(&ws.analyses[0], &config, &NoFiles)
        .iter()
        .filter(|d| d.rule().code() == code)
        .flat_map(|d| code_actions(&ws.files(), 0, d, &config))
        .map(|action| ws.apply(&action.edits))
        .collect()
}

/// The text after the single fix of the single `code` diagnostic of a
/// one-file fixture.
fn fixed(text: &str, code: &str) -> String {
    let ws = workspace(text);
    let mut found = fixed_texts(&ws, code);
    assert_eq!(found.len(), 1, "{found:?}");
    found.remove(0).remove(0)
}

/// The diagnostics of a text, one per line.
fn check_diagnostics(text: &str, expect: Expect) {
    expect.assert_eq(&crate::common::lines(diagnostics(text)));
}

#[test]
fn missing_sections_go_where_the_configuration_orders_them() {
    // Before the summary, in the blank-line style of the paper.
    check_fixes(
        "Paper1 A\n\n中文总结: b\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no abstract section: add a line starting with `摘要原文:`
                Add the `摘要原文:` section (preferred: true)
                    main.digest 3:1..3:1 -> "摘要原文:\n\n"
                    --- main.digest
                    Paper1 A

                    摘要原文:

                    中文总结: b
        "#]],
    );
    // After the abstract, before the notes.
    check_fixes(
        "Paper1 A\n\n摘要原文: a\n\nNotes: n\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `中文总结:`
                Add the `中文总结:` section (preferred: true)
                    main.digest 3:8..3:8 -> "\n\n中文总结:"
                    --- main.digest
                    Paper1 A

                    摘要原文: a

                    中文总结:

                    Notes: n
        "#]],
    );
    // Without blank lines when the paper has none.
    check_fixes(
        "Paper1 A\n摘要原文: a\nPaper2 B\n摘要原文: a\n中文总结: b\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `中文总结:`
                Add the `中文总结:` section (preferred: true)
                    main.digest 2:8..2:8 -> "\n中文总结:"
                    --- main.digest
                    Paper1 A
                    摘要原文: a
                    中文总结:
                    Paper2 B
                    摘要原文: a
                    中文总结: b
        "#]],
    );
    // A paper with no section at all: each missing one after the heading.
    check_fixes(
        "Paper1 A\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no abstract section: add a line starting with `摘要原文:`
                Add the `摘要原文:` section (preferred: true)
                    main.digest 1:9..1:9 -> "\n\n摘要原文:"
                    --- main.digest
                    Paper1 A

                    摘要原文:
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `中文总结:`
                Add the `中文总结:` section (preferred: true)
                    main.digest 1:9..1:9 -> "\n\n中文总结:"
                    --- main.digest
                    Paper1 A

                    中文总结:
        "#]],
    );
    // The file's line breaks.
    check_fixes(
        "Paper1 A\r\n\r\n中文总结: b\r\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no abstract section: add a line starting with `摘要原文:`
                Add the `摘要原文:` section (preferred: true)
                    main.digest 3:1..3:1 -> "摘要原文:\r\n\r\n"
                    --- main.digest
                    Paper1 A\r
                    \r
                    摘要原文:\r
                    \r
                    中文总结: b\r
        "#]],
    );
    // Applied, the paper lacks nothing: its new section is only empty.
    check_diagnostics(
        &fixed("Paper1 A\n\n中文总结: b\n", "missing-section"),
        expect![[r#"
            3:1..3:6 warning[empty-section] Paper1: the `摘要原文` section is empty: write its text after the colon
        "#]],
    );
}

#[test]
fn a_missing_section_is_added_in_the_papers_language() {
    check_fixes(
        "Paper1 A\n\nAbstract: a\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `Summary:`
                Add the `Summary:` section (preferred: true)
                    main.digest 3:12..3:12 -> "\n\nSummary:"
                    --- main.digest
                    Paper1 A

                    Abstract: a

                    Summary:
        "#]],
    );
    check_fixes(
        "Paper1 A\n\n摘要原文: a\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no summary section: add a line starting with `中文总结:`
                Add the `中文总结:` section (preferred: true)
                    main.digest 3:8..3:8 -> "\n\n中文总结:"
                    --- main.digest
                    Paper1 A

                    摘要原文: a

                    中文总结:
        "#]],
    );
    check_fixes(
        "Paper1 A\nSummary: b\n",
        expect![[r#"
            1:1..1:9 warning[missing-section] Paper1 has no abstract section: add a line starting with `Abstract:`
                Add the `Abstract:` section (preferred: true)
                    main.digest 2:1..2:1 -> "Abstract:\n"
                    --- main.digest
                    Paper1 A
                    Abstract:
                    Summary: b
        "#]],
    );
}

#[test]
fn a_misspelt_label_gets_its_own_fix_only() {
    let text = "Paper1 A title\n\nAbstrct: some text here\n\nSummary: my words\n";
    check_fixes(
        text,
        expect![[r#"
            3:1..3:8 warning[unknown-label] Paper1: `Abstrct` is not a known section label: did you mean `Abstract`?
                Replace `Abstrct` with `Abstract` (preferred: true)
                    main.digest 3:1..3:8 -> "Abstract"
                    --- main.digest
                    Paper1 A title

                    Abstract: some text here

                    Summary: my words
        "#]],
    );
    check_diagnostics(&fixed(text, "unknown-label"), expect![[""]]);
}

#[test]
fn a_link_without_scheme_gets_https() {
    let text = "Paper1 A\n摘要原文: see aka.ms/x.\n中文总结: b\n";
    check_fixes(
        text,
        expect![[r#"
            2:11..2:19 hint[link-without-scheme] Paper1: `aka.ms/x` looks like a link without a scheme: write `https://aka.ms/x`
                Write `https://aka.ms/x` (preferred: true)
                    main.digest 2:11..2:11 -> "https://"
                    --- main.digest
                    Paper1 A
                    摘要原文: see https://aka.ms/x.
                    中文总结: b
        "#]],
    );
    check_diagnostics(&fixed(text, "link-without-scheme"), expect![[""]]);
}

#[test]
fn an_unknown_label_is_replaced_by_the_suggestion() {
    let text = "Paper1 A\n摘要原文: a\nsummary: b\n";
    check_fixes(
        text,
        expect![[r#"
            3:1..3:8 warning[unknown-label] Paper1: `summary` is not a known section label: did you mean `Summary`?
                Replace `summary` with `Summary` (preferred: true)
                    main.digest 3:1..3:8 -> "Summary"
                    --- main.digest
                    Paper1 A
                    摘要原文: a
                    Summary: b
        "#]],
    );
    check_diagnostics(&fixed(text, "unknown-label"), expect![[""]]);
}

const NUMBERING: &str = "\
//- /ws/a.digest
Paper1 A
摘要原文: see Paper5 and Paper7
中文总结: b
Paper5 B
摘要原文: Paper1, [[Paper7]]
中文总结: b
Paper7 C
摘要原文: Paper5
中文总结: b
//- /ws/b.digest
Paper1 X
摘要原文: [[a#Paper5]] [[a#Paper7]] [[a#Paper1]]
中文总结: x
";

#[test]
fn renumber_from_here_updates_references_across_files() {
    // From Paper5: 5 -> 2, 7 -> 3; from Paper7: 7 -> 6.
    check_fixes(
        NUMBERING,
        expect![[r#"
            4:1..4:7 warning[numbering] Paper5 follows Paper1: expected number 2; renumber the paper
                Renumber papers from here (preferred: false)
                    a.digest 2:16..2:17 -> "2"
                    a.digest 2:27..2:28 -> "3"
                    a.digest 4:6..4:7 -> "2"
                    a.digest 5:22..5:23 -> "3"
                    a.digest 7:6..7:7 -> "3"
                    a.digest 8:12..8:13 -> "2"
                    b.digest 2:16..2:17 -> "2"
                    b.digest 2:29..2:30 -> "3"
                    --- a.digest
                    Paper1 A
                    摘要原文: see Paper2 and Paper3
                    中文总结: b
                    Paper2 B
                    摘要原文: Paper1, [[Paper3]]
                    中文总结: b
                    Paper3 C
                    摘要原文: Paper2
                    中文总结: b
                    --- b.digest
                    Paper1 X
                    摘要原文: [[a#Paper2]] [[a#Paper3]] [[a#Paper1]]
                    中文总结: x
            7:1..7:7 warning[numbering] Paper7 follows Paper5: expected number 6; renumber the paper
                Renumber papers from here (preferred: false)
                    a.digest 2:27..2:28 -> "6"
                    a.digest 5:22..5:23 -> "6"
                    a.digest 7:6..7:7 -> "6"
                    b.digest 2:29..2:30 -> "6"
                    --- a.digest
                    Paper1 A
                    摘要原文: see Paper5 and Paper6
                    中文总结: b
                    Paper5 B
                    摘要原文: Paper1, [[Paper6]]
                    中文总结: b
                    Paper6 C
                    摘要原文: Paper5
                    中文总结: b
                    --- b.digest
                    Paper1 X
                    摘要原文: [[a#Paper5]] [[a#Paper6]] [[a#Paper1]]
                    中文总结: x
        "#]],
    );
    // Every reference still resolves, in every digest.
    let ws = workspace(NUMBERING);
    let found = fixed_texts(&ws, "numbering");
    assert_eq!(found.len(), 2);
    for texts in &found {
        assert_eq!(ws.unresolved(texts), Vec::<String>::new());
    }
    check_diagnostics(&found[0][0], expect![[""]]);
}

#[test]
fn renumber_from_a_duplicate_keeps_references_to_the_first() {
    let text = "Paper1 A\n摘要原文: Paper2, Paper3\n中文总结: b\nPaper2 B\n摘要原文: a\n中文总结: b\n\
                Paper2 C\n摘要原文: a\n中文总结: b\nPaper3 D\n摘要原文: a\n中文总结: b\n";
    check_fixes(
        text,
        expect![[r#"
            7:1..7:7 error[duplicate-paper] Paper2 repeats the number of the heading on line 4 (`Paper2 B`): give this paper a number of its own (related 4:1..4:9: Paper2 is first used here)
                Renumber papers from here (preferred: false)
                    main.digest 2:20..2:21 -> "4"
                    main.digest 7:6..7:7 -> "3"
                    main.digest 10:6..10:7 -> "4"
                    --- main.digest
                    Paper1 A
                    摘要原文: Paper2, Paper4
                    中文总结: b
                    Paper2 B
                    摘要原文: a
                    中文总结: b
                    Paper3 C
                    摘要原文: a
                    中文总结: b
                    Paper4 D
                    摘要原文: a
                    中文总结: b
        "#]],
    );
    check_diagnostics(&fixed(text, "duplicate-paper"), expect![[""]]);
}

#[test]
fn no_renumbering_onto_an_earlier_number() {
    // Papers 1, 3, 2, 4: renumbering from Paper4 would give a second Paper3.
    let text = "Paper1 A\n摘要原文: a\n中文总结: b\nPaper3 B\n摘要原文: a\n中文总结: b\n\
                Paper2 C\n摘要原文: a\n中文总结: b\nPaper4 D\n摘要原文: a\n中文总结: b\n";
    check_fixes(
        text,
        expect![[r#"
            4:1..4:7 warning[numbering] Paper3 follows Paper1: expected number 2; renumber the paper
                Renumber papers from here (preferred: false)
                    main.digest 4:6..4:7 -> "2"
                    main.digest 7:6..7:7 -> "3"
                    --- main.digest
                    Paper1 A
                    摘要原文: a
                    中文总结: b
                    Paper2 B
                    摘要原文: a
                    中文总结: b
                    Paper3 C
                    摘要原文: a
                    中文总结: b
                    Paper4 D
                    摘要原文: a
                    中文总结: b
            7:1..7:7 warning[numbering] Paper2 follows Paper3: expected number 4; renumber the paper
                Renumber papers from here (preferred: false)
                    main.digest 7:6..7:7 -> "4"
                    main.digest 10:6..10:7 -> "5"
                    --- main.digest
                    Paper1 A
                    摘要原文: a
                    中文总结: b
                    Paper3 B
                    摘要原文: a
                    中文总结: b
                    Paper4 C
                    摘要原文: a
                    中文总结: b
                    Paper5 D
                    摘要原文: a
                    中文总结: b
            10:1..10:7 warning[numbering] Paper4 follows Paper2: expected number 3; renumber the paper
                no fix
        "#]],
    );
}

#[test]
fn stale_or_other_diagnostics_get_nothing() {
    let text = "Paper1 A\n摘要原文: see aka.ms/x.\n中文总结: b\n";
    let ws = workspace(text);
    let config = Config::default();
    let mut diagnostic = check(&ws.analyses[0], &config, &NoFiles).remove(0);
    diagnostic.range.start += 1;
    assert_eq!(code_actions(&ws.files(), 0, &diagnostic, &config), []);
    check_fixes(
        "Paper1\n摘要原文: a\n中文总结: b\n",
        expect![[r#"
            1:1..1:7 error[missing-title] Paper1 has no title: write the paper's title after the number
                no fix
        "#]],
    );
}

/// The typography rules on.
fn typography_on() -> Config {
    let (config, errors) = digest_analysis::parse_config(
        "[rules]\ncjk-spacing = \"warning\"\ncjk-punctuation = \"warning\"\nfullwidth-alphanumeric = \"hint\"\n",
    );
    assert_eq!(errors, []);
    config
}

#[test]
fn typography_findings_get_their_fix() {
    let config = typography_on();
    let ws = crate::common::workspace_with(
        "Paper1 T\n摘要原文: a\n中文总结: 用ＣＯＣＯ训练 , 方法(A)好\n",
        &config,
    );
    expect![[r#"
        3:7..3:9 warning[cjk-spacing] Paper1: put a space between `用` and `ＣＯＣＯ`
            Put a space between `用` and `ＣＯＣＯ` (preferred: true)
                main.digest 3:8..3:8 -> " "
                --- main.digest
                Paper1 T
                摘要原文: a
                中文总结: 用 ＣＯＣＯ训练 , 方法(A)好
        3:8..3:12 hint[fullwidth-alphanumeric] Paper1: write `COCO` for the full-width `ＣＯＣＯ`
            Write `COCO` for `ＣＯＣＯ` (preferred: true)
                main.digest 3:8..3:12 -> "COCO"
                --- main.digest
                Paper1 T
                摘要原文: a
                中文总结: 用COCO训练 , 方法(A)好
        3:11..3:13 warning[cjk-spacing] Paper1: put a space between `ＣＯＣＯ` and `训`
            Put a space between `ＣＯＣＯ` and `训` (preferred: true)
                main.digest 3:12..3:12 -> " "
                --- main.digest
                Paper1 T
                摘要原文: a
                中文总结: 用ＣＯＣＯ 训练 , 方法(A)好
        3:15..3:16 warning[cjk-punctuation] Paper1: write the full-width `，` for `,` in Chinese text
            Write `，` for `,` (preferred: true)
                main.digest 3:14..3:17 -> "，"
                --- main.digest
                Paper1 T
                摘要原文: a
                中文总结: 用ＣＯＣＯ训练，方法(A)好
        3:19..3:20 warning[cjk-punctuation] Paper1: write the full-width `（` for `(` in Chinese text
            Write `（…）` for `(…)` (preferred: true)
                main.digest 3:19..3:20 -> "（"
                main.digest 3:21..3:22 -> "）"
                --- main.digest
                Paper1 T
                摘要原文: a
                中文总结: 用ＣＯＣＯ训练 , 方法（A）好
        3:21..3:22 warning[cjk-punctuation] Paper1: write the full-width `）` for `)` in Chinese text
            Write `（…）` for `(…)` (preferred: true)
                main.digest 3:19..3:20 -> "（"
                main.digest 3:21..3:22 -> "）"
                --- main.digest
                Paper1 T
                摘要原文: a
                中文总结: 用ＣＯＣＯ训练 , 方法（A）好
    "#]]
    .assert_eq(&render_with(&ws, &config));
}

#[test]
fn fix_all_typography_applies_every_fix() {
    let config = typography_on();
    let text = "Paper1 T\n摘要原文: a,b\n中文总结: 用ＣＯＣＯ训练 , 方法(A)好\n笔记: 第3轮.\n";
    let analysis = digest_analysis::Analysis::new(text, &config);
    let edits = fix_all_typography(&analysis, &config);
    expect![[r#"
        Paper1 T
        摘要原文: a,b
        中文总结: 用 COCO 训练，方法（A）好
        笔记: 第 3 轮。
    "#]]
    .assert_eq(&crate::common::show_text(&digest_analysis::format::apply(
        text, &edits,
    )));
    // Off: nothing.
    let analysis = digest_analysis::Analysis::new(text, &Config::default());
    assert_eq!(fix_all_typography(&analysis, &Config::default()), []);
}

#[test]
fn a_stale_typography_diagnostic_gets_no_fix() {
    let config = typography_on();
    let ws = crate::common::workspace_with("Paper1 T\n摘要原文: a\n中文总结: 用A\n", &config);
    let d = check(&ws.analyses[0], &config, &NoFiles).remove(0);
    let mut moved = d.clone();
    moved.shift(1);
    assert_eq!(code_actions(&ws.files(), 0, &moved, &config), []);
    assert_eq!(code_actions(&ws.files(), 0, &d, &config).len(), 1);
}

/// The digests of a workspace as one of them finds them: by a path
/// relative to its folder.
struct InWorkspace<'a> {
    ws: &'a Workspace,
    folder: std::path::PathBuf,
}

impl Resolver for InWorkspace<'_> {
    fn lookup(&self, relative: &str) -> Lookup {
        let normalize = digest_analysis::workspace::normalize;
        let wanted = normalize(&self.folder.join(relative));
        match self.ws.paths.iter().position(|p| normalize(p) == wanted) {
            Some(i) => Lookup::Found(std::sync::Arc::new(self.ws.analyses[i].clone())),
            None => Lookup::Missing,
        }
    }
}

fn in_workspace(ws: &Workspace) -> InWorkspace<'_> {
    let folder = ws.paths[0].parent().expect("a folder").to_path_buf();
    InWorkspace { ws, folder }
}

/// [`check_fixes`] with the first file's references resolved in the
/// workspace.
fn check_workspace_fixes(fixture: &str, expect: Expect) {
    let ws = workspace(fixture);
    expect.assert_eq(&render_checked(&ws, &Config::default(), &in_workspace(&ws)));
}

#[test]
fn missing_digests_and_papers_are_created() {
    check_workspace_fixes(
        "\
//- /ws/main.digest
Notes

Paper1 One
摘要原文: a
中文总结: 见Paper9、[[Paper 8]]、[[notes#Paper3]]、[[gone]]、[[sub/new.digest#Paper 04]]。
笔记: [[b#Paper5]] [[b#Paper1]] [[b#intro]] [[main#Paper7]]
//- /ws/b.digest
Paper1 Other
摘要原文: a
中文总结: b
",
        expect![[r#"
            5:8..5:14 error[unresolved-reference] Paper1: unresolved reference `Paper9`: this digest has no such paper (its papers go up to Paper1); fix the number
                Add Paper9 to this digest (preferred: false)
                    main.digest 7:1..7:1 -> "\nPaper9\n\n摘要原文:\n\n中文总结:\n"
                    --- main.digest
                    Notes

                    Paper1 One
                    摘要原文: a
                    中文总结: 见Paper9、[[Paper 8]]、[[notes#Paper3]]、[[gone]]、[[sub/new.digest#Paper 04]]。
                    笔记: [[b#Paper5]] [[b#Paper1]] [[b#intro]] [[main#Paper7]]

                    Paper9

                    摘要原文:

                    中文总结:
            5:15..5:26 error[unresolved-reference] Paper1: unresolved reference `Paper 8`: this digest has no such paper (its papers go up to Paper1); fix the number
                Add Paper8 to this digest (preferred: false)
                    main.digest 7:1..7:1 -> "\nPaper8\n\n摘要原文:\n\n中文总结:\n"
                    --- main.digest
                    Notes

                    Paper1 One
                    摘要原文: a
                    中文总结: 见Paper9、[[Paper 8]]、[[notes#Paper3]]、[[gone]]、[[sub/new.digest#Paper 04]]。
                    笔记: [[b#Paper5]] [[b#Paper1]] [[b#intro]] [[main#Paper7]]

                    Paper8

                    摘要原文:

                    中文总结:
            5:27..5:43 error[unresolved-reference] Paper1: unresolved reference `notes#Paper3`: no digest found at `notes.digest`; fix the number or the file name
                Create `notes.digest` with Paper3 (preferred: false)
                    create /ws/notes.digest (ignore if exists: true, overwrite: false)
                    | Paper3
                    |
                    | 摘要原文:
                    |
                    | 中文总结:
            5:44..5:52 error[unresolved-reference] Paper1: unresolved reference `gone`: no digest found at `gone.digest`; fix the number or the file name
                Create `gone.digest` (preferred: false)
                    create /ws/gone.digest (ignore if exists: true, overwrite: false)
                    (no text)
            5:53..5:80 error[unresolved-reference] Paper1: unresolved reference `sub/new.digest#Paper 04`: no digest found at `sub/new.digest`; fix the number or the file name
                Create `sub/new.digest` with Paper4 (preferred: false)
                    create /ws/sub/new.digest (ignore if exists: true, overwrite: false)
                    | Paper4
                    |
                    | 摘要原文:
                    |
                    | 中文总结:
            6:5..6:17 error[unresolved-reference] Paper1: unresolved reference `b#Paper5`: `b.digest` has no such paper; fix the number or the file name
                Add Paper5 to `b.digest` (preferred: false)
                    b.digest 4:1..4:1 -> "\nPaper5\n\n摘要原文:\n\n中文总结:\n"
                    --- b.digest
                    Paper1 Other
                    摘要原文: a
                    中文总结: b

                    Paper5

                    摘要原文:

                    中文总结:
            6:31..6:42 error[unresolved-reference] Paper1: unresolved reference `b#intro`: the part after `#` must be a paper, like `#Paper3`; fix the number or the file name
                no fix
            6:43..6:58 error[unresolved-reference] Paper1: unresolved reference `main#Paper7`: `main.digest` has no such paper; fix the number or the file name
                Add Paper7 to this digest (preferred: false)
                    main.digest 7:1..7:1 -> "\nPaper7\n\n摘要原文:\n\n中文总结:\n"
                    --- main.digest
                    Notes

                    Paper1 One
                    摘要原文: a
                    中文总结: 见Paper9、[[Paper 8]]、[[notes#Paper3]]、[[gone]]、[[sub/new.digest#Paper 04]]。
                    笔记: [[b#Paper5]] [[b#Paper1]] [[b#intro]] [[main#Paper7]]

                    Paper7

                    摘要原文:

                    中文总结:
        "#]],
    );
}

/// The fixes of the first file's `unresolved-reference` diagnostics (found
/// in the workspace) under `config`: (diagnostic's target, action).
fn create_fixes(ws: &Workspace, config: &Config) -> Vec<(String, CodeAction)> {
    let resolver = in_workspace(ws);
    check(&ws.analyses[0], config, &resolver)
        .into_iter()
        .filter(|d| d.rule().code() == "unresolved-reference")
        .flat_map(|d| {
            let target = ws.texts[0][d.range.start..d.range.end].to_string();
            code_actions(&ws.files(), 0, &d, config)
                .into_iter()
                .map(move |a| (target.clone(), a))
        })
        .collect()
}

#[test]
fn an_added_paper_is_laid_out_as_the_formatter_lays_it_out() {
    // Each digest below is formatted; after the fix it still is, whatever
    // its line end, colon, trailing blank lines or BOM, and the reference
    // resolves.
    let format = |text: &str| {
        digest_analysis::format::format_text(
            text,
            &Config::default(),
            &digest_analysis::FormatOptions::default(),
        )
    };
    let other = |text: &str| {
        format!(
            "//- /ws/main.digest\nPaper1 A\n摘要原文: [[o#Paper2]]\n中文总结: b\n//- /ws/o.digest\n{text}"
        )
    };
    let cases = [
        "Paper1 X\n\n摘要原文: a\n\n中文总结: b\n",
        "Paper1 X\n\n摘要原文： a\n\n中文总结： b\n",
        "Title\n",
        "",
        "\u{feff}",
    ];
    for text in cases {
        assert_eq!(format(text), text, "the case is formatted");
        let ws = workspace(&other(text));
        let fixes = create_fixes(&ws, &Config::default());
        assert_eq!(fixes.len(), 1, "{text:?}");
        let after = ws.apply(&fixes[0].1.edits);
        assert_eq!(
            format(&after[1]),
            after[1],
            "{text:?} became {:?}",
            after[1]
        );
        assert_eq!(ws.unresolved(&after), Vec::<String>::new(), "{text:?}");
    }
    let applied = |text: &str| {
        let ws = workspace(&other(text));
        let fixes = create_fixes(&ws, &Config::default());
        crate::common::show_text(&ws.apply(&fixes[0].1.edits)[1])
    };
    // The file's line end and colon; the blank lines at the end go.
    expect![[r#"
        Paper1 X\r
        摘要原文：a\r
        中文总结：b\r
        \r
        Paper2\r
        \r
        摘要原文：\r
        \r
        中文总结：\r
    "#]]
    .assert_eq(&applied(
        "Paper1 X\r\n摘要原文：a\r\n中文总结：b  \r\n\r\n\r\n",
    ));
    // No line end at the end.
    expect![[r#"
        Paper1 X
        摘要原文: a
        中文总结: b

        Paper2

        摘要原文:

        中文总结:
    "#]]
    .assert_eq(&applied("Paper1 X\n摘要原文: a\n中文总结: b"));
    // A blank digest: the paper alone, after the BOM.
    expect![[r#"
        ﻿Paper2

        摘要原文:

        中文总结:
    "#]]
    .assert_eq(&applied("\u{feff}\n\n"));
}

#[test]
fn the_labels_are_in_the_referring_papers_language() {
    // An English paper, whose misspelt label counts (as `missing-section`
    // counts it: without it, `Abstract` and `笔记` would tie, and the tie
    // goes to the first labels), and a reference in the preamble (the
    // first labels).
    check_workspace_fixes(
        "\
See [[x#Paper1]].

Paper1 English
Abstract: a
笔记: n
Sumary: [[x#Paper2]]
",
        expect![[r#"
            1:5..1:17 error[unresolved-reference] unresolved reference `x#Paper1`: no digest found at `x.digest`; fix the number or the file name
                Create `x.digest` with Paper1 (preferred: false)
                    create /ws/x.digest (ignore if exists: true, overwrite: false)
                    | Paper1
                    |
                    | 摘要原文:
                    |
                    | 中文总结:
            6:1..6:7 warning[unknown-label] Paper1: `Sumary` is not a known section label: did you mean `Summary`?
                Replace `Sumary` with `Summary` (preferred: true)
                    main.digest 6:1..6:7 -> "Summary"
                    --- main.digest
                    See [[x#Paper1]].

                    Paper1 English
                    Abstract: a
                    笔记: n
                    Summary: [[x#Paper2]]
            6:9..6:21 error[unresolved-reference] Paper1: unresolved reference `x#Paper2`: no digest found at `x.digest`; fix the number or the file name
                Create `x.digest` with Paper2 (preferred: false)
                    create /ws/x.digest (ignore if exists: true, overwrite: false)
                    | Paper2
                    |
                    | Abstract:
                    |
                    | Summary:
        "#]],
    );
}

#[test]
fn the_heading_takes_the_references_keyword() {
    let (config, errors) =
        digest_analysis::parse_config("[headings]\nkeywords = [\"Paper\", \"论文\"]\n");
    assert_eq!(errors, []);
    let ws = crate::common::workspace_with(
        "论文1 A\n摘要原文: 论文 3 [[new#论文 002]]\n中文总结: b\n",
        &config,
    );
    expect![[r#"
        2:7..2:11 error[unresolved-reference] 论文1: unresolved reference `论文 3`: this digest has no such paper (its papers go up to 论文1); fix the number
            Add 论文3 to this digest (preferred: false)
                main.digest 4:1..4:1 -> "\n论文3\n\n摘要原文:\n\n中文总结:\n"
                --- main.digest
                论文1 A
                摘要原文: 论文 3 [[new#论文 002]]
                中文总结: b

                论文3

                摘要原文:

                中文总结:
        2:12..2:26 error[unresolved-reference] 论文1: unresolved reference `new#论文 002`: no digest found at `new.digest`; fix the number or the file name
            Create `new.digest` with 论文2 (preferred: false)
                create /ws/new.digest (ignore if exists: true, overwrite: false)
                | 论文2
                |
                | 摘要原文:
                |
                | 中文总结:
    "#]]
    .assert_eq(&render_checked(&ws, &config, &in_workspace(&ws)));
}

#[test]
fn no_digest_is_created_over_one_that_exists() {
    // The diagnostic says `b` is missing (found without the workspace), but
    // the workspace has it: no creation. A stale diagnostic gets nothing.
    let fixture = "//- /ws/main.digest\nPaper1 A\n摘要原文: [[b#Paper1]] [[b]]\n中文总结: b\n//- /ws/b.digest\nPaper1 B\n";
    let ws = workspace(fixture);
    expect![[r#"
        2:7..2:19 error[unresolved-reference] Paper1: unresolved reference `b#Paper1`: no digest found at `b.digest`; fix the number or the file name
            no fix
        2:20..2:25 error[unresolved-reference] Paper1: unresolved reference `b`: no digest found at `b.digest`; fix the number or the file name
            no fix
    "#]]
    .assert_eq(&render(&ws));
    let config = Config::default();
    let ws = workspace("Paper1 A\n摘要原文: [[gone]] Paper7\n中文总结: b\n");
    for d in check(&ws.analyses[0], &config, &NoFiles) {
        assert_eq!(code_actions(&ws.files(), 0, &d, &config).len(), 1);
        let mut moved = d.clone();
        moved.shift(1);
        assert_eq!(code_actions(&ws.files(), 0, &moved, &config), []);
    }
}

#[test]
fn a_created_digest_resolves_the_reference() {
    let ws = workspace("Paper1 A\r\n摘要原文：[[sub/notes#Paper3]]\r\n中文总结：b\r\n");
    let fixes = create_fixes(&ws, &Config::default());
    let [(_, action)] = fixes.as_slice() else {
        panic!("{fixes:?}");
    };
    let create = action.create.as_ref().expect("a digest to create");
    assert_eq!(create.path, std::path::Path::new("/ws/sub/notes.digest"));
    assert!(create.ignore_if_exists && !create.overwrite);
    assert_eq!(action.edits, []);
    // The referring digest's line end and colon.
    assert_eq!(
        create.text,
        "Paper3\r\n\r\n摘要原文：\r\n\r\n中文总结：\r\n"
    );
    let with_it = workspace(&format!(
        "//- /ws/main.digest\n{}//- /ws/sub/notes.digest\n{}",
        ws.texts[0], create.text
    ));
    assert_eq!(with_it.unresolved(&with_it.texts), Vec::<String>::new());
}
