//! The features about files end to end, over the real binary: moving
//! digests and folders (`workspace/willRenameFiles`), the quick fixes that
//! create a missing digest or add a missing paper, and reference lenses
//! (`textDocument/codeLens`, `workspace/codeLens/refresh`).
//!
//! Every fixture lives in a fresh folder under the system's temp folder;
//! every wait is on an event, with a timeout. Replies are compared whole;
//! edits are also applied, and the texts they give compared whole.

use digest_e2e::{
    Client, apply_edits as apply, document, file_uri, position, range, watching,
    workspace_dir as scratch, write_file as write,
};
use serde_json::{Value, json};

/// `papers/x.digest`: refers to its neighbour and, upwards, to `b`.
const X: &str = "Paper1 Teacher Ensembles\nAbstract: Several teachers vote.\nSummary: Compare [[other#Paper1]] and [[../b#Paper1]].\n\nPaper2 Feature Maps\nAbstract: Intermediate features guide the student.\nSummary: Builds on Paper1.\n";

/// `papers/other.digest`: refers to `x`, its neighbour.
const OTHER: &str = "Paper1 Logit Matching\nAbstract: The student matches logits.\nSummary: Extended by [[x#Paper2]].\n";

/// `notes/a.digest`: refers to both digests of `papers/` (with and
/// without `.digest`), and to `b`, which does not move.
const A: &str = "Paper1 Survey Notes\nAbstract: A survey of distillation.\nSummary: See [[../papers/x#Paper1]], [[../papers/x.digest]] and [[../papers/other#Paper1]], and [[../b#Paper1]].\n";

/// `b.digest` on disk.
const B: &str = "Paper1 Reading Plan\nAbstract: What to read next.\nSummary: First [[papers/x#Paper2]], then [[papers/other]].\n";

/// `b.digest` as the editor has it: one reference more than on disk.
const B_OPEN: &str = "Paper1 Reading Plan\nAbstract: What to read next.\nSummary: First [[papers/x#Paper2]], then [[papers/other]]; also [[papers/x]].\n";

/// A text edit, whole.
fn edit(range: Value, new_text: &str) -> Value {
    json!({"range": range, "newText": new_text})
}

/// The workspace of [`X`], [`OTHER`], [`A`] and [`B`] in a fresh folder
/// named after `name`; returns the folder.
fn library(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    write(&dir.join("papers/x.digest"), X);
    write(&dir.join("papers/other.digest"), OTHER);
    write(&dir.join("notes/a.digest"), A);
    write(&dir.join("b.digest"), B);
    dir
}

/// `workspace/willRenameFiles` for one move.
fn will_rename(client: &mut Client, old: &str, new: &str) -> Value {
    let params = json!({"files": [{"oldUri": old, "newUri": new}]});
    client.request_ok("workspace/willRenameFiles", params)
}

#[test]
fn moving_a_folder_rewrites_the_references_to_its_digests_only() {
    let dir = library("move-folder");
    let uri = |relative: &str| file_uri(dir.join(relative));
    let (a, b) = (uri("notes/a.digest"), uri("b.digest"));
    let capabilities = json!({"workspace": {"workspaceEdit": {"documentChanges": true}}});
    let mut client = Client::start(capabilities, Some(&dir));
    client.wait_indexed();
    // b is open, with a reference the disk has not got: its text wins.
    client.open_and_wait(&b, B_OPEN, 3);

    let moved = will_rename(&mut client, &uri("papers"), &uri("library"));
    // b's three references and a's three to `papers/`; a's `[[../b#Paper1]]`
    // and the references inside the folder (which moves whole) stay.
    assert_eq!(
        moved,
        json!({"documentChanges": [
            {"textDocument": {"uri": b, "version": 3}, "edits": [
                edit(range(2, 17, 2, 25), "library/x"),
                edit(range(2, 43, 2, 55), "library/other"),
                edit(range(2, 66, 2, 74), "library/x"),
            ]},
            {"textDocument": {"uri": a, "version": null}, "edits": [
                edit(range(2, 15, 2, 26), "../library/x"),
                edit(range(2, 39, 2, 57), "../library/x.digest"),
                edit(range(2, 66, 2, 81), "../library/other"),
            ]},
        ]})
    );
    let changes = moved["documentChanges"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        apply(B_OPEN, &changes[0]["edits"]),
        "Paper1 Reading Plan\nAbstract: What to read next.\nSummary: First [[library/x#Paper2]], then [[library/other]]; also [[library/x]].\n"
    );
    assert_eq!(
        apply(A, &changes[1]["edits"]),
        "Paper1 Survey Notes\nAbstract: A survey of distillation.\nSummary: See [[../library/x#Paper1]], [[../library/x.digest]] and [[../library/other#Paper1]], and [[../b#Paper1]].\n"
    );

    // A folder no digest lives in: nothing to edit.
    let nothing = will_rename(&mut client, &uri("notes/sub"), &uri("notes/other"));
    assert_eq!(nothing, Value::Null);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn renaming_a_digest_keeps_dot_digest_where_it_was_written() {
    let dir = library("move-file");
    let uri = |relative: &str| file_uri(dir.join(relative));
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();

    let renamed = will_rename(
        &mut client,
        &uri("papers/x.digest"),
        &uri("papers/y.digest"),
    );
    // Every reference to x, written with `.digest` or without, from its
    // folder, from below and from above; none to `other` or `b`.
    assert_eq!(
        renamed,
        json!({"changes": {
            uri("b.digest"): [edit(range(2, 17, 2, 25), "papers/y")],
            uri("notes/a.digest"): [
                edit(range(2, 15, 2, 26), "../papers/y"),
                edit(range(2, 39, 2, 57), "../papers/y.digest"),
            ],
            uri("papers/other.digest"): [edit(range(2, 23, 2, 24), "y")],
        }})
    );
    assert_eq!(
        apply(A, &renamed["changes"][uri("notes/a.digest")]),
        "Paper1 Survey Notes\nAbstract: A survey of distillation.\nSummary: See [[../papers/y#Paper1]], [[../papers/y.digest]] and [[../papers/other#Paper1]], and [[../b#Paper1]].\n"
    );

    // Moved into another folder: the paths are written from each referrer.
    let moved = will_rename(&mut client, &uri("papers/x.digest"), &uri("notes/x.digest"));
    assert_eq!(
        moved,
        json!({"changes": {
            uri("b.digest"): [edit(range(2, 17, 2, 25), "notes/x")],
            uri("notes/a.digest"): [
                edit(range(2, 15, 2, 26), "x"),
                edit(range(2, 39, 2, 57), "x.digest"),
            ],
            uri("papers/other.digest"): [edit(range(2, 23, 2, 24), "../notes/x")],
            // x's own references, now written from notes/.
            uri("papers/x.digest"): [edit(range(2, 19, 2, 24), "../papers/other")],
        }})
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// `c.digest`: a reference to a digest that does not exist (with a paper
/// and without), one to a paper `b` lacks, and one to a paper c lacks.
const C: &str = "Paper1 Open Questions\nAbstract: What remains unsolved.\nSummary: Compare [[missing#Paper4]], [[gone]], [[b#Paper9]] and Paper7.\n";

/// The capabilities of a client that applies versioned edits and, with
/// `create`, creates files.
fn edits_capabilities(create: bool) -> Value {
    let mut edit = json!({"documentChanges": true});
    if create {
        edit["resourceOperations"] = json!(["create"]);
    }
    json!({"workspace": {"workspaceEdit": edit}})
}

/// The quick fixes offered for `diagnostic` of `uri`.
fn quick_fixes(client: &mut Client, uri: &str, diagnostic: &Value) -> Value {
    let params = json!({
        "textDocument": {"uri": uri},
        "range": diagnostic["range"],
        "context": {"diagnostics": [diagnostic], "only": ["quickfix"]},
    });
    client.request_ok("textDocument/codeAction", params)
}

/// A quick fix, whole (never preferred: the reference may be mistyped).
fn quickfix(title: &str, diagnostic: &Value, edit: Value) -> Value {
    json!({
        "title": title,
        "kind": "quickfix",
        "diagnostics": [diagnostic],
        "edit": edit,
        "isPreferred": false,
    })
}

/// c's `unresolved-reference` diagnostics as published, in text order.
fn unresolved(published: &Value) -> Vec<Value> {
    let all = published["diagnostics"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    all.into_iter()
        .filter(|d| d["code"] == "unresolved-reference")
        .collect()
}

#[test]
fn quick_fixes_create_a_missing_digest_but_never_over_a_file() {
    let dir = scratch("create");
    write(&dir.join("b.digest"), B);
    write(&dir.join("c.digest"), C);
    let (b, c) = (
        file_uri(dir.join("b.digest")),
        file_uri(dir.join("c.digest")),
    );
    let missing = file_uri(dir.join("missing.digest"));
    let gone = file_uri(dir.join("gone.digest"));

    let mut client = Client::start(edits_capabilities(true), Some(&dir));
    client.wait_indexed();
    let published = client.open_and_wait(&c, C, 1);
    let found = unresolved(&published);
    assert_eq!(found.len(), 4, "{published}");
    let (to_missing, to_gone, to_b, to_paper) = (&found[0], &found[1], &found[2], &found[3]);

    let create_then = |uri: &str, text: Option<&str>| {
        let mut operations = vec![json!({
            "kind": "create",
            "uri": uri,
            "options": {"overwrite": false, "ignoreIfExists": true},
        })];
        if let Some(text) = text {
            operations.push(json!({
                "textDocument": {"uri": uri, "version": null},
                "edits": [edit(range(0, 0, 0, 0), text)],
            }));
        }
        json!({"documentChanges": operations})
    };
    let new_paper = "Paper4\n\nAbstract:\n\nSummary:\n";
    assert_eq!(
        quick_fixes(&mut client, &c, to_missing),
        json!([quickfix(
            "Create `missing.digest` with Paper4",
            to_missing,
            create_then(&missing, Some(new_paper)),
        )])
    );
    assert_eq!(
        quick_fixes(&mut client, &c, to_gone),
        json!([quickfix(
            "Create `gone.digest`",
            to_gone,
            create_then(&gone, None)
        )])
    );

    // The missing papers: appended, in b (from the index: no version) and
    // in c (open: its version).
    assert_eq!(
        quick_fixes(&mut client, &c, to_b),
        json!([quickfix(
            "Add Paper9 to `b.digest`",
            to_b,
            json!({"documentChanges": [{
                "textDocument": {"uri": b, "version": null},
                "edits": [edit(range(3, 0, 3, 0), "\nPaper9\n\nAbstract:\n\nSummary:\n")],
            }]}),
        )])
    );
    assert_eq!(
        quick_fixes(&mut client, &c, to_paper),
        json!([quickfix(
            "Add Paper7 to this digest",
            to_paper,
            json!({"documentChanges": [{
                "textDocument": {"uri": c, "version": 1},
                "edits": [edit(range(3, 0, 3, 0), "\nPaper7\n\nAbstract:\n\nSummary:\n")],
            }]}),
        )])
    );

    // The file appears on disk, unknown to the index and to c's check (no
    // event was sent): creating it is no longer offered, as its text would
    // be written over the start of the file.
    write(&dir.join("missing.digest"), "Paper1 Already Here\n");
    assert_eq!(quick_fixes(&mut client, &c, to_missing), json!([]));
    assert_eq!(
        std::fs::read_to_string(dir.join("missing.digest"))
            .ok()
            .as_deref(),
        Some("Paper1 Already Here\n")
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_client_that_cannot_create_files_gets_the_other_fixes_only() {
    let dir = scratch("create-unable");
    write(&dir.join("c.digest"), C);
    let c = file_uri(dir.join("c.digest"));
    let mut client = Client::start(edits_capabilities(false), Some(&dir));
    client.wait_indexed();
    let published = client.open_and_wait(&c, C, 1);
    let found = unresolved(&published);
    assert_eq!(found.len(), 4, "{published}");
    assert_eq!(quick_fixes(&mut client, &c, &found[0]), json!([]));
    assert_eq!(quick_fixes(&mut client, &c, &found[1]), json!([]));
    let fixes = quick_fixes(&mut client, &c, &found[3]);
    assert_eq!(fixes[0]["title"], "Add Paper7 to this digest");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// A resolved reference lens, whole: `count` references at `locations`,
/// on the heading of `uri` at `heading`.
fn lens(uri: &str, heading: Value, title: &str, locations: Value) -> Value {
    json!({
        "range": heading,
        "command": {
            "title": title,
            "command": "digest.showReferences",
            "arguments": [uri, heading["start"], locations],
        },
    })
}

/// How many `workspace/codeLens/refresh` requests the server has sent.
fn refreshes(client: &mut Client) -> usize {
    let sent = client.server_requests();
    let refresh = |r: &&Value| r["method"] == "workspace/codeLens/refresh";
    sent.iter().filter(refresh).count()
}

fn location(uri: &str, range: Value) -> Value {
    json!({"uri": uri, "range": range})
}

#[test]
fn lenses_count_references_across_the_workspace_and_follow_edits() {
    let dir = library("lenses");
    let uri = |relative: &str| file_uri(dir.join(relative));
    let (x, other, a) = (
        uri("papers/x.digest"),
        uri("papers/other.digest"),
        uri("notes/a.digest"),
    );
    let mut capabilities = watching();
    capabilities["workspace"]["codeLens"] = json!({"refreshSupport": true});
    let mut client = Client::start(capabilities, Some(&dir));
    client.wait_indexed();
    // The indexing found the digests: the lenses are refreshed (and no
    // other refresh is pending now).
    client.expect_server_request("workspace/codeLens/refresh");
    client.open_and_wait(&x, X, 1);

    let lenses = client.request_ok("textDocument/codeLens", document(&x));
    let paper1 = range(0, 0, 0, 24);
    let paper2 = range(4, 0, 4, 19);
    assert_eq!(
        lenses,
        json!([
            lens(
                &x,
                paper1.clone(),
                "2 references",
                json!([
                    location(&a, range(2, 13, 2, 35)),
                    location(&x, range(6, 19, 6, 25)),
                ])
            ),
            lens(
                &x,
                paper2.clone(),
                "2 references",
                json!([
                    location(&uri("b.digest"), range(2, 15, 2, 34)),
                    location(&other, range(2, 21, 2, 33)),
                ])
            ),
        ])
    );

    // A second reference to Paper2 in a, typed in the editor.
    client.open(&a, A, 1);
    let typed = A.replace("and [[../b#Paper1]]", "and [[../papers/x#Paper2]]");
    client.change_full(&a, 2, &typed);
    // The refreshes asked before the change (after the opens) all come
    // before the answer to a request sent after it, which the server
    // answers at once (no file moves); the change's own refresh waits for
    // changes to pause, and comes after them.
    let nothing = will_rename(&mut client, "untitled:a", "untitled:b");
    assert_eq!(nothing, Value::Null);
    // One was taken above, after the indexing.
    let asked_before = refreshes(&mut client);
    for _ in 1..asked_before {
        client.expect_server_request("workspace/codeLens/refresh");
    }
    client.expect_server_request("workspace/codeLens/refresh");
    let lenses = client.request_ok("textDocument/codeLens", document(&x));
    assert_eq!(
        lenses,
        json!([
            lens(
                &x,
                paper1,
                "2 references",
                json!([
                    location(&a, range(2, 13, 2, 35)),
                    location(&x, range(6, 19, 6, 25)),
                ])
            ),
            lens(
                &x,
                paper2,
                "3 references",
                json!([
                    location(&uri("b.digest"), range(2, 15, 2, 34)),
                    location(&a, range(2, 96, 2, 118)),
                    location(&other, range(2, 21, 2, 33)),
                ])
            ),
        ])
    );
    assert_eq!(position(0, 0), lenses[0]["command"]["arguments"][1]);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn renames_of_included_digests_are_registered_once_the_index_finds_them() {
    let dir = scratch("move-included");
    write(
        &dir.join("digest.toml"),
        "[files]\ninclude = [\"**/*.txt\"]\n",
    );
    write(
        &dir.join("notes.txt"),
        "Paper1 Plain Notes\nAbstract: Kept as text.\nSummary: Short.\n",
    );
    let refers = "Paper1 Index\nAbstract: Points elsewhere.\nSummary: See [[notes.txt#Paper1]].\n";
    write(&dir.join("index.digest"), refers);
    let capabilities = json!({"workspace": {"fileOperations": {"dynamicRegistration": true}}});
    let mut client = Client::start(capabilities, Some(&dir));
    client.wait_indexed();
    assert_eq!(
        client.expect_server_request("client/registerCapability"),
        json!({"registrations": [{
            "id": "digest-will-rename-1",
            "method": "workspace/willRenameFiles",
            "registerOptions": {"filters": [
                {"scheme": "file", "pattern": {"glob": "**/*.txt", "matches": "file"}},
            ]},
        }]})
    );
    let uri = |relative: &str| file_uri(dir.join(relative));
    let renamed = will_rename(&mut client, &uri("notes.txt"), &uri("reading.txt"));
    assert_eq!(
        renamed,
        json!({"changes": {uri("index.digest"): [edit(range(2, 15, 2, 24), "reading.txt")]}})
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
