//! Editor features: one pure function each, of (analysis, offset, config).
