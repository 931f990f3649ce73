//! The soak test: one server, many seeded random edits and requests over
//! stdio, then the server's view is checked against a fresh parse of the
//! final text, and its memory at the end against its memory once warm.
//!
//! `cargo run --release -p digest-e2e --bin soak -- [OPS] [SEED]`
//! (default 100,000 operations; `SOAK_EVERY=1000` prints the server's memory
//! every 1,000 operations instead of every 10,000).
//!
//! Memory is measured as a leak test measures it: the server's resident
//! set at a tenth of the run (10,000 of 100,000 operations: past the heap's
//! warm-up) and at the end, each once its diagnostics for the last edit
//! are out and it has answered an outline. Both figures and the growth
//! between them are printed. Exits non-zero on any mismatch, on a growth
//! over 5%, or on a request that fails other than by `ContentModified`.

use std::time::{Duration, Instant};

use digest_e2e::Rng;
use digest_e2e::client::Client;
use digest_e2e::edits::{boundary, end_past_crlf, position};
use digest_e2e::generate_sized;
use digest_e2e::measure::rss_kib;
use ropey::Rope;
use serde_json::{Value, json};

/// The largest growth of the server's resident memory allowed from the
/// warm mark (a tenth of the run) to the end.
const MAX_GROWTH_PERCENT: f64 = 5.0;

const PIECES: &[&str] = &[
    "x",
    "文",
    "😀",
    "\n",
    "\r\n",
    "Paper",
    " Paper3 ",
    "[[Paper2]]",
    "https://example.org/s",
    "摘要原文: ",
    "中文总结: ",
    "aka.ms/q ",
    "\nPaper9 Restored\n",
    "",
];

fn main() {
    let mut args = std::env::args().skip(1);
    let ops: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0x50A6);
    // How often to print the server's memory (`SOAK_EVERY`, in operations).
    let every: usize = std::env::var("SOAK_EVERY")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(10_000);
    let mut rng = Rng(seed);
    let start_text = generate_sized(300_000, seed);
    let mut rope = Rope::from_str(&start_text);

    let mut client = Client::spawn(&[], None);
    client.set_timeout(Duration::from_secs(60));
    client.initialize(json!({}), None);
    let uri = "file:///tmp/soak.digest";
    client.open(uri, &start_text, 0);

    // The warm mark: 10,000 of 100,000 operations.
    let warm_op = (ops / 10).max(1);
    let started = Instant::now();
    let mut warm_rss = 0;
    let (mut requests, mut modified) = (0usize, 0usize);
    let mut version = 0;
    let mut history: Vec<(usize, usize, String)> = Vec::new();
    for op in 1..=ops {
        if op % 10 == 0 {
            let at = position(&rope, boundary(&rope, &mut rng));
            let method = [
                "textDocument/hover",
                "textDocument/definition",
                "textDocument/documentSymbol",
            ][rng.below(3)];
            let params = match method {
                "textDocument/documentSymbol" => json!({"textDocument": {"uri": uri}}),
                _ => json!({"textDocument": {"uri": uri}, "position": at}),
            };
            requests += 1;
            if let Err(error) = client.request(method, params) {
                if error["code"] == -32801 {
                    modified += 1;
                } else {
                    eprintln!("soak: {method} failed at op {op}: {error}");
                    std::process::exit(1);
                }
            }
        } else {
            version += 1;
            // Edits are typed and undone, as an author does: the text stays
            // near where it started, so memory can be compared over time.
            let undo = !history.is_empty() && (history.len() >= 64 || rng.below(2) == 0);
            let (a, b, piece) = if undo {
                let (at, inserted, removed): (usize, usize, String) =
                    history.pop().unwrap_or_default();
                (at, at + inserted, removed)
            } else {
                let a = boundary(&rope, &mut rng);
                let b = end_past_crlf(&rope, (a + rng.below(8)).min(rope.len_chars()));
                let piece = PIECES[rng.below(PIECES.len())].to_string();
                history.push((a, piece.chars().count(), rope.slice(a..b).to_string()));
                (a, b, piece)
            };
            let change = json!([{"range": {"start": position(&rope, a), "end": position(&rope, b)}, "text": piece}]);
            rope.remove(a..b);
            rope.insert(a, &piece);
            client.change(uri, version, change);
        }
        if op == warm_op {
            // Measured as at the end: diagnostics out, then an outline.
            client.wait_diagnostics(uri, Some(version));
            let _ = client.request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            );
            warm_rss = rss_kib(client.pid());
        }
        if op % every == 0 {
            let rss = rss_kib(client.pid()) as f64 / 1024.0;
            eprintln!(
                "soak: {op} operations, RSS {rss:.1} MB, {} bytes",
                rope.len_bytes()
            );
        }
        if op % 500 == 0 {
            client.drain_notifications("textDocument/publishDiagnostics");
            client.drain_notifications("window/logMessage");
        }
    }
    let edited = client.wait_diagnostics(uri, Some(version));
    let final_text = rope.to_string();
    let symbols = |client: &mut Client, uri: &str| {
        client
            .request(
                "textDocument/documentSymbol",
                json!({"textDocument": {"uri": uri}}),
            )
            .unwrap_or(Value::Null)
    };
    let edited_symbols = symbols(&mut client, uri);
    let late_rss = rss_kib(client.pid());

    let fresh_uri = "file:///tmp/soak-fresh.digest";
    client.open(fresh_uri, &final_text, 1);
    let fresh = client.wait_diagnostics(fresh_uri, Some(1));
    let fresh_symbols = symbols(&mut client, fresh_uri);
    client.shutdown_and_exit();

    let same = edited["diagnostics"] == fresh["diagnostics"] && edited_symbols == fresh_symbols;
    let growth = (late_rss as f64 / warm_rss.max(1) as f64 - 1.0) * 100.0;
    println!(
        "soak: {ops} operations ({} edits, {requests} requests, {modified} ContentModified) in {:.1} s; \
         text {} -> {} bytes; {} papers; server view equals a fresh parse: {same}",
        version,
        started.elapsed().as_secs_f64(),
        start_text.len(),
        final_text.len(),
        fresh_symbols.as_array().map_or(0, Vec::len),
    );
    let over = growth > MAX_GROWTH_PERCENT;
    println!(
        "soak: server RSS at {warm_op} operations {warm_rss} KiB ({:.1} MB), at {ops} operations \
         {late_rss} KiB ({:.1} MB): growth {growth:+.2}% (at most {MAX_GROWTH_PERCENT}%: {})",
        warm_rss as f64 / 1024.0,
        late_rss as f64 / 1024.0,
        if over { "FAIL" } else { "ok" },
    );
    if !same || over {
        std::process::exit(1);
    }
}
