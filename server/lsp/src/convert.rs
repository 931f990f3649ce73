//! Every LSP shape the server sends, built here from the analysis's plain
//! data: ranges and locations in the negotiated encoding ([`Locator`]),
//! diagnostics and severities, hovers, symbols (the outline in
//! [`outline`]), workspace edits, completion items, semantic tokens, folds,
//! highlights, inlay hints, links, code actions (quick fixes and
//! `source.fixAll.digest`), formatting edits, the server's capabilities;
//! the features about files (moving digests, creating a missing one,
//! reference lenses) in [`files`].
//! What comes in (positions and ranges) is read by the same [`Locator`].

pub mod files;
pub mod outline;

use std::collections::HashMap;
use std::path::Path;

use tower_lsp_server::ls_types::{
    self as lsp, CodeActionKind, CodeActionOptions, CodeActionOrCommand,
    CodeActionProviderCapability, CompletionItemKind, CompletionOptions, CompletionTextEdit,
    DiagnosticRelatedInformation, DiagnosticSeverity, DidChangeWatchedFilesRegistrationOptions,
    DocumentChanges, DocumentHighlightKind, DocumentLinkOptions, Documentation, FileSystemWatcher,
    FoldingRangeKind, FoldingRangeProviderCapability, GlobPattern, HoverContents,
    HoverProviderCapability, InlayHintLabel, InsertTextFormat, Location, MarkupContent, MarkupKind,
    NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier, Position, Range, Registration,
    RenameOptions, SemanticTokenModifier, SemanticTokenType, SemanticTokensFullOptions,
    SemanticTokensLegend, SemanticTokensOptions, SemanticTokensServerCapabilities,
    ServerCapabilities, ServerInfo, TextDocumentEdit, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, TextDocumentSyncSaveOptions, Uri,
    WorkDoneProgressOptions, WorkspaceEdit, WorkspaceFoldersServerCapabilities,
    WorkspaceServerCapabilities,
};

use digest_analysis::features::{
    CodeAction, CompletionItem, CompletionKind, DocumentLink, Fold, Highlight, HighlightKind,
    Hover, InlayHint, LinkTarget, RenameTarget, SemanticToken, TokenKind, WorkspaceSymbol,
};
use digest_analysis::{Diagnostic, FileEdits, FileRange, Lookup, Severity, TextEdit, TextRange};

use crate::digests::Digests;
use crate::positions::{Encoding, Positions};
use crate::session::Snapshot;

/// Converts between LSP positions and the offsets of every digest a
/// request reaches: its own document's through its snapshot (and line
/// table, unless built [`Locator::without_table`]), the others' through
/// their ropes, found through [`Digests`].
pub struct Locator<'a> {
    here: Option<(&'a Snapshot, Positions<'a>)>,
    digests: &'a Digests<'a>,
    encoding: Encoding,
}

impl<'a> Locator<'a> {
    /// For a request on `snapshot`, with many conversions to make.
    pub fn new(snapshot: &'a Snapshot, digests: &'a Digests<'a>, encoding: Encoding) -> Self {
        let positions = Positions::new(&snapshot.rope, snapshot.checked.lines(), encoding);
        Self {
            here: Some((snapshot, positions)),
            digests,
            encoding,
        }
    }

    /// For a few conversions in `snapshot` (a hover, a keystroke's
    /// diagnostics): its line table is not built for them.
    pub fn without_table(
        snapshot: &'a Snapshot,
        digests: &'a Digests<'a>,
        encoding: Encoding,
    ) -> Self {
        let positions = Positions::of_rope(&snapshot.rope, encoding);
        Self {
            here: Some((snapshot, positions)),
            digests,
            encoding,
        }
    }

    /// For a request about no document (workspace symbols).
    pub fn nowhere(digests: &'a Digests<'a>, encoding: Encoding) -> Self {
        Self {
            here: None,
            digests,
            encoding,
        }
    }

    /// The offset of a position in the request's document.
    pub fn offset(&self, position: Position) -> usize {
        self.here
            .as_ref()
            .map_or(0, |(_, positions)| positions.offset(position))
    }

    /// A byte range of the request's document.
    pub fn text_range(&self, range: Range) -> TextRange {
        self.here
            .as_ref()
            .map_or(TextRange::empty(0), |(_, positions)| {
                positions.text_range(range)
            })
    }

    /// A range of the request's document.
    pub fn range(&mut self, range: TextRange) -> Range {
        match &mut self.here {
            Some((_, positions)) => positions.range(range),
            None => Range::default(),
        }
    }

    /// The position of an offset of the request's document.
    pub fn position(&mut self, offset: usize) -> Position {
        match &mut self.here {
            Some((_, positions)) => positions.position(offset),
            None => Position::default(),
        }
    }

    /// The line of an offset of the request's document.
    pub fn line(&self, offset: usize) -> u32 {
        self.here
            .as_ref()
            .map_or(0, |(_, positions)| positions.line(offset))
    }

    /// A range of file `file` of the digests' view.
    fn view_range(&mut self, file: usize, range: TextRange) -> Option<Range> {
        let view = self.digests.view();
        if Some(file) == view.current {
            return Some(self.range(range));
        }
        let analysis = view.analyses.get(file)?;
        Some(Positions::of_rope(&analysis.text, self.encoding).range(range))
    }

    /// The URI and version of file `file` of the digests' view.
    fn view_file(&self, file: usize) -> Option<(Uri, Option<i32>)> {
        let view = self.digests.view();
        match &self.here {
            Some((snapshot, _)) if Some(file) == view.current => {
                Some((snapshot.uri.clone(), Some(snapshot.version)))
            }
            _ => Some((view.uri(file)?, view.versions.get(file).copied().flatten())),
        }
    }

    /// A place in a file of the digests' view.
    pub fn location(&mut self, at: FileRange) -> Option<Location> {
        let (uri, _) = self.view_file(at.file)?;
        Some(Location::new(uri, self.view_range(at.file, at.range)?))
    }

    /// A place in the digest at `path` (`None`: the request's document).
    pub fn location_at(&mut self, path: Option<&Path>, range: TextRange) -> Option<Location> {
        match path {
            None => {
                let uri = self.here.as_ref()?.0.uri.clone();
                Some(Location::new(uri, self.range(range)))
            }
            Some(path) => {
                // A bibliography file (an entry cited): its own text, not
                // read as a digest.
                if let Some(text) = self.digests.bibliography_text(path) {
                    let rope = ropey::Rope::from_str(&text);
                    let range = Positions::of_rope(&rope, self.encoding).range(range);
                    return Some(Location::new(self.digests.uri(path)?, range));
                }
                let Lookup::Found(other) = self.digests.at(path) else {
                    return None;
                };
                let range = Positions::of_rope(&other.text, self.encoding).range(range);
                Some(Location::new(self.digests.uri(path)?, range))
            }
        }
    }

    /// Edits per file as a `WorkspaceEdit`: versioned `documentChanges`
    /// when the client takes them (open documents carry the version the
    /// edits were computed on), else `changes`.
    pub fn workspace_edit(
        &mut self,
        edits: Vec<FileEdits>,
        document_changes: bool,
    ) -> WorkspaceEdit {
        let mut per_file: Vec<(Uri, Option<i32>, Vec<lsp::TextEdit>)> = Vec::new();
        for file_edits in edits {
            let file = file_edits.file;
            let Some((uri, version)) = self.view_file(file) else {
                continue;
            };
            let converted = (file_edits.edits.into_iter())
                .filter_map(|e| {
                    Some(lsp::TextEdit::new(
                        self.view_range(file, e.range)?,
                        e.new_text,
                    ))
                })
                .collect();
            per_file.push((uri, version, converted));
        }
        workspace_edit_of(per_file, document_changes)
    }

    /// Edits of the request's document as a `WorkspaceEdit` (as
    /// [`Locator::workspace_edit`] makes them, versioned with the
    /// snapshot's version), without the view of the other digests.
    pub fn document_edit(&mut self, edits: Vec<TextEdit>, document_changes: bool) -> WorkspaceEdit {
        let Some((snapshot, _)) = &self.here else {
            return WorkspaceEdit::default();
        };
        let (uri, version) = (snapshot.uri.clone(), snapshot.version);
        let converted = text_edits(edits, self);
        workspace_edit_of(vec![(uri, Some(version), converted)], document_changes)
    }
}

/// Converted edits per file as a `WorkspaceEdit` (see
/// [`Locator::workspace_edit`]).
fn workspace_edit_of(
    per_file: Vec<(Uri, Option<i32>, Vec<lsp::TextEdit>)>,
    document_changes: bool,
) -> WorkspaceEdit {
    if document_changes {
        let edits = per_file
            .into_iter()
            .map(|(uri, version, edits)| TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            })
            .collect();
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(edits)),
            ..WorkspaceEdit::default()
        }
    } else {
        let changes: HashMap<Uri, Vec<lsp::TextEdit>> = per_file
            .into_iter()
            .map(|(uri, _, edits)| (uri, edits))
            .collect();
        WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        }
    }
}

/// Edits of the request's document (sorted, as the analysis gives them:
/// their positions are then read in one pass) as LSP text edits.
pub fn text_edits(edits: Vec<TextEdit>, at: &mut Locator<'_>) -> Vec<lsp::TextEdit> {
    (edits.into_iter())
        .map(|e| lsp::TextEdit::new(at.range(e.range), e.new_text))
        .collect()
}

pub fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
        Severity::Hint => DiagnosticSeverity::HINT,
    }
}

/// A diagnostic of the request's document; with `related`, the other
/// places it names (in this digest or another).
pub fn diagnostic(d: &Diagnostic, at: &mut Locator<'_>, related: bool) -> lsp::Diagnostic {
    let related = related.then(|| {
        (d.related.iter())
            .filter_map(|r| {
                Some(DiagnosticRelatedInformation {
                    location: at.location_at(r.file.as_deref(), r.range)?,
                    message: r.message.clone(),
                })
            })
            .collect::<Vec<_>>()
    });
    lsp::Diagnostic {
        related_information: related.filter(|r| !r.is_empty()),
        ..diagnostic_with(d, at.range(d.range))
    }
}

/// A diagnostic of a file that is not open (a `digest.toml`), whose text
/// `positions` are of.
pub fn diagnostic_in(d: &Diagnostic, positions: &mut Positions<'_>) -> lsp::Diagnostic {
    diagnostic_with(d, positions.range(d.range))
}

fn diagnostic_with(d: &Diagnostic, range: Range) -> lsp::Diagnostic {
    lsp::Diagnostic {
        range,
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule().code().to_string())),
        source: Some("digest".to_string()),
        message: d.message(),
        ..lsp::Diagnostic::default()
    }
}

pub fn hover(found: Hover, at: &mut Locator<'_>) -> lsp::Hover {
    lsp::Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value: found.markdown,
        }),
        range: Some(at.range(found.range)),
    }
}

/// The start of a bibliography entry, as a location in its file. The
/// column counts characters; an entry starts after ASCII blanks only, so
/// it is the same in every position encoding.
pub fn entry_location(entry: &digest_analysis::features::EntryPlace) -> Option<Location> {
    let line = u32::try_from(entry.line).ok()?;
    let character = u32::try_from(entry.character).ok()?;
    let at = Position::new(line, character);
    Some(Location::new(
        Uri::from_file_path(&entry.path)?,
        Range::new(at, at),
    ))
}

pub fn prepare_rename(target: RenameTarget, at: &mut Locator<'_>) -> lsp::PrepareRenameResponse {
    lsp::PrepareRenameResponse::RangeWithPlaceholder {
        range: at.range(target.range),
        placeholder: target.number.to_string(),
    }
}

/// A completion item; `order` keeps the feature's order in the list.
pub fn completion_item(
    order: usize,
    item: CompletionItem,
    at: &mut Locator<'_>,
) -> lsp::CompletionItem {
    lsp::CompletionItem {
        kind: Some(match item.kind {
            CompletionKind::Paper => CompletionItemKind::REFERENCE,
            CompletionKind::Digest => CompletionItemKind::FILE,
            CompletionKind::Label => CompletionItemKind::PROPERTY,
            CompletionKind::Citation => CompletionItemKind::REFERENCE,
        }),
        detail: item.detail,
        documentation: item.documentation.map(|text| {
            Documentation::MarkupContent(MarkupContent {
                kind: MarkupKind::PlainText,
                value: text,
            })
        }),
        sort_text: Some(format!("{order:06}")),
        filter_text: item.filter,
        insert_text_format: Some(InsertTextFormat::PLAIN_TEXT),
        text_edit: Some(CompletionTextEdit::Edit(lsp::TextEdit::new(
            at.range(item.range),
            item.insert,
        ))),
        label: item.label,
        ..lsp::CompletionItem::default()
    }
}

#[allow(deprecated)]
pub fn workspace_symbol(
    s: WorkspaceSymbol,
    at: &mut Locator<'_>,
) -> Option<lsp::SymbolInformation> {
    Some(lsp::SymbolInformation {
        name: s.name,
        kind: lsp::SymbolKind::CLASS,
        tags: None,
        deprecated: None,
        location: at.location(FileRange {
            file: s.file,
            range: s.range,
        })?,
        container_name: s.container,
    })
}

/// A quick fix for `shown`, the diagnostic as the editor showed it.
pub fn code_action(
    fix: CodeAction,
    shown: &lsp::Diagnostic,
    at: &mut Locator<'_>,
    document_changes: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: fix.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![shown.clone()]),
        edit: Some(at.workspace_edit(fix.edits, document_changes)),
        is_preferred: Some(fix.preferred),
        ..lsp::CodeAction::default()
    })
}

/// The kind of the action that applies every typography fix of a file.
pub const FIX_ALL: CodeActionKind = CodeActionKind::new("source.fixAll.digest");

/// `source.fixAll.digest`: every typography fix of the request's document
/// (`edits`, from `features::fix_all_typography`) in one edit.
pub fn fix_all(
    edits: Vec<TextEdit>,
    at: &mut Locator<'_>,
    document_changes: bool,
) -> CodeActionOrCommand {
    CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: "Fix all typography findings".to_string(),
        kind: Some(FIX_ALL),
        edit: Some(at.document_edit(edits, document_changes)),
        ..lsp::CodeAction::default()
    })
}

/// A link; `None` when its target is not a URI or cannot be reached.
pub fn document_link(link: DocumentLink, at: &mut Locator<'_>) -> Option<lsp::DocumentLink> {
    let target: Uri = match link.target {
        LinkTarget::Url(url) => url.parse().ok()?,
        LinkTarget::Digest { file, range } => {
            let path = file.map(|relative| at.digests.path_of(&relative));
            let place = at.location_at(path.as_deref(), TextRange::empty(range.start))?;
            // `#L12` opens the file at line 12 in VS Code.
            let line = place.range.start.line + 1;
            format!("{}#L{line}", place.uri.as_str()).parse().ok()?
        }
    };
    Some(lsp::DocumentLink {
        range: at.range(link.range),
        target: Some(target),
        tooltip: None,
        data: None,
    })
}

pub fn folding_range(fold: Fold, at: &Locator<'_>) -> lsp::FoldingRange {
    lsp::FoldingRange {
        start_line: at.line(fold.range.start),
        end_line: at.line(fold.range.end),
        kind: Some(FoldingRangeKind::Region),
        ..lsp::FoldingRange::default()
    }
}

pub fn highlight(h: Highlight, at: &mut Locator<'_>) -> lsp::DocumentHighlight {
    lsp::DocumentHighlight {
        range: at.range(h.range),
        kind: Some(match h.kind {
            HighlightKind::Write => DocumentHighlightKind::WRITE,
            HighlightKind::Read => DocumentHighlightKind::READ,
        }),
    }
}

pub fn inlay_hint(hint: InlayHint, at: &mut Locator<'_>) -> lsp::InlayHint {
    lsp::InlayHint {
        position: at.position(hint.offset),
        label: InlayHintLabel::String(hint.label),
        kind: None,
        text_edits: None,
        tooltip: None,
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

/// The token kinds in legend order: (kind, type, declaration modifier).
const TOKENS: [(TokenKind, SemanticTokenType, bool); 7] = [
    (TokenKind::HeadingKeyword, SemanticTokenType::KEYWORD, true),
    (TokenKind::Number, SemanticTokenType::NUMBER, true),
    (TokenKind::Title, SemanticTokenType::CLASS, true),
    (TokenKind::Label, SemanticTokenType::PROPERTY, false),
    (TokenKind::Reference, SemanticTokenType::VARIABLE, false),
    (
        TokenKind::WikiReference,
        SemanticTokenType::NAMESPACE,
        false,
    ),
    (TokenKind::Link, SemanticTokenType::STRING, false),
];

/// The legend advertised in `initialize`.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: TOKENS.iter().map(|(_, t, _)| t.clone()).collect(),
        token_modifiers: vec![SemanticTokenModifier::DECLARATION],
    }
}

/// Tokens (sorted, one line each) in LSP's relative encoding, columns and
/// lengths in the negotiated encoding.
pub fn semantic_tokens(tokens: &[SemanticToken], at: &mut Locator<'_>) -> lsp::SemanticTokens {
    let mut data = Vec::with_capacity(tokens.len());
    let (mut line, mut column) = (0, 0);
    for token in tokens {
        let start = at.position(token.range.start);
        let end = at.position(token.range.end);
        if end.line != start.line || end.character <= start.character {
            continue; // never produced: tokens are on one line
        }
        let index = TOKENS.iter().position(|(k, _, _)| *k == token.kind);
        let Some(index) = index else {
            continue;
        };
        let delta_line = start.line - line;
        let delta_start = match delta_line {
            0 => start.character - column,
            _ => start.character,
        };
        data.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: u32::try_from(index).unwrap_or(0),
            token_modifiers_bitset: u32::from(TOKENS[index].2),
        });
        (line, column) = (start.line, start.character);
    }
    lsp::SemanticTokens {
        result_id: None,
        data,
    }
}

/// What the server offers, in the encoding it chose.
/// Pull diagnostics, offered to clients that declare
/// `textDocument.diagnostic`.
pub fn diagnostic_provider() -> lsp::DiagnosticServerCapabilities {
    lsp::DiagnosticServerCapabilities::Options(lsp::DiagnosticOptions {
        identifier: Some("digest".to_string()),
        inter_file_dependencies: true,
        workspace_diagnostics: true,
        work_done_progress_options: WorkDoneProgressOptions::default(),
    })
}

pub fn capabilities(encoding: Encoding) -> lsp::InitializeResult {
    lsp::InitializeResult {
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
                trigger_characters: Some(vec!["[".to_string(), "#".to_string(), "@".to_string()]),
                ..CompletionOptions::default()
            }),
            workspace_symbol_provider: Some(OneOf::Left(true)),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::QUICKFIX, FIX_ALL]),
                ..CodeActionOptions::default()
            })),
            document_formatting_provider: Some(OneOf::Left(true)),
            document_range_formatting_provider: Some(OneOf::Left(true)),
            document_link_provider: Some(DocumentLinkOptions {
                resolve_provider: Some(false),
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }),
            folding_range_provider: Some(FoldingRangeProviderCapability::Simple(true)),
            document_highlight_provider: Some(OneOf::Left(true)),
            inlay_hint_provider: Some(OneOf::Left(true)),
            code_lens_provider: Some(lsp::CodeLensOptions {
                resolve_provider: Some(false),
            }),
            execute_command_provider: Some(lsp::ExecuteCommandOptions {
                commands: vec![
                    crate::session::export::COMMAND.to_string(),
                    crate::preview::COMMAND.to_string(),
                ],
                work_done_progress_options: WorkDoneProgressOptions::default(),
            }),
            semantic_tokens_provider: Some(
                SemanticTokensServerCapabilities::SemanticTokensOptions(SemanticTokensOptions {
                    legend: legend(),
                    full: Some(SemanticTokensFullOptions::Bool(true)),
                    range: Some(true),
                    ..SemanticTokensOptions::default()
                }),
            ),
            workspace: Some(WorkspaceServerCapabilities {
                workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(OneOf::Left(true)),
                }),
                file_operations: Some(files::file_operations()),
            }),
            ..ServerCapabilities::default()
        },
        server_info: Some(ServerInfo {
            name: "digest-lsp".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
        offset_encoding: None,
    }
}

/// The registration that asks the client to watch `globs`.
pub fn watch_registration(globs: &[&str]) -> Registration {
    let watchers = (globs.iter())
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.to_string()),
            kind: None,
        })
        .collect();
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    Registration {
        id: "digest-watched-files".to_string(),
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// The registration of watchers for single files (`id`): each by its
/// folder and name where the client takes relative patterns, else by its
/// absolute path (glob characters in it escaped).
pub fn watch_files_registration(
    id: String,
    files: &[std::path::PathBuf],
    relative: bool,
) -> Registration {
    let watchers = (files.iter())
        .filter_map(|path| {
            let name = path.file_name()?.to_str()?;
            let glob_pattern = match (relative, path.parent().and_then(Uri::from_file_path)) {
                (true, Some(folder)) => GlobPattern::Relative(lsp::RelativePattern {
                    base_uri: OneOf::Right(folder),
                    pattern: escape_glob(name),
                }),
                _ => GlobPattern::String(escape_glob(path.to_str()?)),
            };
            Some(FileSystemWatcher {
                glob_pattern,
                kind: None,
            })
        })
        .collect();
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    Registration {
        id,
        method: "workspace/didChangeWatchedFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// `text` with the characters a glob reads specially put in brackets.
fn escape_glob(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '*' | '?' | '[' | ']' | '{' | '}' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// The editor's text of `bib`, as a source would give it.
    struct OpenBib(std::path::PathBuf, &'static str);

    impl crate::files::Source for OpenBib {
        fn open_text(&self, path: &std::path::Path) -> Option<String> {
            (path == self.0).then(|| self.1.to_string())
        }
        fn open_digest(&self, _: &std::path::Path) -> Option<Arc<digest_analysis::Analysis>> {
            None
        }
    }

    #[test]
    fn a_location_in_a_bibliography_file_is_placed_in_its_open_text() {
        let dir = std::env::temp_dir().join(format!("digest-lsp-bibloc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder");
        let bib = dir.join("refs.bib");
        std::fs::write(&bib, "@book{old, title={On disk}}\n").expect("write");
        // Unsaved in the editor: an entry above, with a character outside the BMP.
        let open = "@book{new, title={𝒳 first}}\n@book{old, title={On disk}}\n";
        let source = OpenBib(bib.clone(), open);
        let configs = Configs::default();
        let current = crate::digests::Current {
            path: dir.join("a.digest"),
            analysis: Arc::new(digest_analysis::Analysis::new(
                "Paper1 A\n",
                &Default::default(),
            )),
            uri: None,
            version: None,
        };
        let digests = Digests::new(&source, &configs, Some(current));
        let mut at = Locator::nowhere(&digests, Encoding::Utf16);
        let start = open.find("@book{old").unwrap_or_default();
        let location = at.location_at(Some(&bib), TextRange::new(start, start + 5));
        assert_eq!(
            location,
            Some(Location::new(
                Uri::from_file_path(&bib).expect("a file URI"),
                Range::new(Position::new(1, 0), Position::new(1, 5)),
            ))
        );
        // Another file is no bibliography: read as a digest (none here).
        assert_eq!(
            at.location_at(Some(&dir.join("other.bib")), TextRange::new(0, 1)),
            None
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn single_files_are_watched_by_folder_and_name_or_by_their_escaped_path() {
        let files = [std::path::PathBuf::from("/lib/zotero [2024].json")];
        let watchers = |relative| {
            let registration = watch_files_registration("w".into(), &files, relative);
            registration.register_options.unwrap_or_default()["watchers"].clone()
        };
        assert_eq!(
            watchers(true),
            serde_json::json!([{"globPattern": {"baseUri": "file:///lib", "pattern": "zotero [[]2024[]].json"}}])
        );
        assert_eq!(
            watchers(false),
            serde_json::json!([{"globPattern": "/lib/zotero [[]2024[]].json"}])
        );
    }
    use crate::check::check_file;
    use crate::files::{Configs, DiskOnly};

    #[test]
    fn tokens_are_delta_encoded_in_the_encoding() {
        let text = "Paper1 😀题\n摘要原文: 见Paper1\n";
        let path = Path::new("/tmp/tokens.digest");
        let checked = check_file(path, text, &Configs::default(), &DiskOnly);
        let snapshot = Snapshot {
            uri: Uri::from_file_path(path).expect("a file URI"),
            path: path.to_path_buf(),
            version: 1,
            rope: checked.analysis.text.clone(),
            checked: Arc::new(checked),
        };
        let tokens = digest_analysis::features::semantic_tokens(&snapshot.checked.analysis, None);
        let configs = Configs::default();
        let digests = Digests::new(&DiskOnly, &configs, None);
        let encode = |encoding| {
            let mut at = Locator::new(&snapshot, &digests, encoding);
            (semantic_tokens(&tokens, &mut at).data.iter())
                .map(|t| {
                    [
                        t.delta_line,
                        t.delta_start,
                        t.length,
                        t.token_type,
                        t.token_modifiers_bitset,
                    ]
                })
                .collect::<Vec<_>>()
        };
        // keyword, number, title; label; reference.
        assert_eq!(
            encode(Encoding::Utf16),
            [
                [0, 0, 5, 0, 1],
                [0, 5, 1, 1, 1],
                [0, 2, 3, 2, 1],
                [1, 0, 4, 3, 0],
                [0, 7, 6, 4, 0]
            ]
        );
        assert_eq!(encode(Encoding::Utf8)[2], [0, 2, 7, 2, 1]);
        assert_eq!(encode(Encoding::Utf32)[2], [0, 2, 2, 2, 1]);
        assert_eq!(encode(Encoding::Utf8)[4], [0, 17, 6, 4, 0]);
    }
}
