//! The workspace index over the real binary's stdio: 1,000 generated
//! digests of about 100 KB (100 MB in all) in a temp folder, the release
//! server started with that folder as its workspace, and
//! - the time from `initialized` to the `$/progress` end of the indexing
//!   (and the server's own figure, from the end message);
//! - the server's peak resident memory (VmHWM) once indexed;
//! - `workspace/symbol`, cross-file `textDocument/references` and
//!   `textDocument/completion` after `[[` latency over the whole index;
//! - a one-character `didChange` to the published diagnostics of an open
//!   digest of the workspace (its own check plus the cross-file rule over
//!   every indexed digest).
//! - pull diagnostics (a second server, for a client that pulls):
//!   `workspace/diagnostic` over every digest, the first (each checked),
//!   after a keystroke in an open digest (that one checked again, the
//!   others' answers kept), and with every report `unchanged`.
//!
//! The files are freshly written, so they are read from the page cache.
//!
//! Run: `cargo bench -p digest-e2e --bench workspace` (it builds the
//! release server first). `DIGEST_BENCH_FILES` and `DIGEST_BENCH_FILE_BYTES`
//! change the workspace's shape.
//!
//! To compare servers in one run (one workspace, the same machine load):
//! `DIGEST_BENCH_COMPARE=old=/path/a,new=/path/b` (each `name=path`, or a
//! path alone) measures only the keystroke, for each binary in turn, in
//! `DIGEST_BENCH_ROUNDS` rounds (3 unless told): each round starts every
//! server afresh, in the order given, and the medians over the rounds are
//! given as ratios to the first binary's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use digest_e2e::client::{Client, file_uri};
use digest_e2e::generate_sized;
use digest_e2e::measure::{insertion as insert, ms_since as ms, peak_rss_kib, percentile};
use serde_json::json;

fn main() {
    // Builds the release server (the benches' own profile) when needed.
    digest_e2e::server_binary();

    let files = env_number("DIGEST_BENCH_FILES", 1_000);
    let bytes = env_number("DIGEST_BENCH_FILE_BYTES", 100_000);
    let dir = std::env::temp_dir().join(format!("digest-bench-workspace-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let started = Instant::now();
    let total = write_workspace(&dir, files, bytes);
    println!(
        "workspace: {files} digests, {:.1} MB in all, written in {:.1} s",
        total as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    if let Ok(list) = std::env::var("DIGEST_BENCH_COMPARE") {
        compare(&dir, &list, env_number("DIGEST_BENCH_ROUNDS", 3));
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }

    let mut client = Client::spawn(&[], None);
    let start = Instant::now();
    let end = initialize(&mut client, &dir);
    let index_ms = ms(start);
    let peak = peak_rss_kib(client.pid());
    let message = end["value"]["message"].as_str().unwrap_or("?").to_string();
    println!(
        "index: initialized -> $/progress end {index_ms:.0} ms (server: {message}) | peak RSS {:.0} MB ({:.2}x the text)",
        peak as f64 / 1024.0,
        (peak as f64 * 1024.0) / total as f64,
    );

    // Queries over the whole index.
    let mut symbol = Vec::new();
    for query in ["distil", "paper 12", "知识", "tnsfmr", "attention"].repeat(4) {
        let start = Instant::now();
        let found = client
            .request("workspace/symbol", json!({"query": query}))
            .expect("workspace/symbol");
        symbol.push(ms(start));
        assert!(found.is_array());
    }

    let first = dir.join("d0000.digest");
    let uri = file_uri(&first);
    let text = std::fs::read_to_string(&first).expect("read back");
    client.open(&uri, &text, 1);
    client.wait_diagnostics(&uri, Some(1));
    let lines: Vec<&str> = text.lines().collect();
    let heading = lines
        .iter()
        .position(|l| l.starts_with("Paper1"))
        .expect("a first paper");
    let mut references = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let found = client
            .request(
                "textDocument/references",
                json!({
                    "textDocument": {"uri": uri},
                    "position": {"line": heading, "character": 5},
                    "context": {"includeDeclaration": true},
                }),
            )
            .expect("references");
        references.push(ms(start));
        assert!(found.as_array().is_some_and(|r| !r.is_empty()));
    }

    // A line of its own at the end of the file, then `[[` typed on it.
    let end_line = lines.len();
    client.change(uri.as_str(), 2, insert(end_line, 0, "\n见[["));
    client.wait_diagnostics(&uri, Some(2));
    let mut completion = Vec::new();
    for _ in 0..20 {
        let start = Instant::now();
        let found = client
            .request(
                "textDocument/completion",
                json!({"textDocument": {"uri": uri}, "position": {"line": end_line + 1, "character": 3}}),
            )
            .expect("completion");
        completion.push(ms(start));
        assert!(found.as_array().is_some_and(|items| items.len() >= files));
    }

    let mut keystroke = keystrokes(&mut client, &uri, &lines, 3);
    let peak_after = peak_rss_kib(client.pid());
    client.shutdown_and_exit();
    println!(
        "queries: workspace/symbol p50 {:.1} ms | references p50 {:.1} ms | completion after [[ p50 {:.1} ms | keystroke->diagnostics (with the cross-file rule) p50 {:.1} ms p99 {:.1} ms | peak RSS at the end {:.0} MB",
        percentile(&mut symbol, 0.5),
        percentile(&mut references, 0.5),
        percentile(&mut completion, 0.5),
        percentile(&mut keystroke, 0.5),
        percentile(&mut keystroke, 0.99),
        peak_after as f64 / 1024.0,
    );
    pull_diagnostics(&dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Starts the session of a server over the workspace `dir` (pushing
/// diagnostics, no debounce) and waits for the end of its indexing; the
/// `$/progress` end notification.
fn initialize(client: &mut Client, dir: &Path) -> serde_json::Value {
    initialize_with(client, dir, json!({}))
}

/// [`initialize`] with the client's `textDocument` capabilities (pull
/// diagnostics, say).
fn initialize_with(
    client: &mut Client,
    dir: &Path,
    text_document: serde_json::Value,
) -> serde_json::Value {
    client.set_timeout(Duration::from_secs(120));
    let root = file_uri(dir);
    client
        .request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": root,
                "workspaceFolders": [{"uri": root, "name": "bench"}],
                "capabilities": {"window": {"workDoneProgress": true}, "textDocument": text_document},
                "initializationOptions": {"debounceMs": 0},
            }),
        )
        .expect("initialize");
    client.notify("initialized", json!({}));
    client.wait_notification(
        "$/progress",
        |p| p["value"]["kind"] == "end",
        Duration::from_secs(120),
    )
}

/// 100 one-character edits of the open digest `uri` (its text's `lines`
/// as opened), in its summaries, from version `first`: the time from each
/// `didChange` to its published diagnostics, in ms.
fn keystrokes(client: &mut Client, uri: &str, lines: &[&str], first: i64) -> Vec<f64> {
    let summaries: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].starts_with("中文总结"))
        .collect();
    let mut keystroke = Vec::new();
    for (i, version) in (first..first + 100).enumerate() {
        let line = summaries[(i * 7) % summaries.len()];
        let start = Instant::now();
        client.change(uri, version, insert(line, 7, "新"));
        client.wait_diagnostics(uri, Some(version));
        keystroke.push(ms(start));
    }
    keystroke
}

/// The keystroke of the main run, for each server of `list`
/// (`name=path,...`) in turn, `rounds` times: each round a fresh server
/// per binary, indexed, the first digest opened and `[[` typed at its end
/// as in the main run, then the 100 keystrokes.
fn compare(dir: &Path, list: &str, rounds: usize) {
    let servers: Vec<(String, PathBuf)> = (list.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| match s.split_once('=') {
            Some((name, path)) => (name.to_string(), PathBuf::from(path)),
            None => (s.to_string(), PathBuf::from(s)),
        })
        .collect();
    for (name, path) in &servers {
        assert!(path.is_file(), "{name}: {} is not a file", path.display());
    }
    let first = dir.join("d0000.digest");
    let uri = file_uri(&first);
    let text = std::fs::read_to_string(&first).expect("read back");
    let lines: Vec<&str> = text.lines().collect();
    // Per server, per round: (p50, p99).
    let mut results = vec![Vec::new(); servers.len()];
    for round in 0..rounds {
        for (s, (name, path)) in servers.iter().enumerate() {
            let mut client = Client::from_command(Command::new(path));
            initialize(&mut client, dir);
            client.open(&uri, &text, 1);
            client.wait_diagnostics(&uri, Some(1));
            client.change(&uri, 2, insert(lines.len(), 0, "\n见[["));
            client.wait_diagnostics(&uri, Some(2));
            let mut times = keystrokes(&mut client, &uri, &lines, 3);
            client.shutdown_and_exit();
            let (p50, p99) = (percentile(&mut times, 0.5), percentile(&mut times, 0.99));
            println!(
                "round {}: {name}: keystroke->diagnostics p50 {p50:.2} ms p99 {p99:.2} ms",
                round + 1
            );
            results[s].push((p50, p99));
        }
    }
    let median = |values: &mut Vec<f64>| percentile(values, 0.5);
    let summary: Vec<(f64, f64)> = (results.iter())
        .map(|r| {
            let mut p50: Vec<f64> = r.iter().map(|x| x.0).collect();
            let mut p99: Vec<f64> = r.iter().map(|x| x.1).collect();
            (median(&mut p50), median(&mut p99))
        })
        .collect();
    for ((name, _), &(p50, p99)) in servers.iter().zip(&summary) {
        println!(
            "{name}: median over {rounds} rounds: p50 {p50:.2} ms ({:.2}x {base}) p99 {p99:.2} ms ({:.2}x {base})",
            p50 / summary[0].0,
            p99 / summary[0].1,
            base = servers[0].0,
        );
    }
}

/// `workspace/diagnostic` over the whole workspace, for a client that pulls.
fn pull_diagnostics(dir: &std::path::Path) {
    let mut client = Client::spawn(&[], None);
    initialize_with(
        &mut client,
        dir,
        json!({"diagnostic": {"dynamicRegistration": false}}),
    );
    let pull = |client: &mut Client, previous: &serde_json::Value| {
        let start = Instant::now();
        let report = client
            .request(
                "workspace/diagnostic",
                json!({"previousResultIds": previous}),
            )
            .expect("workspace/diagnostic");
        let took = ms(start);
        let items = report["items"].as_array().cloned().unwrap_or_default();
        let ids: Vec<serde_json::Value> = (items.iter())
            .map(|i| json!({"uri": i["uri"], "value": i["resultId"]}))
            .collect();
        let unchanged = items.iter().filter(|i| i["kind"] == "unchanged").count();
        let findings: usize = (items.iter())
            .map(|i| i["items"].as_array().map_or(0, Vec::len))
            .sum();
        (took, json!(ids), items.len(), unchanged, findings)
    };
    let (first, previous, reports, _, findings) = pull(&mut client, &json!([]));
    assert_eq!(reports, dir.read_dir().map_or(0, Iterator::count));

    let open = dir.join("d0000.digest");
    let uri = file_uri(&open);
    let text = std::fs::read_to_string(&open).expect("read back");
    client.open(&uri, &text, 1);
    let summary = text
        .lines()
        .position(|l| l.starts_with("中文总结"))
        .expect("a summary");
    let mut after_edit = Vec::new();
    let mut previous = previous;
    for version in 2..7 {
        client.change(uri.as_str(), version, insert(summary, 7, "新"));
        let (took, ids, _, unchanged, _) = pull(&mut client, &previous);
        assert!(
            unchanged + 1 >= reports,
            "{unchanged} of {reports} unchanged"
        );
        previous = ids;
        after_edit.push(took);
    }
    let mut unchanged = Vec::new();
    for _ in 0..20 {
        let (took, _, _, same, _) = pull(&mut client, &previous);
        assert_eq!(same, reports);
        unchanged.push(took);
    }
    client.shutdown_and_exit();
    println!(
        "pull: workspace/diagnostic over {reports} digests: first (all checked, {findings} findings) {first:.0} ms | after a keystroke in an open digest p50 {:.0} ms | all unchanged p50 {:.1} ms",
        percentile(&mut after_edit, 0.5),
        percentile(&mut unchanged, 0.5),
    );
}

/// Writes `files` digests of about `bytes` bytes each; returns the total
/// size.
fn write_workspace(dir: &PathBuf, files: usize, bytes: usize) -> usize {
    std::fs::create_dir_all(dir).expect("bench folder");
    let mut total = 0;
    for i in 0..files {
        let text = generate_sized(bytes, i as u64 + 1);
        total += text.len();
        std::fs::write(dir.join(format!("d{i:04}.digest")), text).expect("write digest");
    }
    total
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}
