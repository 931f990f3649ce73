//! Completion: papers after `Paper` and `[[`, digests after `[[`, another
//! digest's papers after `[[file#`, and the missing section labels at the
//! start of a line in a paper.

use std::borrow::Cow;

use super::{Under, under_cursor};
use crate::bibliography::Bibliography;
use crate::workspace::{Paths, paper_excerpt, wiki_name};
use crate::{Analysis, Config, TextRange, WorkspaceFile};

/// Longest text before the cursor that may still become a label, in
/// characters (as the `unknown-label` rule looks at labels).
use crate::syntax::LABEL_LIKE_MAX_CHARS as LABEL_MAX_CHARS;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CompletionKind {
    /// A paper, inserted as `Paper3`.
    Paper,
    /// Another digest, inserted as its path relative to this file's folder.
    Digest,
    /// A section label with its colon.
    Label,
    /// A bibliography entry's key, after `[[@`.
    Citation,
}

/// One completion, with the range it replaces (what was typed of it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompletionItem {
    /// What the list shows (`Paper3`, `other`, `摘要原文:`).
    pub label: String,
    pub kind: CompletionKind,
    /// A paper's title; a digest's title; a label's section kind; an
    /// entry's title and year.
    pub detail: Option<String>,
    /// A paper's summary excerpt (plain text).
    pub documentation: Option<String>,
    /// What the client should match the typed text against, when not the
    /// label (a paper's `Paper3 Title`, so that `[[distil` finds it).
    pub filter: Option<String>,
    /// The text that replaces `range`.
    pub insert: String,
    pub range: TextRange,
}

/// The completions at `offset` of file `current`, in the order to show
/// them: papers in file order, then digests by path; or section labels in
/// configuration order. Empty where nothing fits (on a heading line, in a
/// link, in ordinary text).
///
/// - after `[[` (unclosed before the cursor): this digest's papers and the
///   other digests of the workspace; after `[[file#` (or `[[#`) that
///   digest's papers. `]]` is appended unless it follows the cursor.
/// - after a heading keyword, with or without a space and digits (`Paper`,
///   `Paper 1`), not at the start of a line (that would be a heading): this
///   digest's papers.
/// - at the start of a line in a paper, with at most a word typed: the
///   labels of the sections the paper lacks, each with its colon.
/// - after `[[@` (in a heading line too): the keys of `bibliography`'s
///   entries, in its order, those whose key or title holds what was typed
///   after the `@` (ignoring case; a key or words of a title, Chinese
///   included), with title and year as detail.
pub fn completion(
    files: &[WorkspaceFile<'_>],
    current: usize,
    offset: usize,
    config: &Config,
    bibliography: &Bibliography,
) -> Vec<CompletionItem> {
    let Some(file) = files.get(current) else {
        return Vec::new();
    };
    let analysis = file.analysis;
    let rope = &analysis.text;
    let offset = rope.char_to_byte(rope.byte_to_char(offset.min(rope.len_bytes())));
    let line_start = rope.line_to_byte(rope.byte_to_line(offset));
    let paper = analysis.syntax.paper_index_at(offset);
    let prefix = rope.byte_slice(line_start..offset).to_string();
    if let Some(open) = prefix.rfind("[[@") {
        let typed = &prefix[open + 3..];
        // A key, or words of a title (`[[@知识`, `[[@sparse atten`): the
        // citation is still open until a `]`.
        if !typed.contains(']') {
            // The rest of a key after the cursor is replaced too (`[[@|hin]]`
            // completed is `[[@hinton2015]]`, not `[[@hinton2015]]hin]]`).
            let mut end = offset;
            while rope.get_byte(end).is_some_and(is_key_byte) {
                end += 1;
            }
            let closed = rope.get_byte(end) == Some(b']') && rope.get_byte(end + 1) == Some(b']');
            let range = TextRange::new(line_start + open + 3, end);
            return citations(bibliography, typed, range, closed);
        }
    }
    if paper.is_some_and(|i| analysis.syntax.papers[i].range.start == line_start) {
        return Vec::new(); // a heading line holds no other references, nor labels
    }
    let cx = Context {
        files,
        current,
        offset,
        config,
    };

    if let Some(open) = prefix.rfind("[[") {
        let typed = &prefix[open + 2..];
        if !typed.contains(']') {
            return cx.wiki(line_start + open + 2, typed);
        }
    }
    if let Some((start, keyword)) = keyword_before(&prefix, &config.keywords) {
        if !matches!(under_cursor(analysis, offset), Some(Under::Link(_))) {
            let range = TextRange::new(line_start + start, offset);
            return cx.papers(current, range, Some(keyword), "", false);
        }
        return Vec::new();
    }
    match paper {
        Some(i) if is_label_prefix(&prefix) => cx.labels(i, line_start),
        _ => Vec::new(),
    }
}

/// A byte of a citation key: an ASCII letter, digit or one of `_-:./+`.
fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-:./+".contains(&b)
}

/// The entries whose key or title holds `typed` (ignoring case), as
/// completions replacing `range` (`]]` appended unless `closed`).
fn citations(
    bibliography: &Bibliography,
    typed: &str,
    range: TextRange,
    closed: bool,
) -> Vec<CompletionItem> {
    let typed = typed.trim().to_lowercase();
    let close = if closed { "" } else { "]]" };
    bibliography
        .entries()
        .filter(|found| {
            let entry = found.entry;
            typed.is_empty()
                || entry.key.to_lowercase().contains(&typed)
                || entry.title.to_lowercase().contains(&typed)
        })
        .map(|found| {
            let entry = found.entry;
            let detail = match (entry.title.is_empty(), &entry.year) {
                (false, Some(year)) => Some(format!("{} ({year})", entry.title)),
                (false, None) => Some(entry.title.clone()),
                (true, year) => year.clone(),
            };
            CompletionItem {
                label: entry.key.clone(),
                kind: CompletionKind::Citation,
                detail,
                documentation: None,
                filter: (!entry.title.is_empty()).then(|| format!("{} {}", entry.key, entry.title)),
                insert: format!("{}{close}", entry.key),
                range,
            }
        })
        .collect()
}

struct Context<'a, 'w> {
    files: &'a [WorkspaceFile<'w>],
    current: usize,
    offset: usize,
    config: &'a Config,
}

impl Context<'_, '_> {
    fn analysis(&self) -> &Analysis {
        self.files[self.current].analysis
    }

    /// In `[[typed|`, where `typed` starts at `start`.
    fn wiki(&self, start: usize, typed: &str) -> Vec<CompletionItem> {
        let rope = &self.analysis().text;
        let closed = rope.get_byte(self.offset) == Some(b']')
            && rope.get_byte(self.offset + 1) == Some(b']');
        let close = if closed { "" } else { "]]" };
        if let Some((file, _)) = typed.split_once('#') {
            let range = TextRange::new(start + file.len() + 1, self.offset);
            let file = file.trim();
            let target = match file.is_empty() {
                true => Some(self.current),
                false => Paths::new(self.files).resolve(self.current, file),
            };
            return match target {
                Some(target) => self.papers(target, range, None, close, true),
                None => Vec::new(),
            };
        }
        let range = TextRange::new(start, self.offset);
        let mut items = self.papers(self.current, range, None, close, true);
        let here = self.files[self.current].path;
        let mut digests: Vec<CompletionItem> = self
            .files
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != self.current)
            .filter_map(|(_, other)| {
                let name = wiki_name(here, other.path)?;
                let syntax = &other.analysis.syntax;
                Some(CompletionItem {
                    insert: format!("{name}{close}"),
                    label: name,
                    kind: CompletionKind::Digest,
                    detail: syntax.title.map(|t| other.analysis.slice(t).into_owned()),
                    documentation: Some(match syntax.papers.len() {
                        1 => "1 paper".to_string(),
                        n => format!("{n} papers"),
                    }),
                    filter: None,
                    range,
                })
            })
            .collect();
        digests.sort_by(|a, b| a.label.cmp(&b.label));
        items.extend(digests);
        items
    }

    /// The papers of file `target` (those references can reach: the first
    /// heading of each number), as `{keyword}{number}{close}`: with the
    /// keyword typed, else the heading's own keyword when it is one of this
    /// file's keywords, else this file's first keyword. In a wiki reference
    /// (`close` is then set) the client may match the title too.
    fn papers(
        &self,
        target: usize,
        range: TextRange,
        keyword: Option<&str>,
        close: &str,
        filter_by_title: bool,
    ) -> Vec<CompletionItem> {
        let analysis = self.files[target].analysis;
        let fallback = self.config.keywords.first().map_or("Paper", String::as_str);
        analysis
            .syntax
            .papers
            .iter()
            .enumerate()
            .filter(|&(i, paper)| analysis.index.paper(paper.number) == Some(i))
            .map(|(_, paper)| {
                let written = analysis.slice(paper.keyword);
                let keyword = match keyword {
                    Some(typed) => typed,
                    None if self.config.keywords.iter().any(|k| *k == written) => &written,
                    None => fallback,
                };
                let label = format!("{keyword}{}", paper.number);
                let title = analysis.title_text(paper).map(Cow::into_owned);
                CompletionItem {
                    insert: format!("{label}{close}"),
                    filter: match (&title, filter_by_title) {
                        (Some(title), true) => Some(format!("{label} {title}")),
                        _ => None,
                    },
                    label,
                    kind: CompletionKind::Paper,
                    detail: title,
                    documentation: paper_excerpt(analysis, paper, self.config.preview_chars),
                    range,
                }
            })
            .collect()
    }

    /// The labels of the sections paper `index` lacks, for the line that
    /// starts at `line_start`.
    fn labels(&self, index: usize, line_start: usize) -> Vec<CompletionItem> {
        let paper = &self.analysis().syntax.papers[index];
        if paper.sections.iter().any(|s| s.label.start == line_start) {
            return Vec::new(); // the line already opens a section
        }
        let range = TextRange::new(line_start, self.offset);
        self.config
            .sections
            .iter()
            .filter(|kind| paper.section(&kind.name).is_none())
            .flat_map(|kind| {
                let need = if kind.required {
                    "required"
                } else {
                    "optional"
                };
                kind.labels.iter().map(move |label| CompletionItem {
                    label: format!("{label}:"),
                    kind: CompletionKind::Label,
                    detail: Some(format!("{} section ({need})", kind.name)),
                    documentation: None,
                    filter: None,
                    insert: format!("{label}: "),
                    range,
                })
            })
            .collect()
    }
}

/// Where a heading keyword typed just before the cursor starts in `prefix`
/// (`see Paper`, `see Paper 1`, `与Paper12`), and which keyword it is. Not at
/// the start of the line, and not after an ASCII letter, digit or `_` (the
/// spec's rule for in-file references).
fn keyword_before<'k>(prefix: &str, keywords: &'k [String]) -> Option<(usize, &'k str)> {
    let head = prefix.trim_end_matches(|c: char| c.is_ascii_digit());
    let head = head.strip_suffix(' ').unwrap_or(head);
    let mut best: Option<(usize, &str)> = None;
    for keyword in keywords.iter().filter(|k| !k.is_empty()) {
        let Some(before) = head.strip_suffix(keyword.as_str()) else {
            continue;
        };
        let free = before
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_ascii_alphanumeric() && c != '_');
        if free && best.is_none_or(|(start, _)| before.len() < start) {
            best = Some((before.len(), keyword));
        }
    }
    best
}

/// True when what is typed on the line so far may still become a label:
/// no white space, no colon, at most [`LABEL_MAX_CHARS`] characters.
fn is_label_prefix(prefix: &str) -> bool {
    prefix.chars().count() <= LABEL_MAX_CHARS
        && !prefix.contains(|c: char| c.is_whitespace() || c == ':' || c == '：')
}
