//! The reader: walks a parsed `digest.toml` along [`SCHEMA`], hands each
//! valid value to its entry's setter, and reports every problem at its
//! position.

use std::ops::Range;

use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use super::schema::{Build, Entry, Pattern, SCHEMA, Strings, Value, choices};
use super::{Config, ConfigError};
use crate::TextRange;
use crate::line_index::{LineIndex, floor_char_boundary};

type TomlValue<'i> = Spanned<DeValue<'i>>;
type TomlKey<'i> = Spanned<DeString<'i>>;

pub(super) struct Reader<'t> {
    text: &'t str,
    lines: LineIndex,
    errors: Vec<ConfigError>,
}

impl<'t> Reader<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            text,
            lines: LineIndex::new(text),
            errors: Vec::new(),
        }
    }

    pub fn into_errors(self) -> Vec<ConfigError> {
        self.errors
    }

    pub fn error(&mut self, span: Range<usize>, message: String) {
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

    /// The whole file: every table, then the checks across keys.
    pub fn document(&mut self, root: &DeTable<'_>) -> Config {
        let mut build = Build::new();
        self.table(&mut build, &Table::root(), root);
        for (span, message) in build.clashes() {
            self.error(span, message);
        }
        build.config
    }

    /// One table of the file, `at` its place in the schema. A name the file
    /// chooses is checked before the value of a key, and after the type of
    /// a table.
    fn table(&mut self, build: &mut Build, at: &Table, table: &DeTable<'_>) {
        for (key, value) in entries(table) {
            let name = key.get_ref().as_ref();
            match at.lookup(name) {
                None => self.unknown(at, key, value),
                Some(Found::Key(entry, pattern)) => {
                    if self.accept(build, pattern, key, at) {
                        self.value(build, entry, at, name, value);
                    }
                }
                Some(Found::Table(segment, pattern)) => {
                    let child = at.child(segment, name);
                    let Some(inner) = value.get_ref().as_table() else {
                        let expected = match pattern {
                            Some(p) => format!(
                                "a table of {} `{}` ([{}])",
                                p.what,
                                key_name(name),
                                child.shown
                            ),
                            None => format!("a table ([{}])", child.shown),
                        };
                        self.wrong_type(value, &at.describe(name), &expected);
                        continue;
                    };
                    if self.accept(build, pattern, key, at) {
                        self.table(build, &child, inner);
                        if pattern.is_some() {
                            // The table's own keys may have named others.
                            build.name = name.to_string();
                        }
                        self.missing(build, &child, inner, key.span());
                    }
                }
            }
        }
    }

    /// A key's name, when the file chooses it (`pattern`): reported when not
    /// accepted, else made the name the setters see. True when accepted.
    fn accept(
        &mut self,
        build: &mut Build,
        pattern: Option<&Pattern>,
        key: &TomlKey<'_>,
        at: &Table,
    ) -> bool {
        let Some(pattern) = pattern else {
            return true;
        };
        let name = key.get_ref().as_ref();
        match (pattern.accept)(name, &at.shown) {
            Ok(()) => {
                build.name = name.to_string();
                true
            }
            Err(message) => {
                self.error(key.span(), message);
                false
            }
        }
    }

    fn unknown(&mut self, at: &Table, key: &TomlKey<'_>, value: &TomlValue<'_>) {
        let name = key_name(key.get_ref());
        let message = if at.path.is_empty() {
            let mut tables: Vec<String> = Vec::new();
            for entry in SCHEMA {
                let table = format!("[{}]", entry.table);
                if !tables.contains(&table) {
                    tables.push(table);
                }
            }
            let known = tables.join(", ");
            if value.get_ref().is_table() {
                format!("unknown table [{name}]; known tables: {known}")
            } else {
                format!("unknown key `{name}` at the top level; known tables: {known}")
            }
        } else {
            let keys = at.keys().map(|e| e.key.to_string());
            let tables = at
                .children()
                .into_iter()
                .map(|c| format!("[{}.{c}]", at.shown));
            let known: Vec<_> = keys.chain(tables).collect();
            format!(
                "unknown key `{name}` in [{}]; known keys: {}",
                at.shown,
                known.join(", ")
            )
        };
        self.error(key.span(), message);
    }

    /// The keys with a fixed name that a table must have and does not.
    fn missing(&mut self, build: &Build, at: &Table, table: &DeTable<'_>, span: Range<usize>) {
        for entry in at.keys().filter(|e| !is_pattern(e.key)) {
            let Some(needed) = &entry.needed else {
                continue;
            };
            if !table.contains_key(entry.key) && (needed.when)(build) {
                let message = format!(
                    "missing key `{}` in [{}]: {}",
                    key_name(entry.key),
                    at.shown,
                    needed.why
                );
                self.error(span.clone(), message);
            }
        }
    }

    /// A key's value, checked against its entry and set when valid.
    fn value(
        &mut self,
        build: &mut Build,
        entry: &Entry,
        at: &Table,
        key: &str,
        value: &TomlValue<'_>,
    ) {
        let place = at.describe(key);
        match &entry.value {
            Value::Bool(set) => match value.get_ref().as_bool() {
                Some(yes) => set(build, yes),
                None => self.wrong_type(value, &place, &entry.value.expected()),
            },
            Value::Positive(set) => {
                if let Some(n) = self.positive(value, &place, &entry.value.expected()) {
                    set(build, n);
                }
            }
            Value::Choice { what, of, set } => match value.get_ref().as_str() {
                Some(choice) if of.contains(&choice) => set(build, choice),
                Some(other) => {
                    let message = format!(
                        "unknown {what} {} for {place}; expected {}",
                        quoted(other),
                        choices(of)
                    );
                    self.error(value.span(), message);
                }
                None => self.wrong_type(value, &place, &entry.value.expected()),
            },
            Value::Strings(strings) => self.strings(build, strings, at, &place, value),
        }
    }

    fn wrong_type(&mut self, value: &TomlValue<'_>, what: &str, expected: &str) {
        let message = format!(
            "wrong type for {what}: expected {expected}, found {}",
            found(value.get_ref())
        );
        self.error(value.span(), message);
    }

    /// A positive integer that fits a `usize`.
    fn positive(&mut self, value: &TomlValue<'_>, place: &str, expected: &str) -> Option<usize> {
        let Some(integer) = value.get_ref().as_integer() else {
            self.wrong_type(value, place, expected);
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
            "invalid value for {place}: expected {expected}, found `{}` ({problem})",
            self.text.get(value.span()).unwrap_or("")
        );
        self.error(value.span(), message);
        None
    }

    /// An array of strings: each element a string, then each accepted,
    /// then the whole set.
    fn strings(
        &mut self,
        build: &mut Build,
        strings: &Strings,
        at: &Table,
        place: &str,
        value: &TomlValue<'_>,
    ) {
        let Some(array) = value.get_ref().as_array() else {
            self.wrong_type(value, place, "an array of strings");
            return;
        };
        let mut items = Vec::new();
        let mut ok = true;
        for item in array.iter() {
            match item.get_ref().as_str() {
                Some(s) => items.push((s.to_string(), item.span())),
                None => {
                    self.wrong_type(item, &format!("an element of {place}"), "a string");
                    ok = false;
                }
            }
        }
        if !ok {
            return;
        }
        if strings.non_empty && items.is_empty() {
            let message = format!(
                "invalid value for {place}: expected at least one {}, found an empty list",
                strings.item
            );
            self.error(value.span(), message);
            return;
        }
        for (s, span) in &items {
            if let Err(problem) = (strings.check)(s) {
                let message = format!(
                    "invalid {} {} in [{}]: {problem}",
                    strings.item,
                    quoted(s),
                    at.shown
                );
                self.error(span.clone(), message);
                ok = false;
            }
        }
        if ok && let Err(why) = (strings.set)(build, items) {
            self.error(value.span(), format!("invalid value for {place}: {why}"));
        }
    }
}

/// A table of the file, placed in the schema.
struct Table {
    /// Its name in the schema, split at the dots: `["sections", "<kind>"]`;
    /// empty at the top level.
    path: Vec<&'static str>,
    /// Its name as a heading in the file would write it: `sections.notes`.
    shown: String,
}

/// What a key of the file is in the schema, with the pattern it matched
/// when its name is one the file chooses.
enum Found {
    Key(&'static Entry, Option<&'static Pattern>),
    Table(&'static str, Option<&'static Pattern>),
}

fn is_pattern(name: &str) -> bool {
    name.starts_with('<')
}

impl Table {
    fn root() -> Self {
        Self {
            path: Vec::new(),
            shown: String::new(),
        }
    }

    /// The entries whose key is in this table.
    fn keys(&self) -> impl Iterator<Item = &'static Entry> + '_ {
        SCHEMA
            .iter()
            .filter(|e| e.path().eq(self.path.iter().copied()))
    }

    /// The tables right inside this one, in schema order, each once.
    fn children(&self) -> Vec<&'static str> {
        let mut children = Vec::new();
        for entry in SCHEMA {
            let path: Vec<_> = entry.path().collect();
            if let Some(&child) = path.get(self.path.len())
                && path.starts_with(&self.path)
                && !children.contains(&child)
            {
                children.push(child);
            }
        }
        children
    }

    /// What the file's key `name` is here: a key with a fixed name, a table
    /// with one, then a key or a table whose name the file chooses.
    fn lookup(&self, name: &str) -> Option<Found> {
        let children = self.children();
        if let Some(entry) = self.keys().find(|e| !is_pattern(e.key) && e.key == name) {
            return Some(Found::Key(entry, None));
        }
        if let Some(&child) = children.iter().find(|c| !is_pattern(c) && **c == name) {
            return Some(Found::Table(child, None));
        }
        if let Some((entry, pattern)) = self.keys().find_map(|e| Some((e, Pattern::get(e.key)?))) {
            return Some(Found::Key(entry, Some(pattern)));
        }
        children
            .iter()
            .find_map(|&c| Some(Found::Table(c, Some(Pattern::get(c)?))))
    }

    /// The table the file's key `name` opens, `segment` in the schema.
    fn child(&self, segment: &'static str, name: &str) -> Table {
        let mut path = self.path.clone();
        path.push(segment);
        let shown = if self.shown.is_empty() {
            key_name(name)
        } else {
            format!("{}.{}", self.shown, key_name(name))
        };
        Table { path, shown }
    }

    /// A key of this table, for messages: "`key` in [table]".
    fn describe(&self, key: &str) -> String {
        if self.path.is_empty() {
            format!("`{}`", key_name(key))
        } else {
            format!("`{}` in [{}]", key_name(key), self.shown)
        }
    }
}

/// A table's entries in the order the file has them (the parsed map is
/// ordered by key, not by position).
fn entries<'t, 'i>(table: &'t DeTable<'i>) -> Vec<(&'t TomlKey<'i>, &'t TomlValue<'i>)> {
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
pub(super) fn key_name(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if bare { key.to_string() } else { quoted(key) }
}

/// A string as a TOML basic string: quoted, with `"`, `\\`, control
/// characters and white space other than a plain space escaped, so that
/// what a message shows can be pasted back into the file.
pub(super) fn quoted(s: &str) -> String {
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
