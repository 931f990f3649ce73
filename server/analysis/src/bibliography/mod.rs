//! The author's bibliography as plain data: BibTeX/BibLaTeX and CSL-JSON
//! read into [`Entry`]s, and papers bound to them (spec, "Bibliography").
//!
//! Text comes in, plain data comes out: the caller reads the files. A broken
//! entry is a [`BibError`] with its position; the other entries are kept.

mod bibtex;
mod bind;
mod csl;
mod latex;

pub use bibtex::parse_bibtex;
pub use bind::{
    BindBy, Binding, PaperFacts, bind, extract_arxiv_ids, extract_citation_keys, extract_dois,
    normalise_arxiv, normalise_doi, normalise_title,
};
pub use csl::parse_csl_json;
pub use latex::decode_latex;

use std::collections::HashMap;

use crate::Analysis;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One entry of a bibliography file, its text decoded for display.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// The citation key (`@article{key, ...`, CSL-JSON `id`).
    pub key: String,
    /// The title, LaTeX accents and braces decoded; empty when there is none.
    pub title: String,
    /// "First Last" ("张三" for CJK names: [`display_name`]), in the
    /// entry's order.
    pub authors: Vec<String>,
    /// The journal, or else the booktitle (CSL-JSON `container-title`).
    pub venue: Option<String>,
    pub year: Option<String>,
    /// As written (without a `https://doi.org/` prefix).
    pub doi: Option<String>,
    /// The arXiv identifier without its version (`2308.12345`).
    pub arxiv: Option<String>,
    pub url: Option<String>,
    /// The bytes of the entry in its file.
    pub range: Range<usize>,
    /// The bytes of its key in its file (the entry's start when the key is
    /// not written as is, as a CSL-JSON `id` with escapes).
    pub key_range: Range<usize>,
    /// The 1-based line and column (in characters) of `key_range`'s start.
    pub key_at: (usize, usize),
    /// The 1-based line the entry starts on.
    pub line: usize,
    /// The 1-based column (in characters) the entry starts at.
    pub column: usize,
}

/// Where `key` is in `range` of the text `lines` is of, searched from
/// `from` bytes into the range on (after the `{`, the `"id"`).
pub(crate) fn key_in(lines: &Lines, range: &Range<usize>, from: usize, key: &str) -> Range<usize> {
    let found = (lines.text.get(range.start + from..range.end))
        .and_then(|src| src.find(key))
        .filter(|_| !key.is_empty());
    match found {
        Some(i) => {
            let at = range.start + from + i;
            at..at + key.len()
        }
        None => range.start..range.start,
    }
}

/// A person's name for display, the one way for every format: "Given
/// prefix Family suffix", its empty parts left out; but family name first
/// and no space ("张三") when the given and family names are both CJK,
/// as such names are written.
pub fn display_name(given: &str, prefix: &str, family: &str, suffix: &str) -> String {
    let (given, prefix, family, suffix) =
        (given.trim(), prefix.trim(), family.trim(), suffix.trim());
    if prefix.is_empty() && suffix.is_empty() && is_cjk(given) && is_cjk(family) {
        return format!("{family}{given}");
    }
    [given, prefix, family, suffix]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `text` is not empty and all CJK: Han (with its compatibility and
/// extension blocks), kana, Hangul, and the iteration mark `々`.
fn is_cjk(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            matches!(c as u32,
                0x3005 | 0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
                | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x3134F)
        })
}

/// A part of a bibliography file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BibError {
    /// The bytes of the error in the file.
    pub range: Range<usize>,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

impl BibError {
    pub(crate) fn at(text: &str, range: Range<usize>, message: String) -> Self {
        Self::with_lines(&Lines::new(text), range, message)
    }

    /// [`BibError::at`] with the text's lines already found.
    pub(crate) fn with_lines(lines: &Lines, range: Range<usize>, message: String) -> Self {
        let (line, column) = lines.line_col(range.start);
        Self {
            range,
            line,
            column,
            message,
        }
    }
}

/// The line starts of a text, for positions without a scan from the start
/// each time (10,000 entries would make that quadratic).
pub(crate) struct Lines<'a> {
    text: &'a str,
    /// The byte offset after each `\n`.
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let starts = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|i| i + 1)
            .collect();
        Self { text, starts }
    }

    /// The 1-based line of byte `offset`.
    pub(crate) fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset) + 1
    }

    /// The 1-based line and column (in characters) of byte `offset`.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line(offset);
        let line_start = if line == 1 { 0 } else { self.starts[line - 2] };
        (line, self.text[line_start..offset].chars().count() + 1)
    }
}

/// One bibliography file, read.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BibFile {
    /// Where the file lives (absolute, as the caller knows it).
    pub path: PathBuf,
    pub entries: Vec<Entry>,
    pub errors: Vec<BibError>,
}

impl BibFile {
    /// Reads `text` as CSL-JSON when `path` ends in `.json`, else as
    /// BibTeX/BibLaTeX.
    pub fn read(path: &Path, text: &str) -> Self {
        let json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        let (entries, errors) = if json {
            parse_csl_json(text)
        } else {
            parse_bibtex(text)
        };
        let mut file = Self {
            path: path.to_path_buf(),
            entries,
            errors,
        };
        file.duplicate_keys();
        file
    }

    /// An error on each entry whose key an earlier entry of the file has
    /// (the first one counts).
    fn duplicate_keys(&mut self) {
        let mut first: HashMap<&str, usize> = HashMap::with_capacity(self.entries.len());
        let mut found = Vec::new();
        for entry in &self.entries {
            match first.get(entry.key.as_str()) {
                Some(&line) => found.push(duplicate(entry, format!("the entry at line {line}"))),
                None => {
                    first.insert(&entry.key, entry.line);
                }
            }
        }
        if !found.is_empty() {
            self.errors.extend(found);
            self.errors.sort_by_key(|e| e.range.start);
        }
    }
}

/// The error of `entry`, whose key `used` (an earlier entry) has too.
fn duplicate(entry: &Entry, used: String) -> BibError {
    BibError {
        range: entry.key_range.clone(),
        line: entry.key_at.0,
        column: entry.key_at.1,
        message: format!("duplicate key `{}`: {used} is used", entry.key),
    }
}

/// A digest's whole bibliography: every entry of its files, in file order,
/// looked up by key, DOI, arXiv identifier and normalised title (built
/// once, so that binding a paper is a few hash look-ups). Where two entries
/// share a key (or DOI, ...), the first counts.
#[derive(Clone, Debug, Default)]
pub struct Bibliography {
    pub files: Vec<BibFile>,
    by_key: HashMap<String, (usize, usize)>,
    by_doi: HashMap<String, (usize, usize)>,
    by_arxiv: HashMap<String, (usize, usize)>,
    by_title: HashMap<String, (usize, usize)>,
    /// Per file, per entry: the title normalised ([`normalise_title`]).
    titles: Vec<Vec<String>>,
    /// See [`Bibliography::generation`].
    generation: u64,
}

/// An entry together with the file it is in.
#[derive(Clone, Copy, Debug)]
pub struct EntryRef<'a> {
    pub file: &'a BibFile,
    pub entry: &'a Entry,
    /// The entry's title normalised ([`normalise_title`]), as binding
    /// compares it.
    pub title: &'a str,
}

impl Bibliography {
    /// The bibliography of `files`, in their order. An entry whose key an
    /// entry of an earlier file has is an error of its file (the first
    /// counts; a file's own repeated keys are its reader's errors).
    pub fn new(mut files: Vec<BibFile>) -> Self {
        if files.len() > 1 {
            duplicate_keys_across(&mut files);
        }
        let mut bib = Self {
            files: Vec::new(),
            by_key: HashMap::new(),
            by_doi: HashMap::new(),
            by_arxiv: HashMap::new(),
            by_title: HashMap::new(),
            titles: Vec::with_capacity(files.len()),
            generation: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
        };
        for (f, file) in files.iter().enumerate() {
            let mut titles = Vec::with_capacity(file.entries.len());
            for (e, entry) in file.entries.iter().enumerate() {
                let at = (f, e);
                bib.by_key.entry(entry.key.clone()).or_insert(at);
                if let Some(doi) = &entry.doi {
                    bib.by_doi.entry(normalise_doi(doi)).or_insert(at);
                }
                if let Some(id) = entry.arxiv.as_deref().and_then(normalise_arxiv) {
                    bib.by_arxiv.entry(id).or_insert(at);
                }
                let title = normalise_title(&entry.title);
                if !title.is_empty() {
                    bib.by_title.entry(title.clone()).or_insert(at);
                }
                titles.push(title);
            }
            bib.titles.push(titles);
        }
        bib.files = files;
        bib
    }

    /// The empty bibliography of a digest that has none.
    pub fn empty() -> &'static Bibliography {
        static EMPTY: std::sync::OnceLock<Bibliography> = std::sync::OnceLock::new();
        EMPTY.get_or_init(Bibliography::default)
    }

    /// Which bibliography this is: each [`Bibliography::new`] hands out a
    /// number never handed out before in this process (a clone keeps it;
    /// the empty default is 0). Two with the same number bind papers the
    /// same way, so what was derived from one holds for the other (the
    /// rules keep each paper's findings by it).
    pub fn generation(&self) -> u64 {
        self.generation
    }

    pub fn is_empty(&self) -> bool {
        self.files.iter().all(|f| f.entries.is_empty())
    }

    /// The entry with `key`.
    pub fn entry(&self, key: &str) -> Option<EntryRef<'_>> {
        self.at(self.by_key.get(key))
    }

    fn at(&self, at: Option<&(usize, usize)>) -> Option<EntryRef<'_>> {
        let &(f, e) = at?;
        let file = self.files.get(f)?;
        Some(EntryRef {
            file,
            entry: file.entries.get(e)?,
            title: self.titles.get(f)?.get(e)?,
        })
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> impl Iterator<Item = EntryRef<'_>> {
        self.files
            .iter()
            .zip(&self.titles)
            .flat_map(|(file, titles)| {
                (file.entries.iter().zip(titles)).map(move |(entry, title)| EntryRef {
                    file,
                    entry,
                    title,
                })
            })
    }

    /// The entry a paper is bound to, and how (spec, "Bibliography"):
    /// a citation key, then a DOI or arXiv identifier, then the title.
    /// `facts` may spell its DOIs, identifiers and title any way.
    pub fn bind(&self, facts: &PaperFacts) -> Option<(EntryRef<'_>, BindBy)> {
        self.bind_normalised(&PaperFacts {
            keys: facts.keys.clone(),
            dois: facts.dois.iter().map(|d| normalise_doi(d)).collect(),
            arxiv: facts
                .arxiv
                .iter()
                .filter_map(|a| normalise_arxiv(a))
                .collect(),
            title: normalise_title(&facts.title),
        })
    }

    /// [`Bibliography::bind`] for facts already normalised (as
    /// [`Analysis::paper_facts`] keeps them).
    pub(crate) fn bind_normalised(&self, facts: &PaperFacts) -> Option<(EntryRef<'_>, BindBy)> {
        let found = |at, by| self.at(Some(at)).map(|e| (e, by));
        if let Some(at) = facts.keys.iter().find_map(|k| self.by_key.get(k)) {
            return found(at, BindBy::Key);
        }
        if let Some(at) = facts.dois.iter().find_map(|d| self.by_doi.get(d)) {
            return found(at, BindBy::Doi);
        }
        if let Some(at) = facts.arxiv.iter().find_map(|a| self.by_arxiv.get(a)) {
            return found(at, BindBy::Arxiv);
        }
        if facts.title.is_empty() {
            return None;
        }
        found(self.by_title.get(&facts.title)?, BindBy::Title)
    }
}

/// An error on each entry whose key an entry of an earlier file has.
fn duplicate_keys_across(files: &mut [BibFile]) {
    let mut first: HashMap<String, (usize, usize)> = HashMap::new();
    for f in 0..files.len() {
        let mut found = Vec::new();
        for entry in &files[f].entries {
            match first.get(entry.key.as_str()) {
                Some(&(g, line)) if g != f => {
                    let name = files[g].path.file_name().map_or_else(
                        || files[g].path.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    );
                    found.push(duplicate(
                        entry,
                        format!("the entry at line {line} of `{name}`"),
                    ));
                }
                Some(_) => {}
                None => {
                    first.insert(entry.key.clone(), (f, entry.line));
                }
            }
        }
        if !found.is_empty() {
            let errors = &mut files[f].errors;
            errors.extend(found);
            errors.sort_by_key(|e| e.range.start);
        }
    }
}

/// The entry each paper of `analysis` is bound to, and how, in the order of
/// its papers. Each paper's facts are derived once per paper (they survive
/// edits to other papers), so this is a few hash look-ups per paper.
pub fn bindings<'b>(
    analysis: &Analysis,
    bibliography: &'b Bibliography,
) -> Vec<Option<(EntryRef<'b>, BindBy)>> {
    if bibliography.is_empty() {
        return vec![None; analysis.syntax.papers.len()];
    }
    (0..analysis.syntax.papers.len())
        .map(|i| binding(analysis, i, bibliography))
        .collect()
}

/// The entry paper `index` of `analysis` is bound to, and how.
pub fn binding<'b>(
    analysis: &Analysis,
    index: usize,
    bibliography: &'b Bibliography,
) -> Option<(EntryRef<'b>, BindBy)> {
    if bibliography.is_empty() {
        return None;
    }
    bibliography.bind_normalised(analysis.paper_facts(index)?)
}

/// What binding reads of paper `index`, normalised: its citation keys (in
/// its heading line and `cite` sections), the DOIs and arXiv identifiers
/// of its text, and its title without its citations.
pub(crate) fn facts_of(analysis: &Analysis, index: usize) -> PaperFacts {
    let Some(paper) = analysis.syntax.papers.get(index) else {
        return PaperFacts::default();
    };
    let cite: Vec<_> = paper
        .sections
        .iter()
        .filter(|s| &*s.kind == "cite")
        .map(|s| s.range)
        .collect();
    let keys = paper
        .inline
        .references
        .iter()
        .filter(|r| {
            paper.heading.contains_range(r.range) || cite.iter().any(|c| c.contains_range(r.range))
        })
        .filter_map(|r| r.citation().map(str::to_string))
        .collect();
    let text = analysis.slice(paper.range);
    let mut dois: Vec<String> = extract_dois(&text)
        .into_iter()
        .map(|(_, d)| normalise_doi(&d))
        .collect();
    dois.dedup();
    let mut arxiv: Vec<String> = extract_arxiv_ids(&text)
        .into_iter()
        .filter_map(|(_, a)| normalise_arxiv(&a))
        .collect();
    arxiv.dedup();
    let plain: String = (paper.title_pieces().into_iter())
        .map(|piece| analysis.slice(piece))
        .collect();
    let title = normalise_title(&plain);
    PaperFacts {
        keys,
        dois,
        arxiv,
        title,
    }
}
