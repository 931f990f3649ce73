//! The per-file index: which paper has which number.

use std::collections::HashMap;

use crate::syntax::SourceFile;

/// Look-up tables derived from a [`SourceFile`].
#[derive(Clone, Debug, Default)]
pub struct FileIndex {
    /// Paper number -> index (into `SourceFile::papers`) of its first
    /// heading, for the numbers up to about twice the number of papers
    /// (digests number their papers 1, 2, 3...): no hashing on the path
    /// that every keystroke takes. `NONE` where no paper has the number.
    dense: Vec<u32>,
    /// The same for the other numbers.
    sparse: HashMap<u64, usize>,
}

const NONE: u32 = u32::MAX;

impl FileIndex {
    pub fn new(syntax: &SourceFile) -> Self {
        let papers = syntax.papers.len();
        let mut dense = vec![NONE; (2 * papers + 64).min(u32::MAX as usize)];
        let mut sparse = HashMap::new();
        for (i, paper) in syntax.papers.iter().enumerate() {
            let slot = usize::try_from(paper.number)
                .ok()
                .and_then(|n| dense.get_mut(n));
            match (slot, u32::try_from(i)) {
                (Some(slot), Ok(i)) => {
                    if *slot == NONE {
                        *slot = i;
                    }
                }
                _ => {
                    sparse.entry(paper.number).or_insert(i);
                }
            }
        }
        Self { dense, sparse }
    }

    /// The first paper with this number.
    pub fn paper(&self, number: u64) -> Option<usize> {
        let dense = usize::try_from(number)
            .ok()
            .and_then(|n| self.dense.get(n))
            .filter(|&&i| i != NONE);
        match dense {
            Some(&i) => Some(i as usize),
            None => self.sparse.get(&number).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::{Analysis, Config};

    #[test]
    fn numbers_near_and_far_find_their_first_paper() {
        let text =
            "Paper2 a\nPaper1 b\nPaper2 c\nPaper900 d\nPaper18446744073709551615 e\nPaper900 f\n";
        let analysis = Analysis::new(text, &Config::default());
        let index = &analysis.index;
        assert_eq!(index.paper(1), Some(1));
        assert_eq!(index.paper(2), Some(0));
        assert_eq!(index.paper(900), Some(3));
        assert_eq!(index.paper(u64::MAX), Some(4));
        assert_eq!(index.paper(3), None);
        assert_eq!(index.paper(0), None);
        assert_eq!(index.paper(901), None);
    }
}
