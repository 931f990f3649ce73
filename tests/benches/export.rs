//! Times the exporters on a generated 10 MB digest (and 100 KB, 1 MB):
//! `cargo bench -p digest-e2e --bench export`.
//!
//! - in process, each renderer on the parsed digest (`export::render`:
//!   document in, text out, as the CLI and the server call it), the
//!   diagnostics of `check` included; the target: under 300 ms for each
//!   format at 10 MB, else the bench exits with 1;
//! - for scale, the release binary's wall time on the 10 MB file,
//!   `export --to FORMAT -o FILE` (read, check, render, write);
//! - the browser preview of the 10 MB digest open in the server
//!   (`digest.preview`): each edit's page, from `didChange` to its event on
//!   the page's stream (the preview's 150 ms pause included), and the
//!   keystroke -> diagnostics latency with the preview open against the
//!   same edits before it was opened.
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
use digest_e2e::Client;
use digest_e2e::http::{Events, split};
use digest_e2e::measure::{Runs, insertion, ms, percentile};
use serde_json::json;

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
        preview(&text);
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

/// The browser preview of `text` (10 MB), open in the release server: the
/// keystroke -> diagnostics latency of 30 edits before the preview and 30
/// with it, then each edit's page on the stream.
fn preview(text: &str) {
    let uri = "file:///tmp/bench-preview.digest";
    let mut client = Client::from_command(Command::new(digest_e2e::server_binary()));
    client.set_timeout(Duration::from_secs(120));
    client.initialize_with(json!({
        "processId": null, "rootUri": null, "capabilities": {},
        "initializationOptions": {"debounceMs": 0},
    }));
    client.open(uri, text, 1);
    client.wait_diagnostics(uri, Some(1));
    let summaries: Vec<usize> = (text.lines().enumerate())
        .filter(|(_, l)| l.starts_with("中文总结"))
        .map(|(i, _)| i)
        .collect();
    let mut version = 1;
    let mut keystrokes = |client: &mut Client, n: usize, mut page: Option<&mut Events>| {
        let (mut typed, mut shown) = (Vec::new(), Vec::new());
        for i in 0..n {
            version += 1;
            let line = summaries[(i * 7919 + version as usize) % summaries.len()];
            let start = std::time::Instant::now();
            client.change(uri, version, insertion(line, 7, "新"));
            client.wait_diagnostics(uri, Some(version));
            typed.push(ms(start.elapsed()));
            if let Some(events) = page.as_deref_mut() {
                loop {
                    let (name, data) = events.next_event();
                    if name == "page" && data["version"] == json!(version) {
                        break;
                    }
                }
                shown.push(ms(start.elapsed()));
            }
        }
        (typed, shown)
    };
    let (mut before, _) = keystrokes(&mut client, 30, None);
    let url = client.request_ok(
        "workspace/executeCommand",
        json!({"command": "digest.preview", "arguments": [uri]}),
    );
    let (host, path) = split(url.as_str().expect("an address"));
    let mut events = Events::open(&host, &path);
    let (name, _) = events.next_event();
    assert_eq!(name, "page");
    let (mut with, mut shown) = keystrokes(&mut client, 30, Some(&mut events));
    println!(
        "preview 10 MB: keystroke->diagnostics p50/p99 {:.2}/{:.2} ms with the preview open, \
         {:.2}/{:.2} ms before it | edit -> its page on the stream p50/p99 {:.0}/{:.0} ms \
         (150 ms of it the pause)",
        percentile(&mut with, 0.5),
        percentile(&mut with, 0.99),
        percentile(&mut before, 0.5),
        percentile(&mut before, 0.99),
        percentile(&mut shown, 0.5),
        percentile(&mut shown, 0.99),
    );
    client.shutdown_and_exit();
}
