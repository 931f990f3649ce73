//! Edit sequences in each position encoding, applied as the server applies
//! `didChange`: the rope and the incrementally maintained analysis equal a
//! fresh parse of the final text (and the text a model edited by characters).
#![no_main]

#[path = "../../lsp/src/positions.rs"]
#[allow(dead_code)]
mod positions;

use arbitrary::Arbitrary;
use digest_analysis::{Analysis, Config, Dirty, NoFiles, RuleCache, check, check_with};
use positions::{Encoding, LineTable, Positions, replace};
use libfuzzer_sys::fuzz_target;
use ropey::Rope;
use tower_lsp_server::ls_types::{Position, Range};

#[derive(Arbitrary, Debug)]
struct Edit {
    start_line: u8,
    start_column: u16,
    end_line: u8,
    end_column: u16,
    text: String,
}

#[derive(Arbitrary, Debug)]
struct Input {
    encoding: u8,
    start: String,
    edits: Vec<Vec<Edit>>,
}

fn inside_crlf(rope: &Rope, offset: usize) -> bool {
    offset > 0 && rope.get_byte(offset - 1) == Some(b'\r') && rope.get_byte(offset) == Some(b'\n')
}

fuzz_target!(|input: Input| {
    let encoding = match input.encoding % 3 {
        0 => Encoding::Utf8,
        1 => Encoding::Utf16,
        _ => Encoding::Utf32,
    };
    let config = Config::default();
    let mut rope = Rope::from_str(&input.start);
    let mut analysis = Analysis::new(&input.start, &config);
    // The rules' findings kept from batch to batch, as the server keeps them.
    let mut rules = RuleCache::default();
    check_with(&analysis, &config, &NoFiles, &mut rules);
    for (n, batch) in input.edits.iter().take(16).enumerate() {
        let mut dirty: Option<Dirty> = None;
        for edit in batch.iter().take(8) {
            let range = Range::new(
                Position::new(u32::from(edit.start_line), u32::from(edit.start_column)),
                Position::new(u32::from(edit.end_line), u32::from(edit.end_column)),
            );
            // As `Document::apply` does.
            let next = replace(&mut rope, range, &edit.text, encoding);
            dirty = Some(dirty.map_or(next, |d| d.then(next)));
            // Positions round-trip at the edit's start (unless it falls
            // between the CR and LF of a line break, where no position is).
            if !inside_crlf(&rope, next.start) {
                let mut positions = Positions::of_rope(&rope, encoding);
                let at = positions.position(next.start);
                assert_eq!(positions.offset(at), next.start);
            }
        }
        let Some(dirty) = dirty else { continue };
        // Both ways of editing: copying the kept papers (a shared analysis)
        // and moving them (the server's own).
        analysis = match n % 2 {
            0 => analysis.edit(rope.clone(), dirty, &config),
            _ => analysis.into_edited(rope.clone(), dirty, &config),
        };
        let text = rope.to_string();
        let fresh = Analysis::new(&text, &config);
        assert_eq!(analysis.syntax, fresh.syntax);
        assert_eq!(analysis.stamps.len(), analysis.syntax.papers.len());
        let expected = check(&fresh, &config, &NoFiles);
        assert_eq!(check(&analysis, &config, &NoFiles), expected);
        assert_eq!(check_with(&analysis, &config, &NoFiles, &mut rules), expected);
        // Through the line table and through the rope, forward and alone.
        let table = LineTable::new(&rope);
        let mut with_table = Positions::new(&rope, &table, encoding);
        for offset in [0, text.len() / 2, text.len()] {
            let mut offset = offset;
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            if inside_crlf(&rope, offset) {
                continue;
            }
            assert_eq!(
                with_table.position(offset),
                Positions::of_rope(&rope, encoding).position(offset)
            );
        }
    }
});
