//! Hostile files: each gets a clear message or diagnostic, and the server
//! keeps answering.

use std::process::Command;
use std::time::Duration;

use digest_e2e::client::{Client, file_uri, server_binary};
use serde_json::{Value, json};

fn server() -> Client {
    let mut client = Client::spawn(&[], None);
    client.set_timeout(Duration::from_secs(120));
    client.initialize(json!({}), None);
    client
}

fn request(client: &mut Client, method: &str, params: Value) -> Value {
    client.request(method, params).expect("answered")
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
}

/// The server still answers right: a small document's outline.
fn still_serving(client: &mut Client) {
    let uri = "file:///tmp/hostile-probe.digest";
    client.open(uri, "Paper1 Probe\n摘要原文: a\n中文总结: b\n", 1);
    let symbols = request(
        client,
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert_eq!(symbols[0]["name"], "Paper1 Probe");
    client.close(uri);
}

#[test]
fn a_5_mb_line() {
    let mut client = server();
    let uri = "file:///tmp/hostile-line.digest";
    let line = "长".repeat(1_700_000) + " 见Paper1";
    let text = format!("Paper1 Long\n摘要原文: {line}\n中文总结: b\n");
    assert!(text.len() > 5_000_000);
    client.open(uri, &text, 1);
    assert_eq!(
        client.wait_diagnostics(uri, Some(1))["diagnostics"],
        json!([])
    );
    let hover = request(&mut client, "textDocument/hover", at(uri, 1, 1_700_009));
    assert_eq!(hover["range"]["start"]["character"], 1_700_008);
    assert_eq!(hover["contents"]["value"], "**Paper1 Long**\n\nb");
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_hundred_thousand_papers() {
    let mut client = server();
    let uri = "file:///tmp/hostile-papers.digest";
    let mut text: String = (1..=100_000)
        .map(|n| format!("Paper{n} T{n}\n摘要原文: a\n中文总结: b\n"))
        .collect();
    // One problem at the very end.
    text.push_str("Paper100002 Gap\n摘要原文: a\n中文总结: b\n");
    client.open(uri, &text, 1);
    let published = client.wait_diagnostics(uri, Some(1));
    let diagnostics = published["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["code"], "numbering");
    assert_eq!(diagnostics[0]["range"]["start"]["line"], 300_000);
    let hover = request(&mut client, "textDocument/hover", at(uri, 299_997, 3));
    assert_eq!(hover["contents"]["value"], "**Paper100000 T100000**\n\nb");
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_hundred_thousand_references_to_one_paper() {
    let mut client = server();
    let uri = "file:///tmp/hostile-refs.digest";
    let text = format!(
        "Paper1 Target\n摘要原文: a\n中文总结: b\nPaper2 Citing\n摘要原文: a\n中文总结: {}\n",
        "与Paper1、".repeat(100_000)
    );
    client.open(uri, &text, 1);
    assert_eq!(
        client.wait_diagnostics(uri, Some(1))["diagnostics"],
        json!([])
    );
    let definition = request(
        &mut client,
        "textDocument/definition",
        at(uri, 5, 6 + 4 * 99_999 + 2),
    );
    assert_eq!(
        definition["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_hundred_thousand_broken_references_are_capped() {
    let mut client = server();
    let uri = "file:///tmp/hostile-broken.digest";
    let text = format!(
        "Paper1 A\n摘要原文: a\n中文总结: {}\n",
        "Paper9 ".repeat(100_000)
    );
    client.open(uri, &text, 1);
    let published = client.wait_diagnostics(uri, Some(1));
    let diagnostics = published["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1001);
    assert_eq!(diagnostics[0]["code"], "too-many-diagnostics");
    assert_eq!(
        diagnostics[0]["message"],
        "99000 more diagnostics were left out: only the first 1000 are shown; fix these first"
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_referenced_file_that_is_not_utf8_or_not_readable() {
    let dir = digest_e2e::temp_dir("utf8");
    std::fs::write(dir.join("bad.digest"), b"Paper1 A\n\xc3\x28 broken\n").expect("write");
    // A dangling link: a file that exists in the folder but cannot be read.
    let _ = std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("gone.digest"));
    let main = dir.join("main.digest");
    let text = "Paper1 A\n摘要原文: [[bad#Paper1]]\n中文总结: [[gone]]\n";
    std::fs::write(&main, text).expect("write");
    let uri = file_uri(&main);
    let mut client = server();
    client.open(&uri, text, 1);
    let published = client.wait_diagnostics(&uri, Some(1));
    let messages: Vec<&str> = published["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["message"].as_str())
        .collect();
    assert_eq!(
        messages,
        [
            "Paper1: unresolved reference `bad#Paper1`: `bad.digest` is not valid UTF-8 (first bad byte at offset 9); fix the number or the file name",
            "Paper1: unresolved reference `gone`: no digest found at `gone.digest`; fix the number or the file name",
        ]
    );
    let definition = request(&mut client, "textDocument/definition", at(&uri, 1, 8));
    assert_eq!(definition, Value::Null);
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn check_survives_a_symlink_loop_and_an_unreadable_file() {
    let dir = digest_e2e::temp_dir("loop");
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(
        dir.join("sub/ok.digest"),
        "Paper1 A\n摘要原文: a\n中文总结: b\n",
    )
    .expect("write");
    let _ = std::os::unix::fs::symlink(&dir, dir.join("sub/loop"));
    let _ = std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling.digest"));
    let output = Command::new(server_binary())
        .args(["check", "."])
        .current_dir(&dir)
        .output()
        .expect("check runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "0 errors, 0 warnings, 0 infos, 0 hints\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("./dangling.digest: cannot be read: "),
        "{stderr}"
    );
}

#[test]
fn a_50_mb_digest() {
    let text = digest_e2e::generate_sized(50_000_000, 11);
    let papers = digest_e2e::paper_count(&text);
    let mut client = server();
    let uri = "file:///tmp/hostile-50mb.digest";
    client.open(uri, &text, 1);
    assert_eq!(
        client.wait_diagnostics(uri, Some(1))["diagnostics"],
        json!([])
    );
    let last_heading = text.lines().filter(|l| l.starts_with("Paper")).count() - 1;
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("Paper"))
        .nth(last_heading)
        .map(|(i, _)| i)
        .expect("a heading");
    let hover = request(&mut client, "textDocument/hover", at(uri, line as u32, 2));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.starts_with(&format!("**Paper{papers} "))),
        "{hover}"
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
