//! `digest-lsp check [--format text|json] [PATH...]`.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use digest_analysis::rules::PaperKeys;
use digest_analysis::workspace::normalize;
use digest_analysis::{Diagnostic, LineIndex, Severity, WorkspaceFile};
use serde_json::json;

use crate::check::{Together, check_file, problems};
use crate::discover;
use crate::files::{Configs, DiskOnly, read_text};
use crate::render::Excerpts;

/// Exit statuses of `check`.
pub const EXIT_CLEAN: i32 = 0;
pub const EXIT_ERRORS: i32 = 1;
pub const EXIT_TROUBLE: i32 = 2;

/// `digest-lsp check`'s arguments.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Folders are searched for *.digest and for the files that the [files] include
patterns of the digest.toml files on the way name; a file named explicitly is
checked whatever its extension.

Exit status: 0 when no finding is an error, 1 when one is, 2 for usage
trouble, a file that cannot be read or is not UTF-8, or a folder in which no
digest is found (the other inputs are still checked).")]
pub struct CheckArgs {
    /// `text`: the lines alone; `json`: one JSON document [default: text, with
    /// source excerpts when stdout is a terminal]
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<Format>,
    /// Files and folders to check; `-` reads standard input [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
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
    /// The source excerpt drawn under the line, on a terminal.
    excerpt: Option<String>,
}

/// Runs `check`; returns the exit status. `excerpts`: how to draw source
/// excerpts under the text lines, when they are wanted (stdout is a
/// terminal and no `--format` was given).
pub fn run(
    args: &CheckArgs,
    excerpts: Option<Excerpts>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let format = args.format.unwrap_or(Format::Text);
    let excerpts = excerpts.filter(|_| args.format.is_none());
    let mut inputs = args.paths.clone();
    if inputs.is_empty() {
        inputs.push(PathBuf::from("."));
    }

    let configs = Configs::default();
    let mut trouble = false;
    let mut files = Vec::new();
    for input in inputs {
        if input.as_os_str() == "-" {
            files.push(None);
        } else if input.is_dir() {
            let found = discover::walk(std::slice::from_ref(&input), &configs, &DiskOnly);
            if found.files.is_empty() {
                let _ = writeln!(err, "{}", nothing_found(&input, &found));
                trouble = true;
            }
            files.extend(found.files.into_iter().map(Some));
        } else if input.exists() {
            files.push(Some(input));
        } else {
            let _ = writeln!(err, "{}: no such file or folder", input.display());
            trouble = true;
        }
    }

    // A file named twice (or inside two folders named) is checked once.
    let mut seen = BTreeSet::new();
    files.retain(|file| match file {
        Some(path) => seen.insert(absolute(path)),
        None => true,
    });

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
        let path = absolute(&path);
        checked_files.push((shown, path, text, checked));
    }
    // The digests checked together are compared with each other.
    let files: Vec<WorkspaceFile<'_>> = (checked_files.iter())
        .map(|(_, path, _, c)| WorkspaceFile {
            path,
            analysis: &c.analysis,
        })
        .collect();
    let keys: Vec<&PaperKeys> = (checked_files.iter())
        .map(|(_, _, _, c)| c.analysis.paper_keys())
        .collect();

    let mut rows = Vec::new();
    let mut configs_reported = BTreeSet::new();
    for (current, (shown, _, text, checked)) in checked_files.iter().enumerate() {
        let together = Together {
            files: &files,
            keys: &keys,
            current,
        };
        let problems = problems(checked, Some(together));
        if let Some(config) = problems.config
            && configs_reported.insert(config.path.clone())
        {
            let shown = config.path.display().to_string();
            rows.extend(rows_of(
                &shown,
                &config.loaded.text,
                &config.problems,
                excerpts,
            ));
        }
        // In text order (the cross-file hints come after the file's own
        // findings in the list).
        let mut diagnostics = problems.digest;
        diagnostics.sort_by_key(|d| (d.range.start, d.range.end));
        rows.extend(rows_of(shown, text, &diagnostics, excerpts));
    }

    let count = |s: Severity| rows.iter().filter(|r| r.severity == s).count();
    let counts = Severity::ALL.map(|s| (s, count(s)));
    let written = match format {
        Format::Text => write_text(out, &rows, &counts, excerpts),
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

/// `path` made absolute, `.` and `..` applied (one spelling per file).
fn absolute(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

/// What `check DIR` says when DIR holds no digest: the patterns it looked
/// for, and how to name others.
fn nothing_found(folder: &Path, found: &discover::Found) -> String {
    let hint = match found.patterns.is_empty() {
        true => "; add `[files] include = [\"**/*.txt\"]` to a digest.toml to check other names",
        false => "",
    };
    format!(
        "{}: no digest found (looked for {}{hint})",
        folder.display(),
        found.looked_for()
    )
}

/// One line per finding (each followed by its excerpt and a blank line
/// when there are excerpts), then the counts.
fn write_text(
    out: &mut dyn Write,
    rows: &[Row],
    counts: &[(Severity, usize)],
    excerpts: Option<Excerpts>,
) -> std::io::Result<()> {
    for row in rows {
        let severity = match excerpts {
            Some(excerpts) => excerpts.severity(row.severity, row.code),
            None => format!("{}[{}]", row.severity.as_str(), row.code),
        };
        writeln!(
            out,
            "{}:{}:{}: {severity}: {}",
            row.path, row.start.0, row.start.1, row.message
        )?;
        if let Some(excerpt) = &row.excerpt {
            writeln!(out, "{excerpt}\n")?;
        }
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

/// The rows of `diagnostics`, findings in the file shown as `shown`, whose
/// text is `text`.
fn rows_of(
    shown: &str,
    text: &str,
    diagnostics: &[Diagnostic],
    excerpts: Option<Excerpts>,
) -> Vec<Row> {
    let index = LineIndex::new(text);
    (diagnostics.iter())
        .map(|d| {
            let (sl, sc) = index.line_col_chars(text, d.range.start);
            let (el, ec) = index.line_col_chars(text, d.range.end);
            Row {
                path: shown.to_string(),
                start: (sl + 1, sc + 1),
                end: (el + 1, ec + 1),
                severity: d.severity,
                code: d.rule().code(),
                message: d.message(),
                excerpt: excerpts.map(|e| e.excerpt(text, &index, d.range, d.severity)),
            }
        })
        .collect()
}
