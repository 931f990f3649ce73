//! The LSP shapes of the features about files: moving digests
//! (`workspace/willRenameFiles`: the registration's filters), creating a
//! missing digest (a quick fix with a `CreateFile` operation), reference
//! lenses (`textDocument/codeLens`, resolved at once), and what the client
//! said it can do for them ([`FileCaps`]).

use tower_lsp_server::ls_types::{
    self as lsp, ClientCapabilities, CodeActionKind, CodeActionOrCommand, Command,
    CreateFileOptions, DocumentChangeOperation, DocumentChanges, FileOperationFilter,
    FileOperationPattern, FileOperationPatternKind, FileOperationRegistrationOptions, OneOf,
    OptionalVersionedTextDocumentIdentifier, Position, Range, Registration, ResourceOp,
    ResourceOperationKind, TextDocumentEdit, Uri, WorkspaceEdit,
    WorkspaceFileOperationsServerCapabilities,
};

use digest_analysis::features::{CodeAction, CodeLens};

use super::Locator;

/// The command a reference lens runs: client-neutral, its arguments the
/// heading's document URI, the heading's start, and the references'
/// locations (editors map it to their own "show references").
pub const SHOW_REFERENCES: &str = "digest.showReferences";

/// What the client said it can do for the features about files.
#[derive(Clone, Copy, Debug, Default)]
pub struct FileCaps {
    /// `workspace.workspaceEdit.resourceOperations` holds `create`: a quick
    /// fix may create a digest.
    pub create_files: bool,
    /// `workspace.codeLens.refreshSupport`: asked to ask for lenses again
    /// when another file's references change the counts.
    pub code_lens_refresh: bool,
    /// `workspace.fileOperations.dynamicRegistration`: `willRenameFiles`
    /// registered for the extensions of the digests that `[files] include`
    /// names, once the index has found them.
    pub rename_dynamic: bool,
}

impl FileCaps {
    /// From the client's `initialize` capabilities; what it leaves out is
    /// taken as unsupported.
    pub fn from_client(caps: &ClientCapabilities) -> Self {
        let workspace = caps.workspace.as_ref();
        let create_files = workspace
            .and_then(|w| w.workspace_edit.as_ref()?.resource_operations.as_ref())
            .is_some_and(|kinds| kinds.contains(&ResourceOperationKind::Create));
        let code_lens_refresh = workspace
            .and_then(|w| w.code_lens.as_ref()?.refresh_support)
            .unwrap_or(false);
        let rename_dynamic = workspace
            .and_then(|w| w.file_operations.as_ref()?.dynamic_registration)
            .unwrap_or(false);
        Self {
            create_files,
            code_lens_refresh,
            rename_dynamic,
        }
    }
}

/// A filter of the files or folders (`matches`) on disk that `glob` names.
fn filter(glob: &str, matches: FileOperationPatternKind) -> FileOperationFilter {
    FileOperationFilter {
        scheme: Some("file".to_string()),
        pattern: FileOperationPattern {
            glob: glob.to_string(),
            matches: Some(matches),
            options: None,
        },
    }
}

/// `workspace.fileOperations`: `willRename` for `.digest` files and for
/// folders (which may hold digests), on disk.
pub fn file_operations() -> WorkspaceFileOperationsServerCapabilities {
    WorkspaceFileOperationsServerCapabilities {
        will_rename: Some(FileOperationRegistrationOptions {
            filters: vec![
                filter("**/*.digest", FileOperationPatternKind::File),
                filter("**", FileOperationPatternKind::Folder),
            ],
        }),
        ..WorkspaceFileOperationsServerCapabilities::default()
    }
}

/// The glob that names the files of `extension` in any folder
/// (`**/*.txt`); `None` for an extension a glob would read as a pattern.
pub fn extension_glob(extension: &str) -> Option<String> {
    let plain = !extension.is_empty()
        && (extension.chars()).all(|c| c.is_alphanumeric() || c == '-' || c == '_');
    plain.then(|| format!("**/*.{extension}"))
}

/// The registration of `willRenameFiles` for the files `globs` name (the
/// extensions of included digests), as `id`.
pub fn will_rename_registration(id: String, globs: &[String]) -> Registration {
    let options = FileOperationRegistrationOptions {
        filters: (globs.iter())
            .map(|glob| filter(glob, FileOperationPatternKind::File))
            .collect(),
    };
    Registration {
        id,
        method: "workspace/willRenameFiles".to_string(),
        register_options: serde_json::to_value(options).ok(),
    }
}

/// A reference lens, resolved: its title (`3 references`) and the
/// [`SHOW_REFERENCES`] command with the heading's `uri`, the heading's
/// start and the references' locations.
pub fn code_lens(lens: CodeLens, uri: &Uri, at: &mut Locator<'_>) -> lsp::CodeLens {
    let title = lens.title();
    let range = at.range(lens.range);
    let locations: Vec<lsp::Location> = (lens.references.into_iter())
        .filter_map(|r| at.location(r))
        .collect();
    let arguments = vec![
        serde_json::json!(uri.as_str()),
        serde_json::json!(range.start),
        serde_json::json!(locations),
    ];
    lsp::CodeLens {
        range,
        command: Some(Command::new(
            title,
            SHOW_REFERENCES.to_string(),
            Some(arguments),
        )),
        data: None,
    }
}

/// The quick fix that creates a missing digest (`fix.create` set): a
/// `CreateFile` that never overwrites (`ignoreIfExists`), then its text
/// inserted at its start, then the fix's other edits (versioned). `None`
/// when the fix creates nothing, or the file exists on disk now: creating
/// would be skipped, but the text would still be written at its start.
pub fn create_action(
    fix: CodeAction,
    shown: &lsp::Diagnostic,
    at: &mut Locator<'_>,
) -> Option<CodeActionOrCommand> {
    let create = fix.create?;
    if create.path.exists() {
        return None;
    }
    let uri = Uri::from_file_path(&create.path)?;
    let mut operations = vec![DocumentChangeOperation::Op(ResourceOp::Create(
        lsp::CreateFile {
            uri: uri.clone(),
            options: Some(CreateFileOptions {
                overwrite: Some(create.overwrite),
                ignore_if_exists: Some(create.ignore_if_exists),
            }),
            annotation_id: None,
        },
    ))];
    if !create.text.is_empty() {
        let start = Position::new(0, 0);
        operations.push(DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version: None },
            edits: vec![OneOf::Left(lsp::TextEdit::new(
                Range::new(start, start),
                create.text,
            ))],
        }));
    }
    if let Some(DocumentChanges::Edits(edits)) = at.workspace_edit(fix.edits, true).document_changes
    {
        (edits.into_iter())
            .filter(|e| !e.edits.is_empty())
            .for_each(|e| operations.push(DocumentChangeOperation::Edit(e)));
    }
    Some(CodeActionOrCommand::CodeAction(lsp::CodeAction {
        title: fix.title,
        kind: Some(CodeActionKind::QUICKFIX),
        diagnostics: Some(vec![shown.clone()]),
        edit: Some(WorkspaceEdit {
            document_changes: Some(DocumentChanges::Operations(operations)),
            ..WorkspaceEdit::default()
        }),
        is_preferred: Some(fix.preferred),
        ..lsp::CodeAction::default()
    }))
}
