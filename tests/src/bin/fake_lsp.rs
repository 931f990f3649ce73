//! A scripted stand-in for a language server, used only to test the client
//! harness itself (tests/tests/it/client.rs). Single-threaded: it reads one
//! message, acts, and reads the next.
//!
//! Requests it understands:
//! - `initialize` -> `{capabilities, serverInfo, echo: <params>}`;
//! - `shutdown` -> `null`;
//! - `fake/echo` -> its params;
//! - `fake/fail` -> error `{code: -32000, message: "failed", data: <params>}`;
//! - `fake/notify` `{method, params, count}` -> sends `count` notifications,
//!   then `null`;
//! - `fake/ask` `{method, params}` -> sends that request to the client, waits
//!   for the answer and returns it whole (`{result}` or `{error}`);
//! - `fake/stderr` `{text}` -> writes text to stderr, then `null`;
//! - `fake/garbage` -> writes a broken frame to stdout and exits 0;
//! - `fake/silent` -> no response ever;
//! - `fake/hang` -> writes `fake-lsp: hanging` to stderr, then stops
//!   reading and never ends by itself (only a kill ends it).
//!
//! Notifications: `exit` ends the process (0 after `shutdown`, else 1);
//! `textDocument/didOpen` and `didChange` publish empty diagnostics with the
//! document's version. A body that is not JSON gets a `-32700` error with
//! `id: null`; a broken header ends the process with status 2; end of input
//! with status 3.

use std::io::{self, BufReader, Write};

use digest_e2e::framing;
use serde_json::{Value, json};

fn main() {
    let stdin = io::stdin();
    let mut input = BufReader::new(stdin.lock());
    let mut shut_down = false;
    loop {
        let body = match framing::read_frame(&mut input) {
            Ok(Some(body)) => body,
            Ok(None) => std::process::exit(3),
            Err(e) => {
                eprintln!("fake-lsp: broken frame: {e}");
                std::process::exit(2);
            }
        };
        let message: Value = match serde_json::from_slice(&body) {
            Ok(message) => message,
            Err(e) => {
                send(&json!({"jsonrpc": "2.0", "id": null,
                    "error": {"code": -32700, "message": format!("parse error: {e}")}}));
                continue;
            }
        };
        let method = message["method"].as_str().unwrap_or_default();
        let params = &message["params"];
        let Some(id) = message.get("id") else {
            match method {
                "exit" => std::process::exit(if shut_down { 0 } else { 1 }),
                "textDocument/didOpen" | "textDocument/didChange" => {
                    let doc = &params["textDocument"];
                    notify(
                        "textDocument/publishDiagnostics",
                        json!({"uri": doc["uri"], "version": doc["version"], "diagnostics": []}),
                    );
                }
                _ => {}
            }
            continue;
        };
        let outcome: Result<Value, Value> = match method {
            "initialize" => Ok(json!({
                "capabilities": {"textDocumentSync": 1},
                "serverInfo": {"name": "fake-lsp"},
                "echo": params,
            })),
            "shutdown" => {
                shut_down = true;
                Ok(Value::Null)
            }
            "fake/echo" => Ok(params.clone()),
            "fake/fail" => Err(json!({"code": -32000, "message": "failed", "data": params})),
            "fake/notify" => {
                for _ in 0..params["count"].as_u64().unwrap_or(1) {
                    notify(
                        params["method"].as_str().unwrap_or("fake/note"),
                        params["params"].clone(),
                    );
                }
                Ok(Value::Null)
            }
            "fake/ask" => Ok(ask(&mut input, params)),
            "fake/stderr" => {
                eprint!("{}", params["text"].as_str().unwrap_or_default());
                Ok(Value::Null)
            }
            "fake/garbage" => {
                let mut out = io::stdout().lock();
                let _ = out.write_all(b"Content-Length: nope\r\n\r\n{}");
                let _ = out.flush();
                std::process::exit(0);
            }
            "fake/silent" => continue,
            "fake/hang" => {
                eprintln!("fake-lsp: hanging");
                loop {
                    std::thread::park();
                }
            }
            _ => Err(json!({"code": -32601, "message": format!("unknown method {method}")})),
        };
        let response = match outcome {
            Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
            Err(error) => json!({"jsonrpc": "2.0", "id": id, "error": error}),
        };
        send(&response);
    }
}

/// Sends a request to the client and returns its response, whole.
fn ask(input: &mut impl io::BufRead, params: &Value) -> Value {
    let id = json!("server-1");
    send(
        &json!({"jsonrpc": "2.0", "id": id, "method": params["method"], "params": params["params"]}),
    );
    loop {
        match framing::read_message(input) {
            Ok(Some(message)) if message["id"] == id && message.get("method").is_none() => {
                return message;
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => std::process::exit(4),
        }
    }
}

fn notify(method: &str, params: Value) {
    send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
}

fn send(message: &Value) {
    let mut out = io::stdout().lock();
    let _ = out.write_all(&framing::encode(message));
    let _ = out.flush();
}
