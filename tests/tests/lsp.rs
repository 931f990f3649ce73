//! The language server end to end: the real binary over stdio.

use std::path::PathBuf;
use std::time::Duration;

use digest_e2e::client::{Client, file_uri};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path).expect("fixture")
}

/// A started and initialised server (UTF-16, the default).
fn server() -> Client {
    server_with(json!({}))
}

fn server_with(capabilities: Value) -> Client {
    let mut client = Client::spawn(&[], None);
    client.initialize(capabilities, None);
    client
}

fn position(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

fn hover(client: &mut Client, uri: &str, line: u32, character: u32) -> Value {
    client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position(line, character)}),
        )
        .expect("hover answered")
}

fn symbols(client: &mut Client, uri: &str) -> Value {
    client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("documentSymbol answered")
}

fn range(sl: u32, sc: u32, el: u32, ec: u32) -> Value {
    json!({"start": position(sl, sc), "end": position(el, ec)})
}

/// `code@line:col-line:col severity` for each diagnostic.
fn summarize(diagnostics: &Value) -> Vec<String> {
    diagnostics["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| {
            let r = &d["range"];
            format!(
                "{}@{}:{}-{}:{} {}",
                d["code"].as_str().unwrap_or("?"),
                r["start"]["line"],
                r["start"]["character"],
                r["end"]["line"],
                r["end"]["character"],
                d["severity"]
            )
        })
        .collect()
}

const EMOJI_LINE: &str = "Paper1 Emoji\n摘要原文: a\n中文总结: 中文😀与Paper2相关\nPaper2 Target\n摘要原文: 目标摘要\n中文总结: 目标总结\n";

#[test]
fn utf16_is_the_default_and_columns_are_exact() {
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(json!({}), None);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "digest-lsp");
    assert_eq!(init["serverInfo"]["version"], env!("CARGO_PKG_VERSION"));
    let uri = "file:///tmp/emoji-utf16.digest";
    client.open(uri, EMOJI_LINE, 1);
    // `中文总结: 中文😀与` is 6 + 2 + 2 (emoji: two UTF-16 units) + 1 = 11 units.
    let found = hover(&mut client, uri, 2, 11);
    assert_eq!(found["range"], range(2, 11, 2, 17));
    assert_eq!(found["contents"]["value"], "**Paper2 Target**\n\n目标总结");
    assert_eq!(hover(&mut client, uri, 2, 17)["range"], range(2, 11, 2, 17));
    assert_eq!(
        hover(&mut client, uri, 2, 10),
        Value::Null,
        "one column before"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn utf8_is_chosen_when_offered() {
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(
        json!({"general": {"positionEncodings": ["utf-16", "utf-8"]}}),
        None,
    );
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = "file:///tmp/emoji-utf8.digest";
    client.open(uri, EMOJI_LINE, 1);
    // 12 bytes of `中文总结`, `: ` 2, `中文` 6, emoji 4, `与` 3 = 27 bytes.
    let found = hover(&mut client, uri, 2, 27);
    assert_eq!(found["range"], range(2, 27, 2, 33));
    assert_eq!(
        hover(&mut client, uri, 2, 26),
        Value::Null,
        "one byte before"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn utf32_is_supported() {
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(json!({"general": {"positionEncodings": ["utf-32"]}}), None);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-32");
    let uri = "file:///tmp/emoji-utf32.digest";
    client.open(uri, EMOJI_LINE, 1);
    // In characters: 6 + 2 + 1 (emoji) + 1 = 10.
    assert_eq!(hover(&mut client, uri, 2, 10)["range"], range(2, 10, 2, 16));
    assert_eq!(hover(&mut client, uri, 2, 9), Value::Null);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn outline_and_diagnostics_of_a_25_paper_digest() {
    let mut client = server();
    let uri = "file:///tmp/papers25.digest";
    client.open(uri, &fixture("papers25.digest"), 7);
    let outline = symbols(&mut client, uri);
    let papers = outline.as_array().expect("symbols");
    assert_eq!(papers.len(), 25);
    let names: Vec<&str> = papers
        .iter()
        .map(|p| p["name"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(names[0], "Paper1 Sparse Attention");
    assert_eq!(names[12], "Paper13 Neural Architecture Search on a Budget");
    assert_eq!(names[24], "Paper25 Efficient Point Cloud Models");
    assert!(
        names
            .iter()
            .enumerate()
            .all(|(i, n)| n.starts_with(&format!("Paper{} ", i + 1)))
    );
    let first = &papers[0];
    assert_eq!(first["range"], range(4, 0, 8, 39));
    assert_eq!(first["selectionRange"], range(4, 0, 4, 23));
    let children: Vec<(&str, &Value)> = first["children"]
        .as_array()
        .expect("children")
        .iter()
        .map(|c| (c["name"].as_str().unwrap_or(""), &c["selectionRange"]))
        .collect();
    assert_eq!(
        children,
        [
            ("摘要原文", &range(6, 0, 6, 4)),
            ("中文总结", &range(8, 0, 8, 4))
        ]
    );
    assert_eq!(papers[12]["children"].as_array().map(Vec::len), Some(1));

    let diagnostics = client.wait_diagnostics(uri, Some(7));
    assert_eq!(diagnostics["version"], 7);
    assert_eq!(
        summarize(&diagnostics),
        [
            "missing-section@76:0-76:46 2",
            "unresolved-reference@102:44-102:51 1",
            "link-without-scheme@126:40-126:63 4",
            "malformed-link@144:46-144:67 1",
        ]
    );
    let first = &diagnostics["diagnostics"][0];
    assert_eq!(first["source"], "digest");
    assert_eq!(
        first["message"],
        "Paper13 has no abstract section: add a line starting with `摘要原文:`"
    );
}

#[test]
fn hover_text_and_definitions_in_file_and_on_disk() {
    let dir = digest_e2e::temp_dir("definition");
    std::fs::write(
        dir.join("other.digest"),
        "Other notes\n\nPaper7 Far Away\n摘要原文: a\n中文总结: 远方。\n",
    )
    .expect("write other.digest");
    let main = dir.join("main.digest");
    let text = "Paper1 Near\n摘要原文: a\n中文总结: 见[[other#Paper7]]与Paper2。\nPaper2 Next\n摘要原文: b\n中文总结: 下一篇。\n";
    std::fs::write(&main, text).expect("write main.digest");
    let uri = file_uri(&main);
    let mut client = server();
    client.open(&uri, text, 1);

    let found = hover(&mut client, &uri, 2, 9);
    assert_eq!(found["contents"]["kind"], "markdown");
    assert_eq!(found["contents"]["value"], "**Paper7 Far Away**\n\n远方。");
    assert_eq!(found["range"], range(2, 7, 2, 23));

    let definition = |client: &mut Client, line: u32, character: u32| {
        client
            .request(
                "textDocument/definition",
                json!({"textDocument": {"uri": uri}, "position": position(line, character)}),
            )
            .expect("definition answered")
    };
    assert_eq!(
        definition(&mut client, 2, 10),
        json!({"uri": file_uri(dir.join("other.digest")), "range": range(2, 0, 2, 15)})
    );
    assert_eq!(
        definition(&mut client, 2, 26),
        json!({"uri": uri, "range": range(3, 0, 3, 11)})
    );
    assert_eq!(definition(&mut client, 0, 0), Value::Null);
    let heading = hover(&mut client, &uri, 3, 4);
    assert_eq!(heading["contents"]["value"], "**Paper2 Next**\n\n下一篇。");
    assert_eq!(heading["range"], range(3, 0, 3, 11));
}

#[test]
fn removing_a_section_warns_and_undo_clears_it() {
    let mut client = server();
    let uri = "file:///tmp/undo.digest";
    let text = "Paper1 A\n摘要原文: a\n中文总结: b\n";
    client.open(uri, text, 1);
    assert_eq!(
        summarize(&client.wait_diagnostics(uri, Some(1))),
        Vec::<String>::new()
    );
    client.change(uri, 2, json!([{"range": range(2, 0, 3, 0), "text": ""}]));
    assert_eq!(
        summarize(&client.wait_diagnostics(uri, Some(2))),
        ["missing-section@0:0-0:8 2"]
    );
    client.change(
        uri,
        3,
        json!([{"range": range(2, 0, 2, 0), "text": "中文总结: b\n"}]),
    );
    assert_eq!(
        summarize(&client.wait_diagnostics(uri, Some(3))),
        Vec::<String>::new()
    );
    client.close(uri);
    let cleared = client.wait_diagnostics(uri, None);
    assert_eq!(cleared["diagnostics"], json!([]));
}

#[test]
fn bad_requests_are_answered_and_the_server_goes_on() {
    let mut client = server();
    let uri = "file:///tmp/bad.digest";
    client.open(uri, EMOJI_LINE, 1);

    let unknown = client.request("textDocument/nonsense", json!({}));
    assert_eq!(unknown.expect_err("an error")["code"], -32601);

    let unopened = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///tmp/never-opened.digest"}, "position": position(0, 0)}),
    );
    assert_eq!(unopened.expect_err("an error")["code"], -32602);

    // Out of range positions are clamped: past the line's end, past the end.
    assert_eq!(hover(&mut client, uri, 0, 999)["range"], range(0, 0, 0, 12));
    assert_eq!(hover(&mut client, uri, 999, 999), Value::Null);

    // A stale version is refused whole; the next one applies to the text as
    // it was. (`x` before `Paper2` makes that line ordinary text.)
    client.change(
        uri,
        1,
        json!([{"range": range(0, 0, 0, 0), "text": "junk "}]),
    );
    client.change(uri, 2, json!([{"range": range(3, 0, 3, 0), "text": "x"}]));
    let outline = symbols(&mut client, uri);
    let names: Vec<&Value> = outline
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| &s["name"])
        .collect();
    assert_eq!(names, [&json!("Paper1 Emoji")]);
    client.change(uri, 3, json!([{"range": range(3, 0, 3, 1), "text": ""}]));

    // A 1 MB document on a single line.
    let big = format!(
        "Paper1 Big\n摘要原文: {}\n中文总结: b\n",
        "长".repeat(350_000)
    );
    client.open("file:///tmp/big.digest", &big, 1);
    let outline = symbols(&mut client, "file:///tmp/big.digest");
    assert_eq!(outline[0]["children"][0]["range"], range(1, 0, 1, 350_006));

    // And the first document is still served right.
    assert_eq!(hover(&mut client, uri, 2, 11)["range"], range(2, 11, 2, 17));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn end_of_input_ends_the_server_with_status_0() {
    let mut client = server();
    client.close_stdin();
    assert_eq!(client.wait_exit(Duration::from_secs(10)).code(), Some(0));
}

#[test]
fn a_client_without_hierarchical_symbols_gets_a_flat_outline() {
    let mut client = Client::spawn(&[], None);
    client.initialize_with(json!({"processId": null, "rootUri": null, "capabilities": {}}));
    let uri = "file:///tmp/flat.digest";
    client.open(uri, EMOJI_LINE, 1);
    let outline = symbols(&mut client, uri);
    let rows: Vec<(&str, &Value, &Value)> = outline
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap_or(""),
                &s["containerName"],
                &s["location"]["range"],
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("Paper1 Emoji", &Value::Null, &range(0, 0, 2, 19)),
            ("摘要原文", &json!("Paper1 Emoji"), &range(1, 0, 1, 7)),
            ("中文总结", &json!("Paper1 Emoji"), &range(2, 0, 2, 19)),
            ("Paper2 Target", &Value::Null, &range(3, 0, 5, 10)),
            ("摘要原文", &json!("Paper2 Target"), &range(4, 0, 4, 10)),
            ("中文总结", &json!("Paper2 Target"), &range(5, 0, 5, 10)),
        ]
    );
    assert_eq!(outline[0]["location"]["uri"], uri);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
