//! Incremental analysis equals a fresh parse of the final text, for random
//! edit sequences (headings added, removed and changed; CJK, emoji, CRLF).

use digest_analysis::{Analysis, Config, Dirty, NoFiles, RuleCache, TextRange, check, check_with};
use expect_test::expect;
use proptest::prelude::*;
use ropey::Rope;

const PIECES: &[&str] = &[
    "Paper",
    "Paper4 T\n",
    "\n",
    "\r\n",
    "\r",
    "摘要原文: ",
    "中文总结：",
    "与Paper2类似",
    "[[Paper1]]",
    "😀",
    "https://x.org/a",
    "aka.ms/x",
    "文字",
    "x",
    "\n\nPaper9 N\n摘要原文: a\n中文总结: b\n",
    "",
    "\u{feff}",
    // A misspelt label, which stands for its kind in two rules.
    "\nAbstrct: ",
    "Summary: ",
];

const START: &str = "Title\r\n\r\nPaper1 A 😀\r\n摘要原文: 原文\r\n中文总结: 见Paper2\r\n\r\nPaper2 B\n摘要原文: a\n中文总结: b\nPaper3 C\n摘要原文: c\n";

/// An edit as (start fraction, length, piece), turned into byte offsets on
/// char boundaries of the current text.
fn apply(text: &mut String, at: usize, len: usize, piece: &str) -> Dirty {
    let mut start = at % (text.len() + 1);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + len).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text.replace_range(start..end, piece);
    Dirty::replace(TextRange::new(start, end), piece.len())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn edits_match_a_fresh_parse(
        edits in prop::collection::vec((any::<usize>(), 0usize..40, 0..PIECES.len()), 1..12),
        batch in 1usize..4,
    ) {
        let config = Config::default();
        let mut text = START.to_string();
        let mut analysis = Analysis::new(&text, &config);
        // The rules' findings kept paper by paper, from edit to edit.
        let mut rules = RuleCache::default();
        check_with(&analysis, &config, &NoFiles, &mut rules);
        // Edits are applied `batch` at a time, their changes combined.
        for chunk in edits.chunks(batch) {
            let mut dirty: Option<Dirty> = None;
            for &(at, len, piece) in chunk {
                let next = apply(&mut text, at, len, PIECES[piece]);
                dirty = Some(dirty.map_or(next, |d| d.then(next)));
            }
            let Some(dirty) = dirty else { continue };
            let before = (analysis.clone(), analysis.text.to_string());
            // Both ways of editing: copying the papers kept, and moving them.
            let copied = analysis.edit(Rope::from_str(&text), dirty, &config);
            analysis = analysis.into_edited(Rope::from_str(&text), dirty, &config);
            prop_assert_eq!(&copied.syntax, &analysis.syntax);
            let fresh = Analysis::new(&text, &config);
            prop_assert_eq!(&analysis.syntax, &fresh.syntax, "text {:?}", text);
            for edited in [&copied, &analysis] {
                prop_assert_eq!(edited.stamps.len(), edited.syntax.papers.len());
                // A stamp kept through the edit: the paper's lines are unchanged.
                for (paper, stamp) in edited.syntax.papers.iter().zip(&edited.stamps) {
                    let old = before.0.stamps.iter().position(|s| s == stamp);
                    if let Some(old) = old.map(|i| &before.0.syntax.papers[i]) {
                        prop_assert_eq!(paper_lines(&before.1, old), paper_lines(&text, paper));
                    }
                }
                let kept = |a: &Analysis| a.stamps.iter().filter(|s| before.0.stamps.contains(s)).count();
                prop_assert_eq!(kept(edited), kept(&copied));
            }
            let expected = check(&fresh, &config, &NoFiles);
            prop_assert_eq!(check(&analysis, &config, &NoFiles), expected.clone());
            prop_assert_eq!(check_with(&analysis, &config, &NoFiles, &mut rules), expected);
        }
    }
}

/// A paper's text from the start of its heading's line to its end.
fn paper_lines<'a>(text: &'a str, paper: &digest_analysis::syntax::Paper) -> &'a str {
    let line_start = text[..paper.heading.start]
        .rfind(['\n', '\r'])
        .map_or(0, |i| i + 1);
    &text[line_start..paper.range.end]
}

#[test]
fn an_edit_keeps_the_stamps_of_the_papers_it_did_not_touch() {
    let config = Config::default();
    let text = "Paper1 A\n摘要原文: a\n\nPaper2 B\n摘要原文: b\n\nPaper3 C\n摘要原文: c\n\nPaper4 D\n摘要原文: d\n\nPaper5 E\n摘要原文: e\n";
    let analysis = Analysis::new(text, &config);
    let fresh = Analysis::new(text, &config);
    assert!(analysis.stamps.iter().all(|s| !fresh.stamps.contains(s)));
    // One character into Paper4's abstract: Paper3 to Paper5 are re-parsed.
    let at = text.find(": d").expect("d") + 2;
    let mut edited = text.to_string();
    edited.insert(at, 'x');
    let next = analysis.edit(
        Rope::from_str(&edited),
        Dirty::replace(TextRange::new(at, at), 1),
        &config,
    );
    assert_eq!(next.stamps[..2], analysis.stamps[..2]);
    assert!(
        next.stamps[2..]
            .iter()
            .all(|s| !analysis.stamps.contains(s))
    );
    // In Paper2: Paper1 to Paper3 re-parsed, Paper4 and Paper5 moved.
    let at = text.find(": b").expect("b") + 2;
    let mut edited = text.to_string();
    edited.insert(at, '文');
    let dirty = Dirty::replace(TextRange::new(at, at), 3);
    let copied = analysis.edit(Rope::from_str(&edited), dirty, &config);
    let moved = analysis
        .clone()
        .into_edited(Rope::from_str(&edited), dirty, &config);
    for next in [copied, moved] {
        assert!(
            next.stamps[..3]
                .iter()
                .all(|s| !analysis.stamps.contains(s))
        );
        assert_eq!(next.stamps[3..], analysis.stamps[3..]);
    }
}

#[test]
fn combined_changes_cover_both() {
    // "abcdef": replace "cd" by "XYZ" -> "abXYZef", then "Ze" by "" -> "abXYf".
    let first = Dirty::replace(TextRange::new(2, 4), 3);
    let second = Dirty::replace(TextRange::new(4, 6), 0);
    assert_eq!(
        first.then(second),
        Dirty {
            start: 2,
            old_end: 5,
            new_end: 4
        }
    );
    // A later change before the first one.
    let before = Dirty::replace(TextRange::new(0, 1), 2);
    assert_eq!(
        first.then(before),
        Dirty {
            start: 0,
            old_end: 4,
            new_end: 6
        }
    );
}

#[test]
fn kept_findings_move_with_their_paper_and_follow_the_configuration() {
    let config = Config::default();
    // Paper2 has no title and a link without a scheme; Paper1 is clean.
    let text =
        "Paper1 A\n摘要原文: a\n中文总结: b\n\nPaper2\n摘要原文: see github.com/x/y\n中文总结: c\n";
    let analysis = Analysis::new(text, &config);
    let mut rules = RuleCache::default();
    let before = check_with(&analysis, &config, &NoFiles, &mut rules);
    assert_eq!(before, check(&analysis, &config, &NoFiles));
    let render = |text: &str, found: &[digest_analysis::Diagnostic]| {
        crate::common::lines(
            found
                .iter()
                .map(|d| crate::common::render_diagnostic(text, d)),
        )
    };
    expect![[r#"
        5:1..5:7 error[missing-title] Paper2 has no title: write the paper's title after the number
        6:11..6:25 hint[link-without-scheme] Paper2: `github.com/x/y` looks like a link without a scheme: write `https://github.com/x/y`
    "#]].assert_eq(&render(text, &before));
    // Two lines typed into Paper1 (re-parsed); Paper2's findings are kept
    // and move down by the bytes typed.
    let at = text.find(": a").expect("a") + 2;
    let typed = "x\n😀\n";
    let mut edited = text.to_string();
    edited.insert_str(at, typed);
    let dirty = Dirty::replace(TextRange::new(at, at), typed.len());
    let next = analysis.into_edited(Rope::from_str(&edited), dirty, &config);
    let after = check_with(&next, &config, &NoFiles, &mut rules);
    assert_eq!(
        after,
        check(&Analysis::new(&edited, &config), &config, &NoFiles)
    );
    let moved: Vec<usize> = after.iter().map(|d| d.range.start - typed.len()).collect();
    let was: Vec<usize> = before.iter().map(|d| d.range.start).collect();
    assert_eq!(moved, was);
    // Another configuration: the kept findings are not reused.
    let (quiet, errors) = digest_analysis::parse_config("[rules]\nmissing-title = \"off\"\n");
    assert_eq!(errors, []);
    let found = check_with(&next, &quiet, &NoFiles, &mut rules);
    assert_eq!(found, check(&next, &quiet, &NoFiles));
    expect![[r#"
        8:11..8:25 hint[link-without-scheme] Paper2: `github.com/x/y` looks like a link without a scheme: write `https://github.com/x/y`
    "#]].assert_eq(&render(&edited, &found));
}

#[test]
fn a_file_with_too_many_findings_is_not_kept() {
    let config = Config::default();
    // Every paper lacks its title and its summary: 10,000 findings.
    let broken: String = (1..=5_000)
        .map(|n| format!("Paper{n}\n摘要原文: a\n"))
        .collect();
    let analysis = Analysis::new(&broken, &config);
    let mut rules = RuleCache::default();
    let found = check_with(&analysis, &config, &NoFiles, &mut rules);
    assert_eq!(found, check(&analysis, &config, &NoFiles));
    assert_eq!(
        found.len(),
        1001,
        "capped, with the note of how many were left out"
    );
    assert_eq!(rules.findings(), 0);
    // A file with a few findings keeps them.
    let analysis = Analysis::new("Paper1\n摘要原文: a\n", &config);
    check_with(&analysis, &config, &NoFiles, &mut rules);
    assert_eq!(rules.findings(), 2);
}
