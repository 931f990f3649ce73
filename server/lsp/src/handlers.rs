//! The LSP handlers, one per method: convert in, call the analysis,
//! convert out (every LSP shape is built in [`crate::convert`]).
//!
//! Document sync (`didOpen`, `didChange`, `didClose`) and the outline are
//! called by [`crate::serve`]'s dispatch; every other method by tower-lsp,
//! through [`LanguageServer`]. Edits are applied under the documents lock,
//! before anything is awaited; every computation runs off the protocol
//! task ([`on_snapshot`]), where a panic becomes an internal error for
//! that one request.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use tower_lsp_server::jsonrpc::{self, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use digest_analysis::{FormatOptions, features, format};

use crate::bibliographies::is_bib;
use crate::convert::files::{self as file_ops, FileCaps};
use crate::convert::{self, Locator, outline};
use crate::digests::Digests;
use crate::documents::Document;
use crate::files::lock;
use crate::preview;
use crate::serve::Outbox;
use crate::session::{Negotiated, Session, Snapshot, Trigger, export, is_config};
use crate::workspace;

/// How long the server waits for the client to answer a request of its own.
const CLIENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The most workspace symbols one query returns.
const SYMBOL_LIMIT: usize = 200;

/// How long the reference lenses' refresh waits for changes to pause.
const LENS_REFRESH_DELAY: std::time::Duration = std::time::Duration::from_millis(250);

#[derive(Clone)]
pub struct Backend {
    session: Arc<Session>,
    files: Arc<FileOps>,
}

impl Backend {
    pub fn new(client: Client, outbox: Outbox) -> Self {
        Self {
            session: Arc::new(Session::new(client, outbox)),
            files: Arc::new(FileOps::default()),
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
        let kind = Kind::of(document.path.as_deref());
        self.session
            .with_documents(|docs| docs.insert(uri.clone(), document));
        self.after_edit(&uri, kind);
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
                    .map(|()| Kind::of(doc.path.as_deref())),
            )
        });
        match applied {
            Some(Ok(kind)) => self.after_edit(&uri, kind),
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
        let removed = self.session.close(&uri);
        let kind = Kind::of(removed.as_ref().and_then(|d| d.path.as_deref()));
        if kind == Kind::Config {
            // The file on disk applies again.
            let path = removed.and_then(|d| d.path);
            self.config_changed(path.into_iter().collect());
        } else if kind == Kind::Bibliography {
            // The file on disk applies again; its errors stay shown.
            if let Some(path) = removed.and_then(|d| d.path) {
                self.session.bibliography_changed(path, None);
            }
        } else {
            let pull = self.session.caps().pull_diagnostics;
            if !pull {
                self.session.publish(uri.clone(), Vec::new(), None);
            }
            // The others see the disk's text of this file again, and so
            // does its preview.
            self.session.recheck_others(&uri);
            self.session.previews.changed(&self.session, &uri);
            self.refresh_lenses();
            if pull {
                self.session.request_refresh();
            }
        }
    }

    /// `textDocument/documentSymbol` (routed by [`crate::serve`]): the
    /// outline's JSON, written paper by paper from the JSON kept since the
    /// last request ([`outline::OutlineJson`]), or the flat list of clients
    /// without hierarchical symbols.
    pub async fn document_symbol(&self, params: DocumentSymbolParams) -> Result<Vec<u8>> {
        let received = std::time::Instant::now();
        let uri = params.text_document.uri;
        let (json, analysed) = self
            .on_snapshot(uri, move |session, snapshot| {
                let analysed = received.elapsed();
                let mut json = Vec::new();
                match session.caps().hierarchical_symbols {
                    true => session.outline_json(snapshot, &mut json),
                    false => {
                        let mut positions = snapshot.positions(session.encoding());
                        let analysis = &snapshot.checked.analysis;
                        let flat = outline::flat(&snapshot.uri, analysis, &mut positions);
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

    /// `textDocument/formatting`, and `rangeFormatting` for the lines
    /// `range` touches: the smallest edits to the canonical layout of the
    /// document's current version (`digest_analysis::format`, as `fmt`
    /// makes them); none when its `digest.toml` turns formatting off (said
    /// once in the log), nor for a `digest.toml` itself. Answered for the version it was computed on only
    /// ([`on_snapshot`]).
    async fn format(&self, uri: Uri, range: Option<Range>) -> Result<Option<Vec<TextEdit>>> {
        let received = std::time::Instant::now();
        let edits = self
            .request(uri, true, move |cx, to| {
                if is_config(Some(&cx.snapshot.path)) {
                    return Vec::new(); // TOML, not a digest
                }
                let loaded = &cx.snapshot.checked.config;
                if !loaded.config.format_enabled {
                    cx.session
                        .say_format_off(&cx.snapshot.uri, loaded.path.as_deref());
                    return Vec::new();
                }
                let options = FormatOptions::default();
                let edits = match range {
                    None => format::format(cx.analysis(), cx.config(), &options),
                    Some(range) => {
                        let bytes = to.text_range(range);
                        format::format_range(cx.analysis(), cx.config(), bytes, &options)
                    }
                };
                convert::text_edits(edits, to)
            })
            .await?;
        if timings() {
            eprintln!(
                "digest-lsp: timing formatting {:.3} ms ({} edits)",
                received.elapsed().as_secs_f64() * 1e3,
                edits.len(),
            );
        }
        Ok(Some(edits))
    }

    /// `digest/render {textDocument: {uri}, format?}`: the document's
    /// current text rendered as `format` (`"html"` unless given), for a
    /// preview: `{uri, version, format, text}`, `version` null for a file
    /// that is not open. An editor drops an answer older than what it shows.
    pub async fn render(&self, params: serde_json::Value) -> Result<serde_json::Value> {
        let uri = document_uri(&params, "digest/render")?;
        let format = match &params["format"] {
            serde_json::Value::Null => digest_analysis::export::Format::Html,
            serde_json::Value::String(name) => export::format_named(name)?,
            other => {
                return Err(jsonrpc::Error::invalid_params(format!(
                    "digest-lsp: digest/render: format must be a string, not {other}"
                )));
            }
        };
        let answer_uri = uri.clone();
        let rendered =
            run_blocking(&self.session, move |session| session.render(&uri, format)).await??;
        Ok(serde_json::json!({
            "uri": answer_uri.as_str(),
            "version": rendered.version,
            "format": format.name(),
            "text": rendered.text,
        }))
    }

    /// `workspace/executeCommand` of [`preview::COMMAND`] with the
    /// argument `[uri]`: the address of the document's browser preview.
    async fn preview_command(&self, arguments: Vec<serde_json::Value>) -> Result<String> {
        let usage = || {
            jsonrpc::Error::invalid_params(format!(
                "digest-lsp: {} takes [uri], the digest's URI",
                preview::COMMAND
            ))
        };
        let [uri] = arguments.as_slice() else {
            return Err(usage());
        };
        let uri = (uri.as_str())
            .and_then(|u| u.parse::<Uri>().ok())
            .ok_or_else(usage)?;
        self.session.previews.open(&self.session, uri).await
    }

    /// The notification `digest/cursor {textDocument: {uri}, position}`:
    /// where the editor's cursor is, for the browser preview to follow.
    pub async fn cursor(&self, params: serde_json::Value) {
        let (Ok(uri), Some(line)) = (
            document_uri(&params, preview::CURSOR),
            params["position"]["line"].as_u64(),
        ) else {
            return;
        };
        let line = u32::try_from(line).unwrap_or(u32::MAX);
        self.session.previews.cursor(&uri, line);
    }

    /// `workspace/executeCommand` of [`export::COMMAND`] with the
    /// arguments `[uri, format, out?]`: the export written (next to the
    /// digest unless `out` says where); answers the written file's URI.
    async fn export_command(&self, arguments: Vec<serde_json::Value>) -> Result<String> {
        let usage = || {
            jsonrpc::Error::invalid_params(format!(
                "digest-lsp: {} takes [uri, format] or [uri, format, output path], \
                 format \"markdown\", \"html\" or \"json\"",
                export::COMMAND
            ))
        };
        let (uri, format, out) = match arguments.as_slice() {
            [uri, format] => (uri, format, None),
            [uri, format, out] => (uri, format, Some(out.as_str().ok_or_else(usage)?)),
            _ => return Err(usage()),
        };
        let uri = (uri.as_str())
            .and_then(|u| u.parse::<Uri>().ok())
            .ok_or_else(usage)?;
        let format = export::format_named(format.as_str().ok_or_else(usage)?)?;
        let out = out.map(str::to_string);
        let written = run_blocking(&self.session, move |session| {
            session.export_to(&uri, format, out.as_deref())
        })
        .await??;
        let written_uri = Uri::from_file_path(&written).ok_or_else(|| {
            let path = written.display();
            request_failed(format!("digest-lsp: wrote {path}, which has no file URI"))
        })?;
        Ok(written_uri.as_str().to_string())
    }

    /// What the client can do for the features about files (the
    /// defaults before `initialize`).
    fn file_caps(&self) -> FileCaps {
        self.files.caps.get().copied().unwrap_or_default()
    }

    /// A digest changed (an edit, a close, the disk): the reference counts
    /// of other files' lenses may have changed. Once changes pause for
    /// [`LENS_REFRESH_DELAY`], asks a client that supports it to ask for
    /// lenses again (`workspace/codeLens/refresh`).
    fn refresh_lenses(&self) {
        if !self.file_caps().code_lens_refresh {
            return;
        }
        let change = self.files.changes.fetch_add(1, Ordering::SeqCst) + 1;
        if self.files.lens_refresh_pending.swap(true, Ordering::SeqCst) {
            return; // the waiting task sees this change
        }
        // One task per pause in typing, not one timer per keystroke.
        let files = self.files.clone();
        let client = self.session.client.clone();
        tokio::spawn(async move {
            let mut seen = change;
            loop {
                tokio::time::sleep(LENS_REFRESH_DELAY).await;
                let now = files.changes.load(Ordering::SeqCst);
                if now == seen {
                    break;
                }
                seen = now; // changed meanwhile: wait for the pause again
            }
            // A change after this line spawns the next task; one just
            // before it is already applied, and covered by this refresh.
            files.lens_refresh_pending.store(false, Ordering::SeqCst);
            let _ = tokio::time::timeout(CLIENT_TIMEOUT, client.code_lens_refresh()).await;
        });
    }

    /// Runs an indexing in the background; once done, the lenses'
    /// counts take in the digests it found ([`Backend::refresh_lenses`]).
    fn index_then_refresh(&self, indexing: impl Future<Output = ()> + Send + 'static) {
        let backend = self.clone();
        tokio::spawn(async move {
            indexing.await;
            backend.refresh_lenses();
            backend.register_included_renames().await;
        });
    }

    /// Digests that `[files] include` names, with extensions other than
    /// `.digest`, move too: once the index has found them, `willRenameFiles`
    /// is registered for their extensions (each once), where the client
    /// registers file operations dynamically.
    async fn register_included_renames(&self) {
        if !self.file_caps().rename_dynamic {
            return;
        }
        let found: std::collections::BTreeSet<String> = (self.session.index.analysed().iter())
            .filter_map(|(path, _)| path.extension()?.to_str().map(str::to_string))
            .filter(|extension| extension != crate::discover::EXTENSION)
            .filter_map(|extension| file_ops::extension_glob(&extension))
            .collect();
        let (new, id) = {
            let mut known = lock(&self.files.rename_globs);
            let new: Vec<String> = (found.into_iter())
                .filter(|glob| known.insert(glob.clone()))
                .collect();
            (new, format!("digest-will-rename-{}", known.len()))
        };
        if new.is_empty() {
            return;
        }
        let registration = file_ops::will_rename_registration(id, &new);
        self.register(registration, &format!("follow renames of {new:?}"))
            .await;
    }

    /// Registers `registration` with the client; a refusal, or no answer
    /// within [`CLIENT_TIMEOUT`], is logged as a warning that says what
    /// could not be done (`what`).
    async fn register(&self, registration: Registration, what: &str) {
        let asked = self.session.client.register_capability(vec![registration]);
        let problem = match tokio::time::timeout(CLIENT_TIMEOUT, asked).await {
            Ok(Ok(())) => return,
            Ok(Err(e)) => e.to_string(),
            Err(_) => format!("no answer within {CLIENT_TIMEOUT:?}"),
        };
        self.session
            .log_warning(format!("digest-lsp: could not {what}: {problem}"));
    }

    pub(crate) async fn on_snapshot<T: Send + 'static>(
        &self,
        uri: Uri,
        f: impl FnOnce(&Session, &Snapshot) -> T + Send + 'static,
    ) -> Result<T> {
        on_snapshot(&self.session, uri, f).await
    }

    /// Runs `f` for a request on `uri` (see [`on_snapshot`]): `f` gets
    /// what the request is about ([`Cx`]) and a [`Locator`] for its
    /// positions (through the document's line table when `many` positions
    /// are converted).
    async fn request<T: Nothing + Send + 'static>(
        &self,
        uri: Uri,
        many: bool,
        f: impl FnOnce(&Cx<'_>, &mut Locator<'_>) -> T + Send + 'static,
    ) -> Result<T> {
        self.on_snapshot(uri, move |session, snapshot| {
            if is_bib(Some(&snapshot.path)) {
                return T::nothing(); // not a digest
            }
            let digests = session.digests(Some(snapshot));
            let encoding = session.encoding();
            let mut at = match many {
                true => Locator::new(snapshot, &digests, encoding),
                false => Locator::without_table(snapshot, &digests, encoding),
            };
            let cx = Cx {
                session,
                snapshot,
                digests: &digests,
            };
            f(&cx, &mut at)
        })
        .await
    }

    fn after_edit(&self, uri: &Uri, kind: Kind) {
        let path = uri.to_file_path().map(|p| p.into_owned());
        match kind {
            Kind::Config => {
                self.refresh_lenses();
                self.config_changed(path.into_iter().collect());
            }
            Kind::Bibliography => {
                if let Some(path) = path {
                    self.session.bibliography_changed(path, Some(uri.clone()));
                }
            }
            Kind::Digest => {
                self.refresh_lenses();
                self.session
                    .schedule_diagnostics(uri.clone(), Trigger::Edit);
                self.session.previews.changed(&self.session, uri);
            }
        }
    }

    /// `digest.toml` files changed: every analysis under them is redone
    /// (open documents now, the index in the background).
    fn config_changed(&self, paths: Vec<std::path::PathBuf>) {
        self.session.reconfigure();
        self.session.previews.changed_all(&self.session);
        self.session.request_refresh();
        // Keywords, labels and the inlay-hint settings change what the
        // editor shows between edits: ask it to ask again.
        let caps = self.session.caps();
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
                    worker.reparse_under(folder);
                }
            });
            if reparsed.await.is_ok() {
                session.recheck_all();
            }
        });
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let negotiated = Negotiated::from_initialize(&params);
        self.session.index.add_roots(workspace_roots(&params));
        self.session.start(negotiated);
        let _ = self
            .files
            .caps
            .set(FileCaps::from_client(&params.capabilities));
        let mut result = convert::capabilities(negotiated.encoding);
        if negotiated.caps.pull_diagnostics {
            result.capabilities.diagnostic_provider = Some(convert::diagnostic_provider());
        }
        Ok(result)
    }

    async fn initialized(&self, _: InitializedParams) {
        let session = self.session.clone();
        self.index_then_refresh(session.index_in_background(self.session.index.roots()));
        if !self.session.caps().watched_files_dynamic {
            return;
        }
        let registration = convert::watch_registration(&workspace::WATCHED);
        self.register(registration, "watch digests, digest.toml and .bib files")
            .await;
    }

    async fn execute_command(
        &self,
        params: ExecuteCommandParams,
    ) -> Result<Option<serde_json::Value>> {
        let answer = match params.command.as_str() {
            export::COMMAND => self.export_command(params.arguments).await?,
            preview::COMMAND => self.preview_command(params.arguments).await?,
            _ => {
                return Err(jsonrpc::Error::invalid_params(format!(
                    "digest-lsp: unknown command {:?}",
                    params.command
                )));
            }
        };
        Ok(Some(serde_json::Value::String(answer)))
    }

    async fn shutdown(&self) -> Result<()> {
        self.session.stop();
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
        } else if let Some(path) = path.filter(|p| self.session.covers(p)) {
            // For clients that watch no files: the index follows the disk.
            let session = self.session.clone();
            let changed = tokio::task::spawn_blocking(move || session.refresh(&[path])).await;
            if changed.unwrap_or(0) > 0 {
                self.session.request_refresh();
            }
        }
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let paths: Vec<std::path::PathBuf> = params
            .changes
            .iter()
            .filter_map(|change| change.uri.to_file_path().map(|p| p.into_owned()))
            .collect();
        let (configs, others): (Vec<_>, Vec<_>) =
            paths.into_iter().partition(|p| is_config(Some(p)));
        // A `.bib` file, or a file a bibliography read holds (a CSL-JSON
        // file that `[bibliography] files` names).
        let bibliographies = &self.session.configs.bibliographies;
        let (bibs, digests): (Vec<_>, Vec<_>) =
            (others.into_iter()).partition(|p| is_bib(Some(p)) || bibliographies.holds(p));
        for bib in bibs {
            self.session.bibliography_changed(bib, None);
        }
        // A preview shows whether its references to other digests resolve,
        // and its own file's text when it is not open.
        self.session.previews.changed_all(&self.session);
        let session = self.session.clone();
        let refreshed = tokio::task::spawn_blocking(move || session.refresh(&digests));
        let changed = refreshed.await.unwrap_or(0);
        if changed > 0 {
            self.refresh_lenses();
        }
        match configs.is_empty() {
            true => self.session.recheck_all(),
            false => self.config_changed(configs),
        }
        if changed > 0 {
            self.session.request_refresh();
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
        self.index_then_refresh(self.session.clone().index_in_background(added));
    }

    async fn diagnostic(
        &self,
        params: DocumentDiagnosticParams,
    ) -> Result<DocumentDiagnosticReportResult> {
        pull_document(&self.session, params).await
    }

    async fn workspace_diagnostic(
        &self,
        params: WorkspaceDiagnosticParams,
    ) -> Result<WorkspaceDiagnosticReportResult> {
        pull_workspace(&self.session, params).await
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let at = params.text_document_position_params;
        self.request(at.text_document.uri, false, move |cx, to| {
            let offset = to.offset(at.position);
            let found = features::hover(cx.analysis(), offset, cx.config(), cx.digests)?;
            Some(convert::hover(found, to))
        })
        .await
    }

    async fn goto_definition(
        &self,
        params: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        self.request(at.text_document.uri, false, move |cx, to| {
            let offset = to.offset(at.position);
            let target = features::definition(cx.analysis(), offset, cx.digests)?;
            if let Some(entry) = target.entry {
                return convert::entry_location(&entry).map(GotoDefinitionResponse::Scalar);
            }
            let path = target.file.map(|relative| cx.digests.path_of(&relative));
            let location = to.location_at(path.as_deref(), target.range)?;
            Some(GotoDefinitionResponse::Scalar(location))
        })
        .await
    }

    async fn references(&self, params: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let at = params.text_document_position;
        let declaration = params.context.include_declaration;
        self.request(at.text_document.uri, true, move |cx, to| {
            let (files, current) = cx.files();
            let offset = to.offset(at.position);
            let found = features::references(&files, current, offset, declaration);
            Some(found.into_iter().filter_map(|r| to.location(r)).collect())
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: TextDocumentPositionParams,
    ) -> Result<Option<PrepareRenameResponse>> {
        self.request(params.text_document.uri, true, move |cx, to| {
            let (files, current) = cx.files();
            let offset = to.offset(params.position);
            let target = features::prepare_rename(&files, current, offset)
                .map_err(|refused| request_failed(refused.message()))?;
            Ok(Some(convert::prepare_rename(target, to)))
        })
        .await?
    }

    async fn rename(&self, params: RenameParams) -> Result<Option<WorkspaceEdit>> {
        let at = params.text_document_position;
        let new_name = params.new_name;
        self.request(at.text_document.uri, true, move |cx, to| {
            let (files, current) = cx.files();
            let offset = to.offset(at.position);
            let edits = features::rename(&files, current, offset, &new_name)
                .map_err(|refused| request_failed(refused.message()))?;
            let versioned = cx.session.caps().document_changes;
            Ok(Some(to.workspace_edit(edits, versioned)))
        })
        .await?
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let at = params.text_document_position;
        // `@` is a trigger for `[[@` alone: typed in an e-mail address or
        // anywhere else, it opens no list.
        let by_at =
            (params.context.as_ref()).and_then(|c| c.trigger_character.as_deref()) == Some("@");
        self.request(at.text_document.uri, true, move |cx, to| {
            let (files, current) = cx.files();
            let offset = to.offset(at.position);
            let bibliography = digest_analysis::Resolver::bibliography(cx.digests);
            let mut items =
                features::completion(&files, current, offset, cx.config(), bibliography);
            if by_at {
                items.retain(|item| item.kind == features::CompletionKind::Citation);
            }
            let items = (items.into_iter().enumerate())
                .map(|(i, item)| convert::completion_item(i, item, to))
                .collect();
            Some(CompletionResponse::Array(items))
        })
        .await
    }

    async fn symbol(
        &self,
        params: WorkspaceSymbolParams,
    ) -> Result<Option<WorkspaceSymbolResponse>> {
        let query = params.query;
        run_blocking(&self.session, move |session| {
            let digests = session.digests(None);
            let mut to = Locator::nowhere(&digests, session.encoding());
            let files = digests.view().files();
            let found = features::workspace_symbols(&files, &query, SYMBOL_LIMIT);
            let symbols = (found.into_iter())
                .filter_map(|s| convert::workspace_symbol(s, &mut to))
                .collect();
            Some(WorkspaceSymbolResponse::Flat(symbols))
        })
        .await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let only = params.context.only.as_deref();
        let quickfix = asked(only, &CodeActionKind::QUICKFIX);
        let fix_all = asked(only, &convert::FIX_ALL);
        if quickfix == Asked::No && fix_all == Asked::No {
            return Ok(None);
        }
        let shown = params.context.diagnostics;
        let create_files = self.file_caps().create_files;
        self.request(params.text_document.uri, true, move |cx, to| {
            let versioned = cx.session.caps().document_changes;
            let mut actions = Vec::new();
            if quickfix != Asked::No && !shown.is_empty() {
                let (files, current) = cx.files();
                for shown in &shown {
                    let Some(ours) = cx.ours(shown, to) else {
                        continue;
                    };
                    for fix in features::code_actions(&files, current, ours, cx.config()) {
                        if fix.create.is_some() {
                            // Only where the client can create files.
                            if create_files {
                                actions.extend(file_ops::create_action(fix, shown, to));
                            }
                            continue;
                        }
                        actions.push(convert::code_action(fix, shown, to, versioned));
                    }
                }
            }
            if fix_all != Asked::No {
                let edits = features::fix_all_typography(cx.analysis(), cx.config());
                // Named, it is always offered (applied on save, it changes
                // nothing when nothing is to fix); in the whole list only
                // when there is something to fix.
                if fix_all == Asked::Named || !edits.is_empty() {
                    actions.push(convert::fix_all(edits, to, versioned));
                }
            }
            Some(actions)
        })
        .await
    }

    /// `workspace/willRenameFiles`: the edits that keep every wiki
    /// reference of the workspace (the index, open documents' text over
    /// it) naming the digests that move, versioned for open documents
    /// where the client takes `documentChanges`; none when nothing names
    /// them.
    async fn will_rename_files(&self, params: RenameFilesParams) -> Result<Option<WorkspaceEdit>> {
        let path = |uri: &str| {
            let uri = uri.parse::<Uri>().ok()?;
            uri.to_file_path().map(|p| p.into_owned())
        };
        let renames: Vec<features::FileRename> = (params.files.iter())
            .filter_map(|f| {
                Some(features::FileRename {
                    old: path(&f.old_uri)?,
                    new: path(&f.new_uri)?,
                })
            })
            .collect();
        if renames.is_empty() {
            return Ok(None);
        }
        run_blocking(&self.session, move |session| {
            let digests = session.digests(None);
            let mut to = Locator::nowhere(&digests, session.encoding());
            let files = digests.view().files();
            let edits = features::rename_files(&files, &renames);
            if edits.is_empty() {
                return None;
            }
            Some(to.workspace_edit(edits, session.caps().document_changes))
        })
        .await
    }

    /// `textDocument/codeLens`: a lens on each heading with its references
    /// across the workspace, resolved at once ([`file_ops::code_lens`]).
    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        let uri = params.text_document.uri;
        self.request(uri.clone(), true, move |cx, to| {
            if is_config(Some(&cx.snapshot.path)) {
                return Some(Vec::new()); // TOML, not a digest
            }
            let (files, current) = cx.files();
            let lenses = features::code_lenses(&files, current);
            let lenses = (lenses.into_iter())
                .map(|lens| file_ops::code_lens(lens, &uri, to))
                .collect();
            Some(lenses)
        })
        .await
    }

    async fn formatting(&self, params: DocumentFormattingParams) -> Result<Option<Vec<TextEdit>>> {
        self.format(params.text_document.uri, None).await
    }

    async fn range_formatting(
        &self,
        params: DocumentRangeFormattingParams,
    ) -> Result<Option<Vec<TextEdit>>> {
        self.format(params.text_document.uri, Some(params.range))
            .await
    }

    async fn document_link(&self, params: DocumentLinkParams) -> Result<Option<Vec<DocumentLink>>> {
        self.request(params.text_document.uri, true, |cx, to| {
            let links = features::document_links(cx.analysis(), cx.digests);
            let links = (links.into_iter())
                .filter_map(|link| convert::document_link(link, to))
                .collect();
            Some(links)
        })
        .await
    }

    async fn folding_range(&self, params: FoldingRangeParams) -> Result<Option<Vec<FoldingRange>>> {
        self.request(params.text_document.uri, true, |cx, to| {
            let folds = features::folding_ranges(cx.analysis());
            Some(
                folds
                    .into_iter()
                    .map(|fold| convert::folding_range(fold, to))
                    .collect(),
            )
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let at = params.text_document_position_params;
        self.request(at.text_document.uri, true, move |cx, to| {
            let found = features::highlights(cx.analysis(), to.offset(at.position));
            Some(
                found
                    .into_iter()
                    .map(|h| convert::highlight(h, to))
                    .collect(),
            )
        })
        .await
    }

    async fn inlay_hint(&self, params: InlayHintParams) -> Result<Option<Vec<InlayHint>>> {
        let range = params.range;
        self.request(params.text_document.uri, true, move |cx, to| {
            let bytes = to.text_range(range);
            let hints = features::inlay_hints(cx.analysis(), bytes, cx.config());
            Some(
                hints
                    .into_iter()
                    .map(|hint| convert::inlay_hint(hint, to))
                    .collect(),
            )
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.request(params.text_document.uri, true, |cx, to| {
            let tokens = features::semantic_tokens(cx.analysis(), None);
            Some(SemanticTokensResult::Tokens(convert::semantic_tokens(
                &tokens, to,
            )))
        })
        .await
    }

    async fn semantic_tokens_range(
        &self,
        params: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        let range = params.range;
        self.request(params.text_document.uri, true, move |cx, to| {
            let bytes = to.text_range(range);
            let tokens = features::semantic_tokens(cx.analysis(), Some(bytes));
            Some(SemanticTokensRangeResult::Tokens(convert::semantic_tokens(
                &tokens, to,
            )))
        })
        .await
    }
}

/// What the features about files keep between messages.
#[derive(Default)]
struct FileOps {
    /// Set by `initialize`.
    caps: OnceLock<FileCaps>,
    /// Counts the changes that may alter lens counts; a refresh is sent
    /// for the last one only.
    changes: AtomicU64,
    /// A task waits for changes to pause before sending the refresh.
    lens_refresh_pending: std::sync::atomic::AtomicBool,
    /// The globs `willRenameFiles` is registered for besides `**/*.digest`.
    rename_globs: std::sync::Mutex<std::collections::BTreeSet<String>>,
}

/// What a request on a document works on.
struct Cx<'a> {
    session: &'a Session,
    snapshot: &'a Snapshot,
    digests: &'a Digests<'a>,
}

impl Cx<'_> {
    /// The diagnostic of this version that the editor shows as `shown`:
    /// the same code at the same range.
    fn ours(
        &self,
        shown: &Diagnostic,
        to: &mut Locator<'_>,
    ) -> Option<&digest_analysis::Diagnostic> {
        let Some(NumberOrString::String(code)) = &shown.code else {
            return None;
        };
        (self.snapshot.checked.diagnostics.iter())
            .find(|d| d.rule().code() == code.as_str() && to.range(d.range) == shown.range)
    }

    fn analysis(&self) -> &digest_analysis::Analysis {
        &self.snapshot.checked.analysis
    }

    fn config(&self) -> &digest_analysis::Config {
        &self.snapshot.checked.config.config
    }

    /// Every digest, for the cross-file features, and which is this one.
    fn files(&self) -> (Vec<digest_analysis::WorkspaceFile<'_>>, usize) {
        let view = self.digests.view();
        (view.files(), view.current.unwrap_or_default())
    }
}

/// What an open document is, for what its changes lead to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Digest,
    /// A `digest.toml`.
    Config,
    /// A `.bib` file (CSL-JSON files are followed on disk only).
    Bibliography,
}

impl Kind {
    fn of(path: Option<&std::path::Path>) -> Self {
        if is_config(path) {
            Kind::Config
        } else if is_bib(path) {
            Kind::Bibliography
        } else {
            Kind::Digest
        }
    }
}

/// The answer to a request on an open document that is no digest (a
/// bibliography file).
trait Nothing {
    fn nothing() -> Self;
}

impl<T> Nothing for Option<T> {
    fn nothing() -> Self {
        None
    }
}

impl<T> Nothing for Vec<T> {
    fn nothing() -> Self {
        Vec::new()
    }
}

impl<T, E> Nothing for std::result::Result<Option<T>, E> {
    fn nothing() -> Self {
        Ok(None)
    }
}

/// How `context.only` asks for a kind of code action.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Asked {
    No,
    /// No filter (or the empty kind, which every kind is under).
    Unfiltered,
    /// By its kind or a kind above it (`source` for `source.fixAll.digest`).
    Named,
}

fn asked(only: Option<&[CodeActionKind]>, kind: &CodeActionKind) -> Asked {
    let Some(only) = only else {
        return Asked::Unfiltered;
    };
    let kind = kind.as_str();
    let under = |k: &str| {
        !k.is_empty()
            && kind
                .strip_prefix(k)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
    };
    if only.iter().any(|k| under(k.as_str())) {
        Asked::Named
    } else if only.iter().any(|k| k.as_str().is_empty()) {
        Asked::Unfiltered
    } else {
        Asked::No
    }
}

/// True when `DIGEST_LSP_TIMINGS=1`: the outline's and the formatting's
/// handlers log their time on stderr.
fn timings() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("DIGEST_LSP_TIMINGS").is_some_and(|v| v == "1"))
}

/// `params.textDocument.uri` of a custom request `method`.
fn document_uri(params: &serde_json::Value, method: &str) -> Result<Uri> {
    (params["textDocument"]["uri"].as_str())
        .and_then(|uri| uri.parse::<Uri>().ok())
        .ok_or_else(|| {
            jsonrpc::Error::invalid_params(format!(
                "digest-lsp: {method} needs textDocument.uri, a URI"
            ))
        })
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

/// `textDocument/diagnostic`, off the protocol task (see
/// [`Session::pull_document`]).
async fn pull_document(
    session: &Arc<Session>,
    params: DocumentDiagnosticParams,
) -> Result<DocumentDiagnosticReportResult> {
    let uri = params.text_document.uri;
    let previous = params.previous_result_id;
    let report = run_blocking(session, move |worker| {
        worker.pull_document(&uri, previous.as_deref())
    })
    .await??;
    Ok(DocumentDiagnosticReportResult::Report(report))
}

/// `workspace/diagnostic`, off the protocol task (see
/// [`Session::pull_workspace`]); the whole report in the answer.
async fn pull_workspace(
    session: &Arc<Session>,
    params: WorkspaceDiagnosticParams,
) -> Result<WorkspaceDiagnosticReportResult> {
    let received = std::time::Instant::now();
    let previous = params.previous_result_ids;
    let report = run_blocking(session, move |worker| worker.pull_workspace(&previous)).await?;
    if timings() {
        eprintln!(
            "digest-lsp: timing workspace/diagnostic {:.3} ms ({} reports)",
            received.elapsed().as_secs_f64() * 1e3,
            report.items.len(),
        );
    }
    Ok(WorkspaceDiagnosticReportResult::Report(report))
}
