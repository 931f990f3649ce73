//! End-to-end test infrastructure for digest-lsp.
//!
//! - [`client`]: a synchronous client that drives the real `digest-lsp`
//!   binary over `Content-Length` framed JSON-RPC on its stdio;
//! - [`framing`]: the framing itself, shared with the fake server that tests
//!   the client;
//! - [`gen`](crate::r#gen): a seeded generator of realistic, clean digests
//!   of any size, for load tests and benches.

pub mod client;
pub mod edits;
pub mod framing;
pub mod r#gen;
pub mod measure;

pub use client::{Client, file_uri, server_binary};
pub use r#gen::{Rng, generate, generate_sized, paper_count};

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
