//! `KeyIndex`: the cross-file keys kept from one check to the next, updated
//! for the digests whose keys changed, answering each file's findings
//! exactly as the whole workspace checked from scratch does.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use crate::common::workspace;
use digest_analysis::bibliography::{BibFile, Bibliography};
use digest_analysis::rules::{
    Diagnostic, KeyIndex, PaperKeys, check_workspace, check_workspace_with_keys,
};
use digest_analysis::{Analysis, Config, WorkspaceFile, parse_config};

/// The duplicate rule's fixture, plus: a title two papers of one digest
/// share (and a third digest has), a repository of its own, a cited key
/// without a bibliography, and a digest with nothing in common.
const WORKSPACE: &str = concat!(
    duplicates_fixture!(),
    "Paper5 Yet Another
引用: [[@chen2021tiny]]
摘要原文: https://github.com/open-mmlab/mmdet https://github.com/x/only-here
Paper6 Placeholder
摘要原文: a
//- /ws/d.digest
Paper1 Nothing in common
摘要原文: a
Paper2 Placeholder
摘要原文: a
Paper3 Placeholder
摘要原文: a
//- /ws/e.digest
Paper1 Cites the same [[@chen2021tiny]]
摘要原文: https://github.com/x/only-here
"
);

/// A digest of the workspace as a test holds it: path, analysis, and
/// the stamp its keys are indexed with.
struct Digest {
    path: PathBuf,
    analysis: Analysis,
    stamp: u32,
}

struct Workspace {
    digests: Vec<Digest>,
    next_stamp: u32,
}

impl Workspace {
    fn new(fixture: &str) -> Self {
        let ws = workspace(fixture);
        let mut digests: Vec<Digest> = (ws.paths.into_iter().zip(ws.analyses))
            .enumerate()
            .map(|(i, (path, analysis))| Digest {
                path,
                analysis,
                stamp: i as u32,
            })
            .collect();
        // In path order, as the server's view has them.
        digests.sort_by(|a, b| a.path.cmp(&b.path));
        let next_stamp = digests.len() as u32;
        Self {
            digests,
            next_stamp,
        }
    }

    fn stamp(&mut self) -> u32 {
        self.next_stamp += 1;
        self.next_stamp
    }

    /// Replaces the text of the digest at `path`, or adds it (in path
    /// order) with a new stamp.
    fn write(&mut self, path: &str, text: &str) {
        let stamp = self.stamp();
        let digest = Digest {
            path: PathBuf::from(path),
            analysis: Analysis::new(text, &Config::default()),
            stamp,
        };
        match self
            .digests
            .binary_search_by(|d| d.path.as_path().cmp(Path::new(path)))
        {
            Ok(i) => self.digests[i] = digest,
            Err(i) => self.digests.insert(i, digest),
        }
    }

    fn remove(&mut self, path: &str) {
        self.digests.retain(|d| d.path != Path::new(path));
    }

    fn files(&self) -> Vec<WorkspaceFile<'_>> {
        (self.digests.iter())
            .map(|d| WorkspaceFile {
                path: &d.path,
                analysis: &d.analysis,
            })
            .collect()
    }
}

/// Brings `index` up to `files` (keys `keys`, stamps `stamps`), and checks
/// that it finds on each file what the whole workspace checked from
/// scratch with those keys finds there; how many digests it filed anew.
fn agrees(
    index: &mut KeyIndex<u32>,
    files: &[WorkspaceFile<'_>],
    keys: &[&PaperKeys],
    stamps: &[u32],
    config: &Config,
) -> usize {
    let mut filed = 0;
    let synced = index.sync(files, keys, |i, old| {
        let changed = old != Some(&stamps[i]);
        filed += usize::from(changed);
        changed.then_some(stamps[i])
    });
    let all = check_workspace_with_keys(files, keys, config);
    for (current, file) in files.iter().enumerate() {
        let expected: Vec<Diagnostic> = (all.iter())
            .filter(|(f, _)| *f == current)
            .map(|(_, d)| d.clone())
            .collect();
        assert_eq!(
            synced.check_file(current, config),
            expected,
            "{}",
            file.path.display()
        );
    }
    filed
}

/// [`agrees`] with each digest's own keys (no bibliography).
fn own_keys_agree(index: &mut KeyIndex<u32>, ws: &Workspace, config: &Config) -> usize {
    let files = ws.files();
    let keys: Vec<&PaperKeys> = ws.digests.iter().map(|d| d.analysis.paper_keys()).collect();
    let stamps: Vec<u32> = ws.digests.iter().map(|d| d.stamp).collect();
    let filed = agrees(index, &files, &keys, &stamps, config);
    assert_eq!(index.len(), files.len());
    filed
}

#[test]
fn filed_at_once_it_agrees_with_the_whole_workspace() {
    let ws = Workspace::new(WORKSPACE);
    let files = ws.files();
    let all = check_workspace(&files, &Config::default());
    // The fixture's findings, in each way a paper is found again.
    let found: Vec<String> = (all.iter())
        .map(|(f, d)| format!("{} {}", files[*f].path.display(), d.message()))
        .collect();
    assert_eq!(
        found,
        [
            "/ws/a.digest Paper1 is also in `c` as Paper4 (and 2 more), with the same title: keep one and refer to it with `[[c#Paper4]]`",
            "/ws/c.digest Paper4 is also in `a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[a#Paper1]]`",
            "/ws/c.digest Paper5 is also in `e` as Paper1, with the same bibliography entry `chen2021tiny`: keep one and refer to it with `[[e#Paper1]]`",
            "/ws/e.digest Paper1 is also in `c` as Paper5, with the same bibliography entry `chen2021tiny`: keep one and refer to it with `[[c#Paper5]]`",
            "/ws/sub/b.digest Paper7 is also in `../a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[../a#Paper1]]`",
            "/ws/sub/b.digest Paper8 is also in `../a` as Paper1, with the same code link `github.com/owner/repo`: keep one and refer to it with `[[../a#Paper1]]`",
        ]
    );
    let mut index = KeyIndex::new();
    assert_eq!(own_keys_agree(&mut index, &ws, &Config::default()), 5);
    // Again with the same stamps: nothing is filed anew, the same answers.
    assert_eq!(own_keys_agree(&mut index, &ws, &Config::default()), 0);
}

#[test]
fn a_digest_whose_keys_change_is_filed_again_alone() {
    let mut ws = Workspace::new(WORKSPACE);
    let config = Config::default();
    let mut index = KeyIndex::new();
    own_keys_agree(&mut index, &ws, &config);

    // b's first paper takes a title of its own, its second that of d's
    // first; d's placeholder twins become one.
    ws.write(
        "/ws/sub/b.digest",
        "Paper7 Something Else Entirely
摘要原文: a
Paper8 Nothing In Common!
摘要原文: (github.com/owner/repo.git)
Paper9 Another
摘要原文: https://github.com/open-mmlab/mmdet
",
    );
    assert_eq!(own_keys_agree(&mut index, &ws, &config), 1);
    ws.write(
        "/ws/d.digest",
        "Paper1 Nothing in common
摘要原文: a
Paper2 Placeholder
摘要原文: https://github.com/x/only-here
",
    );
    assert_eq!(own_keys_agree(&mut index, &ws, &config), 1);
    let placeholder = (check_workspace(&ws.files(), &config).iter())
        .any(|(_, d)| d.related.iter().any(|r| r.message == "Paper6 in `c`"));
    assert!(placeholder, "no longer a title two papers of d share");

    // A keystroke that changes no key: filed again all the same (a new
    // analysis), the same answers.
    ws.write(
        "/ws/d.digest",
        "Paper1 Nothing in common
摘要原文: ab
Paper2 Placeholder
摘要原文: https://github.com/x/only-here
",
    );
    assert_eq!(own_keys_agree(&mut index, &ws, &config), 1);
    // The rule turned off, then back on: nothing, then the same again.
    let off = parse_config("[rules]\nduplicate-paper-across-files = \"off\"\n").0;
    own_keys_agree(&mut index, &ws, &off);
    assert_eq!(own_keys_agree(&mut index, &ws, &config), 0);
}

#[test]
fn digests_removed_and_added_shift_the_others() {
    let mut ws = Workspace::new(WORKSPACE);
    let config = Config::default();
    let mut index = KeyIndex::new();
    own_keys_agree(&mut index, &ws, &config);

    // The first digest gone: every other one moves up by one.
    ws.remove("/ws/a.digest");
    assert_eq!(own_keys_agree(&mut index, &ws, &config), 0);
    // Back, with another title; and a new digest in the middle.
    ws.write(
        "/ws/a.digest",
        "Paper1 Placeholder
摘要原文: https://github.com/Owner/Repo
",
    );
    ws.write(
        "/ws/bb.digest",
        "Paper1 Self-distillation: a survey
Paper2 Cites the same [[@chen2021tiny]]
",
    );
    assert_eq!(own_keys_agree(&mut index, &ws, &config), 2);
    // Down to one digest, then to none.
    ws.digests.truncate(1);
    own_keys_agree(&mut index, &ws, &config);
    ws.digests.clear();
    own_keys_agree(&mut index, &ws, &config);
    assert!(index.is_empty());
}

#[test]
fn keys_that_do_not_match_the_files_empty_the_index() {
    let ws = Workspace::new(WORKSPACE);
    let config = Config::default();
    let mut index = KeyIndex::new();
    own_keys_agree(&mut index, &ws, &config);
    let files = ws.files();
    let keys: Vec<&PaperKeys> = ws.digests.iter().map(|d| d.analysis.paper_keys()).collect();
    let synced = index.sync(&files, &keys[..1], |_, _| Some(0));
    assert_eq!(synced.check_file(0, &config), vec![]);
    assert!(index.is_empty());
    // And a file out of range finds nothing.
    let synced = index.sync(&files, &keys, |i, _| Some(i as u32));
    assert_eq!(synced.check_file(files.len(), &config), vec![]);
}

/// Two digests whose papers a bibliography may bind to one entry.
const CITING: &str = "\
//- /ws/a.digest
Paper1 Graph Teachers [[@k1]]
摘要原文: a
Paper2 Sparse Students
摘要原文: b
//- /ws/b.digest
Paper1 Teachers on Graphs [[@k2]]
摘要原文: a
Paper2 Dense Students
摘要原文: b
";

fn bibliography(text: &str) -> Bibliography {
    Bibliography::new(vec![BibFile::read(Path::new("/ws/library.bib"), text)])
}

#[test]
fn a_bibliography_change_rebinds_papers() {
    let ws = Workspace::new(CITING);
    let files = ws.files();
    let config = Config::default();
    // Each bibliography in turn: entries apart, entries with one DOI, then
    // a's second paper bound by its title to the entry b's first cites.
    let bibliographies = [
        "@article{k1, title = {Graph Teachers}, doi = {10.5555/one}}
         @article{k2, title = {Teachers on Graphs}, doi = {10.5555/two}}",
        "@article{k1, title = {Graph Teachers}, doi = {10.5555/same}}
         @article{k2, title = {Teachers on Graphs}, doi = {10.5555/SAME}}",
        "@article{k1, title = {Graph Teachers}, doi = {10.5555/one}}
         @article{k2, title = {Sparse Students}, eprint = {2301.00001}}",
        "",
    ];
    let mut index = KeyIndex::new();
    let mut found = Vec::new();
    for (version, bib) in bibliographies.iter().enumerate() {
        let bibliography = bibliography(bib);
        let keys: Vec<PaperKeys> = (ws.digests.iter())
            .map(|d| PaperKeys::with_bibliography(&d.analysis, &bibliography))
            .collect();
        let keys: Vec<&PaperKeys> = keys.iter().collect();
        // The stamp: the bibliography's version (the analyses stay).
        let stamps = vec![version as u32; files.len()];
        assert_eq!(agrees(&mut index, &files, &keys, &stamps, &config), 2);
        let synced = index.sync(&files, &keys, |_, _| None);
        found.push(
            (synced.check_file(0, &config).iter())
                .map(Diagnostic::message)
                .collect::<Vec<_>>(),
        );
    }
    assert_eq!(
        found,
        [
            vec![],
            vec![
                "Paper1 is also in `b` as Paper1, with the same DOI 10.5555/same: keep one and refer to it with `[[b#Paper1]]`"
            ],
            vec![
                "Paper2 is also in `b` as Paper1, with the same bibliography entry `k2`: keep one and refer to it with `[[b#Paper1]]`"
            ],
            vec![],
        ]
    );
}

/// A digest of `papers`, each (title, link, cited key) picked from small
/// sets, so that digests share keys and papers of one digest do too.
fn digest_of(papers: &[(u8, u8, u8)]) -> String {
    const TITLES: [&str; 4] = [
        "Graph Teachers",
        "graph teachers!",
        "Sparse Students",
        "Tiny",
    ];
    let mut text = String::new();
    for (i, &(title, link, cited)) in papers.iter().enumerate() {
        let title = TITLES[usize::from(title) % TITLES.len()];
        text.push_str(&format!("Paper{} {title}\n", i + 1));
        if cited % 3 != 0 {
            text.push_str(&format!("引用: [[@k{}]]\n", cited % 3));
        }
        match link % 4 {
            0 => text.push_str("摘要原文: a\n"),
            1 => text.push_str("摘要原文: https://github.com/o/one\n"),
            2 => text.push_str("摘要原文: https://github.com/o/two https://doi.org/10.5555/x\n"),
            _ => text.push_str("摘要原文: arXiv:2301.00001 https://github.com/O/One.git\n"),
        }
    }
    text
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

    /// Any sequence of digests written, rewritten and removed: after each
    /// step the index, updated for what changed alone, finds on every
    /// digest what the whole workspace checked from scratch finds.
    #[test]
    fn any_sequence_of_changes_agrees_with_a_check_from_scratch(
        steps in proptest::collection::vec(
            (0u8..6, proptest::option::of(proptest::collection::vec((0u8..4, 0u8..4, 0u8..3), 0..4))),
            1..12,
        )
    ) {
        let mut ws = Workspace::new("");
        ws.digests.clear();
        let config = Config::default();
        let mut index = KeyIndex::new();
        for (digest, papers) in steps {
            let path = format!("/ws/d{digest}.digest");
            match papers {
                Some(papers) => ws.write(&path, &digest_of(&papers)),
                None => ws.remove(&path),
            }
            let filed = own_keys_agree(&mut index, &ws, &config);
            proptest::prop_assert!(filed <= 1);
        }
    }
}
