//! `digest-lsp check [--format text|json] [PATH...]`, and what `fmt`
//! shares with it: the inputs found ([`gather`]), read ([`read`]), and a
//! broken `digest.toml` reported ([`config_error_lines`]).

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use digest_analysis::rules::PaperKeys;
use digest_analysis::workspace::normalize;
use digest_analysis::{Diagnostic, LineIndex, Severity, TextRange, WorkspaceFile};
use serde_json::json;

use crate::bibliographies::{BIBLIOGRAPHY_CODE, ReadFile};
use crate::check::{Together, bound_keys, check_file, problems};
use crate::discover;
use crate::files::{Configs, DiskOnly, LoadedConfig, read_text};
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
trouble, a file or folder that cannot be read, a file that is not UTF-8, or
a folder in which no digest is found (the other inputs are still checked).")]
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
    let configs = Configs::default();
    let (inputs, mut trouble) = gather(&args.paths, &configs, err);

    let mut checked_files = Vec::new();
    for input in inputs {
        let (shown, path, text) = match read(&input) {
            Ok(read) => read,
            Err(why) => {
                let _ = writeln!(err, "{why}");
                trouble = true;
                continue;
            }
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
    let keys: Vec<PaperKeys> = (checked_files.iter())
        .map(|(_, _, _, c)| bound_keys(c, &configs, &DiskOnly))
        .collect();
    let keys: Vec<&PaperKeys> = keys.iter().collect();

    let mut rows = Vec::new();
    let mut configs_reported = BTreeSet::new();
    // Each bibliography file's errors once, before the first digest that
    // reads it.
    let mut bibliographies: std::collections::HashMap<PathBuf, ReadFile> =
        (configs.bibliographies.take_read().into_iter())
            .map(|read| (read.path.clone(), read))
            .collect();
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
        for path in checked.bibliography.iter() {
            if let Some(read) = bibliographies.remove(path) {
                rows.extend(bibliography_rows(&read, excerpts));
            }
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
    // A reader that stopped early (`check . | head`) is no trouble.
    if let Err(e) = written.and_then(|()| out.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
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

/// An input named on the command line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// `-`: standard input.
    Stdin,
    File(PathBuf),
}

/// The inputs that `paths` name (the current folder when none), as `check`
/// finds them: `-` is standard input, a folder is searched with
/// [`discover::walk`], a file is taken whatever its name; a file named
/// twice (or inside two folders named) is taken once. What is missing, a
/// folder that cannot be read, and a folder in which nothing is found, is
/// said on `err`; the flag is true when something was.
pub fn gather(paths: &[PathBuf], configs: &Configs, err: &mut dyn Write) -> (Vec<Input>, bool) {
    let dot = [PathBuf::from(".")];
    let paths = if paths.is_empty() { &dot[..] } else { paths };
    let mut trouble = false;
    let mut inputs = Vec::new();
    for input in paths {
        if input.as_os_str() == "-" {
            inputs.push(Input::Stdin);
        } else if input.is_dir() {
            let found = discover::walk(std::slice::from_ref(input), configs, &DiskOnly);
            // A folder that cannot be read holds digests left unchecked.
            for (folder, why) in &found.unreadable {
                let _ = writeln!(err, "{}: cannot be read: {why}", folder.display());
                trouble = true;
            }
            if found.files.is_empty() && found.unreadable.is_empty() {
                let _ = writeln!(err, "{}", nothing_found(input, &found));
                trouble = true;
            }
            inputs.extend(found.files.into_iter().map(Input::File));
        } else if input.exists() {
            inputs.push(Input::File(input.clone()));
        } else {
            let _ = writeln!(err, "{}: no such file or folder", input.display());
            trouble = true;
        }
    }
    let mut seen = BTreeSet::new();
    inputs.retain(|input| match input {
        Input::File(path) => seen.insert(absolute(path)),
        Input::Stdin => true,
    });
    (inputs, trouble)
}

/// Reads an input as UTF-8: the name it is shown by, the path its
/// configuration is looked up from (`./-` for standard input) and its text;
/// or the line that says why it cannot be read (naming it, and the offset
/// of the first bad byte when it is not UTF-8).
pub fn read(input: &Input) -> Result<(String, PathBuf, String), String> {
    match input {
        Input::Stdin => {
            let mut bytes = Vec::new();
            if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
                return Err(format!("-: cannot read standard input: {e}"));
            }
            match String::from_utf8(bytes) {
                Ok(text) => Ok(("-".to_string(), PathBuf::from("./-"), text)),
                Err(e) => Err(format!(
                    "-: is not valid UTF-8 (first bad byte at offset {})",
                    e.utf8_error().valid_up_to()
                )),
            }
        }
        Input::File(path) => match read_text(path) {
            Ok(text) => Ok((path.display().to_string(), path.clone(), text)),
            Err(why) => Err(format!("{}: {why}", path.display())),
        },
    }
}

/// The errors of a `digest.toml` as `check --format text` prints them, one
/// line each (no line end): `path:line:col: error[config]: message`.
pub fn config_error_lines(loaded: &LoadedConfig) -> Vec<String> {
    let Some(path) = &loaded.path else {
        return Vec::new();
    };
    let diagnostics: Vec<Diagnostic> = loaded.errors.iter().map(Diagnostic::config).collect();
    rows_of(
        &path.display().to_string(),
        &loaded.text,
        &diagnostics,
        None,
    )
    .iter()
    .map(|row| plain_line(row, None))
    .collect()
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
        writeln!(out, "{}", plain_line(row, excerpts))?;
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

/// A finding's line, `path:line:col: severity[code]: message` (the
/// severity drawn as `excerpts` draws it, when there are excerpts).
fn plain_line(row: &Row, excerpts: Option<Excerpts>) -> String {
    let severity = match excerpts {
        Some(excerpts) => excerpts.severity(row.severity, row.code),
        None => format!("{}[{}]", row.severity.as_str(), row.code),
    };
    format!(
        "{}:{}:{}: {severity}: {}",
        visible(&row.path),
        row.start.0,
        row.start.1,
        visible(&row.message)
    )
}

/// `text` with its control characters made visible, as the excerpts show
/// them (`␛` for ESC, `␇` for BEL, `␡` for DEL; a C1 control as
/// `\u{9b}`): a digest's text quoted in a message must not drive the
/// terminal (clear it, set its title). Tabs stay.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains(|c: char| c.is_control() && c != '\t') {
        return text.into();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match u32::from(c) {
            0x09 => out.push(c),
            code @ 0x00..=0x1f => out.push(char::from_u32(0x2400 + code).unwrap_or('\u{fffd}')),
            0x7f => out.push('\u{2421}'),
            code @ 0x80..=0x9f => out.push_str(&format!("\\u{{{code:x}}}")),
            _ => out.push(c),
        }
    }
    out.into()
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

/// The rows of a bibliography file's errors (`bibliography`, always an
/// error), in its text's order.
fn bibliography_rows(read: &ReadFile, excerpts: Option<Excerpts>) -> Vec<Row> {
    let text = &*read.text;
    let index = LineIndex::new(text);
    (read.errors.iter())
        .map(|e| {
            let range = TextRange::new(e.range.start.min(text.len()), e.range.end.min(text.len()));
            let (sl, sc) = index.line_col_chars(text, range.start);
            let (el, ec) = index.line_col_chars(text, range.end);
            Row {
                path: read.path.display().to_string(),
                start: (sl + 1, sc + 1),
                end: (el + 1, ec + 1),
                severity: Severity::Error,
                code: BIBLIOGRAPHY_CODE,
                message: e.message.clone(),
                excerpt: excerpts.map(|x| x.excerpt(text, &index, range, Severity::Error)),
            }
        })
        .collect()
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
