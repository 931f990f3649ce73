//! The JSON export: the digest as data, described by the project's JSON
//! Schema (`docs/schema/digest.schema.json`, `$defs/export`).
//!
//! A range is `{"start": P, "end": P}`, each position `P` being
//! `{"line", "column", "offset"}`: `line` and `column` 1-based, the column
//! counted in characters (a leading BOM not counted), as `check` reports
//! them; `offset` the 0-based byte offset in the file (BOM included), for
//! tools that slice the bytes. The diagnostics have the shape of `check
//! --format json`'s (`$defs/diagnostic`), and `counts` too.

use serde_json::{Map, Value, json};

use super::{Export, Prepared, citation_key};
use crate::bibliography::EntryRef;
use crate::syntax::{LinkKind, Paper, RefTarget, Reference};
use crate::{Diagnostic, LineIndex, Severity, TextRange};

/// The digest as data, described by the project's JSON Schema.
pub fn json(export: &Export<'_>) -> String {
    let prepared = Prepared::new(export);
    let positions = Positions {
        text: &prepared.text,
        index: LineIndex::new(&prepared.text),
    };
    let analysis = prepared.analysis();
    let syntax = &analysis.syntax;
    let papers: Vec<Value> = (syntax.papers.iter().enumerate())
        .map(|(index, paper)| paper_json(&prepared, &positions, index, paper))
        .collect();
    let preamble = prepared.str(prepared.preamble_rest()).trim();
    let doc = json!({
        "path": export.name,
        "title": syntax.title.map(|t| prepared.str(t)),
        "preamble": preamble,
        "papers": papers,
        "diagnostics": diagnostics_json(export.name, &positions, export.diagnostics),
        "counts": counts_json(export.diagnostics),
    });
    let mut out = format!("{doc:#}");
    out.push('\n');
    out
}

/// Positions of a text, as the JSON export writes them.
pub(crate) struct Positions<'t> {
    pub text: &'t str,
    pub index: LineIndex,
}

impl Positions<'_> {
    /// 1-based line and column (in characters).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, column) = self.index.line_col_chars(self.text, offset);
        (line + 1, column + 1)
    }

    fn position(&self, offset: usize) -> Value {
        let (line, column) = self.line_col(offset);
        json!({ "line": line, "column": column, "offset": offset })
    }

    fn range(&self, range: TextRange) -> Value {
        json!({ "start": self.position(range.start), "end": self.position(range.end) })
    }
}

fn paper_json(prepared: &Prepared<'_>, at: &Positions<'_>, index: usize, paper: &Paper) -> Value {
    let sections: Vec<Value> = (paper.sections.iter())
        .map(|s| {
            json!({
                "kind": &*s.kind,
                "label": prepared.str(s.label),
                "text": prepared.str(s.text),
                "range": at.range(s.range),
            })
        })
        .collect();
    let references: Vec<Value> = (paper.inline.references.iter())
        .map(|r| reference_json(prepared, at, r))
        .collect();
    let links: Vec<Value> = (paper.inline.links.iter())
        .map(|link| {
            let kind = match link.kind {
                LinkKind::Url => "url",
                LinkKind::Markdown => "markdown",
                LinkKind::Angle => "angle",
                LinkKind::NoScheme => "no-scheme",
            };
            json!({
                "url": prepared.str(link.url),
                "text": super::link_text(prepared, link),
                "kind": kind,
                "range": at.range(link.range),
                "problem": link.problem.as_ref().map(|p| p.describe()),
            })
        })
        .collect();
    json!({
        "number": paper.number,
        "anchor": prepared.anchor(index),
        "title": paper.title.map(|t| prepared.str(t)),
        "heading": prepared.str(paper.heading),
        "range": at.range(paper.range),
        "headingRange": at.range(paper.heading),
        "stray": paper.stray.map(|s| json!({ "text": prepared.str(s), "range": at.range(s) })),
        "sections": sections,
        "references": references,
        "links": links,
        "entry": prepared.bound_entry(index).map(entry_json),
    })
}

fn reference_json(prepared: &Prepared<'_>, at: &Positions<'_>, reference: &Reference) -> Value {
    let target = match (&reference.target, citation_key(&reference.target)) {
        (_, Some(key)) => json!({ "kind": "citation", "key": key }),
        (RefTarget::Paper(n), _) => json!({ "kind": "paper", "number": n }),
        (RefTarget::FilePaper { file, number }, _) => {
            json!({ "kind": "file-paper", "file": file, "number": number })
        }
        (RefTarget::File(file), _) => json!({ "kind": "file", "file": file }),
        (RefTarget::BadAnchor { file, anchor }, _) => {
            json!({ "kind": "bad-anchor", "file": file, "anchor": anchor })
        }
    };
    json!({
        "text": prepared.str(reference.range),
        "target": target,
        "wiki": reference.wiki,
        "resolved": prepared.resolves(reference),
        "range": at.range(reference.range),
    })
}

/// A bibliography entry as the export gives it.
fn entry_json(entry: EntryRef<'_>) -> Value {
    let e = entry.entry;
    json!({
        "key": e.key,
        "title": e.title,
        "authors": e.authors,
        "venue": e.venue,
        "year": e.year,
        "doi": e.doi,
        "arxiv": e.arxiv,
        "url": e.url,
        "file": entry.file.path.to_string_lossy(),
        "line": e.line,
    })
}

/// `diagnostics` (of the file shown as `path`) as `check --format json`
/// writes them.
fn diagnostics_json(path: &str, at: &Positions<'_>, diagnostics: &[Diagnostic]) -> Vec<Value> {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| (d.range.start, d.range.end));
    (sorted.into_iter())
        .map(|d| {
            let (line, column) = at.line_col(d.range.start);
            let (end_line, end_column) = at.line_col(d.range.end);
            json!({
                "path": path,
                "line": line,
                "column": column,
                "endLine": end_line,
                "endColumn": end_column,
                "severity": d.severity.as_str(),
                "code": d.rule().code(),
                "message": d.message(),
            })
        })
        .collect()
}

/// The number of diagnostics per severity, as `check --format json`'s
/// `counts`.
fn counts_json(diagnostics: &[Diagnostic]) -> Value {
    let counts: Map<String, Value> = (Severity::ALL.iter())
        .map(|&s| {
            let n = diagnostics.iter().filter(|d| d.severity == s).count();
            (s.as_str().to_string(), json!(n))
        })
        .collect();
    Value::Object(counts)
}
