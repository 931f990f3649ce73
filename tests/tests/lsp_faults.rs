//! Faults: malformed framing, panics inside a request, requests out of order.

use std::time::Duration;

use digest_e2e::Client;
use serde_json::{Value, json};

const DIGEST: &str = "Paper1 A\n摘要原文: a\n中文总结: 与Paper1相同\n";

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
    let expected = [-32700, -32600, -32700, -32600];
    for (bytes, code) in cases.iter().zip(expected) {
        client.send_raw(bytes).expect("send");
        let error = client.expect_error_with_null_id();
        assert_eq!(
            error["error"]["code"],
            code,
            "{}",
            String::from_utf8_lossy(bytes)
        );
        assert_eq!(client.outline_names(uri), ["Paper1 A"]);
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
    assert_eq!(client.outline_names(uri), ["Paper1 A"]);
    let error = client.expect_error_with_null_id();
    assert_eq!(error["error"]["code"], -32700);
    // Too long: the body swallows the start of the next message, which is
    // given back.
    let long = format!("Content-Length: {}\r\n\r\n{body}", body.len() + 40);
    client.send_raw(long.as_bytes()).expect("send");
    assert_eq!(client.outline_names(uri), ["Paper1 A"]);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_panic_in_a_request_is_an_internal_error() {
    let mut client = Client::start_with_test_hooks(json!({}));
    let uri = "file:///tmp/panic.digest";
    client.open(uri, DIGEST, 1);
    let error = client
        .request("digest/testPanic", json!({"uri": uri}))
        .expect_err("an error");
    assert_eq!(error["code"], -32603);
    assert_eq!(client.outline_names(uri), ["Paper1 A"]);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn requests_before_initialize_are_refused() {
    let mut client = Client::spawn(&[], None);
    let early = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///x.digest"}}),
    );
    assert_eq!(early.expect_err("an error")["code"], -32002);
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
    let error = client.expect_error_with_null_id();
    assert_eq!(error["error"]["code"], -32700);
    assert_eq!(client.expect_exit().code(), Some(0));
}

#[test]
fn requests_after_shutdown_are_refused_and_exit_still_works() {
    let mut client = Client::start(json!({}), None);
    client.request_ok("shutdown", Value::Null);
    let late = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": "file:///x.digest"}}),
    );
    assert_eq!(late.expect_err("an error")["code"], -32600);
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
    assert_eq!(logged["type"], 2);
    let uri = "file:///tmp/after-ignored.digest";
    client.open(uri, DIGEST, 1);
    assert_eq!(client.outline_names(uri), ["Paper1 A"]);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn cancelling_a_running_request_answers_it_cancelled_and_a_finished_one_is_harmless() {
    let mut client = Client::start_with_test_hooks(json!({}));
    let running = client.send_request("digest/testSleep", json!({"ms": 30_000}));
    client.cancel(running);
    let answer = client.wait_response(running, client.timeout());
    assert_eq!(answer.expect_err("cancelled")["code"], -32800);

    let finished = client.send_request("digest/testSleep", json!({"ms": 0}));
    assert_eq!(
        client.wait_response(finished, client.timeout()),
        Ok(json!(0))
    );
    client.cancel(finished);
    let uri = "file:///tmp/cancel.digest";
    client.open(uri, DIGEST, 1);
    assert_eq!(client.outline_names(uri), ["Paper1 A"]);
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
        client.wait_diagnostics(uri, Some(1))["diagnostics"],
        json!([])
    );
    assert_eq!(client.outline_names(uri), ["Paper1 A"]);
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
    assert_eq!(client.outline_names(uri), ["Paper1 A"]);
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
