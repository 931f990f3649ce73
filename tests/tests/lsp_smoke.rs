//! A first end-to-end pass over the real `digest-lsp` binary: the lifecycle,
//! diagnostics after open and change, the outline, a malformed frame.

use std::path::PathBuf;

use digest_e2e::{Client, file_uri, framing, generate};
use serde_json::{Value, json};

/// A fresh, empty folder for one test (no `digest.toml` above it that the
/// test did not write), removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> TempDir {
        TempDir(digest_e2e::temp_dir(name))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn codes(params: &Value) -> Vec<&str> {
    params["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .map(|d| d["code"].as_str().expect("a string code"))
        .collect()
}

#[test]
fn a_generated_digest_is_clean_outlined_and_rechecked_on_change() {
    let dir = TempDir::new("smoke");
    let mut client = Client::spawn(&[], Some(&dir.0));
    let init = client.initialize(json!({}), Some(&dir.0));
    assert!(init["capabilities"].is_object(), "{init}");

    let uri = file_uri(dir.0.join("year.digest"));
    let text = generate(60, 7);
    client.open(&uri, &text, 1);
    let published = client.wait_diagnostics(&uri, Some(1));
    assert_eq!(
        published["diagnostics"],
        json!([]),
        "a generated digest is clean"
    );

    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("documentSymbol");
    let symbols = symbols.as_array().expect("a symbol array");
    assert_eq!(symbols.len(), 60);
    let first = symbols[0]["name"].as_str().expect("a name");
    assert!(
        first.starts_with("Paper1 ") && text.contains(&format!("\n{first}\n")),
        "{first}"
    );

    let broken = text.replacen("\nPaper5 ", "\nPaper50 ", 1);
    client.change_full(&uri, 2, &broken);
    let published = client.wait_diagnostics(&uri, Some(2));
    assert!(codes(&published).contains(&"numbering"), "{published}");

    client.change_full(&uri, 3, &text);
    let published = client.wait_diagnostics(&uri, Some(3));
    assert_eq!(published["diagnostics"], json!([]));

    let status = client.shutdown_and_exit();
    assert!(status.success(), "{status:?}\n{}", client.stderr());
}

#[test]
fn a_malformed_frame_gets_a_parse_error_and_the_server_goes_on() {
    let mut client = Client::spawn(&["--stdio"], None);
    client.initialize(json!({}), None);
    client
        .send_raw(&framing::encode_body(b"{\"jsonrpc\": \"2.0\", \"id\": 1,"))
        .expect("send a broken body");
    let error = client
        .wait_message(
            |m| m.get("error").is_some() && m["id"].is_null(),
            client.timeout(),
        )
        .expect("an error response with id null");
    assert_eq!(error["error"]["code"], -32700, "{error}");
    let status = client.shutdown_and_exit();
    assert!(status.success(), "{status:?}");
}

#[test]
fn end_of_input_ends_the_server() {
    let mut client = Client::spawn(&[], None);
    client.initialize(json!({}), None);
    client.close_stdin();
    let timeout = client.timeout();
    client.wait_exit(timeout);
}
