//! The editing features of one digest, for a client with no workspace
//! folder (the index is then the open documents): capabilities, document
//! links, folding, highlights, inlay hints, semantic tokens, references and
//! label completion, compared as whole results.

use digest_e2e::{Client, at, document, position, range};
use serde_json::{Value, json};

const URI: &str = "file:///tmp/digest-e2e-single/one.digest";

/// Lines 0-9; an emoji in the first title, a link with and one without a
/// scheme, an in-file and a wiki reference.
const TEXT: &str = "Single file\n\nPaper1 Teacher 😀 Assistants\n摘要原文: 见https://example.org/a 与 github.com/x/y\n中文总结: 与Paper2互补\n\nPaper2 Second\n摘要原文: 参见[[Paper1]]\n中文总结: 多行\n第二行\n";

/// A server started with `capabilities`, [`TEXT`] open at [`URI`] and
/// checked.
fn with_text_open(capabilities: Value) -> Client {
    let mut client = Client::start(capabilities, None);
    client.open_and_wait(URI, TEXT, 1);
    client
}

#[test]
fn every_feature_is_advertised() {
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(json!({}), None);
    assert_eq!(
        init["capabilities"],
        json!({
            "positionEncoding": "utf-16",
            "textDocumentSync": {"openClose": true, "change": 2, "save": true},
            "hoverProvider": true,
            "definitionProvider": true,
            "referencesProvider": true,
            "documentSymbolProvider": true,
            "workspaceSymbolProvider": true,
            "documentHighlightProvider": true,
            "inlayHintProvider": true,
            "foldingRangeProvider": true,
            "renameProvider": {"prepareProvider": true},
            "completionProvider": {"triggerCharacters": ["[", "#", "@"]},
            "codeActionProvider": {"codeActionKinds": ["quickfix", "source.fixAll.digest"]},
            "documentFormattingProvider": true,
            "documentRangeFormattingProvider": true,
            "documentLinkProvider": {"resolveProvider": false},
            "semanticTokensProvider": {
                "legend": {
                    "tokenTypes": ["keyword", "number", "class", "property", "variable", "namespace", "string"],
                    "tokenModifiers": ["declaration"],
                },
                "full": true,
                "range": true,
            },
            "codeLensProvider": {"resolveProvider": false},
            "executeCommandProvider": {"commands": ["digest.export", "digest.preview"]},
            "workspace": {
                "workspaceFolders": {"supported": true, "changeNotifications": true},
                "fileOperations": {"willRename": {"filters": [
                    {"scheme": "file", "pattern": {"glob": "**/*.digest", "matches": "file"}},
                    {"scheme": "file", "pattern": {"glob": "**", "matches": "folder"}},
                ]}},
            },
        })
    );
    client.open_and_wait(URI, TEXT, 1);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn links_folds_highlights_and_hints() {
    let mut client = with_text_open(json!({}));
    let links = client.request_ok("textDocument/documentLink", document(URI));
    assert_eq!(
        links,
        json!([
            {"range": range(3, 7, 3, 28), "target": "https://example.org/a"},
            {"range": range(3, 31, 3, 45), "target": "https://github.com/x/y"},
            {"range": range(7, 8, 7, 18), "target": format!("{URI}#L3")},
        ])
    );

    let folds = client.request_ok("textDocument/foldingRange", document(URI));
    assert_eq!(
        folds,
        json!([
            {"startLine": 2, "endLine": 4, "kind": "region"},
            {"startLine": 6, "endLine": 9, "kind": "region"},
            {"startLine": 8, "endLine": 9, "kind": "region"},
        ])
    );

    // On the heading: the heading's number written, the wiki reference read.
    let highlights = client.request_ok("textDocument/documentHighlight", at(URI, position(2, 3)));
    assert_eq!(
        highlights,
        json!([
            {"range": range(2, 0, 2, 6), "kind": 3},
            {"range": range(7, 8, 7, 18), "kind": 2},
        ])
    );

    let hints = client.request_ok(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": range(0, 0, 10, 0)}),
    );
    assert_eq!(
        hints,
        json!([
            {"position": {"line": 4, "character": 13}, "label": "Second", "paddingLeft": true},
            {"position": {"line": 7, "character": 18}, "label": "Teacher 😀 Assistants", "paddingLeft": true},
        ])
    );
    let only_line_4 = client.request_ok(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": URI}, "range": range(4, 0, 5, 0)}),
    );
    assert_eq!(
        only_line_4,
        json!([{"position": {"line": 4, "character": 13}, "label": "Second", "paddingLeft": true}])
    );

    let mut params = at(URI, position(2, 3));
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request_ok("textDocument/references", params);
    assert_eq!(
        references,
        json!([
            {"uri": URI, "range": range(2, 0, 2, 6)},
            {"uri": URI, "range": range(7, 8, 7, 18)},
        ])
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// A token: (line, column, length, type, modifiers), in absolute terms.
type Token = [u64; 5];

/// Encodes absolute tokens as LSP's relative token data.
fn relative(tokens: &[Token]) -> Value {
    let mut data = Vec::new();
    let (mut line, mut column) = (0, 0);
    for &[l, c, length, kind, modifiers] in tokens {
        let start = if l == line { c - column } else { c };
        data.extend([l - line, start, length, kind, modifiers]);
        (line, column) = (l, c);
    }
    json!(data)
}

/// `tokens` (columns and lengths in UTF-16 units of [`TEXT`]) counted in
/// `encoding`'s units instead: bytes for UTF-8, characters for UTF-32.
fn in_encoding(tokens: &[Token], encoding: &str) -> Vec<Token> {
    let lines: Vec<&str> = TEXT.lines().collect();
    // The offset in `encoding` of the UTF-16 column `units` of `line`.
    let convert = |line: &str, units: u64| -> u64 {
        let mut seen = 0;
        let mut out = 0;
        for c in line.chars() {
            if seen >= units {
                break;
            }
            seen += c.len_utf16() as u64;
            out += if encoding == "utf-8" {
                c.len_utf8() as u64
            } else {
                1
            };
        }
        out
    };
    tokens
        .iter()
        .map(|&[l, c, length, kind, modifiers]| {
            let line = lines[l as usize];
            let start = convert(line, c);
            [l, start, convert(line, c + length) - start, kind, modifiers]
        })
        .collect()
}

#[test]
fn semantic_tokens_full_and_range_in_each_encoding() {
    let mut client = with_text_open(json!({}));
    let full = client.request_ok("textDocument/semanticTokens/full", document(URI));
    let expected: Vec<Token> = vec![
        [2, 0, 5, 0, 1],  // Paper
        [2, 5, 1, 1, 1],  // 1
        [2, 7, 21, 2, 1], // Teacher 😀 Assistants (the emoji is 2 units)
        [3, 0, 4, 3, 0],  // 摘要原文
        [3, 7, 21, 6, 0], // https://example.org/a
        [3, 31, 14, 6, 0],
        [4, 0, 4, 3, 0],
        [4, 7, 6, 4, 0], // Paper2
        [6, 0, 5, 0, 1],
        [6, 5, 1, 1, 1],
        [6, 7, 6, 2, 1],
        [7, 0, 4, 3, 0],
        [7, 8, 10, 5, 0], // [[Paper1]]
        [8, 0, 4, 3, 0],
    ];
    assert_eq!(full, json!({"data": relative(&expected)}));

    let range = client.request_ok(
        "textDocument/semanticTokens/range",
        json!({"textDocument": {"uri": URI}, "range": range(6, 0, 7, 30)}),
    );
    assert_eq!(range, json!({"data": relative(&expected[8..13])}));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));

    // In UTF-8 and UTF-32 the same tokens, counted in bytes and characters.
    for (encoding, title_length, link_column) in [("utf-8", 23, 17), ("utf-32", 20, 7)] {
        let mut client = Client::spawn(&[], None);
        let init = client.initialize(json!({"general": {"positionEncodings": [encoding]}}), None);
        assert_eq!(init["capabilities"]["positionEncoding"], encoding);
        client.open_and_wait(URI, TEXT, 1);
        let full = client.request_ok("textDocument/semanticTokens/full", document(URI));
        let tokens = in_encoding(&expected, encoding);
        assert_eq!(tokens[2], [2, 7, title_length, 2, 1], "{encoding}");
        assert_eq!(tokens[4][1], link_column, "{encoding}");
        assert_eq!(full, json!({"data": relative(&tokens)}), "{encoding}");
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
    }
}

#[test]
fn section_labels_are_completed_at_the_start_of_a_line() {
    let mut client = with_text_open(json!({}));
    // A new line in Paper2, after its summary: the optional kinds remain.
    client.change(
        URI,
        2,
        json!([{"range": range(10, 0, 10, 0), "text": "No"}]),
    );
    let items = client.request_ok("textDocument/completion", at(URI, position(10, 2)));
    // Each label replaces what was typed (`No`), followed by a space.
    let item = |rank: u8, label: &str, kind: &str| {
        json!({
            "label": label,
            "kind": 10,
            "detail": format!("{kind} section (optional)"),
            "sortText": format!("{rank:06}"),
            "insertTextFormat": 1,
            "textEdit": {"range": range(10, 0, 10, 2), "newText": format!("{label} ")},
        })
    };
    assert_eq!(
        items,
        json!([
            item(0, "笔记:", "notes"),
            item(1, "Notes:", "notes"),
            item(2, "代码:", "code"),
            item(3, "Code:", "code"),
            item(4, "标签:", "tags"),
            item(5, "Tags:", "tags"),
            item(6, "引用:", "cite"),
            item(7, "Cite:", "cite"),
        ])
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
