//! `digest-lsp`: the language server (no arguments, or `--stdio`) and the
//! `check` command.

mod check;
mod cli;
mod convert;
mod documents;
mod encoding;
mod fast_lane;
mod files;
mod framing;
mod handlers;
mod malloc;
mod serve;
mod session;
mod symbols;
mod test_hooks;
mod workspace;

use std::io::Write;

const HELP: &str = "\
digest-lsp: a language server and checker for paper digests

Usage:
  digest-lsp [--stdio]                    run the language server on stdin/stdout
  digest-lsp check [--format text|json] [PATH...]
                                          check files and folders (`-` reads stdin),
                                          and the digests checked against each other
  digest-lsp --version                    print the version
  digest-lsp --help                       print this help

`check` exits with 0 when no diagnostic is an error, 1 when one is, and 2 for
usage trouble or a file that cannot be read or is not UTF-8.
";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = match args.first().map(String::as_str) {
        Some("check") => cli::run(
            &args[1..],
            &mut std::io::stdout().lock(),
            &mut std::io::stderr(),
        ),
        Some("--version" | "-V") => {
            println!("digest-lsp {}", env!("CARGO_PKG_VERSION"));
            0
        }
        Some("--help" | "-h" | "help") => {
            print!("{HELP}");
            0
        }
        None | Some("--stdio") => {
            malloc::tune();
            serve::run()
        }
        Some(other) => {
            let _ = writeln!(
                std::io::stderr(),
                "digest-lsp: unknown argument `{other}`\n\n{HELP}"
            );
            2
        }
    };
    std::process::exit(code);
}
