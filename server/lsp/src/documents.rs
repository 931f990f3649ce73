//! Open documents: ropes kept in step with the editor, edit by edit.

use std::path::PathBuf;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use crate::check::Checked;
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
    /// The text of `version`, made once when first asked for.
    text: Option<Arc<str>>,
    /// The analysis of `version`, when it has been computed.
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
            text: None,
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
                }
                None => self.rope = Rope::from_str(&change.text),
            }
        }
        self.version = version;
        self.generation += 1;
        self.text = None;
        self.checked = None;
        Ok(())
    }

    /// The current text, shared.
    pub fn text(&mut self) -> Arc<str> {
        self.text
            .get_or_insert_with(|| Arc::from(self.rope.to_string()))
            .clone()
    }

    /// The analysis of the current version, if computed.
    pub fn checked(&self) -> Option<Arc<Checked>> {
        self.checked.clone()
    }

    /// Stores an analysis computed for `version`; dropped if the document
    /// moved on meanwhile.
    pub fn store(&mut self, version: i32, checked: Arc<Checked>) -> bool {
        if version != self.version {
            return false;
        }
        self.checked = Some(checked);
        true
    }
}

impl Document {
    /// Forgets the analysis (its configuration or another file changed).
    pub fn invalidate(&mut self) {
        self.checked = None;
        self.generation += 1;
    }
}
