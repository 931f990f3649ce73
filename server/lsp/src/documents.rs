//! Open documents: ropes kept in step with the editor, edit by edit, with
//! what changed since their last analysis.

use std::path::PathBuf;
use std::sync::Arc;

use digest_analysis::{Analysis, Dirty};
use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use crate::check::{Checked, Previous};
use crate::encoding::Encoding;

/// One open document.
pub struct Document {
    pub uri: Uri,
    /// The file it is, when the URI is a `file:` URI.
    pub path: Option<PathBuf>,
    pub rope: Rope,
    pub version: i32,
    /// Bumped by every change: a debounced task that finds it changed gives up.
    pub generation: u64,
    /// The latest analysis, of this text or of an earlier one...
    base: Option<Arc<Analysis>>,
    /// ...and what changed since (`None`: `base` is of this text).
    dirty: Option<Dirty>,
    /// The checked analysis of `version`, once computed.
    checked: Option<Arc<Checked>>,
}

/// Why an edit was not applied.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// The change's version is not newer than the document's.
    Stale { have: i32, got: i32 },
}

impl Document {
    pub fn new(uri: Uri, text: &str, version: i32) -> Self {
        let path = uri.to_file_path().map(|p| p.into_owned());
        Self {
            uri,
            path,
            rope: Rope::from_str(text),
            version,
            generation: 0,
            base: None,
            dirty: None,
            checked: None,
        }
    }

    /// Applies one `didChange`'s edits in order. A change whose version is not
    /// newer than the document's is refused whole (the editor and the server
    /// would disagree on the text otherwise).
    pub fn apply(
        &mut self,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> Result<(), Refused> {
        if version <= self.version {
            return Err(Refused::Stale {
                have: self.version,
                got: version,
            });
        }
        for change in changes {
            match change.range {
                Some(range) => {
                    let bytes = encoding.text_range(&self.rope, range);
                    let start = self.rope.byte_to_char(bytes.start);
                    let end = self.rope.byte_to_char(bytes.end);
                    self.rope.remove(start..end);
                    self.rope.insert(start, &change.text);
                    let edit = Dirty::replace(bytes, change.text.len());
                    self.dirty = Some(self.dirty.map_or(edit, |d| d.then(edit)));
                }
                None => {
                    self.rope = Rope::from_str(&change.text);
                    self.base = None;
                    self.dirty = None;
                }
            }
        }
        self.version = version;
        self.generation += 1;
        self.checked = None;
        Ok(())
    }

    /// True when this document's diagnostics may change because the digest
    /// at `path` changed: its check looked `path` up, or it has no check
    /// yet.
    pub fn depends_on(&self, path: &std::path::Path) -> bool {
        self.checked
            .as_ref()
            .is_none_or(|c| c.looked_up.iter().any(|p| p == path))
    }

    /// The checked analysis of the current version, if computed.
    pub fn checked(&self) -> Option<Arc<Checked>> {
        self.checked.clone()
    }

    /// What a new check starts from.
    pub fn previous(&self) -> Option<Previous> {
        self.base.clone().map(|analysis| Previous {
            analysis,
            dirty: self.dirty,
        })
    }

    /// The analysis of the current text, when one is at hand.
    pub fn current_analysis(&self) -> Option<Arc<Analysis>> {
        self.base.clone().filter(|_| self.dirty.is_none())
    }

    /// Stores a check computed for `version`; dropped if the document moved
    /// on meanwhile.
    pub fn store(&mut self, version: i32, checked: Arc<Checked>) -> bool {
        if version != self.version {
            return false;
        }
        self.base = Some(checked.analysis.clone());
        self.dirty = None;
        self.checked = Some(checked);
        true
    }

    /// Stores an analysis of `version`'s text computed without a check (for
    /// another file's request): later checks start from it. Dropped if the
    /// document moved on meanwhile.
    pub fn store_analysis(&mut self, version: i32, analysis: Arc<Analysis>) {
        if version == self.version && (self.base.is_none() || self.dirty.is_some()) {
            self.base = Some(analysis);
            self.dirty = None;
        }
    }

    /// Forgets the diagnostics (another file changed): the analysis stays.
    pub fn recheck(&mut self) {
        self.checked = None;
        self.generation += 1;
    }

    /// Forgets everything derived (the configuration changed).
    pub fn invalidate(&mut self) {
        self.base = None;
        self.dirty = None;
        self.recheck();
    }

    /// The whole text (for small files such as a `digest.toml`).
    pub fn text(&self) -> String {
        self.rope.to_string()
    }
}
