//! Positions: byte offsets <-> LSP line/character positions, in the
//! negotiated encoding. The only place that knows how a client counts
//! columns.
//!
//! [`Positions`] answers both ways for one text. Positions past a line's
//! end or the file's end are clamped, never a panic. It converts many
//! offsets fast when they come in increasing order, as features give them:
//! one pass over the text's chunks instead of a walk down the rope's tree
//! per offset, columns counted on from the last position when it is on the
//! same line, and lines found in a [`LineTable`] when one is at hand (an
//! open document's, built once per version). An offset before the last
//! one is converted on its own.

use ropey::{Rope, RopeSlice};
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

use digest_analysis::{Dirty, TextRange};

/// How the client counts columns.
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
}

/// Where the lines of one text start (after LF, CRLF or a lone CR).
pub struct LineTable {
    starts: Vec<usize>,
}

impl LineTable {
    pub fn new(rope: &Rope) -> Self {
        Self::of_chunks(rope.chunks())
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

    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }
}

/// Where [`Positions`] finds lines.
enum Lines<'a> {
    Table(&'a LineTable),
    Own(LineTable),
    /// The rope's own line index (a walk down its tree per look-up).
    Rope,
}

/// Offsets <-> positions of one text in one encoding (see the module's
/// documentation).
pub struct Positions<'a> {
    text: RopeSlice<'a>,
    lines: Lines<'a>,
    encoding: Encoding,
    chunks: ropey::iter::Chunks<'a>,
    /// The chunk that holds the start of the last line converted, and
    /// where that chunk starts.
    chunk: &'a str,
    chunk_start: usize,
    /// The last offset converted, and its position.
    last: Option<(usize, Position)>,
}

impl<'a> Positions<'a> {
    /// Positions in `rope`, whose line table is `table` (for many
    /// conversions in a large text).
    pub fn new(rope: &'a Rope, table: &'a LineTable, encoding: Encoding) -> Self {
        Self::with(rope.slice(..), Lines::Table(table), encoding)
    }

    /// Positions in `rope`, lines found in the rope (for a few conversions:
    /// nothing is built).
    pub fn of_rope(rope: &'a Rope, encoding: Encoding) -> Self {
        Self::with(rope.slice(..), Lines::Rope, encoding)
    }

    /// Positions in `text` (a piece of a document), counted from its start,
    /// with a line table of its own.
    pub fn of_slice(text: RopeSlice<'a>, encoding: Encoding) -> Self {
        Self::with(
            text,
            Lines::Own(LineTable::of_chunks(text.chunks())),
            encoding,
        )
    }

    fn with(text: RopeSlice<'a>, lines: Lines<'a>, encoding: Encoding) -> Self {
        let mut chunks = text.chunks();
        let chunk = chunks.next().unwrap_or_default();
        Self {
            text,
            lines,
            encoding,
            chunks,
            chunk,
            chunk_start: 0,
            last: None,
        }
    }

    /// The position of byte `offset` (clamped to the text; in UTF-16 and
    /// UTF-32, an offset inside a character counts the line up to that
    /// character).
    pub fn position(&mut self, offset: usize) -> Position {
        let offset = offset.min(self.text.len_bytes());
        let position = match self.forward(offset) {
            Some(position) => position,
            None => self.position_alone(offset),
        };
        self.last = Some((offset, position));
        position
    }

    pub fn range(&mut self, range: TextRange) -> Range {
        let start = self.position(range.start);
        Range::new(start, self.position(range.end))
    }

    /// The line of byte `offset` (no column: nothing of the text is read).
    pub fn line(&self, offset: usize) -> u32 {
        saturate(self.line_of(offset.min(self.text.len_bytes())))
    }

    /// The byte offset of `position`, clamped to the line's content (a
    /// column inside a character snaps to its start).
    pub fn offset(&self, position: Position) -> usize {
        let text = self.text;
        let line = position.line as usize;
        if line >= text.len_lines() {
            return text.len_bytes();
        }
        let line_start = text.line_to_char(line);
        let slice = text.line(line);
        let content_chars = slice.len_chars() - line_break_chars(&slice);
        let column = position.character as usize;
        let chars = match self.encoding {
            Encoding::Utf32 => column,
            Encoding::Utf16 => slice.utf16_cu_to_char(column.min(slice.len_utf16_cu())),
            Encoding::Utf8 => slice.byte_to_char(column.min(slice.len_bytes())),
        };
        text.char_to_byte(line_start + chars.min(content_chars))
    }

    /// A byte range from an LSP range (start and end ordered).
    pub fn text_range(&self, range: Range) -> TextRange {
        let a = self.offset(range.start);
        let b = self.offset(range.end);
        TextRange::new(a.min(b), a.max(b))
    }

    fn line_of(&self, offset: usize) -> usize {
        match &self.lines {
            Lines::Table(table) => table.line_of(offset),
            Lines::Own(table) => table.line_of(offset),
            Lines::Rope => self.text.byte_to_line(offset),
        }
    }

    fn line_start(&self, line: usize) -> usize {
        match &self.lines {
            Lines::Table(table) => table.starts[line],
            Lines::Own(table) => table.starts[line],
            Lines::Rope => self.text.line_to_byte(line),
        }
    }

    /// The position of `offset` converted on its own (`offset` clamped).
    fn position_alone(&self, offset: usize) -> Position {
        let line = self.line_of(offset);
        let start = self.line_start(line);
        if offset == start {
            return Position::new(saturate(line), 0);
        }
        let character = match (self.encoding, self.text.get_byte_slice(start..offset)) {
            // Bytes are counted as they are (an offset inside a character
            // is never given: features give character boundaries).
            (Encoding::Utf8, _) => offset - start,
            (Encoding::Utf16, Some(slice)) => slice.len_utf16_cu(),
            (Encoding::Utf32, Some(slice)) => slice.len_chars(),
            // Not on a character boundary: snapped to the character's start.
            (_, None) => return self.snapped(offset),
        };
        Position::new(saturate(line), saturate(character))
    }

    /// The position of the character that holds byte `offset`.
    fn snapped(&self, offset: usize) -> Position {
        let text = self.text;
        let char_index = text.byte_to_char(offset);
        let line = text.char_to_line(char_index);
        let line_start = text.line_to_char(line);
        let character = match self.encoding {
            Encoding::Utf32 => char_index - line_start,
            Encoding::Utf16 => {
                text.char_to_utf16_cu(char_index) - text.char_to_utf16_cu(line_start)
            }
            Encoding::Utf8 => text.char_to_byte(char_index) - text.line_to_byte(line),
        };
        Position::new(saturate(line), saturate(character))
    }

    /// The position of `offset` read forward from the last one, or `None`
    /// when it lies before it (or not on a character boundary).
    fn forward(&mut self, offset: usize) -> Option<Position> {
        let line = self.line_of(offset);
        let line_start = self.line_start(line);
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
        // The chunk holding `from` (later offsets never start before it):
        // the next one, or else found down the rope's tree (not walked to
        // chunk by chunk: a single offset deep in a large text).
        if from >= self.chunk_start + self.chunk.len() {
            self.chunk_start += self.chunk.len();
            self.chunk = self.chunks.next()?;
            if from >= self.chunk_start + self.chunk.len() {
                let (mut chunks, start, _, _) = self.text.get_chunks_at_byte(from)?;
                self.chunk = chunks.next()?;
                self.chunk_start = start;
                self.chunks = chunks;
            }
        }
        let mut units = 0;
        let mut chunks = self.chunks.clone();
        let (mut chunk, mut chunk_start) = (self.chunk, self.chunk_start);
        let mut at = from;
        while at < offset {
            let end = offset.min(chunk_start + chunk.len());
            let piece = chunk.get(at - chunk_start..end - chunk_start)?;
            // ropey's counting (SIMD), not a loop over the characters.
            let piece = RopeSlice::from(piece);
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

/// Replaces `range` of `rope` by `text`, as the editor did: what changed,
/// in bytes.
pub fn replace(rope: &mut Rope, range: Range, text: &str, encoding: Encoding) -> Dirty {
    let bytes = Positions::of_rope(rope, encoding).text_range(range);
    let start = rope.byte_to_char(bytes.start);
    let end = rope.byte_to_char(bytes.end);
    rope.remove(start..end);
    rope.insert(start, text);
    Dirty::replace(bytes, text.len())
}

fn line_break_chars(line: &RopeSlice<'_>) -> usize {
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

    const ALL: [Encoding; 3] = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];

    #[test]
    fn columns_count_in_each_encoding() {
        let rope = Rope::from_str(TEXT);
        let x = TEXT.find('x').expect("x");
        let at = |encoding| Positions::of_rope(&rope, encoding).position(x);
        assert_eq!(at(Encoding::Utf8), Position::new(1, 7));
        assert_eq!(at(Encoding::Utf16), Position::new(1, 3));
        assert_eq!(at(Encoding::Utf32), Position::new(1, 2));
        for encoding in ALL {
            let positions = Positions::of_rope(&rope, encoding);
            assert_eq!(positions.offset(at(encoding)), x, "{encoding:?}");
        }
        let last = TEXT.find("last").expect("last");
        let mut positions = Positions::of_rope(&rope, Encoding::Utf16);
        assert_eq!(positions.position(last), Position::new(2, 0));
    }

    #[test]
    fn positions_past_the_end_are_clamped() {
        let rope = Rope::from_str(TEXT);
        let utf16 = Positions::of_rope(&rope, Encoding::Utf16);
        // Past the end of line 0: the end of its content, before the CRLF.
        assert_eq!(utf16.offset(Position::new(0, 99)), 2);
        // Inside the emoji's surrogate pair: snapped to the emoji's start.
        assert_eq!(utf16.offset(Position::new(1, 2)), 7);
        // Inside a multi-byte character in UTF-8: snapped to its start.
        let utf8 = Positions::of_rope(&rope, Encoding::Utf8);
        assert_eq!(utf8.offset(Position::new(1, 1)), 4);
        // Past the last line: the end of the text.
        let utf32 = Positions::of_rope(&rope, Encoding::Utf32);
        assert_eq!(utf32.offset(Position::new(9, 0)), TEXT.len());
        let mut utf16 = utf16;
        assert_eq!(utf16.position(999), Position::new(2, 4));
        // Inside a character: the character's position.
        assert_eq!(utf16.position(5), Position::new(1, 0));
        assert_eq!(utf16.line(999), 2);
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

    /// Each offset converted on its own, with no cursor state.
    fn alone(rope: &Rope, offset: usize, encoding: Encoding) -> Position {
        Positions::of_rope(rope, encoding).position_alone(offset)
    }

    #[test]
    fn the_table_the_rope_and_a_slice_agree_everywhere() {
        let text = "ab\r\n中😀x\rlast\n\n\r\r\nend";
        let rope = Rope::from_str(text);
        let table = LineTable::new(&rope);
        let lines = |p: &Positions<'_>| (0..=text.len()).map(|o| p.line(o)).collect::<Vec<_>>();
        for encoding in ALL {
            let with_table = Positions::new(&rope, &table, encoding);
            let of_slice = Positions::of_slice(rope.slice(..), encoding);
            let of_rope = Positions::of_rope(&rope, encoding);
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                let expected = of_rope.snapped(offset);
                assert_eq!(with_table.position_alone(offset), expected, "{offset}");
                assert_eq!(of_slice.position_alone(offset), expected, "{offset}");
                assert_eq!(of_rope.position_alone(offset), expected, "{offset}");
            }
            assert_eq!(lines(&with_table), lines(&of_rope));
        }
    }

    proptest::proptest! {
        /// The cursor agrees with single conversions, for offsets in any
        /// order (mostly increasing, as features give them), in a rope of
        /// many chunks with CJK, emoji and all three line breaks.
        #[test]
        fn the_cursor_agrees_with_single_conversions(
            offsets in proptest::collection::vec((0usize..60_000, proptest::bool::weighted(0.9)), 1..200),
            encoding in strategies::encoding(),
        ) {
            let text = "ab中文😀x\r\n一行 long line 𝒳\rlast\n\n".repeat(1_000);
            let rope = Rope::from_str(&text);
            let table = LineTable::new(&rope);
            let mut with_table = Positions::new(&rope, &table, encoding);
            let mut of_rope = Positions::of_rope(&rope, encoding);
            let mut at = 0;
            for (offset, forward) in offsets {
                // Mostly forward by a little, sometimes anywhere.
                at = if forward { (at + offset % 97).min(text.len()) } else { offset % (text.len() + 1) };
                let expected = alone(&rope, at, encoding);
                proptest::prop_assert_eq!(with_table.position(at), expected, "offset {}", at);
                proptest::prop_assert_eq!(of_rope.position(at), expected, "offset {}", at);
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
/// parse, and positions read through the line table equal to the rope's.
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
                let dirty = replace(&mut rope, range, PIECES[piece], encoding);
                analysis = analysis.edit(rope.clone(), dirty, &config);
                let text = rope.to_string();
                let fresh = Analysis::new(&text, &config);
                prop_assert_eq!(&analysis.syntax, &fresh.syntax);
                prop_assert_eq!(check(&analysis, &config, &NoFiles), check(&fresh, &config, &NoFiles));
                let table = LineTable::new(&rope);
                let with_table = Positions::new(&rope, &table, encoding);
                let of_rope = Positions::of_rope(&rope, encoding);
                for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o) && !inside_crlf(&rope, o)) {
                    let position = of_rope.snapped(offset);
                    prop_assert_eq!(with_table.position_alone(offset), position);
                    prop_assert_eq!(of_rope.offset(position), offset);
                }
            }
        }
    }
}
