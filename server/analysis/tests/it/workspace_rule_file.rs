//! `check_workspace_file`: one file's cross-file findings from keys derived
//! beforehand, exactly as `check_workspace` finds them for that file.

use crate::common::workspace;
use digest_analysis::Config;
use digest_analysis::rules::{PaperKeys, check_workspace, check_workspace_file};

/// The duplicate rule's fixture, plus a paper with a repository of its own
/// and a digest with nothing in common.
const WORKSPACE: &str = concat!(
    duplicates_fixture!(),
    "Paper5 Another
摘要原文: https://github.com/open-mmlab/mmdet https://github.com/x/only-here
//- /ws/d.digest
Paper1 Nothing in common
"
);

#[test]
fn one_file_at_a_time_agrees_with_the_whole_workspace() {
    let ws = workspace(WORKSPACE);
    let files = ws.files();
    let keys: Vec<PaperKeys> = ws.analyses.iter().map(PaperKeys::new).collect();
    let keys: Vec<&PaperKeys> = keys.iter().collect();
    let config = Config::default();
    let all = check_workspace(&files, &config);
    assert!(all.len() >= 4, "the fixture has findings: {all:?}");
    for current in 0..files.len() {
        let expected: Vec<_> = all
            .iter()
            .filter(|(file, _)| *file == current)
            .map(|(_, d)| d.clone())
            .collect();
        assert_eq!(
            check_workspace_file(&files, &keys, current, &config),
            expected,
            "{}",
            ws.name(current)
        );
    }
    // Keys that do not match the files, or a file out of range: nothing.
    assert!(check_workspace_file(&files, &keys[..1], 0, &config).is_empty());
    assert!(check_workspace_file(&files, &keys, files.len(), &config).is_empty());
}
