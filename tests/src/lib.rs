//! End-to-end test infrastructure for digest-lsp.
//!
//! - [`client`]: a synchronous client that drives the real `digest-lsp`
//!   binary over `Content-Length` framed JSON-RPC on its stdio;
//! - [`framing`]: the framing itself, shared with the fake server that tests
//!   the client;
//! - [`helpers`]: what every test file shares: params built once
//!   ([`position`], [`range`], [`at`], ...), replies read once ([`codes`],
//!   [`apply_edits`], ...), and [`Client::start`] with the requests and
//!   waits the tests make most;
//! - [`gen`](crate::r#gen): a seeded generator of realistic, clean digests
//!   of any size, for load tests and benches;
//! - [`http`]: a plain HTTP client for the browser preview's server;
//! - [`pty`]: a program run with its stdout on a pseudo-terminal (Unix).

pub mod client;
pub mod edits;
pub mod framing;
pub mod r#gen;
pub mod helpers;
pub mod http;
pub mod measure;
#[cfg(unix)]
pub mod pty;

pub use client::{Client, file_uri, server_binary};
pub use r#gen::{Rng, generate, generate_bib, generate_sized, paper_count};
pub use helpers::{
    after, apply_edits, at, codes, diagnostic, document, edits_by_uri, fixture, hover_markdown,
    position, published, range, read, run_cli, watching, workspace_dir,
};

use std::path::{Path, PathBuf};

/// A fresh, empty folder for one test: `<tmp>/digest-e2e-<name>-<pid>`
/// (emptied first, should a run with the same pid have left it).
pub fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("digest-e2e-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    dir
}

/// Writes `text` to `path`, making its folders first.
pub fn write_file(path: &Path, text: &str) {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).expect("folders");
    }
    std::fs::write(path, text).expect("write a fixture");
}

/// The real digest of the shared folder beside the checkout
/// (`../shared/sample/iccv2023-kd.txt`), when it is there.
///
/// The repository stands alone: without it, a test that reads it is
/// skipped, and says so on stderr. On CI (`CI=true`), where the shared
/// folder is always laid beside the checkout, its absence fails instead.
pub fn shared_sample() -> Option<PathBuf> {
    shared_file("sample/iccv2023-kd.txt")
}

/// A file of the shared folder beside the checkout (`../shared/<relative>`),
/// when it is there; see [`shared_sample`] for what happens when it is not.
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let checkout = Path::new(env!("CARGO_MANIFEST_DIR"));
    let beside = checkout.parent().and_then(Path::parent).unwrap_or(checkout);
    let path = beside.join("shared").join(relative);
    if path.is_file() {
        return Some(path);
    }
    let on_ci = std::env::var("CI").is_ok_and(|v| v == "true");
    assert!(
        !on_ci,
        "CI=true, yet the shared file is absent at {}",
        path.display()
    );
    eprintln!(
        "skipped: the shared file {} is absent (the repository stands alone)",
        path.display()
    );
    None
}
