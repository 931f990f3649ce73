//! `digest.toml` in the server: applied, broken, fixed, live.

use std::time::Duration;

use digest_e2e::client::{Client, file_uri};
use serde_json::json;

fn codes(params: &serde_json::Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| format!("{} {}", d["code"].as_str().unwrap_or("?"), d["severity"]))
        .collect()
}

const DIGEST: &str = "Paper1 A\n摘要原文: a\n中文总结: b\nPaper3 C\n摘要原文: a\n中文总结: b\n";

#[test]
fn a_config_applies_a_broken_one_is_reported_and_edits_are_live() {
    let dir = digest_e2e::temp_dir("config");
    let config_path = dir.join("digest.toml");
    std::fs::write(&config_path, "[rules]\nnumbering = \"error\"\n").expect("write config");
    let digest = dir.join("a.digest");
    std::fs::write(&digest, DIGEST).expect("write digest");
    let uri = file_uri(&digest);
    let config_uri = file_uri(&config_path);

    let mut client = Client::spawn(&[], None);
    client.initialize(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        Some(&dir),
    );
    let registration =
        client.wait_server_request("client/registerCapability", Duration::from_secs(10));
    assert_eq!(
        registration["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );

    client.open(&uri, DIGEST, 1);
    assert_eq!(
        codes(&client.wait_diagnostics(&uri, Some(1))),
        ["numbering 1"]
    );

    // Broken on disk: the config file gets its diagnostic, one message is
    // shown, and the digest is checked with the defaults.
    std::fs::write(&config_path, "[rules]\nnumbering = \"loud\"\n").expect("break config");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let config_diagnostics = client.wait_diagnostics(&config_uri, None);
    assert_eq!(codes(&config_diagnostics), ["config 1"]);
    assert_eq!(
        config_diagnostics["diagnostics"][0]["range"]["start"],
        json!({"line": 1, "character": 12})
    );
    let shown = client.wait_notification("window/showMessage", |_| true, Duration::from_secs(10));
    assert_eq!(shown["type"], 1);
    assert!(
        shown["message"]
            .as_str()
            .is_some_and(|m| m.contains("digest.toml:2:13")),
        "{shown}"
    );
    assert_eq!(
        codes(&client.wait_diagnostics(&uri, Some(1))),
        ["numbering 2"]
    );

    // Fixed in the editor, before it is saved: the open text wins.
    client.open(&config_uri, "[rules]\nnumbering = \"off\"\n", 1);
    assert_eq!(
        codes(&client.wait_diagnostics(&config_uri, None)),
        Vec::<String>::new()
    );
    assert_eq!(
        codes(&client.wait_diagnostics(&uri, Some(1))),
        Vec::<String>::new()
    );
    // One message only for that one broken file.
    assert_eq!(client.drain_notifications("window/showMessage").len(), 0);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
