//! Quick fixes: each applied to its diagnostic's text, the result checked.

mod common;

use common::{Workspace, diagnostics, workspace};
use digest_analysis::features::code_actions;
use digest_analysis::{Analysis, Config, NoFiles, check};

/// The fixes for the diagnostics of file `file` whose code is `code`:
/// (title, the workspace texts after applying it).
fn fixes(ws: &Workspace, file: usize, code: &str) -> Vec<(String, Vec<String>)> {
    let config = Config::default();
    let diagnostics = check(&ws.analyses[file], &config, &NoFiles);
    diagnostics
        .iter()
        .filter(|d| d.rule().code() == code)
        .flat_map(|d| code_actions(&ws.files(), file, d, &config))
        .map(|action| (action.title.clone(), ws.apply(&action.edits)))
        .collect()
}

/// The single fix for the single `code` diagnostic of a one-file fixture:
/// (title, fixed text).
fn fix(text: &str, code: &str) -> (String, String) {
    let ws = workspace(text);
    let mut found = fixes(&ws, 0, code);
    assert_eq!(found.len(), 1, "{found:?}");
    let (title, texts) = found.remove(0);
    (title, texts[0].clone())
}

#[test]
fn missing_sections_go_where_the_configuration_orders_them() {
    let abstract_fix = |text: &str| {
        let ws = workspace(text);
        fixes(&ws, 0, "missing-section")
            .into_iter()
            .map(|(title, texts)| format!("{title}: {:?}", texts[0]))
            .collect::<Vec<_>>()
    };
    // Before the summary, in the blank-line style of the paper.
    assert_eq!(
        abstract_fix("Paper1 A\n\n中文总结: b\n"),
        ["Add the `摘要原文:` section: \"Paper1 A\\n\\n摘要原文:\\n\\n中文总结: b\\n\""]
    );
    // After the abstract, before the notes.
    assert_eq!(
        abstract_fix("Paper1 A\n\n摘要原文: a\n\nNotes: n\n"),
        [
            "Add the `中文总结:` section: \"Paper1 A\\n\\n摘要原文: a\\n\\n中文总结:\\n\\nNotes: n\\n\""
        ]
    );
    // Without blank lines when the paper has none.
    assert_eq!(
        abstract_fix("Paper1 A\n摘要原文: a\nPaper2 B\n摘要原文: a\n中文总结: b\n"),
        [
            "Add the `中文总结:` section: \"Paper1 A\\n摘要原文: a\\n中文总结:\\nPaper2 B\\n摘要原文: a\\n中文总结: b\\n\""
        ]
    );
    // A paper with no section at all: each missing one after the heading.
    assert_eq!(
        abstract_fix("Paper1 A\n"),
        [
            "Add the `摘要原文:` section: \"Paper1 A\\n\\n摘要原文:\\n\"",
            "Add the `中文总结:` section: \"Paper1 A\\n\\n中文总结:\\n\"",
        ]
    );
    // The file's line breaks.
    assert_eq!(
        abstract_fix("Paper1 A\r\n\r\n中文总结: b\r\n"),
        [
            "Add the `摘要原文:` section: \"Paper1 A\\r\\n\\r\\n摘要原文:\\r\\n\\r\\n中文总结: b\\r\\n\""
        ]
    );
    // Applied, the paper lacks nothing: its new section is only empty.
    let (_, fixed) = fix("Paper1 A\n\n中文总结: b\n", "missing-section");
    assert_eq!(
        diagnostics(&fixed),
        [
            "3:1..3:6 warning[empty-section] Paper1: the `摘要原文` section is empty: write its text after the colon"
        ]
    );
}

#[test]
fn a_missing_section_is_added_in_the_papers_language() {
    assert_eq!(
        fix("Paper1 A\n\nAbstract: a\n", "missing-section"),
        (
            "Add the `Summary:` section".to_string(),
            "Paper1 A\n\nAbstract: a\n\nSummary:\n".to_string()
        )
    );
    assert_eq!(
        fix("Paper1 A\n\n摘要原文: a\n", "missing-section"),
        (
            "Add the `中文总结:` section".to_string(),
            "Paper1 A\n\n摘要原文: a\n\n中文总结:\n".to_string()
        )
    );
    assert_eq!(
        fix("Paper1 A\nSummary: b\n", "missing-section"),
        (
            "Add the `Abstract:` section".to_string(),
            "Paper1 A\nAbstract:\nSummary: b\n".to_string()
        )
    );
}

#[test]
fn a_misspelt_label_gets_its_own_fix_only() {
    let text = "Paper1 A title\n\nAbstrct: some text here\n\nSummary: my words\n";
    let ws = workspace(text);
    let titles: Vec<String> = ["missing-section", "stray-text", "unknown-label"]
        .iter()
        .flat_map(|code| fixes(&ws, 0, code))
        .map(|(title, _)| title)
        .collect();
    assert_eq!(titles, ["Replace `Abstrct` with `Abstract`"]);
    let (_, fixed) = fix(text, "unknown-label");
    assert_eq!(diagnostics(&fixed), Vec::<String>::new());
}

#[test]
fn a_link_without_scheme_gets_https() {
    let text = "Paper1 A\n摘要原文: see aka.ms/x.\n中文总结: b\n";
    assert_eq!(
        fix(text, "link-without-scheme"),
        (
            "Write `https://aka.ms/x`".to_string(),
            "Paper1 A\n摘要原文: see https://aka.ms/x.\n中文总结: b\n".to_string()
        )
    );
    assert_eq!(
        diagnostics(&fix(text, "link-without-scheme").1),
        Vec::<String>::new()
    );
}

#[test]
fn an_unknown_label_is_replaced_by_the_suggestion() {
    let text = "Paper1 A\n摘要原文: a\nsummary: b\n";
    let (title, fixed) = fix(text, "unknown-label");
    assert_eq!(title, "Replace `summary` with `Summary`");
    assert_eq!(fixed, "Paper1 A\n摘要原文: a\nSummary: b\n");
    assert_eq!(diagnostics(&fixed), Vec::<String>::new());
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
    let ws = workspace(NUMBERING);
    let found = fixes(&ws, 0, "numbering");
    let titles: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        titles,
        ["Renumber papers from here", "Renumber papers from here"]
    );
    // From Paper5: 5 -> 2, 7 -> 3.
    assert_eq!(
        found[0].1,
        [
            "Paper1 A\n摘要原文: see Paper2 and Paper3\n中文总结: b\nPaper2 B\n摘要原文: Paper1, [[Paper3]]\n\
             中文总结: b\nPaper3 C\n摘要原文: Paper2\n中文总结: b\n",
            "Paper1 X\n摘要原文: [[a#Paper2]] [[a#Paper3]] [[a#Paper1]]\n中文总结: x\n",
        ]
    );
    // From Paper7: 7 -> 6.
    assert_eq!(
        found[1].1[1],
        "Paper1 X\n摘要原文: [[a#Paper5]] [[a#Paper6]] [[a#Paper1]]\n中文总结: x\n"
    );
    for (_, texts) in &found {
        assert_eq!(ws.unresolved(texts), Vec::<String>::new());
    }
    assert_eq!(diagnostics(&found[0].1[0]), Vec::<String>::new());
}

#[test]
fn renumber_from_a_duplicate_keeps_references_to_the_first() {
    let text = "Paper1 A\n摘要原文: Paper2, Paper3\n中文总结: b\nPaper2 B\n摘要原文: a\n中文总结: b\n\
                Paper2 C\n摘要原文: a\n中文总结: b\nPaper3 D\n摘要原文: a\n中文总结: b\n";
    let (title, fixed) = fix(text, "duplicate-paper");
    assert_eq!(title, "Renumber papers from here");
    assert_eq!(
        fixed,
        "Paper1 A\n摘要原文: Paper2, Paper4\n中文总结: b\nPaper2 B\n摘要原文: a\n中文总结: b\n\
         Paper3 C\n摘要原文: a\n中文总结: b\nPaper4 D\n摘要原文: a\n中文总结: b\n"
    );
    assert_eq!(diagnostics(&fixed), Vec::<String>::new());
}

#[test]
fn no_renumbering_onto_an_earlier_number() {
    // Papers 1, 3, 2, 4: renumbering from Paper4 would give a second Paper3.
    let text = "Paper1 A\nPaper3 B\nPaper2 C\nPaper4 D\n";
    let ws = workspace(text);
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    let offered: Vec<String> = check(&analysis, &config, &NoFiles)
        .iter()
        .filter(|d| d.rule().code() == "numbering")
        .map(|d| {
            let actions = code_actions(&ws.files(), 0, d, &config);
            format!("{} {}", &text[d.range.start..d.range.end], actions.len())
        })
        .collect();
    assert_eq!(offered, ["Paper3 1", "Paper2 1", "Paper4 0"]);
}

#[test]
fn stale_or_other_diagnostics_get_nothing() {
    let text = "Paper1 A\n摘要原文: see aka.ms/x.\n中文总结: b\n";
    let ws = workspace(text);
    let config = Config::default();
    let mut diagnostic = check(&ws.analyses[0], &config, &NoFiles).remove(0);
    diagnostic.range.start += 1;
    assert!(code_actions(&ws.files(), 0, &diagnostic, &config).is_empty());
    let ws = workspace("Paper1\n摘要原文: a\n中文总结: b\n");
    let missing_title = check(&ws.analyses[0], &config, &NoFiles).remove(0);
    assert_eq!(missing_title.rule().code(), "missing-title");
    assert!(code_actions(&ws.files(), 0, &missing_title, &config).is_empty());
}
