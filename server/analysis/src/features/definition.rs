//! Go to definition: from a reference to the heading it names.

use super::{Under, under_cursor};
use crate::syntax::RefTarget;
use crate::{Analysis, Lookup, Resolver, TextRange, resolve_file};

/// Where a definition is: in this file (`file: None`) or in another digest,
/// named by its path relative to this file's folder as the resolver found it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub file: Option<String>,
    /// The target heading line (an empty range at the start for a whole file).
    pub range: TextRange,
    /// The range of the reference the cursor was on.
    pub origin: TextRange,
}

/// The heading a reference at `offset` names, when it resolves.
pub fn definition(analysis: &Analysis, offset: usize, resolver: &dyn Resolver) -> Option<Target> {
    let Under::Reference(reference) = under_cursor(analysis, offset)? else {
        return None;
    };
    let origin = reference.range;
    match &reference.target {
        RefTarget::Paper(number) => {
            let paper = &analysis.syntax.papers[analysis.index.paper(*number)?];
            Some(Target {
                file: None,
                range: paper.heading,
                origin,
            })
        }
        RefTarget::FilePaper { file, number } => {
            let (path, Lookup::Found(other)) = resolve_file(resolver, file) else {
                return None;
            };
            let paper = &other.syntax.papers[other.index.paper(*number)?];
            Some(Target {
                file: Some(path),
                range: paper.heading,
                origin,
            })
        }
        RefTarget::File(file) => {
            let (path, Lookup::Found(other)) = resolve_file(resolver, file) else {
                return None;
            };
            Some(Target {
                file: Some(path),
                range: TextRange::empty(other.syntax.text_start),
                origin,
            })
        }
        RefTarget::BadAnchor { .. } => None,
    }
}
