//! The LSP handlers: convert in, call the analysis, convert out.
//!
//! Edits are applied under the documents lock before any `.await`; every
//! computation runs off the protocol task, where a panic becomes an internal
//! error for that one request.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use digest_analysis::features::{self, SymbolKind as Kind};

use crate::documents::Document;
use crate::encoding::Encoding;
use crate::files::{FileResolver, lock};
use crate::session::{ClientCaps, Session, Snapshot, is_config};

/// How long the server waits for the client to answer a request of its own.
const CLIENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

pub struct Backend {
    session: Arc<Session>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Self {
            session: Arc::new(Session::new(client)),
        }
    }

    pub fn session(&self) -> Arc<Session> {
        self.session.clone()
    }

    /// Runs `f` on a snapshot of `uri` on a blocking thread; a panic there is
    /// answered as an internal error and the server goes on.
    async fn on_snapshot<T: Send + 'static>(
        &self,
        uri: Uri,
        f: impl FnOnce(&Session, &Snapshot) -> T + Send + 'static,
    ) -> Result<T> {
        on_snapshot(&self.session, uri, f).await
    }

    /// `digest/testPanic` (registered only under `DIGEST_LSP_TEST_HOOKS=1`):
    /// panics inside a request, so that tests can see the server survive it.
    pub async fn test_panic(&self, params: serde_json::Value) -> Result<()> {
        let uri: Uri = serde_json::from_value(params["uri"].clone())
            .map_err(|e| jsonrpc::Error::invalid_params(e.to_string()))?;
        self.on_snapshot(uri, |_, _| -> () {
            panic!("digest/testPanic was asked to panic")
        })
        .await
    }

    fn after_edit(&self, uri: &Uri, path_is_config: bool) {
        if path_is_config {
            self.session.reconfigure();
        } else {
            self.session.schedule_diagnostics(uri.clone());
        }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let offered = params
            .capabilities
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_deref());
        let encoding = Encoding::negotiate(offered);
        *lock(&self.session.encoding) = encoding;
        let caps = ClientCaps {
            watched_files_dynamic: params
                .capabilities
                .workspace
                .as_ref()
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            related_information: params
                .capabilities
                .text_document
                .as_ref()
                .and_then(|t| t.publish_diagnostics.as_ref())
                .and_then(|p| p.related_information)
                .unwrap_or(false),
        };
        *lock(&self.session.caps) = caps;
        if let Some(ms) = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("debounceMs"))
            .and_then(serde_json::Value::as_u64)
        {
            *lock(&self.session.debounce) = std::time::Duration::from_millis(ms.min(10_000));
        }
        self.session.set_serving(true);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..TextDocumentSyncOptions::default()
                    },
                )),
                document_symbol_provider: Some(OneOf::Left(true)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "digest-lsp".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !lock(&self.session.caps).watched_files_dynamic {
            return;
        }
        let watchers = ["**/digest.toml", "**/*.digest"]
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String(glob.to_string()),
                kind: None,
            })
            .to_vec();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "digest-watched-files".to_string(),
            method: "workspace/didChangeWatchedFiles".to_string(),
            register_options: serde_json::to_value(options).ok(),
        };
        let asked = self.session.client.register_capability(vec![registration]);
        let problem = match tokio::time::timeout(CLIENT_TIMEOUT, asked).await {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {CLIENT_TIMEOUT:?}"),
        };
        let message = format!("digest-lsp: could not watch digest.toml files: {problem}");
        self.session
            .client
            .log_message(MessageType::WARNING, message)
            .await;
    }

    async fn shutdown(&self) -> Result<()> {
        self.session.set_serving(false);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        let document = Document::new(doc.uri, &doc.text, doc.version);
        let config = is_config(document.path.as_deref());
        self.session
            .with_documents(|docs| docs.insert(uri.clone(), document));
        self.session.notify_synced();
        self.after_edit(&uri, config);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let version = params.text_document.version;
        let encoding = self.session.encoding();
        let applied = self.session.with_documents(|docs| {
            let doc = docs.get_mut(&uri)?;
            Some(
                doc.apply(version, params.content_changes, encoding)
                    .map(|()| is_config(doc.path.as_deref())),
            )
        });
        self.session.notify_synced();
        match applied {
            Some(Ok(config)) => self.after_edit(&uri, config),
            Some(Err(refused)) => {
                let message = format!(
                    "digest-lsp: ignored a change to {}: {refused:?}",
                    uri.as_str()
                );
                self.session
                    .client
                    .log_message(MessageType::WARNING, message)
                    .await;
            }
            None => {
                let message = format!("digest-lsp: ignored a change to {}: not open", uri.as_str());
                self.session
                    .client
                    .log_message(MessageType::WARNING, message)
                    .await;
            }
        }
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let path = params
            .text_document
            .uri
            .to_file_path()
            .map(|p| p.into_owned());
        if is_config(path.as_deref()) {
            self.session.reconfigure();
        }
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = self.session.with_documents(|docs| docs.remove(&uri));
        self.session.notify_synced();
        let config = removed.is_some_and(|d| is_config(d.path.as_deref()));
        if config {
            // The file on disk applies again.
            self.session.reconfigure();
        } else {
            self.session
                .client
                .publish_diagnostics(uri, Vec::new(), None)
                .await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let config_changed = params.changes.iter().any(|change| {
            let path = change.uri.to_file_path().map(|p| p.into_owned());
            is_config(path.as_deref())
        });
        if config_changed {
            self.session.reconfigure();
        } else {
            self.session.recheck_all();
        }
    }

    async fn document_symbol(
        &self,
        params: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        let uri = params.text_document.uri;
        self.on_snapshot(uri, |session, snapshot| {
            Some(DocumentSymbolResponse::Nested(document_symbols(
                session, snapshot,
            )))
        })
        .await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        self.on_snapshot(position.text_document.uri, move |session, snapshot| {
            let encoding = session.encoding();
            let offset = encoding.offset(&snapshot.rope, position.position);
            let resolver = FileResolver::new(&snapshot.path, session, &session.configs);
            let config = &snapshot.checked.config.config;
            let found = features::hover(&snapshot.checked.analysis, offset, config, &resolver)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: found.markdown,
                }),
                range: Some(encoding.range(&snapshot.rope, found.range)),
            })
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let position = params.text_document_position_params;
        self.on_snapshot(position.text_document.uri, move |session, snapshot| {
            let encoding = session.encoding();
            let offset = encoding.offset(&snapshot.rope, position.position);
            let resolver = FileResolver::new(&snapshot.path, session, &session.configs);
            let target = features::definition(&snapshot.checked.analysis, offset, &resolver)?;
            let location = match &target.file {
                None => Location::new(
                    snapshot.uri.clone(),
                    encoding.range(&snapshot.rope, target.range),
                ),
                Some(relative) => {
                    let path = resolver.path_of(relative);
                    let digest_analysis::Lookup::Found(other) =
                        digest_analysis::Resolver::lookup(&resolver, relative)
                    else {
                        return None;
                    };
                    let range = encoding.range(&other.text, target.range);
                    Location::new(Uri::from_file_path(&path)?, range)
                }
            };
            Some(GotoDefinitionResponse::Scalar(location))
        })
        .await
    }
}

/// Runs `f` on a snapshot of `uri` on a blocking thread. A panic there is
/// answered as an internal error, and an answer about a version the editor
/// has left behind as `ContentModified`.
pub async fn on_snapshot<T: Send + 'static>(
    session: &Arc<Session>,
    uri: Uri,
    f: impl FnOnce(&Session, &Snapshot) -> T + Send + 'static,
) -> Result<T> {
    let worker = session.clone();
    let joined = tokio::task::spawn_blocking(move || {
        let snapshot = worker.snapshot(&uri)?;
        let answer = f(&worker, &snapshot);
        if worker.version(&uri) != Some(snapshot.version) {
            return Err(jsonrpc::Error {
                code: jsonrpc::ErrorCode::ContentModified,
                message: "the document changed while the request was served".into(),
                data: None,
            });
        }
        Ok(answer)
    })
    .await;
    match joined {
        Ok(result) => result,
        Err(e) => {
            let message = format!("digest-lsp: a request failed: {e}");
            session
                .client
                .log_message(MessageType::ERROR, &message)
                .await;
            Err(jsonrpc::Error {
                code: jsonrpc::ErrorCode::InternalError,
                message: message.into(),
                data: None,
            })
        }
    }
}

/// The outline of a snapshot, in LSP terms.
pub fn document_symbols(session: &Session, snapshot: &Snapshot) -> Vec<DocumentSymbol> {
    let encoding = session.encoding();
    let lines = snapshot.checked.lines();
    let rope = &snapshot.checked.analysis.text;
    features::outline(&snapshot.checked.analysis)
        .into_iter()
        .map(|s| symbol(s, &|r| lines.range(rope, r, encoding)))
        .collect()
}

fn symbol(
    s: features::Symbol,
    range: &dyn Fn(digest_analysis::TextRange) -> Range,
) -> DocumentSymbol {
    #[allow(deprecated)]
    DocumentSymbol {
        name: s.name,
        detail: (!s.detail.is_empty()).then_some(s.detail),
        kind: match s.kind {
            Kind::Paper => SymbolKind::CLASS,
            Kind::Section => SymbolKind::FIELD,
        },
        tags: None,
        deprecated: None,
        range: range(s.range),
        selection_range: range(s.selection),
        children: (!s.children.is_empty())
            .then(|| s.children.into_iter().map(|c| symbol(c, range)).collect()),
    }
}
