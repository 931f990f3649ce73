//! The shared vocabulary of the end-to-end tests, written once for every
//! file under `tests/tests/`:
//!
//! - JSON builders for LSP params: [`position`], [`range`], [`at`],
//!   [`document`];
//! - whole replies to compare with: [`hover_markdown`], [`diagnostic`],
//!   [`published`];
//! - readers of LSP replies: [`codes`], [`edits_by_uri`], and
//!   [`apply_edits`], which applies text edits as an editor would;
//! - [`after`], the position just after a piece of a fixture's text, and
//!   [`fixture`], a file of `tests/fixtures/`;
//! - [`run_cli`], the binary run once as a command (`check`, `fmt`,
//!   `export`), and [`read`], a file it wrote, read back;
//! - on [`Client`]: [`Client::start`] (spawn and initialise), the requests
//!   the tests make most ([`Client::hover`], [`Client::definition`],
//!   [`Client::document_symbols`], [`Client::workspace_symbols`]) and the
//!   waits on digest-lsp's own events ([`Client::wait_indexed`],
//!   [`Client::wait_followed`], [`Client::wait_codes`]).
//!
//! Positions here are LSP positions as the tests write them: UTF-16 columns
//! unless a test negotiated another encoding.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

use crate::client::{Client, server_binary};

/// `{"line", "character"}`.
pub fn position(line: u32, character: u32) -> Value {
    json!({"line": line, "character": character})
}

/// `{"start", "end"}` from `start_line:start_character` to
/// `end_line:end_character`.
pub fn range(start_line: u32, start_character: u32, end_line: u32, end_character: u32) -> Value {
    json!({
        "start": position(start_line, start_character),
        "end": position(end_line, end_character),
    })
}

/// `TextDocumentPositionParams`: `position` in the document `uri`.
pub fn at(uri: &str, position: Value) -> Value {
    json!({"textDocument": {"uri": uri}, "position": position})
}

/// `{"textDocument": {"uri"}}`, the params of the whole-document requests.
pub fn document(uri: &str) -> Value {
    json!({"textDocument": {"uri": uri}})
}

/// A markdown hover reply, whole: `value` over `range`.
pub fn hover_markdown(value: &str, range: Value) -> Value {
    json!({"contents": {"kind": "markdown", "value": value}, "range": range})
}

/// A diagnostic of digest-lsp, whole.
pub fn diagnostic(code: &str, severity: u8, range: Value, message: &str) -> Value {
    json!({
        "code": code,
        "severity": severity,
        "range": range,
        "message": message,
        "source": "digest",
    })
}

/// The params of a `textDocument/publishDiagnostics`, whole (`version`
/// only when given, as the server sends it for open documents).
pub fn published(uri: &str, version: Option<i64>, diagnostics: Value) -> Value {
    let mut params = json!({"uri": uri, "diagnostics": diagnostics});
    if let Some(version) = version {
        params["version"] = json!(version);
    }
    params
}

/// `code@line` (the start line) for each diagnostic of a
/// `publishDiagnostics`' params, in order: what a test waits on; the
/// feature tests compare the whole diagnostics.
pub fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|d| {
                    format!(
                        "{}@{}",
                        d["code"].as_str().unwrap_or("?"),
                        d["range"]["start"]["line"]
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// The position (UTF-16) just after the first `needle` in `text`, moved
/// `back` characters to the left.
pub fn after(text: &str, needle: &str, back: usize) -> Value {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} is not in the text"))
        + needle.len();
    let before = &text[..at];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({"line": line, "character": column - back})
}

/// `text` with the LSP text edits `edits` (UTF-16 positions) applied, as an
/// editor applies them: all against the original text.
pub fn apply_edits(text: &str, edits: &Value) -> String {
    let offset = |p: &Value| -> usize {
        let number = |key: &str| {
            p[key]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or_else(|| panic!("no {key} in the position {p}"))
        };
        let (line, character) = (number("line"), number("character"));
        let line_start = text
            .split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>();
        let mut units = 0;
        for (i, c) in text[line_start..].char_indices() {
            if units >= character || c == '\n' || c == '\r' {
                return line_start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .unwrap_or_else(|| panic!("not an array of edits: {edits}"))
        .iter()
        .map(|e| {
            let new_text = e["newText"]
                .as_str()
                .unwrap_or_else(|| panic!("no newText in {e}"));
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                new_text.to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, &new_text);
    }
    out
}

/// The edits a `WorkspaceEdit` makes, as `(uri, version, edits)` per file,
/// whichever form it takes (`changes`, sorted by URI, with no version; or
/// `documentChanges`, in their order).
pub fn edits_by_uri(edit: &Value) -> Vec<(String, Value, Value)> {
    if let Some(changes) = edit["changes"].as_object() {
        let mut out: Vec<_> = changes
            .iter()
            .map(|(uri, edits)| (uri.clone(), Value::Null, edits.clone()))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        return out;
    }
    edit["documentChanges"]
        .as_array()
        .unwrap_or_else(|| panic!("neither changes nor documentChanges: {edit}"))
        .iter()
        .map(|d| {
            let uri = d["textDocument"]["uri"]
                .as_str()
                .unwrap_or_else(|| panic!("no uri in {d}"));
            (
                uri.to_string(),
                d["textDocument"]["version"].clone(),
                d["edits"].clone(),
            )
        })
        .collect()
}

/// The text of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the fixture {}: {e}", path.display()))
}

/// `digest-lsp <args>` run in `cwd` as a user would, `stdin` written to
/// its standard input (then closed; closed at once when `None`): its exit
/// status (-1 when a signal ended it), stdout and stderr.
pub fn run_cli(args: &[&str], cwd: &Path, stdin: Option<&[u8]>) -> (i32, String, String) {
    let mut child = Command::new(server_binary())
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("digest-lsp runs");
    if let Some(input) = stdin
        && let Some(mut pipe) = child.stdin.take()
    {
        pipe.write_all(input).expect("write stdin");
    }
    drop(child.stdin.take());
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().expect("digest-lsp ends");
    (
        status.code().unwrap_or(-1),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

/// The text of `path` (a file a test's command wrote), read back.
pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read back")
}

/// A workspace folder for one test: [`crate::temp_dir`] named `ws-<name>`.
pub fn workspace_dir(name: &str) -> PathBuf {
    crate::temp_dir(&format!("ws-{name}"))
}

/// The capabilities of a client that watches files for the server.
pub fn watching() -> Value {
    json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}})
}

impl Client {
    /// `digest-lsp` (no arguments) started and initialised with
    /// `capabilities`, with `workspace` as its folder when given.
    pub fn start(capabilities: Value, workspace: Option<&Path>) -> Client {
        let mut client = Client::spawn(&[], None);
        client.initialize(capabilities, workspace);
        client
    }

    /// [`Client::start`] with the server's test hooks on
    /// (`DIGEST_LSP_TEST_HOOKS=1`: `digest/testPanic`, `digest/testSleep`).
    pub fn start_with_test_hooks(capabilities: Value) -> Client {
        let mut command = Command::new(server_binary());
        command.env("DIGEST_LSP_TEST_HOOKS", "1");
        let mut client = Client::from_command(command);
        client.initialize(capabilities, None);
        client
    }

    /// Opens `uri` with `text` at `version` and waits for its diagnostics
    /// at that version; returns the `publishDiagnostics` params.
    pub fn open_and_wait(&mut self, uri: &str, text: &str, version: i64) -> Value {
        self.open(uri, text, version);
        self.wait_diagnostics(uri, Some(version))
    }

    /// `textDocument/hover` at `position`, which must be answered.
    pub fn hover(&mut self, uri: &str, position: Value) -> Value {
        self.request_ok("textDocument/hover", at(uri, position))
    }

    /// `textDocument/definition` at `position`, which must be answered.
    pub fn definition(&mut self, uri: &str, position: Value) -> Value {
        self.request_ok("textDocument/definition", at(uri, position))
    }

    /// `textDocument/documentSymbol` of `uri`, which must be answered.
    pub fn document_symbols(&mut self, uri: &str) -> Value {
        self.request_ok("textDocument/documentSymbol", document(uri))
    }

    /// The names of the top-level symbols of `uri`'s outline, in order.
    pub fn outline_names(&mut self, uri: &str) -> Vec<String> {
        let outline = self.document_symbols(uri);
        outline
            .as_array()
            .unwrap_or_else(|| panic!("not an array of symbols: {outline}"))
            .iter()
            .map(|s| s["name"].as_str().unwrap_or("?").to_string())
            .collect()
    }

    /// `workspace/symbol` for `query`, which must be answered.
    pub fn workspace_symbols(&mut self, query: &str) -> Value {
        self.request_ok("workspace/symbol", json!({"query": query}))
    }

    /// Waits for the end of an indexing of the workspace folders (the
    /// server always logs it); returns the logged message.
    pub fn wait_indexed(&mut self) -> String {
        let logged = self.expect_notification("window/logMessage", |p| {
            p["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("digest-lsp: indexed"))
        });
        logged["message"].as_str().unwrap_or_default().to_string()
    }

    /// Waits until the server says its index took in changes on disk.
    pub fn wait_followed(&mut self) {
        self.expect_notification("window/logMessage", |p| {
            p["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("digest-lsp: the index follows"))
        });
    }

    /// Waits for diagnostics of `uri` whose [`codes`] satisfy `matches`;
    /// returns those codes.
    pub fn wait_codes(&mut self, uri: &str, matches: impl Fn(&[String]) -> bool) -> Vec<String> {
        let params = self.expect_notification("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && matches(&codes(p))
        });
        codes(&params)
    }
}
