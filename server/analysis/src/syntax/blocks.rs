//! Block structure: lines, headings, sections, papers.
//!
//! One pass over the lines. A heading starts a paper; inside a paper, a line
//! that starts with a known label and a colon starts a section; everything
//! else extends the current section (or is stray text before the first one).
//! Inline constructs are then scanned per paper by [`super::inline::scan`],
//! each section's text from its own start.

use std::sync::Arc;

use super::lines::{Line, Lines};
use super::{Inline, Paper, Section, SourceFile, inline};
use crate::{Config, TextRange};

/// Longest label-like prefix the `unknown-label` rule looks at, in characters.
pub const LABEL_LIKE_MAX_CHARS: usize = 20;

/// Parses a whole digest. Never fails.
pub fn parse(text: &str, config: &Config) -> SourceFile {
    let text_start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let labels = Labels::new(config);
    let mut file = SourceFile {
        text_start,
        ..SourceFile::default()
    };
    let mut paper: Option<PaperBuilder> = None;
    let mut preamble_end = text.len();

    for line in Lines::new(text, text_start) {
        let content = &text[line.start..line.end];
        if let Some(heading) = match_heading(content, line.start, &config.keywords) {
            match paper.take() {
                Some(done) => file.papers.push(done.finish(text, config)),
                None => preamble_end = line.start,
            }
            paper = Some(PaperBuilder::new(heading, line));
            continue;
        }
        let trimmed_end = line.start + content.trim_end().len();
        let Some(current) = paper.as_mut() else {
            if file.title.is_none() && trimmed_end > line.start {
                let lead = content.len() - content.trim_start().len();
                file.title = Some(TextRange::new(line.start + lead, trimmed_end));
            }
            continue;
        };
        current.line(text, line, trimmed_end, &labels);
    }
    if let Some(done) = paper.take() {
        file.papers.push(done.finish(text, config));
    }
    file.preamble = TextRange::new(text_start, preamble_end.max(text_start));
    inline::scan(
        text,
        file.preamble,
        &config.keywords,
        &mut file.preamble_inline,
    );
    file
}

/// A matched heading line.
struct Heading {
    number: u64,
    keyword: TextRange,
    number_range: TextRange,
    title: Option<TextRange>,
    line: TextRange,
}

/// Matches `line` (starting at byte `at`) against the heading grammar:
/// keyword, optional single space, digits, then end of line, white space, or
/// one of `:` `：` `.` followed by optional white space; the rest is the title.
fn match_heading(line: &str, at: usize, keywords: &[String]) -> Option<Heading> {
    let first = *line.as_bytes().first()?;
    for keyword in keywords {
        if keyword.as_bytes().first() != Some(&first) || !line.starts_with(keyword.as_str()) {
            continue;
        }
        let mut pos = keyword.len();
        if line.as_bytes().get(pos) == Some(&b' ') {
            pos += 1;
        }
        let digits = line[pos..].bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            continue;
        }
        let number_range = TextRange::new(at + pos, at + pos + digits);
        let rest = &line[pos + digits..];
        let after = match rest.chars().next() {
            None => rest,
            Some(c) if c.is_whitespace() => rest,
            Some(c @ (':' | '：' | '.')) => &rest[c.len_utf8()..],
            Some(_) => continue,
        };
        let title_text = after.trim();
        let title = (!title_text.is_empty()).then(|| {
            let lead = after.len() - after.trim_start().len();
            let start = at + line.len() - after.len() + lead;
            TextRange::new(start, start + title_text.len())
        });
        return Some(Heading {
            number: parse_number(&line.as_bytes()[pos..pos + digits]),
            keyword: TextRange::new(at, at + keyword.len()),
            number_range,
            title,
            line: TextRange::new(at, at + line.trim_end().len()),
        });
    }
    None
}

/// A decimal number (ASCII digits), leading zeros ignored, saturating at
/// `u64::MAX`.
pub fn parse_number(digits: &[u8]) -> u64 {
    digits.iter().fold(0u64, |n, &d| {
        n.saturating_mul(10).saturating_add(u64::from(d - b'0'))
    })
}

/// The configured labels, for the per-line section check.
struct Labels<'c> {
    config: &'c Config,
    /// How far (in characters) a line is searched for its first colon.
    max_chars: usize,
}

impl<'c> Labels<'c> {
    fn new(config: &'c Config) -> Self {
        let longest = (config.sections.iter())
            .flat_map(|k| &k.labels)
            .map(|l| l.chars().count())
            .max();
        Self {
            config,
            max_chars: longest.unwrap_or(0).max(LABEL_LIKE_MAX_CHARS),
        }
    }

    fn kind(&self, label: &str) -> Option<&'c Arc<str>> {
        self.config.kind_of_label(label).map(|k| &k.name)
    }
}

/// What the start of a body line is, label-wise.
enum LabelMatch {
    /// A known label: its byte length (the colon follows) and kind.
    Known(usize, Arc<str>, usize),
    /// `xyz:` that is not a known label: the prefix's byte length.
    LabelLike(usize),
    None,
}

fn match_label(content: &str, labels: &Labels<'_>) -> LabelMatch {
    for (count, (i, c)) in content.char_indices().enumerate() {
        if count > labels.max_chars {
            break;
        }
        if c == ':' || c == '：' {
            if i == 0 {
                return LabelMatch::None;
            }
            let prefix = &content[..i];
            if let Some(kind) = labels.kind(prefix) {
                return LabelMatch::Known(i, kind.clone(), c.len_utf8());
            }
            let plain = count <= LABEL_LIKE_MAX_CHARS && !prefix.contains(char::is_whitespace);
            return if plain {
                LabelMatch::LabelLike(i)
            } else {
                LabelMatch::None
            };
        }
    }
    LabelMatch::None
}

/// A paper being read, line by line.
struct PaperBuilder {
    heading: Heading,
    body_start: usize,
    /// End of the last non-blank line so far (the heading included).
    last_end: usize,
    sections: Vec<SectionBuilder>,
    stray_start: Option<usize>,
    stray_end: usize,
    label_like: Vec<TextRange>,
}

struct SectionBuilder {
    kind: Arc<str>,
    label: TextRange,
    /// Just after the colon.
    content_start: usize,
    /// End of the last non-blank text of the section (`content_start` if none).
    last_end: usize,
}

impl PaperBuilder {
    fn new(heading: Heading, line: Line) -> Self {
        let last_end = heading.line.end;
        Self {
            heading,
            body_start: line.end,
            last_end,
            sections: Vec::new(),
            stray_start: None,
            stray_end: 0,
            label_like: Vec::new(),
        }
    }

    fn line(&mut self, text: &str, line: Line, trimmed_end: usize, labels: &Labels<'_>) {
        if trimmed_end == line.start {
            return; // blank
        }
        let content = &text[line.start..line.end];
        self.last_end = trimmed_end;
        match match_label(content, labels) {
            LabelMatch::Known(len, kind, colon) => {
                let content_start = line.start + len + colon;
                self.sections.push(SectionBuilder {
                    kind,
                    label: TextRange::new(line.start, line.start + len),
                    content_start,
                    last_end: content_start.max(trimmed_end),
                });
                return;
            }
            LabelMatch::LabelLike(len) => self
                .label_like
                .push(TextRange::new(line.start, line.start + len)),
            LabelMatch::None => {}
        }
        match self.sections.last_mut() {
            Some(section) => section.last_end = trimmed_end,
            None => {
                if self.stray_start.is_none() {
                    let lead = content.len() - content.trim_start().len();
                    self.stray_start = Some(line.start + lead);
                }
                self.stray_end = trimmed_end;
            }
        }
    }

    fn finish(self, text: &str, config: &Config) -> Paper {
        let range = TextRange::new(self.heading.line.start, self.last_end);
        // Each section's text is scanned from its own start: the label's
        // colon is not the character before the text, so `代码:github.com/a`
        // holds the link that `代码: github.com/a` holds.
        let mut inline = Inline::default();
        if let Some(title) = self.heading.title {
            inline::scan_citations(text, title, &mut inline);
        }
        let mut from = self.body_start.min(range.end);
        let starts = self.sections.iter().map(|s| s.content_start);
        for to in starts.chain([range.end]) {
            let to = to.clamp(from, range.end);
            if to > from {
                inline::scan(
                    text,
                    TextRange::new(from, to),
                    &config.keywords,
                    &mut inline,
                );
            }
            from = to;
        }
        let sections = self
            .sections
            .into_iter()
            .map(|s| {
                let body = &text[s.content_start..s.last_end];
                let lead = body.len() - body.trim_start().len();
                let text_range = if lead == body.len() {
                    TextRange::empty(s.content_start)
                } else {
                    TextRange::new(s.content_start + lead, s.last_end)
                };
                Section {
                    kind: s.kind,
                    label: s.label,
                    text: text_range,
                    range: TextRange::new(s.label.start, s.last_end),
                }
            })
            .collect();
        Paper {
            number: self.heading.number,
            keyword: self.heading.keyword,
            number_range: self.heading.number_range,
            title: self.heading.title,
            heading: self.heading.line,
            range,
            sections,
            stray: self
                .stray_start
                .map(|start| TextRange::new(start, self.stray_end)),
            label_like: self.label_like,
            inline,
        }
    }
}
