//! The language server on stdin/stdout: one reader, one dispatch, one
//! writer.
//!
//! - [`read_client`] splits stdin into messages ([`FrameReader`]) and hands
//!   each to [`Router::dispatch`], in the order read.
//! - [`Router::dispatch`] sends every message to exactly one handler: for
//!   the few methods of [`route`] (document sync, applied before the next
//!   message is read; the outline, whose reply is written as JSON bytes)
//!   it calls the handler itself; every other method goes to tower-lsp's
//!   router, which calls the `LanguageServer` handlers and keeps the
//!   protocol's states (requests refused before `initialize` and after
//!   `shutdown`, `$/cancelRequest`, `exit`).
//! - [`write_client`] is the only code that writes to stdout: every message
//!   (answers, the server's own notifications and requests, errors about
//!   malformed input) comes to it as a JSON body on one queue ([`Outbox`])
//!   and leaves framed, whole, in the order queued.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use serde::de::DeserializeOwned;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::{Notify, mpsc};
use tower_lsp_server::jsonrpc::{self, Id, Request, Response};
use tower_lsp_server::ls_types::notification::Notification;
use tower_lsp_server::{ClientSocket, Loopback, LspService};
use tower_service::Service;

use crate::framing::{Event, FrameReader};
use crate::handlers::Backend;

/// Runs the server until `exit` or the end of input; returns the exit status.
pub fn run() -> i32 {
    // Few blocking threads: the analysis is CPU work on two cores anyway, and
    // every extra thread keeps a malloc arena of its own alive.
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(4)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("digest-lsp: cannot start the runtime: {e}");
            return 2;
        }
    };
    let code = runtime.block_on(serve());
    // Blocking reads of stdin may still be parked: do not wait for them.
    runtime.shutdown_timeout(Duration::from_millis(100));
    code
}

/// How long handlers may still run after `exit` or the end of input.
const EXIT_GRACE: Duration = Duration::from_secs(1);

/// What the writer is given: a whole JSON-RPC message (unframed), or the
/// end.
pub enum Out {
    Message(Vec<u8>),
    /// An answer whose result was written as JSON by its handler: the
    /// envelope's start (up to `"result":`) and the result, framed as one
    /// message without being joined.
    Answer(Vec<u8>, Vec<u8>),
    End,
}

/// The queue to the writer.
#[derive(Clone)]
pub struct Outbox(mpsc::UnboundedSender<Out>);

impl Outbox {
    /// Queues one message (dropped once the writer has stopped).
    pub fn send(&self, body: Vec<u8>) {
        let _ = self.0.send(Out::Message(body));
    }

    /// Queues an answer whose `result` is `result`, JSON already written
    /// (a large result is neither turned into a `Value` tree nor copied
    /// behind its envelope).
    pub fn answer_raw(&self, id: &Id, result: Result<Vec<u8>, jsonrpc::Error>) {
        match result {
            Ok(result) => {
                let mut start = b"{\"jsonrpc\":\"2.0\",\"id\":".to_vec();
                // An id is a number, a string or null: it serialises.
                let _ = serde_json::to_writer(&mut start, id);
                start.extend_from_slice(b",\"result\":");
                let _ = self.0.send(Out::Answer(start, result));
            }
            Err(error) => self.message(&Response::from_error(id.clone(), error)),
        }
    }

    /// Queues a notification, written straight from its parameters.
    pub fn notify<N: Notification>(&self, params: N::Params) {
        #[derive(serde::Serialize)]
        struct Message<P> {
            jsonrpc: &'static str,
            method: &'static str,
            params: P,
        }
        self.message(&Message {
            jsonrpc: "2.0",
            method: N::METHOD,
            params,
        });
    }

    /// Queues a message of tower-lsp's (an answer, or a message of the
    /// server's own).
    pub fn message(&self, message: &impl serde::Serialize) {
        // These types serialise without fail (their maps have string keys).
        if let Ok(body) = serde_json::to_vec(message) {
            self.send(body);
        }
    }
}

/// Serves until `exit` or the end of input; the exit status: 1 for an
/// `exit` without `shutdown` before it (LSP, "exit"), else 0.
async fn serve() -> i32 {
    let (queue, queued) = mpsc::unbounded_channel();
    let outbox = Outbox(queue);
    let notices = outbox.clone();
    let mut builder = LspService::build(move |client| Backend::new(client, notices))
        .custom_method("digest/render", Backend::render)
        .custom_method(crate::preview::CURSOR, Backend::cursor);
    if std::env::var_os("DIGEST_LSP_TEST_HOOKS").is_some_and(|v| v == "1") {
        builder = crate::test_hooks::register(builder);
    }
    let (service, socket) = builder.finish();
    let backend = service.inner().clone();
    let (mut to_client, from_client) = socket.split();

    let writer = tokio::spawn(write_client(queued));
    // The server's own notifications and requests (diagnostics, logs,
    // progress, registrations) join the same queue.
    let own = outbox.clone();
    tokio::spawn(async move {
        while let Some(message) = to_client.next().await {
            own.message(&message);
        }
    });

    let in_flight = InFlight::default();
    let mut router = Router {
        service,
        backend,
        from_client,
        outbox: outbox.clone(),
        in_flight: in_flight.clone(),
    };
    let ended = read_client(&mut router).await;
    let code = match ended {
        Ended::Exit if !router.backend.session().shut_down() => 1,
        _ => 0,
    };
    // `exit`, or the client is gone: handlers still running get a moment
    // to finish (one waiting on a client that will never answer must not
    // keep the process alive), then what is queued is written.
    if tokio::time::timeout(EXIT_GRACE, in_flight.finished())
        .await
        .is_err()
    {
        eprintln!("digest-lsp: handlers still running at exit were dropped");
    }
    let _ = outbox.0.send(Out::End);
    let _ = tokio::time::timeout(Duration::from_secs(2), writer).await;
    code
}

/// Reads the client's bytes until `exit` or the end of input, and
/// dispatches every message in the order read; which of the two ended it.
pub async fn read_client(router: &mut Router) -> Ended {
    let mut stdin = tokio::io::stdin();
    let mut reader = FrameReader::default();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = stdin.read(&mut chunk).await.unwrap_or(0);
        let at_eof = n == 0;
        reader.push(&chunk[..n]);
        while let Some(event) = reader.next(at_eof) {
            match event {
                Event::Message(body, method) => {
                    if router.dispatch(body, method).await == Flow::Exit {
                        return Ended::Exit;
                    }
                }
                Event::Malformed(response) => {
                    eprintln!(
                        "digest-lsp: malformed input: {}",
                        response["error"]["message"]
                    );
                    router.outbox.message(&response);
                }
            }
        }
        if at_eof {
            return Ended::EndOfInput;
        }
    }
}

/// How reading the client ended.
#[derive(PartialEq, Eq)]
pub enum Ended {
    Exit,
    EndOfInput,
}

/// Whether the reader goes on after a message.
#[derive(PartialEq, Eq)]
pub enum Flow {
    Continue,
    Exit,
}

/// Where each message goes.
pub struct Router {
    /// tower-lsp: the `LanguageServer` handlers and the protocol's states.
    service: LspService<Backend>,
    backend: Backend,
    /// Where the client's answers to the server's requests go.
    from_client: <ClientSocket as Loopback>::ResponseSink,
    outbox: Outbox,
    in_flight: InFlight,
}

/// The methods [`Router::dispatch`] serves itself, each with its one
/// handler; every other method is tower-lsp's.
#[derive(Clone, Copy)]
enum Route {
    /// Document sync: applied by the reader before it reads on, so that
    /// every message read after an edit sees it (tower-lsp runs handlers
    /// concurrently), and a 10 MB `didOpen` is decoded once, straight
    /// into its parameters.
    DidOpen,
    DidChange,
    DidClose,
    /// The outline: its reply is written as JSON bytes (tower-lsp would
    /// build a `Value` tree of a 4 MB answer first).
    DocumentSymbol,
}

fn route(method: &str) -> Option<Route> {
    Some(match method {
        "textDocument/didOpen" => Route::DidOpen,
        "textDocument/didChange" => Route::DidChange,
        "textDocument/didClose" => Route::DidClose,
        "textDocument/documentSymbol" => Route::DocumentSymbol,
        _ => return None,
    })
}

/// The parameters of a message, as the routes read them.
#[derive(serde::Deserialize)]
struct Incoming<P> {
    params: P,
}

impl Router {
    /// Sends one message where it goes: a client's answer to the server's
    /// request, a route of ours, or tower-lsp.
    pub async fn dispatch(&mut self, body: Vec<u8>, method: Option<String>) -> Flow {
        let Some(method) = method else {
            // An answer of the client's: the framing checked its shape.
            if let Ok(response) = serde_json::from_slice::<Response>(&body) {
                let _ = self.from_client.send(response).await;
            }
            return Flow::Continue;
        };
        // Before `initialize` and after `shutdown` tower-lsp answers for
        // every method (with the state's error).
        if let Some(route) = route(&method).filter(|_| self.backend.session().serving()) {
            self.serve(route, &method, &body);
            return Flow::Continue;
        }
        let request = match serde_json::from_slice::<Request>(&body) {
            Ok(request) => request,
            Err(e) => {
                // The framing let through only what decodes; never seen.
                eprintln!("digest-lsp: could not decode a {method} message: {e}");
                return Flow::Continue;
            }
        };
        if method.starts_with("$/")
            && let Some(id) = request.id()
        {
            // tower-lsp drops every `$/` message it does not know, unread;
            // a request among them must still be answered.
            let error = jsonrpc::Error {
                data: Some(serde_json::Value::String(method.clone())),
                ..jsonrpc::Error::method_not_found()
            };
            self.outbox
                .message(&Response::from_error(id.clone(), error));
            return Flow::Continue;
        }
        if std::future::poll_fn(|cx| self.service.poll_ready(cx))
            .await
            .is_err()
        {
            return Flow::Exit; // the service has exited
        }
        let mut answer = self.service.call(request);
        // The handler's start, up to its first wait, runs now, in the order
        // read: what it changes (a folder removed, say) is seen by every
        // message read after it. The rest runs on its own.
        let first = std::future::poll_fn(|cx| Poll::Ready(answer.as_mut().poll(cx))).await;
        let outbox = self.outbox.clone();
        match first {
            Poll::Ready(Ok(Some(response))) => outbox.message(&response),
            Poll::Ready(_) => {}
            Poll::Pending => {
                let job = self.in_flight.start();
                tokio::spawn(async move {
                    if let Ok(Some(response)) = answer.await {
                        outbox.message(&response);
                    }
                    drop(job);
                });
            }
        }
        match method == "exit" {
            true => Flow::Exit,
            false => Flow::Continue,
        }
    }

    /// Runs the one handler of a route of ours.
    fn serve(&self, route: Route, method: &str, body: &[u8]) {
        let backend = &self.backend;
        match route {
            Route::DidOpen => {
                if let Some(params) = self.params(method, body) {
                    backend.did_open(params);
                }
            }
            Route::DidChange => {
                if let Some(params) = self.params(method, body) {
                    backend.did_change(params);
                }
            }
            Route::DidClose => {
                if let Some(params) = self.params(method, body) {
                    backend.did_close(params);
                }
            }
            Route::DocumentSymbol => {
                #[derive(serde::Deserialize)]
                struct IdOnly {
                    #[serde(default)]
                    id: Option<Id>,
                }
                // The framing let through only JSON objects: the id reads.
                let id = serde_json::from_slice::<IdOnly>(body)
                    .ok()
                    .and_then(|r| r.id);
                let Some(id) = id else {
                    let message = format!("digest-lsp: ignored a {method} without an id");
                    backend.session().log_warning(message);
                    return;
                };
                let params = serde_json::from_slice::<Incoming<_>>(body)
                    .map(|incoming| incoming.params)
                    .map_err(|e| jsonrpc::Error::invalid_params(e.to_string()));
                let backend = backend.clone();
                let outbox = self.outbox.clone();
                let job = self.in_flight.start();
                tokio::spawn(async move {
                    let result = match params {
                        Ok(params) => backend.document_symbol(params).await,
                        Err(error) => Err(error),
                    };
                    outbox.answer_raw(&id, result);
                    drop(job);
                });
            }
        }
    }

    /// The parameters of a notification of ours; one that cannot be read
    /// is said so in a log message and dropped.
    fn params<P: DeserializeOwned>(&self, method: &str, body: &[u8]) -> Option<P> {
        match serde_json::from_slice::<Incoming<P>>(body) {
            Ok(incoming) => Some(incoming.params),
            Err(e) => {
                self.backend
                    .session()
                    .log_warning(format!("digest-lsp: ignored a {method}: {e}"));
                None
            }
        }
    }
}

/// Counts the handlers running, so that the end can wait for them.
#[derive(Clone, Default)]
struct InFlight(Arc<(AtomicUsize, Notify)>);

/// One running handler (see [`InFlight`]).
struct Job(InFlight);

impl InFlight {
    fn start(&self) -> Job {
        self.0.0.fetch_add(1, Ordering::SeqCst);
        Job(self.clone())
    }

    async fn finished(&self) {
        loop {
            let notified = self.0.1.notified();
            if self.0.0.load(Ordering::SeqCst) == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        if (self.0).0.0.fetch_sub(1, Ordering::SeqCst) == 1 {
            (self.0).0.1.notify_waiters();
        }
    }
}

/// Writes every queued message to stdout, framed, in the order queued,
/// until the end is queued.
pub async fn write_client(mut queue: mpsc::UnboundedReceiver<Out>) {
    let mut stdout = tokio::io::BufWriter::with_capacity(1 << 16, tokio::io::stdout());
    while let Some(out) = queue.recv().await {
        let written = match out {
            Out::Message(body) => write_frame(&mut stdout, &[&body]).await,
            Out::Answer(start, result) => write_frame(&mut stdout, &[&start, &result, b"}"]).await,
            Out::End => break,
        };
        if written.is_err() {
            return; // the client is gone
        }
        // Flushed once nothing more is waiting: a burst goes out in few writes.
        if queue.is_empty() && stdout.flush().await.is_err() {
            return;
        }
    }
    let _ = stdout.flush().await;
}

/// One message on the wire: its header, then its body, given in parts (a
/// large part is written from where it is, not copied behind the header).
async fn write_frame(
    out: &mut (impl tokio::io::AsyncWrite + Unpin),
    body: &[&[u8]],
) -> std::io::Result<()> {
    let length: usize = body.iter().map(|part| part.len()).sum();
    let header = format!("Content-Length: {length}\r\n\r\n");
    out.write_all(header.as_bytes()).await?;
    for part in body {
        out.write_all(part).await?;
    }
    Ok(())
}
