//! Unit tests of what the renderers share.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::NoFiles;

/// `f` on the [`Prepared`] export of `text` (named `x.digest`, the default
/// configuration, no other digest, no findings).
fn with_prepared<R>(text: &str, f: impl FnOnce(&Prepared<'_>) -> R) -> R {
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    let export = Export {
        analysis: &analysis,
        config: &config,
        resolver: &NoFiles,
        diagnostics: &[],
        name: "x.digest",
    };
    f(&Prepared::new(&export))
}

fn events(text: &str) -> Vec<String> {
    with_prepared(text, |prepared| {
        let paper = &prepared.analysis().syntax.papers[0];
        let mut out = Vec::new();
        prepared.events(paper.sections[0].text, &paper.inline, &mut |e| {
            out.push(format!("{e:?}"))
        });
        out
    })
}

#[test]
fn events_keep_paragraphs_and_lines_and_drop_indentation() {
    let text = "Paper1 A\nAbstract: one  \n   two\r\n\n\n\tthree Paper1 [[@k1]] [[Paper9]] [x](https://x.org/a) [y](javascript:alert(1))\nSummary: s\n";
    assert_eq!(
        events(text),
        [
            "Text(\"one\")",
            "LineBreak",
            "Text(\"two\")",
            "ParagraphBreak",
            "Text(\"three \")",
            "Reference { text: \"Paper1\", href: Here(\"paper1\") }",
            "Text(\" \")",
            "Citation(\"k1\")",
            "Text(\" \")",
            "Text(\"[[Paper9]]\")",
            "Text(\" \")",
            "Link { text: \"x\", url: \"https://x.org/a\" }",
            "Text(\" \")",
            "Text(\"[y](javascript:alert(1))\")",
        ]
    );
}

#[test]
fn anchors_of_repeated_numbers_are_distinct() {
    let text = "Paper3 A\n\nPaper3 B\n\nPaper3 C\n\nPaper4 D\n";
    let anchors: Vec<String> = with_prepared(text, |prepared| {
        (0..4).map(|i| prepared.anchor(i).to_string()).collect()
    });
    assert_eq!(anchors, ["paper3", "paper3-2", "paper3-3", "paper4"]);
}

#[test]
fn extensions_and_file_names() {
    assert_eq!(strip_extension("a/b.digest"), "a/b");
    assert_eq!(strip_extension("notes.txt"), "notes");
    assert_eq!(strip_extension("a.b/c"), "a.b/c");
    assert_eq!(strip_extension(".hidden"), ".hidden");
    assert_eq!(file_name("dir/sub/x.digest"), "x.digest");
    assert_eq!(percent_encode_path("a b/综述#1"), "a%20b/综述%231");
    assert_eq!(Format::from_name("html"), Some(Format::Html));
    assert_eq!(Format::from_name("pdf"), None);
}
