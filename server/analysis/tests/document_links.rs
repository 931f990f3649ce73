//! Document links: URLs, links without a scheme, wiki references.
#![allow(clippy::unwrap_used)]

mod common;

use common::{Files, span};
use digest_analysis::features::{LinkTarget, document_links};
use digest_analysis::{Analysis, Config};

#[test]
fn urls_bare_domains_and_wiki_references_in_text_order() {
    let text = "\
Preamble with https://example.org/a.

Paper1 A
摘要原文: [code](https://github.com/a/b \"t\") <http://x.org/y> aka.ms/tiny htp://bad.org
中文总结: [[Paper1]] [[other#Paper7]] [[other]] [[other#Paper9]] [[missing]] [[Paper5]] [x](rel/path)
";
    let files = Files::default().with("other.digest", "Other\n\nPaper7 Far Away\n");
    let analysis = Analysis::new(text, &Config::default());
    let rendered: Vec<String> = document_links(&analysis, &files)
        .into_iter()
        .map(|link| {
            let target = match link.target {
                LinkTarget::Url(url) => url,
                LinkTarget::Digest { file, range } => {
                    format!(
                        "{} {}..{}",
                        file.as_deref().unwrap_or("(this)"),
                        range.start,
                        range.end
                    )
                }
            };
            format!("{} {target}", span(text, link.range))
        })
        .collect();
    let heading = text.find("Paper1 A").unwrap();
    assert_eq!(
        rendered,
        [
            "1:15..1:36 https://example.org/a".to_string(),
            "4:7..4:41 https://github.com/a/b".to_string(),
            "4:42..4:58 http://x.org/y".to_string(),
            "4:59..4:70 https://aka.ms/tiny".to_string(),
            format!("5:7..5:17 (this) {heading}..{}", heading + "Paper1 A".len()),
            "5:18..5:34 other.digest 7..22".to_string(),
            "5:35..5:44 other.digest 0..0".to_string(),
        ]
    );
}
