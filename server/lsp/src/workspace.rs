//! The workspace index: every digest under the workspace folders (found by
//! [`crate::discover`]: `*.digest` and what `[files] include` names), read
//! once and analysed in parallel, kept current by watched-file events.
//!
//! The index holds the disk only. Open documents are laid over it when
//! other digests are reached ([`crate::digests`]), so that closing a
//! document without saving brings the disk's text back with no work.
//!
//! Every change to an entry carries a *ticket*, taken before the file was
//! read: a read that started later reflects a later state of the disk, so
//! an entry is only replaced by one with a newer ticket. This keeps the
//! initial build, watched-file events and re-parses after a configuration
//! change in order, however the threads interleave.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use digest_analysis::workspace::normalize;
use digest_analysis::{Analysis, Lookup};

use crate::digests::IndexedDigest;
use crate::discover::{self, skipped};
use crate::files::{Configs, Source, lock, read_text};

/// A digest as read from the disk.
#[derive(Clone, Debug)]
pub enum Indexed {
    Analysed(Arc<Analysis>),
    /// It exists but cannot be read, or is not UTF-8: why.
    Unreadable(String),
}

impl Indexed {
    /// An analysed digest, with the keys the cross-file rule compares
    /// derived now (on the indexing threads, not on a keystroke).
    pub fn analysed(analysis: Analysis) -> Self {
        analysis.paper_keys();
        Indexed::Analysed(Arc::new(analysis))
    }
}

struct Entry {
    ticket: u64,
    /// `None`: the file is gone (kept so that an older read cannot bring
    /// it back).
    file: Option<Indexed>,
}

/// The digests of the workspace folders, by normalised path.
#[derive(Default)]
pub struct Index {
    roots: Mutex<Vec<PathBuf>>,
    files: Mutex<HashMap<PathBuf, Entry>>,
    tickets: AtomicU64,
    /// Digests found unreadable since the session last said so (each
    /// once, until it changes): path and why.
    unreadable: Mutex<Vec<(PathBuf, String)>>,
}

impl Index {
    /// The workspace folders.
    pub fn roots(&self) -> Vec<PathBuf> {
        lock(&self.roots).clone()
    }

    /// Adds workspace folders (normalised; duplicates left out); returns
    /// those that are new.
    pub fn add_roots(&self, roots: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
        let mut known = lock(&self.roots);
        let mut added = Vec::new();
        for root in roots {
            let root = normalize(&root);
            if !known.contains(&root) {
                known.push(root.clone());
                added.push(root);
            }
        }
        added
    }

    /// Removes a workspace folder and the digests no other folder holds.
    pub fn remove_root(&self, root: &Path) {
        let root = normalize(root);
        let remaining = {
            let mut roots = lock(&self.roots);
            roots.retain(|r| *r != root);
            roots.clone()
        };
        let ticket = self.ticket();
        let mut files = lock(&self.files);
        for (path, entry) in files.iter_mut() {
            if path.starts_with(&root) && !remaining.iter().any(|r| contains(r, path)) {
                *entry = Entry { ticket, file: None };
            }
        }
    }

    /// A new ticket: take it before reading what an update will store.
    pub fn ticket(&self) -> u64 {
        self.tickets.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Stores what a read that started at `ticket` found at `path` (`None`:
    /// nothing), unless a later read has been stored already.
    pub fn put(&self, ticket: u64, path: PathBuf, file: Option<Indexed>) {
        let mut files = lock(&self.files);
        let previous = match files.get(&path) {
            Some(entry) if entry.ticket > ticket => return,
            Some(entry) => entry.file.as_ref(),
            None => None,
        };
        if let Some(Indexed::Unreadable(why)) = &file {
            let known = matches!(previous, Some(Indexed::Unreadable(was)) if was == why);
            if !known {
                lock(&self.unreadable).push((path.clone(), why.clone()));
            }
        }
        files.insert(path, Entry { ticket, file });
    }

    /// The digests found unreadable since the last call (each once until
    /// it changes), to be said so.
    pub fn take_unreadable(&self) -> Vec<(PathBuf, String)> {
        std::mem::take(&mut lock(&self.unreadable))
    }

    /// The digest at `path` (normalised), if the index holds it.
    pub fn get(&self, path: &Path) -> Option<Indexed> {
        lock(&self.files).get(path).and_then(|e| e.file.clone())
    }

    /// What the index says about `path`, as a look-up of another digest.
    pub fn lookup(&self, path: &Path) -> Option<Lookup> {
        Some(match self.get(path)? {
            Indexed::Analysed(analysis) => Lookup::Found(analysis),
            Indexed::Unreadable(why) => Lookup::Unreadable(why),
        })
    }

    /// Every analysed digest.
    pub fn analysed(&self) -> Vec<IndexedDigest> {
        lock(&self.files)
            .iter()
            .filter_map(|(path, entry)| match &entry.file {
                Some(Indexed::Analysed(analysis)) => Some((path.clone(), analysis.clone())),
                _ => None,
            })
            .collect()
    }

    /// True when `path` is inside a workspace folder, not under a skipped
    /// folder (whatever its extension).
    pub fn within(&self, path: &Path) -> bool {
        let path = normalize(path);
        lock(&self.roots).iter().any(|root| contains(root, &path))
    }

    /// True when `folder` is a workspace folder or inside one, with no
    /// hidden or skipped folder on the way (itself included).
    pub fn folder_within(&self, folder: &Path) -> bool {
        let folder = normalize(folder);
        lock(&self.roots).iter().any(|root| {
            folder.strip_prefix(root).is_ok_and(|rest| {
                !rest
                    .components()
                    .any(|c| c.as_os_str().to_str().is_none_or(skipped))
            })
        })
    }

    /// The digests held under `folder`.
    pub fn under(&self, folder: &Path) -> Vec<PathBuf> {
        lock(&self.files)
            .iter()
            .filter(|(path, entry)| entry.file.is_some() && path.starts_with(folder))
            .map(|(path, _)| path.clone())
            .collect()
    }
}

/// True when `path` is under `root` with no hidden or skipped folder
/// between them.
fn contains(root: &Path, path: &Path) -> bool {
    let Ok(rest) = path.strip_prefix(root) else {
        return false;
    };
    let mut folders = rest.components().rev().skip(1);
    !folders.any(|c| c.as_os_str().to_str().is_none_or(skipped))
}

/// The files the server asks the editor to watch: the configurations, the
/// digests, `*.txt` (what `[files] include` names most often; an event
/// for a file no include names is dropped by [`Index::refresh`]) and the
/// bibliographies (`*.bib`; the other files that `[bibliography] files`
/// names are watched one by one once read).
pub const WATCHED: [&str; 4] = ["**/digest.toml", "**/*.digest", "**/*.txt", "**/*.bib"];

/// Reads and analyses the digest at `path` under its own configuration;
/// `None` when there is no such file (nor a regular file: a FIFO is never
/// opened; a dangling link leads nowhere; a file deleted while it was read
/// is gone).
pub fn read_digest(path: &Path, configs: &Configs, source: &dyn Source) -> Option<Indexed> {
    if !path.is_file() {
        return None;
    }
    Some(match read_text(path) {
        Ok(text) => {
            let config = configs.for_file(path, source);
            Indexed::analysed(Analysis::new(&text, &config.config))
        }
        Err(_) if !path.exists() => return None,
        Err(why) => Indexed::Unreadable(why),
    })
}

/// Runs `work` on every item on all cores (scoped threads pulling from a
/// shared cursor), counting finished items in `done`; results in input
/// order, `None` where `work` panicked (that item is skipped, the others
/// go on).
pub fn parallel<T: Sync, R: Send>(
    items: &[T],
    done: &AtomicUsize,
    work: impl Fn(&T) -> R + Sync,
) -> Vec<Option<R>> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(items.len().max(1));
    let cursor = AtomicUsize::new(0);
    let mut results: Vec<(usize, Option<R>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = cursor.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else {
                            return mine;
                        };
                        let one = std::panic::AssertUnwindSafe(|| work(item));
                        mine.push((i, std::panic::catch_unwind(one).ok()));
                        done.fetch_add(1, Ordering::Relaxed);
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    results.sort_unstable_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Where an indexing run stands, for progress reports.
#[derive(Default)]
pub struct Progress {
    pub total: AtomicUsize,
    pub done: AtomicUsize,
}

/// The index's work on the disk. `configs` and `source` say which files
/// are digests (`[files] include`) and under which configuration each is
/// analysed (an open `digest.toml` wins over the disk's).
impl Index {
    /// True when `path` belongs in the index: inside a workspace folder,
    /// not under a skipped folder, and a digest by its name (`*.digest`, or
    /// named by the `[files] include` of the `digest.toml` that applies to
    /// it).
    pub fn covers(&self, path: &Path, configs: &Configs, source: &dyn Source) -> bool {
        self.within(path) && discover::is_digest(path, configs, source)
    }

    /// Indexes `roots` (found, read once, analysed on all cores); returns
    /// how many digests were indexed (those that exist, readable or not).
    pub fn build(
        &self,
        roots: &[PathBuf],
        configs: &Configs,
        source: &dyn Source,
        progress: &Progress,
    ) -> usize {
        let ticket = self.ticket();
        let paths = walk(roots, configs, source);
        progress.total.store(paths.len(), Ordering::SeqCst);
        let read = parallel(&paths, &progress.done, |path| {
            read_digest(path, configs, source)
        });
        let mut indexed = 0;
        for (path, file) in paths.iter().zip(read) {
            let file = file.unwrap_or_else(|| {
                Some(Indexed::Unreadable(
                    "could not be analysed (the analysis failed)".into(),
                ))
            });
            indexed += usize::from(file.is_some());
            self.put(ticket, path.clone(), file);
        }
        indexed
    }

    /// A configuration in `folder` changed: the digests under it are found
    /// again (its `[files] include` may name others now): those no longer
    /// named are forgotten, new ones are read, and the others are analysed
    /// again from the text they were read with.
    pub fn reparse_under(&self, folder: &Path, configs: &Configs, source: &dyn Source) {
        let ticket = self.ticket();
        let folder = normalize(folder);
        let held = self.under(&folder);
        let searched: Vec<PathBuf> = match self.folder_within(&folder) {
            true => vec![folder.clone()],
            // A configuration above the workspace folders applies to those under it.
            false => (self.roots().into_iter())
                .filter(|root| root.starts_with(&folder))
                .collect(),
        };
        let now = walk(&searched, configs, source);
        for gone in held.iter().filter(|p| now.binary_search(p).is_err()) {
            self.put(ticket, gone.clone(), None);
        }
        let done = AtomicUsize::new(0);
        let reparsed = parallel(&now, &done, |path| match self.get(path) {
            None => read_digest(path, configs, source),
            Some(Indexed::Analysed(old)) => {
                let config = configs.for_file(path, source);
                let text = old.text.to_string();
                let analysis = Analysis::with_rope(old.text.clone(), &text, &config.config);
                Some(Indexed::analysed(analysis))
            }
            other => other,
        });
        for (path, file) in now.into_iter().zip(reparsed) {
            if let Some(file) = file {
                self.put(ticket, path, file);
            }
        }
    }

    /// Applies a watched-file event at `path`: reads what the disk holds
    /// now (a folder is searched), or forgets what is gone (a deleted
    /// folder takes its digests with it). True when the index changed.
    pub fn refresh(&self, path: &Path, configs: &Configs, source: &dyn Source) -> bool {
        let path = normalize(path);
        let is_folder = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
        if is_folder {
            if !self.folder_within(&path) {
                return false;
            }
            self.build(&[path], configs, source, &Progress::default());
            return true;
        }
        let ticket = self.ticket();
        let mut gone = self.under(&path);
        gone.retain(|p| *p != path);
        for held in &gone {
            self.put(ticket, held.clone(), None);
        }
        if !self.covers(&path, configs, source) {
            return !gone.is_empty();
        }
        let file = read_digest(&path, configs, source);
        self.put(ticket, path, file);
        true
    }
}

/// Every digest under `roots` (normalised, sorted, each once), found by
/// the one walk `check` uses too.
fn walk(roots: &[PathBuf], configs: &Configs, source: &dyn Source) -> Vec<PathBuf> {
    let found = discover::walk(roots, configs, source);
    let mut paths: Vec<PathBuf> = found.files.iter().map(|p| normalize(p)).collect();
    paths.sort();
    paths.dedup();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_older_read_never_replaces_a_newer_one() {
        let index = Index::default();
        let path = PathBuf::from("/ws/a.digest");
        let old = index.ticket();
        let new = index.ticket();
        index.put(new, path.clone(), None);
        let analysis = || Indexed::analysed(Analysis::new("Paper1 A\n", &Default::default()));
        index.put(old, path.clone(), Some(analysis()));
        assert!(index.get(&path).is_none(), "a deletion seen later wins");
        index.put(index.ticket(), path.clone(), Some(analysis()));
        assert!(index.get(&path).is_some());
    }

    #[test]
    fn an_unreadable_digest_is_told_once_until_it_changes() {
        let index = Index::default();
        let path = PathBuf::from("/ws/bad.digest");
        let bad = |why: &str| Some(Indexed::Unreadable(why.to_string()));
        index.put(
            index.ticket(),
            path.clone(),
            bad("is not valid UTF-8 (at 9)"),
        );
        index.put(
            index.ticket(),
            path.clone(),
            bad("is not valid UTF-8 (at 9)"),
        );
        let told = vec![(path.clone(), "is not valid UTF-8 (at 9)".to_string())];
        assert_eq!(index.take_unreadable(), told);
        assert_eq!(index.take_unreadable(), []);
        // Read fine, then broken again: told again.
        let fine = Indexed::analysed(Analysis::new("Paper1 A\n", &Default::default()));
        index.put(index.ticket(), path.clone(), Some(fine));
        index.put(
            index.ticket(),
            path.clone(),
            bad("is not valid UTF-8 (at 9)"),
        );
        assert_eq!(index.take_unreadable(), told);
        // A read older than what is held is dropped, and not told.
        let old = index.ticket();
        index.put(index.ticket(), path.clone(), None);
        index.put(old, path.clone(), bad("cannot be read"));
        assert_eq!(index.take_unreadable(), []);
    }

    #[test]
    fn coverage_follows_the_roots_and_the_skipped_folders() {
        let index = Index::default();
        index.add_roots([PathBuf::from("/ws/one"), PathBuf::from("/ws/two/")]);
        assert!(index.within(Path::new("/ws/one/a.digest")));
        assert!(index.within(Path::new("/ws/two/sub/b.digest")));
        assert!(!index.within(Path::new("/ws/three/a.digest")));
        assert!(!index.within(Path::new("/ws/one/.git/a.digest")));
        assert!(!index.within(Path::new("/ws/one/target/a.digest")));
        assert!(index.folder_within(Path::new("/ws/one/sub")));
        assert!(!index.folder_within(Path::new("/ws/one/node_modules")));
        assert!(!index.folder_within(Path::new("/ws/three")));
        index.remove_root(Path::new("/ws/one"));
        assert!(!index.within(Path::new("/ws/one/a.digest")));
    }

    #[test]
    fn work_is_spread_and_results_keep_their_order() {
        let items: Vec<usize> = (0..1000).collect();
        let done = AtomicUsize::new(0);
        let squares = parallel(&items, &done, |&i| {
            assert!(i != 500, "a panic in one item");
            i * i
        });
        assert_eq!(done.load(Ordering::SeqCst), 1000);
        assert_eq!(squares.len(), 1000);
        assert_eq!(squares[500], None);
        assert!(
            squares
                .iter()
                .enumerate()
                .all(|(i, s)| i == 500 || *s == Some(i * i))
        );
        assert!(parallel(&[] as &[usize], &done, |&i| i).is_empty());
    }
}
