//! Position encodings: LSP line/character positions <-> byte offsets.
//!
//! The only place that knows how a client counts columns. Positions past a
//! line's end or the file's end are clamped, never a panic.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use digest_analysis::{Dirty, TextRange};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// Chooses from what the client offers: UTF-8 when offered, else UTF-16
    /// (the default, also when nothing is offered), else UTF-32.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Self {
        let Some(offered) = offered.filter(|o| !o.is_empty()) else {
            return Self::Utf16;
        };
        let has = |kind: &PositionEncodingKind| offered.contains(kind);
        if has(&PositionEncodingKind::UTF8) {
            Self::Utf8
        } else if has(&PositionEncodingKind::UTF16) {
            Self::Utf16
        } else if has(&PositionEncodingKind::UTF32) {
            Self::Utf32
        } else {
            Self::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Self::Utf8 => PositionEncodingKind::UTF8,
            Self::Utf16 => PositionEncodingKind::UTF16,
            Self::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    /// The byte offset of `position` in `rope`, clamped to the line's content
    /// (a column inside a character snaps to its start).
    pub fn offset(self, rope: &Rope, position: Position) -> usize {
        let line = position.line as usize;
        if line >= rope.len_lines() {
            return rope.len_bytes();
        }
        let line_start = rope.line_to_char(line);
        let slice = rope.line(line);
        let content_chars = slice.len_chars() - line_break_chars(&slice);
        let column = position.character as usize;
        let chars = match self {
            Self::Utf32 => column,
            Self::Utf16 => {
                let units = slice.len_utf16_cu();
                slice.utf16_cu_to_char(column.min(units))
            }
            Self::Utf8 => slice.byte_to_char(column.min(slice.len_bytes())),
        };
        rope.char_to_byte(line_start + chars.min(content_chars))
    }

    /// The position of byte `offset` (clamped to the text, snapped to a char).
    pub fn position(self, rope: &Rope, offset: usize) -> Position {
        let offset = offset.min(rope.len_bytes());
        let char_index = rope.byte_to_char(offset);
        let line = rope.char_to_line(char_index);
        let line_start = rope.line_to_char(line);
        let character = match self {
            Self::Utf32 => char_index - line_start,
            Self::Utf16 => rope.char_to_utf16_cu(char_index) - rope.char_to_utf16_cu(line_start),
            Self::Utf8 => rope.char_to_byte(char_index) - rope.line_to_byte(line),
        };
        Position::new(saturate(line), saturate(character))
    }

    pub fn range(self, rope: &Rope, range: TextRange) -> Range {
        Range::new(
            self.position(rope, range.start),
            self.position(rope, range.end),
        )
    }

    /// Replaces `range` of `rope` by `text`, as the editor did: what changed,
    /// in bytes.
    pub fn replace(self, rope: &mut Rope, range: Range, text: &str) -> Dirty {
        let bytes = self.text_range(rope, range);
        let start = rope.byte_to_char(bytes.start);
        let end = rope.byte_to_char(bytes.end);
        rope.remove(start..end);
        rope.insert(start, text);
        Dirty::replace(bytes, text.len())
    }

    /// A byte range from an LSP range (start and end ordered).
    pub fn text_range(self, rope: &Rope, range: Range) -> TextRange {
        let a = self.offset(rope, range.start);
        let b = self.offset(rope, range.end);
        TextRange::new(a.min(b), a.max(b))
    }
}

fn line_break_chars(line: &ropey::RopeSlice<'_>) -> usize {
    let n = line.len_chars();
    match (
        n.checked_sub(2).map(|i| line.char(i)),
        n.checked_sub(1).map(|i| line.char(i)),
    ) {
        (Some('\r'), Some('\n')) => 2,
        (_, Some('\n' | '\r')) => 1,
        _ => 0,
    }
}

fn saturate(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CJK, an emoji (two UTF-16 units, four bytes) and CRLF together.
    const TEXT: &str = "ab\r\n中😀x\rlast";

    #[test]
    fn columns_count_in_each_encoding() {
        let rope = Rope::from_str(TEXT);
        let x = TEXT.find('x').expect("x");
        assert_eq!(Encoding::Utf8.position(&rope, x), Position::new(1, 7));
        assert_eq!(Encoding::Utf16.position(&rope, x), Position::new(1, 3));
        assert_eq!(Encoding::Utf32.position(&rope, x), Position::new(1, 2));
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            let position = encoding.position(&rope, x);
            assert_eq!(encoding.offset(&rope, position), x, "{encoding:?}");
        }
        let last = TEXT.find("last").expect("last");
        assert_eq!(Encoding::Utf16.position(&rope, last), Position::new(2, 0));
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let rope = Rope::from_str(TEXT);
        // Past the end of line 0: the end of its content, before the CRLF.
        assert_eq!(Encoding::Utf16.offset(&rope, Position::new(0, 99)), 2);
        // Inside the emoji's surrogate pair: snapped to the emoji's start.
        assert_eq!(Encoding::Utf16.offset(&rope, Position::new(1, 2)), 7);
        // Inside a multi-byte character in UTF-8: snapped to its start.
        assert_eq!(Encoding::Utf8.offset(&rope, Position::new(1, 1)), 4);
        // Past the last line: the end of the text.
        assert_eq!(
            Encoding::Utf32.offset(&rope, Position::new(9, 0)),
            TEXT.len()
        );
        assert_eq!(Encoding::Utf16.position(&rope, 999), Position::new(2, 4));
    }

    #[test]
    fn negotiation_prefers_utf8_then_utf16() {
        use PositionEncodingKind as K;
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
        assert_eq!(
            Encoding::negotiate(Some(&[K::UTF16, K::UTF8])),
            Encoding::Utf8
        );
        assert_eq!(
            Encoding::negotiate(Some(&[K::UTF32, K::UTF16])),
            Encoding::Utf16
        );
        assert_eq!(Encoding::negotiate(Some(&[K::UTF32])), Encoding::Utf32);
        assert_eq!(Encoding::negotiate(Some(&[])), Encoding::Utf16);
    }
}

/// The line starts of one version of a document, to convert many offsets
/// without walking the rope for each line.
pub struct LineTable {
    starts: Vec<usize>,
}

impl LineTable {
    pub fn new(rope: &Rope) -> Self {
        Self::of_chunks(rope.chunks())
    }

    /// The table of a string (see [`LineTable::position_in`]).
    pub fn of_str(text: &str) -> Self {
        Self::of_chunks([text])
    }

    fn of_chunks<'a>(chunks: impl IntoIterator<Item = &'a str>) -> Self {
        let mut starts = vec![0];
        let mut base = 0;
        // Where the last CR ended a line, so that a following LF joins it.
        let mut after_cr = usize::MAX;
        for chunk in chunks {
            for i in memchr::memchr2_iter(b'\n', b'\r', chunk.as_bytes()) {
                let at = base + i;
                if chunk.as_bytes()[i] == b'\n' && after_cr == at {
                    if let Some(last) = starts.last_mut() {
                        *last = at + 1;
                    }
                    after_cr = usize::MAX;
                } else {
                    starts.push(at + 1);
                    after_cr = if chunk.as_bytes()[i] == b'\r' {
                        at + 1
                    } else {
                        usize::MAX
                    };
                }
            }
            base += chunk.len();
        }
        Self { starts }
    }

    /// The position of byte `offset` of `text`, the string this table is
    /// of (clamped to the text; an offset inside a character counts the
    /// line up to the character boundary before it).
    pub fn position_in(&self, text: &str, offset: usize, encoding: Encoding) -> Position {
        let offset = offset.min(text.len());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let mut end = offset;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let piece = text.get(start..end).unwrap_or_default();
        let character = match encoding {
            Encoding::Utf8 => piece.len(),
            Encoding::Utf16 => piece.encode_utf16().count(),
            Encoding::Utf32 => piece.chars().count(),
        };
        Position::new(saturate(line), saturate(character))
    }

    /// The line of byte `offset` (no column: nothing of the text is read).
    pub fn line(&self, offset: usize) -> u32 {
        saturate(self.line_of(offset))
    }

    /// Converts many offsets of `rope` (the rope this table is of), fast
    /// when they come in increasing order, as features give them.
    pub fn cursor<'a>(&'a self, rope: &'a Rope, encoding: Encoding) -> Cursor<'a> {
        let mut chunks = rope.chunks();
        let chunk = chunks.next().unwrap_or_default();
        Cursor {
            table: self,
            rope,
            encoding,
            chunks,
            chunk,
            chunk_start: 0,
            last: None,
        }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The position of byte `offset` of `rope` (the rope this table is of).
    pub fn position(&self, rope: &Rope, offset: usize, encoding: Encoding) -> Position {
        let offset = offset.min(rope.len_bytes());
        let line = self.line_of(offset);
        let start = self.starts[line];
        let character = if offset == start {
            0
        } else {
            match (encoding, rope.get_byte_slice(start..offset)) {
                (Encoding::Utf8, _) => offset - start,
                (Encoding::Utf16, Some(slice)) => slice.len_utf16_cu(),
                (Encoding::Utf32, Some(slice)) => slice.len_chars(),
                // Not on a character boundary: the slow, snapping way.
                (_, None) => return encoding.position(rope, offset),
            }
        };
        Position::new(saturate(line), saturate(character))
    }

    pub fn range(&self, rope: &Rope, range: TextRange, encoding: Encoding) -> Range {
        Range::new(
            self.position(rope, range.start, encoding),
            self.position(rope, range.end, encoding),
        )
    }
}

/// Positions of many offsets of one rope (see [`LineTable::cursor`]): one
/// pass over the rope's chunks instead of a walk down its tree per offset,
/// and columns counted on from the last position when it is on the same
/// line. An offset before the last one is converted the slow way.
pub struct Cursor<'a> {
    table: &'a LineTable,
    rope: &'a Rope,
    encoding: Encoding,
    chunks: ropey::iter::Chunks<'a>,
    /// The chunk that holds the start of the last line converted, and
    /// where that chunk starts.
    chunk: &'a str,
    chunk_start: usize,
    /// The last offset converted, and its position.
    last: Option<(usize, Position)>,
}

impl Cursor<'_> {
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.rope.len_bytes());
        let found = self.forward(offset);
        let position =
            found.unwrap_or_else(|| self.table.position(self.rope, offset, self.encoding));
        self.last = Some((offset, position));
        position
    }

    pub fn range(&mut self, range: TextRange) -> Range {
        let start = self.position(range.start);
        Range::new(start, self.position(range.end))
    }

    /// The position of `offset` read forward from the last one, or `None`
    /// when it lies before it (or not on a character boundary).
    fn forward(&mut self, offset: usize) -> Option<Position> {
        let line = self.table.line_of(offset);
        let line_start = self.table.starts[line];
        if self.encoding == Encoding::Utf8 || offset == line_start {
            return Some(Position::new(saturate(line), saturate(offset - line_start)));
        }
        // Count from the last position when it is on this line.
        let (from, base) = match self.last {
            Some((at, p)) if p.line as usize == line && at <= offset => (at, p.character),
            _ => (line_start, 0),
        };
        if from < self.chunk_start {
            return None;
        }
        // The chunk holding `from`: later offsets never start before it.
        while from >= self.chunk_start + self.chunk.len() {
            self.chunk_start += self.chunk.len();
            self.chunk = self.chunks.next()?;
        }
        let mut units = 0;
        let mut chunks = self.chunks.clone();
        let (mut chunk, mut chunk_start) = (self.chunk, self.chunk_start);
        let mut at = from;
        while at < offset {
            let end = offset.min(chunk_start + chunk.len());
            let piece = chunk.get(at - chunk_start..end - chunk_start)?;
            // ropey's counting (SIMD), not a loop over the characters.
            let piece = ropey::RopeSlice::from(piece);
            units += match self.encoding {
                Encoding::Utf16 => piece.len_utf16_cu(),
                _ => piece.len_chars(),
            };
            at = end;
            if at < offset {
                chunk_start += chunk.len();
                chunk = chunks.next()?;
            }
        }
        let character = u32::try_from(units).ok()?.checked_add(base)?;
        Some(Position::new(saturate(line), character))
    }
}

#[cfg(test)]
mod line_table_tests {
    use super::*;

    #[test]
    fn the_table_agrees_with_the_rope_everywhere() {
        let text = "ab\r\n中😀x\rlast\n\n\r\r\nend";
        let rope = Rope::from_str(text);
        let table = LineTable::new(&rope);
        let of_str = LineTable::of_str(text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                let position = encoding.position(&rope, offset);
                assert_eq!(
                    table.position(&rope, offset, encoding),
                    position,
                    "{offset} {encoding:?}"
                );
                assert_eq!(of_str.position_in(text, offset, encoding), position);
            }
        }
    }

    proptest::proptest! {
        /// The cursor agrees with the table, for offsets in any order
        /// (mostly increasing, as features give them), in a rope of many
        /// chunks with CJK, emoji and all three line breaks.
        #[test]
        fn the_cursor_agrees_with_the_table(
            offsets in proptest::collection::vec((0usize..60_000, proptest::bool::weighted(0.9)), 1..200),
            encoding in strategies::encoding(),
        ) {
            let text = "ab中文😀x\r\n一行 long line 𝒳\rlast\n\n".repeat(1_000);
            let rope = Rope::from_str(&text);
            let table = LineTable::new(&rope);
            let mut cursor = table.cursor(&rope, encoding);
            let mut at = 0;
            for (offset, forward) in offsets {
                // Mostly forward by a little, sometimes anywhere.
                at = if forward { (at + offset % 97).min(text.len()) } else { offset % (text.len() + 1) };
                let expected = table.position(&rope, at, encoding);
                proptest::prop_assert_eq!(cursor.position(at), expected, "offset {}", at);
            }
        }
    }
}

/// Random LSP edits, for the property tests of the modules that take them.
#[cfg(test)]
pub mod strategies {
    use proptest::prelude::*;

    use super::*;

    pub fn encoding() -> impl Strategy<Value = Encoding> {
        prop_oneof![
            Just(Encoding::Utf8),
            Just(Encoding::Utf16),
            Just(Encoding::Utf32)
        ]
    }

    /// 1 to `max` edits: a range starting within `lines` lines and
    /// `columns` columns (ranges past the text are clamped by the server),
    /// and which of `pieces` texts replaces it.
    pub fn edits(
        lines: u32,
        columns: u32,
        pieces: usize,
        max: usize,
    ) -> impl Strategy<Value = Vec<(Range, usize)>> {
        let edit = (0..lines, 0..columns, 0..lines, 0..columns, 0..pieces).prop_map(
            |(sl, sc, el, ec, piece)| {
                let range = Range::new(Position::new(sl, sc), Position::new(el, ec));
                (range, piece)
            },
        );
        prop::collection::vec(edit, 1..max)
    }
}

/// The fuzz target `edits`, bounded: LSP edits in each encoding applied as
/// the server applies them keep the incremental analysis equal to a fresh
/// parse, and the line table equal to the rope.
#[cfg(test)]
mod edit_properties {
    use digest_analysis::{Analysis, Config, NoFiles, check};
    use proptest::prelude::*;

    use super::*;

    const PIECES: &[&str] = &[
        "",
        "x",
        "\n",
        "\r",
        "\r\n",
        "😀",
        "中文",
        "Paper2 B\n",
        "摘要原文: a\n",
        "与Paper1类似",
        "[[Paper2]]",
    ];

    fn inside_crlf(rope: &Rope, offset: usize) -> bool {
        offset > 0
            && rope.get_byte(offset - 1) == Some(b'\r')
            && rope.get_byte(offset) == Some(b'\n')
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn edits_in_every_encoding_match_a_fresh_parse(
            encoding in strategies::encoding(),
            edits in strategies::edits(8, 24, PIECES.len(), 20),
        ) {
            let config = Config::default();
            let start = "Title\r\nPaper1 A 😀\n摘要原文: 原文\r中文总结: 见Paper2\r\n\r\nPaper2 B\n摘要原文: a\n";
            let mut rope = Rope::from_str(start);
            let mut analysis = Analysis::new(start, &config);
            for (range, piece) in edits {
                let dirty = encoding.replace(&mut rope, range, PIECES[piece]);
                analysis = analysis.edit(rope.clone(), dirty, &config);
                let text = rope.to_string();
                let fresh = Analysis::new(&text, &config);
                prop_assert_eq!(&analysis.syntax, &fresh.syntax);
                prop_assert_eq!(check(&analysis, &config, &NoFiles), check(&fresh, &config, &NoFiles));
                let table = LineTable::new(&rope);
                for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o) && !inside_crlf(&rope, o)) {
                    let position = encoding.position(&rope, offset);
                    prop_assert_eq!(table.position(&rope, offset, encoding), position);
                    prop_assert_eq!(encoding.offset(&rope, position), offset);
                }
            }
        }
    }
}
