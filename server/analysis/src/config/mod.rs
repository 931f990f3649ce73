//! Configuration: the `digest.toml` schema, its defaults, and its parsing.
//!
//! Parsing never fails: a broken file yields the defaults plus
//! [`ConfigError`]s with line and column, in text order. Finding the file
//! (the nearest `digest.toml` above a digest) is I/O, and lives in the
//! server crate.
//!
//! Three parts, each in one place:
//!
//! - [`Config`], the typed result, and its defaults (this module);
//! - the schema (`schema.rs`): one `SCHEMA` line per key, giving
//!   its table, its name, the type of its value with the setter that puts
//!   the value into [`Config`], its default and what it does. Parsing, the
//!   "unknown table", "unknown key" and "wrong type" errors, and the key
//!   reference of `docs/format.md` ([`reference()`]) all come from it;
//! - the reader (`read.rs`): walks the parsed TOML along the schema and
//!   reports every problem at its position.
//!
//! A `<...>` in a table or key stands for a name the file chooses: the kind
//! in `[sections.<kind>]`, the rule code in `[rules] <rule>`; each is
//! defined once, in `PATTERNS`.
//!
//! A new table is a field of [`Config`] (with its default) and a few schema
//! lines; its errors follow, and the docs test prints the new table of keys
//! for `docs/format.md` (`[typography]`, `[format]` and `[bibliography]`
//! were added so).

mod read;
mod schema;

use std::sync::Arc;

use toml::de::DeTable;

use crate::rules::typography::TypographyOptions;
use crate::rules::{Rule, Severity};

pub use schema::reference;

/// Everything configurable, passed explicitly wherever it is needed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Config {
    /// Heading keywords, in order (`["Paper"]` by default). Never empty.
    pub keywords: Vec<String>,
    /// Section kinds with their labels: the default kinds in the spec's
    /// table order, then the new kinds in the order the file names them.
    pub sections: Vec<SectionKind>,
    /// Per-rule severity overrides; `None` means the rule is off.
    pub rules: Vec<(Rule, Option<Severity>)>,
    /// Length of the summary excerpt in a hover, in characters.
    pub preview_chars: usize,
    /// Whether inlay hints are shown (`[inlay-hints] enabled`).
    pub inlay_hints_enabled: bool,
    /// Maximum length of an inlay hint's text, in characters
    /// (`[inlay-hints] max-chars`).
    pub inlay_max_chars: usize,
    /// More digests besides every `*.digest` (`[files] include`).
    pub include: Include,
    /// What the typography rules read and want (`[typography]`).
    pub typography: TypographyOptions,
    /// Whether `fmt` and the formatting requests touch the files under this
    /// configuration (`[format] enabled`).
    pub format_enabled: bool,
    /// The bibliography files (`[bibliography] files`), as written: paths
    /// relative to the folder of the `digest.toml`. `None`: every `*.bib`
    /// in the digest's own folder (the caller lists them). `Some([])`: no
    /// bibliography (`files = []`).
    pub bibliography_files: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionKind {
    pub name: Arc<str>,
    pub labels: Vec<String>,
    pub required: bool,
}

/// The spec's section kinds: name, labels, required.
const DEFAULT_KINDS: &[(&str, &[&str], bool)] = &[
    ("abstract", &["摘要原文", "Abstract"], true),
    ("summary", &["中文总结", "Summary"], true),
    ("notes", &["笔记", "Notes"], false),
    ("code", &["代码", "Code"], false),
    ("tags", &["标签", "Tags"], false),
    ("cite", &["引用", "Cite"], false),
];

impl Default for Config {
    fn default() -> Self {
        Self {
            keywords: vec!["Paper".to_string()],
            sections: DEFAULT_KINDS
                .iter()
                .map(|(name, labels, required)| SectionKind {
                    name: (*name).into(),
                    labels: labels.iter().map(|l| l.to_string()).collect(),
                    required: *required,
                })
                .collect(),
            rules: Vec::new(),
            preview_chars: 600,
            inlay_hints_enabled: true,
            inlay_max_chars: 30,
            include: Include::default(),
            typography: TypographyOptions::default(),
            format_enabled: true,
            bibliography_files: None,
        }
    }
}

impl Config {
    /// The severity a rule has under this configuration (`None`: off).
    pub fn severity(&self, rule: Rule) -> Option<Severity> {
        self.rules
            .iter()
            .rev()
            .find(|(r, _)| *r == rule)
            .map_or(rule.default_severity(), |(_, s)| *s)
    }

    /// The kind a label names, when the label is known.
    pub fn kind_of_label(&self, label: &str) -> Option<&SectionKind> {
        self.sections
            .iter()
            .find(|k| k.labels.iter().any(|l| l == label))
    }
}

/// `[files] include`: globs naming more digests besides every `*.digest`,
/// relative to the folder of the `digest.toml` that lists them (`*` stays
/// within a folder, `**` crosses folders). Empty by default.
#[derive(Clone, Debug, Default)]
pub struct Include {
    patterns: Vec<String>,
    set: globset::GlobSet,
}

impl PartialEq for Include {
    fn eq(&self, other: &Self) -> bool {
        self.patterns == other.patterns
    }
}

impl Eq for Include {}

impl Include {
    /// The patterns as the file writes them.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// True when a pattern names `relative`, a path relative to the folder
    /// of the `digest.toml`.
    pub fn matches(&self, relative: &std::path::Path) -> bool {
        !self.patterns.is_empty() && self.set.is_match(relative)
    }
}

/// A problem in a `digest.toml`, at a 1-based line and column (in characters).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    pub line: usize,
    pub column: usize,
    /// Byte range of the offending text in the config file.
    pub range: crate::TextRange,
    pub message: String,
}

/// Parses a `digest.toml`. On any error the result is the defaults (the
/// spec: "the defaults stay in force"), plus every error found.
///
/// A file that is not valid TOML yields its syntax errors only; a file that
/// is valid TOML is checked whole, and every schema error is reported.
/// Errors come in text order.
pub fn parse_config(text: &str) -> (Config, Vec<ConfigError>) {
    let mut reader = read::Reader::new(text);
    let (doc, syntax_errors) = DeTable::parse_recoverable(text);
    let config = if syntax_errors.is_empty() {
        reader.document(doc.get_ref())
    } else {
        for error in &syntax_errors {
            let span = error.span().unwrap_or(text.len()..text.len());
            reader.error(span, format!("invalid TOML: {}", error.message().trim()));
        }
        Config::default()
    };
    let mut errors = reader.into_errors();
    if errors.is_empty() {
        return (config, errors);
    }
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    errors.dedup();
    (Config::default(), errors)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests;
