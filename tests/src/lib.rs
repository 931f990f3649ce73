//! End-to-end test infrastructure for digest-lsp.
//!
//! - [`client`]: a synchronous client that drives the real `digest-lsp`
//!   binary over `Content-Length` framed JSON-RPC on its stdio;
//! - [`framing`]: the framing itself, shared with the fake server that tests
//!   the client;
//! - [`gen`](crate::r#gen): a seeded generator of realistic, clean digests
//!   of any size, for load tests and benches.

pub mod client;
pub mod framing;
pub mod r#gen;

pub use client::{Client, file_uri, server_binary};
pub use r#gen::{generate, generate_sized, paper_count};
