//! Times full analysis (parse + index + every rule) of generated digests of
//! 100 KB, 1 MB and 10 MB, and one character typed (incremental analysis +
//! every rule): `cargo bench -p digest-e2e --bench analysis`. Each row is
//! run twice: with the default rules, and with the three typography rules
//! on as well (`+typo`), whose findings in the generated summaries (Latin
//! words glued to Han text, ASCII commas) are tens of thousands at 10 MB;
//! the `typo/default` line gives the ratio of the two, measured in the same
//! run (the machine may be busy).
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

/// The three typography rules on, besides the default ones.
const TYPOGRAPHY: &str = "[rules]\n\
    cjk-spacing = \"warning\"\n\
    cjk-punctuation = \"warning\"\n\
    fullwidth-alphanumeric = \"warning\"\n";

fn main() {
    let measure = std::env::args().any(|a| a == "--bench");
    let default = Config::default();
    let (typography, errors) = digest_analysis::parse_config(TYPOGRAPHY);
    assert!(errors.is_empty(), "{errors:?}");
    if !measure {
        let text: Arc<str> = digest_e2e::generate_sized(100_000, SEED).into();
        let diagnostics = analyse(&text, &default);
        let typographic = analyse(&text, &typography);
        println!(
            "analysis bench smoke run: 100 KB, {diagnostics} diagnostics, \
             {typographic} with the typography rules (pass --bench to measure)",
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
        let mut rates = Vec::new();
        for (rules, config) in [("", &default), ("+typo", &typography)] {
            let row = format!("{label}{rules}");
            let (median, rate) = full(&text, config);
            rates.push(rate);
            println!(
                "analysis {row:>12}: {:>9} bytes, {papers:>4} papers, {median}",
                text.len(),
            );
            let (p50, p99) = edits(&text, config);
            println!(
                "edit     {row:>12}: one character typed, re-parse + every rule: \
                 p50 {p50:.3} ms  p99 {p99:.3} ms  ({EDITS} edits spread through the file)",
            );
        }
        println!(
            "analysis {label:>6}: typo/default throughput = {:.2}",
            rates[1] / rates[0]
        );
    }
}

/// Times full analysis of `text` under `config`: a line to print, and the
/// throughput at the median in MB/s.
fn full(text: &Arc<str>, config: &Config) -> (String, f64) {
    let found = analysis_findings(text, config);
    let diagnostics = analyse(text, config); // warm-up
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < MIN_RUNS || (times.len() < MAX_RUNS && started.elapsed() < BUDGET) {
        let t = Instant::now();
        black_box(analyse(text, config));
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    let min = times[0];
    let rate = text.len() as f64 / 1e6 / median.as_secs_f64();
    let line = format!(
        "{diagnostics} diagnostics ({found} found) | median {:>9.3} ms  min {:>9.3} ms  \
         {rate:>8.1} MB/s  ({} runs)",
        ms(median),
        ms(min),
        times.len()
    );
    (line, rate)
}

/// How many findings the rules make before the cap: the count the
/// `too-many-diagnostics` note gives, plus the diagnostics shown.
fn analysis_findings(text: &str, config: &Config) -> usize {
    let analysis = Analysis::new(text, config);
    let diagnostics = digest_analysis::check(&analysis, config, &NoFiles);
    let left_out = diagnostics.iter().find_map(|d| match d.problem {
        digest_analysis::Problem::TooManyDiagnostics { left_out } => Some(left_out),
        _ => None,
    });
    match left_out {
        Some(n) => n + diagnostics.len() - 1,
        None => diagnostics.len(),
    }
}

const EDITS: usize = 300;

/// One character typed into a summary (at the start of its text, after
/// the label and its colon: typed into the label, it would make the line
/// no label) at `EDITS` places through the file, one after the other:
/// incremental analysis, then every rule. Returns the p50 and p99 in ms.
fn edits(text: &str, config: &Config) -> (f64, f64) {
    let mut analysis = Analysis::new(text, config);
    let mut rules = RuleCache::default();
    check_with(&analysis, config, &NoFiles, &mut rules);
    let label = "中文总结: ";
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
