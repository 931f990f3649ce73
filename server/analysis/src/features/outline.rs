//! The outline: papers, and their sections as children.

use crate::syntax::Paper;
use crate::{Analysis, TextRange};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SymbolKind {
    Paper,
    Section,
}

/// One entry of the outline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Symbol {
    /// The heading line as written, trimmed; for a section, its label.
    pub name: String,
    /// Nothing for papers (their name holds the title); the section's kind
    /// for sections.
    pub detail: String,
    pub kind: SymbolKind,
    /// The whole paper or section.
    pub range: TextRange,
    /// The heading line (papers) or the label (sections).
    pub selection: TextRange,
    pub children: Vec<Symbol>,
}

/// The papers in file order, each with its sections.
pub fn outline(analysis: &Analysis) -> Vec<Symbol> {
    analysis
        .syntax
        .papers
        .iter()
        .map(|paper| paper_outline(analysis, paper))
        .collect()
}

/// One paper's entry of the outline: what [`outline`] holds for it. It
/// depends on the paper's own text only (see [`Analysis::stamps`]).
pub fn paper_outline(analysis: &Analysis, paper: &Paper) -> Symbol {
    Symbol {
        name: analysis.slice(paper.heading).into_owned(),
        // The name is the heading, title included: no detail to repeat it.
        detail: String::new(),
        kind: SymbolKind::Paper,
        range: paper.range,
        selection: paper.heading,
        children: paper
            .sections
            .iter()
            .map(|section| Symbol {
                name: analysis.slice(section.label).into_owned(),
                detail: section.kind.to_string(),
                kind: SymbolKind::Section,
                range: section.range,
                selection: section.label,
                children: Vec::new(),
            })
            .collect(),
    }
}
