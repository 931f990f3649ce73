//! `digest-lsp check`, `--version` and `--help`, run as a user would.

use std::path::Path;

use digest_e2e::{run_cli as run, server_binary};
use serde_json::Value;

const CLEAN: &str = "Title\n\nPaper1 A\n摘要原文: a\n中文总结: b\n";
const WARNS: &str =
    "Paper1 A\n摘要原文: a\n\nPaper3 C\n摘要原文: 见htp://x.org\n中文总结: 与Paper1相同\n";

#[test]
fn check_prints_one_line_per_diagnostic_and_a_summary() {
    let dir = digest_e2e::temp_dir("text");
    std::fs::write(dir.join("a.digest"), WARNS).expect("write");
    std::fs::write(dir.join("b.digest"), CLEAN).expect("write");
    std::fs::create_dir_all(dir.join("sub")).expect("mkdir");
    std::fs::write(
        dir.join("sub/c.digest"),
        "\u{feff}Paper1\n摘要原文: a\n中文总结: b\n",
    )
    .expect("write");
    std::fs::write(dir.join("ignored.txt"), WARNS).expect("write");
    let (code, out, err) = run(&["check", "."], &dir, None);
    assert_eq!(err, "");
    assert_eq!(
        out,
        "./a.digest:1:1: warning[missing-section]: Paper1 has no summary section: add a line starting with `中文总结:`\n\
         ./a.digest:1:1: hint[duplicate-paper-across-files]: Paper1 is also in `b` as Paper1, with the same title: keep one and refer to it with `[[b#Paper1]]`\n\
         ./a.digest:4:1: warning[numbering]: Paper3 follows Paper1: expected number 2; renumber the paper\n\
         ./a.digest:5:8: error[malformed-link]: Paper3: malformed link `htp://x.org`: the scheme `htp://` is misspelt: write `http://` or `https://`\n\
         ./b.digest:3:1: hint[duplicate-paper-across-files]: Paper1 is also in `a` as Paper1, with the same title: keep one and refer to it with `[[a#Paper1]]`\n\
         ./sub/c.digest:1:1: error[missing-title]: Paper1 has no title: write the paper's title after the number\n\
         2 errors, 2 warnings, 0 infos, 2 hints\n"
    );
    assert_eq!(code, 1);
}

#[test]
fn check_json_has_positions_counts_and_messages() {
    let dir = digest_e2e::temp_dir("json");
    std::fs::write(dir.join("a.digest"), WARNS).expect("write");
    let (code, out, _) = run(&["check", "--format", "json", "a.digest"], &dir, None);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(
        doc["counts"],
        serde_json::json!({"error": 1, "warning": 2, "info": 0, "hint": 0})
    );
    let link = &doc["diagnostics"][2];
    assert_eq!(link["path"], "a.digest");
    assert_eq!(
        (
            &link["line"],
            &link["column"],
            &link["endLine"],
            &link["endColumn"]
        ),
        (
            &Value::from(5),
            &Value::from(8),
            &Value::from(5),
            &Value::from(19)
        )
    );
    assert_eq!(link["severity"], "error");
    assert_eq!(link["code"], "malformed-link");
}

#[test]
fn check_exit_statuses_and_stdin() {
    let dir = digest_e2e::temp_dir("status");
    std::fs::write(dir.join("clean.digest"), CLEAN).expect("write");
    let (code, out, _) = run(&["check", "clean.digest"], &dir, None);
    assert_eq!(
        (code, out.as_str()),
        (0, "0 errors, 0 warnings, 0 infos, 0 hints\n")
    );

    let (code, out, _) = run(&["check", "-"], &dir, Some(WARNS.as_bytes()));
    assert_eq!(code, 1);
    assert!(out.starts_with("-:1:1: warning[missing-section]"), "{out}");

    // Not UTF-8: reported on stderr with the offset; the other files are checked.
    std::fs::write(dir.join("bad.digest"), b"Paper1 A\n\xff\xfe\n").expect("write");
    let (code, out, err) = run(&["check", "bad.digest", "clean.digest"], &dir, None);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "bad.digest: is not valid UTF-8 (first bad byte at offset 9)\n"
    );
    assert_eq!(out, "0 errors, 0 warnings, 0 infos, 0 hints\n");

    let (code, _, err) = run(&["check", "missing.digest"], &dir, None);
    assert_eq!(
        (code, err.as_str()),
        (2, "missing.digest: no such file or folder\n")
    );
    let (code, _, err) = run(&["check", "--format", "xml"], &dir, None);
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: invalid value 'xml' for '--format <FORMAT>'\n  \
         [possible values: text, json]\n\n\
         For more information, try '--help'.\n"
    );
}

#[test]
fn the_nearest_config_applies_and_a_broken_one_keeps_the_defaults() {
    let dir = digest_e2e::temp_dir("config");
    std::fs::create_dir_all(dir.join("strict/inner")).expect("mkdir");
    std::fs::create_dir_all(dir.join("broken")).expect("mkdir");
    std::fs::write(dir.join("digest.toml"), "[rules]\nnumbering = \"off\"\n").expect("write");
    std::fs::write(
        dir.join("strict/digest.toml"),
        "[rules]\nnumbering = \"error\"\n",
    )
    .expect("write");
    std::fs::write(dir.join("broken/digest.toml"), "[rules]\nnumbering = 3\n").expect("write");
    // Titles of their own: the same paper in two digests is a hint.
    for (i, folder) in ["", "strict/inner", "broken"].into_iter().enumerate() {
        let digest = format!(
            "Paper1 A{i}\n摘要原文: a\n中文总结: b\nPaper5 B{i}\n摘要原文: a\n中文总结: b\n"
        );
        std::fs::write(dir.join(folder).join("x.digest"), digest).expect("write");
    }
    let (code, out, _) = run(&["check", "."], &dir, None);
    assert_eq!(
        out,
        "./broken/digest.toml:2:13: error[config]: wrong type for `numbering` in [rules]: expected a severity, \"error\", \"warning\", \"info\", \"hint\" or \"off\", found an integer\n\
         ./broken/x.digest:4:1: warning[numbering]: Paper5 follows Paper1: expected number 2; renumber the paper\n\
         ./strict/inner/x.digest:4:1: error[numbering]: Paper5 follows Paper1: expected number 2; renumber the paper\n\
         2 errors, 1 warning, 0 infos, 0 hints\n"
    );
    assert_eq!(code, 1);
}

#[test]
fn the_same_paper_in_two_digests_is_a_hint_that_each_file_configures() {
    let dir = digest_e2e::temp_dir("across");
    std::fs::create_dir_all(dir.join("quiet")).expect("mkdir");
    std::fs::write(
        dir.join("quiet/digest.toml"),
        "[rules]\nduplicate-paper-across-files = \"off\"\n",
    )
    .expect("write");
    let paper = "摘要原文: a\n中文总结: 代码 https://github.com/lab/kd-tool\n";
    std::fs::write(
        dir.join("a.digest"),
        format!("Paper1 Dark Knowledge\n{paper}"),
    )
    .expect("write");
    std::fs::write(
        dir.join("quiet/b.digest"),
        format!("Paper7 Another Name\n{paper}"),
    )
    .expect("write");
    // Named twice, once through its folder: checked once.
    let (code, out, err) = run(&["check", "a.digest", ".", "./a.digest"], &dir, None);
    assert_eq!(err, "");
    assert_eq!(
        out,
        "a.digest:1:1: hint[duplicate-paper-across-files]: Paper1 is also in `quiet/b` as Paper7, with the same code link `github.com/lab/kd-tool`: keep one and refer to it with `[[quiet/b#Paper7]]`\n\
         0 errors, 0 warnings, 0 infos, 1 hint\n"
    );
    assert_eq!(code, 0);
}

#[test]
fn the_shared_sample_has_exactly_two_hints() {
    let Some(sample) = digest_e2e::shared_sample() else {
        return;
    };
    let (code, out, _) = run(&["check", &sample.to_string_lossy()], Path::new("."), None);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert!(lines[0].ends_with(":35:1420: hint[link-without-scheme]: Paper6: `aka.ms/tinyclip` looks like a link without a scheme: write `https://aka.ms/tinyclip`"));
    assert!(lines[1].ends_with(":37:478: hint[link-without-scheme]: Paper6: `aka.ms/tinyclip` looks like a link without a scheme: write `https://aka.ms/tinyclip`"));
    assert_eq!(lines[2], "0 errors, 0 warnings, 0 infos, 2 hints");
    assert_eq!(code, 0);
}

#[test]
fn version_and_help() {
    let (code, out, _) = run(&["--version"], Path::new("."), None);
    let version = format!("digest-lsp {}\n", env!("CARGO_PKG_VERSION"));
    assert_eq!((code, out.as_str()), (0, version.as_str()));
    let (code, out, _) = run(&["--help"], Path::new("."), None);
    assert_eq!(code, 0);
    assert!(
        out.starts_with(
            "A language server and checker for paper digests\n\n\
             Usage: digest-lsp [OPTIONS]\n       \
             digest-lsp <COMMAND>\n\n\
             Commands:\n  \
             check   Check files and folders of digests, and the digests against each other\n"
        ),
        "{out}"
    );
    for args in [&["check", "--help"][..], &["help", "check"]] {
        let (code, out, err) = run(args, Path::new("."), None);
        assert_eq!((code, err.as_str()), (0, ""), "{args:?}");
        assert!(
            out.contains("Usage: digest-lsp check [OPTIONS] [PATH]...\n"),
            "{out}"
        );
        assert!(out.contains("--format <FORMAT>"), "{out}");
        assert!(
            out.contains("Exit status: 0 when no finding is an error"),
            "{out}"
        );
    }
    let (code, out, err) = run(&["--frobnicate"], Path::new("."), None);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_eq!(
        err,
        "error: unexpected argument '--frobnicate' found\n\n\
         Usage: digest-lsp [OPTIONS]\n       \
         digest-lsp <COMMAND>\n\n\
         For more information, try '--help'.\n"
    );
    let (code, _, err) = run(&["check", "--frobnicate", "x.digest"], Path::new("."), None);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: unexpected argument '--frobnicate' found\n"),
        "{err}"
    );
    let (code, _, err) = run(&["--stdio", "check"], Path::new("."), None);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("error: the subcommand 'check' cannot be used with '--stdio'\n"),
        "{err}"
    );
}

/// A digest under another name, with one finding (a hint on line 2).
const NOTES: &str = "Paper1 Small Teachers Help\n\
                     Abstract: we distil a big model (code: tiny-kd.org/src)\n\
                     Summary: 小模型也能学得好\n";
const NOTES_HINT: &str = "hint[link-without-scheme]: Paper1: `tiny-kd.org/src` looks like a link without a scheme: write `https://tiny-kd.org/src`";

#[test]
fn a_folder_s_config_can_include_digests_by_any_name() {
    let dir = digest_e2e::temp_dir("include");
    digest_e2e::write_file(
        &dir.join("digest.toml"),
        "[files]\ninclude = [\"**/*.txt\"]\n",
    );
    digest_e2e::write_file(&dir.join("notes/week1.txt"), NOTES);
    digest_e2e::write_file(
        &dir.join("notes/deeper/week2.txt"),
        "Paper1 Quiet Students\nAbstract: nothing to add\n",
    );
    digest_e2e::write_file(&dir.join("notes/skipped.md"), "Paper1 X\n");
    digest_e2e::write_file(&dir.join(".cache/hidden.txt"), "Paper1 X\n");
    digest_e2e::write_file(&dir.join("main.digest"), CLEAN);
    let (code, out, err) = run(&["check", "."], &dir, None);
    assert_eq!(err, "");
    assert_eq!(
        out,
        format!(
            "./notes/deeper/week2.txt:1:1: warning[missing-section]: Paper1 has no summary section: add a line starting with `Summary:`\n\
             ./notes/week1.txt:2:40: {NOTES_HINT}\n\
             0 errors, 1 warning, 0 infos, 1 hint\n"
        )
    );
    assert_eq!(code, 0);

    // From a folder below, the digest.toml above still applies.
    let (code, out, err) = run(&["check", "."], &dir.join("notes/deeper"), None);
    assert_eq!((code, err.as_str()), (0, ""));
    assert!(
        out.starts_with("./week2.txt:1:1: warning[missing-section]"),
        "{out}"
    );
}

#[test]
fn a_folder_with_no_digest_is_trouble_and_says_what_it_looked_for() {
    let dir = digest_e2e::temp_dir("nothing");
    digest_e2e::write_file(&dir.join("plain/notes.txt"), NOTES);
    digest_e2e::write_file(
        &dir.join("other/digest.toml"),
        "[files]\ninclude = [\"**/*.md\"]\n",
    );
    digest_e2e::write_file(&dir.join("other/notes.txt"), NOTES);
    digest_e2e::write_file(&dir.join("clean.digest"), CLEAN);
    // The other inputs are still checked.
    let (code, out, err) = run(&["check", "plain", "clean.digest", "other/"], &dir, None);
    assert_eq!(
        err,
        "plain: no digest found (looked for *.digest; add `[files] include = [\"**/*.txt\"]` to a digest.toml to check other names)\n\
         other/: no digest found (looked for *.digest, **/*.md)\n"
    );
    assert_eq!(out, "0 errors, 0 warnings, 0 infos, 0 hints\n");
    assert_eq!(code, 2);

    // A file named explicitly is checked whatever its name.
    let (code, out, err) = run(&["check", "plain/notes.txt"], &dir, None);
    assert_eq!(err, "");
    assert_eq!(
        out,
        format!("plain/notes.txt:2:40: {NOTES_HINT}\n0 errors, 0 warnings, 0 infos, 1 hint\n")
    );
    assert_eq!(code, 0);
}

#[test]
fn a_bad_include_pattern_is_a_config_error_with_its_position() {
    let dir = digest_e2e::temp_dir("badglob");
    digest_e2e::write_file(
        &dir.join("digest.toml"),
        "[files]\ninclude = [\"*.txt\", \"notes/[ab\"]\n",
    );
    digest_e2e::write_file(&dir.join("a.digest"), CLEAN);
    digest_e2e::write_file(&dir.join("b.txt"), NOTES);
    // The defaults stay in force: b.txt is not included.
    let (code, out, err) = run(&["check", "."], &dir, None);
    assert_eq!(err, "");
    assert_eq!(
        out,
        "./digest.toml:2:21: error[config]: invalid pattern \"notes/[ab\" in [files]: unclosed character class; missing ']'\n\
         1 error, 0 warnings, 0 infos, 0 hints\n"
    );
    assert_eq!(code, 1);
    let (code, out, _) = run(&["check", "--format", "json", "."], &dir, None);
    assert_eq!(code, 1);
    let doc: Value = serde_json::from_str(&out).expect("JSON");
    let error = &doc["diagnostics"][0];
    assert_eq!(
        (
            &error["line"],
            &error["column"],
            &error["endLine"],
            &error["endColumn"],
            &error["code"]
        ),
        (
            &Value::from(2),
            &Value::from(21),
            &Value::from(2),
            &Value::from(32),
            &Value::from("config")
        )
    );
}

/// `check` run with its stdout on a terminal (see `digest_e2e::pty`).
#[cfg(unix)]
fn on_terminal(
    args: &[&str],
    cwd: &Path,
    env: &[(&str, Option<&str>)],
) -> digest_e2e::pty::TerminalRun {
    let timeout = std::time::Duration::from_secs(60);
    digest_e2e::pty::run_on_terminal(&server_binary(), args, cwd, env, timeout)
}

#[cfg(unix)]
#[test]
fn on_a_terminal_each_finding_shows_its_line_with_the_range_underlined() {
    let dir = digest_e2e::temp_dir("tty");
    digest_e2e::write_file(&dir.join("notes.txt"), NOTES);
    let plain = [("NO_COLOR", Some("1")), ("COLUMNS", None)];
    let run = on_terminal(&["check", "notes.txt"], &dir, &plain);
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(
        run.screen,
        format!(
            "notes.txt:2:40: {NOTES_HINT}\n  \
               |\n\
             2 | Abstract: we distil a big model (code: tiny-kd.org/src)\n  \
               |                                        ^^^^^^^^^^^^^^^\n\
             \n\
             0 errors, 0 warnings, 0 infos, 1 hint\n"
        )
    );

    // `--format text` prints the plain lines alone, even on a terminal.
    let run = on_terminal(&["check", "--format", "text", "notes.txt"], &dir, &plain);
    assert_eq!(
        run.screen,
        format!("notes.txt:2:40: {NOTES_HINT}\n0 errors, 0 warnings, 0 infos, 1 hint\n")
    );
    let run = on_terminal(&["check", "--format=json", "notes.txt"], &dir, &plain);
    let doc: Value = serde_json::from_str(&run.screen).expect("JSON");
    assert_eq!(doc["diagnostics"][0]["line"], 2);

    // In colour unless NO_COLOR is set to something: escapes, same text.
    for no_color in [None, Some("")] {
        let run = on_terminal(
            &["check", "notes.txt"],
            &dir,
            &[("NO_COLOR", no_color), ("COLUMNS", None)],
        );
        assert!(
            run.screen
                .contains("\u{1b}[1m\u{1b}[96mhint[link-without-scheme]\u{1b}[0m"),
            "{:?}",
            run.screen
        );
        assert_eq!(
            strip_escapes(&run.screen),
            strip_escapes(&plain_screen(&dir))
        );
    }
}

#[cfg(unix)]
fn plain_screen(dir: &Path) -> String {
    on_terminal(
        &["check", "notes.txt"],
        dir,
        &[("NO_COLOR", Some("1")), ("COLUMNS", None)],
    )
    .screen
}

/// The text without its ANSI escape sequences (`ESC [ ... letter`).
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(unix)]
#[test]
fn on_a_terminal_a_long_cjk_line_is_windowed_with_its_underline_aligned() {
    let dir = digest_e2e::temp_dir("tty-long");
    // One 2,000-character paragraph, Han characters (two columns each) around
    // a link without a scheme.
    let before = "知识蒸馏让小模型向大模型学习。".repeat(70);
    let after = "学生模型在多个基准上接近教师。".repeat(62);
    let digest =
        format!("Paper1 Long Lines\nAbstract: a\nSummary: {before}代码见kd-lab.cn/code{after}\n");
    let line = digest.lines().nth(2).expect("line 3");
    assert!(line.chars().count() >= 2_000, "{}", line.chars().count());
    digest_e2e::write_file(&dir.join("long.digest"), &digest);
    let run = on_terminal(
        &["check", "long.digest"],
        &dir,
        &[("NO_COLOR", Some("1")), ("COLUMNS", Some("60"))],
    );
    assert_eq!((run.code, run.stderr.as_str()), (0, ""));
    assert_eq!(
        run.screen,
        "long.digest:3:1063: hint[link-without-scheme]: Paper1: `kd-lab.cn/code` looks like a link without a scheme: write `https://kd-lab.cn/code`\n"
            .to_string()
            // 4 columns of gutter, `... `, then 8 Han characters (16 columns):
            // the underline starts at column 24, under the `k`.
            + "  |\n\
               3 | ... 模型学习。代码见kd-lab.cn/code学生模型在多个基准...\n  \
                 |                     ^^^^^^^^^^^^^^\n\
               \n\
               0 errors, 0 warnings, 0 infos, 1 hint\n"
    );
}

/// A reader that stops early (`check . | head`, `fmt --diff | head`,
/// `export … | head`) is no trouble: no "Broken pipe" on stderr, and the
/// status the output would have had. The reader here is gone before the
/// first byte is written.
#[test]
fn a_reader_that_stops_early_is_no_trouble() {
    use std::process::{Command, Stdio};
    let dir = digest_e2e::temp_dir("cli-broken-pipe");
    // Warnings on many lines (exit 0), and a layout fmt would change (1).
    let mut text = String::from("Notes\n\n");
    for n in 1..=300 {
        text.push_str(&format!("Paper{n}   Title {n}\n摘要原文: a\n\n"));
    }
    digest_e2e::write_file(&dir.join("notes.digest"), &text);
    for (args, status) in [
        (&["check", "notes.digest"][..], 0),
        (&["fmt", "--diff", "notes.digest"][..], 1),
        (&["export", "--to", "html", "notes.digest"][..], 0),
    ] {
        let mut child = Command::new(digest_e2e::server_binary())
            .args(args)
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("digest-lsp runs");
        drop(child.stdout.take());
        let output = child.wait_with_output().expect("digest-lsp ends");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            (output.status.code(), stderr.as_ref()),
            (Some(status), ""),
            "{args:?}"
        );
    }
}
