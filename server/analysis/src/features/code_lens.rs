//! Reference lenses: on each heading, how many references the workspace
//! makes to the paper, and where.

use std::collections::HashMap;

use super::references::visit_references_into;
use crate::workspace::Paths;
use crate::{FileRange, TextRange, WorkspaceFile};

/// A lens on a paper's heading.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeLens {
    /// The heading line, trimmed.
    pub range: TextRange,
    /// The paper's index in its digest (`syntax.papers`).
    pub paper: usize,
    /// Every reference to the paper in the workspace, sorted by file and
    /// offset: what find references gives on the heading, without the
    /// heading itself.
    pub references: Vec<FileRange>,
}

impl CodeLens {
    /// `1 reference`, `3 references`, `0 references`.
    pub fn title(&self) -> String {
        match self.references.len() {
            1 => "1 reference".to_string(),
            n => format!("{n} references"),
        }
    }
}

/// A lens on each heading of file `current`, in file order, with the
/// references to its paper across the workspace: the in-file references of
/// `current` and the `[[file#PaperN]]` of every digest (`current`
/// included) whose file part names `current`, found as
/// [`super::references`] finds them. A heading that repeats an earlier
/// heading's number has none (references resolve to the earlier one). One
/// pass over the workspace's references, whatever the number of headings.
pub fn code_lenses(files: &[WorkspaceFile<'_>], current: usize) -> Vec<CodeLens> {
    let Some(file) = files.get(current) else {
        return Vec::new();
    };
    let analysis = file.analysis;
    let paths = Paths::new(files);
    let mut by_number: HashMap<u64, Vec<FileRange>> = HashMap::new();
    visit_references_into(files, &paths, current, |file, reference, number| {
        if analysis.index.paper(number).is_some() {
            by_number.entry(number).or_default().push(FileRange {
                file,
                range: reference.range,
            });
        }
    });
    let papers = &analysis.syntax.papers;
    papers
        .iter()
        .enumerate()
        .map(|(i, paper)| {
            let mut references = match analysis.index.paper(paper.number) == Some(i) {
                true => by_number.remove(&paper.number).unwrap_or_default(),
                false => Vec::new(),
            };
            references.sort();
            CodeLens {
                range: paper.heading,
                paper: i,
                references,
            }
        })
        .collect()
}
