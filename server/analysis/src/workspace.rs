//! A plain-data view of the workspace, for the features that look across
//! digests (references, rename, completion, symbols, the cross-file rule).
//!
//! The caller hands in every digest it knows as a [`WorkspaceFile`]: a path
//! and an analysis. Paths are only joined, normalised and compared, never
//! opened: a wiki target `[[sub/other#Paper3]]` names the workspace file
//! whose path is the referring file's folder joined with `sub/other.digest`
//! (or `sub/other` as written), as [`crate::resolve_file`] tries them.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use crate::syntax::{Paper, Reference};
use crate::{Analysis, TextRange};

/// One digest of the workspace.
#[derive(Clone, Copy, Debug)]
pub struct WorkspaceFile<'a> {
    /// Where the digest lives (absolute, as the editor knows it).
    pub path: &'a Path,
    pub analysis: &'a Analysis,
}

/// A range in one of the workspace files (an index into the slice of
/// [`WorkspaceFile`]s the feature was given).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileRange {
    pub file: usize,
    pub range: TextRange,
}

/// Replace `range` by `new_text`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct TextEdit {
    pub range: TextRange,
    pub new_text: String,
}

/// The edits of one workspace file: sorted by offset, never overlapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileEdits {
    pub file: usize,
    pub edits: Vec<TextEdit>,
}

impl FileEdits {
    /// Edits gathered by file, each file's sorted, in file order.
    pub(crate) fn by_file(by_file: std::collections::BTreeMap<usize, Vec<TextEdit>>) -> Vec<Self> {
        by_file
            .into_iter()
            .map(|(file, mut edits)| {
                edits.sort();
                FileEdits { file, edits }
            })
            .collect()
    }
}

/// The workspace files by normalised path, to resolve wiki targets.
pub(crate) struct Paths<'w> {
    files: &'w [WorkspaceFile<'w>],
    by_path: HashMap<PathBuf, usize>,
}

impl<'w> Paths<'w> {
    pub(crate) fn new(files: &'w [WorkspaceFile<'w>]) -> Self {
        let mut by_path = HashMap::with_capacity(files.len());
        for (i, file) in files.iter().enumerate() {
            by_path.entry(normalize(file.path)).or_insert(i);
        }
        Self { files, by_path }
    }

    /// The workspace file that `written` (the file part of a wiki target)
    /// names from file `from`: `written.digest` first, then as written.
    pub(crate) fn resolve(&self, from: usize, written: &str) -> Option<usize> {
        let folder = self.files.get(from)?.path.parent()?;
        let look = |name: &str| self.by_path.get(&normalize(&folder.join(name))).copied();
        if written.ends_with(".digest") {
            return look(written);
        }
        look(&format!("{written}.digest")).or_else(|| look(written))
    }

    /// Like [`Paths::resolve`], remembering the answers for one file.
    pub(crate) fn resolver(&self, from: usize) -> impl FnMut(&str) -> Option<usize> {
        let mut seen: HashMap<String, Option<usize>> = HashMap::new();
        move |written: &str| {
            if let Some(&hit) = seen.get(written) {
                return hit;
            }
            let found = self.resolve(from, written);
            seen.insert(written.to_string(), found);
            found
        }
    }
}

/// `path` with `.` left out and `..` applied, without touching the disk.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out: Vec<Component<'_>> = Vec::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.last() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(component),
            },
            _ => out.push(component),
        }
    }
    out.iter().collect()
}

/// How a wiki reference in the file at `from` names the digest at `to`:
/// its path relative to `from`'s folder, `/`-separated, without the
/// `.digest` extension (`other`, `sub/other`, `../notes/other`). `None`
/// when no relative path leads there (another drive) or the path is not
/// valid UTF-8.
pub fn wiki_name(from: &Path, to: &Path) -> Option<String> {
    let folder = normalize(from.parent()?);
    let to = normalize(to);
    let a: Vec<Component<'_>> = folder.components().collect();
    let b: Vec<Component<'_>> = to.components().collect();
    let common = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    // What is left on either side must be plain names: a different root or
    // drive, or a leading `..`, leaves no relative path.
    if b[common..].is_empty()
        || b[common..]
            .iter()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let mut parts: Vec<String> = Vec::new();
    for component in &a[common..] {
        if !matches!(component, Component::Normal(_)) {
            return None;
        }
        parts.push("..".to_string());
    }
    for component in &b[common..] {
        parts.push(component.as_os_str().to_str()?.to_string());
    }
    let mut name = parts.join("/");
    if let Some(stem) = name.strip_suffix(".digest")
        && !stem.is_empty()
        && !stem.ends_with('/')
    {
        name.truncate(stem.len());
    }
    Some(name)
}

/// Every reference of a digest, in text order: the preamble's, then each
/// paper's.
pub(crate) fn all_references(analysis: &Analysis) -> impl Iterator<Item = &Reference> {
    let syntax = &analysis.syntax;
    syntax.preamble_inline.references.iter().chain(
        syntax
            .papers
            .iter()
            .flat_map(|paper| paper.inline.references.iter()),
    )
}

/// The digits of the paper number in a reference to a paper (`3` in
/// `Paper3`, `Paper 3`, `[[Paper3]]`, `[[ other # Paper3 ]]`).
pub(crate) fn reference_number_range(
    analysis: &Analysis,
    reference: &Reference,
) -> Option<TextRange> {
    let text = analysis.slice(reference.range);
    let body = match reference.wiki {
        true => text.strip_suffix("]]")?.trim_end(),
        false => &text,
    };
    let digits = body.bytes().rev().take_while(u8::is_ascii_digit).count();
    (digits > 0).then(|| {
        let end = reference.range.start + body.len();
        TextRange::new(end - digits, end)
    })
}

/// The papers whose ranges overlap `range` (those that start at or before
/// its end and end at or after its start), as an index range.
pub(crate) fn papers_overlapping(papers: &[Paper], range: TextRange) -> std::ops::Range<usize> {
    let first = papers.partition_point(|p| p.range.end < range.start);
    let last = papers.partition_point(|p| p.range.start <= range.end);
    first..last.max(first)
}

/// At most the first `max + 1` characters of `range`: enough for
/// [`crate::features::excerpt`] to see whether it must cut, without copying
/// a long section.
fn head_chars(analysis: &Analysis, range: TextRange, max: usize) -> String {
    let rope = &analysis.text;
    let len = rope.len_bytes();
    let start = rope.byte_to_char(range.start.min(len));
    let end = rope.byte_to_char(range.end.min(len));
    let end = end.min(start.saturating_add(max).saturating_add(1));
    rope.slice(start..end.max(start)).to_string()
}

/// The preview text of a paper: its summary, else its abstract, cut to
/// `max` characters as hovers cut it; `None` when it has neither.
pub(crate) fn paper_excerpt(analysis: &Analysis, paper: &Paper, max: usize) -> Option<String> {
    let section = paper
        .section("summary")
        .or_else(|| paper.section("abstract"))?;
    let text = crate::features::excerpt(&head_chars(analysis, section.text, max), max);
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_applies_dots() {
        let n = |p: &str| normalize(Path::new(p));
        assert_eq!(n("/a/./b/../c.digest"), PathBuf::from("/a/c.digest"));
        assert_eq!(n("/../a"), PathBuf::from("/a"));
        assert_eq!(n("a/../../b"), PathBuf::from("../b"));
    }

    #[test]
    fn wiki_names_are_relative_without_extension() {
        let w = |from: &str, to: &str| wiki_name(Path::new(from), Path::new(to));
        assert_eq!(w("/ws/a.digest", "/ws/b.digest"), Some("b".into()));
        assert_eq!(w("/ws/a.digest", "/ws/sub/b.digest"), Some("sub/b".into()));
        assert_eq!(w("/ws/sub/a.digest", "/ws/b.digest"), Some("../b".into()));
        assert_eq!(
            w("/ws/x/a.digest", "/other/y/b.digest"),
            Some("../../other/y/b".into())
        );
        assert_eq!(
            w("/ws/a.digest", "/ws/b.digest.txt"),
            Some("b.digest.txt".into())
        );
        assert_eq!(w("/ws/a.digest", "/ws/.digest"), Some(".digest".into()));
    }
}
