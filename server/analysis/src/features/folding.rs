//! Folding ranges: each paper, and each section of a paper.

use crate::{Analysis, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FoldKind {
    Paper,
    Section,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fold {
    /// From the heading (or label) to the end of the paper's (or section's)
    /// last non-blank line.
    pub range: TextRange,
    pub kind: FoldKind,
}

/// The folds of a digest, in text order (a paper before its sections). Only
/// those that span more than one line: a one-line fold hides nothing.
pub fn folding_ranges(analysis: &Analysis) -> Vec<Fold> {
    let rope = &analysis.text;
    let len = rope.len_bytes();
    let multiline = |range: TextRange| {
        rope.byte_to_line(range.start.min(len)) < rope.byte_to_line(range.end.min(len))
    };
    let mut out = Vec::new();
    for paper in &analysis.syntax.papers {
        if !multiline(paper.range) {
            continue;
        }
        out.push(Fold {
            range: paper.range,
            kind: FoldKind::Paper,
        });
        for section in &paper.sections {
            if multiline(section.range) {
                out.push(Fold {
                    range: section.range,
                    kind: FoldKind::Section,
                });
            }
        }
    }
    out
}
