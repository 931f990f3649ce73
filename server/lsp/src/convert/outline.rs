//! The outline (`textDocument/documentSymbol`) in LSP terms:
//!
//! - [`OutlineJson`]: the tree of `DocumentSymbol`s written as JSON bytes,
//!   paper by paper, and kept between requests. After an edit only the
//!   papers with new stamps ([`digest_analysis::Analysis::stamps`]) are
//!   converted again; every other paper's JSON is copied with its line
//!   numbers moved. The outline of a 10 MB digest is 16,000 symbols and
//!   4 MB of JSON: its cost after an edit is then the copy, not the
//!   conversion.
//! - [`flat`]: the flat list of clients without hierarchical symbols.

use digest_analysis::features::{self, Symbol, SymbolKind as Kind};
use digest_analysis::syntax::Paper;
use digest_analysis::{Analysis, Stamp, StampMap, TextRange};
use ropey::RopeSlice;
use tower_lsp_server::ls_types::{Location, Position, SymbolInformation, SymbolKind, Uri};

use crate::positions::{Encoding, Positions};

/// The outline as a flat list, for clients without hierarchical symbols:
/// each paper, then its sections with the paper as their container.
#[allow(deprecated)]
pub fn flat(
    uri: &Uri,
    analysis: &Analysis,
    positions: &mut Positions<'_>,
) -> Vec<SymbolInformation> {
    let mut information = |s: &Symbol, container: Option<&str>| SymbolInformation {
        name: s.name.clone(),
        kind: symbol_kind(s.kind),
        tags: None,
        deprecated: None,
        location: Location::new(uri.clone(), positions.range(s.range)),
        container_name: container.map(str::to_string),
    };
    let mut flat = Vec::new();
    for paper in features::outline(analysis) {
        flat.push(information(&paper, None));
        for section in &paper.children {
            flat.push(information(section, Some(&paper.name)));
        }
    }
    flat
}

pub fn symbol_kind(kind: Kind) -> SymbolKind {
    match kind {
        Kind::Paper => SymbolKind::CLASS,
        Kind::Section => SymbolKind::FIELD,
    }
}

/// One document's outline as JSON, paper by paper, kept from one request
/// to the next (see the module's documentation).
#[derive(Default)]
pub struct OutlineJson {
    encoding: Encoding,
    papers: StampMap<PaperJson>,
}

impl OutlineJson {
    /// Appends to `out` the outline of `analysis` as a JSON array of
    /// `DocumentSymbol`s. Keeps
    /// the JSON of this analysis's papers (only) for the next call.
    pub fn write(&mut self, analysis: &Analysis, encoding: Encoding, out: &mut Vec<u8>) {
        if self.encoding != encoding {
            self.papers.clear();
            self.encoding = encoding;
        }
        // In order: each paper's heading line, stamp and JSON.
        let papers: Vec<(usize, Stamp, PaperJson)> = (analysis.syntax.papers.iter())
            .zip(&analysis.stamps)
            .map(|(paper, &stamp)| {
                let json = self
                    .papers
                    .remove(&stamp)
                    .unwrap_or_else(|| PaperJson::new(analysis, paper, encoding));
                (heading_line(analysis, paper), stamp, json)
            })
            .collect();
        // Room for every paper at once, counting 10 digits a line number:
        // a 4 MB answer is not grown by doubling.
        let size: usize = (papers.iter())
            .map(|(_, _, json)| json.bytes.len() + 10 * json.holes.len() + 1)
            .sum();
        out.reserve(size + 2);
        out.push(b'[');
        for (i, (first_line, _, json)) in papers.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            json.write(*first_line, out);
        }
        out.push(b']');
        self.papers = (papers.into_iter())
            .map(|(_, stamp, json)| (stamp, json))
            .collect();
    }
}

/// The line of a paper's heading.
fn heading_line(analysis: &Analysis, paper: &Paper) -> usize {
    let rope = &analysis.text;
    rope.byte_to_line(paper.range.start.min(rope.len_bytes()))
}

/// One paper's `DocumentSymbol` as JSON, its line numbers left out: they
/// count from the heading's line, which moves when lines are added above.
struct PaperJson {
    bytes: Vec<u8>,
    /// Where a line number goes in `bytes`, and its line relative to the
    /// heading's.
    holes: Vec<(u32, u32)>,
}

impl PaperJson {
    fn new(analysis: &Analysis, paper: &Paper, encoding: Encoding) -> Self {
        let base = analysis.text.line_to_byte(heading_line(analysis, paper));
        let text = analysis.slice(TextRange::new(base, paper.range.end.max(base)));
        let mut local = Local {
            positions: Positions::of_slice(RopeSlice::from(text.as_ref()), encoding),
            base,
        };
        let mut json = Self {
            bytes: Vec::with_capacity(512),
            holes: Vec::new(),
        };
        json.symbol(&features::paper_outline(analysis, paper), &mut local);
        json.bytes.shrink_to_fit();
        json.holes.shrink_to_fit();
        json
    }

    /// Writes the JSON with the paper's heading on line `first_line`.
    fn write(&self, first_line: usize, out: &mut Vec<u8>) {
        let mut numbers = itoa::Buffer::new();
        let mut at = 0;
        for &(hole, line) in &self.holes {
            let hole = (hole as usize).min(self.bytes.len());
            out.extend_from_slice(&self.bytes[at..hole]);
            let line = u32::try_from(first_line.saturating_add(line as usize));
            out.extend_from_slice(numbers.format(line.unwrap_or(u32::MAX)).as_bytes());
            at = hole;
        }
        out.extend_from_slice(&self.bytes[at..]);
    }

    fn symbol(&mut self, s: &Symbol, local: &mut Local<'_>) {
        self.bytes.extend_from_slice(b"{\"name\":");
        self.string(&s.name);
        if !s.detail.is_empty() {
            self.bytes.extend_from_slice(b",\"detail\":");
            self.string(&s.detail);
        }
        self.bytes.extend_from_slice(b",\"kind\":");
        // `SymbolKind::CLASS` and `FIELD`, as serde writes them.
        self.bytes.push(match s.kind {
            Kind::Paper => b'5',
            Kind::Section => b'8',
        });
        self.bytes.extend_from_slice(b",\"range\":");
        self.range(s.range, local);
        self.bytes.extend_from_slice(b",\"selectionRange\":");
        self.range(s.selection, local);
        if !s.children.is_empty() {
            self.bytes.extend_from_slice(b",\"children\":[");
            for (i, child) in s.children.iter().enumerate() {
                if i > 0 {
                    self.bytes.push(b',');
                }
                self.symbol(child, local);
            }
            self.bytes.push(b']');
        }
        self.bytes.push(b'}');
    }

    fn string(&mut self, s: &str) {
        // Writing to a Vec cannot fail, nor can serialising a str.
        let _ = serde_json::to_writer(&mut self.bytes, s);
    }

    fn range(&mut self, range: TextRange, local: &mut Local<'_>) {
        self.bytes.extend_from_slice(b"{\"start\":");
        self.position(local.position(range.start));
        self.bytes.extend_from_slice(b",\"end\":");
        self.position(local.position(range.end));
        self.bytes.push(b'}');
    }

    fn position(&mut self, position: Position) {
        self.bytes.extend_from_slice(b"{\"line\":");
        // A paper's JSON is far below 4 GB (its text is at most the file's).
        let at = u32::try_from(self.bytes.len()).unwrap_or(u32::MAX);
        self.holes.push((at, position.line));
        self.bytes.extend_from_slice(b",\"character\":");
        let mut numbers = itoa::Buffer::new();
        self.bytes
            .extend_from_slice(numbers.format(position.character).as_bytes());
        self.bytes.push(b'}');
    }
}

/// Positions within one paper's lines, counted from its heading's line.
struct Local<'a> {
    /// Positions in the paper's text, from its heading's line on.
    positions: Positions<'a>,
    /// Where that text starts in the document.
    base: usize,
}

impl Local<'_> {
    fn position(&mut self, offset: usize) -> Position {
        self.positions.position(offset.saturating_sub(self.base))
    }
}

/// The kept JSON outline equals the outline converted the plain way, after
/// any edits, in every encoding (CJK, emoji and CRLF together).
#[cfg(test)]
mod tests {
    use digest_analysis::{Config, Dirty};
    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::*;
    use crate::positions::{replace, strategies};

    const START: &str = "Digest 😀\r\nPaper1 A 中文\n摘要原文: 原文\r中文总结: 见Paper2\r\n\r\n  Paper2 B😀\n摘要原文: a\n中文总结:\n\nPaper3\r\n";

    const PIECES: &[&str] = &[
        "",
        "x",
        "\n",
        "\r",
        "\r\n",
        "😀",
        "中文",
        "Paper4 D\n",
        "\nPaper5 E 😀\r\n摘要原文: e\n",
        "摘要原文: a\n",
        "中文总结：",
    ];

    /// The outline as JSON the plain way: every position converted on
    /// its own, over the rope.
    fn typed(analysis: &Analysis, encoding: Encoding) -> Value {
        let rope = &analysis.text;
        let range = |r: TextRange| {
            let at = |offset| Positions::of_rope(rope, encoding).position(offset);
            let (start, end) = (at(r.start), at(r.end));
            json!({
                "start": {"line": start.line, "character": start.character},
                "end": {"line": end.line, "character": end.character},
            })
        };
        fn symbol(s: &Symbol, range: &dyn Fn(TextRange) -> Value) -> Value {
            let mut value = json!({
                "name": s.name,
                "kind": match s.kind { Kind::Paper => 5, Kind::Section => 8 },
                "range": range(s.range),
                "selectionRange": range(s.selection),
            });
            if !s.detail.is_empty() {
                value["detail"] = json!(s.detail);
            }
            if !s.children.is_empty() {
                value["children"] = s.children.iter().map(|c| symbol(c, range)).collect();
            }
            value
        }
        features::outline(analysis)
            .iter()
            .map(|s| symbol(s, &range))
            .collect()
    }

    fn kept(outline: &mut OutlineJson, analysis: &Analysis, encoding: Encoding) -> Value {
        let mut out = Vec::new();
        outline.write(analysis, encoding, &mut out);
        serde_json::from_slice(&out).unwrap_or_default()
    }

    #[test]
    fn a_paper_in_json() {
        let text = "Paper1 中😀\r\n摘要原文: x\n";
        let analysis = Analysis::new(text, &Config::default());
        let expected = json!([{
            "name": "Paper1 中😀",
            "kind": 5,
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 7}},
            "selectionRange": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 10}},
            "children": [{
                "name": "摘要原文",
                "detail": "abstract",
                "kind": 8,
                "range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 7}},
                "selectionRange": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 4}},
            }],
        }]);
        let mut outline = OutlineJson::default();
        assert_eq!(kept(&mut outline, &analysis, Encoding::Utf16), expected);
        assert_eq!(typed(&analysis, Encoding::Utf16), expected);
    }

    #[test]
    fn an_edit_converts_only_the_papers_it_touched() {
        let config = Config::default();
        let mut text = String::new();
        for n in 1..=6 {
            text.push_str(&format!("Paper{n} T{n}\n摘要原文: 原文{n}\n\n"));
        }
        let analysis = Analysis::new(&text, &config);
        let mut outline = OutlineJson::default();
        kept(&mut outline, &analysis, Encoding::Utf16);
        let before: Vec<*const u8> = analysis
            .stamps
            .iter()
            .map(|s| outline.papers[s].bytes.as_ptr())
            .collect();
        // A line added in Paper5: Paper4 to Paper6 are converted again,
        // Paper1 to Paper3 are the same bytes.
        let at = text.find("原文5").expect("Paper5");
        let mut rope = analysis.text.clone();
        rope.insert(rope.byte_to_char(at), "\n");
        let edited = analysis.edit(rope, Dirty::replace(TextRange::new(at, at), 1), &config);
        let value = kept(&mut outline, &edited, Encoding::Utf16);
        assert_eq!(value, typed(&edited, Encoding::Utf16));
        let after: Vec<*const u8> = edited
            .stamps
            .iter()
            .map(|s| outline.papers[s].bytes.as_ptr())
            .collect();
        assert_eq!(after[..3], before[..3]);
        assert!(after[3..].iter().all(|p| !before.contains(p)));
        assert_eq!(outline.papers.len(), 6, "only the current papers are kept");
        assert_eq!(value[5]["range"]["start"]["line"], 16);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn the_kept_outline_equals_the_typed_one(
            encoding in strategies::encoding(),
            edits in strategies::edits(10, 16, PIECES.len(), 16),
        ) {
            let config = Config::default();
            let mut analysis = Analysis::new(START, &config);
            let mut outline = OutlineJson::default();
            prop_assert_eq!(kept(&mut outline, &analysis, encoding), typed(&analysis, encoding));
            for (range, piece) in edits {
                let mut rope = analysis.text.clone();
                let dirty = replace(&mut rope, range, PIECES[piece], encoding);
                analysis = analysis.into_edited(rope, dirty, &config);
                prop_assert_eq!(kept(&mut outline, &analysis, encoding), typed(&analysis, encoding));
            }
        }
    }
}
