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

use crate::syntax::{Paper, parse};
use crate::{Analysis, Config, FileIndex, SourceFile, TextRange};

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

/// The stretch an edit re-parses, parsed.
struct Reparse {
    /// The first paper re-parsed, or `None` when the stretch starts at the
    /// top of the file (and its preamble is the file's).
    from: Option<usize>,
    /// The first paper kept (moved) after the stretch.
    after: usize,
    /// The stretch parsed, its papers taken out into `papers`.
    parsed: SourceFile,
    /// The stretch's papers, at their offsets in the new text.
    papers: Vec<Paper>,
}

impl Analysis {
    /// The analysis of `rope`, the text after `dirty` changed this
    /// analysis's text. Equal to `Analysis::new` of the whole new text.
    /// For an analysis that is shared; see [`Analysis::into_edited`].
    pub fn edit(&self, rope: Rope, dirty: Dirty, config: &Config) -> Analysis {
        self.clone().into_edited(rope, dirty, config)
    }

    /// The analysis of `rope`, the text after `dirty` changed this
    /// analysis's text, made from this one: the papers the edit did not
    /// touch are moved where they are (no copy), the stretch it touched is
    /// parsed again and spliced in.
    pub fn into_edited(mut self, rope: Rope, dirty: Dirty, config: &Config) -> Analysis {
        let Reparse {
            from,
            after,
            parsed,
            papers: reparsed,
        } = self.reparse(&rope, dirty, config);
        let mut syntax = std::mem::take(&mut self.syntax);
        let first = from.unwrap_or(0);
        if from.is_none() {
            syntax.text_start = parsed.text_start;
            syntax.title = parsed.title;
            syntax.preamble = parsed.preamble;
            syntax.preamble_inline = parsed.preamble_inline;
        }
        let delta = dirty.delta();
        for paper in &mut syntax.papers[after..] {
            paper.shift(delta);
        }
        let fresh_len = reparsed.len();
        let fresh = crate::fresh_stamps(fresh_len);
        syntax.papers.splice(first..after, reparsed);
        let mut stamps = std::mem::take(&mut self.stamps);
        stamps.splice(first..after, fresh);
        let mut facts = std::mem::take(&mut self.facts);
        facts.splice(
            first..after,
            (first..first + fresh_len).map(|_| Default::default()),
        );
        Analysis::assemble(rope, syntax, stamps, facts)
    }

    fn assemble(
        text: Rope,
        syntax: SourceFile,
        stamps: Vec<crate::Stamp>,
        facts: Vec<std::sync::OnceLock<std::sync::Arc<crate::bibliography::PaperFacts>>>,
    ) -> Analysis {
        let index = FileIndex::new(&syntax);
        Analysis {
            text,
            syntax,
            index,
            stamps,
            keys: Default::default(),
            facts,
        }
    }

    /// Re-parses, in `rope`, the stretch that `dirty` touched: from the
    /// heading of the paper before the one the edit starts in to the
    /// heading of the paper after the one it ends in.
    fn reparse(&self, rope: &Rope, dirty: Dirty, config: &Config) -> Reparse {
        let papers = &self.syntax.papers;
        let new_len = rope.len_bytes();
        let containing = |offset: usize| self.syntax.paper_index_at(offset);
        let after = containing(dirty.old_end)
            .map_or(1, |i| i + 2)
            .min(papers.len());
        let from = containing(dirty.start)
            .and_then(|i| i.checked_sub(1))
            .filter(|&i| i < after);

        let start = from.map_or(0, |i| papers[i].range.start);
        let end = match papers.get(after) {
            Some(next) => next.range.start.saturating_add_signed(dirty.delta()),
            None => new_len,
        };
        let (start, end) = (start.min(new_len), end.clamp(start.min(new_len), new_len));
        let stretch = rope.byte_slice(start..end).to_string();
        let mut parsed = parse(&stretch, config);
        let mut papers = std::mem::take(&mut parsed.papers);
        for paper in &mut papers {
            paper.shift(start as isize);
        }
        Reparse {
            from,
            after,
            parsed,
            papers,
        }
    }
}
