//! Times full analysis (parse + index + every rule) of generated digests of
//! 100 KB, 1 MB and 10 MB, and one character typed (incremental analysis +
//! every rule): `cargo bench -p digest-e2e --bench analysis`.
//!
//! Plain `Instant` timing: one warm-up run, then at least 10 timed runs (more
//! for small inputs, up to a time budget); prints the median and the minimum
//! and the throughput at the median. Without `--bench` (as `cargo test
//! --benches` runs it) it analyses the 100 KB digest once, as a smoke test.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use digest_analysis::{Analysis, Config, Dirty, NoFiles, RuleCache, TextRange, check_with};

const SEED: u64 = 2024;
const MIN_RUNS: usize = 10;
const MAX_RUNS: usize = 500;
const BUDGET: Duration = Duration::from_secs(3);

fn main() {
    let measure = std::env::args().any(|a| a == "--bench");
    let config = Config::default();
    if !measure {
        let text: Arc<str> = digest_e2e::generate_sized(100_000, SEED).into();
        let diagnostics = analyse(&text, &config);
        println!(
            "analysis bench smoke run: 100 KB, {} diagnostics (pass --bench to measure)",
            diagnostics
        );
        return;
    }
    for (label, bytes) in [
        ("100 KB", 100_000),
        ("1 MB", 1_000_000),
        ("10 MB", 10_000_000),
    ] {
        let text: Arc<str> = digest_e2e::generate_sized(bytes, SEED).into();
        let papers = digest_e2e::paper_count(&text);
        let diagnostics = analyse(&text, &config); // warm-up
        let mut times = Vec::new();
        let started = Instant::now();
        while times.len() < MIN_RUNS || (times.len() < MAX_RUNS && started.elapsed() < BUDGET) {
            let t = Instant::now();
            black_box(analyse(&text, &config));
            times.push(t.elapsed());
        }
        times.sort();
        let median = times[times.len() / 2];
        let min = times[0];
        let mb = text.len() as f64 / 1e6;
        println!(
            "analysis {label:>6}: {:>9} bytes, {papers:>4} papers, {diagnostics} diagnostics | \
             median {:>9.3} ms  min {:>9.3} ms  {:>8.1} MB/s  ({} runs)",
            text.len(),
            ms(median),
            ms(min),
            mb / median.as_secs_f64(),
            times.len()
        );
        let (p50, p99) = edits(&text, &config);
        println!(
            "edit     {label:>6}: one character typed, re-parse + every rule: p50 {:.3} ms  p99 {:.3} ms  ({EDITS} edits spread through the file)",
            p50, p99
        );
    }
}

const EDITS: usize = 300;

/// One character typed into a summary at `EDITS` places through the file,
/// one after the other: incremental analysis, then every rule. Returns the
/// p50 and p99 in ms.
fn edits(text: &str, config: &Config) -> (f64, f64) {
    let mut analysis = Analysis::new(text, config);
    let mut rules = RuleCache::default();
    check_with(&analysis, config, &NoFiles, &mut rules);
    let label = "中文总结";
    let places: Vec<usize> = text
        .match_indices(label)
        .map(|(at, _)| at + label.len())
        .collect();
    let mut times = Vec::with_capacity(EDITS);
    // Edits land before later places, so each place moves on by the bytes
    // typed before it; the stride visits the places in scattered order.
    let mut typed: Vec<usize> = Vec::new();
    for i in 0..EDITS {
        let place = places[(i * 7919) % places.len()];
        let at = place + typed.iter().filter(|&&t| t <= place).count() * "新".len();
        let mut rope = analysis.text.clone();
        rope.insert(rope.byte_to_char(at), "新");
        let t = Instant::now();
        // As the server does: the previous analysis is edited in place, and
        // the rules' findings are kept for the papers not re-parsed.
        analysis = analysis.into_edited(rope, Dirty::replace(TextRange::new(at, at), 3), config);
        black_box(check_with(&analysis, config, &NoFiles, &mut rules));
        times.push(ms(t.elapsed()));
        typed.push(place);
    }
    times.sort_by(f64::total_cmp);
    (times[EDITS / 2], times[EDITS * 99 / 100])
}

/// Full analysis as the server and the CLI run it: parse and index, then
/// every rule. Returns the number of diagnostics.
fn analyse(text: &Arc<str>, config: &Config) -> usize {
    let analysis = Analysis::new(text, config);
    digest_analysis::check(&analysis, config, &NoFiles).len()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
