//! Editor features: one file and one pure function each, of (analysis,
//! offset, config). Offsets are bytes; results are plain data.

mod code_actions;
mod completion;
mod definition;
mod document_links;
mod folding;
mod highlight;
mod hover;
mod inlay_hints;
mod outline;
mod references;
mod rename;
mod semantic_tokens;
mod workspace_symbol;

pub use code_actions::{CodeAction, code_actions};
pub use completion::{CompletionItem, CompletionKind, completion};
pub use definition::{Target, definition};
pub use document_links::{DocumentLink, LinkTarget, document_links};
pub use folding::{Fold, FoldKind, folding_ranges};
pub use highlight::{Highlight, HighlightKind, highlights};
pub use hover::{Hover, excerpt, hover};
pub use inlay_hints::{InlayHint, inlay_hints};
pub use outline::{Symbol, SymbolKind, outline, paper_outline};
pub use references::references;
pub use rename::{RenameError, RenameTarget, prepare_rename, rename};
pub use semantic_tokens::{SemanticToken, TokenKind, semantic_tokens};
pub use workspace_symbol::{WorkspaceSymbol, workspace_symbols};

use crate::Analysis;
use crate::syntax::{Link, Paper, Reference};

/// What sits under a cursor, in the order features care about it.
#[derive(Clone, Copy, Debug)]
pub enum Under<'a> {
    Reference(&'a Reference),
    Link(&'a Link),
    /// The heading line of this paper.
    Heading(&'a Paper),
}

/// The reference, link or heading line at `offset`, if any.
pub fn under_cursor(analysis: &Analysis, offset: usize) -> Option<Under<'_>> {
    let syntax = &analysis.syntax;
    let inline = if syntax.preamble.touches(offset)
        && syntax.papers.first().is_none_or(|p| offset < p.range.start)
    {
        &syntax.preamble_inline
    } else {
        let paper = paper_at(analysis, offset)?;
        if paper.heading.touches(offset) {
            return Some(Under::Heading(paper));
        }
        &paper.inline
    };
    let reference = inline.references.iter().find(|r| r.range.touches(offset));
    if let Some(reference) = reference {
        return Some(Under::Reference(reference));
    }
    inline
        .links
        .iter()
        .find(|l| l.range.touches(offset))
        .map(Under::Link)
}

/// The paper whose heading or body holds `offset` (the blank lines after a
/// paper belong to it too).
pub fn paper_at(analysis: &Analysis, offset: usize) -> Option<&Paper> {
    let i = analysis.syntax.paper_index_at(offset)?;
    analysis.syntax.papers.get(i)
}
