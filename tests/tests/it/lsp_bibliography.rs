//! The bibliography's plumbing end to end, over the real binary (spec,
//! "Bibliography"): which files a digest's bibliography is, a broken
//! entry published as a `bibliography` error of the bibliography file
//! (open or not) while the others are read, and the file read again when
//! it changes in the editor or on disk.
//!
//! What the bound entries give (hover, completion, `unresolved-citation`)
//! is tested in `lsp_bibliography_bound.rs`.
//!
//! Every fixture lives in a fresh folder; every wait is on an event, with
//! a timeout. Diagnostics are compared whole.

use digest_e2e::{
    Client, diagnostic, document, file_uri, published, range, watching, workspace_dir as scratch,
    write_file as write,
};
use serde_json::{Value, json};

/// A Better BibTeX export: an `@string`, two good entries around one whose
/// title brace is never closed.
pub const REFS: &str = "% Exported by Better BibTeX\n@string{cvpr = {Computer Vision and Pattern Recognition}}\n\n@article{hinton2015distilling,\n  title = {Distilling the Knowledge in a Neural Network},\n  author = {Hinton, Geoffrey and Vinyals, Oriol and Dean, Jeff},\n  year = {2015},\n  eprint = {1503.02531},\n}\n\n@inproceedings{broken2020,\n  title = {A Title With No End,\n  year = {2020},\n}\n\n@inproceedings{park2019relational,\n  title = {Relational Knowledge Distillation},\n  author = {Park, Wonpyo and Kim, Dongju and Lu, Yan and Cho, Minsu},\n  booktitle = cvpr,\n  year = {2019},\n}\n";

/// [`REFS`] with the broken entry mended.
const REFS_MENDED: &str = "% Exported by Better BibTeX\n@string{cvpr = {Computer Vision and Pattern Recognition}}\n\n@article{hinton2015distilling,\n  title = {Distilling the Knowledge in a Neural Network},\n  author = {Hinton, Geoffrey and Vinyals, Oriol and Dean, Jeff},\n  year = {2015},\n  eprint = {1503.02531},\n}\n\n@inproceedings{broken2020,\n  title = {A Title With An End},\n  year = {2020},\n}\n\n@inproceedings{park2019relational,\n  title = {Relational Knowledge Distillation},\n  author = {Park, Wonpyo and Kim, Dongju and Lu, Yan and Cho, Minsu},\n  booktitle = cvpr,\n  year = {2019},\n}\n";

/// A clean digest beside the bibliography.
const DIGEST: &str = "Paper1 Relational Knowledge Distillation\nAbstract: Relations between samples are distilled.\nSummary: The student keeps the teacher's distances and angles.\n";

/// The one error of [`REFS`]: the parser stops at the broken entry's
/// closing brace (line 14, column 2), where a comma was expected.
fn broken_entry() -> Value {
    json!([diagnostic(
        "bibliography",
        1,
        range(13, 1, 13, 1),
        "entry `broken2020`: expected comma",
    )])
}

/// Waits for the diagnostics of the file `uri` (not open, or a bibliography:
/// no version) and compares them whole with `want`.
#[track_caller]
fn expect_published(client: &mut Client, uri: &str, want: Value) {
    assert_eq!(
        client.wait_diagnostics(uri, None),
        published(uri, None, want)
    );
}

/// The error of a named bibliography file that is not there.
fn not_there() -> Value {
    json!([diagnostic(
        "bibliography",
        1,
        range(0, 0, 0, 0),
        "this bibliography file cannot be read: No such file or directory (os error 2)",
    )])
}

/// A fresh folder `name` with `a.digest` ([`DIGEST`]) and `refs.bib`
/// ([`REFS`]) in it: the folder and the two files' URIs.
fn digest_and_refs(name: &str) -> (std::path::PathBuf, String, String) {
    let dir = scratch(name);
    write(&dir.join("a.digest"), DIGEST);
    write(&dir.join("refs.bib"), REFS);
    let (uri, bib) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("refs.bib")),
    );
    (dir, uri, bib)
}

/// `textDocument/didOpen` of a BibTeX file, as VS Code and Neovim send it.
fn open_bib(client: &mut Client, uri: &str, text: &str, version: i64) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {
            "uri": uri, "languageId": "bibtex", "version": version, "text": text,
        }}),
    );
}

/// Waits for the log line that says the server read `path` again.
fn wait_reread(client: &mut Client, path: &std::path::Path) {
    let said = format!(
        "digest-lsp: read the bibliography file {} again",
        path.display()
    );
    client.expect_notification("window/logMessage", |p| p["message"] == said.as_str());
}

#[test]
fn a_broken_entry_is_an_error_of_the_bib_file_published_with_the_digest_check() {
    let (_dir, uri, bib) = digest_and_refs("bib-broken");
    let mut client = Client::start(json!({}), None);
    client.open(&uri, DIGEST, 1);
    // The bib file is not open: its error is published all the same.
    expect_published(&mut client, &bib, broken_entry());
    assert_eq!(
        client.wait_diagnostics(&uri, Some(1)),
        published(&uri, Some(1), json!([]))
    );
    // Said once: a keystroke in the digest reads nothing again.
    client.change_full(&uri, 2, &format!("{DIGEST}\n"));
    client.wait_diagnostics(&uri, Some(2));
    let again: Vec<Value> = (client.drain_notifications("textDocument/publishDiagnostics"))
        .into_iter()
        .filter(|p| p["uri"] == bib.as_str())
        .collect();
    assert_eq!(again, Vec::<Value>::new());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_bib_edited_in_the_editor_is_read_from_its_text_and_from_the_disk_once_closed() {
    let dir = scratch("bib-edited");
    write(&dir.join("refs.bib"), REFS);
    let path = dir.join("refs.bib");
    let bib = file_uri(&path);
    let mut client = Client::start(json!({}), None);
    // Open alone (no digest open): read and its error published.
    open_bib(&mut client, &bib, REFS, 1);
    expect_published(&mut client, &bib, broken_entry());
    wait_reread(&mut client, &path);
    // Mended in the editor, not saved: the error goes.
    client.change_full(&bib, 2, REFS_MENDED);
    expect_published(&mut client, &bib, json!([]));
    // Broken again elsewhere: a new error at its place.
    let broken = REFS_MENDED.replace("  year = {2019},\n}\n", "  year = {2019},\n");
    client.change_full(&bib, 3, &broken);
    expect_published(
        &mut client,
        &bib,
        json!([diagnostic(
            "bibliography",
            1,
            range(19, 16, 19, 16),
            "entry `park2019relational`: unexpected end of file",
        )]),
    );
    // A bib file is no digest: nothing to format, no outline.
    assert_eq!(
        client.request_ok(
            "textDocument/formatting",
            json!({"textDocument": {"uri": bib}, "options": {"tabSize": 2, "insertSpaces": true}})
        ),
        json!([])
    );
    assert_eq!(client.document_symbols(&bib), json!([]));
    // Closed unsaved: the disk's text, and its error, apply again.
    client.close(&bib);
    expect_published(&mut client, &bib, broken_entry());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_bib_changed_on_disk_is_read_again_when_the_editor_says_so() {
    let (dir, uri, bib) = digest_and_refs("bib-disk");
    let path = dir.join("refs.bib");
    let mut client = Client::start(watching(), Some(&dir));
    let registration = client.expect_server_request("client/registerCapability");
    let globs = &registration["registrations"][0]["registerOptions"]["watchers"];
    assert!(
        globs
            .as_array()
            .is_some_and(|w| w.contains(&json!({"globPattern": "**/*.bib"}))),
        "{registration}"
    );
    client.wait_indexed();
    client.open(&uri, DIGEST, 1);
    expect_published(&mut client, &bib, broken_entry());
    // Mended on disk (Better BibTeX re-exports it).
    write(&path, REFS_MENDED);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": bib, "type": 2}]}),
    );
    expect_published(&mut client, &bib, json!([]));
    wait_reread(&mut client, &path);
    // Deleted: no bibliography beside the digest any more; nothing to say.
    std::fs::remove_file(&path).expect("delete");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": bib, "type": 3}]}),
    );
    wait_reread(&mut client, &path);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_config_names_the_files_and_a_missing_one_is_an_error_at_its_start() {
    let dir = scratch("bib-config");
    write(
        &dir.join("digest.toml"),
        "[bibliography]\nfiles = [\"library/refs.bib\", \"zotero.json\"]\n",
    );
    write(&dir.join("notes/a.digest"), DIGEST);
    write(&dir.join("library/refs.bib"), REFS);
    // Beside the digest, but not named: not read.
    write(&dir.join("notes/other.bib"), "@article{x,\n");
    let uri = file_uri(dir.join("notes/a.digest"));
    let (bib, json_uri, other) = (
        file_uri(dir.join("library/refs.bib")),
        file_uri(dir.join("zotero.json")),
        file_uri(dir.join("notes/other.bib")),
    );
    let mut client = Client::start(json!({}), None);
    client.open_and_wait(&uri, DIGEST, 1);
    let mut got: Vec<Value> = client
        .drain_notifications("textDocument/publishDiagnostics")
        .into_iter()
        .filter(|p| p["uri"] != uri.as_str())
        .collect();
    got.sort_by_key(|p| p["uri"].as_str().unwrap_or_default().to_string());
    assert_eq!(
        got,
        [
            published(&bib, None, broken_entry()),
            published(&json_uri, None, not_there()),
        ]
    );
    assert!(!got.iter().any(|p| p["uri"] == other.as_str()));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_client_that_pulls_gets_the_bib_errors_pushed_and_a_pull_of_the_bib_answers_none() {
    let (dir, uri, bib) = digest_and_refs("bib-pull");
    let capabilities = json!({"textDocument": {"diagnostic": {"dynamicRegistration": false}}});
    let mut client = Client::start(capabilities, Some(&dir));
    client.wait_indexed();
    client.open(&uri, DIGEST, 1);
    let report = client.request_ok("textDocument/diagnostic", document(&uri));
    assert_eq!(report["items"], json!([]));
    expect_published(&mut client, &bib, broken_entry());
    open_bib(&mut client, &bib, REFS, 1);
    let report = client.request_ok("textDocument/diagnostic", document(&bib));
    assert_eq!(report["items"], json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_bib_edit_asks_a_client_that_pulls_to_pull_again() {
    let (dir, uri, bib) = digest_and_refs("bib-refresh");
    let capabilities = json!({
        "textDocument": {"diagnostic": {"dynamicRegistration": false}},
        "workspace": {"diagnostics": {"refreshSupport": true}},
    });
    let mut client = Client::start(capabilities, Some(&dir));
    client.wait_indexed();
    client.open(&uri, DIGEST, 1);
    client.request_ok("textDocument/diagnostic", document(&uri));
    expect_published(&mut client, &bib, broken_entry());
    // The one that follows the indexing.
    client.expect_server_request("workspace/diagnostic/refresh");
    open_bib(&mut client, &bib, REFS, 1);
    client.change_full(&bib, 2, REFS_MENDED);
    expect_published(&mut client, &bib, json!([]));
    // The next: the bib edit's.
    client.expect_server_request("workspace/diagnostic/refresh");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_named_csl_json_file_is_watched_one_by_one_and_read_again_when_exported() {
    let dir = scratch("bib-json");
    write(
        &dir.join("digest.toml"),
        "[bibliography]\nfiles = [\"zotero.json\"]\n",
    );
    write(&dir.join("a.digest"), DIGEST);
    let uri = file_uri(dir.join("a.digest"));
    let json_uri = file_uri(dir.join("zotero.json"));
    let mut capabilities = watching();
    capabilities["workspace"]["didChangeWatchedFiles"]["relativePatternSupport"] = json!(true);
    let mut client = Client::start(capabilities, Some(&dir));
    client.expect_server_request("client/registerCapability");
    client.wait_indexed();
    client.open(&uri, DIGEST, 1);
    // Not exported yet: an error, and the file watched by its folder and name.
    expect_published(&mut client, &json_uri, not_there());
    let folder = file_uri(&dir);
    assert_eq!(
        client.expect_server_request("client/registerCapability"),
        json!({"registrations": [{
            "id": "digest-bibliography-files-1",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": [
                {"globPattern": {"baseUri": folder, "pattern": "zotero.json"}},
            ]},
        }]})
    );
    // Exported (Better CSL JSON): read, the error goes.
    write(
        &dir.join("zotero.json"),
        r#"[{"id": "park2019relational", "type": "paper-conference", "title": "Relational Knowledge Distillation"}]"#,
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": json_uri, "type": 1}]}),
    );
    expect_published(&mut client, &json_uri, json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_file_the_config_no_longer_names_loses_its_errors() {
    let dir = scratch("bib-unnamed");
    let toml = dir.join("digest.toml");
    write(&toml, "[bibliography]\nfiles = [\"old.bib\"]\n");
    write(&dir.join("a.digest"), DIGEST);
    write(&dir.join("old.bib"), REFS);
    let (uri, old, toml_uri) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("old.bib")),
        file_uri(&toml),
    );
    let mut client = Client::start(json!({}), None);
    client.open(&uri, DIGEST, 1);
    expect_published(&mut client, &old, broken_entry());
    // Edited in the editor: the digest's bibliography is another file now.
    let config = "[bibliography]\nfiles = [\"new.json\"]\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": toml_uri, "languageId": "toml", "version": 1, "text": config}}),
    );
    expect_published(&mut client, &old, json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
