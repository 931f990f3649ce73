//! Configuration: the `digest.toml` schema, its defaults, and its parsing.
//!
//! Parsing never fails: a broken file yields the defaults plus
//! [`ConfigError`]s with line and column. Finding the file (the nearest
//! `digest.toml` above a digest) is I/O, and lives in the server crate.

use std::ops::Range;
use std::sync::Arc;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::TextRange;
use crate::line_index::{LineIndex, floor_char_boundary};
use crate::rules::{Rule, Severity};

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

/// One `[files] include` pattern compiled, or why it cannot be.
fn include_glob(pattern: &str) -> Result<globset::Glob, String> {
    if pattern.is_empty() {
        return Err("a pattern must not be empty".to_string());
    }
    if pattern.starts_with('/') || pattern.starts_with('\\') || pattern.get(1..2) == Some(":") {
        return Err("a pattern is relative to the folder of digest.toml".to_string());
    }
    let pattern = pattern.strip_prefix("./").unwrap_or(pattern);
    globset::GlobBuilder::new(pattern)
        .literal_separator(true)
        .build()
        .map_err(|e| e.kind().to_string())
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SectionKind {
    pub name: Arc<str>,
    pub labels: Vec<String>,
    pub required: bool,
}

impl Default for Config {
    fn default() -> Self {
        let kind = |name: &str, labels: &[&str], required: bool| SectionKind {
            name: name.into(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            required,
        };
        Self {
            keywords: vec!["Paper".to_string()],
            sections: vec![
                kind("abstract", &["摘要原文", "Abstract"], true),
                kind("summary", &["中文总结", "Summary"], true),
                kind("notes", &["笔记", "Notes"], false),
                kind("code", &["代码", "Code"], false),
                kind("tags", &["标签", "Tags"], false),
            ],
            rules: Vec::new(),
            preview_chars: 600,
            inlay_hints_enabled: true,
            inlay_max_chars: 30,
            include: Include::default(),
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
    let mut cx = Checker::new(text);
    let (doc, syntax_errors) = DeTable::parse_recoverable(text);
    let config = if syntax_errors.is_empty() {
        cx.document(doc.get_ref())
    } else {
        for error in &syntax_errors {
            let span = error.span().unwrap_or(text.len()..text.len());
            cx.error(span, format!("invalid TOML: {}", error.message().trim()));
        }
        Config::default()
    };
    let mut errors = cx.errors;
    if errors.is_empty() {
        return (config, errors);
    }
    errors.sort_by_key(|e| (e.range.start, e.range.end));
    errors.dedup();
    (Config::default(), errors)
}

type Value<'i> = Spanned<DeValue<'i>>;
type Key<'i> = Spanned<DeString<'i>>;

const KNOWN_TABLES: &str =
    "[headings], [sections.<kind>], [rules], [hover], [inlay-hints], [files]";
const SEVERITIES: &str = "\"error\", \"warning\", \"info\", \"hint\" or \"off\"";

/// A table's entries in the order the file has them (the parsed map is
/// ordered by key, not by position).
fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t Key<'i>, &'t Value<'i>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    entries
}

/// A value's type with its article, for "found ..." in messages.
fn found(value: &DeValue<'_>) -> &'static str {
    match value {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a float",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a datetime",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

/// A key as TOML would write it: bare when it can be, quoted otherwise.
fn key_name(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { key.to_string() } else { quoted(key) }
}

/// A string as a TOML basic string: quoted, with `"`, `\\`, control
/// characters and white space other than a plain space escaped, so that
/// what a message shows can be pasted back into the file.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            ' ' => out.push(' '),
            c if c.is_control() || c.is_whitespace() || c == '\u{feff}' => {
                let n = u32::from(c);
                if n <= 0xFFFF {
                    out.push_str(&format!("\\u{n:04X}"));
                } else {
                    out.push_str(&format!("\\U{n:08X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn known_rules() -> String {
    Rule::ALL
        .iter()
        .filter(|r| **r != Rule::Config)
        .map(|r| r.code())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where a value sits, for messages: "in [hover]".
struct Place<'a> {
    table: &'a str,
    key: &'a str,
}

impl Place<'_> {
    fn describe(&self) -> String {
        format!("`{}` in [{}]", key_name(self.key), self.table)
    }
}

struct Checker<'t> {
    text: &'t str,
    lines: LineIndex,
    errors: Vec<ConfigError>,
}

impl<'t> Checker<'t> {
    fn new(text: &'t str) -> Self {
        Self {
            text,
            lines: LineIndex::new(text),
            errors: Vec::new(),
        }
    }

    fn error(&mut self, span: Range<usize>, message: String) {
        let start = floor_char_boundary(self.text, span.start);
        let end = floor_char_boundary(self.text, span.end.max(span.start));
        let (line, column) = self.lines.line_col_chars(self.text, start);
        self.errors.push(ConfigError {
            line: line + 1,
            column: column + 1,
            range: TextRange::new(start, end),
            message,
        });
    }

    fn source(&self, span: Range<usize>) -> &'t str {
        self.text.get(span).unwrap_or("")
    }

    fn wrong_type(&mut self, value: &Value<'_>, what: &str, expected: &str) {
        let message = format!(
            "wrong type for {what}: expected {expected}, found {}",
            found(value.get_ref())
        );
        self.error(value.span(), message);
    }

    fn document(&mut self, root: &DeTable<'_>) -> Config {
        let mut config = Config::default();
        let mut origins = Vec::new();
        for (key, value) in entries(root) {
            let name = key.get_ref().as_ref();
            let known = [
                "headings",
                "sections",
                "rules",
                "hover",
                "inlay-hints",
                "files",
            ];
            if !known.contains(&name) {
                let message = if value.get_ref().is_table() {
                    format!(
                        "unknown table [{}]; known tables: {KNOWN_TABLES}",
                        key_name(name)
                    )
                } else {
                    format!(
                        "unknown key `{}` at the top level; known tables: {KNOWN_TABLES}",
                        key_name(name)
                    )
                };
                self.error(key.span(), message);
                continue;
            }
            let Some(table) = value.get_ref().as_table() else {
                let what = format!("`{name}`");
                self.wrong_type(value, &what, &format!("a table ([{name}])"));
                continue;
            };
            match name {
                "headings" => self.headings(table, &mut config),
                "sections" => self.sections(table, &mut config, &mut origins),
                "rules" => self.rules(table, &mut config),
                "hover" => self.hover(table, &mut config),
                "files" => self.files(table, &mut config),
                _ => self.inlay_hints(table, &mut config),
            }
        }
        self.check_label_clashes(&config, &origins);
        config
    }

    fn unknown_key(&mut self, key: &Key<'_>, table: &str, known: &str) {
        let message = format!(
            "unknown key `{}` in [{table}]; known keys: {known}",
            key_name(key.get_ref())
        );
        self.error(key.span(), message);
    }

    fn headings(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, value) in entries(table) {
            if key.get_ref() != "keywords" {
                self.unknown_key(key, "headings", "keywords");
                continue;
            }
            let place = Place {
                table: "headings",
                key: "keywords",
            };
            let Some(items) = self.strings(value, &place) else {
                continue;
            };
            if items.is_empty() {
                let message = format!(
                    "invalid value for {}: expected at least one keyword, found an empty list",
                    place.describe()
                );
                self.error(value.span(), message);
                continue;
            }
            let mut keywords = Vec::new();
            for (keyword, span) in items {
                let problem = if keyword.is_empty() {
                    Some("a keyword must not be empty")
                } else if keyword.chars().any(char::is_whitespace) {
                    Some("a keyword must not contain white space")
                } else {
                    None
                };
                if let Some(problem) = problem {
                    let message = format!(
                        "invalid keyword {} in [headings]: {problem}",
                        quoted(&keyword)
                    );
                    self.error(span, message);
                } else if !keywords.contains(&keyword) {
                    keywords.push(keyword);
                }
            }
            config.keywords = keywords;
        }
    }

    /// An array of strings, each with its span; `None` (after reporting)
    /// when the value is not one.
    fn strings(
        &mut self,
        value: &Value<'_>,
        place: &Place<'_>,
    ) -> Option<Vec<(String, Range<usize>)>> {
        let Some(array) = value.get_ref().as_array() else {
            self.wrong_type(value, &place.describe(), "an array of strings");
            return None;
        };
        let mut items = Vec::new();
        let mut ok = true;
        for item in array.iter() {
            match item.get_ref().as_str() {
                Some(s) => items.push((s.to_string(), item.span())),
                None => {
                    let what = format!("an element of {}", place.describe());
                    self.wrong_type(item, &what, "a string");
                    ok = false;
                }
            }
        }
        ok.then_some(items)
    }

    fn sections(
        &mut self,
        table: &DeTable<'_>,
        config: &mut Config,
        origins: &mut Vec<LabelOrigin>,
    ) {
        for (key, value) in entries(table) {
            let name = key.get_ref().as_ref();
            let Some(kind_table) = value.get_ref().as_table() else {
                let what = format!("`{}` in [sections]", key_name(name));
                let expected = format!(
                    "a table of the section kind `{0}` ([sections.{0}])",
                    key_name(name)
                );
                self.wrong_type(value, &what, &expected);
                continue;
            };
            if name.trim().is_empty() {
                let message = "invalid section kind in [sections]: a kind's name must not be empty"
                    .to_string();
                self.error(key.span(), message);
                continue;
            }
            let table_name = format!("sections.{}", key_name(name));
            let mut labels = None;
            let mut required = None;
            for (k, v) in entries(kind_table) {
                match k.get_ref().as_ref() {
                    "labels" => {
                        let place = Place {
                            table: &table_name,
                            key: "labels",
                        };
                        labels = self.labels(v, &place);
                    }
                    "required" => match v.get_ref().as_bool() {
                        Some(b) => required = Some(b),
                        None => {
                            let place = Place {
                                table: &table_name,
                                key: "required",
                            };
                            self.wrong_type(v, &place.describe(), "a boolean (true or false)");
                        }
                    },
                    _ => self.unknown_key(k, &table_name, "labels, required"),
                }
            }
            let index = match config.sections.iter().position(|s| &*s.name == name) {
                Some(index) => index,
                None => {
                    if labels.is_none() && !kind_table.contains_key("labels") {
                        let message = format!(
                            "missing key `labels` in [{table_name}]: a new section kind needs \
                             at least one label"
                        );
                        self.error(key.span(), message);
                        continue;
                    }
                    config.sections.push(SectionKind {
                        name: name.into(),
                        labels: Vec::new(),
                        required: false,
                    });
                    config.sections.len() - 1
                }
            };
            let kind = &mut config.sections[index];
            if let Some(labels) = labels {
                kind.labels.clear();
                for (label, span) in labels {
                    if !kind.labels.contains(&label) {
                        origins.push(LabelOrigin {
                            kind: kind.name.clone(),
                            label: label.clone(),
                            span,
                        });
                        kind.labels.push(label);
                    }
                }
            }
            if let Some(required) = required {
                kind.required = required;
            }
        }
    }

    /// A kind's `labels`: a non-empty array of valid labels.
    fn labels(
        &mut self,
        value: &Value<'_>,
        place: &Place<'_>,
    ) -> Option<Vec<(String, Range<usize>)>> {
        let items = self.strings(value, place)?;
        if items.is_empty() {
            let message = format!(
                "invalid value for {}: expected at least one label, found an empty list",
                place.describe()
            );
            self.error(value.span(), message);
            return None;
        }
        let mut ok = true;
        for (label, span) in &items {
            let problem = if label.is_empty() {
                Some("a label must not be empty")
            } else if label.trim() != label {
                Some("a label must not start or end with white space")
            } else if label.contains(['\n', '\r']) {
                Some("a label must not contain a line break")
            } else if label.contains([':', '：']) {
                Some("a label must not contain `:` or `：` (the colon follows the label)")
            } else {
                None
            };
            if let Some(problem) = problem {
                let message = format!(
                    "invalid label {} in [{}]: {problem}",
                    quoted(label),
                    place.table
                );
                self.error(span.clone(), message);
                ok = false;
            }
        }
        ok.then_some(items)
    }

    /// A label set in the file that another kind also has is ambiguous;
    /// reported once, on the occurrence later in the file (or on the only
    /// one in the file, when the other is a default).
    fn check_label_clashes(&mut self, config: &Config, origins: &[LabelOrigin]) {
        let mut origins: Vec<&LabelOrigin> = origins.iter().collect();
        origins.sort_by_key(|o| o.span.start);
        for origin in &origins {
            let other = config
                .sections
                .iter()
                .find(|k| k.name != origin.kind && k.labels.contains(&origin.label));
            let Some(other) = other else { continue };
            let earlier_in_file = origins.iter().any(|o| {
                o.kind == other.name && o.label == origin.label && o.span.start < origin.span.start
            });
            let in_file = origins
                .iter()
                .any(|o| o.kind == other.name && o.label == origin.label);
            if in_file && !earlier_in_file {
                continue;
            }
            let message = format!(
                "label {} in [sections.{}] is also a label of the section kind `{}`; \
                 a label may name only one kind",
                quoted(&origin.label),
                key_name(&origin.kind),
                key_name(&other.name)
            );
            self.error(origin.span.clone(), message);
        }
    }

    fn rules(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, value) in entries(table) {
            let code = key.get_ref().as_ref();
            let rule = match Rule::from_code(code) {
                None => {
                    let message = format!(
                        "unknown rule `{}` in [rules]; known rules: {}",
                        key_name(code),
                        known_rules()
                    );
                    self.error(key.span(), message);
                    continue;
                }
                Some(Rule::Config) => {
                    let message = "the rule `config` in [rules] cannot be configured: errors \
                                   in digest.toml are always reported"
                        .to_string();
                    self.error(key.span(), message);
                    continue;
                }
                Some(rule) => rule,
            };
            let place = Place {
                table: "rules",
                key: code,
            };
            let Some(name) = value.get_ref().as_str() else {
                self.wrong_type(
                    value,
                    &place.describe(),
                    &format!("a severity, {SEVERITIES}"),
                );
                continue;
            };
            let severity = if name == "off" {
                None
            } else if let Some(severity) = Severity::from_name(name) {
                Some(severity)
            } else {
                let message = format!(
                    "unknown severity {} for {}; expected {SEVERITIES}",
                    quoted(name),
                    place.describe()
                );
                self.error(value.span(), message);
                continue;
            };
            config.rules.push((rule, severity));
        }
    }

    fn hover(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, value) in entries(table) {
            if key.get_ref() != "preview-chars" {
                self.unknown_key(key, "hover", "preview-chars");
                continue;
            }
            let place = Place {
                table: "hover",
                key: "preview-chars",
            };
            if let Some(n) = self.positive(value, &place) {
                config.preview_chars = n;
            }
        }
    }

    fn inlay_hints(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, value) in entries(table) {
            match key.get_ref().as_ref() {
                "enabled" => match value.get_ref().as_bool() {
                    Some(b) => config.inlay_hints_enabled = b,
                    None => {
                        let place = Place {
                            table: "inlay-hints",
                            key: "enabled",
                        };
                        self.wrong_type(value, &place.describe(), "a boolean (true or false)");
                    }
                },
                "max-chars" => {
                    let place = Place {
                        table: "inlay-hints",
                        key: "max-chars",
                    };
                    if let Some(n) = self.positive(value, &place) {
                        config.inlay_max_chars = n;
                    }
                }
                _ => self.unknown_key(key, "inlay-hints", "enabled, max-chars"),
            }
        }
    }

    fn files(&mut self, table: &DeTable<'_>, config: &mut Config) {
        for (key, value) in entries(table) {
            if key.get_ref() != "include" {
                self.unknown_key(key, "files", "include");
                continue;
            }
            let place = Place {
                table: "files",
                key: "include",
            };
            let Some(items) = self.strings(value, &place) else {
                continue;
            };
            let mut builder = globset::GlobSetBuilder::new();
            let mut patterns = Vec::new();
            for (pattern, span) in items {
                match include_glob(&pattern) {
                    Ok(glob) => {
                        builder.add(glob);
                        patterns.push(pattern);
                    }
                    Err(problem) => {
                        let message =
                            format!("invalid pattern {} in [files]: {problem}", quoted(&pattern));
                        self.error(span, message);
                    }
                }
            }
            match builder.build() {
                Ok(set) => config.include = Include { patterns, set },
                Err(e) => {
                    let message = format!("invalid value for {}: {}", place.describe(), e.kind());
                    self.error(value.span(), message);
                }
            }
        }
    }

    /// A positive integer that fits a `usize`.
    fn positive(&mut self, value: &Value<'_>, place: &Place<'_>) -> Option<usize> {
        let Some(integer) = value.get_ref().as_integer() else {
            self.wrong_type(value, &place.describe(), "a positive integer");
            return None;
        };
        let parsed = i128::from_str_radix(integer.as_str(), integer.radix()).ok();
        let problem = match parsed {
            Some(n) if n >= 1 => match usize::try_from(n) {
                Ok(n) => return Some(n),
                Err(_) => "it is too large",
            },
            Some(_) => "it is not positive",
            None => "it is too large",
        };
        let message = format!(
            "invalid value for {}: expected a positive integer, found `{}` ({problem})",
            place.describe(),
            self.source(value.span())
        );
        self.error(value.span(), message);
        None
    }
}

/// A label the file gives a kind, and where.
struct LabelOrigin {
    kind: Arc<str>,
    label: String,
    span: Range<usize>,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ok(text: &str) -> Config {
        let (config, errors) = parse_config(text);
        assert_eq!(errors, Vec::new(), "unexpected errors for {text:?}");
        config
    }

    /// The errors as (line, column, offending text, message).
    fn errs(text: &str) -> Vec<(usize, usize, &str, String)> {
        let (config, errors) = parse_config(text);
        assert_eq!(
            config,
            Config::default(),
            "an error must leave the defaults"
        );
        errors
            .into_iter()
            .map(|e| (e.line, e.column, e.range.slice(text), e.message))
            .collect()
    }

    fn one(text: &str) -> (usize, usize, &str, String) {
        let mut errors = errs(text);
        assert_eq!(errors.len(), 1, "{errors:#?}");
        errors.remove(0)
    }

    fn kind(name: &str, labels: &[&str], required: bool) -> SectionKind {
        SectionKind {
            name: name.into(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            required,
        }
    }

    const RULES: &str = "missing-section, empty-section, duplicate-section, missing-title, \
                         duplicate-paper, numbering, unresolved-reference, malformed-link, \
                         link-without-scheme, unknown-label, stray-text, \
                         duplicate-paper-across-files, cjk-spacing, cjk-punctuation, \
                         fullwidth-alphanumeric, too-many-diagnostics";

    #[test]
    fn defaults() {
        let c = Config::default();
        assert_eq!(c.keywords, vec!["Paper".to_string()]);
        assert_eq!(
            c.sections,
            vec![
                kind("abstract", &["摘要原文", "Abstract"], true),
                kind("summary", &["中文总结", "Summary"], true),
                kind("notes", &["笔记", "Notes"], false),
                kind("code", &["代码", "Code"], false),
                kind("tags", &["标签", "Tags"], false),
            ]
        );
        assert_eq!(c.rules, Vec::new());
        assert_eq!(c.preview_chars, 600);
        assert!(c.inlay_hints_enabled);
        assert_eq!(c.inlay_max_chars, 30);
        assert_eq!(c.severity(Rule::Numbering), Some(Severity::Warning));
    }

    #[test]
    fn empty_file_and_comments_are_the_defaults() {
        assert_eq!(ok(""), Config::default());
        assert_eq!(ok("\n\n# nothing here\n   \n"), Config::default());
        assert_eq!(ok("\u{feff}"), Config::default());
        assert_eq!(ok("[hover]\n[rules]\n"), Config::default());
    }

    #[test]
    fn headings_keywords_replace_the_default() {
        let c = ok("[headings]\nkeywords = [\"Paper\", \"论文\"]\n");
        assert_eq!(c.keywords, vec!["Paper".to_string(), "论文".to_string()]);
        let c = ok("[headings]\nkeywords = [\"论文\"]\n");
        assert_eq!(c.keywords, vec!["论文".to_string()]);
        // A repeat is harmless and dropped.
        let c = ok("headings.keywords = [\"A\", \"B\", \"A\"]\n");
        assert_eq!(c.keywords, vec!["A".to_string(), "B".to_string()]);
        assert_eq!(
            Config {
                keywords: Config::default().keywords,
                ..c
            },
            Config::default()
        );
    }

    #[test]
    fn known_section_kind_keeps_omitted_keys() {
        let c = ok("[sections.abstract]\nlabels = [\"原文\"]\n");
        assert_eq!(c.sections[0], kind("abstract", &["原文"], true));
        assert_eq!(c.sections[1..], Config::default().sections[1..]);

        let c = ok("[sections.summary]\nrequired = false\n");
        assert_eq!(
            c.sections[1],
            kind("summary", &["中文总结", "Summary"], false)
        );

        let c = ok("[sections.notes]\nlabels = [\"备注\", \"Notes\"]\nrequired = true\n");
        assert_eq!(c.sections[2], kind("notes", &["备注", "Notes"], true));
        assert_eq!(c.sections.len(), 5);
    }

    #[test]
    fn new_section_kinds_come_after_the_defaults_in_file_order() {
        let c = ok("[sections.method]\n\
                    labels = [\"方法\", \"Method\"]\n\
                    [sections.code]\n\
                    required = true\n\
                    [sections.data]\n\
                    labels = [\"Related Work\"]\n\
                    required = true\n");
        let mut expected = Config::default().sections;
        expected[3].required = true;
        expected.push(kind("method", &["方法", "Method"], false));
        expected.push(kind("data", &["Related Work"], true));
        assert_eq!(c.sections, expected);
        assert_eq!(c.kind_of_label("Method").unwrap().name.as_ref(), "method");
    }

    #[test]
    fn a_label_may_move_to_a_new_kind_when_its_old_kind_lets_go() {
        let c =
            ok("[sections.notes]\nlabels = [\"笔记\"]\n[sections.remarks]\nlabels = [\"Notes\"]\n");
        assert_eq!(c.kind_of_label("Notes").unwrap().name.as_ref(), "remarks");
        assert_eq!(c.kind_of_label("笔记").unwrap().name.as_ref(), "notes");
    }

    #[test]
    fn rules_take_severities_and_off() {
        let c = ok("[rules]\n\
                    numbering = \"error\"\n\
                    link-without-scheme = \"off\"\n\
                    stray-text = \"info\"\n\
                    missing-title = \"hint\"\n\
                    empty-section = \"warning\"\n");
        assert_eq!(
            c.rules,
            vec![
                (Rule::Numbering, Some(Severity::Error)),
                (Rule::LinkWithoutScheme, None),
                (Rule::StrayText, Some(Severity::Info)),
                (Rule::MissingTitle, Some(Severity::Hint)),
                (Rule::EmptySection, Some(Severity::Warning)),
            ]
        );
        assert_eq!(c.severity(Rule::LinkWithoutScheme), None);
        assert_eq!(c.severity(Rule::Numbering), Some(Severity::Error));
        assert_eq!(c.severity(Rule::MalformedLink), Some(Severity::Error));
    }

    #[test]
    fn every_configurable_rule_is_accepted() {
        for rule in Rule::ALL.iter().filter(|r| **r != Rule::Config) {
            let c = ok(&format!("[rules]\n{} = \"off\"\n", rule.code()));
            assert_eq!(c.rules, vec![(*rule, None)]);
        }
    }

    #[test]
    fn hover_preview_chars() {
        assert_eq!(ok("[hover]\npreview-chars = 200\n").preview_chars, 200);
        assert_eq!(ok("[hover]\npreview-chars = 1\n").preview_chars, 1);
        assert_eq!(
            ok("hover = { preview-chars = 1_000 }\n").preview_chars,
            1000
        );
        assert_eq!(ok("[hover]\npreview-chars = 0x10\n").preview_chars, 16);
    }

    #[test]
    fn inlay_hints() {
        let c = ok("[inlay-hints]\nenabled = false\nmax-chars = 12\n");
        assert!(!c.inlay_hints_enabled);
        assert_eq!(c.inlay_max_chars, 12);
        let c = ok("[inlay-hints]\nmax-chars = 50\n");
        assert!(c.inlay_hints_enabled);
        assert_eq!(c.inlay_max_chars, 50);
    }

    #[test]
    fn files_include_names_more_digests_relative_to_the_config() {
        use std::path::Path;
        let c = ok("[files]\ninclude = [\"**/*.txt\", \"./top.md\", \"notes/*.text\"]\n");
        assert_eq!(
            c.include.patterns(),
            ["**/*.txt", "./top.md", "notes/*.text"]
        );
        for named in ["a.txt", "x/y/b.txt", "top.md", "notes/c.text"] {
            assert!(c.include.matches(Path::new(named)), "{named}");
        }
        // `*` stays within one folder.
        for other in ["a.digest", "x/top.md", "notes/x/c.text", "a.txt.bak"] {
            assert!(!c.include.matches(Path::new(other)), "{other}");
        }
        let none = Config::default();
        assert!(none.include.is_empty());
        assert!(!none.include.matches(Path::new("a.txt")));
        assert!(ok("[files]\ninclude = []\n").include.is_empty());
    }

    #[test]
    fn a_bad_include_pattern_is_an_error_at_its_position() {
        assert_eq!(
            one("[files]\ninclude = [\"**/*.txt\", \"知识/[ab\"]\n"),
            (
                2,
                24,
                "\"知识/[ab\"",
                "invalid pattern \"知识/[ab\" in [files]: unclosed character class; missing ']'"
                    .to_string()
            )
        );
        assert_eq!(
            one("[files]\ninclude = [\"/abs/*.txt\"]\n"),
            (
                2,
                12,
                "\"/abs/*.txt\"",
                "invalid pattern \"/abs/*.txt\" in [files]: a pattern is relative to the folder of digest.toml"
                    .to_string()
            )
        );
        assert_eq!(
            one("[files]\ninclude = \"*.txt\"\n"),
            (
                2,
                11,
                "\"*.txt\"",
                "wrong type for `include` in [files]: expected an array of strings, found a string"
                    .to_string()
            )
        );
        assert_eq!(
            one("[files]\ninclude = [\"*.txt\", 3]\n"),
            (
                2,
                21,
                "3",
                "wrong type for an element of `include` in [files]: expected a string, found an integer"
                    .to_string()
            )
        );
        assert_eq!(
            one("[files]\nexclude = []\n"),
            (
                2,
                1,
                "exclude",
                "unknown key `exclude` in [files]; known keys: include".to_string()
            )
        );
        assert_eq!(
            one("files = 1\n"),
            (
                1,
                9,
                "1",
                "wrong type for `files`: expected a table ([files]), found an integer".to_string()
            )
        );
    }

    #[test]
    fn the_spec_example() {
        let text = r#"[headings]
keywords = ["Paper", "论文"]        # replaces the default ["Paper"]

[sections.abstract]                 # one table per kind; new kinds allowed
labels = ["摘要原文", "Abstract"]    # replaces this kind's default labels
required = true                     # default: as in the table above; false for a new kind

[sections.method]
labels = ["方法", "Method"]
required = false

[rules]                             # any rule code from the table below
link-without-scheme = "off"         # "error" | "warning" | "info" | "hint" | "off"
numbering = "error"

[hover]
preview-chars = 600                 # length of the summary excerpt in a hover
"#;
        let mut sections = Config::default().sections;
        sections.push(kind("method", &["方法", "Method"], false));
        let expected = Config {
            keywords: vec!["Paper".to_string(), "论文".to_string()],
            sections,
            rules: vec![
                (Rule::LinkWithoutScheme, None),
                (Rule::Numbering, Some(Severity::Error)),
            ],
            ..Config::default()
        };
        assert_eq!(ok(text), expected);
    }

    #[test]
    fn invalid_toml() {
        assert_eq!(
            one("[hover]\npreview-chars = \n"),
            (
                2,
                17,
                "",
                "invalid TOML: string values must be quoted, expected literal string".to_string()
            )
        );
        assert_eq!(
            one("[rules]\nnumbering = \"error\"\nnumbering = \"hint\"\n"),
            (3, 1, "numbering", "invalid TOML: duplicate key".to_string())
        );
        // A lone CR is no TOML line end.
        assert_eq!(
            one("a = 1\rb = 2\n"),
            (
                2,
                1,
                "",
                "invalid TOML: carriage return must be followed by newline, expected newline"
                    .to_string()
            )
        );
    }

    #[test]
    fn invalid_toml_reports_every_syntax_error_in_order() {
        let errors = errs("a = \nb = 1\nc = 'x\n");
        let at: Vec<_> = errors.iter().map(|e| (e.0, e.1)).collect();
        assert_eq!(at, vec![(1, 5), (3, 7)]);
        assert!(errors.iter().all(|e| e.3.starts_with("invalid TOML: ")));
    }

    #[test]
    fn unknown_table_and_top_level_key() {
        assert_eq!(
            one("[hovr]\npreview-chars = 10\n"),
            (
                1,
                2,
                "hovr",
                format!("unknown table [hovr]; known tables: {KNOWN_TABLES}")
            )
        );
        assert_eq!(
            one("preview-chars = 10\n"),
            (
                1,
                1,
                "preview-chars",
                format!(
                    "unknown key `preview-chars` at the top level; known tables: {KNOWN_TABLES}"
                )
            )
        );
    }

    #[test]
    fn unknown_key_in_a_table() {
        assert_eq!(
            one("[hover]\npreview = 10\n"),
            (
                2,
                1,
                "preview",
                "unknown key `preview` in [hover]; known keys: preview-chars".to_string()
            )
        );
        assert_eq!(
            one("[headings]\nkeyword = [\"P\"]\n"),
            (
                2,
                1,
                "keyword",
                "unknown key `keyword` in [headings]; known keys: keywords".to_string()
            )
        );
        assert_eq!(
            one("[inlay-hints]\nenable = true\n"),
            (
                2,
                1,
                "enable",
                "unknown key `enable` in [inlay-hints]; known keys: enabled, max-chars".to_string()
            )
        );
    }

    #[test]
    fn unknown_key_in_a_nested_table() {
        assert_eq!(
            one("[sections.abstract]\nlables = [\"A\"]\nrequired = true\n"),
            (
                2,
                1,
                "lables",
                "unknown key `lables` in [sections.abstract]; known keys: labels, required"
                    .to_string()
            )
        );
        assert_eq!(
            one("sections = { notes = { required = true, colour = \"red\" } }\n"),
            (
                1,
                41,
                "colour",
                "unknown key `colour` in [sections.notes]; known keys: labels, required"
                    .to_string()
            )
        );
    }

    #[test]
    fn unknown_rule() {
        assert_eq!(
            one("[rules]\nnumbring = \"off\"\n"),
            (
                2,
                1,
                "numbring",
                format!("unknown rule `numbring` in [rules]; known rules: {RULES}")
            )
        );
    }

    #[test]
    fn the_config_rule_is_not_configurable() {
        assert_eq!(
            one("[rules]\nconfig = \"off\"\n"),
            (
                2,
                1,
                "config",
                "the rule `config` in [rules] cannot be configured: errors in digest.toml are \
                 always reported"
                    .to_string()
            )
        );
    }

    #[test]
    fn unknown_severity() {
        assert_eq!(
            one("[rules]\nnumbering = \"fatal\"\n"),
            (
                2,
                13,
                "\"fatal\"",
                "unknown severity \"fatal\" for `numbering` in [rules]; expected \"error\", \
                 \"warning\", \"info\", \"hint\" or \"off\""
                    .to_string()
            )
        );
        // Severities are lower case, as the spec writes them.
        assert_eq!(one("[rules]\nnumbering = \"Error\"\n").1, 13);
    }

    #[test]
    fn wrong_types() {
        type Case<'a> = (&'a str, (usize, usize, &'a str, &'a str));
        let cases: &[Case<'_>] = &[
            (
                "[hover]\npreview-chars = \"600\"\n",
                (
                    2,
                    17,
                    "\"600\"",
                    "wrong type for `preview-chars` in [hover]: expected a positive integer, found a string",
                ),
            ),
            (
                "[hover]\npreview-chars = 6.5\n",
                (
                    2,
                    17,
                    "6.5",
                    "wrong type for `preview-chars` in [hover]: expected a positive integer, found a float",
                ),
            ),
            (
                "[headings]\nkeywords = \"Paper\"\n",
                (
                    2,
                    12,
                    "\"Paper\"",
                    "wrong type for `keywords` in [headings]: expected an array of strings, found a string",
                ),
            ),
            (
                "[headings]\nkeywords = [\"Paper\", 3]\n",
                (
                    2,
                    22,
                    "3",
                    "wrong type for an element of `keywords` in [headings]: expected a string, found an integer",
                ),
            ),
            (
                "[sections.notes]\nrequired = \"yes\"\n",
                (
                    2,
                    12,
                    "\"yes\"",
                    "wrong type for `required` in [sections.notes]: expected a boolean (true or false), found a string",
                ),
            ),
            (
                "[sections.notes]\nlabels = \"Notes\"\n",
                (
                    2,
                    10,
                    "\"Notes\"",
                    "wrong type for `labels` in [sections.notes]: expected an array of strings, found a string",
                ),
            ),
            (
                "[sections]\nnotes = [\"Notes\"]\n",
                (
                    2,
                    9,
                    "[\"Notes\"]",
                    "wrong type for `notes` in [sections]: expected a table of the section kind `notes` ([sections.notes]), found an array",
                ),
            ),
            (
                "[rules]\nnumbering = 1\n",
                (
                    2,
                    13,
                    "1",
                    "wrong type for `numbering` in [rules]: expected a severity, \"error\", \"warning\", \"info\", \"hint\" or \"off\", found an integer",
                ),
            ),
            (
                "[rules]\nnumbering = false\n",
                (
                    2,
                    13,
                    "false",
                    "wrong type for `numbering` in [rules]: expected a severity, \"error\", \"warning\", \"info\", \"hint\" or \"off\", found a boolean",
                ),
            ),
            (
                "hover = 600\n",
                (
                    1,
                    9,
                    "600",
                    "wrong type for `hover`: expected a table ([hover]), found an integer",
                ),
            ),
            (
                "[[rules]]\nnumbering = \"off\"\n",
                (
                    1,
                    1,
                    "[[rules]]",
                    "wrong type for `rules`: expected a table ([rules]), found an array",
                ),
            ),
            (
                "[inlay-hints]\nenabled = 1\n",
                (
                    2,
                    11,
                    "1",
                    "wrong type for `enabled` in [inlay-hints]: expected a boolean (true or false), found an integer",
                ),
            ),
            (
                "[inlay-hints]\nmax-chars = 1979-05-27\n",
                (
                    2,
                    13,
                    "1979-05-27",
                    "wrong type for `max-chars` in [inlay-hints]: expected a positive integer, found a datetime",
                ),
            ),
        ];
        for (text, (line, column, slice, message)) in cases {
            assert_eq!(
                one(text),
                (*line, *column, *slice, message.to_string()),
                "{text:?}"
            );
        }
    }

    #[test]
    fn integers_must_be_positive_and_fit() {
        assert_eq!(
            one("[hover]\npreview-chars = 0\n"),
            (
                2,
                17,
                "0",
                "invalid value for `preview-chars` in [hover]: expected a positive integer, \
                 found `0` (it is not positive)"
                    .to_string()
            )
        );
        assert_eq!(
            one("[inlay-hints]\nmax-chars = -3\n"),
            (
                2,
                13,
                "-3",
                "invalid value for `max-chars` in [inlay-hints]: expected a positive integer, \
                 found `-3` (it is not positive)"
                    .to_string()
            )
        );
        let big = "[hover]\npreview-chars = 999999999999999999999999999999999999999999\n";
        let (line, column, slice, message) = one(big);
        assert_eq!((line, column), (2, 17));
        assert_eq!(slice, "999999999999999999999999999999999999999999");
        assert!(message.ends_with("(it is too large)"), "{message}");
    }

    #[test]
    fn invalid_keywords() {
        assert_eq!(
            one("[headings]\nkeywords = []\n"),
            (
                2,
                12,
                "[]",
                "invalid value for `keywords` in [headings]: expected at least one keyword, found \
                 an empty list"
                    .to_string()
            )
        );
        assert_eq!(
            errs("[headings]\nkeywords = [\"\", \"Pa per\", \"论\u{3000}文\", \"OK\"]\n"),
            vec![
                (
                    2,
                    13,
                    "\"\"",
                    "invalid keyword \"\" in [headings]: a keyword must not be empty".to_string()
                ),
                (
                    2,
                    17,
                    "\"Pa per\"",
                    "invalid keyword \"Pa per\" in [headings]: a keyword must not contain white \
                     space"
                        .to_string()
                ),
                (
                    2,
                    27,
                    "\"论\u{3000}文\"",
                    "invalid keyword \"论\\u3000文\" in [headings]: a keyword must not contain \
                     white space"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn invalid_labels() {
        assert_eq!(
            one("[sections.notes]\nlabels = []\n"),
            (
                2,
                10,
                "[]",
                "invalid value for `labels` in [sections.notes]: expected at least one label, \
                 found an empty list"
                    .to_string()
            )
        );
        assert_eq!(
            errs("[sections.notes]\nlabels = [\"\", \" N\", \"N:\", \"N：\", \"a\\nb\"]\n")
                .into_iter()
                .map(|e| (e.1, e.3))
                .collect::<Vec<_>>(),
            vec![
                (
                    11,
                    "invalid label \"\" in [sections.notes]: a label must not be empty".to_string()
                ),
                (
                    15,
                    "invalid label \" N\" in [sections.notes]: a label must not start or end \
                     with white space"
                        .to_string()
                ),
                (
                    21,
                    "invalid label \"N:\" in [sections.notes]: a label must not contain `:` or \
                     `：` (the colon follows the label)"
                        .to_string()
                ),
                (
                    27,
                    "invalid label \"N：\" in [sections.notes]: a label must not contain `:` or \
                     `：` (the colon follows the label)"
                        .to_string()
                ),
                (
                    33,
                    "invalid label \"a\\nb\" in [sections.notes]: a label must not contain a \
                     line break"
                        .to_string()
                ),
            ]
        );
    }

    #[test]
    fn a_new_kind_needs_labels() {
        assert_eq!(
            one("[sections.method]\nrequired = true\n"),
            (
                1,
                11,
                "method",
                "missing key `labels` in [sections.method]: a new section kind needs at least \
                 one label"
                    .to_string()
            )
        );
        assert_eq!(
            one("[sections.\"my kind\"]\nrequired = true\n"),
            (
                1,
                11,
                "\"my kind\"",
                "missing key `labels` in [sections.\"my kind\"]: a new section kind needs at \
                 least one label"
                    .to_string()
            )
        );
    }

    #[test]
    fn a_label_names_one_kind() {
        // Against a default kind the file leaves alone.
        assert_eq!(
            one("[sections.remarks]\nlabels = [\"备注\", \"Notes\"]\n"),
            (
                2,
                17,
                "\"Notes\"",
                "label \"Notes\" in [sections.remarks] is also a label of the section kind \
                 `notes`; a label may name only one kind"
                    .to_string()
            )
        );
        // Both in the file: reported once, on the later one.
        assert_eq!(
            one("[sections.a]\nlabels = [\"X\"]\n[sections.b]\nlabels = [\"X\"]\n"),
            (
                4,
                11,
                "\"X\"",
                "label \"X\" in [sections.b] is also a label of the section kind `a`; a label \
                 may name only one kind"
                    .to_string()
            )
        );
    }

    #[test]
    fn multiple_errors_at_once_in_text_order() {
        let text = "[rules]\n\
                    numbring = \"off\"\n\
                    numbering = \"fatal\"\n\
                    [hover]\n\
                    preview-chars = 0\n\
                    colour = \"red\"\n\
                    [headings]\n\
                    keywords = [1]\n\
                    [extra]\n";
        let errors = errs(text);
        let at: Vec<_> = errors.iter().map(|e| (e.0, e.1, e.2)).collect();
        assert_eq!(
            at,
            vec![
                (2, 1, "numbring"),
                (3, 13, "\"fatal\""),
                (5, 17, "0"),
                (6, 1, "colour"),
                (8, 13, "1"),
                (9, 2, "extra"),
            ]
        );
        assert!(errors[0].3.starts_with("unknown rule `numbring`"));
        assert!(errors[1].3.starts_with("unknown severity \"fatal\""));
        assert!(errors[2].3.starts_with("invalid value for `preview-chars`"));
        assert!(errors[3].3.starts_with("unknown key `colour` in [hover]"));
        assert!(
            errors[4]
                .3
                .starts_with("wrong type for an element of `keywords`")
        );
        assert!(errors[5].3.starts_with("unknown table [extra]"));
    }

    #[test]
    fn columns_count_characters_after_cjk() {
        // Line 2: `labels = ["摘要", ` is 16 characters (20 bytes) before `5`.
        let text = "[sections.abstract]\nlabels = [\"摘要\", 5]\n";
        let (config, errors) = parse_config(text);
        assert_eq!(config, Config::default());
        assert_eq!(errors.len(), 1);
        let e = &errors[0];
        assert_eq!((e.line, e.column), (2, 17));
        assert_eq!(e.range, TextRange::new(40, 41));
        assert_eq!(e.range.slice(text), "5");

        // A comment in CJK on an earlier line, and CJK before the error on its line.
        let text = "# 配置文件\n[rules] # 规则\n\"数字\" = \"off\"\n";
        assert_eq!(
            one(text),
            (
                3,
                1,
                "\"数字\"",
                format!("unknown rule `\"数字\"` in [rules]; known rules: {RULES}")
            )
        );
        let text = "[rules]\nnumbering = \"错误\"\n";
        assert_eq!(one(text).1, 13);
        let text = "k = \"é\" = 1\n";
        let (line, column, _, _) = one(text);
        assert_eq!((line, column), (1, 9));
    }

    #[test]
    fn crlf_and_bom() {
        let text = "\u{feff}[hover]\r\npreview-chars = 10\r\n";
        assert_eq!(ok(text).preview_chars, 10);
        // The BOM is not counted in the column.
        let text = "\u{feff}[hovr]\r\n";
        let (config, errors) = parse_config(text);
        assert_eq!(config, Config::default());
        assert_eq!((errors[0].line, errors[0].column), (1, 2));
        assert_eq!(errors[0].range, TextRange::new(4, 8));
        let text = "[hover]\r\npreview-chars = 0\r\n";
        assert_eq!(one(text).0, 2);
        assert_eq!(one(text).1, 17);
    }

    #[test]
    fn any_error_leaves_all_the_defaults() {
        let text = "[headings]\nkeywords = [\"论文\"]\n[hover]\npreview-chars = 10\n[rules]\nx = \"off\"\n";
        let (config, errors) = parse_config(text);
        assert_eq!(config, Config::default());
        assert_eq!(errors.len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn never_panics(text in "(\\PC|[\\[\\]=\"'\\n\\r.,{}#a-z0-9 -]){0,80}") {
            let (config, errors) = parse_config(&text);
            if !errors.is_empty() {
                proptest::prop_assert_eq!(config, Config::default());
            }
            for e in errors {
                proptest::prop_assert!(e.line >= 1 && e.column >= 1);
                proptest::prop_assert!(e.range.start <= e.range.end && e.range.end <= text.len());
                proptest::prop_assert!(text.is_char_boundary(e.range.start));
                proptest::prop_assert!(text.is_char_boundary(e.range.end));
            }
        }

        #[test]
        fn never_panics_on_schema_shaped_input(
            table in "(headings|sections\\.[a-z]{1,3}|rules|hover|inlay-hints|x)",
            key in "(keywords|labels|required|preview-chars|max-chars|enabled|numbering|config|y)",
            value in "(\"[a-z:： ]{0,4}\"|-?[0-9]{1,25}|true|1\\.5|\\[(\"[a-z ]{0,3}\", ?){0,3}\\]|\\{\\})",
        ) {
            let text = format!("[{table}]\n{key} = {value}\n");
            let (config, errors) = parse_config(&text);
            if !errors.is_empty() {
                proptest::prop_assert_eq!(config, Config::default());
            }
        }
    }
}
