//! Open documents: ropes kept in step with the editor, edit by edit, with
//! what changed since their last analysis.

use std::path::PathBuf;
use std::sync::Arc;

use digest_analysis::{Analysis, Dirty, RuleCache};
use ropey::Rope;
use tower_lsp_server::ls_types::{self as lsp, TextDocumentContentChangeEvent, Uri};

use crate::check::{Checked, Previous};
use crate::positions::{Encoding, replace};

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
    /// The version whose check took `base` away (see [`Document::lend`]):
    /// `dirty` counts from that version's text until the check gives the
    /// analysis back.
    lent: Option<i32>,
    /// The checked analysis of `version`, once computed.
    checked: Option<Arc<Checked>>,
    /// The rules' findings of the last check, paper by paper (lent to the
    /// next check, like the analysis).
    rules: RuleCache,
    /// What was last published: (version, diagnostics).
    pub published: Option<(i32, Vec<lsp::Diagnostic>)>,
    /// Edited since the other open digests were last checked again (they
    /// are once this edit's diagnostics are out).
    pub cascade: bool,
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
            lent: None,
            checked: None,
            rules: RuleCache::default(),
            published: None,
            cascade: false,
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
                    let edit = replace(&mut self.rope, range, &change.text, encoding);
                    self.dirty = Some(self.dirty.map_or(edit, |d| d.then(edit)));
                }
                None => {
                    self.rope = Rope::from_str(&change.text);
                    self.forget_analysis();
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

    /// What an analysis of the current text starts from, shared with the
    /// document (see [`Document::lend`] for the document's own check).
    pub fn previous(&self) -> Option<Previous> {
        self.base.clone().map(|analysis| Previous {
            analysis,
            dirty: self.dirty,
        })
    }

    /// What a new check of the current version starts from: the latest
    /// analysis, taken from the document (so that, held nowhere else, it
    /// can be edited in place rather than copied) until the check stores
    /// its result. Edits made meanwhile are counted from this version, so
    /// that a result that comes back late is still a base for the next
    /// check. An analysis started meanwhile for another file's sake parses the
    /// whole text.
    pub fn lend(&mut self) -> Option<Previous> {
        let analysis = self.base.take()?;
        self.lent = Some(self.version);
        Some(Previous {
            analysis,
            dirty: self.dirty.take(),
        })
    }

    /// The analysis of the current text, when one is at hand.
    pub fn current_analysis(&self) -> Option<Arc<Analysis>> {
        self.base.clone().filter(|_| self.dirty.is_none())
    }

    /// The rules' findings of the last check, for the next one to start
    /// from (given back by [`Document::store`]).
    pub fn take_rules(&mut self) -> RuleCache {
        std::mem::take(&mut self.rules)
    }

    /// Stores a check computed for `version`, and the rules' findings it
    /// kept; the check is dropped if the document moved on meanwhile.
    pub fn store(&mut self, version: i32, checked: Arc<Checked>, rules: RuleCache) {
        self.rules = rules;
        self.give_back(version, &checked.analysis);
        if version != self.version {
            return;
        }
        self.base = Some(checked.analysis.clone());
        self.dirty = None;
        self.checked = Some(checked);
    }

    /// An analysis of `version` lent for comes back while the document has
    /// moved on: it is the base again, with the edits made since.
    fn give_back(&mut self, version: i32, analysis: &Arc<Analysis>) {
        if self.lent == Some(version) {
            self.lent = None;
            if self.base.is_none() && version != self.version {
                self.base = Some(analysis.clone());
            }
        }
    }

    /// Stores an analysis of `version`'s text computed without a check (for
    /// another file's request): later checks start from it. Dropped if the
    /// document moved on meanwhile.
    pub fn store_analysis(&mut self, version: i32, analysis: Arc<Analysis>) {
        self.give_back(version, &analysis);
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
        self.forget_analysis();
        self.recheck();
    }

    fn forget_analysis(&mut self) {
        self.base = None;
        self.dirty = None;
        self.lent = None;
    }

    /// The whole text (for small files such as a `digest.toml`).
    pub fn text(&self) -> String {
        self.rope.to_string()
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use tower_lsp_server::ls_types::{Position, Range};

    use super::*;
    use crate::check::check_document;
    use crate::files::{Configs, DiskOnly};

    const TEXT: &str = "Paper1 A\n摘要原文: a\n中文总结: b\n\nPaper2 B\n摘要原文: c\n中文总结: d\n";

    fn document() -> Document {
        let uri = Uri::from_file_path("/tmp/lend.digest").expect("a file URI");
        Document::new(uri, TEXT, 1)
    }

    fn type_at(doc: &mut Document, version: i32, line: u32, text: &str) {
        let at = Position::new(line, 0);
        let change = TextDocumentContentChangeEvent {
            range: Some(Range::new(at, at)),
            range_length: None,
            text: text.to_string(),
        };
        doc.apply(version, vec![change], Encoding::Utf16)
            .expect("a newer version");
    }

    /// Checks the document's current text the way the session does.
    fn check(doc: &mut Document) -> (i32, Arc<Checked>) {
        let previous = doc.lend();
        let checked = check_document(
            Path::new("/tmp/lend.digest"),
            doc.rope.clone(),
            previous,
            &mut Default::default(),
            &Configs::default(),
            &DiskOnly,
        );
        (doc.version, Arc::new(checked))
    }

    fn fresh(doc: &Document) -> Analysis {
        Analysis::new(&doc.text(), &Default::default())
    }

    #[test]
    fn a_check_takes_the_analysis_and_gives_it_back() {
        let mut doc = document();
        let (version, checked) = check(&mut doc);
        doc.store(version, checked, Default::default());
        type_at(&mut doc, 2, 5, "x");
        let (version, checked) = check(&mut doc);
        assert!(doc.previous().is_none(), "lent to the check");
        doc.store(version, checked.clone(), Default::default());
        assert!(doc.checked().is_some_and(|c| Arc::ptr_eq(&c, &checked)));
        assert!(Arc::ptr_eq(
            &doc.current_analysis().expect("back"),
            &checked.analysis
        ));
        assert_eq!(checked.analysis.syntax, fresh(&doc).syntax);
    }

    #[test]
    fn a_late_check_is_the_base_of_the_next_with_the_edits_made_meanwhile() {
        let mut doc = document();
        let (version, checked) = check(&mut doc);
        doc.store(version, checked, Default::default());
        type_at(&mut doc, 2, 5, "x");
        let (late, checked) = check(&mut doc);
        // Typed while the check of version 2 ran: a heading, then text.
        type_at(&mut doc, 3, 4, "Paper9 New\n");
        type_at(&mut doc, 4, 1, "😀");
        doc.store(late, checked.clone(), Default::default());
        assert!(doc.checked().is_none(), "not the current version");
        let previous = doc.previous().expect("the late check is the base");
        assert!(Arc::ptr_eq(&previous.analysis, &checked.analysis));
        let (version, checked) = check(&mut doc);
        assert_eq!(version, 4);
        assert_eq!(checked.analysis.syntax, fresh(&doc).syntax);
        assert_eq!(checked.analysis.syntax.papers.len(), 3);
    }

    #[test]
    fn a_check_that_comes_back_after_the_whole_text_changed_is_dropped() {
        let mut doc = document();
        let (version, checked) = check(&mut doc);
        doc.store(version, checked, Default::default());
        type_at(&mut doc, 2, 5, "x");
        let (late, checked) = check(&mut doc);
        let whole = TextDocumentContentChangeEvent {
            range: None,
            range_length: None,
            text: "Paper7 Other\n".to_string(),
        };
        doc.apply(3, vec![whole], Encoding::Utf16).expect("newer");
        doc.store(late, checked, Default::default());
        assert!(doc.checked().is_none());
        assert!(doc.previous().is_none(), "nothing to start from");
        let (_, checked) = check(&mut doc);
        assert_eq!(checked.analysis.syntax, fresh(&doc).syntax);
    }
}
