//! The cross-file rule's keys as the server keeps them from one check to
//! the next (its key index, filed again only for the digests that
//! changed): digests changed, created and deleted on disk, and the open
//! digest's own keys changed by keystrokes, each followed in the hints of
//! an open digest.
//!
//! Every fixture is written in a fresh folder; every wait is on an event,
//! with a timeout.

use digest_e2e::{Client, file_uri, watching, workspace_dir as scratch, write_file as write};
use serde_json::{Value, json};

/// The open digest: two papers, each of which another digest may have too.
const C: &str = "C\n\nPaper1 Shared Title One\n摘要原文: a\n中文总结: b\n\nPaper2 Unique Two\n摘要原文: a\n中文总结: b\n";

/// A digest whose one paper is titled `title`.
fn digest(title: &str) -> String {
    format!("X\n\nPaper1 {title}\n摘要原文: a\n中文总结: b\n")
}

/// The message of the hint that `paper` of the open digest is `Paper1` of
/// `other` too, by its title.
fn hint(paper: &str, other: &str) -> String {
    format!(
        "{paper} is also in `{other}` as Paper1, with the same title: keep one and refer to it with `[[{other}#Paper1]]`"
    )
}

/// The messages of the published diagnostics `params`.
fn messages(params: &Value) -> Vec<String> {
    (params["diagnostics"].as_array().into_iter().flatten())
        .map(|d| d["message"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Waits for diagnostics of `uri` whose messages are `expected`: the
/// check that follows a change on disk.
fn wait_messages(client: &mut Client, uri: &str, expected: &[String]) {
    client.expect_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && messages(p) == expected
    });
}

#[test]
fn the_hints_follow_digests_changed_created_and_deleted_and_the_open_digests_own_edits() {
    let dir = scratch("workspace-keys");
    let (a_path, b_path) = (dir.join("a.digest"), dir.join("b.digest"));
    write(&a_path, &digest("Shared Title One"));
    write(&dir.join("d.digest"), &digest("Nothing Shared"));
    write(&dir.join("c.digest"), C);
    let (a, b, c) = (
        file_uri(&a_path),
        file_uri(&b_path),
        file_uri(dir.join("c.digest")),
    );
    let mut client = Client::start(watching(), Some(&dir));
    client.expect_server_request("client/registerCapability");
    client.wait_indexed();
    let opened = client.open_and_wait(&c, C, 1);
    assert_eq!(messages(&opened), [hint("Paper1", "a")]);

    // a retitled on disk: now the copy of Paper2.
    write(&a_path, &digest("Unique two!"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": a, "type": 2}]}),
    );
    wait_messages(&mut client, &c, &[hint("Paper2", "a")]);

    // b created with Paper1's title: both hints.
    write(&b_path, &digest("shared title: one"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": b, "type": 1}]}),
    );
    wait_messages(&mut client, &c, &[hint("Paper1", "b"), hint("Paper2", "a")]);

    // a deleted: its hint goes, b's stays.
    std::fs::remove_file(&a_path).expect("delete a");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": a, "type": 3}]}),
    );
    wait_messages(&mut client, &c, &[hint("Paper1", "b")]);

    // Keystrokes in c: a letter that changes no title, then Paper1
    // retitled (no copy left), then back.
    let steps = [
        (
            C.replace("中文总结: b", "中文总结: bc"),
            vec![hint("Paper1", "b")],
        ),
        (C.replace("Shared Title One", "Shared Title Once"), vec![]),
        (C.to_string(), vec![hint("Paper1", "b")]),
        (
            C.replace("Unique Two", "Nothing shared"),
            vec![hint("Paper1", "b"), hint("Paper2", "d")],
        ),
    ];
    for (version, (text, expected)) in (2..).zip(steps) {
        client.change_full(&c, version, &text);
        let published = client.wait_diagnostics(&c, Some(version));
        assert_eq!(messages(&published), expected, "version {version}");
    }
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
