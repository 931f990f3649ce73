//! Rename: renumber a paper, its heading and every reference to it across
//! the workspace.

use std::collections::BTreeMap;
use std::fmt;

use super::references::{PaperTarget, paper_target, visit_references_into};
use super::{Under, under_cursor};
use crate::syntax::RefTarget;
use crate::workspace::{Paths, reference_number_range, wiki_name};
use crate::{FileEdits, TextEdit, TextRange, WorkspaceFile};

/// What a rename at the cursor would change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenameTarget {
    /// The digits of the number under the cursor (of the heading or the
    /// reference): what the editor lets the user retype.
    pub range: TextRange,
    /// The paper's current number.
    pub number: u64,
}

/// Why a rename cannot be done.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RenameError {
    /// The cursor is on no heading number and no reference to a paper.
    NotHere,
    /// The reference names no paper of the workspace (`target` as written).
    Unresolved { target: String },
    /// The new name is not a paper number (`written` as given).
    NotANumber { written: String },
    /// A paper with the new number already exists; `digest` names the
    /// digest when it is not the one being edited.
    Taken {
        paper: String,
        digest: Option<String>,
    },
}

impl RenameError {
    pub fn message(&self) -> String {
        match self {
            Self::NotHere => "nothing to renumber here: put the cursor on a paper's number \
                              or on a reference to a paper"
                .to_string(),
            Self::Unresolved { target } => {
                format!("`{target}` names no paper of the workspace: there is nothing to renumber")
            }
            Self::NotANumber { written } => {
                format!("`{written}` is not a paper number: give a number such as 7")
            }
            Self::Taken { paper, digest } => {
                let place = match digest {
                    Some(d) => format!("in `{d}`"),
                    None => "in this digest".to_string(),
                };
                format!("{paper} already exists {place}: choose a number that no paper has")
            }
        }
    }
}

impl fmt::Display for RenameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for RenameError {}

/// The number a rename at `offset` of file `current` would change: on a
/// heading's `Paper3` (keyword or digits) or on a reference to a paper that
/// exists in the workspace.
pub fn prepare_rename(
    files: &[WorkspaceFile<'_>],
    current: usize,
    offset: usize,
) -> Result<RenameTarget, RenameError> {
    let paths = Paths::new(files);
    prepare(files, &paths, current, offset).map(|(prepared, _)| prepared)
}

fn prepare(
    files: &[WorkspaceFile<'_>],
    paths: &Paths<'_>,
    current: usize,
    offset: usize,
) -> Result<(RenameTarget, PaperTarget), RenameError> {
    let analysis = files.get(current).ok_or(RenameError::NotHere)?.analysis;
    let (range, written) = match under_cursor(analysis, offset) {
        Some(Under::Heading(paper)) if paper.name_range().touches(offset) => {
            (paper.number_range, None)
        }
        Some(Under::Reference(reference))
            if matches!(
                reference.target,
                RefTarget::Paper(_) | RefTarget::FilePaper { .. }
            ) =>
        {
            let digits = reference_number_range(analysis, reference).ok_or(RenameError::NotHere)?;
            (digits, Some(reference.range))
        }
        _ => return Err(RenameError::NotHere),
    };
    let unresolved = || RenameError::Unresolved {
        target: written.map_or_else(String::new, |r| analysis.slice(r).into_owned()),
    };
    let target = paper_target(files, paths, current, offset).ok_or_else(unresolved)?;
    if target.paper.is_none() {
        return Err(unresolved());
    }
    Ok((
        RenameTarget {
            range,
            number: target.number,
        },
        target,
    ))
}

/// Renumbers the paper at `offset` of file `current` (see
/// [`prepare_rename`]) to `new_number`: its heading, every in-file
/// reference to it and every wiki reference to it in the workspace. The new
/// number may be written with the paper's keyword (`Paper7`); it must not be
/// taken already, so that afterwards every reference still resolves, to the
/// same paper. Renaming to the current number changes nothing.
pub fn rename(
    files: &[WorkspaceFile<'_>],
    current: usize,
    offset: usize,
    new_number: &str,
) -> Result<Vec<FileEdits>, RenameError> {
    let paths = Paths::new(files);
    let (_, target) = prepare(files, &paths, current, offset)?;
    let Some(index) = target.paper else {
        return Err(RenameError::NotHere);
    };
    let analysis = files[target.file].analysis;
    let paper = &analysis.syntax.papers[index];
    let keyword = analysis.slice(paper.keyword);
    let new = parse_new_number(new_number, &keyword)?;
    if new == paper.number {
        return Ok(Vec::new());
    }
    if analysis.index.paper(new).is_some() {
        return Err(RenameError::Taken {
            paper: format!("{keyword}{new}"),
            digest: (target.file != current)
                .then(|| wiki_name(files[current].path, files[target.file].path))
                .flatten(),
        });
    }
    Ok(renumber(files, &paths, target.file, |i| {
        (i == index).then_some(new)
    }))
}

/// `7`, ` 7 `, `Paper7` or `Paper 7` (with the paper's keyword) as a number.
fn parse_new_number(written: &str, keyword: &str) -> Result<u64, RenameError> {
    let trimmed = written.trim();
    let digits = trimmed
        .strip_prefix(keyword)
        .map_or(trimmed, |rest| rest.strip_prefix(' ').unwrap_or(rest));
    let not_a_number = || RenameError::NotANumber {
        written: written.to_string(),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(not_a_number());
    }
    digits.parse().map_err(|_| not_a_number())
}

/// The edits that give the papers of file `target` the numbers `new_number`
/// returns for their indices (`None`: unchanged): their headings, and every
/// reference that resolves to them, in the workspace. A reference resolves
/// to the first heading with its number, so only that heading's new number
/// moves references.
pub(crate) fn renumber(
    files: &[WorkspaceFile<'_>],
    paths: &Paths<'_>,
    target: usize,
    new_number: impl Fn(usize) -> Option<u64>,
) -> Vec<FileEdits> {
    let analysis = files[target].analysis;
    let mut by_file: BTreeMap<usize, Vec<TextEdit>> = BTreeMap::new();
    for (i, paper) in analysis.syntax.papers.iter().enumerate() {
        if let Some(new) = new_number(i).filter(|&n| n != paper.number) {
            by_file.entry(target).or_default().push(TextEdit {
                range: paper.number_range,
                new_text: new.to_string(),
            });
        }
    }
    visit_references_into(files, paths, target, |file, reference, number| {
        let Some(index) = analysis.index.paper(number) else {
            return;
        };
        let Some(new) = new_number(index).filter(|&n| n != number) else {
            return;
        };
        if let Some(range) = reference_number_range(files[file].analysis, reference) {
            by_file.entry(file).or_default().push(TextEdit {
                range,
                new_text: new.to_string(),
            });
        }
    });
    FileEdits::by_file(by_file)
}
