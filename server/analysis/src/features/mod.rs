//! Editor features: one file and one pure function each, of (analysis,
//! offset, config). Offsets are bytes; results are plain data.

mod code_actions;
mod code_lens;
mod completion;
mod definition;
mod document_links;
mod file_rename;
mod folding;
mod highlight;
mod hover;
mod inlay_hints;
mod outline;
mod references;
mod rename;
mod semantic_tokens;
mod workspace_symbol;

pub use code_actions::{CodeAction, CreateFile, code_actions, fix_all_typography};
pub use code_lens::{CodeLens, code_lenses};
pub use completion::{CompletionItem, CompletionKind, completion};
pub use definition::{EntryPlace, Target, definition};
pub use document_links::{DocumentLink, LinkTarget, document_links};
pub use file_rename::{FileRename, rename_files};
pub use folding::{Fold, FoldKind, folding_ranges};
pub use highlight::{Highlight, HighlightKind, highlights};
pub(crate) use hover::cut_after;
pub use hover::{Hover, excerpt, hover};
pub use inlay_hints::{InlayHint, inlay_hints};
pub use outline::{Symbol, SymbolKind, outline, paper_outline};
pub use references::references;
pub use rename::{RenameError, RenameTarget, prepare_rename, rename};
pub use semantic_tokens::{SemanticToken, TokenKind, semantic_tokens};
pub use workspace_symbol::{WorkspaceSymbol, workspace_symbols};

use std::sync::Arc;

use crate::syntax::{Link, Paper, RefTarget, Reference};
use crate::{Analysis, Lookup, Resolver, TextRange, resolve_file};

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
            // The heading's citations come first in its references.
            let citation = (paper.inline.references.iter())
                .take_while(|r| r.range.start < paper.heading.end)
                .find(|r| r.range.touches(offset));
            return Some(citation.map_or(Under::Heading(paper), Under::Reference));
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

/// The digest a reference leads to.
pub(crate) enum Digest<'a> {
    /// The reference's own.
    Here(&'a Analysis),
    /// Another, by its path relative to this file's folder as the resolver
    /// found it.
    Other(String, Arc<Analysis>),
}

/// Where a reference leads: a digest, and a paper of it (`None`: the digest
/// as a whole, for `[[file]]`).
pub(crate) struct Resolved<'a> {
    pub digest: Digest<'a>,
    pub paper: Option<usize>,
}

impl Resolved<'_> {
    pub fn analysis(&self) -> &Analysis {
        match &self.digest {
            Digest::Here(analysis) => analysis,
            Digest::Other(_, analysis) => analysis,
        }
    }

    /// The other digest's path (`None` for the reference's own).
    pub fn file(&self) -> Option<String> {
        match &self.digest {
            Digest::Here(_) => None,
            Digest::Other(path, _) => Some(path.clone()),
        }
    }

    /// The place to go: the paper's heading line, or the start of the
    /// digest's text.
    pub fn range(&self) -> TextRange {
        let analysis = self.analysis();
        match self.paper {
            Some(i) => analysis.syntax.papers[i].heading,
            None => TextRange::empty(analysis.syntax.text_start),
        }
    }
}

/// Where `target`, written in `analysis`, leads; `None` when it resolves to
/// nothing. `find` looks another digest up by the name written.
pub(crate) fn resolve<'a>(
    analysis: &'a Analysis,
    target: &RefTarget,
    mut find: impl FnMut(&str) -> Option<(String, Arc<Analysis>)>,
) -> Option<Resolved<'a>> {
    let other = |(path, other): (String, Arc<Analysis>), number: Option<u64>| {
        let paper = match number {
            Some(n) => Some(other.index.paper(n)?),
            None => None,
        };
        Some(Resolved {
            digest: Digest::Other(path, other),
            paper,
        })
    };
    match target {
        RefTarget::Paper(number) => Some(Resolved {
            digest: Digest::Here(analysis),
            paper: Some(analysis.index.paper(*number)?),
        }),
        RefTarget::FilePaper { file, number } => other(find(file)?, Some(*number)),
        RefTarget::File(file) => other(find(file)?, None),
        RefTarget::BadAnchor { .. } | RefTarget::Citation(_) => None,
    }
}

/// Looks a digest up through `resolver`: its path as found, and its
/// analysis, when there is one.
pub(crate) fn found(resolver: &dyn Resolver, file: &str) -> Option<(String, Arc<Analysis>)> {
    match resolve_file(resolver, file) {
        (path, Lookup::Found(other)) => Some((path, other)),
        _ => None,
    }
}

/// The paper whose heading or body holds `offset` (the blank lines after a
/// paper belong to it too).
pub fn paper_at(analysis: &Analysis, offset: usize) -> Option<&Paper> {
    let i = analysis.syntax.paper_index_at(offset)?;
    analysis.syntax.papers.get(i)
}
