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
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One entry of a bibliography file, its text decoded for display.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entry {
    /// The citation key (`@article{key, ...`, CSL-JSON `id`).
    pub key: String,
    /// The title, LaTeX accents and braces decoded; empty when there is none.
    pub title: String,
    /// "First Last", in the entry's order.
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
    /// The 1-based line the entry starts on.
    pub line: usize,
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
        let (line, column) = Lines::new(text).line_col(range.start);
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
        Self {
            path: path.to_path_buf(),
            entries,
            errors,
        }
    }
}

/// A digest's whole bibliography: every entry of its files, in file order,
/// looked up by key. Where two entries share a key, the first counts.
#[derive(Clone, Debug, Default)]
pub struct Bibliography {
    pub files: Vec<BibFile>,
    /// Key -> (file index, entry index).
    by_key: HashMap<String, (usize, usize)>,
}

/// An entry together with the file it is in.
#[derive(Clone, Copy, Debug)]
pub struct EntryRef<'a> {
    pub file: &'a BibFile,
    pub entry: &'a Entry,
}

impl Bibliography {
    pub fn new(files: Vec<BibFile>) -> Self {
        let mut by_key = HashMap::new();
        for (f, file) in files.iter().enumerate() {
            for (e, entry) in file.entries.iter().enumerate() {
                by_key.entry(entry.key.clone()).or_insert((f, e));
            }
        }
        Self { files, by_key }
    }

    /// The empty bibliography of a digest that has none.
    pub fn empty() -> &'static Bibliography {
        static EMPTY: std::sync::OnceLock<Bibliography> = std::sync::OnceLock::new();
        EMPTY.get_or_init(Bibliography::default)
    }

    pub fn is_empty(&self) -> bool {
        self.files.iter().all(|f| f.entries.is_empty())
    }

    /// The entry with `key`.
    pub fn entry(&self, key: &str) -> Option<EntryRef<'_>> {
        let &(f, e) = self.by_key.get(key)?;
        let file = self.files.get(f)?;
        Some(EntryRef {
            file,
            entry: file.entries.get(e)?,
        })
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> impl Iterator<Item = EntryRef<'_>> {
        self.files.iter().flat_map(|file| {
            file.entries
                .iter()
                .map(move |entry| EntryRef { file, entry })
        })
    }
}
