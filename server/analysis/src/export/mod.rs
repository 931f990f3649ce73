//! Export: a digest rendered as Markdown, HTML or JSON (spec, "Export").
//! Document in, text out: the CLI (`digest-lsp export`) and the server
//! (`digest.export`, `digest/render`) share these renderers.
//!
//! The HTML contract the editors rely on for previews: each paper is an
//! element with `id="paperN"` and `data-line="L"`, `L` the 0-based line of
//! its heading.
//!
//! # Anchors
//!
//! Every format names a paper by the same anchor ([`Prepared::anchor`]):
//! `paperN` for the first paper numbered `N`, `paperN-2`, `paperN-3`, ...
//! for the later ones (a `duplicate-paper` heading), so that no two papers
//! share an id. A reference to paper `N` goes to the first of them, as go
//! to definition does.
//!
//! # What becomes a link
//!
//! Only a well-formed link whose URL starts with `http://` or `https://`
//! becomes a live link, in every format: a malformed link, a link without a
//! scheme (`github.com/a/b`), and a Markdown link to anything else
//! (`[x](javascript:...)`, a relative path) are kept as the text written.
//! A reference becomes a link when it resolves: `PaperN` and `[[PaperN]]`
//! to `#paperN`, `[[file#PaperN]]` to `file.EXT#paperN` and `[[file]]` to
//! `file.EXT`, `EXT` the format's extension (the name `digest-lsp export`
//! gives the other digest's output: its file name with `.digest`, or the
//! extension it was found with, replaced). A citation `[[@key]]` is its key.
//!
//! # Text
//!
//! Each block (the preamble after the title, a paper's stray text, a
//! section's text) keeps its paragraphs (blank lines) and its line breaks;
//! indentation at the start of a line and white space at its end are
//! dropped. No character of the text is lost.

mod html;
mod json;
mod markdown;

use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;

use crate::bibliography::{self, EntryRef};
use crate::syntax::{Inline, Link, LinkKind, Paper, RefTarget, Reference, Section};
use crate::{Analysis, Config, Diagnostic, Lookup, Resolver, TextRange};

pub use html::html;
pub use json::json;
pub use markdown::markdown;

/// The formats of `digest-lsp export --to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Json,
}

impl Format {
    pub const ALL: [Format; 3] = [Format::Markdown, Format::Html, Format::Json];

    /// The name on the command line and in `digest.export`.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// The extension of an exported file, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Html => "html",
            Format::Json => "json",
        }
    }
}

/// What a renderer reads.
#[derive(Clone, Copy)]
pub struct Export<'a> {
    pub analysis: &'a Analysis,
    pub config: &'a Config,
    /// Other digests (cross-file references) and the bibliography.
    pub resolver: &'a dyn Resolver,
    /// The digest's findings, as `check` gives them (JSON carries them).
    pub diagnostics: &'a [Diagnostic],
    /// The digest's path as shown (`check`'s `path`; JSON carries it), whose
    /// file name is the title of a digest that has none.
    pub name: &'a str,
}

/// `export` in `format`.
pub fn render(format: Format, export: &Export<'_>) -> String {
    render_format(format, export)
}

/// `text` escaped as the HTML export escapes every text and attribute
/// (`& < > " '`): what a link's `href="…"` holds for a given target.
pub fn html_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    html::escape(&mut out, text);
    out
}

fn render_format(format: Format, export: &Export<'_>) -> String {
    match format {
        Format::Markdown => markdown(export),
        Format::Html => html(export),
        Format::Json => json(export),
    }
}

/// What every renderer works out first: the text as one string, the
/// papers' anchors, and (on demand) what the references resolve to.
pub(crate) struct Prepared<'a> {
    pub export: &'a Export<'a>,
    pub text: Cow<'a, str>,
    anchors: Vec<String>,
    /// Per file as written in a wiki reference: the base name of its
    /// export (see the module's doc) and what its look-up gave.
    files: RefCell<HashMap<String, (String, Lookup)>>,
    /// The entry each paper is bound to, worked out on first use.
    entries: std::sync::OnceLock<Vec<Option<EntryRef<'a>>>>,
}

/// Where a resolved reference goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Href {
    /// A paper of this digest, by its anchor.
    Here(String),
    /// Another digest's export (its base name, without extension), at a
    /// paper's anchor or at its top.
    Other {
        base: String,
        anchor: Option<String>,
    },
}

impl Href {
    /// The link's target, with `extension` for other digests.
    pub fn to_url(&self, extension: &str) -> String {
        match self {
            Href::Here(anchor) => format!("#{anchor}"),
            Href::Other { base, anchor } => {
                let mut url = percent_encode_path(base);
                url.push('.');
                url.push_str(extension);
                if let Some(anchor) = anchor {
                    url.push('#');
                    url.push_str(anchor);
                }
                url
            }
        }
    }
}

/// What a block of text is made of, as the renderers see it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event<'t> {
    /// Text within one line (no line break in it).
    Text(&'t str),
    /// The text goes on on the next line.
    LineBreak,
    /// One or more blank lines: a new paragraph.
    ParagraphBreak,
    /// A live link: `text` shown, `url` http(s) and well formed.
    Link { text: &'t str, url: &'t str },
    /// A reference that resolves, shown as `text`.
    Reference { text: &'t str, href: Href },
    /// `[[@key]]`: the key.
    Citation(&'t str),
}

impl<'a> Prepared<'a> {
    pub fn new(export: &'a Export<'a>) -> Self {
        let analysis = export.analysis;
        let text: Cow<'a, str> = analysis.text.slice(..).into();
        let mut seen: HashMap<u64, usize> = HashMap::new();
        let anchors = (analysis.syntax.papers.iter())
            .map(|paper| {
                let count = seen.entry(paper.number).or_default();
                *count += 1;
                match *count {
                    1 => format!("paper{}", paper.number),
                    n => format!("paper{}-{n}", paper.number),
                }
            })
            .collect();
        Self {
            export,
            text,
            anchors,
            files: RefCell::default(),
            entries: std::sync::OnceLock::new(),
        }
    }

    pub fn analysis(&self) -> &'a Analysis {
        self.export.analysis
    }

    /// The text of `range` (empty when it is not in the text).
    pub fn str(&self, range: TextRange) -> &str {
        self.text.get(range.start..range.end).unwrap_or_default()
    }

    /// The anchor of the paper at `index` in `syntax.papers` (see the
    /// module's doc).
    pub fn anchor(&self, index: usize) -> &str {
        self.anchors.get(index).map_or("", String::as_str)
    }

    /// The digest's title, else the file name of [`Export::name`].
    pub fn title(&self) -> &str {
        match self.analysis().syntax.title {
            Some(range) => self.str(range),
            None => file_name(self.export.name),
        }
    }

    /// `Paper3 Title` (keyword as written, the number, the title).
    pub fn heading(&self, paper: &Paper) -> String {
        let keyword = self.str(paper.keyword);
        let Some(title) = paper.title else {
            return format!("{keyword}{}", paper.number);
        };
        // A citation on the heading line is its key, as in the text.
        let mut out = format!("{keyword}{} ", paper.number);
        let mut at = title.start;
        for citation in paper.title_citations() {
            out.push_str(self.str(TextRange::new(at, citation.range.start)));
            match citation.citation() {
                Some(key) if crate::syntax::inline::is_citation_key(key) => out.push_str(key),
                _ => out.push_str(self.str(citation.range)), // no key: as written
            }
            at = citation.range.end;
        }
        out.push_str(self.str(TextRange::new(at, title.end)));
        out
    }

    /// The 0-based line of `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let text = &self.analysis().text;
        text.byte_to_line(offset.min(text.len_bytes()))
    }

    /// The preamble after the title's line (all of it when there is no
    /// title).
    pub fn preamble_rest(&self) -> TextRange {
        let syntax = &self.analysis().syntax;
        match syntax.title {
            Some(title) => TextRange::new(title.end.min(syntax.preamble.end), syntax.preamble.end),
            None => syntax.preamble,
        }
    }

    /// Where `reference` goes when it resolves; `None` when it does not
    /// (or is a citation).
    pub fn href(&self, reference: &Reference) -> Option<Href> {
        let analysis = self.analysis();
        match &reference.target {
            RefTarget::Paper(n) => {
                let index = analysis.index.paper(*n)?;
                Some(Href::Here(self.anchor(index).to_string()))
            }
            RefTarget::FilePaper { file, number } => {
                let (base, found) = self.other(file, Some(*number));
                found.then(|| Href::Other {
                    base,
                    anchor: Some(format!("paper{number}")),
                })
            }
            RefTarget::File(file) => {
                let (base, found) = self.other(file, None);
                found.then_some(Href::Other { base, anchor: None })
            }
            RefTarget::BadAnchor { .. } | RefTarget::Citation(_) => None,
        }
    }

    /// True when `reference` resolves (a citation: when the bibliography
    /// has its key).
    pub fn resolves(&self, reference: &Reference) -> bool {
        match citation_key(&reference.target) {
            Some(key) => self.export.resolver.bibliography().entry(key).is_some(),
            None => self.href(reference).is_some(),
        }
    }

    /// Another digest as `[[file...]]` names it: the base name of its export
    /// and whether it (and paper `number`, when given) exists. Each file is
    /// looked up once per render.
    fn other(&self, file: &str, number: Option<u64>) -> (String, bool) {
        let mut files = self.files.borrow_mut();
        let (base, lookup) = files.entry(file.to_string()).or_insert_with(|| {
            let (tried, lookup) = crate::resolve_file(self.export.resolver, file);
            (strip_extension(&tried).to_string(), lookup)
        });
        let found = match lookup {
            Lookup::Found(other) => number.is_none_or(|n| other.index.paper(n).is_some()),
            Lookup::Missing | Lookup::Unreadable(_) => false,
        };
        (base.clone(), found)
    }

    /// The bibliography entry `paper` (at `index`) is bound to, if any.
    ///
    /// The papers are bound (spec, "Bibliography") to the resolver's
    /// bibliography as the rules bind them, once per render.
    pub fn bound_entry(&self, index: usize) -> Option<EntryRef<'a>> {
        let entries = self.entries.get_or_init(|| {
            let bibliography = self.export.resolver.bibliography();
            bibliography::bindings(self.analysis(), bibliography)
                .into_iter()
                .map(|bound| bound.map(|(entry, _)| entry))
                .collect()
        });
        entries.get(index).copied().flatten()
    }

    /// The colon that ends `section`'s label, as written (`:` or `：`).
    pub fn colon(&self, section: &Section) -> &'static str {
        let after = self.str(TextRange::new(section.label.end, section.range.end));
        match after.chars().next() {
            Some('：') => "：",
            _ => ":",
        }
    }

    /// The events of `range` (as [`Prepared::events`]) written to `out` by
    /// `write`, the pieces of `open` before the first; nothing when the text
    /// is blank. Whether anything was written.
    pub fn write_events(
        &self,
        out: &mut String,
        open: &[&str],
        range: TextRange,
        inline: &Inline,
        write: fn(&mut String, Event<'_>),
    ) -> bool {
        let mut first = true;
        self.events(range, inline, &mut |event| {
            if first {
                open.iter().for_each(|piece| out.push_str(piece));
                first = false;
            }
            write(out, event);
        });
        !first
    }

    /// The events of the text in `range`, with the links and references of
    /// `inline` that lie in it, given to `sink` in order.
    pub fn events<'s>(
        &'s self,
        range: TextRange,
        inline: &Inline,
        sink: &mut dyn FnMut(Event<'s>),
    ) {
        let links = within(&inline.links, range, |l| l.range);
        let references = within(&inline.references, range, |r| r.range);
        let mut lines = Lines {
            sink,
            _text: std::marker::PhantomData,
            breaks: 0,
            started: false,
            line_start: true,
        };
        let (mut l, mut r) = (0, 0);
        let mut at = range.start;
        loop {
            let next_link = links.get(l);
            let next_ref = references.get(r);
            let item = match (next_link, next_ref) {
                (Some(link), Some(reference)) if link.range.start <= reference.range.start => {
                    l += 1;
                    Item::Link(link)
                }
                (Some(link), None) => {
                    l += 1;
                    Item::Link(link)
                }
                (_, Some(reference)) => {
                    r += 1;
                    Item::Reference(reference)
                }
                (None, None) => break,
            };
            let item_range = item.range();
            if item_range.start < at {
                continue; // overlapping: already written as text
            }
            lines.text(self.str(TextRange::new(at, item_range.start)));
            let written = self.str(item_range);
            match item {
                Item::Link(link) => match live_url(self, link) {
                    Some(url) => lines.item(Event::Link {
                        text: link_text(self, link),
                        url,
                    }),
                    None => lines.text(written),
                },
                Item::Reference(reference) => {
                    if citation_key(&reference.target).is_some() {
                        // The key as written in the text (`[[@key]]`), as the
                        // spec asks; a citation whose key is none (`[[@]]`,
                        // `[[@ x]]`) stays as written.
                        let inner = written.get(2..written.len().saturating_sub(2));
                        let key = inner.and_then(|k| k.strip_prefix('@'));
                        match key.filter(|k| crate::syntax::inline::is_citation_key(k)) {
                            Some(key) => lines.item(Event::Citation(key)),
                            None => lines.text(written),
                        }
                    } else if let Some(href) = self.href(reference) {
                        let text = match reference.wiki {
                            true => written
                                .get(2..written.len().saturating_sub(2))
                                .unwrap_or(written)
                                .trim(),
                            false => written,
                        };
                        lines.item(Event::Reference { text, href });
                    } else {
                        lines.text(written);
                    }
                }
            }
            at = item_range.end;
        }
        lines.text(self.str(TextRange::new(at, range.end.max(at))));
    }
}

enum Item<'i> {
    Link(&'i Link),
    Reference(&'i Reference),
}

impl Item<'_> {
    fn range(&self) -> TextRange {
        match self {
            Item::Link(link) => link.range,
            Item::Reference(reference) => reference.range,
        }
    }
}

/// The items of `items` (in text order) that lie in `range`.
fn within<T>(items: &[T], range: TextRange, of: impl Fn(&T) -> TextRange) -> &[T] {
    let first = items.partition_point(|i| of(i).start < range.start);
    let last = items.partition_point(|i| of(i).start < range.end);
    let slice = items.get(first..last.max(first)).unwrap_or_default();
    let keep = slice.partition_point(|i| of(i).end <= range.end);
    // Items are in order and do not overlap, so those that end in the
    // range come first.
    slice.get(..keep).unwrap_or_default()
}

/// The key of a citation `[[@key]]`.
pub(crate) fn citation_key(target: &RefTarget) -> Option<&str> {
    match target {
        RefTarget::Citation(key) => Some(key),
        _ => None,
    }
}

/// The URL of a link that may become a live link: well formed, `http` or
/// `https` (any case). `None` for the others.
fn live_url<'t>(prepared: &'t Prepared<'_>, link: &Link) -> Option<&'t str> {
    if link.problem.is_some() || link.kind == LinkKind::NoScheme {
        return None;
    }
    let url = prepared.str(link.url);
    let scheme = url.get(..8).unwrap_or(url);
    let lower = scheme.to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url)
}

/// What a link shows: the text of `[text](url)`, else its URL.
fn link_text<'t>(prepared: &'t Prepared<'_>, link: &Link) -> &'t str {
    match link.kind {
        LinkKind::Markdown => {
            let written = prepared.str(link.range);
            let inner = written.get(1..).unwrap_or_default();
            inner
                .find("](")
                .and_then(|end| inner.get(..end))
                .unwrap_or(inner)
        }
        _ => prepared.str(link.url),
    }
}

/// Turns text into [`Event`]s: line breaks collapsed into one
/// [`Event::LineBreak`] or [`Event::ParagraphBreak`] between content,
/// indentation and trailing white space dropped.
struct Lines<'s, F: FnMut(Event<'s>)> {
    sink: F,
    _text: std::marker::PhantomData<&'s str>,
    /// Line ends since the last content.
    breaks: usize,
    /// True once content was given.
    started: bool,
    line_start: bool,
}

impl<'s, F: FnMut(Event<'s>)> Lines<'s, F> {
    fn text(&mut self, text: &'s str) {
        let mut rest = text;
        while let Some(i) = rest.find(['\n', '\r']) {
            let end = match rest.get(i..i + 2) {
                Some("\r\n") => i + 2,
                _ => i + 1,
            };
            self.piece(
                rest.get(..i)
                    .unwrap_or_default()
                    .trim_end_matches([' ', '\t']),
            );
            self.breaks += 1;
            self.line_start = true;
            rest = rest.get(end..).unwrap_or_default();
        }
        self.piece(rest);
    }

    fn piece(&mut self, piece: &'s str) {
        let piece = match self.line_start {
            true => piece.trim_start_matches([' ', '\t']),
            false => piece,
        };
        if !piece.is_empty() {
            self.item(Event::Text(piece));
        }
    }

    fn item(&mut self, event: Event<'s>) {
        if self.started && self.breaks > 0 {
            (self.sink)(match self.breaks {
                1 => Event::LineBreak,
                _ => Event::ParagraphBreak,
            });
        }
        self.breaks = 0;
        self.started = true;
        self.line_start = false;
        (self.sink)(event);
    }
}

/// The last component of a path as written (`/` or `\` separated).
fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// `path` without the extension of its last component (`a/b.digest` ->
/// `a/b`; a leading dot is not an extension).
pub(crate) fn strip_extension(path: &str) -> &str {
    let name = file_name(path);
    match name.rfind('.') {
        Some(dot) if dot > 0 => path.get(..path.len() - (name.len() - dot)).unwrap_or(path),
        _ => path,
    }
}

/// A relative path made safe for a link target: characters other than
/// unreserved, `/` and non-ASCII percent-encoded (non-ASCII is kept: IRIs).
fn percent_encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_alphanumeric() || "-._~/".contains(c) || !c.is_ascii() {
            out.push(c);
        } else {
            let mut buf = [0; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
