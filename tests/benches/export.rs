//! Times the exporters on a generated 10 MB digest (and 100 KB, 1 MB):
//! `cargo bench -p digest-e2e --bench export`.
//!
//! - in process, each renderer on the parsed digest (`export::render`:
//!   document in, text out, as the CLI and the server call it), the
//!   diagnostics of `check` included; the target: under 300 ms for each
//!   format at 10 MB, else the bench exits with 1;
//! - for scale, the release binary's wall time on the 10 MB file,
//!   `export --to FORMAT -o FILE` (read, check, render, write).
//!
//! Plain `Instant` timing, as the other benches: one warm-up run, then at
//! least 10 timed runs (up to a time budget); the median and the minimum.
//! Without `--bench` (as `cargo test --benches` runs it) it exports the
//! 100 KB digest once to each format and checks the outputs' shape.

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::Duration;

use digest_analysis::export::{Export, Format, render};
use digest_analysis::{Analysis, Config, NoFiles, check};
use digest_e2e::measure::{Runs, ms};

const SEED: u64 = 2024;
/// At least 10 timed runs, up to 100 within 3 s.
const RUNS: Runs = Runs {
    min: 10,
    max: 100,
    budget: Duration::from_secs(3),
};
/// The most one export of the 10 MB digest may take (median).
const TARGET: Duration = Duration::from_millis(300);

fn main() {
    let measure = std::env::args().any(|a| a == "--bench");
    let config = Config::default();
    if !measure {
        let text = digest_e2e::generate_sized(100_000, SEED);
        let papers = digest_e2e::paper_count(&text);
        let analysis = Analysis::new(&text, &config);
        for format in Format::ALL {
            let out = export(&analysis, &config, format);
            let found = match format {
                Format::Markdown => out.lines().filter(|l| l.starts_with("## ")).count(),
                Format::Html => out.matches("<article class=\"paper\"").count(),
                Format::Json => out.matches("\"anchor\": \"paper").count(),
            };
            assert_eq!(found, papers, "{} export has every paper", format.name());
        }
        println!(
            "export bench smoke run: 100 KB, {papers} papers in each format (pass --bench to measure)"
        );
        return;
    }
    let mut over = Vec::new();
    let mut largest = None;
    for (label, bytes) in [
        ("100 KB", 100_000),
        ("1 MB", 1_000_000),
        ("10 MB", 10_000_000),
    ] {
        let text = digest_e2e::generate_sized(bytes, SEED);
        let analysis = Analysis::new(&text, &config);
        for format in Format::ALL {
            let size = export(&analysis, &config, format).len();
            let (median, min, runs) = RUNS.time(|| {
                black_box(export(&analysis, &config, format));
            });
            let mb = text.len() as f64 / 1e6;
            println!(
                "export {label:>6} {:<8}: {:>9} bytes -> {size:>9} bytes | \
                 median {:>8.3} ms  min {:>8.3} ms  {:>7.1} MB/s  ({runs} runs)",
                format.name(),
                text.len(),
                ms(median),
                ms(min),
                mb / median.as_secs_f64(),
            );
            if bytes == 10_000_000 && median > TARGET {
                over.push(format!("{} ({:.1} ms)", format.name(), ms(median)));
            }
        }
        largest = Some(text);
    }
    if let Some(text) = largest {
        binary(&text);
    }
    if !over.is_empty() {
        eprintln!(
            "over the target of {} ms at 10 MB: {}",
            TARGET.as_millis(),
            over.join(", ")
        );
        std::process::exit(1);
    }
    println!("every format within {} ms at 10 MB", TARGET.as_millis());
}

/// One export, as the CLI renders it (the diagnostics found beforehand).
fn export(analysis: &Analysis, config: &Config, format: Format) -> String {
    let diagnostics = check(analysis, config, &NoFiles);
    let export = Export {
        analysis,
        config,
        resolver: &NoFiles,
        diagnostics: &diagnostics,
        name: "bench.digest",
    };
    render(format, &export)
}

/// The release binary on the largest digest, wall time per run.
fn binary(text: &str) {
    let bin = digest_e2e::server_binary();
    let dir = digest_e2e::temp_dir("bench-export");
    let path = dir.join("large.digest");
    std::fs::write(&path, text).expect("write the digest");
    let size = format!("{:.1} MB", text.len() as f64 / 1e6);
    for format in Format::ALL {
        let out = dir.join(format!("large.{}", format.extension()));
        let (median, min, n) = RUNS.time(|| {
            let status = Command::new(&bin)
                .args(["export", "--to", format.name(), "-o"])
                .arg(&out)
                .arg(&path)
                .stdin(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .expect("digest-lsp runs");
            assert!(status.success(), "export exits 0");
        });
        println!(
            "binary export --to {:<8} {size}: median {:>8.1} ms  min {:>8.1} ms  ({n} runs)",
            format.name(),
            ms(median),
            ms(min)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
