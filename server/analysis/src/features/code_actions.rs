//! Quick fixes, each for one diagnostic of [`crate::rules::check`].

use std::path::PathBuf;

use super::rename::renumber;
use crate::format::{LineEnd, majority_colon};
use crate::rules::{Diagnostic, Problem, Unresolved, paper_label_position, typography};
use crate::syntax::{Paper, RefTarget, Reference};
use crate::workspace::{Paths, all_references, normalize, reference_number_range};
use crate::{
    Analysis, Config, FileEdits, NoFiles, TextEdit, TextRange, WorkspaceFile, resolve_file,
};

/// A quick fix: what the editor offers, the diagnostic it fixes, and what
/// applies it: a digest to create, then edits (per workspace file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub diagnostic: Diagnostic,
    /// A digest to create first (`None` for every fix but the creation of
    /// a missing digest).
    pub create: Option<CreateFile>,
    pub edits: Vec<FileEdits>,
    /// The obvious fix (applied by "auto fix" where the editor has one).
    pub preferred: bool,
}

/// A digest to create: never over a file that exists (`ignore_if_exists`
/// set, `overwrite` not), holding `text` once created.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateFile {
    /// Where: the referring digest's folder joined with the name the
    /// reference gives, normalised.
    pub path: PathBuf,
    /// Always true: a file that exists is left as it is.
    pub ignore_if_exists: bool,
    /// Always false.
    pub overwrite: bool,
    /// The new digest's text, to insert at its start once created (empty
    /// for `[[file]]`). Only for a file that did not exist: a file that
    /// exists gets no text.
    pub text: String,
}

/// The quick fixes for `diagnostic`, a diagnostic of file `current`:
///
/// - `missing-section`: insert the label the diagnostic proposes (in the
///   paper's label language, see `rules`) on a line of its own, where the
///   configuration's order puts it (after the sections of kinds listed
///   before it, else before the first section);
/// - `link-without-scheme`: write `https://` before the link;
/// - `unknown-label`: replace the label by the suggested one;
/// - `numbering`, `duplicate-paper`: renumber this paper and every one after
///   it consecutively from the previous heading's number, updating every
///   reference in the workspace as rename does. Not offered when a new
///   number would repeat one of an earlier paper;
/// - `cjk-spacing`, `cjk-punctuation`, `fullwidth-alphanumeric`: the
///   finding's fix (see [`typography`]): insert or delete the space, write
///   the full-width punctuation (without the spaces around it), write the
///   letters and digits half-width.
/// - `unresolved-reference` to a digest that does not exist (`[[file]]`,
///   `[[file#Paper3]]`): create it (see [`CreateFile`]: never over a file),
///   holding for `#Paper3` a heading `Paper3` and the required sections,
///   empty; to a paper that its digest (this one, or one of `files`) lacks
///   (`Paper9`, `[[Paper9]]`, `[[file#Paper9]]`): append a heading `Paper9`
///   and the required sections, empty, at the end of that digest, laid out
///   as the formatter lays them out (a blank line before the heading and
///   before each section, the colon the file's labels use most, the
///   file's line end). The labels are in the label language of the paper
///   that holds the reference (see `rules`), from `config`; the heading's
///   keyword is the reference's. Neither is preferred: the reference may
///   just be mistyped.
///
/// Nothing for other diagnostics, or when the diagnostic does not match the
/// text (it is stale).
pub fn code_actions(
    files: &[WorkspaceFile<'_>],
    current: usize,
    diagnostic: &Diagnostic,
    config: &Config,
) -> Vec<CodeAction> {
    let Some(file) = files.get(current) else {
        return Vec::new();
    };
    let analysis = file.analysis;
    let action = |title: String, edits: Vec<TextEdit>, preferred: bool| CodeAction {
        title,
        diagnostic: diagnostic.clone(),
        create: None,
        edits: vec![FileEdits {
            file: current,
            edits,
        }],
        preferred,
    };
    let range = diagnostic.range;
    match &diagnostic.problem {
        Problem::MissingSection { kind, label, .. } => {
            let Some(paper) = heading_at(analysis, range) else {
                return Vec::new();
            };
            let edit = insert_section(analysis, paper, kind, label, config);
            vec![action(
                format!("Add the `{label}:` section"),
                vec![edit],
                true,
            )]
        }
        Problem::LinkWithoutScheme { link, .. } if analysis.slice(range) == *link => {
            let edit = TextEdit {
                range: TextRange::empty(range.start),
                new_text: "https://".to_string(),
            };
            vec![action(format!("Write `https://{link}`"), vec![edit], true)]
        }
        Problem::UnknownLabel {
            written,
            suggestion,
            ..
        } if analysis.slice(range) == *written => {
            let edit = TextEdit {
                range,
                new_text: suggestion.clone(),
            };
            let title = format!("Replace `{written}` with `{suggestion}`");
            vec![action(title, vec![edit], true)]
        }
        Problem::Numbering { .. } | Problem::DuplicatePaper { .. } => {
            match renumber_from(files, current, range) {
                Some(edits) if !edits.is_empty() => vec![CodeAction {
                    title: "Renumber papers from here".to_string(),
                    diagnostic: diagnostic.clone(),
                    create: None,
                    edits,
                    preferred: false,
                }],
                _ => Vec::new(),
            }
        }
        Problem::CjkSpacing { .. }
        | Problem::CjkPunctuation { .. }
        | Problem::FullwidthAlphanumeric { .. } => {
            let Some(finding) = typography_finding(analysis, diagnostic, config) else {
                return Vec::new();
            };
            let edits = finding.edits();
            let title = typography_title(&diagnostic.problem, edits.len() > 1);
            vec![action(title, edits, true)]
        }
        Problem::UnresolvedReference { reason, .. } => {
            create_missing(files, current, diagnostic, reason, config)
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Every typography fix of the file at once, for `source.fixAll.digest`:
/// edits sorted, neither overlapping nor touching, after which the three
/// rules find nothing. None when the rules are off.
pub fn fix_all_typography(analysis: &Analysis, config: &Config) -> Vec<TextEdit> {
    typography::fix_all(analysis, config)
}

/// The finding the typography rules make now where the diagnostic is
/// (none when the diagnostic is stale).
fn typography_finding(
    analysis: &Analysis,
    diagnostic: &Diagnostic,
    config: &Config,
) -> Option<typography::Finding> {
    let index = analysis.syntax.paper_index_at(diagnostic.range.start)?;
    let paper = &analysis.syntax.papers[index];
    typography::findings(analysis, paper, config)
        .into_iter()
        .find(|f| f.range == diagnostic.range && f.problem == diagnostic.problem)
}

/// The title of a typography fix; `pair`: a parenthesis fixed with its
/// partner.
fn typography_title(problem: &Problem, pair: bool) -> String {
    match problem {
        Problem::CjkSpacing { .. } => {
            let fix = problem.spacing_fix().unwrap_or_default();
            let mut chars = fix.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        }
        Problem::CjkPunctuation { .. } if pair => "Write `（…）` for `(…)`".to_string(),
        Problem::CjkPunctuation {
            written, fullwidth, ..
        } => format!("Write `{fullwidth}` for `{written}`"),
        Problem::FullwidthAlphanumeric { written, .. } => format!(
            "Write `{}` for `{written}`",
            typography::half_width_of(written)
        ),
        _ => String::new(),
    }
}

/// The paper whose heading `range` lies in.
fn heading_at(analysis: &Analysis, range: TextRange) -> Option<&Paper> {
    let index = analysis.syntax.paper_index_at(range.start)?;
    let paper = &analysis.syntax.papers[index];
    paper.heading.contains_range(range).then_some(paper)
}

/// The line `{label}:` inserted into `paper` where the order of the
/// configured kinds puts a `kind` section, separated from its neighbours as
/// the paper's own sections are (by a blank line or not), with the file's
/// line break.
fn insert_section(
    analysis: &Analysis,
    paper: &Paper,
    kind: &str,
    label: &str,
    config: &Config,
) -> TextEdit {
    let order = |k: &str| config.sections.iter().position(|s| &*s.name == k);
    let rank = order(kind);
    let newline = line_break_after(analysis, paper.heading.end);
    // A blank line between blocks, unless the paper's first section follows
    // its heading (or stray text) directly.
    let blank = match paper.sections.first() {
        Some(first) => {
            let before = paper.stray.map_or(paper.heading.end, |s| s.end);
            let gap = analysis.slice(TextRange::new(before, first.label.start));
            let breaks = gap.matches('\n').count() + gap.matches('\r').count();
            breaks - gap.matches("\r\n").count() > 1
        }
        None => true,
    };
    let separator = if blank {
        format!("{newline}{newline}")
    } else {
        newline.to_string()
    };
    let after = paper
        .sections
        .iter()
        .rev()
        .find(|s| rank.is_some() && order(&s.kind) < rank);
    match (after, paper.sections.first()) {
        (Some(section), _) => TextEdit {
            range: TextRange::empty(section.range.end),
            new_text: format!("{separator}{label}:"),
        },
        (None, Some(first)) => TextEdit {
            range: TextRange::empty(first.label.start),
            new_text: format!("{label}:{separator}"),
        },
        (None, None) => TextEdit {
            range: TextRange::empty(paper.range.end),
            new_text: format!("{separator}{label}:"),
        },
    }
}

/// The line break that ends the line at `offset` (`\n` at the end of the
/// text).
fn line_break_after(analysis: &Analysis, offset: usize) -> &'static str {
    match (
        analysis.text.get_byte(offset),
        analysis.text.get_byte(offset + 1),
    ) {
        (Some(b'\r'), Some(b'\n')) => "\r\n",
        (Some(b'\r'), _) => "\r",
        _ => "\n",
    }
}

/// The edits that renumber the paper whose `Paper3` is `range`, and every
/// paper after it, consecutively from the previous paper's number.
fn renumber_from(
    files: &[WorkspaceFile<'_>],
    current: usize,
    range: TextRange,
) -> Option<Vec<FileEdits>> {
    let analysis = files[current].analysis;
    let papers = &analysis.syntax.papers;
    let from = analysis.syntax.paper_index_at(range.start)?;
    if papers[from].name_range() != range {
        return None;
    }
    let first = papers[from.checked_sub(1)?].number.checked_add(1)?;
    let count = u64::try_from(papers.len() - from).ok()?;
    let last = first.checked_add(count - 1)?;
    if papers[..from]
        .iter()
        .any(|p| (first..=last).contains(&p.number))
    {
        return None;
    }
    let paths = Paths::new(files);
    Some(renumber(files, &paths, current, |i| {
        (i >= from).then(|| first + (i - from) as u64)
    }))
}

/// The fix that creates what an `unresolved-reference` names: the digest
/// (for `NoFile`) or the paper (for `NoPaper`, `NoPaperInFile`), when the
/// reference at the diagnostic's range still names it.
fn create_missing(
    files: &[WorkspaceFile<'_>],
    current: usize,
    diagnostic: &Diagnostic,
    reason: &Unresolved,
    config: &Config,
) -> Option<CodeAction> {
    let file = files.get(current)?;
    let analysis = file.analysis;
    let reference = all_references(analysis).find(|r| r.range == diagnostic.range)?;
    let action = |title: String, create: Option<CreateFile>, edits: Vec<FileEdits>| CodeAction {
        title,
        diagnostic: diagnostic.clone(),
        create,
        edits,
        preferred: false,
    };
    let append = |target: usize, number: u64, place: String| {
        let other = files[target].analysis;
        if other.index.paper(number).is_some() {
            return None;
        }
        let heading = heading_of(analysis, reference, number)?;
        let layout = Layout::of(other);
        let text = new_paper(analysis, reference, &heading, &layout, config);
        let edit = append_at_end(other, &text, layout.eol);
        let edits = vec![FileEdits {
            file: target,
            edits: vec![edit],
        }];
        Some(action(format!("Add {heading} to {place}"), None, edits))
    };
    let this_digest = || "this digest".to_string();
    match (&reference.target, reason) {
        (RefTarget::Paper(number), Unresolved::NoPaper { .. }) => {
            append(current, *number, this_digest())
        }
        (RefTarget::FilePaper { file, number }, Unresolved::NoPaperInFile { file: shown }) => {
            let target = Paths::new(files).resolve(current, file)?;
            let place = match target == current {
                true => this_digest(),
                false => format!("`{shown}`"),
            };
            append(target, *number, place)
        }
        (
            RefTarget::FilePaper { file: written, .. } | RefTarget::File(written),
            Unresolved::NoFile { .. },
        ) => {
            if Paths::new(files).resolve(current, written).is_some() {
                return None;
            }
            // The name the look-up tried first: `written.digest` unless the
            // extension is written.
            let (name, _) = resolve_file(&NoFiles, written);
            let path = normalize(&file.path.parent()?.join(&name));
            let (title, text) = match &reference.target {
                RefTarget::FilePaper { number, .. } => {
                    let heading = heading_of(analysis, reference, *number)?;
                    let layout = Layout::of(analysis);
                    let text = new_paper(analysis, reference, &heading, &layout, config);
                    (format!("Create `{name}` with {heading}"), text)
                }
                _ => (format!("Create `{name}`"), String::new()),
            };
            let create = CreateFile {
                path,
                ignore_if_exists: true,
                overwrite: false,
                text,
            };
            Some(action(title, Some(create), Vec::new()))
        }
        _ => None,
    }
}

/// `Paper9`: the keyword the reference writes (`Paper` in `[[x#Paper 9]]`)
/// and the number, without leading zeros.
fn heading_of(analysis: &Analysis, reference: &Reference, number: u64) -> Option<String> {
    let digits = reference_number_range(analysis, reference)?;
    let before = analysis.slice(TextRange::new(reference.range.start, digits.start));
    let keyword = before.rsplit(['#', '[']).next()?.trim();
    (!keyword.is_empty()).then(|| format!("{keyword}{number}"))
}

/// A new paper's lines: `heading`, then each required section's label
/// (in the label language of the paper holding `reference` in `analysis`),
/// empty, each after a blank line, with the colon and the line end `host`
/// uses (the digest the paper goes into, or, for a new digest, the
/// referring one); ends with a line end.
fn new_paper(
    analysis: &Analysis,
    reference: &Reference,
    heading: &str,
    host: &Layout,
    config: &Config,
) -> String {
    let position = analysis
        .syntax
        .paper_index_at(reference.range.start)
        .map_or(0, |i| {
            paper_label_position(analysis, &analysis.syntax.papers[i], config)
        });
    let mut out = heading.to_string();
    for kind in config.sections.iter().filter(|k| k.required) {
        let Some(label) = kind.labels.get(position).or(kind.labels.first()) else {
            continue;
        };
        out.push_str(host.eol);
        out.push_str(host.eol);
        out.push_str(label);
        out.push_str(host.colon);
    }
    out.push_str(host.eol);
    out
}

/// What the formatter writes in a digest: its first line end (LF when it
/// has none), and the colon its labels use most.
struct Layout {
    eol: &'static str,
    colon: &'static str,
}

impl Layout {
    fn of(analysis: &Analysis) -> Self {
        let whole = analysis.slice(TextRange::new(0, analysis.text.len_bytes()));
        Self {
            eol: LineEnd::first_in(&whole).unwrap_or(LineEnd::Lf).as_str(),
            colon: majority_colon(&whole, &analysis.syntax),
        }
    }
}

/// The edit that appends `paper` (lines ending in a line end) to the
/// digest: after its last non-blank line with one blank line between
/// (none in a blank digest), in place of the white space after that line
/// (what of it the new text starts with is kept).
fn append_at_end(analysis: &Analysis, paper: &str, eol: &str) -> TextEdit {
    let syntax = &analysis.syntax;
    let len = analysis.text.len_bytes();
    let from = syntax
        .papers
        .last()
        .map_or(syntax.text_start, |p| p.range.end);
    let tail = analysis.slice(TextRange::new(from, len));
    let content_end = from + tail.trim_end().len();
    let trailing = &tail[content_end - from..];
    let wanted = match content_end == syntax.text_start {
        true => paper.to_string(),
        false => format!("{eol}{eol}{paper}"),
    };
    let mut kept = trailing
        .bytes()
        .zip(wanted.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !wanted.is_char_boundary(kept) {
        kept -= 1;
    }
    TextEdit {
        range: TextRange::new(content_end + kept, len),
        new_text: wanted[kept..].to_string(),
    }
}
