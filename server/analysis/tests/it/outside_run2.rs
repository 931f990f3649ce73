//! A second outside tester's run: what a demanding user of the analysis
//! (formatting, completion, hover and inlay excerpts, the bibliography's
//! configuration and binding) found wrong, each finding a test that failed
//! before its fix.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::common::{edit, edits};
use crate::common::{span, workspace};
use digest_analysis::bibliography::{BibFile, Bibliography};
use digest_analysis::features::{CompletionItem, completion};
use digest_analysis::format::{apply, format_text};
use digest_analysis::{Analysis, Config, FormatOptions, TextRange};

/// True when `at` lies between the `\r` and the `\n` of a CRLF.
fn inside_crlf(text: &str, at: usize) -> bool {
    at > 0 && text.as_bytes()[at - 1] == b'\r' && text.as_bytes().get(at) == Some(&b'\n')
}

/// A digest written on two machines: its first line ends in LF, others in
/// CRLF. Spec, "Formatting": the file's first line end everywhere, as the
/// smallest edits. An edit that starts or ends between the `\r` and the
/// `\n` of a CRLF cannot be sent to an editor: an LSP position names a
/// line and a character in it, and the server wrote it as one character
/// past the line's end, which the protocol tells clients to read as the
/// line's end. VS Code then inserted the `\n` before the CRLF instead of
/// replacing its `\r`: "Paper1 Title\n\r\n".
#[test]
fn formatting_edits_never_start_or_end_inside_a_crlf() {
    let text = "Notes\nPaper1 Title\r\nAbstract: a\r\nSummary: b\r\n";
    assert_eq!(
        edits(text),
        [
            edit(6, 6, "\n"),
            edit(18, 20, "\n\n"),
            edit(31, 33, "\n\n"),
            edit(43, 45, "\n"),
        ]
    );
    assert_eq!(
        format_text(text, &Config::default(), &FormatOptions::default()),
        "Notes\n\nPaper1 Title\n\nAbstract: a\n\nSummary: b\n"
    );

    // The other way round, and with blank lines and trailing white space
    // between: never a boundary inside a CRLF, and the result is the one
    // `fmt` writes.
    let pieces = [
        "Paper1 T",
        "Paper 2: 标题😀",
        "Abstract: a",
        "Summary: b  ",
        "",
        "  ",
        "text 😀",
        "中文总结：全角",
        "Notes:",
    ];
    let ends = ["\n", "\r\n", "\r"];
    let mut checked = 0;
    for first in 0..ends.len() {
        for seed in 0..200usize {
            let mut text = String::new();
            let mut state = seed;
            for i in 0..8 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                text.push_str(pieces[(state >> 33) % pieces.len()]);
                let end = if i == 0 {
                    first
                } else {
                    (state >> 40) % ends.len()
                };
                text.push_str(ends[end]);
            }
            let found = edits(&text);
            for e in &found {
                assert!(
                    !inside_crlf(&text, e.range.start) && !inside_crlf(&text, e.range.end),
                    "{e:?} splits a CRLF of {text:?}: {found:?}"
                );
            }
            let config = Config::default();
            assert_eq!(
                apply(&text, &found),
                format_text(&text, &config, &FormatOptions::default())
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 600);
}

const LIBRARY: &str = "@article{zhang2020survey,\n  title = {知识蒸馏综述},\n  year = {2020},\n}\n\n@inproceedings{park2019relational,\n  title = {Relational Knowledge Distillation},\n  year = {2019},\n}\n";

fn complete(fixture: &str) -> String {
    let ws = workspace(fixture);
    let (file, offset) = ws.cursor();
    let bibliography = Bibliography::new(vec![BibFile::read(Path::new("/ws/refs.bib"), LIBRARY)]);
    let items = completion(&ws.files(), file, offset, &Config::default(), &bibliography);
    items
        .into_iter()
        .map(|item| {
            let CompletionItem {
                label,
                kind,
                insert,
                range,
                ..
            } = item;
            format!(
                "{label} [{kind:?}] {} -> {insert:?}\n",
                span(&ws.texts[file], range)
            )
        })
        .collect()
}

/// Docs, "Bibliography": completion after `[[@` lists "the keys of the
/// entries whose key or title holds what you typed". A Chinese title, or
/// two words of an English one, are not key characters: the completion
/// then fell through to the wiki references and offered to replace
/// `@知识` with `Paper1]]`.
#[test]
fn completion_after_the_at_sign_finds_entries_by_a_chinese_title_or_several_words() {
    assert_eq!(
        complete("Paper1 A\n摘要原文: 见[[@知识$0\n中文总结: b\n"),
        "zhang2020survey [Citation] 2:11..2:13 -> \"zhang2020survey]]\"\n"
    );
    assert_eq!(
        complete("Paper1 A\nAbstract: see [[@relational know$0]]\nSummary: b\n"),
        "park2019relational [Citation] 2:18..2:33 -> \"park2019relational\"\n"
    );
    // Nothing matches: no entry, and no paper or digest either.
    assert_eq!(
        complete("Paper1 A\nAbstract: see [[@无关$0\nSummary: b\n"),
        ""
    );
}

/// Docs, "Bibliography": `files` names files; without the key "every
/// `*.bib` beside the digest" is read. A user who writes that folder
/// (`files = ["./"]`) or a pattern as `[files] include` takes them
/// (`files = ["*.bib"]`) got a `bibliography` error on a file named ""
/// (`:1:1: error[bibliography]: … cannot be read: No such file or
/// directory`, "see the errors in ") or on a file named `*.bib`. Each is
/// now a `config` error that says what to write.
#[test]
fn bibliography_files_that_name_a_folder_or_a_pattern_are_config_errors() {
    let folder = "a bibliography file's name must name a file, not a folder: name the `.bib` and `.json` files, or leave `files` out to read every `*.bib` beside the digest";
    let pattern = "a bibliography file's name is a path, not a pattern: name each file, or leave `files` out to read every `*.bib` beside the digest";
    for (file, why) in [
        (".", folder),
        ("./", folder),
        ("..", folder),
        ("../zotero/", folder),
        ("lib/..", folder),
        ("*.bib", pattern),
        ("**/*.bib", pattern),
        ("refs-?.bib", pattern),
    ] {
        let text = format!("[bibliography]\nfiles = [\"refs.bib\", {file:?}]\n");
        let (config, errors) = digest_analysis::parse_config(&text);
        let found: Vec<(usize, usize, String)> = (errors.iter())
            .map(|e| (e.line, e.column, e.message.clone()))
            .collect();
        let message = format!("invalid file {file:?} in [bibliography]: {why}");
        assert_eq!(found, [(2, 22, message)], "{file}");
        assert_eq!(
            config.bibliography_files, None,
            "{file}: the defaults apply"
        );
    }
    // Names that are files stay valid.
    let text = "[bibliography]\nfiles = [\"../zotero/refs.bib\", \"./lib.json\", \"a.b/c.bib\"]\n";
    assert_eq!(digest_analysis::parse_config(text).1, []);
}

/// Spec, "What the editor shows": the hover shows the paper's number and
/// title in bold, then its summary: text, not markup. The hover escaped
/// `*`, `_`, `[` … but not `~` and `&`, which VS Code's Markdown reads as
/// strikethrough and entities: a title "Sparse ~~Dense~~ Attention &amp;
/// More" showed "Dense" struck through and "&" for `&amp;`. The
/// Markdown export escapes both.
#[test]
fn the_hover_shows_tildes_and_ampersands_as_written() {
    let text = "Paper1 Sparse ~~Dense~~ Attention &amp; More\nAbstract: a\nSummary: 约~3% 的 &lt;提升&gt;\n";
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    let found = digest_analysis::features::hover(&analysis, 3, &config, &digest_analysis::NoFiles);
    assert_eq!(
        found.map(|h| h.markdown).as_deref(),
        Some(
            "**Paper1 Sparse \\~\\~Dense\\~\\~ Attention \\&amp; More**\n\n约\\~3% 的 \\&lt;提升\\&gt;"
        )
    );
}

/// Spec, "What the editor shows": the hover's summary "is cut to at most
/// the configured length … at any character for CJK". A character is what
/// the reader sees: an abstract copied from a PDF on macOS writes `é` as
/// `e` + U+0301, and the cut fell between the two (showing `e`, another
/// letter), as it fell between a flag's halves (a boxed letter) and inside
/// an emoji's ZWJ sequence or skin tone. Inlay hints cut titles the same.
#[test]
fn excerpts_never_cut_a_letter_from_its_accent_or_an_emoji_in_two() {
    use digest_analysis::features::excerpt;
    let acute = "e\u{301}";
    assert_eq!(
        excerpt(&acute.repeat(6), 5),
        format!("{}…", acute.repeat(2))
    );
    assert_eq!(excerpt("Cafe\u{301}s", 4), "Caf…");
    assert_eq!(excerpt(&"🇨🇳".repeat(4), 5), "🇨🇳🇨🇳…");
    assert_eq!(excerpt("👨‍👩‍👧👨‍👩‍👧 abc", 7), "👨‍👩‍👧…");
    assert_eq!(excerpt("👍🏽👍🏽👍🏽", 3), "👍🏽…");
    // As before: Latin text at a word boundary, CJK at any character.
    assert_eq!(excerpt("Cafe\u{301} au lait", 7), "Cafe\u{301}…");
    assert_eq!(excerpt("中文字符测试", 4), "中文字符…");

    let (config, errors) = digest_analysis::parse_config("[inlay-hints]\nmax-chars = 3\n");
    assert_eq!(errors, []);
    let text = "Paper1 Re\u{301}sume\u{301}\nAbstract: a\nSummary: b\n\nPaper2 B\nAbstract: see Paper1\nSummary: c\n";
    let analysis = Analysis::new(text, &config);
    let whole = TextRange::new(0, text.len());
    let labels: Vec<String> = digest_analysis::features::inlay_hints(&analysis, whole, &config)
        .into_iter()
        .map(|h| h.label)
        .collect();
    assert_eq!(labels, ["R…"]);
}

/// Docs, "Bibliography": a paper binds to the entry whose title equals its
/// own "ignoring case, punctuation, white space and TeX braces". A title
/// copied from a PDF on macOS writes `Ü` as `U` + U+0308: the comparison
/// dropped the accent (a combining mark is no letter) and so did not find
/// the entry typed with `Ü`, nor `{\"U}ber` decoded (composed) from TeX.
#[test]
fn a_title_with_decomposed_accents_binds_to_its_entry() {
    let bib = "@article{mueller2021,\n  title = {{\\\"U}ber Caf{\\'e} Na{\\\"i}ve Distillation},\n  year = {2021},\n}\n@article{typed2022,\n  title = {Réseaux légers},\n  year = {2022},\n}\n";
    let bibliography = Bibliography::new(vec![BibFile::read(Path::new("/ws/refs.bib"), bib)]);
    let text = "Paper1 U\u{308}ber Cafe\u{301} Nai\u{308}ve Distillation\nAbstract: a\nSummary: b\n\nPaper2 Re\u{301}seaux le\u{301}gers\nAbstract: a\nSummary: b\n";
    let analysis = Analysis::new(text, &Config::default());
    let bound: Vec<Option<String>> =
        digest_analysis::bibliography::bindings(&analysis, &bibliography)
            .into_iter()
            .map(|b| b.map(|(found, by)| format!("{} ({by:?})", found.entry.key)))
            .collect();
    assert_eq!(
        bound,
        [
            Some("mueller2021 (Title)".to_string()),
            Some("typed2022 (Title)".to_string())
        ]
    );
}
