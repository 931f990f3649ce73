//! Inlay hints: the referenced paper's title after in-file references.
#![allow(clippy::unwrap_used)]

mod common;

use common::span;
use digest_analysis::features::inlay_hints;
use digest_analysis::{Analysis, Config, TextRange};

const TEXT: &str = "\
Paper1 Knowledge Distillation via Monte Carlo Tree Search
摘要原文: Paper2, [[Paper2]], [[other#Paper2]], Paper9, Paper3
中文总结: 见Paper1。

Paper2 知识蒸馏
Paper3
";

fn hints(range: TextRange, config: &Config) -> Vec<String> {
    let analysis = Analysis::new(TEXT, config);
    inlay_hints(&analysis, range, config)
        .into_iter()
        .map(|h| format!("{} {}", span(TEXT, TextRange::empty(h.offset)), h.label))
        .collect()
}

#[test]
fn titles_after_in_file_references() {
    let all = TextRange::new(0, TEXT.len());
    assert_eq!(
        hints(all, &Config::default()),
        [
            "2:13..2:13 知识蒸馏",
            "2:25..2:25 知识蒸馏",
            "3:14..3:14 Knowledge Distillation via Mo…",
        ]
    );
    let short = Config {
        inlay_max_chars: 10,
        ..Config::default()
    };
    assert_eq!(hints(all, &short)[2], "3:14..3:14 Knowledge…");
    let two = Config {
        inlay_max_chars: 4,
        ..Config::default()
    };
    assert_eq!(hints(all, &two)[0], "2:13..2:13 知识蒸馏");
    let three = Config {
        inlay_max_chars: 3,
        ..Config::default()
    };
    assert_eq!(hints(all, &three)[0], "2:13..2:13 知识…");
}

#[test]
fn only_in_the_range_and_only_when_enabled() {
    let line3 = TEXT.find("中文总结").unwrap();
    let range = TextRange::new(line3, line3 + "中文总结: 见Paper1".len());
    assert_eq!(
        hints(range, &Config::default()),
        ["3:14..3:14 Knowledge Distillation via Mo…"]
    );
    let off = Config {
        inlay_hints_enabled: false,
        ..Config::default()
    };
    assert_eq!(
        hints(TextRange::new(0, TEXT.len()), &off),
        Vec::<String>::new()
    );
}
