//! `digest-lsp`: the language server (no arguments, or `--stdio`) and the
//! `check` command.

mod check;
mod cli;
mod convert;
mod digests;
mod discover;
mod documents;
mod files;
mod framing;
mod handlers;
mod malloc;
mod positions;
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
        None => {
            malloc::tune();
            serve::run()
        }
    };
    std::process::exit(code);
}
