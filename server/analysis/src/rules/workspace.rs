//! The rule that looks across digests: `duplicate-paper-across-files`.

use std::collections::{BTreeMap, HashMap, HashSet};

use super::{Diagnostic, Problem, Related, Rule, SamePaper, Severity, name};
use crate::bibliography::{Bibliography, BindBy, binding, normalise_arxiv, normalise_doi};
use crate::syntax::Paper;
use crate::workspace::wiki_name;
use crate::{Analysis, Config, WorkspaceFile};

mod index;
pub use index::{KeyIndex, Synced};

/// A paper of the workspace: (file index, paper index).
type PaperId = (usize, usize);

/// What identifies each paper of one digest across the workspace: its
/// normalised title, the code repositories it links to, the DOIs and arXiv
/// identifiers in its text, and the bibliography entry it is bound to.
/// Derived from an analysis once, so that checking one file against a large
/// workspace on every edit does not normalise every other file's titles
/// again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaperKeys {
    /// Per paper: the normalised title (`None` when it has no title or
    /// normalises to nothing).
    titles: Vec<Option<String>>,
    /// Per paper: its repositories, sorted, each once.
    repos: Vec<Vec<String>>,
    /// Per paper: its DOIs (normalised), sorted, each once; with those of
    /// the entry it cites.
    dois: Vec<Vec<String>>,
    /// Per paper: its arXiv identifiers (without version), sorted, each
    /// once; with that of the entry it cites.
    arxiv: Vec<Vec<String>>,
    /// Per paper: the key of the entry it is bound to, else of the first
    /// entry it cites.
    entries: Vec<Option<String>>,
}

impl PaperKeys {
    /// The keys without a bibliography: titles, repositories, DOIs and
    /// arXiv identifiers (what [`Analysis::paper_keys`] keeps).
    pub fn new(analysis: &Analysis) -> Self {
        Self::with_bibliography(analysis, Bibliography::empty())
    }

    /// The keys, with the entry of `bibliography` each paper is bound to;
    /// a paper bound by its citation also counts the entry's DOI and arXiv
    /// identifier as its own.
    pub fn with_bibliography(analysis: &Analysis, bibliography: &Bibliography) -> Self {
        let papers = &analysis.syntax.papers;
        let n = papers.len();
        let mut keys = PaperKeys {
            titles: Vec::with_capacity(n),
            repos: Vec::with_capacity(n),
            dois: Vec::with_capacity(n),
            arxiv: Vec::with_capacity(n),
            entries: Vec::with_capacity(n),
        };
        for (i, paper) in papers.iter().enumerate() {
            let title = paper
                .title
                .map(|t| normalize_title(&analysis.slice(t)))
                .filter(|k| !k.is_empty());
            keys.titles.push(title);
            let mut repos = code_repos(analysis, paper);
            repos.sort_unstable();
            repos.dedup();
            keys.repos.push(repos);
            let facts = analysis.paper_facts(i);
            let mut dois = facts.map(|f| f.dois.clone()).unwrap_or_default();
            let mut arxiv = facts.map(|f| f.arxiv.clone()).unwrap_or_default();
            let bound = binding(analysis, i, bibliography);
            if let Some((found, BindBy::Key)) = bound {
                dois.extend(found.entry.doi.as_deref().map(normalise_doi));
                arxiv.extend(found.entry.arxiv.as_deref().and_then(normalise_arxiv));
            }
            dois.sort_unstable();
            dois.dedup();
            arxiv.sort_unstable();
            arxiv.dedup();
            keys.dois.push(dois);
            keys.arxiv.push(arxiv);
            // The entry by its key: the entry bound to, else the key the
            // paper cites (without a bibliography, as the server and `check`
            // compare digests, two papers citing one key cite one entry).
            let cited = facts.and_then(|f| f.keys.first().cloned());
            keys.entries
                .push(bound.map(|(found, _)| found.entry.key.clone()).or(cited));
        }
        keys
    }

    /// Every key of paper `p`, with what it says of two papers that share it.
    fn of(&self, p: usize) -> impl Iterator<Item = (Kind, &str)> {
        fn one(v: &[Option<String>], p: usize, kind: Kind) -> Option<(Kind, &str)> {
            v.get(p).and_then(Option::as_deref).map(|k| (kind, k))
        }
        fn list(v: &[Vec<String>], p: usize, kind: Kind) -> impl Iterator<Item = (Kind, &str)> {
            v.get(p)
                .into_iter()
                .flatten()
                .map(move |k| (kind, k.as_str()))
        }
        one(&self.titles, p, Kind::Title)
            .into_iter()
            .chain(one(&self.entries, p, Kind::Entry))
            .chain(list(&self.dois, p, Kind::Doi))
            .chain(list(&self.arxiv, p, Kind::Arxiv))
            .chain(list(&self.repos, p, Kind::CodeLink))
    }

    fn len(&self) -> usize {
        self.titles.len()
    }
}

/// What a shared key says, in the order a message prefers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Title,
    Entry,
    Doi,
    Arxiv,
    CodeLink,
}

impl Kind {
    fn same(self, key: &str) -> SamePaper {
        match self {
            Kind::Title => SamePaper::Title,
            Kind::Entry => SamePaper::Entry(key.to_string()),
            Kind::Doi => SamePaper::Doi(key.to_string()),
            Kind::Arxiv => SamePaper::Arxiv(key.to_string()),
            Kind::CodeLink => SamePaper::CodeLink(key.to_string()),
        }
    }
}

fn rank(same: &SamePaper) -> u8 {
    match same {
        SamePaper::Title => 0,
        SamePaper::Entry(_) => 1,
        SamePaper::Doi(_) => 2,
        SamePaper::Arxiv(_) => 3,
        SamePaper::CodeLink(_) => 4,
    }
}

/// The same paper in two digests of the workspace: the same title (ignoring
/// case, punctuation and white space), or a link to the same GitHub
/// repository.
/// One diagnostic per such paper, on its heading, with related information
/// pointing at each copy in the other digests. Returned as (file index,
/// diagnostic), sorted by file and offset, with the severity `config` gives
/// the rule (the server passes the configuration of the file it publishes).
///
/// A title or repository that two papers of one digest share identifies no
/// paper (a placeholder title, a toolbox every paper links to) and is
/// ignored; this keeps the work linear in the papers times the digests.
pub fn check_workspace(files: &[WorkspaceFile<'_>], config: &Config) -> Vec<(usize, Diagnostic)> {
    if config.severity(Rule::DuplicatePaperAcrossFiles).is_none() {
        return Vec::new();
    }
    let keys: Vec<&PaperKeys> = files.iter().map(|f| f.analysis.paper_keys()).collect();
    findings(files, &keys, None, config)
}

/// [`check_workspace`] from keys derived beforehand: `keys[i]` are those
/// of `files[i]` (with [`PaperKeys::with_bibliography`], papers bound to
/// one entry are found too).
pub fn check_workspace_with_keys(
    files: &[WorkspaceFile<'_>],
    keys: &[&PaperKeys],
    config: &Config,
) -> Vec<(usize, Diagnostic)> {
    if files.len() != keys.len() {
        return Vec::new();
    }
    findings(files, keys, None, config)
}

/// [`check_workspace`]'s findings on file `current` alone (the same
/// diagnostics, in the same order), from keys derived beforehand: `keys[i]`
/// are those of `files[i]`. Only the keys of `current` are grouped, so the
/// cost is a hash look-up per key of the workspace, without the findings
/// of the other files; a [`KeyIndex`] kept from one call to the next
/// answers the same from a look-up per key of `current`.
pub fn check_workspace_file(
    files: &[WorkspaceFile<'_>],
    keys: &[&PaperKeys],
    current: usize,
    config: &Config,
) -> Vec<Diagnostic> {
    if config.severity(Rule::DuplicatePaperAcrossFiles).is_none()
        || files.len() != keys.len()
        || current >= files.len()
    {
        return Vec::new();
    }
    findings(files, keys, Some(current), config)
        .into_iter()
        .map(|(_, d)| d)
        .collect()
}

/// The findings on every file (`only: None`) or on file `only`.
fn findings(
    files: &[WorkspaceFile<'_>],
    keys: &[&PaperKeys],
    only: Option<usize>,
    config: &Config,
) -> Vec<(usize, Diagnostic)> {
    let Some(severity) = config.severity(Rule::DuplicatePaperAcrossFiles) else {
        return Vec::new();
    };
    // With `only`, the keys worth grouping are that file's.
    let wanted: Option<HashSet<(Kind, &str)>> =
        only.map(|f| (0..keys[f].len()).flat_map(|p| keys[f].of(p)).collect());
    let mut groups: HashMap<(Kind, &str), Vec<PaperId>> = HashMap::new();
    for (f, file_keys) in keys.iter().enumerate() {
        for p in 0..file_keys.len() {
            for key in file_keys.of(p) {
                if wanted.as_ref().is_none_or(|w| w.contains(&key)) {
                    let group = groups.entry(key).or_default();
                    // A paper with a DOI twice (in its text and its entry's)
                    // is one member.
                    if group.last() != Some(&(f, p)) {
                        group.push((f, p));
                    }
                }
            }
        }
    }

    // For each paper, its copies in other digests, and what makes them so.
    let mut copies: BTreeMap<PaperId, Vec<(PaperId, SamePaper)>> = BTreeMap::new();
    for ((kind, key), group) in groups {
        // Members come in file order: a file twice in a row means two papers
        // of one digest share the key; a single file means no copy elsewhere.
        let shared_in_a_file = group.windows(2).any(|w| w[0].0 == w[1].0);
        if shared_in_a_file || group.first().map(|m| m.0) == group.last().map(|m| m.0) {
            continue;
        }
        let same = kind.same(key);
        for &member in &group {
            if only.is_some_and(|f| member.0 != f) {
                continue;
            }
            let list = copies.entry(member).or_default();
            for &other in &group {
                if other.0 != member.0 {
                    list.push((other, same.clone()));
                }
            }
        }
    }

    diagnose(files, copies, severity)
}

/// For each paper (file, paper) of `copies`, in order, the diagnostic that
/// names its copies in other digests and what makes them so (each copy
/// any number of times, by any keys).
fn diagnose(
    files: &[WorkspaceFile<'_>],
    copies: BTreeMap<PaperId, Vec<(PaperId, SamePaper)>>,
    severity: Severity,
) -> Vec<(usize, Diagnostic)> {
    let mut out = Vec::with_capacity(copies.len());
    for ((f, p), mut others) in copies {
        // One entry per copy: a title match first, then the same entry, DOI,
        // arXiv identifier, code link; the same key sorted alike each time.
        others.sort_by(|(a, x), (b, y)| {
            (a, rank(x))
                .cmp(&(b, rank(y)))
                .then_with(|| format!("{x:?}").cmp(&format!("{y:?}")))
        });
        others.dedup_by_key(|(id, _)| *id);
        let analysis = files[f].analysis;
        let paper = &analysis.syntax.papers[p];
        let names = |(g, q): PaperId| {
            let other = files[g].analysis;
            let file = wiki_name(files[f].path, files[g].path)
                .unwrap_or_else(|| files[g].path.display().to_string());
            (file, name(other, &other.syntax.papers[q]))
        };
        let related = others
            .iter()
            .map(|&((g, q), _)| {
                let (file, other_paper) = names((g, q));
                Related {
                    range: files[g].analysis.syntax.papers[q].heading,
                    message: format!("{other_paper} in `{file}`"),
                    file: Some(files[g].path.to_path_buf()),
                }
            })
            .collect();
        let (first, same) = others[0].clone();
        let (other_file, other_paper) = names(first);
        let problem = Problem::DuplicatePaperAcrossFiles {
            paper: name(analysis, paper),
            other_file,
            other_paper,
            same,
            more: others.len() - 1,
        };
        out.push((
            f,
            Diagnostic {
                range: paper.heading,
                severity,
                problem,
                related,
            },
        ));
    }
    out
}

/// A title as compared across digests: composed (NFC: `U` + U+0308, as
/// text copied from a PDF on macOS writes it, is `Ü`), then its letters and
/// digits, lower-cased; punctuation, symbols and white space left out, so
/// that `Self-Distillation: A Survey` and `self distillation, a survey`
/// agree.
pub(crate) fn normalize_title(title: &str) -> String {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    let keep = |c: &char| c.is_alphanumeric();
    if is_nfc_quick(title.chars()) == IsNormalized::Yes {
        return title
            .chars()
            .filter(keep)
            .flat_map(char::to_lowercase)
            .collect();
    }
    title
        .nfc()
        .filter(keep)
        .flat_map(char::to_lowercase)
        .collect()
}

/// The GitHub repositories a paper links to, as `github.com/owner/repo`
/// (lower-cased, as GitHub names are case-insensitive; `.git` left out).
fn code_repos(analysis: &Analysis, paper: &Paper) -> Vec<String> {
    paper
        .inline
        .links
        .iter()
        .filter_map(|link| github_repo(&analysis.slice(link.url)))
        .collect()
}

pub(crate) fn github_repo(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .unwrap_or(&lower);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let path = rest.strip_prefix("github.com/")?;
    let mut parts = path.split(['/', '?', '#']);
    let owner = parts.next().filter(|s| !s.is_empty())?;
    let repo = parts.next()?;
    let repo = repo.strip_suffix(".git").unwrap_or(repo);
    (!repo.is_empty()).then(|| format!("github.com/{owner}/{repo}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_normalise() {
        assert_eq!(
            normalize_title("  Self-Distillation:  A  SURVEY! "),
            "selfdistillationasurvey"
        );
        assert_eq!(
            normalize_title("self distillation — a survey"),
            "selfdistillationasurvey"
        );
        assert_eq!(normalize_title("知识蒸馏，综述"), "知识蒸馏综述");
        // Composed and decomposed accents are the same title.
        assert_eq!(normalize_title("U\u{308}ber Cafe\u{301}"), "übercafé");
        assert_eq!(normalize_title("Über Café"), "übercafé");
        assert_eq!(normalize_title("—"), "");
    }

    #[test]
    fn github_repositories() {
        let r = |u: &str| github_repo(u);
        assert_eq!(
            r("https://github.com/Owner/Repo/tree/main"),
            Some("github.com/owner/repo".into())
        );
        assert_eq!(
            r("https://www.github.com/a/b.git"),
            Some("github.com/a/b".into())
        );
        assert_eq!(
            r("github.com/a/b?tab=readme"),
            Some("github.com/a/b".into())
        );
        assert_eq!(r("https://github.com/a"), None);
        assert_eq!(r("https://github.com/a/"), None);
        assert_eq!(r("https://gitlab.com/a/b"), None);
        assert_eq!(r("https://github.com.evil.org/a/b"), None);
    }
}
