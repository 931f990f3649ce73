//! Times full analysis (parse + index + every rule) of generated digests of
//! 100 KB, 1 MB and 10 MB: `cargo bench -p digest-e2e --bench analysis`.
//!
//! Plain `Instant` timing: one warm-up run, then at least 10 timed runs (more
//! for small inputs, up to a time budget); prints the median and the minimum
//! and the throughput at the median. Without `--bench` (as `cargo test
//! --benches` runs it) it analyses the 100 KB digest once, as a smoke test.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use digest_analysis::{Analysis, Config, NoFiles};

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
    }
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
