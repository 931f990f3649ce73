//! Shared helpers for the analysis crate's fixture tests.
//!
//! The tests are data: a fixture (`$0` marks the cursor, `//- /ws/path`
//! starts another digest of a workspace) and the whole result of the
//! feature function, rendered as text, in an inline snapshot:
//! `check("...$0...", expect![[...]])`. Ranges read `line:col..line:col`
//! (1-based, columns in characters; see [`span`]); every field of a result
//! is rendered, so that a change to any of them shows in the snapshot.
//!
//! `UPDATE_EXPECT=1 cargo test -p digest-analysis` rewrites the snapshots
//! (`expect![[...]]`) to what the code now does; read the diff like any
//! other change before committing it. Without the variable a snapshot that
//! differs fails the test with a diff.
#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use digest_analysis::features::{Symbol, SymbolKind};
use digest_analysis::rules::Related;
use digest_analysis::{
    Analysis, Config, Diagnostic, LineIndex, Lookup, Resolver, TextRange, check,
};

/// A digest standing alone (every other digest missing), with a
/// bibliography.
pub struct WithBib(pub digest_analysis::bibliography::Bibliography);

impl Resolver for WithBib {
    fn lookup(&self, _relative: &str) -> Lookup {
        Lookup::Missing
    }

    fn bibliography(&self) -> &digest_analysis::bibliography::Bibliography {
        &self.0
    }
}

/// Renders a range as `line:col..line:col`, 1-based, columns in characters.
pub fn span(text: &str, range: TextRange) -> String {
    let index = LineIndex::new(text);
    let (sl, sc) = index.line_col_chars(text, range.start);
    let (el, ec) = index.line_col_chars(text, range.end);
    format!("{}:{}..{}:{}", sl + 1, sc + 1, el + 1, ec + 1)
}

/// A range and the text it covers: `3:1..3:9 "Paper1 A"`.
pub fn spanned(text: &str, range: TextRange) -> String {
    let slice = text
        .get(range.start..range.end)
        .unwrap_or("<not in the text>");
    format!("{} {slice:?}", span(text, range))
}

/// A text as a snapshot shows it: as is, with `\r` written out (so that
/// line ends can be told apart), and a note when it does not end in a
/// line break.
pub fn show_text(text: &str) -> String {
    let mut out = text.replace('\r', "\\r");
    if !out.ends_with('\n') {
        out.push_str("\n(no line break at the end)\n");
    }
    out
}

/// One line per item, each ending in a line break: what a snapshot holds
/// (the empty string for no items).
pub fn lines<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    items.into_iter().map(|item| format!("{item}\n")).collect()
}

/// An outline, an entry per line, children indented under their paper:
/// `kind "name" "detail" range selection range`.
pub fn render_outline(text: &str, symbols: &[Symbol]) -> String {
    fn render(text: &str, symbol: &Symbol, depth: usize, out: &mut String) {
        let Symbol {
            name,
            detail,
            kind,
            range,
            selection,
            children,
        } = symbol;
        let kind = match kind {
            SymbolKind::Paper => "paper",
            SymbolKind::Section => "section",
        };
        out.push_str(&format!(
            "{:indent$}{kind} {name:?} {detail:?} {} selection {}\n",
            "",
            span(text, *range),
            span(text, *selection),
            indent = depth * 4
        ));
        for child in children {
            render(text, child, depth + 1, out);
        }
    }
    let mut out = String::new();
    for symbol in symbols {
        render(text, symbol, 0, &mut out);
    }
    out
}

/// Other digests for cross-file references, by relative path.
#[derive(Default)]
pub struct Files(pub HashMap<String, Option<String>>);

impl Files {
    pub fn with(mut self, path: &str, text: &str) -> Self {
        self.0.insert(path.to_string(), Some(text.to_string()));
        self
    }

    pub fn unreadable(mut self, path: &str) -> Self {
        self.0.insert(path.to_string(), None);
        self
    }
}

impl Resolver for Files {
    fn lookup(&self, relative: &str) -> Lookup {
        match self.0.get(relative) {
            Some(Some(text)) => Lookup::Found(Arc::new(Analysis::new(text, &Config::default()))),
            Some(None) => {
                Lookup::Unreadable("is not valid UTF-8 (first bad byte at offset 0)".into())
            }
            None => Lookup::Missing,
        }
    }
}

/// A diagnostic of `text` on one line:
/// `line:col..line:col severity[code] message`, then each related place as
/// ` (related line:col..line:col: message)` (with the path before the range
/// when it is in another file, the range then being of that file).
pub fn render_diagnostic(text: &str, d: &Diagnostic) -> String {
    let Diagnostic {
        range,
        severity,
        problem,
        related,
    } = d;
    let mut line = format!(
        "{} {}[{}] {}",
        span(text, *range),
        severity.as_str(),
        problem.rule().code(),
        problem.message()
    );
    for Related {
        range,
        message,
        file,
    } in related
    {
        let place = match file {
            None => span(text, *range),
            Some(path) => format!("{} {}..{}", path.display(), range.start, range.end),
        };
        line.push_str(&format!(" (related {place}: {message})"));
    }
    line
}

/// Every diagnostic of `text`, one line each (see [`render_diagnostic`]).
pub fn diagnostics_with(text: &str, config: &Config, files: &Files) -> Vec<String> {
    let analysis = Analysis::new(text, config);
    check(&analysis, config, files)
        .iter()
        .map(|d| render_diagnostic(text, d))
        .collect()
}

pub fn diagnostics(text: &str) -> Vec<String> {
    diagnostics_with(text, &Config::default(), &Files::default())
}

/// `text` with the `$0` cursor marker put before the first `needle`.
pub fn mark(text: &str, needle: &str) -> String {
    assert!(text.contains(needle), "{needle} is not in the fixture");
    text.replacen(needle, &format!("$0{needle}"), 1)
}

/// Takes the `$0` cursor marker out of a fixture: (text, offset).
pub fn cursor(fixture: &str) -> (String, usize) {
    let offset = fixture.find("$0").expect("fixture has a $0 cursor");
    (fixture.replacen("$0", "", 1), offset)
}

/// A workspace of digests for the cross-file features. The fixture is a
/// list of files, each started by a line `//- /ws/path.digest`; one `$0`
/// anywhere marks the cursor. A fixture without `//-` is one file,
/// `/ws/main.digest`.
pub struct Workspace {
    pub paths: Vec<std::path::PathBuf>,
    pub texts: Vec<String>,
    pub analyses: Vec<Analysis>,
    /// (file, offset) of the `$0` marker, if any.
    pub cursor: Option<(usize, usize)>,
}

pub fn workspace(fixture: &str) -> Workspace {
    workspace_with(fixture, &Config::default())
}

pub fn workspace_with(fixture: &str, config: &Config) -> Workspace {
    let mut paths = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    if !fixture.starts_with("//- ") {
        paths.push(std::path::PathBuf::from("/ws/main.digest"));
        texts.push(String::new());
    }
    for line in fixture.split_inclusive('\n') {
        match line.strip_prefix("//- ") {
            Some(path) => {
                paths.push(std::path::PathBuf::from(path.trim()));
                texts.push(String::new());
            }
            None => texts.last_mut().unwrap().push_str(line),
        }
    }
    let mut cursor = None;
    for (i, text) in texts.iter_mut().enumerate() {
        if let Some(offset) = text.find("$0") {
            *text = text.replacen("$0", "", 1);
            cursor = Some((i, offset));
        }
    }
    let analyses = texts.iter().map(|t| Analysis::new(t, config)).collect();
    Workspace {
        paths,
        texts,
        analyses,
        cursor,
    }
}

impl Workspace {
    pub fn files(&self) -> Vec<digest_analysis::WorkspaceFile<'_>> {
        self.paths
            .iter()
            .zip(&self.analyses)
            .map(|(path, analysis)| digest_analysis::WorkspaceFile { path, analysis })
            .collect()
    }

    pub fn cursor(&self) -> (usize, usize) {
        self.cursor.expect("fixture has a $0 cursor")
    }

    /// A file's path without the `/ws/` prefix.
    pub fn name(&self, file: usize) -> String {
        let path = self.paths[file].to_string_lossy().into_owned();
        path.strip_prefix("/ws/").unwrap_or(&path).to_string()
    }

    /// `a.digest 3:1..3:7`.
    pub fn loc(&self, file: usize, range: TextRange) -> String {
        format!("{} {}", self.name(file), span(&self.texts[file], range))
    }

    /// The texts after applying `edits` (from the end of each file).
    pub fn apply(&self, edits: &[digest_analysis::FileEdits]) -> Vec<String> {
        let mut texts = self.texts.clone();
        for file_edits in edits {
            let text = &mut texts[file_edits.file];
            let mut sorted = file_edits.edits.clone();
            sorted.sort_by_key(|e| std::cmp::Reverse(e.range.start));
            let mut last = usize::MAX;
            for edit in sorted {
                assert!(edit.range.end <= last, "edits overlap");
                text.replace_range(edit.range.start..edit.range.end, &edit.new_text);
                last = edit.range.start;
            }
        }
        texts
    }

    /// The rendered edits: `a.digest 3:6..3:7 -> "9"`, in order.
    pub fn render_edits(&self, edits: &[digest_analysis::FileEdits]) -> Vec<String> {
        edits
            .iter()
            .flat_map(|f| {
                f.edits
                    .iter()
                    .map(move |e| format!("{} -> {:?}", self.loc(f.file, e.range), e.new_text))
            })
            .collect()
    }

    /// The edits rendered (see [`Workspace::render_edits`]), then every file
    /// they change as it reads after them, under a `--- path` line.
    pub fn render_applied(&self, edits: &[digest_analysis::FileEdits]) -> String {
        let mut out = lines(self.render_edits(edits));
        let after = self.apply(edits);
        for file_edits in edits {
            let file = file_edits.file;
            out.push_str(&format!("--- {}\n", self.name(file)));
            out.push_str(&show_text(&after[file]));
        }
        out
    }

    /// The `unresolved-reference` diagnostics of `texts` (this workspace's
    /// paths), each as `path line:col..line:col message` (the range in
    /// `texts`).
    pub fn unresolved(&self, texts: &[String]) -> Vec<String> {
        let config = Config::default();
        let resolver = WorkspaceResolver {
            paths: &self.paths,
            texts,
        };
        let mut out = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let analysis = Analysis::new(text, &config);
            let here = ResolverFrom {
                inner: &resolver,
                folder: self.paths[i].parent().unwrap().to_path_buf(),
            };
            for d in check(&analysis, &config, &here) {
                if d.rule() == digest_analysis::Rule::UnresolvedReference {
                    out.push(format!(
                        "{} {} {}",
                        self.name(i),
                        span(text, d.range),
                        d.message()
                    ));
                }
            }
        }
        out
    }
}

struct WorkspaceResolver<'a> {
    paths: &'a [std::path::PathBuf],
    texts: &'a [String],
}

struct ResolverFrom<'a> {
    inner: &'a WorkspaceResolver<'a>,
    folder: std::path::PathBuf,
}

impl Resolver for ResolverFrom<'_> {
    fn lookup(&self, relative: &str) -> Lookup {
        let wanted = digest_analysis::workspace::normalize(&self.folder.join(relative));
        let found = self
            .inner
            .paths
            .iter()
            .position(|p| digest_analysis::workspace::normalize(p) == wanted);
        match found {
            Some(i) => Lookup::Found(Arc::new(Analysis::new(
                &self.inner.texts[i],
                &Config::default(),
            ))),
            None => Lookup::Missing,
        }
    }
}

/// Three digests referring to papers 1 and 2 of `/ws/a.digest` in every
/// form (in-file, wiki, relative paths, `.digest` written or not): the
/// fixture of the references and rename tests.
pub const NUMBERED_WORKSPACE: &str = "\
//- /ws/a.digest
Notes

Paper1 Sparse Attention
摘要原文: see Paper2 and [[Paper2]].
中文总结: 与Paper 2类似。

Paper2 Many Teachers
摘要原文: [[#Paper2]] itself; Paper1.
中文总结: b
//- /ws/b.digest
Paper1 Elsewhere
摘要原文: [[a#Paper2]] [[a.digest#Paper2]] [[a#Paper1]] Paper2
中文总结: [[sub/c#Paper2]] [[a#Paper 2]]
//- /ws/sub/c.digest
Paper2 Deep
摘要原文: [[../a#Paper2]] [[a#Paper2]]
中文总结: c
";

/// Four digests in which some papers are the same (by title or by GitHub
/// repository) and some only look alike: the fixture of the cross-file
/// duplicate rule's tests. A macro, so that a test can `concat!` more.
#[allow(unused_macros)]
macro_rules! duplicates_fixture {
    () => {
        "\
//- /ws/a.digest
Paper1 Self-Distillation: A Survey
摘要原文: code at https://github.com/Owner/Repo/tree/main
中文总结: b
Paper2 Unique
摘要原文: https://github.com/open-mmlab/mmdet
中文总结: b
Paper3 Also Unique
摘要原文: https://github.com/open-mmlab/mmdet
中文总结: b
//- /ws/sub/b.digest
Paper7 self distillation —  a SURVEY
摘要原文: a
中文总结: b
Paper8 Different Title
摘要原文: (github.com/owner/repo.git)
中文总结: b
Paper9 Another
摘要原文: https://github.com/open-mmlab/mmdet
中文总结: b
//- /ws/c.digest
Paper4 Self Distillation, a survey
"
    };
}

/// The formatter's edits of `text` under the defaults.
pub fn edits(text: &str) -> Vec<digest_analysis::TextEdit> {
    let config = Config::default();
    digest_analysis::format::format(
        &Analysis::new(text, &config),
        &config,
        &digest_analysis::FormatOptions::default(),
    )
}

/// The edit that replaces `start..end` with `new_text`.
pub fn edit(start: usize, end: usize, new_text: &str) -> digest_analysis::TextEdit {
    digest_analysis::TextEdit {
        range: TextRange::new(start, end),
        new_text: new_text.to_string(),
    }
}
