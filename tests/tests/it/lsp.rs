//! The language server end to end: the real binary over stdio. Replies are
//! compared whole.

use digest_e2e::{
    Client, diagnostic, file_uri, fixture, framing, generate, hover_markdown, position, published,
    range, temp_dir,
};
use serde_json::{Value, json};

const EMOJI_LINE: &str = "Paper1 Emoji\n摘要原文: a\n中文总结: 中文😀与Paper2相关\nPaper2 Target\n摘要原文: 目标摘要\n中文总结: 目标总结\n";

/// A section of the hierarchical outline, whole.
fn section(name: &str, detail: &str, range: Value, selection: Value) -> Value {
    json!({"name": name, "detail": detail, "kind": 8, "range": range, "selectionRange": selection})
}

#[test]
fn utf16_is_the_default_and_columns_are_exact() {
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(json!({}), None);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(
        init["serverInfo"],
        json!({"name": "digest-lsp", "version": env!("CARGO_PKG_VERSION")})
    );
    let uri = "file:///tmp/emoji-utf16.digest";
    client.open(uri, EMOJI_LINE, 1);
    // `中文总结: 中文😀与` is 6 + 2 + 2 (emoji: two UTF-16 units) + 1 = 11 units.
    let target = hover_markdown("**Paper2 Target**\n\n目标总结", range(2, 11, 2, 17));
    assert_eq!(client.hover(uri, position(2, 11)), target);
    assert_eq!(client.hover(uri, position(2, 17)), target);
    assert_eq!(
        client.hover(uri, position(2, 10)),
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
    assert_eq!(
        client.hover(uri, position(2, 27)),
        hover_markdown("**Paper2 Target**\n\n目标总结", range(2, 27, 2, 33))
    );
    assert_eq!(
        client.hover(uri, position(2, 26)),
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
    assert_eq!(
        client.hover(uri, position(2, 10)),
        hover_markdown("**Paper2 Target**\n\n目标总结", range(2, 10, 2, 16))
    );
    assert_eq!(client.hover(uri, position(2, 9)), Value::Null);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn outline_and_diagnostics_of_a_25_paper_digest_and_of_a_generated_one() {
    let mut client = Client::start(json!({}), None);
    let uri = "file:///tmp/papers25.digest";
    client.open(uri, &fixture("papers25.digest"), 7);
    let outline = client.document_symbols(uri);
    let papers = outline.as_array().expect("symbols");
    assert_eq!(papers.len(), 25);
    assert_eq!(
        client.outline_names(uri),
        [
            "Paper1 Sparse Attention",
            "Paper2 Token Merging",
            "Paper3 Low-Rank Adapters",
            "Paper4 Early Exit Networks",
            "Paper5 Mixed Precision Training",
            "Paper6 Teacher Ensembles",
            "Paper7 Structured Pruning",
            "Paper8 Knowledge Transfer for Detection",
            "Paper9 Quantised Transformers",
            "Paper10 Dynamic Depth",
            "Paper11 Speculative Decoding",
            "Paper12 Weight Sharing",
            "Paper13 Neural Architecture Search on a Budget",
            "Paper14 Distilling Diffusion Models",
            "Paper15 Cache-Friendly Inference",
            "Paper16 Self-Distillation for Segmentation",
            "Paper17 Contrastive Pretraining at Small Scale",
            "Paper18 Adaptive Computation Time",
            "Paper19 Sparse Mixture of Experts",
            "Paper20 Binary Networks Revisited",
            "Paper21 Layer Dropping",
            "Paper22 Curriculum Distillation",
            "Paper23 Feature Mimicking",
            "Paper24 Tiny Vision Transformers",
            "Paper25 Efficient Point Cloud Models",
        ]
    );
    assert_eq!(
        papers[0],
        json!({
            "name": "Paper1 Sparse Attention",
            "kind": 5,
            "range": range(4, 0, 8, 39),
            "selectionRange": range(4, 0, 4, 23),
            "children": [
                section("摘要原文", "abstract", range(6, 0, 6, 120), range(6, 0, 6, 4)),
                section("中文总结", "summary", range(8, 0, 8, 39), range(8, 0, 8, 4)),
            ],
        })
    );
    // Paper13 has no abstract: one child.
    assert_eq!(
        papers[12],
        json!({
            "name": "Paper13 Neural Architecture Search on a Budget",
            "kind": 5,
            "range": range(76, 0, 78, 41),
            "selectionRange": range(76, 0, 76, 46),
            "children": [
                section("中文总结", "summary", range(78, 0, 78, 41), range(78, 0, 78, 4)),
            ],
        })
    );

    assert_eq!(
        client.wait_diagnostics(uri, Some(7)),
        published(
            uri,
            Some(7),
            json!([
                diagnostic(
                    "missing-section",
                    2,
                    range(76, 0, 76, 46),
                    "Paper13 has no abstract section: add a line starting with `摘要原文:`"
                ),
                diagnostic(
                    "unresolved-reference",
                    1,
                    range(102, 44, 102, 51),
                    "Paper17: unresolved reference `Paper30`: this digest has no such paper (its papers go up to Paper25); fix the number"
                ),
                diagnostic(
                    "link-without-scheme",
                    4,
                    range(126, 40, 126, 63),
                    "Paper21: `models.example.com/tiny` looks like a link without a scheme: write `https://models.example.com/tiny`"
                ),
                diagnostic(
                    "malformed-link",
                    1,
                    range(144, 46, 144, 67),
                    "Paper24: malformed link `http://bad..host/page`: the host `bad..host` is not a valid host name: it has an empty label (`..`, or a dot at an end); correct it"
                ),
            ])
        )
    );

    // A generated digest, in a workspace folder: clean, and outlined paper
    // by paper as its heading lines read.
    let dir = temp_dir("generated");
    let mut client = Client::start(json!({}), Some(&dir));
    let uri = file_uri(dir.join("year.digest"));
    let text = generate(60, 7);
    assert_eq!(
        client.open_and_wait(&uri, &text, 1),
        published(&uri, Some(1), json!([])),
        "a generated digest is clean"
    );
    let headings: Vec<&str> = text.lines().filter(|l| l.starts_with("Paper")).collect();
    assert_eq!(headings.len(), 60);
    assert_eq!(client.outline_names(&uri), headings);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn hover_text_and_definitions_in_file_and_on_disk() {
    let dir = temp_dir("definition");
    std::fs::write(
        dir.join("other.digest"),
        "Other notes\n\nPaper7 Far Away\n摘要原文: a\n中文总结: 远方。\n",
    )
    .expect("write other.digest");
    let main = dir.join("main.digest");
    let text = "Paper1 Near\n摘要原文: a\n中文总结: 见[[other#Paper7]]与Paper2。\nPaper2 Next\n摘要原文: b\n中文总结: 下一篇。\n";
    std::fs::write(&main, text).expect("write main.digest");
    let uri = file_uri(&main);
    let mut client = Client::start(json!({}), None);
    client.open(&uri, text, 1);

    assert_eq!(
        client.hover(&uri, position(2, 9)),
        hover_markdown("**Paper7 Far Away**\n\n远方。", range(2, 7, 2, 23))
    );
    assert_eq!(
        client.definition(&uri, position(2, 10)),
        json!({"uri": file_uri(dir.join("other.digest")), "range": range(2, 0, 2, 15)})
    );
    assert_eq!(
        client.definition(&uri, position(2, 26)),
        json!({"uri": uri, "range": range(3, 0, 3, 11)})
    );
    assert_eq!(client.definition(&uri, position(0, 0)), Value::Null);
    assert_eq!(
        client.hover(&uri, position(3, 4)),
        hover_markdown("**Paper2 Next**\n\n下一篇。", range(3, 0, 3, 11))
    );
}

#[test]
fn removing_a_section_warns_and_undo_clears_it() {
    let mut client = Client::start(json!({}), None);
    let uri = "file:///tmp/undo.digest";
    let text = "Paper1 A\n摘要原文: a\n中文总结: b\n";
    let clean = |version: i64| published(uri, Some(version), json!([]));
    assert_eq!(client.open_and_wait(uri, text, 1), clean(1));
    client.change(uri, 2, json!([{"range": range(2, 0, 3, 0), "text": ""}]));
    assert_eq!(
        client.wait_diagnostics(uri, Some(2)),
        published(
            uri,
            Some(2),
            json!([diagnostic(
                "missing-section",
                2,
                range(0, 0, 0, 8),
                "Paper1 has no summary section: add a line starting with `中文总结:`"
            ),])
        )
    );
    client.change(
        uri,
        3,
        json!([{"range": range(2, 0, 2, 0), "text": "中文总结: b\n"}]),
    );
    assert_eq!(client.wait_diagnostics(uri, Some(3)), clean(3));
    client.close(uri);
    assert_eq!(
        client.wait_diagnostics(uri, None),
        published(uri, None, json!([]))
    );

    // Whole-text changes: a paper renumbered is warned, and put back, clean.
    let uri = "file:///tmp/renumbered.digest";
    let text = generate(60, 7);
    client.open(uri, &text, 1);
    let broken = text.replacen("\nPaper5 ", "\nPaper50 ", 1);
    let line = broken
        .lines()
        .position(|l| l.starts_with("Paper50 "))
        .expect("the renumbered heading") as u32;
    client.change_full(uri, 2, &broken);
    let after_change = client.wait_diagnostics(uri, Some(2));
    let warned = diagnostic(
        "numbering",
        2,
        range(line, 0, line, 7),
        "Paper50 follows Paper4: expected number 5; renumber the paper",
    );
    assert!(
        after_change["diagnostics"]
            .as_array()
            .is_some_and(|all| all.contains(&warned)),
        "{after_change}"
    );
    client.change_full(uri, 3, &text);
    assert_eq!(
        client.wait_diagnostics(uri, Some(3)),
        published(uri, Some(3), json!([]))
    );
    let status = client.shutdown_and_exit();
    assert!(status.success(), "{status:?}\n{}", client.stderr());
}

#[test]
fn bad_requests_are_answered_and_the_server_goes_on() {
    // Started as editors often start it, with `--stdio`.
    let mut client = Client::spawn(&["--stdio"], None);
    client.initialize(json!({}), None);
    let uri = "file:///tmp/bad.digest";
    client.open(uri, EMOJI_LINE, 1);

    assert_eq!(
        client.request("textDocument/nonsense", json!({})),
        Err(
            json!({"code": -32601, "message": "Method not found", "data": "textDocument/nonsense"})
        )
    );
    assert_eq!(
        client.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///tmp/never-opened.digest"}, "position": position(0, 0)}),
        ),
        Err(json!({"code": -32801, "message": "file:///tmp/never-opened.digest is not open"}))
    );

    // A frame whose body is cut off JSON: a parse error with id null.
    client
        .send_raw(&framing::encode_body(b"{\"jsonrpc\": \"2.0\", \"id\": 1,"))
        .expect("send a broken body");
    assert_eq!(
        client.expect_error_with_null_id(),
        json!({"jsonrpc": "2.0", "id": null, "error": {
            "code": -32700,
            "message": "Parse error: the message is not valid JSON: EOF while parsing a value at line 1 column 27",
        }})
    );

    // Out of range positions are clamped: past the line's end, past the end.
    assert_eq!(
        client.hover(uri, position(0, 999)),
        hover_markdown("**Paper1 Emoji**\n\n中文😀与Paper2相关", range(0, 0, 0, 12))
    );
    assert_eq!(client.hover(uri, position(999, 999)), Value::Null);

    // A stale version is refused whole; the next one applies to the text as
    // it was. (`x` before `Paper2` makes that line ordinary text.)
    client.change(
        uri,
        1,
        json!([{"range": range(0, 0, 0, 0), "text": "junk "}]),
    );
    client.change(uri, 2, json!([{"range": range(3, 0, 3, 0), "text": "x"}]));
    assert_eq!(client.outline_names(uri), ["Paper1 Emoji"]);
    client.change(uri, 3, json!([{"range": range(3, 0, 3, 1), "text": ""}]));

    // A 1 MB document on a single line.
    let big = format!(
        "Paper1 Big\n摘要原文: {}\n中文总结: b\n",
        "长".repeat(350_000)
    );
    client.open("file:///tmp/big.digest", &big, 1);
    assert_eq!(
        client.document_symbols("file:///tmp/big.digest"),
        json!([{
            "name": "Paper1 Big",
            "kind": 5,
            "range": range(0, 0, 2, 7),
            "selectionRange": range(0, 0, 0, 10),
            "children": [
                section("摘要原文", "abstract", range(1, 0, 1, 350_006), range(1, 0, 1, 4)),
                section("中文总结", "summary", range(2, 0, 2, 7), range(2, 0, 2, 4)),
            ],
        }])
    );

    // And the first document is still served right.
    assert_eq!(
        client.hover(uri, position(2, 11)),
        hover_markdown("**Paper2 Target**\n\n目标总结", range(2, 11, 2, 17))
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn end_of_input_ends_the_server_with_status_0() {
    let mut client = Client::start(json!({}), None);
    client.close_stdin();
    assert_eq!(client.expect_exit().code(), Some(0));
}

#[test]
fn a_client_without_hierarchical_symbols_gets_a_flat_outline() {
    let mut client = Client::spawn(&[], None);
    client.initialize_with(json!({"processId": null, "rootUri": null, "capabilities": {}}));
    let uri = "file:///tmp/flat.digest";
    client.open(uri, EMOJI_LINE, 1);
    let symbol = |name: &str, kind: u8, container: Option<&str>, range: Value| {
        let mut symbol =
            json!({"name": name, "kind": kind, "location": {"uri": uri, "range": range}});
        if let Some(container) = container {
            symbol["containerName"] = json!(container);
        }
        symbol
    };
    assert_eq!(
        client.document_symbols(uri),
        json!([
            symbol("Paper1 Emoji", 5, None, range(0, 0, 2, 19)),
            symbol("摘要原文", 8, Some("Paper1 Emoji"), range(1, 0, 1, 7)),
            symbol("中文总结", 8, Some("Paper1 Emoji"), range(2, 0, 2, 19)),
            symbol("Paper2 Target", 5, None, range(3, 0, 5, 10)),
            symbol("摘要原文", 8, Some("Paper2 Target"), range(4, 0, 4, 10)),
            symbol("中文总结", 8, Some("Paper2 Target"), range(5, 0, 5, 10)),
        ])
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
