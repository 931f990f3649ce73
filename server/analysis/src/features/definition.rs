//! Go to definition: from a reference to the heading it names, from a
//! citation to its bibliography entry.

use std::path::PathBuf;

use super::{Under, found, resolve, under_cursor};
use crate::{Analysis, Resolver, TextRange};

/// Where a definition is: in this file (`file: None`), in another digest,
/// named by its path relative to this file's folder as the resolver found
/// it, or (`entry`) in a bibliography file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub file: Option<String>,
    /// The target heading line (an empty range at the start for a whole
    /// file, and for an entry).
    pub range: TextRange,
    /// The range of the reference the cursor was on.
    pub origin: TextRange,
    /// For a citation: its entry, which is in a file the editor may not
    /// have open (the place is given as a line and column, not bytes).
    pub entry: Option<EntryPlace>,
}

/// Where a bibliography entry starts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryPlace {
    /// The bibliography file (absolute, as the caller gave it).
    pub path: PathBuf,
    /// 0-based.
    pub line: usize,
    /// 0-based, in characters (an entry starts after ASCII blanks only,
    /// so this is also the column in UTF-8 and UTF-16 units).
    pub character: usize,
}

/// The heading a reference at `offset` names, when it resolves; the entry
/// a citation names, when the bibliography has it.
pub fn definition(analysis: &Analysis, offset: usize, resolver: &dyn Resolver) -> Option<Target> {
    let Under::Reference(reference) = under_cursor(analysis, offset)? else {
        return None;
    };
    if let Some(key) = reference.citation() {
        let found = resolver.bibliography().entry(key)?;
        return Some(Target {
            file: None,
            range: TextRange::empty(0),
            origin: reference.range,
            entry: Some(EntryPlace {
                path: found.file.path.clone(),
                line: found.entry.line.saturating_sub(1),
                character: found.entry.column.saturating_sub(1),
            }),
        });
    }
    let to = resolve(analysis, &reference.target, |file| found(resolver, file))?;
    Some(Target {
        file: to.file(),
        range: to.range(),
        origin: reference.range,
        entry: None,
    })
}
