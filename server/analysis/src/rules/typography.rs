//! The typography rules of the spec's "Typography (opt-in)":
//! `cjk-spacing`, `cjk-punctuation` and `fullwidth-alphanumeric`. They are
//! off by default; when all three are off nothing here runs. Each finding
//! carries its fix; [`fix_all`] gathers every fix of a file.
//!
//! The scan is linear: each stretch is read once into its characters (of a
//! run of Han characters or of Latin letters, only the first and the last
//! are kept, which is all the rules look at), then each rule walks them.
//!
//! **What is read.** Only the text of the sections whose kind
//! [`TypographyOptions::sections`] lists, with these *cut out*: the
//! paper's links and references as the parser found them (URLs, Markdown
//! and angle links, links without a scheme, `Paper3`, `[[...]]`), and code
//! spans (a run of backticks up to the next run of the same length on the
//! same line). What is left is read in *stretches*: a piece of one line
//! between cut-outs. No finding spans a cut-out or a line end: a Latin
//! letter next to a link or to `Paper3` is never told to take a space.
//!
//! **Characters.** Han: the CJK Unified Ideographs with their extensions
//! and the compatibility ideographs; not kana, hangul or CJK punctuation
//! (the spec speaks of Han; Japanese spacing habits differ). Latin: ASCII
//! letters and digits, and the letters of Latin-1 and Latin Extended-A/B
//! (`Poincaré猜想` wants a space too). Full-width: `０-９ Ａ-Ｚ ａ-ｚ`.
//! Space: any white space but a line end.
//!
//! **The rules.**
//! - `cjk-spacing`, `spacing = "space"`: a Han character and a Latin letter
//!   or digit side by side, either order, except a digit before one of
//!   `年月日号时分秒个` (`%℃°` are not Han: nothing to do). The range is
//!   the two characters around the gap: an empty range at the gap is all
//!   but invisible in editors (VS Code draws it under the whole word
//!   around it, here the whole run of Chinese text). The fix inserts one
//!   space. With `spacing = "none"`: the spaces between them (the range),
//!   which the fix deletes.
//! - `cjk-punctuation`: a half-width `, ; : ? ! ( )` whose nearest
//!   non-space character on either side (in its stretch) is Han, or a `.`
//!   right after a Han character and followed by a space, a Han character
//!   or the end of the line. Never the `,` or `.` between two digits
//!   (`1,000`, `3.5`). The range is the character; the fix writes its
//!   full-width form and deletes the spaces on either side of it that lie
//!   between it and another character of the line (`模型 (ResNet) 的` ->
//!   `模型（ResNet）的`: full-width punctuation carries its own space), not
//!   the indentation nor trailing white space (the formatter's). A `(` or
//!   `)` whose partner (matched within the section) is fixed is fixed too,
//!   so that `方法(ResNet).` gives `方法（ResNet）.`, not a mixed pair.
//! - `fullwidth-alphanumeric`: one finding per run of full-width letters and
//!   digits (`ＣＯＣＯ` is one word to fix, not four findings); the fix
//!   writes the half-width form. Where that rule is on, `cjk-spacing` reads
//!   such a run as the Latin word it becomes, so that the fixes together
//!   leave nothing to find (`用ＣＯＣＯ训练` -> `用 COCO 训练`).
//!
//! **Fixes that would change what the parser sees are not offered** (and
//! their findings not reported), so that fixing, and formatting with the
//! rules on, keep the papers, sections, links and references:
//! - a full-width run next to a cut-out (`ＡＢPaper3` -> `ABPaper3` would
//!   no longer be a reference);
//! - a full-width run whose half-width form would make or unmake a link or
//!   a reference in its word (`ｇｉｔｈｕｂ.com/a`, `Ｐａｐｅｒ３`): the
//!   word is scanned before and after with the parser's inline scanner;
//! - a `:` before a link without a scheme (`见:github.com/a` is not a link,
//!   `见：github.com/a` is);
//! - on a line that starts at column 0, when its fixes together would
//!   change what the line is (a heading, a known label, a label-like line
//!   with its text, or plain text: `中文总结 : 文字` would become the label
//!   `中文总结：`), the fixes within its first characters, those the
//!   parser reads to tell (up to the first colon, and the keyword and
//!   number of a heading); a parenthesis left so leaves its partner too.
//!
//! **From autocorrect and zhlint.** Taken: the space between Han and
//! Latin letters or digits, or none (autocorrect `space-word`; zhlint
//! `spaceBetweenMixedwidthContent`, true or false, with its `skipZhUnits`
//! for `2023年`); full-width punctuation in Chinese text without spaces
//! around it (autocorrect `fullwidth` and `no-space-fullwidth`; zhlint
//! `fullwidthPunctuation`, `noSpaceBeforePauseOrStop`,
//! `noSpaceAfterFullwidthPauseOrStop`); half-width letters and digits
//! (autocorrect `halfwidth-word`); links and code left alone. Left out:
//! spaces around brackets, dashes, quotes and code spans (autocorrect
//! `space-bracket`, `space-dash`, `space-backticks`; zhlint
//! `spaceOutsideCode`), half-width punctuation in English text
//! (`halfwidth-punctuation`), quote, ellipsis and traditional/simplified
//! punctuation unification, spell checking, kana and hangul.

use std::borrow::Cow;
use std::sync::Arc;

use crate::syntax::{Inline, LABEL_LIKE_MAX_CHARS, Paper, RefTarget, Section, SourceFile, inline};
use crate::{Analysis, Config, TextEdit, TextRange};

use super::{Problem, Rule, Sink};

/// Spacing between Han characters and Latin letters or digits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Spacing {
    /// One space between them: `使用 COCO 数据集`.
    #[default]
    Space,
    /// No space: `使用COCO数据集`.
    None,
}

/// The `[typography]` options.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypographyOptions {
    pub spacing: Spacing,
    /// The section kinds the rules read.
    pub sections: Vec<String>,
}

impl Default for TypographyOptions {
    fn default() -> Self {
        Self {
            spacing: Spacing::Space,
            sections: vec!["summary".to_string(), "notes".to_string()],
        }
    }
}

/// The typography options `config` gives.
pub fn typography_options(config: &Config) -> TypographyOptions {
    config.typography.clone()
}

/// True when any of the three rules is on.
pub fn any_on(config: &Config) -> bool {
    [
        Rule::CjkSpacing,
        Rule::CjkPunctuation,
        Rule::FullwidthAlphanumeric,
    ]
    .into_iter()
    .any(|rule| config.severity(rule).is_some())
}

/// A finding of one of the three rules, with its fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub range: TextRange,
    pub problem: Problem,
    /// The fix in pieces, each starting where the previous one ends.
    pieces: Vec<TextEdit>,
    /// For a `(` or `)`: the fix of its partner when that is fixed too.
    partner: Vec<TextEdit>,
}

impl Finding {
    /// The fix of this finding alone, as one edit.
    pub fn edit(&self) -> TextEdit {
        let start = self
            .pieces
            .first()
            .map_or(self.range.start, |p| p.range.start);
        let end = self.pieces.last().map_or(start, |p| p.range.end);
        TextEdit {
            range: TextRange::new(start, end),
            new_text: self.pieces.iter().map(|p| p.new_text.as_str()).collect(),
        }
    }

    /// The quick fix: [`Finding::edit`], and for a `(` or `)` whose partner
    /// is fixed too, the partner's fix (fixing one of a pair alone would
    /// pair the other with another parenthesis), for a full-width run the
    /// other runs of its word. Sorted, apart.
    pub fn edits(&self) -> Vec<TextEdit> {
        if self.partner.is_empty() {
            return vec![self.edit()];
        }
        let mut pieces: Vec<TextEdit> = self.pieces.iter().chain(&self.partner).cloned().collect();
        join_pieces(&mut pieces)
    }
}

/// Pieces of fixes as edits: sorted, a piece two fixes share taken once,
/// pieces that touch joined into one edit; apart.
fn join_pieces(pieces: &mut Vec<TextEdit>) -> Vec<TextEdit> {
    pieces.sort_by_key(|p| (p.range.start, p.range.end));
    pieces.dedup();
    let mut out: Vec<TextEdit> = Vec::new();
    for piece in pieces.drain(..) {
        match out.last_mut() {
            Some(last) if piece.range.start < last.range.end => {} // cannot happen
            Some(last) if piece.range.start == last.range.end => {
                last.range.end = piece.range.end;
                last.new_text.push_str(&piece.new_text);
            }
            _ => out.push(piece),
        }
    }
    out
}

/// The typography findings of `paper`, in text order; none when the three
/// rules are off.
pub fn findings(analysis: &Analysis, paper: &Paper, config: &Config) -> Vec<Finding> {
    if !any_on(config) {
        return Vec::new();
    }
    findings_with(analysis, paper, config, typography_options(config))
}

/// [`findings`] under the given options rather than the configuration's.
pub fn findings_with(
    analysis: &Analysis,
    paper: &Paper,
    config: &Config,
    options: TypographyOptions,
) -> Vec<Finding> {
    let Some(typography) = Typography::new(config, options) else {
        return Vec::new();
    };
    let name: Arc<str> = text_of(analysis, paper.name_range()).into();
    let mut scan = Scan::new(&typography);
    let mut out = Vec::new();
    for section in typography.sections(paper) {
        let text = text_of(analysis, section.text);
        let base = section.text.start;
        scan.section(&text, base, &paper.inline);
        for found in &scan.found {
            let mut pieces = Vec::new();
            found.fix.pieces(&text, base, &mut pieces);
            let mut partner = Vec::new();
            for other in scan.partners_of(found) {
                other.fix.pieces(&text, base, &mut partner);
            }
            out.push(Finding {
                range: found.range.shifted(base as isize),
                problem: found.problem(&text, &name),
                pieces,
                partner,
            });
        }
    }
    out
}

/// Every typography fix of the file, as edits that are sorted and neither
/// overlap nor touch; applied together they leave nothing for the three
/// rules to find. None when the rules are off.
pub fn fix_all(analysis: &Analysis, config: &Config) -> Vec<TextEdit> {
    if !any_on(config) {
        return Vec::new();
    }
    fix_all_with(analysis, config, typography_options(config))
}

/// [`fix_all`] under the given options rather than the configuration's.
pub fn fix_all_with(
    analysis: &Analysis,
    config: &Config,
    options: TypographyOptions,
) -> Vec<TextEdit> {
    let Some(typography) = Typography::new(config, options) else {
        return Vec::new();
    };
    let text = analysis.slice(TextRange::new(0, analysis.text.len_bytes()));
    fix_all_in(&text, &analysis.syntax, &typography)
}

/// [`fix_all`] for a text and its syntax (`syntax` must be `text` parsed
/// under `config`; with another the edits are wrong, but nothing panics).
pub fn fix_all_source(text: &str, syntax: &SourceFile, config: &Config) -> Vec<TextEdit> {
    if !any_on(config) {
        return Vec::new();
    }
    match Typography::new(config, typography_options(config)) {
        Some(typography) => fix_all_in(text, syntax, &typography),
        None => Vec::new(),
    }
}

fn fix_all_in(text: &str, syntax: &SourceFile, typography: &Typography<'_>) -> Vec<TextEdit> {
    let mut pieces = Vec::new();
    let mut scan = Scan::new(typography);
    for paper in &syntax.papers {
        for section in typography.sections(paper) {
            let Some(body) = text.get(section.text.start..section.text.end) else {
                continue;
            };
            scan.section(body, section.text.start, &paper.inline);
            for found in &scan.found {
                found.fix.pieces(body, section.text.start, &mut pieces);
            }
        }
    }
    // Two findings can share a piece: the space between `,` and `,` that
    // both delete.
    join_pieces(&mut pieces)
}

/// The rules as one check runs them, paper after paper: the
/// configuration read once, the scan's buffers kept from one paper to the
/// next. `None` when the three rules are off.
pub(super) fn for_check(config: &Config) -> Option<Typography<'_>> {
    if !any_on(config) {
        return None;
    }
    Typography::new(config, typography_options(config))
}

/// A typography finding as the rule cache keeps it: its range and what it
/// is about, at offsets from its paper's start, worded only when it is
/// shown (a file can have a finding every hundred bytes, and only the
/// first [`super::MAX_DIAGNOSTICS`] of a file are shown). 24 bytes, where a
/// [`super::Diagnostic`] takes 150 and the strings it holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Kept {
    start: u32,
    end: u32,
    what: KeptWhat,
}

/// [`What`], its word at offsets from the paper's start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeptWhat {
    Spacing {
        insert: bool,
        han_first: bool,
        han: char,
        word_start: u32,
        word_end: u32,
    },
    Punct(char),
    Fullwidth,
}

impl Kept {
    /// `found` (offsets in a section's text that starts `base` bytes after
    /// the paper's start), or `None` when an offset does not fit.
    fn new(found: &Found, base: usize) -> Option<Kept> {
        let at = |offset: usize| u32::try_from(offset + base).ok();
        let what = match found.what {
            What::Spacing {
                insert,
                han,
                han_first,
                word,
            } => KeptWhat::Spacing {
                insert,
                han_first,
                han,
                word_start: at(word.start)?,
                word_end: at(word.end)?,
            },
            What::Punct(c) => KeptWhat::Punct(c),
            What::Fullwidth => KeptWhat::Fullwidth,
        };
        Some(Kept {
            start: at(found.range.start)?,
            end: at(found.range.end)?,
            what,
        })
    }

    pub(super) fn rule(self) -> Rule {
        match self.what {
            KeptWhat::Spacing { .. } => Rule::CjkSpacing,
            KeptWhat::Punct(_) => Rule::CjkPunctuation,
            KeptWhat::Fullwidth => Rule::FullwidthAlphanumeric,
        }
    }

    /// Its range in the digest, for a paper that starts at `start`.
    pub(super) fn range(self, start: usize) -> TextRange {
        TextRange::new(start + self.start as usize, start + self.end as usize)
    }

    /// Its problem, worded from the text of `analysis`, for a paper that
    /// starts at `start` and is named `paper`.
    pub(super) fn problem(self, analysis: &Analysis, start: usize, paper: &Arc<str>) -> Problem {
        let at = |offset: u32| start + offset as usize;
        let what = match self.what {
            KeptWhat::Spacing {
                insert,
                han_first,
                han,
                word_start,
                word_end,
            } => What::Spacing {
                insert,
                han,
                han_first,
                word: TextRange::new(at(word_start), at(word_end)),
            },
            KeptWhat::Punct(c) => What::Punct(c),
            KeptWhat::Fullwidth => What::Fullwidth,
        };
        what.problem(self.range(start), |range| text_of(analysis, range), paper)
    }
}

/// The typography findings of a paper: kept, in text order, in `kept`, at
/// offsets from the paper's start; the rare finding whose offsets do not
/// fit a [`Kept`] goes to `sink` as a diagnostic.
pub(super) fn paper_rules(
    analysis: &Analysis,
    paper: &Paper,
    scan: &mut Scan<'_>,
    sink: &mut Sink<'_>,
    kept: &mut Vec<Kept>,
) {
    let start = paper.range.start;
    let mut name: Option<Arc<str>> = None;
    let mut room = std::mem::take(&mut scan.text);
    for section in scan.ty.sections(paper) {
        let text = text_in(analysis, section.text, &mut room);
        let base = section.text.start;
        scan.section(text, base, &paper.inline);
        kept.reserve(scan.found.len());
        for found in &scan.found {
            match Kept::new(found, base - start) {
                Some(k) => kept.push(k),
                None => {
                    let name =
                        name.get_or_insert_with(|| text_of(analysis, paper.name_range()).into());
                    let range = found.range.shifted(base as isize);
                    sink.push(range, found.problem(text, name), Vec::new());
                }
            }
        }
    }
    scan.text = room;
}

/// The text of `range`, as [`Analysis::slice`] gives it but without the
/// character counting that a rope slice costs: borrowed when one chunk of
/// the rope holds it.
pub(super) fn text_of(analysis: &Analysis, range: TextRange) -> Cow<'_, str> {
    if let Some(piece) = in_one_chunk(analysis, range) {
        return Cow::Borrowed(piece);
    }
    let mut out = String::new();
    copy_chunks(analysis, range, &mut out);
    Cow::Owned(out)
}

/// The text of `range` when one chunk of the rope holds it (found without
/// the iterator over chunks that the other case needs).
fn in_one_chunk(analysis: &Analysis, range: TextRange) -> Option<&str> {
    let (chunk, at, _, _) = analysis.text.get_chunk_at_byte(range.start)?;
    chunk.get(range.start - at..range.end.checked_sub(at)?)
}

/// Appends to `out` the pieces of `range` that the rope holds in more than
/// one chunk (the one-chunk case is [`in_one_chunk`]'s); the one walk over
/// the chunks that [`text_of`] and [`text_in`] share.
fn copy_chunks(analysis: &Analysis, range: TextRange, out: &mut String) {
    let Some((chunks, mut at, _, _)) = analysis.text.get_chunks_at_byte(range.start) else {
        return;
    };
    for chunk in chunks {
        if at >= range.end {
            break;
        }
        let from = range.start.saturating_sub(at);
        let to = (range.end - at).min(chunk.len());
        out.push_str(chunk.get(from..to).unwrap_or(""));
        at += chunk.len();
    }
}

/// [`text_of`], the pieces of a text that the rope holds in pieces copied
/// into `room` (a buffer kept from one call to the next).
fn text_in<'a>(analysis: &'a Analysis, range: TextRange, room: &'a mut String) -> &'a str {
    if let Some(piece) = in_one_chunk(analysis, range) {
        return piece;
    }
    room.clear();
    copy_chunks(analysis, range, room);
    room
}

/// The half-width form of full-width letters and digits (other characters
/// as they are).
pub fn half_width_of(text: &str) -> String {
    text.chars().map(half_width).collect()
}

/// What the rules need from a configuration, worked out once.
pub(super) struct Typography<'c> {
    config: &'c Config,
    options: TypographyOptions,
    spacing: bool,
    punctuation: bool,
    fullwidth: bool,
    /// How far the parser looks for a label's colon, in characters.
    label_chars: usize,
    /// The longest heading keyword, in characters.
    keyword_chars: usize,
}

impl<'c> Typography<'c> {
    /// `None` when the three rules are off.
    fn new(config: &'c Config, options: TypographyOptions) -> Option<Self> {
        let on = |rule| config.severity(rule).is_some();
        let spacing = on(Rule::CjkSpacing);
        let punctuation = on(Rule::CjkPunctuation);
        let fullwidth = on(Rule::FullwidthAlphanumeric);
        if !(spacing || punctuation || fullwidth) {
            return None;
        }
        let chars = |s: &String| s.chars().count();
        let longest_label = config.sections.iter().flat_map(|k| &k.labels).map(chars);
        Some(Self {
            config,
            options,
            spacing,
            punctuation,
            fullwidth,
            label_chars: longest_label.max().unwrap_or(0).max(LABEL_LIKE_MAX_CHARS),
            keyword_chars: config.keywords.iter().map(chars).max().unwrap_or(0),
        })
    }

    /// The paper's sections that the rules read.
    fn sections<'p>(
        &self,
        paper: &'p Paper,
    ) -> impl Iterator<Item = &'p Section> + use<'p, '_, 'c> {
        let kinds = &self.options.sections;
        (paper.sections.iter()).filter(move |s| kinds.iter().any(|k| **k == *s.kind))
    }
}

/// Where a stretch starts or ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Edge {
    /// The start or end of the section's text.
    Text,
    /// A line end.
    Line,
    /// A cut-out.
    Cut,
}

/// What a character is to the rules. Without fields, so that the tests of
/// several classes at once ([`Class::latin`]) compile to a mask, not to
/// branches: the scan runs them for every pair of characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    Han,
    /// A Latin letter.
    Letter,
    /// An ASCII digit.
    Digit,
    /// A full-width letter or digit.
    FullLetter,
    FullDigit,
    /// A full-width letter or digit that the rule fixes.
    FixedLetter,
    FixedDigit,
    Space,
    /// One of `, ; : ? ! ( ) .`.
    Punct,
    Other,
}

impl Class {
    /// The class of an ASCII character.
    fn ascii(b: u8) -> Class {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' => Class::Letter,
            b'0'..=b'9' => Class::Digit,
            b',' | b';' | b':' | b'?' | b'!' | b'(' | b')' | b'.' => Class::Punct,
            b'\n' | b'\r' => Class::Other,
            b' ' | b'\t' | b'\x0b' | b'\x0c' => Class::Space,
            _ => Class::Other,
        }
    }

    fn of(c: char) -> Class {
        match c {
            c if c.is_ascii() => Class::ascii(c as u8),
            c if is_han(c) => Class::Han,
            '０'..='９' => Class::FullDigit,
            'Ａ'..='Ｚ' | 'ａ'..='ｚ' => Class::FullLetter,
            '\u{c0}'..='\u{24f}' if c != '×' && c != '÷' => Class::Letter,
            // Chinese and full-width punctuation, without the look-up of
            // `is_whitespace` (the ideographic space U+3000 is white space).
            '\u{3001}'..='\u{303f}' | '\u{ff01}'..='\u{ff5e}' => Class::Other,
            c if c.is_whitespace() => Class::Space,
            _ => Class::Other,
        }
    }

    /// A Latin letter or digit, or a full-width one that is fixed into one.
    fn latin(self) -> bool {
        matches!(
            self,
            Class::Letter | Class::Digit | Class::FixedLetter | Class::FixedDigit
        )
    }

    /// A Latin letter or digit as written (not full-width).
    fn half_latin(self) -> bool {
        matches!(self, Class::Letter | Class::Digit)
    }

    /// A full-width letter or digit, fixed or not.
    fn full(self) -> bool {
        matches!(
            self,
            Class::FullLetter | Class::FullDigit | Class::FixedLetter | Class::FixedDigit
        )
    }

    fn digit(self) -> bool {
        matches!(self, Class::Digit | Class::FullDigit | Class::FixedDigit)
    }

    /// The class of a full-width letter or digit once the rule fixes it.
    fn fixed(self) -> Class {
        match self {
            Class::FullLetter => Class::FixedLetter,
            Class::FullDigit => Class::FixedDigit,
            class => class,
        }
    }
}

/// A Han character: CJK Unified Ideographs, extensions A to I, and the
/// compatibility ideographs.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4e00}'..='\u{9fff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{f900}'..='\u{faff}'
        | '\u{20000}'..='\u{2ee5f}'
        | '\u{2f800}'..='\u{2fa1f}'
        | '\u{30000}'..='\u{323af}')
}

/// True when a character whose first two bytes are these is a Han
/// character of U+4000..U+9FFF (three bytes, lead byte `E4`..`E9`, less
/// the Yijing hexagrams U+4DC0..U+4DFF).
fn bmp_han_lead(first: u8, second: u8) -> bool {
    (first.wrapping_sub(0xE4) <= 5) & !((first == 0xE4) & (second == 0xB7))
}

/// The character of three bytes of UTF-8 (U+0800..U+FFFF), decoded
/// without the checks of `str::chars`: the bytes come from a `str`.
fn bmp_char(bytes: &[u8]) -> char {
    let [a, b, c] = [bytes[0], bytes[1], bytes[2]].map(u32::from);
    let code = ((a & 0x0F) << 12) | ((b & 0x3F) << 6) | (c & 0x3F);
    char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
}

/// Characters after which a digit needs no space.
const UNITS: &[char] = &['年', '月', '日', '号', '时', '分', '秒', '个'];

/// The full-width form of a punctuation character the rule converts.
pub fn full_width(c: char) -> char {
    match c {
        ',' => '，',
        ';' => '；',
        ':' => '：',
        '?' => '？',
        '!' => '！',
        '(' => '（',
        ')' => '）',
        '.' => '。',
        c => c,
    }
}

/// The half-width form of a full-width letter or digit.
fn half_width(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
            char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c)
        }
        c => c,
    }
}

/// The longest word a message quotes, in characters.
const WORD_CHARS: usize = 20;

#[derive(Clone, Copy, Debug)]
struct Ch {
    /// Offset in the section's text.
    at: usize,
    c: char,
    class: Class,
}

impl Ch {
    fn end(self) -> usize {
        self.at + self.c.len_utf8()
    }
}

/// A fix, as the scan finds it (offsets in the section's text); its edits
/// are made only when asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fix {
    /// A space inserted here.
    Space(usize),
    /// The range deleted.
    Delete(TextRange),
    /// The half-width punctuation `c` at `at` written full-width, the
    /// spaces `from..at` and `at + 1..to` deleted.
    Punct {
        from: usize,
        at: usize,
        to: usize,
        c: char,
    },
    /// The full-width letters and digits of the range written half-width.
    Half(TextRange),
}

impl Fix {
    /// Where its first piece starts.
    fn start(self) -> usize {
        match self {
            Fix::Space(at) => at,
            Fix::Delete(range) | Fix::Half(range) => range.start,
            Fix::Punct { from, .. } => from,
        }
    }

    /// Appends its pieces, at offsets of the digest (`base` added), to
    /// `out`; `text`: the section's text.
    fn pieces(self, text: &str, base: usize, out: &mut Vec<TextEdit>) {
        let at = |start: usize, end: usize| TextRange::new(start + base, end + base);
        match self {
            Fix::Space(offset) => out.push(edit(at(offset, offset), " ".to_string())),
            Fix::Delete(range) => out.push(edit(at(range.start, range.end), String::new())),
            Fix::Half(range) => {
                let half = half_width_of(range.slice(text));
                out.push(edit(at(range.start, range.end), half));
            }
            Fix::Punct {
                from,
                at: c_at,
                to,
                c,
            } => {
                if from < c_at {
                    out.push(edit(at(from, c_at), String::new()));
                }
                out.push(edit(at(c_at, c_at + 1), full_width(c).to_string()));
                if c_at + 1 < to {
                    out.push(edit(at(c_at + 1, to), String::new()));
                }
            }
        }
    }
}

/// What a finding is about, as the scan finds it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    /// A space to insert or delete between the Han character and the Latin
    /// word (its range), the Han character first or not.
    Spacing {
        insert: bool,
        han: char,
        han_first: bool,
        word: TextRange,
    },
    Punct(char),
    Fullwidth,
}

/// A finding as the scan finds it (offsets in the section's text).
#[derive(Clone, Copy, Debug)]
struct Found {
    range: TextRange,
    what: What,
    fix: Fix,
    /// The range of a parenthesis's partner, when that is fixed too.
    partner: Option<TextRange>,
}

impl Found {
    /// The problem, worded from `text` (the section's).
    fn problem(&self, text: &str, paper: &Arc<str>) -> Problem {
        let slice = |range: TextRange| Cow::Borrowed(range.slice(text));
        self.what.problem(self.range, slice, paper)
    }
}

impl What {
    /// The problem of a finding at `range`, worded from the text that
    /// `slice` gives for a range.
    fn problem<'t>(
        self,
        range: TextRange,
        slice: impl Fn(TextRange) -> Cow<'t, str>,
        paper: &Arc<str>,
    ) -> Problem {
        let paper = paper.clone();
        match self {
            What::Spacing {
                insert,
                han,
                han_first,
                word,
            } => {
                let word = slice(word);
                let word: Arc<str> = match word.char_indices().nth(WORD_CHARS) {
                    None => word.into(),
                    Some((cut, _)) if han_first => format!("{}…", &word[..cut]).into(),
                    Some(_) => {
                        let keep = word.char_indices().rev().nth(WORD_CHARS - 1);
                        format!("…{}", &word[keep.map_or(0, |(i, _)| i)..]).into()
                    }
                };
                Problem::CjkSpacing {
                    paper,
                    han,
                    word,
                    han_first,
                    insert,
                }
            }
            What::Punct(written) => Problem::CjkPunctuation {
                paper,
                written,
                fullwidth: full_width(written),
            },
            What::Fullwidth => Problem::FullwidthAlphanumeric {
                paper,
                written: slice(range).into(),
            },
        }
    }
}

/// A `(` or `)`, decided once its section's pairs are known.
#[derive(Clone, Copy, Debug)]
struct Paren {
    /// Its own finding, without the partner.
    hit: bool,
    open: bool,
    fix: Fix,
    at: usize,
}

/// The scan of sections, one at a time; the buffers are kept from one to
/// the next.
pub(super) struct Scan<'a> {
    ty: &'a Typography<'a>,
    /// The current section's findings, sorted.
    found: Vec<Found>,
    /// The current stretch.
    chars: Vec<Ch>,
    /// The current section's cut-outs, sorted and apart.
    cuts: Vec<TextRange>,
    parens: Vec<Paren>,
    /// The parentheses that the line guard left out.
    dropped: Vec<TextRange>,
    /// Room for [`Scan::merge_found`].
    spare: Vec<Found>,
    /// The current stretch's pairs of characters `k - 1` and `k` (by `k`)
    /// that are a Han character and a Latin letter or digit, either order.
    gaps: Vec<usize>,
    /// The current stretch's `, ; : ? ! ( ) .` (by index).
    puncts: Vec<usize>,
    /// Whether the current stretch has a full-width letter or digit.
    full: bool,
    /// Room for a section's text that the rope holds in pieces.
    text: String,
}

impl<'a> Scan<'a> {
    pub(super) fn new(ty: &'a Typography<'a>) -> Self {
        Self {
            ty,
            found: Vec::new(),
            chars: Vec::new(),
            cuts: Vec::new(),
            parens: Vec::new(),
            dropped: Vec::new(),
            spare: Vec::new(),
            gaps: Vec::new(),
            puncts: Vec::new(),
            full: false,
            text: String::new(),
        }
    }

    /// The findings fixed together with `found`: a parenthesis's partner,
    /// or the other full-width runs of its word.
    fn partners_of<'s>(&'s self, found: &'s Found) -> impl Iterator<Item = &'s Found> + 's {
        let (one, word) = match (found.what, found.partner) {
            (_, None) => (None, None),
            (What::Fullwidth, Some(word)) => (None, Some(word)),
            (_, Some(range)) => {
                let i = (self.found).binary_search_by_key(&(range.start, range.end), |f| {
                    (f.range.start, f.range.end)
                });
                (i.ok().map(|i| &self.found[i]), None)
            }
        };
        let runs = word.into_iter().flat_map(move |word| {
            self.found.iter().filter(move |f| {
                matches!(f.what, What::Fullwidth)
                    && word.contains_range(f.range)
                    && f.range != found.range
            })
        });
        one.into_iter().chain(runs)
    }

    /// Scans a section's text, which starts at offset `base` of the digest,
    /// in a paper whose links and references are `inline`; its findings are
    /// then in [`Scan::found`].
    fn section(&mut self, text: &str, base: usize, inline: &Inline) {
        self.found.clear();
        if !text.bytes().any(|b| b >= 0xE3) {
            // Nothing at or above U+3400: no Han, no full-width letter.
            return;
        }
        self.parens.clear();
        self.cut_outs(text, base, inline);
        let end = text.len();
        let mut from = 0;
        let mut edge = Edge::Text;
        for i in 0..=self.cuts.len() {
            let (to, next) = match self.cuts.get(i) {
                Some(cut) => (cut.start, Some(cut.end)),
                None => (end, None),
            };
            let to_edge = if next.is_some() {
                Edge::Cut
            } else {
                Edge::Text
            };
            self.lines(text, from, to.max(from), edge, to_edge);
            if let Some(next) = next {
                from = next.max(from);
                edge = Edge::Cut;
            }
        }
        // Each stretch's findings are in order, and the stretches are;
        // then the parentheses, in order.
        let parens = self.found.len();
        self.decide_parens();
        self.merge_found(0, parens);
        // No two findings start at one offset.
        if !(self.found).is_sorted_by_key(|f| (f.range.start, f.range.end)) {
            (self.found).sort_unstable_by_key(|f| (f.range.start, f.range.end));
        }
        self.dropped.clear();
        self.guard_line_starts(text);
        // A parenthesis goes with its partner, a full-width run with the
        // others of its word: fixed together or not at all.
        if !self.dropped.is_empty() {
            let dropped = &self.dropped;
            (self.found).retain(|f| !f.partner.is_some_and(|p| dropped.contains(&p)));
        }
    }

    /// The links, references and code spans of the section's text (which
    /// starts at `base`), sorted and merged, at offsets of the text.
    fn cut_outs(&mut self, text: &str, base: usize, inline: &Inline) {
        self.cuts.clear();
        let (lo, hi) = (base, base + text.len());
        let add = |range: TextRange, cuts: &mut Vec<TextRange>| {
            if range.end > lo && range.start < hi {
                cuts.push(TextRange::new(
                    range.start.max(lo) - base,
                    range.end.min(hi) - base,
                ));
            }
        };
        let links = &inline.links;
        let first = links.partition_point(|l| l.range.end <= lo);
        for link in links[first..].iter().take_while(|l| l.range.start < hi) {
            add(link.range, &mut self.cuts);
        }
        let references = &inline.references;
        let first = references.partition_point(|r| r.range.end <= lo);
        for reference in references[first..]
            .iter()
            .take_while(|r| r.range.start < hi)
        {
            add(reference.range, &mut self.cuts);
        }
        self.cuts.sort_unstable();
        self.code_spans(text);
        self.cuts.sort_unstable();
        self.cuts.dedup_by(|cut, last| {
            let overlap = cut.start <= last.end;
            if overlap {
                last.end = last.end.max(cut.end);
            }
            overlap
        });
    }

    /// Adds the code spans of `text` to the cut-outs (sorted, of links and
    /// references only): on each line, a run of backticks up to the next
    /// run of the same length; backticks in links don't count.
    fn code_spans(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let end = bytes.len();
        if memchr::memchr(b'`', bytes).is_none() {
            return;
        }
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut spans = Vec::new();
        let mut line = 0;
        let mut cut = 0;
        while line < end {
            let line_end = memchr::memchr2(b'\n', b'\r', &bytes[line..]).map_or(end, |i| line + i);
            runs.clear();
            let mut at = line;
            while let Some(i) = memchr::memchr(b'`', &bytes[at..line_end]) {
                let run_start = at + i;
                let len = (bytes[run_start..line_end].iter())
                    .take_while(|&&b| b == b'`')
                    .count();
                at = run_start + len;
                while self.cuts.get(cut).is_some_and(|c| c.end <= run_start) {
                    cut += 1;
                }
                if self.cuts.get(cut).is_none_or(|c| c.start > run_start) {
                    runs.push((run_start, len));
                }
            }
            // A run with no partner of its length leaves the others of that
            // length without one too: looked for once.
            let mut unmatched: Vec<usize> = Vec::new();
            let mut i = 0;
            while i < runs.len() {
                let (open, len) = runs[i];
                let partner = match unmatched.contains(&len) {
                    true => None,
                    false => runs[i + 1..].iter().position(|r| r.1 == len),
                };
                match partner {
                    Some(k) => {
                        let close = runs[i + 1 + k].0 + len;
                        spans.push(TextRange::new(open, close));
                        i += k + 2;
                    }
                    None => {
                        unmatched.push(len);
                        i += 1;
                    }
                }
            }
            line = line_end + 1;
        }
        self.cuts.extend(spans);
    }

    /// The stretches of `start..end` (between two cut-outs), line by line.
    fn lines(&mut self, text: &str, start: usize, end: usize, first: Edge, last: Edge) {
        let mut from = start;
        let mut edge = first;
        loop {
            let bytes = &text.as_bytes()[from..end];
            match memchr::memchr2(b'\n', b'\r', bytes) {
                Some(i) => {
                    self.stretch(text, from, from + i, edge, Edge::Line);
                    from += i + 1;
                    edge = Edge::Line;
                }
                None => {
                    self.stretch(text, from, end, edge, last);
                    return;
                }
            }
        }
    }

    fn stretch(&mut self, text: &str, start: usize, end: usize, first: Edge, last: Edge) {
        let Some(stretch) = text.get(start..end) else {
            return;
        };
        // Nothing at or above U+3400 (no Han, no full-width letter): nothing
        // to find, but a parenthesis pairs with one that may be fixed.
        if !(stretch.bytes()).any(|b| b >= 0xE3 || b == b'(' || b == b')') {
            return;
        }
        // Every rule looks at a character's neighbours, or past spaces, and
        // never past a Han character or into a Latin word: of a run of Han
        // characters, or of Latin letters and digits, the first and the last
        // are enough (a word is read from the text). Most of a Chinese text
        // is such runs, Han ones skipped three bytes at a time, undecoded.
        self.chars.clear();
        self.gaps.clear();
        self.puncts.clear();
        self.full = false;
        let bytes = stretch.as_bytes();
        let mut at = 0;
        let len = bytes.len();
        while at < len {
            let byte = bytes[at];
            if byte.is_ascii_alphanumeric() {
                // A Latin word: its first and last characters.
                let run = at;
                at += 1;
                while at < len && bytes[at].is_ascii_alphanumeric() {
                    at += 1;
                }
                let ascii = |at: usize| Ch {
                    at: start + at,
                    c: char::from(bytes[at]),
                    class: Class::ascii(bytes[at]),
                };
                match self.chars.last().map(|l| l.class) {
                    // After a Latin letter (`é`), the word goes on.
                    Some(class) if class.half_latin() => {
                        self.push(ascii(run));
                        if at - 1 > run {
                            self.push(ascii(at - 1));
                        }
                    }
                    before => {
                        if before == Some(Class::Han) {
                            self.gaps.push(self.chars.len());
                        }
                        self.chars.push(ascii(run));
                        if at - 1 > run {
                            self.chars.push(ascii(at - 1));
                        }
                    }
                }
                continue;
            }
            if byte < 0x80 {
                // Not a letter: continues no Latin run.
                let class = Class::ascii(byte);
                if class == Class::Punct {
                    self.puncts.push(self.chars.len());
                }
                self.chars.push(Ch {
                    at: start + at,
                    c: char::from(byte),
                    class,
                });
                at += 1;
                continue;
            }
            if at + 3 <= len && bmp_han_lead(byte, bytes[at + 1]) {
                let run = at;
                at += 3;
                // Four at a time: how many of the next four are Han, worked
                // out without a branch for each (where a run ends is hard to
                // predict); then, near the end, one at a time.
                while let Some(w) = bytes.get(at..at + 12) {
                    let one = bmp_han_lead(w[0], w[1]);
                    let two = one & bmp_han_lead(w[3], w[4]);
                    let three = two & bmp_han_lead(w[6], w[7]);
                    let four = three & bmp_han_lead(w[9], w[10]);
                    let han = usize::from(one) + usize::from(two) + usize::from(three);
                    if !four {
                        at += 3 * han;
                        break;
                    }
                    at += 12;
                }
                if bytes.len() < at + 12 {
                    while at + 3 <= len && bmp_han_lead(bytes[at], bytes[at + 1]) {
                        at += 3;
                    }
                }
                let han = |at: usize| Ch {
                    at: start + at,
                    c: bmp_char(&bytes[at..at + 3]),
                    class: Class::Han,
                };
                if self.chars.last().is_some_and(|l| l.class.half_latin()) {
                    self.gaps.push(self.chars.len());
                }
                self.chars.push(han(run));
                // A run of one is pushed once.
                if at - 3 > run {
                    self.chars.push(han(at - 3));
                }
                continue;
            }
            // Chinese punctuation (`，` `。` `、`) is three bytes too.
            let c = match bytes.get(at..at + 3) {
                Some(three) if byte & 0xF0 == 0xE0 => bmp_char(three),
                _ => match stretch.get(at..).and_then(|r| r.chars().next()) {
                    Some(c) => c,
                    None => break,
                },
            };
            let class = Class::of(c);
            self.full |= class.full();
            let k = self.chars.len();
            self.push(Ch {
                at: start + at,
                c,
                class,
            });
            let gap = |a: Class| match class {
                Class::Han => a.half_latin(),
                _ => class.half_latin() && a == Class::Han,
            };
            if k > 0 && self.chars.len() > k && gap(self.chars[k - 1].class) {
                self.gaps.push(k);
            }
            at += c.len_utf8();
        }
        if !self.full && self.ty.options.spacing == Spacing::Space {
            // No full-width letter: the gaps and the punctuation noted while
            // reading are all the rules look at, in order.
            self.noted(text, end, first, last);
            return;
        }
        // Each rule finds in order; their findings are merged.
        let start = self.found.len();
        if self.ty.fullwidth {
            self.fullwidth(text, first, last);
        }
        let spacing = self.found.len();
        if self.ty.spacing {
            match self.ty.options.spacing {
                Spacing::Space => self.missing_spaces(),
                Spacing::None => self.extra_spaces(),
            }
        }
        let punctuation = self.found.len();
        if self.ty.punctuation {
            self.punctuation(text, end, first, last);
        }
        self.merge_found(start, spacing);
        self.merge_found(start, punctuation);
    }

    /// `cjk-spacing` (with `spacing = "space"`) and `cjk-punctuation` on the
    /// pairs of characters and the punctuation that the reading of the
    /// stretch noted, in text order: their findings come in order. Only
    /// without full-width letters, which `fullwidth-alphanumeric` may make
    /// Latin ones.
    fn noted(&mut self, text: &str, end: usize, first: Edge, last: Edge) {
        let (mut g, mut p) = (0, 0);
        loop {
            let gap = self.gaps.get(g).copied().filter(|_| self.ty.spacing);
            let punct = self.puncts.get(p).copied().filter(|_| self.ty.punctuation);
            match (gap, punct) {
                // The gap's finding starts at the character before it.
                (Some(k), Some(j)) if k - 1 < j => {
                    self.missing_space_at(k);
                    g += 1;
                }
                (Some(k), None) => {
                    self.missing_space_at(k);
                    g += 1;
                }
                (_, Some(j)) => {
                    self.punctuation_at(j, text, end, first, last);
                    p += 1;
                }
                (None, None) => return,
            }
        }
    }

    /// Merges the findings `found[start..mid]` and `found[mid..]`, each in
    /// order, into one list in order (sorting a section's findings, which
    /// are about a hundred bytes each, took a tenth of the scan's time).
    fn merge_found(&mut self, start: usize, mid: usize) {
        let key = |f: &Found| (f.range.start, f.range.end);
        let found = &mut self.found;
        if start == mid || mid == found.len() || key(&found[mid - 1]) < key(&found[mid]) {
            return;
        }
        let left = &mut self.spare;
        left.clear();
        left.extend_from_slice(&found[start..mid]);
        // Written from the front: never past the next of the right run.
        let (mut i, mut j) = (0, mid);
        for k in start..found.len() {
            let right = found
                .get(j)
                .filter(|r| i == left.len() || key(r) < key(&left[i]));
            match right {
                Some(&r) => {
                    found[k] = r;
                    j += 1;
                }
                None => {
                    found[k] = left[i];
                    i += 1;
                }
            }
        }
    }

    /// Appends a character to the stretch's, or, when it continues a run of
    /// Latin letters and digits of at least two, replaces the run's last.
    fn push(&mut self, ch: Ch) {
        let latin = Class::half_latin;
        match self
            .chars
            .len()
            .checked_sub(2)
            .map(|k| &mut self.chars[k..])
        {
            Some([a, b]) if latin(ch.class) && latin(a.class) && latin(b.class) => *b = ch,
            _ => self.chars.push(ch),
        }
    }

    /// The full-width runs, decided a word at a time: a *word* is a stretch
    /// without spaces and Han characters (where links and references end),
    /// together with the words after it that start with a digit after one
    /// space (`Ｐａｐｅｒ ３` is one). A word's runs are all fixed, or,
    /// when one touches a cut-out or writing them half-width would make or
    /// unmake a link or a reference in the word, none.
    fn fullwidth(&mut self, text: &str, first: Edge, last: Edge) {
        let n = self.chars.len();
        let is_full = |ch: &Ch| ch.class.full();
        let apart = |ch: &Ch| matches!(ch.class, Class::Space | Class::Han);
        let mut i = 0;
        while i < n {
            if !is_full(&self.chars[i]) {
                i += 1;
                continue;
            }
            let word_end = |from: usize| {
                from + self.chars[from..]
                    .iter()
                    .take_while(|ch| !apart(ch))
                    .count()
            };
            let start = i - self.chars[..i]
                .iter()
                .rev()
                .take_while(|ch| !apart(ch))
                .count();
            let mut end = word_end(i);
            while end + 1 < n && self.chars[end].c == ' ' && self.chars[end + 1].class.digit() {
                end = word_end(end + 1);
            }
            // The word before a word that starts with a digit (`Paper ３`).
            let mut from = start;
            if self.chars[start].class.digit() && start > 1 && self.chars[start - 1].c == ' ' {
                from = start - 1;
                from -= self.chars[..from]
                    .iter()
                    .rev()
                    .take_while(|ch| !apart(ch))
                    .count();
            }
            let by_cut = (start == 0 && first == Edge::Cut) || (end == n && last == Edge::Cut);
            let word = TextRange::new(self.chars[from].at, self.chars[end - 1].end());
            let word = word.slice(text);
            if !by_cut && !self.inline_differs(word, &half_width_of(word)) {
                self.fix_runs(start, end);
            }
            i = end.max(i + 1);
        }
    }

    /// The full-width runs of characters `start..end`: fixed, each a finding.
    /// The runs of one word go together: each finding's quick fix fixes them
    /// all (fixing `１２` alone in `ＣＯＣＯPaper１２` would make `Paper12` a
    /// reference), as a parenthesis brings its partner.
    fn fix_runs(&mut self, start: usize, end: usize) {
        let first = self.found.len();
        let mut i = start;
        while i < end {
            if !self.chars[i].class.full() {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < end && self.chars[j].class.full() {
                self.chars[j].class = self.chars[j].class.fixed();
                j += 1;
            }
            let range = TextRange::new(self.chars[i].at, self.chars[j - 1].end());
            self.found(range, What::Fullwidth, Fix::Half(range));
            i = j;
        }
        if self.found.len() - first > 1 {
            let word = TextRange::new(self.chars[start].at, self.chars[end - 1].end());
            for found in &mut self.found[first..] {
                found.partner = Some(word);
            }
        }
    }

    /// True when the parser's inline scanner finds other links or
    /// references in `before` than in `after`.
    fn inline_differs(&self, before: &str, after: &str) -> bool {
        let found = |text: &str| {
            let mut inline = Inline::default();
            let range = TextRange::new(0, text.len());
            inline::scan(text, range, &self.ty.config.keywords, &mut inline);
            let links: Vec<_> = (inline.links.iter())
                .map(|l| (l.kind, l.problem.is_some()))
                .collect();
            let references: Vec<RefTarget> =
                inline.references.into_iter().map(|r| r.target).collect();
            (links, references)
        };
        found(before) != found(after)
    }

    fn missing_spaces(&mut self) {
        for k in 1..self.chars.len() {
            self.missing_space_at(k);
        }
    }

    /// `cjk-spacing` (a space to put) between characters `k - 1` and `k`.
    fn missing_space_at(&mut self, k: usize) {
        let (a, b) = (self.chars[k - 1], self.chars[k]);
        // A Han character and a Latin one, either order, but a digit
        // before a unit; few pairs are: one branch for most.
        let (a_han, b_han) = (a.class == Class::Han, b.class == Class::Han);
        let han_latin = a_han & b.class.latin();
        let latin_han = !a_han & b_han & a.class.latin();
        if !(han_latin | latin_han) {
            return;
        }
        let gap = han_latin || !(a.class.digit() && UNITS.contains(&b.c));
        if gap {
            let what = self.spacing(k - 1, k, true);
            let range = TextRange::new(a.at, b.end());
            self.found(range, what, Fix::Space(b.at));
        }
    }

    fn extra_spaces(&mut self) {
        let n = self.chars.len();
        let mut k = 1;
        while k < n {
            if self.chars[k].class != Class::Space {
                k += 1;
                continue;
            }
            let j = k
                + (self.chars[k..].iter())
                    .take_while(|ch| ch.class == Class::Space)
                    .count();
            if j < n {
                let (a, b) = (self.chars[k - 1].class, self.chars[j].class);
                let between = matches!((a, b), (Class::Han, l) | (l, Class::Han) if l.latin());
                if between {
                    let what = self.spacing(k - 1, j, false);
                    let range = TextRange::new(self.chars[k].at, self.chars[j].at);
                    self.found(range, what, Fix::Delete(range));
                }
            }
            k = j;
        }
    }

    /// What a spacing finding between characters `a` and `b` (one of them
    /// Han, the other the end of a Latin word) is about.
    fn spacing(&self, a: usize, b: usize, insert: bool) -> What {
        let han_first = self.chars[a].class == Class::Han;
        let latin = |ch: &&Ch| ch.class.latin();
        let (han, word) = if han_first {
            let run = self.chars[b..].iter().take_while(latin).count();
            let last = self.chars[b + run - 1];
            (
                self.chars[a].c,
                TextRange::new(self.chars[b].at, last.end()),
            )
        } else {
            let run = self.chars[..=a].iter().rev().take_while(latin).count();
            let first = self.chars[a + 1 - run];
            (
                self.chars[b].c,
                TextRange::new(first.at, self.chars[a].end()),
            )
        };
        What::Spacing {
            insert,
            han,
            han_first,
            word,
        }
    }

    /// `end`: where the stretch ends.
    fn punctuation(&mut self, text: &str, end: usize, first: Edge, last: Edge) {
        for k in 0..self.chars.len() {
            if self.chars[k].class == Class::Punct {
                self.punctuation_at(k, text, end, first, last);
            }
        }
    }

    /// `cjk-punctuation` for character `k`, one of `, ; : ? ! ( ) .`.
    fn punctuation_at(&mut self, k: usize, text: &str, end: usize, first: Edge, last: Edge) {
        let n = self.chars.len();
        let ch = self.chars[k];
        let before = k.checked_sub(1).map(|i| self.chars[i]);
        let after = self.chars.get(k + 1).copied();
        let hit = match ch.c {
            '.' => {
                before.is_some_and(|b| b.class == Class::Han)
                    && after.map_or(last != Edge::Cut, |a| {
                        matches!(a.class, Class::Space | Class::Han)
                    })
            }
            _ => {
                let digit = |c: Option<Ch>| c.is_some_and(|c| c.c.is_ascii_digit());
                let number = digit(before) && digit(after);
                let left = self.chars[..k]
                    .iter()
                    .rev()
                    .find(|c| c.class != Class::Space);
                let right = self.chars[k + 1..].iter().find(|c| c.class != Class::Space);
                let han = |c: Option<&Ch>| c.is_some_and(|c| c.class == Class::Han);
                !number && (han(left) || han(right))
            }
        };
        let paren = matches!(ch.c, '(' | ')');
        if !hit && !paren {
            return;
        }
        if ch.c == ':' && hit && self.colon_makes_link(text, k) {
            return;
        }
        // The spaces between it and the characters around it.
        let spaces_before = (self.chars[..k].iter().rev())
            .take_while(|c| c.class == Class::Space)
            .count();
        let spaces_after = (self.chars[k + 1..].iter())
            .take_while(|c| c.class == Class::Space)
            .count();
        let mut from = ch.at;
        if spaces_before > 0 && (spaces_before < k || first == Edge::Cut) {
            from = self.chars[k - spaces_before].at;
        }
        let mut to = ch.end();
        if spaces_after > 0 && (k + 1 + spaces_after < n || last == Edge::Cut) {
            to = self.chars.get(k + 1 + spaces_after).map_or(end, |c| c.at);
        }
        let fix = Fix::Punct {
            from,
            at: ch.at,
            to,
            c: ch.c,
        };
        if paren {
            self.parens.push(Paren {
                hit,
                open: ch.c == '(',
                fix,
                at: ch.at,
            });
        } else {
            let range = TextRange::new(ch.at, ch.end());
            self.found(range, What::Punct(ch.c), fix);
        }
    }

    /// True when `:` (character `k`) keeps what follows from being a link
    /// without a scheme, which `：` would not (`见:github.com/a`). The word
    /// after it is read from the text, cut-outs included: in
    /// `:Paper3.5github.com/a` the reference `Paper3` is one, and the
    /// whole would be a link after `：`.
    fn colon_makes_link(&self, text: &str, k: usize) -> bool {
        let Some(rest) = text.get(self.chars[k].end()..) else {
            return false;
        };
        if !rest.starts_with(|c: char| c.is_ascii_alphanumeric()) {
            return false;
        }
        let apart = |c: char| matches!(Class::of(c), Class::Space | Class::Han);
        let word = &rest[..rest.find(apart).unwrap_or(rest.len())];
        self.inline_differs(&format!(":{word}"), &format!("：{word}"))
    }

    /// The section's `(` and `)`: fixed when next to Han text, or when the
    /// partner they pair with is.
    fn decide_parens(&mut self) {
        let parens = std::mem::take(&mut self.parens);
        let mut partner: Vec<Option<usize>> = vec![None; parens.len()];
        let mut open = Vec::new();
        for (i, paren) in parens.iter().enumerate() {
            if paren.open {
                open.push(i);
            } else if let Some(o) = open.pop() {
                partner[i] = Some(o);
                partner[o] = Some(i);
            }
        }
        let fixed: Vec<bool> = (0..parens.len())
            .map(|i| parens[i].hit || partner[i].is_some_and(|o| parens[o].hit))
            .collect();
        for (i, paren) in parens.iter().enumerate() {
            if fixed[i] {
                let written = if paren.open { '(' } else { ')' };
                let range = TextRange::new(paren.at, paren.at + 1);
                self.found(range, What::Punct(written), paren.fix);
                if let Some(last) = self.found.last_mut() {
                    last.partner =
                        partner[i].map(|o| TextRange::new(parens[o].at, parens[o].at + 1));
                }
            }
        }
    }

    /// Drops the fixes at the start of a line (column 0) that would change
    /// what the parser sees in the line (see the module documentation).
    fn guard_line_starts(&mut self, text: &str) {
        let bytes = text.as_bytes();
        let end = bytes.len();
        let mut line = 0;
        let mut first = 0;
        loop {
            let Some(i) = memchr::memchr2(b'\n', b'\r', &bytes[line..end]) else {
                return;
            };
            let mut next = line + i + 1;
            if bytes[line + i] == b'\r' && bytes.get(next) == Some(&b'\n') {
                next += 1;
            }
            line = next.min(end);
            let line_end =
                memchr::memchr2(b'\n', b'\r', &bytes[line..end]).map_or(end, |i| line + i);
            first += self.found[first..].partition_point(|f| f.range.start < line);
            let count = self.found[first..].partition_point(|f| f.range.start <= line_end);
            if count > 0 {
                self.guard_line(text, line, line_end, first..first + count);
            }
        }
    }

    /// See [`Scan::guard_line_starts`]: the line `start..end`, whose
    /// findings are `found`. When its fixes together would change what the
    /// line is, none of the findings in its zone (see [`Scan::zone`]) is
    /// kept: they stay as written, then and after every other fix (fixes
    /// past the zone cannot change what the line is, nor which findings
    /// the zone has), so that fixing twice fixes nothing more.
    fn guard_line(&mut self, text: &str, start: usize, end: usize, found: std::ops::Range<usize>) {
        let Some(line) = text.get(start..end) else {
            return;
        };
        let zone = start + self.zone(line);
        if !self.found[found.clone()]
            .iter()
            .any(|f| f.fix.start() < zone)
        {
            return;
        }
        let mut pieces = Vec::new();
        for f in &self.found[found.clone()] {
            f.fix.pieces(text, 0, &mut pieces);
        }
        let mut fixed = String::with_capacity(line.len() + 8);
        let mut at = start;
        for piece in join_pieces(&mut pieces) {
            fixed.push_str(text.get(at..piece.range.start).unwrap_or(""));
            fixed.push_str(&piece.new_text);
            at = piece.range.end;
        }
        fixed.push_str(text.get(at..end).unwrap_or(""));
        if self.line_kind(line) == self.line_kind(&fixed) {
            return;
        }
        let mut index = 0;
        let dropped = &mut self.dropped;
        self.found.retain(|f| {
            let drop = found.contains(&index) && f.fix.start() < zone;
            match (drop, f.what, f.partner) {
                // The other full-width runs of its word go too.
                (true, What::Fullwidth, Some(word)) => dropped.push(word),
                (true, _, Some(_)) => dropped.push(f.range),
                _ => {}
            }
            index += 1;
            !drop
        });
    }

    /// The bytes at the start of `line` that the parser reads to tell a
    /// heading or a label, and some to spare: up to the first `:` or `：`
    /// among the characters where a label's colon can be, else all of
    /// those characters and two more; at least the longest keyword and
    /// three characters; then any digits after that, and one more
    /// character.
    fn zone(&self, line: &str) -> usize {
        let colon =
            (line.chars().take(self.ty.label_chars + 1)).position(|c| c == ':' || c == '：');
        let chars = match colon {
            Some(at) => at + 1,
            None => self.ty.label_chars + 3,
        };
        let chars = chars.max(self.ty.keyword_chars + 3);
        let mut iter = line.char_indices().skip(chars).peekable();
        while iter
            .next_if(|(_, c)| c.is_ascii_digit() || ('０'..='９').contains(c))
            .is_some()
        {}
        iter.nth(1).map_or(line.len(), |(i, _)| i)
    }

    /// What the parser sees in a line at column 0 of a paper's body.
    fn line_kind(&self, line: &str) -> LineKind {
        let config = self.ty.config;
        for keyword in &config.keywords {
            let Some(rest) = line.strip_prefix(keyword.as_str()) else {
                continue;
            };
            let rest = rest.strip_prefix(' ').unwrap_or(rest);
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            let after = rest[digits..].chars().next();
            let ends = after.is_none_or(|c| c.is_whitespace() || matches!(c, ':' | '：' | '.'));
            if digits > 0 && ends {
                return LineKind::Heading;
            }
        }
        for (count, (i, c)) in line.char_indices().enumerate() {
            if count > self.ty.label_chars {
                break;
            }
            if c == ':' || c == '：' {
                let prefix = &line[..i];
                return if i == 0 {
                    LineKind::Plain
                } else if config.kind_of_label(prefix).is_some() {
                    LineKind::Label
                } else if count <= LABEL_LIKE_MAX_CHARS && !prefix.contains(char::is_whitespace) {
                    LineKind::LabelLike(prefix.to_string())
                } else {
                    LineKind::Plain
                };
            }
        }
        LineKind::Plain
    }

    fn found(&mut self, range: TextRange, what: What, fix: Fix) {
        self.found.push(Found {
            range,
            what,
            fix,
            partner: None,
        });
    }
}

#[derive(Debug, PartialEq, Eq)]
enum LineKind {
    Heading,
    Label,
    LabelLike(String),
    Plain,
}

fn edit(range: TextRange, new_text: String) -> TextEdit {
    TextEdit { range, new_text }
}
