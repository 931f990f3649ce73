//! A plain HTTP/1.1 client over `std::net`, for the browser preview's
//! server (`digest.preview`): whole answers of requests sent as written, and
//! the page's event stream read event by event. Every read waits for the
//! server with a timeout, never a fixed delay.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

/// How long a read waits for the server.
pub const TIMEOUT: Duration = Duration::from_secs(20);

/// An answer to a plain request.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        (self.headers.iter())
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The page's address split: `host:port` and the path.
pub fn split(url: &str) -> (String, String) {
    let rest = url.strip_prefix("http://").expect("an http address");
    let (host, path) = rest.split_once('/').expect("a path");
    (host.to_string(), format!("/{path}"))
}

/// A connection to `host` whose reads wait at most [`TIMEOUT`].
pub fn connect(host: &str) -> TcpStream {
    let stream = TcpStream::connect(host).expect("the preview's server accepts");
    stream.set_read_timeout(Some(TIMEOUT)).expect("a timeout");
    stream
}

/// Sends `raw` as is and reads the whole answer (the server closes).
pub fn send(host: &str, raw: &[u8]) -> Answer {
    let mut stream = connect(host);
    stream.write_all(raw).expect("sent");
    let mut bytes = Vec::new();
    stream
        .read_to_end(&mut bytes)
        .expect("an answer before the timeout");
    let text = String::from_utf8(bytes).expect("UTF-8");
    let (head, body) = text.split_once("\r\n\r\n").expect("a head");
    let mut lines = head.split("\r\n");
    let status = (lines.next().and_then(|l| l.split(' ').nth(1)))
        .and_then(|s| s.parse().ok())
        .expect("a status");
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// `GET path`.
pub fn get(host: &str, path: &str) -> Answer {
    send(
        host,
        format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes(),
    )
}

/// `POST path` with a JSON body.
pub fn post(host: &str, path: &str, body: &str) -> Answer {
    let raw = format!(
        "POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    send(host, raw.as_bytes())
}

/// An open event stream.
pub struct Events(BufReader<TcpStream>);

impl Events {
    pub fn open(host: &str, path: &str) -> Events {
        let mut stream = connect(host);
        let request = format!(
            "GET {path}events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).expect("sent");
        let mut reader = BufReader::new(stream);
        let mut head = String::new();
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).expect("the stream's head");
            if line == "\r\n" {
                break;
            }
            head.push_str(&line);
        }
        assert!(head.starts_with("HTTP/1.1 200 OK\r\n"), "{head}");
        assert!(
            head.contains("Content-Type: text/event-stream\r\n"),
            "{head}"
        );
        Events(reader)
    }

    /// The next event: its name and its data as JSON, within [`TIMEOUT`]
    /// (give or take one read: the server's keep-alive comment, every 20
    /// s, would otherwise restart the read timeout for ever).
    pub fn next_event(&mut self) -> (String, Value) {
        let (mut name, mut data) = (String::new(), String::new());
        let deadline = std::time::Instant::now() + TIMEOUT;
        loop {
            assert!(
                std::time::Instant::now() < deadline,
                "no event in {TIMEOUT:?}"
            );
            let mut line = String::new();
            let n = self
                .0
                .read_line(&mut line)
                .expect("an event before the timeout");
            assert!(n > 0, "the event stream ended");
            let line = line.trim_end_matches('\n');
            if line.is_empty() {
                if !name.is_empty() {
                    let data = serde_json::from_str(&data).expect("JSON data");
                    return (name, data);
                }
                continue; // after a comment
            }
            if let Some(value) = line.strip_prefix("event: ") {
                name = value.to_string();
            } else if let Some(value) = line.strip_prefix("data: ") {
                data.push_str(value);
            }
        }
    }
}
