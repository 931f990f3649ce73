//! The analysis crate's integration tests, one binary for all (each
//! `tests/*.rs` file would be a binary of its own, linked against every
//! dependency: 28 of them filled CI's disk). Run one module with
//! `cargo test -p digest-analysis --test it -- parse::`.

#[macro_use]
mod common;

mod bib_features;
mod bibliography;
mod code_actions;
mod code_lens;
mod completion;
mod document_links;
mod export;
mod features;
mod file_rename;
mod folding;
mod format;
mod highlight;
mod incremental;
mod inlay_hints;
mod outside_run;
mod outside_run2;
mod parse;
mod references;
mod rename;
mod rules;
mod semantic_tokens;
mod typography;
mod workspace_rule;
mod workspace_rule_file;
mod workspace_rule_index;
mod workspace_symbol;
