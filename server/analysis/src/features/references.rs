//! Find references: every reference to the paper at the cursor, in its own
//! digest and (as wiki references) in every other digest of the workspace.

use super::{Under, under_cursor};
use crate::syntax::{RefTarget, Reference};
use crate::workspace::{Paths, all_references};
use crate::{FileRange, WorkspaceFile};

/// The paper a cursor is on (on its heading or on a reference to it).
#[derive(Clone, Copy, Debug)]
pub(crate) struct PaperTarget {
    /// The workspace file the paper is (or would be) in.
    pub file: usize,
    pub number: u64,
    /// The paper's index in its file, when it exists.
    pub paper: Option<usize>,
    /// False on a heading that repeats an earlier heading's number:
    /// references resolve to the earlier one, so none are this paper's.
    pub referenced: bool,
}

/// The paper at `offset` of file `current`: the heading line the cursor is
/// on, or the paper a reference there names (when the reference's file is in
/// the workspace).
pub(crate) fn paper_target(
    files: &[WorkspaceFile<'_>],
    paths: &Paths<'_>,
    current: usize,
    offset: usize,
) -> Option<PaperTarget> {
    let analysis = files.get(current)?.analysis;
    match under_cursor(analysis, offset)? {
        Under::Heading(paper) => {
            let index = analysis.syntax.paper_index_at(paper.range.start)?;
            Some(PaperTarget {
                file: current,
                number: paper.number,
                paper: Some(index),
                referenced: analysis.index.paper(paper.number) == Some(index),
            })
        }
        Under::Reference(reference) => reference_target(files, paths, current, reference),
        Under::Link(_) => None,
    }
}

/// The paper a reference in file `current` names.
pub(crate) fn reference_target(
    files: &[WorkspaceFile<'_>],
    paths: &Paths<'_>,
    current: usize,
    reference: &Reference,
) -> Option<PaperTarget> {
    let (file, number) = match &reference.target {
        RefTarget::Paper(number) => (current, *number),
        RefTarget::FilePaper { file, number } => (paths.resolve(current, file)?, *number),
        RefTarget::File(_) | RefTarget::BadAnchor { .. } | RefTarget::Citation(_) => return None,
    };
    Some(PaperTarget {
        file,
        number,
        paper: files[file].analysis.index.paper(number),
        referenced: true,
    })
}

/// Calls `visit(file, reference, number)` for every reference in the
/// workspace to a paper of file `target`: its in-file references and the
/// wiki references (of any file, `target` included) whose file part resolves
/// to it. Linear in the number of references.
pub(crate) fn visit_references_into(
    files: &[WorkspaceFile<'_>],
    paths: &Paths<'_>,
    target: usize,
    mut visit: impl FnMut(usize, &Reference, u64),
) {
    for (i, file) in files.iter().enumerate() {
        let mut resolve = paths.resolver(i);
        for reference in all_references(file.analysis) {
            match &reference.target {
                RefTarget::Paper(number) if i == target => visit(i, reference, *number),
                RefTarget::FilePaper { file, number } if resolve(file) == Some(target) => {
                    visit(i, reference, *number);
                }
                _ => {}
            }
        }
    }
}

/// Every reference to the paper at `offset` of file `current` (on its
/// heading or on a reference to it) across the workspace, sorted by file
/// and offset; with the heading's `Paper3` when `include_declaration` is
/// set and the paper exists. Empty when the cursor is on no paper.
///
/// References to a paper that does not exist are found too (they all name
/// the same missing number). A heading that repeats an earlier number has
/// no references: they resolve to the earlier heading.
pub fn references(
    files: &[WorkspaceFile<'_>],
    current: usize,
    offset: usize,
    include_declaration: bool,
) -> Vec<FileRange> {
    let paths = Paths::new(files);
    let Some(target) = paper_target(files, &paths, current, offset) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if include_declaration && let Some(index) = target.paper {
        let paper = &files[target.file].analysis.syntax.papers[index];
        out.push(FileRange {
            file: target.file,
            range: paper.name_range(),
        });
    }
    if target.referenced {
        visit_references_into(files, &paths, target.file, |file, reference, number| {
            if number == target.number {
                out.push(FileRange {
                    file,
                    range: reference.range,
                });
            }
        });
    }
    out.sort();
    out
}
