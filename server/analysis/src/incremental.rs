//! Incremental analysis: after an edit, only the papers it touched are
//! parsed again.
//!
//! Paper boundaries are heading lines, and whether a line is a heading
//! depends on that line alone. So an edit is re-parsed from the heading of
//! the paper before the one it starts in, to the heading of the paper after
//! the one it ends in: that stretch parses exactly as it would in the whole
//! text, whether the edit added, removed or changed headings. The papers
//! before it are kept as they are, the papers after it are moved by the
//! edit's change in length, and the file-wide tables are rebuilt from the
//! papers, not from the text.

use ropey::Rope;

use crate::syntax::parse;
use crate::{Analysis, Config, FileIndex, TextRange};

/// What changed between two texts: bytes `start..old_end` of the old text
/// are bytes `start..new_end` of the new one; everything else is the same
/// (moved by `new_end - old_end` after the change).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dirty {
    pub start: usize,
    pub old_end: usize,
    pub new_end: usize,
}

impl Dirty {
    /// One replacement of `old` (a byte range) by `new_len` bytes.
    pub fn replace(old: TextRange, new_len: usize) -> Self {
        Self {
            start: old.start,
            old_end: old.end,
            new_end: old.start + new_len,
        }
    }

    /// The change made by `self` and then `next` (whose offsets are in the
    /// text as `self` left it), as one change covering both.
    pub fn then(self, next: Dirty) -> Dirty {
        // The union of both changed stretches, in the text between them,
        // ends at `next.old_end` or `self.new_end`, whichever is later.
        let (old_end, new_end) = if next.old_end >= self.new_end {
            (next.old_end - self.new_end + self.old_end, next.new_end)
        } else {
            (self.old_end, self.new_end + next.new_end - next.old_end)
        };
        Dirty {
            start: self.start.min(next.start),
            old_end,
            new_end,
        }
    }

    fn delta(self) -> isize {
        self.new_end as isize - self.old_end as isize
    }
}

impl Analysis {
    /// The analysis of `rope`, the text after `dirty` changed this
    /// analysis's text. Equal to `Analysis::new` of the whole new text.
    pub fn edit(&self, rope: Rope, dirty: Dirty, config: &Config) -> Analysis {
        let papers = &self.syntax.papers;
        let new_len = rope.len_bytes();
        let delta = dirty.delta();
        let containing = |offset: usize| {
            papers
                .partition_point(|p| p.range.start <= offset)
                .checked_sub(1)
        };
        // The first paper kept as is after the re-parsed stretch.
        let after = containing(dirty.old_end)
            .map_or(1, |i| i + 2)
            .min(papers.len());
        // The first paper re-parsed, or `None` to re-parse from the start.
        let from = containing(dirty.start)
            .and_then(|i| i.checked_sub(1))
            .filter(|&i| i < after);

        let start = from.map_or(0, |i| papers[i].range.start);
        let end = match papers.get(after) {
            Some(next) => next.range.start.saturating_add_signed(delta),
            None => new_len,
        };
        let (start, end) = (start.min(new_len), end.clamp(start.min(new_len), new_len));
        let stretch = rope.byte_slice(start..end).to_string();
        let mut parsed = parse(&stretch, config);
        let reparsed = std::mem::take(&mut parsed.papers);

        let mut syntax = match from {
            // From the start: the stretch's preamble is the file's.
            None => {
                parsed.papers = Vec::with_capacity(papers.len() + 1);
                parsed
            }
            Some(first) => {
                let mut syntax = crate::SourceFile {
                    text_start: self.syntax.text_start,
                    title: self.syntax.title,
                    preamble: self.syntax.preamble,
                    preamble_inline: self.syntax.preamble_inline.clone(),
                    papers: Vec::with_capacity(papers.len() + 1),
                };
                syntax.papers.extend_from_slice(&papers[..first]);
                syntax
            }
        };
        let kept_before = syntax.papers.len();
        let mut stamps = Vec::with_capacity(papers.len() + 1);
        stamps.extend_from_slice(&self.stamps[..kept_before]);
        stamps.extend(crate::fresh_stamps(reparsed.len()));
        stamps.extend_from_slice(&self.stamps[after..]);
        let shift = start as isize;
        for mut paper in reparsed {
            paper.shift(shift);
            syntax.papers.push(paper);
        }
        for paper in &papers[after..] {
            let mut paper = paper.clone();
            paper.shift(delta);
            syntax.papers.push(paper);
        }
        let index = FileIndex::new(&syntax);
        Analysis {
            text: rope,
            syntax,
            index,
            stamps,
        }
    }
}
