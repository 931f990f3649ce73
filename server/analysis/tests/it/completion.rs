//! Completion: papers after `Paper` and `[[`, digests after `[[`, another
//! digest's papers after `[[file#`, missing labels at the start of a line.

use crate::common::{span, workspace_with};
use digest_analysis::Config;
use digest_analysis::features::{CompletionItem, CompletionKind, completion};
use expect_test::{Expect, expect};

const A: &str = "\
//- /ws/a.digest
Notes

Paper1 Sparse Attention
摘要原文: Keys are chosen by a router.
中文总结: 路由器挑选少量键，节省显存。

Paper2 Many Teachers
摘要原文: An ensemble of teachers.
Notes: see CURSOR
";

const OTHERS: &str = "\
//- /ws/b.digest
Digest B
Paper7 Far Away
摘要原文: a
中文总结: 远方的论文。
Paper7 Again
//- /ws/sub/c.digest
Paper1
";

/// Every completion at the `$0` of a workspace fixture, each as
/// `label [kind] range -> "insert"` and a line per optional field it has.
fn render(fixture: &str, config: &Config) -> String {
    let ws = workspace_with(fixture, config);
    let (file, offset) = ws.cursor();
    let text = &ws.texts[file];
    let mut out = String::new();
    let bibliography = digest_analysis::bibliography::Bibliography::empty();
    for item in completion(&ws.files(), file, offset, config, bibliography) {
        let CompletionItem {
            label,
            kind,
            detail,
            documentation,
            filter,
            insert,
            range,
        } = item;
        let kind = match kind {
            CompletionKind::Paper => "paper",
            CompletionKind::Digest => "digest",
            CompletionKind::Label => "label",
            CompletionKind::Citation => "citation",
        };
        out.push_str(&format!(
            "{label} [{kind}] {} -> {insert:?}\n",
            span(text, range)
        ));
        for (name, value) in [
            ("detail", detail),
            ("documentation", documentation),
            ("filter", filter),
        ] {
            if let Some(value) = value {
                out.push_str(&format!("    {name}: {value:?}\n"));
            }
        }
    }
    out
}

/// The completions with `typed` put after `Notes: see ` on the last line of
/// `a` (`$0` marks the cursor inside it, else it ends there).
fn check_with(typed: &str, config: &Config, expect: Expect) {
    let typed = if typed.contains("$0") {
        typed.to_string()
    } else {
        format!("{typed}$0")
    };
    let fixture = format!("{}{OTHERS}", A.replace("CURSOR", &typed));
    expect.assert_eq(&render(&fixture, config));
}

fn check(typed: &str, expect: Expect) {
    check_with(typed, &Config::default(), expect);
}

/// The completions with `typed` on a line of its own after `Notes: see`.
fn check_line(typed: &str, expect: Expect) {
    let replaced = A.replace("Notes: see CURSOR\n", &format!("Notes: see\n{typed}\n"));
    let fixture = format!("{replaced}{OTHERS}");
    expect.assert_eq(&render(&fixture, &Config::default()));
}

#[test]
fn after_the_keyword_the_papers_of_this_digest() {
    check(
        "Paper",
        expect![[r#"
            Paper1 [paper] 9:12..9:17 -> "Paper1"
                detail: "Sparse Attention"
                documentation: "路由器挑选少量键，节省显存。"
            Paper2 [paper] 9:12..9:17 -> "Paper2"
                detail: "Many Teachers"
                documentation: "An ensemble of teachers."
        "#]],
    );
    check(
        "Paper 1",
        expect![[r#"
            Paper1 [paper] 9:12..9:19 -> "Paper1"
                detail: "Sparse Attention"
                documentation: "路由器挑选少量键，节省显存。"
            Paper2 [paper] 9:12..9:19 -> "Paper2"
                detail: "Many Teachers"
                documentation: "An ensemble of teachers."
        "#]],
    );
    check(
        "(Paper12",
        expect![[r#"
            Paper1 [paper] 9:13..9:20 -> "Paper1"
                detail: "Sparse Attention"
                documentation: "路由器挑选少量键，节省显存。"
            Paper2 [paper] 9:13..9:20 -> "Paper2"
                detail: "Many Teachers"
                documentation: "An ensemble of teachers."
        "#]],
    );
    check(
        "与Paper",
        expect![[r#"
            Paper1 [paper] 9:13..9:18 -> "Paper1"
                detail: "Sparse Attention"
                documentation: "路由器挑选少量键，节省显存。"
            Paper2 [paper] 9:13..9:18 -> "Paper2"
                detail: "Many Teachers"
                documentation: "An ensemble of teachers."
        "#]],
    );
}

#[test]
fn not_after_a_word_nor_in_a_link() {
    check("MyPaper", expect![[""]]);
    check("Papers", expect![[""]]);
    check("https://x.org/Paper", expect![[""]]);
    check("plain words", expect![[""]]);
}

#[test]
fn after_double_brackets_papers_then_digests() {
    check(
        "[[",
        expect![[r#"
            Paper1 [paper] 9:14..9:14 -> "Paper1]]"
                detail: "Sparse Attention"
                documentation: "路由器挑选少量键，节省显存。"
                filter: "Paper1 Sparse Attention"
            Paper2 [paper] 9:14..9:14 -> "Paper2]]"
                detail: "Many Teachers"
                documentation: "An ensemble of teachers."
                filter: "Paper2 Many Teachers"
            b [digest] 9:14..9:14 -> "b]]"
                detail: "Digest B"
                documentation: "2 papers"
            sub/c [digest] 9:14..9:14 -> "sub/c]]"
                documentation: "1 paper"
        "#]],
    );
    // The editor closed the brackets already.
    check(
        "[[$0]]",
        expect![[r#"
            Paper1 [paper] 9:14..9:14 -> "Paper1"
                detail: "Sparse Attention"
                documentation: "路由器挑选少量键，节省显存。"
                filter: "Paper1 Sparse Attention"
            Paper2 [paper] 9:14..9:14 -> "Paper2"
                detail: "Many Teachers"
                documentation: "An ensemble of teachers."
                filter: "Paper2 Many Teachers"
            b [digest] 9:14..9:14 -> "b"
                detail: "Digest B"
                documentation: "2 papers"
            sub/c [digest] 9:14..9:14 -> "sub/c"
                documentation: "1 paper"
        "#]],
    );
    // What is typed is replaced (the client filters on it).
    check(
        "[[sub",
        expect![[r#"
            Paper1 [paper] 9:14..9:17 -> "Paper1]]"
                detail: "Sparse Attention"
                documentation: "路由器挑选少量键，节省显存。"
                filter: "Paper1 Sparse Attention"
            Paper2 [paper] 9:14..9:17 -> "Paper2]]"
                detail: "Many Teachers"
                documentation: "An ensemble of teachers."
                filter: "Paper2 Many Teachers"
            b [digest] 9:14..9:17 -> "b]]"
                detail: "Digest B"
                documentation: "2 papers"
            sub/c [digest] 9:14..9:17 -> "sub/c]]"
                documentation: "1 paper"
        "#]],
    );
    // A closed wiki reference before the cursor is not reopened.
    check("[[b]] and ", expect![[""]]);
}

#[test]
fn after_file_and_hash_that_digests_papers() {
    // Paper7 twice in b: references reach the first only.
    check(
        "[[b#",
        expect![[r#"
            Paper7 [paper] 9:16..9:16 -> "Paper7]]"
                detail: "Far Away"
                documentation: "远方的论文。"
                filter: "Paper7 Far Away"
        "#]],
    );
    check(
        "[[b.digest#Pa$0]]",
        expect![[r#"
            Paper7 [paper] 9:23..9:25 -> "Paper7"
                detail: "Far Away"
                documentation: "远方的论文。"
                filter: "Paper7 Far Away"
        "#]],
    );
    check(
        "[[sub/c#",
        expect![[r#"
            Paper1 [paper] 9:20..9:20 -> "Paper1]]"
        "#]],
    );
    check(
        "[[#",
        expect![[r#"
            Paper1 [paper] 9:15..9:15 -> "Paper1]]"
                detail: "Sparse Attention"
                documentation: "路由器挑选少量键，节省显存。"
                filter: "Paper1 Sparse Attention"
            Paper2 [paper] 9:15..9:15 -> "Paper2]]"
                detail: "Many Teachers"
                documentation: "An ensemble of teachers."
                filter: "Paper2 Many Teachers"
        "#]],
    );
    check("[[nowhere#", expect![[""]]);
}

#[test]
fn at_the_start_of_a_line_the_missing_labels() {
    check_line(
        "$0",
        expect![[r#"
            中文总结: [label] 10:1..10:1 -> "中文总结: "
                detail: "summary section (required)"
            Summary: [label] 10:1..10:1 -> "Summary: "
                detail: "summary section (required)"
            代码: [label] 10:1..10:1 -> "代码: "
                detail: "code section (optional)"
            Code: [label] 10:1..10:1 -> "Code: "
                detail: "code section (optional)"
            标签: [label] 10:1..10:1 -> "标签: "
                detail: "tags section (optional)"
            Tags: [label] 10:1..10:1 -> "Tags: "
                detail: "tags section (optional)"
            引用: [label] 10:1..10:1 -> "引用: "
                detail: "cite section (optional)"
            Cite: [label] 10:1..10:1 -> "Cite: "
                detail: "cite section (optional)"
        "#]],
    );
    check_line(
        "Su$0",
        expect![[r#"
            中文总结: [label] 10:1..10:3 -> "中文总结: "
                detail: "summary section (required)"
            Summary: [label] 10:1..10:3 -> "Summary: "
                detail: "summary section (required)"
            代码: [label] 10:1..10:3 -> "代码: "
                detail: "code section (optional)"
            Code: [label] 10:1..10:3 -> "Code: "
                detail: "code section (optional)"
            标签: [label] 10:1..10:3 -> "标签: "
                detail: "tags section (optional)"
            Tags: [label] 10:1..10:3 -> "Tags: "
                detail: "tags section (optional)"
            引用: [label] 10:1..10:3 -> "引用: "
                detail: "cite section (optional)"
            Cite: [label] 10:1..10:3 -> "Cite: "
                detail: "cite section (optional)"
        "#]],
    );
    // Not after white space, nor on a line that already opens a section.
    check_line("a $0", expect![[""]]);
    check_line("Co$0de: x", expect![[""]]);
}

#[test]
fn nothing_on_heading_lines_or_in_the_preamble() {
    let config = Config::default();
    let check = |fixture: &str, expect: Expect| expect.assert_eq(&render(fixture, &config));
    check("Title\n$0\nPaper1 see Paper\n摘要原文: a\n", expect![[""]]);
    check("Title\n\nPaper1 see Paper$0\n摘要原文: a\n", expect![[""]]);
}

#[test]
fn configured_keywords_and_preview_length() {
    let config = Config {
        keywords: vec!["Paper".into(), "论文".into()],
        preview_chars: 3,
        ..Config::default()
    };
    check_with(
        "见论文",
        &config,
        expect![[r#"
            论文1 [paper] 9:13..9:15 -> "论文1"
                detail: "Sparse Attention"
                documentation: "路由器…"
            论文2 [paper] 9:13..9:15 -> "论文2"
                detail: "Many Teachers"
                documentation: "An…"
        "#]],
    );
}
