//! Formatting (`textDocument/formatting`, `rangeFormatting`) and the
//! typography actions (quick fixes, `source.fixAll.digest`) over the real
//! binary's stdio: the edits, applied as an editor applies them, give
//! exactly the formatter's output (`digest_analysis::format::format_text`,
//! what `fmt` writes) in UTF-8, UTF-16 and UTF-32; replies compared whole.

use std::path::Path;

use digest_analysis::format::format_text;
use digest_analysis::{Config, FormatOptions, parse_config};
use digest_e2e::{Client, apply_edits, diagnostic, file_uri, published, range};
use serde_json::{Value, json};

/// A digest in need of formatting, with CRLF line ends, Chinese text and
/// emoji before the edits on their lines (so that each encoding counts
/// their columns differently): trailing white space, leading zeros and a
/// colon in a heading, a full-width colon where most labels use `:`,
/// missing and extra blank lines, blank lines at the end.
const MESSY: &str = "Notes on distillation 😀  \r\n\r\n\r\nPaper01:  Teacher 😀 Assistants  \r\n摘要原文：  We distil a teacher 😀 into students.\t\r\n中文总结:我们提出了方法😀，效果好。  \r\n\r\n\r\n\r\nPaper2 第二篇 论文 \r\n\r\n\r\n摘要原文:abstract text\r\n\r\n中文总结: 总结😀文本\r\n第二行  \r\n\r\n\r\n第三段\r\n\r\n\r\n";

/// [`MESSY`] formatted, as the spec's "Formatting" lays it out.
const FORMATTED: &str = "Notes on distillation 😀\r\n\r\nPaper1 Teacher 😀 Assistants\r\n\r\n摘要原文: We distil a teacher 😀 into students.\r\n\r\n中文总结: 我们提出了方法😀，效果好。\r\n\r\nPaper2 第二篇 论文\r\n\r\n摘要原文: abstract text\r\n\r\n中文总结: 总结😀文本\r\n第二行\r\n\r\n第三段\r\n";

/// Formatted but for one trailing space, after `b` on line 4 (at UTF-16
/// column 10, UTF-8 column 22).
const ONE_SPACE: &str = "Paper1 标题 Title\n\n摘要原文: a\n\n中文总结: 总结 b \n";

/// Two papers, with a trailing space in the first one's abstract (line 2)
/// and in the second one's summary (line 10).
const TWO_PAPERS: &str = "Paper1 One\n\n摘要原文: first \n\n中文总结: a\n\nPaper2 Two\n\n摘要原文: b\n\n中文总结: second \n";

/// `{"textDocument", "options"}`: the params of `textDocument/formatting`.
fn formatting(uri: &str) -> Value {
    json!({
        "textDocument": {"uri": uri},
        "options": {"tabSize": 4, "insertSpaces": true},
    })
}

/// `text` with the LSP text edits `edits` applied as an editor applies
/// them (all against the original text), columns counted in `encoding`;
/// lines end at LF, CRLF or a lone CR, as the server counts them.
fn apply_in(text: &str, edits: &Value, encoding: &str) -> String {
    let bytes = text.as_bytes();
    let mut line_starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        let ends = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends {
            line_starts.push(i + 1);
        }
    }
    let offset = |p: &Value| -> usize {
        let number = |key: &str| {
            p[key]
                .as_u64()
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or_else(|| panic!("no {key} in the position {p}"))
        };
        let (line, character) = (number("line"), number("character"));
        let Some(&start) = line_starts.get(line) else {
            return text.len();
        };
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character || c == '\n' || c == '\r' {
                return start + i;
            }
            units += match encoding {
                "utf-8" => c.len_utf8(),
                "utf-16" => c.len_utf16(),
                "utf-32" => 1,
                other => panic!("no encoding {other}"),
            };
        }
        text.len()
    };
    let mut edits: Vec<(usize, usize, String)> = edits
        .as_array()
        .unwrap_or_else(|| panic!("not an array of edits: {edits}"))
        .iter()
        .map(|e| {
            let new_text = e["newText"].as_str().unwrap_or_else(|| panic!("{e}"));
            let (start, end) = (offset(&e["range"]["start"]), offset(&e["range"]["end"]));
            (start, end, new_text.to_string())
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (start, end, new_text) in edits {
        out.replace_range(start..end, &new_text);
    }
    out
}

/// A scratch folder holding `digest.toml` with `config`, and the URI of a
/// digest in it (written with `text`).
fn workspace(name: &str, config: &str, text: &str) -> (std::path::PathBuf, String) {
    let dir = digest_e2e::temp_dir(&format!("format-{name}"));
    digest_e2e::write_file(&dir.join("digest.toml"), config);
    let path = dir.join("notes.digest");
    digest_e2e::write_file(&path, text);
    (dir, file_uri(path))
}

/// The formatter's output for `text` under the `digest.toml` text
/// `config` (what `digest-lsp fmt` writes).
fn formatted_under(text: &str, config: &str) -> String {
    let (config, errors) = parse_config(config);
    assert_eq!(errors, Vec::new(), "the test's digest.toml is valid");
    format_text(text, &config, &FormatOptions::default())
}

fn uri_in_tmp(name: &str) -> String {
    file_uri(Path::new("/tmp/digest-e2e-format").join(name))
}

#[test]
fn formatting_and_fix_all_are_advertised() {
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(json!({}), None);
    let caps = &init["capabilities"];
    assert_eq!(caps["documentFormattingProvider"], true);
    assert_eq!(caps["documentRangeFormattingProvider"], true);
    assert_eq!(
        caps["codeActionProvider"],
        json!({"codeActionKinds": ["quickfix", "source.fixAll.digest"]})
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_formatter_gives_the_layout_of_the_spec() {
    assert_eq!(
        format_text(MESSY, &Config::default(), &FormatOptions::default()),
        FORMATTED
    );
}

#[test]
fn the_edits_applied_give_the_formatter_output_in_every_encoding() {
    let expected = format_text(MESSY, &Config::default(), &FormatOptions::default());
    let uri = uri_in_tmp("messy.digest");
    let mut replies = Vec::new();
    for encoding in ["utf-8", "utf-16", "utf-32"] {
        let mut client = Client::start(json!({"general": {"positionEncodings": [encoding]}}), None);
        client.open_and_wait(&uri, MESSY, 1);
        let edits = client.request_ok("textDocument/formatting", formatting(&uri));
        assert_eq!(apply_in(MESSY, &edits, encoding), expected, "in {encoding}");
        if encoding == "utf-16" {
            // The shared helper, as an editor applies UTF-16 edits, agrees.
            assert_eq!(apply_edits(MESSY, &edits), expected);
        }
        // Formatted, it gets no edits.
        client.change_full(&uri, 2, &expected);
        let again = client.request_ok("textDocument/formatting", formatting(&uri));
        assert_eq!(again, json!([]), "in {encoding}");
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
        replies.push(edits);
    }
    // The smallest edits: trailing white space and extra blank lines
    // deleted where they are, a line end added for a missing blank line,
    // `01:  ` made `1 ` in the heading, the label's `：` made `:`, a space
    // after a colon; never a line rewritten whole. Columns after an emoji
    // or Chinese text differ between the encodings.
    let crlf = "\r\n";
    assert_eq!(
        replies[1],
        json!([
            {"range": range(0, 24, 1, 0), "newText": ""},
            {"range": range(3, 5, 3, 9), "newText": "1"},
            {"range": range(3, 31, 3, 33), "newText": crlf},
            {"range": range(4, 4, 4, 6), "newText": ":"},
            {"range": range(4, 44, 4, 45), "newText": crlf},
            {"range": range(5, 5, 5, 5), "newText": " "},
            {"range": range(5, 19, 7, 0), "newText": ""},
            {"range": range(9, 13, 10, 0), "newText": ""},
            {"range": range(12, 5, 12, 5), "newText": " "},
            {"range": range(15, 3, 16, 0), "newText": ""},
            {"range": range(19, 0, 21, 0), "newText": ""},
        ])
    );
    // The same edits in UTF-8 (bytes) and UTF-32 (characters).
    for (reply, columns) in [(&replies[0], [26, 56]), (&replies[2], [23, 43])] {
        assert_eq!(reply.as_array().map(Vec::len), Some(11));
        assert_eq!(reply[0]["range"], range(0, columns[0], 1, 0));
        let tab = json!({"range": range(4, columns[1], 4, columns[1] + 1), "newText": crlf});
        assert_eq!(reply[4], tab);
    }
}

#[test]
fn one_trailing_space_gets_one_small_edit() {
    let uri = uri_in_tmp("one-space.digest");
    for (encoding, column) in [("utf-16", 10), ("utf-8", 22)] {
        let mut client = Client::start(json!({"general": {"positionEncodings": [encoding]}}), None);
        client.open_and_wait(&uri, ONE_SPACE, 1);
        let edits = client.request_ok("textDocument/formatting", formatting(&uri));
        assert_eq!(
            edits,
            json!([{"range": range(4, column, 4, column + 1), "newText": ""}]),
            "in {encoding}"
        );
        assert_eq!(
            apply_in(ONE_SPACE, &edits, encoding),
            ONE_SPACE.replace("b \n", "b\n")
        );
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
    }
}

#[test]
fn a_formatted_digest_gets_no_edits() {
    let uri = uri_in_tmp("formatted.digest");
    let mut client = Client::start(json!({}), None);
    client.open_and_wait(&uri, FORMATTED, 1);
    let edits = client.request_ok("textDocument/formatting", formatting(&uri));
    assert_eq!(edits, json!([]));
    let whole = json!({
        "textDocument": {"uri": uri},
        "range": range(0, 0, 16, 0),
        "options": {"tabSize": 4, "insertSpaces": true},
    });
    let edits = client.request_ok("textDocument/rangeFormatting", whole);
    assert_eq!(edits, json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn formatting_off_in_digest_toml_gives_no_edits_and_says_why_once() {
    let (dir, uri) = workspace("off", "[format]\nenabled = false\n", MESSY);
    let mut client = Client::start(json!({}), None);
    client.open_and_wait(&uri, MESSY, 1);
    let edits = client.request_ok("textDocument/formatting", formatting(&uri));
    assert_eq!(edits, json!([]));
    let ranged = json!({
        "textDocument": {"uri": uri},
        "range": range(3, 0, 5, 0),
        "options": {"tabSize": 4, "insertSpaces": true},
    });
    let edits = client.request_ok("textDocument/rangeFormatting", ranged);
    assert_eq!(edits, json!([]));
    // The log message precedes the first answer: every one is in by now.
    let said = client.drain_notifications("window/logMessage");
    let said: Vec<&Value> = said
        .iter()
        .filter(|m| {
            m["message"]
                .as_str()
                .is_some_and(|m| m.contains("[format]"))
        })
        .collect();
    assert_eq!(
        said,
        [&json!({
            "type": 3,
            "message": format!(
                "digest-lsp: {uri} is left as it is: `[format] enabled = false` in {}",
                dir.join("digest.toml").display()
            ),
        })]
    );
    // Turned on again (and a section required, which the diagnostics
    // show once the new configuration is read), the configuration applies.
    let on =
        "[format]\nenabled = true\n\n[sections.method]\nlabels = [\"方法\"]\nrequired = true\n";
    let toml = dir.join("digest.toml");
    digest_e2e::write_file(&toml, on);
    let changes = json!({"changes": [{"uri": file_uri(&toml), "type": 2}]});
    client.notify("workspace/didChangeWatchedFiles", changes);
    client.wait_codes(&uri, |codes| !codes.is_empty());
    let edits = client.request_ok("textDocument/formatting", formatting(&uri));
    assert_eq!(formatted_under(MESSY, on), FORMATTED);
    assert_eq!(apply_edits(MESSY, &edits), FORMATTED);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn an_open_digest_toml_is_not_formatted() {
    // Blank lines and trailing spaces a digest's formatting would remove.
    let config = "[format]  \nenabled = true\n\n\n\n[rules]\nnumbering = \"error\"\n";
    let (dir, _) = workspace("toml", config, FORMATTED);
    let uri = file_uri(dir.join("digest.toml"));
    let mut client = Client::start(json!({}), None);
    client.open(&uri, config, 1);
    let edits = client.request_ok("textDocument/formatting", formatting(&uri));
    assert_eq!(edits, json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn range_formatting_edits_only_the_paper_touched() {
    let uri = uri_in_tmp("two-papers.digest");
    let mut client = Client::start(json!({}), None);
    client.open_and_wait(&uri, TWO_PAPERS, 1);
    let whole = client.request_ok("textDocument/formatting", formatting(&uri));
    let first = json!({"range": range(2, 11, 2, 12), "newText": ""});
    let second = json!({"range": range(10, 12, 10, 13), "newText": ""});
    assert_eq!(whole, json!([first, second]));
    // Each paper's lines selected whole, a selection inside the second
    // one's summary, a cursor on a line with nothing to do.
    for (selected, expected) in [
        (range(0, 0, 5, 0), json!([first])),
        (range(6, 0, 11, 0), json!([second])),
        (range(10, 3, 10, 5), json!([second])),
        (range(8, 3, 8, 3), json!([])),
    ] {
        let ranged = json!({
            "textDocument": {"uri": uri},
            "range": selected,
            "options": {"tabSize": 4, "insertSpaces": true},
        });
        let edits = client.request_ok("textDocument/rangeFormatting", ranged);
        assert_eq!(edits, expected, "for {selected}");
    }
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn formatting_answers_for_the_latest_version() {
    let uri = uri_in_tmp("versions.digest");
    let mut client = Client::start(json!({}), None);
    client.open_and_wait(&uri, FORMATTED, 1);
    // Two trailing spaces typed after `text` at the end of line 10, and at
    // once a formatting request (before the edit's diagnostics are out).
    let typed = json!([{"range": range(10, 19, 10, 19), "text": "  "}]);
    client.change(&uri, 2, typed);
    let edits = client.request_ok("textDocument/formatting", formatting(&uri));
    assert_eq!(
        edits,
        json!([{"range": range(10, 19, 10, 21), "newText": ""}])
    );
    let typed = json!([{"range": range(10, 19, 10, 21), "text": ""}]);
    client.change(&uri, 3, typed);
    let edits = client.request_ok("textDocument/formatting", formatting(&uri));
    assert_eq!(edits, json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// `textDocument/codeAction` over `range` with `diagnostics` and `only`.
fn code_actions(client: &mut Client, uri: &str, diagnostics: Value, only: Option<Value>) -> Value {
    let mut context = json!({"diagnostics": diagnostics});
    if let Some(only) = only {
        context["only"] = only;
    }
    client.request_ok(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range(4, 0, 4, 0), "context": context}),
    )
}

#[test]
fn typography_quick_fixes_and_fix_all() {
    const CONFIG: &str = "[rules]\ncjk-spacing = \"warning\"\n";
    let text =
        "Paper1 Title\n\n摘要原文: An abstract about COCO\n\n中文总结: 使用COCO数据集，提升2个点\n";
    let (_dir, uri) = workspace("typography", CONFIG, text);
    let versioned = json!({"workspace": {"workspaceEdit": {"documentChanges": true}}});
    let mut client = Client::start(versioned, None);
    let found = client.open_and_wait(&uri, text, 1);
    let spacing = |start: u32, message: &str| {
        diagnostic("cjk-spacing", 2, range(4, start, 4, start + 2), message)
    };
    let first = spacing(7, "Paper1: put a space between `用` and `COCO`");
    let second = spacing(11, "Paper1: put a space between `COCO` and `数`");
    // `2个` needs no space (a digit before a measure word), the abstract is
    // not read.
    assert_eq!(
        found,
        published(
            &uri,
            Some(1),
            json!([
                first.clone(),
                second.clone(),
                spacing(17, "Paper1: put a space between `升` and `2`")
            ])
        )
    );
    let insert = |column: u32| json!({"range": range(4, column, 4, column), "newText": " "});
    let versioned_edit = |edits: Value| json!({"documentChanges": [{"textDocument": {"uri": uri, "version": 1}, "edits": edits}]});

    // The quick fix of one diagnostic, with the diagnostic attached.
    let fixes = code_actions(&mut client, &uri, json!([first]), Some(json!(["quickfix"])));
    assert_eq!(
        fixes,
        json!([{
            "title": "Put a space between `用` and `COCO`",
            "kind": "quickfix",
            "diagnostics": [first],
            "edit": versioned_edit(json!([insert(8)])),
            "isPreferred": true,
        }])
    );

    // Fix-all, asked for by its kind or a kind above it: every fix at once.
    let fix_all = json!({
        "title": "Fix all typography findings",
        "kind": "source.fixAll.digest",
        "edit": versioned_edit(json!([insert(8), insert(12), insert(18)])),
    });
    for only in ["source.fixAll", "source.fixAll.digest", "source"] {
        let actions = code_actions(&mut client, &uri, json!([]), Some(json!([only])));
        assert_eq!(actions, json!([fix_all]), "for {only}");
    }
    // Unfiltered: the quick fixes of the diagnostics shown, then fix-all.
    let actions = code_actions(&mut client, &uri, json!([second]), None);
    assert_eq!(actions.as_array().map(Vec::len), Some(2), "{actions}");
    assert_eq!(actions[0]["title"], "Put a space between `COCO` and `数`");
    assert_eq!(actions[1], fix_all);
    // Other kinds get neither.
    let none = code_actions(&mut client, &uri, json!([first]), Some(json!(["refactor"])));
    assert_eq!(none, Value::Null);

    // Applied and sent back, nothing is left to fix.
    let edits = &fix_all["edit"]["documentChanges"][0]["edits"];
    let fixed = apply_edits(text, edits);
    assert_eq!(
        fixed,
        "Paper1 Title\n\n摘要原文: An abstract about COCO\n\n中文总结: 使用 COCO 数据集，提升 2个点\n"
    );
    client.change_full(&uri, 2, &fixed);
    assert_eq!(
        client.wait_diagnostics(&uri, Some(2)),
        published(&uri, Some(2), json!([]))
    );
    // Nothing to fix: not in the whole list; asked for by name, it is
    // offered and changes nothing (as `codeActionsOnSave` applies it).
    let actions = code_actions(&mut client, &uri, json!([]), None);
    assert_eq!(actions, json!([]));
    let actions = code_actions(&mut client, &uri, json!([]), Some(json!(["source.fixAll"])));
    assert_eq!(
        actions,
        json!([{
            "title": "Fix all typography findings",
            "kind": "source.fixAll.digest",
            "edit": {"documentChanges": [{"textDocument": {"uri": uri, "version": 2}, "edits": []}]},
        }])
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn formatting_applies_the_typography_fixes_that_are_on() {
    const CONFIG: &str = "[rules]\ncjk-spacing = \"warning\"\ncjk-punctuation = \"warning\"\n";
    let text = "Paper1 Title  \n\n摘要原文: An abstract, in English.\n\n中文总结: 使用COCO数据集,提升2个点. 见https://example.org/a,b  \n";
    let (_dir, uri) = workspace("typography-format", CONFIG, text);
    let expected = formatted_under(text, CONFIG);
    assert_eq!(
        expected,
        "Paper1 Title\n\n摘要原文: An abstract, in English.\n\n中文总结: 使用 COCO 数据集，提升 2个点。见https://example.org/a,b\n"
    );
    for encoding in ["utf-8", "utf-16", "utf-32"] {
        let mut client = Client::start(json!({"general": {"positionEncodings": [encoding]}}), None);
        client.open_and_wait(&uri, text, 1);
        let edits = client.request_ok("textDocument/formatting", formatting(&uri));
        assert_eq!(apply_in(text, &edits, encoding), expected, "in {encoding}");
        // Without `documentChanges`, fix-all's edit is `changes`.
        let actions = code_actions(&mut client, &uri, json!([]), Some(json!(["source"])));
        let changes = &actions[0]["edit"]["changes"][uri.as_str()];
        let fixed = apply_in(text, changes, encoding);
        assert_eq!(formatted_under(&fixed, CONFIG), expected);
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
    }
}

#[test]
fn on_the_sample_with_every_typography_rule_on() {
    let Some(sample) = digest_e2e::shared_sample() else {
        return;
    };
    let text = std::fs::read_to_string(sample).expect("the sample reads");
    const CONFIG: &str = "[rules]\ncjk-spacing = \"warning\"\ncjk-punctuation = \"warning\"\nfullwidth-alphanumeric = \"warning\"\n";
    let (_dir, uri) = workspace("sample", CONFIG, &text);
    let expected = formatted_under(&text, CONFIG);
    assert_ne!(expected, text, "the sample has typography to fix");
    for encoding in ["utf-8", "utf-16", "utf-32"] {
        let mut client = Client::start(json!({"general": {"positionEncodings": [encoding]}}), None);
        let found = client.open_and_wait(&uri, &text, 1);
        assert!(
            digest_e2e::codes(&found)
                .iter()
                .any(|c| c.starts_with("cjk-punctuation@")),
            "{found}"
        );
        let edits = client.request_ok("textDocument/formatting", formatting(&uri));
        assert_eq!(apply_in(&text, &edits, encoding), expected, "in {encoding}");
        // Fix-all alone leaves no typography finding.
        let actions = code_actions(&mut client, &uri, json!([]), Some(json!(["source.fixAll"])));
        let fixed = apply_in(
            &text,
            &actions[0]["edit"]["changes"][uri.as_str()],
            encoding,
        );
        client.change_full(&uri, 2, &fixed);
        let left = digest_e2e::codes(&client.wait_diagnostics(&uri, Some(2)));
        assert!(
            left.iter()
                .all(|c| !c.starts_with("cjk-") && !c.starts_with("fullwidth-")),
            "{left:?}"
        );
        assert_eq!(client.shutdown_and_exit().code(), Some(0));
    }
}
