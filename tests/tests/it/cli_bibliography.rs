//! `digest-lsp check` reads each digest's bibliography (spec, "The `check`
//! command", "Bibliography"): a broken entry is an `error[bibliography]`
//! line of the bibliography file, printed once however many digests read
//! it, counted in the summary and in the exit status.

use std::path::Path;

use digest_e2e::{run_cli, temp_dir, write_file as write};
use serde_json::{Value, json};

/// `digest-lsp check <args>` in `cwd`, nothing on its standard input.
fn check(args: &[&str], cwd: &Path) -> (i32, String, String) {
    run_cli(&[&["check"], args].concat(), cwd, None)
}

/// Two good entries around one whose title brace is never closed.
const REFS: &str = "@string{cvpr = {Computer Vision and Pattern Recognition}}\n\n@article{hinton2015distilling,\n  title = {Distilling the Knowledge in a Neural Network},\n  year = {2015},\n}\n\n@inproceedings{broken2020,\n  title = {A Title With No End,\n  year = {2020},\n}\n\n@inproceedings{park2019relational,\n  title = {Relational Knowledge Distillation},\n  booktitle = cvpr,\n  year = {2019},\n}\n";

const DIGEST: &str = "Paper1 Relational Knowledge Distillation\nAbstract: Relations between samples are distilled.\nSummary: Distances and angles are kept.\n";

const OTHER: &str = "Paper1 Distilling the Knowledge in a Neural Network\nAbstract: Soft targets carry dark knowledge.\nSummary: A temperature softens the logits.\n";

#[test]
fn a_broken_entry_is_one_error_line_of_the_bib_file_and_exit_status_1() {
    let dir = temp_dir("cli-bib");
    write(&dir.join("a.digest"), DIGEST);
    write(&dir.join("b.digest"), OTHER);
    write(&dir.join("refs.bib"), REFS);
    let (code, out, err) = check(&["--format", "text", "."], &dir);
    assert_eq!(err, "");
    // Once, before the first digest that reads it, though both do.
    assert_eq!(
        out,
        "refs.bib:11:2: error[bibliography]: entry `broken2020`: expected comma\n\
         1 error, 0 warnings, 0 infos, 0 hints\n"
    );
    assert_eq!(code, 1);

    let (code, out, _) = check(&["--format", "json", "a.digest"], &dir);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        doc,
        json!({
            "diagnostics": [{
                "path": "refs.bib",
                "line": 11, "column": 2, "endLine": 11, "endColumn": 2,
                "severity": "error",
                "code": "bibliography",
                "message": "entry `broken2020`: expected comma",
            }],
            "counts": {"error": 1, "warning": 0, "info": 0, "hint": 0},
        })
    );

    // Mended: clean.
    write(&dir.join("refs.bib"), &REFS.replace("No End,", "An End},"));
    let (code, out, _) = check(&["--format", "text", "."], &dir);
    assert_eq!(out, "0 errors, 0 warnings, 0 infos, 0 hints\n");
    assert_eq!(code, 0);
}

#[test]
fn the_config_names_the_bibliography_and_a_missing_file_is_an_error() {
    let dir = temp_dir("cli-bib-config");
    write(
        &dir.join("digest.toml"),
        "[bibliography]\nfiles = [\"library/refs.bib\", \"zotero.json\"]\n",
    );
    write(&dir.join("notes/a.digest"), DIGEST);
    write(&dir.join("library/refs.bib"), REFS);
    // Beside the digest, not named: not read.
    write(&dir.join("notes/stray.bib"), "@article{stray,\n");
    let (code, out, err) = check(&["--format", "text", "notes"], &dir);
    assert_eq!(err, "");
    assert_eq!(
        out,
        "library/refs.bib:11:2: error[bibliography]: entry `broken2020`: expected comma\n\
         zotero.json:1:1: error[bibliography]: this bibliography file cannot be read: No such file or directory (os error 2)\n\
         2 errors, 0 warnings, 0 infos, 0 hints\n"
    );
    assert_eq!(code, 1);

    // A CSL-JSON export, read as such.
    write(
        &dir.join("zotero.json"),
        r#"[{"id": "park2019", "type": "paper-conference", "title": "Relational Knowledge Distillation", "issued": {"date-parts": [[2019]]}}]"#,
    );
    let (code, out, _) = check(&["--format", "text", "notes"], &dir);
    assert_eq!(
        out,
        "library/refs.bib:11:2: error[bibliography]: entry `broken2020`: expected comma\n\
         1 error, 0 warnings, 0 infos, 0 hints\n"
    );
    assert_eq!(code, 1);
}

/// A key that an earlier file of the bibliography has too: an error on the
/// later file, at the key, naming the entry that counts; and a citation of
/// a bibliography whose only file has no entry says so.
#[test]
fn a_key_in_two_files_is_an_error_of_the_later_one() {
    let dir = temp_dir("cli-bib-dup");
    write(&dir.join("a.digest"), DIGEST);
    write(
        &dir.join("a.bib"),
        "@article{park2019relational,\n  title = {Relational Knowledge Distillation},\n}\n",
    );
    write(
        &dir.join("b.bib"),
        "% again\n@misc{park2019relational, title = {Another}}\n",
    );
    let (code, out, err) = check(&["--format", "text", "."], &dir);
    assert_eq!(err, "");
    assert_eq!(
        out,
        "b.bib:2:7: error[bibliography]: duplicate key `park2019relational`: the entry at line 1 of `a.bib` is used\n\
         1 error, 0 warnings, 0 infos, 0 hints\n"
    );
    assert_eq!(code, 1);

    let empty = temp_dir("cli-bib-empty");
    write(
        &empty.join("refs.bib"),
        "% exported before the first entry\n",
    );
    write(
        &empty.join("a.digest"),
        "Paper1 Some Title [[@park2019relational]]\nAbstract: a\nSummary: b\n",
    );
    let (code, out, _) = check(&["--format", "text", "."], &empty);
    assert_eq!(
        out,
        "./a.digest:1:19: error[unresolved-citation]: Paper1: unresolved citation `@park2019relational`: the bibliography (refs.bib) has no entry: add the entry with this key\n\
         1 error, 0 warnings, 0 infos, 0 hints\n"
    );
    assert_eq!(code, 1);
}
