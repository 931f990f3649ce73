//! Formatting: a digest rewritten into its canonical layout (the spec's
//! "Formatting"), as the smallest edits that get it there.
//!
//! The layout, line by line (a line is *blank* when it holds only white
//! space, as the parser sees it):
//!
//! - **Line ends**: the file's first line end (LF, CRLF or a lone CR; LF
//!   when the file has none), everywhere. No trailing white space on any
//!   line. A non-blank file ends with exactly one line end; an empty or
//!   all-blank file becomes empty. A leading BOM is kept as it is (a file
//!   holding a BOM and blank lines keeps the BOM alone).
//! - **Headings**: `<keyword><N> <title>`: the keyword as written (one of
//!   the configured keywords), no space, the digits of the number without
//!   leading zeros (`0` for all zeros), one space, the title; a heading
//!   without a title is `<keyword><N>`. So `Paper 01: Title` becomes
//!   `Paper1 Title` and `Paper12.` becomes `Paper12`.
//! - **Section labels**: followed by the colon the file's labels use most
//!   (ASCII `:` on a tie), then one space before the text when the text
//!   starts on the label's line. A label whose text starts on a later line
//!   keeps that line break, and an empty section keeps no space
//!   (`Summary:`).
//! - **Blank lines**: exactly one before each heading (none at the very
//!   start of the file), after each heading, and before each section label.
//!   Everywhere else (the preamble, stray text, a section's text) a run of
//!   blank lines becomes one blank line, and lines not separated by a blank
//!   line stay so.
//! - **The preamble** (before the first heading): its leading blank lines go
//!   (the first non-blank line starts the file, after the BOM), runs of
//!   blank lines become one, trailing white space goes; one blank line
//!   separates it from the first heading.
//! - **Stray text** (between a heading and the first section) is kept: one
//!   blank line after the heading, one before the first section, runs of
//!   blank lines inside it become one.
//! - **Indentation** is kept: a line that starts with white space (it can
//!   be neither a heading nor a label) starts with the same white space
//!   after formatting.
//!
//! - **Typography**: when the configuration turns on any of the typography
//!   rules (`cjk-spacing`, `cjk-punctuation`, `fullwidth-alphanumeric`),
//!   their fixes, all of them, as [`crate::rules::typography::fix_all`]
//!   gives them. They lie inside lines, away from the line ends, headings
//!   and labels that the layout rewrites (an edit of each may touch: they
//!   are then one edit).
//!
//! Nothing else changes: the papers, their numbers and titles, the section
//! kinds and their words (less the typography fixed), references, links and
//! the preamble's words are the same before and after, and formatting a
//! formatted file gives no edits.
//!
//! The edits are sorted, never overlap nor touch, start and end on char
//! boundaries, and are as small as the layout allows: each replaced
//! stretch (a line's trailing white space and line end with the blank lines
//! after it, a heading, a label's colon and the space after it) is trimmed
//! of what it has in common with its replacement at either end. A file with
//! one trailing space gets one edit deleting that space; a file that needs
//! no change gets none. One pass over the lines; a line is never copied.

use std::borrow::Cow;

use crate::rules::typography;
use crate::syntax::lines::Lines;
use crate::syntax::{Paper, Section, SourceFile};
use crate::{Analysis, Config, TextEdit, TextRange};

/// A line end, as the LSP specification knows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LineEnd {
    Lf,
    CrLf,
    Cr,
}

impl LineEnd {
    pub fn as_str(self) -> &'static str {
        self.times(1)
    }

    /// The first line end of `text`; `None` when it has none.
    pub fn first_in(text: &str) -> Option<LineEnd> {
        let bytes = text.as_bytes();
        let at = memchr::memchr2(b'\n', b'\r', bytes)?;
        Some(match (bytes[at], bytes.get(at + 1)) {
            (b'\n', _) => LineEnd::Lf,
            (_, Some(b'\n')) => LineEnd::CrLf,
            _ => LineEnd::Cr,
        })
    }

    /// `n` line ends in a row (`n` is at most 2; more gives 2).
    fn times(self, n: usize) -> &'static str {
        match (self, n) {
            (_, 0) => "",
            (LineEnd::Lf, 1) => "\n",
            (LineEnd::Lf, _) => "\n\n",
            (LineEnd::CrLf, 1) => "\r\n",
            (LineEnd::CrLf, _) => "\r\n\r\n",
            (LineEnd::Cr, 1) => "\r",
            (LineEnd::Cr, _) => "\r\r",
        }
    }
}

/// What the caller decides about formatting (built from `digest.toml` and
/// the request by the edge).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FormatOptions {
    /// `false`: no edits at all (`[format] enabled = false`).
    pub enabled: bool,
    /// The line end to write; `None`: the file's first line end (LF when the
    /// file has none).
    pub line_end: Option<LineEnd>,
}

impl Default for FormatOptions {
    fn default() -> Self {
        Self {
            enabled: true,
            line_end: None,
        }
    }
}

/// The edits that put the analysed digest into its canonical layout (see
/// the module documentation), under `config` (the one it was parsed with:
/// its typography rules decide whether their fixes are made): sorted,
/// apart, the smallest the layout allows; none when the digest is already
/// canonical.
pub fn format(analysis: &Analysis, config: &Config, options: &FormatOptions) -> Vec<TextEdit> {
    let text = whole_text(analysis);
    format_source(&text, &analysis.syntax, config, options)
}

/// The edits of [`format`] that concern the lines `range` touches, for
/// `textDocument/rangeFormatting`.
///
/// The lines touched: from the line holding `range.start` to the line
/// holding `range.end`, or to the line before when a non-empty range ends
/// at the start of a line (a selection of whole lines). An edit concerns
/// the line it is on; an edit of the line ends and blank lines between two
/// non-blank lines concerns both of them and the blank lines between (so a
/// heading touched gets its blank line before and after, and a blank line
/// touched is merged into its run); the file's leading and final line ends
/// concern the first and the last non-blank line. The line end and the
/// colon are chosen from the whole file, as for [`format`] (so where the
/// file's first line end is in a leading blank line that the part deletes,
/// and the other line ends differ from it, a later [`format`] may choose
/// another).
pub fn format_range(
    analysis: &Analysis,
    config: &Config,
    range: TextRange,
    options: &FormatOptions,
) -> Vec<TextEdit> {
    let text = whole_text(analysis);
    let lines = touched_lines(&text, range);
    edits(&text, &analysis.syntax, config, options, Some(lines))
}

/// `text` formatted under `config`: parses, formats and applies the edits.
pub fn format_text(text: &str, config: &Config, options: &FormatOptions) -> String {
    let syntax = crate::syntax::parse(text, config);
    apply(text, &format_source(text, &syntax, config, options))
}

/// Applies edits to `text`. The edits are taken sorted and apart, as
/// [`format`] gives them; one that starts before the end of the previous
/// one, lies outside the text or cuts a character is left out.
pub fn apply(text: &str, edits: &[TextEdit]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in edits {
        let TextRange { start, end } = edit.range;
        if start < cursor || text.get(start..end).is_none() {
            continue;
        }
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.new_text);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// The edits of [`format`] for `text` and its syntax (`syntax` must be
/// `text` parsed under `config`; with another, the edits are wrong but
/// nothing panics).
pub fn format_source(
    text: &str,
    syntax: &SourceFile,
    config: &Config,
    options: &FormatOptions,
) -> Vec<TextEdit> {
    edits(text, syntax, config, options, None)
}

/// The edits, or those that concern the lines `only` (from the start of the
/// first to the end of the last one's content; see [`format_range`]).
fn edits(
    text: &str,
    syntax: &SourceFile,
    config: &Config,
    options: &FormatOptions,
    only: Option<TextRange>,
) -> Vec<TextEdit> {
    if !options.enabled {
        return Vec::new();
    }
    let eol = (options.line_end)
        .or_else(|| LineEnd::first_in(text))
        .unwrap_or(LineEnd::Lf);
    let colon = majority_colon(text, syntax);
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut out = Edits {
        text,
        only,
        edits: Vec::new(),
    };
    let mut headings = syntax.papers.iter().peekable();
    let mut labels = syntax.papers.iter().flat_map(|p| &p.sections).peekable();
    // The previous non-blank line: where it starts, where its text ends,
    // and whether it is a heading.
    let mut previous: Option<(usize, usize, bool)> = None;
    let mut blank_since = false;
    for line in Lines::new(text, start) {
        let content = &text[line.start..line.end];
        let trimmed_end = line.start + content.trim_end().len();
        if trimmed_end == line.start {
            blank_since = true;
            continue;
        }
        let heading = next_at(&mut headings, line.start, |p| p.heading.start);
        let section = match heading {
            Some(_) => None,
            None => next_at(&mut labels, line.start, |s| s.label.start),
        };
        let line_ends = match previous {
            None => 0,
            Some((.., after_heading)) => {
                let apart = after_heading || heading.is_some() || section.is_some();
                if apart || blank_since { 2 } else { 1 }
            }
        };
        let (from, first_line) = previous.map_or((start, 0), |(line, end, _)| (end, line));
        let owner = TextRange::new(first_line, line.end);
        out.replace(owner, from, line.start, eol.times(line_ends));
        let owner = TextRange::new(line.start, line.end);
        if let Some(paper) = heading {
            out.replace(
                owner,
                line.start,
                trimmed_end,
                &canonical_heading(text, paper),
            );
        }
        if let Some(section) = section {
            label(&mut out, owner, section, trimmed_end, colon);
        }
        previous = Some((line.start, trimmed_end, heading.is_some()));
        blank_since = false;
    }
    let whole = TextRange::new(previous.map_or(0, |(line, ..)| line), text.len());
    match previous {
        Some((_, end, _)) => out.replace(whole, end, text.len(), eol.as_str()),
        None => out.replace(whole, start, text.len(), ""),
    }
    let mut fixes = typography::fix_all_source(text, syntax, config);
    if let Some(only) = only {
        // A fix lies within a line: it concerns that line.
        fixes.retain(|f| f.range.start <= only.end && only.start <= f.range.end);
    }
    merge(out.edits, fixes)
}

/// Two lists of sorted edits, each apart, as one: edits that touch become
/// one (an insertion before a replacement at the same offset), and an edit
/// that would overlap an earlier one is left out (the layout's and the
/// typography's never do).
fn merge(layout: Vec<TextEdit>, fixes: Vec<TextEdit>) -> Vec<TextEdit> {
    if fixes.is_empty() {
        return layout;
    }
    let mut all = layout;
    all.extend(fixes);
    // Stable: of two insertions at one offset, the layout's comes first.
    all.sort_by_key(|e| (e.range.start, e.range.end));
    let mut out: Vec<TextEdit> = Vec::with_capacity(all.len());
    for edit in all {
        match out.last_mut() {
            Some(last) if edit.range.start < last.range.end => {}
            Some(last) if edit.range.start == last.range.end => {
                last.range.end = edit.range.end;
                last.new_text.push_str(&edit.new_text);
            }
            _ => out.push(edit),
        }
    }
    out
}

/// The analysis's text as one string (borrowed when the rope holds it in
/// one piece).
fn whole_text(analysis: &Analysis) -> Cow<'_, str> {
    analysis.slice(TextRange::new(0, analysis.text.len_bytes()))
}

/// The next item of `items` (sorted by `key`) whose key is `at`, skipping
/// those before it.
fn next_at<'a, T>(
    items: &mut std::iter::Peekable<impl Iterator<Item = &'a T>>,
    at: usize,
    key: impl Fn(&T) -> usize,
) -> Option<&'a T> {
    while items.next_if(|item| key(item) < at).is_some() {}
    items.next_if(|item| key(item) == at)
}

/// The colon the file's section labels use most: `：` when more of them
/// use it than `:`, else `:`.
pub(crate) fn majority_colon(text: &str, syntax: &SourceFile) -> &'static str {
    let (mut ascii, mut full) = (0usize, 0usize);
    for section in syntax.papers.iter().flat_map(|p| &p.sections) {
        match text.get(section.label.end..).and_then(|s| s.chars().next()) {
            Some(':') => ascii += 1,
            Some('：') => full += 1,
            _ => {}
        }
    }
    if full > ascii { "：" } else { ":" }
}

/// `<keyword><N> <title>` for a paper's heading.
fn canonical_heading(text: &str, paper: &Paper) -> String {
    let keyword = paper.keyword.slice(text);
    let digits = paper.number_range.slice(text).trim_start_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let title = paper.title.map(|t| t.slice(text));
    let mut out =
        String::with_capacity(keyword.len() + digits.len() + 1 + title.map_or(0, str::len));
    out.push_str(keyword);
    out.push_str(digits);
    if let Some(title) = title {
        out.push(' ');
        out.push_str(title);
    }
    out
}

/// A label line: the colon becomes `colon`, and the white space after it
/// one space when text follows on the line (none otherwise: then the line
/// ends at the colon and the trailing white space goes with the line end).
fn label(
    out: &mut Edits<'_>,
    owner: TextRange,
    section: &Section,
    trimmed_end: usize,
    colon: &str,
) {
    let at = section.label.end;
    let Some(rest) = out.text.get(at..trimmed_end) else {
        return;
    };
    let Some(written) = rest.chars().next().filter(|c| matches!(c, ':' | '：')) else {
        return;
    };
    let after = &rest[written.len_utf8()..];
    let space = after.len() - after.trim_start().len();
    let new = match (colon, after.is_empty()) {
        (":", true) => ":",
        (":", false) => ": ",
        (_, true) => "：",
        (_, false) => "： ",
    };
    out.replace(owner, at, at + written.len_utf8() + space, new);
}

/// The edits being gathered, in text order.
struct Edits<'t> {
    text: &'t str,
    /// Only the edits that concern these lines (see [`format_range`]).
    only: Option<TextRange>,
    edits: Vec<TextEdit>,
}

impl Edits<'_> {
    /// Replaces `start..end` by `new`: nothing when they are equal, else
    /// one edit trimmed of the characters they share at either end (merged
    /// with the previous edit when the two touch). `owner`: the lines the
    /// edit concerns, from the first one's start to the last one's end.
    fn replace(&mut self, owner: TextRange, start: usize, end: usize, new: &str) {
        if self
            .only
            .is_some_and(|only| owner.start > only.end || only.start > owner.end)
        {
            return;
        }
        let Some(old) = self.text.get(start..end) else {
            return;
        };
        if old == new {
            return;
        }
        let mut prefix: usize = (old.chars().zip(new.chars()))
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        // Never between the `\r` and the `\n` of a CRLF: no LSP position
        // names that place (a client reads it as the line's end).
        if prefix > 0 && self.inside_crlf(start + prefix) {
            prefix -= 1;
        }
        let (old, new) = (&old[prefix..], &new[prefix..]);
        let mut suffix: usize = (old.chars().rev().zip(new.chars().rev()))
            .take_while(|(a, b)| a == b)
            .map(|(a, _)| a.len_utf8())
            .sum();
        if suffix > 0 && self.inside_crlf(end - suffix) {
            suffix -= 1;
        }
        let range = TextRange::new(start + prefix, end - suffix);
        let new = &new[..new.len() - suffix];
        match self.edits.last_mut() {
            Some(last) if last.range.end == range.start => {
                last.range.end = range.end;
                last.new_text.push_str(new);
            }
            _ => self.edits.push(TextEdit {
                range,
                new_text: new.to_string(),
            }),
        }
    }

    /// True when `at` lies between the `\r` and the `\n` of a CRLF.
    fn inside_crlf(&self, at: usize) -> bool {
        let bytes = self.text.as_bytes();
        at > 0 && bytes.get(at - 1) == Some(&b'\r') && bytes.get(at) == Some(&b'\n')
    }
}

/// The lines `range` touches (see [`format_range`]): from the start of the
/// first to the end of the last one's content.
fn touched_lines(text: &str, range: TextRange) -> TextRange {
    let bytes = text.as_bytes();
    let len = text.len();
    // At the LF of a CRLF: inside the line end of the line before.
    let mid_crlf = |at: usize| at > 0 && bytes[at - 1] == b'\r' && bytes.get(at) == Some(&b'\n');
    let line_start = |at: usize| {
        let at = if mid_crlf(at) { at - 1 } else { at };
        memchr::memrchr2(b'\n', b'\r', &bytes[..at]).map_or(0, |i| i + 1)
    };
    let content_end = |at: usize| match mid_crlf(at) {
        true => at - 1,
        false => memchr::memchr2(b'\n', b'\r', &bytes[at..]).map_or(len, |i| at + i),
    };
    let (first, last) = (range.start.min(len), range.end.min(len));
    let start = line_start(first);
    let mut end = last.max(first);
    if range.end > range.start && end > start && line_start(end) == end {
        end -= 1;
    }
    TextRange::new(start, content_end(end).max(start))
}
