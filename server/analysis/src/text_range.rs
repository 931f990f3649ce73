//! Byte ranges into a document's text: the only kind of position the core knows.

/// A half-open range of byte offsets, `start..end`, into a document's text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextRange {
    pub start: usize,
    pub end: usize,
}

impl TextRange {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// True when a cursor at `offset` touches the range (both ends included,
    /// as an editor cursor just after a word still "is on" the word).
    pub const fn touches(self, offset: usize) -> bool {
        self.start <= offset && offset <= self.end
    }

    pub const fn contains_range(self, other: TextRange) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    /// The range moved by `delta` bytes (used when an edit before it shifts it).
    pub const fn shifted(self, delta: isize) -> Self {
        Self {
            start: self.start.wrapping_add_signed(delta),
            end: self.end.wrapping_add_signed(delta),
        }
    }

    pub fn slice(self, text: &str) -> &str {
        text.get(self.start..self.end).unwrap_or("")
    }
}
