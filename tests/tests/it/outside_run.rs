//! An outside tester's run of the bibliography (issue 15) and the export
//! (issue 16): what a demanding user tried and found wrong, each finding a
//! test that failed before its fix.
//!
//! Every fixture is written here, in a fresh folder; every wait is on an
//! event, with a timeout.

use digest_e2e::{
    Client, codes, diagnostic, file_uri, published, range, read, run_cli as run,
    workspace_dir as scratch, write_file as write,
};
use serde_json::json;

/// A digest kept as Markdown (`[files] include = ["*.md"]`).
const NOTES_MD: &str = "Paper1 Teacher\nAbstract: a\nSummary: b\n";

#[test]
fn export_to_markdown_never_writes_over_a_digest_kept_as_markdown() {
    let dir = scratch("outside-export-over-md");
    write(&dir.join("digest.toml"), "[files]\ninclude = [\"*.md\"]\n");
    write(&dir.join("notes.md"), NOTES_MD);
    write(&dir.join("more.md"), NOTES_MD);

    // Named as its own output.
    let (code, out, err) = run(
        &["export", "--to", "markdown", "-o", "notes.md", "notes.md"],
        &dir,
        None,
    );
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "notes.md: cannot write notes.md: the export would overwrite the digest itself\n"
        )
    );
    assert_eq!(read(&dir.join("notes.md")), NOTES_MD);

    // A folder exported into itself: neither digest is written over, and
    // each says so.
    let (code, out, err) = run(&["export", "--to", "markdown", "-o", ".", "."], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "./more.md: cannot write ./more.md: the export would overwrite the digest itself\n\
             ./notes.md: cannot write ./notes.md: the export would overwrite the digest itself\n"
        )
    );
    assert_eq!(read(&dir.join("notes.md")), NOTES_MD);
    assert_eq!(read(&dir.join("more.md")), NOTES_MD);
}

/// A bibliography of two entries, each with an identifier.
const LIBRARY: &str = "@article{hinton2015distilling,\n  title = {Distilling the Knowledge in a Neural Network},\n  author = {Hinton, Geoffrey and Vinyals, Oriol and Dean, Jeff},\n  year = {2015},\n  doi = {10.48550/arXiv.1503.02531},\n  eprint = {1503.02531},\n  archiveprefix = {arXiv},\n}\n\n@inproceedings{park2019relational,\n  title = {Relational Knowledge Distillation},\n  author = {Park, Wonpyo},\n  year = {2019},\n  eprint = {1904.05068},\n  archiveprefix = {arXiv},\n}\n";

/// Paper1 bound by its title, Paper2 by its arXiv identifier.
const BY_TITLE: &str = "Paper1 Distilling the knowledge in a neural network\nAbstract: soft targets.\nSummary: 软目标。\n\nPaper2 Distances and angles\nAbstract: see https://arxiv.org/abs/1904.05068 for it.\nSummary: 关系。\n";

/// Paper1 bound by its DOI, Paper2 by its title: the same two papers, told
/// apart from [`BY_TITLE`] by no shared title or identifier in the text.
const BY_ID: &str = "Paper1 Soft targets from an ensemble\nAbstract: https://doi.org/10.48550/arXiv.1503.02531\nSummary: 同上。\n\nPaper2 Relational knowledge distillation\nAbstract: a.\nSummary: b.\n";

#[test]
fn check_finds_papers_of_two_digests_bound_to_one_entry_by_different_ways() {
    let dir = scratch("outside-bound-twice");
    write(&dir.join("refs.bib"), LIBRARY);
    write(&dir.join("a.digest"), BY_TITLE);
    write(&dir.join("b.digest"), BY_ID);
    let (code, out, err) = run(&["check", "--format", "text", "."], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            0,
            "./a.digest:1:1: hint[duplicate-paper-across-files]: Paper1 is also in `b` as Paper1, with the same bibliography entry `hinton2015distilling`: keep one and refer to it with `[[b#Paper1]]`\n\
             ./a.digest:5:1: hint[duplicate-paper-across-files]: Paper2 is also in `b` as Paper2, with the same bibliography entry `park2019relational`: keep one and refer to it with `[[b#Paper2]]`\n\
             ./a.digest:5:8: hint[title-mismatch]: Paper2's title differs from that of the entry `park2019relational` it is bound to by its arXiv identifier (\"Relational Knowledge Distillation\"): correct the heading's title, or the entry\n\
             ./b.digest:1:1: hint[duplicate-paper-across-files]: Paper1 is also in `a` as Paper1, with the same bibliography entry `hinton2015distilling`: keep one and refer to it with `[[a#Paper1]]`\n\
             ./b.digest:1:8: hint[title-mismatch]: Paper1's title differs from that of the entry `hinton2015distilling` it is bound to by its DOI (\"Distilling the Knowledge in a Neural Network\"): correct the heading's title, or the entry\n\
             ./b.digest:5:1: hint[duplicate-paper-across-files]: Paper2 is also in `a` as Paper2, with the same bibliography entry `park2019relational`: keep one and refer to it with `[[a#Paper2]]`\n\
             0 errors, 0 warnings, 0 infos, 6 hints\n",
            ""
        )
    );
}

#[test]
fn the_server_finds_papers_of_two_digests_bound_to_one_entry_by_different_ways() {
    let dir = scratch("outside-bound-twice-lsp");
    write(&dir.join("refs.bib"), LIBRARY);
    write(&dir.join("a.digest"), BY_TITLE);
    write(&dir.join("b.digest"), BY_ID);
    let (a, b) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("b.digest")),
    );
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();
    // b is closed: its papers are known from the index.
    assert_eq!(
        client.open_and_wait(&a, BY_TITLE, 1),
        published(
            &a,
            Some(1),
            json!([
                diagnostic(
                    "title-mismatch",
                    4,
                    range(4, 7, 4, 27),
                    "Paper2's title differs from that of the entry `park2019relational` it is bound to by its arXiv identifier (\"Relational Knowledge Distillation\"): correct the heading's title, or the entry",
                ),
                diagnostic(
                    "duplicate-paper-across-files",
                    4,
                    range(0, 0, 0, 51),
                    "Paper1 is also in `b` as Paper1, with the same bibliography entry `hinton2015distilling`: keep one and refer to it with `[[b#Paper1]]`",
                ),
                diagnostic(
                    "duplicate-paper-across-files",
                    4,
                    range(4, 0, 4, 27),
                    "Paper2 is also in `b` as Paper2, with the same bibliography entry `park2019relational`: keep one and refer to it with `[[b#Paper2]]`",
                ),
            ])
        )
    );
    // Both open: b says so too.
    let found = client.open_and_wait(&b, BY_ID, 1);
    assert_eq!(
        codes(&found),
        [
            "title-mismatch@0",
            "duplicate-paper-across-files@0",
            "duplicate-paper-across-files@4"
        ]
    );
    // The entry of Paper1 taken out of the bibliography in the editor,
    // unsaved: the two Paper1 are no longer one, in either digest.
    let bib = file_uri(dir.join("refs.bib"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": bib, "languageId": "bibtex", "version": 1, "text": LIBRARY}}),
    );
    let without = &LIBRARY[LIBRARY.find("@inproceedings").unwrap_or(0)..];
    client.change_full(&bib, 2, without);
    client.wait_codes(&b, |codes| codes == ["duplicate-paper-across-files@4"]);
    client.change_full(&a, 2, BY_TITLE);
    client.wait_codes(&a, |codes| {
        codes == ["title-mismatch@4", "duplicate-paper-across-files@4"]
    });
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// A Better CSL JSON export named after the digest it serves.
const LIBRARY_JSON: &str = "[{\"id\": \"park2019relational\", \"title\": \"Relational Knowledge Distillation\", \"issued\": {\"date-parts\": [[2019]]}}]\n";

/// Cites the entry of [`LIBRARY_JSON`].
const CITING: &str = "Paper1 Relational Knowledge Distillation\nAbstract: a\nSummary: b\nCite: [[@park2019relational]]\n";

#[test]
fn export_to_json_never_writes_over_the_csl_json_bibliography_beside_the_digest() {
    let dir = scratch("outside-export-over-json");
    write(
        &dir.join("digest.toml"),
        "[bibliography]\nfiles = [\"library.json\"]\n",
    );
    write(&dir.join("library.json"), LIBRARY_JSON);
    write(&dir.join("library.digest"), CITING);
    let (code, out, err) = run(
        &["export", "--to", "json", "-o", ".", "library.digest"],
        &dir,
        None,
    );
    let bib = dir.join("library.json");
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "library.digest: cannot write ./library.json: the export would overwrite the bibliography file library.json\n"
        )
    );
    assert_eq!(read(&bib), LIBRARY_JSON);

    // The editor's "Digest: Export..." to JSON, by default next to the
    // digest: the same name.
    let uri = file_uri(dir.join("library.digest"));
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();
    let refused = client.request(
        "workspace/executeCommand",
        json!({"command": "digest.export", "arguments": [uri, "json"]}),
    );
    assert_eq!(
        refused,
        Err(json!({
            "code": -32803,
            "message": format!(
                "digest-lsp: the export would overwrite a file of the digest's bibliography ({})",
                bib.display()
            ),
        }))
    );
    assert_eq!(read(&bib), LIBRARY_JSON);
    // Nor another digest of the workspace, nor a document open in the
    // editor.
    write(&dir.join("other.digest"), CITING);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(dir.join("other.digest")), "type": 1}]}),
    );
    client.wait_followed();
    let other = dir.join("other.digest");
    let refused = client.request(
        "workspace/executeCommand",
        json!({"command": "digest.export", "arguments": [uri, "markdown", "other.digest"]}),
    );
    assert_eq!(
        refused,
        Err(json!({
            "code": -32803,
            "message": format!("digest-lsp: the export would overwrite a digest ({})", other.display()),
        }))
    );
    assert_eq!(read(&other), CITING);
    let notes = dir.join("notes.txt");
    write(&notes, "my notes\n");
    client.open(&file_uri(&notes), "my notes, unsaved\n", 1);
    let refused = client.request(
        "workspace/executeCommand",
        json!({"command": "digest.export", "arguments": [uri, "markdown", "notes.txt"]}),
    );
    assert_eq!(
        refused,
        Err(json!({
            "code": -32803,
            "message": format!("digest-lsp: the export would overwrite a document open in the editor ({})", notes.display()),
        }))
    );
    assert_eq!(read(&notes), "my notes\n");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_bibliography_file_is_neither_rendered_nor_exported_as_a_digest() {
    let dir = scratch("outside-render-bib");
    write(&dir.join("refs.bib"), LIBRARY);
    write(
        &dir.join("digest.toml"),
        "[bibliography]\nfiles = [\"refs.bib\", \"library.json\"]\n",
    );
    write(&dir.join("library.json"), LIBRARY_JSON);
    write(&dir.join("a.digest"), CITING);
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();
    // The digest's check reads its bibliography.
    client.open_and_wait(&file_uri(dir.join("a.digest")), CITING, 1);
    for name in ["refs.bib", "library.json"] {
        let path = dir.join(name);
        let uri = file_uri(&path);
        let refusal = json!({
            "code": -32803,
            "message": format!("digest-lsp: {} is a bibliography file, not a digest", path.display()),
        });
        let rendered = client.request(
            "digest/render",
            json!({"textDocument": {"uri": uri}, "format": "markdown"}),
        );
        assert_eq!(rendered, Err(refusal.clone()), "{name}");
        let exported = client.request(
            "workspace/executeCommand",
            json!({"command": "digest.export", "arguments": [uri, "markdown"]}),
        );
        assert_eq!(exported, Err(refusal.clone()), "{name}");
    }
    // Open in the editor, too (an empty digest was rendered then).
    let bib = file_uri(dir.join("refs.bib"));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": bib, "languageId": "bibtex", "version": 1, "text": LIBRARY}}),
    );
    let rendered = client.request(
        "digest/render",
        json!({"textDocument": {"uri": bib}, "format": "html"}),
    );
    assert_eq!(
        rendered,
        Err(json!({
            "code": -32803,
            "message": format!("digest-lsp: {} is a bibliography file, not a digest", dir.join("refs.bib").display()),
        }))
    );
    assert!(!dir.join("refs.md").exists());
    assert!(!dir.join("library.md").exists());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Go to definition on a citation and a broken entry's error, with CJK and
/// an emoji in the `.bib`, in each encoding a client may negotiate: the
/// entry's line (the editor's text once open), the error at the character
/// where the reader stopped (`x` after `T😀}`: 12 characters, 13 UTF-16
/// units, 15 bytes into its line).
#[test]
fn definition_and_bib_errors_are_placed_in_every_encoding_with_cjk_in_the_bib() {
    let cite = "Paper1 T\nAbstract: a\nSummary: b\nCite: [[@k1]]\n";
    for (encoding, column) in [("utf-16", 13), ("utf-8", 15), ("utf-32", 12)] {
        let dir = scratch(&format!("outside-bib-{encoding}"));
        write(
            &dir.join("refs.bib"),
            "% 注释😀\n@article{k1,\n title={T},\n}\n",
        );
        write(&dir.join("a.digest"), cite);
        let (uri, bib) = (
            file_uri(dir.join("a.digest")),
            file_uri(dir.join("refs.bib")),
        );
        let mut client = Client::start(
            json!({"general": {"positionEncodings": [encoding]}}),
            Some(&dir),
        );
        client.open_and_wait(&uri, cite, 1);
        let at_key = json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 9}});
        assert_eq!(
            client.request_ok("textDocument/definition", at_key.clone()),
            json!({"uri": bib, "range": range(1, 0, 1, 0)}),
            "{encoding}"
        );
        // Open in the editor, a line added above the entry, unsaved.
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": bib, "languageId": "bibtex", "version": 1, "text": "% 注释😀\n\n@article{k1,\n title={T},\n}\n"}}),
        );
        client.expect_notification("window/logMessage", |p| {
            p["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("digest-lsp: read the bibliography file"))
        });
        assert_eq!(
            client.request_ok("textDocument/definition", at_key),
            json!({"uri": bib, "range": range(2, 0, 2, 0)}),
            "{encoding}"
        );
        client.change_full(&bib, 2, "% 注释😀\n@article{k1,\n title={T😀} x,\n}\n");
        assert_eq!(
            client.wait_diagnostics(&bib, None),
            published(
                &bib,
                None,
                json!([diagnostic(
                    "bibliography",
                    1,
                    range(2, column, 2, column),
                    "entry `k1`: expected comma"
                )])
            ),
            "{encoding}"
        );
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
    }
}

/// `digest.export` never writes over a file of another digest's
/// bibliography either (one the server has read).
#[test]
fn the_export_command_never_writes_over_another_digest_s_bibliography() {
    let dir = scratch("outside-export-over-other-bib");
    write(&dir.join("library.digest"), CITING);
    write(
        &dir.join("sub/digest.toml"),
        "[bibliography]\nfiles = [\"refs.json\"]\n",
    );
    let refs = dir.join("sub/refs.json");
    write(&refs, LIBRARY_JSON);
    write(&dir.join("sub/cites.digest"), CITING);
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();
    // The other digest's bibliography is read when it is checked.
    let cites = file_uri(dir.join("sub/cites.digest"));
    let published = client.open_and_wait(&cites, CITING, 1);
    let codes: Vec<&str> = (published["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter())
    .filter_map(|d| d["code"].as_str())
    .collect();
    // Its citation resolves (no unresolved-citation); the same paper is
    // in library.digest.
    assert_eq!(codes, ["duplicate-paper-across-files"]);
    let uri = file_uri(dir.join("library.digest"));
    let refused = client.request(
        "workspace/executeCommand",
        json!({"command": "digest.export", "arguments": [uri, "json", "sub/refs.json"]}),
    );
    assert_eq!(
        refused,
        Err(json!({
            "code": -32803,
            "message": format!(
                "digest-lsp: the export would overwrite a file of a bibliography ({})",
                refs.display()
            ),
        }))
    );
    assert_eq!(read(&refs), LIBRARY_JSON);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
