//! An outside tester's third run, over the real binary: the browser
//! preview (`digest.preview`) as a demanding user and a security reviewer
//! would try it. Each test was written failing, before its fix.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use digest_e2e::http::{TIMEOUT, connect, split};
use digest_e2e::{Client, file_uri};
use serde_json::{Value, json};

fn preview(client: &mut Client, uri: &str) -> (String, String) {
    let params = json!({"command": "digest.preview", "arguments": [uri]});
    let url = client
        .request("workspace/executeCommand", params)
        .expect("an address");
    split(url.as_str().expect("a string"))
}

fn rendered(client: &mut Client, uri: &str) -> Value {
    client.request_ok("digest/render", json!({"textDocument": {"uri": uri}}))
}

/// A page's event stream read against a deadline of its own: the
/// server's keep-alive comment (every 20 s) would restart a read timeout,
/// and a test waiting for an event that never comes would never end.
struct Events {
    socket: TcpStream,
    buffer: Vec<u8>,
}

impl Events {
    fn open(host: &str, path: &str) -> Events {
        let mut socket = connect(host);
        socket
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("a timeout");
        let request = format!("GET {path}events HTTP/1.1\r\nHost: {host}\r\n\r\n");
        socket.write_all(request.as_bytes()).expect("sent");
        let mut events = Events {
            socket,
            buffer: Vec::new(),
        };
        let head = events.next_block(b"\r\n\r\n", Instant::now() + TIMEOUT);
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        events
    }

    /// The bytes up to `end`, waiting until `deadline` at most.
    fn next_block(&mut self, end: &[u8], deadline: Instant) -> String {
        loop {
            if let Some(at) = (self.buffer.windows(end.len())).position(|w| w == end) {
                let block: Vec<u8> = self.buffer.drain(..at + end.len()).collect();
                return String::from_utf8(block).expect("UTF-8");
            }
            assert!(Instant::now() < deadline, "no event in {TIMEOUT:?}");
            let mut chunk = [0u8; 65536];
            match self.socket.read(&mut chunk) {
                Ok(0) => panic!("the event stream ended"),
                Ok(n) => self.buffer.extend_from_slice(&chunk[..n]),
                Err(e)
                    if matches!(
                        e.kind(),
                        ErrorKind::WouldBlock | ErrorKind::TimedOut | ErrorKind::Interrupted
                    ) => {}
                Err(e) => panic!("the event stream failed: {e}"),
            }
        }
    }

    /// The next `page` event of a version the editor sent (the disk's
    /// renderings, `version` null, between a close and an open are passed
    /// over, as are scroll events and comments), within [`TIMEOUT`].
    fn next_edited_page(&mut self) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let block = self.next_block(b"\n\n", deadline);
            let Some(data) = block.strip_prefix("event: page\ndata: ") else {
                continue;
            };
            let data: Value = serde_json::from_str(data.trim_end()).expect("JSON");
            if !data["version"].is_null() {
                return data;
            }
        }
    }
}

/// An editor that closes a document and opens it again (a revert, a
/// reload from disk) starts its versions anew: the preview showed version
/// 5 and then kept it, refusing the reopened text's version 1 as older.
#[test]
fn a_document_closed_and_opened_again_at_a_lower_version_is_shown() {
    let dir = digest_e2e::temp_dir("outside3-reopen");
    let notes = dir.join("notes.digest");
    digest_e2e::write_file(&notes, "On disk\n\nPaper1 Saved\n");
    let uri = file_uri(&notes);
    let mut client = Client::start(json!({}), Some(&dir));
    client.open_and_wait(&uri, "Edited 笔记\r\n\r\nPaper1 Unsaved 📚\r\n", 5);
    let (host, path) = preview(&mut client, &uri);
    let mut events = Events::open(&host, &path);
    let first = events.next_edited_page();
    assert_eq!(first["version"], json!(5));

    client.close(&uri);
    client.open(&uri, "Reopened\n\nPaper1 Reverted\n", 1);
    let page = events.next_edited_page();
    let now = rendered(&mut client, &uri);
    assert_eq!(now["version"], json!(1));
    assert_eq!(page["version"], json!(1));
    assert_eq!(page["html"], now["text"]);
}
