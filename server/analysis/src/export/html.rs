//! The HTML export: one self-contained page (inline CSS, system fonts, no
//! script and no resource fetched), a table of contents, the papers as
//! `<article class="paper" id="paperN" data-line="L">` (see the module's
//! contract), a light and a dark scheme, and print styles.
//!
//! Every text and attribute value goes through [`escape`], which replaces
//! the five characters that matter in HTML text and quoted attributes
//! (`&` `<` `>` `"` `'`): one small function, tested with hostile input,
//! where a templating crate would add a dependency (and a macro language)
//! for one page layout.

use super::{Event, Export, Prepared};
use crate::TextRange;
use crate::syntax::{Inline, Paper};

/// The page's style: CJK-friendly system fonts, light and dark schemes,
/// print rules (no table of contents, no page break inside a paper).
const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1f2328;--bg:#ffffff;--muted:#59636e;--rule:#d1d9e0;\
--link:#0969da;--label:#6639ba;--panel:#f6f8fa}\
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;\
--rule:#3d444d;--link:#4493f8;--label:#d2a8ff;--panel:#151b23}}\
*{box-sizing:border-box}\
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}\
body{margin:0 auto;max-width:52rem;padding:2rem 1.25rem 4rem;color:var(--fg);background:var(--bg);\
font-family:-apple-system,BlinkMacSystemFont,\"Segoe UI\",\"PingFang SC\",\"Hiragino Sans GB\",\
\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"Microsoft YaHei\",\"WenQuanYi Micro Hei\",sans-serif;\
font-size:16px;line-height:1.8;overflow-wrap:anywhere;word-break:normal;line-break:strict}\
h1{font-size:1.8rem;line-height:1.4;margin:0 0 1rem}\
h2{font-size:1.3rem;line-height:1.5;margin:0 0 .75rem}\
p{margin:.5rem 0}\
a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}\
nav.toc{background:var(--panel);border:1px solid var(--rule);border-radius:6px;padding:.75rem 1.25rem;margin:1.5rem 0}\
nav.toc h2{font-size:1rem;margin:0 0 .25rem;color:var(--muted)}\
nav.toc ol{margin:0;padding-left:1.5rem;line-height:1.6}\
article.paper{border-top:1px solid var(--rule);padding:1.5rem 0 .5rem}\
.label{color:var(--label);font-weight:600}\
.stray{color:var(--muted)}\
.preamble{color:var(--muted)}\
@media print{nav.toc{display:none}body{max-width:none;padding:0;font-size:11pt}\
article.paper{break-inside:avoid;page-break-inside:avoid}h2{break-after:avoid;page-break-after:avoid}\
a{color:inherit}}";

/// The language of the page, for the browser's fonts, line breaking and
/// screen readers: `ja` when the text has kana, else `ko` with hangul,
/// else `zh` with Chinese characters (the digests this tool is for; one
/// mixing English into Chinese is `zh`), else `en`. The first 64 KiB
/// decide: a 10 MB digest is not read through for it.
fn language(text: &str) -> &'static str {
    const LOOK: usize = 64 * 1024;
    let mut end = text.len().min(LOOK);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let (mut hangul, mut han) = (false, false);
    for c in text[..end].chars() {
        match c {
            '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' => return "ja",
            '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => {
                hangul = true;
            }
            '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{20000}'..='\u{2FA1F}' => {
                han = true;
            }
            _ => {}
        }
    }
    match (hangul, han) {
        (true, _) => "ko",
        (false, true) => "zh",
        (false, false) => "en",
    }
}

/// One self-contained page.
pub fn html(export: &Export<'_>) -> String {
    let prepared = Prepared::new(export);
    let analysis = prepared.analysis();
    let papers = &analysis.syntax.papers;
    let title = prepared.title();
    let mut out = String::with_capacity(prepared.text.len() * 5 / 4 + 4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"");
    out.push_str(language(&prepared.text));
    out.push_str(
        "\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n<title>",
    );
    escape(&mut out, title);
    out.push_str("</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<header>\n<h1>");
    escape(&mut out, title);
    out.push_str("</h1>\n");
    block(
        &mut out,
        &prepared,
        "preamble",
        prepared.preamble_rest(),
        &analysis.syntax.preamble_inline,
    );
    out.push_str("</header>\n");
    if !papers.is_empty() {
        out.push_str("<nav class=\"toc\" aria-label=\"Contents\">\n<h2>Contents</h2>\n<ol>\n");
        for (index, paper) in papers.iter().enumerate() {
            out.push_str("<li><a href=\"#");
            escape(&mut out, prepared.anchor(index));
            out.push_str("\">");
            escape(&mut out, &prepared.heading(paper));
            out.push_str("</a></li>\n");
        }
        out.push_str("</ol>\n</nav>\n");
    }
    out.push_str("<main>\n");
    for (index, paper) in papers.iter().enumerate() {
        paper_html(&mut out, &prepared, index, paper);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn paper_html(out: &mut String, prepared: &Prepared<'_>, index: usize, paper: &Paper) {
    out.push_str("<article class=\"paper\" id=\"");
    escape(out, prepared.anchor(index));
    out.push_str("\" data-line=\"");
    out.push_str(&prepared.line_of(paper.heading.start).to_string());
    out.push_str("\">\n<h2>");
    escape(out, &prepared.heading(paper));
    out.push_str("</h2>\n");
    if let Some(stray) = paper.stray {
        block(out, prepared, "stray", stray, &paper.inline);
    }
    for section in &paper.sections {
        out.push_str("<section class=\"section\" data-kind=\"");
        escape(out, &section.kind);
        out.push_str("\">\n<p><span class=\"label\">");
        escape(out, prepared.str(section.label));
        out.push_str(prepared.colon(section));
        out.push_str("</span>");
        prepared.write_events(out, &[" "], section.text, &paper.inline, write_event);
        out.push_str("</p>\n</section>\n");
    }
    out.push_str("</article>\n");
}

/// A block of text as `<div class="CLASS">` of paragraphs (nothing when it
/// is blank).
fn block(
    out: &mut String,
    prepared: &Prepared<'_>,
    class: &str,
    range: TextRange,
    inline: &Inline,
) {
    let open = ["<div class=\"", class, "\">\n<p>"];
    if prepared.write_events(out, &open, range, inline, write_event) {
        out.push_str("</p>\n</div>\n");
    }
}

fn write_event(out: &mut String, event: Event<'_>) {
    match event {
        Event::Text(text) | Event::Citation(text) => escape(out, text),
        Event::LineBreak => out.push_str("<br>\n"),
        Event::ParagraphBreak => out.push_str("</p>\n<p>"),
        Event::Link { text, url } => {
            out.push_str("<a href=\"");
            escape(out, url);
            out.push_str("\" rel=\"noopener noreferrer\">");
            escape(out, text);
            out.push_str("</a>");
        }
        Event::Reference { text, href } => {
            out.push_str("<a href=\"");
            escape(out, &href.to_url("html"));
            out.push_str("\">");
            escape(out, text);
            out.push_str("</a>");
        }
    }
}

/// `text` escaped for HTML text and quoted attribute values.
pub(crate) fn escape(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let with = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(text.get(last..i).unwrap_or_default());
        out.push_str(with);
        last = i + 1;
    }
    out.push_str(text.get(last..).unwrap_or_default());
}

#[cfg(test)]
mod language_tests {
    use super::language;

    #[test]
    fn the_page_language_follows_the_script() {
        assert_eq!(language("Paper1 Sparse\nAbstract: only English"), "en");
        assert_eq!(language("Paper1 Sparse\n中文总结: 稀疏教师"), "zh");
        assert_eq!(language("Paper1 知識蒸留の論文"), "ja");
        assert_eq!(language("Paper1 지식 증류 漢字"), "ko");
        assert_eq!(language(""), "en");
    }
}
