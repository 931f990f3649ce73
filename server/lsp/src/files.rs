//! The disk, as the CLI and the server both see it: files read as UTF-8,
//! the nearest `digest.toml`; and what else is known ([`Source`]).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use digest_analysis::workspace::normalize;
use digest_analysis::{Analysis, Config, ConfigError, Lookup, parse_config};
use tower_lsp_server::ls_types::Uri;

use crate::bibliographies::{Bibliographies, Files};
use crate::digests::{IndexedDigest, Layer};
use digest_analysis::bibliography::Bibliography;

pub const CONFIG_FILE: &str = "digest.toml";

/// What is known besides the disk: the editor's open documents and the
/// workspace index (the session's; the CLI has neither: [`DiskOnly`]).
/// Digests are reached through [`crate::digests::Digests`], which asks
/// this first and reads the disk after.
pub trait Source: Send + Sync {
    /// The text of `path` when the editor has it open (used for `digest.toml`).
    fn open_text(&self, path: &Path) -> Option<String>;

    /// The analysis of the digest at `path` when the editor has it open.
    fn open_digest(&self, path: &Path) -> Option<Arc<Analysis>>;

    /// What the workspace index holds at `path` (normalised), if it holds
    /// it: read once, not read again for every reference.
    fn indexed(&self, _path: &Path) -> Option<Lookup> {
        None
    }

    /// The URI the editor knows `path` by (its own for an open document).
    fn uri_of(&self, path: &Path) -> Option<Uri> {
        Uri::from_file_path(path)
    }

    /// Every analysed digest of the index.
    fn indexed_digests(&self) -> Vec<IndexedDigest> {
        Vec::new()
    }

    /// Every open digest with a file path but the one at `except`, each
    /// with the analysis of its current text.
    fn open_digests(&self, _except: Option<&Path>) -> Vec<Layer> {
        Vec::new()
    }

    /// True when `path` is in a workspace folder.
    fn in_folders(&self, _path: &Path) -> bool {
        false
    }
}

/// Only the disk.
pub struct DiskOnly;

impl Source for DiskOnly {
    fn open_text(&self, _path: &Path) -> Option<String> {
        None
    }

    fn open_digest(&self, _path: &Path) -> Option<Arc<Analysis>> {
        None
    }
}

/// A file read as UTF-8, or why it could not be.
pub fn read_text(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read: {e}"))?;
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "is not valid UTF-8 (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// A parsed `digest.toml` (or the defaults when there is none).
#[derive(Debug)]
pub struct LoadedConfig {
    /// The file it came from, if any.
    pub path: Option<PathBuf>,
    pub config: Arc<Config>,
    pub errors: Vec<ConfigError>,
    /// The file's text (for positions of its errors).
    pub text: String,
}

/// The nearest-`digest.toml` lookup, cached per folder; and the
/// bibliographies the configurations lead to.
#[derive(Default)]
pub struct Configs {
    by_dir: Mutex<HashMap<PathBuf, Arc<LoadedConfig>>>,
    pub bibliographies: Bibliographies,
}

impl Configs {
    /// The files of the bibliography of the digest at `digest` (spec,
    /// "Bibliography"), under the configuration that applies to it.
    pub fn bibliography_files(&self, digest: &Path, source: &dyn Source) -> Files {
        let loaded = self.for_file(digest, source);
        self.bibliographies.files_for(digest, &loaded)
    }

    /// The bibliography of the digest at `digest`: its files, and their
    /// entries (kept from an earlier read, or read now).
    pub fn bibliography(&self, digest: &Path, source: &dyn Source) -> (Files, Arc<Bibliography>) {
        let files = self.bibliography_files(digest, source);
        let bibliography = self.bibliographies.get(&files, source);
        (files, bibliography)
    }

    /// The configuration that applies to a digest at `file`.
    pub fn for_file(&self, file: &Path, source: &dyn Source) -> Arc<LoadedConfig> {
        let dir = file.parent().unwrap_or(Path::new("."));
        self.for_dir(dir, source)
    }

    pub fn for_dir(&self, dir: &Path, source: &dyn Source) -> Arc<LoadedConfig> {
        if let Some(hit) = lock(&self.by_dir).get(dir) {
            return hit.clone();
        }
        let loaded = Arc::new(load_nearest(dir, source));
        lock(&self.by_dir).insert(dir.to_path_buf(), loaded.clone());
        loaded
    }

    /// Forgets every cached configuration (a `digest.toml` changed), and
    /// the bibliographies read under them.
    pub fn clear(&self) {
        lock(&self.by_dir).clear();
        self.bibliographies.clear();
    }
}

/// The folders a `digest.toml` is looked for in, nearest first: `dir` and
/// every folder above it, up to the root (a relative `dir` goes on above
/// the working folder). Each is spelt as `dir` spells it when `dir`'s own
/// spelling reaches it (`./sub`, `.`), else absolute.
fn folders_up(dir: &Path) -> Vec<PathBuf> {
    let Ok(cwd) = std::env::current_dir() else {
        return dir.ancestors().map(Path::to_path_buf).collect();
    };
    let absolute = |p: &Path| normalize(&cwd.join(p));
    let mut spelt: HashMap<PathBuf, &Path> = HashMap::new();
    for folder in dir.ancestors() {
        // The nearest spelling wins (`.` rather than the empty path after it).
        spelt.entry(absolute(folder)).or_insert(folder);
    }
    absolute(dir)
        .ancestors()
        .map(|folder| match spelt.get(folder) {
            Some(as_given) => as_given.to_path_buf(),
            None => folder.to_path_buf(),
        })
        .collect()
}

fn load_nearest(dir: &Path, source: &dyn Source) -> LoadedConfig {
    for folder in folders_up(dir) {
        let candidate = folder.join(CONFIG_FILE);
        let text = match source.open_text(&candidate) {
            Some(text) => Ok(text),
            None if candidate.is_file() => read_text(&candidate),
            None => continue,
        };
        let (config, errors, text) = match text {
            Ok(text) => {
                let (config, errors) = parse_config(&text);
                (config, errors, text)
            }
            // An unreadable config is reported like a broken one.
            Err(why) => {
                let error = ConfigError {
                    line: 1,
                    column: 1,
                    range: digest_analysis::TextRange::empty(0),
                    message: format!("{CONFIG_FILE} {why}"),
                };
                (Config::default(), vec![error], String::new())
            }
        };
        return LoadedConfig {
            path: Some(candidate),
            config: Arc::new(config),
            errors,
            text,
        };
    }
    LoadedConfig {
        path: None,
        config: Arc::new(Config::default()),
        errors: Vec::new(),
        text: String::new(),
    }
}

/// Locks a mutex, recovering the data if a panicking thread poisoned it.
pub fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
