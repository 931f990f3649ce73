//! Pull diagnostics (LSP 3.17) end to end, over the real binary: a client
//! that declares `textDocument.diagnostic` pulls a document's findings
//! (`unchanged` when nothing changed) and the whole workspace's (closed
//! digests included), and is asked to pull again after a change in one
//! file that alters another's findings; a client that does not declare it
//! keeps the pushed diagnostics and is offered no `diagnosticProvider`.
//!
//! Reports are compared whole; the result ids, which the server chooses,
//! are read from the answers and checked to be the same or new where the
//! protocol says.

use digest_e2e::{
    Client, diagnostic, file_uri, published, range, watching, workspace_dir as scratch,
    write_file as write,
};
use serde_json::{Value, json};

/// Refers to `c#Paper1`.
const A: &str = "A\n\nPaper1 One\n摘要原文: a\n中文总结: 见[[c#Paper1]]\n";
/// Refers to a digest that is nowhere.
const B: &str = "B\n\nPaper1 Two\n摘要原文: a\n中文总结: 见[[gone#Paper1]]\n";
const C: &str = "C\n\nPaper1 Three\n摘要原文: a\n中文总结: b\n";

/// The capabilities of a client that pulls diagnostics (as VS Code's),
/// watches files, and can be asked to pull again.
fn pulling() -> Value {
    let mut caps = watching();
    caps["textDocument"]["diagnostic"] =
        json!({"dynamicRegistration": false, "relatedDocumentSupport": false});
    caps["workspace"]["diagnostics"] = json!({"refreshSupport": true});
    caps
}

fn no_c() -> Value {
    diagnostic(
        "unresolved-reference",
        1,
        range(4, 7, 4, 19),
        "Paper1: unresolved reference `c#Paper1`: no digest found at `c.digest`; fix the number or the file name",
    )
}

fn no_gone() -> Value {
    diagnostic(
        "unresolved-reference",
        1,
        range(4, 7, 4, 22),
        "Paper1: unresolved reference `gone#Paper1`: no digest found at `gone.digest`; fix the number or the file name",
    )
}

/// The `resultId` of a report (which must have one).
fn id_of(report: &Value) -> String {
    report["resultId"]
        .as_str()
        .unwrap_or_else(|| panic!("no resultId in {report}"))
        .to_string()
}

fn pull(client: &mut Client, uri: &str, previous: Option<&str>) -> Value {
    let mut params = json!({"textDocument": {"uri": uri}});
    if let Some(previous) = previous {
        params["previousResultId"] = json!(previous);
    }
    client.request_ok("textDocument/diagnostic", params)
}

fn pull_workspace(client: &mut Client, previous: &[(String, String)]) -> Value {
    let previous: Vec<Value> = (previous.iter())
        .map(|(uri, value)| json!({"uri": uri, "value": value}))
        .collect();
    client.request_ok(
        "workspace/diagnostic",
        json!({"previousResultIds": previous}),
    )
}

/// Each report's URI and result id.
fn ids(report: &Value) -> Vec<(String, String)> {
    (report["items"].as_array().into_iter().flatten())
        .map(|item| (item["uri"].as_str().unwrap_or("?").to_string(), id_of(item)))
        .collect()
}

#[test]
fn a_pulling_client_is_offered_pull_diagnostics_and_gets_none_pushed() {
    let dir = scratch("pull-document");
    write(&dir.join("a.digest"), A);
    write(&dir.join("c.digest"), C);
    let a = file_uri(dir.join("a.digest"));
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(pulling(), Some(&dir));
    assert_eq!(
        init["capabilities"]["diagnosticProvider"],
        json!({"identifier": "digest", "interFileDependencies": true, "workspaceDiagnostics": true})
    );
    client.expect_server_request("client/registerCapability");
    client.wait_indexed();
    client.expect_server_request("workspace/diagnostic/refresh");

    client.open(&a, A, 1);
    let first = pull(&mut client, &a, None);
    let id1 = id_of(&first);
    assert_eq!(first, json!({"kind": "full", "resultId": id1, "items": []}));
    // The same version again: unchanged, under the same id.
    assert_eq!(
        pull(&mut client, &a, Some(&id1)),
        json!({"kind": "unchanged", "resultId": id1})
    );

    // An edit: a new full report for the new version, under a new id.
    let edited = A.replace("[[c#Paper1]]", "[[gone#Paper1]]");
    client.change_full(&a, 2, &edited);
    let second = pull(&mut client, &a, Some(&id1));
    let id2 = id_of(&second);
    assert_ne!(id1, id2);
    assert_eq!(
        second,
        json!({"kind": "full", "resultId": id2, "items": [no_gone()]})
    );
    assert_eq!(
        pull(&mut client, &a, Some(&id2)),
        json!({"kind": "unchanged", "resultId": id2})
    );

    // Renumbering its paper changes what other digests see of it: once
    // the edit has been checked, the client is asked to pull again, and
    // nothing was pushed for the open document.
    client.change_full(&a, 3, &edited.replace("Paper1 One", "Paper7 One"));
    client.expect_server_request("workspace/diagnostic/refresh");
    let pushed: Vec<Value> = (client.drain_notifications("textDocument/publishDiagnostics"))
        .into_iter()
        .filter(|p| p["uri"] == a)
        .collect();
    assert_eq!(pushed, Vec::<Value>::new());
    client.shutdown_and_exit();
}

#[test]
fn the_workspace_pull_lists_closed_digests_then_unchanged_and_follows_a_deletion() {
    let dir = scratch("pull-workspace");
    write(&dir.join("a.digest"), A);
    write(&dir.join("b.digest"), B);
    let c_path = dir.join("c.digest");
    write(&c_path, C);
    let (a, b, c) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("b.digest")),
        file_uri(&c_path),
    );
    let mut client = Client::start(pulling(), Some(&dir));
    client.expect_server_request("client/registerCapability");
    client.wait_indexed();
    client.expect_server_request("workspace/diagnostic/refresh");

    // Nothing open: every digest of the index, each full, in path order.
    let report = pull_workspace(&mut client, &[]);
    let first = ids(&report);
    let id = |uri: &str| {
        (first.iter())
            .find(|(u, _)| u == uri)
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| panic!("no report for {uri} in {report}"))
    };
    let full = |uri: &str, id: String, items: Value| json!({"kind": "full", "uri": uri, "version": null, "resultId": id, "items": items});
    assert_eq!(
        report,
        json!({"items": [
            full(&a, id(&a), json!([])),
            full(&b, id(&b), json!([no_gone()])),
            full(&c, id(&c), json!([])),
        ]})
    );

    // With the ids of that answer: every report unchanged.
    let unchanged = |uri: &str, id: String| json!({"kind": "unchanged", "uri": uri, "version": null, "resultId": id});
    assert_eq!(
        pull_workspace(&mut client, &first),
        json!({"items": [
            unchanged(&a, id(&a)),
            unchanged(&b, id(&b)),
            unchanged(&c, id(&c)),
        ]})
    );

    // The paper `a` refers to is deleted: the client is asked to pull
    // again, and `a`'s report is new; `b`'s is unchanged; `c`'s is empty,
    // once: with its id, it is left out.
    std::fs::remove_file(&c_path).expect("delete c");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c, "type": 3}]}),
    );
    client.expect_server_request("workspace/diagnostic/refresh");
    let after = pull_workspace(&mut client, &first);
    let new_a = (ids(&after).into_iter())
        .find(|(uri, _)| *uri == a)
        .map(|(_, id)| id)
        .unwrap_or_else(|| panic!("no report for {a} in {after}"));
    assert_ne!(new_a, id(&a));
    assert_eq!(
        after,
        json!({"items": [
            full(&a, new_a.clone(), json!([no_c()])),
            unchanged(&b, id(&b)),
            full(&c, "digest-gone".to_string(), json!([])),
        ]})
    );
    let known = ids(&after);
    assert_eq!(
        pull_workspace(&mut client, &known),
        json!({"items": [unchanged(&a, new_a), unchanged(&b, id(&b))]})
    );
    // Pulled for a closed digest, a document pull says the same.
    let closed = pull(&mut client, &b, None);
    assert_eq!(
        closed,
        json!({"kind": "full", "resultId": id(&b), "items": [no_gone()]})
    );
    client.shutdown_and_exit();
}

#[test]
fn an_open_digest_in_the_workspace_pull_is_reported_at_its_version() {
    let dir = scratch("pull-open");
    write(&dir.join("a.digest"), A);
    write(&dir.join("c.digest"), C);
    let (a, c) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("c.digest")),
    );
    let mut client = Client::start(pulling(), Some(&dir));
    client.expect_server_request("client/registerCapability");
    client.wait_indexed();
    client.expect_server_request("workspace/diagnostic/refresh");
    // Unsaved: `a` refers to a paper `c` does not have.
    let text = A.replace("[[c#Paper1]]", "[[c#Paper2]]");
    client.open(&a, &text, 4);
    let report = pull_workspace(&mut client, &[]);
    let got = ids(&report);
    let missing = diagnostic(
        "unresolved-reference",
        1,
        range(4, 7, 4, 19),
        "Paper1: unresolved reference `c#Paper2`: `c.digest` has no such paper; fix the number or the file name",
    );
    assert_eq!(
        report,
        json!({"items": [
            {"kind": "full", "uri": a, "version": 4, "resultId": got[0].1, "items": [missing]},
            {"kind": "full", "uri": c, "version": null, "resultId": got[1].1, "items": []},
        ]})
    );
    // The document pull of the same version: the same findings, the same id.
    assert_eq!(
        pull(&mut client, &a, Some(&got[0].1)),
        json!({"kind": "unchanged", "resultId": got[0].1})
    );
    client.shutdown_and_exit();
}

#[test]
fn a_client_without_pull_support_keeps_pushed_diagnostics() {
    let dir = scratch("pull-none");
    write(&dir.join("c.digest"), C);
    let a = file_uri(dir.join("a.digest"));
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(watching(), Some(&dir));
    assert_eq!(init["capabilities"].get("diagnosticProvider"), None);
    client.expect_server_request("client/registerCapability");
    client.wait_indexed();
    let text = A.replace("[[c#Paper1]]", "[[gone#Paper1]]");
    client.open(&a, &text, 1);
    assert_eq!(
        client.wait_diagnostics(&a, Some(1)),
        published(&a, Some(1), json!([no_gone()]))
    );
    client.change_full(&a, 2, A);
    assert_eq!(
        client.wait_diagnostics(&a, Some(2)),
        published(&a, Some(2), json!([]))
    );
    let asked: Vec<Value> = (client.server_requests().iter())
        .filter(|r| r["method"] == "workspace/diagnostic/refresh")
        .cloned()
        .collect();
    assert_eq!(asked, Vec::<Value>::new());
    client.shutdown_and_exit();
}

#[test]
fn a_cross_file_duplicate_in_closed_digests_is_the_same_in_both_pulls() {
    let dir = scratch("pull-duplicate");
    let text = |body: &str| format!("Paper1 Same Study of Things\n摘要原文: {body}\n中文总结: b\n");
    write(&dir.join("x.digest"), &text("one"));
    write(&dir.join("y.digest"), &text("two"));
    // Enough other digests (with no findings) for the workspace pull to
    // run the cross-file rule once for all, where the document pull runs
    // it for the one file.
    let others: Vec<String> = (0..40)
        .map(|n| {
            let path = dir.join(format!("f{n:02}.digest"));
            write(
                &path,
                &format!("Paper1 Filler Number {n}\n摘要原文: a\n中文总结: b\n"),
            );
            file_uri(path)
        })
        .collect();
    let (x, y) = (
        file_uri(dir.join("x.digest")),
        file_uri(dir.join("y.digest")),
    );
    let mut client = Client::start(pulling(), Some(&dir));
    client.expect_server_request("client/registerCapability");
    client.wait_indexed();
    client.expect_server_request("workspace/diagnostic/refresh");
    let report = pull_workspace(&mut client, &[]);
    let got = ids(&report);
    let hint = |other: &str| {
        diagnostic(
            "duplicate-paper-across-files",
            4,
            range(0, 0, 0, 27),
            &format!(
                "Paper1 is also in `{other}` as Paper1, with the same title: keep one and refer to it with `[[{other}#Paper1]]`"
            ),
        )
    };
    let id = |uri: &str| {
        (got.iter())
            .find(|(u, _)| u == uri)
            .map(|(_, id)| id.clone())
            .unwrap_or_else(|| panic!("no report for {uri}"))
    };
    let full = |uri: &str, items: Value| json!({"kind": "full", "uri": uri, "version": null, "resultId": id(uri), "items": items});
    let mut expected: Vec<Value> = others.iter().map(|uri| full(uri, json!([]))).collect();
    expected.push(full(&x, json!([hint("y")])));
    expected.push(full(&y, json!([hint("x")])));
    assert_eq!(report, json!({"items": expected}));
    // A document pull of the closed `x` (the cross-file rule run for it
    // alone) finds the same, under the same id.
    assert_eq!(
        pull(&mut client, &x, None),
        json!({"kind": "full", "resultId": id(&x), "items": [hint("y")]})
    );
    client.shutdown_and_exit();
}
