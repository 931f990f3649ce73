//! Hostile files: each gets a clear message or diagnostic, and the server
//! keeps answering.

use std::process::Command;
use std::time::Duration;

use digest_e2e::{
    Client, diagnostic, file_uri, hover_markdown, position, published, range, server_binary,
    temp_dir,
};
use serde_json::{Value, json};

/// A server with a long timeout: these files take a while in debug builds.
fn patient_server() -> Client {
    let mut client = Client::start(json!({}), None);
    client.set_timeout(Duration::from_secs(120));
    client
}

/// The server still answers right: a small document's outline.
fn still_serving(client: &mut Client) {
    let uri = "file:///tmp/hostile-probe.digest";
    client.open(uri, "Paper1 Probe\n摘要原文: a\n中文总结: b\n", 1);
    assert_eq!(client.outline_names(uri), ["Paper1 Probe"]);
    client.close(uri);
}

#[test]
fn a_5_mb_line() {
    let mut client = patient_server();
    let uri = "file:///tmp/hostile-line.digest";
    let line = "长".repeat(1_700_000) + " 见Paper1";
    let text = format!("Paper1 Long\n摘要原文: {line}\n中文总结: b\n");
    assert!(text.len() > 5_000_000);
    assert_eq!(
        client.open_and_wait(uri, &text, 1),
        published(uri, Some(1), json!([]))
    );
    assert_eq!(
        client.hover(uri, position(1, 1_700_009)),
        hover_markdown("**Paper1 Long**\n\nb", range(1, 1_700_008, 1, 1_700_014))
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_hundred_thousand_papers() {
    let mut client = patient_server();
    let uri = "file:///tmp/hostile-papers.digest";
    let mut text: String = (1..=100_000)
        .map(|n| format!("Paper{n} T{n}\n摘要原文: a\n中文总结: b\n"))
        .collect();
    // One problem at the very end.
    text.push_str("Paper100002 Gap\n摘要原文: a\n中文总结: b\n");
    assert_eq!(
        client.open_and_wait(uri, &text, 1),
        published(
            uri,
            Some(1),
            json!([diagnostic(
                "numbering",
                2,
                range(300_000, 0, 300_000, 11),
                "Paper100002 follows Paper100000: expected number 100001; renumber the paper",
            )])
        )
    );
    assert_eq!(
        client.hover(uri, position(299_997, 3)),
        hover_markdown(
            "**Paper100000 T100000**\n\nb",
            range(299_997, 0, 299_997, 19)
        )
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_hundred_thousand_references_to_one_paper() {
    let mut client = patient_server();
    let uri = "file:///tmp/hostile-refs.digest";
    let text = format!(
        "Paper1 Target\n摘要原文: a\n中文总结: b\nPaper2 Citing\n摘要原文: a\n中文总结: {}\n",
        "与Paper1、".repeat(100_000)
    );
    assert_eq!(
        client.open_and_wait(uri, &text, 1),
        published(uri, Some(1), json!([]))
    );
    assert_eq!(
        client.definition(uri, position(5, 6 + 4 * 99_999 + 2)),
        json!({"uri": uri, "range": range(0, 0, 0, 13)})
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_hundred_thousand_broken_references_are_capped() {
    let mut client = patient_server();
    let uri = "file:///tmp/hostile-broken.digest";
    let text = format!(
        "Paper1 A\n摘要原文: a\n中文总结: {}\n",
        "Paper9 ".repeat(100_000)
    );
    let capped = client.open_and_wait(uri, &text, 1);
    let diagnostics = capped["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), 1001);
    assert_eq!(
        diagnostics[0],
        diagnostic(
            "too-many-diagnostics",
            3,
            range(0, 0, 0, 0),
            "99000 more diagnostics were left out: only the first 1000 are shown; fix these first",
        )
    );
    // Then the first thousand, in text order.
    let unresolved = |n: u32| {
        diagnostic(
            "unresolved-reference",
            1,
            range(2, 6 + 7 * n, 2, 12 + 7 * n),
            "Paper1: unresolved reference `Paper9`: this digest has no such paper (its papers go up to Paper1); fix the number",
        )
    };
    assert_eq!(diagnostics[1], unresolved(0));
    assert_eq!(diagnostics[1000], unresolved(999));
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_referenced_file_that_is_not_utf8_or_not_readable() {
    let dir = temp_dir("utf8");
    std::fs::write(dir.join("bad.digest"), b"Paper1 A\n\xc3\x28 broken\n").expect("write");
    // A dangling link: a file that exists in the folder but cannot be read.
    let _ = std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("gone.digest"));
    let main = dir.join("main.digest");
    let text = "Paper1 A\n摘要原文: [[bad#Paper1]]\n中文总结: [[gone]]\n";
    std::fs::write(&main, text).expect("write");
    let uri = file_uri(&main);
    let mut client = patient_server();
    assert_eq!(
        client.open_and_wait(&uri, text, 1),
        published(
            &uri,
            Some(1),
            json!([
                diagnostic(
                    "unresolved-reference",
                    1,
                    range(1, 6, 1, 20),
                    "Paper1: unresolved reference `bad#Paper1`: `bad.digest` is not valid UTF-8 (first bad byte at offset 9); fix the number or the file name"
                ),
                diagnostic(
                    "unresolved-reference",
                    1,
                    range(2, 6, 2, 14),
                    "Paper1: unresolved reference `gone`: no digest found at `gone.digest`; fix the number or the file name"
                ),
            ])
        )
    );
    assert_eq!(client.definition(&uri, position(1, 8)), Value::Null);
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn check_survives_a_symlink_loop_and_an_unreadable_file() {
    let dir = temp_dir("loop");
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(
        dir.join("sub/ok.digest"),
        "Paper1 A\n摘要原文: a\n中文总结: b\n",
    )
    .expect("write");
    let _ = std::os::unix::fs::symlink(&dir, dir.join("sub/loop"));
    let _ = std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("dangling.digest"));
    let output = Command::new(server_binary())
        .args(["check", "."])
        .current_dir(&dir)
        .output()
        .expect("check runs");
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "0 errors, 0 warnings, 0 infos, 0 hints\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("./dangling.digest: cannot be read: "),
        "{stderr}"
    );
}

#[test]
fn a_50_mb_digest() {
    let text = digest_e2e::generate_sized(50_000_000, 11);
    let papers = digest_e2e::paper_count(&text);
    let mut client = patient_server();
    let uri = "file:///tmp/hostile-50mb.digest";
    assert_eq!(
        client.open_and_wait(uri, &text, 1),
        published(uri, Some(1), json!([]))
    );
    let (line, heading) = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with("Paper"))
        .last()
        .expect("a heading");
    assert!(heading.starts_with(&format!("Paper{papers} ")), "{heading}");
    let hover = client.hover(uri, position(line as u32, 2));
    let heading_units = heading.chars().map(char::len_utf16).sum::<usize>() as u32;
    assert_eq!(
        hover["range"],
        range(line as u32, 0, line as u32, heading_units)
    );
    assert!(
        hover["contents"]["value"]
            .as_str()
            .is_some_and(|v| v.starts_with(&format!("**{heading}**\n\n"))),
        "{hover}"
    );
    still_serving(&mut client);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
