//! An outside tester's third run, over the real binary: the browser
//! preview (`digest.preview`) as a demanding user and a security reviewer
//! would try it. Each test was written failing, before its fix.

use digest_e2e::http::{Events, split};
use digest_e2e::{Client, file_uri};
use serde_json::{Value, json};

fn preview(client: &mut Client, uri: &str) -> (String, String) {
    let params = json!({"command": "digest.preview", "arguments": [uri]});
    let url = client
        .request("workspace/executeCommand", params)
        .expect("an address");
    split(url.as_str().expect("a string"))
}

fn rendered(client: &mut Client, uri: &str) -> Value {
    client.request_ok("digest/render", json!({"textDocument": {"uri": uri}}))
}

/// The next `page` event of a version the editor sent (the disk's
/// renderings, `version` null, between a close and an open are passed
/// over, as are scroll events), each within [`Events::next_event`]'s
/// timeout.
fn next_edited_page(events: &mut Events) -> Value {
    loop {
        let (name, data) = events.next_event();
        if name == "page" && !data["version"].is_null() {
            return data;
        }
    }
}

/// An editor that closes a document and opens it again (a revert, a
/// reload from disk) starts its versions anew: the preview showed version
/// 5 and then kept it, refusing the reopened text's version 1 as older.
#[test]
fn a_document_closed_and_opened_again_at_a_lower_version_is_shown() {
    let dir = digest_e2e::temp_dir("outside3-reopen");
    let notes = dir.join("notes.digest");
    digest_e2e::write_file(&notes, "On disk\n\nPaper1 Saved\n");
    let uri = file_uri(&notes);
    let mut client = Client::start(json!({}), Some(&dir));
    client.open_and_wait(&uri, "Edited 笔记\r\n\r\nPaper1 Unsaved 📚\r\n", 5);
    let (host, path) = preview(&mut client, &uri);
    let mut events = Events::open(&host, &path);
    let first = next_edited_page(&mut events);
    assert_eq!(first["version"], json!(5));

    client.close(&uri);
    client.open(&uri, "Reopened\n\nPaper1 Reverted\n", 1);
    let page = next_edited_page(&mut events);
    let now = rendered(&mut client, &uri);
    assert_eq!(now["version"], json!(1));
    assert_eq!(page["version"], json!(1));
    assert_eq!(page["html"], now["text"]);
}
