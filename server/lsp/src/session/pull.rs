//! Pull diagnostics (LSP 3.17), for clients that declare
//! `textDocument.diagnostic`: `textDocument/diagnostic` and
//! `workspace/diagnostic` answered with result ids, `unchanged` where the
//! client already has the findings, and `workspace/diagnostic/refresh`
//! after a change in one file that can alter another's findings.
//!
//! A result id names one list of findings of one file. Each answer is kept
//! with its *stamp*: the session's generation and, for an open document,
//! its version. The generation counts the changes that can alter any
//! file's findings through another file: a close, the disk, a
//! configuration, and an edit that changes what other digests see of a
//! digest (its papers' numbers, the cross-file rule's keys; found once
//! typing pauses, when the client is also asked to pull again). A
//! keystroke in one digest thus changes its own stamp only. An answer of
//! the current stamp is answered again without a check; another is checked
//! again, and keeps its id when the findings are the same (the client is
//! then told `unchanged`).
//!
//! What an answer can be behind on: the related locations of a cross-file
//! duplicate in another digest that moved without changing its keys, until
//! the next change of generation.
//!
//! The errors of a `digest.toml` stay pushed (`publishDiagnostics` for the
//! configuration file, as for every client): a pull of a `digest.toml`
//! answers no findings.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{Hash, Hasher};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::{
    Diagnostic, DocumentDiagnosticReport, FullDocumentDiagnosticReport, PreviousResultId,
    RelatedFullDocumentDiagnosticReport, RelatedUnchangedDocumentDiagnosticReport,
    UnchangedDocumentDiagnosticReport, Uri, WorkspaceDiagnosticReport,
    WorkspaceDocumentDiagnosticReport, WorkspaceFullDocumentDiagnosticReport,
    WorkspaceUnchangedDocumentDiagnosticReport,
};

use digest_analysis::Analysis;
use digest_analysis::workspace::normalize;

use super::{Session, Snapshot, is_config};
use crate::bibliographies::is_bib;
use crate::check::{self, Together};
use crate::convert::{self, Locator};
use crate::digests::{Current, Digests};
use crate::files::lock;
use crate::workspace::{Indexed, parallel};

/// From how many closed digests to check the workspace pull runs the
/// cross-file rule once for all (on the bench's 1,000 digests, once for all
/// takes about as long as once for each of 100).
const ONE_PASS_FROM: usize = 32;

/// The result id of the empty report of a digest that is gone.
const GONE: &str = "digest-gone";

/// What pull diagnostics answered, and the generation count.
#[derive(Default)]
pub struct Pulls {
    generation: AtomicU64,
    ids: AtomicU64,
    answered: Mutex<HashMap<Uri, Answered>>,
    /// Per open digest: what other digests see of it (its papers' numbers
    /// and the cross-file rule's keys), hashed.
    faces: Mutex<HashMap<Uri, u64>>,
    /// A refresh is waiting to be sent.
    refresh_pending: AtomicBool,
}

/// When an answer was computed: the generation, and the version of an
/// open document (`None`: the index's text).
type Stamp = (u64, Option<i32>);

#[derive(Clone)]
struct Answered {
    stamp: Stamp,
    id: String,
    items: Arc<Vec<Diagnostic>>,
}

impl Pulls {
    /// Something that can alter findings changed: a new generation.
    pub fn changed(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::SeqCst)
    }

    /// The answer for `uri` computed at `stamp`, if any.
    fn at(&self, uri: &Uri, stamp: Stamp) -> Option<Answered> {
        lock(&self.answered)
            .get(uri)
            .filter(|a| a.stamp == stamp)
            .cloned()
    }

    /// Keeps `items` as the answer for `uri` at `stamp`: under the id
    /// answered before when they are the same findings, else a new id.
    fn remember(&self, uri: &Uri, stamp: Stamp, items: Vec<Diagnostic>) -> Answered {
        let mut answered = lock(&self.answered);
        let kept = answered
            .get(uri)
            .filter(|a| *a.items == items)
            .map(|a| (a.id.clone(), a.items.clone()));
        let (id, items) = kept.unwrap_or_else(|| {
            let n = self.ids.fetch_add(1, Ordering::SeqCst) + 1;
            (format!("digest-{n}"), Arc::new(items))
        });
        let answer = Answered { stamp, id, items };
        // A newer answer is not replaced by an older one.
        match answered.get(uri) {
            Some(known) if known.stamp.0 > stamp.0 => {}
            _ => {
                answered.insert(uri.clone(), answer.clone());
            }
        }
        answer
    }

    /// True when what other digests see of `uri` is not what it was (the
    /// first time: not what the index holds of its file).
    fn face_changed(&self, uri: &Uri, analysis: &Analysis, indexed: Option<&Analysis>) -> bool {
        let now = face(analysis);
        let before = lock(&self.faces).insert(uri.clone(), now);
        match before.or_else(|| indexed.map(face)) {
            Some(before) => before != now,
            None => false,
        }
    }

    fn forget_face(&self, uri: &Uri) {
        lock(&self.faces).remove(uri);
    }
}

/// What other digests see of a digest: its papers' numbers (what
/// references name) and the cross-file rule's keys (titles, repositories).
fn face(analysis: &Analysis) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for paper in &analysis.syntax.papers {
        paper.number.hash(&mut hasher);
    }
    // The keys' `Debug` text, written into the hasher as it is made (no
    // string per pause in typing). Writing to a hasher cannot fail.
    let _ = write!(HashWriter(&mut hasher), "{:?}", analysis.paper_keys());
    hasher.finish()
}

/// Feeds what is written to it into a hasher.
struct HashWriter<'a, H: Hasher>(&'a mut H);

impl<H: Hasher> std::fmt::Write for HashWriter<'_, H> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.0.write(s.as_bytes());
        Ok(())
    }
}

fn full(answer: &Answered) -> FullDocumentDiagnosticReport {
    FullDocumentDiagnosticReport {
        result_id: Some(answer.id.clone()),
        items: answer.items.as_ref().clone(),
    }
}

impl Session {
    /// `textDocument/diagnostic`: the findings of `uri` (open: its current
    /// version; else the index's text), or `unchanged` when `previous` is
    /// the id of the same findings.
    pub fn pull_document(
        &self,
        uri: &Uri,
        previous: Option<&str>,
    ) -> Result<DocumentDiagnosticReport, jsonrpc::Error> {
        let generation = self.pull.generation();
        let answer = match self.pull.at(uri, (generation, self.version(uri))) {
            Some(answer) => answer,
            None => {
                let (version, items) = self.findings(uri)?;
                self.publish_bibliographies();
                self.pull.remember(uri, (generation, version), items)
            }
        };
        if previous == Some(answer.id.as_str()) {
            return Ok(DocumentDiagnosticReport::Unchanged(
                RelatedUnchangedDocumentDiagnosticReport {
                    related_documents: None,
                    unchanged_document_diagnostic_report: UnchangedDocumentDiagnosticReport {
                        result_id: answer.id,
                    },
                },
            ));
        }
        Ok(DocumentDiagnosticReport::Full(
            RelatedFullDocumentDiagnosticReport {
                related_documents: None,
                full_document_diagnostic_report: full(&answer),
            },
        ))
    }

    /// The findings of `uri` now: an open document's, or a closed digest's
    /// of the index; none for a `digest.toml` (its errors are pushed) or a
    /// file the server does not know.
    /// With the version they are of (`None`: not open).
    fn findings(&self, uri: &Uri) -> Result<(Option<i32>, Vec<Diagnostic>), jsonrpc::Error> {
        let path = uri.to_file_path().map(|p| normalize(&p));
        let version = self.version(uri);
        if is_config(path.as_deref()) || is_bib(path.as_deref()) {
            return Ok((version, Vec::new()));
        }
        if version.is_some() {
            return self.diagnostics(uri).map(|(v, items, _)| (Some(v), items));
        }
        let analysis = match path.as_deref().and_then(|p| self.index.get(p)) {
            Some(Indexed::Analysed(analysis)) => analysis,
            _ => return Ok((None, Vec::new())),
        };
        let path = path.unwrap_or_default();
        let digests = self.digests(None).within_folders();
        let view = digests.view();
        let (files, keys) = (view.files(), view.keys());
        let together = view.index_of(&path).map(|current| Together {
            files: &files,
            keys: &keys,
            current,
        });
        let checked = check::check_analysed(&path, analysis, &self.configs, self);
        let problems = check::problems(&checked, together);
        Ok((None, self.closed_findings(uri, &path, checked, &problems)))
    }

    /// The findings of a digest that is not open (`checked` from its
    /// analysis in the index), in LSP terms.
    fn closed_findings(
        &self,
        uri: &Uri,
        path: &Path,
        checked: check::Checked,
        problems: &check::Problems,
    ) -> Vec<Diagnostic> {
        let checked = Arc::new(checked);
        let snapshot = Snapshot {
            uri: uri.clone(),
            path: path.to_path_buf(),
            version: 0,
            rope: checked.analysis.text.clone(),
            checked: checked.clone(),
        };
        let current = Current {
            path: path.to_path_buf(),
            analysis: checked.analysis.clone(),
            uri: Some(uri.clone()),
            version: None,
        };
        let digests = Digests::new(self, &self.configs, Some(current));
        let mut at = Locator::without_table(&snapshot, &digests, self.encoding());
        let related = self.caps().related_information;
        (problems.digest.iter())
            .map(|d| convert::diagnostic(d, &mut at, related))
            .collect()
    }

    /// `workspace/diagnostic`: a report for every digest of the workspace
    /// folders, open or not, `unchanged` where `previous` holds the id of
    /// the same findings. What changed since the last answers is checked
    /// again, on all cores.
    pub fn pull_workspace(&self, previous: &[PreviousResultId]) -> WorkspaceDiagnosticReport {
        let generation = self.pull.generation();
        let previous: HashMap<&Uri, &str> = (previous.iter())
            .map(|p| (&p.uri, p.value.as_str()))
            .collect();
        let digests = self.digests(None).within_folders();
        let view = digests.view();
        let uris: Vec<Option<Uri>> = (0..view.paths.len()).map(|i| view.uri(i)).collect();
        let mut answers: Vec<Option<Answered>> = (uris.iter().zip(&view.versions))
            .map(|(uri, version)| self.pull.at(uri.as_ref()?, (generation, *version)))
            .collect();
        let todo: Vec<usize> = (0..answers.len())
            .filter(|&i| answers[i].is_none() && uris[i].is_some())
            .collect();
        if !todo.is_empty() {
            let bound = self.bound_keys(view);
            let (files, keys) = (view.files(), super::keys_of(view, &bound));
            // The cross-file rule over every digest in one pass, when many
            // closed digests are checked (a pass per file is quadratic);
            // for a few, a pass for each is less work.
            let closed = todo.iter().filter(|&&i| view.uris[i].is_none()).count();
            let hints = (closed > ONE_PASS_FROM)
                .then(|| check::all_hints(&files, &keys))
                .flatten();
            let computed = parallel(&todo, &AtomicUsize::new(0), |&i| {
                let uri = uris[i].as_ref()?;
                let (version, items) = match view.uris[i].is_some() {
                    // Open: as a document pull.
                    true => {
                        let (version, items, _) = self.diagnostics(uri).ok()?;
                        (Some(version), items)
                    }
                    false => {
                        let path = &view.paths[i];
                        let analysis = view.analyses[i].clone();
                        let checked = check::check_analysed(path, analysis, &self.configs, self);
                        let problems = match &hints {
                            Some(hints) => {
                                let hints = hints.get(i).cloned().unwrap_or_default();
                                check::problems_with(&checked, hints)
                            }
                            None => {
                                let config = &checked.config.config;
                                let hints = self.cross_file_hints(view, &bound, i, config);
                                check::problems_with(&checked, hints)
                            }
                        };
                        (None, self.closed_findings(uri, path, checked, &problems))
                    }
                };
                Some(self.pull.remember(uri, (generation, version), items))
            });
            for (i, answer) in todo.into_iter().zip(computed) {
                answers[i] = answer.flatten();
            }
            self.publish_bibliographies();
        }
        let listed: std::collections::HashSet<&Uri> = uris.iter().flatten().collect();
        // A digest the client knows that is gone (deleted, or no longer
        // in the folders): an empty report, once (its id says so).
        let gone: Vec<WorkspaceDocumentDiagnosticReport> = (previous.iter())
            .filter(|(uri, id)| **id != GONE && !listed.contains(**uri))
            .filter(|(uri, _)| self.version(uri).is_none())
            .map(|(uri, _)| {
                WorkspaceDocumentDiagnosticReport::Full(WorkspaceFullDocumentDiagnosticReport {
                    uri: (*uri).clone(),
                    version: None,
                    full_document_diagnostic_report: FullDocumentDiagnosticReport {
                        result_id: Some(GONE.to_string()),
                        items: Vec::new(),
                    },
                })
            })
            .collect();
        let mut items: Vec<WorkspaceDocumentDiagnosticReport> =
            (uris.iter().cloned().zip(answers).enumerate())
                .filter_map(|(i, (uri, answer))| {
                    let (uri, answer) = (uri?, answer?);
                    let version = view.versions[i].map(i64::from);
                    Some(match previous.get(&uri) == Some(&answer.id.as_str()) {
                        true => WorkspaceDocumentDiagnosticReport::Unchanged(
                            WorkspaceUnchangedDocumentDiagnosticReport {
                                uri,
                                version,
                                unchanged_document_diagnostic_report:
                                    UnchangedDocumentDiagnosticReport {
                                        result_id: answer.id,
                                    },
                            },
                        ),
                        false => WorkspaceDocumentDiagnosticReport::Full(
                            WorkspaceFullDocumentDiagnosticReport {
                                uri,
                                version,
                                full_document_diagnostic_report: full(&answer),
                            },
                        ),
                    })
                })
                .collect();
        items.extend(gone);
        WorkspaceDiagnosticReport { items }
    }

    /// An open digest was edited (its analysis at hand): true when what
    /// other digests see of it changed, so that their findings may have.
    pub fn pull_face_changed(&self, uri: &Uri) -> bool {
        let Some(analysis) = self.with_documents(|docs| docs.get(uri)?.current_analysis()) else {
            return false;
        };
        let path = uri.to_file_path().map(|p| normalize(&p));
        let indexed = match path.and_then(|p| self.index.get(&p)) {
            Some(Indexed::Analysed(analysis)) => Some(analysis),
            _ => None,
        };
        self.pull.face_changed(uri, &analysis, indexed.as_deref())
    }

    /// `uri` was closed: the next open compares it with the index again.
    pub fn pull_closed(&self, uri: &Uri) {
        self.pull.forget_face(uri);
    }

    /// Asks the client to pull again (`workspace/diagnostic/refresh`),
    /// where it supports it: once for the changes of one pause in typing.
    pub fn request_refresh(self: &Arc<Self>) {
        let caps = self.caps();
        if !(caps.pull_diagnostics && caps.diagnostic_refresh) {
            return;
        }
        if self.pull.refresh_pending.swap(true, Ordering::SeqCst) {
            return;
        }
        let session = self.clone();
        let debounce = self.negotiated().debounce;
        tokio::spawn(async move {
            if !debounce.is_zero() {
                tokio::time::sleep(debounce).await;
            }
            session.pull.refresh_pending.store(false, Ordering::SeqCst);
            let asked = session.client.workspace_diagnostic_refresh();
            let _ = tokio::time::timeout(std::time::Duration::from_secs(10), asked).await;
        });
    }
}
