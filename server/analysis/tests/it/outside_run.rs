//! An outside tester's findings in the analysis crate's bibliography and
//! export (issues 15 and 16), each a test that fails until it is fixed
//! there (the tester's brief leaves these files to their owners).

#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::common::WithBib;

use digest_analysis::bibliography::{BibFile, Bibliography};
use digest_analysis::export::{Export, Format, render};
use digest_analysis::{Analysis, Config};
use pulldown_cmark::{Event, Parser};

fn markdown(text: &str, bibliography: Bibliography) -> String {
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    let resolver = WithBib(bibliography);
    let export = Export {
        analysis: &analysis,
        config: &config,
        resolver: &resolver,
        diagnostics: &[],
        name: "notes.digest",
    };
    render(Format::Markdown, &export)
}

/// A Better CSL JSON export cut short (Zotero was still writing it, or a
/// sync tool copied half of it): spec, "Bibliography": a broken file is a
/// `bibliography` error with its line and column, and what could be read
/// is still used. Today: no error at all.
#[test]
fn a_truncated_csl_json_file_is_an_error_at_its_end() {
    let text = "[\n  {\"id\": \"park2019\", \"title\": \"Relational Knowledge Distillation\"},\n";
    let file = BibFile::read(Path::new("/lib/zotero.json"), text);
    let found: Vec<(usize, usize)> = file.errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(found, [(3, 1)], "{:?}", file.errors);
    let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["park2019"]);
}

/// Chinese names are written family name first, without a space:
/// `author = {张, 三}` is 张三, not "三 张" as the hover shows it now.
#[test]
fn cjk_author_names_keep_the_family_name_first() {
    let text = "@article{zhang2023kd,\n  title = {Knowledge Distillation},\n  author = {张, 三 and Li, Si and 王, 小明},\n  year = {2023},\n}\n";
    let file = BibFile::read(Path::new("/lib/refs.bib"), text);
    assert_eq!(file.errors.len(), 0);
    assert_eq!(file.entries[0].authors, ["张三", "Si Li", "王小明"]);
}

/// Spec, "Export": citations are rendered as the entry's key, everywhere;
/// a citation on the heading line (which binds the paper) comes out as
/// escaped markup `\[\[@dot\]\]` in the Markdown heading today.
#[test]
fn a_citation_on_the_heading_line_is_its_key_in_markdown() {
    let text = "Paper1 DOT: A Distillation-Oriented Trainer [[@dot]]\nAbstract: a\nSummary: b\n";
    let bib =
        "@article{dot,\n  title = {DOT: A Distillation-Oriented Trainer},\n  year = {2023},\n}\n";
    let bibliography = Bibliography::new(vec![BibFile::read(Path::new("/lib/refs.bib"), bib)]);
    let out = markdown(text, bibliography);
    let heading = out
        .lines()
        .find(|l| l.starts_with("## "))
        .unwrap_or_default();
    assert_eq!(
        heading,
        "## Paper1 DOT: A Distillation-Oriented Trainer dot"
    );
}

/// Docs, "The export command": "Every block keeps its paragraphs and line
/// breaks". The HTML keeps them (`<br>`); the Markdown writes a bare
/// newline, which CommonMark reads as a soft break, shown as a space: the
/// three lines of the summary run into one line on GitHub.
#[test]
fn the_line_breaks_of_a_section_are_hard_breaks_in_markdown() {
    let text = "Paper1 Title\nAbstract: a\nSummary: first line\nsecond line\nthird line\n";
    let out = markdown(text, Bibliography::default());
    let events: Vec<Event<'_>> = Parser::new(&out).collect();
    let hard = events
        .iter()
        .filter(|e| matches!(e, Event::HardBreak))
        .count();
    let soft = events
        .iter()
        .filter(|e| matches!(e, Event::SoftBreak))
        .count();
    assert_eq!((hard, soft), (2, 0), "{out}");
}

/// In BibTeX any text outside entries is a comment and `@` opens an entry
/// wherever it is: an entry after a note on its line, or two entries on
/// one line (a minified export), are entries. Today both are dropped
/// without a word (and the citation says "no bibliography was found").
#[test]
fn an_entry_that_does_not_start_its_line_is_read() {
    let text = "note: 注释 @article{k1,\n  title = {One},\n}\n@article{k2, title = {Two}} @article{k3, title = {Three}}\n";
    let file = BibFile::read(Path::new("/lib/refs.bib"), text);
    assert_eq!(file.errors.len(), 0, "{:?}", file.errors);
    let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["k1", "k2", "k3"]);
}

/// Braces nested 100,000 deep (in any field) took time growing with the
/// square of the depth: such an entry is now an error of its own, found in
/// one pass, and the entries around it are read.
#[test]
fn braces_nested_absurdly_deep_are_an_error_of_their_entry() {
    let depth = 100_000;
    let text = format!(
        "@article{{a, title = {{A}}}}\n@article{{deep,\n  title = {{{}{}}},\n}}\n@article{{b, title = {{B}}}}\n",
        "{".repeat(depth),
        "}".repeat(depth)
    );
    let file = BibFile::read(Path::new("/lib/refs.bib"), &text);
    let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["a", "b"]);
    let errors: Vec<_> = (file.errors.iter())
        .map(|e| (e.line, e.column, &text[e.range.clone()], e.message.as_str()))
        .collect();
    assert_eq!(
        errors,
        [(
            2,
            1,
            "@article",
            "entry `deep`: braces nested more than 64 deep: not read"
        )]
    );
}

/// A CSL-JSON file cut inside its last item: one error, at the end.
#[test]
fn a_csl_json_file_cut_inside_an_item_is_one_error_at_its_end() {
    let text = "[\n  {\"id\": \"a\", \"title\": \"One\"},\n  {\"id\": \"b\", \"tit";
    let file = BibFile::read(Path::new("/lib/zotero.json"), text);
    let found: Vec<(usize, usize)> = file.errors.iter().map(|e| (e.line, e.column)).collect();
    assert_eq!(found, [(3, 19)], "{:?}", file.errors);
    let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["a"]);
}

/// The same name formatter for CSL-JSON: family first for CJK names.
#[test]
fn cjk_author_names_in_csl_json_keep_the_family_name_first() {
    let text = r#"[{"id": "z", "author": [{"family": "张", "given": "三"}, {"family": "Li", "given": "Si"}, {"family": "van Dyk", "given": "Ann", "suffix": "Jr."}]}]"#;
    let file = BibFile::read(Path::new("/lib/zotero.json"), text);
    assert_eq!(file.errors, []);
    assert_eq!(
        file.entries[0].authors,
        ["张三", "Si Li", "Ann van Dyk Jr."]
    );
}

/// An `eprint` without a type is arXiv's when it has an arXiv identifier's
/// shape; with a type naming something else (`pubmed`), it is not.
#[test]
fn an_untyped_eprint_shaped_like_an_arxiv_id_is_one() {
    let text = "@misc{a, eprint = {2305.04321v2}}\n@misc{b, eprint = {2305.04321}, eprinttype = {pubmed}}\n\
                @misc{c, eprint = {12345678}}\n@misc{d, eprint = {2305.04321}, archivePrefix = {arXiv}}\n";
    let file = BibFile::read(Path::new("/lib/refs.bib"), text);
    assert_eq!(file.errors, []);
    let arxiv: Vec<Option<&str>> = file.entries.iter().map(|e| e.arxiv.as_deref()).collect();
    assert_eq!(arxiv, [Some("2305.04321"), None, None, Some("2305.04321")]);
}

/// An `@` in a field (an e-mail address) does not open an entry, and one
/// in the comment text between entries without a brace after it neither.
#[test]
fn an_at_inside_an_entry_or_in_a_comment_is_not_an_entry() {
    let text = "mail me@home please\n@misc{a, note = {x@y.org @misc{no}}, title = {A}}\n";
    let file = BibFile::read(Path::new("/lib/refs.bib"), text);
    assert_eq!(file.errors, []);
    let keys: Vec<&str> = file.entries.iter().map(|e| e.key.as_str()).collect();
    assert_eq!(keys, ["a"]);
}

/// A key repeated in a file: an error on the later entry, at its key; the
/// first entry still counts.
#[test]
fn a_repeated_key_is_an_error_on_the_later_entry() {
    let text = "@article{k,\n  title = {First},\n}\n\n  @misc{other, title = {O}} @book{ k ,\n  title = {Second},\n}\n";
    let file = BibFile::read(Path::new("/lib/refs.bib"), text);
    let errors: Vec<_> = (file.errors.iter())
        .map(|e| (e.line, e.column, &text[e.range.clone()], e.message.as_str()))
        .collect();
    assert_eq!(
        errors,
        [(5, 36, "k", "duplicate key `k`: the entry at line 1 is used")]
    );
    let bibliography = Bibliography::new(vec![file]);
    assert_eq!(
        bibliography.entry("k").map(|e| e.entry.title.as_str()),
        Some("First")
    );
}

/// A key that an earlier file of the bibliography has: an error of the
/// later file, naming the first; the first counts.
#[test]
fn a_key_repeated_in_a_later_file_is_an_error_of_that_file() {
    let bib = "@article{k, title = {First}}\n";
    let json = "[\n  {\"id\": \"x\"},\n  {\"id\": \"k\", \"title\": \"Second\"}\n]\n";
    let bibliography = Bibliography::new(vec![
        BibFile::read(Path::new("/lib/refs.bib"), bib),
        BibFile::read(Path::new("/lib/zotero.json"), json),
    ]);
    assert_eq!(bibliography.files[0].errors, []);
    let errors: Vec<_> = (bibliography.files[1].errors.iter())
        .map(|e| (e.line, e.column, &json[e.range.clone()], e.message.as_str()))
        .collect();
    assert_eq!(
        errors,
        [(
            3,
            11,
            "k",
            "duplicate key `k`: the entry at line 1 of `refs.bib` is used"
        )]
    );
    assert_eq!(
        bibliography.entry("k").map(|e| e.entry.title.as_str()),
        Some("First")
    );
}
