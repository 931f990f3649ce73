//! Workspace symbols: the papers of every digest, found by number or title.

use crate::{TextRange, WorkspaceFile};

/// A paper that matches a workspace symbol query.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkspaceSymbol {
    pub file: usize,
    /// The heading line as written, trimmed (as in the outline).
    pub name: String,
    /// The digest's title (the first line of its preamble), if any.
    pub container: Option<String>,
    /// The whole paper.
    pub range: TextRange,
    /// The heading line.
    pub selection: TextRange,
}

/// How well a query matches a text, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    Exact,
    Prefix,
    Substring,
    Subsequence,
}

/// The papers of `files` whose number, `Paper3` name or title matches
/// `query`, case-insensitively (Unicode lower case, so CJK and accented
/// text alike) and fuzzily: exact matches first, then prefixes, substrings,
/// and subsequences (`kd` finds `Knowledge Distillation`); within a tier,
/// the shorter matched text first, then in workspace order. At most `limit`
/// results. An empty query lists the papers in workspace order.
///
/// White space in the query is ignored against numbers and names, so
/// `paper 3` finds `Paper3`.
pub fn workspace_symbols(
    files: &[WorkspaceFile<'_>],
    query: &str,
    limit: usize,
) -> Vec<WorkspaceSymbol> {
    let mut query_text = Vec::new();
    fold(query, false, &mut query_text);
    let mut compact = Vec::new();
    fold(query, true, &mut compact);
    // (tier, length of the matched text, file, paper index)
    let mut found: Vec<(Tier, usize, usize, usize)> = Vec::new();
    let mut scratch = Vec::new();
    for (f, file) in files.iter().enumerate() {
        let analysis = file.analysis;
        for (i, paper) in analysis.syntax.papers.iter().enumerate() {
            if query_text.is_empty() {
                found.push((Tier::Exact, 0, f, i));
                continue;
            }
            let mut best: Option<(Tier, usize)> = None;
            let mut consider = |text: &str, query: &[char], compact: bool| {
                fold(text, compact, &mut scratch);
                if let Some(tier) = tier(&scratch, query) {
                    let key = (tier, scratch.len());
                    if best.is_none_or(|b| key < b) {
                        best = Some(key);
                    }
                }
            };
            consider(&paper.number.to_string(), &compact, true);
            consider(&analysis.slice(paper.name_range()), &compact, true);
            if let Some(title) = analysis.title_text(paper) {
                consider(&title, &query_text, false);
            }
            if let Some((tier, len)) = best {
                found.push((tier, len, f, i));
            }
        }
    }
    if limit < found.len() {
        found.select_nth_unstable(limit);
        found.truncate(limit);
    }
    found.sort_unstable();
    found
        .into_iter()
        .map(|(_, _, f, i)| {
            let analysis = files[f].analysis;
            let paper = &analysis.syntax.papers[i];
            WorkspaceSymbol {
                file: f,
                name: analysis.slice(paper.heading).into_owned(),
                container: analysis
                    .syntax
                    .title
                    .map(|t| analysis.slice(t).into_owned()),
                range: paper.range,
                selection: paper.heading,
            }
        })
        .collect()
}

/// `text` trimmed and lower-cased into `out`, its white space left out
/// (`compact`) or collapsed to single spaces.
fn fold(text: &str, compact: bool, out: &mut Vec<char>) {
    out.clear();
    let mut space = false;
    for c in text.trim().chars() {
        if c.is_whitespace() {
            space = !compact;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        out.extend(c.to_lowercase());
    }
}

/// How `query` matches `text` (both lower-cased), if at all.
fn tier(text: &[char], query: &[char]) -> Option<Tier> {
    if query.is_empty() || query.len() > text.len() {
        return None;
    }
    if text == query {
        return Some(Tier::Exact);
    }
    if text.starts_with(query) {
        return Some(Tier::Prefix);
    }
    if text.windows(query.len()).any(|w| w == query) {
        return Some(Tier::Substring);
    }
    let mut rest = query.iter().peekable();
    for c in text {
        if rest.peek() == Some(&c) {
            rest.next();
        }
    }
    rest.peek().is_none().then_some(Tier::Subsequence)
}
