//! Times the formatter on generated digests of 100 KB, 1 MB and 10 MB:
//! `cargo bench -p digest-e2e --bench format`.
//!
//! - in process, as `fmt` runs it on a file: parse, the formatter's edits,
//!   and the edits applied (`syntax::parse` + `format::format_source` +
//!   `format::apply`), on the clean digest (one edit: the generator ends
//!   it with a blank line) and on a messy
//!   variant of it (CRLF line ends, trailing spaces on every third line,
//!   blank lines doubled: tens of thousands of edits at 10 MB);
//! - the release binary's wall time on the 10 MB messy file, process start
//!   to exit: `fmt --check FILE`, `fmt - < FILE` (the formatted text to a
//!   pipe), `fmt --diff FILE`, and `fmt FILE` (rewritten in place, synced),
//!   and `fmt --check` on the clean file.
//!
//! Plain `Instant` timing, as the other benches: one warm-up run, then at
//! least 10 timed runs (up to a time budget); the median and the minimum.
//! Without `--bench` (as `cargo test --benches` runs it) it formats the
//! 100 KB messy digest once and checks the result is canonical.

use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use digest_analysis::format::{apply, format_source};
use digest_analysis::{Config, FormatOptions};
use digest_e2e::measure::{Runs, ms};

const SEED: u64 = 2024;
/// At least 10 timed runs, up to 200 within 3 s.
const RUNS: Runs = Runs {
    min: 10,
    max: 200,
    budget: Duration::from_secs(3),
};

fn main() {
    let measure = std::env::args().any(|a| a == "--bench");
    let config = Config::default();
    if !measure {
        let text = messy(&digest_e2e::generate_sized(100_000, SEED));
        let (edits, once) = format(&text, &config);
        let (again, _) = format(&once, &config);
        assert_eq!(again, 0, "formatting the formatted text changes nothing");
        println!(
            "format bench smoke run: 100 KB messy, {edits} edits, canonical after (pass --bench to measure)"
        );
        return;
    }
    let mut largest = None;
    for (label, bytes) in [
        ("100 KB", 100_000),
        ("1 MB", 1_000_000),
        ("10 MB", 10_000_000),
    ] {
        let clean = digest_e2e::generate_sized(bytes, SEED);
        let messy = messy(&clean);
        for (variant, text) in [("clean", &clean), ("messy", &messy)] {
            let (edits, _) = format(text, &config);
            let (median, min, runs) = RUNS.time(|| {
                black_box(format(text, &config));
            });
            let mb = text.len() as f64 / 1e6;
            println!(
                "format {label:>6} {variant}: {:>9} bytes, {edits:>6} edits | \
                 median {:>8.3} ms  min {:>8.3} ms  {:>7.1} MB/s  ({runs} runs)",
                text.len(),
                ms(median),
                ms(min),
                mb / median.as_secs_f64(),
            );
        }
        largest = Some((clean, messy));
    }
    if let Some((clean, messy)) = largest {
        binary(&clean, &messy);
    }
}

/// The release binary on the largest digests, wall time per run.
fn binary(clean: &str, messy: &str) {
    let bin = digest_e2e::server_binary();
    let dir = digest_e2e::temp_dir("bench-format");
    let (clean_path, messy_path) = (dir.join("clean.digest"), dir.join("messy.digest"));
    std::fs::write(&clean_path, clean).expect("write the clean digest");
    std::fs::write(&messy_path, messy).expect("write the messy digest");
    let size = format!("{:.1} MB", messy.len() as f64 / 1e6);
    let (clean_path, messy_path) = (clean_path.as_path(), messy_path.as_path());
    let runs: [(&str, &[&str], &Path, Option<&Path>); 4] = [
        ("fmt --check (messy)", &["fmt", "--check"], messy_path, None),
        ("fmt --check (clean)", &["fmt", "--check"], clean_path, None),
        (
            "fmt - < file (messy)",
            &["fmt", "-"],
            messy_path,
            Some(messy_path),
        ),
        ("fmt --diff (messy)", &["fmt", "--diff"], messy_path, None),
    ];
    for (what, args, file, stdin) in runs {
        let (median, min, n) = RUNS.time(|| {
            let mut command = Command::new(&bin);
            command
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            match stdin {
                Some(input) => {
                    command.stdin(std::fs::File::open(input).expect("open the digest"));
                }
                None => {
                    command.arg(file).stdin(Stdio::null());
                }
            }
            black_box(command.status().expect("digest-lsp runs"));
        });
        println!(
            "binary {what:<21} {size}: median {:>8.1} ms  min {:>8.1} ms  ({n} runs)",
            ms(median),
            ms(min)
        );
    }
    // In place: the messy file written afresh before each run (not timed).
    let target = dir.join("rewritten.digest");
    let mut times = Vec::new();
    for _ in 0..RUNS.min {
        std::fs::write(&target, messy).expect("write the messy digest");
        let t = Instant::now();
        let status = Command::new(&bin)
            .args(["fmt"])
            .arg(&target)
            .stderr(Stdio::null())
            .status()
            .expect("digest-lsp runs");
        times.push(t.elapsed());
        assert!(status.success(), "fmt FILE exits 0");
    }
    times.sort();
    println!(
        "binary {:<21} {size}: median {:>8.1} ms  min {:>8.1} ms  ({} runs)",
        "fmt FILE (in place)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        times.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// What `fmt` does with a file's text: parse, the edits, applied. Returns
/// the number of edits and the formatted text.
fn format(text: &str, config: &Config) -> (usize, String) {
    let syntax = digest_analysis::syntax::parse(text, config);
    let edits = format_source(text, &syntax, config, &FormatOptions::default());
    let formatted = apply(text, &edits);
    (edits.len(), formatted)
}

/// `text` made messy: CRLF line ends, two trailing spaces on every third
/// line, every blank line doubled.
fn messy(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 11 / 10);
    for (i, line) in text.lines().enumerate() {
        out.push_str(line);
        if line.is_empty() {
            out.push_str("\r\n");
        } else if i % 3 == 0 {
            out.push_str("  ");
        }
        out.push_str("\r\n");
    }
    out
}
