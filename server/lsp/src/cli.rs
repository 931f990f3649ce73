//! `digest-lsp check [--format text|json] [PATH...]`.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use digest_analysis::rules::{MAX_DIAGNOSTICS, PaperKeys, check_workspace_file};
use digest_analysis::{Diagnostic, LineIndex, Severity, WorkspaceFile};
use serde_json::json;

use crate::check::{Checked, check_file};
use crate::files::{Configs, DiskOnly, read_text};

/// Exit statuses of `check`.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_ERRORS: i32 = 1;
pub const EXIT_TROUBLE: i32 = 2;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

/// One reported finding, positions 1-based, columns in characters.
struct Row {
    path: String,
    start: (usize, usize),
    end: (usize, usize),
    severity: Severity,
    code: &'static str,
    message: String,
}

/// Runs `check` with the arguments after the word `check`; returns the exit status.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mut format = Format::Text;
    let mut inputs = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--format" => match args.next().map(String::as_str) {
                Some("json") => format = Format::Json,
                Some("text") => format = Format::Text,
                other => {
                    let _ = writeln!(
                        err,
                        "digest-lsp check: --format takes `text` or `json`, not {}",
                        other.map_or("nothing".to_string(), |o| format!("`{o}`"))
                    );
                    return EXIT_TROUBLE;
                }
            },
            "--format=json" => format = Format::Json,
            "--format=text" => format = Format::Text,
            "-" => inputs.push(arg.clone()),
            flag if flag.starts_with('-') => {
                let _ = writeln!(
                    err,
                    "digest-lsp check: unknown option `{flag}` (see `digest-lsp --help`)"
                );
                return EXIT_TROUBLE;
            }
            _ => inputs.push(arg.clone()),
        }
    }
    if inputs.is_empty() {
        inputs.push(".".to_string());
    }

    let mut trouble = false;
    let mut files = Vec::new();
    for input in &inputs {
        if input == "-" {
            files.push(None);
            continue;
        }
        let path = PathBuf::from(input);
        if path.is_dir() {
            let mut found = Vec::new();
            collect_digests(&path, &mut found);
            found.sort();
            files.extend(found.into_iter().map(Some));
        } else if path.exists() {
            files.push(Some(path));
        } else {
            let _ = writeln!(err, "{input}: no such file or folder");
            trouble = true;
        }
    }

    // A file named twice (or inside two folders named) is checked once.
    let mut seen = BTreeSet::new();
    files.retain(|file| match file {
        Some(path) => seen.insert(std::path::absolute(path).unwrap_or_else(|_| path.clone())),
        None => true,
    });

    let configs = Configs::default();
    let mut checked_files = Vec::new();
    for file in files {
        let (shown, path, text) = match file {
            None => {
                let mut bytes = Vec::new();
                if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                    let _ = writeln!(err, "-: cannot read standard input: {e}");
                    trouble = true;
                    continue;
                }
                match String::from_utf8(bytes) {
                    Ok(text) => ("-".to_string(), PathBuf::from("./-"), text),
                    Err(e) => {
                        let _ = writeln!(
                            err,
                            "-: is not valid UTF-8 (first bad byte at offset {})",
                            e.utf8_error().valid_up_to()
                        );
                        trouble = true;
                        continue;
                    }
                }
            }
            Some(path) => match read_text(&path) {
                Ok(text) => (path.display().to_string(), path, text),
                Err(why) => {
                    let _ = writeln!(err, "{}: {why}", path.display());
                    trouble = true;
                    continue;
                }
            },
        };
        let checked = check_file(&path, &text, &configs, &DiskOnly);
        let path = std::path::absolute(&path).unwrap_or(path);
        checked_files.push((shown, path, text, checked));
    }
    let across = across_files(&checked_files);

    let mut rows = Vec::new();
    let mut configs_reported = BTreeSet::new();
    for ((shown, _, text, checked), across) in checked_files.iter().zip(across) {
        if let Some(config_path) = &checked.config.path
            && !checked.config.errors.is_empty()
            && configs_reported.insert(config_path.clone())
        {
            let index = LineIndex::new(&checked.config.text);
            for error in &checked.config.errors {
                let (el, ec) = index.line_col_chars(&checked.config.text, error.range.end);
                rows.push(Row {
                    path: config_path.display().to_string(),
                    start: (error.line, error.column),
                    end: (el + 1, ec + 1),
                    severity: Severity::Error,
                    code: "config",
                    message: error.message.clone(),
                });
            }
        }
        let index = LineIndex::new(text);
        // The cross-file hints after the file's own findings, within the
        // same cap (as the server publishes them), then all in text order.
        let room = MAX_DIAGNOSTICS.saturating_sub(checked.diagnostics.len());
        let mut diagnostics: Vec<&Diagnostic> = checked.diagnostics.iter().collect();
        diagnostics.extend(across.iter().take(room));
        diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
        for diagnostic in diagnostics {
            let (sl, sc) = index.line_col_chars(text, diagnostic.range.start);
            let (el, ec) = index.line_col_chars(text, diagnostic.range.end);
            rows.push(Row {
                path: shown.clone(),
                start: (sl + 1, sc + 1),
                end: (el + 1, ec + 1),
                severity: diagnostic.severity,
                code: diagnostic.rule().code(),
                message: diagnostic.message(),
            });
        }
    }

    let count = |s: Severity| rows.iter().filter(|r| r.severity == s).count();
    let counts = Severity::ALL.map(|s| (s, count(s)));
    let written = match format {
        Format::Text => write_text(out, &rows, &counts),
        Format::Json => write_json(out, &rows, &counts),
    };
    if let Err(e) = written {
        let _ = writeln!(err, "digest-lsp check: cannot write the report: {e}");
        return EXIT_TROUBLE;
    }
    if trouble {
        EXIT_TROUBLE
    } else if count(Severity::Error) > 0 {
        EXIT_ERRORS
    } else {
        EXIT_CLEAN
    }
}

fn write_text(
    out: &mut dyn Write,
    rows: &[Row],
    counts: &[(Severity, usize)],
) -> std::io::Result<()> {
    for row in rows {
        writeln!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            row.path,
            row.start.0,
            row.start.1,
            row.severity.as_str(),
            row.code,
            row.message
        )?;
    }
    let summary: Vec<String> = counts
        .iter()
        .map(|(s, n)| format!("{n} {}{}", s.as_str(), if *n == 1 { "" } else { "s" }))
        .collect();
    writeln!(out, "{}", summary.join(", "))
}

fn write_json(
    out: &mut dyn Write,
    rows: &[Row],
    counts: &[(Severity, usize)],
) -> std::io::Result<()> {
    let diagnostics: Vec<_> = rows
        .iter()
        .map(|r| {
            json!({
                "path": r.path,
                "line": r.start.0,
                "column": r.start.1,
                "endLine": r.end.0,
                "endColumn": r.end.1,
                "severity": r.severity.as_str(),
                "code": r.code,
                "message": r.message,
            })
        })
        .collect();
    let counts: serde_json::Map<String, serde_json::Value> = counts
        .iter()
        .map(|(s, n)| (s.as_str().to_string(), json!(n)))
        .collect();
    let doc = json!({ "diagnostics": diagnostics, "counts": counts });
    writeln!(out, "{doc:#}")
}

/// The rule that looks across digests (`duplicate-paper-across-files`), on
/// the files checked together: for each, its findings, under its own
/// configuration.
fn across_files(checked: &[(String, PathBuf, String, Checked)]) -> Vec<Vec<Diagnostic>> {
    if checked.len() < 2 {
        return vec![Vec::new(); checked.len()];
    }
    let files: Vec<WorkspaceFile<'_>> = checked
        .iter()
        .map(|(_, path, _, c)| WorkspaceFile {
            path,
            analysis: &c.analysis,
        })
        .collect();
    let keys: Vec<&PaperKeys> = checked
        .iter()
        .map(|(_, _, _, c)| c.analysis.paper_keys())
        .collect();
    checked
        .iter()
        .enumerate()
        .map(|(i, (_, _, _, c))| check_workspace_file(&files, &keys, i, &c.config.config))
        .collect()
}

/// Every `*.digest` below `dir` (symbolic links to folders are not followed,
/// so a link loop cannot trap the walk).
fn collect_digests(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            collect_digests(&path, out);
        } else if path.extension().is_some_and(|e| e == "digest") && !kind.is_dir() {
            out.push(path);
        }
    }
}
