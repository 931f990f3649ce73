//! The one sequence that checks a digest, shared by the CLI and the server:
//! configuration lookup, analysis (whole or incremental), rules
//! ([`check_file`], [`check_document`]), then the final word
//! ([`problems`]): the cross-file rule's hints within the cap, and the
//! configuration's errors. The CLI and the server only format it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use digest_analysis::rules::{
    MAX_DIAGNOSTICS, PaperKeys, check_workspace_file, check_workspace_with_keys,
};
use digest_analysis::{
    Analysis, Config, Diagnostic, Dirty, Rule, RuleCache, WorkspaceFile, check_with,
};
use ropey::Rope;

use crate::bibliographies::Files;
use crate::digests::{Current, Digests};
use crate::files::{Configs, LoadedConfig, Source};
use crate::positions::LineTable;

/// A digest, analysed and checked under its configuration.
pub struct Checked {
    pub analysis: Arc<Analysis>,
    pub diagnostics: Vec<Diagnostic>,
    pub config: Arc<LoadedConfig>,
    /// The other digests the check looked at (found or not): when one of
    /// them changes, this check is out of date.
    pub looked_up: Vec<PathBuf>,
    /// The files of the digest's bibliography (spec, "Bibliography").
    pub bibliography: Files,
    /// Line starts of the text, made on first use.
    lines: OnceLock<LineTable>,
}

impl Checked {
    /// The text's line table (built once per version, when first needed).
    pub fn lines(&self) -> &LineTable {
        self.lines
            .get_or_init(|| LineTable::new(&self.analysis.text))
    }
}

/// Checks the digest at `path` whose text is `text` (the CLI's way).
pub fn check_file(path: &Path, text: &str, configs: &Configs, source: &dyn Source) -> Checked {
    let config = configs.for_file(path, source);
    let analysis = Arc::new(Analysis::new(text, &config.config));
    check_analysed(path, analysis, configs, source)
}

/// Checks the digest at `path` already analysed (a closed digest of the
/// index, for pull diagnostics).
pub fn check_analysed(
    path: &Path,
    analysis: Arc<Analysis>,
    configs: &Configs,
    source: &dyn Source,
) -> Checked {
    let config = configs.for_file(path, source);
    finish(
        path,
        analysis,
        config,
        configs,
        source,
        &mut RuleCache::default(),
    )
}

/// What stands for the check of an open document that is no digest (a
/// bibliography file): an empty analysis, no findings.
pub fn not_a_digest(path: &Path, configs: &Configs, source: &dyn Source) -> Checked {
    let config = configs.for_file(path, source);
    Checked {
        analysis: Arc::new(Analysis::new("", &config.config)),
        diagnostics: Vec::new(),
        config,
        looked_up: Vec::new(),
        bibliography: Files::default(),
        lines: OnceLock::new(),
    }
}

/// What is known of a document's text before it is checked: an earlier
/// analysis and what changed since, if any.
pub struct Previous {
    pub analysis: Arc<Analysis>,
    pub dirty: Option<Dirty>,
}

/// Checks an open document (the server's way): from its previous analysis
/// when there is one, re-parsing only what changed, and with the rules'
/// findings of its last check (`rules`), made again only for the papers
/// that changed.
pub fn check_document(
    path: &Path,
    rope: Rope,
    previous: Option<Previous>,
    rules: &mut RuleCache,
    configs: &Configs,
    source: &dyn Source,
) -> Checked {
    let config = configs.for_file(path, source);
    let analysis = analyse(rope, previous, &config.config);
    finish(path, analysis, config, configs, source, rules)
}

/// The analysis of `rope`: the previous one when nothing changed since,
/// else the previous one edited (only the touched papers re-parsed), else
/// the whole text parsed.
pub fn analyse(rope: Rope, previous: Option<Previous>, config: &Config) -> Arc<Analysis> {
    match previous {
        Some(Previous {
            analysis,
            dirty: None,
        }) => analysis,
        // Held nowhere else, the previous analysis is edited in place.
        Some(Previous {
            analysis,
            dirty: Some(dirty),
        }) => Arc::new(match Arc::try_unwrap(analysis) {
            Ok(owned) => owned.into_edited(rope, dirty, config),
            Err(shared) => shared.edit(rope, dirty, config),
        }),
        None => {
            let text = rope.to_string();
            Arc::new(Analysis::with_rope(rope, &text, config))
        }
    }
}

fn finish(
    path: &Path,
    analysis: Arc<Analysis>,
    config: Arc<LoadedConfig>,
    configs: &Configs,
    source: &dyn Source,
    rules: &mut RuleCache,
) -> Checked {
    let current = Current {
        path: digest_analysis::workspace::normalize(path),
        analysis: analysis.clone(),
        uri: None,
        version: None,
    };
    let digests = Digests::new(source, configs, Some(current));
    // Read whether the rules ask for it or not: its errors are reported
    // with the digest's check.
    let bibliography = digests.bibliography_of_current().0.clone();
    let diagnostics = check_with(&analysis, &config.config, &digests, rules);
    Checked {
        analysis,
        diagnostics,
        config,
        looked_up: digests.looked_up(),
        bibliography,
        lines: OnceLock::new(),
    }
}

/// What the check finally says of a digest.
pub struct Problems {
    /// The digest's own findings, then the cross-file rule's hints, within
    /// [`MAX_DIAGNOSTICS`] (a note of how many were left out counts as
    /// one of the digest's own).
    pub digest: Vec<Diagnostic>,
    /// The `digest.toml` that applies, when there is one, with its errors.
    pub config: Option<ConfigProblems>,
}

/// A `digest.toml` and its errors (`Problem::Config`, ranges in its text).
pub struct ConfigProblems {
    pub path: PathBuf,
    pub loaded: Arc<LoadedConfig>,
    pub problems: Vec<Diagnostic>,
}

/// The cross-file rule's keys of a checked digest with the entries of its
/// bibliography its papers are bound to (spec, "Bibliography": papers of
/// two digests bound to one entry, by whatever way, are one paper). The
/// CLI's way: [`Analysis::paper_keys`] knows only the keys cited.
pub fn bound_keys(checked: &Checked, configs: &Configs, source: &dyn Source) -> PaperKeys {
    let bibliography = configs.bibliographies.get(&checked.bibliography, source);
    PaperKeys::with_bibliography(&checked.analysis, &bibliography)
}

/// What the cross-file rule compares a digest with: every digest checked
/// together (this one among them, at `current`), with their keys.
pub struct Together<'a> {
    pub files: &'a [WorkspaceFile<'a>],
    pub keys: &'a [&'a PaperKeys],
    pub current: usize,
}

/// The final word on a checked digest (see [`Problems`]); `together`: the
/// digests it is checked with, if any.
pub fn problems(checked: &Checked, together: Option<Together<'_>>) -> Problems {
    let hints = together.filter(|t| t.files.len() > 1).map(|t| {
        let config = &checked.config.config;
        check_workspace_file(t.files, t.keys, t.current, config)
    });
    with_hints(checked, hints.unwrap_or_default())
}

/// The cross-file rule's findings on every file of `files` at once (one
/// pass over the workspace, where a pass per file would be quadratic), by
/// file index, under the default configuration; `None` when that turns
/// the rule off. [`problems_with`] gives each file its own severity.
/// `keys[i]`: those of `files[i]`.
pub fn all_hints(files: &[WorkspaceFile<'_>], keys: &[&PaperKeys]) -> Option<Vec<Vec<Diagnostic>>> {
    let config = Config::default();
    config.severity(Rule::DuplicatePaperAcrossFiles)?;
    let mut hints = vec![Vec::new(); files.len()];
    if files.len() > 1 {
        for (f, d) in check_workspace_with_keys(files, keys, &config) {
            if let Some(file) = hints.get_mut(f) {
                file.push(d);
            }
        }
    }
    Some(hints)
}

/// [`problems`], with the cross-file rule's findings on this digest found
/// beforehand ([`all_hints`], or the session's key index): kept, with the
/// severity its configuration gives the rule, unless that turns it off.
pub fn problems_with(checked: &Checked, hints: Vec<Diagnostic>) -> Problems {
    let severity = checked
        .config
        .config
        .severity(Rule::DuplicatePaperAcrossFiles);
    let hints = match severity {
        Some(severity) => (hints.into_iter())
            .map(|d| Diagnostic { severity, ..d })
            .collect(),
        None => Vec::new(),
    };
    with_hints(checked, hints)
}

fn with_hints(checked: &Checked, hints: Vec<Diagnostic>) -> Problems {
    let mut digest = checked.diagnostics.clone();
    let room = MAX_DIAGNOSTICS.saturating_sub(digest.len());
    digest.extend(hints.into_iter().take(room));
    let loaded = &checked.config;
    let config = loaded.path.clone().map(|path| ConfigProblems {
        path,
        loaded: loaded.clone(),
        problems: loaded.errors.iter().map(Diagnostic::config).collect(),
    });
    Problems { digest, config }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use digest_analysis::{Problem, Rule};

    use super::*;
    use crate::files::DiskOnly;

    const A: &str = "Paper1 Same Title\n摘要原文: a\n中文总结: b\n";
    const B: &str = "Paper1 Same Title\n摘要原文: c\n中文总结: d\n";

    fn checked(path: &str, text: &str, configs: &Configs) -> Checked {
        check_file(Path::new(path), text, configs, &DiskOnly)
    }

    /// The problems of the first of `checked`, checked together with the rest.
    fn first_of(checked: &[(&Path, &Checked)]) -> Problems {
        let files: Vec<WorkspaceFile<'_>> = (checked.iter())
            .map(|(path, c)| WorkspaceFile {
                path,
                analysis: &c.analysis,
            })
            .collect();
        let keys: Vec<&PaperKeys> = checked
            .iter()
            .map(|(_, c)| c.analysis.paper_keys())
            .collect();
        let together = Together {
            files: &files,
            keys: &keys,
            current: 0,
        };
        problems(checked[0].1, Some(together))
    }

    #[test]
    fn the_cross_file_hints_come_after_the_own_findings_within_the_cap() {
        let configs = Configs::default();
        let (a, b) = (
            Path::new("/nowhere/a.digest"),
            Path::new("/nowhere/b.digest"),
        );
        let mut one = checked("/nowhere/a.digest", A, &configs);
        let other = checked("/nowhere/b.digest", B, &configs);
        let found = first_of(&[(a, &one), (b, &other)]);
        let rules: Vec<Rule> = found.digest.iter().map(Diagnostic::rule).collect();
        assert_eq!(rules, [Rule::DuplicatePaperAcrossFiles]);
        assert!(found.config.is_none(), "no digest.toml applies");

        // A file with as many findings of its own as are shown: no room.
        let own = Diagnostic {
            range: digest_analysis::TextRange::empty(0),
            severity: digest_analysis::Severity::Error,
            problem: Problem::MissingTitle {
                paper: "Paper1".into(),
            },
            related: Vec::new(),
        };
        one.diagnostics = vec![own; MAX_DIAGNOSTICS];
        let found = first_of(&[(a, &one), (b, &other)]);
        assert_eq!(found.digest, one.diagnostics);
        // One place left: one hint, last.
        one.diagnostics.pop();
        let found = first_of(&[(a, &one), (b, &other)]);
        let rules: Vec<Rule> = found.digest.iter().map(Diagnostic::rule).collect();
        assert_eq!(rules.len(), MAX_DIAGNOSTICS);
        assert_eq!(
            rules[MAX_DIAGNOSTICS - 2..],
            [Rule::MissingTitle, Rule::DuplicatePaperAcrossFiles]
        );
    }

    #[test]
    fn config_errors_are_problems_of_the_config_file() {
        let dir = std::env::temp_dir().join(format!("digest-lsp-problems-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch folder");
        let toml = dir.join("digest.toml");
        std::fs::write(&toml, "[rules\n").expect("write");
        let configs = Configs::default();
        let digest = dir.join("a.digest");
        let one = check_file(&digest, A, &configs, &DiskOnly);
        let found = problems(&one, None);
        let config = found.config.expect("a digest.toml applies");
        assert_eq!(config.path, toml);
        let errors = &config.loaded.errors;
        assert!(!errors.is_empty());
        let expected: Vec<Diagnostic> = (errors.iter())
            .map(|e| Diagnostic {
                range: e.range,
                severity: digest_analysis::Severity::Error,
                problem: Problem::Config {
                    message: e.message.clone(),
                },
                related: Vec::new(),
            })
            .collect();
        assert_eq!(config.problems, expected);
        assert_eq!(config.problems[0].rule().code(), "config");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
