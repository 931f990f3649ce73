//! Inlay hints: the referenced paper's title after in-file references.
#![allow(clippy::unwrap_used)]

use crate::common::span;
use digest_analysis::features::{InlayHint, inlay_hints};
use digest_analysis::{Analysis, Config, TextRange};
use expect_test::{Expect, expect};

const TEXT: &str = "\
Paper1 Knowledge Distillation via Monte Carlo Tree Search
摘要原文: Paper2, [[Paper2]], [[other#Paper2]], Paper9, Paper3
中文总结: 见Paper1。

Paper2 知识蒸馏
Paper3
";

/// The hints of `TEXT` in `range`: `where label`.
fn check(range: TextRange, config: &Config, expect: Expect) {
    let analysis = Analysis::new(TEXT, config);
    let hints = inlay_hints(&analysis, range, config).into_iter().map(|h| {
        let InlayHint { offset, label } = h;
        format!("{} {label}", span(TEXT, TextRange::empty(offset)))
    });
    expect.assert_eq(&crate::common::lines(hints));
}

fn max_chars(n: usize) -> Config {
    Config {
        inlay_max_chars: n,
        ..Config::default()
    }
}

#[test]
fn titles_after_in_file_references() {
    let all = TextRange::new(0, TEXT.len());
    check(
        all,
        &Config::default(),
        expect![[r#"
            2:13..2:13 知识蒸馏
            2:25..2:25 知识蒸馏
            3:14..3:14 Knowledge Distillation via Mo…
        "#]],
    );
    check(
        all,
        &max_chars(10),
        expect![[r#"
            2:13..2:13 知识蒸馏
            2:25..2:25 知识蒸馏
            3:14..3:14 Knowledge…
        "#]],
    );
    check(
        all,
        &max_chars(4),
        expect![[r#"
            2:13..2:13 知识蒸馏
            2:25..2:25 知识蒸馏
            3:14..3:14 Kno…
        "#]],
    );
    check(
        all,
        &max_chars(3),
        expect![[r#"
            2:13..2:13 知识…
            2:25..2:25 知识…
            3:14..3:14 Kn…
        "#]],
    );
}

#[test]
fn only_in_the_range_and_only_when_enabled() {
    let line3 = TEXT.find("中文总结").unwrap();
    let range = TextRange::new(line3, line3 + "中文总结: 见Paper1".len());
    check(
        range,
        &Config::default(),
        expect![[r#"
            3:14..3:14 Knowledge Distillation via Mo…
        "#]],
    );
    let off = Config {
        inlay_hints_enabled: false,
        ..Config::default()
    };
    check(TextRange::new(0, TEXT.len()), &off, expect![[""]]);
}
