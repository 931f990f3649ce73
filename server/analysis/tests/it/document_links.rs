//! Document links: URLs, links without a scheme, wiki references.

use crate::common::{Files, span};
use digest_analysis::features::{DocumentLink, LinkTarget, document_links};
use digest_analysis::{Analysis, Config};
use expect_test::{Expect, expect};

/// Every link of `text`: `range -> https://...`, or `range -> file range`
/// for a place in a digest (`(this)` for this one; the range in the text of
/// the digest it leads to).
fn check(text: &str, files: &Files, expect: Expect) {
    let analysis = Analysis::new(text, &Config::default());
    let mut out = String::new();
    for link in document_links(&analysis, files) {
        let DocumentLink { range, target } = link;
        let target = match target {
            LinkTarget::Url(url) => url,
            LinkTarget::Digest { file: None, range } => format!("(this) {}", span(text, range)),
            LinkTarget::Digest {
                file: Some(file),
                range,
            } => match files.0.get(&file) {
                Some(Some(other)) => format!("{file} {}", span(other, range)),
                _ => format!("{file} (not a fixture file) {}..{}", range.start, range.end),
            },
        };
        out.push_str(&format!("{} -> {target}\n", span(text, range)));
    }
    expect.assert_eq(&out);
}

#[test]
fn urls_bare_domains_and_wiki_references_in_text_order() {
    let text = "\
Preamble with https://example.org/a.

Paper1 A
摘要原文: [code](https://github.com/a/b \"t\") <http://x.org/y> aka.ms/tiny htp://bad.org
中文总结: [[Paper1]] [[other#Paper7]] [[other]] [[other#Paper9]] [[missing]] [[Paper5]] [x](rel/path)
";
    let files = Files::default().with("other.digest", "Other\n\nPaper7 Far Away\n");
    check(
        text,
        &files,
        expect![[r#"
            1:15..1:36 -> https://example.org/a
            4:7..4:41 -> https://github.com/a/b
            4:42..4:58 -> http://x.org/y
            4:59..4:70 -> https://aka.ms/tiny
            5:7..5:17 -> (this) 3:1..3:9
            5:18..5:34 -> other.digest 3:1..3:16
            5:35..5:44 -> other.digest 1:1..1:1
        "#]],
    );
}
