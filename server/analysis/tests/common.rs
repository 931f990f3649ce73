//! Shared helpers for the analysis crate's fixture tests.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use digest_analysis::{Analysis, Config, LineIndex, Lookup, Resolver, TextRange, check};

/// Renders a range as `line:col..line:col`, 1-based, columns in characters.
pub fn span(text: &str, range: TextRange) -> String {
    let index = LineIndex::new(text);
    let (sl, sc) = index.line_col_chars(text, range.start);
    let (el, ec) = index.line_col_chars(text, range.end);
    format!("{}:{}..{}:{}", sl + 1, sc + 1, el + 1, ec + 1)
}

/// Other digests for cross-file references, by relative path.
#[derive(Default)]
pub struct Files(pub HashMap<String, Option<String>>);

impl Files {
    pub fn with(mut self, path: &str, text: &str) -> Self {
        self.0.insert(path.to_string(), Some(text.to_string()));
        self
    }

    pub fn unreadable(mut self, path: &str) -> Self {
        self.0.insert(path.to_string(), None);
        self
    }
}

impl Resolver for Files {
    fn lookup(&self, relative: &str) -> Lookup {
        match self.0.get(relative) {
            Some(Some(text)) => Lookup::Found(Arc::new(Analysis::new(text, &Config::default()))),
            Some(None) => {
                Lookup::Unreadable("is not valid UTF-8 (first bad byte at offset 0)".into())
            }
            None => Lookup::Missing,
        }
    }
}

/// Every diagnostic of `text`, one line each:
/// `line:col..line:col severity[code] message`.
pub fn diagnostics_with(text: &str, config: &Config, files: &Files) -> Vec<String> {
    let analysis = Analysis::new(text, config);
    check(&analysis, config, files)
        .iter()
        .map(|d| {
            let mut line = format!(
                "{} {}[{}] {}",
                span(text, d.range),
                d.severity.as_str(),
                d.rule().code(),
                d.message()
            );
            for related in &d.related {
                line.push_str(&format!(
                    " (related {}: {})",
                    span(text, related.range),
                    related.message
                ));
            }
            line
        })
        .collect()
}

pub fn diagnostics(text: &str) -> Vec<String> {
    diagnostics_with(text, &Config::default(), &Files::default())
}

/// Takes the `$0` cursor marker out of a fixture: (text, offset).
pub fn cursor(fixture: &str) -> (String, usize) {
    let offset = fixture.find("$0").expect("fixture has a $0 cursor");
    (fixture.replacen("$0", "", 1), offset)
}
