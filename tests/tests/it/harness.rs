//! Smoke tests of the test infrastructure: the digest generator, whose
//! output must be clean, per the spec, for load tests and benches to mean
//! anything. (The binary the client harness runs is checked by
//! `cli.rs`'s `version_and_help`.)

use digest_analysis::{Analysis, Config, NoFiles};
use digest_e2e::{generate, generate_sized, paper_count};

const LABELS: &[(&str, &str)] = &[
    ("摘要原文", "abstract"),
    ("中文总结", "summary"),
    ("标签", "tags"),
];

/// Checks, independently of the analysis crate, that `text` has the shape
/// of a clean digest: a title, papers numbered from 1 with both required
/// sections, references only to earlier papers, well-formed `https` links
/// and no other `/` (so no link without scheme).
fn assert_clean_shape(text: &str) {
    let mut current = 0usize;
    let mut kinds: Vec<&str> = Vec::new();
    let finish = |n: usize, kinds: &[&str]| {
        if n > 0 {
            for required in ["abstract", "summary"] {
                assert!(kinds.contains(&required), "Paper{n} lacks its {required}");
            }
        }
    };
    let first = text.lines().next().expect("a title line");
    assert!(
        !first.trim().is_empty() && !first.starts_with("Paper"),
        "title {first:?}"
    );
    for (i, line) in text.lines().enumerate() {
        let at = format!("line {}: {line:.80}", i + 1);
        assert!(!line.contains('\r'), "{at}");
        if line.trim().is_empty() {
            continue;
        }
        assert!(!line.starts_with(char::is_whitespace), "{at}");
        if let Some(rest) = line.strip_prefix("Paper") {
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            assert!(!digits.is_empty(), "not a heading: {at}");
            let n: usize = digits.parse().expect("a paper number");
            let title = rest[digits.len()..].strip_prefix(' ').expect("a space");
            assert!(!title.trim().is_empty(), "no title: {at}");
            assert!(!title.contains("Paper"), "{at}");
            finish(current, &kinds);
            assert_eq!(n, current + 1, "numbering: {at}");
            current = n;
            kinds.clear();
            continue;
        }
        let body = match LABELS
            .iter()
            .find_map(|(label, kind)| line.strip_prefix(label).map(|rest| (kind, rest)))
        {
            Some((kind, rest)) => {
                assert!(current > 0, "section in the preamble: {at}");
                assert!(!kinds.contains(kind), "duplicate {kind}: {at}");
                kinds.push(kind);
                let text = rest.strip_prefix(": ").expect("label, colon, space");
                assert!(!text.trim().is_empty(), "empty section: {at}");
                text
            }
            None => {
                // Preamble text, or a later paragraph of a summary: no
                // label-like prefix anywhere near the line start.
                if current > 0 {
                    assert_eq!(kinds.last(), Some(&"summary"), "stray text: {at}");
                }
                let head: String = line.chars().take(21).collect();
                assert!(!head.contains([':', '：']), "label-like: {at}");
                line
            }
        };
        assert_references(body, current, &at);
        let rest = strip_urls(body, &at);
        assert!(!rest.contains('/'), "a `/` outside links: {at}");
        assert!(!rest.contains("http"), "a misspelt link: {at}");
    }
    finish(current, &kinds);
}

/// Every `Paper<N>` / `Paper <N>` reference and `[[...]]` target names an
/// earlier paper; no other `Paper` appears.
fn assert_references(body: &str, current: usize, at: &str) {
    for (i, _) in body.match_indices("Paper") {
        let before = body[..i].chars().next_back();
        let after = &body[i + "Paper".len()..];
        let after = after.strip_prefix(' ').unwrap_or(after);
        let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
        let next = after[digits.len()..].chars().next();
        let is_word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
        assert!(
            !digits.is_empty() && !is_word(before) && !is_word(next),
            "not a clean reference at byte {i}: {at}"
        );
        let n: usize = digits.parse().expect("a number");
        assert!((1..current).contains(&n), "Paper{n} is not earlier: {at}");
    }
    for (i, _) in body.match_indices("[[") {
        let target = &body[i + 2..];
        let end = target.find("]]").expect("closed wiki reference");
        assert!(target[..end].starts_with("Paper"), "{at}");
    }
}

/// `body` with its `https://host/path` links removed; asserts that each is
/// well formed.
fn strip_urls(body: &str, at: &str) -> String {
    let mut rest = String::new();
    let mut tail = body;
    while let Some(i) = tail.find("https://") {
        rest.push_str(&tail[..i]);
        let url = &tail[i..];
        let len = url
            .find(|c: char| !(c.is_ascii_alphanumeric() || "-._~:/?#[]@!$&'()*+,;=%".contains(c)))
            .unwrap_or(url.len());
        let url = url[..len].trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let host = url["https://".len()..]
            .split('/')
            .next()
            .unwrap_or_default();
        let labels: Vec<&str> = host.split('.').collect();
        assert!(
            labels.len() >= 2
                && labels.iter().all(|l| {
                    !l.is_empty()
                        && !l.starts_with('-')
                        && !l.ends_with('-')
                        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                }),
            "bad host in {url}: {at}"
        );
        assert!(!url.contains('%') && !url.ends_with(')'), "{url}: {at}");
        tail = &tail[i + url.len()..];
    }
    rest.push_str(tail);
    rest
}

#[test]
fn generated_digests_have_a_clean_shape() {
    for seed in [1, 2, 3] {
        let text = generate(300, seed);
        assert_clean_shape(&text);
    }
}

#[test]
fn generated_digests_use_every_feature_they_promise() {
    let text = generate(300, 9);
    assert!(text.contains("与Paper"), "in-file references glued to CJK");
    assert!(text.contains("[[Paper"), "wiki references");
    assert!(
        text.contains("代码见https://") || text.contains("可在https://"),
        "URLs glued to CJK"
    );
    assert!(
        text.contains("Code is available at https://"),
        "URLs in abstracts"
    );
    let paragraphs = text
        .lines()
        .skip(3)
        .filter(|l| {
            !l.is_empty()
                && !l.starts_with("Paper")
                && !LABELS.iter().any(|(label, _)| l.starts_with(label))
        })
        .count();
    assert!(paragraphs > 0, "multi-paragraph summaries");
    assert!(text.contains("\n标签: "), "optional sections");
}

#[test]
fn generated_digests_are_clean_for_the_analysis_core() {
    let config = Config::default();
    let text = generate(300, 4);
    let analysis = Analysis::new(&text, &config);
    let diagnostics = digest_analysis::check(&analysis, &config, &NoFiles);
    assert!(
        diagnostics.is_empty(),
        "{:#?}",
        &diagnostics[..diagnostics.len().min(5)]
    );
}

#[test]
fn a_ten_megabyte_digest_has_about_four_thousand_papers() {
    let text = generate_sized(10_000_000, 2024);
    let size = text.len();
    assert!((9_000_000..=11_000_000).contains(&size), "{size} bytes");
    let papers = paper_count(&text);
    assert!((3_400..=4_600).contains(&papers), "{papers} papers");
    assert!(text.ends_with("\n\n"));
}
