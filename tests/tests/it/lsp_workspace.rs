//! The workspace end to end, over the real binary: the index (built in the
//! background with `$/progress`, kept current by watched-file events),
//! rename across files, completion, quick fixes applied by the client,
//! workspace symbols, cross-file duplicates, and a multi-root workspace.
//!
//! Every fixture lives in a fresh folder under the system's temp folder;
//! every wait is on an event, with a timeout. Replies and notifications are
//! compared whole; the few values that depend on the machine are handled
//! where they occur: paths are built from the test's temp folder, the time
//! an indexing took is masked ([`indexed_log`]), and the lists whose order
//! neither the protocol nor the test fixes are sorted on both sides
//! ([`sorted`]).

use digest_e2e::{
    Client, after, apply_edits as apply, at, codes, diagnostic, file_uri, hover_markdown, position,
    published, range, watching, workspace_dir as scratch, write_file as write,
};
use serde_json::{Value, json};

const A: &str = "Reading list A\n\nPaper1 Knowledge Distillation via Teacher Assistants\n摘要原文: We distil a large teacher into a small student.\n中文总结: 本文用助教模型蒸馏，后文见Paper2。\n\nPaper2 Sparse Attention Without Tears\n摘要原文: Attention patterns are sparse.\n中文总结: 与Paper1互补，见[[Paper1]]。\n";

const B: &str = "Reading list B\n\nPaper1 Efficient Inference on Phones\n摘要原文: Phones are small.\n中文总结: 参考[[a#Paper1]]与[[a#Paper2]]。\n";

/// A text edit, whole.
fn edit(range: Value, new_text: &str) -> Value {
    json!({"range": range, "newText": new_text})
}

/// A `SymbolInformation` of `workspace/symbol`, whole: `containerName` is
/// the digest's title, absent when it has none; `range` is the whole paper.
fn symbol(name: &str, container: Option<&str>, uri: &str, range: Value) -> Value {
    let mut symbol = json!({"name": name, "kind": 5, "location": {"uri": uri, "range": range}});
    if let Some(container) = container {
        symbol["containerName"] = json!(container);
    }
    symbol
}

/// The two papers of [`A`] as workspace symbols, in text order.
fn symbols_of_a(uri: &str) -> [Value; 2] {
    [
        symbol(
            "Paper1 Knowledge Distillation via Teacher Assistants",
            Some("Reading list A"),
            uri,
            range(2, 0, 4, 26),
        ),
        symbol(
            "Paper2 Sparse Attention Without Tears",
            Some("Reading list A"),
            uri,
            range(6, 0, 8, 28),
        ),
    ]
}

/// The one paper of [`B`] as a workspace symbol.
fn symbol_of_b(uri: &str) -> Value {
    symbol(
        "Paper1 Efficient Inference on Phones",
        Some("Reading list B"),
        uri,
        range(2, 0, 4, 34),
    )
}

/// `list`, a JSON array, sorted by each element's JSON text: for replies
/// whose order the protocol leaves free and the test does not look at
/// (both sides of the comparison are sorted).
fn sorted(list: impl Into<Value>) -> Value {
    let list: Value = list.into();
    let mut items = list
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {list}"))
        .clone();
    items.sort_by_key(Value::to_string);
    Value::Array(items)
}

/// `workspace/symbol` for `query`, whole, [`sorted`]: what the tests that
/// look at which papers are indexed (not at the ranking) compare.
fn all_symbols(client: &mut Client, query: &str) -> Value {
    sorted(client.workspace_symbols(query))
}

/// Waits for the log line that ends an indexing and returns its params
/// whole, with the milliseconds it took (the one value that depends on the
/// machine) written `<ms>`.
fn indexed_log(client: &mut Client) -> Value {
    let mut logged = client.expect_notification("window/logMessage", |p| {
        p["message"]
            .as_str()
            .is_some_and(|m| m.starts_with("digest-lsp: indexed"))
    });
    let message = logged["message"].as_str().unwrap_or_default();
    logged["message"] = json!(without_ms(message));
    logged
}

/// The params of the log line that ends an indexing of `count` digests,
/// as [`indexed_log`] gives them.
fn indexed(count: usize) -> Value {
    json!({"type": 3, "message": format!("digest-lsp: indexed {count} digest(s) in <ms> ms")})
}

/// `message`, which ends with ` in <digits> ms`, with the digits written
/// `<ms>`.
fn without_ms(message: &str) -> String {
    let masked = message
        .strip_suffix(" ms")
        .and_then(|m| m.rsplit_once(" in "))
        .filter(|(_, ms)| !ms.is_empty() && ms.bytes().all(|b| b.is_ascii_digit()))
        .map(|(head, _)| format!("{head} in <ms> ms"));
    masked.unwrap_or_else(|| panic!("no time in {message:?}"))
}

/// Waits for the diagnostics of `uri` whose [`codes`] satisfy `matches`
/// and returns the params whole.
///
/// Compared whole, an older publication that also satisfies `matches` (a
/// check run twice, say once more at the end of the indexing) would fail
/// the comparison: the tests call [`stale`] before the change they wait on.
fn wait_published(client: &mut Client, uri: &str, matches: impl Fn(&[String]) -> bool) -> Value {
    client.expect_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == uri && matches(&codes(p))
    })
}

/// Drops the diagnostics published so far: sent before the change a test
/// is about to make, they cannot be the answer to it.
fn stale(client: &mut Client) {
    client.drain_notifications("textDocument/publishDiagnostics");
}

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
    assert_eq!(
        client.wait_diagnostics(&b, Some(1)),
        published(&b, Some(1), json!([]))
    );

    // From a wiki reference in b to paper 2 of a (not open: from the index).
    let on_reference = at(&b, after(B, "[[a#Paper2", 1));
    let prepared = client.request_ok("textDocument/prepareRename", on_reference.clone());
    assert_eq!(
        prepared,
        json!({"range": range(4, 30, 4, 31), "placeholder": "2"})
    );

    let mut params = on_reference.clone();
    params["newName"] = json!("3");
    let renamed = client.request_ok("textDocument/rename", params);
    assert_eq!(
        renamed,
        json!({"changes": {
            &a: [edit(range(4, 24, 4, 25), "3"), edit(range(6, 5, 6, 6), "3")],
            &b: [edit(range(4, 30, 4, 31), "3")],
        }})
    );
    let new_a = apply(A, &renamed["changes"][&a]);
    let new_b = apply(B, &renamed["changes"][&b]);
    assert_eq!(
        new_a,
        A.replace("后文见Paper2。", "后文见Paper3。")
            .replace("\nPaper2 Sparse Attention", "\nPaper3 Sparse Attention")
    );
    assert_eq!(new_b, B.replace("[[a#Paper2]]", "[[a#Paper3]]"));

    // Applied: a on disk (as an editor saves a file it has not open), b in
    // the editor. b's references settle on the new a once the index has it.
    write(&a_path, &new_a);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": a, "type": 2}]}),
    );
    client.change_full(&b, 2, &new_b);
    let settled = client.expect_notification("textDocument/publishDiagnostics", |p| {
        p["uri"] == b && p["version"] == 2 && codes(p).is_empty()
    });
    assert_eq!(settled, published(&b, Some(2), json!([])));
    // a has no unresolved reference; its numbers now skip 2.
    client.open(&a, &new_a, 1);
    assert_eq!(
        client.wait_diagnostics(&a, Some(1)),
        published(
            &a,
            Some(1),
            json!([diagnostic(
                "numbering",
                2,
                range(6, 0, 6, 6),
                "Paper3 follows Paper1: expected number 2; renumber the paper"
            )])
        )
    );

    // A number that is taken: refused with the feature's message.
    let mut taken = at(&a, after(&new_a, "\nPaper1", 0));
    taken["newName"] = json!("3");
    assert_eq!(
        client
            .request("textDocument/rename", taken)
            .expect_err("refused"),
        json!({
            "code": -32803,
            "message": "Paper3 already exists in this digest: choose a number that no paper has",
        })
    );

    // Nothing to rename in plain text.
    assert_eq!(
        client
            .request(
                "textDocument/prepareRename",
                at(&a, after(&new_a, "Reading", 0)),
            )
            .expect_err("nothing here"),
        json!({
            "code": -32803,
            "message": "nothing to renumber here: put the cursor on a paper's number or on a reference to a paper",
        })
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
    let renamed = client.request_ok("textDocument/rename", params);
    // a is open: its version; b is not: no version.
    assert_eq!(
        renamed,
        json!({"documentChanges": [
            {
                "textDocument": {"uri": a, "version": 7},
                "edits": [
                    edit(range(2, 5, 2, 6), "9"),
                    edit(range(8, 12, 8, 13), "9"),
                    edit(range(8, 24, 8, 25), "9"),
                ],
            },
            {
                "textDocument": {"uri": b, "version": null},
                "edits": [edit(range(4, 17, 4, 18), "9")],
            },
        ]})
    );
    // Every Paper1 of a, and b's one reference to it.
    assert_eq!(
        apply(A, &renamed["documentChanges"][0]["edits"]),
        A.replace("Paper1", "Paper9")
    );
    assert_eq!(
        apply(B, &renamed["documentChanges"][1]["edits"]),
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
    let complete = |client: &mut Client, position: Value| {
        client.request_ok("textDocument/completion", at(&a, position))
    };

    // An item, whole: `kind` 18 (reference) for a paper, 17 (file) for a
    // digest; the paper's title or the digest's as `detail`, the summary or
    // the digest's size as plain-text documentation; sorted as listed.
    let item = |(label, kind, detail, documentation): (&str, u8, &str, &str),
                sort: usize,
                text_edit: Value| {
        json!({
            "label": label,
            "kind": kind,
            "detail": detail,
            "documentation": {"kind": "plaintext", "value": documentation},
            "sortText": format!("{sort:06}"),
            "insertTextFormat": 1,
            "textEdit": text_edit,
        })
    };
    // After brackets, a paper is also found by its title.
    let by_title = |mut item: Value, filter: &str| {
        item["filterText"] = json!(filter);
        item
    };
    let paper1 = (
        "Paper1",
        18,
        "Knowledge Distillation via Teacher Assistants",
        "本文用助教模型蒸馏，后文见Paper2。",
    );
    let paper2 = (
        "Paper2",
        18,
        "Sparse Attention Without Tears",
        "与Paper1互补，见[[Paper1]]。",
    );
    let paper3 = ("Paper3", 18, "Third", "链接[[");

    // After `Paper`: the word is replaced.
    let word = range(11, 8, 11, 13);
    assert_eq!(
        complete(&mut client, after(&text, "参见Paper", 0)),
        json!([
            item(paper1, 0, edit(word.clone(), "Paper1")),
            item(paper2, 1, edit(word.clone(), "Paper2")),
            item(paper3, 2, edit(word, "Paper3")),
        ])
    );

    // After `[[`: the papers, then the other digest, each closed with `]]`.
    let here = range(12, 10, 12, 10);
    assert_eq!(
        complete(&mut client, after(&text, "链接[[", 0)),
        json!([
            by_title(
                item(paper1, 0, edit(here.clone(), "Paper1]]")),
                "Paper1 Knowledge Distillation via Teacher Assistants"
            ),
            by_title(
                item(paper2, 1, edit(here.clone(), "Paper2]]")),
                "Paper2 Sparse Attention Without Tears"
            ),
            by_title(
                item(paper3, 2, edit(here.clone(), "Paper3]]")),
                "Paper3 Third"
            ),
            item(("b", 17, "Reading list B", "1 paper"), 3, edit(here, "b]]")),
        ])
    );

    // After `[[b#`: the papers of b.
    assert_eq!(
        complete(&mut client, after(&text, "[[b#", 0)),
        json!([by_title(
            item(
                (
                    "Paper1",
                    18,
                    "Efficient Inference on Phones",
                    "参考[[a#Paper1]]与[[a#Paper2]]。"
                ),
                0,
                edit(range(13, 8, 13, 8), "Paper1]]")
            ),
            "Paper1 Efficient Inference on Phones"
        )])
    );
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
    let unknown_label = diagnostic(
        "unknown-label",
        2,
        range(3, 0, 3, 7),
        "Paper1: `Abstrct` is not a known section label: did you mean `Abstract`?",
    );
    let without_scheme = diagnostic(
        "link-without-scheme",
        4,
        range(4, 9, 4, 23),
        "Paper1: `github.com/a/b` looks like a link without a scheme: write `https://github.com/a/b`",
    );
    let missing_summary = diagnostic(
        "missing-section",
        2,
        range(6, 0, 6, 10),
        "Paper2 has no summary section: add a line starting with `中文总结:`",
    );
    assert_eq!(
        client.wait_diagnostics(&uri, Some(1)),
        published(
            &uri,
            Some(1),
            json!([unknown_label, without_scheme, missing_summary])
        )
    );
    // The quick fix of `diagnostic`, asked for as an editor asks.
    let fix = |client: &mut Client, diagnostic: &Value| {
        client.request_ok(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": diagnostic["range"],
                "context": {"diagnostics": [diagnostic]},
            }),
        )
    };
    // A quick fix, whole: preferred, for `diagnostic`, making `edits`.
    let quickfix = |title: &str, diagnostic: &Value, edits: Value| {
        json!({
            "title": title,
            "kind": "quickfix",
            "diagnostics": [diagnostic],
            "isPreferred": true,
            "edit": {"changes": {&uri: edits}},
        })
    };

    // Each fix applied as the client applies it clears its diagnostic.
    let actions = fix(&mut client, &unknown_label);
    assert_eq!(
        actions,
        json!([quickfix(
            "Replace `Abstrct` with `Abstract`",
            &unknown_label,
            json!([edit(range(3, 0, 3, 7), "Abstract")])
        )])
    );
    let current = apply(text, &actions[0]["edit"]["changes"][&uri]);
    assert_eq!(current, text.replace("\nAbstrct: ", "\nAbstract: "));
    client.change_full(&uri, 2, &current);
    assert_eq!(
        client.wait_diagnostics(&uri, Some(2)),
        published(&uri, Some(2), json!([without_scheme, missing_summary]))
    );

    let actions = fix(&mut client, &without_scheme);
    assert_eq!(
        actions,
        json!([quickfix(
            "Write `https://github.com/a/b`",
            &without_scheme,
            json!([edit(range(4, 9, 4, 9), "https://")])
        )])
    );
    let current = apply(&current, &actions[0]["edit"]["changes"][&uri]);
    assert_eq!(
        current,
        text.replace("\nAbstrct: ", "\nAbstract: ")
            .replace("代码见github.com", "代码见https://github.com")
    );
    client.change_full(&uri, 3, &current);
    assert_eq!(
        client.wait_diagnostics(&uri, Some(3)),
        published(&uri, Some(3), json!([missing_summary]))
    );

    let actions = fix(&mut client, &missing_summary);
    assert_eq!(
        actions,
        json!([quickfix(
            "Add the `中文总结:` section",
            &missing_summary,
            json!([edit(range(7, 23, 7, 23), "\n中文总结:")])
        )])
    );
    let current = apply(&current, &actions[0]["edit"]["changes"][&uri]);
    assert_eq!(
        current,
        text.replace("\nAbstrct: ", "\nAbstract: ")
            .replace("代码见github.com", "代码见https://github.com")
            .replace(
                "摘要原文: only the abstract\n",
                "摘要原文: only the abstract\n中文总结:\n"
            )
    );
    client.change_full(&uri, 4, &current);
    // The section added is empty, which is the next thing to mend.
    assert_eq!(
        client.wait_diagnostics(&uri, Some(4)),
        published(
            &uri,
            Some(4),
            json!([diagnostic(
                "empty-section",
                2,
                range(8, 0, 8, 5),
                "Paper2: the `中文总结` section is empty: write its text after the colon"
            )])
        )
    );

    // A filter that excludes quick fixes gets none.
    let none = client.request_ok(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": range(0, 0, 0, 0),
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
    let numbering = diagnostic(
        "numbering",
        2,
        range(6, 0, 6, 6),
        "Paper3 follows Paper1: expected number 2; renumber the paper",
    );
    assert_eq!(
        client.wait_diagnostics(&a, Some(1)),
        published(&a, Some(1), json!([numbering]))
    );
    let actions = client.request_ok(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": a},
            "range": numbering["range"],
            "context": {"diagnostics": [numbering]},
        }),
    );
    assert_eq!(
        actions,
        json!([{
            "title": "Renumber papers from here",
            "kind": "quickfix",
            "diagnostics": [numbering],
            "isPreferred": false,
            "edit": {"changes": {
                &a: [
                    edit(range(6, 5, 6, 6), "2"),
                    edit(range(10, 5, 10, 6), "3"),
                    edit(range(12, 12, 12, 13), "2"),
                ],
                &b: [
                    edit(range(4, 15, 4, 16), "2"),
                    edit(range(4, 28, 4, 29), "3"),
                ],
            }},
        }])
    );
    let changes = &actions[0]["edit"]["changes"];
    let new_a = apply(a_text, &changes[&a]);
    let new_b = apply(b_text, &changes[&b]);
    assert_eq!(
        new_a,
        a_text
            .replace("\nPaper3 Three", "\nPaper2 Three")
            .replace("\nPaper4 Four", "\nPaper3 Four")
            .replace("与Paper3相关", "与Paper2相关")
    );
    assert_eq!(
        new_b,
        b_text.replace("[[a#Paper3]] [[a#Paper4]]", "[[a#Paper2]] [[a#Paper3]]")
    );

    client.change_full(&a, 2, &new_a);
    assert_eq!(
        client.wait_diagnostics(&a, Some(2)),
        published(&a, Some(2), json!([]))
    );
    client.open(&b, &new_b, 1);
    assert_eq!(
        client.wait_diagnostics(&b, Some(1)),
        published(&b, Some(1), json!([]))
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
    let (a, b, c) = (
        file_uri(dir.join("a.digest")),
        file_uri(dir.join("sub/b.digest")),
        file_uri(dir.join("c.digest")),
    );
    let mut client = Client::start(json!({}), Some(&dir));
    assert_eq!(indexed_log(&mut client), indexed(3));

    let c1 = symbol("Paper1 知识蒸馏综述", Some("C"), &c, range(2, 0, 4, 7));
    let c2 = symbol(
        "Paper2 Distilling the Knowledge in a Neural Network",
        Some("C"),
        &c,
        range(6, 0, 8, 7),
    );
    let [a1, a2] = symbols_of_a(&a);
    // Every paper: the order of an empty query is left free (sorted).
    assert_eq!(
        all_symbols(&mut client, ""),
        sorted(json!([a1, a2, symbol_of_b(&b), c1, c2]))
    );
    // Ranked: a title that starts with the query before one that holds it.
    assert_eq!(client.workspace_symbols("distil"), json!([c2, a1]));
    assert_eq!(client.workspace_symbols("蒸馏"), json!([c1]));
    assert_eq!(client.workspace_symbols("phones"), json!([symbol_of_b(&b)]));
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
    // The reference to c, when c has no Paper1 or is not there.
    let no_c = diagnostic(
        "unresolved-reference",
        1,
        range(4, 7, 4, 19),
        "Paper1: unresolved reference `c#Paper1`: no digest found at `c.digest`; fix the number or the file name",
    );
    let no_paper1 = diagnostic(
        "unresolved-reference",
        1,
        range(4, 7, 4, 19),
        "Paper1: unresolved reference `c#Paper1`: `c.digest` has no such paper; fix the number or the file name",
    );
    assert_eq!(
        client.wait_diagnostics(&a, Some(1)),
        published(&a, Some(1), json!([no_c]))
    );
    assert_eq!(client.workspace_symbols("created"), json!([]));

    // Created: the reference resolves, the new paper is a workspace symbol.
    write(
        &c_path,
        "C\n\nPaper1 Created Later\n摘要原文: a\n中文总结: b\n",
    );
    stale(&mut client);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c, "type": 1}]}),
    );
    assert_eq!(
        wait_published(&mut client, &a, <[String]>::is_empty),
        published(&a, Some(1), json!([]))
    );
    assert_eq!(
        client.workspace_symbols("created"),
        json!([symbol(
            "Paper1 Created Later",
            Some("C"),
            &c,
            range(2, 0, 4, 7)
        )])
    );
    assert_eq!(
        client.hover(&a, after(a_text, "[[c#Pap", 0)),
        hover_markdown("**Paper1 Created Later**\n\nb", range(4, 7, 4, 19))
    );

    // Changed: paper 1 is now paper 2, the reference dangles again.
    write(
        &c_path,
        "C\n\nPaper2 Changed Since\n摘要原文: a\n中文总结: b\n",
    );
    stale(&mut client);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c, "type": 2}]}),
    );
    assert_eq!(
        wait_published(&mut client, &a, |c| !c.is_empty()),
        published(&a, Some(1), json!([no_paper1]))
    );
    assert_eq!(client.workspace_symbols("created"), json!([]));
    assert_eq!(
        client.workspace_symbols("changed since"),
        json!([symbol(
            "Paper2 Changed Since",
            Some("C"),
            &c,
            range(2, 0, 4, 7)
        )])
    );

    // Back to resolving, then deleted: dangling, and gone from the symbols.
    write(&c_path, "C\n\nPaper1 Restored\n摘要原文: a\n中文总结: b\n");
    stale(&mut client);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c, "type": 2}]}),
    );
    assert_eq!(
        wait_published(&mut client, &a, <[String]>::is_empty),
        published(&a, Some(1), json!([]))
    );
    std::fs::remove_file(&c_path).expect("delete");
    stale(&mut client);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": c, "type": 3}]}),
    );
    assert_eq!(
        wait_published(&mut client, &a, |c| !c.is_empty()),
        published(&a, Some(1), json!([no_c]))
    );
    assert_eq!(client.workspace_symbols("restored"), json!([]));

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
    assert_eq!(
        client.workspace_symbols("moved in"),
        json!([symbol(
            "Paper1 Moved In",
            Some("E"),
            &file_uri(folder.join("deep/e.digest")),
            range(2, 0, 4, 7)
        )])
    );
    std::fs::remove_dir_all(&folder).expect("delete folder");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&folder), "type": 3}]}),
    );
    client.wait_followed();
    assert_eq!(client.workspace_symbols("moved in"), json!([]));
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
    // The first indexing of this server: its token ends with 0.
    let token = "digest-lsp/index/0";
    assert_eq!(
        client.expect_server_request("window/workDoneProgress/create"),
        json!({"token": token})
    );
    let begin = client.expect_notification("$/progress", |p| {
        p["token"] == token && p["value"]["kind"] == "begin"
    });
    assert_eq!(
        begin,
        json!({"token": token, "value": {
            "kind": "begin",
            "title": "Indexing digests",
            "message": "searching 1 folder(s)",
            "percentage": 0,
        }})
    );
    let mut end = client.expect_notification("$/progress", |p| {
        p["token"] == token && p["value"]["kind"] == "end"
    });
    let message = end["value"]["message"].as_str().unwrap_or_default();
    end["value"]["message"] = json!(without_ms(message));
    assert_eq!(
        end,
        json!({"token": token, "value": {"kind": "end", "message": "indexed 20 digest(s) in <ms> ms"}})
    );
    // Every report came between begin and end; how many there are depends
    // on the machine's speed (one each 200 ms), what each says does not.
    let reports: Vec<Value> = (0..=20)
        .map(|done| {
            json!({"token": token, "value": {
                "kind": "report",
                "message": format!("{done}/20 digests"),
                "percentage": done * 5,
            }})
        })
        .collect();
    for report in client.drain_notifications("$/progress") {
        assert!(reports.contains(&report), "{report}");
    }
    assert_eq!(indexed_log(&mut client), indexed(20));

    // Without the capability: no progress, the log line only.
    let mut quiet = Client::start(json!({}), Some(&dir));
    assert_eq!(indexed_log(&mut quiet), indexed(20));
    assert_eq!(quiet.server_requests().to_vec(), Vec::<Value>::new());
    assert_eq!(quiet.drain_notifications("$/progress"), Vec::<Value>::new());
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
    assert_eq!(indexed_log(&mut client), indexed(2));
    client.open(&a, a_text, 1);
    assert_eq!(
        client.wait_diagnostics(&a, Some(1)),
        published(&a, Some(1), json!([]))
    );

    let on_reference = at(&a, after(a_text, "[[../two/b#Pa", 0));
    let definition = client.request_ok("textDocument/definition", on_reference.clone());
    assert_eq!(definition, json!({"uri": b, "range": range(6, 0, 6, 18)}));
    assert_eq!(
        client.definition(&a, after(a_text, "与[[../tw", 0)),
        json!({"uri": b, "range": range(0, 0, 0, 0)})
    );
    assert_eq!(
        client.request_ok("textDocument/hover", on_reference.clone()),
        hover_markdown("**Paper2 Second of B**\n\n第二篇的总结", range(4, 7, 4, 26))
    );

    let mut params = on_reference;
    params["context"] = json!({"includeDeclaration": true});
    // In file order, then text order.
    assert_eq!(
        client.request_ok("textDocument/references", params),
        json!([
            {"uri": a, "range": range(4, 7, 4, 26)},
            {"uri": b, "range": range(6, 0, 6, 6)},
        ])
    );
    // Which of the two comes first is the ranking's affair (sorted).
    assert_eq!(
        all_symbols(&mut client, "of b"),
        sorted(json!([
            symbol("Paper1 First of B", Some("B"), &b, range(2, 0, 4, 7)),
            symbol("Paper2 Second of B", Some("B"), &b, range(6, 0, 8, 12)),
        ]))
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_workspace_folder_added_later_is_indexed() {
    let dir = scratch("added-folder");
    let (one, two) = (dir.join("one"), dir.join("two"));
    write(&one.join("a.digest"), A);
    write(&two.join("b.digest"), B);
    let (a, b) = (
        file_uri(one.join("a.digest")),
        file_uri(two.join("b.digest")),
    );
    let mut client = Client::start(json!({}), Some(&one));
    client.wait_indexed();
    let [a1, a2] = symbols_of_a(&a);
    // The order of an empty query is left free (sorted).
    assert_eq!(all_symbols(&mut client, ""), sorted(json!([a1, a2])));
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [{"uri": file_uri(&two), "name": "two"}], "removed": []}}),
    );
    client.wait_indexed();
    assert_eq!(
        all_symbols(&mut client, ""),
        sorted(json!([a1, a2, symbol_of_b(&b)]))
    );
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [{"uri": file_uri(&one), "name": "one"}]}}),
    );
    // Removing is synchronous in the handler; a request after it sees it.
    assert_eq!(client.workspace_symbols(""), json!([symbol_of_b(&b)]));
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
    let mut hint = diagnostic(
        "duplicate-paper-across-files",
        4,
        range(2, 0, 2, 39),
        "Paper1 is also in `a` as Paper2, with the same title: keep one and refer to it with `[[a#Paper2]]`",
    );
    hint["relatedInformation"] = json!([{
        "location": {"uri": a, "range": range(6, 0, 6, 37)},
        "message": "Paper2 in `a`",
    }]);
    assert_eq!(
        wait_published(&mut client, &c, |c| !c.is_empty()),
        published(&c, Some(1), json!([hint]))
    );

    // Retitled in the editor: the hint goes.
    client.change_full(&c, 2, &c_text.replace("Sparse", "Dense"));
    assert_eq!(
        client.wait_diagnostics(&c, Some(2)),
        published(&c, Some(2), json!([]))
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
    assert_eq!(
        client.wait_diagnostics(&a, Some(1)),
        published(
            &a,
            Some(1),
            json!([diagnostic(
                "unresolved-reference",
                1,
                range(8, 16, 8, 25),
                "Paper2: unresolved reference `b#论文1`: the part after `#` must be a paper, like `#Paper3`; fix the number or the file name"
            )])
        )
    );
    // Hints name the papers of a itself only (none for the reference to b).
    let hints = |client: &mut Client| {
        client.request_ok(
            "textDocument/inlayHint",
            json!({"textDocument": {"uri": a}, "range": range(0, 0, 9, 0)}),
        )
    };
    let hint =
        |label: &str| json!({"position": position(8, 13), "label": label, "paddingLeft": true});
    assert_eq!(
        hints(&mut client),
        json!([hint("A Rather Long Title for Hints")])
    );

    write(
        &config,
        "[headings]\nkeywords = [\"Paper\", \"论文\"]\n\n[inlay-hints]\nmax-chars = 10\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 1}]}),
    );
    assert_eq!(
        client.expect_server_request("workspace/inlayHint/refresh"),
        Value::Null
    );
    assert_eq!(
        client.expect_server_request("workspace/semanticTokens/refresh"),
        Value::Null
    );
    assert_eq!(hints(&mut client), json!([hint("A Rather…")]));
    // b, from the index, is parsed again with its new keywords.
    assert_eq!(
        wait_published(&mut client, &a, <[String]>::is_empty),
        published(&a, Some(1), json!([]))
    );
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
    let unresolved = |range: Value, message: &str| {
        diagnostic(
            "unresolved-reference",
            1,
            range,
            &format!("Paper1: unresolved reference {message}; fix the number or the file name"),
        )
    };
    let to_paper1 = unresolved(
        range(4, 8, 4, 20),
        "`a#Paper1`: no digest found at `a.digest`",
    );
    let to_paper2 = unresolved(
        range(4, 21, 4, 33),
        "`a#Paper2`: no digest found at `a.digest`",
    );
    let to_paper2_missing = unresolved(
        range(4, 21, 4, 33),
        "`a#Paper2`: `a.digest` has no such paper",
    );
    let mut client = Client::start(json!({}), None);
    client.open(&b, B, 1);
    assert_eq!(
        wait_published(&mut client, &b, |c| c.len() == 2),
        published(&b, Some(1), json!([to_paper1, to_paper2]))
    );
    stale(&mut client);
    client.open(&a, A, 1);
    assert_eq!(
        wait_published(&mut client, &b, <[String]>::is_empty),
        published(&b, Some(1), json!([]))
    );
    // Paper2 renumbered in the editor only: b's second reference dangles.
    stale(&mut client);
    client.change_full(&a, 2, &A.replace("\nPaper2 ", "\nPaper3 "));
    assert_eq!(
        wait_published(&mut client, &b, |c| !c.is_empty()),
        published(&b, Some(1), json!([to_paper2_missing]))
    );
    // Closed without saving: there is no a on disk, both dangle.
    stale(&mut client);
    client.close(&a);
    assert_eq!(
        wait_published(&mut client, &b, |c| c.len() == 2),
        published(&b, Some(1), json!([to_paper1, to_paper2]))
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
    let week1 = file_uri(dir.join("notes/week1.txt"));
    let mut client = Client::start(watching(), Some(&dir));
    assert_eq!(
        client.expect_server_request("client/registerCapability"),
        json!({"registrations": [{
            "id": "digest-watched-files",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": {"watchers": [
                {"globPattern": "**/digest.toml"},
                {"globPattern": "**/*.digest"},
                {"globPattern": "**/*.txt"},
                {"globPattern": "**/*.bib"},
            ]},
        }]})
    );
    assert_eq!(indexed_log(&mut client), indexed(2));

    let tiny = |uri: &str, title: &str| {
        symbol(
            "Paper1 Tiny Students Learn Fast",
            Some(title),
            uri,
            range(2, 0, 4, 7),
        )
    };
    // Which file comes first is left free (sorted).
    assert_eq!(
        all_symbols(&mut client, "tiny students"),
        sorted(json!([tiny(&a, "A"), tiny(&week1, "Week 1")]))
    );
    assert_eq!(client.workspace_symbols("markdown"), json!([]));
    // The index's copy of the included file is what the cross-file rule sees.
    client.open(&a, &a_text, 1);
    assert_eq!(
        client.wait_diagnostics(&a, Some(1)),
        published(
            &a,
            Some(1),
            json!([diagnostic(
                "duplicate-paper-across-files",
                4,
                range(2, 0, 2, 31),
                "Paper1 is also in `notes/week1.txt` as Paper1, with the same title: keep one and refer to it with `[[notes/week1.txt#Paper1]]`"
            )])
        )
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
    assert_eq!(
        client.workspace_symbols("created on disk"),
        json!([symbol(
            "Paper1 Created On Disk",
            Some("Week 2"),
            &file_uri(&week2),
            range(2, 0, 4, 7)
        )])
    );

    // The config now names *.md instead: the .txt files leave the index,
    // other.md enters it, and the hint goes.
    write(&config, "[files]\ninclude = [\"*.md\"]\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&config), "type": 2}]}),
    );
    assert_eq!(
        wait_published(&mut client, &a, <[String]>::is_empty),
        published(&a, Some(1), json!([]))
    );
    assert_eq!(
        client.workspace_symbols("markdown"),
        json!([symbol(
            "Paper1 Markdown Stays Out",
            Some("M"),
            &file_uri(dir.join("other.md")),
            range(2, 0, 4, 7)
        )])
    );
    assert_eq!(
        client.workspace_symbols("tiny students"),
        json!([tiny(&a, "A")])
    );
    assert_eq!(client.workspace_symbols("created on disk"), json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
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
    assert_eq!(indexed_log(&mut client), indexed(2));
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
        client.workspace_symbols(""),
        json!([symbol_of_b(&file_uri(dir.join("a.digest")))])
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
    // The digests have no title: no container.
    let expected: Vec<Value> = (50..150)
        .map(|n| {
            let prefix = if n < 100 { "r" } else { "d" };
            symbol(
                &format!("Paper1 Title {n:03}"),
                None,
                &file_uri(dir.join(format!("{prefix}{n:03}.digest"))),
                range(0, 0, 2, 7),
            )
        })
        .collect();
    // The order of an empty query is left free (sorted).
    assert_eq!(all_symbols(&mut client, ""), sorted(expected));
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
    assert_eq!(indexed_log(&mut client), indexed(1));
    assert_eq!(
        client.workspace_symbols(""),
        json!([symbol_of_b(&file_uri(dir.join("sub/a.digest")))])
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
    assert_eq!(indexed_log(&mut client), indexed(1));
    let only_a = json!([symbol_of_b(&file_uri(dir.join("a.digest")))]);
    assert_eq!(client.workspace_symbols(""), only_a);
    // An event for the FIFO does not make the server read it either.
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&pipe), "type": 2}]}),
    );
    client.wait_followed();
    assert_eq!(client.workspace_symbols(""), only_a);
    // Neither is a digest that exists: nothing is said about them.
    assert_eq!(
        naming(&mut client, "window/showMessage", "digest"),
        Vec::<Value>::new()
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
