//! The Markdown export (CommonMark): `# title`, then per paper an anchor
//! `<a id="paperN"></a>` and `## PaperN Title`, its stray text, and each
//! section as its label in bold then its text.
//!
//! Text is escaped so that none of it becomes markup or is lost: the
//! characters that can open markup anywhere (`\` `` ` `` `*` `_` `[` `]`
//! `<` `>` `#` `|` `~` `&`) always, and at a line's start those that open
//! a block (`-` `+` `=`, and the `.` or `)` after leading digits).

use super::{Event, Export, Prepared};
use crate::TextRange;
use crate::syntax::{Inline, Paper};

/// CommonMark.
pub fn markdown(export: &Export<'_>) -> String {
    let prepared = Prepared::new(export);
    let analysis = prepared.analysis();
    let mut out = String::with_capacity(prepared.text.len() + prepared.text.len() / 8);
    out.push_str("# ");
    escape(&mut out, prepared.title(), false);
    out.push('\n');
    block(
        &mut out,
        &prepared,
        prepared.preamble_rest(),
        &analysis.syntax.preamble_inline,
    );
    for (index, paper) in analysis.syntax.papers.iter().enumerate() {
        paper_md(&mut out, &prepared, index, paper);
    }
    out
}

fn paper_md(out: &mut String, prepared: &Prepared<'_>, index: usize, paper: &Paper) {
    out.push_str("\n<a id=\"");
    out.push_str(prepared.anchor(index));
    out.push_str("\"></a>\n\n## ");
    escape(out, &prepared.heading(paper), false);
    out.push('\n');
    if let Some(stray) = paper.stray {
        block(out, prepared, stray, &paper.inline);
    }
    for section in &paper.sections {
        out.push_str("\n**");
        escape(out, prepared.str(section.label), false);
        out.push_str(prepared.colon(section));
        out.push_str("**");
        prepared.write_events(out, &[" "], section.text, &paper.inline, write_event);
        out.push('\n');
    }
}

/// A block of text as its own paragraphs (nothing when it is blank).
fn block(out: &mut String, prepared: &Prepared<'_>, range: TextRange, inline: &Inline) {
    if prepared.write_events(out, &["\n"], range, inline, write_event) {
        out.push('\n');
    }
}

fn write_event(out: &mut String, event: Event<'_>) {
    match event {
        Event::Text(text) => {
            let line_start = out.ends_with('\n');
            escape(out, text, line_start);
        }
        // A hard break (CommonMark's backslash at the line's end): a
        // line break of the digest stays one, as in the HTML's `<br>`.
        Event::LineBreak => out.push_str("\\\n"),
        Event::ParagraphBreak => out.push_str("\n\n"),
        Event::Link { text, url } => {
            out.push('[');
            escape(out, text, false);
            out.push_str("](");
            destination(out, url);
            out.push(')');
        }
        Event::Reference { text, href } => {
            out.push('[');
            escape(out, text, false);
            out.push_str("](");
            destination(out, &href.to_url("md"));
            out.push(')');
        }
        Event::Citation(key) => {
            let line_start = out.ends_with('\n');
            escape(out, key, line_start);
        }
    }
}

/// `text` with every character that could be read as markup escaped (see
/// the module's doc); `line_start`: `text` starts a line.
pub(crate) fn escape(out: &mut String, text: &str, line_start: bool) {
    let mut digits_at_start = line_start;
    for (i, c) in text.char_indices() {
        let escaped = match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '~' | '&' => true,
            '-' | '+' | '=' => line_start && i == 0,
            '.' | ')' => digits_at_start && i > 0,
            _ => false,
        };
        if escaped {
            out.push('\\');
        }
        digits_at_start = digits_at_start && c.is_ascii_digit();
        out.push(c);
    }
}

/// A link destination in angle brackets: `<`, `>`, white space and
/// control characters percent-encoded, `\` and `&` backslash-escaped (so
/// that no escape or entity in the URL is decoded).
fn destination(out: &mut String, url: &str) {
    out.push('<');
    for c in url.chars() {
        match c {
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            '\\' | '&' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_whitespace() || c.is_control() => {
                let mut buf = [0; 4];
                for b in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{b:02X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('>');
}
