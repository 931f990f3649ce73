//! `digest-lsp`: the language server (no arguments, or `--stdio`) and the
//! `check`, `fmt` and `export` commands. The only crate that knows the protocol and the disk;
//! everything it knows of digests comes from `digest_analysis`.
//!
//! # The modules
//!
//! - the process: [`serve`] (one reader, one dispatch, one writer),
//!   [`framing`] (messages checked before tower-lsp sees them),
//!   [`handlers`] (one function per LSP method), [`test_hooks`];
//! - state: [`session`] (documents, what `initialize` settled, diagnostics
//!   published in version order), [`documents`] (ropes kept in step with
//!   the editor), [`workspace`] (the index of the workspace folders);
//! - the disk and other digests: [`files`] (reading, the nearest
//!   `digest.toml`), [`discover`] (the one folder walk), [`digests`] (the
//!   one way to reach another digest, and the digest's bibliography),
//!   [`bibliographies`] (which files a digest's bibliography is, each set
//!   read once and kept until one of them changes);
//! - the one check: [`check`] (shared by the CLI and the server);
//! - LSP terms: [`convert`] (every shape sent; the outline in
//!   `convert::outline`), [`positions`] (offsets <-> positions in the
//!   negotiated encoding);
//! - the CLI: [`cli`] (`check`), [`fmt`], [`export`], [`render`] (terminal
//!   excerpts);
//!   [`malloc`].
//!
//! # A keystroke, from the reader to the published diagnostics
//!
//! One function per step:
//!
//! 1. [`serve::read_client`] reads stdin; [`framing::FrameReader::next`]
//!    cuts out the `didChange` message and checks it.
//! 2. [`serve::Router::dispatch`] routes it, before reading on, to
//! 3. [`handlers::Backend::did_change`], which under the documents lock
//!    calls
//! 4. [`documents::Document::apply`]: [`positions::replace`] edits the
//!    rope (the range read by [`positions::Positions::text_range`]) and
//!    notes what changed; then
//! 5. [`session::Session::schedule_diagnostics`] (through `after_edit`)
//!    waits for typing to pause and runs, off the protocol task,
//! 6. [`session::Session::diagnostics`], which takes the document's state
//!    with [`session::Session::snapshot`] and checks it with
//! 7. [`check::check_document`]: [`check::analyse`] edits the previous
//!    analysis (`Analysis::into_edited` re-parses the touched papers), and
//!    `digest_analysis::check_with` runs the rules, reaching other digests
//!    through [`digests::Digests`];
//! 8. [`check::problems`] gives the final list (the cross-file rule's
//!    hints within the cap, the `digest.toml`'s errors);
//! 9. [`convert::diagnostic`] puts each in LSP terms (positions by
//!    [`positions::Positions`]);
//! 10. back in `schedule_diagnostics`, under the documents lock and for the
//!     current version only, [`session::Session::publish`] queues them on
//!     the [`serve::Outbox`], and [`serve::write_client`] writes the frame
//!     to stdout.

mod bibliographies;
mod check;
mod cli;
mod convert;
mod digests;
mod discover;
mod documents;
mod export;
mod files;
mod fmt;
mod framing;
mod handlers;
mod malloc;
mod positions;
mod preview;
mod render;
mod serve;
mod session;
mod test_hooks;
mod workspace;

use std::io::IsTerminal;

use clap::{Parser, Subcommand};

/// A language server and checker for paper digests.
#[derive(Parser, Debug)]
#[command(
    name = "digest-lsp",
    version,
    args_conflicts_with_subcommands = true,
    after_help = "With no command, digest-lsp runs the language server on stdin/stdout \
                  (logs go to stderr)."
)]
struct Cli {
    /// Run the language server on stdin/stdout (what no arguments do too)
    #[arg(long)]
    stdio: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check files and folders of digests, and the digests against each other
    Check(cli::CheckArgs),
    /// Format digests into their canonical layout, in place, or say which
    /// would change (--check, --diff)
    Fmt(fmt::FmtArgs),
    /// Export digests to Markdown, HTML or JSON
    Export(export::ExportArgs),
}

fn main() {
    let parsed = match Cli::try_parse() {
        Ok(parsed) => parsed,
        // Help and version on stdout with 0; usage errors on stderr with 2.
        Err(e) => e.exit(),
    };
    let code = match parsed.command {
        Some(Command::Check(args)) => {
            let stdout = std::io::stdout();
            let excerpts = stdout.is_terminal().then(render::Excerpts::for_terminal);
            cli::run(&args, excerpts, &mut stdout.lock(), &mut std::io::stderr())
        }
        Some(Command::Fmt(args)) => {
            fmt::run(&args, &mut std::io::stdout().lock(), &mut std::io::stderr())
        }
        Some(Command::Export(args)) => {
            export::run(&args, &mut std::io::stdout().lock(), &mut std::io::stderr())
        }
        None => {
            malloc::tune();
            serve::run()
        }
    };
    std::process::exit(code);
}
