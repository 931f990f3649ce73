//! A second outside tester's run over the real binary: what a demanding
//! user found wrong in the server and the CLI, each finding a test that
//! failed before its fix.
//!
//! Every fixture is written here, in a fresh folder; every wait is on an
//! event, with a timeout.

use digest_e2e::{
    Client, apply_edits, file_uri, read, run_cli as run, workspace_dir as scratch,
    write_file as write,
};
use serde_json::json;

/// A digest edited on two machines: the first line ends in LF, the others
/// in CRLF, with an emoji before the line ends (UTF-16 columns differ from
/// characters).
const MIXED: &str = "Notes 😀\nPaper1 Title 😀\r\nAbstract: a 😀\r\nSummary: b\r\n";

/// Spec, "Formatting": the LSP answer gives what `fmt` writes (the file's
/// first line end everywhere). Applied as an editor applies them (a
/// position past a line's end is that line's end), the edits gave
/// "Paper1 Title 😀\n\r\n...": they addressed the `\r` of each CRLF as one
/// character past the line's end.
#[test]
fn formatting_a_digest_with_mixed_line_ends_gives_what_fmt_writes() {
    let dir = scratch("outside2-mixed-line-ends");
    let path = dir.join("notes.digest");
    write(&path, MIXED);
    let (code, formatted, err) = run(&["fmt", "-"], &dir, Some(MIXED.as_bytes()));
    assert_eq!(
        (code, formatted.as_str(), err.as_str()),
        (
            0,
            "Notes 😀\n\nPaper1 Title 😀\n\nAbstract: a 😀\n\nSummary: b\n",
            ""
        )
    );

    let uri = file_uri(&path);
    let mut client = Client::start(json!({}), None);
    client.open_and_wait(&uri, MIXED, 1);
    let params = json!({
        "textDocument": {"uri": uri},
        "options": {"tabSize": 4, "insertSpaces": true},
    });
    let edits = client.request_ok("textDocument/formatting", params);
    assert_eq!(apply_edits(MIXED, &edits), formatted, "{edits}");
    for edit in edits.as_array().into_iter().flatten() {
        for end in ["start", "end"] {
            let at = &edit["range"][end];
            let line = at["line"].as_u64().and_then(|l| usize::try_from(l).ok());
            let length = line.and_then(|l| MIXED.lines().nth(l)).map_or(0, |text| {
                text.trim_end_matches('\r')
                    .chars()
                    .map(char::len_utf16)
                    .sum::<usize>()
            });
            let character = at["character"]
                .as_u64()
                .and_then(|c| usize::try_from(c).ok());
            assert!(
                character.is_some_and(|c| c <= length),
                "{end} of {edit} is past the end of its line"
            );
        }
    }
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Two entries, one with a Chinese title.
const LIBRARY: &str = "@article{zhang2020survey,\n  title = {知识蒸馏综述},\n  year = {2020},\n}\n\n@inproceedings{park2019relational,\n  title = {Relational Knowledge Distillation},\n  year = {2019},\n}\n";

/// `[[@` typed in a summary (line 3), `[[@知识` in a note (line 4), an
/// e-mail address at the start of a line of the paper (line 5).
const CITING: &str = "Paper1 学生与教师\n摘要原文: a\n中文总结: 见[[@\n笔记: 见[[@知识\nme@\n";

/// Docs, "Bibliography": "Completion after `[[@`: the keys of the entries
/// whose key or title holds what you typed". The server did not list `@`
/// among its trigger characters, so typing `[[@` in VS Code closed the list
/// opened by `[` instead of showing the keys; and `[[@知识` (a Chinese
/// title is no key) offered the papers, to be written over `@知识`.
#[test]
fn completion_after_the_at_sign_is_triggered_and_finds_titles() {
    let dir = scratch("outside2-at-completion");
    write(&dir.join("refs.bib"), LIBRARY);
    let path = dir.join("notes.digest");
    write(&path, CITING);
    let uri = file_uri(&path);
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(json!({}), Some(&dir));
    assert_eq!(
        init["capabilities"]["completionProvider"],
        json!({"triggerCharacters": ["[", "#", "@"]})
    );
    client.open_and_wait(&uri, CITING, 1);
    let complete = |client: &mut Client, line: u32, character: u32, trigger: Option<&str>| {
        let context = match trigger {
            Some(c) => json!({"triggerKind": 2, "triggerCharacter": c}),
            None => json!({"triggerKind": 1}),
        };
        let params = json!({
            "textDocument": {"uri": uri},
            "position": {"line": line, "character": character},
            "context": context,
        });
        let items = client.request_ok("textDocument/completion", params);
        (items.as_array().into_iter().flatten())
            .map(|i| format!("{} {}", i["label"], i["textEdit"]))
            .collect::<Vec<_>>()
    };
    let at = |line: u32, start: u32, end: u32| json!({"start": {"line": line, "character": start}, "end": {"line": line, "character": end}});
    assert_eq!(
        complete(&mut client, 2, 10, Some("@")),
        [
            format!(
                "\"zhang2020survey\" {}",
                json!({"newText": "zhang2020survey]]", "range": at(2, 10, 10)})
            ),
            format!(
                "\"park2019relational\" {}",
                json!({"newText": "park2019relational]]", "range": at(2, 10, 10)})
            ),
        ]
    );
    assert_eq!(
        complete(&mut client, 3, 10, None),
        [format!(
            "\"zhang2020survey\" {}",
            json!({"newText": "zhang2020survey]]", "range": at(3, 8, 10)})
        )]
    );
    // `@` anywhere else opens no list (here it would be the labels).
    assert_eq!(complete(&mut client, 4, 3, Some("@")), Vec::<String>::new());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// A digest to export.
const NOTES: &str = "Reading notes\n\nPaper1 Tiny teachers\n\n摘要原文: Small models teach.\n\n中文总结: 小模型也能教。\n";

/// Editors' README: `require('digest').export('html', { output =
/// 'site/index.html' })`. Without a `site` folder the command failed
/// ("cannot write …/site/index.html: No such file or directory"), and a
/// folder as the output ("Is a directory") too, where `digest-lsp export
/// -o` makes the folders and writes `NAME.EXT` into a folder.
#[test]
fn the_export_command_makes_its_folders_and_writes_into_a_folder() {
    let dir = scratch("outside2-export-folders");
    let path = dir.join("notes.digest");
    write(&path, NOTES);
    let (code, html, err) = run(&["export", "--to", "html", "notes.digest"], &dir, None);
    assert_eq!((code, err.as_str()), (0, ""));
    let uri = file_uri(&path);
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();
    let mut export = |output: &str| {
        let params = json!({"command": "digest.export", "arguments": [uri, "html", output]});
        client.request("workspace/executeCommand", params)
    };
    let cases = [
        ("site/index.html", "site/index.html"),
        ("pages/", "pages/notes.html"),
        ("site", "site/notes.html"),
    ];
    for (output, written) in cases {
        assert_eq!(
            export(output),
            Ok(json!(file_uri(dir.join(written)))),
            "{output}"
        );
        assert_eq!(read(&dir.join(written)), html, "{output}");
    }
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// `digest-lsp <args>` in `cwd`, as a user for whom a folder with no
/// permissions cannot be read: this user when so, else (root reads
/// everything) the user `nobody` through `setpriv`.
#[cfg(unix)]
fn run_unprivileged(
    args: &[&str],
    cwd: &std::path::Path,
    locked: &std::path::Path,
) -> (i32, String, String) {
    let mut command = if std::fs::read_dir(locked).is_err() {
        std::process::Command::new(digest_e2e::server_binary())
    } else {
        let mut setpriv = std::process::Command::new("setpriv");
        setpriv.args(["--reuid=65534", "--regid=65534", "--clear-groups"]);
        setpriv.arg(digest_e2e::server_binary());
        setpriv
    };
    let output = command
        .args(args)
        .current_dir(cwd)
        .stdin(std::process::Stdio::null())
        .output()
        .expect("digest-lsp runs (as root, through setpriv)");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Spec, "The `check` command": exit 2 for "a file that cannot be read";
/// and a CI job that checks nothing must not pass silently. A folder that
/// cannot be read was skipped without a word: `check .` passed with the
/// digests inside it unchecked, and `check locked` said "no digest found
/// (looked for *.digest …)", which sends the user to the wrong fix.
#[cfg(unix)]
#[test]
fn a_folder_that_cannot_be_read_is_said_and_is_trouble() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("outside2-unreadable-folder");
    write(&dir.join("ok.digest"), NOTES);
    write(&dir.join("locked").join("in.digest"), NOTES);
    let locked = dir.join("locked");
    let mode = |bits| std::fs::Permissions::from_mode(bits);
    std::fs::set_permissions(&locked, mode(0o000)).expect("chmod 000");
    let denied = "cannot be read: Permission denied (os error 13)";
    let clean = "0 errors, 0 warnings, 0 infos, 0 hints\n";
    let found = [
        run_unprivileged(&["check", "--format", "text", "."], &dir, &locked),
        run_unprivileged(&["check", "--format", "text", "locked"], &dir, &locked),
        run_unprivileged(&["fmt", "--check", "."], &dir, &locked),
    ];
    std::fs::set_permissions(&locked, mode(0o755)).expect("chmod back");
    assert_eq!(
        found,
        [
            (2, clean.to_string(), format!("./locked: {denied}\n")),
            (2, clean.to_string(), format!("locked: {denied}\n")),
            (2, String::new(), format!("./locked: {denied}\n")),
        ]
    );
}

/// A digest scraped from a blog can hold control characters. `check`
/// quoted them raw in its messages: an earlier heading written with
/// `ESC [ 2 J` cleared the user's terminal, BEL rang, `ESC ] 0 ; …` set
/// the window's title (terminal escape injection), while the excerpts
/// under the lines already showed them as `␛`, `␇`. The finding's line now
/// shows them as the excerpts do; the JSON report keeps the text exact.
#[test]
fn check_never_writes_a_digest_s_control_characters_to_the_terminal() {
    let dir = scratch("outside2-control-characters");
    let text = "Paper1 Evil \u{1b}[2J\u{1b}]0;pwned\u{7} title \u{9b}31m\u{7f}\nAbstract: a\nSummary: b\n\nPaper1 Again\nAbstract: a\nSummary: b\n";
    write(&dir.join("notes.digest"), text);
    let (code, out, err) = run(&["check", "--format", "text", "notes.digest"], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            1,
            "notes.digest:5:1: error[duplicate-paper]: Paper1 repeats the number of the heading on line 1 (`Paper1 Evil ␛[2J␛]0;pwned␇ title \\u{9b}31m␡`): give this paper a number of its own\n\
             1 error, 0 warnings, 0 infos, 0 hints\n",
            ""
        )
    );
    let (code, out, _) = run(&["check", "--format", "json", "notes.digest"], &dir, None);
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(code, 1);
    assert_eq!(
        report["diagnostics"][0]["message"],
        "Paper1 repeats the number of the heading on line 1 (`Paper1 Evil \u{1b}[2J\u{1b}]0;pwned\u{7} title \u{9b}31m\u{7f}`): give this paper a number of its own"
    );
}

/// Docs, "The export command": the JSON is "described by the JSON Schema
/// docs/schema/digest.schema.json". A citation whose key is no key
/// (`[[@]]`, `[[@ park]]`: an `unresolved-citation`, as the spec's
/// readings settle) is exported with the key as written, which the
/// schema's key pattern refused: the export of such a digest was not valid
/// against its own schema.
#[test]
fn the_json_of_a_digest_with_an_invalid_citation_follows_the_schema() {
    let dir = scratch("outside2-invalid-citation-json");
    let text = "Paper1 Keys\nAbstract: [[@]] and [[@ park]] and [[@ok2020]]\nSummary: b\n";
    write(&dir.join("notes.digest"), text);
    let (code, out, err) = run(&["export", "--to", "json", "notes.digest"], &dir, None);
    assert_eq!((code, err.as_str()), (0, ""));
    let doc: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let targets: Vec<&serde_json::Value> = (doc["papers"][0]["references"].as_array())
        .into_iter()
        .flatten()
        .map(|r| &r["target"])
        .collect();
    assert_eq!(
        targets,
        [
            &json!({"kind": "citation", "key": ""}),
            &json!({"kind": "citation", "key": " park"}),
            &json!({"kind": "citation", "key": "ok2020"}),
        ]
    );
    crate::cli_export::assert_valid(&doc);
}
