//! The schema of `digest.toml`: one [`Entry`] per key, in [`SCHEMA`].

use std::ops::Range;
use std::sync::Arc;

use super::read::{key_name, quoted};
use super::{Config, DEFAULT_KINDS, Include, SectionKind};
use crate::rules::typography::Spacing;
use crate::rules::{Rule, Severity};

/// Every key of `digest.toml`, table by table, in the order of the docs.
pub(super) const SCHEMA: &[Entry] = &[
    Entry::new(
        "headings",
        "keywords",
        Value::Strings(Strings {
            item: "keyword",
            non_empty: true,
            check: keyword,
            set: set_keywords,
        }),
        r#"["Paper"]"#,
        "The words a paper's heading starts with, in place of `Paper`.",
    ),
    Entry::new(
        "sections.<kind>",
        "labels",
        Value::Strings(Strings {
            item: "label",
            non_empty: true,
            check: label,
            set: set_labels,
        }),
        "as in the table of kinds",
        "The labels that open a section of this kind, in place of its own; a new kind needs one.",
    )
    .needed(is_new_kind, "a new section kind needs at least one label"),
    Entry::new(
        "sections.<kind>",
        "required",
        Value::Bool(|b, required| b.kind().required = required),
        "as in the table of kinds; `false` for a new kind",
        "Whether every paper must have a section of this kind.",
    ),
    Entry::new(
        "rules",
        "<rule>",
        Value::Choice {
            what: "severity",
            of: &["error", "warning", "info", "hint", "off"],
            set: set_rule,
        },
        "as in the table of codes",
        "The severity of the rule with this code (any but `config`); `\"off\"` turns it off.",
    ),
    Entry::new(
        "hover",
        "preview-chars",
        Value::Positive(|b, n| b.config.preview_chars = n),
        "600",
        "Length of the summary excerpt in a hover, in characters.",
    ),
    Entry::new(
        "inlay-hints",
        "enabled",
        Value::Bool(|b, enabled| b.config.inlay_hints_enabled = enabled),
        "true",
        "Whether a reference is followed by the title of the paper it names.",
    ),
    Entry::new(
        "inlay-hints",
        "max-chars",
        Value::Positive(|b, n| b.config.inlay_max_chars = n),
        "30",
        "Longest title shown after a reference, in characters (a longer one is cut).",
    ),
    Entry::new(
        "files",
        "include",
        Value::Strings(Strings {
            item: "pattern",
            non_empty: false,
            check: include_pattern,
            set: set_include,
        }),
        "[]",
        "More digests, as globs relative to this file's folder, besides every `*.digest`.",
    ),
    Entry::new(
        "typography",
        "spacing",
        Value::Choice {
            what: "spacing",
            of: &["space", "none"],
            set: |b, spacing| {
                b.config.typography.spacing = match spacing {
                    "none" => Spacing::None,
                    _ => Spacing::Space,
                }
            },
        },
        r#""space""#,
        "Between a Han character and a Latin letter or digit: one space (`\"space\"`) or none (`\"none\"`), for `cjk-spacing`.",
    ),
    Entry::new(
        "typography",
        "sections",
        Value::Strings(Strings {
            item: "section kind",
            non_empty: false,
            check: section_kind,
            set: set_typography_sections,
        }),
        r#"["summary", "notes"]"#,
        "The section kinds whose text the typography rules read.",
    ),
    Entry::new(
        "format",
        "enabled",
        Value::Bool(|b, enabled| b.config.format_enabled = enabled),
        "true",
        "`false`: `fmt` and the editor's formatting leave the files under this file alone.",
    ),
    Entry::new(
        "bibliography",
        "files",
        Value::Strings(Strings {
            item: "file",
            non_empty: false,
            check: bibliography_file,
            set: set_bibliography_files,
        }),
        "every `*.bib` in the digest's folder",
        "BibTeX/BibLaTeX (`.bib`) and CSL-JSON (`.json`) files, relative to this file's folder; `[]`: no bibliography.",
    ),
];

/// The names a file chooses, where [`SCHEMA`] writes `<...>`.
pub(super) const PATTERNS: &[Pattern] = &[
    Pattern {
        name: "<kind>",
        what: "the section kind",
        accept: |kind, within| {
            if kind.trim().is_empty() {
                Err(format!(
                    "invalid section kind in [{within}]: a kind's name must not be empty"
                ))
            } else {
                Ok(())
            }
        },
    },
    Pattern {
        name: "<rule>",
        what: "the rule",
        accept: accept_rule,
    },
];

/// One key: where it is, what its value must be and where the value goes.
pub(super) struct Entry {
    /// The table as its heading writes it, `hover` or `sections.<kind>`.
    pub table: &'static str,
    /// The key, `preview-chars` or `<rule>`.
    pub key: &'static str,
    pub value: Value,
    /// The default: TOML for a key with a fixed name, else words.
    pub default: &'static str,
    /// What the key does, one sentence for the docs.
    pub doc: &'static str,
    /// When the table must have this key, and why.
    pub needed: Option<Needed>,
}

impl Entry {
    const fn new(
        table: &'static str,
        key: &'static str,
        value: Value,
        default: &'static str,
        doc: &'static str,
    ) -> Self {
        Self {
            table,
            key,
            value,
            default,
            doc,
            needed: None,
        }
    }

    /// The table must have this key when `when` holds of what was read.
    const fn needed(self, when: fn(&Build) -> bool, why: &'static str) -> Self {
        Self {
            needed: Some(Needed { when, why }),
            ..self
        }
    }

    /// The table's name split at its dots: `["sections", "<kind>"]`.
    pub fn path(&self) -> impl Iterator<Item = &'static str> {
        self.table.split('.')
    }

    /// True when the table and the key have fixed names.
    pub fn is_fixed(&self) -> bool {
        !self.table.contains('<') && !self.key.contains('<')
    }
}

pub(super) struct Needed {
    pub when: fn(&Build) -> bool,
    pub why: &'static str,
}

/// The type a value must have, with the setter that takes it.
pub(super) enum Value {
    /// `true` or `false`.
    Bool(fn(&mut Build, bool)),
    /// An integer of at least 1 that fits a `usize`.
    Positive(fn(&mut Build, usize)),
    /// One of a few strings; `what` names them in messages.
    Choice {
        what: &'static str,
        of: &'static [&'static str],
        set: fn(&mut Build, &str),
    },
    /// An array of strings.
    Strings(Strings),
}

/// An array of strings, checked one by one, then set whole.
pub(super) struct Strings {
    /// What one element is, for messages: "keyword".
    pub item: &'static str,
    /// Whether an empty array is an error.
    pub non_empty: bool,
    /// Why one element is not accepted.
    pub check: fn(&str) -> Result<(), String>,
    /// Takes the elements, each with its span, once all are accepted;
    /// `Err(why)` for an array not accepted as a whole.
    pub set: fn(&mut Build, Vec<Item>) -> Result<(), String>,
}

/// A string of an array, with its byte range in the file.
pub(super) type Item = (String, Range<usize>);

/// A name the file chooses: `<kind>`, `<rule>`.
pub(super) struct Pattern {
    pub name: &'static str,
    /// What a name names, for messages: "the section kind".
    pub what: &'static str,
    /// `Err(message)` for a name that is not accepted in the table
    /// `within` (as a heading writes it).
    pub accept: fn(&str, &str) -> Result<(), String>,
}

impl Pattern {
    pub fn get(name: &str) -> Option<&'static Pattern> {
        PATTERNS.iter().find(|p| p.name == name)
    }
}

impl Value {
    /// What the value must be, for "expected ..." in messages.
    pub fn expected(&self) -> String {
        match self {
            Value::Bool(_) => "a boolean (true or false)".to_string(),
            Value::Positive(_) => "a positive integer".to_string(),
            Value::Choice { what, of, .. } => format!("a {what}, {}", choices(of)),
            Value::Strings(_) => "an array of strings".to_string(),
        }
    }

    /// What the value must be, in Markdown.
    fn doc(&self) -> String {
        match self {
            Value::Bool(_) => "`true` or `false`".to_string(),
            Value::Positive(_) => "a positive integer".to_string(),
            Value::Choice { of, .. } => {
                let quoted: Vec<_> = of.iter().map(|c| format!("`\"{c}\"`")).collect();
                one_of(&quoted)
            }
            Value::Strings(_) => "an array of strings".to_string(),
        }
    }
}

/// `"a", "b" or "c"`.
pub(super) fn choices(of: &[&str]) -> String {
    let quoted: Vec<_> = of.iter().map(|c| quoted(c)).collect();
    one_of(&quoted)
}

fn one_of(items: &[String]) -> String {
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// The keys of `digest.toml` as a Markdown table: the reference that
/// `docs/format.md` carries under "Configuration" (a test keeps the two
/// equal).
pub fn reference() -> String {
    let mut out = String::from("| table | key | value | default | what it does |\n");
    out.push_str("|---|---|---|---|---|\n");
    for entry in SCHEMA {
        // A default in words (with its own code spans) is shown as written.
        let default = if entry.is_fixed() && !entry.default.contains('`') {
            format!("`{}`", entry.default)
        } else {
            entry.default.to_string()
        };
        out.push_str(&format!(
            "| `[{}]` | `{}` | {} | {} | {} |\n",
            entry.table,
            entry.key,
            entry.value.doc(),
            default,
            entry.doc
        ));
    }
    out
}

/// What the setters write into.
pub(super) struct Build {
    pub config: Config,
    /// The name the file chose for the `<...>` of the entry being set: the
    /// kind in `[sections.<kind>]`, the code in `[rules] <rule>`.
    pub name: String,
    /// Every label the file gives a kind, with its span, for [`Self::clashes`].
    labels: Vec<LabelOrigin>,
}

/// A label the file gives a kind, and where.
struct LabelOrigin {
    kind: Arc<str>,
    label: String,
    span: Range<usize>,
}

impl Build {
    pub fn new() -> Self {
        Self {
            config: Config::default(),
            name: String::new(),
            labels: Vec::new(),
        }
    }

    /// The section kind `self.name`, added after the others when new.
    fn kind(&mut self) -> &mut SectionKind {
        let sections = &mut self.config.sections;
        let index = match sections.iter().position(|k| *k.name == *self.name) {
            Some(index) => index,
            None => {
                sections.push(SectionKind {
                    name: self.name.as_str().into(),
                    labels: Vec::new(),
                    required: false,
                });
                sections.len() - 1
            }
        };
        &mut sections[index]
    }

    /// The checks across keys, once every key is read: a label set in the
    /// file that another kind also has is ambiguous; reported once, on the
    /// occurrence later in the file (or on the only one in the file, when
    /// the other is a default).
    pub fn clashes(&self) -> Vec<(Range<usize>, String)> {
        let mut origins: Vec<&LabelOrigin> = self.labels.iter().collect();
        origins.sort_by_key(|o| o.span.start);
        let mut errors = Vec::new();
        for origin in &origins {
            let other = self
                .config
                .sections
                .iter()
                .find(|k| k.name != origin.kind && k.labels.contains(&origin.label));
            let Some(other) = other else { continue };
            let same = |o: &LabelOrigin| o.kind == other.name && o.label == origin.label;
            let in_file = origins.iter().any(|o| same(o));
            let earlier_in_file = origins
                .iter()
                .any(|o| same(o) && o.span.start < origin.span.start);
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
            errors.push((origin.span.clone(), message));
        }
        errors
    }
}

fn keyword(keyword: &str) -> Result<(), String> {
    if keyword.is_empty() {
        Err("a keyword must not be empty".to_string())
    } else if keyword.chars().any(char::is_whitespace) {
        Err("a keyword must not contain white space".to_string())
    } else {
        Ok(())
    }
}

/// A repeat is harmless and dropped.
fn set_keywords(b: &mut Build, items: Vec<Item>) -> Result<(), String> {
    let mut keywords = Vec::new();
    for (keyword, _) in items {
        if !keywords.contains(&keyword) {
            keywords.push(keyword);
        }
    }
    b.config.keywords = keywords;
    Ok(())
}

fn label(label: &str) -> Result<(), String> {
    let problem = if label.is_empty() {
        "a label must not be empty"
    } else if label.trim() != label {
        "a label must not start or end with white space"
    } else if label.contains(['\n', '\r']) {
        "a label must not contain a line break"
    } else if label.contains([':', '：']) {
        "a label must not contain `:` or `：` (the colon follows the label)"
    } else {
        return Ok(());
    };
    Err(problem.to_string())
}

fn set_labels(b: &mut Build, items: Vec<Item>) -> Result<(), String> {
    let kind = b.kind();
    kind.labels.clear();
    let mut origins = Vec::new();
    for (label, span) in items {
        if !kind.labels.contains(&label) {
            origins.push(LabelOrigin {
                kind: kind.name.clone(),
                label: label.clone(),
                span,
            });
            kind.labels.push(label);
        }
    }
    b.labels.extend(origins);
    Ok(())
}

fn is_new_kind(b: &Build) -> bool {
    !DEFAULT_KINDS.iter().any(|(name, _, _)| *name == b.name)
}

fn accept_rule(code: &str, within: &str) -> Result<(), String> {
    match Rule::from_code(code) {
        None => {
            let known: Vec<_> = Rule::ALL
                .iter()
                .filter(|r| **r != Rule::Config)
                .map(|r| r.code())
                .collect();
            Err(format!(
                "unknown rule `{}` in [{within}]; known rules: {}",
                key_name(code),
                known.join(", ")
            ))
        }
        Some(Rule::Config) => Err(format!(
            "the rule `config` in [{within}] cannot be configured: errors in digest.toml are \
             always reported"
        )),
        Some(_) => Ok(()),
    }
}

/// `"off"` is the one choice that is no [`Severity`].
fn set_rule(b: &mut Build, severity: &str) {
    if let Some(rule) = Rule::from_code(&b.name) {
        b.config.rules.push((rule, Severity::from_name(severity)));
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

fn include_pattern(pattern: &str) -> Result<(), String> {
    include_glob(pattern).map(drop)
}

fn section_kind(kind: &str) -> Result<(), String> {
    if kind.trim().is_empty() {
        Err("a section kind's name must not be empty".to_string())
    } else {
        Ok(())
    }
}

fn set_typography_sections(b: &mut Build, items: Vec<Item>) -> Result<(), String> {
    let mut sections: Vec<String> = Vec::new();
    for (kind, _) in items {
        if !sections.contains(&kind) {
            sections.push(kind);
        }
    }
    b.config.typography.sections = sections;
    Ok(())
}

fn bibliography_file(file: &str) -> Result<(), String> {
    if file.trim().is_empty() {
        Err("a bibliography file's name must not be empty".to_string())
    } else if file.contains(['\n', '\r']) {
        Err("a bibliography file's name must not contain a line break".to_string())
    } else if names_a_folder(file) {
        Err(
            "a bibliography file's name must name a file, not a folder: name the `.bib` \
             and `.json` files, or leave `files` out to read every `*.bib` beside the digest"
                .to_string(),
        )
    } else if file.contains(['*', '?']) {
        Err(
            "a bibliography file's name is a path, not a pattern: name each file, or \
             leave `files` out to read every `*.bib` beside the digest"
                .to_string(),
        )
    } else {
        Ok(())
    }
}

/// True for a path that names a folder whatever the disk holds: it ends
/// with a separator, or with `.` or `..` (`./`, `../zotero/`, `lib/..`).
fn names_a_folder(file: &str) -> bool {
    let last = file.rsplit(['/', '\\']).next().unwrap_or(file);
    file.ends_with(['/', '\\']) || last == "." || last == ".."
}

/// A repeat is harmless and dropped; an empty array is no bibliography
/// (the way to turn it off: without the key, every `*.bib` beside the
/// digest is).
fn set_bibliography_files(b: &mut Build, items: Vec<Item>) -> Result<(), String> {
    let mut files: Vec<String> = Vec::new();
    for (file, _) in items {
        if !files.contains(&file) {
            files.push(file);
        }
    }
    b.config.bibliography_files = Some(files);
    Ok(())
}

fn set_include(b: &mut Build, items: Vec<Item>) -> Result<(), String> {
    let mut builder = globset::GlobSetBuilder::new();
    let mut patterns = Vec::new();
    for (pattern, _) in items {
        builder.add(include_glob(&pattern)?);
        patterns.push(pattern);
    }
    let set = builder.build().map_err(|e| e.kind().to_string())?;
    b.config.include = Include { patterns, set };
    Ok(())
}
