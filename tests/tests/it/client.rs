//! Tests of the client harness itself, against `fake-lsp` (a scripted
//! stand-in server in this package), so that a failing end-to-end test
//! points at the server, not at its test client.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use digest_e2e::{Client, file_uri, framing};
use serde_json::{Value, json};

const SHORT: Duration = Duration::from_millis(300);

fn fake() -> Client {
    Client::from_command(Command::new(env!("CARGO_BIN_EXE_fake-lsp")))
}

fn initialized() -> Client {
    let mut client = fake();
    client.initialize(json!({}), None);
    client
}

/// The message of the panic `f` raises.
fn panic_message(f: impl FnOnce()) -> String {
    let payload = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_default()
}

#[test]
fn initialize_sends_capabilities_and_workspace_folder() {
    let mut client = fake();
    let folder = Path::new("/tmp/论文 digests");
    let result = client.initialize(
        json!({"general": {"positionEncodings": ["utf-8"]}}),
        Some(folder),
    );
    assert_eq!(result["serverInfo"]["name"], "fake-lsp");
    let sent = &result["echo"];
    assert_eq!(
        sent["capabilities"]["general"]["positionEncodings"],
        json!(["utf-8"])
    );
    let uri = "file:///tmp/%E8%AE%BA%E6%96%87%20digests";
    assert_eq!(sent["rootUri"], uri);
    assert_eq!(
        sent["workspaceFolders"],
        json!([{"uri": uri, "name": "论文 digests"}])
    );
    assert_eq!(sent["processId"], std::process::id());
    assert!(client.shutdown_and_exit().success());
}

#[test]
fn initialize_without_workspace_sends_null_root() {
    let mut client = fake();
    let result = client.initialize(json!({}), None);
    assert_eq!(result["echo"]["rootUri"], Value::Null);
    assert!(result["echo"].get("workspaceFolders").is_none());
}

#[test]
fn file_uris_are_percent_encoded() {
    assert_eq!(file_uri("/a/b.digest"), "file:///a/b.digest");
    assert_eq!(
        file_uri("/a b/c#1%.digest"),
        "file:///a%20b/c%231%25.digest"
    );
    assert_eq!(
        file_uri("/数据/𝒳.digest"),
        "file:///%E6%95%B0%E6%8D%AE/%F0%9D%92%B3.digest"
    );
    let relative = file_uri("x.digest");
    assert!(
        relative.starts_with("file:///") && relative.ends_with("/x.digest"),
        "{relative}"
    );
}

#[test]
fn requests_return_results_and_errors() {
    let mut client = initialized();
    let params = json!({"text": "中文 𝒳", "n": [1, 2]});
    assert_eq!(
        client.request("fake/echo", params.clone()),
        Ok(params.clone())
    );
    let error = client
        .request("fake/fail", json!(7))
        .expect_err("fake/fail fails");
    assert_eq!(
        error,
        json!({"code": -32000, "message": "failed", "data": 7})
    );
    let unknown = client
        .request("no/such", Value::Null)
        .expect_err("unknown method");
    assert_eq!(unknown["code"], -32601);
}

#[test]
fn responses_are_matched_by_id_in_any_order() {
    let mut client = initialized();
    let first = client.send_request("fake/echo", json!("first"));
    let second = client.send_request("fake/echo", json!("second"));
    assert_eq!(
        client.wait_response(second, SHORT * 10),
        Ok(json!("second"))
    );
    assert_eq!(client.wait_response(first, SHORT * 10), Ok(json!("first")));
}

#[test]
fn unmatched_notifications_stay_queued() {
    let mut client = initialized();
    client
        .request(
            "fake/notify",
            json!({"method": "test/a", "params": {"n": 1}, "count": 3}),
        )
        .expect("fake/notify");
    client
        .request(
            "fake/notify",
            json!({"method": "test/b", "params": {"n": 2}, "count": 1}),
        )
        .expect("fake/notify");
    let b = client.wait_notification("test/b", |_| true, SHORT);
    assert_eq!(b, json!({"n": 2}));
    assert_eq!(
        client.drain_notifications("test/a"),
        vec![json!({"n": 1}); 3]
    );
    assert!(client.drain_notifications("test/a").is_empty());
    assert!(client.drain_notifications("test/b").is_empty());
}

#[test]
fn diagnostics_are_awaited_by_uri_and_version() {
    let mut client = initialized();
    let uri = file_uri("/w/a.digest");
    let other = file_uri("/w/b.digest");
    client.open(&uri, "Paper1 T\n", 1);
    client.open(&other, "", 1);
    client.change(&uri, 2, json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]));
    client.change_full(&uri, 3, "Paper1 U\n");
    // Out of order: version 3 first, then the earlier ones are still queued.
    assert_eq!(client.wait_diagnostics(&uri, Some(3))["version"], 3);
    assert_eq!(client.wait_diagnostics(&other, None)["uri"], other.as_str());
    assert_eq!(client.wait_diagnostics(&uri, Some(1))["version"], 1);
    assert_eq!(client.wait_diagnostics(&uri, None)["version"], 2);
}

#[test]
fn server_requests_are_answered_and_recorded() {
    let mut client = initialized();
    let ask = |client: &mut Client, method: &str, params: Value| {
        client
            .request("fake/ask", json!({"method": method, "params": params}))
            .expect("fake/ask")
    };
    let config = ask(
        &mut client,
        "workspace/configuration",
        json!({"items": [{"section": "digest"}, {"section": "other"}]}),
    );
    assert_eq!(config["result"], json!([null, null]));
    for method in [
        "client/registerCapability",
        "client/unregisterCapability",
        "window/workDoneProgress/create",
        "window/showMessageRequest",
    ] {
        let answer = ask(&mut client, method, json!({}));
        assert_eq!(
            answer.get("result"),
            Some(&Value::Null),
            "{method}: {answer}"
        );
    }
    let unknown = ask(&mut client, "custom/thing", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);

    client.respond_to("workspace/configuration", |_| {
        Ok(json!([{"trace": "verbose"}]))
    });
    let config = ask(
        &mut client,
        "workspace/configuration",
        json!({"items": [{}]}),
    );
    assert_eq!(config["result"], json!([{"trace": "verbose"}]));
    client.respond_to("custom/thing", |p| {
        Err(json!({"code": 1, "message": p["why"]}))
    });
    let custom = ask(&mut client, "custom/thing", json!({"why": "no"}));
    assert_eq!(custom["error"], json!({"code": 1, "message": "no"}));

    let methods: Vec<&str> = client
        .server_requests()
        .iter()
        .map(|r| r["method"].as_str().expect("method"))
        .collect();
    assert_eq!(
        methods,
        [
            "workspace/configuration",
            "client/registerCapability",
            "client/unregisterCapability",
            "window/workDoneProgress/create",
            "window/showMessageRequest",
            "custom/thing",
            "workspace/configuration",
            "custom/thing",
        ]
    );
    let first = client.wait_server_request("workspace/configuration", SHORT);
    assert_eq!(first["items"][1]["section"], "other");
    let second = client.wait_server_request("workspace/configuration", SHORT);
    assert_eq!(second["items"], json!([{}]));
    let message = panic_message(|| {
        client.wait_server_request("workspace/configuration", SHORT);
    });
    assert!(
        message.contains("no workspace/configuration request"),
        "{message}"
    );
}

#[test]
fn stderr_is_captured() {
    let mut client = initialized();
    client
        .request("fake/stderr", json!({"text": "first line\nsecond 行\n"}))
        .expect("fake/stderr");
    assert!(
        client.wait_stderr("second 行", SHORT * 10),
        "{:?}",
        client.stderr()
    );
    assert!(client.stderr().starts_with("first line\n"));
    assert!(!client.wait_stderr("never written", Duration::from_millis(20)));
}

#[test]
fn a_request_without_response_panics_naming_the_method() {
    let mut client = initialized();
    client
        .request("fake/stderr", json!({"text": "some context"}))
        .expect("fake/stderr");
    client.wait_stderr("some context", SHORT * 10);
    let message = panic_message(|| {
        let _ = client.request_with_timeout("fake/silent", Value::Null, SHORT);
    });
    assert!(message.contains("fake/silent"), "{message}");
    assert!(
        message.contains("some context"),
        "stderr attached: {message}"
    );
    // The client is still usable after a timed-out request.
    assert_eq!(client.request("fake/echo", json!(1)), Ok(json!(1)));
}

#[test]
fn a_missing_notification_panics_naming_the_method() {
    let mut client = initialized();
    client
        .request(
            "fake/notify",
            json!({"method": "test/other", "params": 5, "count": 1}),
        )
        .expect("fake/notify");
    let message = panic_message(|| {
        client.wait_notification("test/never", |_| true, SHORT);
    });
    assert!(message.contains("test/never"), "{message}");
    let message = panic_message(|| {
        client.wait_notification("test/other", |p| p == 6, SHORT);
    });
    assert!(
        message.contains("test/other") && message.contains('5'),
        "{message}"
    );
}

#[test]
fn exit_without_shutdown_and_end_of_input_end_the_server() {
    let mut client = initialized();
    client.notify("exit", Value::Null);
    assert_eq!(client.wait_exit(SHORT * 10).code(), Some(1));

    let mut client = initialized();
    client.close_stdin();
    assert_eq!(client.wait_exit(SHORT * 10).code(), Some(3));
    assert!(client.is_closed());
    let error = client.send_raw(b"x").expect_err("stdin is closed");
    assert_eq!(error.kind(), std::io::ErrorKind::BrokenPipe);
}

#[test]
fn raw_bytes_reach_the_server_as_sent() {
    let mut client = initialized();
    client
        .send_raw(&framing::encode_body(b"{not json"))
        .expect("send a bad body");
    let error = client
        .wait_message(
            |m| m["id"].is_null() && m.get("error").is_some(),
            SHORT * 10,
        )
        .expect("a parse error response");
    assert_eq!(error["error"]["code"], -32700);
    // A frame split across writes is still one frame.
    let frame =
        framing::encode(&json!({"jsonrpc": "2.0", "id": 99, "method": "fake/echo", "params": 1}));
    let (head, tail) = frame.split_at(10);
    client.send_raw(head).expect("first half");
    client.send_raw(tail).expect("second half");
    let response = client
        .wait_message(|m| m["id"] == 99, SHORT * 10)
        .expect("a response to id 99 (not ours, so queued)");
    assert_eq!(response["result"], 1);

    client
        .send_raw(b"Content-Length: 5\n\n{}")
        .expect("bad header");
    assert_eq!(client.wait_exit(SHORT * 10).code(), Some(2));
}

#[test]
fn malformed_server_output_fails_the_waiting_request() {
    let mut client = initialized();
    let message = panic_message(|| {
        let _ = client.request("fake/garbage", Value::Null);
    });
    assert!(
        message.contains("fake/garbage") && message.contains("malformed"),
        "{message}"
    );
}

#[test]
fn dropping_the_client_kills_a_running_server() {
    let mut client = initialized();
    // A server that no longer reads, so end of input alone would not end it.
    client.send_request("fake/hang", Value::Null);
    assert!(
        client.wait_stderr("fake-lsp: hanging", SHORT * 10),
        "{}",
        client.stderr()
    );
    let pid = client.pid();
    let process = std::path::PathBuf::from(format!("/proc/{pid}"));
    assert!(process.exists(), "the server runs before the drop");

    // Dropped on another thread, so that a drop that hangs fails the test.
    let (done, dropped) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        drop(client);
        let _ = done.send(());
    });
    assert_eq!(
        dropped.recv_timeout(SHORT * 10),
        Ok(()),
        "the drop returned"
    );
    // Killed and reaped: the process is gone, not a zombie.
    let deadline = std::time::Instant::now() + SHORT * 10;
    while process.exists() && std::time::Instant::now() < deadline {
        std::thread::yield_now();
    }
    assert!(!process.exists(), "process {pid} is still there");
}
