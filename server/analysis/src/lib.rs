//! The pure analysis core of digest-lsp.
//!
//! Text comes in with byte offsets; plain data comes out. No I/O, no async,
//! no LSP types. The steps, each in its own module:
//!
//! - [`syntax`]: text -> [`SourceFile`] (papers, sections, links, references);
//! - [`index`]: the per-file lookup tables built from the syntax;
//! - [`rules`]: the diagnostics of the spec's rule table;
//! - [`features`]: outline, hover, definition: one pure function each.
//!
//! Other digests (for `[[file#Paper3]]`) are reached through a [`Resolver`]
//! that the caller implements, so that the core never touches the disk.

pub mod config;
pub mod features;
pub mod index;
pub mod line_index;
pub mod rules;
pub mod syntax;
mod text_range;

use std::sync::Arc;

pub use config::{Config, ConfigError, parse_config};
pub use index::FileIndex;
pub use line_index::LineIndex;
pub use rules::{Diagnostic, Problem, Rule, Severity, check};
pub use syntax::SourceFile;
pub use text_range::TextRange;

/// A digest's text together with everything the core derives from it.
#[derive(Debug)]
pub struct Analysis {
    pub text: Arc<str>,
    pub syntax: SourceFile,
    pub index: FileIndex,
}

impl Analysis {
    /// Parses and indexes `text` under `config`. Never fails.
    pub fn new(text: Arc<str>, config: &Config) -> Self {
        let syntax = syntax::parse(&text, config);
        let index = FileIndex::new(&syntax);
        Self {
            text,
            syntax,
            index,
        }
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
