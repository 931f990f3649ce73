//! The server as an editor sees it, over the real binary's stdio:
//! - `didOpen` of a 10 MB digest to its `documentSymbol` reply;
//! - a one-character `didChange` to the published diagnostics (the server
//!   waits `DEBOUNCE` ms for typing to pause; the figure without it is shown
//!   too).
//!
//! Run: `cargo bench -p digest-e2e --bench lsp` (it builds the release server).

use std::process::Command;
use std::time::{Duration, Instant};

use digest_e2e::client::Client;
use digest_e2e::generate_sized;
use serde_json::json;

/// The server's debounce, as in `server/lsp/src/session.rs`.
const DEBOUNCE_MS: f64 = 60.0;

fn main() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let built = Command::new(cargo)
        .args(["build", "--release", "-p", "digest-lsp"])
        .status()
        .expect("cargo build runs");
    assert!(built.success(), "building the release server failed");

    let text = generate_sized(10_000_000, 7);
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("中文总结"))
        .map(|(i, _)| i)
        .collect();
    let mut client = Client::spawn(&[], None);
    client.set_timeout(Duration::from_secs(60));
    client.initialize(json!({}), None);

    let mut open_to_outline = Vec::new();
    for round in 0..5 {
        let uri = format!("file:///tmp/bench-{round}.digest");
        let start = Instant::now();
        client.open(&uri, &text, 1);
        let symbols = client
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            )
            .expect("symbols");
        open_to_outline.push(start.elapsed().as_secs_f64() * 1e3);
        assert!(symbols.as_array().is_some_and(|s| s.len() > 3000));
        client.wait_diagnostics(&uri, Some(1));
        if round > 0 {
            client.close(&uri);
        }
    }

    let uri = "file:///tmp/bench-0.digest";
    let mut edit_to_diagnostics = Vec::new();
    for (i, version) in (2..52).enumerate() {
        let line = lines[(i * 7919) % lines.len()];
        let start = Instant::now();
        client.change(
            uri,
            version,
            json!([{"range": {"start": {"line": line, "character": 7}, "end": {"line": line, "character": 7}}, "text": "新"}]),
        );
        client.wait_diagnostics(uri, Some(version));
        edit_to_diagnostics.push(start.elapsed().as_secs_f64() * 1e3);
    }
    client.shutdown_and_exit();

    println!(
        "10 MB digest ({} bytes): didOpen -> documentSymbol: median {:.1} ms, min {:.1} ms ({} runs)",
        text.len(),
        median(&mut open_to_outline),
        min(&open_to_outline),
        open_to_outline.len()
    );
    let p50 = percentile(&mut edit_to_diagnostics, 0.5);
    let p99 = percentile(&mut edit_to_diagnostics, 0.99);
    println!(
        "10 MB digest: one-character didChange -> publishDiagnostics: p50 {p50:.1} ms, p99 {p99:.1} ms \
         (server side, without the {DEBOUNCE_MS} ms debounce: p50 {:.1} ms, p99 {:.1} ms; {} edits)",
        p50 - DEBOUNCE_MS,
        p99 - DEBOUNCE_MS,
        edit_to_diagnostics.len()
    );
}

fn median(values: &mut [f64]) -> f64 {
    percentile(values, 0.5)
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    let index = ((values.len() as f64 - 1.0) * p).round() as usize;
    values[index]
}

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}
