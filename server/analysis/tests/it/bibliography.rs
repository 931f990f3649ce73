//! The bibliography core: BibTeX/BibLaTeX and CSL-JSON read into entries
//! (a broken entry reported, the others kept), the extractors of DOIs,
//! arXiv identifiers and citations, title normalisation, and binding.
#![allow(clippy::unwrap_used)]

use std::fmt::Write;

use digest_analysis::bibliography::{
    BibError, Entry, PaperFacts, bind, decode_latex, extract_arxiv_ids, extract_citation_keys,
    extract_dois, normalise_arxiv, normalise_title, parse_bibtex, parse_csl_json,
};
use expect_test::{Expect, expect};

const BIB: &str = include_str!("../fixtures/library.bib");
const CSL: &str = include_str!("../fixtures/library.json");

fn render(text: &str, entries: &[Entry], errors: &[BibError]) -> String {
    let mut out = String::new();
    for e in entries {
        let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "{} (line {}) {:?}\n  authors: {}\n  venue: {} | year: {} | doi: {} | arxiv: {} | url: {}",
            e.key,
            e.line,
            e.title,
            e.authors.join("; "),
            opt(&e.venue),
            opt(&e.year),
            opt(&e.doi),
            opt(&e.arxiv),
            opt(&e.url),
        )
        .unwrap();
        let src = &text[e.range.clone()];
        assert!(src.starts_with('@') || src.starts_with('{'), "{src}");
        assert!(src.ends_with('}'), "{src}");
    }
    for e in errors {
        writeln!(
            out,
            "error {}:{} {:?} {:?}",
            e.line,
            e.column,
            &text[e.range.clone()],
            e.message
        )
        .unwrap();
    }
    out
}

#[test]
fn bibtex_fixture_keeps_the_good_entries() {
    let (entries, errors) = parse_bibtex(BIB);
    assert_eq!(entries.len(), 19);
    expect![[r#"
        mueller2021tiny (line 7) "Tiny Students Learn from Giant Teachers"
          authors: Jörg Müller; Anna Straße
          venue: Journal of Imaginary Pattern Machines | year: 2021 | doi: 10.5555/jipm.2021.0042 | arxiv: - | url: -
        garcia2022feature (line 15) "Feature Mimicry for Detectors"
          authors: José García; María López; Wei Chen
          venue: Proceedings of the Conference on Pretend Vision | year: 2022 | doi: - | arxiv: 2203.01234 | url: -
        dupont2020logits (line 24) "Soft Logits – Hard Lessons"
          authors: François Dupont; Søren Østergaard
          venue: Journal of Imaginary Pattern Machines (Letters) | year: 2020 | doi: - | arxiv: - | url: -
        nakamura2023prompt (line 31) "Prompt Distillation for Tiny Vision Transformers"
          authors: Yui Nakamura; Minji Kim; Ann Smith; Bo Jones
          venue: - | year: 2023 | doi: - | arxiv: 2308.12345 | url: -
        ivanova2019contrast (line 39) "Contrastive Transfer Between CNNs and ViTs"
          authors: Olga Ivanova; Pavel Petrov
          venue: Letters on Made-Up Learning | year: 2019 | doi: - | arxiv: 1905.04321 | url: https://arxiv.org/abs/1905.04321
        schroder2023masks (line 47) "Masked Feature Generation — Revisited"
          authors: Lena Schröder; Nils Åberg
          venue: Workshop on Pretend Compression | year: 2023 | doi: - | arxiv: - | url: -
        oconnor2018dark (line 54) "Dark Knowledge in the Wild"
          authors: Sean O'Connor
          venue: Fictional Review of Networks | year: 2018 | doi: 10.5555/FRN.2018.7 | arxiv: - | url: -
        zhang2022relation (line 68) "Relation Distillation for 3D Point Clouds"
          authors: San Zhang; Si Li
          venue: Journal of Imaginary Pattern Machines | year: 2022 | doi: - | arxiv: - | url: -
        weber2021self (line 75) "Self-Distillation Without Labels"
          authors: Kai Weber; Élodie Martin
          venue: Proceedings of the Conference on Pretend Vision | year: 2021 | doi: 10.5555/PCPV.2021.00117 | arxiv: - | url: -
        novak2020quant (line 83) "Quantised Students & Their Teachers"
          authors: Tomáš Novák
          venue: Journal of Invented Efficiency | year: 2020 | doi: - | arxiv: - | url: -
        rossi2024token (line 90) "Token Pruning Meets Distillation"
          authors: Giulia Rossi
          venue: - | year: 2024 | doi: - | arxiv: 2401.00077 | url: https://arxiv.org/pdf/2401.00077v1
        yilmaz2022graph (line 97) "Graph Teachers for Sparse Students"
          authors: Ayşe Yılmaz
          venue: Proceedings of the Conference on Pretend Vision | year: 2022 | doi: - | arxiv: - | url: -
        andersen2019online (line 104) "Online Mutual Learning at Scale"
          authors: Lars Andersen; Ida Berg; Erik Holm
          venue: Journal of Imaginary Pattern Machines | year: 2019 | doi: - | arxiv: - | url: -
        silva2023curriculum (line 111) "Curriculum Distillation: A Study"
          authors: João Silva
          venue: Workshop on Pretend Compression | year: 2023 | doi: - | arxiv: - | url: -
        kowalski2021depth (line 118) "Depth Estimation Students"
          authors: Piotr Kowalski; Ewa Węgrzyn
          venue: Journal of Invented Efficiency | year: 2021 | doi: - | arxiv: - | url: -
        park2020handbook (line 125) "A Handbook of Model Compression"
          authors: Jisoo Park
          venue: - | year: 2020 | doi: - | arxiv: - | url: -
        hughes2022noise (line 132) "Noisy Teachers, Robust Students"
          authors: Emma Hughes; Pieter van der Berg
          venue: Proceedings of the Conference on Pretend Vision | year: 2022 | doi: 10.5555/PCPV.2022.(5) | arxiv: - | url: -
        chen2023cross (line 140) "跨模态知识蒸馏 for Retrieval"
          authors: Ming Chen; Fang Wang
          venue: Made-Up Multimodal Letters | year: 2023 | doi: - | arxiv: - | url: -
        lefevre2024survey (line 147) "A Survey of Distillation Surveys"
          authors: Amélie Lefèvre
          venue: - | year: 2024 | doi: - | arxiv: 2402.10001 | url: -
        error 64:3 "" "entry `broken2021`: expected comma"
    "#]].assert_eq(&render(BIB, &entries, &errors));
}

#[test]
fn csl_json_fixture_keeps_the_good_items() {
    let (entries, errors) = parse_csl_json(CSL);
    assert_eq!(entries.len(), 4);
    expect![[r#"
        mueller2021tiny (line 2) "Tiny Students Learn from Giant Teachers"
          authors: Jörg Müller; Anna Straße
          venue: Journal of Imaginary Pattern Machines | year: 2021 | doi: 10.5555/JIPM.2021.0042 | arxiv: - | url: -
        nakamura2023prompt (line 11) "Prompt Distillation for Tiny Vision Transformers"
          authors: Yui Nakamura
          venue: - | year: 2023 | doi: - | arxiv: 2308.12345 | url: http://arxiv.org/abs/2308.12345v2
        berg2020 (line 26) "Ensembles of Small Teachers"
          authors: Ida van den Berg; The Pretend Consortium
          venue: Workshop on Pretend Compression | year: 2020 | doi: - | arxiv: - | url: -
        arxivonly2024 (line 34) "Distilling \"Quoted\" Titles"
          authors: 
          venue: - | year: - | doi: 10.48550/arXiv.2404.00123 | arxiv: 2404.00123 | url: -
        error 24:5 "" "invalid item: expected `,` or `}`"
    "#]].assert_eq(&render(CSL, &entries, &errors));
}

#[test]
fn csl_json_not_an_array() {
    let (entries, errors) = parse_csl_json("  {\"id\": \"x\"}");
    assert!(entries.is_empty());
    expect![[r#"
        error 1:3 "" "expected a CSL-JSON array (`[`)"
    "#]]
    .assert_eq(&render("  {\"id\": \"x\"}", &entries, &errors));
}

#[test]
fn bibtex_string_defined_after_use_and_unbalanced_entry() {
    let text = "@article{a,\n  title = {One},\n  journal = jn,\n}\n@string{jn = {Late Journal}}\n\
                @article{b,\n  title = {Two {unclosed},\n  year = 2020,\n\n@article{c, title = {Three}}\n";
    let (entries, errors) = parse_bibtex(text);
    expect![[r#"
        a (line 1) "One"
          authors: 
          venue: Late Journal | year: - | doi: - | arxiv: - | url: -
        c (line 10) "Three"
          authors: 
          venue: - | year: - | doi: - | arxiv: - | url: -
        error 8:15 "" "entry `b`: unexpected end of file"
    "#]]
    .assert_eq(&render(text, &entries, &errors));
}

fn check_latex(input: &str, expect: Expect) {
    expect.assert_eq(&decode_latex(input));
}

#[test]
fn latex_decoding() {
    check_latex(r#"M{\"u}ller"#, expect!["Müller"]);
    check_latex(r#"M\"uller"#, expect!["Müller"]);
    check_latex(r"Caf\'e", expect!["Café"]);
    check_latex(r"Stra{\ss}e", expect!["Straße"]);
    check_latex(r"pages 1--2 and a---b", expect!["pages 1–2 and a—b"]);
    check_latex(r"{Deep} {L}earning", expect!["Deep Learning"]);
    check_latex(r"Fran{\c{c}}ois", expect!["François"]);
    check_latex(r"{\O}stergaard and {\aa}", expect!["Østergaard and å"]);
    check_latex(r"Y{\i}lmaz and \'{\i}", expect!["Yılmaz and í"]);
    check_latex(r"Tom{\'a}{\v{s}} \v s", expect!["Tomáš š"]);
    check_latex(r"Jo{\~a}o and \^o and \`e", expect!["João and ô and è"]);
    check_latex(
        r"W{\k{e}}grzyn and \H{o} and \u{a}",
        expect!["Węgrzyn and ő and ă"],
    );
    check_latex(
        r"A \& B, 50\%, \emph{x}, \url{u}, ~end\",
        expect![[r#"A & B, 50%, x, u,  end\"#]],
    );
}

#[test]
fn title_normalisation() {
    let t = |s| normalise_title(s);
    expect![[r#"
        "deeplearningasurvey"
        "deeplearningasurvey"
        "跨模态知识蒸馏forretrieval综述"
        "müllersécole""#]]
    .assert_eq(&format!(
        "{:?}\n{:?}\n{:?}\n{:?}",
        t("{Deep} Learning: A  Survey!"),
        t("deep learning - a survey"),
        t("跨模态知识蒸馏 for Retrieval（综述）"),
        t(r#"M{\"u}ller’s  ÉCOLE"#),
    ));
    assert_eq!(
        t("{Deep} Learning: A  Survey!"),
        t("deep learning - a survey")
    );
    assert_eq!(t("…"), "");
}

fn show(found: Vec<(std::ops::Range<usize>, String)>) -> String {
    found
        .into_iter()
        .map(|(r, s)| format!("{}..{} {s}", r.start, r.end))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn doi_extraction() {
    let text = "See 10.1000/xyz123. Also (doi 10.1000/a(b)c), \
                https://doi.org/10.5555/ABC.2021.7;和10.5555/x.y中文 \
                not 210.1000/no, 1.10.2/no, 10./no, 10.12/ \"10.1/q\" <10.2/r> 10.3/s]";
    expect![[r#"
        4..18 10.1000/xyz123
        30..43 10.1000/a(b)c
        62..80 10.5555/ABC.2021.7
        84..95 10.5555/x.y
        146..152 10.1/q
        155..161 10.2/r
        163..169 10.3/s"#]]
    .assert_eq(&show(extract_dois(text)));
}

#[test]
fn arxiv_extraction() {
    let text = "arXiv:2308.12345v2, 见2401.00077中文 https://arxiv.org/abs/1905.04321 \
                arxiv.org/pdf/2402.10001v3.pdf (2203.01234). \
                not 12308.12345, 2313.12345, 2308.123, 2308.1234567, 1.2308.12345, 2308.12345x, 2308.12345v";
    expect![[r#"
        6..18 2308.12345v2
        23..33 2401.00077
        62..72 1905.04321
        87..99 2402.10001v3
        105..115 2203.01234"#]]
    .assert_eq(&show(extract_arxiv_ids(text)));
    assert_eq!(
        normalise_arxiv("arXiv:2308.12345v2").as_deref(),
        Some("2308.12345")
    );
    assert_eq!(normalise_arxiv("2308.12345 extra"), None);
}

#[test]
fn citation_extraction() {
    let text = "引用: [[@mueller2021tiny]]，[[@a:b/c.d+e-f_g]] [[@]] [[@bad key]] [[@x]";
    expect![[r#"
        11..26 mueller2021tiny
        34..47 a:b/c.d+e-f_g"#]]
    .assert_eq(&show(extract_citation_keys(text)));
}

#[test]
fn binding_each_way() {
    let (entries, _) = parse_bibtex(BIB);
    let facts = |keys: &[&str], dois: &[&str], arxiv: &[&str], title: &str| PaperFacts {
        keys: keys.iter().map(|s| s.to_string()).collect(),
        dois: dois.iter().map(|s| s.to_string()).collect(),
        arxiv: arxiv.iter().map(|s| s.to_string()).collect(),
        title: title.to_string(),
    };
    let papers = [
        // By key, although the DOI and the title name other entries.
        facts(
            &["nope", "weber2021self"],
            &["10.5555/jipm.2021.0042"],
            &[],
            "Online Mutual Learning at Scale",
        ),
        // By DOI, in another case and as a link.
        facts(
            &["unknown"],
            &["https://doi.org/10.5555/JIPM.2021.0042"],
            &[],
            "x",
        ),
        // By DOI written as a URL in the entry.
        facts(&[], &["10.5555/frn.2018.7"], &[], ""),
        // By arXiv id, with a version, from `eprint` + `archiveprefix`.
        facts(&[], &[], &["2308.12345v1"], ""),
        // By arXiv id from the entry's arxiv.org/pdf URL.
        facts(&[], &[], &["2401.00077"], ""),
        // By arXiv id from `eprint = {arXiv:...}` and `eprinttype = {arxiv}`.
        facts(&[], &[], &["2402.10001"], ""),
        // By title, ignoring case, punctuation, white space and braces.
        facts(
            &[],
            &["10.9999/none"],
            &["2212.99999"],
            "contrastive transfer between CNNs and ViTs!",
        ),
        facts(&[], &[], &[], "跨模态知识蒸馏 For  Retrieval."),
        // Nothing.
        facts(&["broken2021"], &[], &[], "This Entry Has No Comma"),
        facts(&[], &[], &[], ""),
    ];
    let out = bind(&papers, &entries)
        .iter()
        .map(|b| match b {
            Some(b) => format!("{:?} {}", b.by, entries[b.entry].key),
            None => "unbound".to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n");
    expect![[r#"
        Key weber2021self
        Doi mueller2021tiny
        Doi oconnor2018dark
        Arxiv nakamura2023prompt
        Arxiv rossi2024token
        Arxiv lefevre2024survey
        Title ivanova2019contrast
        Title chen2023cross
        unbound
        unbound"#]]
    .assert_eq(&out);
}

#[test]
fn binding_with_csl_json() {
    let (entries, _) = parse_csl_json(CSL);
    let papers = [
        PaperFacts {
            arxiv: vec!["2404.00123".into()],
            ..Default::default()
        },
        PaperFacts {
            title: "Ensembles of Small Teachers".into(),
            ..Default::default()
        },
    ];
    let keys: Vec<_> = bind(&papers, &entries)
        .iter()
        .map(|b| b.map(|b| (b.by, entries[b.entry].key.as_str())))
        .collect();
    expect![[r#"[Some((Arxiv, "arxivonly2024")), Some((Title, "berg2020"))]"#]]
        .assert_eq(&format!("{keys:?}"));
}

/// 10,000 generated entries (about 5 MB) read; the time is printed, not
/// asserted (see the report of issue 15 for the release figure).
#[test]
fn ten_thousand_entries() {
    let mut text = String::from("@string{jn = {Journal of Generated Entries}}\n");
    let filler = "lorem ipsum dolor sit amet ".repeat(11);
    let mut n = 0;
    while n < 10_000 {
        write!(
            text,
            "@article{{key{n},\n  title = {{Generated {{Title}} Number {n} with M{{\\\"u}}ller}},\n  \
             author = {{Doe, Jane and Roe, Richard and M{{\\\"o}}ller, Kai}},\n  journal = jn,\n  \
             year = {{2020}},\n  doi = {{10.5555/gen.{n}}},\n  abstract = {{{filler}}},\n}}\n\n"
        )
        .unwrap();
        n += 1;
    }
    let size = text.len();
    let started = std::time::Instant::now();
    let (entries, errors) = parse_bibtex(&text);
    let took = started.elapsed();
    eprintln!("10,000 entries, {size} bytes: {took:?}");
    assert_eq!(entries.len(), 10_000);
    assert!(errors.is_empty());
    assert_eq!(
        entries[9_999].title,
        "Generated Title Number 9999 with Müller"
    );
    assert_eq!(
        entries[9_999].venue.as_deref(),
        Some("Journal of Generated Entries")
    );
    assert!((4_500_000..5_500_000).contains(&size), "{size}");

    // One broken entry in the middle: read entry by entry.
    let broken = text.replacen(
        "@article{key5000,\n  title",
        "@article{key5000,\n  title title",
        1,
    );
    let started = std::time::Instant::now();
    let (entries, errors) = parse_bibtex(&broken);
    let took = started.elapsed();
    eprintln!("10,000 entries, one broken: {took:?}");
    assert_eq!(entries.len(), 9_999);
    let errors: Vec<_> = errors
        .iter()
        .map(|e| format!("{}:{} {}", e.line, e.column, e.message))
        .collect();
    assert_eq!(errors, ["45003:9 entry `key5000`: expected equals"]);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]

    /// No input panics the readers or the extractors, and every range they
    /// give is inside the text on character boundaries.
    #[test]
    fn never_panics(text in r#"(@string\{a=\{x\}\}\n|@article\{k,|\[\{"id":)?[@{}()\[\]",=#%\\a-z0-9 .:/v\n文é]{0,200}"#) {
        let (entries, errors) = parse_bibtex(&text);
        let (more, more_errors) = parse_csl_json(&text);
        for e in entries.iter().chain(&more) {
            proptest::prop_assert!(text.get(e.range.clone()).is_some());
        }
        for e in errors.iter().chain(&more_errors) {
            proptest::prop_assert!(text.get(e.range.clone()).is_some());
        }
        for (r, _) in extract_dois(&text)
            .into_iter()
            .chain(extract_arxiv_ids(&text))
            .chain(extract_citation_keys(&text))
        {
            proptest::prop_assert!(text.get(r).is_some());
        }
        let _ = (decode_latex(&text), normalise_title(&text));
    }
}

/// serde_json counts columns in bytes: an error inside a multi-byte
/// character is placed at that character's start (found by `never_panics`).
#[test]
fn a_csl_json_error_inside_a_multibyte_character_lands_on_its_start() {
    let text = "[{\"id\": \"a\\é\"}]";
    let (entries, errors) = digest_analysis::bibliography::parse_csl_json(text);
    assert!(entries.is_empty());
    let ranges: Vec<_> = errors
        .iter()
        .map(|e| (e.range.clone(), e.line, e.column, e.message.as_str()))
        .collect();
    assert_eq!(
        ranges,
        vec![(11..11, 1, 12, "invalid item: invalid escape")]
    );
    // Cut inside the character's string: the error is the file's end.
    let text = "[{\"id\":\"é";
    let (entries, errors) = digest_analysis::bibliography::parse_csl_json(text);
    assert!(entries.is_empty());
    let ranges: Vec<_> = errors
        .iter()
        .map(|e| (e.range.clone(), e.line, e.column))
        .collect();
    assert_eq!(ranges, vec![(10..10, 1, 10)]);
}
