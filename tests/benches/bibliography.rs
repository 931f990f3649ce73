//! The bibliography (issue 15): a generated 10,000-entry, 5 MB BibTeX file
//! (`gen::generate_bib`, shaped like a Better BibTeX export)
//! - read in process (`BibFile::read`, what the server and `check` call),
//!   clean and with one broken entry, median and worst of 10 reads;
//! - read by the real binary: `check` of a one-paper digest beside it,
//!   process start to exit (most of it the read).
//!
//! The target: under 150 ms per read. The keystroke with this bibliography
//! beside a 10 MB digest is in the `lsp` bench.
//!
//! Run: `cargo bench -p digest-e2e --bench bibliography`.

use std::path::Path;
use std::time::Instant;

use digest_analysis::bibliography::BibFile;
use digest_e2e::measure::{ms_since as ms, percentile};
use digest_e2e::{generate_bib, temp_dir};

const TARGET_MS: f64 = 150.0;

fn main() {
    let bib = generate_bib(10_000, "", 11);
    let size = bib.len() as f64 / 1e6;
    let broken = bib.replacen("  year = {", "  year {", 1);
    // Every entry is read after the file's `@string`s: without them (Better
    // BibTeX writes none by default) the venues are written out.
    let plain: String = bib
        .lines()
        .filter(|l| !l.starts_with("@string"))
        .map(|l| {
            l.replace("= cvpr,", "= {Computer Vision and Pattern Recognition},")
                .replace(
                    "= iccv,",
                    "= {International Conference on Computer Vision},",
                )
                .replace("= tpami,", "= {Pattern Analysis and Machine Intelligence},")
                + "\n"
        })
        .collect();
    for (name, text, errors) in [
        ("clean", &bib, 0),
        ("one broken entry", &broken, 1),
        ("no @string", &plain, 0),
    ] {
        let mut took = Vec::new();
        for _ in 0..10 {
            let start = Instant::now();
            let read = BibFile::read(Path::new("refs.bib"), text);
            took.push(ms(start));
            assert_eq!(read.errors.len(), errors, "{:?}", read.errors.first());
            assert_eq!(read.entries.len(), 10_000 - errors);
        }
        let median = percentile(&mut took, 0.5);
        let worst = percentile(&mut took, 1.0);
        println!(
            "10,000 entries ({size:.1} MB), {name}: read median {median:.1} ms, worst {worst:.1} ms ({})",
            verdict(worst)
        );
    }

    // The binary: `check` reads it beside a one-paper digest.
    let dir = temp_dir("bench-bib");
    std::fs::write(dir.join("refs.bib"), &bib).expect("write the bib");
    std::fs::write(
        dir.join("a.digest"),
        "Paper1 Robust Distillation for Detection\nAbstract: A short abstract.\nSummary: A short summary.\n",
    )
    .expect("write the digest");
    let mut took = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let status = std::process::Command::new(digest_e2e::server_binary())
            .args(["check", "--format", "text", "a.digest"])
            .current_dir(&dir)
            .stdout(std::process::Stdio::null())
            .status()
            .expect("check runs");
        took.push(ms(start));
        assert_eq!(status.code(), Some(0));
    }
    println!(
        "check of a digest beside it, process start to exit: median {:.1} ms",
        percentile(&mut took, 0.5)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn verdict(ms: f64) -> &'static str {
    if ms < TARGET_MS {
        "under the 150 ms target"
    } else {
        "OVER the 150 ms target"
    }
}
