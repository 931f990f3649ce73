//! `digest.toml` in the server: applied, broken, fixed, live.

use digest_e2e::{Client, diagnostic, file_uri, published, range, temp_dir, watching};
use serde_json::{Value, json};

const DIGEST: &str = "Paper1 A\n摘要原文: a\n中文总结: b\nPaper3 C\n摘要原文: a\n中文总结: b\n";

/// DIGEST's one finding, Paper3 after Paper1, at `severity`.
fn numbering(severity: u8) -> Value {
    json!([diagnostic(
        "numbering",
        severity,
        range(3, 0, 3, 6),
        "Paper3 follows Paper1: expected number 2; renumber the paper",
    )])
}

#[test]
fn a_config_applies_a_broken_one_is_reported_and_edits_are_live() {
    let dir = temp_dir("config");
    let config_path = dir.join("digest.toml");
    std::fs::write(&config_path, "[rules]\nnumbering = \"error\"\n").expect("write config");
    let digest = dir.join("a.digest");
    std::fs::write(&digest, DIGEST).expect("write digest");
    let uri = file_uri(&digest);
    let config_uri = file_uri(&config_path);

    let mut client = Client::start(watching(), Some(&dir));
    assert_eq!(
        client.expect_server_request("client/registerCapability"),
        json!({"registrations": [{
            "id": "digest-watched-files",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": [
                {"globPattern": "**/digest.toml"},
                {"globPattern": "**/*.digest"},
                {"globPattern": "**/*.txt"},
                {"globPattern": "**/*.bib"},
            ]},
        }]})
    );

    assert_eq!(
        client.open_and_wait(&uri, DIGEST, 1),
        published(&uri, Some(1), numbering(1))
    );

    // Broken on disk: the config file gets its diagnostic, one message is
    // shown, and the digest is checked with the defaults.
    std::fs::write(&config_path, "[rules]\nnumbering = \"loud\"\n").expect("break config");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": config_uri, "type": 2}]}),
    );
    let problem = "unknown severity \"loud\" for `numbering` in [rules]; expected \"error\", \"warning\", \"info\", \"hint\" or \"off\"";
    assert_eq!(
        client.wait_diagnostics(&config_uri, None),
        published(
            &config_uri,
            None,
            json!([diagnostic("config", 1, range(1, 12, 1, 18), problem)])
        )
    );
    assert_eq!(
        client.expect_notification("window/showMessage", |_| true),
        json!({
            "type": 1,
            "message": format!(
                "digest-lsp: {}:2:13: {problem} (the defaults apply until it is fixed)",
                config_path.display()
            ),
        })
    );
    // Waited for by value: a re-check of the digest begun before the
    // change (the workspace index finishing) may publish the old findings
    // first, under a loaded machine.
    let defaults = published(&uri, Some(1), numbering(2));
    client.expect_notification("textDocument/publishDiagnostics", |p| *p == defaults);

    // Fixed in the editor, before it is saved: the open text wins.
    client.open(&config_uri, "[rules]\nnumbering = \"off\"\n", 1);
    assert_eq!(
        client.wait_diagnostics(&config_uri, None),
        published(&config_uri, None, json!([]))
    );
    let off = published(&uri, Some(1), json!([]));
    client.expect_notification("textDocument/publishDiagnostics", |p| *p == off);
    // One message only for that one broken file.
    assert_eq!(client.drain_notifications("window/showMessage").len(), 0);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
