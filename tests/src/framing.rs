//! `Content-Length` framing of JSON-RPC messages, as the LSP base protocol
//! defines it: a header part of `Name: value\r\n` lines, an empty `\r\n`
//! line, then exactly `Content-Length` bytes of UTF-8 JSON.
//!
//! Strict on purpose: the harness is the server's first reader, so a header
//! line that does not end in `\r\n` or a missing `Content-Length` is an
//! error, not something to paper over.

use std::io::{self, BufRead};

use serde_json::Value;

/// One message, framed: header, blank line, body.
pub fn encode(message: &Value) -> Vec<u8> {
    encode_body(message.to_string().as_bytes())
}

/// Frames raw body bytes as they are (for fault tests: the body need not be
/// JSON).
pub fn encode_body(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Reads one message. `Ok(None)` at a clean end of input (before the first
/// header byte); an error for a broken header, a short body or a body that
/// is not JSON.
pub fn read_message(reader: &mut impl BufRead) -> io::Result<Option<Value>> {
    let Some(body) = read_frame(reader)? else {
        return Ok(None);
    };
    parse_body(&body).map(Some)
}

/// Parses a frame's body (see [`read_frame`]).
pub fn parse_body(body: &[u8]) -> io::Result<Value> {
    serde_json::from_slice(body)
        .map_err(|e| invalid(format!("frame body is not JSON ({e}): {}", preview(body))))
}

/// Reads one frame's body bytes without parsing them.
pub fn read_frame(reader: &mut impl BufRead) -> io::Result<Option<Vec<u8>>> {
    let mut content_length = None;
    let mut first = true;
    loop {
        let mut line = Vec::new();
        let n = reader.read_until(b'\n', &mut line)?;
        if n == 0 {
            if first {
                return Ok(None);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "end of input inside a frame header",
            ));
        }
        first = false;
        let Some(line) = line.strip_suffix(b"\r\n") else {
            return Err(invalid(format!(
                "header line does not end in \\r\\n: {}",
                preview(&line)
            )));
        };
        if line.is_empty() {
            break;
        }
        let line = std::str::from_utf8(line)
            .map_err(|_| invalid(format!("header line is not UTF-8: {}", preview(line))))?;
        let Some((name, value)) = line.split_once(':') else {
            return Err(invalid(format!("header line without a colon: {line:?}")));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let len = value
                .trim()
                .parse::<usize>()
                .map_err(|_| invalid(format!("bad Content-Length: {line:?}")))?;
            content_length = Some(len);
        }
    }
    let len = content_length.ok_or_else(|| invalid("frame header without Content-Length"))?;
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    Ok(Some(body))
}

fn invalid(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, message.into())
}

fn preview(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut short: String = text.chars().take(200).collect();
    if short.len() < text.len() {
        short.push('…');
    }
    format!("{short:?}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn read_all(bytes: &[u8]) -> Vec<io::Result<Option<Value>>> {
        let mut reader = io::BufReader::new(bytes);
        let mut out = Vec::new();
        loop {
            let next = read_message(&mut reader);
            let stop = !matches!(next, Ok(Some(_)));
            out.push(next);
            if stop {
                return out;
            }
        }
    }

    #[test]
    fn round_trips_messages_back_to_back() {
        let a = json!({"jsonrpc": "2.0", "id": 1, "method": "x", "params": {"t": "中文𝒳"}});
        let b = json!({"jsonrpc": "2.0", "method": "y"});
        let mut bytes = encode(&a);
        bytes.extend(encode(&b));
        let got = read_all(&bytes);
        assert_eq!(got.len(), 3);
        assert_eq!(got[0].as_ref().expect("first"), &Some(a));
        assert_eq!(got[1].as_ref().expect("second"), &Some(b));
        assert_eq!(got[2].as_ref().expect("end"), &None);
    }

    #[test]
    fn content_length_counts_bytes_not_chars() {
        let frame = encode(&json!("é"));
        assert!(frame.starts_with(b"Content-Length: 4\r\n\r\n"), "{frame:?}");
    }

    #[test]
    fn accepts_other_headers_in_any_case() {
        let body = br#"{"a":1}"#;
        let mut bytes =
            b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\ncontent-length: 7\r\n\r\n"
                .to_vec();
        bytes.extend_from_slice(body);
        let mut reader = io::BufReader::new(&bytes[..]);
        let got = read_message(&mut reader).expect("valid frame");
        assert_eq!(got, Some(json!({"a": 1})));
    }

    #[test]
    fn rejects_broken_frames() {
        for bad in [
            &b"Content-Length: 2\n\n{}"[..],
            b"Content-Length: x\r\n\r\n{}",
            b"Content-Type: a\r\n\r\n{}",
            b"Content-Length: 10\r\n\r\n{}",
            b"Content-Length: 2\r\n\r\n{]",
            b"Content-Length: 2\r\n",
            b"garbage without newline",
        ] {
            let mut reader = io::BufReader::new(bad);
            let got = read_message(&mut reader);
            assert!(
                got.is_err(),
                "{:?} gave {got:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
