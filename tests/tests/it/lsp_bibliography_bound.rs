//! What an open digest gets from its bibliography, end to end, when the
//! bibliography changes in the editor (spec, "Bibliography"): a citation
//! whose key no entry has is `unresolved-citation` until the entry is
//! added to the `.bib` in the editor (unsaved), and again once removed;
//! the hover on a citation follows the entry's text.
//!
//! These need the analysis's citation rules and hover (issue 15, the core
//! side, merged separately): the exact hover text is the core's tests' to
//! fix; here, that the entry's facts reach it. The plumbing alone is tested
//! in `lsp_bibliography.rs`.

use digest_e2e::{Client, file_uri, position, workspace_dir as scratch};
use serde_json::{Value, json};

/// Cites one entry the bibliography has and one it lacks.
const DIGEST: &str = "Paper1 Relational Knowledge Distillation\nAbstract: Relations between samples are distilled.\nSummary: Distances and angles are kept; see also [[@tung2019similarity]].\nCite: [[@park2019relational]]\n";

const REFS: &str = "@inproceedings{park2019relational,\n  title = {Relational Knowledge Distillation},\n  author = {Park, Wonpyo and Kim, Dongju and Lu, Yan and Cho, Minsu},\n  booktitle = {Computer Vision and Pattern Recognition},\n  year = {2019},\n}\n";

const TUNG: &str = "\n@inproceedings{tung2019similarity,\n  title = {Similarity-Preserving Knowledge Distillation},\n  author = {Tung, Frederick and Mori, Greg},\n  booktitle = {International Conference on Computer Vision},\n  year = {2019},\n}\n";

fn open_bib(client: &mut Client, uri: &str, text: &str, version: i64) {
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {
            "uri": uri, "languageId": "bibtex", "version": version, "text": text,
        }}),
    );
}

/// The hover's Markdown at `position` of `uri` (empty without one).
fn hover_text(client: &mut Client, uri: &str, at: Value) -> String {
    let hover = client.hover(uri, at);
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_bib_edited_in_the_editor_reaches_the_open_digests_diagnostics_and_hovers() {
    let dir = scratch("bib-bound");
    digest_e2e::write_file(&dir.join("a.digest"), DIGEST);
    digest_e2e::write_file(&dir.join("refs.bib"), REFS);
    let (uri, bib) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("refs.bib")),
    );
    let mut client = Client::start(json!({}), None);
    client.open(&uri, DIGEST, 1);
    client.wait_codes(&uri, |codes| codes == ["unresolved-citation@2"]);
    // The entry the citation names, on the citation.
    let park = hover_text(&mut client, &uri, position(3, 12));
    assert!(park.contains("Park"), "{park}");
    assert!(park.contains("2019"), "{park}");

    // Added in the editor, not saved: the citation resolves.
    open_bib(&mut client, &bib, REFS, 1);
    client.change_full(&bib, 2, &format!("{REFS}{TUNG}"));
    client.wait_codes(&uri, <[String]>::is_empty);
    let tung = hover_text(&mut client, &uri, position(2, 60));
    assert!(tung.contains("Tung"), "{tung}");

    // Its year changed: the hover follows.
    client.drain_notifications("window/logMessage");
    let later = format!("{REFS}{}", TUNG.replace("year = {2019}", "year = {2020}"));
    client.change_full(&bib, 3, &later);
    client.expect_notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("digest-lsp: read the bibliography file"))
    });
    let tung = hover_text(&mut client, &uri, position(2, 60));
    assert!(tung.contains("2020"), "{tung}");

    // Removed again: unresolved again.
    client.change_full(&bib, 4, REFS);
    client.wait_codes(&uri, |codes| codes == ["unresolved-citation@2"]);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// A reference into a digest of another folder shows that paper bound in
/// the other digest's own bibliography (its folder's `refs.bib`), not in
/// the referring digest's.
#[test]
fn a_reference_into_another_folder_uses_that_digests_bibliography() {
    let dir = scratch("bib-other-folder");
    let here = "Paper1 Notes\nAbstract: a\nSummary: see [[../theirs/b#Paper1]].\n";
    let theirs = "Paper1 Relational Knowledge Distillation\nAbstract: a\nSummary: b\n";
    digest_e2e::write_file(&dir.join("mine/a.digest"), here);
    digest_e2e::write_file(&dir.join("mine/refs.bib"), TUNG);
    digest_e2e::write_file(&dir.join("theirs/b.digest"), theirs);
    digest_e2e::write_file(&dir.join("theirs/refs.bib"), REFS);
    let uri = file_uri(dir.join("mine/a.digest"));
    let mut client = Client::start(json!({}), None);
    client.open(&uri, here, 1);
    client.wait_codes(&uri, <[String]>::is_empty);
    assert_eq!(
        hover_text(&mut client, &uri, position(2, 20)),
        "**Paper1 Relational Knowledge Distillation**\n\nWonpyo Park, Dongju Kim, Yan Lu et al. · Computer Vision and Pattern Recognition · 2019\n\nb"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
