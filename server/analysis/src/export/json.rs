//! The JSON export: the digest as data, described by the project's JSON
//! Schema (`docs/schema/digest.schema.json`, `$defs/export`).
//!
//! A range is `{"start": P, "end": P}`, each position `P` being
//! `{"line", "column", "offset"}`: `line` and `column` 1-based, the column
//! counted in characters (a leading BOM not counted), as `check` reports
//! them; `offset` the 0-based byte offset in the file (BOM included), for
//! tools that slice the bytes. The diagnostics have the shape of `check
//! --format json`'s (`$defs/diagnostic`), and `counts` too.
//!
//! The document is a tree of structs that borrow the text, serialized by
//! serde in one pass: at 10 MB, building a `serde_json::Value` first (a map
//! and a string copy per field) took longer than the export's budget.

use serde::Serialize;

use super::{Export, Prepared};
use crate::bibliography::EntryRef;
use crate::syntax::{Link, LinkKind, Paper, RefTarget, Reference};
use crate::{Diagnostic, LineIndex, Severity, TextRange};

/// The digest as data, described by the project's JSON Schema.
pub fn json(export: &Export<'_>) -> String {
    let prepared = Prepared::new(export);
    let at = Positions {
        text: &prepared.text,
        index: LineIndex::new(&prepared.text),
    };
    let syntax = &prepared.analysis().syntax;
    let doc = Document {
        path: export.name,
        title: syntax.title.map(|t| prepared.str(t)),
        preamble: prepared.str(prepared.preamble_rest()).trim(),
        preamble_references: (syntax.preamble_inline.references.iter())
            .map(|r| reference_of(&prepared, &at, r))
            .collect(),
        preamble_links: (syntax.preamble_inline.links.iter())
            .map(|link| link_of(&prepared, &at, link))
            .collect(),
        papers: (syntax.papers.iter().enumerate())
            .map(|(index, paper)| paper_of(&prepared, &at, index, paper))
            .collect(),
        diagnostics: diagnostics_of(export.name, &at, export.diagnostics),
        counts: Counts::of(export.diagnostics),
    };
    let mut out = Vec::with_capacity(prepared.text.len() * 2);
    let written = serde_json::to_writer_pretty(&mut out, &doc);
    debug_assert!(written.is_ok(), "plain structs always serialize");
    out.push(b'\n');
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document<'a> {
    path: &'a str,
    title: Option<&'a str>,
    preamble: &'a str,
    /// The references and links of the preamble (the title's line
    /// included), as a paper's.
    preamble_references: Vec<ReferenceData<'a>>,
    preamble_links: Vec<LinkData<'a>>,
    papers: Vec<PaperData<'a>>,
    diagnostics: Vec<DiagnosticData<'a>>,
    counts: Counts,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PaperData<'a> {
    number: u64,
    anchor: &'a str,
    /// The title without the citations written on the heading line (they
    /// are among the references; `heading` keeps the line as written).
    title: Option<std::borrow::Cow<'a, str>>,
    heading: &'a str,
    range: Range,
    heading_range: Range,
    stray: Option<Stray<'a>>,
    sections: Vec<SectionData<'a>>,
    references: Vec<ReferenceData<'a>>,
    links: Vec<LinkData<'a>>,
    entry: Option<EntryData<'a>>,
}

#[derive(Serialize)]
struct Stray<'a> {
    text: &'a str,
    range: Range,
}

#[derive(Serialize)]
struct SectionData<'a> {
    kind: &'a str,
    label: &'a str,
    text: &'a str,
    range: Range,
}

#[derive(Serialize)]
struct ReferenceData<'a> {
    text: &'a str,
    target: Target<'a>,
    wiki: bool,
    resolved: bool,
    range: Range,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum Target<'a> {
    Paper { number: u64 },
    FilePaper { file: &'a str, number: u64 },
    File { file: &'a str },
    BadAnchor { file: &'a str, anchor: &'a str },
    Citation { key: &'a str },
}

#[derive(Serialize)]
struct LinkData<'a> {
    url: &'a str,
    text: &'a str,
    kind: &'static str,
    range: Range,
    problem: Option<String>,
}

#[derive(Serialize)]
struct EntryData<'a> {
    key: &'a str,
    title: &'a str,
    authors: &'a [String],
    venue: Option<&'a str>,
    year: Option<&'a str>,
    doi: Option<&'a str>,
    arxiv: Option<&'a str>,
    url: Option<&'a str>,
    file: std::borrow::Cow<'a, str>,
    line: usize,
}

/// One finding, as `check --format json` writes it.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DiagnosticData<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'static str,
    code: &'static str,
    message: String,
}

/// The number of diagnostics per severity, as `check --format json`'s.
#[derive(Serialize)]
struct Counts {
    error: usize,
    warning: usize,
    info: usize,
    hint: usize,
}

impl Counts {
    fn of(diagnostics: &[Diagnostic]) -> Self {
        let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
        Self {
            error: count(Severity::Error),
            warning: count(Severity::Warning),
            info: count(Severity::Info),
            hint: count(Severity::Hint),
        }
    }
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
    offset: usize,
}

/// Positions of a text, as the JSON export writes them.
struct Positions<'t> {
    text: &'t str,
    index: LineIndex,
}

impl Positions<'_> {
    /// 1-based line and column (in characters).
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, column) = self.index.line_col_chars(self.text, offset);
        (line + 1, column + 1)
    }

    fn position(&self, offset: usize) -> Position {
        let (line, column) = self.line_col(offset);
        Position {
            line,
            column,
            offset,
        }
    }

    fn range(&self, range: TextRange) -> Range {
        Range {
            start: self.position(range.start),
            end: self.position(range.end),
        }
    }
}

fn paper_of<'a>(
    prepared: &'a Prepared<'_>,
    at: &Positions<'_>,
    index: usize,
    paper: &'a Paper,
) -> PaperData<'a> {
    PaperData {
        number: paper.number,
        anchor: prepared.anchor(index),
        title: prepared.analysis().title_text(paper),
        heading: prepared.str(paper.heading),
        range: at.range(paper.range),
        heading_range: at.range(paper.heading),
        stray: paper.stray.map(|s| Stray {
            text: prepared.str(s),
            range: at.range(s),
        }),
        sections: (paper.sections.iter())
            .map(|s| SectionData {
                kind: &s.kind,
                label: prepared.str(s.label),
                text: prepared.str(s.text),
                range: at.range(s.range),
            })
            .collect(),
        references: (paper.inline.references.iter())
            .map(|r| reference_of(prepared, at, r))
            .collect(),
        links: (paper.inline.links.iter())
            .map(|link| link_of(prepared, at, link))
            .collect(),
        entry: prepared.bound_entry(index).map(entry_of),
    }
}

fn reference_of<'a>(
    prepared: &'a Prepared<'_>,
    at: &Positions<'_>,
    reference: &'a Reference,
) -> ReferenceData<'a> {
    let target = match &reference.target {
        RefTarget::Citation(key) => Target::Citation { key },
        RefTarget::Paper(number) => Target::Paper { number: *number },
        RefTarget::FilePaper { file, number } => Target::FilePaper {
            file,
            number: *number,
        },
        RefTarget::File(file) => Target::File { file },
        RefTarget::BadAnchor { file, anchor } => Target::BadAnchor { file, anchor },
    };
    ReferenceData {
        text: prepared.str(reference.range),
        target,
        wiki: reference.wiki,
        resolved: prepared.resolves(reference),
        range: at.range(reference.range),
    }
}

fn link_of<'a>(prepared: &'a Prepared<'_>, at: &Positions<'_>, link: &Link) -> LinkData<'a> {
    LinkData {
        url: prepared.str(link.url),
        text: super::link_text(prepared, link),
        kind: match link.kind {
            LinkKind::Url => "url",
            LinkKind::Markdown => "markdown",
            LinkKind::Angle => "angle",
            LinkKind::NoScheme => "no-scheme",
        },
        range: at.range(link.range),
        problem: link.problem.as_ref().map(|p| p.describe()),
    }
}

/// A bibliography entry as the export gives it.
fn entry_of(entry: EntryRef<'_>) -> EntryData<'_> {
    let e = entry.entry;
    EntryData {
        key: &e.key,
        title: &e.title,
        authors: &e.authors,
        venue: e.venue.as_deref(),
        year: e.year.as_deref(),
        doi: e.doi.as_deref(),
        arxiv: e.arxiv.as_deref(),
        url: e.url.as_deref(),
        file: entry.file.path.to_string_lossy(),
        line: e.line,
    }
}

/// `diagnostics` (of the file shown as `path`) as `check --format json`
/// writes them, in text order.
fn diagnostics_of<'a>(
    path: &'a str,
    at: &Positions<'_>,
    diagnostics: &[Diagnostic],
) -> Vec<DiagnosticData<'a>> {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| (d.range.start, d.range.end));
    (sorted.into_iter())
        .map(|d| {
            let (line, column) = at.line_col(d.range.start);
            let (end_line, end_column) = at.line_col(d.range.end);
            DiagnosticData {
                path,
                line,
                column,
                end_line,
                end_column,
                severity: d.severity.as_str(),
                code: d.rule().code(),
                message: d.message(),
            }
        })
        .collect()
}
