//! 1,000 seeded random incremental edits (multi-line, CJK, emoji, CRLF):
//! afterwards the server's symbols and diagnostics equal those of a fresh
//! `didOpen` of the final text.

use digest_e2e::edits::{boundary, end_past_crlf, position};
use digest_e2e::{Client, Rng};
use ropey::Rope;
use serde_json::{Value, json};

const PIECES: &[&str] = &[
    "Paper",
    "Paper7 新标题\n",
    "\r\n",
    "\n",
    "\r",
    "摘要原文: ",
    "中文总结：",
    "与Paper2类似",
    "[[Paper1]]",
    "😀",
    "𝒳",
    "https://example.org/a",
    "htp://x",
    "文字",
    "word ",
    "\n\nPaper3 Third\n摘要原文: x\r\n中文总结: y\n",
    "",
];

const START: &str = "Random edits\r\n\r\nPaper1 First 😀\r\n摘要原文: 原文\r\n中文总结: 总结 Paper2\r\n\r\nPaper2 Second\n摘要原文: a\n中文总结: b\n";

#[test]
fn a_thousand_random_edits_match_a_fresh_open() {
    let mut rng = Rng(0x5EED_D16E_5700_0001);
    let mut client = Client::start(json!({}), None);
    let uri = "file:///tmp/random-edits.digest";
    client.open(uri, START, 0);
    let mut rope = Rope::from_str(START);

    for version in 1..=1000 {
        let mut changes = Vec::new();
        for _ in 0..=rng.below(2) {
            let start = boundary(&rope, &mut rng);
            let end = if rng.below(3) == 0 {
                start
            } else {
                (start + rng.below(12)).min(rope.len_chars())
            };
            let end = end_past_crlf(&rope, end);
            let insert = rng.pick(PIECES);
            changes.push(json!({
                "range": {"start": position(&rope, start), "end": position(&rope, end)},
                "text": insert,
            }));
            rope.remove(start..end);
            rope.insert(start, insert);
        }
        client.change(uri, version, Value::Array(changes));
        // The outline is kept from one request to the next, paper by paper:
        // every so often, it must equal a fresh document's.
        if version % 100 == 50 {
            let text = rope.to_string();
            let fresh_uri = format!("file:///tmp/random-edits-{version}.digest");
            client.open(&fresh_uri, &text, 1);
            assert_eq!(
                client.document_symbols(uri),
                client.document_symbols(&fresh_uri),
                "version {version}: {text:?}"
            );
            client.close(&fresh_uri);
        }
    }
    let final_text = rope.to_string();

    let edited_symbols = client.document_symbols(uri);
    let edited = client.wait_diagnostics(uri, Some(1000));

    let fresh_uri = "file:///tmp/random-edits-fresh.digest";
    client.open(fresh_uri, &final_text, 1);
    let fresh_symbols = client.document_symbols(fresh_uri);
    let fresh = client.wait_diagnostics(fresh_uri, Some(1));

    assert_eq!(edited_symbols, fresh_symbols);
    assert_eq!(edited["diagnostics"], fresh["diagnostics"]);
    assert!(
        edited_symbols.as_array().is_some_and(|s| !s.is_empty()),
        "the edits left papers to compare: {final_text:?}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
