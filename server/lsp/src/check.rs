//! The one sequence that checks a digest, shared by the CLI and the server:
//! configuration lookup, analysis (whole or incremental), rules.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use digest_analysis::{Analysis, Config, Diagnostic, Dirty, RuleCache, check_with};
use ropey::Rope;

use crate::digests::{Current, Digests};
use crate::files::{Configs, LoadedConfig, Source};
use crate::positions::LineTable;

/// A digest, analysed and checked under its configuration.
pub struct Checked {
    pub analysis: Arc<Analysis>,
    pub diagnostics: Vec<Diagnostic>,
    pub config: Arc<LoadedConfig>,
    /// The other digests the check looked at (found or not): when one of
    /// them changes, this check is out of date.
    pub looked_up: Vec<PathBuf>,
    /// Line starts of the text, made on first use.
    lines: OnceLock<LineTable>,
}

impl Checked {
    /// The text's line table (built once per version, when first needed).
    pub fn lines(&self) -> &LineTable {
        self.lines
            .get_or_init(|| LineTable::new(&self.analysis.text))
    }
}

/// Checks the digest at `path` whose text is `text` (the CLI's way).
pub fn check_file(path: &Path, text: &str, configs: &Configs, source: &dyn Source) -> Checked {
    let config = configs.for_file(path, source);
    let analysis = Arc::new(Analysis::new(text, &config.config));
    finish(
        path,
        analysis,
        config,
        configs,
        source,
        &mut RuleCache::default(),
    )
}

/// What is known of a document's text before it is checked: an earlier
/// analysis and what changed since, if any.
pub struct Previous {
    pub analysis: Arc<Analysis>,
    pub dirty: Option<Dirty>,
}

/// Checks an open document (the server's way): from its previous analysis
/// when there is one, re-parsing only what changed, and with the rules'
/// findings of its last check (`rules`), made again only for the papers
/// that changed.
pub fn check_document(
    path: &Path,
    rope: Rope,
    previous: Option<Previous>,
    rules: &mut RuleCache,
    configs: &Configs,
    source: &dyn Source,
) -> Checked {
    let config = configs.for_file(path, source);
    let analysis = analyse(rope, previous, &config.config);
    finish(path, analysis, config, configs, source, rules)
}

/// The analysis of `rope`: the previous one when nothing changed since,
/// else the previous one edited (only the touched papers re-parsed), else
/// the whole text parsed.
pub fn analyse(rope: Rope, previous: Option<Previous>, config: &Config) -> Arc<Analysis> {
    match previous {
        Some(Previous {
            analysis,
            dirty: None,
        }) => analysis,
        // Held nowhere else, the previous analysis is edited in place.
        Some(Previous {
            analysis,
            dirty: Some(dirty),
        }) => Arc::new(match Arc::try_unwrap(analysis) {
            Ok(owned) => owned.into_edited(rope, dirty, config),
            Err(shared) => shared.edit(rope, dirty, config),
        }),
        None => {
            let text = rope.to_string();
            Arc::new(Analysis::with_rope(rope, &text, config))
        }
    }
}

fn finish(
    path: &Path,
    analysis: Arc<Analysis>,
    config: Arc<LoadedConfig>,
    configs: &Configs,
    source: &dyn Source,
    rules: &mut RuleCache,
) -> Checked {
    let current = Current {
        path: digest_analysis::workspace::normalize(path),
        analysis: analysis.clone(),
        uri: None,
        version: None,
    };
    let digests = Digests::new(source, configs, Some(current));
    let diagnostics = check_with(&analysis, &config.config, &digests, rules);
    Checked {
        analysis,
        diagnostics,
        config,
        looked_up: digests.looked_up(),
        lines: OnceLock::new(),
    }
}
