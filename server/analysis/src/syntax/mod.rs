//! The syntax of a digest: what the parser finds in the text, as byte ranges.
//!
//! [`parse`] never fails: any text is a digest, possibly with problems that
//! the rules (see [`crate::rules`]) report.

mod blocks;
pub mod inline;
pub(crate) mod lines;

use std::sync::Arc;

use crate::TextRange;

pub use blocks::{LABEL_LIKE_MAX_CHARS, parse, parse_number};

/// A whole parsed digest.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceFile {
    /// Where the text proper starts: 3 after a UTF-8 BOM, else 0.
    pub text_start: usize,
    /// The first non-blank line of the preamble, trimmed.
    pub title: Option<TextRange>,
    /// Everything before the first heading (from `text_start`).
    pub preamble: TextRange,
    /// Links and references found in the preamble.
    pub preamble_inline: Inline,
    pub papers: Vec<Paper>,
}

impl SourceFile {
    /// The index of the paper whose heading or body holds `offset` (the
    /// blank lines after a paper belong to it too); `None` in the preamble.
    pub fn paper_index_at(&self, offset: usize) -> Option<usize> {
        self.papers
            .partition_point(|p| p.range.start <= offset)
            .checked_sub(1)
    }
}

/// One paper: its heading line and everything up to the next heading.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paper {
    /// The number as written, leading zeros ignored (saturating at `u64::MAX`).
    pub number: u64,
    /// The heading keyword as written (`Paper`).
    pub keyword: TextRange,
    /// The digits of the number.
    pub number_range: TextRange,
    /// The title, trimmed; `None` when the heading has none.
    pub title: Option<TextRange>,
    /// The heading line, trimmed.
    pub heading: TextRange,
    /// From the heading to the end of the paper's last non-blank line.
    pub range: TextRange,
    pub sections: Vec<Section>,
    /// Non-blank text between the heading and the first section, trimmed.
    pub stray: Option<TextRange>,
    /// Lines that look like `label:` without being a known label (the
    /// `unknown-label` rule decides which of them are close to one).
    pub label_like: Vec<TextRange>,
    /// Links and references in the paper's body, after the citations
    /// (`[[@key]]`) of its heading line, the only references a heading
    /// holds.
    pub inline: Inline,
}

impl Paper {
    /// `Paper12` as written: keyword through number.
    pub fn name_range(&self) -> TextRange {
        TextRange::new(self.keyword.start, self.number_range.end)
    }

    /// The citations written in the title (`Paper3 Title [[@key]]`), in
    /// order: they bind the paper and are references, not title text.
    pub fn title_citations(&self) -> impl Iterator<Item = &Reference> {
        let title = self.title.unwrap_or_default();
        let inside = move |r: &&Reference| {
            !title.is_empty() && title.start <= r.range.start && r.range.end <= title.end
        };
        // The heading's citations come first among the paper's references.
        (self.inline.references.iter())
            .take_while(move |r| r.range.start < title.end)
            .filter(inside)
            .filter(|r| r.citation().is_some())
    }

    /// The title's text ranges around its citations ([`Paper::title_citations`]),
    /// empty pieces left out; none without a title.
    pub fn title_pieces(&self) -> Vec<TextRange> {
        let Some(title) = self.title else {
            return Vec::new();
        };
        let mut pieces = Vec::new();
        let mut at = title.start;
        for citation in self.title_citations() {
            pieces.push(TextRange::new(at, citation.range.start));
            at = citation.range.end;
        }
        pieces.push(TextRange::new(at, title.end));
        pieces.retain(|p| !p.is_empty());
        pieces
    }

    pub fn section(&self, kind: &str) -> Option<&Section> {
        self.sections.iter().find(|s| &*s.kind == kind)
    }

    /// Moves every range of the paper by `delta` bytes.
    pub fn shift(&mut self, delta: isize) {
        for range in [
            &mut self.keyword,
            &mut self.number_range,
            &mut self.heading,
            &mut self.range,
        ] {
            *range = range.shifted(delta);
        }
        for range in self
            .title
            .iter_mut()
            .chain(self.stray.iter_mut())
            .chain(self.label_like.iter_mut())
        {
            *range = range.shifted(delta);
        }
        for section in &mut self.sections {
            section.label = section.label.shifted(delta);
            section.text = section.text.shifted(delta);
            section.range = section.range.shifted(delta);
        }
        self.inline.shift(delta);
    }
}

/// A section: a known label, a colon, and text up to the next label or heading.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Section {
    /// The kind the label names (`abstract`, `summary`, ...).
    pub kind: Arc<str>,
    /// The label as written, without the colon.
    pub label: TextRange,
    /// The section's text: from the first non-blank character after the colon
    /// to the end of its last non-blank line; empty (at the colon's end) when
    /// there is none.
    pub text: TextRange,
    /// From the label to the end of the text (or of the colon).
    pub range: TextRange,
}

/// Links and references found in a stretch of text, in text order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inline {
    pub links: Vec<Link>,
    pub references: Vec<Reference>,
}

impl Inline {
    pub fn clear(&mut self) {
        self.links.clear();
        self.references.clear();
    }

    /// Moves every range by `delta` bytes.
    pub fn shift(&mut self, delta: isize) {
        for link in &mut self.links {
            link.range = link.range.shifted(delta);
            link.url = link.url.shifted(delta);
        }
        for reference in &mut self.references {
            reference.range = reference.range.shifted(delta);
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LinkKind {
    /// `https://...` in running text.
    Url,
    /// `[text](url)` or `[text](url "title")`.
    Markdown,
    /// `<url>`.
    Angle,
    /// `github.com/a/b`: a link without a scheme.
    NoScheme,
}

/// A link as found in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The whole link as found (`[text](url)` and `<url>` whole).
    pub range: TextRange,
    /// The URL itself.
    pub url: TextRange,
    pub kind: LinkKind,
    /// Why the link is malformed, if it is.
    pub problem: Option<LinkProblem>,
}

/// Why a link is malformed. Worded for people in [`LinkProblem::describe`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum LinkProblem {
    /// `htp://`, `https//x`, `http:\\x`, ...: carries the scheme as written.
    MisspeltScheme(String),
    /// `http://` with nothing after it, or `http:///path`.
    NoHost,
    /// A host name that is not valid; carries the host and the reason.
    InvalidHost { host: String, reason: &'static str },
    /// A host without a dot that is not `localhost`.
    DotlessHost(String),
    /// A port that is not a number in 1..65535.
    BadPort(String),
    /// `%` not followed by two hex digits; carries what follows the `%`.
    BadPercent(String),
    /// `[text]()`.
    EmptyMarkdownUrl,
    /// `[text](a b)` where `b` is not a quoted title.
    SpaceInMarkdownUrl,
}

/// A reference to a paper or another digest.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    /// `Paper3`, `Paper 3` or the whole `[[...]]` (`[[@key]]` too).
    pub range: TextRange,
    pub target: RefTarget,
    /// True for `[[...]]`.
    pub wiki: bool,
}

impl Reference {
    /// The key of a citation `[[@key]]`.
    pub fn citation(&self) -> Option<&str> {
        match &self.target {
            RefTarget::Citation(key) => Some(key),
            _ => None,
        }
    }

    /// The range of a citation's key, inside `[[@` and `]]`.
    pub fn key_range(&self) -> TextRange {
        TextRange::new(self.range.start + 3, self.range.end.saturating_sub(2))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RefTarget {
    /// A paper of this file: `Paper3`, `[[Paper3]]`, `[[#Paper3]]`.
    Paper(u64),
    /// `[[file#Paper3]]`: `file` as written (relative to this file's folder).
    FilePaper { file: String, number: u64 },
    /// `[[file]]`: another digest as a whole.
    File(String),
    /// `[[file#anchor]]` (or `[[#anchor]]`) whose anchor is not `Paper<N>`.
    BadAnchor { file: String, anchor: String },
    /// `[[@key]]`: the bibliography entry with this key (spec, "Citation").
    Citation(String),
}
