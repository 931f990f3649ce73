//! Semantic tokens: sorted, non-overlapping, for the whole text or a range.
#![allow(clippy::unwrap_used)]

use crate::common::spanned;
use digest_analysis::features::{SemanticToken, TokenKind, semantic_tokens};
use digest_analysis::{Analysis, Config, TextRange};
use expect_test::{Expect, expect};

const TEXT: &str = "\
Title, see Paper1

Paper1: Sparse 注意力
摘要原文: [[other#Paper2]] and Paper2 at https://x.org/a, aka.ms/t
Paper 2
Summary: b
";

/// The tokens of `TEXT` (in `range`): `kind range "text"`.
fn check(range: Option<TextRange>, expect: Expect) {
    let analysis = Analysis::new(TEXT, &Config::default());
    let tokens = semantic_tokens(&analysis, range).into_iter().map(|t| {
        let SemanticToken { range, kind } = t;
        let kind = match kind {
            TokenKind::HeadingKeyword => "keyword",
            TokenKind::Number => "number",
            TokenKind::Title => "title",
            TokenKind::Label => "label",
            TokenKind::Reference => "reference",
            TokenKind::WikiReference => "wiki",
            TokenKind::Link => "link",
        };
        format!("{kind} {}", spanned(TEXT, range))
    });
    expect.assert_eq(&crate::common::lines(tokens));
}

#[test]
fn every_token_in_order() {
    check(
        None,
        expect![[r#"
            reference 1:12..1:18 "Paper1"
            keyword 3:1..3:6 "Paper"
            number 3:6..3:7 "1"
            title 3:9..3:19 "Sparse 注意力"
            label 4:1..4:5 "摘要原文"
            wiki 4:7..4:23 "[[other#Paper2]]"
            reference 4:28..4:34 "Paper2"
            link 4:38..4:53 "https://x.org/a"
            link 4:55..4:63 "aka.ms/t"
            keyword 5:1..5:6 "Paper"
            number 5:7..5:8 "2"
            label 6:1..6:8 "Summary"
        "#]],
    );
}

#[test]
fn a_range_gets_the_tokens_it_overlaps() {
    let start = TEXT.find("and Paper2").unwrap();
    let end = TEXT.find("Paper 2").unwrap() + 3;
    check(
        Some(TextRange::new(start, end)),
        expect![[r#"
            reference 4:28..4:34 "Paper2"
            link 4:38..4:53 "https://x.org/a"
            link 4:55..4:63 "aka.ms/t"
            keyword 5:1..5:6 "Paper"
        "#]],
    );
}
