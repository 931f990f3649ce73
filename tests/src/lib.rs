//! A client harness that drives the real `digest-lsp` binary.
