//! The one sequence that checks a digest, shared by the CLI and the server:
//! configuration lookup, analysis, rules.

use std::path::Path;
use std::sync::Arc;

use digest_analysis::{Analysis, Diagnostic, check};

use crate::files::{Configs, FileResolver, LoadedConfig, Source};

/// A digest, analysed and checked under its configuration.
pub struct Checked {
    pub analysis: Arc<Analysis>,
    pub diagnostics: Vec<Diagnostic>,
    pub config: Arc<LoadedConfig>,
}

/// Checks the digest at `path` whose text is `text`.
pub fn check_file(path: &Path, text: Arc<str>, configs: &Configs, source: &dyn Source) -> Checked {
    let config = configs.for_file(path, source);
    let analysis = Arc::new(Analysis::new(text, &config.config));
    let resolver = FileResolver::new(path, source, configs);
    let diagnostics = check(&analysis, &config.config, &resolver);
    Checked {
        analysis,
        diagnostics,
        config,
    }
}
