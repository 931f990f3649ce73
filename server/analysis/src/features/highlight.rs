//! Document highlight: the paper at the cursor, wherever this digest names it.

use super::{Under, under_cursor};
use crate::syntax::RefTarget;
use crate::workspace::all_references;
use crate::{Analysis, TextRange};

/// Whether a highlight is where the paper is declared or where it is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HighlightKind {
    /// The heading's `Paper3`: where the number is set.
    Write,
    /// A reference.
    Read,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Highlight {
    pub range: TextRange,
    pub kind: HighlightKind,
}

/// On a heading or a reference to a paper of this digest: the heading's
/// `Paper3` (write) and every reference to it in this digest (read), in text
/// order. On a wiki reference to another digest's paper: every reference
/// to that paper written the same way (`other` and `other.digest` alike).
/// A heading that repeats an earlier number is highlighted alone:
/// references resolve to the earlier one.
pub fn highlights(analysis: &Analysis, offset: usize) -> Vec<Highlight> {
    let target = match under_cursor(analysis, offset) {
        Some(Under::Heading(paper)) => {
            let index = analysis.syntax.paper_index_at(paper.range.start);
            if analysis.index.paper(paper.number) != index {
                return vec![Highlight {
                    range: paper.name_range(),
                    kind: HighlightKind::Write,
                }];
            }
            RefTarget::Paper(paper.number)
        }
        Some(Under::Reference(reference)) => match &reference.target {
            RefTarget::Paper(_) | RefTarget::FilePaper { .. } => reference.target.clone(),
            _ => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let mut out = Vec::new();
    if let RefTarget::Paper(number) = target
        && let Some(index) = analysis.index.paper(number)
    {
        out.push(Highlight {
            range: analysis.syntax.papers[index].name_range(),
            kind: HighlightKind::Write,
        });
    }
    let same = |t: &RefTarget| match (t, &target) {
        (RefTarget::Paper(a), RefTarget::Paper(b)) => a == b,
        (
            RefTarget::FilePaper { file: f, number: a },
            RefTarget::FilePaper { file: g, number: b },
        ) => a == b && without_extension(f) == without_extension(g),
        _ => false,
    };
    out.extend(
        all_references(analysis)
            .filter(|r| same(&r.target))
            .map(|r| Highlight {
                range: r.range,
                kind: HighlightKind::Read,
            }),
    );
    out.sort_by_key(|h| h.range.start);
    out
}

fn without_extension(file: &str) -> &str {
    file.strip_suffix(".digest").unwrap_or(file)
}
