//! Random LSP edits on a rope, as the seeded tests and the soak test make
//! them: positions in UTF-16 (what a client sends by default), ranges that
//! never split a CRLF.

use ropey::Rope;
use serde_json::{Value, json};

use crate::Rng;

/// The LSP position (UTF-16 columns) of char index `at` in `rope`; line
/// breaks are LF, CRLF and CR (ropey's `cr_lines`, as the server counts).
pub fn position(rope: &Rope, at: usize) -> Value {
    let line = rope.char_to_line(at);
    let start = rope.line_to_char(line);
    let column = rope.char_to_utf16_cu(at) - rope.char_to_utf16_cu(start);
    json!({"line": line, "character": column})
}

/// A random char index of `rope` that is not between the CR and LF of a
/// CRLF (moved to before the CR).
pub fn boundary(rope: &Rope, rng: &mut Rng) -> usize {
    let at = rng.below(rope.len_chars() + 1);
    if splits_crlf(rope, at) { at - 1 } else { at }
}

/// `end` moved past the LF when it falls between the CR and LF of a CRLF.
pub fn end_past_crlf(rope: &Rope, end: usize) -> usize {
    if splits_crlf(rope, end) { end + 1 } else { end }
}

fn splits_crlf(rope: &Rope, at: usize) -> bool {
    at > 0 && at < rope.len_chars() && rope.char(at - 1) == '\r' && rope.char(at) == '\n'
}
