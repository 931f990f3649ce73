//! A synchronous LSP client that drives a real server process over stdio.
//!
//! One reader thread parses the server's `Content-Length` frames and answers
//! the server's own requests at once (so the server never waits on the
//! test); a second thread collects the server's stderr. Everything else
//! happens on the test's thread: [`Client::request`] blocks until its
//! response arrives, and notifications queue up until a test asks for them
//! with [`Client::wait_notification`] or [`Client::drain_notifications`].
//!
//! Every wait has a timeout (10 s by default, `DIGEST_E2E_TIMEOUT_SECS`
//! overrides it) and panics naming what it waited for, with the server's
//! stderr attached. `DIGEST_E2E_TRACE=1` prints every message on stderr.

use std::collections::{HashMap, VecDeque};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::framing;

/// The default time any single wait may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// How the client answers one kind of server-to-client request: the
/// request's `params` in, `Ok(result)` or `Err(error object)` out; `None`
/// leaves the request unanswered.
pub type Responder = Box<dyn Fn(&Value) -> Option<Result<Value, Value>> + Send>;

type Writer = Arc<Mutex<Option<ChildStdin>>>;
type Responders = Arc<Mutex<HashMap<String, Responder>>>;

/// The server's stderr so far, and a signal for each chunk that arrives.
#[derive(Default)]
struct StderrBuffer {
    bytes: Mutex<Vec<u8>>,
    grew: Condvar,
}

/// What the reader thread hands to the test's thread.
enum Event {
    /// A whole message from the server (requests included: they have been
    /// answered already, and are passed on to be recorded), with the time
    /// its last byte was read (before it was parsed).
    Message(Value, Instant),
    /// The server's stdout ended; with the reason when it was not a clean
    /// end of input (a malformed frame).
    Closed(Option<String>),
}

/// A running server and the client end of its stdio.
pub struct Client {
    child: Child,
    writer: Writer,
    events: Receiver<Event>,
    responders: Responders,
    stderr: Arc<StderrBuffer>,
    next_id: i64,
    /// Our requests still waiting for a response: id -> method.
    pending: HashMap<i64, String>,
    /// Responses that arrived for pending requests: id -> whole message.
    /// Responses to our requests, with when their last byte was read.
    responses: HashMap<i64, (Value, Instant)>,
    /// Notifications, and responses that match no request of ours (e.g. an
    /// error with `id: null` after a malformed frame), as whole messages.
    inbox: VecDeque<Value>,
    /// Every request the server sent us, as whole messages, in order.
    server_requests: Vec<Value>,
    /// Per method, how many of its server requests `wait_server_request`
    /// has returned.
    server_requests_taken: HashMap<String, usize>,
    /// Set once the server's stdout has ended: `Some(reason)` if by error.
    closed: Option<Option<String>>,
    exit_status: Option<ExitStatus>,
    timeout: Duration,
    trace: bool,
}

/// The `digest-lsp` binary the tests run: `DIGEST_LSP_BIN` if set, else
/// `digest-lsp` in the `target/<profile>/` folder this test binary was built
/// into. Panics with instructions when it is missing.
///
/// Cargo does not build another package's binary for this package's tests
/// (not even `cargo test --workspace` does), so when run under Cargo (the
/// `CARGO` variable is set) this first runs `cargo build -p digest-lsp` for
/// the same target folder and profile, once per test process: a no-op when
/// the binary is fresh, and never a stale binary. `DIGEST_E2E_NO_BUILD=1`
/// turns that off.
pub fn server_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(locate_server_binary).clone()
}

fn locate_server_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("DIGEST_LSP_BIN") {
        let bin = PathBuf::from(bin);
        assert!(
            bin.is_file(),
            "DIGEST_LSP_BIN is set to {}, which is not a file",
            bin.display()
        );
        return bin;
    }
    let exe = std::env::current_exe().expect("the path of the running test binary");
    let mut dir = exe
        .parent()
        .expect("the test binary's folder")
        .to_path_buf();
    // Test and bench binaries live in target/<profile>/deps/.
    if dir.file_name().is_some_and(|name| name == "deps") {
        dir.pop();
    }
    let bin = dir.join(format!("digest-lsp{}", std::env::consts::EXE_SUFFIX));
    let build_note = build_server(&dir);
    assert!(
        bin.is_file(),
        "digest-lsp binary not found at {}.\n\
         Build it into the same target folder and profile first, e.g. \
         `cargo build -p digest-lsp` (add `--release` for benches, and the same \
         CARGO_TARGET_DIR), or point DIGEST_LSP_BIN at a binary.{build_note}",
        bin.display()
    );
    bin
}

/// Runs `cargo build -p digest-lsp` into `profile_dir`
/// (`<target>/<profile>`) when running under Cargo; returns a note for the
/// panic message should the binary still be missing.
fn build_server(profile_dir: &Path) -> String {
    let no_build =
        std::env::var_os("DIGEST_E2E_NO_BUILD").is_some_and(|v| !v.is_empty() && v != "0");
    let (Some(cargo), false) = (std::env::var_os("CARGO"), no_build) else {
        return String::new();
    };
    let (Some(profile), Some(target_dir)) = (profile_dir.file_name(), profile_dir.parent()) else {
        return String::new();
    };
    let mut command = Command::new(cargo);
    command
        .args([
            "build",
            "--quiet",
            "-p",
            "digest-lsp",
            "--bin",
            "digest-lsp",
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"));
    match profile.to_str() {
        Some("debug") => {}
        Some("release") => {
            command.arg("--release");
        }
        Some(other) => {
            command.args(["--profile", other]);
        }
        None => return String::new(),
    }
    match command.output() {
        Ok(output) if output.status.success() => String::new(),
        Ok(output) => format!(
            "\n`{command:?}` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ),
        Err(e) => format!("\ncannot run `{command:?}`: {e}"),
    }
}

/// The `file://` URI of `path` (made absolute against the current folder),
/// with every byte outside `A-Z a-z 0-9 - . _ ~ /` percent-encoded, as VS
/// Code writes them.
pub fn file_uri(path: impl AsRef<Path>) -> String {
    let path = path.as_ref();
    let absolute = if path.is_absolute() {
        path.to_path_buf()
    } else {
        std::env::current_dir()
            .expect("the current folder")
            .join(path)
    };
    let text = absolute.to_string_lossy().replace('\\', "/");
    let mut uri = String::from("file://");
    if !text.starts_with('/') {
        uri.push('/'); // a Windows drive: file:///C:/...
    }
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                uri.push(char::from(byte));
            }
            _ => uri.push_str(&format!("%{byte:02X}")),
        }
    }
    uri
}

impl Client {
    /// Starts `digest-lsp` (see [`server_binary`]) with `args`, in `cwd` if
    /// given.
    pub fn spawn(args: &[&str], cwd: Option<&Path>) -> Client {
        let mut command = Command::new(server_binary());
        command.args(args);
        if let Some(cwd) = cwd {
            command.current_dir(cwd);
        }
        Client::from_command(command)
    }

    /// Starts any command as the server; its stdin, stdout and stderr are
    /// taken over by the client.
    pub fn from_command(mut command: Command) -> Client {
        command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {command:?}: {e}"));
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let stderr_pipe = child.stderr.take().expect("piped stderr");
        let trace = std::env::var_os("DIGEST_E2E_TRACE").is_some_and(|v| !v.is_empty() && v != "0");
        let timeout = std::env::var("DIGEST_E2E_TIMEOUT_SECS")
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
            .filter(|secs| secs.is_finite() && *secs > 0.0)
            .map_or(DEFAULT_TIMEOUT, Duration::from_secs_f64);

        let writer: Writer = Arc::new(Mutex::new(Some(stdin)));
        let responders: Responders = Arc::new(Mutex::new(HashMap::new()));
        let stderr = Arc::new(StderrBuffer::default());
        let (tx, events) = mpsc::channel();

        {
            let writer = Arc::clone(&writer);
            let responders = Arc::clone(&responders);
            thread::Builder::new()
                .name("lsp-stdout".into())
                .spawn(move || read_stdout(stdout, &tx, &writer, &responders, trace))
                .expect("spawn the stdout reader");
        }
        {
            let stderr = Arc::clone(&stderr);
            thread::Builder::new()
                .name("lsp-stderr".into())
                .spawn(move || read_stderr(stderr_pipe, &stderr))
                .expect("spawn the stderr reader");
        }

        Client {
            child,
            writer,
            events,
            responders,
            stderr,
            next_id: 1,
            pending: HashMap::new(),
            responses: HashMap::new(),
            inbox: VecDeque::new(),
            server_requests: Vec::new(),
            server_requests_taken: HashMap::new(),
            closed: None,
            exit_status: None,
            timeout,
            trace,
        }
    }

    /// Leaves the server's requests of `method` unanswered from now on, as
    /// a client that hangs would.
    pub fn never_answer(&mut self, method: &str) {
        lock(&self.responders).insert(method.to_string(), Box::new(|_| None));
    }

    /// The server's process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The time each wait without an explicit timeout may take.
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = timeout;
    }

    /// The server's stderr so far, lossily decoded.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&lock(&self.stderr.bytes)).into_owned()
    }

    /// Waits until the server's stderr contains `needle`; false after
    /// `timeout`.
    pub fn wait_stderr(&self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut bytes = lock(&self.stderr.bytes);
        loop {
            if String::from_utf8_lossy(&bytes).contains(needle) {
                return true;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            bytes = self
                .stderr
                .grew
                .wait_timeout(bytes, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Answers the server's requests of `method` with `respond` from now on,
    /// instead of the built-in answer.
    pub fn respond_to(
        &mut self,
        method: &str,
        respond: impl Fn(&Value) -> Result<Value, Value> + Send + 'static,
    ) {
        let respond = move |params: &Value| Some(respond(params));
        lock(&self.responders).insert(method.to_string(), Box::new(respond));
    }

    // ---- lifecycle -------------------------------------------------------

    /// Sends `initialize` with `capabilities` (and, given a workspace
    /// folder, `rootUri` and `workspaceFolders` naming it), then
    /// `initialized`. Returns the `InitializeResult`; panics on an error.
    pub fn initialize(&mut self, mut capabilities: Value, workspace: Option<&Path>) -> Value {
        // As every editor of note does, unless the test says otherwise.
        let symbols = &mut capabilities["textDocument"]["documentSymbol"];
        if symbols.get("hierarchicalDocumentSymbolSupport").is_none() {
            symbols["hierarchicalDocumentSymbolSupport"] = json!(true);
        }
        let mut params = json!({
            "processId": std::process::id(),
            "clientInfo": {"name": "digest-e2e", "version": env!("CARGO_PKG_VERSION")},
            "capabilities": capabilities,
            "rootUri": null,
            "trace": "off",
        });
        if let Some(folder) = workspace {
            let uri = file_uri(folder);
            let name = folder
                .file_name()
                .map_or_else(|| uri.clone(), |n| n.to_string_lossy().into_owned());
            params["rootUri"] = json!(uri);
            params["rootPath"] = json!(folder.to_string_lossy());
            params["workspaceFolders"] = json!([{"uri": uri, "name": name}]);
        }
        self.initialize_with(params)
    }

    /// Sends `initialize` with exactly `params`, then `initialized`.
    pub fn initialize_with(&mut self, params: Value) -> Value {
        match self.request("initialize", params) {
            Ok(result) => {
                self.notify("initialized", json!({}));
                result
            }
            Err(error) => self.fail(&format!("initialize failed: {error}")),
        }
    }

    /// `shutdown` (which must succeed), `exit`, then waits for the process
    /// to end.
    pub fn shutdown_and_exit(&mut self) -> ExitStatus {
        if let Err(error) = self.request("shutdown", Value::Null) {
            self.fail(&format!("shutdown failed: {error}"));
        }
        self.notify("exit", Value::Null);
        self.wait_exit(self.timeout)
    }

    /// Waits (up to the default timeout) for the server to exit; panics
    /// (and kills it) if it does not.
    pub fn expect_exit(&mut self) -> ExitStatus {
        self.wait_exit(self.timeout)
    }

    /// Closes the server's stdin (end of input, as when an editor dies).
    pub fn close_stdin(&mut self) {
        lock(&self.writer).take();
    }

    /// Waits for the server to exit; panics (and kills it) after `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        match self.try_wait_exit(timeout) {
            Some(status) => status,
            None => {
                let _ = self.child.kill();
                self.fail(&format!("the server did not exit within {timeout:?}"))
            }
        }
    }

    /// Waits up to `timeout` for the server to exit.
    pub fn try_wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        if let Some(status) = self.exit_status {
            return Some(status);
        }
        let deadline = Instant::now() + timeout;
        // A process that exits closes its stdout first: wait for that event,
        // then for the process itself.
        while self.closed.is_none() && self.pump_until(deadline) {}
        let mut pause = Duration::from_millis(1);
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.exit_status = Some(status);
                    return Some(status);
                }
                Ok(None) => {}
                Err(e) => self.fail(&format!("cannot wait for the server: {e}")),
            }
            let now = Instant::now();
            if now >= deadline {
                return None;
            }
            thread::sleep(pause.min(deadline - now));
            pause = (pause * 2).min(Duration::from_millis(50));
        }
    }

    /// Whether the server's stdout has ended.
    pub fn is_closed(&mut self) -> bool {
        self.pump_available();
        self.closed.is_some()
    }

    // ---- sending ---------------------------------------------------------

    /// Sends a request and waits (up to the default timeout) for its
    /// response: `Ok(result)` or `Err(error object)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let timeout = self.timeout;
        self.request_with_timeout(method, params, timeout)
    }

    pub fn request_with_timeout(
        &mut self,
        method: &str,
        params: Value,
        timeout: Duration,
    ) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.wait_response(id, timeout)
    }

    /// Sends a request that must succeed and returns its result; panics
    /// naming the method, its params and the error (with the server's
    /// stderr) when it fails.
    pub fn request_ok(&mut self, method: &str, params: Value) -> Value {
        match self.request(method, params.clone()) {
            Ok(result) => result,
            Err(error) => self.fail(&format!("{method} {params} failed: {error}")),
        }
    }

    /// Sends a request without waiting; returns its id for
    /// [`Client::wait_response`] (or `$/cancelRequest`).
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.pending.insert(id, method.to_string());
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    /// Sends a request and waits for its answer; also returns how long the
    /// answer took to arrive whole, before the client parsed it (the
    /// server's time plus the pipe's, as an editor would see it).
    pub fn timed_request(
        &mut self,
        method: &str,
        params: Value,
    ) -> (Result<Value, Value>, Duration) {
        let sent = Instant::now();
        let id = self.send_request(method, params);
        let (answer, arrived) = self.wait_response_at(id, self.timeout);
        (answer, arrived - sent)
    }

    /// Waits for the response to request `id`.
    pub fn wait_response(&mut self, id: i64, timeout: Duration) -> Result<Value, Value> {
        self.wait_response_at(id, timeout).0
    }

    /// The response to request `id`, and when its last byte was read.
    fn wait_response_at(&mut self, id: i64, timeout: Duration) -> (Result<Value, Value>, Instant) {
        let method = self
            .pending
            .get(&id)
            .cloned()
            .unwrap_or_else(|| panic!("no request with id {id} is pending"));
        let deadline = Instant::now() + timeout;
        loop {
            if let Some((mut response, arrived)) = self.responses.remove(&id) {
                self.pending.remove(&id);
                if let Some(error) = response.get_mut("error") {
                    return (Err(error.take()), arrived);
                }
                return match response.get_mut("result") {
                    Some(result) => (Ok(result.take()), arrived),
                    None => self.fail(&format!(
                        "response to {method} (id {id}) has neither result nor error: {response}"
                    )),
                };
            }
            if let Some(reason) = &self.closed {
                let why = reason.clone().unwrap_or_else(|| "end of output".into());
                self.fail(&format!(
                    "the server closed its output ({why}) before responding to {method} (id {id})"
                ));
            }
            if !self.pump_until(deadline) {
                self.fail(&format!(
                    "request {method} (id {id}) got no response within {timeout:?}"
                ));
            }
        }
    }

    /// Sends `$/cancelRequest` for `id`.
    pub fn cancel(&mut self, id: i64) {
        self.notify("$/cancelRequest", json!({"id": id}));
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends one whole message as given, framed. Panics if the server's
    /// stdin is closed.
    pub fn send(&mut self, message: &Value) {
        if self.trace {
            eprintln!("[digest-e2e] --> {message}");
        }
        if let Err(e) = self.send_raw(&framing::encode(message)) {
            self.fail(&format!("cannot send {message}: {e}"));
        }
    }

    /// Writes bytes to the server's stdin as they are (for fault tests:
    /// broken headers, bad JSON, half frames).
    pub fn send_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut writer = lock(&self.writer);
        let stdin = writer
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::BrokenPipe, "stdin was closed"))?;
        stdin.write_all(bytes)?;
        stdin.flush()
    }

    // ---- documents -------------------------------------------------------

    /// `textDocument/didOpen` with language id `digest`.
    pub fn open(&mut self, uri: &str, text: &str, version: i64) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {
                "uri": uri, "languageId": "digest", "version": version, "text": text,
            }}),
        );
    }

    /// `textDocument/didChange` with `changes`, an array of
    /// `TextDocumentContentChangeEvent`s (`{"range": .., "text": ..}` or
    /// `{"text": ..}`).
    pub fn change(&mut self, uri: &str, version: i64, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// A change that replaces the whole text.
    pub fn change_full(&mut self, uri: &str, version: i64, text: &str) {
        self.change(uri, version, json!([{ "text": text }]));
    }

    pub fn close(&mut self, uri: &str) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri}}),
        );
    }

    // ---- receiving -------------------------------------------------------

    /// Waits for a notification of `method` whose `params` satisfy `matches`
    /// and returns its `params`. Notifications that do not match stay queued
    /// for later waits. Panics after `timeout`.
    pub fn wait_notification(
        &mut self,
        method: &str,
        mut matches: impl FnMut(&Value) -> bool,
        timeout: Duration,
    ) -> Value {
        let found = self.wait_message(
            |m| m["method"] == method && m.get("id").is_none() && matches(&m["params"]),
            timeout,
        );
        match found {
            Some(mut message) => message["params"].take(),
            None => {
                let queued: Vec<&Value> = self
                    .inbox
                    .iter()
                    .filter(|m| m["method"] == method)
                    .collect();
                self.fail(&format!(
                    "no matching {method} notification within {timeout:?}; queued {method}: {queued:#?}"
                ))
            }
        }
    }

    /// [`Client::wait_notification`] with the default timeout.
    pub fn expect_notification(
        &mut self,
        method: &str,
        matches: impl FnMut(&Value) -> bool,
    ) -> Value {
        let timeout = self.timeout;
        self.wait_notification(method, matches, timeout)
    }

    /// Waits (up to the default timeout) for an error response whose `id`
    /// is null (the answer to a message the server could not read) and
    /// returns it whole; panics if none comes.
    pub fn expect_error_with_null_id(&mut self) -> Value {
        let timeout = self.timeout;
        match self.wait_message(|m| m.get("error").is_some() && m["id"].is_null(), timeout) {
            Some(message) => message,
            None => {
                let queued = self.inbox.clone();
                self.fail(&format!(
                    "no error response with id null within {timeout:?}; queued: {queued:#?}"
                ))
            }
        }
    }

    /// Waits for the `textDocument/publishDiagnostics` of `uri` (at
    /// `version`, when given) and returns its params.
    pub fn wait_diagnostics(&mut self, uri: &str, version: Option<i64>) -> Value {
        let timeout = self.timeout;
        self.wait_notification(
            "textDocument/publishDiagnostics",
            |p| p["uri"] == uri && version.is_none_or(|v| p["version"] == v),
            timeout,
        )
    }

    /// Waits for any queued message (notification, or response that matches
    /// none of our requests) that satisfies `matches`, removes it from the
    /// queue and returns it whole. `None` after `timeout` or once the server
    /// has closed its output with nothing matching left.
    pub fn wait_message(
        &mut self,
        mut matches: impl FnMut(&Value) -> bool,
        timeout: Duration,
    ) -> Option<Value> {
        let deadline = Instant::now() + timeout;
        let mut seen = 0;
        loop {
            if let Some(i) = self.inbox.iter().skip(seen).position(&mut matches) {
                return self.inbox.remove(seen + i);
            }
            seen = self.inbox.len();
            if self.closed.is_some() || !self.pump_until(deadline) {
                return None;
            }
        }
    }

    /// Removes and returns the params of every notification of `method`
    /// received so far, without waiting.
    pub fn drain_notifications(&mut self, method: &str) -> Vec<Value> {
        self.pump_available();
        let mut drained = Vec::new();
        self.inbox.retain_mut(|m| {
            if m["method"] == method && m.get("id").is_none() {
                drained.push(m["params"].take());
                false
            } else {
                true
            }
        });
        drained
    }

    /// Every message received so far that is neither a server request nor a
    /// response to one of ours, still queued (not yet waited for).
    pub fn queued(&mut self) -> Vec<Value> {
        self.pump_available();
        self.inbox.iter().cloned().collect()
    }

    /// Every request the server has sent us so far (already answered), as
    /// whole messages, in order.
    pub fn server_requests(&mut self) -> &[Value] {
        self.pump_available();
        &self.server_requests
    }

    /// Waits until the server has sent a request of `method` (counting ones
    /// already received) and returns its params. Each call returns the next
    /// one not yet returned by an earlier call.
    pub fn wait_server_request(&mut self, method: &str, timeout: Duration) -> Value {
        let deadline = Instant::now() + timeout;
        let taken = self.server_requests_taken.get(method).copied().unwrap_or(0);
        loop {
            if let Some(found) = self
                .server_requests
                .iter()
                .filter(|r| r["method"] == method)
                .nth(taken)
            {
                let params = found["params"].clone();
                self.server_requests_taken
                    .insert(method.to_string(), taken + 1);
                return params;
            }
            if self.closed.is_some() || !self.pump_until(deadline) {
                self.fail(&format!(
                    "the server sent no {method} request within {timeout:?}"
                ));
            }
        }
    }

    /// [`Client::wait_server_request`] with the default timeout.
    pub fn expect_server_request(&mut self, method: &str) -> Value {
        let timeout = self.timeout;
        self.wait_server_request(method, timeout)
    }

    // ---- internals -------------------------------------------------------

    /// Files every event already waiting, without blocking.
    fn pump_available(&mut self) {
        while let Ok(event) = self.events.try_recv() {
            self.file(event);
        }
    }

    /// Waits for one event until `deadline` and files it. False on timeout
    /// or when no more events can come.
    fn pump_until(&mut self, deadline: Instant) -> bool {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.events.recv_timeout(left) {
            Ok(event) => {
                self.file(event);
                true
            }
            Err(RecvTimeoutError::Timeout) => false,
            Err(RecvTimeoutError::Disconnected) => {
                self.closed.get_or_insert(None);
                false
            }
        }
    }

    fn file(&mut self, event: Event) {
        let (message, arrived) = match event {
            Event::Message(message, arrived) => (message, arrived),
            Event::Closed(reason) => {
                self.closed = Some(reason);
                return;
            }
        };
        let is_request = message.get("method").is_some() && message.get("id").is_some();
        if is_request {
            self.server_requests.push(message);
            return;
        }
        let is_response = message.get("method").is_none();
        match message["id"].as_i64() {
            Some(id) if is_response && self.pending.contains_key(&id) => {
                self.responses.insert(id, (message, arrived));
            }
            _ => self.inbox.push_back(message),
        }
    }

    /// Panics with `message` and the server's stderr.
    fn fail(&self, message: &str) -> ! {
        let stderr = self.stderr();
        let tail: String = {
            let chars: Vec<char> = stderr.chars().collect();
            let start = chars.len().saturating_sub(8_000);
            chars[start..].iter().collect()
        };
        panic!("{message}\n--- digest-lsp stderr ---\n{tail}\n--- end of stderr ---");
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        lock(&self.writer).take();
        if self.exit_status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The reader thread: parses frames, answers server requests, passes every
/// message on.
fn read_stdout(
    stdout: impl Read,
    tx: &Sender<Event>,
    writer: &Writer,
    responders: &Responders,
    trace: bool,
) {
    let mut reader = BufReader::new(stdout);
    loop {
        let frame = framing::read_frame(&mut reader);
        let arrived = Instant::now();
        let message = match frame.and_then(|f| f.map(|b| framing::parse_body(&b)).transpose()) {
            Ok(Some(message)) => message,
            Ok(None) => {
                let _ = tx.send(Event::Closed(None));
                return;
            }
            Err(e) => {
                let _ = tx.send(Event::Closed(Some(format!("malformed output: {e}"))));
                return;
            }
        };
        if trace {
            eprintln!("[digest-e2e] <-- {message}");
        }
        if let (Some(method), Some(id)) = (message["method"].as_str(), message.get("id")) {
            let outcome = match lock(responders).get(method) {
                Some(respond) => respond(&message["params"]),
                None => Some(default_response(method, &message["params"])),
            };
            let response = match outcome {
                None => {
                    let _ = tx.send(Event::Message(message, arrived));
                    continue;
                }
                Some(Ok(result)) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
                Some(Err(error)) => json!({"jsonrpc": "2.0", "id": id, "error": error}),
            };
            if trace {
                eprintln!("[digest-e2e] --> {response}");
            }
            if let Some(stdin) = lock(writer).as_mut() {
                let _ = stdin
                    .write_all(&framing::encode(&response))
                    .and_then(|()| stdin.flush());
            }
        }
        if tx.send(Event::Message(message, arrived)).is_err() {
            return; // the client is gone
        }
    }
}

/// What an editor would answer to the server's requests.
fn default_response(method: &str, params: &Value) -> Result<Value, Value> {
    match method {
        "workspace/configuration" => {
            let n = params["items"].as_array().map_or(0, Vec::len);
            Ok(Value::Array(vec![Value::Null; n]))
        }
        "client/registerCapability"
        | "client/unregisterCapability"
        | "window/workDoneProgress/create"
        | "window/showMessageRequest"
        | "workspace/codeLens/refresh"
        | "workspace/semanticTokens/refresh"
        | "workspace/inlayHint/refresh"
        | "workspace/inlineValue/refresh"
        | "workspace/diagnostic/refresh"
        | "workspace/foldingRange/refresh" => Ok(Value::Null),
        "workspace/workspaceFolders" => Ok(Value::Null),
        "workspace/applyEdit" => {
            Ok(json!({"applied": false, "failureReason": "digest-e2e does not apply edits"}))
        }
        _ => {
            Err(json!({"code": -32601, "message": format!("digest-e2e does not handle {method}")}))
        }
    }
}

fn read_stderr(mut pipe: impl Read, buffer: &StderrBuffer) {
    let mut chunk = [0u8; 8192];
    loop {
        match pipe.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                lock(&buffer.bytes).extend_from_slice(&chunk[..n]);
                buffer.grew.notify_all();
            }
        }
    }
}
