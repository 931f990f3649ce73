//! Messages handled in front of tower-lsp, for speed and memory.
//!
//! - Document sync (`didOpen`, `didChange`, `didClose`) is decoded here
//!   straight into its parameters and applied by the reader in the order
//!   read: a 10 MB `didOpen` is not copied into tower-lsp's buffers and
//!   `Value` tree too, and every message read after an edit sees it.
//!
//! tower-lsp-server turns every result into a `serde_json::Value` tree
//! before writing it. For the outline of a 10 MB digest (16,000 symbols)
//! that tree costs ten times the direct serialisation. So
//! `textDocument/documentSymbol` is answered here, from the JSON kept paper
//! by paper ([`crate::symbols::OutlineJson`]).

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tower_lsp_server::LanguageServer;
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DocumentSymbolParams,
};

use crate::handlers::{Backend, on_snapshot};
use crate::session::Session;

const METHOD: &str = "textDocument/documentSymbol";

#[derive(Deserialize)]
struct Request {
    id: Value,
    params: DocumentSymbolParams,
}

/// An error answer (a result is written around the outline's JSON).
#[derive(Serialize)]
struct Reply<'a> {
    jsonrpc: &'static str,
    id: &'a Value,
    error: jsonrpc::Error,
}

#[derive(Deserialize)]
struct Notification<P> {
    params: P,
}

/// Applies a document-sync notification (once the session is initialised);
/// false for any other message, or one this lane cannot read (tower-lsp
/// then answers it as it would).
pub async fn sync(backend: &Backend, method: &str, body: &[u8]) -> bool {
    if !backend.session().serving() {
        return false;
    }
    fn params<P: serde::de::DeserializeOwned>(body: &[u8]) -> Option<P> {
        serde_json::from_slice::<Notification<P>>(body)
            .ok()
            .map(|n| n.params)
    }
    match method {
        "textDocument/didOpen" => match params::<DidOpenTextDocumentParams>(body) {
            Some(params) => backend.did_open(params).await,
            None => return false,
        },
        "textDocument/didChange" => match params::<DidChangeTextDocumentParams>(body) {
            Some(params) => backend.did_change(params).await,
            None => return false,
        },
        "textDocument/didClose" => match params::<DidCloseTextDocumentParams>(body) {
            Some(params) => backend.did_close(params).await,
            None => return false,
        },
        _ => return false,
    }
    true
}

/// True when `DIGEST_LSP_TIMINGS=1`: served requests log their time on stderr.
fn timings() -> bool {
    static ON: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("DIGEST_LSP_TIMINGS").is_some_and(|v| v == "1"))
}

/// When `body` is a request this lane serves (and the session is ready for
/// it), starts answering it and returns true; else the caller passes the
/// message on to tower-lsp.
pub fn take(
    session: &Arc<Session>,
    method: &str,
    body: &[u8],
    reply: impl FnOnce(Vec<u8>) + Send + 'static,
) -> bool {
    if method != METHOD
        || !session.serving()
        || !crate::files::lock(&session.caps).hierarchical_symbols
    {
        return false;
    }
    let Ok(request) = serde_json::from_slice::<Request>(body) else {
        return false; // tower-lsp answers what this lane cannot read
    };
    if request.id.is_null() {
        return false;
    }
    let session = session.clone();
    let received = std::time::Instant::now();
    tokio::spawn(async move {
        // The edits read before this request were applied by the reader
        // already (see `sync`): the snapshot is of the text it is about.
        let uri = request.params.text_document.uri;
        let id = request.id.clone();
        let answer = on_snapshot(&session, uri, move |session, snapshot| {
            let analysed = received.elapsed();
            // The answer is written around the outline, not copied.
            let mut bytes = b"{\"jsonrpc\":\"2.0\",\"id\":".to_vec();
            // An id is a number or a string: it serialises.
            let _ = serde_json::to_writer(&mut bytes, &id);
            bytes.extend_from_slice(b",\"result\":");
            session.outline_json(snapshot, &mut bytes);
            bytes.push(b'}');
            (bytes, analysed)
        })
        .await;
        let bytes = match answer {
            Ok((bytes, analysed)) => {
                if timings() {
                    // For the benchmarks: the server's share of the round trip.
                    let ms = |d: Duration| d.as_secs_f64() * 1e3;
                    eprintln!(
                        "digest-lsp: timing documentSymbol {:.3} ms (analysed at {:.3})",
                        ms(received.elapsed()),
                        ms(analysed),
                    );
                }
                Ok(bytes)
            }
            Err(error) => serde_json::to_vec(&Reply {
                jsonrpc: "2.0",
                id: &request.id,
                error,
            }),
        };
        if let Ok(bytes) = bytes {
            reply(bytes);
        }
    });
    true
}
