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
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, MessageType,
    NumberOrString, Uri,
};

use digest_analysis::Severity;

use crate::check::{Checked, check_document};
use crate::documents::Document;
use crate::encoding::Encoding;
use crate::files::{CONFIG_FILE, Configs, OpenDigest, Source, lock};

/// How long diagnostics wait for typing to pause, unless the client's
/// `initializationOptions.debounceMs` says otherwise.
pub const DEBOUNCE: Duration = Duration::from_millis(60);

/// What the client said it can do (the parts the server uses).
#[derive(Clone, Copy, Debug, Default)]
pub struct ClientCaps {
    pub watched_files_dynamic: bool,
    pub related_information: bool,
}

pub struct Session {
    pub client: Client,
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
    /// Signalled whenever a document is opened, changed or closed.
    synced: tokio::sync::Notify,
}

/// A document's state at one version, taken under the lock.
pub struct Snapshot {
    pub uri: Uri,
    pub path: PathBuf,
    pub version: i32,
    pub rope: ropey::Rope,
    pub checked: Arc<Checked>,
}

impl Session {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            documents: Mutex::new(HashMap::new()),
            encoding: Mutex::new(Encoding::default()),
            caps: Mutex::new(ClientCaps::default()),
            debounce: Mutex::new(DEBOUNCE),
            configs: Configs::default(),
            shown_configs: Mutex::new(HashSet::new()),
            published_configs: Mutex::new(HashSet::new()),
            serving: AtomicBool::new(false),
            synced: tokio::sync::Notify::new(),
        }
    }

    /// Wakes whoever waits for a document version.
    pub fn notify_synced(&self) {
        self.synced.notify_waiters();
    }

    /// Waits until the document is open at `version` at least (or was
    /// refused a change to it); false on timeout.
    pub async fn wait_for_version(&self, uri: &Uri, version: i32, timeout: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.synced.notified();
            let reached = self.with_documents(|docs| {
                docs.get(uri)
                    .is_some_and(|d| d.version >= version || d.refused >= version)
            });
            if reached {
                return true;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                return false;
            }
        }
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
        let (path, version, rope, cached, previous) = self.with_documents(|docs| {
            let doc = docs.get(uri).ok_or_else(|| not_open(uri))?;
            let path = doc
                .path
                .clone()
                .unwrap_or_else(|| PathBuf::from(uri.as_str()));
            Ok::<_, jsonrpc::Error>((
                path,
                doc.version,
                doc.rope.clone(),
                doc.checked(),
                doc.previous(),
            ))
        })?;
        let checked = match cached {
            Some(checked) => checked,
            None => {
                let checked = Arc::new(check_document(
                    &path,
                    rope.clone(),
                    previous,
                    &self.configs,
                    self,
                ));
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

    /// The document's version now (`None` once closed).
    pub fn version(&self, uri: &Uri) -> Option<i32> {
        self.with_documents(|docs| docs.get(uri).map(|d| d.version))
    }

    /// Waits for typing to pause, then publishes the document's diagnostics
    /// (unless a newer change came meanwhile, or the result is for an old
    /// version).
    pub fn schedule_diagnostics(self: &Arc<Self>, uri: Uri) {
        let Some(generation) = self.with_documents(|docs| docs.get(&uri).map(|d| d.generation))
        else {
            return;
        };
        let session = self.clone();
        let debounce = *lock(&self.debounce);
        tokio::spawn(async move {
            tokio::time::sleep(debounce).await;
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
                    session
                        .client
                        .log_message(MessageType::ERROR, message)
                        .await;
                    return;
                }
            };
            let still_current =
                session.with_documents(|docs| docs.get(&uri).map(|d| d.version)) == Some(version);
            if !still_current {
                return;
            }
            session.publish_config(config).await;
            session
                .client
                .publish_diagnostics(uri, diagnostics, Some(version))
                .await;
        });
    }

    /// The LSP diagnostics of a document's current version.
    fn diagnostics(
        &self,
        uri: &Uri,
    ) -> Result<(i32, Vec<Diagnostic>, Arc<crate::files::LoadedConfig>), jsonrpc::Error> {
        let snapshot = self.snapshot(uri)?;
        let encoding = self.encoding();
        let related_ok = lock(&self.caps).related_information;
        let rope = &snapshot.rope;
        let diagnostics = snapshot
            .checked
            .diagnostics
            .iter()
            .map(|d| {
                let related = related_ok.then(|| {
                    d.related
                        .iter()
                        .map(|r| DiagnosticRelatedInformation {
                            location: Location::new(uri.clone(), encoding.range(rope, r.range)),
                            message: r.message.clone(),
                        })
                        .collect()
                });
                Diagnostic {
                    range: encoding.range(rope, d.range),
                    severity: Some(severity(d.severity)),
                    code: Some(NumberOrString::String(d.rule().code().to_string())),
                    source: Some("digest".to_string()),
                    message: d.message(),
                    related_information: related.filter(|r: &Vec<_>| !r.is_empty()),
                    ..Diagnostic::default()
                }
            })
            .collect();
        Ok((
            snapshot.version,
            diagnostics,
            snapshot.checked.config.clone(),
        ))
    }

    /// Publishes a config file's own diagnostics (and one message per broken
    /// file per change); clears them once it is fixed.
    async fn publish_config(&self, config: Arc<crate::files::LoadedConfig>) {
        let Some(path) = config.path.clone() else {
            return;
        };
        let Some(uri) = Uri::from_file_path(&path) else {
            return;
        };
        if config.errors.is_empty() {
            if lock(&self.published_configs).remove(&path) {
                self.client.publish_diagnostics(uri, Vec::new(), None).await;
            }
            return;
        }
        let first_time = lock(&self.shown_configs).insert(path.clone());
        if !first_time {
            return;
        }
        lock(&self.published_configs).insert(path.clone());
        let rope = ropey::Rope::from_str(&config.text);
        let encoding = self.encoding();
        let diagnostics = config
            .errors
            .iter()
            .map(|e| Diagnostic {
                range: encoding.range(&rope, e.range),
                severity: Some(DiagnosticSeverity::ERROR),
                code: Some(NumberOrString::String("config".to_string())),
                source: Some("digest".to_string()),
                message: e.message.clone(),
                ..Diagnostic::default()
            })
            .collect();
        self.client
            .publish_diagnostics(uri, diagnostics, None)
            .await;
        let first = &config.errors[0];
        let message = format!(
            "digest-lsp: {}:{}:{}: {} (the defaults apply until it is fixed)",
            path.display(),
            first.line,
            first.column,
            first.message
        );
        self.client.show_message(MessageType::ERROR, message).await;
    }

    /// A configuration changed: forget every analysis and check the open
    /// digests again.
    pub fn reconfigure(self: &Arc<Self>) {
        self.configs.clear();
        lock(&self.shown_configs).clear();
        self.with_documents(|docs| docs.values_mut().for_each(Document::invalidate));
        self.schedule_all();
    }

    /// Another file changed: check the open digests again (their own
    /// analyses stay).
    pub fn recheck_all(self: &Arc<Self>) {
        self.with_documents(|docs| docs.values_mut().for_each(Document::recheck));
        self.schedule_all();
    }

    fn schedule_all(self: &Arc<Self>) {
        for uri in self.open_digests() {
            self.schedule_diagnostics(uri);
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

    fn open_digest(&self, path: &Path) -> Option<OpenDigest> {
        self.with_documents(|docs| {
            let doc = docs.values().find(|d| d.path.as_deref() == Some(path))?;
            Some(match doc.current_analysis() {
                Some(analysis) => OpenDigest::Analysed(analysis),
                None => OpenDigest::Text(doc.rope.clone()),
            })
        })
    }
}

pub fn is_config(path: Option<&Path>) -> bool {
    path.and_then(Path::file_name)
        .is_some_and(|n| n == CONFIG_FILE)
}

pub fn not_open(uri: &Uri) -> jsonrpc::Error {
    jsonrpc::Error::invalid_params(format!("{} is not open", uri.as_str()))
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}
