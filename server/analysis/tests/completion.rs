//! Completion: papers after `Paper` and `[[`, digests after `[[`, another
//! digest's papers after `[[file#`, missing labels at the start of a line.
#![allow(clippy::unwrap_used)]

mod common;

use common::{span, workspace, workspace_with};
use digest_analysis::Config;
use digest_analysis::features::{CompletionKind, completion};

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

/// The completions with `typed` put at the cursor (`$0` marks the cursor
/// inside it, else it ends there): one line per item,
/// `label [kind] range -> insert | detail | documentation | filter`.
fn complete_with(typed: &str, config: &Config) -> Vec<String> {
    let typed = if typed.contains("$0") {
        typed.to_string()
    } else {
        format!("{typed}$0")
    };
    let fixture = format!("{}{OTHERS}", A.replace("CURSOR", &typed));
    let ws = workspace_with(&fixture, config);
    let (file, offset) = ws.cursor();
    completion(&ws.files(), file, offset, config)
        .into_iter()
        .map(|item| {
            let kind = match item.kind {
                CompletionKind::Paper => "paper",
                CompletionKind::Digest => "digest",
                CompletionKind::Label => "label",
            };
            format!(
                "{} [{kind}] {} -> {:?} | {} | {} | {}",
                item.label,
                span(&ws.texts[file], item.range),
                item.insert,
                item.detail.unwrap_or_default(),
                item.documentation.unwrap_or_default(),
                item.filter.unwrap_or_default(),
            )
        })
        .collect()
}

fn complete(typed: &str) -> Vec<String> {
    complete_with(typed, &Config::default())
}

#[test]
fn after_the_keyword_the_papers_of_this_digest() {
    let expected = |range: &str| {
        vec![
            format!(
                "Paper1 [paper] {range} -> \"Paper1\" | Sparse Attention | 路由器挑选少量键，节省显存。 | "
            ),
            format!(
                "Paper2 [paper] {range} -> \"Paper2\" | Many Teachers | An ensemble of teachers. | "
            ),
        ]
    };
    assert_eq!(complete("Paper"), expected("9:12..9:17"));
    assert_eq!(complete("Paper 1"), expected("9:12..9:19"));
    assert_eq!(complete("(Paper12"), expected("9:13..9:20"));
    assert_eq!(complete("与Paper"), expected("9:13..9:18"));
}

#[test]
fn not_after_a_word_nor_in_a_link() {
    assert_eq!(complete("MyPaper"), Vec::<String>::new());
    assert_eq!(complete("Papers"), Vec::<String>::new());
    assert_eq!(complete("https://x.org/Paper"), Vec::<String>::new());
    assert_eq!(complete("plain words"), Vec::<String>::new());
}

#[test]
fn after_double_brackets_papers_then_digests() {
    let range = "9:14..9:14";
    let expected = |close: &str| {
        vec![
            format!(
                "Paper1 [paper] {range} -> \"Paper1{close}\" | Sparse Attention | 路由器挑选少量键，节省显存。 | Paper1 Sparse Attention"
            ),
            format!(
                "Paper2 [paper] {range} -> \"Paper2{close}\" | Many Teachers | An ensemble of teachers. | Paper2 Many Teachers"
            ),
            format!("b [digest] {range} -> \"b{close}\" | Digest B | 2 papers | "),
            format!("sub/c [digest] {range} -> \"sub/c{close}\" |  | 1 paper | "),
        ]
    };
    assert_eq!(complete("[["), expected("]]"));
    // The editor closed the brackets already.
    assert_eq!(complete("[[$0]]"), expected(""));
    // What is typed is replaced (the client filters on it).
    let typed = complete("[[sub");
    assert_eq!(typed.len(), 4);
    assert!(
        typed[3].starts_with("sub/c [digest] 9:14..9:17 -> \"sub/c]]\""),
        "{}",
        typed[3]
    );
    // A closed wiki reference before the cursor is not reopened.
    assert_eq!(complete("[[b]] and "), Vec::<String>::new());
}

#[test]
fn after_file_and_hash_that_digests_papers() {
    // Paper7 twice in b: references reach the first only.
    assert_eq!(
        complete("[[b#"),
        ["Paper7 [paper] 9:16..9:16 -> \"Paper7]]\" | Far Away | 远方的论文。 | Paper7 Far Away"]
    );
    assert_eq!(
        complete("[[b.digest#Pa$0]]"),
        ["Paper7 [paper] 9:23..9:25 -> \"Paper7\" | Far Away | 远方的论文。 | Paper7 Far Away"]
    );
    assert_eq!(
        complete("[[sub/c#"),
        ["Paper1 [paper] 9:20..9:20 -> \"Paper1]]\" |  |  | "]
    );
    assert_eq!(complete("[[#").len(), 2);
    assert_eq!(complete("[[nowhere#"), Vec::<String>::new());
}

#[test]
fn at_the_start_of_a_line_the_missing_labels() {
    let fixture = |typed: &str| {
        format!(
            "{}{OTHERS}",
            A.replace("Notes: see CURSOR\n", &format!("Notes: see\n{typed}\n"))
        )
    };
    let labels = |typed: &str| {
        let ws = workspace(&fixture(typed));
        let (file, offset) = ws.cursor();
        completion(&ws.files(), file, offset, &Config::default())
            .into_iter()
            .map(|i| {
                format!(
                    "{} {} {:?} {}",
                    i.label,
                    span(&ws.texts[file], i.range),
                    i.insert,
                    i.detail.unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        labels("$0"),
        [
            "中文总结: 10:1..10:1 \"中文总结: \" summary section (required)",
            "Summary: 10:1..10:1 \"Summary: \" summary section (required)",
            "代码: 10:1..10:1 \"代码: \" code section (optional)",
            "Code: 10:1..10:1 \"Code: \" code section (optional)",
            "标签: 10:1..10:1 \"标签: \" tags section (optional)",
            "Tags: 10:1..10:1 \"Tags: \" tags section (optional)",
        ]
    );
    assert_eq!(
        labels("Su$0")[1],
        "Summary: 10:1..10:3 \"Summary: \" summary section (required)"
    );
    // Not after white space, nor on a line that already opens a section.
    assert_eq!(labels("a $0"), Vec::<String>::new());
    assert_eq!(labels("Co$0de: x"), Vec::<String>::new());
}

#[test]
fn nothing_on_heading_lines_or_in_the_preamble() {
    let ws = workspace("Title\n$0\nPaper1 see Paper\n摘要原文: a\n");
    let files = ws.files();
    let config = Config::default();
    assert!(completion(&files, 0, ws.cursor().1, &config).is_empty());
    let heading_end = ws.texts[0].find(" see Paper").unwrap() + " see Paper".len();
    assert!(completion(&files, 0, heading_end, &config).is_empty());
}

#[test]
fn configured_keywords_and_preview_length() {
    let config = Config {
        keywords: vec!["Paper".into(), "论文".into()],
        preview_chars: 3,
        ..Config::default()
    };
    assert_eq!(
        complete_with("见论文", &config),
        [
            "论文1 [paper] 9:13..9:15 -> \"论文1\" | Sparse Attention | 路由器… | ",
            "论文2 [paper] 9:13..9:15 -> \"论文2\" | Many Teachers | An… | ",
        ]
    );
}
