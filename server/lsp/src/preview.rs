//! The live preview in a browser, for any editor (spec, "Export": the HTML
//! rendering beside the text, updated as one types, scrolled with the
//! cursor; a click on a paper moves the cursor there). VS Code has its own
//! webview; Neovim, Emacs, Helix and the others get this page.
//!
//! The command `digest.preview [uri]` answers the address of a page served
//! by a small HTTP server of this process, on 127.0.0.1, on a port the
//! system picks when the first preview opens. Every address holds a random
//! token: another user of the machine can reach the port, not the page.
//! - `GET /<token>/<id>/`: the digest's HTML export, with [`SCRIPT`];
//! - `GET /<token>/<id>/events`: server-sent events: `page` (the rendering
//!   again after each pause in typing, `{"version", "html"}`) and `scroll`
//!   (`{"line"}`, the editor's cursor, which it sends as the notification
//!   `digest/cursor`);
//! - `POST /<token>/<id>/reveal` `{"line": L}`: a click on a paper: the
//!   editor is asked to show the digest at line L (`window/showDocument`);
//! - `POST /<token>/<id>/follow` `{"href": "other.html#paper2"}`: a click
//!   on a link to another digest's export: that digest, at its Paper2.
//!
//! Only GET and POST of these paths are answered; a request head over
//! 16 KiB, a body over 4 KiB, a `Host` that is not this address or none
//! (DNS rebinding), a link the page does not show, or a client slower than
//! 10 seconds gets an error status and the connection closed. A browser
//! that stops reading an event stream is let go after 30 seconds; the
//! streams share each rendering's event. A page of a closed document that
//! no stream reads is forgotten at the next change. Nothing here can stop
//! the language server.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use digest_analysis::Lookup;
use digest_analysis::export::{Format, html_escaped};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, watch};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{MessageType, Position, Range, ShowDocumentParams, Uri};

use crate::digests::Digests;
use crate::files::lock;
use crate::handlers::run_blocking;
use crate::session::Session;

/// The command of `workspace/executeCommand` that opens a preview.
pub const COMMAND: &str = "digest.preview";

/// The notification by which an editor says where its cursor is.
pub const CURSOR: &str = "digest/cursor";

/// The page's script: puts each rendering in, scrolls with the cursor,
/// reports clicks.
const SCRIPT: &str = include_str!("preview.js");

/// How long the preview waits for typing to pause before it renders again.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// The most bytes of a request's line and headers.
const MAX_HEAD: usize = 16 * 1024;
/// The most bytes of a request's body.
const MAX_BODY: usize = 4 * 1024;
/// How long a client may take to send its request.
const READ_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a write may wait for a browser that does not read.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);
/// Connections served at once; more are closed at once.
const MAX_CONNECTIONS: usize = 64;
/// A comment sent on an idle event stream, so that a dead one is noticed.
const KEEP_ALIVE: Duration = Duration::from_secs(20);

/// The previews of a session: the server (once started) and one page per
/// previewed document.
#[derive(Default)]
pub struct Previews {
    state: Mutex<State>,
    /// Held while the listener starts, so that two first previews start
    /// one.
    starting: tokio::sync::Mutex<()>,
}

#[derive(Default)]
struct State {
    server: Option<Address>,
    pages: HashMap<Uri, Arc<Page>>,
    next_id: u64,
}

#[derive(Clone)]
struct Address {
    port: u16,
    token: Arc<str>,
}

/// One previewed document.
struct Page {
    id: u64,
    uri: Uri,
    /// The last rendering.
    frame: watch::Sender<Frame>,
    /// The line of the editor's cursor.
    cursor: watch::Sender<u32>,
    /// Counts the changes, so that a render waits for typing to pause.
    typed: AtomicU64,
}

/// A rendering of the document: its version (`None`: the file on disk) and
/// the HTML.
#[derive(Clone)]
struct Frame {
    version: Option<i32>,
    html: Arc<str>,
    /// Its `page` event, made by the first stream that sends it and shared
    /// by the others (a 10 MB digest's is 13 MB).
    event: Arc<OnceLock<Arc<[u8]>>>,
}

impl Frame {
    fn new(version: Option<i32>, html: Arc<str>) -> Self {
        Self {
            version,
            html,
            event: Arc::default(),
        }
    }

    fn event(&self) -> Arc<[u8]> {
        self.event.get_or_init(|| page_event(self).into()).clone()
    }
}

impl Previews {
    /// `digest.preview [uri]`: the document rendered now, the server
    /// started if it is not, and the page's address.
    pub async fn open(&self, session: &Arc<Session>, uri: Uri) -> Result<String, jsonrpc::Error> {
        let frame = render(session, &uri).await?;
        let address = self.listening(session).await?;
        let page = {
            let mut state = lock(&self.state);
            if let Some(page) = state.pages.get(&uri) {
                page.clone()
            } else {
                state.next_id += 1;
                let page = Arc::new(Page {
                    id: state.next_id,
                    uri: uri.clone(),
                    frame: watch::Sender::new(frame.clone()),
                    cursor: watch::Sender::new(0),
                    typed: AtomicU64::new(0),
                });
                state.pages.insert(uri, page.clone());
                page
            }
        };
        // An edit made while this rendering was under way found no page
        // to tell: it is rendered now.
        let version = frame.version;
        page.show(frame, session.version(&page.uri));
        if session.version(&page.uri) != version {
            page.render_later(session);
        }
        Ok(format!(
            "http://127.0.0.1:{}/{}/{}/",
            address.port, address.token, page.id
        ))
    }

    /// The document at `uri` changed (an edit, a save, a file it refers
    /// to): its preview, if any, renders again once typing pauses.
    pub fn changed(&self, session: &Arc<Session>, uri: &Uri) {
        let page = lock(&self.state).pages.get(uri).cloned();
        if let Some(page) = page {
            page.render_later(session);
        }
    }

    /// Every preview renders again (a configuration or another digest
    /// changed what they show). A page of a closed document that no
    /// browser shows is forgotten instead: it would cost a rendering at
    /// every save elsewhere for no one.
    pub fn changed_all(&self, session: &Arc<Session>) {
        let pages: Vec<Arc<Page>> = {
            let mut state = lock(&self.state);
            state.pages.retain(|_, page| !page.unwatched(session));
            state.pages.values().cloned().collect()
        };
        for page in pages {
            page.render_later(session);
        }
    }

    fn forget(&self, uri: &Uri) {
        lock(&self.state).pages.remove(uri);
    }

    /// The editor's cursor in `uri` is on `line`.
    pub fn cursor(&self, uri: &Uri, line: u32) {
        if let Some(page) = lock(&self.state).pages.get(uri) {
            page.cursor.send_replace(line);
        }
    }

    fn page(&self, id: u64) -> Option<Arc<Page>> {
        (lock(&self.state).pages.values())
            .find(|p| p.id == id)
            .cloned()
    }

    /// The server's address, started now if it is not running.
    async fn listening(&self, session: &Arc<Session>) -> Result<Address, jsonrpc::Error> {
        let _one = self.starting.lock().await;
        if let Some(address) = lock(&self.state).server.clone() {
            return Ok(address);
        }
        let failed = |e: std::io::Error| {
            internal(format!(
                "digest-lsp: the preview's server could not start on 127.0.0.1: {e}"
            ))
        };
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(failed)?;
        let port = listener.local_addr().map_err(failed)?.port();
        let token: Arc<str> = random_hex(16).map_err(failed)?.into();
        let address = Address { port, token };
        tokio::spawn(accept(listener, Arc::downgrade(session), address.clone()));
        session.log(
            MessageType::INFO,
            format!("digest-lsp: previews are served on 127.0.0.1:{port}"),
        );
        lock(&self.state).server = Some(address.clone());
        Ok(address)
    }
}

fn internal(message: String) -> jsonrpc::Error {
    jsonrpc::Error {
        code: jsonrpc::ErrorCode::InternalError,
        message: message.into(),
        data: None,
    }
}

impl Page {
    /// Not open in the editor, and no event stream reads it.
    fn unwatched(&self, session: &Session) -> bool {
        session.version(&self.uri).is_none() && self.frame.receiver_count() == 0
    }

    /// Shows `frame` unless what is shown renders a later version. The
    /// document's version now (`current`) is always shown, and never
    /// replaced by another: an editor that closes a document and opens it
    /// again (a revert, a reload) starts its versions anew.
    fn show(&self, frame: Frame, current: Option<i32>) {
        self.frame.send_if_modified(|shown| {
            let older = frame.version != current
                && (shown.version == current
                    || matches!((shown.version, frame.version), (Some(s), Some(new)) if new < s));
            if older {
                return false;
            }
            let changed = shown.html != frame.html;
            *shown = frame;
            changed
        });
    }

    fn render_later(self: &Arc<Self>, session: &Arc<Session>) {
        let typed = self.typed.fetch_add(1, Ordering::SeqCst) + 1;
        let (page, session) = (self.clone(), session.clone());
        tokio::spawn(async move {
            tokio::time::sleep(DEBOUNCE).await;
            if page.typed.load(Ordering::SeqCst) != typed {
                return; // a later change renders
            }
            match render(&session, &page.uri).await {
                Ok(frame) => page.show(frame, session.version(&page.uri)),
                // Gone (a file deleted, say) and shown nowhere: forgotten.
                Err(_) if page.unwatched(&session) => session.previews.forget(&page.uri),
                Err(e) => session.log_warning(format!(
                    "digest-lsp: the preview of {} was not rendered: {}",
                    page.uri.as_str(),
                    e.message
                )),
            }
        });
    }
}

/// The document's HTML, rendered off the protocol task.
async fn render(session: &Arc<Session>, uri: &Uri) -> Result<Frame, jsonrpc::Error> {
    let target = uri.clone();
    let rendered = run_blocking(session, move |s| s.render(&target, Format::Html)).await??;
    Ok(Frame::new(rendered.version, rendered.text.into()))
}

/// `n` random bytes as hexadecimal.
fn random_hex(n: usize) -> std::io::Result<String> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

async fn accept(listener: TcpListener, session: Weak<Session>, address: Address) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of descriptors, say: the next accept may succeed, once
            // some are closed.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let Some(session) = session.upgrade() else {
            return;
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            continue; // dropped: closed
        };
        let address = address.clone();
        tokio::spawn(async move {
            let _slot = slot;
            let _ = answer(stream, session, address).await;
        });
    }
}

/// A request as far as the preview reads it.
struct Request {
    method: String,
    path: String,
    host: Option<String>,
    body: Vec<u8>,
}

/// What a request is answered with, when it is not an event stream.
struct Response {
    status: &'static str,
    content_type: &'static str,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn text(status: &'static str, body: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: format!("{body}\n").into_bytes(),
        }
    }

    fn empty() -> Self {
        Self {
            status: "204 No Content",
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    async fn write(self, stream: &mut TcpStream) -> std::io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: no-store\r\n\
             X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n",
            self.status,
            self.content_type,
            self.body.len()
        );
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&self.body).await?;
        stream.shutdown().await
    }
}

async fn answer(
    mut stream: TcpStream,
    session: Arc<Session>,
    address: Address,
) -> std::io::Result<()> {
    let request = match tokio::time::timeout(READ_TIMEOUT, read_request(&mut stream)).await {
        Ok(Ok(request)) => request,
        Ok(Err(refused)) => return refused.write(&mut stream).await,
        Err(_) => {
            return Response::text("408 Request Timeout", "too slow")
                .write(&mut stream)
                .await;
        }
    };
    let hosts = [
        format!("127.0.0.1:{}", address.port),
        format!("localhost:{}", address.port),
    ];
    // HTTP/1.1 asks every request for its Host; a browser always sends it.
    if request.host.as_ref().is_none_or(|h| !hosts.contains(h)) {
        return Response::text("403 Forbidden", "not this host")
            .write(&mut stream)
            .await;
    }
    let not_found = || Response::text("404 Not Found", "no such preview");
    let path = request.path.split('?').next().unwrap_or("");
    let mut segments = path.strip_prefix('/').unwrap_or("").splitn(3, '/');
    let (token, id, tail) = (
        segments.next().unwrap_or(""),
        segments.next().unwrap_or(""),
        segments.next(),
    );
    // The token compared in a time that does not depend on where it differs.
    let same = token.len() == address.token.len()
        && (token.bytes().zip(address.token.bytes())).fold(0u8, |d, (a, b)| d | (a ^ b)) == 0;
    // The page's number as the server writes it: digits, no leading zero.
    let number = !id.is_empty() && !id.starts_with('0') && id.bytes().all(|b| b.is_ascii_digit());
    let Some(page) = (same && number)
        .then(|| id.parse().ok())
        .flatten()
        .and_then(|id| session.previews.page(id))
    else {
        return not_found().write(&mut stream).await;
    };
    let tail = tail.unwrap_or("");
    match (request.method.as_str(), tail) {
        ("GET", "") => page_response(&page).write(&mut stream).await,
        ("GET", "events") => events(stream, &page).await,
        ("POST", "reveal") => {
            reveal(&session, &page, &request.body)
                .write(&mut stream)
                .await
        }
        ("POST", "follow") => {
            follow(&session, &page, &request.body)
                .write(&mut stream)
                .await
        }
        (_, "" | "events" | "reveal" | "follow") => {
            Response::text("405 Method Not Allowed", "not with this method")
                .write(&mut stream)
                .await
        }
        _ => not_found().write(&mut stream).await,
    }
}

async fn read_request(stream: &mut TcpStream) -> Result<Request, Response> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let end = memchr::memmem::find(&buffer, b"\r\n\r\n");
        if end.unwrap_or(buffer.len()) > MAX_HEAD {
            return Err(Response::text(
                "431 Request Header Fields Too Large",
                "request head too large",
            ));
        }
        if let Some(end) = end {
            break end;
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(bad("incomplete request")),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let (mut request, length) = parse_head(&buffer[..head_end])?;
    let mut body = buffer[head_end + 4..].to_vec();
    while body.len() < length {
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return Err(bad("incomplete body")),
            Ok(n) => body.extend_from_slice(&chunk[..n]),
        }
    }
    body.truncate(length);
    request.body = body;
    Ok(request)
}

fn bad(why: &str) -> Response {
    Response::text("400 Bad Request", why)
}

/// A request's line and headers (without the blank line that ends them):
/// the request without its body, and the body's length.
fn parse_head(head: &[u8]) -> Result<(Request, usize), Response> {
    let head = std::str::from_utf8(head).map_err(|_| bad("not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or("").split(' ');
    let (Some(method), Some(path), Some(version), None) =
        (first.next(), first.next(), first.next(), first.next())
    else {
        return Err(bad("malformed request line"));
    };
    if !version.starts_with("HTTP/1.") || !path.starts_with('/') {
        return Err(bad("malformed request line"));
    }
    let mut host = None;
    let mut length = None;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            return Err(bad("malformed header"));
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("host") {
            // Two: which one was meant is anyone's guess (RFC 9112, 3.2).
            if host.replace(value.to_ascii_lowercase()).is_some() {
                return Err(bad("two Host headers"));
            }
        } else if name.eq_ignore_ascii_case("content-length") {
            let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
            let parsed = (value.parse().ok()).filter(|_| digits);
            let Some(parsed) = parsed else {
                return Err(bad("malformed Content-Length"));
            };
            if length.replace(parsed).is_some() {
                return Err(bad("two Content-Length headers"));
            }
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            return Err(Response::text(
                "501 Not Implemented",
                "no transfer encodings",
            ));
        }
    }
    let length = length.unwrap_or(0);
    if length > MAX_BODY {
        return Err(Response::text("413 Content Too Large", "body too large"));
    }
    let request = Request {
        method: method.to_string(),
        path: path.to_string(),
        host,
        body: Vec::new(),
    };
    Ok((request, length))
}

/// The page: the last rendering with the script, under a policy that lets
/// only that script run and fetch only from here.
fn page_response(page: &Page) -> Response {
    let nonce = random_hex(16).unwrap_or_else(|_| format!("{:x}", page.id));
    let html = page.frame.borrow().html.clone();
    let style = "<style id=\"digest-preview-style\">[data-line]{cursor:pointer}\
                 .digest-current{outline:2px solid #0078d4;outline-offset:4px}\
                 #digest-notice{position:fixed;top:0;left:0;right:0;margin:0;padding:.4em 1em;\
                 background:#fff3cd;color:#4d3800;font:14px sans-serif}</style>";
    let script = format!("<script nonce=\"{nonce}\">{SCRIPT}</script>");
    // The renderer's page has one head and one body, and escapes every text.
    let mut body = html.to_string();
    match body.find("</head>") {
        Some(at) => body.insert_str(at, style),
        None => body.insert_str(0, style),
    }
    match body.rfind("</body>") {
        Some(at) => body.insert_str(at, &script),
        None => body.push_str(&script),
    }
    let policy = format!(
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'nonce-{nonce}'; \
         connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    );
    Response {
        status: "200 OK",
        content_type: "text/html; charset=utf-8",
        headers: vec![("Content-Security-Policy", policy)],
        body: body.into_bytes(),
    }
}

/// The event stream of a page: the rendering and the cursor now, then each
/// change, until the browser goes.
async fn events(mut stream: TcpStream, page: &Page) -> std::io::Result<()> {
    // A browser that stops reading is let go, not waited for.
    async fn send(
        stream: &mut tokio::net::tcp::WriteHalf<'_>,
        bytes: &[u8],
    ) -> std::io::Result<()> {
        match tokio::time::timeout(WRITE_TIMEOUT, stream.write_all(bytes)).await {
            Ok(written) => written,
            Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
        }
    }
    let (mut from, mut stream) = stream.split();
    let mut ignored = [0u8; 256];
    send(
        &mut stream,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
          X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
    )
    .await?;
    let mut frames = page.frame.subscribe();
    let mut cursor = page.cursor.subscribe();
    let frame = frames.borrow_and_update().clone();
    send(&mut stream, &frame.event()).await?;
    let line = *cursor.borrow_and_update();
    send(&mut stream, &scroll_event(line)).await?;
    loop {
        let event: Arc<[u8]> = tokio::select! {
            changed = frames.changed() => {
                if changed.is_err() {
                    return Ok(());
                }
                let frame = frames.borrow_and_update().clone();
                frame.event()
            }
            changed = cursor.changed() => {
                if changed.is_err() {
                    return Ok(());
                }
                let line = *cursor.borrow_and_update();
                scroll_event(line).into()
            }
            () = tokio::time::sleep(KEEP_ALIVE) => Arc::from(&b": still here\n\n"[..]),
            // The browser sends nothing more; its end is the stream's, at
            // once (a page no one reads is let go: see `Page::unwatched`).
            read = from.read(&mut ignored) => match read {
                Ok(0) | Err(_) => return Ok(()),
                Ok(_) => continue,
            },
        };
        send(&mut stream, &event).await?;
    }
}

/// `{"version": V, "html": "…"}` on one `data:` line (JSON escapes the
/// line breaks), escaped straight from the rendering: no copy of a 12 MB
/// page on the way.
fn page_event(frame: &Frame) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.html.len() + frame.html.len() / 8 + 64);
    let version = frame.version.map_or("null".to_string(), |v| v.to_string());
    out.extend_from_slice(
        format!("event: page\ndata: {{\"version\":{version},\"html\":").as_bytes(),
    );
    // Writing a string into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut out, &*frame.html);
    out.extend_from_slice(b"}\n\n");
    out
}

fn scroll_event(line: u32) -> Vec<u8> {
    format!("event: scroll\ndata: {{\"line\":{line}}}\n\n").into_bytes()
}

/// A click on the paper whose heading is on `line`: the editor is asked
/// to show the digest there.
fn reveal(session: &Arc<Session>, page: &Page, body: &[u8]) -> Response {
    #[derive(serde::Deserialize)]
    struct Reveal {
        line: u32,
    }
    let Ok(Reveal { line }) = serde_json::from_slice(body) else {
        return Response::text("400 Bad Request", "expected {\"line\": L}");
    };
    show(session, page.uri.clone(), line)
}

/// A click on a link to another digest's export (`other.html#paper2`,
/// relative to this digest's folder): the editor is asked to show that
/// digest (`other.digest`, else `other`, else `other.txt`), at the heading
/// of the paper the anchor names.
fn follow(session: &Arc<Session>, page: &Page, body: &[u8]) -> Response {
    #[derive(serde::Deserialize)]
    struct Follow {
        href: String,
    }
    let Ok(Follow { href }) = serde_json::from_slice(body) else {
        return Response::text(
            "400 Bad Request",
            "expected {\"href\": \"other.html#paper1\"}",
        );
    };
    // Only a link the page shows: the token lets no one have any file of
    // the disk opened.
    let shown = format!("href=\"{}\"", html_escaped(&href));
    if !page.frame.borrow().html.contains(&shown) {
        return Response::text("404 Not Found", "no such link on the page");
    }
    let Some(folder) = (page.uri.to_file_path()).and_then(|p| p.parent().map(Path::to_path_buf))
    else {
        return Response::text("404 Not Found", "this digest is not a file");
    };
    let Some((path, number)) = exported_link_target(&folder, &href) else {
        return Response::text("404 Not Found", "no digest for this link");
    };
    let Some(uri) = Uri::from_file_path(&path) else {
        return Response::text("404 Not Found", "no digest for this link");
    };
    let line = number.map_or(0, |n| heading_line(session, &path, n));
    show(session, uri, line)
}

/// Asks the editor to show `uri` with the cursor at the start of `line`.
fn show(session: &Arc<Session>, uri: Uri, line: u32) -> Response {
    if !session.caps().show_document {
        return Response::text(
            "501 Not Implemented",
            "the editor cannot be asked to show a document (window/showDocument)",
        );
    }
    let at = Position::new(line, 0);
    let params = ShowDocumentParams {
        uri,
        external: Some(false),
        take_focus: Some(true),
        selection: Some(Range::new(at, at)),
    };
    let client = session.client.clone();
    tokio::spawn(async move {
        let _ = tokio::time::timeout(Duration::from_secs(10), client.show_document(params)).await;
    });
    Response::empty()
}

/// The digest and paper number a link of an export names, relative to
/// `folder`: `other.html#paper2` is paper 2 of `other.digest`, else of
/// `other`, else of `other.txt`, whichever is a file.
fn exported_link_target(folder: &Path, href: &str) -> Option<(PathBuf, Option<u64>)> {
    let (path, anchor) = href.split_once('#').unwrap_or((href, ""));
    let decoded = percent_decode(path)?;
    let base = decoded.strip_suffix(".html").unwrap_or(&decoded);
    if base.is_empty() || href.contains("://") {
        return None;
    }
    let number = (anchor.strip_prefix("paper"))
        .map(|rest| rest.split('-').next().unwrap_or(rest))
        .and_then(|digits| digits.parse().ok());
    [
        format!("{base}.digest"),
        base.to_string(),
        format!("{base}.txt"),
    ]
    .into_iter()
    .map(|name| folder.join(name))
    .find(|p| p.is_file())
    .map(|p| (p, number))
}

/// `%XX` decoded; `None` when that gives no UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The line of the heading of paper `number` of the digest at `path`, as
/// the server sees it (open, indexed, else read: [`Digests::at`]); 0 when
/// it has none.
fn heading_line(session: &Session, path: &Path, number: u64) -> u32 {
    let Lookup::Found(analysis) = Digests::new(session, &session.configs, None).at(path) else {
        return 0;
    };
    let Some(paper) = analysis.syntax.papers.iter().find(|p| p.number == number) else {
        return 0;
    };
    let line = analysis
        .text
        .try_byte_to_line(paper.heading.start)
        .unwrap_or(0);
    u32::try_from(line).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(head: &[u8]) -> Result<(String, String, Option<String>, usize), &'static str> {
        parse_head(head)
            .map(|(r, n)| (r.method, r.path, r.host, n))
            .map_err(|refused| refused.status)
    }

    /// Two `Host`s or two `Content-Length`s are refused (RFC 9112, 3.2 and
    /// 6.3): the first Host was checked nowhere (the last one was), and
    /// which length a proxy in between believed is anyone's guess. A
    /// length is digits only.
    #[test]
    fn heads_with_two_hosts_or_two_lengths_are_refused() {
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nHost: evil.example\r\nHost: 127.0.0.1:9"),
            Err("400 Bad Request")
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 4097\r\nContent-Length: 12"),
            Err("400 Bad Request")
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: 12\r\ncontent-length: 12"),
            Err("400 Bad Request")
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nContent-Length: +12"),
            Err("400 Bad Request")
        );
    }

    #[test]
    fn heads_are_read_or_refused_with_a_status() {
        assert_eq!(
            status(b"POST /t/1/reveal HTTP/1.1\r\nHost: 127.0.0.1:9\r\nContent-Length: 12"),
            Ok((
                "POST".into(),
                "/t/1/reveal".into(),
                Some("127.0.0.1:9".into()),
                12
            ))
        );
        assert_eq!(
            status(b"GET / HTTP/1.0"),
            Ok(("GET".into(), "/".into(), None, 0))
        );
        assert_eq!(status(b"GET / HTTP/2"), Err("400 Bad Request"));
        assert_eq!(status(b"GET x HTTP/1.1"), Err("400 Bad Request"));
        assert_eq!(status(b"GET  / HTTP/1.1"), Err("400 Bad Request"));
        assert_eq!(status(b""), Err("400 Bad Request"));
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nContent-Length: -1"),
            Err("400 Bad Request")
        );
        assert_eq!(
            status(b"GET / HTTP/1.1\r\nContent-Length: 4097"),
            Err("413 Content Too Large")
        );
        assert_eq!(
            status(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked"),
            Err("501 Not Implemented")
        );
    }

    proptest::proptest! {
        /// Whatever the bytes, a head is read or refused: never a panic.
        #[test]
        fn any_head_is_read_or_refused(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..200)) {
            let _ = parse_head(&bytes);
        }

        #[test]
        fn any_text_head_is_read_or_refused(head in "[A-Za-z /:.0-9\r\n-]{0,120}") {
            let _ = parse_head(head.as_bytes());
        }
    }

    #[test]
    fn links_of_an_export_name_a_digest_and_a_paper() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        std::fs::write(dir.path().join("other.digest"), "Paper1 A\n").expect("written");
        std::fs::write(dir.path().join("notes.txt"), "Paper1 A\n").expect("written");
        std::fs::write(dir.path().join("综述 1.digest"), "Paper1 A\n").expect("written");
        let target = |href: &str| {
            exported_link_target(dir.path(), href).map(|(p, n)| {
                let name = p.file_name().map(|n| n.to_string_lossy().into_owned());
                (name.unwrap_or_default(), n)
            })
        };
        assert_eq!(
            target("other.html#paper2"),
            Some(("other.digest".into(), Some(2)))
        );
        assert_eq!(
            target("other.html#paper2-2"),
            Some(("other.digest".into(), Some(2)))
        );
        assert_eq!(target("other.html"), Some(("other.digest".into(), None)));
        assert_eq!(
            target("notes.html#paper1"),
            Some(("notes.txt".into(), Some(1)))
        );
        assert_eq!(
            target("%E7%BB%BC%E8%BF%B0%201.html#paper1"),
            Some(("综述 1.digest".into(), Some(1)))
        );
        assert_eq!(target("missing.html#paper1"), None);
        assert_eq!(target("https://x.org/other.html"), None);
        assert_eq!(target(".html"), None);
        assert_eq!(target("%FF.html"), None);
    }
}
