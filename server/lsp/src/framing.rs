//! Our own JSON-RPC framing in front of tower-lsp-server.
//!
//! tower-lsp-server stops reading for good after one message it cannot
//! decode. So every message from the client is read and checked here first:
//! a well-formed one is passed on; a malformed one (bad headers, a wrong or
//! missing `Content-Length`, bad JSON, not JSON-RPC, cut off by the end of
//! input) is answered here with the JSON-RPC error and the server goes on.

use serde::Deserialize;
use serde_json::{Value, json};

/// The largest message accepted (a 10 MB digest in a `didOpen` is far below).
pub const MAX_MESSAGE: usize = 256 << 20;

/// What the client sent, message by message.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    /// A well-formed JSON-RPC message: its body, and its method (`None`
    /// for a response).
    Message(Vec<u8>, Option<String>),
    /// Something that is not: the error response to send back.
    Malformed(Value),
}

/// Splits a byte stream into messages. Feed it with [`FrameReader::push`],
/// then take events with [`FrameReader::next`] until it returns `None`.
#[derive(Default)]
pub struct FrameReader {
    buffer: Vec<u8>,
}

impl FrameReader {
    pub fn push(&mut self, bytes: &[u8]) {
        self.buffer.extend_from_slice(bytes);
    }

    /// The next event; `at_eof` says no more bytes will come, so that a
    /// message cut off is reported rather than waited for.
    pub fn next(&mut self, at_eof: bool) -> Option<Event> {
        // Blank lines between messages are tolerated.
        let skip = self
            .buffer
            .iter()
            .take_while(|b| matches!(b, b'\r' | b'\n'))
            .count();
        self.buffer.drain(..skip);
        if self.buffer.is_empty() {
            return None;
        }
        let Some(header_end) = find(&self.buffer, b"\r\n\r\n") else {
            if at_eof {
                self.buffer.clear();
                return Some(parse_error("the message was cut off by the end of input"));
            }
            if self.buffer.len() > 64 << 10 {
                self.buffer.clear();
                return Some(parse_error("a header block longer than 64 KiB"));
            }
            return None;
        };
        let length = match content_length(&self.buffer[..header_end]) {
            Ok(length) => length,
            Err(why) => {
                // Resynchronise at a later `Content-Length` in the block,
                // if there is one (after a body that was too short).
                match find(&self.buffer[1..header_end], b"Content-Length:") {
                    Some(p) => {
                        self.buffer.drain(..=p);
                    }
                    None => {
                        self.buffer.drain(..header_end + 4);
                    }
                }
                return Some(parse_error(&why));
            }
        };
        let body_start = header_end + 4;
        if self.buffer.len() < body_start + length {
            if at_eof {
                self.buffer.clear();
                return Some(parse_error("the message was cut off by the end of input"));
            }
            return None;
        }
        let rest = self.buffer.split_off(body_start + length);
        let mut body = std::mem::replace(&mut self.buffer, rest);
        body.drain(..body_start);
        match check_message(&body) {
            Ok(method) => Some(Event::Message(body, method)),
            Err(error) => {
                // A body that was too long swallowed the next message's
                // start: give that back.
                if let Some(p) = find(&body, b"Content-Length:") {
                    let tail = body[p..].to_vec();
                    self.buffer.splice(0..0, tail);
                }
                Some(error)
            }
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(headers: &[u8]) -> Result<usize, String> {
    let headers = std::str::from_utf8(headers).map_err(|_| "headers are not UTF-8".to_string())?;
    let mut length = None;
    for line in headers.split("\r\n") {
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("a header line without a colon: {:?}", clip(line)));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            let parsed: usize = value
                .parse()
                .map_err(|_| format!("Content-Length is not a number: {:?}", clip(value)))?;
            if parsed > MAX_MESSAGE {
                return Err(format!(
                    "Content-Length {parsed} is over the limit of {MAX_MESSAGE} bytes"
                ));
            }
            length = Some(parsed);
        }
    }
    length.ok_or_else(|| "the headers have no Content-Length".to_string())
}

fn clip(s: &str) -> String {
    s.chars().take(40).collect()
}

/// The parts of a message the check looks at; the rest is skipped without
/// being built (a `didOpen` carries a whole document).
#[derive(serde::Deserialize)]
struct Envelope {
    jsonrpc: Option<Value>,
    id: Option<Value>,
    method: Option<Value>,
    /// Read as tower-lsp reads it (into a `Value`), without building it.
    #[allow(dead_code)]
    params: Option<Strict>,
    #[serde(default, deserialize_with = "present")]
    result: bool,
    #[serde(default, deserialize_with = "present")]
    error: bool,
}

/// True for a member that is there, whatever its value (`null` included).
fn present<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Strict::deserialize(deserializer)?;
    Ok(true)
}

/// Any JSON value, checked exactly as strictly as `serde_json::Value`
/// would be (string escapes such as a lone surrogate, number ranges), but
/// not built. `IgnoredAny` is laxer, and what it lets through tower-lsp
/// cannot decode.
struct Strict;

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_str<E>(self, _: &str) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_none<E>(self) -> Result<Strict, E> {
        Ok(Strict)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Strict, D::Error> {
        Strict::deserialize(d)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        while seq.next_element::<Strict>()?.is_some() {}
        Ok(Strict)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        while map.next_entry::<Strict, Strict>()?.is_some() {}
        Ok(Strict)
    }
}

/// Checks that a body is a JSON-RPC 2.0 message tower-lsp can decode;
/// returns its method, if it has one.
fn check_message(body: &[u8]) -> Result<Option<String>, Event> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'{') {
        // Serde would read an array into the envelope's fields one by one.
        return match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            Ok(_) => Err(invalid(Value::Null, "a message must be a JSON object")),
            Err(e) => Err(parse_error(&format!("the message is not valid JSON: {e}"))),
        };
    }
    // tower-lsp reads every member strictly (its message type is an untagged
    // enum, which buffers the whole message), unknown members included.
    if let Err(e) = serde_json::from_slice::<Strict>(body) {
        return Err(parse_error(&format!("the message is not valid JSON: {e}")));
    }
    let envelope: Envelope = match serde_json::from_slice(body) {
        Ok(envelope) => envelope,
        Err(e) if e.is_data() => {
            // Valid JSON, but not an object of the expected shape.
            return Err(invalid(Value::Null, "a message must be a JSON object"));
        }
        Err(e) => return Err(parse_error(&format!("the message is not valid JSON: {e}"))),
    };
    let id = envelope.id.unwrap_or(Value::Null);
    if envelope.jsonrpc.as_ref().and_then(Value::as_str) != Some("2.0") {
        return Err(invalid(id, "`jsonrpc` must be \"2.0\""));
    }
    match &id {
        Value::Null | Value::String(_) => {}
        Value::Number(n) if n.as_i64().is_some() => {}
        _ => return Err(invalid(id, "`id` must be an integer or a string")),
    }
    match envelope.method {
        Some(Value::String(method)) => Ok(Some(method)),
        Some(_) => Err(invalid(id, "`method` must be a string")),
        None if envelope.result || envelope.error => Ok(None),
        None => Err(invalid(
            id,
            "a message needs a `method`, a `result` or an `error`",
        )),
    }
}

fn invalid(id: Value, why: &str) -> Event {
    let id = match id {
        Value::Number(_) | Value::String(_) => id,
        _ => Value::Null,
    };
    Event::Malformed(json!({
        "jsonrpc": "2.0",
        "id": id,
        "error": { "code": -32600, "message": format!("Invalid request: {why}") },
    }))
}

fn parse_error(why: &str) -> Event {
    Event::Malformed(json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": -32700, "message": format!("Parse error: {why}") },
    }))
}

/// A body framed with its `Content-Length` header (the server writes the
/// header and the body without joining them: `serve::write_frame`).
#[cfg(test)]
pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(input: &[u8]) -> Vec<String> {
        let mut reader = FrameReader::default();
        reader.push(input);
        std::iter::from_fn(|| reader.next(true))
            .map(|e| match e {
                Event::Message(body, _) => String::from_utf8_lossy(&body).into_owned(),
                Event::Malformed(v) => format!("ERR {} {}", v["error"]["code"], v["id"]),
            })
            .collect()
    }

    const OK: &str = r#"{"jsonrpc":"2.0","method":"x"}"#;

    #[test]
    fn well_formed_messages_pass() {
        let input = [frame(OK.as_bytes()), frame(OK.as_bytes())].concat();
        assert_eq!(events(&input), [OK, OK]);
    }

    #[test]
    fn malformed_input_is_reported_and_reading_goes_on() {
        let bad_json = frame(b"{not json");
        let not_rpc = frame(br#"{"id":7,"method":"x"}"#);
        let no_length = b"Content-Type: x\r\n\r\n".to_vec();
        let ok = frame(OK.as_bytes());
        let input = [
            bad_json,
            ok.clone(),
            not_rpc,
            ok.clone(),
            no_length,
            ok.clone(),
        ]
        .concat();
        assert_eq!(
            events(&input),
            [
                "ERR -32700 null",
                OK,
                "ERR -32600 7",
                OK,
                "ERR -32700 null",
                OK
            ]
        );
    }

    #[test]
    fn wrong_lengths_resynchronise_at_the_next_header() {
        let short = format!("Content-Length: 10\r\n\r\n{OK}");
        let long = format!("Content-Length: {}\r\n\r\n{OK}", OK.len() + 30);
        let ok = frame(OK.as_bytes());
        let input = [short.into_bytes(), ok.clone(), long.into_bytes(), ok].concat();
        let got = events(&input);
        assert_eq!(got.first().map(String::as_str), Some("ERR -32700 null"));
        assert_eq!(got.last().map(String::as_str), Some(OK), "{got:?}");
    }

    #[test]
    fn what_tower_lsp_cannot_decode_is_refused_here() {
        // A lone surrogate in a string: lax skipping would pass it on.
        let body = r#"{"jsonrpc":"2.0","method":"x","params":{"a":"\ud800"}}"#;
        assert_eq!(events(&frame(body.as_bytes())), ["ERR -32700 null"]);
        let body = r#"{"jsonrpc":"2.0","method":"x","unknown":"\ud800"}"#;
        assert_eq!(events(&frame(body.as_bytes())), ["ERR -32700 null"]);
        let body = r#"{"jsonrpc":"2.0","id":1,"result":[1e999]}"#;
        assert_eq!(events(&frame(body.as_bytes())), ["ERR -32700 null"]);
    }

    #[test]
    fn responses_with_a_null_result_pass() {
        let response = r#"{"jsonrpc":"2.0","id":3,"result":null}"#;
        assert_eq!(events(&frame(response.as_bytes())), [response]);
    }

    #[test]
    fn a_message_cut_off_by_eof_is_reported() {
        assert_eq!(
            events(b"Content-Length: 50\r\n\r\n{\"jsonrpc\""),
            ["ERR -32700 null"]
        );
        assert_eq!(events(b"Content-Len"), ["ERR -32700 null"]);
    }
}
