//! CSL-JSON (Zotero's Better BibTeX export): an array of items, read one
//! item at a time so that a broken item does not lose the others.

use std::ops::Range;

use serde_json::Value;

use super::bibtex::strip_doi_prefix;
use super::bind::{arxiv_in_url, normalise_arxiv};
use super::latex::decode_latex;
use super::{BibError, Entry, Lines, display_name, key_in};

/// Reads a CSL-JSON file (a top-level array of items). A broken item (bad
/// JSON, not an object, no `id`) becomes a [`BibError`]; the others are
/// returned in the file's order.
pub fn parse_csl_json(text: &str) -> (Vec<Entry>, Vec<BibError>) {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    let lines = Lines::new(text);
    let (items, closed) = match split_array(text) {
        Ok(found) => found,
        Err((at, message)) => {
            errors.push(BibError::at(text, at..at, message));
            return (entries, errors);
        }
    };
    for range in items {
        let src = &text[range.clone()];
        match serde_json::from_str::<Value>(src) {
            Ok(value) => match convert(&lines, &value, range.clone()) {
                Ok(entry) => entries.push(entry),
                Err(message) => errors.push(BibError::at(text, range, message)),
            },
            // The item the file is cut in: the error at the end says it.
            Err(_) if !closed && range.end == text.len() => {}
            Err(err) => {
                let at = range.start + offset_of(src, err.line(), err.column());
                // serde's message ends with its own (item-relative) position.
                let message = err.to_string();
                let message = message
                    .rfind(" at line ")
                    .map_or(message.as_str(), |i| &message[..i]);
                errors.push(BibError::at(
                    text,
                    at..at,
                    format!("invalid item: {message}"),
                ));
            }
        }
    }
    // Cut short (an export still being written, half a copy): an error at
    // the end.
    if !closed {
        let end = text.len();
        errors.push(BibError::at(
            text,
            end..end,
            "the file ends before the closing `]` of its array: is it cut short?".to_string(),
        ));
    }
    (entries, errors)
}

/// The byte offset of serde_json's 1-based line and column (a column of 0
/// is the line's end before its newline), moved back to the start of the
/// character it falls in (serde counts bytes, and may point inside one).
fn offset_of(src: &str, line: usize, column: usize) -> usize {
    let line_start = if line <= 1 {
        0
    } else {
        memchr::memchr_iter(b'\n', src.as_bytes())
            .nth(line - 2)
            .map_or(src.len(), |i| i + 1)
    };
    let mut at = (line_start + column.saturating_sub(1)).min(src.len());
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The byte ranges of the items of an array, and whether it is closed.
type Items = (Vec<Range<usize>>, bool);

/// The byte ranges of the elements of the top-level array of `text`,
/// found by scanning strings and brackets (the elements are parsed later),
/// and whether the array is closed by its `]`.
fn split_array(text: &str) -> Result<Items, (usize, String)> {
    let bytes = text.as_bytes();
    let start = text
        .find(|c: char| !c.is_whitespace() && c != '\u{feff}')
        .ok_or((0, "empty file: expected a CSL-JSON array".to_string()))?;
    if bytes[start] != b'[' {
        return Err((start, "expected a CSL-JSON array (`[`)".to_string()));
    }
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut item_start: Option<usize> = None;
    for (i, &b) in bytes.iter().enumerate().skip(start + 1) {
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => {
                in_string = true;
                item_start.get_or_insert(i);
            }
            b'{' | b'[' => {
                depth += 1;
                item_start.get_or_insert(i);
            }
            b'}' | b']' if depth > 0 => depth -= 1,
            b']' => {
                if let Some(s) = item_start.take() {
                    items.push(s..trim_end(text, s, i));
                }
                return Ok((items, true));
            }
            b',' if depth == 0 => {
                if let Some(s) = item_start.take() {
                    items.push(s..trim_end(text, s, i));
                }
            }
            b if b.is_ascii_whitespace() => {}
            _ => {
                item_start.get_or_insert(i);
            }
        }
    }
    // No closing bracket: what is there is still read.
    if let Some(s) = item_start.take() {
        items.push(s..text.len());
    }
    Ok((items, false))
}

fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

fn string(value: &Value, name: &str) -> Option<String> {
    let text = match value.get(name)? {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    let text = decode_latex(&text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!text.is_empty()).then_some(text)
}

fn convert(lines: &Lines, item: &Value, range: Range<usize>) -> Result<Entry, String> {
    if !item.is_object() {
        return Err("item is not an object".to_string());
    }
    let key = string(item, "id").ok_or("item has no `id`")?;
    let authors = item
        .get("author")
        .and_then(Value::as_array)
        .map(|people| {
            people
                .iter()
                .filter_map(|p| {
                    let [given, prefix, family, suffix] =
                        ["given", "non-dropping-particle", "family", "suffix"]
                            .map(|f| string(p, f).unwrap_or_default());
                    let name = display_name(&given, &prefix, &family, &suffix);
                    match name.is_empty() {
                        true => string(p, "literal"),
                        false => Some(name),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let year = item
        .get("issued")
        .and_then(|i| i.get("date-parts"))
        .and_then(|d| d.get(0))
        .and_then(|d| d.get(0))
        .and_then(|y| match y {
            Value::Number(n) => Some(n.to_string()),
            Value::String(s) => Some(s.clone()),
            _ => None,
        })
        .or_else(|| {
            item.get("issued")
                .and_then(|i| string(i, "raw").or_else(|| string(i, "literal")))
                .map(|r| r.chars().take_while(char::is_ascii_digit).collect())
        })
        .filter(|y: &String| !y.is_empty());
    let doi = string(item, "DOI").map(|d| strip_doi_prefix(&d).to_string());
    let url = string(item, "URL");
    let arxiv = url
        .as_deref()
        .and_then(arxiv_in_url)
        .or_else(|| {
            let publisher = string(item, "publisher").unwrap_or_default();
            let archive = string(item, "archive").unwrap_or_default();
            let from_arxiv =
                publisher.eq_ignore_ascii_case("arXiv") || archive.eq_ignore_ascii_case("arXiv");
            string(item, "number")
                .filter(|_| from_arxiv)
                .and_then(|n| normalise_arxiv(n.trim_start_matches("arXiv:")))
        })
        .or_else(|| {
            doi.as_deref().and_then(|d| {
                d.to_ascii_lowercase()
                    .strip_prefix("10.48550/arxiv.")
                    .and_then(normalise_arxiv)
            })
        });
    let id = (lines.text.get(range.clone()))
        .and_then(|src| src.find("\"id\""))
        .map_or(0, |i| i + 4);
    let key_range = key_in(lines, &range, id, &key);
    Ok(Entry {
        key_at: lines.line_col(key_range.start),
        key_range,
        key,
        title: string(item, "title").unwrap_or_default(),
        authors,
        venue: string(item, "container-title"),
        year,
        doi,
        arxiv,
        url,
        line: lines.line(range.start),
        column: lines.line_col(range.start).1,
        range,
    })
}
