//! Feature results in LSP terms: positions in the negotiated encoding,
//! workspace edits as the client supports them, completion items, semantic
//! token legend and delta encoding.

use std::collections::HashMap;

use tower_lsp_server::ls_types::{
    self as lsp, CompletionItemKind, CompletionTextEdit, DocumentChanges, Documentation,
    InsertTextFormat, Location, MarkupContent, MarkupKind, OneOf,
    OptionalVersionedTextDocumentIdentifier, Range, SemanticTokenModifier, SemanticTokenType,
    SemanticTokensLegend, TextDocumentEdit, Uri, WorkspaceEdit,
};

use digest_analysis::TextRange;
use digest_analysis::features::{CompletionItem, CompletionKind, SemanticToken, TokenKind};
use digest_analysis::{FileEdits, FileRange};

use crate::digests::View;
use crate::positions::{Encoding, Positions};
use crate::session::Snapshot;

/// Converts ranges of any file of a view, the request's own file through its
/// line table.
pub struct Places<'a> {
    pub view: &'a View,
    pub snapshot: &'a Snapshot,
    pub encoding: Encoding,
}

impl Places<'_> {
    /// A range of this request's file.
    pub fn here(&self, range: TextRange) -> Range {
        let lines = self.snapshot.checked.lines();
        Positions::new(&self.snapshot.rope, lines, self.encoding).range(range)
    }

    /// A range of view file `file`.
    pub fn range(&self, file: usize, range: TextRange) -> Option<Range> {
        if Some(file) == self.view.current {
            return Some(self.here(range));
        }
        let analysis = self.view.analyses.get(file)?;
        Some(Positions::of_rope(&analysis.text, self.encoding).range(range))
    }

    pub fn location(&self, at: FileRange) -> Option<Location> {
        let range = self.range(at.file, at.range)?;
        let uri = match Some(at.file) == self.view.current {
            true => self.snapshot.uri.clone(),
            false => self.view.uri(at.file)?,
        };
        Some(Location::new(uri, range))
    }

    /// Edits per file as a `WorkspaceEdit`: versioned `documentChanges`
    /// when the client takes them (open documents carry the version the
    /// edits were computed on), else `changes`.
    pub fn workspace_edit(&self, edits: Vec<FileEdits>, document_changes: bool) -> WorkspaceEdit {
        let mut per_file: Vec<(Uri, Option<i32>, Vec<lsp::TextEdit>)> = Vec::new();
        for file_edits in edits {
            let file = file_edits.file;
            let uri = match Some(file) == self.view.current {
                true => self.snapshot.uri.clone(),
                false => match self.view.uri(file) {
                    Some(uri) => uri,
                    None => continue,
                },
            };
            let version = match Some(file) == self.view.current {
                true => Some(self.snapshot.version),
                false => self.view.versions.get(file).copied().flatten(),
            };
            let converted = file_edits
                .edits
                .into_iter()
                .filter_map(|e| Some(lsp::TextEdit::new(self.range(file, e.range)?, e.new_text)))
                .collect();
            per_file.push((uri, version, converted));
        }
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
}

/// A completion item; `order` keeps the feature's order in the list.
pub fn completion_item(order: usize, item: CompletionItem, range: Range) -> lsp::CompletionItem {
    lsp::CompletionItem {
        kind: Some(match item.kind {
            CompletionKind::Paper => CompletionItemKind::REFERENCE,
            CompletionKind::Digest => CompletionItemKind::FILE,
            CompletionKind::Label => CompletionItemKind::PROPERTY,
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
            range,
            item.insert,
        ))),
        label: item.label,
        ..lsp::CompletionItem::default()
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
pub fn semantic_tokens(
    tokens: &[SemanticToken],
    mut position: impl FnMut(usize) -> lsp::Position,
) -> Vec<lsp::SemanticToken> {
    let mut out = Vec::with_capacity(tokens.len());
    let (mut line, mut column) = (0, 0);
    for token in tokens {
        let start = position(token.range.start);
        let end = position(token.range.end);
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
        out.push(lsp::SemanticToken {
            delta_line,
            delta_start,
            length: end.character - start.character,
            token_type: u32::try_from(index).unwrap_or(0),
            token_modifiers_bitset: u32::from(TOKENS[index].2),
        });
        (line, column) = (start.line, start.character);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::positions::LineTable;
    use ropey::Rope;

    #[test]
    fn tokens_are_delta_encoded_in_the_encoding() {
        let text = "Paper1 😀题\n摘要原文: 见Paper1\n";
        let rope = Rope::from_str(text);
        let table = LineTable::new(&rope);
        let analysis = digest_analysis::Analysis::new(text, &Default::default());
        let tokens = digest_analysis::features::semantic_tokens(&analysis, None);
        let encode = |encoding| {
            let mut positions = Positions::new(&rope, &table, encoding);
            semantic_tokens(&tokens, |o| positions.position(o))
                .iter()
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
