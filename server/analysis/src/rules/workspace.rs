//! The rule that looks across digests: `duplicate-paper-across-files`.

use std::collections::{BTreeMap, HashMap};

use super::{Diagnostic, Problem, Related, Rule, SamePaper};
use crate::syntax::Paper;
use crate::workspace::wiki_name;
use crate::{Analysis, Config, WorkspaceFile};

/// A paper of the workspace: (file index, paper index).
type PaperId = (usize, usize);

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
    let Some(severity) = config.severity(Rule::DuplicatePaperAcrossFiles) else {
        return Vec::new();
    };
    let mut titles: HashMap<String, Vec<PaperId>> = HashMap::new();
    let mut repos: HashMap<String, Vec<PaperId>> = HashMap::new();
    for (f, file) in files.iter().enumerate() {
        let analysis = file.analysis;
        for (p, paper) in analysis.syntax.papers.iter().enumerate() {
            if let Some(title) = paper.title {
                let key = normalize_title(&analysis.slice(title));
                if !key.is_empty() {
                    titles.entry(key).or_default().push((f, p));
                }
            }
            let mut keys = code_repos(analysis, paper);
            keys.sort_unstable();
            keys.dedup();
            for key in keys {
                repos.entry(key).or_default().push((f, p));
            }
        }
    }

    // For each paper, its copies in other digests, and what makes them so.
    let mut copies: BTreeMap<PaperId, Vec<(PaperId, SamePaper)>> = BTreeMap::new();
    let groups = titles
        .into_values()
        .map(|group| (group, SamePaper::Title))
        .chain(
            repos
                .into_iter()
                .map(|(repo, group)| (group, SamePaper::CodeLink(repo))),
        );
    for (group, same) in groups {
        // Members come in file order: a file twice in a row means two papers
        // of one digest share the key; a single file means no copy elsewhere.
        let shared_in_a_file = group.windows(2).any(|w| w[0].0 == w[1].0);
        if shared_in_a_file || group.first().map(|m| m.0) == group.last().map(|m| m.0) {
            continue;
        }
        for &member in &group {
            let list = copies.entry(member).or_default();
            for &other in &group {
                if other.0 != member.0 {
                    list.push((other, same.clone()));
                }
            }
        }
    }

    let mut out = Vec::with_capacity(copies.len());
    for ((f, p), mut others) in copies {
        // One entry per copy, a title match before a code link match.
        others.sort_by_key(|(id, same)| (*id, matches!(same, SamePaper::CodeLink(_))));
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

fn name(analysis: &Analysis, paper: &Paper) -> String {
    analysis.slice(paper.name_range()).into_owned()
}

/// A title as compared across digests: its letters and digits, lower-cased;
/// punctuation, symbols and white space left out, so that
/// `Self-Distillation: A Survey` and `self distillation, a survey` agree.
pub(crate) fn normalize_title(title: &str) -> String {
    title
        .chars()
        .filter(|c| c.is_alphanumeric())
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
