//! The session: open documents, the negotiated encoding, client
//! capabilities, configurations; and the work done on them (analysis off the
//! protocol task, debounced diagnostics).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::notification::{
    LogMessage, Notification, Progress, PublishDiagnostics, ShowMessage,
};
use tower_lsp_server::ls_types::{
    ClientCapabilities, Diagnostic, LogMessageParams, MessageType, ProgressParams,
    ProgressParamsValue, ProgressToken, PublishDiagnosticsParams, ShowMessageParams, Uri,
    WorkDoneProgress,
};

use digest_analysis::rules::{MAX_DIAGNOSTICS, check_workspace_file};
use digest_analysis::workspace::normalize;
use digest_analysis::{Analysis, Lookup, RuleCache};

use crate::check::{Checked, analyse, check_document};
use crate::convert::outline::OutlineJson;
use crate::convert::{self, Locator};
use crate::digests::{Current, Digests, IndexedDigest, Layer};
use crate::documents::Document;
use crate::files::{CONFIG_FILE, Configs, Source, lock};
use crate::positions::{Encoding, Positions};
use crate::serve::Outbox;
use crate::workspace::Index;

/// How long diagnostics wait for typing to pause, unless the client's
/// `initializationOptions.debounceMs` says otherwise.
pub const DEBOUNCE: Duration = Duration::from_millis(60);

/// What the client said it can do (the parts the server uses).
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientCaps {
    pub watched_files_dynamic: bool,
    /// `textDocument.documentSymbol.hierarchicalDocumentSymbolSupport`:
    /// the outline as a tree; without it, a flat list.
    pub hierarchical_symbols: bool,
    pub related_information: bool,
    /// `window.workDoneProgress`: `$/progress` for the indexing.
    pub work_done_progress: bool,
    /// `workspace.workspaceEdit.documentChanges`: versioned edits.
    pub document_changes: bool,
    /// `workspace.inlayHint.refreshSupport` and
    /// `workspace.semanticTokens.refreshSupport`: asked to refresh when a
    /// configuration changes what they show.
    pub inlay_hint_refresh: bool,
    pub semantic_tokens_refresh: bool,
}

impl ClientCaps {
    /// Reads what the server uses from the client's `initialize`
    /// capabilities; what the client leaves out is taken as unsupported.
    pub fn from_client(caps: &ClientCapabilities) -> Self {
        let workspace = caps.workspace.as_ref();
        let text = caps.text_document.as_ref();
        let on = |flag: Option<bool>| flag.unwrap_or(false);
        Self {
            watched_files_dynamic: on(
                workspace.and_then(|w| w.did_change_watched_files.as_ref()?.dynamic_registration)
            ),
            related_information: on(
                text.and_then(|t| t.publish_diagnostics.as_ref()?.related_information)
            ),
            work_done_progress: on(caps.window.as_ref().and_then(|w| w.work_done_progress)),
            document_changes: on(
                workspace.and_then(|w| w.workspace_edit.as_ref()?.document_changes)
            ),
            inlay_hint_refresh: on(workspace.and_then(|w| w.inlay_hint.as_ref()?.refresh_support)),
            semantic_tokens_refresh: on(
                workspace.and_then(|w| w.semantic_tokens.as_ref()?.refresh_support)
            ),
            hierarchical_symbols: on(text.and_then(|t| {
                t.document_symbol
                    .as_ref()?
                    .hierarchical_document_symbol_support
            })),
        }
    }
}

/// Why a document's diagnostics are computed again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// The document itself was opened or changed: always published, and
    /// the other open digests are checked again afterwards (they may refer
    /// to it).
    Edit,
    /// Another file changed: published only when they differ from what was
    /// last published for this version.
    Recheck,
    /// A configuration changed: always published.
    Reconfigure,
}

pub struct Session {
    /// For the server's requests to the client (which wait for answers).
    pub client: Client,
    /// For its notifications: queued at once, in the order sent.
    outbox: Outbox,
    documents: Mutex<HashMap<Uri, Document>>,
    pub encoding: Mutex<Encoding>,
    pub caps: Mutex<ClientCaps>,
    pub debounce: Mutex<Duration>,
    pub configs: Configs,
    /// Broken config files already shown in a message since their last change.
    shown_configs: Mutex<HashSet<PathBuf>>,
    /// Config files whose errors are currently published.
    published_configs: Mutex<HashSet<PathBuf>>,
    /// Between `initialize` and `shutdown`.
    serving: AtomicBool,
    /// Held while a document is analysed (see [`Session::snapshot`]).
    computing: Mutex<()>,
    /// The digests of the workspace folders, as on disk.
    pub index: Index,
    /// What was last published per document: (version, diagnostics).
    published: Mutex<HashMap<Uri, (i32, Vec<Diagnostic>)>>,
    /// Documents edited whose other open digests still wait to be checked
    /// again (done once the edit's diagnostics are published).
    cascade: Mutex<HashSet<Uri>>,
    /// The outline last answered per document, as JSON kept paper by paper.
    outlines: Mutex<HashMap<Uri, OutlineJson>>,
    /// The rules' findings of each document's last check, paper by paper.
    rules: Mutex<HashMap<Uri, RuleCache>>,
}

/// A document's state at one version, taken under the lock.
pub struct Snapshot {
    pub uri: Uri,
    pub path: PathBuf,
    pub version: i32,
    pub rope: ropey::Rope,
    pub checked: Arc<Checked>,
}

impl Snapshot {
    /// Positions in this version's text, through its line table (built on
    /// first use, once per version).
    pub fn positions(&self, encoding: Encoding) -> Positions<'_> {
        Positions::new(&self.rope, self.checked.lines(), encoding)
    }
}

impl Session {
    pub fn new(client: Client, outbox: Outbox) -> Self {
        Self {
            client,
            outbox,
            documents: Mutex::new(HashMap::new()),
            encoding: Mutex::new(Encoding::default()),
            caps: Mutex::new(ClientCaps::default()),
            debounce: Mutex::new(DEBOUNCE),
            configs: Configs::default(),
            shown_configs: Mutex::new(HashSet::new()),
            published_configs: Mutex::new(HashSet::new()),
            serving: AtomicBool::new(false),
            computing: Mutex::new(()),
            index: Index::default(),
            published: Mutex::new(HashMap::new()),
            cascade: Mutex::new(HashSet::new()),
            outlines: Mutex::new(HashMap::new()),
            rules: Mutex::new(HashMap::new()),
        }
    }

    /// Sends a notification to the client (queued at once, in order).
    pub fn notify<N: Notification>(&self, params: N::Params) {
        self.outbox.notify::<N>(params);
    }

    /// A `window/logMessage`.
    pub fn log(&self, typ: MessageType, message: String) {
        self.notify::<LogMessage>(LogMessageParams { typ, message });
    }

    pub fn log_warning(&self, message: String) {
        self.log(MessageType::WARNING, message);
    }

    /// A `$/progress` of work done.
    pub fn progress(&self, token: &ProgressToken, value: WorkDoneProgress) {
        self.notify::<Progress>(ProgressParams {
            token: token.clone(),
            value: ProgressParamsValue::WorkDone(value),
        });
    }

    /// A `textDocument/publishDiagnostics`.
    pub fn publish(&self, uri: Uri, diagnostics: Vec<Diagnostic>, version: Option<i32>) {
        self.notify::<PublishDiagnostics>(PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        });
    }

    /// True between `initialize` and `shutdown`.
    pub fn serving(&self) -> bool {
        self.serving.load(Ordering::SeqCst)
    }

    pub fn set_serving(&self, serving: bool) {
        self.serving.store(serving, Ordering::SeqCst);
    }

    pub fn encoding(&self) -> Encoding {
        *lock(&self.encoding)
    }

    /// Runs `f` on the open documents, under the lock (never across `.await`).
    pub fn with_documents<T>(&self, f: impl FnOnce(&mut HashMap<Uri, Document>) -> T) -> T {
        f(&mut lock(&self.documents))
    }

    /// The open digests' URIs (config files excluded).
    pub fn open_digests(&self) -> Vec<Uri> {
        self.with_documents(|docs| {
            docs.values()
                .filter(|d| !is_config(d.path.as_deref()))
                .map(|d| d.uri.clone())
                .collect()
        })
    }

    /// The checked analysis of the document's current version: computed
    /// here (the caller runs this off the protocol task) from the previous
    /// analysis, unless already cached.
    pub fn snapshot(&self, uri: &Uri) -> Result<Snapshot, jsonrpc::Error> {
        if let Some(snapshot) = self.cached_snapshot(uri)? {
            return Ok(snapshot);
        }
        // One analysis at a time: a request and the diagnostics task that
        // both find the document unanalysed must not both analyse it.
        let _computing = lock(&self.computing);
        let (path, version, rope, cached, previous) = self.with_documents(|docs| {
            let doc = docs.get_mut(uri).ok_or_else(|| not_open(uri))?;
            let path = doc
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from(uri.as_str()));
            Ok::<_, jsonrpc::Error>((
                path,
                doc.version,
                doc.rope.clone(),
                doc.checked(),
                doc.checked().is_none().then(|| doc.lend()).flatten(),
            ))
        })?;
        let checked = match cached {
            Some(checked) => checked,
            None => {
                let mut rules = lock(&self.rules).remove(uri).unwrap_or_default();
                let checked = Arc::new(check_document(
                    &path,
                    rope.clone(),
                    previous,
                    &mut rules,
                    &self.configs,
                    self,
                ));
                // Kept unless closed meanwhile (see `forget`).
                let mut kept = lock(&self.rules);
                if self.version(uri).is_some() {
                    kept.insert(uri.clone(), rules);
                }
                self.with_documents(|docs| {
                    if let Some(doc) = docs.get_mut(uri) {
                        doc.store(version, checked.clone());
                    }
                });
                checked
            }
        };
        Ok(Snapshot {
            uri: uri.clone(),
            path,
            version,
            rope,
            checked,
        })
    }

    /// The snapshot of the current version when its analysis is at hand.
    fn cached_snapshot(&self, uri: &Uri) -> Result<Option<Snapshot>, jsonrpc::Error> {
        self.with_documents(|docs| {
            let doc = docs.get(uri).ok_or_else(|| not_open(uri))?;
            Ok(doc.checked().map(|checked| Snapshot {
                uri: uri.clone(),
                path: doc
                    .path
                    .clone()
                    .unwrap_or_else(|| PathBuf::from(uri.as_str())),
                version: doc.version,
                rope: doc.rope.clone(),
                checked,
            }))
        })
    }

    /// The document's version now (`None` once closed).
    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.with_documents(|docs| docs.get(uri).map(|d| d.version))
    }

    /// Waits for typing to pause, then publishes the document's diagnostics
    /// (unless a newer change came meanwhile, or the result is for an old
    /// version; see [`Trigger`] for when an unchanged result is published).
    pub fn schedule_diagnostics(self: &Arc<Self>, uri: Uri, trigger: Trigger) {
        let Some(generation) = self.with_documents(|docs| docs.get(&uri).map(|d| d.generation))
        else {
            return;
        };
        if trigger == Trigger::Edit {
            lock(&self.cascade).insert(uri.clone());
        }
        let session = self.clone();
        let debounce = *lock(&self.debounce);
        tokio::spawn(async move {
            // No timer for no debounce: tokio's timer rounds up to its next
            // millisecond tick.
            if !debounce.is_zero() {
                tokio::time::sleep(debounce).await;
            }
            let current = session.with_documents(|docs| docs.get(&uri).map(|d| d.generation));
            if current != Some(generation) {
                return;
            }
            let worker = session.clone();
            let target = uri.clone();
            let computed = tokio::task::spawn_blocking(move || worker.diagnostics(&target)).await;
            let (version, diagnostics, config) = match computed {
                Ok(Ok(result)) => result,
                Ok(Err(_)) => return, // closed meanwhile
                Err(panic) => {
                    let message = format!("digest-lsp: checking {} failed: {panic}", uri.as_str());
                    session.log(MessageType::ERROR, message);
                    return;
                }
            };
            let still_current =
                session.with_documents(|docs| docs.get(&uri).map(|d| d.version)) == Some(version);
            if !still_current {
                return;
            }
            session.publish_config(config);
            let unchanged = {
                let mut published = lock(&session.published);
                let same = published
                    .get(&uri)
                    .is_some_and(|(v, d)| *v == version && *d == diagnostics);
                published.insert(uri.clone(), (version, diagnostics.clone()));
                same
            };
            if !(unchanged && trigger == Trigger::Recheck) {
                session.publish(uri.clone(), diagnostics, Some(version));
            }
            if lock(&session.cascade).remove(&uri) {
                session.recheck_others(&uri);
            }
        });
    }

    /// The LSP diagnostics of a document's current version: its own check,
    /// and the workspace rule's findings on it.
    fn diagnostics(
        &self,
        uri: &Uri,
    ) -> Result<(i32, Vec<Diagnostic>, Arc<crate::files::LoadedConfig>), jsonrpc::Error> {
        let snapshot = self.snapshot(uri)?;
        let encoding = self.encoding();
        let related_ok = lock(&self.caps).related_information;
        // The workspace rule looks at the workspace folders only: open
        // files elsewhere (a scratch copy in /tmp) are not "the workspace",
        // and a hint must not depend on which other tabs happen to be open.
        let digests = self.digests(Some(&snapshot)).within_folders();
        let view = self.index.within(&snapshot.path).then(|| digests.view());
        let across = match view {
            Some(view) if view.paths.len() > 1 => {
                let keys = view.keys();
                let config = &snapshot.checked.config.config;
                let current = view.current.unwrap_or_default();
                check_workspace_file(&view.files(), &keys, current, config)
            }
            _ => Vec::new(),
        };
        // Hints come after the file's own findings, within the same cap.
        let room = MAX_DIAGNOSTICS.saturating_sub(snapshot.checked.diagnostics.len());
        let across = &across[..across.len().min(room)];
        // Through the rope: no line table is built for a keystroke.
        let mut at = Locator::without_table(&snapshot, &digests, encoding);
        let diagnostics = (snapshot.checked.diagnostics.iter())
            .chain(across)
            .map(|d| convert::diagnostic(d, &mut at, related_ok))
            .collect();
        Ok((
            snapshot.version,
            diagnostics,
            snapshot.checked.config.clone(),
        ))
    }

    /// Every other digest, as seen from `current` (a snapshot; none: from
    /// no file).
    pub fn digests(&self, current: Option<&Snapshot>) -> Digests<'_> {
        let current = current.map(|s| Current {
            path: normalize(&s.path),
            analysis: s.checked.analysis.clone(),
            uri: Some(s.uri.clone()),
            version: Some(s.version),
        });
        Digests::new(self, &self.configs, current)
    }

    /// Analyses an open document's text at `version` and keeps the result.
    fn analyse_open(
        &self,
        uri: &Uri,
        path: &Path,
        version: i32,
        rope: ropey::Rope,
        previous: Option<crate::check::Previous>,
    ) -> Arc<Analysis> {
        let config = self.configs.for_file(path, self);
        let analysis = analyse(rope, previous, &config.config);
        self.with_documents(|docs| {
            if let Some(doc) = docs.get_mut(uri) {
                doc.store_analysis(version, analysis.clone());
            }
        });
        analysis
    }

    /// Publishes a config file's own diagnostics (and one message per broken
    /// file per change); clears them once it is fixed.
    fn publish_config(&self, config: Arc<crate::files::LoadedConfig>) {
        let Some(path) = config.path.clone() else {
            return;
        };
        let Some(uri) = Uri::from_file_path(&path) else {
            return;
        };
        if config.errors.is_empty() {
            if lock(&self.published_configs).remove(&path) {
                self.publish(uri, Vec::new(), None);
            }
            return;
        }
        let first_time = lock(&self.shown_configs).insert(path.clone());
        if !first_time {
            return;
        }
        lock(&self.published_configs).insert(path.clone());
        let rope = ropey::Rope::from_str(&config.text);
        let mut positions = Positions::of_rope(&rope, self.encoding());
        let diagnostics = (config.errors.iter())
            .map(|e| convert::config_error(e, &mut positions))
            .collect();
        self.publish(uri, diagnostics, None);
        let first = &config.errors[0];
        let message = format!(
            "digest-lsp: {}:{}:{}: {} (the defaults apply until it is fixed)",
            path.display(),
            first.line,
            first.column,
            first.message
        );
        self.notify::<ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message,
        });
    }

    /// A configuration changed: forget every analysis and check the open
    /// digests again.
    pub fn reconfigure(self: &Arc<Self>) {
        self.configs.clear();
        lock(&self.shown_configs).clear();
        self.with_documents(|docs| docs.values_mut().for_each(Document::invalidate));
        self.schedule_all(Trigger::Reconfigure);
    }

    /// Another file changed: check the open digests again (their own
    /// analyses stay).
    pub fn recheck_all(self: &Arc<Self>) {
        self.with_documents(|docs| docs.values_mut().for_each(Document::recheck));
        self.schedule_all(Trigger::Recheck);
    }

    /// `uri` changed (or closed): check again the other open digests that
    /// may see it: those whose check looked it up, and, when it is in the
    /// workspace folders, those the cross-file rule compares it with.
    pub fn recheck_others(self: &Arc<Self>, uri: &Uri) {
        let path = uri.to_file_path().map(|p| normalize(&p));
        let in_folders = path.as_deref().is_some_and(|p| self.index.within(p));
        let affected: Vec<Uri> = self.with_documents(|docs| {
            docs.values_mut()
                .filter(|d| d.uri != *uri && !is_config(d.path.as_deref()))
                .filter(|d| {
                    let compared =
                        in_folders && d.path.as_deref().is_some_and(|p| self.index.within(p));
                    compared || path.as_deref().is_some_and(|p| d.depends_on(p))
                })
                .map(|d| {
                    d.recheck();
                    d.uri.clone()
                })
                .collect()
        });
        for other in affected {
            self.schedule_diagnostics(other, Trigger::Recheck);
        }
    }

    fn schedule_all(self: &Arc<Self>, trigger: Trigger) {
        for uri in self.open_digests() {
            self.schedule_diagnostics(uri, trigger);
        }
    }

    /// A document was closed: forget what was published for it.
    pub fn forget(&self, uri: &Uri) {
        lock(&self.published).remove(uri);
        lock(&self.cascade).remove(uri);
        lock(&self.outlines).remove(uri);
        lock(&self.rules).remove(uri);
    }

    /// Appends to `out` the outline of a snapshot as a JSON array of
    /// `DocumentSymbol`s, made from the document's last outline: only the
    /// papers edited since are converted again.
    pub fn outline_json(&self, snapshot: &Snapshot, out: &mut Vec<u8>) {
        let mut outlines = lock(&self.outlines);
        let outline = outlines.entry(snapshot.uri.clone()).or_default();
        outline.write(&snapshot.checked.analysis, self.encoding(), out);
        // Closed meanwhile: nothing to keep.
        if self.version(&snapshot.uri).is_none() {
            outlines.remove(&snapshot.uri);
        }
    }
}

impl Source for Session {
    fn open_text(&self, path: &Path) -> Option<String> {
        self.with_documents(|docs| {
            docs.values()
                .find(|d| d.path.as_deref() == Some(path))
                .map(Document::text)
        })
    }

    fn open_digest(&self, path: &Path) -> Option<Arc<Analysis>> {
        let found = self.with_documents(|docs| {
            let doc = docs.values().find(|d| d.path.as_deref() == Some(path))?;
            Some(match doc.current_analysis() {
                Some(analysis) => Ok(analysis),
                None => Err((
                    doc.uri.clone(),
                    doc.version,
                    doc.rope.clone(),
                    doc.previous(),
                )),
            })
        })?;
        Some(match found {
            Ok(analysis) => analysis,
            Err((uri, version, rope, previous)) => {
                self.analyse_open(&uri, path, version, rope, previous)
            }
        })
    }

    fn indexed(&self, path: &Path) -> Option<Lookup> {
        crate::workspace::lookup(&self.index, path)
    }

    fn uri_of(&self, path: &Path) -> Option<Uri> {
        let open = self.with_documents(|docs| {
            docs.values()
                .find(|d| d.path.as_deref() == Some(path))
                .map(|d| d.uri.clone())
        });
        open.or_else(|| Uri::from_file_path(path))
    }

    fn indexed_digests(&self) -> Vec<IndexedDigest> {
        self.index.analysed()
    }

    /// The open digests with a file path (but `except`), each with the
    /// analysis of its current text (computed now where it is not at hand,
    /// re-parsing only what changed, and kept for the next check).
    fn open_digests(&self, except: Option<&Path>) -> Vec<Layer> {
        let open = self.with_documents(|docs| {
            docs.values()
                .filter(|d| !is_config(d.path.as_deref()))
                .filter_map(|d| {
                    // Files only: an `untitled:` document has no place in a folder.
                    let path = normalize(d.path.as_deref().filter(|p| p.is_absolute())?);
                    if Some(path.as_path()) == except {
                        return None;
                    }
                    let known = d.current_analysis();
                    let previous = known.is_none().then(|| d.previous()).flatten();
                    Some((
                        d.uri.clone(),
                        path,
                        d.version,
                        d.rope.clone(),
                        known,
                        previous,
                    ))
                })
                .collect::<Vec<_>>()
        });
        open.into_iter()
            .map(|(uri, path, version, rope, known, previous)| {
                let analysis = match known {
                    Some(analysis) => analysis,
                    None => self.analyse_open(&uri, &path, version, rope, previous),
                };
                Layer {
                    path,
                    analysis,
                    uri: Some(uri),
                    version: Some(version),
                }
            })
            .collect()
    }

    fn in_folders(&self, path: &Path) -> bool {
        self.index.within(path)
    }
}

pub fn is_config(path: Option<&Path>) -> bool {
    path.and_then(Path::file_name)
        .is_some_and(|n| n == CONFIG_FILE)
}

pub fn not_open(uri: &Uri) -> jsonrpc::Error {
    jsonrpc::Error::invalid_params(format!("{} is not open", uri.as_str()))
}
