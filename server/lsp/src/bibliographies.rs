//! The bibliographies of digests (spec, "Bibliography"), as the CLI and
//! the server both read them.
//!
//! A digest's bibliography is every file that `[bibliography] files` of its
//! `digest.toml` names (relative to that file's folder), else every `*.bib`
//! of the digest's own folder ([`Bibliographies::files_for`]). Each set of
//! files is read once, the editor's unsaved text winning over the disk,
//! and kept as one shared [`Bibliography`] until one of its files changes
//! ([`Bibliographies::changed`]): a keystroke in a digest finds it in a
//! map.
//!
//! Every file read is also kept, with its errors, until the caller takes
//! it ([`Bibliographies::take_read`]): the server publishes the errors as
//! diagnostics of the bibliography file, `check` prints them.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use digest_analysis::bibliography::{BibError, BibFile, Bibliography};
use digest_analysis::workspace::normalize;

use crate::files::{LoadedConfig, Source, lock, read_text};

/// The extension of BibTeX/BibLaTeX files, the default bibliography.
pub const BIB_EXTENSION: &str = "bib";

/// The code of a bibliography file's errors (always errors: like `config`,
/// no `[rules]` entry turns them off).
pub const BIBLIOGRAPHY_CODE: &str = "bibliography";

/// True when `path` is a BibTeX/BibLaTeX file (`*.bib`, any case).
pub fn is_bib(path: Option<&Path>) -> bool {
    path.and_then(Path::extension)
        .is_some_and(|e| e.eq_ignore_ascii_case(BIB_EXTENSION))
}

/// The files of one bibliography, normalised, in the order named.
pub type Files = Arc<[PathBuf]>;

/// A bibliography file as read: its errors, and its text when it has any
/// (for their positions).
#[derive(Clone, Debug)]
pub struct ReadFile {
    pub path: PathBuf,
    pub errors: Vec<BibError>,
    /// The text read; empty when there are no errors.
    pub text: Arc<str>,
}

/// The bibliographies read so far (see the module's documentation).
#[derive(Default)]
pub struct Bibliographies {
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    /// Bumped by every change: a set read meanwhile is not kept.
    generation: u64,
    /// Folder -> its `*.bib` files, sorted (the default bibliography).
    listings: HashMap<PathBuf, Files>,
    sets: HashMap<Files, Arc<Bibliography>>,
    /// Read since the last [`Bibliographies::take_read`], by path.
    read: BTreeMap<PathBuf, ReadFile>,
}

/// The bibliography of a digest that has none.
fn empty() -> Arc<Bibliography> {
    static EMPTY: OnceLock<Arc<Bibliography>> = OnceLock::new();
    EMPTY.get_or_init(Arc::default).clone()
}

impl Bibliographies {
    /// The files of the bibliography of the digest at `digest` under the
    /// configuration `loaded`: those its `[bibliography] files` names,
    /// relative to the `digest.toml`'s folder (`files = []`: none, the
    /// bibliography turned off), else every `*.bib` of the digest's folder.
    pub fn files_for(&self, digest: &Path, loaded: &LoadedConfig) -> Files {
        if let (Some(named), Some(toml)) = (&loaded.config.bibliography_files, &loaded.path) {
            let folder = toml.parent().unwrap_or(Path::new(""));
            let mut files: Vec<PathBuf> = Vec::with_capacity(named.len());
            for file in named {
                let path = normalize(&folder.join(file));
                if !files.contains(&path) {
                    files.push(path);
                }
            }
            return files.into();
        }
        self.listing(digest.parent().unwrap_or(Path::new("")))
    }

    /// The `*.bib` files of `folder`, sorted (read once, until a `.bib`
    /// file of the folder changes).
    fn listing(&self, folder: &Path) -> Files {
        let folder = normalize(folder);
        if let Some(hit) = lock(&self.state).listings.get(&folder) {
            return hit.clone();
        }
        let on_disk = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            &folder
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(on_disk)
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .map(|entry| folder.join(entry.file_name()))
                    .filter(|path| is_bib(Some(path)) && path.is_file())
                    .collect()
            })
            .unwrap_or_default();
        files.sort();
        let files: Files = files.into();
        lock(&self.state).listings.insert(folder, files.clone());
        files
    }

    /// The bibliography made of `files`: kept from an earlier read, or
    /// read now (an open document's text from `source`, else the disk).
    pub fn get(&self, files: &Files, source: &dyn Source) -> Arc<Bibliography> {
        if files.is_empty() {
            return empty();
        }
        let generation = {
            let state = lock(&self.state);
            if let Some(hit) = state.sets.get(files) {
                return hit.clone();
            }
            state.generation
        };
        let read: Vec<(BibFile, Arc<str>)> = files.iter().map(|p| read_one(p, source)).collect();
        let bibliography_of = |read: Vec<(BibFile, Arc<str>)>| {
            Arc::new(Bibliography::new(
                read.into_iter().map(|(file, _)| file).collect(),
            ))
        };
        let mut state = lock(&self.state);
        // A file changed while it was read: this read may be of the text
        // before; it serves this caller, and is neither kept nor reported
        // (the change leads to a read of its own).
        if state.generation != generation {
            drop(state);
            return bibliography_of(read);
        }
        // The errors as the bibliography has them: with the keys that an
        // earlier file has too.
        let (files_read, texts): (Vec<BibFile>, Vec<Arc<str>>) = read.into_iter().unzip();
        let bibliography = Arc::new(Bibliography::new(files_read));
        for (file, text) in bibliography.files.iter().zip(&texts) {
            let text = match file.errors.is_empty() {
                true => Arc::from(""),
                false => text.clone(),
            };
            let kept = ReadFile {
                path: file.path.clone(),
                errors: file.errors.clone(),
                text,
            };
            state.read.insert(file.path.clone(), kept);
        }
        state.sets.insert(files.clone(), bibliography.clone());
        bibliography
    }

    /// The file at `path` changed (on disk or in the editor), or was
    /// created or deleted: the sets it is in are read again when next
    /// asked for, and a `.bib` file's folder is listed again. Returns
    /// the sets that held it.
    pub fn changed(&self, path: &Path) -> Vec<Files> {
        let path = normalize(path);
        let mut state = lock(&self.state);
        state.generation += 1;
        if is_bib(Some(&path)) {
            let folder = path.parent().unwrap_or(Path::new(""));
            state.listings.remove(folder);
        }
        let held: Vec<Files> = (state.sets.keys())
            .filter(|files| files.contains(&path))
            .cloned()
            .collect();
        for files in &held {
            state.sets.remove(files);
        }
        held
    }

    /// True when a bibliography read so far holds `path`.
    pub fn holds(&self, path: &Path) -> bool {
        let path = normalize(path);
        lock(&self.state)
            .sets
            .keys()
            .any(|files| files.contains(&path))
    }

    /// Forgets everything read (a configuration changed: which files a
    /// digest's bibliography is may have too).
    pub fn clear(&self) {
        let mut state = lock(&self.state);
        state.generation += 1;
        state.listings.clear();
        state.sets.clear();
    }

    /// The files read since the last call, each once (its latest read),
    /// by path.
    pub fn take_read(&self) -> Vec<ReadFile> {
        let read = std::mem::take(&mut lock(&self.state).read);
        read.into_values().collect()
    }
}

/// Reads one bibliography file; one that cannot be read (missing, not
/// UTF-8) is a file with that one error, at its start.
fn read_one(path: &Path, source: &dyn Source) -> (BibFile, Arc<str>) {
    let text = match source.open_text(path) {
        Some(text) => Ok(text),
        None => read_text(path),
    };
    match text {
        Ok(text) => (BibFile::read(path, &text), Arc::from(text)),
        Err(why) => {
            let error = BibError {
                range: 0..0,
                line: 1,
                column: 1,
                message: format!("this bibliography file {why}"),
            };
            let file = BibFile {
                path: path.to_path_buf(),
                entries: Vec::new(),
                errors: vec![error],
            };
            (file, Arc::from(""))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::{Configs, DiskOnly};

    const REFS: &str = "@article{hinton2015,\n  title = {Distilling the Knowledge in a Neural Network},\n  year = {2015},\n}\n\n@article{broken,\n  title = {Unclosed\n";

    fn scratch(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("digest-lsp-bib-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        dir
    }

    #[test]
    fn the_default_is_every_bib_beside_the_digest_read_once() {
        let dir = scratch("default");
        std::fs::write(dir.join("b.bib"), REFS).expect("write");
        std::fs::write(dir.join("a.BIB"), "").expect("write");
        std::fs::write(dir.join("notes.txt"), "").expect("write");
        let configs = Configs::default();
        let digest = dir.join("x.digest");
        let loaded = configs.for_file(&digest, &DiskOnly);
        let bibs = &configs.bibliographies;
        let files = bibs.files_for(&digest, &loaded);
        assert_eq!(&*files, [dir.join("a.BIB"), dir.join("b.bib")]);
        let first = bibs.get(&files, &DiskOnly);
        let keys: Vec<&str> = first.entries().map(|e| e.entry.key.as_str()).collect();
        assert_eq!(keys, ["hinton2015"]);
        assert!(Arc::ptr_eq(&first, &bibs.get(&files, &DiskOnly)), "kept");
        let read = bibs.take_read();
        let errors: Vec<(PathBuf, usize)> = (read.iter())
            .flat_map(|r| r.errors.iter().map(|e| (r.path.clone(), e.line)))
            .collect();
        assert_eq!(errors, [(dir.join("b.bib"), 7)]);
        assert!(bibs.take_read().is_empty(), "taken");

        // A change: read again (and a new .bib beside it is found).
        std::fs::write(dir.join("c.bib"), "@book{c, title={C}}\n").expect("write");
        assert_eq!(bibs.changed(&dir.join("c.bib")), Vec::<Files>::new());
        let files = bibs.files_for(&digest, &loaded);
        assert_eq!(files.len(), 3);
        let again = bibs.get(&files, &DiskOnly);
        assert!(!Arc::ptr_eq(&first, &again));
        assert!(again.entry("c").is_some());
        // Both sets hold b.bib: the one before c.bib came, and the one after.
        let mut held = bibs.changed(&dir.join("b.bib"));
        held.sort();
        assert_eq!(held.len(), 2);
        assert_eq!(held[1], files);
        assert!(!bibs.holds(&dir.join("b.bib")));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_empty_list_of_files_is_no_bibliography() {
        let dir = scratch("none");
        std::fs::write(dir.join("digest.toml"), "[bibliography]\nfiles = []\n").expect("write");
        std::fs::write(dir.join("refs.bib"), REFS).expect("write");
        let configs = Configs::default();
        let digest = dir.join("x.digest");
        let loaded = configs.for_file(&digest, &DiskOnly);
        let bibs = &configs.bibliographies;
        let files = bibs.files_for(&digest, &loaded);
        assert_eq!(&*files, Vec::<PathBuf>::new());
        let bibliography = bibs.get(&files, &DiskOnly);
        assert!(bibliography.files.is_empty());
        assert!(bibs.take_read().is_empty(), "refs.bib is not read");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_config_names_files_relative_to_its_folder_and_a_missing_one_is_an_error() {
        let dir = scratch("named");
        std::fs::write(
            dir.join("digest.toml"),
            "[bibliography]\nfiles = [\"lib/refs.bib\", \"gone.json\"]\n",
        )
        .expect("write");
        std::fs::create_dir_all(dir.join("lib")).expect("mkdir");
        std::fs::write(dir.join("lib/refs.bib"), REFS).expect("write");
        std::fs::write(dir.join("sub.bib"), "@book{ignored, title={I}}").expect("write");
        let configs = Configs::default();
        let digest = dir.join("papers/x.digest");
        let loaded = configs.for_file(&digest, &DiskOnly);
        let bibs = &configs.bibliographies;
        let files = bibs.files_for(&digest, &loaded);
        assert_eq!(&*files, [dir.join("lib/refs.bib"), dir.join("gone.json")]);
        let bibliography = bibs.get(&files, &DiskOnly);
        assert!(bibliography.entry("hinton2015").is_some());
        assert!(bibliography.entry("ignored").is_none());
        let read = bibs.take_read();
        let gone = read.iter().find(|r| r.path == dir.join("gone.json"));
        let messages: Vec<&str> = (gone.iter())
            .flat_map(|r| r.errors.iter().map(|e| e.message.as_str()))
            .collect();
        assert_eq!(
            messages,
            ["this bibliography file cannot be read: No such file or directory (os error 2)"]
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
