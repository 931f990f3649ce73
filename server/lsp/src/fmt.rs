//! `digest-lsp fmt [--check] [--diff] [PATH...]`: digests rewritten into
//! their canonical layout by `digest_analysis::format` (the pure formatter
//! the server's formatting requests share), found and read as `check`
//! finds and reads them ([`cli::gather`], [`cli::read`]).
//!
//! What this adds is the disk: a file that changes is written through a
//! temporary file in its own folder, renamed over it ([`write_in_place`]),
//! so that an error leaves it as it was; `--check` lists what would change
//! and `--diff` shows it as a unified diff ([`write_diff`]); neither
//! writes.
//!
//! A `digest.toml` with errors is reported on stderr as `check` prints it,
//! and the defaults stay in force for the files under it (the spec's rule
//! for every broken configuration): `--check`, `--diff` and standard input
//! show what the defaults give. But no file under it is rewritten on disk:
//! a broken file is read as the defaults whole, so one typo elsewhere would
//! otherwise undo its `[format] enabled = false`; the run exits with 2 and
//! the user formats again once the file is mended.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use digest_analysis::format::{apply, format_source};
use digest_analysis::{Config, FormatOptions};

use crate::cli::{self, EXIT_CLEAN, EXIT_TROUBLE, Input};
use crate::files::{Configs, DiskOnly};

/// `digest-lsp fmt`'s arguments.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Each digest is put into its canonical layout: the file's first line end
everywhere, no trailing white space, one final newline, headings written
`Paper<N> <title>`, one space after a section label's colon, one blank line
before each heading and section label and none doubled; with typography rules
turned on in digest.toml, their fixes. Nothing else changes.

Folders are searched as `check` searches them: for *.digest and for the files
that the [files] include patterns of the digest.toml files on the way name; a
file named explicitly is formatted whatever its extension. `-` reads standard
input and writes the formatted text to standard output.

Without --check or --diff, each file that changes is rewritten in place,
through a temporary file in its folder renamed over it (a failed write leaves
the file as it was; its permissions are kept; a symbolic link stays a link to
the rewritten file), and one summary line goes to stderr. --check and --diff
write no file; given both, the diff is printed.

Files under a digest.toml with `[format] enabled = false` are left alone
(and not listed by --check). A digest.toml with errors is reported on stderr,
and the defaults stay in force for the files under it (--check, --diff and
`-` show what they give), but no file under it is rewritten.

Exit status: 0 when done (with --check or --diff: when no file would change),
1 with --check or --diff when a file would change, 2 for usage trouble, a
file that cannot be read, is not UTF-8 (named on stderr with the offset of
its first bad byte) or cannot be written, a digest.toml with errors, or a
folder in which no digest is found (the other inputs are still formatted).")]
pub struct FmtArgs {
    /// Write nothing: print the path of each file that would change, one per
    /// line, and exit with 1 when one would
    #[arg(long)]
    pub check: bool,
    /// Write nothing: print a unified diff of each file that would change,
    /// and exit with 1 when one would
    #[arg(long)]
    pub diff: bool,
    /// Files and folders to format; `-` reads standard input and writes
    /// standard output [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// What is done with a digest that changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// Rewritten in place (standard input: written to stdout).
    Write,
    /// Its path printed.
    Check,
    /// Its diff printed.
    Diff,
}

/// The exit status of `--check` and `--diff` when a file would change (0
/// and 2 are `check`'s: [`EXIT_CLEAN`], [`EXIT_TROUBLE`]).
pub const EXIT_WOULD_CHANGE: i32 = 1;

/// A diff of a huge file that takes longer than this is made coarser (still
/// right, less minimal) rather than slower.
const DIFF_TIMEOUT: Duration = Duration::from_secs(2);

/// Runs `fmt`; returns the exit status.
pub fn run(args: &FmtArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let mode = match (args.check, args.diff) {
        (_, true) => Mode::Diff,
        (true, false) => Mode::Check,
        (false, false) => Mode::Write,
    };
    let configs = Configs::default();
    let (inputs, mut trouble) = cli::gather(&args.paths, &configs, err);
    let mut reported = BTreeSet::new();
    let (mut files, mut reformatted, mut would_change) = (0, 0, false);
    for input in &inputs {
        let (shown, path, text) = match cli::read(input) {
            Ok(read) => read,
            Err(why) => {
                let _ = writeln!(err, "{why}");
                trouble = true;
                continue;
            }
        };
        let loaded = configs.for_file(&path, &DiskOnly);
        if let Some(config_path) = &loaded.path
            && !loaded.errors.is_empty()
            && reported.insert(config_path.clone())
        {
            for line in cli::config_error_lines(&loaded) {
                let _ = writeln!(err, "{line}");
            }
            trouble = true;
        }
        let formatted = formatted(&text, &loaded.config);
        if matches!(input, Input::File(_)) {
            files += 1;
        }
        let written = match (mode, input, &formatted) {
            (Mode::Write, Input::Stdin, _) => {
                out.write_all(formatted.as_deref().unwrap_or(&text).as_bytes())
            }
            (_, _, None) => Ok(()),
            // What the broken file said is not known (it may have been
            // `[format] enabled = false`): nothing is written on a guess.
            (Mode::Write, Input::File(_), Some(_)) if !loaded.errors.is_empty() => {
                let _ = writeln!(
                    err,
                    "{shown}: not rewritten: the digest.toml that applies has errors"
                );
                Ok(())
            }
            (Mode::Write, Input::File(_), Some(new)) => {
                match write_in_place(&path, new) {
                    Ok(()) => reformatted += 1,
                    Err(e) => {
                        let _ = writeln!(err, "{shown}: cannot be written: {e}");
                        trouble = true;
                    }
                }
                Ok(())
            }
            (Mode::Check, _, Some(_)) => {
                would_change = true;
                writeln!(out, "{shown}")
            }
            (Mode::Diff, _, Some(new)) => {
                would_change = true;
                write_diff(out, diff_label(&shown), &text, new)
            }
        };
        match written.and_then(|()| out.flush()) {
            Ok(()) => {}
            // The reader stopped early (`fmt --diff | head`): nothing more
            // to write, and no trouble.
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => break,
            Err(e) => {
                let _ = writeln!(err, "digest-lsp fmt: cannot write the output: {e}");
                return EXIT_TROUBLE;
            }
        }
    }
    if mode == Mode::Write && files > 0 {
        let _ = writeln!(
            err,
            "{reformatted} {} reformatted, {} unchanged",
            if reformatted == 1 { "file" } else { "files" },
            files - reformatted
        );
    }
    if trouble {
        EXIT_TROUBLE
    } else if would_change {
        EXIT_WOULD_CHANGE
    } else {
        EXIT_CLEAN
    }
}

/// `text` in its canonical layout under `config`, or `None` when it is
/// already canonical or `[format] enabled = false` leaves it alone.
fn formatted(text: &str, config: &Config) -> Option<String> {
    if !config.format_enabled {
        return None;
    }
    let syntax = digest_analysis::syntax::parse(text, config);
    let edits = format_source(text, &syntax, config, &FormatOptions::default());
    if edits.is_empty() {
        return None;
    }
    let new = apply(text, &edits);
    (new != text).then_some(new)
}

/// Replaces the file at `path` with `text`, atomically: the text goes to a
/// temporary file in the same folder, which takes the file's permissions
/// (and owner, where it may), is flushed to the disk and renamed over the
/// file. On any error the file is as it was and the temporary file is
/// removed. A symbolic link is followed: its target is replaced, the link
/// stays. A file that could not be opened for writing is not replaced
/// (renaming would otherwise overwrite a read-only file).
fn write_in_place(path: &Path, text: &str) -> std::io::Result<()> {
    let target = std::fs::canonicalize(path)?;
    let metadata = std::fs::metadata(&target)?;
    drop(std::fs::OpenOptions::new().write(true).open(&target)?);
    let folder = target.parent().unwrap_or(Path::new("."));
    let mut temp = tempfile::Builder::new()
        .prefix(".digest-fmt-")
        .suffix(".tmp")
        .tempfile_in(folder)?;
    temp.write_all(text.as_bytes())?;
    let file = temp.as_file();
    file.set_permissions(metadata.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        // Only root may give a file away; for anyone else the owner is
        // already theirs, or this fails and the new file stays theirs.
        let _ = std::os::unix::fs::fchown(file, Some(metadata.uid()), Some(metadata.gid()));
    }
    file.sync_all()?;
    temp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// The name a diff gives a file: as shown, without a leading `./` or `/`
/// (`--- a/notes/x.digest`, as `git diff` writes it).
fn diff_label(shown: &str) -> &str {
    let mut label = shown;
    while let Some(rest) = label.strip_prefix("./").or_else(|| label.strip_prefix('/')) {
        label = rest;
    }
    label
}

/// A unified diff from `old` to `new` (three lines of context): `--- a/`,
/// `+++ b/`, then the hunks. Lines end as they do in the file (a `\r`
/// stays visible, as in `git diff`); a line that ends with a lone CR is
/// followed by a `\n` so that each diff line is one line, and a last line
/// without a line end by `\ No newline at end of file`.
fn write_diff(out: &mut dyn Write, label: &str, old: &str, new: &str) -> std::io::Result<()> {
    let diff = similar::TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(old, new);
    writeln!(out, "--- a/{label}\n+++ b/{label}")?;
    for hunk in diff.unified_diff().iter_hunks() {
        writeln!(out, "{}", hunk.header())?;
        for change in hunk.iter_changes() {
            let line = change.value();
            write!(out, "{}{line}", change.tag())?;
            if line.ends_with('\r') {
                writeln!(out)?;
            } else if !line.ends_with('\n') {
                writeln!(out, "\n\\ No newline at end of file")?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diff(old: &str, new: &str) -> String {
        let mut out = Vec::new();
        write_diff(&mut out, "x.digest", old, new).expect("write to a Vec");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn a_diff_shows_line_ends_as_they_are_and_a_missing_final_one() {
        assert_eq!(
            diff("Paper1 A\nB", "Paper1 A\nB\n"),
            "--- a/x.digest\n+++ b/x.digest\n@@ -1,2 +1,2 @@\n Paper1 A\n-B\n\\ No newline at end of file\n+B\n"
        );
        assert_eq!(
            diff("a\r\nb \r\n", "a\r\nb\r\n"),
            "--- a/x.digest\n+++ b/x.digest\n@@ -1,2 +1,2 @@\n a\r\n-b \r\n+b\r\n"
        );
        // Lone CRs: one diff line per line all the same.
        assert_eq!(
            diff("a\rb \r", "a\rb\r"),
            "--- a/x.digest\n+++ b/x.digest\n@@ -1,2 +1,2 @@\n a\r\n-b \r\n+b\r\n"
        );
    }

    #[test]
    fn a_diff_label_drops_a_leading_dot_slash_and_root() {
        assert_eq!(diff_label("./a/b.digest"), "a/b.digest");
        assert_eq!(diff_label("/tmp/x.txt"), "tmp/x.txt");
        assert_eq!(diff_label("././x"), "x");
        assert_eq!(diff_label("notes/x"), "notes/x");
        assert_eq!(diff_label("-"), "-");
    }

    #[test]
    fn a_disabled_config_or_a_canonical_text_gives_nothing() {
        let mut config = Config::default();
        let messy = "Paper 01: A \n摘要原文:a\n";
        assert_eq!(
            formatted(messy, &config).as_deref(),
            Some("Paper1 A\n\n摘要原文: a\n")
        );
        assert_eq!(formatted("Paper1 A\n\n摘要原文: a\n", &config), None);
        config.format_enabled = false;
        assert_eq!(formatted(messy, &config), None);
    }
}
