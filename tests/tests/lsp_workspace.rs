//! The workspace end to end, over the real binary: the index (built in the
//! background with `$/progress`, kept current by watched-file events),
//! rename across files, completion, quick fixes applied by the client,
//! workspace symbols, cross-file duplicates, and a multi-root workspace.
//!
//! Every fixture lives in a fresh folder under the system's temp folder;
//! every wait is on an event, with a timeout.

use digest_e2e::{
    Client, after, apply_edits as apply, at, codes, edits_by_uri, file_uri, watching,
    workspace_dir as scratch, write_file as write,
};
use serde_json::{Value, json};

const A: &str = "Reading list A\n\nPaper1 Knowledge Distillation via Teacher Assistants\n摘要原文: We distil a large teacher into a small student.\n中文总结: 本文用助教模型蒸馏，后文见Paper2。\n\nPaper2 Sparse Attention Without Tears\n摘要原文: Attention patterns are sparse.\n中文总结: 与Paper1互补，见[[Paper1]]。\n";

const B: &str = "Reading list B\n\nPaper1 Efficient Inference on Phones\n摘要原文: Phones are small.\n中文总结: 参考[[a#Paper1]]与[[a#Paper2]]。\n";

#[test]
fn rename_across_two_files_leaves_no_reference_dangling() {
    let dir = scratch("rename");
    let (a_path, b_path) = (dir.join("a.digest"), dir.join("b.digest"));
    write(&a_path, A);
    write(&b_path, B);
    let (a, b) = (file_uri(&a_path), file_uri(&b_path));

    let mut client = Client::start(watching(), Some(&dir));
    client.wait_indexed();
    client.open(&b, B, 1);
    assert_eq!(client.wait_codes(&b, |_| true), Vec::<String>::new());

    // From a wiki reference in b to paper 2 of a (not open: from the index).
    let on_reference = at(&b, after(B, "[[a#Paper2", 1));
    let prepared = client.request_ok("textDocument/prepareRename", on_reference.clone());
    assert_eq!(prepared["placeholder"], "2");
    assert_eq!(
        prepared["range"],
        json!({"start": after(B, "[[a#Paper2", 1), "end": after(B, "[[a#Paper2", 0)})
    );

    let mut params = on_reference.clone();
    params["newName"] = json!("3");
    let edit = client.request_ok("textDocument/rename", params);
    let per_file = edits_by_uri(&edit);
    assert_eq!(
        per_file.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        [a.as_str(), b.as_str()]
    );
    let new_a = apply(A, &per_file[0].2);
    let new_b = apply(B, &per_file[1].2);
    assert!(new_a.contains("\nPaper3 Sparse Attention") && new_a.contains("后文见Paper3。"));
    assert!(new_b.contains("[[a#Paper1]]与[[a#Paper3]]"));

    // Applied: a on disk (as an editor saves a file it has not open), b in
    // the editor. b's references settle on the new a once the index has it.
    write(&a_path, &new_a);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": a, "type": 2}]}),
    );
    client.change_full(&b, 2, &new_b);
    client.expect_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == b && p["version"] == 2 && codes(p).is_empty()
    });
    client.open(&a, &new_a, 1);
    let after_a = client.wait_codes(&a, |_| true);
    assert!(
        after_a
            .iter()
            .all(|c| !c.starts_with("unresolved-reference")),
        "{after_a:?}"
    );

    // A number that is taken: refused with the feature's message.
    let mut taken = at(&a, after(&new_a, "\nPaper1", 0));
    taken["newName"] = json!("3");
    let refused = client
        .request("textDocument/rename", taken)
        .expect_err("refused");
    assert_eq!(refused["code"], -32803);
    let message = refused["message"].as_str().unwrap_or_default();
    assert!(message.contains("Paper3 already exists"), "{message}");

    // Nothing to rename in plain text.
    let nowhere = client
        .request(
            "textDocument/prepareRename",
            at(&a, after(&new_a, "Reading", 0)),
        )
        .expect_err("nothing here");
    assert!(
        nowhere["message"]
            .as_str()
            .is_some_and(|m| m.contains("nothing to renumber here")),
        "{nowhere}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn rename_gives_versioned_document_changes_when_the_client_takes_them() {
    let dir = scratch("rename-versioned");
    write(&dir.join("a.digest"), A);
    write(&dir.join("b.digest"), B);
    let (a, b) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("b.digest")),
    );
    let mut client = Client::start(
        json!({"workspace": {"workspaceEdit": {"documentChanges": true}}}),
        Some(&dir),
    );
    client.wait_indexed();
    client.open(&a, A, 7);
    let mut params = at(&a, after(A, "\nPaper1", 0));
    params["newName"] = json!("Paper9");
    let edit = client.request_ok("textDocument/rename", params);
    let per_file = edits_by_uri(&edit);
    assert_eq!(per_file.len(), 2);
    assert_eq!(per_file[0].0, a);
    assert_eq!(per_file[0].1, 7, "the open document's version");
    assert_eq!(per_file[1].0, b);
    assert_eq!(per_file[1].1, Value::Null, "not open: no version");
    let new_a = apply(A, &per_file[0].2);
    assert!(new_a.contains("\nPaper9 Knowledge") && new_a.contains("见[[Paper9]]"));
    assert_eq!(
        apply(B, &per_file[1].2),
        B.replace("[[a#Paper1]]", "[[a#Paper9]]")
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn completion_after_paper_and_after_brackets() {
    let dir = scratch("completion");
    write(&dir.join("b.digest"), B);
    let a = file_uri(dir.join("a.digest"));
    let text = format!("{A}\nPaper3 Third\n摘要原文: 参见Paper\n中文总结: 链接[[\n笔记: [[b#\n");
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();
    client.open(&a, &text, 1);

    let items = |client: &mut Client, position: Value| -> Vec<Value> {
        let answer = client.request_ok("textDocument/completion", at(&a, position));
        answer.as_array().cloned().unwrap_or_default()
    };
    let after_paper = items(&mut client, after(&text, "参见Paper", 0));
    let labels: Vec<&str> = after_paper
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["Paper1", "Paper2", "Paper3"]);
    assert_eq!(
        after_paper[0]["detail"],
        "Knowledge Distillation via Teacher Assistants"
    );
    assert!(
        after_paper[0]["documentation"]["value"]
            .as_str()
            .is_some_and(|d| d.contains("助教模型")),
        "{}",
        after_paper[0]
    );
    assert_eq!(
        after_paper[1]["textEdit"],
        json!({"range": {"start": after(&text, "参见", 0), "end": after(&text, "参见Paper", 0)}, "newText": "Paper2"})
    );

    let after_brackets = items(&mut client, after(&text, "链接[[", 0));
    let labels: Vec<(&str, i64)> = after_brackets
        .iter()
        .map(|i| {
            (
                i["label"].as_str().unwrap_or("?"),
                i["kind"].as_i64().unwrap_or(0),
            )
        })
        .collect();
    // Papers (reference kind 18), then the other digest (file kind 17).
    assert_eq!(
        labels,
        [("Paper1", 18), ("Paper2", 18), ("Paper3", 18), ("b", 17)]
    );
    assert_eq!(after_brackets[3]["textEdit"]["newText"], "b]]");
    assert_eq!(after_brackets[3]["detail"], "Reading list B");

    let in_other = items(&mut client, after(&text, "[[b#", 0));
    assert_eq!(in_other.len(), 1);
    assert_eq!(in_other[0]["label"], "Paper1");
    assert_eq!(in_other[0]["detail"], "Efficient Inference on Phones");
    assert_eq!(in_other[0]["textEdit"]["newText"], "Paper1]]");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn quick_fixes_applied_by_the_client_clear_their_diagnostics() {
    let dir = scratch("fixes");
    let text = "Fixes\n\nPaper1 One\nAbstrct: text\n中文总结: 代码见github.com/a/b\n\nPaper2 Two\n摘要原文: only the abstract\n";
    let uri = file_uri(dir.join("fixes.digest"));
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();
    client.open(&uri, text, 1);
    let mut published = client.wait_diagnostics(&uri, Some(1));
    let found = codes(&published);
    for code in [
        "unknown-label@3",
        "link-without-scheme@4",
        "missing-section@6",
    ] {
        assert!(found.iter().any(|c| c == code), "{code} in {found:?}");
    }

    let mut current = text.to_string();
    let mut version = 1;
    for code in ["unknown-label", "link-without-scheme", "missing-section"] {
        let diagnostic = published["diagnostics"]
            .as_array()
            .and_then(|all| all.iter().find(|d| d["code"] == code).cloned())
            .unwrap_or_else(|| panic!("no {code} in {published}"));
        let actions = client.request_ok(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic]},
            }),
        );
        let action = &actions[0];
        assert_eq!(action["kind"], "quickfix");
        assert_eq!(action["isPreferred"], true);
        assert_eq!(action["diagnostics"][0]["code"], code);
        let per_file = edits_by_uri(&action["edit"]);
        assert_eq!(per_file.len(), 1);
        current = apply(&current, &per_file[0].2);
        version += 1;
        client.change_full(&uri, version, &current);
        published = client.wait_diagnostics(&uri, Some(version));
        let after_fix = codes(&published);
        assert!(
            after_fix.iter().all(|c| !c.starts_with(code)),
            "{code} still in {after_fix:?} after {}",
            action["title"]
        );
    }
    assert!(current.contains("\nAbstract: text\n"), "{current}");
    assert!(current.contains("代码见https://github.com/a/b"));
    assert!(current.contains("摘要原文: only the abstract\n中文总结:"));
    // A filter that excludes quick fixes gets none.
    let none = client.request_ok(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
            "context": {"diagnostics": [], "only": ["refactor"]},
        }),
    );
    assert_eq!(none, Value::Null);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_renumber_fix_updates_references_in_other_digests() {
    let dir = scratch("renumber");
    let a_text = "A\n\nPaper1 One\n摘要原文: a\n中文总结: b\n\nPaper3 Three\n摘要原文: a\n中文总结: 见Paper1\n\nPaper4 Four\n摘要原文: a\n中文总结: 与Paper3相关\n";
    let b_text = "B\n\nPaper1 Other\n摘要原文: a\n中文总结: [[a#Paper3]] [[a#Paper4]]\n";
    write(&dir.join("a.digest"), a_text);
    write(&dir.join("b.digest"), b_text);
    let (a, b) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("b.digest")),
    );
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();
    client.open(&a, a_text, 1);
    let published = client.wait_diagnostics(&a, Some(1));
    let numbering = published["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"] == "numbering").cloned())
        .expect("a numbering warning");
    let actions = client.request_ok(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": a},
            "range": numbering["range"],
            "context": {"diagnostics": [numbering]},
        }),
    );
    assert_eq!(actions[0]["title"], "Renumber papers from here");
    let per_file = edits_by_uri(&actions[0]["edit"]);
    assert_eq!(per_file.len(), 2);
    let new_a = apply(a_text, &per_file[0].2);
    let new_b = apply(b_text, &per_file[1].2);
    assert!(new_a.contains("\nPaper2 Three") && new_a.contains("\nPaper3 Four"));
    assert!(new_a.contains("与Paper2相关"));
    assert!(new_b.contains("[[a#Paper2]] [[a#Paper3]]"));

    client.change_full(&a, 2, &new_a);
    assert_eq!(
        codes(&client.wait_diagnostics(&a, Some(2))),
        Vec::<String>::new()
    );
    client.open(&b, &new_b, 1);
    assert_eq!(
        codes(&client.wait_diagnostics(&b, Some(1))),
        Vec::<String>::new()
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn workspace_symbols_over_three_files() {
    let dir = scratch("symbols");
    write(&dir.join("a.digest"), A);
    write(&dir.join("sub/b.digest"), B);
    write(
        &dir.join("c.digest"),
        "C\n\nPaper1 知识蒸馏综述\n摘要原文: a\n中文总结: b\n\nPaper2 Distilling the Knowledge in a Neural Network\n摘要原文: a\n中文总结: b\n",
    );
    // Not indexed: hidden and build folders.
    write(&dir.join(".git/x.digest"), A);
    write(&dir.join("target/y.digest"), A);
    let mut client = Client::start(json!({}), Some(&dir));
    let logged = client.wait_indexed();
    assert!(logged.contains("indexed 3 digest(s)"), "{logged}");

    let query = |client: &mut Client, q: &str| -> Vec<(String, String)> {
        let found = client.workspace_symbols(q);
        found
            .as_array()
            .expect("symbols")
            .iter()
            .map(|s| {
                let uri = s["location"]["uri"].as_str().unwrap_or("?");
                let file = uri.rsplit('/').next().unwrap_or("?").to_string();
                (s["name"].as_str().unwrap_or("?").to_string(), file)
            })
            .collect()
    };
    assert_eq!(query(&mut client, "").len(), 5);
    let distil = query(&mut client, "distil");
    assert_eq!(
        distil,
        [
            (
                "Paper2 Distilling the Knowledge in a Neural Network".into(),
                "c.digest".into()
            ),
            (
                "Paper1 Knowledge Distillation via Teacher Assistants".into(),
                "a.digest".into()
            ),
        ]
    );
    assert_eq!(
        query(&mut client, "蒸馏"),
        [("Paper1 知识蒸馏综述".to_string(), "c.digest".to_string())]
    );
    let phones = client.workspace_symbols("phones");
    assert_eq!(
        phones,
        json!([{
            "name": "Paper1 Efficient Inference on Phones",
            "kind": 5,
            "containerName": "Reading list B",
            "location": {
                "uri": file_uri(dir.join("sub/b.digest")),
                "range": {"start": {"line": 2, "character": 0}, "end": {"line": 4, "character": 34}},
            },
        }])
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn files_created_changed_and_deleted_on_disk_update_the_index() {
    let dir = scratch("lifecycle");
    let a_text = "A\n\nPaper1 One\n摘要原文: a\n中文总结: 见[[c#Paper1]]\n";
    write(&dir.join("a.digest"), a_text);
    let a = file_uri(dir.join("a.digest"));
    let c_path = dir.join("c.digest");
    let c = file_uri(&c_path);
    let mut client = Client::start(watching(), Some(&dir));
    client.expect_server_request("client/registerCapability");
    client.wait_indexed();
    client.open(&a, a_text, 1);
    assert_eq!(client.wait_codes(&a, |_| true), ["unresolved-reference@4"]);
    let symbols = |client: &mut Client, q: &str| -> usize {
        client.workspace_symbols(q).as_array().map_or(0, Vec::len)
    };
    assert_eq!(symbols(&mut client, "created"), 0);

    // Created: the reference resolves, the new paper is a workspace symbol.
    write(
        &c_path,
        "C\n\nPaper1 Created Later\n摘要原文: a\n中文总结: b\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c, "type": 1}]}),
    );
    assert_eq!(
        client.wait_codes(&a, <[String]>::is_empty),
        Vec::<String>::new()
    );
    assert_eq!(symbols(&mut client, "created"), 1);
    let hover = client.hover(&a, after(a_text, "[[c#Pap", 0));
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.starts_with("**Paper1 Created Later**")),
        "{hover}"
    );

    // Changed: paper 1 is now paper 2, the reference dangles again.
    write(
        &c_path,
        "C\n\nPaper2 Changed Since\n摘要原文: a\n中文总结: b\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c, "type": 2}]}),
    );
    assert_eq!(
        client.wait_codes(&a, |c| !c.is_empty()),
        ["unresolved-reference@4"]
    );
    assert_eq!(symbols(&mut client, "created"), 0);
    assert_eq!(symbols(&mut client, "changed since"), 1);

    // Back to resolving, then deleted: dangling, and gone from the symbols.
    write(&c_path, "C\n\nPaper1 Restored\n摘要原文: a\n中文总结: b\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c, "type": 2}]}),
    );
    assert_eq!(
        client.wait_codes(&a, <[String]>::is_empty),
        Vec::<String>::new()
    );
    std::fs::remove_file(&c_path).expect("delete");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c, "type": 3}]}),
    );
    let dangling = client.expect_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == a && !codes(p).is_empty()
    });
    assert!(
        dangling["diagnostics"][0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("no digest found")),
        "{dangling}"
    );
    assert_eq!(symbols(&mut client, "restored"), 0);

    // A folder created, then deleted, each reported as one event.
    client.drain_notifications("window/logMessage");
    let folder = dir.join("moved-in");
    write(
        &folder.join("deep/e.digest"),
        "E\n\nPaper1 Moved In\n摘要原文: a\n中文总结: b\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&folder), "type": 1}]}),
    );
    client.wait_followed();
    assert_eq!(symbols(&mut client, "moved in"), 1);
    std::fs::remove_dir_all(&folder).expect("delete folder");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&folder), "type": 3}]}),
    );
    client.wait_followed();
    assert_eq!(symbols(&mut client, "moved in"), 0);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn indexing_reports_progress_when_the_client_supports_it() {
    let dir = scratch("progress");
    for i in 0..20 {
        write(
            &dir.join(format!("d{i:02}.digest")),
            &digest_e2e::generate(5, i),
        );
    }
    let mut client = Client::start(json!({"window": {"workDoneProgress": true}}), Some(&dir));
    let created = client.expect_server_request("window/workDoneProgress/create");
    let token = created["token"].clone();
    let begin = client.expect_notification("$/progress", |p| {
        p["token"] == token && p["value"]["kind"] == "begin"
    });
    assert_eq!(begin["value"]["title"], "Indexing digests");
    let end = client.expect_notification("$/progress", |p| {
        p["token"] == token && p["value"]["kind"] == "end"
    });
    assert!(
        end["value"]["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("indexed 20 digest(s)")),
        "{end}"
    );
    // Every report came between begin and end.
    assert!(
        client
            .drain_notifications("$/progress")
            .iter()
            .all(|p| p["value"]["kind"] == "report")
    );

    // Without the capability: no progress, the log line only.
    let mut quiet = Client::start(json!({}), Some(&dir));
    quiet.wait_indexed();
    assert!(
        quiet
            .server_requests()
            .iter()
            .all(|r| r["method"] != "window/workDoneProgress/create")
    );
    assert!(quiet.drain_notifications("$/progress").is_empty());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
    assert_eq!(quiet.shutdown_and_exit().code(), Some(0));
}

#[test]
fn definition_hover_and_references_across_a_multi_root_workspace() {
    let dir = scratch("multi-root");
    let (one, two) = (dir.join("one"), dir.join("two"));
    let a_text = "A\n\nPaper1 Uses the Other Root\n摘要原文: a\n中文总结: 见[[../two/b#Paper2]]与[[../two/b]]\n";
    let b_text = "B\n\nPaper1 First of B\n摘要原文: a\n中文总结: b\n\nPaper2 Second of B\n摘要原文: a\n中文总结: 第二篇的总结\n";
    write(&one.join("a.digest"), a_text);
    write(&two.join("b.digest"), b_text);
    let (a, b) = (
        file_uri(one.join("a.digest")),
        file_uri(two.join("b.digest")),
    );

    let mut client = Client::spawn(&[], None);
    client.initialize_with(json!({
        "processId": null,
        "rootUri": file_uri(&one),
        "capabilities": {},
        "workspaceFolders": [
            {"uri": file_uri(&one), "name": "one"},
            {"uri": file_uri(&two), "name": "two"},
        ],
    }));
    let logged = client.wait_indexed();
    assert!(logged.contains("indexed 2 digest(s)"), "{logged}");
    client.open(&a, a_text, 1);
    assert_eq!(
        codes(&client.wait_diagnostics(&a, Some(1))),
        Vec::<String>::new()
    );

    let on_reference = at(&a, after(a_text, "[[../two/b#Pa", 0));
    let definition = client.request_ok("textDocument/definition", on_reference.clone());
    assert_eq!(
        definition,
        json!({"uri": b, "range": {"start": {"line": 6, "character": 0}, "end": {"line": 6, "character": 18}}})
    );
    let whole_file = client.definition(&a, after(a_text, "与[[../tw", 0));
    assert_eq!(whole_file["uri"], b);
    let hover = client.request_ok("textDocument/hover", on_reference.clone());
    assert_eq!(
        hover["contents"]["value"],
        "**Paper2 Second of B**\n\n第二篇的总结"
    );

    let mut params = on_reference;
    params["context"] = json!({"includeDeclaration": true});
    let references = client.request_ok("textDocument/references", params);
    let places: Vec<(String, u64)> = references
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| {
            (
                l["uri"].as_str().unwrap_or("?").to_string(),
                l["range"]["start"]["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(places, [(a.clone(), 4), (b.clone(), 6)]);
    let symbols = client.workspace_symbols("of b");
    assert_eq!(symbols.as_array().map_or(0, Vec::len), 2);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_workspace_folder_added_later_is_indexed() {
    let dir = scratch("added-folder");
    let (one, two) = (dir.join("one"), dir.join("two"));
    write(&one.join("a.digest"), A);
    write(&two.join("b.digest"), B);
    let mut client = Client::start(json!({}), Some(&one));
    client.wait_indexed();
    let count = |client: &mut Client| client.workspace_symbols("").as_array().map_or(0, Vec::len);
    assert_eq!(count(&mut client), 2);
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": file_uri(&two), "name": "two"}], "removed": []}}),
    );
    client.wait_indexed();
    assert_eq!(count(&mut client), 3);
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [{"uri": file_uri(&one), "name": "one"}]}}),
    );
    // Removing is synchronous in the handler; a request after it sees it.
    assert_eq!(count(&mut client), 1);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_same_paper_in_two_digests_is_hinted_with_related_information() {
    let dir = scratch("duplicates");
    let c_text = "C\n\nPaper1 Sparse attention, without tears!\n摘要原文: a\n中文总结: b\n";
    write(&dir.join("a.digest"), A);
    write(&dir.join("c.digest"), c_text);
    let (a, c) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("c.digest")),
    );
    let mut client = Client::start(
        json!({"textDocument": {"publishDiagnostics": {"relatedInformation": true}}}),
        Some(&dir),
    );
    client.wait_indexed();
    client.open(&c, c_text, 1);
    let published = client.expect_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == c && !codes(p).is_empty()
    });
    assert_eq!(codes(&published), ["duplicate-paper-across-files@2"]);
    let hint = &published["diagnostics"][0];
    assert_eq!(hint["severity"], 4);
    assert_eq!(
        hint["relatedInformation"],
        json!([{
            "location": {"uri": a, "range": {"start": {"line": 6, "character": 0}, "end": {"line": 6, "character": 37}}},
            "message": "Paper2 in `a`",
        }])
    );

    // Retitled in the editor: the hint goes.
    client.change_full(&c, 2, &c_text.replace("Sparse", "Dense"));
    assert_eq!(
        codes(&client.wait_diagnostics(&c, Some(2))),
        Vec::<String>::new()
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_config_change_refreshes_hints_and_reparses_the_index() {
    let dir = scratch("config-refresh");
    let a_text = "A\n\nPaper1 A Rather Long Title for Hints\n摘要原文: a\n中文总结: b\n\nPaper2 Two\n摘要原文: a\n中文总结: 与Paper1相关 [[b#论文1]]\n";
    // b uses another keyword: unresolved until the config says so.
    let b_text = "B\n\n论文1 Chinese Heading\n摘要原文: a\n中文总结: b\n";
    write(&dir.join("a.digest"), a_text);
    write(&dir.join("b.digest"), b_text);
    let config = dir.join("digest.toml");
    let a = file_uri(dir.join("a.digest"));
    let mut client = Client::start(
        json!({
            "workspace": {
                "didChangeWatchedFiles": {"dynamicRegistration": true},
                "inlayHint": {"refreshSupport": true},
                "semanticTokens": {"refreshSupport": true},
            },
        }),
        Some(&dir),
    );
    client.wait_indexed();
    client.open(&a, a_text, 1);
    assert_eq!(client.wait_codes(&a, |_| true), ["unresolved-reference@8"]);
    let hints = |client: &mut Client| {
        client
            .request_ok(
                "textDocument/inlayHint",
                json!({"textDocument": {"uri": a}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}),
            )
    };
    assert_eq!(
        hints(&mut client)[0]["label"],
        "A Rather Long Title for Hints"
    );

    write(
        &config,
        "[headings]\nkeywords = [\"Paper\", \"论文\"]\n\n[inlay-hints]\nmax-chars = 10\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 1}]}),
    );
    client.expect_server_request("workspace/inlayHint/refresh");
    client.expect_server_request("workspace/semanticTokens/refresh");
    assert_eq!(hints(&mut client)[0]["label"], "A Rather…");
    // b, from the index, is parsed again with its new keywords.
    client.wait_codes(&a, <[String]>::is_empty);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn an_edit_in_one_open_digest_rechecks_the_digests_that_refer_to_it() {
    // No workspace folder, nothing on disk: the open documents are all.
    let dir = scratch("open-only");
    let (a, b) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("b.digest")),
    );
    let mut client = Client::start(json!({}), None);
    client.open(&b, B, 1);
    assert_eq!(
        client.wait_codes(&b, |c| c.len() == 2),
        ["unresolved-reference@4", "unresolved-reference@4"]
    );
    client.open(&a, A, 1);
    assert_eq!(
        client.wait_codes(&b, <[String]>::is_empty),
        Vec::<String>::new()
    );
    // Paper2 renumbered in the editor only: b's second reference dangles.
    client.change_full(&a, 2, &A.replace("\nPaper2 ", "\nPaper3 "));
    assert_eq!(
        client.wait_codes(&b, |c| !c.is_empty()),
        ["unresolved-reference@4"]
    );
    // Closed without saving: there is no a on disk, both dangle.
    client.close(&a);
    assert_eq!(
        client.wait_codes(&b, |c| c.len() == 2),
        ["unresolved-reference@4", "unresolved-reference@4"]
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn files_a_config_includes_are_indexed_and_followed_on_disk() {
    let dir = scratch("include");
    let config = dir.join("digest.toml");
    write(&config, "[files]\ninclude = [\"**/*.txt\"]\n");
    let paper = "Paper1 Tiny Students Learn Fast\n摘要原文: a\n中文总结: b\n";
    write(&dir.join("notes/week1.txt"), &format!("Week 1\n\n{paper}"));
    let a_text = format!("A\n\n{paper}");
    write(&dir.join("a.digest"), &a_text);
    write(
        &dir.join("other.md"),
        "M\n\nPaper1 Markdown Stays Out\n摘要原文: a\n中文总结: b\n",
    );
    let a = file_uri(dir.join("a.digest"));
    let mut client = Client::start(watching(), Some(&dir));
    let registered = client.expect_server_request("client/registerCapability");
    let globs: Vec<&str> = registered["registrations"][0]["registerOptions"]["watchers"]
        .as_array()
        .expect("watchers")
        .iter()
        .filter_map(|w| w["globPattern"].as_str())
        .collect();
    assert_eq!(globs, ["**/digest.toml", "**/*.digest", "**/*.txt"]);
    let logged = client.wait_indexed();
    assert!(logged.contains("indexed 2 digest(s)"), "{logged}");

    let symbols = |client: &mut Client, q: &str| -> Vec<String> {
        let found = client.workspace_symbols(q);
        let mut files: Vec<String> = found
            .as_array()
            .expect("symbols")
            .iter()
            .map(|s| {
                let uri = s["location"]["uri"].as_str().unwrap_or("?");
                uri.rsplit('/').next().unwrap_or("?").to_string()
            })
            .collect();
        files.sort();
        files
    };
    assert_eq!(
        symbols(&mut client, "tiny students"),
        ["a.digest", "week1.txt"]
    );
    assert_eq!(symbols(&mut client, "markdown"), Vec::<String>::new());
    // The index's copy of the included file is what the cross-file rule sees.
    client.open(&a, &a_text, 1);
    assert_eq!(
        client.wait_codes(&a, |_| true),
        ["duplicate-paper-across-files@2"]
    );

    // An included file created on disk is indexed from its event.
    client.drain_notifications("window/logMessage");
    let week2 = dir.join("notes/deeper/week2.txt");
    write(
        &week2,
        "Week 2\n\nPaper1 Created On Disk\n摘要原文: a\n中文总结: b\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&week2), "type": 1}]}),
    );
    client.wait_followed();
    assert_eq!(symbols(&mut client, "created on disk"), ["week2.txt"]);

    // The config now names *.md instead: the .txt files leave the index,
    // other.md enters it, and the hint goes.
    write(&config, "[files]\ninclude = [\"*.md\"]\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 2}]}),
    );
    client.wait_codes(&a, <[String]>::is_empty);
    assert_eq!(symbols(&mut client, "markdown"), ["other.md"]);
    assert_eq!(symbols(&mut client, "tiny students"), ["a.digest"]);
    assert_eq!(
        symbols(&mut client, "created on disk"),
        Vec::<String>::new()
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Every (name, file name) that `workspace/symbol` gives for `query`, sorted.
fn symbol_files(client: &mut Client, query: &str) -> Vec<(String, String)> {
    let found = client
        .request("workspace/symbol", json!({"query": query}))
        .expect("workspace/symbol");
    let mut named: Vec<(String, String)> = found
        .as_array()
        .expect("symbols")
        .iter()
        .map(|s| {
            let uri = s["location"]["uri"].as_str().unwrap_or("?");
            let file = uri.rsplit('/').next().unwrap_or("?").to_string();
            (s["name"].as_str().unwrap_or("?").to_string(), file)
        })
        .collect();
    named.sort();
    named
}

/// The params of the notifications of `method` received so far whose
/// message names `needle`.
fn naming(client: &mut Client, method: &str, needle: &str) -> Vec<Value> {
    client
        .drain_notifications(method)
        .into_iter()
        .filter(|p| p["message"].as_str().is_some_and(|m| m.contains(needle)))
        .collect()
}

#[test]
fn a_digest_that_is_not_utf8_is_named_once_with_its_first_bad_byte() {
    let dir = scratch("not-utf8");
    write(&dir.join("a.digest"), B);
    let bad = dir.join("bad.digest");
    std::fs::write(&bad, b"Paper1 A\n\xc3\x28 broken\n").expect("write");
    let mut client = Client::spawn(&[], None);
    client.initialize(watching(), Some(&dir));
    let logged = client.wait_indexed();
    assert!(logged.contains("indexed 2 digest(s)"), "{logged}");
    let said = json!({
        "type": 2,
        "message": format!(
            "digest-lsp: {}: is not valid UTF-8 (first bad byte at offset 9); it is left out of the index",
            bad.display()
        ),
    });
    let said = vec![said];
    assert_eq!(
        naming(&mut client, "window/showMessage", "bad.digest"),
        said
    );
    assert_eq!(naming(&mut client, "window/logMessage", "bad.digest"), said);
    // Once: the index following another change on disk says nothing more.
    write(&dir.join("a.digest"), B);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(dir.join("a.digest")), "type": 2}]}),
    );
    client.wait_followed();
    assert_eq!(
        naming(&mut client, "window/showMessage", "bad.digest"),
        Vec::<Value>::new()
    );
    assert_eq!(
        naming(&mut client, "window/logMessage", "bad.digest"),
        Vec::<Value>::new()
    );
    assert_eq!(
        symbol_files(&mut client, ""),
        [(
            "Paper1 Efficient Inference on Phones".to_string(),
            "a.digest".to_string()
        )]
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn digests_deleted_or_renamed_while_the_index_is_built_leave_it_consistent() {
    let dir = scratch("racing");
    let digest = |n: usize| format!("Paper1 Title {n:03}\n摘要原文: a\n中文总结: b\n");
    for n in 0..150 {
        write(&dir.join(format!("d{n:03}.digest")), &digest(n));
    }
    let mut client = Client::spawn(&[], None);
    client.initialize(watching(), Some(&dir));
    // Right after `initialized`, while the index is being built: a third
    // of the digests deleted, a third renamed, and the events an editor's
    // file watcher sends for them. However the two interleave, the index
    // ends as the disk is.
    let mut changes = Vec::new();
    for n in 0..100 {
        let old = dir.join(format!("d{n:03}.digest"));
        if n < 50 {
            std::fs::remove_file(&old).expect("delete");
        } else {
            let new = dir.join(format!("r{n:03}.digest"));
            std::fs::rename(&old, &new).expect("rename");
            changes.push(json!({"uri": file_uri(&new), "type": 1}));
        }
        changes.push(json!({"uri": file_uri(&old), "type": 3}));
    }
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": changes}),
    );
    client.wait_indexed();
    client.wait_followed();
    let mut expected: Vec<(String, String)> = (50..150)
        .map(|n| {
            let prefix = if n < 100 { "r" } else { "d" };
            (
                format!("Paper1 Title {n:03}"),
                format!("{prefix}{n:03}.digest"),
            )
        })
        .collect();
    expected.sort();
    assert_eq!(symbol_files(&mut client, ""), expected);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_symlink_loop_in_a_workspace_folder_does_not_trap_the_index() {
    let dir = scratch("symlink-loop");
    write(&dir.join("sub/a.digest"), B);
    // A folder that leads back up, and a digest that is a link to itself.
    std::os::unix::fs::symlink(&dir, dir.join("sub/up")).expect("symlink");
    std::os::unix::fs::symlink(dir.join("self.digest"), dir.join("self.digest")).expect("symlink");
    let mut client = Client::spawn(&[], None);
    client.initialize(json!({}), Some(&dir));
    let logged = client.wait_indexed();
    assert!(logged.contains("indexed 1 digest(s)"), "{logged}");
    assert_eq!(
        symbol_files(&mut client, ""),
        [(
            "Paper1 Efficient Inference on Phones".to_string(),
            "a.digest".to_string()
        )]
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Tests run as root, who reads a file whatever its mode (a `chmod 000`
/// digest would be read). What cannot be read here: a FIFO named like a
/// digest (reading it would wait forever for a writer) and a dangling link
/// (its read fails for anyone).
#[test]
fn a_fifo_and_a_dangling_link_named_like_digests_are_passed_over() {
    let dir = scratch("unreadable");
    write(&dir.join("a.digest"), B);
    let pipe = dir.join("pipe.digest");
    let made = std::process::Command::new("mkfifo")
        .arg(&pipe)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("gone.digest")).expect("symlink");
    let mut client = Client::spawn(&[], None);
    client.initialize(watching(), Some(&dir));
    let logged = client.wait_indexed();
    assert!(logged.contains("indexed 1 digest(s)"), "{logged}");
    let only_a = [(
        "Paper1 Efficient Inference on Phones".to_string(),
        "a.digest".to_string(),
    )];
    assert_eq!(symbol_files(&mut client, ""), only_a);
    // An event for the FIFO does not make the server read it either.
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&pipe), "type": 2}]}),
    );
    client.wait_followed();
    assert_eq!(symbol_files(&mut client, ""), only_a);
    // Neither is a digest that exists: nothing is said about them.
    assert_eq!(
        naming(&mut client, "window/showMessage", "digest"),
        Vec::<Value>::new()
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
