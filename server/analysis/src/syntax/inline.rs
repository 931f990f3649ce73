//! Inline syntax: links, wiki references and in-file references in running
//! text. Links and wiki references are found first; in-file references are
//! not looked for inside them.

use super::{Inline, LinkProblem};
use crate::TextRange;

/// Scans `range` of `text` (never a heading line) and appends what it finds
/// to `out`, in text order. `keywords` are the heading keywords (`Paper`),
/// which in-file references use too. Constructs never span a line break.
pub fn scan(text: &str, range: TextRange, keywords: &[String], out: &mut Inline) {
    let _ = (text, range, keywords, out);
}

impl LinkProblem {
    /// Why the link is malformed, in a sentence fragment that also says what
    /// would fix it (used in diagnostics and hovers).
    pub fn describe(&self) -> String {
        format!("{self:?}")
    }
}
