//! The server as an editor sees it, over the real binary's stdio, for
//! generated digests of 100 KB, 1 MB and 10 MB (one server each):
//! - `didOpen` to the first `documentSymbol` reply;
//! - a one-character `didChange` to the published diagnostics, p50 and p99
//!   over 200 edits spread through the file (the client asks for no
//!   debounce, so this is the server's own time plus the pipe);
//! - `documentSymbol` right after an edit (racing that edit's diagnostics),
//!   and once the edit's diagnostics are out (the outline's own cost): the
//!   round trip, the time its last byte arrived (before the client parsed
//!   it), and the server's own share (which the server logs with
//!   `DIGEST_LSP_TIMINGS=1`);
//! - `hover` and `definition` latency;
//! - `formatting` of the digest (one edit) and of a copy with a trailing
//!   space in every summary (one edit per paper), round trip and server
//!   side;
//! - the server's peak resident memory (VmHWM);
//! - for the largest size, the keystroke again with a 10,000-entry, 5 MB
//!   `refs.bib` beside the digest (its bibliography).
//!
//! Run: `cargo bench -p digest-e2e --bench lsp` (it builds the release
//! server first). `DIGEST_BENCH_SIZES=10000000` picks sizes.

use std::time::{Duration, Instant};

use digest_e2e::client::Client;
use digest_e2e::generate_sized;
use digest_e2e::measure::{insertion as insert, ms_since as ms, peak_rss_kib, percentile};
use serde_json::{Value, json};

fn main() {
    // Builds the release server (the benches' own profile) when needed.
    digest_e2e::server_binary();

    let sizes: Vec<usize> = std::env::var("DIGEST_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![100_000, 1_000_000, 10_000_000]);
    let mut p50s = Vec::new();
    for &size in &sizes {
        p50s.push((size, bench_size(size)));
    }
    if let Some(&largest) = sizes.iter().max() {
        bench_with_bibliography(largest);
    }
    if let (Some((_, small)), Some((_, large))) = (p50s.first(), p50s.last()) {
        println!(
            "keystroke p50 ratio, largest / smallest: {:.2}",
            large / small
        );
    }
}

/// Runs every measurement on one digest of about `size` bytes; returns the
/// keystroke p50 in ms.
fn bench_size(size: usize) -> f64 {
    let text = generate_sized(size, 7);
    let label = format!("{:>6}", human(text.len()));
    let lines: Vec<&str> = text.lines().collect();
    let summaries: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("中文总结"))
        .collect();
    let wiki: Vec<(usize, usize)> = lines
        .iter()
        .enumerate()
        .filter_map(|(i, l)| l.find("[[Paper").map(|b| (i, utf16_len(&l[..b]) + 2)))
        .collect();

    let mut command = std::process::Command::new(digest_e2e::server_binary());
    command.env("DIGEST_LSP_TIMINGS", "1");
    let mut client = Client::from_command(command);
    client.set_timeout(Duration::from_secs(120));
    client.initialize_with(json!({
        "processId": null,
        "rootUri": null,
        "capabilities": {"textDocument": {"documentSymbol": {"hierarchicalDocumentSymbolSupport": true}}},
        "initializationOptions": {"debounceMs": 0},
    }));

    // didOpen -> documentSymbol, on fresh URIs.
    let mut open = Vec::new();
    let mut open_arrived = Vec::new();
    for round in 0..3 {
        let uri = format!("file:///tmp/bench-{size}-{round}.digest");
        let start = Instant::now();
        client.open(&uri, &text, 1);
        let opened = start.elapsed();
        let (symbols, arrived) = timed_symbols(&mut client, &uri);
        open.push(ms(start));
        open_arrived.push((opened + arrived).as_secs_f64() * 1e3);
        assert!(symbols.as_array().is_some_and(|s| !s.is_empty()));
        client.wait_diagnostics(&uri, Some(1));
        client.close(&uri);
        client.wait_diagnostics(&uri, None);
    }

    let uri = "file:///tmp/bench.digest";
    client.open(uri, &text, 1);
    client.wait_diagnostics(uri, Some(1));
    let mut keystroke = Vec::new();
    for (i, version) in (2..202).enumerate() {
        let line = summaries[(i * 7919) % summaries.len()];
        let start = Instant::now();
        client.change(uri, version, insert(line, 7, "新"));
        let published = client.wait_diagnostics(uri, Some(version));
        keystroke.push(ms(start));
        assert_eq!(
            published["diagnostics"],
            json!([]),
            "the digest stays clean"
        );
    }

    let mut outline_after_edit = Vec::new();
    let mut outline_arrived = Vec::new();
    let logged_before = server_timings(&client).len();
    for version in 202..222 {
        let line = summaries[(version as usize * 31) % summaries.len()];
        client.change(uri, version, insert(line, 7, "文"));
        let start = Instant::now();
        let (_, arrived) = timed_symbols(&mut client, uri);
        outline_after_edit.push(ms(start));
        outline_arrived.push(arrived.as_secs_f64() * 1e3);
    }
    let mut outline_server_side = server_timings(&client).split_off(logged_before);
    // The same after the edit's diagnostics are out, as when an editor asks
    // for the outline once typing pauses: the outline's own cost.
    let mut outline_settled = Vec::new();
    let logged_before = server_timings(&client).len();
    for version in 222..242 {
        let line = summaries[(version as usize * 37) % summaries.len()];
        client.change(uri, version, insert(line, 7, "字"));
        client.wait_diagnostics(uri, Some(version));
        let start = Instant::now();
        symbols(&mut client, uri);
        outline_settled.push(ms(start));
    }
    let mut settled_server_side = server_timings(&client).split_off(logged_before);
    for timings in [&mut outline_server_side, &mut settled_server_side] {
        if timings.is_empty() {
            timings.push(f64::NAN);
        }
    }

    // Queries go to an unedited copy, whose lines the bench knows.
    let uri = "file:///tmp/bench-queries.digest";
    client.open(uri, &text, 1);
    client.wait_diagnostics(uri, Some(1));
    let mut hover = Vec::new();
    let mut definition = Vec::new();
    for i in 0..100 {
        let (line, column) = wiki[(i * 13) % wiki.len()];
        let at =
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": column}});
        let start = Instant::now();
        let found = client
            .request("textDocument/hover", at.clone())
            .expect("hover");
        hover.push(ms(start));
        assert!(
            found["contents"]["value"]
                .as_str()
                .is_some_and(|v| v.starts_with("**Paper")),
            "{found} at {line}:{column}: {}",
            lines[line]
        );
        let start = Instant::now();
        let target = client
            .request("textDocument/definition", at)
            .expect("definition");
        definition.push(ms(start));
        assert!(target["uri"].is_string());
    }
    let formatting = bench_formatting(&mut client, &text, &summaries);
    client.shutdown_and_exit();
    let peak = peak_with_one_document(&text);

    let p50 = percentile(&mut keystroke, 0.5);
    println!(
        "{label} ({} papers): didOpen->documentSymbol median {:.1} ms (arrived whole at {:.1} ms) | keystroke->diagnostics p50 {:.2} ms p99 {:.2} ms | documentSymbol right after an edit median {:.1} ms (arrived whole at {:.1} ms, server side {:.1} ms), once its diagnostics are out {:.1} ms (server side {:.1} ms) | hover p50 {:.2} ms | definition p50 {:.2} ms | peak RSS with one document {:.1} MB ({:.1}x the text)",
        summaries.len(),
        percentile(&mut open, 0.5),
        percentile(&mut open_arrived, 0.5),
        p50,
        percentile(&mut keystroke, 0.99),
        percentile(&mut outline_after_edit, 0.5),
        percentile(&mut outline_arrived, 0.5),
        percentile(&mut outline_server_side, 0.5),
        percentile(&mut outline_settled, 0.5),
        percentile(&mut settled_server_side, 0.5),
        percentile(&mut hover, 0.5),
        percentile(&mut definition, 0.5),
        peak as f64 / 1024.0,
        (peak as f64 * 1024.0) / text.len() as f64,
    );
    println!("{label}: {formatting}");
    p50
}

/// The keystroke of [`bench_size`] again, on the digest of about `size`
/// bytes in a folder beside a 10,000-entry, 5 MB `refs.bib` whose first
/// entries carry the digest's titles (`gen::generate_bib`): its
/// bibliography (spec, "Bibliography"), read when the digest is opened and
/// kept. Prints the open's time to the first diagnostics (the read
/// included) and the keystroke's p50 and p99.
fn bench_with_bibliography(size: usize) {
    let text = generate_sized(size, 7);
    let dir = digest_e2e::temp_dir("bench-lsp-bib");
    let bib = digest_e2e::generate_bib(10_000, &text, 7);
    std::fs::write(dir.join("refs.bib"), &bib).expect("write the bib");
    let path = dir.join("bench.digest");
    std::fs::write(&path, &text).expect("write the digest");
    let uri = digest_e2e::file_uri(&path);
    let lines: Vec<&str> = text.lines().collect();
    let summaries: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("中文总结"))
        .collect();

    let mut client = Client::spawn(&[], None);
    client.set_timeout(Duration::from_secs(120));
    client.initialize_with(json!({
        "processId": null,
        "rootUri": null,
        "capabilities": {},
        "initializationOptions": {"debounceMs": 0},
    }));
    let start = Instant::now();
    client.open(&uri, &text, 1);
    client.wait_diagnostics(&uri, Some(1));
    let open = ms(start);
    let mut keystroke = Vec::new();
    for (i, version) in (2..202).enumerate() {
        let line = summaries[(i * 7919) % summaries.len()];
        let start = Instant::now();
        client.change(&uri, version, insert(line, 7, "新"));
        let published = client.wait_diagnostics(&uri, Some(version));
        keystroke.push(ms(start));
        assert_eq!(
            published["diagnostics"],
            json!([]),
            "the digest stays clean"
        );
    }
    let peak = peak_rss_kib(client.pid());
    client.shutdown_and_exit();
    let _ = std::fs::remove_dir_all(&dir);
    println!(
        "{:>6} beside a 10,000-entry {:.1} MB refs.bib: didOpen->diagnostics {open:.1} ms (the bib read included) | keystroke->diagnostics p50 {:.2} ms p99 {:.2} ms | peak RSS {:.1} MB",
        human(text.len()),
        bib.len() as f64 / 1e6,
        percentile(&mut keystroke, 0.5),
        percentile(&mut keystroke, 0.99),
        peak as f64 / 1024.0,
    );
}

/// `textDocument/formatting` of an open copy of `text`, 20 times each: on
/// the generated digest (one edit: the blank line at its end), and on a
/// copy with a trailing space after every summary (one edit per paper);
/// each request
/// once the diagnostics of an edit just before it are out (the analysis is
/// then at hand, as when a file is saved after a pause), and for the
/// trailing spaces also right after the edit (the request then waits for
/// the edit's analysis). Reported: the round trip's median, when the reply
/// arrived whole, and the server's own time (`DIGEST_LSP_TIMINGS`).
fn bench_formatting(client: &mut Client, text: &str, summaries: &[usize]) -> String {
    let spaced: String = text
        .split_inclusive('\n')
        .map(|line| match line.strip_suffix('\n') {
            Some(content) if content.starts_with("中文总结") => format!("{content} \n"),
            _ => line.to_string(),
        })
        .collect();
    let mut out = Vec::new();
    for (name, text, settle) in [
        ("as generated", text, true),
        ("a trailing space in each summary", spaced.as_str(), true),
        ("the same right after an edit", spaced.as_str(), false),
    ] {
        let uri = format!("file:///tmp/bench-format-{}.digest", out.len());
        client.open(&uri, text, 1);
        client.wait_diagnostics(&uri, Some(1));
        let (mut round_trip, mut arrived, mut count) = (Vec::new(), Vec::new(), 0);
        let logged_before = server_timings_of(client, "formatting").len();
        for version in 2..22 {
            let line = summaries[(version as usize * 41) % summaries.len()];
            client.change(&uri, version, insert(line, 7, "字"));
            if settle {
                client.wait_diagnostics(&uri, Some(version));
            }
            let start = Instant::now();
            let (edits, took) = client.timed_request(
                "textDocument/formatting",
                json!({"textDocument": {"uri": uri}, "options": {"tabSize": 4, "insertSpaces": true}}),
            );
            round_trip.push(ms(start));
            arrived.push(took.as_secs_f64() * 1e3);
            let edits = match edits {
                Ok(edits) => edits,
                // A server from before formatting (compared through
                // DIGEST_LSP_BIN) has no row here.
                Err(error) => return format!("formatting not answered: {}", error["message"]),
            };
            count = edits.as_array().map_or(0, Vec::len);
        }
        let mut server_side = server_timings_of(client, "formatting").split_off(logged_before);
        out.push(format!(
            "formatting {name} ({count} edits) median {:.1} ms (arrived whole at {:.1} ms, server side {:.1} ms)",
            percentile(&mut round_trip, 0.5),
            percentile(&mut arrived, 0.5),
            percentile(&mut server_side, 0.5),
        ));
        client.close(&uri);
    }
    out.join(" | ")
}

/// The server's own timings of `documentSymbol` so far (`DIGEST_LSP_TIMINGS`).
fn server_timings(client: &Client) -> Vec<f64> {
    server_timings_of(client, "documentSymbol")
}

/// The server's own timings of `method` so far (`DIGEST_LSP_TIMINGS`).
fn server_timings_of(client: &Client, method: &str) -> Vec<f64> {
    let prefix = format!("digest-lsp: timing {method} ");
    client
        .stderr()
        .lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .filter_map(|l| l.split(" ms").next()?.parse().ok())
        .collect()
}

fn symbols(client: &mut Client, uri: &str) -> Value {
    timed_symbols(client, uri).0
}

/// The outline, and when its last byte arrived (before the client parsed
/// it: a 4 MB reply takes the test client longer to parse into a `Value`
/// tree than the server takes to make it).
fn timed_symbols(client: &mut Client, uri: &str) -> (Value, Duration) {
    let (answer, arrived) = client.timed_request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    (answer.expect("symbols"), arrived)
}

fn utf16_len(s: &str) -> usize {
    s.chars().map(char::len_utf16).sum()
}

fn human(bytes: usize) -> String {
    if bytes >= 1_000_000 {
        format!("{:.0} MB", bytes as f64 / 1e6)
    } else {
        format!("{:.0} KB", bytes as f64 / 1e3)
    }
}

/// The peak memory of a fresh server that opens `text`, publishes its
/// diagnostics and answers an outline request: what one open digest costs.
fn peak_with_one_document(text: &str) -> u64 {
    let mut client = Client::spawn(&[], None);
    client.set_timeout(Duration::from_secs(120));
    client.initialize(json!({}), None);
    let uri = "file:///tmp/bench-memory.digest";
    client.open(uri, text, 1);
    client.wait_diagnostics(uri, Some(1));
    symbols(&mut client, uri);
    let peak = peak_rss_kib(client.pid());
    client.shutdown_and_exit();
    peak
}
