//! Inlay hints: the title of the paper an in-file reference names.

use crate::syntax::RefTarget;
use crate::workspace::papers_overlapping;
use crate::{Analysis, Config, TextRange};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InlayHint {
    /// Where the hint shows: just after the reference.
    pub offset: usize,
    /// The referenced paper's title, shortened.
    pub label: String,
}

/// After every reference to a paper of this digest (`Paper3`, `[[Paper3]]`)
/// that ends in `range`: the paper's title, cut to
/// `config.inlay_max_chars` characters (the `…` that marks a cut included).
/// Nothing when `config.inlay_hints_enabled` is off, or for a paper without
/// title or that does not exist.
pub fn inlay_hints(analysis: &Analysis, range: TextRange, config: &Config) -> Vec<InlayHint> {
    if !config.inlay_hints_enabled || config.inlay_max_chars == 0 {
        return Vec::new();
    }
    let syntax = &analysis.syntax;
    let inlines = std::iter::once(&syntax.preamble_inline).chain(
        syntax.papers[papers_overlapping(&syntax.papers, range)]
            .iter()
            .map(|p| &p.inline),
    );
    let mut out = Vec::new();
    for inline in inlines {
        for reference in &inline.references {
            let RefTarget::Paper(number) = reference.target else {
                continue;
            };
            if !range.touches(reference.range.end) {
                continue;
            }
            let Some(title) =
                (analysis.index.paper(number)).and_then(|i| analysis.title_text(&syntax.papers[i]))
            else {
                continue;
            };
            out.push(InlayHint {
                offset: reference.range.end,
                label: shorten(&title, config.inlay_max_chars),
            });
        }
    }
    out
}

/// `text` cut to at most `max` characters, `…` included, when it is longer.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some(_) => super::cut_after(text, max.saturating_sub(1)),
    }
}
