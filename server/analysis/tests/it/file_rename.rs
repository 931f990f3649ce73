//! Moving digests and folders: the references that name them follow.

use std::path::{Path, PathBuf};

use crate::common::{Workspace, workspace};
use digest_analysis::features::{FileRename, rename_files};
use digest_analysis::syntax::RefTarget;
use digest_analysis::workspace::normalize;
use digest_analysis::{Analysis, Config};
use expect_test::{Expect, expect};

fn moves(renames: &[(&str, &str)]) -> Vec<FileRename> {
    renames
        .iter()
        .map(|(old, new)| FileRename {
            old: PathBuf::from(old),
            new: PathBuf::from(new),
        })
        .collect()
}

/// The paths of the workspace's files after `renames`, as the test sees
/// them (independently of the feature): by the longest `old` that is the
/// path or a folder above it.
fn moved_paths(ws: &Workspace, renames: &[(&str, &str)]) -> Vec<PathBuf> {
    ws.paths
        .iter()
        .map(|path| {
            renames
                .iter()
                .filter(|(old, _)| path.starts_with(old))
                .max_by_key(|(old, _)| old.len())
                .map_or(path.clone(), |(old, new)| {
                    Path::new(new).join(path.strip_prefix(old).expect("under old"))
                })
        })
        .map(|p| PathBuf::from(p.to_string_lossy().trim_end_matches('/')))
        .collect()
}

/// For each file, the file each wiki reference's file part names (an index
/// into `paths`; `None`: no file), `.digest` tried first as the spec says.
fn targets(paths: &[PathBuf], texts: &[String]) -> Vec<Vec<Option<usize>>> {
    let config = Config::default();
    let find = |p: &Path| paths.iter().position(|q| normalize(q) == normalize(p));
    texts
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let analysis = Analysis::new(text, &config);
            let syntax = &analysis.syntax;
            let folder = paths[i].parent().expect("a folder");
            syntax
                .preamble_inline
                .references
                .iter()
                .chain(syntax.papers.iter().flat_map(|p| &p.inline.references))
                .filter_map(|r| match &r.target {
                    RefTarget::File(f) | RefTarget::FilePaper { file: f, .. } => Some(f.clone()),
                    RefTarget::BadAnchor { file, .. } if !file.is_empty() => Some(file.clone()),
                    _ => None,
                })
                .map(|f| match f.ends_with(".digest") {
                    true => find(&folder.join(&f)),
                    false => {
                        find(&folder.join(format!("{f}.digest"))).or_else(|| find(&folder.join(&f)))
                    }
                })
                .collect()
        })
        .collect()
}

/// The edits of moving `renames` in the fixture, then the files they
/// change as they read after them; and, checked, every wiki reference
/// names the same digest after the move as before.
fn check(fixture: &str, renames: &[(&str, &str)], expect: Expect) {
    let ws = workspace(fixture);
    let edits = rename_files(&ws.files(), &moves(renames));
    expect.assert_eq(&ws.render_applied(&edits));
    let before = targets(&ws.paths, &ws.texts);
    let after = targets(&moved_paths(&ws, renames), &ws.apply(&edits));
    assert_eq!(before, after, "every reference names the digest it named");
}

/// Digests in a folder `old`, referred to from outside it (and from inside,
/// among themselves and to the outside), with references to other digests
/// around them.
const FOLDER: &str = "\
//- /ws/old/a.digest
Paper1 A
摘要原文: [[b#Paper1]] [[../c#Paper1]] Paper2 [[Paper1]] [[a#Paper1]]
//- /ws/old/b.digest
Paper1 B
//- /ws/c.digest
See [[old/a]] and [[old/b.digest]].

Paper1 C
摘要原文: [[old/a#Paper1]], [[ old/a.digest # Paper 1 ]], [[old/b#Paper9]], [[old/a#intro]]
中文总结: [[c#Paper1]] [[gone#Paper1]] [[sub/d]] [[old/missing]]
//- /ws/sub/d.digest
Paper1 D
摘要原文: [[../old/b#Paper1]] [[../c]]
";

#[test]
fn a_folder_moves_deeper() {
    check(
        FOLDER,
        &[("/ws/old", "/ws/archive/2023")],
        expect![[r#"
            old/a.digest 2:22..2:26 -> "../../c"
            c.digest 1:7..1:12 -> "archive/2023/a"
            c.digest 1:21..1:33 -> "archive/2023/b.digest"
            c.digest 4:9..4:14 -> "archive/2023/a"
            c.digest 4:28..4:40 -> "archive/2023/a.digest"
            c.digest 4:57..4:62 -> "archive/2023/b"
            c.digest 4:75..4:80 -> "archive/2023/a"
            sub/d.digest 2:9..2:17 -> "../archive/2023/b"
            --- old/a.digest
            Paper1 A
            摘要原文: [[b#Paper1]] [[../../c#Paper1]] Paper2 [[Paper1]] [[a#Paper1]]
            --- c.digest
            See [[archive/2023/a]] and [[archive/2023/b.digest]].

            Paper1 C
            摘要原文: [[archive/2023/a#Paper1]], [[ archive/2023/a.digest # Paper 1 ]], [[archive/2023/b#Paper9]], [[archive/2023/a#intro]]
            中文总结: [[c#Paper1]] [[gone#Paper1]] [[sub/d]] [[old/missing]]
            --- sub/d.digest
            Paper1 D
            摘要原文: [[../archive/2023/b#Paper1]] [[../c]]
        "#]],
    );
}

#[test]
fn one_digest_moves_and_is_renamed() {
    check(
        FOLDER,
        &[("/ws/old/a.digest", "/ws/sub/renamed.digest")],
        expect![[r#"
            old/a.digest 2:9..2:10 -> "../old/b"
            old/a.digest 2:56..2:57 -> "renamed"
            c.digest 1:7..1:12 -> "sub/renamed"
            c.digest 4:9..4:14 -> "sub/renamed"
            c.digest 4:28..4:40 -> "sub/renamed.digest"
            c.digest 4:75..4:80 -> "sub/renamed"
            --- old/a.digest
            Paper1 A
            摘要原文: [[../old/b#Paper1]] [[../c#Paper1]] Paper2 [[Paper1]] [[renamed#Paper1]]
            --- c.digest
            See [[sub/renamed]] and [[old/b.digest]].

            Paper1 C
            摘要原文: [[sub/renamed#Paper1]], [[ sub/renamed.digest # Paper 1 ]], [[old/b#Paper9]], [[sub/renamed#intro]]
            中文总结: [[c#Paper1]] [[gone#Paper1]] [[sub/d]] [[old/missing]]
        "#]],
    );
}

#[test]
fn several_moves_at_once() {
    // The referring digest moves too: its references are written from its
    // new folder; a folder and a file in it, the file's own move wins.
    check(
        FOLDER,
        &[
            ("/ws/c.digest", "/ws/top/c2.digest"),
            ("/ws/old/", "/ws/new/"),
            ("/ws/old/b.digest", "/ws/b.digest"),
        ],
        expect![[r#"
            old/a.digest 2:9..2:10 -> "../b"
            old/a.digest 2:22..2:26 -> "../top/c2"
            c.digest 1:7..1:12 -> "../new/a"
            c.digest 1:21..1:33 -> "../b.digest"
            c.digest 4:9..4:14 -> "../new/a"
            c.digest 4:28..4:40 -> "../new/a.digest"
            c.digest 4:57..4:62 -> "../b"
            c.digest 4:75..4:80 -> "../new/a"
            c.digest 5:9..5:10 -> "c2"
            c.digest 5:38..5:43 -> "../sub/d"
            sub/d.digest 2:9..2:17 -> "../b"
            sub/d.digest 2:29..2:33 -> "../top/c2"
            --- old/a.digest
            Paper1 A
            摘要原文: [[../b#Paper1]] [[../top/c2#Paper1]] Paper2 [[Paper1]] [[a#Paper1]]
            --- c.digest
            See [[../new/a]] and [[../b.digest]].

            Paper1 C
            摘要原文: [[../new/a#Paper1]], [[ ../new/a.digest # Paper 1 ]], [[../b#Paper9]], [[../new/a#intro]]
            中文总结: [[c2#Paper1]] [[gone#Paper1]] [[../sub/d]] [[old/missing]]
            --- sub/d.digest
            Paper1 D
            摘要原文: [[../b#Paper1]] [[../top/c2]]
        "#]],
    );
}

#[test]
fn a_name_that_would_read_as_a_paper_keeps_its_extension() {
    check(
        "//- /ws/main.digest\nPaper1 M\n摘要原文: [[x]] [[x#Paper1]]\n//- /ws/x.digest\nPaper1 X\n",
        &[("/ws/x.digest", "/ws/Paper3.digest")],
        expect![[r#"
            main.digest 2:9..2:10 -> "Paper3.digest"
            main.digest 2:15..2:16 -> "Paper3"
            --- main.digest
            Paper1 M
            摘要原文: [[Paper3.digest]] [[Paper3#Paper1]]
        "#]],
    );
}

#[test]
fn a_name_that_cannot_be_written_is_left() {
    // `#` cannot stand in a wiki reference's file part.
    let ws =
        workspace("//- /ws/main.digest\nPaper1 M\n摘要原文: [[x]]\n//- /ws/x.digest\nPaper1 X\n");
    assert_eq!(
        rename_files(&ws.files(), &moves(&[("/ws/x.digest", "/ws/a#b.digest")])),
        []
    );
}

#[test]
fn nothing_moves_nothing_changes() {
    let ws = workspace(FOLDER);
    let files = ws.files();
    assert_eq!(rename_files(&files, &[]), []);
    // A path that is no digest and holds none.
    assert_eq!(
        rename_files(&files, &moves(&[("/ws/elsewhere", "/ws/there")])),
        []
    );
    // A digest that nothing refers to, and that refers to no other.
    let ws = workspace(
        "//- /ws/a.digest\nPaper1 A\n摘要原文: Paper1 [[Paper1]]\n//- /ws/b.digest\nPaper1 B\n",
    );
    assert_eq!(
        rename_files(&ws.files(), &moves(&[("/ws/a.digest", "/ws/sub/e.digest")])),
        []
    );
}
