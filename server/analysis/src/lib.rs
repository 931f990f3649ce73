//! The pure analysis core of digest-lsp.
//!
//! Text comes in with byte offsets; plain data comes out. No I/O, no async,
//! no LSP types. The steps, each in its own module:
//!
//! - [`syntax`]: text -> [`SourceFile`] (papers, sections, links, references);
//! - [`index`]: the per-file lookup tables built from the syntax;
//! - [`rules`]: the diagnostics of the spec's rule table;
//! - [`features`]: outline, hover, definition, references, rename, ...: one
//!   pure function each;
//! - [`format`]: the canonical layout, as the smallest edits;
//! - [`workspace`]: the plain-data view of the other digests that the
//!   cross-file features take.
//!
//! Other digests (for `[[file#Paper3]]`) are reached through a [`Resolver`]
//! that the caller implements, so that the core never touches the disk.

pub mod bibliography;
pub mod config;
pub mod export;
pub mod features;
pub mod format;
pub mod incremental;
pub mod index;
pub mod line_index;
pub mod rules;
pub mod syntax;
mod text_range;
pub mod workspace;

use std::borrow::Cow;
use std::sync::Arc;

use ropey::Rope;

pub use config::{Config, ConfigError, parse_config};
pub use format::{FormatOptions, LineEnd};
pub use incremental::Dirty;
pub use index::FileIndex;
pub use line_index::LineIndex;
pub use rules::{Diagnostic, Problem, Rule, RuleCache, Severity, check, check_with};
pub use syntax::SourceFile;
pub use text_range::TextRange;
pub use workspace::{FileEdits, FileRange, TextEdit, WorkspaceFile};

/// A digest's text together with everything the core derives from it.
///
/// The text is a rope, shared with the editor's document (cloning it is
/// cheap), so that an edit never copies the whole text.
#[derive(Clone, Debug)]
pub struct Analysis {
    pub text: Rope,
    pub syntax: SourceFile,
    pub index: FileIndex,
    /// One stamp per paper, in the order of `syntax.papers`: two papers
    /// (of this analysis or of any other in the process) with the same
    /// stamp have the same lines, from the start of the heading's line to
    /// the paper's end, parsed under the same configuration. An edit keeps
    /// the stamps of the papers it did not re-parse, so that what was
    /// derived from a paper (its outline, say) can be reused.
    pub stamps: Vec<Stamp>,
    /// What the cross-file rule compares, derived on first use.
    keys: std::sync::OnceLock<rules::PaperKeys>,
    /// Per paper, in the order of `syntax.papers`: what binding it to a
    /// bibliography entry reads, derived on first use and kept through
    /// edits that do not re-parse the paper.
    facts: Vec<std::sync::OnceLock<Arc<bibliography::PaperFacts>>>,
}

/// See [`Analysis::stamps`].
pub type Stamp = u64;

/// A map keyed by stamps. Stamps are handed out in sequence by this process
/// (no file picks them), so a multiplicative hash spreads them well at a
/// fraction of the default hasher's cost.
pub type StampMap<T> = std::collections::HashMap<Stamp, T, BuildStampHasher>;

#[derive(Clone, Copy, Debug, Default)]
pub struct BuildStampHasher;

impl std::hash::BuildHasher for BuildStampHasher {
    type Hasher = StampHasher;
    fn build_hasher(&self) -> StampHasher {
        StampHasher(0)
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct StampHasher(u64);

impl std::hash::Hasher for StampHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }

    fn write_u64(&mut self, n: u64) {
        // Fibonacci hashing: the high bits, which hashbrown also uses,
        // depend on every bit of the stamp.
        self.0 = (self.0 ^ n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// `n` stamps never handed out before.
fn fresh_stamps(n: usize) -> std::ops::Range<Stamp> {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let first = NEXT.fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
    first..first + n as u64
}

impl Analysis {
    /// Parses and indexes `text` under `config`. Never fails.
    pub fn new(text: &str, config: &Config) -> Self {
        Self::with_rope(Rope::from_str(text), text, config)
    }

    /// Like [`Analysis::new`], for a rope whose text is `text`.
    pub fn with_rope(rope: Rope, text: &str, config: &Config) -> Self {
        let syntax = syntax::parse(text, config);
        let index = FileIndex::new(&syntax);
        Self {
            text: rope,
            stamps: fresh_stamps(syntax.papers.len()).collect(),
            facts: vec![Default::default(); syntax.papers.len()],
            syntax,
            index,
            keys: Default::default(),
        }
    }

    /// What the cross-file rule compares of this digest's papers (their
    /// titles and code links), derived once per analysis.
    pub fn paper_keys(&self) -> &rules::PaperKeys {
        self.keys.get_or_init(|| rules::PaperKeys::new(self))
    }

    /// What binding paper `index` to a bibliography entry reads of it
    /// (normalised: see [`bibliography::bindings`]); `None` past the last
    /// paper.
    pub fn paper_facts(&self, index: usize) -> Option<&bibliography::PaperFacts> {
        let cell = self.facts.get(index)?;
        Some(cell.get_or_init(|| Arc::new(bibliography::facts_of(self, index))))
    }

    /// The title of `paper` as a reader sees it: without the citations
    /// written in it (`Paper3 Sparse Attention [[@key]]` is titled `Sparse
    /// Attention`), the white space where they were made one space; `None`
    /// without a title or when it is citations only. What hovers, inlay
    /// hints, completion and the JSON export show.
    pub fn title_text(&self, paper: &syntax::Paper) -> Option<Cow<'_, str>> {
        let title = paper.title?;
        if paper.title_citations().next().is_none() {
            return Some(self.slice(title));
        }
        let mut out = String::new();
        for piece in paper.title_pieces() {
            for word in self.slice(piece).split_whitespace() {
                if !out.is_empty() {
                    out.push(' ');
                }
                out.push_str(word);
            }
        }
        (!out.is_empty()).then_some(Cow::Owned(out))
    }

    /// The text of `range` (empty when the range is not in the text).
    pub fn slice(&self, range: TextRange) -> Cow<'_, str> {
        self.text
            .get_byte_slice(range.start..range.end)
            .map(Cow::from)
            .unwrap_or_default()
    }
}

/// What became of a look-up of another digest.
#[derive(Clone, Debug)]
pub enum Lookup {
    /// The digest, parsed (with its own configuration).
    Found(Arc<Analysis>),
    /// No such file.
    Missing,
    /// The file exists but is not valid UTF-8 (or cannot be read).
    Unreadable(String),
}

/// Gives the core access to other digests, by a path relative to the folder
/// of the file being analysed (as written in `[[file#Paper3]]`, with the
/// `.digest` extension added where the core tries that spelling).
pub trait Resolver {
    fn lookup(&self, relative: &str) -> Lookup;

    /// The bibliography of the digest being analysed (spec,
    /// "Bibliography"): empty unless the caller read one.
    fn bibliography(&self) -> &bibliography::Bibliography {
        bibliography::Bibliography::empty()
    }

    /// The bibliography of another digest, by its path as [`Resolver::lookup`]
    /// found it (its own `digest.toml` may name other files); `None`: the
    /// same as this digest's.
    fn bibliography_of(&self, _relative: &str) -> Option<Arc<bibliography::Bibliography>> {
        None
    }
}

/// A resolver for a file that stands alone: every other digest is missing.
pub struct NoFiles;

impl Resolver for NoFiles {
    fn lookup(&self, _relative: &str) -> Lookup {
        Lookup::Missing
    }
}

/// Looks a digest up as written and, without the extension, with `.digest`
/// added: `[[other]]` finds `other.digest`.
pub fn resolve_file(resolver: &dyn Resolver, file: &str) -> (String, Lookup) {
    if file.ends_with(".digest") {
        return (file.to_string(), resolver.lookup(file));
    }
    let with_ext = format!("{file}.digest");
    match resolver.lookup(&with_ext) {
        Lookup::Missing => match resolver.lookup(file) {
            Lookup::Missing => (with_ext, Lookup::Missing),
            found => (file.to_string(), found),
        },
        found => (with_ext, found),
    }
}
