//! The JSON-RPC framing in front of the server: any bytes, in any chunks,
//! give the same events, never a panic, and every message passed on is a
//! JSON object.
#![no_main]

#[path = "../../lsp/src/framing.rs"]
#[allow(dead_code)]
mod framing;

use framing::{Event, FrameReader};
use libfuzzer_sys::fuzz_target;

fn events(data: &[u8], chunk: usize) -> Vec<Event> {
    let mut reader = FrameReader::default();
    let mut out = Vec::new();
    for piece in data.chunks(chunk.max(1)) {
        reader.push(piece);
        while let Some(event) = reader.next(false) {
            out.push(event);
        }
    }
    while let Some(event) = reader.next(true) {
        out.push(event);
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let (split, bytes) = data
        .split_first()
        .map_or((1, data), |(s, rest)| (usize::from(*s), rest));
    let whole = events(bytes, bytes.len());
    let chunked = events(bytes, split);
    for event in &whole {
        if let Event::Message(body, method) = event {
            let value: serde_json::Value = serde_json::from_slice(body).expect("passed on: JSON");
            assert!(value.is_object());
            assert_eq!(value["jsonrpc"], "2.0");
            assert_eq!(value["method"].as_str(), method.as_deref());
        }
    }
    // Chunking can change only where a cut-off message is noticed, not what
    // is passed on.
    let messages = |events: &[Event]| -> Vec<Vec<u8>> {
        events
            .iter()
            .filter_map(|e| match e {
                Event::Message(body, _) => Some(body.clone()),
                Event::Malformed(_) => None,
            })
            .collect()
    };
    assert_eq!(messages(&whole), messages(&chunked));
});
