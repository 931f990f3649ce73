//! BibTeX/BibLaTeX through the `biblatex` crate, one entry at a time so that
//! a broken entry does not lose the others.

use std::ops::Range;

use biblatex::{Bibliography, ChunksExt};

use super::bind::{arxiv_in_url, normalise_arxiv};
use super::latex::decode_latex;
use super::{BibError, Entry, Lines};

/// One `@type{...}` block of a `.bib` file.
struct Block {
    /// The entry type, lower case (`article`, `string`, `comment`).
    kind: String,
    range: Range<usize>,
    /// The key as written (empty for `@string`, `@comment`, `@preamble`).
    key: String,
}

/// Reads a BibTeX/BibLaTeX file. A broken entry becomes a [`BibError`] at
/// the place the parser stopped; the other entries are returned, in the
/// file's order. `@string` abbreviations apply to every entry of the file.
pub fn parse_bibtex(text: &str) -> (Vec<Entry>, Vec<BibError>) {
    let blocks = split(text);
    let lines = Lines::new(text);
    let mut errors = Vec::new();

    // One entry at a time, after the `@string`s that read. (Reading the
    // whole file at once, when it is valid, is slower: 221 ms against about
    // 100 ms for 10,000 entries in a release build. The price: every entry
    // re-reads the `@string`s, so a file with hundreds of them costs more.)
    let mut prelude = String::new();
    for block in blocks.iter().filter(|b| b.kind == "string") {
        let src = &text[block.range.clone()];
        match Bibliography::parse(&format!("{prelude}{src}\n")) {
            Ok(_) => {
                prelude.push_str(src);
                prelude.push('\n');
            }
            Err(err) => errors.push(error(text, block, &prelude, err)),
        }
    }
    let mut entries = Vec::new();
    for block in blocks.iter().filter(|b| is_entry(&b.kind)) {
        let src = format!("{prelude}{}", &text[block.range.clone()]);
        match Bibliography::parse(&src) {
            Ok(bib) => {
                if let Some(e) = bib.iter().next() {
                    entries.push(convert(&lines, e, block.range.clone()));
                }
            }
            Err(err) => errors.push(error(text, block, &prelude, err)),
        }
    }
    errors.sort_by_key(|e| e.range.start);
    (entries, errors)
}

fn is_entry(kind: &str) -> bool {
    !matches!(kind, "string" | "comment" | "preamble")
}

/// The error of `block`, parsed after `prelude`, at its place in `text`.
fn error(text: &str, block: &Block, prelude: &str, err: biblatex::ParseError) -> BibError {
    let shift =
        |o: usize| (o.saturating_sub(prelude.len()) + block.range.start).min(block.range.end);
    let start = shift(err.span.start);
    let end = shift(err.span.end).max(start);
    let what = if block.key.is_empty() {
        format!("@{}", block.kind)
    } else {
        format!("entry `{}`", block.key)
    };
    BibError::at(text, start..end, format!("{what}: {}", err.kind))
}

/// Splits `text` into `@type{...}` blocks: each starts at an `@` first on
/// its line (after spaces) and ends at its balancing brace or parenthesis,
/// or, when it does not balance, before the next such `@`.
fn split(text: &str) -> Vec<Block> {
    let bytes = text.as_bytes();
    let starts: Vec<usize> = memchr::memchr_iter(b'@', bytes)
        .filter(|&at| {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            text[line_start..at]
                .bytes()
                .all(|b| b == b' ' || b == b'\t')
        })
        .collect();
    let mut blocks = Vec::new();
    for (n, &at) in starts.iter().enumerate() {
        let limit = starts.get(n + 1).copied().unwrap_or(text.len());
        if blocks.last().is_some_and(|b: &Block| b.range.end > at) {
            continue;
        }
        let kind_end = text[at + 1..limit]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .map_or(limit, |i| at + 1 + i);
        let kind = text[at + 1..kind_end].to_ascii_lowercase();
        if kind.is_empty() {
            continue;
        }
        let open = text[kind_end..limit]
            .find(|c: char| !c.is_whitespace())
            .map(|i| kind_end + i);
        let Some(open) = open.filter(|&o| matches!(bytes[o], b'{' | b'(')) else {
            // `@` not starting an entry: BibTeX skips it as a comment.
            continue;
        };
        let close = if bytes[open] == b'{' { b'}' } else { b')' };
        let mut depth = 0usize;
        let mut end = limit;
        for (i, &b) in bytes[open + 1..limit].iter().enumerate() {
            match b {
                b'{' => depth += 1,
                b'}' if depth > 0 => depth -= 1,
                _ if b == close && depth == 0 => {
                    end = open + 1 + i + 1;
                    break;
                }
                _ => {}
            }
        }
        let key = if is_entry(&kind) {
            let rest = &text[open + 1..end];
            let key_end = rest.find([',', '\n', '}', ')']).unwrap_or(rest.len());
            rest[..key_end].trim().to_string()
        } else {
            String::new()
        };
        // Trailing blank text of an unbalanced block is not part of it.
        let end = at + text[at..end].trim_end().len();
        blocks.push(Block {
            kind,
            range: at..end,
            key,
        });
    }
    blocks
}

fn field(e: &biblatex::Entry, name: &str) -> Option<String> {
    let raw = e.fields.get(name)?.format_verbatim();
    let text = decode_latex(&raw)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}

fn convert(lines: &Lines, e: &biblatex::Entry, range: Range<usize>) -> Entry {
    let authors = e
        .author()
        .map(|people| {
            people
                .iter()
                .map(|p| {
                    let parts = [&p.given_name, &p.prefix, &p.name, &p.suffix];
                    let joined = parts
                        .iter()
                        .filter(|s| !s.is_empty())
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(" ");
                    decode_latex(&joined)
                })
                .collect()
        })
        .unwrap_or_default();
    let year = field(e, "year")
        .or_else(|| field(e, "date").map(|d| d.chars().take_while(char::is_ascii_digit).collect()));
    let doi = field(e, "doi").map(|d| strip_doi_prefix(&d).to_string());
    let url = field(e, "url");
    let eprint_is_arxiv = ["eprinttype", "archiveprefix"]
        .iter()
        .any(|f| field(e, f).is_some_and(|v| v.eq_ignore_ascii_case("arxiv")));
    let arxiv = field(e, "eprint")
        .filter(|_| eprint_is_arxiv)
        .and_then(|id| normalise_arxiv(id.trim_start_matches("arXiv:")))
        .or_else(|| url.as_deref().and_then(arxiv_in_url))
        .or_else(|| {
            doi.as_deref().and_then(|d| {
                let lower = d.to_ascii_lowercase();
                lower
                    .strip_prefix("10.48550/arxiv.")
                    .and_then(normalise_arxiv)
            })
        });
    Entry {
        key: e.key.clone(),
        title: field(e, "title").unwrap_or_default(),
        authors,
        venue: field(e, "journal")
            .or_else(|| field(e, "journaltitle"))
            .or_else(|| field(e, "booktitle")),
        year: year.filter(|y| !y.is_empty()),
        doi,
        arxiv,
        url,
        line: lines.line(range.start),
        column: lines.line_col(range.start).1,
        range,
    }
}

/// `https://doi.org/10.1/x` and `doi:10.1/x` are `10.1/x`.
pub(crate) fn strip_doi_prefix(doi: &str) -> &str {
    let d = doi.trim();
    for prefix in [
        "https://doi.org/",
        "http://doi.org/",
        "https://dx.doi.org/",
        "http://dx.doi.org/",
        "doi:",
    ] {
        if d.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
        {
            return &d[prefix.len()..];
        }
    }
    d
}
