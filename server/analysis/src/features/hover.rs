//! Hover: a preview of the paper a reference or heading names, or a link.

use super::{Under, found, resolve, under_cursor};
use crate::bibliography::{Bibliography, Entry, binding};
use crate::syntax::{LinkKind, Paper};
use crate::workspace::paper_excerpt;
use crate::{Analysis, Config, Resolver, TextRange};
use unicode_normalization::char::is_combining_mark;

/// Markdown to show, and the range it is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    pub range: TextRange,
    pub markdown: String,
}

/// The hover at `offset`: on a reference, a heading line, or a link.
pub fn hover(
    analysis: &Analysis,
    offset: usize,
    config: &Config,
    resolver: &dyn Resolver,
) -> Option<Hover> {
    let bibliography = resolver.bibliography();
    match under_cursor(analysis, offset)? {
        Under::Heading(paper) => Some(Hover {
            range: paper.heading,
            markdown: paper_preview(analysis, paper, config, bibliography),
        }),
        Under::Reference(reference) if reference.citation().is_some() => {
            let found = bibliography.entry(reference.citation()?)?;
            let entry = found.entry;
            let mut markdown = match entry.title.is_empty() {
                true => format!("**@{}**", escape(&entry.key)),
                false => format!("**{}**", escape(&entry.title)),
            };
            if let Some(line) = entry_line(entry) {
                markdown.push_str("\n\n");
                markdown.push_str(&line);
            }
            let file = found.file.path.file_name().unwrap_or_default();
            markdown.push_str(&format!(
                "\n\n`@{}` in {}, line {}",
                entry.key,
                escape(&file.to_string_lossy()),
                entry.line
            ));
            Some(Hover {
                range: reference.range,
                markdown,
            })
        }
        Under::Reference(reference) => {
            let to = resolve(analysis, &reference.target, |file| found(resolver, file))?;
            let digest = to.analysis();
            // Another digest's paper is bound in that digest's bibliography.
            let theirs = to.file().and_then(|file| resolver.bibliography_of(&file));
            let bibliography = theirs.as_deref().unwrap_or(bibliography);
            let markdown = match to.paper {
                Some(i) => paper_preview(digest, &digest.syntax.papers[i], config, bibliography),
                None => {
                    let title = match digest.syntax.title {
                        Some(title) => digest.slice(title).into_owned(),
                        None => to.file().unwrap_or_default(),
                    };
                    format!(
                        "**{}**\n\n{} papers",
                        escape(&title),
                        digest.syntax.papers.len()
                    )
                }
            };
            Some(Hover {
                range: reference.range,
                markdown,
            })
        }
        Under::Link(link) => {
            let url = analysis.slice(link.url);
            let shown = match link.kind {
                LinkKind::NoScheme => format!("https://{url}"),
                _ => url.to_string(),
            };
            let mut markdown = format!("`{}`", shown.replace('`', "%60"));
            if let Some(problem) = &link.problem {
                markdown.push_str(&format!("\n\nMalformed link: {}", problem.describe()));
            } else if link.kind == LinkKind::NoScheme {
                markdown.push_str("\n\nThis link has no scheme: write `https://` before it.");
            }
            Some(Hover {
                range: link.range,
                markdown,
            })
        }
    }
}

/// `**Paper3 Title**`, a blank line, the bibliography entry the paper is
/// bound to ([`entry_line`]) when it is, then the summary (else the
/// abstract) cut to the configured length.
fn paper_preview(
    analysis: &Analysis,
    paper: &Paper,
    config: &Config,
    bibliography: &Bibliography,
) -> String {
    let mut head = analysis.slice(paper.keyword).into_owned();
    head.push_str(&paper.number.to_string());
    if let Some(title) = analysis.title_text(paper) {
        head.push(' ');
        head.push_str(&title);
    }
    let mut out = format!("**{}**", escape(&head));
    let index = analysis.syntax.paper_index_at(paper.range.start);
    let bound = index.and_then(|i| binding(analysis, i, bibliography));
    if let Some(line) = bound.and_then(|(found, _)| entry_line(found.entry)) {
        out.push_str("\n\n");
        out.push_str(&line);
    }
    if let Some(body) = paper_excerpt(analysis, paper, config.preview_chars) {
        out.push_str("\n\n");
        out.push_str(&escape(&body));
    }
    out
}

/// What a hover says of a bibliography entry, on one line: the authors
/// (the first three, then "et al."), the venue, the year and the DOI or
/// arXiv link, those it has, separated by ` · `; `None` when it has none.
fn entry_line(entry: &Entry) -> Option<String> {
    let mut parts = Vec::new();
    if !entry.authors.is_empty() {
        let mut authors = entry.authors[..entry.authors.len().min(3)].join(", ");
        if entry.authors.len() > 3 {
            authors.push_str(" et al.");
        }
        parts.push(escape(&authors));
    }
    parts.extend(entry.venue.as_deref().map(escape));
    parts.extend(entry.year.as_deref().map(escape));
    let link = match (&entry.doi, &entry.arxiv) {
        (Some(doi), _) => Some(format!("https://doi.org/{doi}")),
        (None, Some(id)) => Some(format!("https://arxiv.org/abs/{id}")),
        (None, None) => None,
    };
    parts.extend(link.map(|l| format!("<{}>", l.replace(['<', '>', ' '], ""))));
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// `text` cut to at most `max` characters (the `…` not counted): at the
/// last word boundary in Latin text, at any character in CJK text; with `…`
/// appended when cut.
pub fn excerpt(text: &str, max: usize) -> String {
    let Some((cut, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let cut = cluster_boundary(text, cut);
    let Some(next) = text[cut..].chars().next() else {
        return text.to_string();
    };
    let mut end = cut;
    let before = text[..cut].chars().next_back();
    if before.is_some_and(is_latin_word_char) && is_latin_word_char(next) {
        // Back up to the start of the Latin word being cut, unless that word
        // is the whole excerpt.
        let word_start = text[..cut]
            .char_indices()
            .rev()
            .take_while(|&(_, c)| is_latin_word_char(c))
            .last()
            .map_or(cut, |(i, _)| i);
        if word_start > 0 {
            end = word_start;
        }
    }
    let mut out = text[..end].trim_end().to_string();
    out.push('…');
    out
}

/// A letter or digit of Latin (non-CJK) text, or an accent combined with
/// one (`e` + U+0301).
fn is_latin_word_char(c: char) -> bool {
    (c.is_alphanumeric() && !is_cjk(c)) || is_combining_mark(c)
}

/// `text` cut after `max` characters, never inside what is drawn as one
/// ([`cluster_boundary`]), white space before the cut dropped and `…`
/// appended; as it is when it has `max` characters or fewer. What inlay
/// hints and the rules' messages quote.
pub(crate) fn cut_after(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => {
            let cut = cluster_boundary(text, cut);
            format!("{}…", text[..cut].trim_end())
        }
        None => text.to_string(),
    }
}

/// `cut`, a character boundary of `text`, moved back until no character is
/// cut from what it is drawn with: a letter from its combining accents, an
/// emoji from its skin tone, variation selector or the rest of its ZWJ
/// sequence, a flag from its other half. (Cut there, `é` written as `e` +
/// U+0301 was shown as `e`, and a flag as a boxed letter.)
fn cluster_boundary(text: &str, mut cut: usize) -> usize {
    let regional = |c: char| ('\u{1F1E6}'..='\u{1F1FF}').contains(&c);
    let continues = |c: char| {
        is_combining_mark(c)
            || matches!(c, '\u{200D}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}')
            || ('\u{E0020}'..='\u{E007F}').contains(&c)
            || ('\u{E0100}'..='\u{E01EF}').contains(&c)
    };
    loop {
        let (Some(before), Some(next)) =
            (text[..cut].chars().next_back(), text[cut..].chars().next())
        else {
            return cut;
        };
        if continues(next) || before == '\u{200D}' {
            cut -= before.len_utf8();
            continue;
        }
        if regional(before) && regional(next) {
            let run = text[..cut]
                .chars()
                .rev()
                .take_while(|&c| regional(c))
                .count();
            if run % 2 == 1 {
                cut -= before.len_utf8();
            }
        }
        return cut;
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// Escapes the characters that would turn plain text into Markdown markup
/// (`~~` strikethrough and `&amp;` entities too, as the export does).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '*' | '_' | '`' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
