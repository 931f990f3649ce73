//! `digest-lsp fmt`, run as a user would: files rewritten in place, `--check`,
//! `--diff`, standard input, the configuration, and what cannot be read.

use std::path::Path;

use digest_e2e::{read, run_cli as run, temp_dir, write_file};

/// CRLF line ends (and one LF), trailing spaces and a tab, runs of blank
/// lines, a heading with a space, a leading zero and a colon, labels with
/// no space or two after the colon, no blank line before a heading.
const MESSY: &str = "Reading notes  \r\n\r\n\r\n\r\n\
                     Paper 01: Tiny Teachers\t\r\n\
                     摘要原文:We shrink the teacher first.  \r\n\r\n\r\n\r\n\
                     中文总结:  先压缩教师模型。 \r\n\r\n\r\n\
                     第二段。\r\n\
                     Paper2 Second Look\r\n\
                     Abstract: Students again.\r\n\
                     Summary: 再看学生。\n\r\n\r\n";

/// [`MESSY`] in its canonical layout.
const CANONICAL: &str = "Reading notes\r\n\r\n\
                         Paper1 Tiny Teachers\r\n\r\n\
                         摘要原文: We shrink the teacher first.\r\n\r\n\
                         中文总结: 先压缩教师模型。\r\n\r\n\
                         第二段。\r\n\r\n\
                         Paper2 Second Look\r\n\r\n\
                         Abstract: Students again.\r\n\r\n\
                         Summary: 再看学生。\r\n";

/// Already canonical.
const CLEAN: &str = "Paper1 Clean\n\n摘要原文: a\n\n中文总结: b\n";

/// One trailing space and a missing blank line, LF.
const SMALL: &str = "Paper1 Small \n摘要原文: a\n\n中文总结: b\n";
const SMALL_FIXED: &str = "Paper1 Small\n\n摘要原文: a\n\n中文总结: b\n";

#[test]
fn fmt_rewrites_a_changed_file_in_place_and_leaves_the_others_alone() {
    let dir = temp_dir("fmt-write");
    write_file(&dir.join("messy.digest"), MESSY);
    write_file(&dir.join("sub/clean.digest"), CLEAN);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::Permissions::from_mode(0o640);
        std::fs::set_permissions(dir.join("messy.digest"), mode).expect("chmod");
    }
    let before = std::fs::metadata(dir.join("sub/clean.digest")).expect("stat");

    let (code, out, err) = run(&["fmt", "."], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "", "1 file reformatted, 1 unchanged\n")
    );
    assert_eq!(read(&dir.join("messy.digest")), CANONICAL);
    // Untouched: not written at all, not even with the same text.
    let after = std::fs::metadata(dir.join("sub/clean.digest")).expect("stat");
    assert_eq!(read(&dir.join("sub/clean.digest")), CLEAN);
    assert_eq!(
        after.modified().expect("mtime"),
        before.modified().expect("mtime")
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("messy.digest"))
            .expect("stat")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o640, "the permissions are kept");
    }
    // No temporary file is left behind.
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["messy.digest", "sub"]);

    // Formatting again changes nothing.
    let (code, out, err) = run(&["fmt", "."], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "", "0 files reformatted, 2 unchanged\n")
    );
    assert_eq!(read(&dir.join("messy.digest")), CANONICAL);
}

#[cfg(unix)]
#[test]
fn a_linked_file_is_rewritten_through_its_link_which_stays() {
    let dir = temp_dir("fmt-link");
    write_file(&dir.join("real/target.txt"), SMALL);
    std::os::unix::fs::symlink(dir.join("real/target.txt"), dir.join("alias.digest"))
        .expect("symlink");
    let (code, out, err) = run(&["fmt", "alias.digest"], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (0, "", "1 file reformatted, 0 unchanged\n")
    );
    let link = std::fs::symlink_metadata(dir.join("alias.digest")).expect("lstat");
    assert!(link.file_type().is_symlink(), "still a link");
    assert_eq!(read(&dir.join("real/target.txt")), SMALL_FIXED);
}

#[test]
fn check_lists_the_files_that_would_change_and_passes_once_formatted() {
    let dir = temp_dir("fmt-check");
    write_file(&dir.join("a.digest"), MESSY);
    write_file(&dir.join("b.digest"), CLEAN);
    write_file(&dir.join("notes/c.digest"), SMALL);
    let (code, out, err) = run(&["fmt", "--check", "."], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (1, "./a.digest\n./notes/c.digest\n", "")
    );
    // --check writes nothing.
    assert_eq!(read(&dir.join("a.digest")), MESSY);
    assert_eq!(read(&dir.join("notes/c.digest")), SMALL);

    let (code, _, err) = run(&["fmt", "."], &dir, None);
    assert_eq!(
        (code, err.as_str()),
        (0, "2 files reformatted, 1 unchanged\n")
    );
    let (code, out, err) = run(&["fmt", "--check", "."], &dir, None);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    // Named as given.
    let (code, out, _) = run(&["fmt", "--check", "b.digest", "notes"], &dir, None);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn diff_prints_a_unified_diff_and_writes_nothing() {
    let dir = temp_dir("fmt-diff");
    let long =
        "Paper1 Long\n\n摘要原文: one\ntwo\nthree\nfour\nfive\nsix \n\n\n\nseven\n\n中文总结: 八\n";
    write_file(&dir.join("notes/long.digest"), long);
    write_file(&dir.join("small.digest"), SMALL);
    write_file(&dir.join("clean.digest"), CLEAN);
    let expected = "--- a/notes/long.digest\n\
                    +++ b/notes/long.digest\n\
                    @@ -5,9 +5,7 @@\n \
                    three\n \
                    four\n \
                    five\n\
                    -six \n\
                    -\n\
                    -\n\
                    +six\n \
                    \n \
                    seven\n \
                    \n\
                    --- a/small.digest\n\
                    +++ b/small.digest\n\
                    @@ -1,4 +1,5 @@\n\
                    -Paper1 Small \n\
                    +Paper1 Small\n\
                    +\n \
                    摘要原文: a\n \
                    \n \
                    中文总结: b\n";
    let (code, out, err) = run(&["fmt", "--diff", "."], &dir, None);
    assert_eq!((code, out.as_str(), err.as_str()), (1, expected, ""));
    assert_eq!(read(&dir.join("small.digest")), SMALL);
    // With --check too: the diff, the same status.
    let (code, out, _) = run(&["fmt", "--check", "--diff", "."], &dir, None);
    assert_eq!((code, out.as_str()), (1, expected));
    // A missing final line end, named by its path as given.
    write_file(&dir.join("end.txt"), "Paper1 End");
    let (code, out, _) = run(&["fmt", "--diff", "./end.txt"], &dir, None);
    assert_eq!(
        (code, out.as_str()),
        (
            1,
            "--- a/end.txt\n+++ b/end.txt\n@@ -1 +1 @@\n-Paper1 End\n\\ No newline at end of file\n+Paper1 End\n"
        )
    );
    let (code, out, _) = run(&["fmt", "--diff", "clean.digest"], &dir, None);
    assert_eq!((code, out.as_str()), (0, ""));
}

#[test]
fn standard_input_is_formatted_to_standard_output() {
    let dir = temp_dir("fmt-stdin");
    let (code, out, err) = run(&["fmt", "-"], &dir, Some(MESSY.as_bytes()));
    assert_eq!((code, out.as_str(), err.as_str()), (0, CANONICAL, ""));
    // Already canonical: the same text back.
    let (code, out, _) = run(&["fmt", "-"], &dir, Some(CLEAN.as_bytes()));
    assert_eq!((code, out.as_str()), (0, CLEAN));
    let (code, out, _) = run(&["fmt", "--check", "-"], &dir, Some(MESSY.as_bytes()));
    assert_eq!((code, out.as_str()), (1, "-\n"));
    let (code, out, _) = run(&["fmt", "--check", "-"], &dir, Some(CLEAN.as_bytes()));
    assert_eq!((code, out.as_str()), (0, ""));
    let (code, out, _) = run(&["fmt", "--diff", "-"], &dir, Some(SMALL.as_bytes()));
    assert_eq!(
        (code, out.as_str()),
        (
            1,
            "--- a/-\n+++ b/-\n@@ -1,4 +1,5 @@\n-Paper1 Small \n+Paper1 Small\n+\n 摘要原文: a\n \n 中文总结: b\n"
        )
    );
    // A byte-order mark is kept; a lone CR is the line end.
    let (code, out, _) = run(
        &["fmt", "-"],
        &dir,
        Some("\u{feff}Paper1 A \r摘要原文:a".as_bytes()),
    );
    assert_eq!(
        (code, out.as_str()),
        (0, "\u{feff}Paper1 A\r\r摘要原文: a\r")
    );
    let (code, out, err) = run(&["fmt", "-"], &dir, Some(b"Paper1 A\n\xe4\xb8\n"));
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            "-: is not valid UTF-8 (first bad byte at offset 9)\n"
        )
    );
}

#[test]
fn format_enabled_false_leaves_the_files_under_it_alone() {
    let dir = temp_dir("fmt-disabled");
    write_file(&dir.join("own/digest.toml"), "[format]\nenabled = false\n");
    write_file(&dir.join("own/deeper/a.digest"), SMALL);
    write_file(&dir.join("b.digest"), SMALL);
    let (code, out, err) = run(&["fmt", "--check", "."], &dir, None);
    assert_eq!((code, out.as_str(), err.as_str()), (1, "./b.digest\n", ""));
    let (code, out, err) = run(&["fmt", "--diff", "own"], &dir, None);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    let (code, _, err) = run(&["fmt", "."], &dir, None);
    assert_eq!(
        (code, err.as_str()),
        (0, "1 file reformatted, 1 unchanged\n")
    );
    assert_eq!(read(&dir.join("own/deeper/a.digest")), SMALL);
    assert_eq!(read(&dir.join("b.digest")), SMALL_FIXED);
    // Standard input under it: given back as it came.
    let (code, out, _) = run(&["fmt", "-"], &dir.join("own"), Some(SMALL.as_bytes()));
    assert_eq!((code, out.as_str()), (0, SMALL));
}

#[test]
fn files_are_found_as_check_finds_them() {
    let dir = temp_dir("fmt-include");
    write_file(
        &dir.join("notes/digest.toml"),
        "[files]\ninclude = [\"**/*.txt\"]\n",
    );
    write_file(&dir.join("notes/week1.txt"), SMALL);
    write_file(&dir.join("notes/deeper/week2.txt"), SMALL);
    write_file(&dir.join("notes/skipped.md"), SMALL);
    write_file(&dir.join("notes/.hidden/x.txt"), SMALL);
    write_file(&dir.join("plain/other.txt"), SMALL);
    let (code, out, err) = run(&["fmt", "--check", "notes"], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (1, "notes/deeper/week2.txt\nnotes/week1.txt\n", "")
    );
    // A folder with nothing found is trouble; the other inputs are still
    // formatted; a file named explicitly is taken whatever its name.
    let (code, out, err) = run(&["fmt", "plain", "notes/skipped.md", "missing"], &dir, None);
    assert_eq!(out, "");
    assert_eq!(
        err,
        "plain: no digest found (looked for *.digest; add `[files] include = [\"**/*.txt\"]` to a digest.toml to check other names)\n\
         missing: no such file or folder\n\
         1 file reformatted, 0 unchanged\n"
    );
    assert_eq!(code, 2);
    assert_eq!(read(&dir.join("notes/skipped.md")), SMALL_FIXED);
    assert_eq!(read(&dir.join("plain/other.txt")), SMALL);
}

#[test]
fn unreadable_and_non_utf8_files_are_trouble_and_the_others_are_formatted() {
    let dir = temp_dir("fmt-unreadable");
    write_file(&dir.join("good.digest"), SMALL);
    std::fs::write(dir.join("bad.digest"), b"Paper1 A \n\xff\xfe\n").expect("write");
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.join("nowhere"), dir.join("gone.digest")).expect("symlink");
    let (code, out, err) = run(&["fmt", "."], &dir, None);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    let mut expected =
        String::from("./bad.digest: is not valid UTF-8 (first bad byte at offset 10)\n");
    if cfg!(unix) {
        expected
            .push_str("./gone.digest: cannot be read: No such file or directory (os error 2)\n");
    }
    expected.push_str("1 file reformatted, 0 unchanged\n");
    assert_eq!(err, expected);
    assert_eq!(read(&dir.join("good.digest")), SMALL_FIXED);
    assert_eq!(
        std::fs::read(dir.join("bad.digest")).expect("read"),
        b"Paper1 A \n\xff\xfe\n"
    );
    // --check: the same trouble, and what would change is still listed.
    write_file(&dir.join("good.digest"), SMALL);
    let (code, out, err) = run(&["fmt", "--check", "."], &dir, None);
    assert_eq!((code, out.as_str()), (2, "./good.digest\n"));
    assert!(err.starts_with("./bad.digest: is not valid UTF-8"), "{err}");
}

#[test]
fn the_typography_fixes_are_made_when_their_rules_are_on() {
    let dir = temp_dir("fmt-typography");
    // Not in the abstract, the URL or the reference; in the summary.
    let text = "Paper1 Data\n\n\
                摘要原文: We train on COCO数据, 2023.\n\n\
                中文总结: 使用COCO数据集训练3轮，见https://example.org/x和[[Paper1]]。\n";
    write_file(&dir.join("off/a.digest"), text);
    write_file(&dir.join("on/a.digest"), text);
    write_file(
        &dir.join("on/digest.toml"),
        "[rules]\ncjk-spacing = \"warning\"\n",
    );
    let (code, out, err) = run(&["fmt", "--check", "."], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (1, "./on/a.digest\n", "")
    );
    let (code, _, _) = run(&["fmt", "."], &dir, None);
    assert_eq!(code, 0);
    assert_eq!(read(&dir.join("off/a.digest")), text);
    assert_eq!(
        read(&dir.join("on/a.digest")),
        "Paper1 Data\n\n\
         摘要原文: We train on COCO数据, 2023.\n\n\
         中文总结: 使用 COCO 数据集训练 3 轮，见https://example.org/x和[[Paper1]]。\n"
    );
    // Nothing left for the rule to find.
    let (code, out, _) = run(&["check", "on/a.digest"], &dir, None);
    assert_eq!(
        (code, out.as_str()),
        (0, "0 errors, 0 warnings, 0 infos, 0 hints\n")
    );
}

#[test]
fn a_broken_config_is_reported_and_no_file_under_it_is_rewritten() {
    let dir = temp_dir("fmt-broken");
    // Valid `enabled = false`, but a typo elsewhere: the file is read as the
    // defaults whole.
    write_file(
        &dir.join("digest.toml"),
        "[format]\nenabled = false\n\n[rules]\nnumbering = 3\n",
    );
    write_file(&dir.join("a.digest"), SMALL);
    let error = "./digest.toml:5:13: error[config]: wrong type for `numbering` in [rules]: expected a severity, \"error\", \"warning\", \"info\", \"hint\" or \"off\", found an integer\n";
    // The defaults stay in force for what is shown...
    let (code, out, err) = run(&["fmt", "--check", "."], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (2, "./a.digest\n", error)
    );
    let (code, out, err) = run(&["fmt", "-"], &dir, Some(SMALL.as_bytes()));
    assert_eq!((code, out.as_str(), err.as_str()), (2, SMALL_FIXED, error));
    // ...but nothing is written on a guess.
    let (code, out, err) = run(&["fmt", "."], &dir, None);
    assert_eq!(
        (code, out.as_str(), err.as_str()),
        (
            2,
            "",
            format!(
                "{error}./a.digest: not rewritten: the digest.toml that applies has errors\n\
                 0 files reformatted, 1 unchanged\n"
            )
            .as_str()
        )
    );
    assert_eq!(read(&dir.join("a.digest")), SMALL);
}

/// `check`'s findings of `file` in `dir` without their positions (and the
/// line of counts apart).
fn findings(dir: &Path, file: &str) -> (Vec<String>, String) {
    let (_, out, _) = run(&["check", file], dir, None);
    let mut lines: Vec<String> = (out.lines())
        .map(|line| {
            let rest = line.strip_prefix(file).and_then(|l| l.strip_prefix(':'));
            match rest.and_then(|r| r.split_once(": ")) {
                Some((_position, finding)) => finding.to_string(),
                None => line.to_string(),
            }
        })
        .collect();
    let counts = lines.pop().unwrap_or_default();
    (lines, counts)
}

#[test]
fn the_shared_sample_formats_once_and_keeps_its_findings() {
    let Some(sample) = digest_e2e::shared_sample() else {
        return;
    };
    let dir = temp_dir("fmt-sample");
    let copy = dir.join("sample.txt");
    std::fs::copy(&sample, &copy).expect("copy the sample");
    let before = findings(&dir, "sample.txt");
    assert_eq!(before.0.len(), 2, "{before:?}");

    let (code, _, err) = run(&["fmt", "sample.txt"], &dir, None);
    assert_eq!(
        (code, err.as_str()),
        (0, "1 file reformatted, 0 unchanged\n")
    );
    let (code, out, err) = run(&["fmt", "--check", "sample.txt"], &dir, None);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    assert_eq!(findings(&dir, "sample.txt"), before);
    // Formatting the formatted text changes nothing.
    let once = read(&copy);
    let (code, out, _) = run(&["fmt", "-"], &dir, Some(once.as_bytes()));
    assert_eq!((code, out), (0, once));
}

#[test]
fn the_shared_sample_keeps_its_findings_less_the_typography_fixed() {
    let Some(sample) = digest_e2e::shared_sample() else {
        return;
    };
    let dir = temp_dir("fmt-sample-typography");
    std::fs::copy(&sample, dir.join("sample.txt")).expect("copy the sample");
    write_file(
        &dir.join("digest.toml"),
        "[rules]\ncjk-spacing = \"warning\"\ncjk-punctuation = \"warning\"\n\
         fullwidth-alphanumeric = \"warning\"\n",
    );
    let (mut before, counts) = findings(&dir, "sample.txt");
    let typography = [
        "[cjk-spacing]",
        "[cjk-punctuation]",
        "[fullwidth-alphanumeric]",
    ];
    let fixed = before.len();
    before.retain(|f| !typography.iter().any(|code| f.contains(code)));
    assert!(fixed - before.len() > 100, "{counts}");

    let (code, _, err) = run(&["fmt", "sample.txt"], &dir, None);
    assert_eq!(
        (code, err.as_str()),
        (0, "1 file reformatted, 0 unchanged\n")
    );
    let (code, out, _) = run(&["fmt", "--check", "sample.txt"], &dir, None);
    assert_eq!((code, out.as_str()), (0, ""));
    assert_eq!(
        findings(&dir, "sample.txt"),
        (before, "0 errors, 0 warnings, 0 infos, 2 hints".to_string())
    );
}

#[test]
fn fmt_help_says_what_it_does() {
    let (code, out, err) = run(&["fmt", "--help"], Path::new("."), None);
    assert_eq!((code, err.as_str()), (0, ""));
    for needle in [
        "Usage: digest-lsp fmt [OPTIONS] [PATH]...\n",
        "--check",
        "--diff",
        "`-` reads standard input and writes standard output",
        "[files] include",
        "`[format] enabled = false`",
        "renamed over it",
        "Exit status: 0 when done",
    ] {
        assert!(out.contains(needle), "{needle:?} in {out}");
    }
    let (code, out, _) = run(&["--help"], Path::new("."), None);
    assert_eq!(code, 0);
    assert!(
        out.contains("\n  fmt     Format digests into their canonical layout"),
        "{out}"
    );
    let (code, out, err) = run(&["fmt", "--frobnicate"], Path::new("."), None);
    assert_eq!((code, out.as_str()), (2, ""));
    assert!(
        err.starts_with("error: unexpected argument '--frobnicate' found\n"),
        "{err}"
    );
}
