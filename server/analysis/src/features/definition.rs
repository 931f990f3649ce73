//! Go to definition: from a reference to the heading it names.

use super::{Under, found, resolve, under_cursor};
use crate::{Analysis, Resolver, TextRange};

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
    let to = resolve(analysis, &reference.target, |file| found(resolver, file))?;
    Some(Target {
        file: to.file(),
        range: to.range(),
        origin: reference.range,
    })
}
