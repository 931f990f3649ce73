//! Lines as LSP counts them: split at LF, CRLF and a lone CR.

/// A line's content range (without its line end).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Line {
    pub start: usize,
    pub end: usize,
}

/// The lines of a text from a byte offset on; the last one may be empty.
pub(crate) struct Lines<'a> {
    bytes: &'a [u8],
    pos: usize,
    done: bool,
}

impl<'a> Lines<'a> {
    pub fn new(text: &'a str, start: usize) -> Self {
        Self {
            bytes: text.as_bytes(),
            pos: start,
            done: false,
        }
    }
}

impl Iterator for Lines<'_> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        if self.done {
            return None;
        }
        let start = self.pos;
        match memchr::memchr2(b'\n', b'\r', &self.bytes[start..]) {
            Some(i) => {
                let end = start + i;
                let crlf = self.bytes[end] == b'\r' && self.bytes.get(end + 1) == Some(&b'\n');
                self.pos = end + if crlf { 2 } else { 1 };
                Some(Line { start, end })
            }
            None => {
                self.done = true;
                Some(Line {
                    start,
                    end: self.bytes.len(),
                })
            }
        }
    }
}
