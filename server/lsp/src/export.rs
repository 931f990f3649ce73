//! `digest-lsp export --to markdown|html|json [-o OUT] [PATH...]`: digests
//! rendered by `digest_analysis::export` (the pure renderers the server's
//! `digest.export` and `digest/render` share), found, read and checked as
//! `check` finds, reads and checks them ([`cli::gather`], [`cli::read`],
//! [`check_file`], [`problems`]): the JSON export carries the very
//! diagnostics `check` reports.
//!
//! Where the output goes:
//! - one digest, no `-o`: standard output;
//! - one digest, `-o OUT`: the file OUT (its folders made), or
//!   `OUT/NAME.EXT` when OUT is a folder already or ends with `/`;
//! - several digests: `-o` names a folder (made when missing), and each
//!   digest's output is its path relative to the folder that holds all
//!   the inputs, its extension replaced (`a/x.digest` and `b/x.digest`
//!   give `OUT/a/x.md` and `OUT/b/x.md`); where two inputs would still
//!   give one name (`x.digest` and `x.txt`), the later keeps its extension
//!   (`x.txt.md`); standard input is `stdin.EXT`. Without `-o`, several
//!   digests are a usage error (nothing is written).
//!
//! The name of another digest's export in links (`[[other#Paper3]]` to
//! `other.md#paper3`) follows the same rule, so that a folder exported at
//! once links up.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use digest_analysis::export::{Export, Format, render};
use digest_analysis::rules::PaperKeys;
use digest_analysis::workspace::normalize;
use digest_analysis::{Diagnostic, WorkspaceFile};

use crate::check::{Checked, Together, bound_keys, check_file, problems};
use crate::cli::{self, EXIT_CLEAN, EXIT_TROUBLE, Input};
use crate::digests::{Current, Digests};
use crate::files::{Configs, DiskOnly};

/// `digest-lsp export`'s arguments.
#[derive(clap::Args, Debug)]
#[command(after_help = "\
Folders are searched as `check` searches them: for *.digest and for the files
that the [files] include patterns of the digest.toml files on the way name; a
file named explicitly is exported whatever its extension; `-` reads standard
input.

One digest is written to standard output, or to OUT with -o (inside OUT when
it is a folder or ends with `/`). Several digests need -o OUT, a folder
(made when missing): each output keeps its path relative to the folder that
holds all the inputs, with the format's extension (`a/x.digest` ->
`OUT/a/x.md`).

Exit status: 0 when every digest was exported, 2 for usage trouble, a file
that cannot be read or is not UTF-8, an output that cannot be written, a
digest.toml with errors (reported on stderr; the defaults are used), or a
folder in which no digest is found (the other digests are still exported).")]
pub struct ExportArgs {
    /// The format to export to
    #[arg(long = "to", value_enum, value_name = "FORMAT")]
    pub to: To,
    /// Where to write: a file for one digest, a folder for several
    /// [default: standard output, for one digest]
    #[arg(short = 'o', long = "output", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Files and folders to export; `-` reads standard input [default: .]
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// The formats, as clap spells them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum To {
    Markdown,
    Html,
    Json,
}

impl From<To> for Format {
    fn from(to: To) -> Format {
        match to {
            To::Markdown => Format::Markdown,
            To::Html => Format::Html,
            To::Json => Format::Json,
        }
    }
}

/// A digest read and checked, ready to render.
struct Read {
    input: Input,
    shown: String,
    checked: Checked,
}

/// Runs `export`; returns the exit status.
pub fn run(args: &ExportArgs, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let format = Format::from(args.to);
    let configs = Configs::default();
    let (inputs, mut trouble) = cli::gather(&args.paths, &configs, err);
    if inputs.len() > 1 && args.output.is_none() {
        let _ = writeln!(
            err,
            "digest-lsp export: {} digests to export: name a folder for them with -o OUT",
            inputs.len()
        );
        return EXIT_TROUBLE;
    }
    let several = inputs.len() > 1;

    let mut read = Vec::new();
    for input in inputs {
        match cli::read(&input) {
            Ok((shown, path, text)) => {
                let checked = check_file(&path, &text, &configs, &DiskOnly);
                read.push(Read {
                    input,
                    shown,
                    checked,
                });
            }
            Err(why) => {
                let _ = writeln!(err, "{why}");
                trouble = true;
            }
        }
    }

    // The digests exported together are checked together, as `check` does.
    let paths: Vec<PathBuf> = read
        .iter()
        .map(|r| absolute(&input_path(&r.input)))
        .collect();
    let files: Vec<WorkspaceFile<'_>> = (read.iter().zip(&paths))
        .map(|(r, path)| WorkspaceFile {
            path,
            analysis: &r.checked.analysis,
        })
        .collect();
    let keys: Vec<PaperKeys> = (read.iter())
        .map(|r| bound_keys(&r.checked, &configs, &DiskOnly))
        .collect();
    let keys: Vec<&PaperKeys> = keys.iter().collect();
    let targets = Targets::new(args.output.as_deref(), several, &paths, &read, format);

    let mut configs_reported = BTreeSet::new();
    for (current, r) in read.iter().enumerate() {
        let together = Together {
            files: &files,
            keys: &keys,
            current,
        };
        let found = problems(&r.checked, Some(together));
        if let Some(config) = &found.config
            && !config.problems.is_empty()
            && configs_reported.insert(config.path.clone())
        {
            for line in cli::config_error_lines(&config.loaded) {
                let _ = writeln!(err, "{line}");
            }
            trouble = true;
        }
        // Never over a digest (a digest kept as `notes.md`, exported to
        // Markdown into its own folder): the editor's export refuses it too.
        if let Some(target) = targets.get(current)
            && let Some(what) = overwritten(&read, current, target)
        {
            let _ = writeln!(
                err,
                "{}: cannot write {}: the export would overwrite {what}",
                r.shown,
                target.display()
            );
            trouble = true;
            continue;
        }
        let rendered = render_one(r, &configs, &found.digest, format);
        let written = match targets.get(current) {
            None => out
                .write_all(rendered.as_bytes())
                .and_then(|()| out.flush()),
            Some(target) => write_file(target, &rendered),
        };
        if let Err(e) = written {
            if e.kind() == std::io::ErrorKind::BrokenPipe && targets.get(current).is_none() {
                break; // the reader stopped early (`export … | head`)
            }
            let target = targets
                .get(current)
                .map_or("standard output".to_string(), |t| t.display().to_string());
            let _ = writeln!(err, "{}: cannot write {target}: {e}", r.shown);
            trouble = true;
        }
    }
    if trouble { EXIT_TROUBLE } else { EXIT_CLEAN }
}

/// One digest rendered, its other digests reached from its own folder.
fn render_one(r: &Read, configs: &Configs, diagnostics: &[Diagnostic], format: Format) -> String {
    let path = input_path(&r.input);
    let current = Current {
        path: normalize(&path),
        analysis: r.checked.analysis.clone(),
        uri: None,
        version: None,
    };
    let digests = Digests::new(&DiskOnly, configs, Some(current));
    let export = Export {
        analysis: &r.checked.analysis,
        config: &r.checked.config.config,
        resolver: &digests,
        diagnostics,
        name: &r.shown,
    };
    render(format, &export)
}

/// The path an input is looked up by (`./-` for standard input, as
/// [`cli::read`] gives it).
fn input_path(input: &Input) -> PathBuf {
    match input {
        Input::Stdin => PathBuf::from("./-"),
        Input::File(path) => path.clone(),
    }
}

/// Where each digest's output goes: `None` for standard output.
struct Targets(Vec<Option<PathBuf>>);

impl Targets {
    fn new(
        output: Option<&Path>,
        several: bool,
        paths: &[PathBuf],
        read: &[Read],
        format: Format,
    ) -> Self {
        let Some(output) = output else {
            return Self(vec![None; read.len()]);
        };
        let into_folder =
            several || output.is_dir() || output.as_os_str().to_string_lossy().ends_with('/');
        if !into_folder {
            return Self(vec![Some(output.to_path_buf()); read.len()]);
        }
        let ext = format.extension();
        let files: Vec<&PathBuf> = (read.iter().zip(paths))
            .filter(|(r, _)| matches!(r.input, Input::File(_)))
            .map(|(_, path)| path)
            .collect();
        let base = common_folder(&files);
        let mut taken = BTreeSet::new();
        let targets = (read.iter().zip(paths))
            .map(|(r, path)| {
                let relative = match r.input {
                    Input::Stdin => PathBuf::from("stdin"),
                    Input::File(_) => path.strip_prefix(&base).unwrap_or(path).to_path_buf(),
                };
                let mut target = output.join(relative.with_extension(ext));
                if !taken.insert(target.clone()) {
                    let mut name = relative.into_os_string();
                    name.push(".");
                    name.push(ext);
                    target = output.join(name);
                    taken.insert(target.clone());
                }
                Some(target)
            })
            .collect();
        Self(targets)
    }

    fn get(&self, index: usize) -> Option<&PathBuf> {
        self.0.get(index).and_then(Option::as_ref)
    }
}

/// The deepest folder that holds every one of `files` (absolute paths).
fn common_folder(files: &[&PathBuf]) -> PathBuf {
    let mut common: Option<PathBuf> = None;
    for file in files {
        let folder = file.parent().unwrap_or(file).to_path_buf();
        common = Some(match common {
            None => folder,
            Some(so_far) => so_far
                .ancestors()
                .find(|a| folder.starts_with(a))
                .map_or_else(PathBuf::new, Path::to_path_buf),
        });
    }
    common.unwrap_or_default()
}

/// What `target`, the output of digest `current` of `read`, would write
/// over: one of the digests exported (a digest kept as `notes.md`), or a
/// file of their bibliographies (`library.json` beside `library.digest`).
fn overwritten(read: &[Read], current: usize, target: &Path) -> Option<String> {
    for (i, digest) in read.iter().enumerate() {
        if let Input::File(path) = &digest.input
            && same_file(path, target)
        {
            return Some(match i == current {
                true => "the digest itself".to_string(),
                false => format!("the digest {}", digest.shown),
            });
        }
    }
    let bibliography = (read.iter())
        .flat_map(|digest| digest.checked.bibliography.iter())
        .find(|file| same_file(file, target))?;
    Some(format!("the bibliography file {}", bibliography.display()))
}

/// Whether `a` and `b` name one file (`notes.md`, `./notes.md`, a link to
/// it).
fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => absolute(a) == absolute(b),
    }
}

/// Writes `text` to `path`, making its folders first.
fn write_file(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// `path` made absolute, `.` and `..` applied (one spelling per file).
fn absolute(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}
