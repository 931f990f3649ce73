//! The renderers of `digest_analysis::export`: Markdown read back with a
//! CommonMark parser (pulldown-cmark), HTML with hostile text, JSON values.
#![allow(clippy::unwrap_used)]

mod common;

use common::Files;
use digest_analysis::export::{Export, Format, html, json, markdown, render};
use digest_analysis::{Analysis, Config, check};
use expect_test::expect;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// A digest with Markdown and HTML specials everywhere, references of every
/// kind, good, bad and hostile links, and a repeated paper number.
const HOSTILE: &str = "\
Hostile *digest* <script>alert(1)</script>

Intro with _under_ and [brackets] & entities &amp; `code`.
# not a heading
- not a list
    indented, not code

Paper1 Title with *stars* and <b>tags</b>
stray words here
摘要原文: First line with https://x.org/a_b and [docs](https://y.org/d?q=1&r=2).
1. not a list
+ plus
== equals

Second paragraph 见Paper2, [[Paper2]], [[other#Paper2]], [[other]], [[missing#Paper1]], [[@smith2020]] and Paper9.
中文总结: [bad](javascript:alert(1)) htp://bad.org aka.ms/tiny <https://z.org/angle> \\back\\slash | pipe ~ tilde ---

Paper2 \"><img src=x onerror=alert(1)>
Abstract: a
Summary: b

Paper2 Again
Abstract: c
Summary: d
";

const OTHER: &str = "Other\n\nPaper2 Elsewhere\nAbstract: x\nSummary: y\n";

fn files() -> Files {
    Files::default().with("other.digest", OTHER)
}

fn export_of(text: &str, format: Format) -> String {
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    let files = files();
    let diagnostics = check(&analysis, &config, &files);
    let export = Export {
        analysis: &analysis,
        config: &config,
        resolver: &files,
        diagnostics: &diagnostics,
        name: "dir/hostile.digest",
    };
    render(format, &export)
}

#[test]
fn markdown_of_the_hostile_digest() {
    expect![[r##"
        # Hostile \*digest\* \<script\>alert(1)\</script\>

        Intro with \_under\_ and \[brackets\] \& entities \&amp; \`code\`.
        \# not a heading
        \- not a list
        indented, not code

        <a id="paper1"></a>

        ## Paper1 Title with \*stars\* and \<b\>tags\</b\>

        stray words here

        **摘要原文:** First line with [https://x.org/a\_b](<https://x.org/a_b>) and [docs](<https://y.org/d?q=1\&r=2>).
        1\. not a list
        \+ plus
        \== equals

        Second paragraph 见[Paper2](<#paper2>), [Paper2](<#paper2>), [other\#Paper2](<other.md#paper2>), [other](<other.md>), \[\[missing\#Paper1\]\], smith2020 and Paper9.

        **中文总结:** \[bad\](javascript:alert(1)) htp://bad.org aka.ms/tiny [https://z.org/angle](<https://z.org/angle>) \\back\\slash \| pipe \~ tilde ---

        <a id="paper2"></a>

        ## Paper2 "\>\<img src=x onerror=alert(1)\>

        **Abstract:** a

        **Summary:** b

        <a id="paper2-2"></a>

        ## Paper2 Again

        **Abstract:** c

        **Summary:** d
    "##]]
    .assert_eq(&export_of(HOSTILE, Format::Markdown));
}

/// The headings, anchors, links and text that a CommonMark parser reads.
#[derive(Debug, Default)]
struct Read {
    headings: Vec<(u8, String)>,
    /// The raw HTML, joined.
    html: String,
    links: Vec<(String, String)>,
    /// Every text, with each link's URL after its text.
    text: String,
}

fn read_markdown(md: &str) -> Read {
    let mut read = Read::default();
    let mut heading: Option<(u8, String)> = None;
    let mut link: Option<(String, String)> = None;
    for event in Parser::new(md) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                heading = Some((level as u8, String::new()))
            }
            Event::End(TagEnd::Heading(_)) => {
                read.headings.extend(heading.take());
                read.text.push('\n');
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some((dest_url.to_string(), String::new()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, text)) = link.take() {
                    read.text.push(' ');
                    read.text.push_str(&url);
                    read.text.push(' ');
                    read.links.push((url, text));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = &mut heading {
                    text.push_str(&t);
                }
                if let Some((_, text)) = &mut link {
                    text.push_str(&t);
                }
                read.text.push_str(&t);
            }
            Event::Html(h) | Event::InlineHtml(h) => read.html.push_str(h.trim()),
            Event::SoftBreak | Event::HardBreak => read.text.push('\n'),
            Event::End(TagEnd::Paragraph) => read.text.push('\n'),
            _ => {}
        }
    }
    read
}

#[test]
fn markdown_reads_back_as_headings_anchors_and_links() {
    let read = read_markdown(&export_of(HOSTILE, Format::Markdown));
    let headings: Vec<String> = (read.headings.iter())
        .map(|(level, text)| format!("{level} {text}"))
        .collect();
    assert_eq!(
        headings,
        [
            "1 Hostile *digest* <script>alert(1)</script>",
            "2 Paper1 Title with *stars* and <b>tags</b>",
            "2 Paper2 \"><img src=x onerror=alert(1)>",
            "2 Paper2 Again",
        ]
    );
    // The only HTML is the anchors.
    assert_eq!(
        read.html,
        "<a id=\"paper1\"></a><a id=\"paper2\"></a><a id=\"paper2-2\"></a>"
    );
    let links: Vec<String> = (read.links.iter())
        .map(|(url, text)| format!("{text} -> {url}"))
        .collect();
    assert_eq!(
        links,
        [
            "https://x.org/a_b -> https://x.org/a_b",
            "docs -> https://y.org/d?q=1&r=2",
            "Paper2 -> #paper2",
            "Paper2 -> #paper2",
            "other#Paper2 -> other.md#paper2",
            "other -> other.md",
            "https://z.org/angle -> https://z.org/angle",
        ]
    );
}

/// The runs of letters and digits of `text`, in order.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// True when `needle` is `hay` with items left out.
fn is_subsequence(needle: &[String], hay: &[String]) -> Result<(), String> {
    let mut hay = hay.iter();
    for word in needle {
        if !hay.any(|h| h == word) {
            return Err(word.clone());
        }
    }
    Ok(())
}

#[test]
fn markdown_loses_no_text() {
    let clean = "Title\n\nPaper1 A\nAbstract: one two\nSummary: three\n";
    for text in [
        HOSTILE,
        clean,
        OTHER,
        "",
        "Paper7\n",
        "\u{feff}Only a title\r\n\r\nand more\r\n",
    ] {
        let read = read_markdown(&export_of(text, Format::Markdown));
        if let Err(word) = is_subsequence(&words(text), &words(&read.text)) {
            panic!("{word:?} of {text:?} is lost: {:?}", read.text);
        }
    }
    // Every word in its place: the words rendered are the digest's, plus
    // the links' URLs written after their text and the file name of a
    // digest without a title.
    let read = read_markdown(&export_of(clean, Format::Markdown));
    // (The anchor is a paragraph of its own.)
    assert_eq!(
        read.text,
        "Title\n\nPaper1 A\nAbstract: one two\nSummary: three\n"
    );
}

#[test]
fn markdown_of_a_digest_without_title_uses_the_file_name() {
    expect![[r##"
        # hostile.digest

        <a id="paper1"></a>

        ## Paper1 A

        **Summary:** s
    "##]]
    .assert_eq(&export_of("\nPaper1 A\nSummary: s\n", Format::Markdown));
}

#[test]
fn html_of_the_hostile_digest() {
    expect![[r##"
        <!DOCTYPE html>
        <html>
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="color-scheme" content="light dark">
        <title>Hostile *digest* &lt;script&gt;alert(1)&lt;/script&gt;</title>
        <style>:root{color-scheme:light dark;--fg:#1f2328;--bg:#ffffff;--muted:#59636e;--rule:#d1d9e0;--link:#0969da;--label:#6639ba;--panel:#f6f8fa}@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--rule:#3d444d;--link:#4493f8;--label:#d2a8ff;--panel:#151b23}}*{box-sizing:border-box}html{-webkit-text-size-adjust:100%;text-size-adjust:100%}body{margin:0 auto;max-width:52rem;padding:2rem 1.25rem 4rem;color:var(--fg);background:var(--bg);font-family:-apple-system,BlinkMacSystemFont,"Segoe UI","PingFang SC","Hiragino Sans GB","Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;font-size:16px;line-height:1.8;overflow-wrap:anywhere;word-break:normal;line-break:strict}h1{font-size:1.8rem;line-height:1.4;margin:0 0 1rem}h2{font-size:1.3rem;line-height:1.5;margin:0 0 .75rem}p{margin:.5rem 0}a{color:var(--link);text-decoration:none}a:hover{text-decoration:underline}nav.toc{background:var(--panel);border:1px solid var(--rule);border-radius:6px;padding:.75rem 1.25rem;margin:1.5rem 0}nav.toc h2{font-size:1rem;margin:0 0 .25rem;color:var(--muted)}nav.toc ol{margin:0;padding-left:1.5rem;line-height:1.6}article.paper{border-top:1px solid var(--rule);padding:1.5rem 0 .5rem}.label{color:var(--label);font-weight:600}.stray{color:var(--muted)}.preamble{color:var(--muted)}@media print{nav.toc{display:none}body{max-width:none;padding:0;font-size:11pt}article.paper{break-inside:avoid;page-break-inside:avoid}h2{break-after:avoid;page-break-after:avoid}a{color:inherit}}</style>
        </head>
        <body>
        <header>
        <h1>Hostile *digest* &lt;script&gt;alert(1)&lt;/script&gt;</h1>
        <div class="preamble">
        <p>Intro with _under_ and [brackets] &amp; entities &amp;amp; `code`.<br>
        # not a heading<br>
        - not a list<br>
        indented, not code</p>
        </div>
        </header>
        <nav class="toc" aria-label="Contents">
        <h2>Contents</h2>
        <ol>
        <li><a href="#paper1">Paper1 Title with *stars* and &lt;b&gt;tags&lt;/b&gt;</a></li>
        <li><a href="#paper2">Paper2 &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a></li>
        <li><a href="#paper2-2">Paper2 Again</a></li>
        </ol>
        </nav>
        <main>
        <article class="paper" id="paper1" data-line="7">
        <h2>Paper1 Title with *stars* and &lt;b&gt;tags&lt;/b&gt;</h2>
        <div class="stray">
        <p>stray words here</p>
        </div>
        <section class="section" data-kind="abstract">
        <p><span class="label">摘要原文:</span> First line with <a href="https://x.org/a_b" rel="noopener noreferrer">https://x.org/a_b</a> and <a href="https://y.org/d?q=1&amp;r=2" rel="noopener noreferrer">docs</a>.<br>
        1. not a list<br>
        + plus<br>
        == equals</p>
        <p>Second paragraph 见<a href="#paper2">Paper2</a>, <a href="#paper2">Paper2</a>, <a href="other.html#paper2">other#Paper2</a>, <a href="other.html">other</a>, [[missing#Paper1]], smith2020 and Paper9.</p>
        </section>
        <section class="section" data-kind="summary">
        <p><span class="label">中文总结:</span> [bad](javascript:alert(1)) htp://bad.org aka.ms/tiny <a href="https://z.org/angle" rel="noopener noreferrer">https://z.org/angle</a> \back\slash | pipe ~ tilde ---</p>
        </section>
        </article>
        <article class="paper" id="paper2" data-line="17">
        <h2>Paper2 &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</h2>
        <section class="section" data-kind="abstract">
        <p><span class="label">Abstract:</span> a</p>
        </section>
        <section class="section" data-kind="summary">
        <p><span class="label">Summary:</span> b</p>
        </section>
        </article>
        <article class="paper" id="paper2-2" data-line="21">
        <h2>Paper2 Again</h2>
        <section class="section" data-kind="abstract">
        <p><span class="label">Abstract:</span> c</p>
        </section>
        <section class="section" data-kind="summary">
        <p><span class="label">Summary:</span> d</p>
        </section>
        </article>
        </main>
        </body>
        </html>
    "##]]
    .assert_eq(&export_of(HOSTILE, Format::Html));
}

#[test]
fn html_escapes_every_text_and_links_only_http() {
    let page = export_of(HOSTILE, Format::Html);
    for absent in [
        "<script>",
        "<img",
        "<b>",
        "href=\"javascript",
        "onerror=alert(1)>",
    ] {
        assert!(!page.contains(absent), "{absent} is in the page");
    }
    for present in [
        "<title>Hostile *digest* &lt;script&gt;alert(1)&lt;/script&gt;</title>",
        "<h2>Paper2 &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</h2>",
        "<li><a href=\"#paper2\">Paper2 &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</a></li>",
        "[bad](javascript:alert(1))",
        "<a href=\"https://y.org/d?q=1&amp;r=2\" rel=\"noopener noreferrer\">docs</a>",
        "<article class=\"paper\" id=\"paper2-2\" data-line=\"21\">",
    ] {
        assert!(page.contains(present), "{present} is not in the page");
    }
    // Self-contained: no resource is fetched.
    for fetch in ["<link", "<script", "src=\"", "@import", "url("] {
        assert!(!page.contains(fetch), "{fetch} is in the page");
    }
    assert!(page.contains("@media (prefers-color-scheme:dark)"));
    assert!(page.contains("@media print{nav.toc{display:none}"));
    assert!(page.contains("\"PingFang SC\""));
}

#[test]
fn json_of_the_hostile_digest() {
    expect![[r#"
        {
          "counts": {
            "error": 5,
            "hint": 1,
            "info": 0,
            "warning": 1
          },
          "diagnostics": [
            {
              "code": "stray-text",
              "column": 1,
              "endColumn": 17,
              "endLine": 9,
              "line": 9,
              "message": "Paper1: text before the first section belongs to no section: move it into a section, or start one before it (e.g. `摘要原文:`)",
              "path": "dir/hostile.digest",
              "severity": "warning"
            },
            {
              "code": "unresolved-reference",
              "column": 68,
              "endColumn": 86,
              "endLine": 15,
              "line": 15,
              "message": "Paper1: unresolved reference `missing#Paper1`: no digest found at `missing.digest`; fix the number or the file name",
              "path": "dir/hostile.digest",
              "severity": "error"
            },
            {
              "code": "unresolved-reference",
              "column": 88,
              "endColumn": 102,
              "endLine": 15,
              "line": 15,
              "message": "Paper1: unresolved reference `@smith2020`: no digest found at `@smith2020.digest`; fix the number or the file name",
              "path": "dir/hostile.digest",
              "severity": "error"
            },
            {
              "code": "unresolved-reference",
              "column": 107,
              "endColumn": 113,
              "endLine": 15,
              "line": 15,
              "message": "Paper1: unresolved reference `Paper9`: this digest has no such paper (its papers go up to Paper2); fix the number",
              "path": "dir/hostile.digest",
              "severity": "error"
            },
            {
              "code": "malformed-link",
              "column": 34,
              "endColumn": 47,
              "endLine": 16,
              "line": 16,
              "message": "Paper1: malformed link `htp://bad.org`: the scheme `htp://` is misspelt: write `http://` or `https://`",
              "path": "dir/hostile.digest",
              "severity": "error"
            },
            {
              "code": "link-without-scheme",
              "column": 48,
              "endColumn": 59,
              "endLine": 16,
              "line": 16,
              "message": "Paper1: `aka.ms/tiny` looks like a link without a scheme: write `https://aka.ms/tiny`",
              "path": "dir/hostile.digest",
              "severity": "hint"
            },
            {
              "code": "duplicate-paper",
              "column": 1,
              "endColumn": 7,
              "endLine": 22,
              "line": 22,
              "message": "Paper2 repeats the number of the heading on line 18 (`Paper2 \"><img src=x onerror=alert(1)>`): give this paper a number of its own",
              "path": "dir/hostile.digest",
              "severity": "error"
            }
          ],
          "papers": [
            {
              "anchor": "paper1",
              "entry": null,
              "heading": "Paper1 Title with *stars* and <b>tags</b>",
              "headingRange": {
                "end": {
                  "column": 42,
                  "line": 8,
                  "offset": 197
                },
                "start": {
                  "column": 1,
                  "line": 8,
                  "offset": 156
                }
              },
              "links": [
                {
                  "kind": "url",
                  "problem": null,
                  "range": {
                    "end": {
                      "column": 40,
                      "line": 10,
                      "offset": 262
                    },
                    "start": {
                      "column": 23,
                      "line": 10,
                      "offset": 245
                    }
                  },
                  "text": "https://x.org/a_b",
                  "url": "https://x.org/a_b"
                },
                {
                  "kind": "markdown",
                  "problem": null,
                  "range": {
                    "end": {
                      "column": 76,
                      "line": 10,
                      "offset": 298
                    },
                    "start": {
                      "column": 45,
                      "line": 10,
                      "offset": 267
                    }
                  },
                  "text": "docs",
                  "url": "https://y.org/d?q=1&r=2"
                },
                {
                  "kind": "markdown",
                  "problem": null,
                  "range": {
                    "end": {
                      "column": 33,
                      "line": 16,
                      "offset": 488
                    },
                    "start": {
                      "column": 7,
                      "line": 16,
                      "offset": 462
                    }
                  },
                  "text": "bad",
                  "url": "javascript:alert(1)"
                },
                {
                  "kind": "url",
                  "problem": "the scheme `htp://` is misspelt: write `http://` or `https://`",
                  "range": {
                    "end": {
                      "column": 47,
                      "line": 16,
                      "offset": 502
                    },
                    "start": {
                      "column": 34,
                      "line": 16,
                      "offset": 489
                    }
                  },
                  "text": "htp://bad.org",
                  "url": "htp://bad.org"
                },
                {
                  "kind": "no-scheme",
                  "problem": null,
                  "range": {
                    "end": {
                      "column": 59,
                      "line": 16,
                      "offset": 514
                    },
                    "start": {
                      "column": 48,
                      "line": 16,
                      "offset": 503
                    }
                  },
                  "text": "aka.ms/tiny",
                  "url": "aka.ms/tiny"
                },
                {
                  "kind": "angle",
                  "problem": null,
                  "range": {
                    "end": {
                      "column": 81,
                      "line": 16,
                      "offset": 536
                    },
                    "start": {
                      "column": 60,
                      "line": 16,
                      "offset": 515
                    }
                  },
                  "text": "https://z.org/angle",
                  "url": "https://z.org/angle"
                }
              ],
              "number": 1,
              "range": {
                "end": {
                  "column": 112,
                  "line": 16,
                  "offset": 567
                },
                "start": {
                  "column": 1,
                  "line": 8,
                  "offset": 156
                }
              },
              "references": [
                {
                  "range": {
                    "end": {
                      "column": 25,
                      "line": 15,
                      "offset": 358
                    },
                    "start": {
                      "column": 19,
                      "line": 15,
                      "offset": 352
                    }
                  },
                  "resolved": true,
                  "target": {
                    "kind": "paper",
                    "number": 2
                  },
                  "text": "Paper2",
                  "wiki": false
                },
                {
                  "range": {
                    "end": {
                      "column": 37,
                      "line": 15,
                      "offset": 370
                    },
                    "start": {
                      "column": 27,
                      "line": 15,
                      "offset": 360
                    }
                  },
                  "resolved": true,
                  "target": {
                    "kind": "paper",
                    "number": 2
                  },
                  "text": "[[Paper2]]",
                  "wiki": true
                },
                {
                  "range": {
                    "end": {
                      "column": 55,
                      "line": 15,
                      "offset": 388
                    },
                    "start": {
                      "column": 39,
                      "line": 15,
                      "offset": 372
                    }
                  },
                  "resolved": true,
                  "target": {
                    "file": "other",
                    "kind": "file-paper",
                    "number": 2
                  },
                  "text": "[[other#Paper2]]",
                  "wiki": true
                },
                {
                  "range": {
                    "end": {
                      "column": 66,
                      "line": 15,
                      "offset": 399
                    },
                    "start": {
                      "column": 57,
                      "line": 15,
                      "offset": 390
                    }
                  },
                  "resolved": true,
                  "target": {
                    "file": "other",
                    "kind": "file"
                  },
                  "text": "[[other]]",
                  "wiki": true
                },
                {
                  "range": {
                    "end": {
                      "column": 86,
                      "line": 15,
                      "offset": 419
                    },
                    "start": {
                      "column": 68,
                      "line": 15,
                      "offset": 401
                    }
                  },
                  "resolved": false,
                  "target": {
                    "file": "missing",
                    "kind": "file-paper",
                    "number": 1
                  },
                  "text": "[[missing#Paper1]]",
                  "wiki": true
                },
                {
                  "range": {
                    "end": {
                      "column": 102,
                      "line": 15,
                      "offset": 435
                    },
                    "start": {
                      "column": 88,
                      "line": 15,
                      "offset": 421
                    }
                  },
                  "resolved": false,
                  "target": {
                    "key": "smith2020",
                    "kind": "citation"
                  },
                  "text": "[[@smith2020]]",
                  "wiki": true
                },
                {
                  "range": {
                    "end": {
                      "column": 113,
                      "line": 15,
                      "offset": 446
                    },
                    "start": {
                      "column": 107,
                      "line": 15,
                      "offset": 440
                    }
                  },
                  "resolved": false,
                  "target": {
                    "kind": "paper",
                    "number": 9
                  },
                  "text": "Paper9",
                  "wiki": false
                }
              ],
              "sections": [
                {
                  "kind": "abstract",
                  "label": "摘要原文",
                  "range": {
                    "end": {
                      "column": 114,
                      "line": 15,
                      "offset": 447
                    },
                    "start": {
                      "column": 1,
                      "line": 10,
                      "offset": 215
                    }
                  },
                  "text": "First line with https://x.org/a_b and [docs](https://y.org/d?q=1&r=2).\n1. not a list\n+ plus\n== equals\n\nSecond paragraph 见Paper2, [[Paper2]], [[other#Paper2]], [[other]], [[missing#Paper1]], [[@smith2020]] and Paper9."
                },
                {
                  "kind": "summary",
                  "label": "中文总结",
                  "range": {
                    "end": {
                      "column": 112,
                      "line": 16,
                      "offset": 567
                    },
                    "start": {
                      "column": 1,
                      "line": 16,
                      "offset": 448
                    }
                  },
                  "text": "[bad](javascript:alert(1)) htp://bad.org aka.ms/tiny <https://z.org/angle> \\back\\slash | pipe ~ tilde ---"
                }
              ],
              "stray": {
                "range": {
                  "end": {
                    "column": 17,
                    "line": 9,
                    "offset": 214
                  },
                  "start": {
                    "column": 1,
                    "line": 9,
                    "offset": 198
                  }
                },
                "text": "stray words here"
              },
              "title": "Title with *stars* and <b>tags</b>"
            },
            {
              "anchor": "paper2",
              "entry": null,
              "heading": "Paper2 \"><img src=x onerror=alert(1)>",
              "headingRange": {
                "end": {
                  "column": 38,
                  "line": 18,
                  "offset": 606
                },
                "start": {
                  "column": 1,
                  "line": 18,
                  "offset": 569
                }
              },
              "links": [],
              "number": 2,
              "range": {
                "end": {
                  "column": 11,
                  "line": 20,
                  "offset": 629
                },
                "start": {
                  "column": 1,
                  "line": 18,
                  "offset": 569
                }
              },
              "references": [],
              "sections": [
                {
                  "kind": "abstract",
                  "label": "Abstract",
                  "range": {
                    "end": {
                      "column": 12,
                      "line": 19,
                      "offset": 618
                    },
                    "start": {
                      "column": 1,
                      "line": 19,
                      "offset": 607
                    }
                  },
                  "text": "a"
                },
                {
                  "kind": "summary",
                  "label": "Summary",
                  "range": {
                    "end": {
                      "column": 11,
                      "line": 20,
                      "offset": 629
                    },
                    "start": {
                      "column": 1,
                      "line": 20,
                      "offset": 619
                    }
                  },
                  "text": "b"
                }
              ],
              "stray": null,
              "title": "\"><img src=x onerror=alert(1)>"
            },
            {
              "anchor": "paper2-2",
              "entry": null,
              "heading": "Paper2 Again",
              "headingRange": {
                "end": {
                  "column": 13,
                  "line": 22,
                  "offset": 643
                },
                "start": {
                  "column": 1,
                  "line": 22,
                  "offset": 631
                }
              },
              "links": [],
              "number": 2,
              "range": {
                "end": {
                  "column": 11,
                  "line": 24,
                  "offset": 666
                },
                "start": {
                  "column": 1,
                  "line": 22,
                  "offset": 631
                }
              },
              "references": [],
              "sections": [
                {
                  "kind": "abstract",
                  "label": "Abstract",
                  "range": {
                    "end": {
                      "column": 12,
                      "line": 23,
                      "offset": 655
                    },
                    "start": {
                      "column": 1,
                      "line": 23,
                      "offset": 644
                    }
                  },
                  "text": "c"
                },
                {
                  "kind": "summary",
                  "label": "Summary",
                  "range": {
                    "end": {
                      "column": 11,
                      "line": 24,
                      "offset": 666
                    },
                    "start": {
                      "column": 1,
                      "line": 24,
                      "offset": 656
                    }
                  },
                  "text": "d"
                }
              ],
              "stray": null,
              "title": "Again"
            }
          ],
          "path": "dir/hostile.digest",
          "preamble": "Intro with _under_ and [brackets] & entities &amp; `code`.\n# not a heading\n- not a list\n    indented, not code",
          "title": "Hostile *digest* <script>alert(1)</script>"
        }
    "#]]
    .assert_eq(&export_of(HOSTILE, Format::Json));
}

#[test]
fn the_renderers_are_the_named_functions() {
    let config = Config::default();
    let analysis = Analysis::new(OTHER, &config);
    let export = Export {
        analysis: &analysis,
        config: &config,
        resolver: &digest_analysis::NoFiles,
        diagnostics: &[],
        name: "other.digest",
    };
    assert_eq!(render(Format::Markdown, &export), markdown(&export));
    assert_eq!(render(Format::Html, &export), html(&export));
    assert_eq!(render(Format::Json, &export), json(&export));
}
