//! End-to-end test infrastructure for digest-lsp.
//!
//! - [`client`]: a synchronous client that drives the real `digest-lsp`
//!   binary over `Content-Length` framed JSON-RPC on its stdio;
//! - [`framing`]: the framing itself, shared with the fake server that tests
//!   the client;
//! - [`gen`](crate::r#gen): a seeded generator of realistic, clean digests
//!   of any size, for load tests and benches.

pub mod client;

/// Builds the release server (for the benches and the soak test).
pub fn build_release_server() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let built = std::process::Command::new(cargo)
        .args(["build", "--release", "-p", "digest-lsp"])
        .status()
        .expect("cargo build runs");
    assert!(built.success(), "building the release server failed");
}
pub mod framing;
pub mod r#gen;
pub mod measure;

pub use client::{Client, file_uri, server_binary};
pub use r#gen::{Rng, generate, generate_sized, paper_count};
