//! The LSP handlers: convert in, call the analysis, convert out.
//!
//! Edits are applied under the documents lock before any `.await`; every
//! computation runs off the protocol task, where a panic becomes an internal
//! error for that one request.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use digest_analysis::features::{self, HighlightKind, LinkTarget};
use digest_analysis::{Lookup, Resolver};

use crate::convert::{self, Places};
use crate::documents::Document;
use crate::files::lock;
use crate::positions::{Encoding, Positions};
use crate::serve::Outbox;
use crate::session::{ClientCaps, Session, Snapshot, Trigger, is_config};
use crate::{symbols, workspace};

/// How long the server waits for the client to answer a request of its own.
const CLIENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The most workspace symbols one query returns.
const SYMBOL_LIMIT: usize = 200;

#[derive(Clone)]
pub struct Backend {
    session: Arc<Session>,
}

impl Backend {
    pub fn new(client: Client, outbox: Outbox) -> Self {
        Self {
            session: Arc::new(Session::new(client, outbox)),
        }
    }

    pub fn session(&self) -> Arc<Session> {
        self.session.clone()
    }

    /// `textDocument/didOpen` (routed by [`crate::serve`], run by the
    /// reader before it reads on).
    pub fn did_open(&self, params: DidOpenTextDocumentParams) {
        let doc = params.text_document;
        let uri = doc.uri.clone();
        let document = Document::new(doc.uri, &doc.text, doc.version);
        let config = is_config(document.path.as_deref());
        self.session
            .with_documents(|docs| docs.insert(uri.clone(), document));
        self.after_edit(&uri, config);
    }

    /// `textDocument/didChange` (routed by [`crate::serve`]): the edits are
    /// applied in the order read, a stale version refused.
    pub fn did_change(&self, params: DidChangeTextDocumentParams) {
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
        match applied {
            Some(Ok(config)) => self.after_edit(&uri, config),
            Some(Err(refused)) => self.session.log_warning(format!(
                "digest-lsp: ignored a change to {}: {refused:?}",
                uri.as_str()
            )),
            None => self.session.log_warning(format!(
                "digest-lsp: ignored a change to {}: not open",
                uri.as_str()
            )),
        }
    }

    /// `textDocument/didClose` (routed by [`crate::serve`]).
    pub fn did_close(&self, params: DidCloseTextDocumentParams) {
        let uri = params.text_document.uri;
        let removed = self.session.with_documents(|docs| docs.remove(&uri));
        self.session.forget(&uri);
        let config = removed
            .as_ref()
            .is_some_and(|d| is_config(d.path.as_deref()));
        if config {
            // The file on disk applies again.
            let path = removed.and_then(|d| d.path);
            self.config_changed(path.into_iter().collect());
        } else {
            self.session.publish(uri.clone(), Vec::new(), None);
            // The others see the disk's text of this file again.
            self.session.recheck_others(&uri);
        }
    }

    /// `textDocument/documentSymbol` (routed by [`crate::serve`]): the
    /// outline's JSON, written paper by paper from the JSON kept since the
    /// last request ([`crate::symbols::OutlineJson`]), or the flat list of
    /// clients without hierarchical symbols.
    pub async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Vec<u8>> {
        let received = std::time::Instant::now();
        // The edits read before this request were applied by the reader
        // already: the snapshot is of the text it is about.
        let uri = params.text_document.uri;
        let (json, analysed) = self
            .on_snapshot(uri, move |session, snapshot| {
                let analysed = received.elapsed();
                let mut json = Vec::new();
                match lock(&session.caps).hierarchical_symbols {
                    true => session.outline_json(snapshot, &mut json),
                    false => {
                        let lines = snapshot.checked.lines();
                        let flat = symbols::flat(snapshot, lines, session.encoding());
                        // Writing to a Vec cannot fail.
                        let _ = serde_json::to_writer(&mut json, &flat);
                    }
                }
                (json, analysed)
            })
            .await?;
        if timings() {
            // For the benchmarks: the server's share of the round trip.
            let ms = |d: std::time::Duration| d.as_secs_f64() * 1e3;
            eprintln!(
                "digest-lsp: timing documentSymbol {:.3} ms (analysed at {:.3})",
                ms(received.elapsed()),
                ms(analysed),
            );
        }
        Ok(json)
    }

    /// Runs `f` on a snapshot of `uri` on a blocking thread; a panic there is
    /// answered as an internal error and the server goes on.
    pub(crate) async fn on_snapshot<T: Send + 'static>(
        &self,
        uri: Uri,
        f: impl FnOnce(&Session, &Snapshot) -> T + Send + 'static,
    ) -> Result<T> {
        on_snapshot(&self.session, uri, f).await
    }

    fn after_edit(&self, uri: &Uri, path_is_config: bool) {
        if path_is_config {
            let path = uri.to_file_path().map(|p| p.into_owned());
            self.config_changed(path.into_iter().collect());
        } else {
            self.session
                .schedule_diagnostics(uri.clone(), Trigger::Edit);
        }
    }

    /// `digest.toml` files changed: every analysis under them is redone
    /// (open documents now, the index in the background).
    fn config_changed(&self, paths: Vec<std::path::PathBuf>) {
        self.session.reconfigure();
        // Keywords, labels and the inlay-hint settings change what the
        // editor shows between edits: ask it to ask again.
        let caps = *lock(&self.session.caps);
        let client = self.session.client.clone();
        tokio::spawn(async move {
            if caps.inlay_hint_refresh {
                let _ = tokio::time::timeout(CLIENT_TIMEOUT, client.inlay_hint_refresh()).await;
            }
            if caps.semantic_tokens_refresh {
                let asked = client.semantic_tokens_refresh();
                let _ = tokio::time::timeout(CLIENT_TIMEOUT, asked).await;
            }
        });
        let folders: Vec<_> = paths
            .iter()
            .filter_map(|p| p.parent().map(std::path::Path::to_path_buf))
            .collect();
        if folders.is_empty() {
            return;
        }
        let session = self.session.clone();
        tokio::spawn(async move {
            let worker = session.clone();
            let reparsed = tokio::task::spawn_blocking(move || {
                for folder in &folders {
                    workspace::reparse_under(&worker, folder);
                }
            });
            if reparsed.await.is_ok() {
                session.recheck_all();
            }
        });
    }

    /// Runs `f` on the workspace view taken for `uri`'s snapshot (see
    /// [`on_snapshot`]); `f` gets the view, the snapshot, the request's
    /// offset in it and a converter of positions.
    async fn on_view<T: Send + 'static>(
        &self,
        uri: Uri,
        position: Position,
        f: impl FnOnce(&Session, Places<'_>, usize, usize) -> T + Send + 'static,
    ) -> Result<T> {
        self.on_snapshot(uri, move |session, snapshot| {
            let encoding = session.encoding();
            let offset = Positions::of_rope(&snapshot.rope, encoding).offset(position);
            let digests = session.digests(Some(snapshot));
            let view = digests.view();
            let current = view.current.unwrap_or_default();
            let positions = Places {
                view,
                snapshot,
                encoding,
            };
            f(session, positions, current, offset)
        })
        .await
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
        let caps = ClientCaps::from_client(&params.capabilities);
        *lock(&self.session.caps) = caps;
        self.session.index.add_roots(workspace_roots(&params));
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
                references_provider: Some(OneOf::Left(true)),
                rename_provider: Some(OneOf::Right(RenameOptions {
                    prepare_provider: Some(true),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                })),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(vec!["[".to_string(), "#".to_string()]),
                    ..CompletionOptions::default()
                }),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                document_link_provider: Some(DocumentLinkOptions {
                    resolve_provider: Some(false),
                    work_done_progress_options: WorkDoneProgressOptions::default(),
                }),
                folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                inlay_hint_provider: Some(OneOf::Left(true)),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: convert::legend(),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: Some(true),
                            ..SemanticTokensOptions::default()
                        },
                    ),
                ),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
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
        let caps = *lock(&self.session.caps);
        tokio::spawn(workspace::index_in_background(
            self.session.clone(),
            self.session.index.roots(),
            caps.work_done_progress,
        ));
        if !caps.watched_files_dynamic {
            return;
        }
        let watchers = workspace::WATCHED
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
        self.session.log_warning(message);
    }

    async fn shutdown(&self) -> Result<()> {
        self.session.set_serving(false);
        Ok(())
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let path = params
            .text_document
            .uri
            .to_file_path()
            .map(|p| p.into_owned());
        if is_config(path.as_deref()) {
            self.config_changed(path.into_iter().collect());
        } else if let Some(path) = path.filter(|p| workspace::covers(&self.session, p)) {
            // For clients that watch no files: the index follows the disk.
            let session = self.session.clone();
            let _ = tokio::task::spawn_blocking(move || workspace::refresh(&session, &path)).await;
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let paths: Vec<std::path::PathBuf> = params
            .changes
            .iter()
            .filter_map(|change| change.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        let (configs, digests): (Vec<_>, Vec<_>) =
            paths.into_iter().partition(|p| is_config(Some(p)));
        let session = self.session.clone();
        let refreshed = tokio::task::spawn_blocking(move || {
            let changed = digests.iter().filter(|p| workspace::refresh(&session, p));
            changed.count()
        });
        let changed = refreshed.await.unwrap_or(0);
        match configs.is_empty() {
            true => self.session.recheck_all(),
            false => self.config_changed(configs),
        }
        if changed > 0 {
            let message = format!("digest-lsp: the index follows {changed} change(s) on disk");
            self.session.log(MessageType::LOG, message);
        }
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let folder_path = |f: &WorkspaceFolder| f.uri.to_file_path().map(|p| p.into_owned());
        for removed in &params.event.removed {
            if let Some(path) = folder_path(removed) {
                self.session.index.remove_root(&path);
            }
        }
        let added = self
            .session
            .index
            .add_roots(params.event.added.iter().filter_map(folder_path));
        if added.is_empty() {
            self.session.recheck_all();
            return;
        }
        let report = lock(&self.session.caps).work_done_progress;
        tokio::spawn(workspace::index_in_background(
            self.session.clone(),
            added,
            report,
        ));
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        self.on_snapshot(position.text_document.uri, move |session, snapshot| {
            let encoding = session.encoding();
            let mut positions = snapshot.positions(encoding);
            let offset = positions.offset(position.position);
            let resolver = session.digests(Some(snapshot));
            let config = &snapshot.checked.config.config;
            let found = features::hover(&snapshot.checked.analysis, offset, config, &resolver)?;
            Some(Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: found.markdown,
                }),
                range: Some(positions.range(found.range)),
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
            let mut positions = snapshot.positions(encoding);
            let offset = positions.offset(position.position);
            let resolver = session.digests(Some(snapshot));
            let target = features::definition(&snapshot.checked.analysis, offset, &resolver)?;
            let location = match &target.file {
                None => Location::new(snapshot.uri.clone(), positions.range(target.range)),
                Some(relative) => {
                    let Lookup::Found(other) = resolver.lookup(relative) else {
                        return None;
                    };
                    let range = Positions::of_rope(&other.text, encoding).range(target.range);
                    Location::new(resolver.uri(&resolver.path_of(relative))?, range)
                }
            };
            Some(GotoDefinitionResponse::Scalar(location))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let declaration = params.context.include_declaration;
        self.on_view(
            at.text_document.uri,
            at.position,
            move |_, p, current, offset| {
                let found = features::references(&p.view.files(), current, offset, declaration);
                Some(found.into_iter().filter_map(|r| p.location(r)).collect())
            },
        )
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        let uri = params.text_document.uri;
        self.on_view(uri, params.position, |_, p, current, offset| {
            let files = p.view.files();
            let target = features::prepare_rename(&files, current, offset)
                .map_err(|refused| request_failed(refused.message()))?;
            Ok(Some(PrepareRenameResponse::RangeWithPlaceholder {
                range: p.here(target.range),
                placeholder: target.number.to_string(),
            }))
        })
        .await?
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let new_name = params.new_name;
        self.on_view(
            at.text_document.uri,
            at.position,
            move |session, p, current, offset| {
                let files = p.view.files();
                let edits = features::rename(&files, current, offset, &new_name)
                    .map_err(|refused| request_failed(refused.message()))?;
                let versioned = lock(&session.caps).document_changes;
                Ok(Some(p.workspace_edit(edits, versioned)))
            },
        )
        .await?
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        self.on_view(
            at.text_document.uri,
            at.position,
            |_, p, current, offset| {
                let config = &p.snapshot.checked.config.config;
                let items = features::completion(&p.view.files(), current, offset, config);
                let items = items
                    .into_iter()
                    .enumerate()
                    .map(|(i, item)| {
                        let range = p.here(item.range);
                        convert::completion_item(i, item, range)
                    })
                    .collect();
                Some(CompletionResponse::Array(items))
            },
        )
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let query = params.query;
        run_blocking(&self.session, move |session| {
            let encoding = session.encoding();
            let digests = session.digests(None);
            let view = digests.view();
            let found = features::workspace_symbols(&view.files(), &query, SYMBOL_LIMIT);
            let symbols = found
                .into_iter()
                .filter_map(|s| {
                    let rope = &view.analyses.get(s.file)?.text;
                    #[allow(deprecated)]
                    Some(SymbolInformation {
                        name: s.name,
                        kind: SymbolKind::CLASS,
                        tags: None,
                        deprecated: None,
                        location: Location::new(
                            view.uri(s.file)?,
                            Positions::of_rope(rope, encoding).range(s.range),
                        ),
                        container_name: s.container,
                    })
                })
                .collect();
            Some(WorkspaceSymbolResponse::Flat(symbols))
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let wanted = params.context.only.as_ref().is_none_or(|only| {
            let quickfix = CodeActionKind::QUICKFIX;
            only.iter().any(|k| {
                k.as_str().is_empty()
                    || quickfix.as_str() == k.as_str()
                    || quickfix.as_str().starts_with(&format!("{}.", k.as_str()))
            })
        });
        if !wanted {
            return Ok(None);
        }
        let diagnostics = params.context.diagnostics;
        let start = params.range.start;
        self.on_view(
            params.text_document.uri,
            start,
            move |session, p, current, _| {
                let config = &p.snapshot.checked.config.config;
                let versioned = lock(&session.caps).document_changes;
                let files = p.view.files();
                let mut actions = Vec::new();
                for shown in diagnostics {
                    let Some(NumberOrString::String(code)) = &shown.code else {
                        continue;
                    };
                    let core = p.snapshot.checked.diagnostics.iter().find(|d| {
                        d.rule().code() == code.as_str() && p.here(d.range) == shown.range
                    });
                    let Some(core) = core else {
                        continue; // not ours, or stale
                    };
                    for fix in features::code_actions(&files, current, core, config) {
                        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                            title: fix.title,
                            kind: Some(CodeActionKind::QUICKFIX),
                            diagnostics: Some(vec![shown.clone()]),
                            edit: Some(p.workspace_edit(fix.edits, versioned)),
                            is_preferred: Some(fix.preferred),
                            ..CodeAction::default()
                        }));
                    }
                }
                Some(actions)
            },
        )
        .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.on_snapshot(params.text_document.uri, |session, snapshot| {
            let encoding = session.encoding();
            let lines = snapshot.positions(encoding);
            let resolver = session.digests(Some(snapshot));
            let links = features::document_links(&snapshot.checked.analysis, &resolver);
            let target = |target: LinkTarget| -> Option<Uri> {
                let (uri, line) = match target {
                    LinkTarget::Url(url) => return url.parse().ok(),
                    LinkTarget::Digest { file: None, range } => {
                        (snapshot.uri.clone(), lines.line(range.start))
                    }
                    LinkTarget::Digest {
                        file: Some(relative),
                        range,
                    } => {
                        let Lookup::Found(other) = resolver.lookup(&relative) else {
                            return None;
                        };
                        let uri = resolver.uri(&resolver.path_of(&relative))?;
                        (
                            uri,
                            Positions::of_rope(&other.text, encoding).line(range.start),
                        )
                    }
                };
                // `#L12` opens the file at line 12 in VS Code.
                format!("{}#L{}", uri.as_str(), line + 1).parse().ok()
            };
            let mut positions = snapshot.positions(encoding);
            let links = links
                .into_iter()
                .filter_map(|link| {
                    Some(DocumentLink {
                        range: positions.range(link.range),
                        target: Some(target(link.target)?),
                        tooltip: None,
                        data: None,
                    })
                })
                .collect();
            Some(links)
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.on_snapshot(params.text_document.uri, |session, snapshot| {
            let positions = snapshot.positions(session.encoding());
            let folds = features::folding_ranges(&snapshot.checked.analysis)
                .into_iter()
                .map(|fold| FoldingRange {
                    start_line: positions.line(fold.range.start),
                    end_line: positions.line(fold.range.end),
                    kind: Some(FoldingRangeKind::Region),
                    ..FoldingRange::default()
                })
                .collect();
            Some(folds)
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        self.on_snapshot(at.text_document.uri, move |session, snapshot| {
            let encoding = session.encoding();
            let mut positions = snapshot.positions(encoding);
            let offset = positions.offset(at.position);
            let found = features::highlights(&snapshot.checked.analysis, offset);
            let highlights = found
                .into_iter()
                .map(|h| DocumentHighlight {
                    range: positions.range(h.range),
                    kind: Some(match h.kind {
                        HighlightKind::Write => DocumentHighlightKind::WRITE,
                        HighlightKind::Read => DocumentHighlightKind::READ,
                    }),
                })
                .collect();
            Some(highlights)
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let range = params.range;
        self.on_snapshot(params.text_document.uri, move |session, snapshot| {
            let encoding = session.encoding();
            let mut positions = snapshot.positions(encoding);
            let bytes = positions.text_range(range);
            let config = &snapshot.checked.config.config;
            let hints = features::inlay_hints(&snapshot.checked.analysis, bytes, config)
                .into_iter()
                .map(|hint| InlayHint {
                    position: positions.position(hint.offset),
                    label: InlayHintLabel::String(hint.label),
                    kind: None,
                    text_edits: None,
                    tooltip: None,
                    padding_left: Some(true),
                    padding_right: None,
                    data: None,
                })
                .collect();
            Some(hints)
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.on_snapshot(params.text_document.uri, |session, snapshot| {
            let data = semantic_tokens(session, snapshot, None);
            Some(SemanticTokensResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            }))
        })
        .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let range = params.range;
        self.on_snapshot(params.text_document.uri, move |session, snapshot| {
            let data = semantic_tokens(session, snapshot, Some(range));
            Some(SemanticTokensRangeResult::Tokens(SemanticTokens {
                result_id: None,
                data,
            }))
        })
        .await
    }
}

/// The semantic tokens of a snapshot (of `range` only, when given).
fn semantic_tokens(
    session: &Session,
    snapshot: &Snapshot,
    range: Option<Range>,
) -> Vec<SemanticToken> {
    let encoding = session.encoding();
    let mut positions = snapshot.positions(encoding);
    let bytes = range.map(|r| positions.text_range(r));
    let tokens = features::semantic_tokens(&snapshot.checked.analysis, bytes);
    convert::semantic_tokens(&tokens, |offset| positions.position(offset))
}

/// True when `DIGEST_LSP_TIMINGS=1`: the outline's handler logs its time
/// on stderr.
fn timings() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("DIGEST_LSP_TIMINGS").is_some_and(|v| v == "1"))
}

/// A refusal the editor shows as it is (`RequestFailed`).
fn request_failed(message: String) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::ServerError(-32803),
        message: message.into(),
        data: None,
    }
}

/// The workspace folders of `initialize`: `workspaceFolders`, else
/// `rootUri`, else `rootPath`.
fn workspace_roots(params: &InitializeParams) -> Vec<std::path::PathBuf> {
    if let Some(folders) = params.workspace_folders.as_ref().filter(|f| !f.is_empty()) {
        return folders
            .iter()
            .filter_map(|f| f.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
    }
    #[allow(deprecated)]
    let root = match &params.root_uri {
        Some(uri) => uri.to_file_path().map(|p| p.into_owned()),
        None => params.root_path.as_ref().map(std::path::PathBuf::from),
    };
    root.into_iter().filter(|p| p.is_absolute()).collect()
}

/// Runs `f` on a snapshot of `uri` on a blocking thread. A panic there is
/// answered as an internal error, and an answer about a version the editor
/// has left behind as `ContentModified`.
pub async fn on_snapshot<T: Send + 'static>(
    session: &Arc<Session>,
    uri: Uri,
    f: impl FnOnce(&Session, &Snapshot) -> T + Send + 'static,
) -> Result<T> {
    run_blocking(session, move |worker| {
        let snapshot = worker.snapshot(&uri)?;
        let answer = f(worker, &snapshot);
        if worker.version(&uri) != Some(snapshot.version) {
            return Err(jsonrpc::Error {
                code: jsonrpc::ErrorCode::ContentModified,
                message: "the document changed while the request was served".into(),
                data: None,
            });
        }
        Ok(answer)
    })
    .await?
}

/// Runs `f` on a blocking thread; a panic there is answered as an internal
/// error and the server goes on.
pub async fn run_blocking<T: Send + 'static>(
    session: &Arc<Session>,
    f: impl FnOnce(&Session) -> T + Send + 'static,
) -> Result<T> {
    let worker = session.clone();
    match tokio::task::spawn_blocking(move || f(&worker)).await {
        Ok(answer) => Ok(answer),
        Err(e) => {
            let message = format!("digest-lsp: a request failed: {e}");
            session.log(MessageType::ERROR, message.clone());
            Err(jsonrpc::Error {
                code: jsonrpc::ErrorCode::InternalError,
                message: message.into(),
                data: None,
            })
        }
    }
}
