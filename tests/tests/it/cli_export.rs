//! `digest-lsp export`, run as a user would: outputs, where they go, exit
//! statuses, and the JSON (of the export and of `check --format json`)
//! validated against the project's JSON Schema.

use std::path::{Path, PathBuf};

use digest_e2e::run_cli as run;
use serde_json::{Value, json};

fn schema_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/schema/digest.schema.json")
}

/// Fails with every error when `doc` does not follow the schema.
pub(crate) fn assert_valid(doc: &Value) {
    let text = std::fs::read_to_string(schema_path()).expect("the schema is in the repository");
    let schema: Value = serde_json::from_str(&text).expect("the schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("the schema is a valid schema");
    let errors: Vec<String> = validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid against the schema: {errors:#?}"
    );
}

const A: &str = "Notes on *distillation*\n\nPaper1 Teacher <small>\n摘要原文: see [[b#Paper1]] and Paper2.\n中文总结: 见https://x.org/a_b。\n\nPaper2 Student\n摘要原文: a\n中文总结: aka.ms/s\n";
const B: &str = "B\n\nPaper1 Other\nAbstract: x\nSummary: y\n";

/// A fresh folder `name` with `a.digest` ([`A`]) and `b.digest` ([`B`]).
fn a_and_b(name: &str) -> PathBuf {
    let dir = digest_e2e::temp_dir(name);
    std::fs::write(dir.join("a.digest"), A).expect("write");
    std::fs::write(dir.join("b.digest"), B).expect("write");
    dir
}

#[test]
fn one_digest_goes_to_stdout_as_markdown() {
    let dir = a_and_b("export-md");
    let (code, out, err) = run(&["export", "--to", "markdown", "a.digest"], &dir, None);
    assert_eq!(err, "");
    assert_eq!(code, 0);
    assert_eq!(
        out,
        "# Notes on \\*distillation\\*\n\
         \n<a id=\"paper1\"></a>\n\n## Paper1 Teacher \\<small\\>\n\
         \n**摘要原文:** see [b\\#Paper1](<b.md#paper1>) and [Paper2](<#paper2>).\n\
         \n**中文总结:** 见[https://x.org/a\\_b](<https://x.org/a_b>)。\n\
         \n<a id=\"paper2\"></a>\n\n## Paper2 Student\n\
         \n**摘要原文:** a\n\
         \n**中文总结:** aka.ms/s\n"
    );
}

#[test]
fn json_carries_checks_diagnostics_and_follows_the_schema() {
    let dir = a_and_b("export-json");
    let (code, out, err) = run(&["export", "--to", "json", "a.digest"], &dir, None);
    assert_eq!((code, err.as_str()), (0, ""));
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    assert_valid(&doc);
    assert_eq!(doc["path"], "a.digest");
    assert_eq!(doc["title"], "Notes on *distillation*");
    assert_eq!(doc["preamble"], "");
    let papers = doc["papers"].as_array().expect("papers");
    assert_eq!(papers.len(), 2);
    let first = &papers[0];
    assert_eq!(first["number"], 1);
    assert_eq!(first["anchor"], "paper1");
    assert_eq!(first["title"], "Teacher <small>");
    assert_eq!(first["entry"], Value::Null);
    assert_eq!(
        first["headingRange"],
        json!({"start": {"line": 3, "column": 1, "offset": 25},
               "end": {"line": 3, "column": 23, "offset": 47}})
    );
    assert_eq!(
        first["sections"][1],
        json!({"kind": "summary", "label": "中文总结", "text": "见https://x.org/a_b。",
               "range": {"start": {"line": 5, "column": 1, "offset": 91},
                         "end": {"line": 5, "column": 26, "offset": 128}}})
    );
    let references: Vec<(&Value, &Value)> = (first["references"].as_array().expect("refs"))
        .iter()
        .map(|r| (&r["text"], &r["resolved"]))
        .collect();
    assert_eq!(
        references,
        [
            (&json!("[[b#Paper1]]"), &json!(true)),
            (&json!("Paper2"), &json!(true))
        ]
    );
    assert_eq!(
        first["links"],
        json!([{"url": "https://x.org/a_b", "text": "https://x.org/a_b", "kind": "url", "problem": null,
                "range": {"start": {"line": 5, "column": 8, "offset": 108},
                          "end": {"line": 5, "column": 25, "offset": 125}}}])
    );

    // The diagnostics are check's, to the letter.
    let (check_code, check_out, _) = run(&["check", "--format", "json", "a.digest"], &dir, None);
    assert_eq!(check_code, 0);
    let check: Value = serde_json::from_str(&check_out).expect("JSON");
    assert_valid(&check);
    assert_eq!(doc["diagnostics"], check["diagnostics"]);
    assert_eq!(doc["counts"], check["counts"]);
    assert_eq!(
        doc["diagnostics"],
        json!([{"path": "a.digest", "line": 9, "column": 7, "endLine": 9, "endColumn": 15,
                "severity": "hint", "code": "link-without-scheme",
                "message": "Paper2: `aka.ms/s` looks like a link without a scheme: write `https://aka.ms/s`"}])
    );
}

#[test]
fn check_json_with_every_severity_follows_the_schema() {
    let dir = digest_e2e::temp_dir("export-check-schema");
    std::fs::write(
        dir.join("x.digest"),
        "Paper1\n摘要原文: htp://x.org Paper7\n\nPaper3 T\nAbstrct: a\n",
    )
    .expect("write");
    std::fs::write(dir.join("digest.toml"), "[rules\n").expect("write");
    let (code, out, _) = run(&["check", "--format", "json", "."], &dir, None);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    assert_valid(&doc);
    let codes: Vec<&str> = (doc["diagnostics"].as_array().expect("diagnostics"))
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        [
            "config",
            "missing-section",
            "missing-title",
            "malformed-link",
            "unresolved-reference",
            "numbering",
            "missing-section",
            "unknown-label"
        ]
    );
    // What the schema rejects: a diagnostic without its code.
    let mut broken = doc.clone();
    if let Some(d) = broken["diagnostics"][0].as_object_mut() {
        d.remove("code");
    }
    let text = std::fs::read_to_string(schema_path()).expect("schema");
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("a valid schema");
    assert!(!validator.is_valid(&broken));
}

#[test]
fn several_digests_need_a_folder_and_keep_their_relative_paths() {
    let dir = digest_e2e::temp_dir("export-many");
    digest_e2e::write_file(&dir.join("in/a.digest"), A);
    digest_e2e::write_file(&dir.join("in/b.digest"), B);
    digest_e2e::write_file(&dir.join("in/sub/b.digest"), B);

    let (code, out, err) = run(&["export", "--to", "html", "in"], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "digest-lsp export: 3 digests to export: name a folder for them with -o OUT\n"
        )
    );

    let (code, out, err) = run(&["export", "--to", "html", "-o", "out", "in"], &dir, None);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let mut written: Vec<String> = ["out/a.html", "out/b.html", "out/sub/b.html"]
        .iter()
        .filter(|p| dir.join(p).is_file())
        .map(|p| p.to_string())
        .collect();
    written.sort();
    assert_eq!(written, ["out/a.html", "out/b.html", "out/sub/b.html"]);
    let a = std::fs::read_to_string(dir.join("out/a.html")).expect("a.html");
    assert!(a.contains(
        "see <a href=\"b.html#paper1\">b#Paper1</a> and <a href=\"#paper2\">Paper2</a>."
    ));
    assert!(a.contains("<article class=\"paper\" id=\"paper2\" data-line=\"6\">"));
}

#[test]
fn one_digest_to_a_file_or_into_a_folder() {
    let dir = digest_e2e::temp_dir("export-o");
    std::fs::write(dir.join("b.digest"), B).expect("write");
    let (code, out, err) = run(
        &["export", "--to", "json", "-o", "deep/x.json", "b.digest"],
        &dir,
        None,
    );
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("deep/x.json")).expect("x.json"))
            .expect("JSON");
    assert_eq!(doc["papers"][0]["title"], "Other");

    let (code, _, err) = run(
        &["export", "--to", "markdown", "-o", "md/", "b.digest"],
        &dir,
        None,
    );
    assert_eq!((code, err.as_str()), (0, ""));
    let md = std::fs::read_to_string(dir.join("md/b.md")).expect("md/b.md");
    assert_eq!(
        md,
        "# B\n\n<a id=\"paper1\"></a>\n\n## Paper1 Other\n\n**Abstract:** x\n\n**Summary:** y\n"
    );
}

#[test]
fn unreadable_inputs_give_2_and_the_others_are_exported() {
    let dir = digest_e2e::temp_dir("export-bad");
    std::fs::write(dir.join("b.digest"), B).expect("write");
    std::fs::write(dir.join("bad.digest"), b"Paper1 \xff\n").expect("write");
    let (code, out, err) = run(
        &[
            "export",
            "--to",
            "markdown",
            "-o",
            "out",
            "bad.digest",
            "b.digest",
            "nowhere.digest",
        ],
        &dir,
        None,
    );
    assert_eq!(out, "");
    assert_eq!(
        err,
        "nowhere.digest: no such file or folder\nbad.digest: is not valid UTF-8 (first bad byte at offset 7)\n"
    );
    assert_eq!(code, 2);
    assert!(dir.join("out/b.md").is_file());
    assert!(!dir.join("out/bad.md").exists());

    let (code, _, err) = run(&["export", "--to", "pdf", "b.digest"], &dir, None);
    assert_eq!(code, 2);
    assert!(
        err.contains("invalid value 'pdf' for '--to <FORMAT>'"),
        "{err}"
    );
}

#[test]
fn standard_input_is_read_with_a_dash() {
    let dir = digest_e2e::temp_dir("export-stdin");
    let (code, out, err) = run(&["export", "--to", "json", "-"], &dir, Some(B.as_bytes()));
    assert_eq!((code, err.as_str()), (0, ""));
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    assert_valid(&doc);
    assert_eq!(doc["path"], "-");
    assert_eq!(doc["title"], "B");
}

#[test]
fn the_shared_sample_exports_to_every_format() {
    let Some(sample) = digest_e2e::shared_sample() else {
        return;
    };
    let dir = digest_e2e::temp_dir("export-sample");
    let sample = sample.to_string_lossy().into_owned();

    let (code, md, err) = run(&["export", "--to", "markdown", &sample], &dir, None);
    assert_eq!((code, err.as_str()), (0, ""));
    let headings = md.lines().filter(|l| l.starts_with("## ")).count();
    assert_eq!(headings, 28);
    let anchors: Vec<String> = (md.lines())
        .filter_map(|l| l.strip_prefix("<a id=\"")?.strip_suffix("\"></a>"))
        .map(str::to_string)
        .collect();
    let expected: Vec<String> = (1..=28).map(|n| format!("paper{n}")).collect();
    assert_eq!(anchors, expected);

    // Read by a CommonMark parser: 28 second-level headings, each after
    // its anchor, and every letter and digit of the sample, in order.
    let mut headings = Vec::new();
    let mut anchors_read = Vec::new();
    let mut letters = String::new();
    let mut in_heading = None;
    for event in pulldown_cmark::Parser::new(&md) {
        use pulldown_cmark::{Event, Tag, TagEnd};
        match event {
            Event::Start(Tag::Heading { level, .. }) => in_heading = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => headings.extend(in_heading.take()),
            Event::Text(t) => {
                if let Some((_, h)) = &mut in_heading {
                    h.push_str(&t);
                }
                letters.extend(t.chars().filter(|c| c.is_alphanumeric()));
            }
            Event::InlineHtml(h) | Event::Html(h) if h.starts_with("<a id=") => {
                anchors_read.push(h.to_string())
            }
            _ => {}
        }
    }
    let second: Vec<&String> = (headings.iter())
        .filter(|(level, _)| *level == pulldown_cmark::HeadingLevel::H2)
        .map(|(_, text)| text)
        .collect();
    assert_eq!(second.len(), 28);
    assert!(
        second[2].starts_with("Paper3 Automated Knowledge Distillation"),
        "{}",
        second[2]
    );
    let expected: Vec<String> = (1..=28).map(|n| format!("<a id=\"paper{n}\">")).collect();
    assert_eq!(anchors_read, expected);
    let text = std::fs::read_to_string(&sample).expect("the sample");
    let mut rendered = letters.chars();
    for c in text.chars().filter(|c| c.is_alphanumeric()) {
        assert!(rendered.any(|r| r == c), "{c:?} of the sample is lost");
    }

    let (code, out, err) = run(&["export", "--to", "json", &sample], &dir, None);
    assert_eq!((code, err.as_str()), (0, ""));
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    assert_valid(&doc);
    assert_eq!(doc["papers"].as_array().map(Vec::len), Some(28));
    let codes: Vec<&str> = (doc["diagnostics"].as_array().expect("diagnostics"))
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert_eq!(codes, ["link-without-scheme", "link-without-scheme"]);
    assert_eq!(
        doc["counts"],
        json!({"error": 0, "warning": 0, "info": 0, "hint": 2})
    );

    let (code, html, err) = run(&["export", "--to", "html", &sample], &dir, None);
    assert_eq!((code, err.as_str()), (0, ""));
    assert_eq!(
        html.matches("<article class=\"paper\" id=\"paper").count(),
        28
    );
    let toc = html
        .split_once("<nav class=\"toc\"")
        .and_then(|(_, rest)| rest.split_once("</nav>"))
        .map(|(toc, _)| toc)
        .expect("a table of contents");
    assert_eq!(toc.matches("<li><a href=\"#paper").count(), 28);
    assert!(toc.contains("<li><a href=\"#paper28\">Paper28 "));
}

#[test]
fn a_broken_digest_toml_is_reported_and_the_digest_still_exported() {
    let dir = digest_e2e::temp_dir("export-config");
    std::fs::write(dir.join("b.digest"), B).expect("write");
    std::fs::write(dir.join("digest.toml"), "[rules\n").expect("write");
    let (code, out, err) = run(&["export", "--to", "markdown", "b.digest"], &dir, None);
    assert_eq!(code, 2);
    assert_eq!(
        out,
        "# B\n\n<a id=\"paper1\"></a>\n\n## Paper1 Other\n\n**Abstract:** x\n\n**Summary:** y\n"
    );
    assert_eq!(
        err,
        "digest.toml:1:7: error[config]: invalid TOML: unclosed table, expected `]`\n"
    );
}
