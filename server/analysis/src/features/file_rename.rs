//! Moving digests: the edits that keep every wiki reference of the
//! workspace naming the same digest when digests or folders move
//! (`workspace/willRenameFiles`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::syntax::inline::scan;
use crate::syntax::{Inline, RefTarget, Reference};
use crate::workspace::{Paths, all_references, normalize, wiki_name};
use crate::{Analysis, FileEdits, TextEdit, TextRange, WorkspaceFile};

/// A digest, or a folder (every digest under it moves with it), moving
/// from `old` to `new`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileRename {
    pub old: PathBuf,
    pub new: PathBuf,
}

/// The edits, in the files as they are before the move (their paths in
/// `files`), that keep every wiki reference naming the digest it names now
/// once `renames` are done: `[[old#Paper3]]` becomes `[[new#Paper3]]` and
/// `[[old]]` `[[new]]`, the path written relative to the referring file's
/// folder after the move (the referring file may move too: its own
/// `[[../x]]` is then rewritten even when `x` stays), `/`-separated, with
/// `..` where needed, with `.digest` where the reference wrote it.
///
/// Each edit replaces the file part inside `[[...]]`, nothing else.
/// In-file references, references to digests that do not move (from files
/// that do not move), references that resolve to nothing, and references
/// that still name their digest after the move are left as they are. A
/// reference whose new path cannot be written in `[[...]]` (it holds `#`,
/// `[` or `]`, or no relative path leads there) is left too.
///
/// A path is moved by the rename whose `old` is the path itself or the
/// closest folder above it (paths are compared normalised, never opened).
pub fn rename_files(files: &[WorkspaceFile<'_>], renames: &[FileRename]) -> Vec<FileEdits> {
    let renames: Vec<(PathBuf, PathBuf)> = renames
        .iter()
        .map(|r| (normalize(&r.old), normalize(&r.new)))
        .collect();
    let new_paths: Vec<Option<PathBuf>> = files
        .iter()
        .map(|f| moved(&normalize(f.path), &renames))
        .collect();
    if new_paths.iter().all(Option::is_none) {
        return Vec::new();
    }
    let new_paths: Vec<PathBuf> = files
        .iter()
        .zip(new_paths)
        .map(|(f, new)| new.unwrap_or_else(|| f.path.to_path_buf()))
        .collect();
    let after: Vec<WorkspaceFile<'_>> = files
        .iter()
        .zip(&new_paths)
        .map(|(f, path)| WorkspaceFile {
            path,
            analysis: f.analysis,
        })
        .collect();
    let before = Paths::new(files);
    let moved_paths = Paths::new(&after);

    let mut by_file: BTreeMap<usize, Vec<TextEdit>> = BTreeMap::new();
    for (i, file) in files.iter().enumerate() {
        let mut old_resolve = before.resolver(i);
        let mut new_resolve = moved_paths.resolver(i);
        let mut keywords: Option<Vec<String>> = None;
        for reference in all_references(file.analysis) {
            let (written, whole) = match &reference.target {
                RefTarget::File(file) => (file, true),
                RefTarget::FilePaper { file, .. } => (file, false),
                RefTarget::BadAnchor { file, .. } if !file.is_empty() => (file, false),
                _ => continue,
            };
            let Some(target) = old_resolve(written) else {
                continue;
            };
            if new_resolve(written) == Some(target) {
                continue;
            }
            let Some(range) = file_part(file.analysis, reference, written) else {
                continue;
            };
            let keywords = keywords.get_or_insert_with(|| heading_keywords(file.analysis));
            let with_extension = written.ends_with(".digest");
            let name = new_name(&after, i, target, with_extension, |name| {
                moved_paths.resolve(i, name) == Some(target) && reads_back(name, whole, keywords)
            });
            if let Some(name) = name {
                by_file.entry(i).or_default().push(TextEdit {
                    range,
                    new_text: name,
                });
            }
        }
    }
    FileEdits::by_file(by_file)
}

/// Where `path` (normalised) goes under `renames` (normalised): by the
/// rename of the path itself or of its closest folder; `None` when it
/// stays.
fn moved(path: &Path, renames: &[(PathBuf, PathBuf)]) -> Option<PathBuf> {
    let (old, new) = renames
        .iter()
        .filter(|(old, _)| path.starts_with(old))
        .max_by_key(|(old, _)| old.components().count())?;
    let rest = path.strip_prefix(old).ok()?;
    Some(if rest.as_os_str().is_empty() {
        new.clone()
    } else {
        new.join(rest)
    })
}

/// The file part of a wiki reference (`written`, as the parser read it:
/// trimmed) in the text: what the edit replaces.
fn file_part(analysis: &Analysis, reference: &Reference, written: &str) -> Option<TextRange> {
    let text = analysis.slice(reference.range);
    let inner = text.strip_prefix("[[")?.strip_suffix("]]")?;
    let trimmed = inner.trim_start();
    if !trimmed.starts_with(written) {
        return None;
    }
    let start = reference.range.start + 2 + (inner.len() - trimmed.len());
    Some(TextRange::new(start, start + written.len()))
}

/// How the file `from` of `after` (the workspace after the move) names the
/// file `to`: relative to its folder, with the `.digest` extension when
/// `with_extension` (where the file has it), without it otherwise; the
/// other spelling when that one does not `work` (it would name another
/// digest, or not read back as written). `None` when neither works.
fn new_name(
    after: &[WorkspaceFile<'_>],
    from: usize,
    to: usize,
    with_extension: bool,
    mut works: impl FnMut(&str) -> bool,
) -> Option<String> {
    let (from, to) = (after[from].path, after[to].path);
    let short = wiki_name(from, to)?;
    // `wiki_name` leaves the extension out where the file has one.
    let name = to.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let long = match name.ends_with(".digest") && name != ".digest" {
        true => format!("{short}.digest"),
        false => short.clone(),
    };
    let (first, second) = match with_extension {
        true => (long, short),
        false => (short, long),
    };
    [first, second].into_iter().find(|name| works(name))
}

/// Whether `name` written as the file part of a wiki reference (alone when
/// `whole`, else before `#`) reads back as that file part: no `#`, `[`, `]`
/// or white space at either end, and, alone, not a paper (`[[Paper3]]`).
fn reads_back(name: &str, whole: bool, keywords: &[String]) -> bool {
    let text = match whole {
        true => format!("[[{name}]]"),
        false => format!("[[{name}#x]]"),
    };
    let mut inline = Inline::default();
    scan(&text, TextRange::new(0, text.len()), keywords, &mut inline);
    match inline.references.as_slice() {
        [reference] if reference.range.len() == text.len() => match &reference.target {
            RefTarget::File(file) => whole && file == name,
            RefTarget::BadAnchor { file, .. } => !whole && file == name,
            _ => false,
        },
        _ => false,
    }
}

/// The heading keywords a digest uses (its headings' keywords, and the
/// default `Paper`): the configuration is not at hand, and a new name
/// that reads as one of these with a number would be a paper.
fn heading_keywords(analysis: &Analysis) -> Vec<String> {
    let mut keywords = vec!["Paper".to_string()];
    for paper in &analysis.syntax.papers {
        let keyword = analysis.slice(paper.keyword);
        if !keywords.iter().any(|k| *k == keyword) {
            keywords.push(keyword.into_owned());
        }
    }
    keywords
}
