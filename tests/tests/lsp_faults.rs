//! Faults: malformed framing, panics inside a request, requests out of order.

use std::process::Command;

use digest_e2e::client::{Client, server_binary};
use serde_json::{Value, json};

const DIGEST: &str = "Paper1 A\n摘要原文: a\n中文总结: 与Paper1相同\n";

fn outline_names(client: &mut Client, uri: &str) -> Vec<Value> {
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({"textDocument": {"uri": uri}}),
        )
        .expect("documentSymbol");
    symbols
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| s["name"].clone())
        .collect()
}

#[test]
fn malformed_messages_are_answered_and_reading_goes_on() {
    let mut client = Client::spawn(&[], None);
    client.initialize(json!({}), None);
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
        let error = client
            .wait_message(
                |m| m.get("error").is_some() && m["id"].is_null(),
                client.timeout(),
            )
            .expect("an error answer");
        assert_eq!(
            error["error"]["code"],
            code,
            "{}",
            String::from_utf8_lossy(bytes)
        );
        assert_eq!(outline_names(&mut client, uri), [json!("Paper1 A")]);
    }
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_panic_in_a_request_is_an_internal_error() {
    let mut command = Command::new(server_binary());
    command.env("DIGEST_LSP_TEST_HOOKS", "1");
    let mut client = Client::from_command(command);
    client.initialize(json!({}), None);
    let uri = "file:///tmp/panic.digest";
    client.open(uri, DIGEST, 1);
    let error = client
        .request("digest/testPanic", json!({"uri": uri}))
        .expect_err("an error");
    assert_eq!(error["code"], -32603);
    assert_eq!(outline_names(&mut client, uri), [json!("Paper1 A")]);
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
    let mut client = Client::spawn(&[], None);
    client.initialize(json!({}), None);
    client
        .send_raw(b"Content-Length: 100\r\n\r\n{\"jsonrpc\":")
        .expect("send");
    client.close_stdin();
    let error = client
        .wait_message(|m| m.get("error").is_some(), client.timeout())
        .expect("an error answer");
    assert_eq!(error["error"]["code"], -32700);
    assert_eq!(client.wait_exit(client.timeout()).code(), Some(0));
}
