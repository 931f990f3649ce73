//! The session: what the server holds between messages (the open
//! documents, what `initialize` settled, the configurations, the workspace
//! index), and the work done on them: snapshots analysed off the protocol
//! task, diagnostics debounced and published in version order, the index
//! built in the background.

pub mod export;
pub mod pull;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::{Duration, Instant};

use tower_lsp_server::Client;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::notification::{
    LogMessage, Notification, Progress, PublishDiagnostics, ShowMessage,
};
use tower_lsp_server::ls_types::{
    ClientCapabilities, Diagnostic, InitializeParams, LogMessageParams, MessageType,
    ProgressParams, ProgressParamsValue, ProgressToken, PublishDiagnosticsParams,
    ShowMessageParams, Uri, WorkDoneProgress, WorkDoneProgressBegin, WorkDoneProgressEnd,
    WorkDoneProgressReport,
};

use digest_analysis::bibliography::Bibliography;
use digest_analysis::rules::{KeyIndex, PaperKeys};
use digest_analysis::workspace::normalize;
use digest_analysis::{Analysis, Config, LineIndex, Lookup};

use crate::bibliographies::{BIBLIOGRAPHY_CODE, ReadFile, is_bib};
use crate::check::{self, Checked, ConfigProblems, analyse, check_document};
use crate::convert::outline::OutlineJson;
use crate::convert::{self, Locator};
use crate::digests::{Current, Digests, IndexedDigest, Layer, View};
use crate::documents::Document;
use crate::files::{CONFIG_FILE, Configs, Source, lock};
use crate::positions::{Encoding, Positions};
use crate::serve::Outbox;
use crate::workspace::{Index, Progress as Counts};

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
    /// `textDocument.diagnostic`: the client pulls diagnostics; none are
    /// pushed for its open documents.
    pub pull_diagnostics: bool,
    /// `workspace.diagnostics.refreshSupport`: asked to pull again after a
    /// change in one file that can alter another's findings.
    pub diagnostic_refresh: bool,
    /// `workspace.didChangeWatchedFiles.relativePatternSupport`: a watcher
    /// can name a base folder (for a file outside the workspace folders).
    pub relative_watch_patterns: bool,
    /// `window.showDocument.support`: a click in the browser preview moves
    /// the editor's cursor.
    pub show_document: bool,
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
            ) || on(
                text.and_then(|t| t.diagnostic.as_ref()?.related_information)
            ),
            work_done_progress: on(caps.window.as_ref().and_then(|w| w.work_done_progress)),
            show_document: (caps.window.as_ref())
                .and_then(|w| w.show_document.as_ref())
                .is_some_and(|s| s.support),
            document_changes: on(
                workspace.and_then(|w| w.workspace_edit.as_ref()?.document_changes)
            ),
            inlay_hint_refresh: on(workspace.and_then(|w| w.inlay_hint.as_ref()?.refresh_support)),
            semantic_tokens_refresh: on(
                workspace.and_then(|w| w.semantic_tokens.as_ref()?.refresh_support)
            ),
            pull_diagnostics: text.is_some_and(|t| t.diagnostic.is_some()),
            diagnostic_refresh: on(workspace.and_then(|w| w.diagnostics.as_ref()?.refresh_support)),
            relative_watch_patterns: on(workspace.and_then(|w| {
                w.did_change_watched_files
                    .as_ref()?
                    .relative_pattern_support
            })),
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

/// What `initialize` settled: set once, then read without a lock.
#[derive(Clone, Copy, Debug)]
pub struct Negotiated {
    pub encoding: Encoding,
    pub caps: ClientCaps,
    /// How long diagnostics wait for typing to pause.
    pub debounce: Duration,
}

impl Default for Negotiated {
    fn default() -> Self {
        Self {
            encoding: Encoding::default(),
            caps: ClientCaps::default(),
            debounce: DEBOUNCE,
        }
    }
}

impl Negotiated {
    /// From the client's `initialize`: the encoding chosen from those it
    /// offers, what it can do, and `initializationOptions.debounceMs`.
    pub fn from_initialize(params: &InitializeParams) -> Self {
        let capabilities = &params.capabilities;
        let offered = (capabilities.general.as_ref()).and_then(|g| g.position_encodings.as_deref());
        let debounce = (params.initialization_options.as_ref())
            .and_then(|o| o.get("debounceMs"))
            .and_then(serde_json::Value::as_u64)
            .map_or(DEBOUNCE, |ms| Duration::from_millis(ms.min(10_000)));
        Self {
            encoding: Encoding::negotiate(offered),
            caps: ClientCaps::from_client(capabilities),
            debounce,
        }
    }
}

/// What the server holds between messages.
pub struct Session {
    /// For the server's requests to the client (which wait for answers).
    pub client: Client,
    /// For its notifications: queued at once, in the order sent.
    outbox: Outbox,
    negotiated: OnceLock<Negotiated>,
    /// Between `initialize` and `shutdown`.
    serving: AtomicBool,
    /// Since `shutdown`.
    shut_down: AtomicBool,
    pub configs: Configs,
    /// The digests of the workspace folders, as on disk.
    pub index: Index,
    /// The open documents. The reader applies edits under this lock, and
    /// workers take snapshots under it; it is never held across an
    /// `.await` or an analysis.
    documents: Mutex<HashMap<Uri, Document>>,
    /// Held while a document is analysed: a request and the diagnostics
    /// task that both find a document unanalysed must not both analyse it
    /// (see [`Session::snapshot`]).
    computing: Mutex<()>,
    /// The outline last answered per document, as JSON kept paper by
    /// paper; under a lock of its own, so that writing a large outline
    /// (milliseconds) does not hold up edits.
    outlines: Mutex<HashMap<Uri, OutlineJson>>,
    /// What has been said about broken `digest.toml` files.
    config_notices: Mutex<ConfigNotices>,
    /// The documents whose formatting was refused, as said in the log
    /// (once per document until a configuration changes).
    format_off: Mutex<HashSet<Uri>>,
    /// What pull diagnostics answered (see [`pull`]).
    pub pull: pull::Pulls,
    /// The errors last published per bibliography file.
    bib_published: Mutex<HashMap<PathBuf, Vec<Diagnostic>>>,
    /// The bibliography files the editor was asked to watch one by one.
    bib_watched: Mutex<HashSet<PathBuf>>,
    /// Per digest with a bibliography, its cross-file keys with the
    /// entries its papers are bound to (see [`Session::bound_keys`]).
    bound_keys: Mutex<HashMap<PathBuf, BoundKeys>>,
    /// The cross-file keys of the workspace's digests by key, kept from one
    /// check to the next (see [`Session::cross_file_hints`]).
    key_index: Mutex<KeyIndex<KeysStamp>>,
    /// The browser previews (see [`crate::preview`]).
    pub previews: crate::preview::Previews,
}

/// A digest's cross-file keys derived with its bibliography, valid while
/// the analysis and the bibliography they were derived from are the ones
/// in use (a `Weak` keeps its allocation, so an equal pointer is the same
/// value).
struct BoundKeys {
    analysis: Weak<Analysis>,
    bibliography: Weak<Bibliography>,
    keys: Arc<PaperKeys>,
}

/// What the cross-file keys of a digest in the key index were derived
/// from: its analysis alone ([`Analysis::paper_keys`]), or with its
/// bibliography ([`BoundKeys`]). A `Weak`, as in [`BoundKeys`]: an equal
/// pointer is the same value, so the same keys.
enum KeysStamp {
    Own(Weak<Analysis>),
    Bound(Weak<PaperKeys>),
}

#[derive(Default)]
struct ConfigNotices {
    /// Shown in a message since their last change.
    shown: HashSet<PathBuf>,
    /// Whose errors are published now.
    published: HashSet<PathBuf>,
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
            negotiated: OnceLock::new(),
            serving: AtomicBool::new(false),
            shut_down: AtomicBool::new(false),
            configs: Configs::default(),
            index: Index::default(),
            documents: Mutex::new(HashMap::new()),
            computing: Mutex::new(()),
            outlines: Mutex::new(HashMap::new()),
            config_notices: Mutex::new(ConfigNotices::default()),
            format_off: Mutex::new(HashSet::new()),
            pull: pull::Pulls::default(),
            bib_published: Mutex::new(HashMap::new()),
            bib_watched: Mutex::new(HashSet::new()),
            bound_keys: Mutex::new(HashMap::new()),
            key_index: Mutex::new(KeyIndex::new()),
            previews: crate::preview::Previews::default(),
        }
    }

    /// Starts serving with what `initialize` settled (once: tower-lsp
    /// refuses a second `initialize` before it reaches the handler).
    pub fn start(&self, negotiated: Negotiated) {
        let _ = self.negotiated.set(negotiated);
        self.serving.store(true, Ordering::SeqCst);
    }

    /// What `initialize` settled (the defaults before it).
    pub fn negotiated(&self) -> Negotiated {
        self.negotiated.get().copied().unwrap_or_default()
    }

    pub fn encoding(&self) -> Encoding {
        self.negotiated().encoding
    }

    pub fn caps(&self) -> ClientCaps {
        self.negotiated().caps
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

    /// Says in the log, once per document until a configuration changes,
    /// that `uri` gets no formatting edits because `config` turns them off.
    pub fn say_format_off(&self, uri: &Uri, config: Option<&Path>) {
        if !lock(&self.format_off).insert(uri.clone()) {
            return;
        }
        let place = config.map_or_else(
            || "its digest.toml".to_string(),
            |p| p.display().to_string(),
        );
        let message = format!(
            "digest-lsp: {} is left as it is: `[format] enabled = false` in {place}",
            uri.as_str()
        );
        self.log(MessageType::INFO, message);
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

    /// `shutdown`: what comes after is refused.
    pub fn stop(&self) {
        self.serving.store(false, Ordering::SeqCst);
        self.shut_down.store(true, Ordering::SeqCst);
    }

    /// Whether `shutdown` was received: `exit` ends the process with 0
    /// after it, with 1 without it (LSP, "exit").
    pub fn shut_down(&self) -> bool {
        self.shut_down.load(Ordering::SeqCst)
    }

    /// Runs `f` on the open documents, under the lock (never across `.await`).
    pub fn with_documents<T>(&self, f: impl FnOnce(&mut HashMap<Uri, Document>) -> T) -> T {
        f(&mut lock(&self.documents))
    }

    /// The open digests' URIs (config and bibliography files excluded).
    fn open_uris(&self) -> Vec<Uri> {
        self.with_documents(|docs| {
            docs.values()
                .filter(|d| is_digest(d.path.as_deref()))
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
        let taken = self.with_documents(|docs| {
            let doc = docs.get_mut(uri).ok_or_else(|| not_open(uri))?;
            let path = doc
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from(uri.as_str()));
            let cached = doc.checked();
            // What the check starts from, lent by the document until it
            // stores the result.
            let lent = cached.is_none().then(|| (doc.lend(), doc.take_rules()));
            Ok::<_, jsonrpc::Error>((path, doc.version, doc.rope.clone(), cached, lent))
        })?;
        let (path, version, rope, cached, lent) = taken;
        let checked = match (cached, lent) {
            (Some(checked), _) => checked,
            (None, lent) if is_bib(Some(&path)) => {
                // A bibliography file: no digest to parse (its requests
                // answer nothing; its errors are published as it is read).
                let (_, rules) = lent.unwrap_or_default();
                let checked = Arc::new(check::not_a_digest(&path, &self.configs, self));
                self.with_documents(|docs| {
                    if let Some(doc) = docs.get_mut(uri) {
                        doc.store(version, checked.clone(), rules);
                    }
                });
                checked
            }
            (None, lent) => {
                let (previous, mut rules) = lent.unwrap_or_default();
                let checked = Arc::new(check_document(
                    &path,
                    rope.clone(),
                    previous,
                    &mut rules,
                    &self.configs,
                    self,
                ));
                self.with_documents(|docs| {
                    if let Some(doc) = docs.get_mut(uri) {
                        doc.store(version, checked.clone(), rules);
                    }
                });
                self.publish_bibliographies();
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
        let generation = self.with_documents(|docs| {
            let doc = docs.get_mut(&uri)?;
            doc.cascade |= trigger == Trigger::Edit;
            Some(doc.generation)
        });
        let Some(generation) = generation else {
            return;
        };
        let pull = self.caps().pull_diagnostics;
        let session = self.clone();
        let debounce = self.negotiated().debounce;
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
            session.publish_config(config);
            // Under the lock: published for the current version only, in
            // version order.
            // A client that pulls gets none pushed: it is asked to pull
            // again when another file's change altered these findings, or
            // when this edit changed what other digests see of this one.
            let mut refresh = false;
            let cascade = session.with_documents(|docs| {
                let doc = docs.get_mut(&uri).filter(|d| d.version == version)?;
                let unchanged = (doc.published.as_ref())
                    .is_some_and(|(v, d)| *v == version && *d == diagnostics);
                let quiet = unchanged && trigger == Trigger::Recheck;
                if !pull && !quiet {
                    session.publish(uri.clone(), diagnostics.clone(), Some(version));
                }
                refresh =
                    pull && trigger == Trigger::Recheck && doc.published.is_some() && !unchanged;
                doc.published = Some((version, diagnostics));
                Some(std::mem::take(&mut doc.cascade))
            });
            if pull && trigger == Trigger::Edit && session.pull_face_changed(&uri) {
                // Other digests' findings may change: a new generation.
                session.pull.changed();
                refresh = true;
            }
            if refresh {
                session.request_refresh();
            }
            if cascade == Some(true) {
                session.recheck_others(&uri);
            }
        });
    }

    /// The LSP diagnostics of a document's current version: its own check,
    /// and the workspace rule's findings on it.
    pub fn diagnostics(
        &self,
        uri: &Uri,
    ) -> Result<(i32, Vec<Diagnostic>, Option<ConfigProblems>), jsonrpc::Error> {
        let snapshot = self.snapshot(uri)?;
        // The cross-file rule looks at the workspace folders only: open
        // files elsewhere (a scratch copy in /tmp) are not "the workspace",
        // and a hint must not depend on which other tabs happen to be open.
        let digests = self.digests(Some(&snapshot)).within_folders();
        let problems = self.problems(&snapshot.path, &snapshot.checked, &digests);
        // Through the rope: no line table is built for a keystroke.
        let mut at = Locator::without_table(&snapshot, &digests, self.encoding());
        let related = self.caps().related_information;
        let diagnostics = (problems.digest.iter())
            .map(|d| convert::diagnostic(d, &mut at, related))
            .collect();
        Ok((snapshot.version, diagnostics, problems.config))
    }

    /// The final word on a digest at `path` checked as `checked`: its own
    /// findings and, inside a workspace folder, the cross-file rule's
    /// hints against `digests` (made [`Digests::within_folders`]).
    pub fn problems(
        &self,
        path: &Path,
        checked: &Checked,
        digests: &Digests<'_>,
    ) -> check::Problems {
        let view = self.index.within(path).then(|| digests.view());
        let hints = view.and_then(|v| {
            let current = v.current?;
            let bound = self.bound_keys(v);
            Some(self.cross_file_hints(v, &bound, current, &checked.config.config))
        });
        check::problems_with(checked, hints.unwrap_or_default())
    }

    /// The cross-file rule's findings on file `current` of `view` (with
    /// `config`, the configuration of that file), `bound` the keys
    /// [`Session::bound_keys`] gave for `view`: those
    /// [`check::problems`] finds, from the key index, brought up to
    /// `view` first by filing again the keys of the digests whose analysis
    /// or bibliography changed. A keystroke's work grows with the keys of
    /// the digest edited, not with those of the workspace.
    pub fn cross_file_hints(
        &self,
        view: &View,
        bound: &[Option<Arc<PaperKeys>>],
        current: usize,
        config: &Config,
    ) -> Vec<digest_analysis::Diagnostic> {
        if view.paths.len() < 2 {
            return Vec::new();
        }
        let (files, keys) = (view.files(), keys_of(view, bound));
        let mut index = lock(&self.key_index);
        let synced = index.sync(&files, &keys, |i, old| {
            let analysis = view.analyses.get(i)?;
            match (bound.get(i), old) {
                (Some(Some(keys)), Some(KeysStamp::Bound(was)))
                    if Weak::as_ptr(was) == Arc::as_ptr(keys) =>
                {
                    None
                }
                (Some(Some(keys)), _) => Some(KeysStamp::Bound(Arc::downgrade(keys))),
                (_, Some(KeysStamp::Own(was))) if Weak::as_ptr(was) == Arc::as_ptr(analysis) => {
                    None
                }
                _ => Some(KeysStamp::Own(Arc::downgrade(analysis))),
            }
        });
        synced.check_file(current, config)
    }

    /// The cross-file rule's keys of every digest of `view` whose
    /// bibliography has entries, derived with it (spec, "Bibliography":
    /// papers of two digests bound to one entry, by their citations, their
    /// identifiers or their titles, are one paper); `None` for the others,
    /// whose [`Analysis::paper_keys`] serve. Kept per digest until its
    /// analysis or its bibliography changes, so a keystroke derives those
    /// of the edited digest alone. Nothing when `view` holds one digest.
    pub fn bound_keys(&self, view: &View) -> Vec<Option<Arc<PaperKeys>>> {
        if view.paths.len() < 2 {
            return Vec::new();
        }
        // A digest's bibliography depends on its folder alone (the
        // configuration that applies there, the `*.bib` files there): one
        // look-up per folder, not per digest, at every keystroke. The view
        // is in path order: a digest is mostly in the folder of the one
        // before it, which a comparison tells without hashing.
        let mut by_folder: HashMap<&Path, Arc<Bibliography>> = HashMap::new();
        let mut last: Option<(&Path, Arc<Bibliography>)> = None;
        let keys = (view.paths.iter().zip(&view.analyses))
            .map(|(path, analysis)| {
                let folder = path.parent().unwrap_or(Path::new(""));
                let bibliography = match &last {
                    Some((was, bibliography)) if was.as_os_str() == folder.as_os_str() => {
                        bibliography.clone()
                    }
                    _ => {
                        let bibliography = (by_folder.entry(folder))
                            .or_insert_with(|| self.configs.bibliography(path, self).1)
                            .clone();
                        last = Some((folder, bibliography.clone()));
                        bibliography
                    }
                };
                if bibliography.is_empty() {
                    return None;
                }
                if let Some(hit) = lock(&self.bound_keys).get(path)
                    && Weak::as_ptr(&hit.analysis) == Arc::as_ptr(analysis)
                    && Weak::as_ptr(&hit.bibliography) == Arc::as_ptr(&bibliography)
                {
                    return Some(hit.keys.clone());
                }
                let keys = Arc::new(PaperKeys::with_bibliography(analysis, &bibliography));
                let kept = BoundKeys {
                    analysis: Arc::downgrade(analysis),
                    bibliography: Arc::downgrade(&bibliography),
                    keys: keys.clone(),
                };
                lock(&self.bound_keys).insert(path.clone(), kept);
                Some(keys)
            })
            .collect();
        // Digests gone from the workspace are forgotten.
        let mut kept = lock(&self.bound_keys);
        if kept.len() > view.paths.len() {
            kept.retain(|path, _| view.index_of(path).is_some());
        }
        keys
    }

    /// Publishes the errors of the bibliography files read since the last
    /// call, for each file whose errors are not those last published (an
    /// empty list clears them). Pushed to every client, as a `digest.toml`'s
    /// are: a pull of a bibliography file answers none.
    pub fn publish_bibliographies(&self) {
        // Taken and published under one lock: a later read is never
        // published before an earlier one.
        let mut published = lock(&self.bib_published);
        let read = self.configs.bibliographies.take_read();
        if read.is_empty() {
            return;
        }
        self.watch_bibliographies(read.iter().map(|r| r.path.as_path()));
        let encoding = self.encoding();
        for ReadFile { path, errors, text } in read {
            let diagnostics = bibliography_diagnostics(&errors, &text, encoding);
            let before = published.get(&path);
            if before.map_or(diagnostics.is_empty(), |b| *b == diagnostics) {
                continue;
            }
            published.insert(path.clone(), diagnostics.clone());
            if let Some(uri) = self.uri_of(&path) {
                self.publish(uri, diagnostics, None);
            }
        }
    }

    /// Asks the editor to watch the bibliography files among `read` that
    /// `**/*.bib` does not cover (a CSL-JSON file, a file outside the
    /// workspace folders), each once, where it registers watchers
    /// dynamically: a re-export by the reference manager is then read.
    fn watch_bibliographies<'p>(&self, read: impl Iterator<Item = &'p Path>) {
        let caps = self.caps();
        if !caps.watched_files_dynamic {
            return;
        }
        let new: Vec<PathBuf> = {
            let mut watched = lock(&self.bib_watched);
            read.filter(|p| !(is_bib(Some(p)) && self.index.within(p)))
                .filter(|p| p.is_absolute() && watched.insert(p.to_path_buf()))
                .map(Path::to_path_buf)
                .collect()
        };
        if new.is_empty() {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let id = format!(
            "digest-bibliography-files-{}",
            lock(&self.bib_watched).len()
        );
        let registration =
            convert::watch_files_registration(id, &new, caps.relative_watch_patterns);
        let client = self.client.clone();
        let outbox = self.outbox.clone();
        runtime.spawn(async move {
            let asked = client.register_capability(vec![registration]);
            let problem = match tokio::time::timeout(Duration::from_secs(10), asked).await {
                Ok(Ok(())) => return,
                Ok(Err(e)) => e.to_string(),
                Err(_) => "no answer within 10 s".to_string(),
            };
            outbox.notify::<LogMessage>(LogMessageParams {
                typ: MessageType::WARNING,
                message: format!("digest-lsp: could not watch the bibliography files: {problem}"),
            });
        });
    }

    /// A bibliography file is gone: the errors published for it are
    /// cleared.
    fn forget_bibliography(&self, path: &Path) {
        let before = lock(&self.bib_published).remove(path);
        if before.is_some_and(|b| !b.is_empty())
            && let Some(uri) = self.uri_of(path)
        {
            self.publish(uri, Vec::new(), None);
        }
    }

    /// A bibliography file changed, in the editor (`uri` open) or on disk
    /// (`uri` none, `path` given): after the pause in typing, the
    /// bibliographies that hold it are read again now, its errors
    /// published, and the open digests that read it checked again (every
    /// open digest for a change on disk: a new `.bib` joins its folder's).
    pub fn bibliography_changed(self: &Arc<Self>, path: PathBuf, open: Option<Uri>) {
        let generation = match &open {
            Some(uri) => match self.with_documents(|docs| docs.get(uri).map(|d| d.generation)) {
                Some(generation) => Some(generation),
                None => return,
            },
            None => None,
        };
        let session = self.clone();
        let debounce = self.negotiated().debounce;
        tokio::spawn(async move {
            if let Some(generation) = generation {
                if !debounce.is_zero() {
                    tokio::time::sleep(debounce).await;
                }
                let uri = open.as_ref();
                let now = session
                    .with_documents(|docs| uri.and_then(|u| docs.get(u)).map(|d| d.generation));
                if now != Some(generation) {
                    return; // typed on: the next pause reads it
                }
            }
            let worker = session.clone();
            let target = path.clone();
            let reread = tokio::task::spawn_blocking(move || {
                let bibliographies = &worker.configs.bibliographies;
                let held = bibliographies.changed(&target);
                let target = normalize(&target);
                if !target.is_file() && worker.open_text(&target).is_none() {
                    // Deleted: its errors go (a digest whose configuration
                    // names it says so when checked again).
                    worker.forget_bibliography(&target);
                    return;
                }
                let alone: crate::bibliographies::Files = Arc::from(vec![target]);
                for files in held.iter().chain(held.is_empty().then_some(&alone)) {
                    bibliographies.get(files, &*worker);
                }
                worker.publish_bibliographies();
            });
            if reread.await.is_err() {
                return;
            }
            let message = format!(
                "digest-lsp: read the bibliography file {} again",
                path.display()
            );
            session.log(MessageType::LOG, message);
            session.pull.changed();
            match open {
                Some(_) => {
                    let path = normalize(&path);
                    let affected: Vec<Uri> = session.with_documents(|docs| {
                        docs.values_mut()
                            .filter(|d| is_digest(d.path.as_deref()) && d.depends_on(&path))
                            .map(|d| {
                                d.recheck();
                                d.uri.clone()
                            })
                            .collect()
                    });
                    for uri in affected {
                        session.schedule_diagnostics(uri, Trigger::Recheck);
                    }
                }
                None => session.recheck_all(),
            }
            session.request_refresh();
        });
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
    fn publish_config(&self, config: Option<ConfigProblems>) {
        let Some(ConfigProblems {
            path,
            loaded,
            problems,
        }) = config
        else {
            return;
        };
        let Some(uri) = Uri::from_file_path(&path) else {
            return;
        };
        {
            let mut notices = lock(&self.config_notices);
            if problems.is_empty() {
                if notices.published.remove(&path) {
                    self.publish(uri, Vec::new(), None);
                }
                return;
            }
            if !notices.shown.insert(path.clone()) {
                return;
            }
            notices.published.insert(path.clone());
        }
        let rope = ropey::Rope::from_str(&loaded.text);
        let mut positions = Positions::of_rope(&rope, self.encoding());
        let diagnostics = (problems.iter())
            .map(|d| convert::diagnostic_in(d, &mut positions))
            .collect();
        self.publish(uri, diagnostics, None);
        let first = &problems[0];
        let (line, column) =
            LineIndex::new(&loaded.text).line_col_chars(&loaded.text, first.range.start);
        let message = format!(
            "digest-lsp: {}:{}:{}: {} (the defaults apply until it is fixed)",
            path.display(),
            line + 1,
            column + 1,
            first.message()
        );
        self.notify::<ShowMessage>(ShowMessageParams {
            typ: MessageType::ERROR,
            message,
        });
    }

    /// A configuration changed: forget every analysis and check the open
    /// digests again.
    pub fn reconfigure(self: &Arc<Self>) {
        self.pull.changed();
        self.configs.clear();
        lock(&self.config_notices).shown.clear();
        lock(&self.format_off).clear();
        self.with_documents(|docs| docs.values_mut().for_each(Document::invalidate));
        self.prune_bibliography_errors();
        self.schedule_all(Trigger::Reconfigure);
    }

    /// The configuration changed: the errors published for bibliography
    /// files that no open digest's bibliography holds any more, and that
    /// are not open themselves, are cleared (those still held are read
    /// again as the digests are checked).
    fn prune_bibliography_errors(&self) {
        let (digests, open_bibs): (Vec<PathBuf>, Vec<PathBuf>) = self.with_documents(|docs| {
            let paths = docs
                .values()
                .filter_map(|d| d.path.as_deref().map(normalize));
            paths
                .filter(|p| !is_config(Some(p)))
                .partition(|p| !is_bib(Some(p)))
        });
        let held: HashSet<PathBuf> = (digests.iter())
            .flat_map(|digest| self.configs.bibliography_files(digest, self).to_vec())
            .chain(open_bibs)
            .collect();
        let gone: Vec<PathBuf> = lock(&self.bib_published)
            .iter()
            .filter(|(path, errors)| !errors.is_empty() && !held.contains(*path))
            .map(|(path, _)| path.clone())
            .collect();
        for path in gone {
            self.forget_bibliography(&path);
        }
    }

    /// Another file changed: check the open digests again (their own
    /// analyses stay).
    pub fn recheck_all(self: &Arc<Self>) {
        self.pull.changed();
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
                .filter(|d| d.uri != *uri && is_digest(d.path.as_deref()))
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
        for uri in self.open_uris() {
            self.schedule_diagnostics(uri, trigger);
        }
    }

    /// Closes a document; returns it.
    pub fn close(&self, uri: &Uri) -> Option<Document> {
        let closed = self.with_documents(|docs| docs.remove(uri));
        self.pull.changed();
        self.pull_closed(uri);
        lock(&self.outlines).remove(uri);
        lock(&self.format_off).remove(uri);
        closed
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

    /// True when `path` belongs in the index.
    pub fn covers(&self, path: &Path) -> bool {
        self.index.covers(path, &self.configs, self)
    }

    /// Files changed on disk: the index follows; returns how many changes
    /// it took in.
    pub fn refresh(&self, paths: &[PathBuf]) -> usize {
        let changed = paths
            .iter()
            .filter(|p| self.index.refresh(p, &self.configs, self));
        let changed = changed.count();
        if changed > 0 {
            self.pull.changed();
        }
        self.say_unreadable();
        changed
    }

    /// A configuration in `folder` changed: the index's digests under it
    /// are found and analysed again.
    pub fn reparse_under(&self, folder: &Path) {
        self.index.reparse_under(folder, &self.configs, self);
        self.pull.changed();
        self.say_unreadable();
    }

    /// Says which digests of the workspace the index leaves out because
    /// they cannot be read or are not UTF-8: each in the log, and in one
    /// message for the lot (each digest once, until it changes).
    fn say_unreadable(&self) {
        let unreadable = self.index.take_unreadable();
        let said: Vec<String> = (unreadable.iter())
            .map(|(path, why)| {
                format!(
                    "digest-lsp: {}: {why}; it is left out of the index",
                    path.display()
                )
            })
            .collect();
        for message in &said {
            self.log(MessageType::WARNING, message.clone());
        }
        let message = match said.as_slice() {
            [] => return,
            [one] => one.clone(),
            [first, ..] => format!(
                "digest-lsp: {} digests are left out of the index (see the log), the first: {}",
                said.len(),
                first.trim_start_matches("digest-lsp: "),
            ),
        };
        self.notify::<ShowMessage>(ShowMessageParams {
            typ: MessageType::WARNING,
            message,
        });
    }

    /// The initial indexing, in the background: `$/progress` when the client
    /// supports it (create, begin, reports, end), a log line at the end either
    /// way, then the open digests are checked again.
    pub async fn index_in_background(self: Arc<Self>, roots: Vec<PathBuf>) {
        let session = self;
        let report = session.caps().work_done_progress;
        if roots.is_empty() {
            return;
        }
        let started = Instant::now();
        let progress = Arc::new(Counts::default());
        let worker = session.clone();
        let counts = progress.clone();
        let folders = roots.clone();
        let mut job = tokio::task::spawn_blocking(move || {
            let indexed = (worker.index).build(&folders, &worker.configs, &*worker, &counts);
            worker.say_unreadable();
            indexed
        });

        // One token per run: a folder added while another is indexed gets its own.
        static RUNS: AtomicUsize = AtomicUsize::new(0);
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let token = ProgressToken::String(format!("digest-lsp/index/{run}"));
        let mut ongoing = false;
        if report {
            let created = session.client.create_work_done_progress(token.clone());
            if let Ok(Ok(())) = tokio::time::timeout(Duration::from_secs(10), created).await {
                session.progress(
                    &token,
                    WorkDoneProgress::Begin(WorkDoneProgressBegin {
                        title: "Indexing digests".to_string(),
                        cancellable: None,
                        message: Some(format!("searching {} folder(s)", roots.len())),
                        percentage: Some(0),
                    }),
                );
                ongoing = true;
            }
        }
        let result = loop {
            tokio::select! {
                joined = &mut job => break joined,
                () = tokio::time::sleep(Duration::from_millis(200)) => {
                    let total = progress.total.load(Ordering::SeqCst);
                    let done = progress.done.load(Ordering::SeqCst);
                    if ongoing && let Some(share) = (done * 100).checked_div(total) {
                        let percent = u32::try_from(share).unwrap_or(100);
                        session.progress(&token, WorkDoneProgress::Report(WorkDoneProgressReport {
                            cancellable: None,
                            message: Some(format!("{done}/{total} digests")),
                            percentage: Some(percent),
                        }));
                    }
                }
            }
        };
        let elapsed = started.elapsed();
        let message = match result {
            Ok(count) => format!("indexed {count} digest(s) in {} ms", elapsed.as_millis()),
            Err(e) => format!("indexing failed: {e}"),
        };
        if ongoing {
            session.progress(
                &token,
                WorkDoneProgress::End(WorkDoneProgressEnd {
                    message: Some(message.clone()),
                }),
            );
        }
        session.log(MessageType::INFO, format!("digest-lsp: {message}"));
        session.recheck_all();
        session.request_refresh();
    }
}

/// The keys of every digest of `view`: those of `bound` where derived
/// ([`Session::bound_keys`]), else the analysis's own.
pub fn keys_of<'v>(view: &'v View, bound: &'v [Option<Arc<PaperKeys>>]) -> Vec<&'v PaperKeys> {
    (view.analyses.iter().enumerate())
        .map(|(i, analysis)| match bound.get(i) {
            Some(Some(keys)) => keys.as_ref(),
            _ => analysis.paper_keys(),
        })
        .collect()
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
            if is_bib(Some(path)) {
                return None; // not analysed as a digest
            }
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
        self.index.lookup(path)
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
                .filter(|d| is_digest(d.path.as_deref()))
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

/// The LSP diagnostics of a bibliography file's errors, in `text`.
fn bibliography_diagnostics(
    errors: &[digest_analysis::bibliography::BibError],
    text: &str,
    encoding: Encoding,
) -> Vec<Diagnostic> {
    if errors.is_empty() {
        return Vec::new();
    }
    let rope = ropey::Rope::from_str(text);
    let mut positions = Positions::of_rope(&rope, encoding);
    (errors.iter())
        .map(|e| {
            let start = e.range.start.min(text.len());
            let range =
                digest_analysis::TextRange::new(start, e.range.end.clamp(start, text.len()));
            Diagnostic {
                range: positions.range(range),
                severity: Some(tower_lsp_server::ls_types::DiagnosticSeverity::ERROR),
                code: Some(tower_lsp_server::ls_types::NumberOrString::String(
                    BIBLIOGRAPHY_CODE.to_string(),
                )),
                source: Some("digest".to_string()),
                message: e.message.clone(),
                ..Diagnostic::default()
            }
        })
        .collect()
}

/// True for an open document that is a digest: neither a `digest.toml`
/// nor a bibliography file.
pub fn is_digest(path: Option<&Path>) -> bool {
    !is_config(path) && !is_bib(path)
}

pub fn is_config(path: Option<&Path>) -> bool {
    path.and_then(Path::file_name)
        .is_some_and(|n| n == CONFIG_FILE)
}

/// A request about a document the editor has not opened, or has closed
/// while the request waited: `ContentModified`, which editors drop quietly
/// (a request sent just before its document's `didClose` is the usual case,
/// and an error pop-up for it would be noise).
pub fn not_open(uri: &Uri) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::ContentModified,
        message: format!("{} is not open", uri.as_str()).into(),
        data: None,
    }
}
