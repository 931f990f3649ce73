//! `check` on a terminal: each finding's source line, with its range
//! underlined as compilers show it, drawn by `annotate-snippets` (what
//! rustc and cargo use): long lines are windowed around the range, wide
//! (CJK) characters take two columns, tabs and control characters are made
//! visible, and colour is optional.

use annotate_snippets::renderer::{
    DEFAULT_ERROR_STYLE, DEFAULT_HELP_STYLE, DEFAULT_INFO_STYLE, DEFAULT_WARNING_STYLE, Style,
};
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use digest_analysis::{LineIndex, Severity, TextRange};

/// The width long lines are windowed to when `COLUMNS` does not say.
pub const DEFAULT_WIDTH: usize = 100;

/// How excerpts are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Excerpts {
    pub colour: bool,
    /// The terminal's width, in columns.
    pub width: usize,
}

impl Excerpts {
    /// Excerpts for a terminal: in colour unless `NO_COLOR` is set to a
    /// non-empty value, as wide as `COLUMNS` says (else [`DEFAULT_WIDTH`]).
    pub fn for_terminal() -> Self {
        let colour = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let width = std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.trim().parse::<usize>().ok())
            .filter(|&w| w >= 20)
            .unwrap_or(DEFAULT_WIDTH);
        Self { colour, width }
    }

    /// `severity[code]` as the finding's line shows it (bold and in the
    /// severity's colour when in colour).
    pub fn severity(&self, severity: Severity, code: &str) -> String {
        let plain = format!("{}[{code}]", severity.as_str());
        if !self.colour {
            return plain;
        }
        let style = style(severity);
        format!("{}{plain}{}", style.render(), style.render_reset())
    }

    /// The lines of `text` that `range` covers, with the range underlined;
    /// no trailing newline. Line numbers are 1-based, as in the finding's
    /// line above it.
    pub fn excerpt(
        &self,
        text: &str,
        index: &LineIndex,
        range: TextRange,
        severity: Severity,
    ) -> String {
        let (source, span, first_line) = lines_of(text, index, range);
        let report = &[Group::with_level(level(severity)).element(
            Snippet::source(source)
                .line_start(first_line + 1)
                .annotation(AnnotationKind::Primary.span(span)),
        )];
        let renderer = match self.colour {
            true => Renderer::styled(),
            false => Renderer::plain(),
        };
        renderer.term_width(self.width).render(report)
    }
}

fn level(severity: Severity) -> Level<'static> {
    match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Info => Level::INFO,
        Severity::Hint => Level::HELP,
    }
}

fn style(severity: Severity) -> Style {
    match severity {
        Severity::Error => DEFAULT_ERROR_STYLE,
        Severity::Warning => DEFAULT_WARNING_STYLE,
        Severity::Info => DEFAULT_INFO_STYLE,
        Severity::Hint => DEFAULT_HELP_STYLE,
    }
    .bold()
}

/// The lines `range` touches, their breaks (LF, CRLF or a lone CR) made
/// `\n` and a leading BOM left out, with the range moved into that text;
/// and the 0-based number of the first line.
fn lines_of(
    text: &str,
    index: &LineIndex,
    range: TextRange,
) -> (String, std::ops::Range<usize>, usize) {
    let start = range.start.min(text.len());
    let end = range.end.clamp(start, text.len());
    let (first, last) = (index.line(start), index.line(end));
    let mut source = String::new();
    let (mut from, mut to) = (0, 0);
    for line in first..=last {
        let mut begin = index.line_start(line).min(text.len());
        if begin == 0 && text.starts_with('\u{feff}') {
            begin = '\u{feff}'.len_utf8();
        }
        let next = index.line_start(line + 1).min(text.len());
        let content = text.get(begin..next).unwrap_or("");
        let content = content.trim_end_matches(['\n', '\r']);
        let here = |offset: usize| {
            let within = offset.saturating_sub(begin).min(content.len());
            source.len() + floor_boundary(content, within)
        };
        if line == first {
            from = here(start);
        }
        if line == last {
            to = here(end);
        }
        source.push_str(content);
        if line != last {
            source.push('\n');
        }
    }
    (source, from..to.max(from), first)
}

fn floor_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str, start: usize, end: usize) -> String {
        let excerpts = Excerpts {
            colour: false,
            width: 60,
        };
        let index = LineIndex::new(text);
        excerpts.excerpt(text, &index, TextRange::new(start, end), Severity::Hint)
    }

    #[test]
    fn the_range_is_underlined_under_its_line() {
        let text = "Paper1 A\nAbstract: see www.example.org now\nSummary: b\n";
        let start = text.find("www").expect("needle");
        assert_eq!(
            plain(text, start, start + 15),
            "  |\n\
             2 | Abstract: see www.example.org now\n  \
               |               ^^^^^^^^^^^^^^^"
        );
    }

    #[test]
    fn cjk_is_two_columns_wide_and_lone_cr_and_bom_are_handled() {
        let text = "\u{feff}摘要原文：見 www.example.org 吧\r第二行\r\n";
        let start = text.find("www").expect("needle");
        assert_eq!(
            plain(text, start, start + 15),
            "  |\n\
             1 | 摘要原文：見 www.example.org 吧\n  \
               |              ^^^^^^^^^^^^^^^"
        );
    }

    #[test]
    fn an_empty_range_at_the_end_of_a_line_is_one_caret() {
        let text = "Paper2 B\r\nnext\n";
        assert_eq!(plain(text, 8, 8), "  |\n1 | Paper2 B\n  |         ^");
    }

    #[test]
    fn a_long_line_is_windowed_around_the_range() {
        let text = format!(
            "{}www.example.org{}\n",
            "蒸馏".repeat(500),
            "模型".repeat(500)
        );
        let start = text.find("www").expect("needle");
        let out = plain(&text, start, start + 15);
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 3, "{out}");
        assert!(lines.iter().all(|l| l.chars().count() <= 60), "{out}");
        assert!(lines[1].contains("www.example.org"), "{out}");
        let caret = lines[2].find('^').expect("an underline");
        let column = unicode_columns(&lines[1][..lines[1].find("www").expect("shown")]);
        assert_eq!(caret, column, "{out}");
    }

    /// Columns a string takes on a terminal (CJK two, ASCII one).
    fn unicode_columns(s: &str) -> usize {
        s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
    }

    #[test]
    fn colour_uses_escapes_and_the_severity_is_styled() {
        let excerpts = Excerpts {
            colour: true,
            width: 80,
        };
        let text = "Paper1 A\n";
        let out = excerpts.excerpt(
            text,
            &LineIndex::new(text),
            TextRange::new(0, 6),
            Severity::Error,
        );
        assert!(out.contains("\u{1b}["), "{out:?}");
        assert_eq!(
            excerpts.severity(Severity::Error, "numbering"),
            "\u{1b}[1m\u{1b}[91merror[numbering]\u{1b}[0m"
        );
        let plain = Excerpts {
            colour: false,
            width: 80,
        };
        assert_eq!(plain.severity(Severity::Hint, "x"), "hint[x]");
    }
}
