//! The browser preview over the real binary (server/lsp/src/preview.rs):
//! `digest.preview` answers a page's address; the page is the HTML export
//! with the preview's script; its event stream sends each rendering after
//! an edit and the line of the editor's cursor (`digest/cursor`); a click
//! on a paper or on a link to another digest asks the editor to show it
//! (`window/showDocument`). Hostile requests get an error status and the
//! language server goes on. Plain HTTP over `std::net`, no sleeps: every
//! read waits for the server with a timeout.

use std::io::Write;

use digest_e2e::http::{Answer, Events, connect, get, post, send, split};
use digest_e2e::{Client, file_uri};
use serde_json::{Value, json};

/// CRLF line breaks, Chinese and an emoji: the lines the preview reports
/// are the editor's lines.
const NOTES: &str = "Reading notes 📚\r\n\r\nPaper1 学生与教师\r\n摘要原文: A small model learns, see [[other#Paper2]].\r\n中文总结: 小模型。\r\n\r\nPaper2 Second\r\n摘要原文: Again.\r\n中文总结: 再来。\r\n";

const EDITED: &str = "Reading notes 📚\r\n\r\nPaper1 学生与教师\r\n摘要原文: A small model learns, see [[other#Paper2]].\r\n中文总结: 小模型。\r\n\r\nPaper2 Second, edited\r\n摘要原文: Again.\r\n中文总结: 再来。\r\n\r\nPaper3 Typed now\r\n摘要原文: New.\r\n中文总结: 新的。\r\n";

/// The other digest: its Paper2's heading is on line 6 (0-based).
const OTHER: &str =
    "Other notes\n\nPaper1 One\n摘要原文: a\n中文总结: b\n\nPaper2 Two\n摘要原文: a\n中文总结: b\n";

/// The page without what the preview adds: the export's HTML exactly.
fn without_preview(page: &str) -> String {
    let cut = |text: &str, open: &str, close: &str| {
        let start = text
            .find(open)
            .unwrap_or_else(|| panic!("{open} in the page"));
        let end = start + text[start..].find(close).expect("closed") + close.len();
        format!("{}{}", &text[..start], &text[end..])
    };
    let page = cut(page, "<style id=\"digest-preview-style\">", "</style>");
    cut(&page, "<script nonce=\"", "</script>")
}

fn rendered(client: &mut Client, uri: &str) -> Value {
    client.request_ok("digest/render", json!({"textDocument": {"uri": uri}}))
}

fn preview(client: &mut Client, arguments: Value) -> Result<Value, Value> {
    let params = json!({"command": "digest.preview", "arguments": arguments});
    client.request("workspace/executeCommand", params)
}

fn show_document(uri: &str, line: u64) -> Value {
    let at = json!({"line": line, "character": 0});
    json!({"uri": uri, "external": false, "takeFocus": true, "selection": {"start": at, "end": at}})
}

/// [`OTHER`] on disk as `notes.digest` in a fresh folder, not open, and
/// previewed by a server whose client cannot show documents: the client,
/// the folder, the digest's URI, and the page's `host:port` and path.
fn previewed_on_disk(test: &str) -> (Client, std::path::PathBuf, String, String, String) {
    let dir = digest_e2e::temp_dir(&format!("preview-{test}"));
    let notes = dir.join("notes.digest");
    digest_e2e::write_file(&notes, OTHER);
    let uri = file_uri(&notes);
    let mut client = Client::start(json!({}), Some(&dir));
    let url = preview(&mut client, json!([uri])).expect("an address");
    let (host, path) = split(url.as_str().expect("a string"));
    (client, dir, uri, host, path)
}

#[test]
fn the_page_follows_edits_and_the_cursor_and_a_click_moves_the_editor() {
    let dir = digest_e2e::temp_dir("preview-follow");
    let notes = dir.join("notes.digest");
    let other = dir.join("other.digest");
    digest_e2e::write_file(&notes, "on disk, not what the editor shows\n");
    digest_e2e::write_file(&other, OTHER);
    let (uri, other_uri) = (file_uri(&notes), file_uri(&other));
    let mut client = Client::start(
        json!({"window": {"showDocument": {"support": true}}}),
        Some(&dir),
    );
    client.respond_to("window/showDocument", |_| Ok(json!({"success": true})));
    client.open_and_wait(&uri, NOTES, 1);

    let url = preview(&mut client, json!([uri])).expect("an address");
    let url = url.as_str().expect("a string").to_string();
    let (host, path) = split(&url);
    let token = path.split('/').nth(1).expect("a token").to_string();
    assert!(host.starts_with("127.0.0.1:"), "{url}");
    assert_eq!(path, format!("/{token}/1/"));
    assert!(
        token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    // The same document again: the same page.
    assert_eq!(preview(&mut client, json!([uri])), Ok(json!(url)));

    // The page: the editor's text rendered, with the preview's script
    // under a policy that lets only that script run.
    let page = get(&host, &path);
    assert_eq!(page.status, 200, "{page:?}");
    assert_eq!(
        page.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.header("Referrer-Policy"), Some("no-referrer"));
    let policy = page
        .header("Content-Security-Policy")
        .expect("a policy")
        .to_string();
    let nonce = (policy.split("'nonce-").nth(1))
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce");
    assert!(page.body.contains(&format!("<script nonce=\"{nonce}\">")));
    let now = rendered(&mut client, &uri);
    assert_eq!(now["version"], json!(1));
    assert_eq!(
        without_preview(&page.body),
        now["text"].as_str().expect("text")
    );
    assert!(
        page.body
            .contains("<article class=\"paper\" id=\"paper2\" data-line=\"6\">"),
        "{}",
        page.body
    );

    // The stream: the rendering and the cursor now, then each change.
    let mut events = Events::open(&host, &path);
    assert_eq!(
        events.next_event(),
        ("page".into(), json!({"version": 1, "html": now["text"]}))
    );
    assert_eq!(events.next_event(), ("scroll".into(), json!({"line": 0})));
    client.change_full(&uri, 2, EDITED);
    let (name, data) = events.next_event();
    let edited = rendered(&mut client, &uri);
    assert_eq!(edited["version"], json!(2));
    assert_eq!(
        (name.as_str(), &data),
        ("page", &json!({"version": 2, "html": edited["text"]}))
    );
    assert!(
        data["html"]
            .as_str()
            .is_some_and(|h| h.contains("Typed now"))
    );
    let cursor = json!({"textDocument": {"uri": uri}, "position": {"line": 11, "character": 4}});
    client.notify("digest/cursor", cursor);
    assert_eq!(events.next_event(), ("scroll".into(), json!({"line": 11})));

    // A click on a paper: the editor shows the digest at its heading.
    let clicked = post(&host, &format!("{path}reveal"), r#"{"line": 6}"#);
    assert_eq!(clicked.status, 204, "{clicked:?}");
    let asked = client.expect_server_request("window/showDocument");
    assert_eq!(asked, show_document(&uri, 6));
    // A link to the other digest's export: that digest at its Paper2.
    let followed = post(
        &host,
        &format!("{path}follow"),
        r#"{"href": "other.html#paper2"}"#,
    );
    assert_eq!(followed.status, 204, "{followed:?}");
    let asked = client.expect_server_request("window/showDocument");
    assert_eq!(asked, show_document(&other_uri, 6));
    // Only the links the page shows: not any file of the disk.
    for href in ["missing.html#paper1", "../../etc/passwd", "/etc/passwd"] {
        let body = json!({ "href": href }).to_string();
        let nowhere = post(&host, &format!("{path}follow"), &body);
        assert_eq!(
            (nowhere.status, nowhere.body.as_str()),
            (404, "no such link on the page\n"),
            "{href}"
        );
    }

    // The language server goes on.
    assert_eq!(rendered(&mut client, &uri)["version"], json!(2));
    client.shutdown_and_exit();
}

#[test]
fn hostile_requests_get_an_error_status_and_the_server_goes_on() {
    // No showDocument: a click cannot move the editor, and says so.
    let (mut client, dir, uri, host, path) = previewed_on_disk("hostile");
    let token = path.split('/').nth(1).expect("a token").to_string();

    let status = |answer: Answer| (answer.status, answer.body);
    assert_eq!(
        status(post(&host, &format!("{path}reveal"), r#"{"line": 2}"#)),
        (
            501,
            "the editor cannot be asked to show a document (window/showDocument)\n".into()
        )
    );
    assert_eq!(status(get(&host, "/")), (404, "no such preview\n".into()));
    assert_eq!(
        status(get(&host, "/0123456789abcdef0123456789abcdef/1/")),
        (404, "no such preview\n".into())
    );
    assert_eq!(
        status(get(&host, &format!("/{token}/2/"))),
        (404, "no such preview\n".into())
    );
    // The page's number only as the server writes it.
    for other in ["01", "+1", "1a", ""] {
        assert_eq!(
            status(get(&host, &format!("/{token}/{other}/"))),
            (404, "no such preview\n".into()),
            "{other:?}"
        );
    }
    // A request without Host (which HTTP/1.1 requires).
    assert_eq!(
        status(send(
            &host,
            format!("GET {path} HTTP/1.1\r\n\r\n").as_bytes()
        )),
        (403, "not this host\n".into())
    );
    assert_eq!(
        status(get(&host, &format!("{path}nothing"))),
        (404, "no such preview\n".into())
    );
    assert_eq!(
        status(send(
            &host,
            format!("DELETE {path} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes()
        )),
        (405, "not with this method\n".into())
    );
    assert_eq!(
        status(send(
            &host,
            format!("GET {path} HTTP/1.1\r\nHost: evil.example:80\r\n\r\n").as_bytes()
        )),
        (403, "not this host\n".into())
    );
    assert_eq!(
        status(send(&host, b"hello\r\n\r\n")),
        (400, "malformed request line\n".into())
    );
    assert_eq!(
        status(send(&host, b"GET / HTTP/1.1\r\nno colon\r\n\r\n")),
        (400, "malformed header\n".into())
    );
    assert_eq!(
        status(send(&host, b"GET / HTTP/1.1\r\n\xff\xfe\r\n\r\n")),
        (400, "not UTF-8\n".into())
    );
    let huge = format!("GET {path} HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(20_000));
    assert_eq!(
        status(send(&host, huge.as_bytes())),
        (431, "request head too large\n".into())
    );
    let big = format!("POST {path}reveal HTTP/1.1\r\nHost: {host}\r\nContent-Length: 5000\r\n\r\n");
    assert_eq!(
        status(send(&host, big.as_bytes())),
        (413, "body too large\n".into())
    );
    assert_eq!(
        status(post(&host, &format!("{path}reveal"), "{\"line\": -1}")),
        (400, "expected {\"line\": L}\n".into())
    );
    // A client that goes away mid-request.
    drop(connect(&host));
    let mut half = connect(&host);
    half.write_all(b"GET / HT").expect("sent");
    drop(half);

    // Bad arguments are errors of the command; the server goes on.
    for arguments in [json!([]), json!([42]), json!([uri, uri])] {
        let error = preview(&mut client, arguments).expect_err("refused");
        assert_eq!(error["code"], json!(-32602), "{error}");
        assert_eq!(
            error["message"],
            json!("digest-lsp: digest.preview takes [uri], the digest's URI")
        );
    }
    let config = dir.join("digest.toml");
    digest_e2e::write_file(&config, "");
    let error = preview(&mut client, json!([file_uri(&config)])).expect_err("refused");
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.ends_with("is a configuration, not a digest")),
        "{error}"
    );

    let page = get(&host, &path);
    assert_eq!(page.status, 200);
    assert_eq!(
        without_preview(&page.body),
        rendered(&mut client, &uri)["text"].as_str().expect("text")
    );
    client.shutdown_and_exit();
}

#[test]
fn a_digest_changed_on_disk_is_shown_again() {
    let (mut client, dir, uri, host, path) = previewed_on_disk("disk");
    let notes = dir.join("notes.digest");
    let mut events = Events::open(&host, &path);
    let (name, first) = events.next_event();
    assert_eq!((name.as_str(), &first["version"]), ("page", &Value::Null));
    assert!(
        first["html"]
            .as_str()
            .is_some_and(|h| h.contains("Paper2 Two"))
    );
    digest_e2e::write_file(&notes, &OTHER.replace("Paper2 Two", "Paper2 Rewritten"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri, "type": 2}]}),
    );
    loop {
        let (name, data) = events.next_event();
        if name == "page" {
            let html = data["html"].as_str().expect("html");
            assert!(html.contains("Paper2 Rewritten"), "{html}");
            break;
        }
    }
    client.shutdown_and_exit();
}

/// A page of a document that is not open and that no browser reads is
/// forgotten at the next change elsewhere, instead of being rendered again
/// at every save for no one; one that a stream reads is kept.
#[test]
fn a_page_no_one_reads_of_a_closed_document_is_forgotten() {
    let (mut client, dir, uri, host, path) = previewed_on_disk("forgotten");
    let other = dir.join("other.digest");
    digest_e2e::write_file(&other, OTHER);
    let changed = json!({"changes": [{"uri": file_uri(&other), "type": 1}]});
    // Read by a stream: kept through a change.
    let mut events = Events::open(&host, &path);
    assert_eq!(events.next_event().0, "page");
    client.notify("workspace/didChangeWatchedFiles", changed.clone());
    rendered(&mut client, &uri); // the notification's start has run
    assert_eq!(get(&host, &path).status, 200);
    // No stream any more: forgotten at the next change.
    drop(events);
    let forgotten = (0..100).any(|_| {
        client.notify("workspace/didChangeWatchedFiles", changed.clone());
        rendered(&mut client, &uri);
        get(&host, &path).status == 404
    });
    assert!(forgotten, "the page is still served");
    client.shutdown_and_exit();
}
