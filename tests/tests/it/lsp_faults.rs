//! Faults: malformed framing, panics inside a request, requests out of order.
//! Each answer, error and notification is compared whole, and after each
//! fault the server still gives [`DIGEST`]'s whole outline.

use std::time::Duration;

use digest_e2e::{Client, published, range};
use serde_json::{Value, json};

const DIGEST: &str = "Paper1 A\n摘要原文: a\n中文总结: 与Paper1相同\n";

/// The outline of [`DIGEST`], whole: what a server that still serves right
/// answers.
fn outline() -> Value {
    let section = |name: &str, detail: &str, line: u32, end: u32| {
        json!({
            "name": name,
            "detail": detail,
            "kind": 8,
            "range": range(line, 0, line, end),
            "selectionRange": range(line, 0, line, 4),
        })
    };
    json!([{
        "name": "Paper1 A",
        "kind": 5,
        "range": range(0, 0, 2, 15),
        "selectionRange": range(0, 0, 0, 8),
        "children": [
            section("摘要原文", "abstract", 1, 7),
            section("中文总结", "summary", 2, 15),
        ],
    }])
}

/// An error answer to a message the server could not read (id null),
/// whole.
fn unreadable(code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": null, "error": {"code": code, "message": message}})
}

/// `message` with the number after `task ` written `<n>`.
fn without_task_number(message: &str) -> String {
    let masked = message.split_once("task ").and_then(|(head, tail)| {
        let digits = tail.bytes().take_while(u8::is_ascii_digit).count();
        (digits > 0).then(|| format!("{head}task <n>{}", &tail[digits..]))
    });
    masked.unwrap_or_else(|| panic!("no task number in {message:?}"))
}

#[test]
fn malformed_messages_are_answered_and_reading_goes_on() {
    let mut client = Client::start(json!({}), None);
    let uri = "file:///tmp/faults.digest";
    client.open(uri, DIGEST, 1);

    let cases: [&[u8]; 4] = [
        b"Content-Length: 9\r\n\r\n{bad json",
        b"Content-Length: 12\r\n\r\n[1, 2, 3, 4]",
        b"Content-Type: text/plain\r\n\r\n",
        b"Content-Length: 20\r\n\r\n{\"method\":\"x\",\"a\":1}",
    ];
    let expected = [
        unreadable(
            -32700,
            "Parse error: the message is not valid JSON: key must be a string at line 1 column 2",
        ),
        unreadable(-32600, "Invalid request: a message must be a JSON object"),
        unreadable(-32700, "Parse error: the headers have no Content-Length"),
        unreadable(-32600, "Invalid request: `jsonrpc` must be \"2.0\""),
    ];
    for (bytes, answer) in cases.iter().zip(expected) {
        client.send_raw(bytes).expect("send");
        assert_eq!(client.expect_error_with_null_id(), answer);
        assert_eq!(client.document_symbols(uri), outline());
    }
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_wrong_content_length_is_reported_and_the_next_message_is_read() {
    let mut client = Client::start(json!({}), None);
    let uri = "file:///tmp/wrong-length.digest";
    client.open(uri, DIGEST, 1);
    let body = r#"{"jsonrpc":"2.0","method":"x"}"#;
    // Too short: the body is cut; the rest runs into the next header.
    client
        .send_raw(format!("Content-Length: 10\r\n\r\n{body}").as_bytes())
        .expect("send");
    assert_eq!(client.document_symbols(uri), outline());
    assert_eq!(
        client.expect_error_with_null_id(),
        unreadable(
            -32700,
            "Parse error: the message is not valid JSON: EOF while parsing an object at line 1 column 10"
        )
    );
    // Too long: the body swallows the start of the next message, which is
    // given back.
    let long = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 40);
    client.send_raw(long.as_bytes()).expect("send");
    assert_eq!(client.document_symbols(uri), outline());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_panic_in_a_request_is_an_internal_error() {
    let mut client = Client::start_with_test_hooks(json!({}));
    let uri = "file:///tmp/panic.digest";
    client.open(uri, DIGEST, 1);
    let mut error = client
        .request("digest/testPanic", json!({"uri": uri}))
        .expect_err("an error");
    // The number of the task that panicked is the runtime's to choose.
    let message = error["message"].as_str().unwrap_or_default();
    error["message"] = json!(without_task_number(message));
    assert_eq!(
        error,
        json!({
            "code": -32603,
            "message": "digest-lsp: a request failed: task <n> panicked with message \"digest/testPanic was asked to panic\"",
        })
    );
    assert_eq!(client.document_symbols(uri), outline());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut client = Client::spawn(&[], None);
    let early = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///x.digest"}}),
    );
    assert_eq!(
        early.expect_err("an error"),
        json!({"code": -32002, "message": "Server not initialized"})
    );
    client.initialize(json!({}), None);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_message_cut_off_by_end_of_input_is_reported_and_the_server_exits_0() {
    let mut client = Client::start(json!({}), None);
    client
        .send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":")
        .expect("send");
    client.close_stdin();
    assert_eq!(
        client.expect_error_with_null_id(),
        unreadable(
            -32700,
            "Parse error: the message was cut off by the end of input"
        )
    );
    assert_eq!(client.expect_exit().code(), Some(0));
}

#[test]
fn requests_after_shutdown_are_refused_and_exit_still_works() {
    let mut client = Client::start(json!({}), None);
    assert_eq!(client.request_ok("shutdown", Value::Null), Value::Null);
    let late = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///x.digest"}}),
    );
    assert_eq!(
        late.expect_err("an error"),
        json!({"code": -32600, "message": "Invalid request"})
    );
    client.notify("exit", Value::Null);
    assert_eq!(client.expect_exit().code(), Some(0));
}

#[test]
fn unknown_notifications_and_changes_to_unopened_documents_are_ignored() {
    let mut client = Client::start(json!({}), None);
    client.notify("digest/somethingNew", json!({"x": 1}));
    client.notify("$/somethingOptional", json!({}));
    client.change(
        "file:///tmp/never-opened.digest",
        2,
        json!([{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "text": "x"}]),
    );
    let logged = client.expect_notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.contains("never-opened.digest"))
    });
    assert_eq!(
        logged,
        json!({
            "type": 2,
            "message": "digest-lsp: ignored a change to file:///tmp/never-opened.digest: not open",
        })
    );
    let uri = "file:///tmp/after-ignored.digest";
    client.open(uri, DIGEST, 1);
    assert_eq!(client.document_symbols(uri), outline());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn cancelling_a_running_request_answers_it_cancelled_and_a_finished_one_is_harmless() {
    let mut client = Client::start_with_test_hooks(json!({}));
    let running = client.send_request("digest/testSleep", json!({"ms": 30_000}));
    client.cancel(running);
    let answer = client.wait_response(running, client.timeout());
    assert_eq!(
        answer.expect_err("cancelled"),
        json!({"code": -32800, "message": "Canceled"})
    );

    let finished = client.send_request("digest/testSleep", json!({"ms": 0}));
    assert_eq!(
        client.wait_response(finished, client.timeout()),
        Ok(json!(0))
    );
    client.cancel(finished);
    let uri = "file:///tmp/cancel.digest";
    client.open(uri, DIGEST, 1);
    assert_eq!(client.document_symbols(uri), outline());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_client_that_never_answers_the_server_does_not_stall_it() {
    let mut client = Client::spawn(&[], None);
    client.never_answer("client/registerCapability");
    client.initialize(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        None,
    );
    client.expect_server_request("client/registerCapability");
    let uri = "file:///tmp/unanswered.digest";
    client.open(uri, DIGEST, 1);
    assert_eq!(
        client.wait_diagnostics(uri, Some(1)),
        published(uri, Some(1), json!([]))
    );
    assert_eq!(client.document_symbols(uri), outline());
    // The registration still waits for its answer: exit must not.
    client.request_ok("shutdown", Value::Null);
    client.notify("exit", Value::Null);
    let status = client.wait_exit(Duration::from_secs(5));
    assert_eq!(status.code(), Some(0));
}

#[test]
fn an_unknown_dollar_request_is_answered_method_not_found() {
    let mut client = Client::start(json!({}), None);
    // `$/` marks optional notifications; a *request* with such a method
    // still needs an answer.
    let error = client
        .request("$/digest/noSuchThing", json!({}))
        .expect_err("an error answer");
    assert_eq!(
        error,
        json!({"code": -32601, "message": "Method not found", "data": "$/digest/noSuchThing"})
    );
    // An unknown `$/` notification is ignored, and the server goes on.
    client.notify("$/digest/noSuchNotification", json!({}));
    let uri = "file:///tmp/dollar.digest";
    client.open(uri, DIGEST, 1);
    assert_eq!(client.document_symbols(uri), outline());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn end_of_input_with_a_request_of_the_server_unanswered_exits_at_once() {
    let mut client = Client::spawn(&[], None);
    client.never_answer("client/registerCapability");
    client.initialize(
        json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}),
        None,
    );
    client.expect_server_request("client/registerCapability");
    // The client dies: no shutdown, no exit, the registration unanswered
    // (the server would wait 10 s for it).
    client.close_stdin();
    let status = client.wait_exit(Duration::from_secs(3));
    assert_eq!(status.code(), Some(0));
}

/// LSP, "exit": the server exits with 0 when `shutdown` came before, with
/// 1 when it did not.
#[test]
fn exit_without_shutdown_is_status_1() {
    let mut client = Client::start(json!({}), None);
    client.notify("exit", Value::Null);
    assert_eq!(client.expect_exit().code(), Some(1));
    let mut client = Client::start(json!({}), None);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
