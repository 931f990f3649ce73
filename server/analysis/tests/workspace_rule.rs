//! The `duplicate-paper-across-files` rule: the same paper in two digests.

#[macro_use]
mod common;

use common::{Workspace, workspace};
use digest_analysis::rules::check_workspace;
use digest_analysis::{Config, parse_config};

const WORKSPACE: &str = duplicates_fixture!();

/// `path line:col..line:col severity[code] message`, then one line per
/// related location.
fn render(ws: &Workspace, config: &Config) -> Vec<String> {
    let mut out = Vec::new();
    for (file, d) in check_workspace(&ws.files(), config) {
        out.push(format!(
            "{} {}[{}] {}",
            ws.loc(file, d.range),
            d.severity.as_str(),
            d.rule().code(),
            d.message()
        ));
        for related in &d.related {
            let path = related.file.as_ref().expect("a file");
            let other = ws
                .paths
                .iter()
                .position(|p| p == path)
                .expect("a workspace file");
            out.push(format!(
                "  -> {}: {}",
                ws.loc(other, related.range),
                related.message
            ));
        }
    }
    out
}

#[test]
fn same_title_or_same_repository_in_another_digest() {
    let ws = workspace(WORKSPACE);
    assert_eq!(
        render(&ws, &Config::default()),
        [
            "a.digest 1:1..1:35 hint[duplicate-paper-across-files] Paper1 is also in `sub/b` as Paper7 (and 2 more), with the same title: keep one and refer to it with `[[sub/b#Paper7]]`",
            "  -> sub/b.digest 1:1..1:37: Paper7 in `sub/b`",
            "  -> sub/b.digest 4:1..4:23: Paper8 in `sub/b`",
            "  -> c.digest 1:1..1:35: Paper4 in `c`",
            "sub/b.digest 1:1..1:37 hint[duplicate-paper-across-files] Paper7 is also in `../a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[../a#Paper1]]`",
            "  -> a.digest 1:1..1:35: Paper1 in `../a`",
            "  -> c.digest 1:1..1:35: Paper4 in `../c`",
            "sub/b.digest 4:1..4:23 hint[duplicate-paper-across-files] Paper8 is also in `../a` as Paper1, with the same code link `github.com/owner/repo`: keep one and refer to it with `[[../a#Paper1]]`",
            "  -> a.digest 1:1..1:35: Paper1 in `../a`",
            "c.digest 1:1..1:35 hint[duplicate-paper-across-files] Paper4 is also in `a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[a#Paper1]]`",
            "  -> a.digest 1:1..1:35: Paper1 in `a`",
            "  -> sub/b.digest 1:1..1:37: Paper7 in `sub/b`",
        ]
    );
}

#[test]
fn one_digest_alone_has_no_cross_file_duplicates() {
    // mmdet is linked twice in a.digest: a shared link, not a paper's own.
    let ws = workspace(&WORKSPACE.replace("Paper9 Another", "Paper9 Another one"));
    let rendered = render(&ws, &Config::default());
    assert!(
        !rendered.iter().any(|l| l.contains("mmdet")),
        "{rendered:?}"
    );
    let single = workspace("Paper1 A\nPaper2 A\n");
    assert_eq!(render(&single, &Config::default()), Vec::<String>::new());
}

#[test]
fn configurable_like_every_rule() {
    let ws = workspace(WORKSPACE);
    let (off, errors) = parse_config("[rules]\nduplicate-paper-across-files = \"off\"\n");
    assert_eq!(errors, []);
    assert_eq!(render(&ws, &off), Vec::<String>::new());
    let (warning, errors) = parse_config("[rules]\nduplicate-paper-across-files = \"warning\"\n");
    assert_eq!(errors, []);
    assert!(render(&ws, &warning)[0].contains(" warning[duplicate-paper-across-files] "));
}
