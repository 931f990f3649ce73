//! The editing features of one digest, for a client with no workspace
//! folder (the index is then the open documents): capabilities, document
//! links, folding, highlights, inlay hints, semantic tokens, references and
//! label completion, compared as whole results.

use digest_e2e::client::Client;
use serde_json::{Value, json};

const URI: &str = "file:///tmp/digest-e2e-single/one.digest";

/// Lines 0-9; an emoji in the first title, a link with and one without a
/// scheme, an in-file and a wiki reference.
const TEXT: &str = "Single file\n\nPaper1 Teacher 😀 Assistants\n摘要原文: 见https://example.org/a 与 github.com/x/y\n中文总结: 与Paper2互补\n\nPaper2 Second\n摘要原文: 参见[[Paper1]]\n中文总结: 多行\n第二行\n";

fn range(sl: u32, sc: u32, el: u32, ec: u32) -> Value {
    json!({"start": {"line": sl, "character": sc}, "end": {"line": el, "character": ec}})
}

fn document() -> Value {
    json!({"textDocument": {"uri": URI}})
}

fn at(line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": URI}, "position": {"line": line, "character": character}})
}

fn server(capabilities: Value) -> (Client, Value) {
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(capabilities, None);
    client.open(URI, TEXT, 1);
    client.wait_diagnostics(URI, Some(1));
    (client, init)
}

#[test]
fn every_feature_is_advertised() {
    let (mut client, init) = server(json!({}));
    let caps = &init["capabilities"];
    for provider in [
        "referencesProvider",
        "workspaceSymbolProvider",
        "documentHighlightProvider",
        "inlayHintProvider",
        "foldingRangeProvider",
    ] {
        assert_eq!(caps[provider], true, "{provider}");
    }
    assert_eq!(caps["renameProvider"], json!({"prepareProvider": true}));
    assert_eq!(
        caps["completionProvider"]["triggerCharacters"],
        json!(["[", "#"])
    );
    assert_eq!(
        caps["codeActionProvider"],
        json!({"codeActionKinds": ["quickfix"]})
    );
    assert_eq!(
        caps["documentLinkProvider"],
        json!({"resolveProvider": false})
    );
    assert_eq!(
        caps["semanticTokensProvider"],
        json!({
            "legend": {
                "tokenTypes": ["keyword", "number", "class", "property", "variable", "namespace", "string"],
                "tokenModifiers": ["declaration"],
            },
            "full": true,
            "range": true,
        })
    );
    assert_eq!(
        caps["workspace"]["workspaceFolders"],
        json!({"supported": true, "changeNotifications": true})
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn links_folds_highlights_and_hints() {
    let (mut client, _) = server(json!({}));
    let links = client
        .request("textDocument/documentLink", document())
        .expect("documentLink");
    assert_eq!(
        links,
        json!([
            {"range": range(3, 7, 3, 28), "target": "https://example.org/a"},
            {"range": range(3, 31, 3, 45), "target": "https://github.com/x/y"},
            {"range": range(7, 8, 7, 18), "target": format!("{URI}#L3")},
        ])
    );

    let folds = client
        .request("textDocument/foldingRange", document())
        .expect("foldingRange");
    assert_eq!(
        folds,
        json!([
            {"startLine": 2, "endLine": 4, "kind": "region"},
            {"startLine": 6, "endLine": 9, "kind": "region"},
            {"startLine": 8, "endLine": 9, "kind": "region"},
        ])
    );

    // On the heading: the heading's number written, the wiki reference read.
    let highlights = client
        .request("textDocument/documentHighlight", at(2, 3))
        .expect("documentHighlight");
    assert_eq!(
        highlights,
        json!([
            {"range": range(2, 0, 2, 6), "kind": 3},
            {"range": range(7, 8, 7, 18), "kind": 2},
        ])
    );

    let hints = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI}, "range": range(0, 0, 10, 0)}),
        )
        .expect("inlayHint");
    assert_eq!(
        hints,
        json!([
            {"position": {"line": 4, "character": 13}, "label": "Second", "paddingLeft": true},
            {"position": {"line": 7, "character": 18}, "label": "Teacher 😀 Assistants", "paddingLeft": true},
        ])
    );
    let only_line_4 = client
        .request(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": URI}, "range": range(4, 0, 5, 0)}),
        )
        .expect("inlayHint");
    assert_eq!(only_line_4.as_array().map(Vec::len), Some(1));

    let mut params = at(2, 3);
    params["context"] = json!({"includeDeclaration": true});
    let references = client
        .request("textDocument/references", params)
        .expect("references");
    assert_eq!(
        references,
        json!([
            {"uri": URI, "range": range(2, 0, 2, 6)},
            {"uri": URI, "range": range(7, 8, 7, 18)},
        ])
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Decodes LSP's relative token data into (line, column, length, type,
/// modifiers).
fn absolute(data: &Value) -> Vec<[u64; 5]> {
    let numbers: Vec<u64> = data
        .as_array()
        .expect("data")
        .iter()
        .map(|n| n.as_u64().expect("a number"))
        .collect();
    let (mut line, mut column) = (0, 0);
    numbers
        .chunks(5)
        .map(|t| {
            if t[0] > 0 {
                column = 0;
            }
            line += t[0];
            column += t[1];
            [line, column, t[2], t[3], t[4]]
        })
        .collect()
}

#[test]
fn semantic_tokens_full_and_range_in_each_encoding() {
    let (mut client, _) = server(json!({}));
    let full = client
        .request("textDocument/semanticTokens/full", document())
        .expect("full");
    let expected: Vec<[u64; 5]> = vec![
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
    assert_eq!(absolute(&full["data"]), expected);

    let range = client
        .request(
            "textDocument/semanticTokens/range",
            json!({"textDocument": {"uri": URI}, "range": range(6, 0, 7, 30)}),
        )
        .expect("range");
    assert_eq!(absolute(&range["data"]), expected[8..13]);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));

    // In UTF-8 and UTF-32 the same tokens, counted in bytes and characters.
    for (encoding, title_length, link_column) in [("utf-8", 23, 17), ("utf-32", 20, 7)] {
        let (mut client, init) = server(json!({"general": {"positionEncodings": [encoding]}}));
        assert_eq!(init["capabilities"]["positionEncoding"], encoding);
        let full = client
            .request("textDocument/semanticTokens/full", document())
            .expect("full");
        let tokens = absolute(&full["data"]);
        assert_eq!(tokens[2], [2, 7, title_length, 2, 1], "{encoding}");
        assert_eq!(tokens[4][1], link_column, "{encoding}");
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
    }
}

#[test]
fn section_labels_are_completed_at_the_start_of_a_line() {
    let (mut client, _) = server(json!({}));
    // A new line in Paper2, after its summary: the optional kinds remain.
    client.change(
        URI,
        2,
        json!([{"range": range(10, 0, 10, 0), "text": "No"}]),
    );
    let items = client
        .request("textDocument/completion", at(10, 2))
        .expect("completion");
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(
        labels,
        ["笔记:", "Notes:", "代码:", "Code:", "标签:", "Tags:"]
    );
    assert_eq!(
        items[1]["textEdit"],
        json!({"range": range(10, 0, 10, 2), "newText": "Notes: "})
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
