//! The language server on stdin/stdout: our framing in front, tower-lsp
//! behind, one writer for both.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::{LspService, Server};

use crate::fast_lane;
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
    runtime.block_on(serve());
    // Blocking reads of stdin may still be parked: do not wait for them.
    runtime.shutdown_timeout(Duration::from_millis(100));
    0
}

async fn serve() {
    let (to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let (replies_tx, replies_rx) = mpsc::unbounded_channel::<Vec<u8>>();

    let backend_slot = Arc::new(OnceLock::new());
    let slot = backend_slot.clone();
    let mut builder = LspService::build(move |client| {
        let backend = Backend::new(client);
        let _ = slot.set(backend.clone());
        backend
    });
    if std::env::var_os("DIGEST_LSP_TEST_HOOKS").is_some_and(|v| v == "1") {
        builder = builder
            .custom_method("digest/testPanic", Backend::test_panic)
            .custom_method("digest/testSleep", Backend::test_sleep);
    }
    let (service, socket) = builder.finish();
    let backend = backend_slot.get().cloned();

    let exit_seen = Arc::new(tokio::sync::Notify::new());
    tokio::spawn(read_client(
        to_server,
        replies_tx,
        backend,
        exit_seen.clone(),
    ));
    let writer = tokio::spawn(write_client(from_server, replies_rx));
    let serving = Server::new(server_in, server_out, socket).serve(service);
    // After `exit`, tower-lsp still waits for every handler in flight; one
    // stuck on a client that never answers must not keep the process alive.
    let grace = async {
        exit_seen.notified().await;
        tokio::time::sleep(EXIT_GRACE).await;
    };
    tokio::select! {
        () = serving => {}
        () = grace => eprintln!("digest-lsp: handlers still running at exit were dropped"),
    }
    // The server's output side is closed now: let the writer drain it.
    let _ = tokio::time::timeout(Duration::from_secs(2), writer).await;
}

/// Reads the client's bytes, passes well-formed messages on to the server,
/// and answers malformed ones itself.
async fn read_client(
    mut to_server: tokio::io::DuplexStream,
    replies: mpsc::UnboundedSender<Vec<u8>>,
    backend: Option<Backend>,
    exit_seen: Arc<tokio::sync::Notify>,
) {
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
                    let method = method.as_deref().unwrap_or_default();
                    // tower-lsp drops every `$/` message unread; a request
                    // among them must still be answered.
                    if method.starts_with("$/")
                        && let Some(id) = request_id(&body)
                    {
                        let _ = replies.send(method_not_found(id, method));
                        continue;
                    }
                    if let Some(backend) = &backend {
                        // Document sync is applied here, in the order read,
                        // before anything read after it is passed on.
                        if fast_lane::sync(backend, method, &body).await {
                            continue;
                        }
                        let session = &backend.session();
                        let sender = replies.clone();
                        let reply = move |bytes: Vec<u8>| {
                            let _ = sender.send(bytes);
                        };
                        if fast_lane::take(session, method, &body, reply) {
                            continue;
                        }
                    }
                    let header = format!("Content-Length: {}\r\n\r\n", body.len());
                    let sent = async {
                        to_server.write_all(header.as_bytes()).await?;
                        to_server.write_all(&body).await
                    };
                    if sent.await.is_err() {
                        return; // the server has stopped
                    }
                    if method == "exit" {
                        exit_seen.notify_one();
                    }
                }
                Event::Malformed(response) => {
                    eprintln!(
                        "digest-lsp: malformed input: {}",
                        response["error"]["message"]
                    );
                    let body = serde_json::to_vec(&response).unwrap_or_default();
                    let _ = replies.send(body);
                }
            }
        }
        if at_eof {
            // Closing the server's input ends it. The client is gone: a
            // handler waiting for its answer to a request of ours must not
            // keep the process alive for the request's whole timeout.
            let _ = to_server.shutdown().await;
            exit_seen.notify_one();
            return;
        }
    }
}

/// The id of a request (`None` for a notification).
fn request_id(body: &[u8]) -> Option<serde_json::Value> {
    #[derive(serde::Deserialize)]
    struct Id {
        id: Option<serde_json::Value>,
    }
    serde_json::from_slice::<Id>(body).ok()?.id
}

/// The answer to a request no handler takes, as tower-lsp words it.
fn method_not_found(id: serde_json::Value, method: &str) -> Vec<u8> {
    let response = serde_json::json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": {"code": -32601, "message": "Method not found", "data": method},
    });
    serde_json::to_vec(&response).unwrap_or_default()
}

/// How long handlers may still run after `exit` or the end of input.
const EXIT_GRACE: Duration = Duration::from_secs(1);

/// Writes whole messages to stdout: the server's, and our own answers
/// (`errors` brings their bodies, unframed).
async fn write_client(
    mut from_server: tokio::io::DuplexStream,
    mut errors: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    // Header and body go out in one write (a large body directly from
    // where it is, not copied behind its header).
    let mut stdout = tokio::io::BufWriter::with_capacity(1 << 16, tokio::io::stdout());
    let mut reader = FrameReader::trusted();
    let mut chunk = vec![0u8; 1 << 16];
    let mut errors_open = true;
    loop {
        tokio::select! {
            read = from_server.read(&mut chunk) => {
                let n = read.unwrap_or(0);
                reader.push(&chunk[..n]);
                while let Some(Event::Message(body, _)) = reader.next(n == 0) {
                    if write_frame(&mut stdout, &body).await.is_err() {
                        return;
                    }
                }
                if n == 0 {
                    // The server is done: write the error answers still queued.
                    while let Ok(body) = errors.try_recv() {
                        let _ = write_frame(&mut stdout, &body).await;
                    }
                    let _ = stdout.flush().await;
                    return;
                }
                let _ = stdout.flush().await;
            }
            error = errors.recv(), if errors_open => match error {
                Some(body) => {
                    let _ = write_frame(&mut stdout, &body).await;
                    let _ = stdout.flush().await;
                }
                None => errors_open = false,
            },
        }
    }
}

async fn write_frame(
    out: &mut (impl tokio::io::AsyncWrite + Unpin),
    body: &[u8],
) -> std::io::Result<()> {
    let header = format!("Content-Length: {}\r\n\r\n", body.len());
    out.write_all(header.as_bytes()).await?;
    out.write_all(body).await
}
