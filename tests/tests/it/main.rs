//! End-to-end tests, one binary for all (a binary per file linked every
//! dependency again: 20 of them filled CI's disk). Run one module with
//! `cargo test -p digest-e2e --test it -- lsp_export::`.

mod cli;
mod cli_bibliography;
mod cli_export;
mod cli_fmt;
mod client;
mod harness;
mod hostile;
mod lsp;
mod lsp_bibliography;
mod lsp_bibliography_bound;
mod lsp_config;
mod lsp_edits;
mod lsp_export;
mod lsp_faults;
mod lsp_files;
mod lsp_format;
mod lsp_preview;
mod lsp_pull;
mod lsp_workspace;
mod lsp_workspace_keys;
mod lsp_workspace_single;
mod outside_run;
mod outside_run2;
mod outside_run3;
