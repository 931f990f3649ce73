//! Export from the server over the real binary's stdio: the request
//! `digest/render` (what a preview shows) and the command `digest.export`
//! (`workspace/executeCommand`, a file written next to the digest), on the
//! open document's current text or the file on disk; refusals of hostile
//! or unknown input answered as errors while the server goes on. Replies
//! are compared whole with what the analysis crate's renderers give for
//! the same text (`digest_analysis::export`, what `digest-lsp export`
//! writes).

use digest_analysis::export::{Export, Format, render};
use digest_analysis::{Analysis, Config, NoFiles, check};
use digest_e2e::{Client, document, file_uri};
use serde_json::{Value, json};

/// On disk: two papers, a link without a scheme (a hint in the JSON's
/// diagnostics), Chinese text and markup-like characters in a title.
const ON_DISK: &str = "Reading notes\n\nPaper1 Students <b>and</b> teachers\n摘要原文: A small model learns from a large one, see example.org/kd.\n中文总结: 小模型向大模型学习。\n\nPaper2 Second thoughts\n摘要原文: We revisit [[Paper1]].\n中文总结: 重新审视第一篇。\n";

/// Opened in the editor: another text than the disk's.
const OPENED: &str =
    "Reading notes\n\nPaper1 Only one paper\n摘要原文: Open text.\n中文总结: 打开的文本。\n";

/// After an edit: a third paper.
const EDITED: &str = "Reading notes\n\nPaper1 Only one paper\n摘要原文: Open text.\n中文总结: 打开的文本。\n\nPaper2 Added\n摘要原文: Typed.\n中文总结: 输入的。\n";

/// What the renderers give for `text` (a digest named `name` alone in a
/// folder without `digest.toml`): the server's answer must be exactly
/// this.
fn expected(text: &str, format: Format, name: &str) -> String {
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    let diagnostics = check(&analysis, &config, &NoFiles);
    render(
        format,
        &Export {
            analysis: &analysis,
            config: &config,
            resolver: &NoFiles,
            diagnostics: &diagnostics,
            name,
        },
    )
}

/// A scratch folder with `notes.digest` holding [`ON_DISK`]; its URI.
fn notes(test: &str) -> (std::path::PathBuf, String) {
    let dir = digest_e2e::temp_dir(&format!("export-{test}"));
    let path = dir.join("notes.digest");
    digest_e2e::write_file(&path, ON_DISK);
    (dir, file_uri(path))
}

fn render_params(uri: &str, format: &str) -> Value {
    json!({"textDocument": {"uri": uri}, "format": format})
}

fn export(client: &mut Client, arguments: Value) -> Result<Value, Value> {
    let params = json!({"command": "digest.export", "arguments": arguments});
    client.request("workspace/executeCommand", params)
}

#[test]
fn render_answers_the_current_text_of_the_disk_then_of_the_editor() {
    let (_dir, uri) = notes("render");
    let mut client = Client::start(json!({}), None);

    // Not open: the disk's text, no version; HTML unless told.
    let html = client.request_ok("digest/render", document(&uri));
    let text = expected(ON_DISK, Format::Html, "notes.digest");
    let whole = json!({"uri": uri, "version": null, "format": "html", "text": text});
    assert_eq!(html, whole);
    for (name, format) in [("markdown", Format::Markdown), ("json", Format::Json)] {
        let answer = client.request_ok("digest/render", render_params(&uri, name));
        let text = expected(ON_DISK, format, "notes.digest");
        let whole = json!({"uri": uri, "version": null, "format": name, "text": text});
        assert_eq!(answer, whole);
    }

    // Open: the editor's text at its version, edits included.
    client.open_and_wait(&uri, OPENED, 1);
    let answer = client.request_ok("digest/render", render_params(&uri, "html"));
    let text = expected(OPENED, Format::Html, "notes.digest");
    let whole = json!({"uri": uri, "version": 1, "format": "html", "text": text});
    assert_eq!(answer, whole);
    client.change_full(&uri, 2, EDITED);
    let answer = client.request_ok("digest/render", render_params(&uri, "json"));
    let text = expected(EDITED, Format::Json, "notes.digest");
    let whole = json!({"uri": uri, "version": 2, "format": "json", "text": text});
    assert_eq!(answer, whole);

    // Closed again: the disk's text.
    client.close(&uri);
    let answer = client.request_ok("digest/render", render_params(&uri, "markdown"));
    let text = expected(ON_DISK, Format::Markdown, "notes.digest");
    let whole = json!({"uri": uri, "version": null, "format": "markdown", "text": text});
    assert_eq!(answer, whole);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn render_refuses_unknown_formats_files_and_malformed_params() {
    let (dir, uri) = notes("render-refusals");
    let mut client = Client::start(json!({}), None);
    let invalid = |message: &str| json!({"code": -32602, "message": message});
    let failed = |message: String| json!({"code": -32803, "message": message});

    let answer = client.request("digest/render", render_params(&uri, "pdf"));
    let message =
        "digest-lsp: unknown export format \"pdf\" (expected \"markdown\", \"html\" or \"json\")";
    assert_eq!(answer, Err(invalid(message)));
    let params = json!({"textDocument": {"uri": uri}, "format": 3});
    let answer = client.request("digest/render", params);
    let message = "digest-lsp: digest/render: format must be a string, not 3";
    assert_eq!(answer, Err(invalid(message)));
    for params in [
        json!({}),
        json!({"textDocument": {"uri": 7}}),
        json!({"textDocument": {"uri": "not a uri"}}),
    ] {
        let answer = client.request("digest/render", params);
        let message = "digest-lsp: digest/render needs textDocument.uri, a URI";
        assert_eq!(answer, Err(invalid(message)));
    }

    let missing = dir.join("missing.digest");
    let answer = client.request("digest/render", document(&file_uri(&missing)));
    let message = format!(
        "digest-lsp: {} cannot be read: No such file or directory (os error 2)",
        missing.display()
    );
    assert_eq!(answer, Err(failed(message)));
    let answer = client.request("digest/render", document("untitled:Untitled-1"));
    let message = "digest-lsp: untitled:Untitled-1 is neither open nor a file".to_string();
    assert_eq!(answer, Err(failed(message)));
    let toml = dir.join("digest.toml");
    let answer = client.request("digest/render", document(&file_uri(&toml)));
    let message = format!(
        "digest-lsp: {} is a configuration, not a digest",
        toml.display()
    );
    assert_eq!(answer, Err(failed(message)));
    // Not UTF-8 on disk.
    let latin1 = dir.join("latin1.digest");
    std::fs::write(&latin1, b"Paper1 caf\xe9\n").expect("write");
    let answer = client.request("digest/render", document(&file_uri(&latin1)));
    let message = format!(
        "digest-lsp: {} is not valid UTF-8 (first bad byte at offset 10)",
        latin1.display()
    );
    assert_eq!(answer, Err(failed(message)));

    // An untitled document that is open renders.
    client.open_and_wait("untitled:Untitled-2", OPENED, 4);
    let answer = client.request_ok("digest/render", document("untitled:Untitled-2"));
    let text = expected(OPENED, Format::Html, "Untitled-2");
    let whole = json!({"uri": "untitled:Untitled-2", "version": 4, "format": "html", "text": text});
    assert_eq!(answer, whole);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_export_command_is_advertised_and_writes_next_to_the_digest() {
    let (dir, uri) = notes("command");
    let mut client = Client::spawn(&[], None);
    let init = client.initialize(json!({}), None);
    let commands = &init["capabilities"]["executeCommandProvider"];
    assert_eq!(
        commands,
        &json!({"commands": ["digest.export", "digest.preview"]})
    );

    for (name, format) in [
        ("markdown", Format::Markdown),
        ("html", Format::Html),
        ("json", Format::Json),
    ] {
        let extension = format.extension();
        let written = dir.join(format!("notes.{extension}"));
        let answer = export(&mut client, json!([uri, name]));
        assert_eq!(answer, Ok(json!(file_uri(&written))));
        let text = std::fs::read_to_string(&written).expect("the export is written");
        assert_eq!(text, expected(ON_DISK, format, "notes.digest"));
    }

    // The open document's text, to the path given (relative to the
    // digest's folder, or a file URI).
    client.open_and_wait(&uri, OPENED, 1);
    let answer = export(&mut client, json!([uri, "html", "published.html"]));
    let written = dir.join("published.html");
    assert_eq!(answer, Ok(json!(file_uri(&written))));
    let text = std::fs::read_to_string(&written).expect("written");
    assert_eq!(text, expected(OPENED, Format::Html, "notes.digest"));
    let elsewhere = dir.join("as uri.md");
    let answer = export(&mut client, json!([uri, "markdown", file_uri(&elsewhere)]));
    assert_eq!(answer, Ok(json!(file_uri(&elsewhere))));
    let text = std::fs::read_to_string(&elsewhere).expect("written");
    assert_eq!(text, expected(OPENED, Format::Markdown, "notes.digest"));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_export_command_refuses_bad_arguments_and_unwritable_paths() {
    let (dir, uri) = notes("command-refusals");
    let mut client = Client::start(json!({}), None);
    let invalid = |message: &str| json!({"code": -32602, "message": message});
    let failed = |message: String| json!({"code": -32803, "message": message});
    let usage = "digest-lsp: digest.export takes [uri, format] or [uri, format, output path], format \"markdown\", \"html\" or \"json\"";

    let bad = [
        json!([]),
        json!([uri]),
        json!([1, "html"]),
        json!([uri, 2]),
        json!([uri, "html", 3]),
        json!([uri, "html", "a", "b"]),
        json!(["::", "html"]),
    ];
    for arguments in bad {
        assert_eq!(export(&mut client, arguments), Err(invalid(usage)));
    }
    let answer = export(&mut client, json!([uri, "docx"]));
    let message =
        "digest-lsp: unknown export format \"docx\" (expected \"markdown\", \"html\" or \"json\")";
    assert_eq!(answer, Err(invalid(message)));
    let params = json!({"command": "digest.delete", "arguments": [uri]});
    let answer = client.request("workspace/executeCommand", params);
    assert_eq!(
        answer,
        Err(invalid("digest-lsp: unknown command \"digest.delete\""))
    );

    // A file in the way of a folder to make (a missing folder is made,
    // and a folder takes `notes.html`, as `export -o` does:
    // outside_run2::the_export_command_makes_its_folders_and_writes_into_a_folder).
    let answer = export(&mut client, json!([uri, "html", "notes.digest/x.html"]));
    let message = format!(
        "digest-lsp: cannot make the folder {}: File exists (os error 17)",
        dir.join("notes.digest").display()
    );
    assert_eq!(answer, Err(failed(message)));
    // A file that cannot be replaced: a folder in the way inside the
    // folder written into.
    std::fs::create_dir_all(dir.join("taken").join("notes.html")).expect("a folder");
    let answer = export(&mut client, json!([uri, "html", "taken/"]));
    let message = format!(
        "digest-lsp: cannot write {}: Is a directory (os error 21)",
        dir.join("taken/").join("notes.html").display()
    );
    assert_eq!(answer, Err(failed(message)));
    // Never over the digest itself: `notes.md` exported to Markdown.
    let md = dir.join("notes.md");
    digest_e2e::write_file(&md, ON_DISK);
    let answer = export(&mut client, json!([file_uri(&md), "markdown"]));
    let message = format!(
        "digest-lsp: the export would overwrite the digest itself ({})",
        md.display()
    );
    assert_eq!(answer, Err(failed(message)));
    // Nor by another spelling of its path.
    let answer = export(&mut client, json!([file_uri(&md), "html", "./notes.md"]));
    let message = format!(
        "digest-lsp: the export would overwrite the digest itself ({})",
        dir.join("./notes.md").display()
    );
    assert_eq!(answer, Err(failed(message)));
    assert_eq!(std::fs::read_to_string(&md).expect("kept"), ON_DISK);
    // An untitled document has no folder: a path is needed.
    client.open_and_wait("untitled:Untitled-1", OPENED, 1);
    let answer = export(&mut client, json!(["untitled:Untitled-1", "json"]));
    let message = "digest-lsp: untitled:Untitled-1 is not a file: give the export's path";
    assert_eq!(answer, Err(failed(message.to_string())));
    let absolute = dir.join("untitled.json");
    let answer = export(
        &mut client,
        json!(["untitled:Untitled-1", "json", absolute]),
    );
    assert_eq!(answer, Ok(json!(file_uri(&absolute))));

    // The server goes on serving.
    let answer = export(&mut client, json!([uri, "json"]));
    assert_eq!(answer, Ok(json!(file_uri(dir.join("notes.json")))));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Each paper of the shared sample is one element of the preview, with
/// the line of its heading (the contract the editors' previews scroll
/// and click by).
#[test]
fn the_sample_renders_each_paper_with_its_heading_line() {
    let Some(sample) = digest_e2e::shared_sample() else {
        return;
    };
    let text = std::fs::read_to_string(&sample).expect("the sample reads");
    let mut client = Client::start(json!({}), None);
    let answer = client.request_ok("digest/render", document(&file_uri(&sample)));
    let html = answer["text"].as_str().expect("HTML text");
    let analysis = Analysis::new(&text, &Config::default());
    let headings: Vec<(u64, usize)> = (analysis.syntax.papers.iter())
        .map(|p| (p.number, analysis.text.byte_to_line(p.range.start)))
        .collect();
    assert_eq!(headings.len(), 28);
    assert_eq!(paper_elements(html), headings);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// `(N, L)` for each tag of `html` with `id="paperN"`, `L` its
/// `data-line`, in the page's order.
fn paper_elements(html: &str) -> Vec<(u64, usize)> {
    let mut found = Vec::new();
    for (at, _) in html.match_indices(" id=\"paper") {
        let start = html[..at].rfind('<').unwrap_or(0);
        let end = at + html[at..].find('>').unwrap_or(html.len() - at);
        let tag = &html[start..end];
        let attribute = |name: &str| -> Option<&str> {
            let from = tag.find(&format!(" {name}=\""))? + name.len() + 3;
            Some(&tag[from..from + tag[from..].find('"')?])
        };
        let number = attribute("id").and_then(|id| id.strip_prefix("paper")?.parse().ok());
        let line = attribute("data-line").and_then(|l| l.parse().ok());
        if let (Some(number), Some(line)) = (number, line) {
            found.push((number, line));
        }
    }
    found
}

#[test]
fn paper_elements_reads_ids_and_lines_in_either_order() {
    let html = "<nav><a href=\"#paper1\">x</a></nav><section class=\"p\" id=\"paper1\" data-line=\"2\"></section><article data-line=\"9\" id=\"paper12\">";
    assert_eq!(paper_elements(html), [(1, 2), (12, 9)]);
}

/// Another digest of the workspace, to which [`LINKING`] refers and with
/// which it shares a paper.
const OTHER: &str = "Other notes\n\nPaper1 Shared Findings On Distillation\n摘要原文: The same paper, read twice.\n中文总结: 同一篇论文。\n";

/// Refers to a paper of `other.digest`, and holds the same paper as it
/// (the cross-file hint).
const LINKING: &str = "Linking notes\n\nPaper1 Shared Findings On Distillation\n摘要原文: See [[other#Paper1]].\n中文总结: 见另一份。\n";

/// Finds `other.digest` for the expected rendering of [`LINKING`].
struct OneOther(std::sync::Arc<Analysis>);

impl digest_analysis::Resolver for OneOther {
    fn lookup(&self, relative: &str) -> digest_analysis::Lookup {
        match relative {
            "other.digest" => digest_analysis::Lookup::Found(self.0.clone()),
            _ => digest_analysis::Lookup::Missing,
        }
    }
}

/// In a workspace folder, the export resolves references to the other
/// digests and carries the diagnostics the editor shows, the cross-file
/// hint included.
#[test]
fn in_a_workspace_the_export_sees_the_other_digests_and_their_hints() {
    let dir = digest_e2e::temp_dir("export-workspace");
    digest_e2e::write_file(&dir.join("other.digest"), OTHER);
    let path = dir.join("linking.digest");
    digest_e2e::write_file(&path, LINKING);
    let uri = file_uri(&path);
    let mut client = Client::start(json!({}), Some(&dir));
    client.wait_indexed();
    let published = client.open_and_wait(&uri, LINKING, 1);

    let config = Config::default();
    let other = std::sync::Arc::new(Analysis::new(OTHER, &config));
    let analysis = Analysis::new(LINKING, &config);
    let resolver = OneOther(other.clone());
    let mut diagnostics = check(&analysis, &config, &resolver);
    let other_path = dir.join("other.digest");
    let files = [
        digest_analysis::WorkspaceFile {
            path: &path,
            analysis: &analysis,
        },
        digest_analysis::WorkspaceFile {
            path: &other_path,
            analysis: &other,
        },
    ];
    let hints = digest_analysis::rules::check_workspace(&files, &config);
    diagnostics.extend(hints.into_iter().filter(|(f, _)| *f == 0).map(|(_, d)| d));
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.rule().code()).collect();
    assert_eq!(codes, ["duplicate-paper-across-files"]);
    // The editor was shown the same.
    let shown: Vec<&Value> = (published["diagnostics"].as_array().into_iter().flatten())
        .map(|d| &d["code"])
        .collect();
    assert_eq!(shown, [&json!("duplicate-paper-across-files")]);

    for (name, format) in [("json", Format::Json), ("markdown", Format::Markdown)] {
        let answer = client.request_ok("digest/render", render_params(&uri, name));
        let export = Export {
            analysis: &analysis,
            config: &config,
            resolver: &resolver,
            diagnostics: &diagnostics,
            name: "linking.digest",
        };
        let whole =
            json!({"uri": uri, "version": 1, "format": name, "text": render(format, &export)});
        assert_eq!(answer, whole);
    }
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
