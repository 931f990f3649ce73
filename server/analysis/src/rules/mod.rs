//! The rules: every diagnostic of the spec's table, as data.
//!
//! [`check`] walks the syntax once per rule family and returns
//! [`Diagnostic`]s whose [`Problem`] carries what the message names; the
//! message itself is worded once, in [`Problem::message`].

mod labels;
mod rule;
pub mod typography;
mod workspace;

pub use labels::closest_label;
pub use rule::{Rule, Severity};
pub(crate) use workspace::normalize_title;
pub use workspace::{
    KeyIndex, PaperKeys, Synced, check_workspace, check_workspace_file, check_workspace_with_keys,
};

use std::cell::OnceCell;
use std::collections::hash_map::Entry;
use std::path::PathBuf;
use std::sync::Arc;

use crate::bibliography::{Bibliography, BindBy};
use crate::config::{ConfigError, SectionKind};
use crate::syntax::{Inline, LinkKind, LinkProblem, Paper, RefTarget, Reference};
use crate::{Analysis, Config, Lookup, Resolver, Stamp, StampMap, TextRange, resolve_file};

/// One finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub range: TextRange,
    pub severity: Severity,
    pub problem: Problem,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// Moves the diagnostic, and its related places in the same file, by
    /// `delta` bytes.
    pub fn shift(&mut self, delta: isize) {
        self.range = self.range.shifted(delta);
        for related in self.related.iter_mut().filter(|r| r.file.is_none()) {
            related.range = related.range.shifted(delta);
        }
    }

    fn shifted(&self, delta: isize) -> Diagnostic {
        let mut moved = self.clone();
        moved.shift(delta);
        moved
    }

    pub fn rule(&self) -> Rule {
        self.problem.rule()
    }

    pub fn message(&self) -> String {
        self.problem.message()
    }

    /// An error of a `digest.toml`, at its place in that file's text.
    pub fn config(error: &ConfigError) -> Diagnostic {
        Diagnostic {
            range: error.range,
            severity: Severity::Error,
            problem: Problem::Config {
                message: error.message.clone(),
            },
            related: Vec::new(),
        }
    }
}

/// Another place a diagnostic points at: in the same file, or in the file
/// `file` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    pub range: TextRange,
    pub message: String,
    /// The other file's path; `None` for the diagnostic's own file.
    pub file: Option<PathBuf>,
}

/// What is wrong, with what its message names. `paper` is the paper as
/// written in its heading (`Paper3`); `None` in the preamble.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    MissingSection {
        paper: String,
        kind: String,
        label: String,
    },
    EmptySection {
        paper: String,
        label: String,
    },
    DuplicateSection {
        paper: String,
        kind: String,
        label: String,
    },
    MissingTitle {
        paper: String,
    },
    /// A heading repeats the number of the heading `earlier` (as written,
    /// shortened to [`EXCERPT_CHARS`]) on 1-based line `line`.
    DuplicatePaper {
        paper: String,
        earlier: String,
        line: usize,
    },
    Numbering {
        paper: String,
        previous: String,
        expected: u64,
    },
    UnresolvedReference {
        paper: Option<String>,
        target: String,
        reason: Unresolved,
    },
    MalformedLink {
        paper: Option<String>,
        link: String,
        problem: LinkProblem,
    },
    LinkWithoutScheme {
        paper: Option<String>,
        link: String,
    },
    UnknownLabel {
        paper: String,
        written: String,
        suggestion: String,
    },
    StrayText {
        paper: String,
        first_label: String,
    },
    /// The paper is in another digest of the workspace too: `other_paper` of
    /// `other_file` (named as a wiki reference would name it), and `more`
    /// copies besides.
    DuplicatePaperAcrossFiles {
        paper: String,
        other_file: String,
        other_paper: String,
        same: SamePaper,
        more: usize,
    },
    /// `[[@key]]` names no entry of the bibliography; `why` says what the
    /// bibliography is.
    UnresolvedCitation {
        paper: Option<String>,
        key: String,
        why: Uncited,
    },
    /// The paper, bound to the entry `key` by `by` (its key, DOI or arXiv
    /// identifier), has a title other than the entry's `title`.
    TitleMismatch {
        paper: String,
        key: String,
        title: String,
        by: BindBy,
    },
    /// `cjk-spacing`: a space to put (`insert`) or to take out between the
    /// Han character `han` and the Latin word `word` (`han_first`: in that
    /// order). The typography variants name the paper with a shared string:
    /// a file can have a finding every hundred bytes.
    CjkSpacing {
        paper: Arc<str>,
        han: char,
        word: Arc<str>,
        han_first: bool,
        insert: bool,
    },
    /// `cjk-punctuation`: `written` in Chinese text, for `fullwidth`.
    CjkPunctuation {
        paper: Arc<str>,
        written: char,
        fullwidth: char,
    },
    /// `fullwidth-alphanumeric`: full-width letters or digits, to be
    /// written half-width ([`typography::half_width_of`]).
    FullwidthAlphanumeric {
        paper: Arc<str>,
        written: Arc<str>,
    },
    /// More diagnostics than [`MAX_DIAGNOSTICS`]: how many were left out.
    TooManyDiagnostics {
        left_out: usize,
    },
    /// A problem in the `digest.toml` that applies, as the configuration
    /// reader words it; the diagnostic's range is in that file's text (see
    /// [`Diagnostic::config`]).
    Config {
        message: String,
    },
}

/// What makes two papers of different digests the same paper.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SamePaper {
    /// Their titles are equal, ignoring case, punctuation and white space.
    Title,
    /// Both link to this code repository (`github.com/owner/repo`).
    CodeLink(String),
    /// Both name this DOI (in their text, or their bibliography entry's).
    Doi(String),
    /// Both name this arXiv identifier (without version).
    Arxiv(String),
    /// Both are bound to the bibliography entry with this key.
    Entry(String),
}

/// Why a citation does not resolve: what the digest's bibliography is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Uncited {
    /// What follows `@` is no key (`[[@]]`, `[[@ park]]`): see
    /// [`is_citation_key`](crate::syntax::inline::is_citation_key).
    NotAKey,
    /// The bibliography has entries, none with the key; `broken` names its
    /// files with errors (an entry that could not be read may be the one),
    /// empty when there are none.
    NoEntry { broken: String },
    /// The digest has no bibliography file.
    NoFile,
    /// Its configuration turns the bibliography off (`[bibliography]
    /// files = []`).
    Off,
    /// Its files (named) have no entry at all, and no error.
    NoEntries { files: String },
    /// Its files (named) have no entry that could be read; `broken` names
    /// those with errors.
    Unreadable { files: String, broken: String },
}

impl Uncited {
    /// What `bibliography` is, for a citation it has no entry for, under
    /// `config`.
    fn of(bibliography: &Bibliography, config: &Config) -> Self {
        let names = |broken: bool| {
            (bibliography.files.iter())
                .filter(|f| !broken || !f.errors.is_empty())
                .map(|f| {
                    f.path.file_name().map_or_else(
                        || f.path.display().to_string(),
                        |n| n.to_string_lossy().into_owned(),
                    )
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        if bibliography.files.is_empty() {
            match config.bibliography_files.as_deref() {
                Some([]) => Uncited::Off,
                _ => Uncited::NoFile,
            }
        } else if !bibliography.is_empty() {
            Uncited::NoEntry {
                broken: names(true),
            }
        } else if bibliography.files.iter().all(|f| f.errors.is_empty()) {
            Uncited::NoEntries {
                files: names(false),
            }
        } else {
            Uncited::Unreadable {
                files: names(false),
                broken: names(true),
            }
        }
    }
}

/// Why a reference does not resolve.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unresolved {
    /// No paper with that number in this digest; `highest` names its
    /// paper with the highest number (`None`: it has no papers).
    NoPaper { highest: Option<String> },
    /// The other digest exists but has no paper with that number.
    NoPaperInFile { file: String },
    /// No such digest (as written, and with `.digest` added).
    NoFile { tried: String },
    /// The digest cannot be read or is not valid UTF-8.
    Unreadable { file: String, why: String },
    /// `[[file#anchor]]` whose anchor is not `Paper<N>` (`in_file`: the
    /// file part is empty, `[[#anchor]]`).
    BadAnchor { keyword: String, in_file: bool },
}

impl Problem {
    pub fn rule(&self) -> Rule {
        match self {
            Self::MissingSection { .. } => Rule::MissingSection,
            Self::EmptySection { .. } => Rule::EmptySection,
            Self::DuplicateSection { .. } => Rule::DuplicateSection,
            Self::MissingTitle { .. } => Rule::MissingTitle,
            Self::DuplicatePaper { .. } => Rule::DuplicatePaper,
            Self::Numbering { .. } => Rule::Numbering,
            Self::UnresolvedReference { .. } => Rule::UnresolvedReference,
            Self::MalformedLink { .. } => Rule::MalformedLink,
            Self::LinkWithoutScheme { .. } => Rule::LinkWithoutScheme,
            Self::UnknownLabel { .. } => Rule::UnknownLabel,
            Self::StrayText { .. } => Rule::StrayText,
            Self::DuplicatePaperAcrossFiles { .. } => Rule::DuplicatePaperAcrossFiles,
            Self::UnresolvedCitation { .. } => Rule::UnresolvedCitation,
            Self::TitleMismatch { .. } => Rule::TitleMismatch,
            Self::CjkSpacing { .. } => Rule::CjkSpacing,
            Self::CjkPunctuation { .. } => Rule::CjkPunctuation,
            Self::FullwidthAlphanumeric { .. } => Rule::FullwidthAlphanumeric,
            Self::TooManyDiagnostics { .. } => Rule::TooManyDiagnostics,
            Self::Config { .. } => Rule::Config,
        }
    }

    /// The message: names the paper and says how to fix the problem.
    pub fn message(&self) -> String {
        let within = |paper: &Option<String>| match paper {
            Some(p) => format!("{p}: "),
            None => String::new(),
        };
        match self {
            Self::MissingSection { paper, kind, label } => {
                format!("{paper} has no {kind} section: add a line starting with `{label}:`")
            }
            Self::EmptySection { paper, label } => {
                format!("{paper}: the `{label}` section is empty: write its text after the colon")
            }
            Self::DuplicateSection { paper, kind, label } => format!(
                "{paper} has a second {kind} section (`{label}`): merge it into the first one or remove it"
            ),
            Self::MissingTitle { paper } => {
                format!("{paper} has no title: write the paper's title after the number")
            }
            Self::DuplicatePaper {
                paper,
                earlier,
                line,
            } => format!(
                "{paper} repeats the number of the heading on line {line} (`{earlier}`): give this paper a number of its own"
            ),
            Self::Numbering {
                paper,
                previous,
                expected,
            } => format!(
                "{paper} follows {previous}: expected number {expected}; renumber the paper"
            ),
            Self::UnresolvedReference {
                paper,
                target,
                reason,
            } => {
                let why = match reason {
                    Unresolved::NoPaper {
                        highest: Some(highest),
                    } => {
                        format!("this digest has no such paper (its papers go up to {highest})")
                    }
                    Unresolved::NoPaper { highest: None } => {
                        "this digest has no papers yet".to_string()
                    }
                    Unresolved::NoPaperInFile { file } => format!("`{file}` has no such paper"),
                    Unresolved::NoFile { tried } => format!("no digest found at `{tried}`"),
                    Unresolved::Unreadable { file, why } => format!("`{file}` {why}"),
                    Unresolved::BadAnchor { keyword, .. } => {
                        format!("the part after `#` must be a paper, like `#{keyword}3`")
                    }
                };
                // A reference within this digest has no file name to fix.
                let fix = match reason {
                    Unresolved::NoPaper { .. } => "; fix the number",
                    Unresolved::BadAnchor { in_file: true, .. } => "",
                    _ => "; fix the number or the file name",
                };
                format!(
                    "{}unresolved reference `{target}`: {why}{fix}",
                    within(paper)
                )
            }
            Self::MalformedLink {
                paper,
                link,
                problem,
            } => format!(
                "{}malformed link `{link}`: {}",
                within(paper),
                problem.describe()
            ),
            Self::LinkWithoutScheme { paper, link } => format!(
                "{}`{link}` looks like a link without a scheme: write `https://{link}`",
                within(paper)
            ),
            Self::UnknownLabel {
                paper,
                written,
                suggestion,
            } => format!(
                "{paper}: `{written}` is not a known section label: did you mean `{suggestion}`?"
            ),
            Self::StrayText { paper, first_label } => format!(
                "{paper}: text before the first section belongs to no section: move it into a section, or start one before it (e.g. `{first_label}:`)"
            ),
            Self::DuplicatePaperAcrossFiles {
                paper,
                other_file,
                other_paper,
                same,
                more,
            } => {
                let why = match same {
                    SamePaper::Title => "the same title".to_string(),
                    SamePaper::CodeLink(repo) => format!("the same code link `{repo}`"),
                    SamePaper::Doi(doi) => format!("the same DOI {doi}"),
                    SamePaper::Arxiv(id) => format!("the same arXiv identifier {id}"),
                    SamePaper::Entry(key) => format!("the same bibliography entry `{key}`"),
                };
                let besides = match more {
                    0 => String::new(),
                    n => format!(" (and {n} more)"),
                };
                format!(
                    "{paper} is also in `{other_file}` as {other_paper}{besides}, with {why}: \
                     keep one and refer to it with `[[{other_file}#{other_paper}]]`"
                )
            }
            Self::UnresolvedCitation { paper, key, why } => {
                let why = match why {
                    Uncited::NotAKey => "this is no citation key: a key is one or more ASCII \
                                         letters, digits and `_-:./+`, right after `[[@`"
                        .to_string(),
                    Uncited::NoFile => "no bibliography was found (name its files in digest.toml \
                                        under `[bibliography] files`, or put a `.bib` file beside \
                                        the digest)"
                        .to_string(),
                    Uncited::Off => "the bibliography is turned off (`[bibliography] files = []` \
                                     in digest.toml): name its files there to cite"
                        .to_string(),
                    Uncited::NoEntries { files } => format!(
                        "the bibliography ({files}) has no entry: add the entry with this key"
                    ),
                    Uncited::Unreadable { files, broken } => format!(
                        "the bibliography ({files}) has no entry that could be read: see the \
                         errors in {broken}"
                    ),
                    Uncited::NoEntry { broken } if broken.is_empty() => {
                        "no entry of the bibliography has this key; fix the key or add the entry"
                            .to_string()
                    }
                    Uncited::NoEntry { broken } => format!(
                        "no entry of the bibliography has this key; fix the key or add the \
                         entry (or it is one that could not be read: see the errors in {broken})"
                    ),
                };
                format!("{}unresolved citation `@{key}`: {why}", within(paper))
            }
            Self::TitleMismatch {
                paper,
                key,
                title,
                by,
            } => {
                let by = match by {
                    BindBy::Key => "its citation",
                    BindBy::Doi => "its DOI",
                    BindBy::Arxiv => "its arXiv identifier",
                    BindBy::Title => "its title",
                };
                format!(
                    "{paper}'s title differs from that of the entry `{key}` it is bound to by {by} \
                     (\"{title}\"): correct the heading's title, or the {what}",
                    what = if by == "its citation" {
                        "citation"
                    } else {
                        "entry"
                    }
                )
            }
            Self::CjkSpacing { paper, .. } => {
                format!("{paper}: {}", self.spacing_fix().unwrap_or_default())
            }
            Self::CjkPunctuation {
                paper,
                written,
                fullwidth,
            } => format!(
                "{paper}: write the full-width `{fullwidth}` for `{written}` in Chinese text"
            ),
            Self::FullwidthAlphanumeric { paper, written } => format!(
                "{paper}: write `{}` for the full-width `{written}`",
                typography::half_width_of(written)
            ),
            Self::TooManyDiagnostics { left_out } => format!(
                "{left_out} more diagnostics were left out: only the first {MAX_DIAGNOSTICS} are shown; fix these first"
            ),
            Self::Config { message } => message.clone(),
        }
    }
}

impl Problem {
    /// What fixes a `cjk-spacing` finding, in words: "put a space between
    /// `用` and `COCO`" (`None` for other problems).
    pub fn spacing_fix(&self) -> Option<String> {
        let Self::CjkSpacing {
            han,
            word,
            han_first,
            insert,
            ..
        } = self
        else {
            return None;
        };
        let (before, after) = match han_first {
            true => (han.to_string(), word.to_string()),
            false => (word.to_string(), han.to_string()),
        };
        Some(match insert {
            true => format!("put a space between `{before}` and `{after}`"),
            false => format!("remove the space between `{before}` and `{after}`"),
        })
    }
}

/// Runs every rule that `config` leaves on. Diagnostics come in text order.
pub fn check(analysis: &Analysis, config: &Config, resolver: &dyn Resolver) -> Vec<Diagnostic> {
    check_with(analysis, config, resolver, &mut RuleCache::default())
}

/// What [`check_with`] keeps from one check to the next: each paper's own
/// findings (those that depend on its text alone: its title, its sections,
/// its links, its typography), by the paper's stamp, at offsets from the
/// paper's start. What depends on the other papers (numbering, duplicates,
/// references) is worked out again at every check, from the papers'
/// numbers and the index, which costs little.
#[derive(Debug, Default)]
pub struct RuleCache {
    /// The configuration the findings were made under.
    config: Option<Config>,
    /// By stamp: a paper's own findings.
    papers: StampMap<Own>,
    /// The memory the papers' findings hold ([`Own::bytes`]), less their
    /// worded problems: at most [`MAX_DIAGNOSTICS`], those shown.
    bytes: usize,
    /// How many diagnostics the last check gave, and room for the places of
    /// those of the next ([`Shown`]).
    shown: usize,
    places: Vec<Place>,
    /// Counts the checks.
    checks: u64,
}

/// A paper's own findings as the cache keeps them, at offsets from the
/// paper's start, each list in output order.
#[derive(Debug, Default)]
struct Own {
    /// The check that last used them.
    used: u64,
    /// `None` for the many papers without any: a keystroke looks at every
    /// paper's.
    findings: Option<Box<Findings>>,
    /// Its findings that depend on the bibliography as well; `None` until
    /// the first check with one.
    cited: Option<Cited>,
}

/// A paper's `unresolved-citation` and `title-mismatch` findings, at
/// offsets from the paper's start, under the bibliography of `generation`
/// ([`Bibliography::generation`]): an unchanged paper costs a look-up at a
/// keystroke, not its binding's.
#[derive(Debug)]
struct Cited {
    generation: u64,
    /// `None` for the many papers without any.
    diagnostics: Option<Box<[Diagnostic]>>,
}

impl Cited {
    fn bytes(&self) -> usize {
        self.diagnostics
            .as_ref()
            .map_or(0, |d| d.len() * DIAGNOSTIC_BYTES)
    }
}

/// See [`Own`].
#[derive(Debug)]
struct Findings {
    /// Those of the rules but the typography ones.
    diagnostics: Box<[Diagnostic]>,
    /// The typography findings, compact: there can be one every hundred
    /// bytes of Chinese text. Worded only when shown.
    typography: Box<[typography::Kept]>,
    /// The problems of the first typography findings, worded when they
    /// were shown, kept while they are: a keystroke shows the same ones
    /// again.
    worded: Vec<Problem>,
}

impl Own {
    fn len(&self) -> usize {
        (self.findings.as_ref()).map_or(0, |f| f.diagnostics.len() + f.typography.len())
    }

    /// About the memory it holds, in bytes.
    fn bytes(&self) -> usize {
        let findings = self.findings.as_ref().map_or(0, |f| {
            size_of::<Findings>()
                + f.diagnostics.len() * DIAGNOSTIC_BYTES
                + size_of_val(&*f.typography)
        });
        size_of::<(Stamp, Own)>() + findings + self.cited.as_ref().map_or(0, Cited::bytes)
    }
}

/// What a kept [`Diagnostic`] is counted as in the cache's budget: the
/// value and the few short strings it holds.
const DIAGNOSTIC_BYTES: usize = 256;

/// The memory, in bytes, that a [`RuleCache`] keeps findings in between
/// checks: the larger of this and the text's length. A file over it is
/// checked whole each time, as without a cache. The digests of the benches,
/// with a typography finding every hundred bytes of text, keep a quarter
/// of a byte per byte; a file broken on every line (a finding every few
/// characters) goes over.
const MIN_KEPT_BYTES: usize = 1 << 20;

impl RuleCache {
    /// How many findings are kept.
    pub fn findings(&self) -> usize {
        self.papers.values().map(Own::len).sum()
    }
}

/// Like [`check`], reusing the findings of the papers that `cache` has seen
/// (see [`Analysis::stamps`]) and keeping this analysis's for the next
/// check. The result is the same as [`check`]'s.
///
/// Only the first [`MAX_DIAGNOSTICS`] findings are shown, so only those are
/// made into [`Diagnostic`]s: the others are counted. Each paper's
/// findings come in lists already in output order (the kept ones sorted
/// when found); a list is read up to its first finding that comes after
/// the shown ones so far ([`Shown`]).
pub fn check_with(
    analysis: &Analysis,
    config: &Config,
    resolver: &dyn Resolver,
    cache: &mut RuleCache,
) -> Vec<Diagnostic> {
    if cache.config.as_ref() != Some(config) {
        cache.papers.clear();
        cache.bytes = 0;
        cache.config = Some(config.clone());
    }
    let mut sink = Sink {
        config,
        out: Vec::new(),
    };
    let syntax = &analysis.syntax;
    let highest = OnceCell::new();
    let resolve = |target: &RefTarget| resolve_with(analysis, resolver, target, &highest);
    // Room for as many as the last check showed: they grow from empty to
    // a thousand at each keystroke otherwise.
    let mut shown = Shown {
        places: std::mem::take(&mut cache.places),
        first: Vec::with_capacity(cache.shown),
        total: 0,
    };
    shown.places.clear();

    let preamble = &syntax.preamble_inline;
    link_rules(analysis, None, preamble, &mut sink);
    let bibliography = resolver.bibliography();
    unresolved_rules(analysis, None, preamble, &resolve, &mut sink);
    citation_rules(analysis, None, preamble, bibliography, &mut sink);
    sort(&mut sink.out);
    shown.diagnostics(0, 0, &sink.out, 0);
    sink.out.clear();

    let typography = typography::for_check(config);
    let mut scan = typography.as_ref().map(typography::Scan::new);
    let mut found = Vec::new();
    cache.checks += 1;
    let this_check = cache.checks;
    for (i, (paper, &stamp)) in syntax.papers.iter().zip(&analysis.stamps).enumerate() {
        let group = i + 1;
        // What depends on the paper alone: kept.
        let start = paper.range.start;
        let own = match cache.papers.entry(stamp) {
            Entry::Occupied(kept) => kept.into_mut(),
            Entry::Vacant(room) => {
                let own = own_findings(analysis, paper, config, scan.as_mut(), &mut found);
                cache.bytes += own.bytes();
                room.insert(own)
            }
        };
        own.used = this_check;
        // What depends on the other papers: worked out at each check.
        let previous = i.checked_sub(1).map(|p| &syntax.papers[p]);
        linked_rules(analysis, previous, i, &resolve, &mut sink);
        // What depends on the paper and the bibliography: kept for this
        // bibliography.
        let generation = bibliography.generation();
        if own
            .cited
            .as_ref()
            .is_none_or(|c| c.generation != generation)
        {
            let mut cited = Sink {
                config,
                out: Vec::new(),
            };
            cited_rules(analysis, i, bibliography, &mut cited);
            cited
                .out
                .iter_mut()
                .for_each(|d| d.shift(-(start as isize)));
            let cited = Cited {
                generation,
                diagnostics: (!cited.out.is_empty()).then(|| cited.out.into_boxed_slice()),
            };
            let old = own.cited.replace(cited).as_ref().map_or(0, Cited::bytes);
            cache.bytes = (cache.bytes + own.cited.as_ref().map_or(0, Cited::bytes)) - old;
        }
        if let Some(kept) = own.cited.as_ref().and_then(|c| c.diagnostics.as_ref()) {
            sink.out
                .extend(kept.iter().map(|d| d.shifted(start as isize)));
        }
        // Most papers have nothing to show: a keystroke checks them all.
        if !sink.out.is_empty() {
            sort(&mut sink.out);
            shown.diagnostics(group, 0, &sink.out, 0);
            sink.out.clear();
        }
        if let Some(own) = &mut own.findings {
            if !own.diagnostics.is_empty() {
                shown.diagnostics(group, 1, &own.diagnostics, start);
            }
            let Findings {
                typography, worded, ..
            } = &mut **own;
            if !typography.is_empty() {
                shown.typography(group, (typography, worded), analysis, paper, config);
            }
        }
    }
    if cache.papers.len() > syntax.papers.len() {
        // Only this analysis's papers are kept.
        let bytes = &mut cache.bytes;
        cache.papers.retain(|_, own| {
            let used = own.used == this_check;
            if !used {
                *bytes = bytes.saturating_sub(own.bytes());
            }
            used
        });
    }
    if cache.bytes > MIN_KEPT_BYTES.max(analysis.text.len_bytes()) {
        // A file this broken is checked whole each time, as without a
        // cache, rather than kept in memory between checks.
        cache.papers.clear();
        cache.bytes = 0;
    }
    let diagnostics = shown.finish(config, syntax.text_start, &mut cache.places);
    cache.shown = diagnostics.len();
    diagnostics
}

/// The findings of a paper that depend on its own text alone, at offsets
/// from its start, each list in output order. `found`: a buffer for the
/// typography findings, kept from one paper to the next.
fn own_findings(
    analysis: &Analysis,
    paper: &Paper,
    config: &Config,
    scan: Option<&mut typography::Scan<'_>>,
    found: &mut Vec<typography::Kept>,
) -> Own {
    let mut own = Sink {
        config,
        out: Vec::new(),
    };
    if paper.title.is_none() {
        let problem = Problem::MissingTitle {
            paper: name(analysis, paper),
        };
        own.push(paper.heading, problem, Vec::new());
    }
    section_rules(analysis, paper, &mut own);
    link_rules(analysis, Some(paper), &paper.inline, &mut own);
    found.clear();
    if let Some(scan) = scan {
        typography::paper_rules(analysis, paper, scan, &mut own, found);
    }
    let start = paper.range.start as isize;
    own.out.iter_mut().for_each(|d| d.shift(-start));
    sort(&mut own.out);
    // In text order as found; sorted all the same if ever not.
    if !found.is_sorted_by_key(|k| (k.range(0), k.rule())) {
        found.sort_by_key(|k| (k.range(0), k.rule()));
    }
    let findings = (!own.out.is_empty() || !found.is_empty()).then(|| {
        Box::new(Findings {
            diagnostics: own.out.into_boxed_slice(),
            typography: found.as_slice().into(),
            worded: Vec::new(),
        })
    });
    Own {
        used: 0,
        findings,
        cited: None,
    }
}

/// Sorts diagnostics into output order: by range, then rule; stable.
fn sort(diagnostics: &mut [Diagnostic]) {
    if diagnostics.len() > 1 {
        diagnostics.sort_by_key(|d| (d.range.start, d.range.end, d.problem.rule()));
    }
}

/// The most diagnostics one file gets; past it, one more says how many
/// were left out (a broken file must not flood the editor).
pub const MAX_DIAGNOSTICS: usize = 1000;

/// The first [`MAX_DIAGNOSTICS`] findings of a check, in output order, and
/// how many there are in all. The output order is the order of a stable
/// sort by range and rule of every finding as the rules make them: the
/// preamble's, then paper by paper, each paper's numbering and references
/// and then its own findings. The findings are offered as lists in that
/// order; a list is read up to its first finding that is not among the
/// first so far.
struct Shown {
    /// Where the first findings so far are in the output order, in order.
    places: Vec<Place>,
    /// Their diagnostics, in the same order.
    first: Vec<Diagnostic>,
    /// How many findings were offered.
    total: usize,
}

/// Where a finding is in the output order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    start: usize,
    end: usize,
    rule: Rule,
    /// Its place in the order the rules make findings: 0 for the preamble,
    /// 1 + the paper's index for a paper; then the list (0: numbering and
    /// references, 1: own, 2: own typography); then in the list.
    group: usize,
    list: u8,
    index: usize,
}

impl Shown {
    /// True when a finding at `place` is among the first so far.
    fn wants(&self, place: &Place) -> bool {
        self.places.len() < MAX_DIAGNOSTICS || self.places.last().is_some_and(|l| place < l)
    }

    /// Offers a list of findings in output order: `place` gives the place
    /// of the `i`th, `make` its diagnostic, made only when it is shown.
    /// The lists come mostly in output order too: then a finding shown
    /// goes at the end.
    fn list<T>(
        &mut self,
        items: &[T],
        place: impl Fn(usize, &T) -> Place,
        mut make: impl FnMut(usize, &T) -> Diagnostic,
    ) {
        self.total += items.len();
        for (i, item) in items.iter().enumerate() {
            let place = place(i, item);
            if !self.wants(&place) {
                // The rest of the list comes later still.
                return;
            }
            let at = match self.places.last() {
                Some(last) if place < *last => self.places.partition_point(|p| *p < place),
                _ => self.places.len(),
            };
            self.places.insert(at, place);
            self.first.insert(at, make(i, item));
            if self.places.len() > MAX_DIAGNOSTICS {
                self.places.pop();
                self.first.pop();
            }
        }
    }

    /// Offers diagnostics at offsets from `start`.
    fn diagnostics(&mut self, group: usize, list: u8, items: &[Diagnostic], start: usize) {
        let place = |index, d: &Diagnostic| Place {
            start: start + d.range.start,
            end: start + d.range.end,
            rule: d.problem.rule(),
            group,
            list,
            index,
        };
        self.list(items, place, |_, d| d.shifted(start as isize));
    }

    /// Offers the kept typography findings of `paper`; `worded`: the
    /// problems of the first of them, as an earlier check worded them;
    /// left with those of the findings shown now (each check offers every
    /// paper's: no more are kept than shown).
    fn typography(
        &mut self,
        group: usize,
        (items, worded): (&[typography::Kept], &mut Vec<Problem>),
        analysis: &Analysis,
        paper: &Paper,
        config: &Config,
    ) {
        let start = paper.range.start;
        let place = |index, k: &typography::Kept| {
            let range = k.range(start);
            Place {
                start: range.start,
                end: range.end,
                rule: k.rule(),
                group,
                list: 2,
                index,
            }
        };
        let mut named: Option<Arc<str>> = None;
        let mut made = 0;
        let mut make = |i: usize, k: &typography::Kept| {
            made = i + 1;
            let problem = match worded.get(i) {
                Some(problem) => problem.clone(),
                None => {
                    let paper = named.get_or_insert_with(|| {
                        typography::text_of(analysis, paper.name_range()).into()
                    });
                    let problem = k.problem(analysis, start, paper);
                    // The list is offered from its start: `i` is next.
                    if worded.len() == i {
                        worded.push(problem.clone());
                    }
                    problem
                }
            };
            Diagnostic {
                range: k.range(start),
                // The scan only runs the rules that are on.
                severity: config.severity(k.rule()).unwrap_or(Severity::Warning),
                problem,
                related: Vec::new(),
            }
        };
        self.list(items, place, &mut make);
        worded.truncate(made);
    }

    /// The diagnostics shown, in order, with the note of how many were left
    /// out when there are too many.
    fn finish(
        self,
        config: &Config,
        text_start: usize,
        places: &mut Vec<Place>,
    ) -> Vec<Diagnostic> {
        *places = self.places;
        let total = self.total;
        let mut diagnostics = self.first;
        if total <= MAX_DIAGNOSTICS {
            return diagnostics;
        }
        let problem = Problem::TooManyDiagnostics {
            left_out: total - MAX_DIAGNOSTICS,
        };
        if let Some(severity) = config.severity(problem.rule()) {
            diagnostics.insert(
                0,
                Diagnostic {
                    range: TextRange::empty(text_start),
                    severity,
                    problem,
                    related: Vec::new(),
                },
            );
        }
        diagnostics
    }
}

/// Collects diagnostics with the severity the configuration gives them.
struct Sink<'a> {
    config: &'a Config,
    out: Vec<Diagnostic>,
}

impl Sink<'_> {
    fn push(&mut self, range: TextRange, problem: Problem, related: Vec<Related>) {
        if let Some(severity) = self.config.severity(problem.rule()) {
            self.out.push(Diagnostic {
                range,
                severity,
                problem,
                related,
            });
        }
    }

    fn on(&self, rule: Rule) -> bool {
        self.config.severity(rule).is_some()
    }
}

/// How much of a heading a message quotes, in characters.
pub const EXCERPT_CHARS: usize = 60;

/// `text`, cut after `max` characters with `…` when longer.
fn excerpt(text: &str, max: usize) -> String {
    crate::features::cut_after(text, max)
}

/// `Paper3` as written in the paper's heading.
fn name(analysis: &Analysis, paper: &Paper) -> String {
    analysis.slice(paper.name_range()).into_owned()
}

/// Duplicate numbers and numbering: what a heading says about the others.
fn numbering_rules(
    analysis: &Analysis,
    previous: Option<&Paper>,
    index: usize,
    sink: &mut Sink<'_>,
) {
    let papers = &analysis.syntax.papers;
    let paper = &papers[index];
    if let Some(first) = analysis
        .index
        .paper(paper.number)
        .filter(|&first| first != index)
    {
        let earlier = &papers[first];
        let related = vec![Related {
            range: earlier.heading,
            message: format!("{} is first used here", name(analysis, earlier)),
            file: None,
        }];
        let line = analysis.text.try_byte_to_line(earlier.heading.start);
        let problem = Problem::DuplicatePaper {
            paper: name(analysis, paper),
            earlier: excerpt(&analysis.slice(earlier.heading), EXCERPT_CHARS),
            line: line.map_or(1, |l| l + 1),
        };
        sink.push(paper.name_range(), problem, related);
        return;
    }
    let Some(previous) = previous else { return };
    let expected = previous.number.saturating_add(1);
    if paper.number != expected {
        let problem = Problem::Numbering {
            paper: name(analysis, paper),
            previous: name(analysis, previous),
            expected,
        };
        sink.push(paper.name_range(), problem, Vec::new());
    }
}

fn section_rules(analysis: &Analysis, paper: &Paper, sink: &mut Sink<'_>) {
    let config = sink.config;
    let misspelt = misspelt_labels(analysis, paper, sink);
    let position = label_position(analysis, paper, &misspelt, config);
    // The label of `kind` in the paper's label language.
    let label_of = |kind: &SectionKind| {
        kind.labels
            .get(position)
            .or(kind.labels.first())
            .cloned()
            .unwrap_or_default()
    };
    for kind in config.sections.iter().filter(|k| k.required) {
        // A misspelt label stands for its kind here (spec: "Recovery from
        // a misspelt label"): its one finding is `unknown-label`.
        let recovered = misspelt.iter().any(|m| m.kind.name == kind.name);
        if paper.section(&kind.name).is_none() && !recovered {
            let problem = Problem::MissingSection {
                paper: name(analysis, paper),
                kind: kind.name.to_string(),
                label: label_of(kind),
            };
            sink.push(paper.heading, problem, Vec::new());
        }
    }
    for (i, section) in paper.sections.iter().enumerate() {
        if section.text.is_empty() {
            let colon_end = section.text.start;
            let problem = Problem::EmptySection {
                paper: name(analysis, paper),
                label: analysis.slice(section.label).into_owned(),
            };
            let range = TextRange::new(section.label.start, colon_end);
            sink.push(range, problem, Vec::new());
        }
        if paper.sections[..i].iter().any(|s| s.kind == section.kind) {
            let problem = Problem::DuplicateSection {
                paper: name(analysis, paper),
                kind: section.kind.to_string(),
                label: analysis.slice(section.label).into_owned(),
            };
            sink.push(section.label, problem, Vec::new());
        }
    }
    if let Some(stray) = stray_text(analysis, paper, &misspelt) {
        let first_label = config
            .sections
            .iter()
            .find(|k| k.required)
            .or(config.sections.first())
            .map(label_of)
            .unwrap_or_default();
        let problem = Problem::StrayText {
            paper: name(analysis, paper),
            first_label,
        };
        sink.push(stray, problem, Vec::new());
    }
    for m in misspelt {
        let problem = Problem::UnknownLabel {
            paper: name(analysis, paper),
            written: m.written,
            suggestion: m.suggestion.to_string(),
        };
        sink.push(m.range, problem, Vec::new());
    }
}

/// A label-like line that `unknown-label` reports: what is written, the
/// known label it is close to, and that label's kind.
struct Misspelt<'c> {
    range: TextRange,
    written: String,
    suggestion: &'c str,
    kind: &'c SectionKind,
}

/// The paper's label-like lines that `unknown-label` reports (none when the
/// rule is off: a line not reported is not recovered either).
fn misspelt_labels<'c>(analysis: &Analysis, paper: &Paper, sink: &Sink<'c>) -> Vec<Misspelt<'c>> {
    if !sink.on(Rule::UnknownLabel) {
        return Vec::new();
    }
    let config = sink.config;
    let mut found = Vec::new();
    for &range in &paper.label_like {
        let written = analysis.slice(range);
        let Some(suggestion) = closest_label(&written, config) else {
            continue;
        };
        let Some(kind) = config.kind_of_label(suggestion) else {
            continue;
        };
        found.push(Misspelt {
            range,
            written: written.into_owned(),
            suggestion,
            kind,
        });
    }
    found
}

/// The paper's label language: the position, in its kind's list of labels,
/// that the paper's labels (its sections' and, for a misspelt one, the
/// suggested label) hold most often; a tie goes to the earlier position,
/// and a paper without labels gets 0. A paper written with `Abstract:` is
/// at 1, so it is told to add `Summary:`; one with `摘要原文:` at 0
/// (`中文总结:`).
fn label_position(
    analysis: &Analysis,
    paper: &Paper,
    misspelt: &[Misspelt<'_>],
    config: &Config,
) -> usize {
    let mut counts: Vec<usize> = Vec::new();
    let mut count = |position: Option<usize>| {
        if let Some(position) = position {
            if counts.len() <= position {
                counts.resize(position + 1, 0);
            }
            counts[position] += 1;
        }
    };
    for section in &paper.sections {
        let Some(kind) = config.sections.iter().find(|k| k.name == section.kind) else {
            continue;
        };
        let written = analysis.slice(section.label);
        count(kind.labels.iter().position(|l| *l == written));
    }
    for m in misspelt {
        count(m.kind.labels.iter().position(|l| l == m.suggestion));
    }
    // The first of the most used positions.
    let mut best = 0;
    for (position, &n) in counts.iter().enumerate() {
        if n > counts[best] {
            best = position;
        }
    }
    best
}

/// The label language of `paper` as the section rules find it under
/// `config` (see [`label_position`]): for the fixes that write labels.
pub(crate) fn paper_label_position(analysis: &Analysis, paper: &Paper, config: &Config) -> usize {
    let sink = Sink {
        config,
        out: Vec::new(),
    };
    label_position(
        analysis,
        paper,
        &misspelt_labels(analysis, paper, &sink),
        config,
    )
}

/// The paper's stray text, up to its first misspelt label (which counts as
/// the start of a section for `stray-text`), trimmed; `None` when nothing
/// is left.
fn stray_text(analysis: &Analysis, paper: &Paper, misspelt: &[Misspelt<'_>]) -> Option<TextRange> {
    let stray = paper.stray?;
    let Some(first) = misspelt
        .iter()
        .map(|m| m.range.start)
        .find(|&start| stray.start <= start && start < stray.end)
    else {
        return Some(stray);
    };
    let before = analysis.slice(TextRange::new(stray.start, first));
    let end = stray.start + before.trim_end().len();
    (end > stray.start).then(|| TextRange::new(stray.start, end))
}

/// A stretch's malformed links and links without a scheme (`paper`: the
/// paper whose body it is; `None` for the preamble). They depend on the
/// stretch alone.
fn link_rules(analysis: &Analysis, paper: Option<&Paper>, inline: &Inline, sink: &mut Sink<'_>) {
    let paper = || paper.map(|p| name(analysis, p));
    for link in &inline.links {
        if let Some(problem) = &link.problem {
            let problem = Problem::MalformedLink {
                paper: paper(),
                link: analysis.slice(link.range).into_owned(),
                problem: problem.clone(),
            };
            sink.push(link.range, problem, Vec::new());
        } else if link.kind == LinkKind::NoScheme {
            let problem = Problem::LinkWithoutScheme {
                paper: paper(),
                link: analysis.slice(link.range).into_owned(),
            };
            sink.push(link.range, problem, Vec::new());
        }
    }
}

/// The rules of paper `index` that depend on the other papers (and
/// digests): its number after the previous paper's, its references.
fn linked_rules(
    analysis: &Analysis,
    previous: Option<&Paper>,
    index: usize,
    resolve: &dyn Fn(&RefTarget) -> Option<Unresolved>,
    sink: &mut Sink<'_>,
) {
    numbering_rules(analysis, previous, index, sink);
    if let Some(paper) = analysis.syntax.papers.get(index) {
        unresolved_rules(analysis, Some(paper), &paper.inline, resolve, sink);
    }
}

/// The rules of paper `index` that depend on it and the bibliography:
/// its citations, its title against its entry's.
fn cited_rules(
    analysis: &Analysis,
    index: usize,
    bibliography: &Bibliography,
    sink: &mut Sink<'_>,
) {
    if let Some(paper) = analysis.syntax.papers.get(index) {
        citation_rules(analysis, Some(paper), &paper.inline, bibliography, sink);
    }
    title_mismatch(analysis, index, bibliography, sink);
}

/// A stretch's citations that name no entry of the bibliography.
fn citation_rules(
    analysis: &Analysis,
    paper: Option<&Paper>,
    inline: &Inline,
    bibliography: &Bibliography,
    sink: &mut Sink<'_>,
) {
    if !sink.on(Rule::UnresolvedCitation) {
        return;
    }
    for reference in &inline.references {
        let Some(key) = reference.citation() else {
            continue;
        };
        if bibliography.entry(key).is_none() {
            let problem = Problem::UnresolvedCitation {
                paper: paper.map(|p| name(analysis, p)),
                key: key.to_string(),
                why: match crate::syntax::inline::is_citation_key(key) {
                    true => Uncited::of(bibliography, sink.config),
                    false => Uncited::NotAKey,
                },
            };
            sink.push(reference.range, problem, Vec::new());
        }
    }
}

/// A stretch's references (not citations) that do not resolve.
fn unresolved_rules(
    analysis: &Analysis,
    paper: Option<&Paper>,
    inline: &Inline,
    resolve: &dyn Fn(&RefTarget) -> Option<Unresolved>,
    sink: &mut Sink<'_>,
) {
    if !sink.on(Rule::UnresolvedReference) {
        return;
    }
    let paper = || paper.map(|p| name(analysis, p));
    for reference in &inline.references {
        if reference.citation().is_some() {
            continue;
        }
        if let Some(reason) = resolve(&reference.target) {
            let problem = Problem::UnresolvedReference {
                paper: paper(),
                target: reference_target_text(analysis, reference),
                reason,
            };
            sink.push(reference.range, problem, Vec::new());
        }
    }
}

/// `title-mismatch`: paper `index`, bound to an entry by its key, DOI or
/// arXiv identifier, whose title (without its citations) differs from the
/// entry's once both are normalised.
fn title_mismatch(
    analysis: &Analysis,
    index: usize,
    bibliography: &Bibliography,
    sink: &mut Sink<'_>,
) {
    if !sink.on(Rule::TitleMismatch) || bibliography.is_empty() {
        return;
    }
    let (Some(paper), Some(facts)) = (
        analysis.syntax.papers.get(index),
        analysis.paper_facts(index),
    ) else {
        return;
    };
    let Some((found, by)) = bibliography.bind_normalised(facts) else {
        return;
    };
    if by == BindBy::Title || facts.title.is_empty() {
        return;
    }
    if found.title.is_empty() || found.title == facts.title {
        return;
    }
    let problem = Problem::TitleMismatch {
        paper: name(analysis, paper),
        key: found.entry.key.clone(),
        title: found.entry.title.clone(),
        by,
    };
    sink.push(paper.title.unwrap_or(paper.heading), problem, Vec::new());
}

/// The target as the message names it: `Paper9`, `other#Paper2`, `other`.
fn reference_target_text(analysis: &Analysis, reference: &Reference) -> String {
    let written = analysis.slice(reference.range);
    match reference.wiki {
        true => written
            .trim_start_matches("[[")
            .trim_end_matches("]]")
            .to_string(),
        false => written.into_owned(),
    }
}

/// Why a reference target does not resolve, or `None` when it does.
pub fn resolve_reference(
    analysis: &Analysis,
    resolver: &dyn Resolver,
    target: &RefTarget,
) -> Option<Unresolved> {
    resolve_with(analysis, resolver, target, &OnceCell::new())
}

/// [`resolve_reference`], with the name of the digest's highest-numbered
/// paper worked out once for all the references of a check.
fn resolve_with(
    analysis: &Analysis,
    resolver: &dyn Resolver,
    target: &RefTarget,
    highest: &OnceCell<Option<String>>,
) -> Option<Unresolved> {
    let in_file = |file: &str, number: Option<u64>| {
        let (tried, lookup) = resolve_file(resolver, file);
        match lookup {
            Lookup::Found(other) => match number {
                Some(n) if other.index.paper(n).is_none() => {
                    Some(Unresolved::NoPaperInFile { file: tried })
                }
                _ => None,
            },
            Lookup::Missing => Some(Unresolved::NoFile { tried }),
            Lookup::Unreadable(why) => Some(Unresolved::Unreadable { file: tried, why }),
        }
    };
    match target {
        RefTarget::Paper(n) => analysis.index.paper(*n).is_none().then(|| {
            let highest = highest.get_or_init(|| {
                let papers = &analysis.syntax.papers;
                // The first of the papers with the highest number.
                let top = papers
                    .iter()
                    .reduce(|a, b| if b.number > a.number { b } else { a });
                top.map(|paper| name(analysis, paper))
            });
            Unresolved::NoPaper {
                highest: highest.clone(),
            }
        }),
        RefTarget::FilePaper { file, number } => in_file(file, Some(*number)),
        RefTarget::File(file) => in_file(file, None),
        RefTarget::BadAnchor { file, .. } => Some(Unresolved::BadAnchor {
            keyword: "Paper".to_string(),
            in_file: file.is_empty(),
        }),
        // Not a reference to a digest: `unresolved-citation` looks at it.
        RefTarget::Citation(_) => None,
    }
}

#[cfg(test)]
mod tests {
    //! [`check_with`] against the plain way: every finding made into a
    //! diagnostic, all sorted, then capped; with the typography rules on,
    //! their findings from [`typography::findings`] (not the cache's
    //! compact ones), through edits that keep papers cached.
    #![allow(clippy::unwrap_used)]

    use proptest::prelude::*;
    use ropey::Rope;

    use super::*;
    use crate::{Dirty, NoFiles};

    const ALL_ON: &str = "[rules]\ncjk-spacing = \"warning\"\ncjk-punctuation = \"hint\"\nfullwidth-alphanumeric = \"info\"\n";

    fn all_on() -> Config {
        let (config, errors) = crate::parse_config(ALL_ON);
        assert_eq!(errors, []);
        config
    }

    /// Every finding as a diagnostic, in output order, capped.
    fn plainly(analysis: &Analysis, config: &Config) -> Vec<Diagnostic> {
        plainly_with(analysis, config, Bibliography::empty())
    }

    /// [`plainly`] with a bibliography.
    fn plainly_with(
        analysis: &Analysis,
        config: &Config,
        bibliography: &Bibliography,
    ) -> Vec<Diagnostic> {
        let mut sink = Sink {
            config,
            out: Vec::new(),
        };
        let highest = OnceCell::new();
        let resolve = |target: &RefTarget| resolve_with(analysis, &NoFiles, target, &highest);
        let syntax = &analysis.syntax;
        let preamble = &syntax.preamble_inline;
        link_rules(analysis, None, preamble, &mut sink);
        unresolved_rules(analysis, None, preamble, &resolve, &mut sink);
        citation_rules(analysis, None, preamble, bibliography, &mut sink);
        for (i, paper) in syntax.papers.iter().enumerate() {
            let previous = i.checked_sub(1).map(|p| &syntax.papers[p]);
            linked_rules(analysis, previous, i, &resolve, &mut sink);
            cited_rules(analysis, i, bibliography, &mut sink);
            if paper.title.is_none() {
                let problem = Problem::MissingTitle {
                    paper: name(analysis, paper),
                };
                sink.push(paper.heading, problem, Vec::new());
            }
            section_rules(analysis, paper, &mut sink);
            link_rules(analysis, Some(paper), &paper.inline, &mut sink);
            for finding in typography::findings(analysis, paper, config) {
                sink.push(finding.range, finding.problem, Vec::new());
            }
        }
        let mut all = sink.out;
        all.sort_by_key(|d| (d.range.start, d.range.end, d.problem.rule()));
        if all.len() <= MAX_DIAGNOSTICS {
            return all;
        }
        let left_out = all.len() - MAX_DIAGNOSTICS;
        all.truncate(MAX_DIAGNOSTICS);
        let problem = Problem::TooManyDiagnostics { left_out };
        if let Some(severity) = config.severity(problem.rule()) {
            let range = TextRange::empty(syntax.text_start);
            let note = Diagnostic {
                range,
                severity,
                problem,
                related: Vec::new(),
            };
            all.insert(0, note);
        }
        all
    }

    /// Pieces of digests: headings (some numbered out of order, some
    /// without a title), labels, Chinese with Latin words, half-width
    /// punctuation, full-width letters, links, references, code.
    const PIECES: &[&str] = &[
        "\nPaper3 T\n",
        "\nPaper1\n",
        "\nPaper2 标题\n摘要原文: a\n中文总结: ",
        "\n中文总结：",
        "\nNotes: ",
        "\n摘要原文: ",
        "使用COCO数据集",
        "模型(ResNet)的",
        "方法,结果.",
        "ＡＢ１２训练",
        " 见github.com/a/b ",
        "https://x.org/中文",
        "与Paper9类似",
        "[[Paper1]]",
        "`code中a`",
        "2023年",
        "中 a 中",
        "\r\n",
        "😀",
        "x",
    ];

    fn digest() -> impl Strategy<Value = String> {
        prop::collection::vec(0..PIECES.len(), 0..60)
            .prop_map(|pieces| pieces.into_iter().map(|i| PIECES[i]).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn a_check_is_every_finding_sorted_and_capped(text in digest()) {
            for config in [all_on(), Config::default()] {
                let analysis = Analysis::new(&text, &config);
                prop_assert_eq!(check(&analysis, &config, &NoFiles), plainly(&analysis, &config));
            }
        }

        #[test]
        fn kept_findings_stay_right_through_edits(
            text in digest(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), 0..PIECES.len()), 1..8),
        ) {
            let config = all_on();
            let mut text = text;
            let mut analysis = Analysis::new(&text, &config);
            let mut cache = RuleCache::default();
            check_with(&analysis, &config, &NoFiles, &mut cache);
            for (at, piece) in edits {
                let mut at = at.index(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, PIECES[piece]);
                let dirty = Dirty::replace(TextRange::new(at, at), PIECES[piece].len());
                analysis = analysis.into_edited(Rope::from_str(&text), dirty, &config);
                let fresh = Analysis::new(&text, &config);
                prop_assert_eq!(
                    check_with(&analysis, &config, &NoFiles, &mut cache),
                    plainly(&fresh, &config)
                );
            }
        }
    }

    /// The bibliography of the tests below, as `check` is given it.
    struct WithBib<'a>(&'a Bibliography);

    impl Resolver for WithBib<'_> {
        fn lookup(&self, _relative: &str) -> crate::Lookup {
            crate::Lookup::Missing
        }
        fn bibliography(&self) -> &Bibliography {
            self.0
        }
    }

    fn library(bib: &str) -> Bibliography {
        let file = crate::bibliography::BibFile::read(std::path::Path::new("refs.bib"), bib);
        Bibliography::new(vec![file])
    }

    /// Pieces of digests that cite, name DOIs and arXiv identifiers, and
    /// give titles, some of them those of the entries of [`BIBS`].
    const CITING: &[&str] = &[
        "\nPaper1 Tiny Teachers\n",
        "\nPaper2 Tiny Teachers [[@tiny]]\n",
        "\nPaper3 Other Words\n摘要原文: doi 10.5555/t.1 ",
        "\nCite: [[@tiny]] [[@gone]]\n",
        " arXiv:2308.12345 ",
        "[[@tiny]]",
        "[[@masks]]",
        "\n中文总结: x\n",
        "x",
    ];

    /// Two bibliographies: the second has another title for `tiny` and no
    /// `masks`.
    const BIBS: [&str; 2] = [
        "@article{tiny,\n  title = {Tiny Teachers},\n  doi = {10.5555/t.1},\n}\n\
         @misc{masks,\n  title = {Masks},\n  eprint = {2308.12345},\n  eprinttype = {arXiv},\n}\n",
        "@article{tiny,\n  title = {Tiny Giant Teachers},\n  doi = {10.5555/t.1},\n}\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(100))]

        #[test]
        fn kept_citation_findings_follow_edits_and_the_bibliography(
            pieces in prop::collection::vec(0..CITING.len(), 0..30),
            steps in prop::collection::vec(
                (any::<prop::sample::Index>(), 0..CITING.len(), 0..4usize),
                1..8,
            ),
        ) {
            let config = Config::default();
            let bibs = [library(BIBS[0]), library(BIBS[1]), Bibliography::default()];
            let mut text: String = pieces.into_iter().map(|i| CITING[i]).collect();
            let mut analysis = Analysis::new(&text, &config);
            let mut cache = RuleCache::default();
            check_with(&analysis, &config, &WithBib(&bibs[0]), &mut cache);
            for (at, piece, bib) in steps {
                // 3: the first bibliography again, as a clone (the same
                // generation).
                let bib = if bib == 3 { bibs[0].clone() } else { bibs[bib].clone() };
                let mut at = at.index(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                text.insert_str(at, CITING[piece]);
                let dirty = Dirty::replace(TextRange::new(at, at), CITING[piece].len());
                analysis = analysis.into_edited(Rope::from_str(&text), dirty, &config);
                let fresh = Analysis::new(&text, &config);
                prop_assert_eq!(
                    check_with(&analysis, &config, &WithBib(&bib), &mut cache),
                    plainly_with(&fresh, &config, &bib)
                );
            }
        }
    }

    #[test]
    fn a_paper_kept_is_checked_again_under_another_bibliography() {
        let config = Config::default();
        let text = "Paper1 Tiny Teachers [[@tiny]]\n摘要原文: a\n中文总结: b\n";
        let analysis = Analysis::new(text, &config);
        let mut cache = RuleCache::default();
        let (first, second) = (library(BIBS[0]), library(BIBS[1]));
        let messages = |bib: &Bibliography, cache: &mut RuleCache| -> Vec<String> {
            let found = check_with(&analysis, &config, &WithBib(bib), cache);
            found.iter().map(Diagnostic::message).collect()
        };
        assert_eq!(messages(&first, &mut cache), Vec::<String>::new());
        assert_eq!(
            messages(&second, &mut cache),
            [
                "Paper1's title differs from that of the entry `tiny` it is bound to by its \
                 citation (\"Tiny Giant Teachers\"): correct the heading's title, or the citation"
            ]
        );
        assert_eq!(messages(&first, &mut cache), Vec::<String>::new());
    }

    #[test]
    fn the_preambles_findings_are_shown_once_before_the_papers() {
        // Found by the proptest above, when the preamble's findings stayed
        // in the list that the first paper's then joined.
        let config = all_on();
        let text = " 见github.com/a/b \nPaper3 T\n";
        let analysis = Analysis::new(text, &config);
        let found = check(&analysis, &config, &NoFiles);
        assert_eq!(found, plainly(&analysis, &config));
        let rules: Vec<&str> = found.iter().map(|d| d.rule().code()).collect();
        assert_eq!(
            rules,
            ["link-without-scheme", "missing-section", "missing-section"]
        );
    }

    /// `papers` papers whose summaries have `findings` typography findings
    /// each.
    fn typographic(papers: usize, findings: usize) -> String {
        let summary = "用COCO训练".repeat(findings / 2);
        (1..=papers)
            .map(|n| format!("Paper{n} T\n摘要原文: a\n中文总结: {summary}\n\n"))
            .collect()
    }

    #[test]
    fn past_the_cap_the_first_findings_are_shown_and_the_rest_counted() {
        let config = all_on();
        // 40 papers of 60 findings: 2,400 findings.
        let text = typographic(40, 60);
        let analysis = Analysis::new(&text, &config);
        let found = check(&analysis, &config, &NoFiles);
        assert_eq!(found, plainly(&analysis, &config));
        assert_eq!(found.len(), MAX_DIAGNOSTICS + 1);
        assert_eq!(
            found[0].message(),
            "1400 more diagnostics were left out: only the first 1000 are shown; fix these first"
        );
        assert_eq!(
            found[1].message(),
            "Paper1: put a space between `用` and `COCO`"
        );
        assert_eq!(found[1].range, TextRange::new(39, 43));
    }

    #[test]
    fn a_file_with_many_typography_findings_is_kept() {
        let config = all_on();
        // 400 papers of 60 findings: 24,000 findings, past the 4,000 that
        // the cache used to keep at most.
        let text = typographic(400, 60);
        let analysis = Analysis::new(&text, &config);
        let mut cache = RuleCache::default();
        check_with(&analysis, &config, &NoFiles, &mut cache);
        assert_eq!(cache.findings(), 24_000);
        let kept: usize = cache.papers.values().map(Own::bytes).sum();
        assert!(kept < MIN_KEPT_BYTES, "{kept} bytes kept");
        // The problems of the findings shown are kept worded, those alone.
        let worded = |cache: &RuleCache| -> usize {
            let findings = cache
                .papers
                .values()
                .filter_map(|own| own.findings.as_ref());
            findings.map(|f| f.worded.len()).sum()
        };
        assert_eq!(worded(&cache), MAX_DIAGNOSTICS);
        // Paper1 typed into: the first findings are its and the next ones.
        let at = text.find("用").unwrap();
        let mut edited = text.clone();
        edited.insert(at, 'x');
        let dirty = Dirty::replace(TextRange::new(at, at), 1);
        let next = analysis.into_edited(Rope::from_str(&edited), dirty, &config);
        let found = check_with(&next, &config, &NoFiles, &mut cache);
        assert_eq!(found, plainly(&Analysis::new(&edited, &config), &config));
        assert_eq!(worded(&cache), MAX_DIAGNOSTICS);
    }

    #[test]
    fn a_file_broken_everywhere_is_not_kept() {
        let config = all_on();
        // A finding every two bytes: 24 bytes kept for two of text, 2.4 MB
        // for 200 KB.
        let text = format!("Paper1 T\n中文总结: {}\n", "中a".repeat(50_000));
        let analysis = Analysis::new(&text, &config);
        let mut cache = RuleCache::default();
        let found = check_with(&analysis, &config, &NoFiles, &mut cache);
        assert_eq!(found.len(), MAX_DIAGNOSTICS + 1);
        assert_eq!(cache.findings(), 0);
        assert!(cache.papers.is_empty());
    }
}
