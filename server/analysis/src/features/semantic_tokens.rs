//! Semantic tokens: headings, labels, references and links, for the editor
//! to colour.

use crate::syntax::Inline;
use crate::workspace::papers_overlapping;
use crate::{Analysis, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// The heading keyword (`Paper`).
    HeadingKeyword,
    /// The heading's number.
    Number,
    /// The heading's title.
    Title,
    /// A section label (without its colon).
    Label,
    /// An in-file reference (`Paper3`).
    Reference,
    /// A wiki reference (`[[other#Paper3]]`).
    WikiReference,
    /// A link, with or without a scheme, malformed or not.
    Link,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SemanticToken {
    pub range: TextRange,
    pub kind: TokenKind,
}

/// The tokens of the whole digest (`range: None`) or of those that overlap
/// `range`, sorted by offset, never overlapping, each on one line.
pub fn semantic_tokens(analysis: &Analysis, range: Option<TextRange>) -> Vec<SemanticToken> {
    let syntax = &analysis.syntax;
    let range = range.unwrap_or(TextRange::new(0, analysis.text.len_bytes()));
    let mut out = Vec::new();
    let mut token = |range: TextRange, kind: TokenKind| {
        if !range.is_empty() {
            out.push(SemanticToken { range, kind });
        }
    };
    if syntax.preamble.start <= range.end && range.start <= syntax.preamble.end {
        inline_tokens(&syntax.preamble_inline, &mut token);
    }
    for paper in &syntax.papers[papers_overlapping(&syntax.papers, range)] {
        token(paper.keyword, TokenKind::HeadingKeyword);
        token(paper.number_range, TokenKind::Number);
        // The title around the citations written in it, which are coloured
        // as references (below).
        for piece in paper.title_pieces() {
            token(piece, TokenKind::Title);
        }
        for section in &paper.sections {
            token(section.label, TokenKind::Label);
        }
        inline_tokens(&paper.inline, &mut token);
    }
    out.retain(|t| t.range.end > range.start && t.range.start < range.end);
    out.sort_by_key(|t| (t.range.start, t.range.end));
    // Labels start lines and inline constructs never overlap one another;
    // should they ever, the earlier token wins.
    let mut end = 0;
    out.retain(|t| {
        let keep = t.range.start >= end;
        if keep {
            end = t.range.end;
        }
        keep
    });
    out
}

fn inline_tokens(inline: &Inline, token: &mut impl FnMut(TextRange, TokenKind)) {
    for link in &inline.links {
        token(link.range, TokenKind::Link);
    }
    for reference in &inline.references {
        let kind = match reference.wiki {
            true => TokenKind::WikiReference,
            false => TokenKind::Reference,
        };
        token(reference.range, kind);
    }
}
