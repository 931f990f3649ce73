//! The bibliography in a digest: papers bound to entries each way, the
//! rules (`unresolved-citation`, `title-mismatch`, duplicates across files
//! by DOI, arXiv identifier and entry), and the features (hover, definition,
//! completion) on the invented library of `fixtures/library.bib`.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::common::{WithBib, cursor, render_diagnostic, span, workspace};
use digest_analysis::bibliography::{BibFile, Bibliography, bindings};
use digest_analysis::features::{
    CompletionItem, completion, definition, document_links, highlights, hover, semantic_tokens,
};
use digest_analysis::rules::{PaperKeys, check_workspace, check_workspace_with_keys};
use digest_analysis::syntax::RefTarget;
use digest_analysis::{Analysis, Config, Dirty, Resolver, check};
use expect_test::{Expect, expect};

const BIB: &str = include_str!("../fixtures/library.bib");
const CSL: &str = include_str!("../fixtures/library.json");

fn library() -> WithBib {
    WithBib(Bibliography::new(vec![BibFile::read(
        Path::new("/lib/library.bib"),
        BIB,
    )]))
}

fn no_library() -> WithBib {
    WithBib(Bibliography::default())
}

/// A digest whose papers bind each way, and two that do not.
const DIGEST: &str = "\
Reading list

Paper1 Feature Mimicry for Detectors
引用: [[@garcia2022feature]]
摘要原文: Detectors copy features.
中文总结: 检测器模仿特征。

Paper2 Soft Logits, Hard Lessons [[@dupont2020logits]]
摘要原文: Logits.
中文总结: 软标签。

Paper3 Tiny Students
摘要原文: See https://doi.org/10.5555/JIPM.2021.0042 for the journal version.
中文总结: 小学生模型。

Paper4 Prompts for Small Transformers
摘要原文: Preprint at arxiv.org/abs/2308.12345v3.
中文总结: 提示蒸馏，见Paper1。

Paper5 dark knowledge in the wild!
摘要原文: A classic.
中文总结: 经典之作。

Paper6 Something Else Entirely
摘要原文: Cites [[@zhang2022relation]] in its abstract, which does not bind.
中文总结: 未收录。
";

/// Each paper: `PaperN -> key (how)` or `PaperN -> -`.
fn render_bindings(analysis: &Analysis, bibliography: &Bibliography) -> String {
    let mut out = String::new();
    for (paper, bound) in analysis
        .syntax
        .papers
        .iter()
        .zip(bindings(analysis, bibliography))
    {
        let found = match bound {
            Some((found, by)) => format!("{} ({by:?})", found.entry.key),
            None => "-".to_string(),
        };
        out.push_str(&format!("Paper{} -> {found}\n", paper.number));
    }
    out
}

#[test]
fn papers_bind_by_key_doi_arxiv_and_title() {
    let analysis = Analysis::new(DIGEST, &Config::default());
    expect![[r#"
        Paper1 -> garcia2022feature (Key)
        Paper2 -> dupont2020logits (Key)
        Paper3 -> mueller2021tiny (Doi)
        Paper4 -> nakamura2023prompt (Arxiv)
        Paper5 -> oconnor2018dark (Title)
        Paper6 -> -
    "#]]
    .assert_eq(&render_bindings(&analysis, &library().0));
}

#[test]
fn papers_bind_to_csl_json_entries_and_the_first_file_wins() {
    let analysis = Analysis::new(DIGEST, &Config::default());
    let both = Bibliography::new(vec![
        BibFile::read(Path::new("/lib/library.json"), CSL),
        BibFile::read(Path::new("/lib/library.bib"), BIB),
    ]);
    // The same bindings as with the BibTeX file alone
    // (papers_bind_by_key_doi_arxiv_and_title).
    assert_eq!(
        render_bindings(&analysis, &both),
        render_bindings(&analysis, &library().0)
    );
    let mut out = String::new();
    for (bound, paper) in bindings(&analysis, &both).iter().zip(1..) {
        if let Some((found, _)) = bound {
            out.push_str(&format!("Paper{paper} in {}\n", found.file.path.display()));
        }
    }
    expect![[r#"
        Paper1 in /lib/library.bib
        Paper2 in /lib/library.bib
        Paper3 in /lib/library.json
        Paper4 in /lib/library.json
        Paper5 in /lib/library.bib
    "#]]
    .assert_eq(&out);
}

#[test]
fn the_bad_entry_is_reported_at_its_line_and_the_others_still_bind() {
    let file = BibFile::read(Path::new("/lib/library.bib"), BIB);
    let errors: Vec<_> = (file.errors.iter())
        .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
        .collect();
    let line = BIB.lines().nth(file.errors[0].line - 1).unwrap();
    expect![[r#"
        [
            "64:3 entry `broken2021`: expected comma",
        ]
    "#]]
    .assert_debug_eq(&errors);
    expect!["  author = {Nobody, Nemo},"].assert_eq(line);
    let bibliography = Bibliography::new(vec![file]);
    assert!(bibliography.entry("broken2021").is_none());
    let analysis = Analysis::new(DIGEST, &Config::default());
    let bound = bindings(&analysis, &bibliography);
    assert_eq!(bound.iter().filter(|b| b.is_some()).count(), 5);
}

#[test]
fn bindings_follow_edits_and_keep_the_other_papers_facts() {
    let config = Config::default();
    let before = Analysis::new(DIGEST, &config);
    let library = library();
    assert!(before.paper_facts(0).is_some());
    // Paper3's DOI changes to Paper7's entry's (weber2021self).
    let old = "10.5555/JIPM.2021.0042";
    let at = DIGEST.find(old).unwrap();
    let new_text = DIGEST.replacen(old, "10.5555/pcpv.2021.00117", 1);
    let rope = ropey::Rope::from_str(&new_text);
    let dirty = Dirty::replace(
        digest_analysis::TextRange::new(at, at + old.len()),
        "10.5555/pcpv.2021.00117".len(),
    );
    let after = before.edit(rope, dirty, &config);
    expect![[r#"
        Paper1 -> garcia2022feature (Key)
        Paper2 -> dupont2020logits (Key)
        Paper3 -> weber2021self (Doi)
        Paper4 -> nakamura2023prompt (Arxiv)
        Paper5 -> oconnor2018dark (Title)
        Paper6 -> -
    "#]]
    .assert_eq(&render_bindings(&after, &library.0));
    let fresh = Analysis::new(&new_text, &config);
    for i in 0..fresh.syntax.papers.len() {
        assert_eq!(after.paper_facts(i), fresh.paper_facts(i), "paper {i}");
    }
}

#[test]
fn a_citation_is_its_own_reference_not_a_wiki_reference_to_a_file() {
    let text =
        "Paper1 T [[@a.b:c/d+e_f-g]]\n摘要原文: [[@Paper3]] [[@]] [[@x y]] [[ @k ]]\n中文总结: x\n";
    let analysis = Analysis::new(text, &Config::default());
    let refs: Vec<_> = (analysis.syntax.papers[0].inline.references.iter())
        .map(|r| format!("{} {:?}", span(text, r.range), r.target))
        .collect();
    expect![[r#"
        [
            "1:10..1:28 Citation(\"a.b:c/d+e_f-g\")",
            "2:7..2:18 Citation(\"Paper3\")",
            "2:19..2:24 Citation(\"\")",
            "2:25..2:33 Citation(\"x y\")",
            "2:34..2:42 Citation(\"k\")",
        ]
    "#]]
    .assert_debug_eq(&refs);
    assert!(
        (analysis.syntax.papers[0].inline.references.iter())
            .all(|r| r.target != RefTarget::Paper(3))
    );
}

fn diagnostics(text: &str, resolver: &dyn Resolver) -> String {
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    check(&analysis, &config, resolver)
        .iter()
        .map(|d| render_diagnostic(text, d) + "\n")
        .collect()
}

#[test]
fn unresolved_citations_and_title_mismatches() {
    let text = "\
Paper1 Giant Teachers for Tiny Students [[@mueller2021tiny]]
摘要原文: See [[@nobody2020]].
中文总结: 见[[@garcia2022feature]]。

Paper2 Tokens Pruned
摘要原文: arXiv:2401.00077
中文总结: 剪枝。

Paper3 Dark Knowledge in the Wild
引用: [[@zhang2022relation]]
摘要原文: Bound by key: the title differs.
中文总结: 标题不同。
";
    expect![[r#"
        1:8..1:61 hint[title-mismatch] Paper1's title differs from that of the entry `mueller2021tiny` it is bound to by its citation ("Tiny Students Learn from Giant Teachers"): correct the heading's title, or the citation
        2:11..2:26 error[unresolved-citation] Paper1: unresolved citation `@nobody2020`: no entry of the bibliography has this key; fix the key or add the entry (or it is one that could not be read: see the errors in library.bib)
        5:8..5:21 hint[title-mismatch] Paper2's title differs from that of the entry `rossi2024token` it is bound to by its arXiv identifier ("Token Pruning Meets Distillation"): correct the heading's title, or the entry
        9:8..9:34 hint[title-mismatch] Paper3's title differs from that of the entry `zhang2022relation` it is bound to by its citation ("Relation Distillation for 3D Point Clouds"): correct the heading's title, or the citation
    "#]]
    .assert_eq(&diagnostics(text, &library()));
    expect![[r#"
        1:41..1:61 error[unresolved-citation] Paper1: unresolved citation `@mueller2021tiny`: no bibliography was found (name its files in digest.toml under `[bibliography] files`, or put a `.bib` file beside the digest)
        2:11..2:26 error[unresolved-citation] Paper1: unresolved citation `@nobody2020`: no bibliography was found (name its files in digest.toml under `[bibliography] files`, or put a `.bib` file beside the digest)
        3:8..3:30 error[unresolved-citation] Paper1: unresolved citation `@garcia2022feature`: no bibliography was found (name its files in digest.toml under `[bibliography] files`, or put a `.bib` file beside the digest)
        10:5..10:27 error[unresolved-citation] Paper3: unresolved citation `@zhang2022relation`: no bibliography was found (name its files in digest.toml under `[bibliography] files`, or put a `.bib` file beside the digest)
    "#]]
    .assert_eq(&diagnostics(text, &no_library()));
}

/// A bibliography file that is there but has no entry, or none that could
/// be read: the message says so, not that there is no bibliography.
#[test]
fn an_unresolved_citation_says_what_the_bibliography_is() {
    let text = "Paper1 Title\n引用: [[@park2019]]\n摘要原文: a\n中文总结: b\n";
    let with = |files: &[(&str, &str)]| {
        let files = (files.iter())
            .map(|(path, text)| BibFile::read(Path::new(path), text))
            .collect();
        WithBib(Bibliography::new(files))
    };
    expect![[r#"
        2:5..2:18 error[unresolved-citation] Paper1: unresolved citation `@park2019`: the bibliography (refs.bib) has no entry: add the entry with this key
    "#]]
    .assert_eq(&diagnostics(text, &with(&[("/lib/refs.bib", "% nothing yet\n")])));
    expect![[r#"
        2:5..2:18 error[unresolved-citation] Paper1: unresolved citation `@park2019`: the bibliography (refs.bib, zotero.json) has no entry that could be read: see the errors in refs.bib
    "#]]
    .assert_eq(&diagnostics(
        text,
        &with(&[
            ("/lib/refs.bib", "@article{park2019\n  title = {No comma}\n}\n"),
            ("/lib/zotero.json", "[]"),
        ]),
    ));
}

/// With `[bibliography] files = []` (the way to turn it off), a citation
/// says the bibliography is off, not that none was found.
#[test]
fn a_citation_in_a_digest_whose_bibliography_is_off_says_so() {
    let text = "Paper1 Title\n引用: [[@park2019]]\n摘要原文: a\n中文总结: b\n";
    let (config, errors) = digest_analysis::parse_config("[bibliography]\nfiles = []\n");
    assert!(errors.is_empty(), "{errors:?}");
    let analysis = Analysis::new(text, &config);
    let shown: String = check(&analysis, &config, &no_library())
        .iter()
        .map(|d| render_diagnostic(text, d) + "\n")
        .collect();
    expect![[r#"
        2:5..2:18 error[unresolved-citation] Paper1: unresolved citation `@park2019`: the bibliography is turned off (`[bibliography] files = []` in digest.toml): name its files there to cite
    "#]]
    .assert_eq(&shown);
}

/// `[[@]]` and `[[@ park]]` are citations without a key, never references
/// to a file `@`.
#[test]
fn a_citation_without_a_key_says_what_a_key_is() {
    let text = "Paper1 Title [[@ park]]\n摘要原文: See [[@]].\n中文总结: b\n";
    expect![[r#"
        1:14..1:24 error[unresolved-citation] Paper1: unresolved citation `@ park`: this is no citation key: a key is one or more ASCII letters, digits and `_-:./+`, right after `[[@`
        2:11..2:16 error[unresolved-citation] Paper1: unresolved citation `@`: this is no citation key: a key is one or more ASCII letters, digits and `_-:./+`, right after `[[@`
    "#]]
    .assert_eq(&diagnostics(text, &library()));
}

fn check_hover(fixture: &str, resolver: &dyn Resolver, expect: Expect) {
    let (text, offset) = cursor(fixture);
    let analysis = Analysis::new(&text, &Config::default());
    let rendered = match hover(&analysis, offset, &Config::default(), resolver) {
        Some(hover) => format!("{}\n{}\n", span(&text, hover.range), hover.markdown),
        None => String::new(),
    };
    expect.assert_eq(&rendered);
}

#[test]
fn hover_on_a_heading_shows_the_entry_below_the_title() {
    check_hover(
        &DIGEST.replace("Paper4 Prompts", "Paper4 $0Prompts"),
        &library(),
        expect![[r#"
            16:1..16:38
            **Paper4 Prompts for Small Transformers**

            Yui Nakamura, Minji Kim, Ann Smith et al. · 2023 · <https://arxiv.org/abs/2308.12345>

            提示蒸馏，见Paper1。
        "#]],
    );
    check_hover(
        &DIGEST.replace("Paper3 Tiny", "Paper3 Tiny$0"),
        &library(),
        expect![[r#"
            12:1..12:21
            **Paper3 Tiny Students**

            Jörg Müller, Anna Straße · Journal of Imaginary Pattern Machines · 2021 · <https://doi.org/10.5555/jipm.2021.0042>

            小学生模型。
        "#]],
    );
    // Without a bibliography, the hover is as before.
    check_hover(
        &DIGEST.replace("Paper3 Tiny", "Paper3 Tiny$0"),
        &no_library(),
        expect![[r#"
            12:1..12:21
            **Paper3 Tiny Students**

            小学生模型。
        "#]],
    );
}

#[test]
fn hover_on_a_reference_to_a_bound_paper_and_on_a_citation() {
    check_hover(
        &DIGEST.replace("见Paper1", "见$0Paper1"),
        &library(),
        expect![[r#"
            18:13..18:19
            **Paper1 Feature Mimicry for Detectors**

            José García, María López, Wei Chen · Proceedings of the Conference on Pretend Vision · 2022 · <https://arxiv.org/abs/2203.01234>

            检测器模仿特征。
        "#]],
    );
    check_hover(
        &DIGEST.replace("[[@dupont", "[[@$0dupont"),
        &library(),
        expect![[r#"
            8:34..8:55
            **Soft Logits – Hard Lessons**

            François Dupont, Søren Østergaard · Journal of Imaginary Pattern Machines (Letters) · 2020

            `@dupont2020logits` in library.bib, line 24
        "#]],
    );
    check_hover(
        &DIGEST.replace("[[@dupont", "[[@$0dupont"),
        &no_library(),
        expect![""],
    );
}

#[test]
fn definition_on_a_citation_lands_on_the_entry_line() {
    let library = library();
    for needle in ["[[@garcia", "[[@dupont", "[[@zhang"] {
        let (text, offset) = cursor(&DIGEST.replace(needle, &format!("$0{needle}")));
        let analysis = Analysis::new(&text, &Config::default());
        let target = definition(&analysis, offset, &library).unwrap();
        let entry = target.entry.unwrap();
        assert_eq!(entry.path, Path::new("/lib/library.bib"));
        let line = BIB.lines().nth(entry.line).unwrap();
        let key = &needle[3..];
        assert!(line.starts_with("@") && line.contains(key), "{line}");
        assert_eq!(entry.character, 0);
        assert_eq!(&text[target.origin.start..target.origin.start + 3], "[[@");
    }
    let (text, offset) = cursor(&DIGEST.replace("[[@garcia", "$0[[@garcia"));
    let analysis = Analysis::new(&text, &Config::default());
    let target = definition(&analysis, offset, &library).unwrap();
    expect![[r#"
        (
            Some(
                EntryPlace {
                    path: "/lib/library.bib",
                    line: 14,
                    character: 0,
                },
            ),
            "@inproceedings{garcia2022feature,",
        )
    "#]]
    .assert_debug_eq(&(
        target.entry.clone(),
        BIB.lines().nth(target.entry.unwrap().line).unwrap(),
    ));
    assert_eq!(definition(&analysis, offset, &no_library()), None);
}

fn check_completion(fixture: &str, expect: Expect) {
    let ws = workspace(fixture);
    let (file, offset) = ws.cursor();
    let text = &ws.texts[file];
    let library = library();
    let mut out = String::new();
    for item in completion(&ws.files(), file, offset, &Config::default(), &library.0) {
        let CompletionItem {
            label,
            kind,
            detail,
            documentation,
            filter,
            insert,
            range,
        } = item;
        out.push_str(&format!(
            "{label} [{kind:?}] {} -> {insert:?} | {detail:?} | {documentation:?} | {filter:?}\n",
            span(text, range)
        ));
    }
    expect.assert_eq(&out);
}

#[test]
fn completion_after_the_at_sign_lists_the_keys() {
    check_completion(
        "Paper1 A\n摘要原文: see [[@distil$0\n",
        expect![[r#"
            nakamura2023prompt [Citation] 2:14..2:20 -> "nakamura2023prompt]]" | Some("Prompt Distillation for Tiny Vision Transformers (2023)") | None | Some("nakamura2023prompt Prompt Distillation for Tiny Vision Transformers")
            zhang2022relation [Citation] 2:14..2:20 -> "zhang2022relation]]" | Some("Relation Distillation for 3D Point Clouds (2022)") | None | Some("zhang2022relation Relation Distillation for 3D Point Clouds")
            weber2021self [Citation] 2:14..2:20 -> "weber2021self]]" | Some("Self-Distillation Without Labels (2021)") | None | Some("weber2021self Self-Distillation Without Labels")
            rossi2024token [Citation] 2:14..2:20 -> "rossi2024token]]" | Some("Token Pruning Meets Distillation (2024)") | None | Some("rossi2024token Token Pruning Meets Distillation")
            silva2023curriculum [Citation] 2:14..2:20 -> "silva2023curriculum]]" | Some("Curriculum Distillation: A Study (2023)") | None | Some("silva2023curriculum Curriculum Distillation: A Study")
            lefevre2024survey [Citation] 2:14..2:20 -> "lefevre2024survey]]" | Some("A Survey of Distillation Surveys (2024)") | None | Some("lefevre2024survey A Survey of Distillation Surveys")
        "#]],
    );
    // In a heading line, and before a `]]` already there.
    check_completion(
        "Paper1 A [[@GARCIA$0]]\n",
        expect![[r#"
            garcia2022feature [Citation] 1:13..1:19 -> "garcia2022feature" | Some("Feature Mimicry for Detectors (2022)") | None | Some("garcia2022feature Feature Mimicry for Detectors")
        "#]],
    );
    // Inside a key: the rest of it is replaced, and no second `]]` added.
    check_completion(
        "Paper1 A [[@GAR$0CIA]]\n",
        expect![[r#"
            garcia2022feature [Citation] 1:13..1:19 -> "garcia2022feature" | Some("Feature Mimicry for Detectors (2022)") | None | Some("garcia2022feature Feature Mimicry for Detectors")
        "#]],
    );
}

/// `path line:col..line:col code message` per finding.
fn render_workspace(
    ws: &crate::common::Workspace,
    found: Vec<(usize, digest_analysis::Diagnostic)>,
) -> String {
    found
        .into_iter()
        .map(|(file, d)| {
            format!(
                "{} {} {}\n",
                ws.loc(file, d.range),
                d.problem.rule().code(),
                d.message()
            )
        })
        .collect()
}

#[test]
fn duplicates_across_files_by_doi_arxiv_and_entry() {
    let ws = workspace(
        "\
//- /ws/a.digest
Paper1 Teachers and Students
摘要原文: https://doi.org/10.5555/X.1
中文总结: a

Paper2 Prompt Tricks
摘要原文: arxiv.org/pdf/2308.12345v1
中文总结: b

Paper3 Graph Teachers [[@yilmaz2022graph]]
摘要原文: c
中文总结: c
//- /ws/b.digest
Paper1 Students and Teachers
摘要原文: DOI 10.5555/x.1.
中文总结: a

Paper2 More Prompt Tricks
摘要原文: arXiv:2308.12345
中文总结: b

Paper3 Sparse Graph Students
引用: [[@yilmaz2022graph]]
摘要原文: c
中文总结: c
",
    );
    let config = Config::default();
    expect![[r#"
        a.digest 1:1..1:29 duplicate-paper-across-files Paper1 is also in `b` as Paper1, with the same DOI 10.5555/x.1: keep one and refer to it with `[[b#Paper1]]`
        a.digest 5:1..5:21 duplicate-paper-across-files Paper2 is also in `b` as Paper2, with the same arXiv identifier 2308.12345: keep one and refer to it with `[[b#Paper2]]`
        a.digest 9:1..9:43 duplicate-paper-across-files Paper3 is also in `b` as Paper3, with the same bibliography entry `yilmaz2022graph`: keep one and refer to it with `[[b#Paper3]]`
        b.digest 1:1..1:29 duplicate-paper-across-files Paper1 is also in `a` as Paper1, with the same DOI 10.5555/x.1: keep one and refer to it with `[[a#Paper1]]`
        b.digest 5:1..5:26 duplicate-paper-across-files Paper2 is also in `a` as Paper2, with the same arXiv identifier 2308.12345: keep one and refer to it with `[[a#Paper2]]`
        b.digest 9:1..9:29 duplicate-paper-across-files Paper3 is also in `a` as Paper3, with the same bibliography entry `yilmaz2022graph`: keep one and refer to it with `[[a#Paper3]]`
    "#]]
    .assert_eq(&render_workspace(&ws, check_workspace(&ws.files(), &config)));

    let library = library();
    let keys: Vec<PaperKeys> = (ws.analyses.iter())
        .map(|a| PaperKeys::with_bibliography(a, &library.0))
        .collect();
    let keys: Vec<&PaperKeys> = keys.iter().collect();
    let found = check_workspace_with_keys(&ws.files(), &keys, &config);
    expect![[r#"
        a.digest 1:1..1:29 duplicate-paper-across-files Paper1 is also in `b` as Paper1, with the same DOI 10.5555/x.1: keep one and refer to it with `[[b#Paper1]]`
        a.digest 5:1..5:21 duplicate-paper-across-files Paper2 is also in `b` as Paper2, with the same bibliography entry `nakamura2023prompt`: keep one and refer to it with `[[b#Paper2]]`
        a.digest 9:1..9:43 duplicate-paper-across-files Paper3 is also in `b` as Paper3, with the same bibliography entry `yilmaz2022graph`: keep one and refer to it with `[[b#Paper3]]`
        b.digest 1:1..1:29 duplicate-paper-across-files Paper1 is also in `a` as Paper1, with the same DOI 10.5555/x.1: keep one and refer to it with `[[a#Paper1]]`
        b.digest 5:1..5:26 duplicate-paper-across-files Paper2 is also in `a` as Paper2, with the same bibliography entry `nakamura2023prompt`: keep one and refer to it with `[[a#Paper2]]`
        b.digest 9:1..9:29 duplicate-paper-across-files Paper3 is also in `a` as Paper3, with the same bibliography entry `yilmaz2022graph`: keep one and refer to it with `[[a#Paper3]]`
    "#]]
    .assert_eq(&render_workspace(&ws, found));
}

#[test]
fn citations_are_coloured_as_wiki_references_and_are_no_links() {
    let analysis = Analysis::new(DIGEST, &Config::default());
    let tokens: Vec<_> = semantic_tokens(&analysis, None)
        .into_iter()
        .filter(|t| DIGEST[t.range.start..t.range.end].starts_with("[[@"))
        .map(|t| format!("{} {:?}", span(DIGEST, t.range), t.kind))
        .collect();
    // The heading's citation too: the title's token stops around it.
    expect![[r#"
        [
            "4:5..4:27 WikiReference",
            "8:34..8:55 WikiReference",
            "25:13..25:35 WikiReference",
        ]
    "#]]
    .assert_debug_eq(&tokens);
    let links = document_links(&analysis, &library());
    assert!(
        links
            .iter()
            .all(|l| !DIGEST[l.range.start..l.range.end].starts_with("[[@")),
        "{links:?}"
    );
    let at = DIGEST.find("[[@garcia").unwrap();
    assert_eq!(highlights(&analysis, at), vec![]);
}

/// A heading's citation binds the paper and is no part of its title: the
/// hover, the inlay hint and the completion's detail show the title
/// without it, as the JSON export does.
#[test]
fn a_heading_citation_is_left_out_of_the_title_shown() {
    let text = "Paper1 Giant Teachers [[@mueller2021tiny]]  for Tiny Students\n摘要原文: a\n中文总结: b\n\nPaper2 [[@k]]\n摘要原文: see Paper1\n中文总结: 见Paper2\n";
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    let at = text.find("see Paper1").unwrap() + 5;
    let shown = hover(&analysis, at, &config, &no_library())
        .unwrap()
        .markdown;
    assert_eq!(
        shown.lines().next(),
        Some("**Paper1 Giant Teachers for Tiny Students**")
    );
    let hints = digest_analysis::features::inlay_hints(
        &analysis,
        digest_analysis::TextRange::new(0, text.len()),
        &config,
    );
    let labels: Vec<&str> = hints.iter().map(|h| h.label.as_str()).collect();
    // Cut to 30 characters; a title that is citations only has none to
    // show (Paper2 refers to itself).
    assert_eq!(labels, ["Giant Teachers for Tiny Stude…"]);
    let ws = workspace(&format!("{text}\nPaper3 C\n摘要原文: [[Pa$0\n"));
    let (file, offset) = ws.cursor();
    let details: Vec<(String, Option<String>)> =
        completion(&ws.files(), file, offset, &config, Bibliography::empty())
            .into_iter()
            .map(|item| (item.label, item.detail))
            .collect();
    assert_eq!(
        details[..2],
        [
            (
                "Paper1".to_string(),
                Some("Giant Teachers for Tiny Students".to_string())
            ),
            ("Paper2".to_string(), None),
        ]
    );
}
