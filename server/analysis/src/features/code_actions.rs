//! Quick fixes, each for one diagnostic of [`crate::rules::check`].

use super::rename::renumber;
use crate::rules::{Diagnostic, Problem, typography};
use crate::syntax::Paper;
use crate::workspace::Paths;
use crate::{Analysis, Config, FileEdits, TextEdit, TextRange, WorkspaceFile};

/// A quick fix: what the editor offers, the diagnostic it fixes, and the
/// edits (per workspace file) that apply it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeAction {
    pub title: String,
    pub diagnostic: Diagnostic,
    pub edits: Vec<FileEdits>,
    /// The obvious fix (applied by "auto fix" where the editor has one).
    pub preferred: bool,
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
