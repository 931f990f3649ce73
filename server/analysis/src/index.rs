//! The per-file index: which paper has which number.

use std::collections::HashMap;

use crate::syntax::SourceFile;

/// Look-up tables derived from a [`SourceFile`].
#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    /// Paper number -> index (into `SourceFile::papers`) of its first heading.
    by_number: HashMap<u64, usize>,
}

impl FileIndex {
    pub fn new(syntax: &SourceFile) -> Self {
        let mut by_number = HashMap::with_capacity(syntax.papers.len());
        for (i, paper) in syntax.papers.iter().enumerate() {
            by_number.entry(paper.number).or_insert(i);
        }
        Self { by_number }
    }

    /// The first paper with this number.
    pub fn paper(&self, number: u64) -> Option<usize> {
        self.by_number.get(&number).copied()
    }
}
