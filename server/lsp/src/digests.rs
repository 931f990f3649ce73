//! Other digests, reached one way.
//!
//! A check or a request reaches every digest besides its own through one
//! [`Digests`], which answers in two shapes, as the analysis asks:
//!
//! - by path ([`Digests::at`], and the analysis's [`Resolver`] for a
//!   `[[file#Paper3]]` target): the file itself, then the editor's open
//!   documents, then the workspace index, then the disk; each path looked
//!   up once, and remembered (a check is out of date when one of them
//!   changes);
//! - all at once ([`Digests::view`], the [`View`] that references, rename,
//!   completion, workspace symbols and the cross-file rule take): the
//!   index, the open documents over it, the file itself over those.
//!
//! What it is told of the open documents and the index comes from a
//! [`Source`]: the session in the server, [`crate::files::DiskOnly`] in the
//! CLI.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use digest_analysis::bibliography::Bibliography;
use digest_analysis::rules::PaperKeys;
use digest_analysis::workspace::normalize;
use digest_analysis::{Analysis, Lookup, Resolver, WorkspaceFile};
use tower_lsp_server::ls_types::Uri;

use crate::bibliographies::Files;
use crate::files::{Configs, Source, lock, read_text};

/// The file a check or a request is about.
pub struct Current {
    pub path: PathBuf,
    pub analysis: Arc<Analysis>,
    /// The editor's URI and version, for an open document.
    pub uri: Option<Uri>,
    pub version: Option<i32>,
}

/// Every other digest, as one check or one request sees it (see the
/// module's documentation).
pub struct Digests<'a> {
    source: &'a dyn Source,
    configs: &'a Configs,
    current: Option<Current>,
    /// The folder relative targets start from.
    base: PathBuf,
    /// The view holds the workspace folders' digests only (and the file).
    folders_only: bool,
    looked_up: Mutex<HashMap<PathBuf, Lookup>>,
    view: OnceLock<View>,
    /// The current digest's bibliography: its files and what they hold.
    bibliography: OnceLock<(Files, Arc<Bibliography>)>,
}

impl<'a> Digests<'a> {
    /// The digests seen from `current` (none: from no file, as for
    /// workspace symbols).
    pub fn new(source: &'a dyn Source, configs: &'a Configs, current: Option<Current>) -> Self {
        let base = current
            .as_ref()
            .and_then(|c| c.path.parent())
            .unwrap_or(Path::new("."))
            .to_path_buf();
        Self {
            source,
            configs,
            current,
            base,
            folders_only: false,
            looked_up: Mutex::new(HashMap::new()),
            view: OnceLock::new(),
            bibliography: OnceLock::new(),
        }
    }

    /// The view leaves out open documents outside the workspace folders (a
    /// scratch copy in /tmp is not "the workspace"; the cross-file rule's
    /// hints must not depend on which other tabs happen to be open).
    pub fn within_folders(mut self) -> Self {
        self.folders_only = true;
        self
    }

    /// The absolute path a relative target names (`.` and `..` applied).
    pub fn path_of(&self, relative: &str) -> PathBuf {
        normalize(&self.base.join(relative))
    }

    /// The digest at `path` (see the module's documentation for the order).
    pub fn at(&self, path: &Path) -> Lookup {
        let path = normalize(path);
        if let Some(current) = self.current.as_ref().filter(|c| c.path == path) {
            return Lookup::Found(current.analysis.clone());
        }
        if let Some(hit) = lock(&self.looked_up).get(&path) {
            return hit.clone();
        }
        let lookup = match self.source.open_digest(&path) {
            Some(analysis) => Lookup::Found(analysis),
            None => match self.source.indexed(&path) {
                Some(lookup) => lookup,
                None => self.read_disk(&path),
            },
        };
        lock(&self.looked_up).insert(path, lookup.clone());
        lookup
    }

    /// The URI of the digest at `path`: the editor's, when it is open.
    pub fn uri(&self, path: &Path) -> Option<Uri> {
        match self.current.as_ref().filter(|c| c.path == normalize(path)) {
            Some(Current { uri: Some(uri), .. }) => Some(uri.clone()),
            _ => self.source.uri_of(path),
        }
    }

    /// Every path looked up so far, found or not (the file's own aside),
    /// and the files of the bibliography once it was asked for.
    pub fn looked_up(&self) -> Vec<PathBuf> {
        let mut paths: Vec<PathBuf> = lock(&self.looked_up).keys().cloned().collect();
        if let Some((files, _)) = self.bibliography.get() {
            paths.extend(files.iter().cloned());
        }
        paths
    }

    /// The current digest's bibliography (spec, "Bibliography"): its files
    /// and their entries, found on first use (none without a current
    /// digest).
    pub fn bibliography_of_current(&self) -> &(Files, Arc<Bibliography>) {
        self.bibliography.get_or_init(|| {
            let Some(current) = &self.current else {
                return (Files::default(), Arc::default());
            };
            self.configs.bibliography(&current.path, self.source)
        })
    }

    /// Every digest at once, made on first use.
    pub fn view(&self) -> &View {
        self.view.get_or_init(|| {
            let except = self.current.as_ref().map(|c| c.path.as_path());
            let mut open = self.source.open_digests(except);
            if self.folders_only {
                open.retain(|layer| self.source.in_folders(&layer.path));
            }
            if let Some(c) = &self.current {
                open.push(Layer {
                    path: c.path.clone(),
                    analysis: c.analysis.clone(),
                    uri: c.uri.clone(),
                    version: c.version,
                });
            }
            let current = self.current.as_ref().map(|c| c.path.as_path());
            View::new(self.source.indexed_digests(), open, current)
        })
    }

    fn read_disk(&self, path: &Path) -> Lookup {
        if !path.is_file() {
            return Lookup::Missing;
        }
        match read_text(path) {
            Ok(text) => {
                let config = self.configs.for_file(path, self.source);
                Lookup::Found(Arc::new(Analysis::new(&text, &config.config)))
            }
            Err(why) => Lookup::Unreadable(why),
        }
    }
}

impl Digests<'_> {
    /// The text of `path` when it is a file of the current digest's
    /// bibliography: the editor's, else the disk's (for positions in it,
    /// as go to definition on a citation gives them).
    pub fn bibliography_text(&self, path: &Path) -> Option<String> {
        let path = normalize(path);
        if !self.bibliography_of_current().0.contains(&path) {
            return None;
        }
        self.source
            .open_text(&path)
            .or_else(|| read_text(&path).ok())
    }
}

impl Resolver for Digests<'_> {
    fn lookup(&self, relative: &str) -> Lookup {
        self.at(&self.path_of(relative))
    }

    fn bibliography(&self) -> &Bibliography {
        &self.bibliography_of_current().1
    }

    fn bibliography_of(&self, relative: &str) -> Option<Arc<Bibliography>> {
        let path = self.path_of(relative);
        Some(self.configs.bibliography(&path, self.source).1)
    }
}

/// An indexed digest: path, analysis.
pub type IndexedDigest = (PathBuf, Arc<Analysis>);

/// One file laid into a view.
pub struct Layer {
    pub path: PathBuf,
    pub analysis: Arc<Analysis>,
    /// The editor's URI and version, for an open document.
    pub uri: Option<Uri>,
    pub version: Option<i32>,
}

/// Every digest at once, sorted by path: the index, with the open
/// documents laid over it.
pub struct View {
    pub paths: Vec<PathBuf>,
    pub analyses: Vec<Arc<Analysis>>,
    /// The URI the editor uses, for open documents.
    pub uris: Vec<Option<Uri>>,
    /// The version the analysis is of, for open documents.
    pub versions: Vec<Option<i32>>,
    /// The file a request is about, if any.
    pub current: Option<usize>,
    by_path: HashMap<PathBuf, usize>,
}

impl View {
    /// The index's files, then `open` over them (later layers win); the
    /// `current` layer's path is remembered.
    pub fn new(indexed: Vec<IndexedDigest>, open: Vec<Layer>, current: Option<&Path>) -> Self {
        let mut all: BTreeMap<PathBuf, Layer> = indexed
            .into_iter()
            .map(|(path, analysis)| {
                let layer = Layer {
                    path: path.clone(),
                    analysis,
                    uri: None,
                    version: None,
                };
                (path, layer)
            })
            .collect();
        for mut layer in open {
            layer.path = normalize(&layer.path);
            all.insert(layer.path.clone(), layer);
        }
        let mut view = View {
            paths: Vec::with_capacity(all.len()),
            analyses: Vec::with_capacity(all.len()),
            uris: Vec::with_capacity(all.len()),
            versions: Vec::with_capacity(all.len()),
            current: None,
            by_path: HashMap::with_capacity(all.len()),
        };
        for (i, (path, layer)) in all.into_iter().enumerate() {
            view.by_path.insert(path.clone(), i);
            view.paths.push(path);
            view.analyses.push(layer.analysis);
            view.uris.push(layer.uri);
            view.versions.push(layer.version);
        }
        view.current = current.and_then(|p| view.index_of(p));
        view
    }

    /// The plain-data view the analysis crate takes.
    pub fn files(&self) -> Vec<WorkspaceFile<'_>> {
        self.paths
            .iter()
            .zip(&self.analyses)
            .map(|(path, analysis)| WorkspaceFile { path, analysis })
            .collect()
    }

    /// The cross-file rule's keys of every file (each analysis derives
    /// its own once).
    pub fn keys(&self) -> Vec<&PaperKeys> {
        self.analyses.iter().map(|a| a.paper_keys()).collect()
    }

    pub fn index_of(&self, path: &Path) -> Option<usize> {
        self.by_path.get(&normalize(path)).copied()
    }

    /// The URI of file `i`: the editor's for an open document, else made
    /// from the path.
    pub fn uri(&self, i: usize) -> Option<Uri> {
        match self.uris.get(i)? {
            Some(uri) => Some(uri.clone()),
            None => Uri::from_file_path(self.paths.get(i)?),
        }
    }
}
