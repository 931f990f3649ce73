//! A second outside tester's run over the real binary: what a demanding
//! user found wrong in the server and the CLI, each finding a test that
//! failed before its fix.
//!
//! Every fixture is written here, in a fresh folder; every wait is on an
//! event, with a timeout.

use digest_e2e::{
    Client, apply_edits, file_uri, run_cli as run, workspace_dir as scratch, write_file as write,
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
