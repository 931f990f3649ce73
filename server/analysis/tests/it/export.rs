//! The renderers of `digest_analysis::export`: Markdown read back with a
//! CommonMark parser (pulldown-cmark), HTML with hostile text, JSON values.
#![allow(clippy::unwrap_used)]

use crate::common::{Files, WithBib};
use digest_analysis::export::{Export, Format, html, json, markdown, render};
use digest_analysis::{Analysis, Config, Resolver, check};
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

/// `f` on the export of `text` (the default configuration) named `name`,
/// other digests and the bibliography from `resolver`, with the findings
/// of `check` when `checked` (else none).
fn with_export<R>(
    text: &str,
    name: &str,
    resolver: &dyn Resolver,
    checked: bool,
    f: impl FnOnce(&Export<'_>) -> R,
) -> R {
    let config = Config::default();
    let analysis = Analysis::new(text, &config);
    let diagnostics = if checked {
        check(&analysis, &config, resolver)
    } else {
        Vec::new()
    };
    f(&Export {
        analysis: &analysis,
        config: &config,
        resolver,
        diagnostics: &diagnostics,
        name,
    })
}

fn export_of(text: &str, format: Format) -> String {
    with_export(text, "dir/hostile.digest", &files(), true, |export| {
        render(format, export)
    })
}

#[test]
fn markdown_of_the_hostile_digest() {
    expect![[r##"
        # Hostile \*digest\* \<script\>alert(1)\</script\>

        Intro with \_under\_ and \[brackets\] \& entities \&amp; \`code\`.\
        \# not a heading\
        \- not a list\
        indented, not code

        <a id="paper1"></a>

        ## Paper1 Title with \*stars\* and \<b\>tags\</b\>

        stray words here

        **摘要原文:** First line with [https://x.org/a\_b](<https://x.org/a_b>) and [docs](<https://y.org/d?q=1\&r=2>).\
        1\. not a list\
        \+ plus\
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
    /// Each heading as `level text`.
    headings: Vec<String>,
    /// The raw HTML, joined.
    html: String,
    /// Each link as `text -> url`.
    links: Vec<String>,
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
                if let Some((level, text)) = heading.take() {
                    read.headings.push(format!("{level} {text}"));
                }
                read.text.push('\n');
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                // (A link's text is a word of its own: `bad<https://...>`.)
                read.text.push(' ');
                link = Some((dest_url.to_string(), String::new()))
            }
            Event::End(TagEnd::Link) => {
                if let Some((url, text)) = link.take() {
                    read.text.push(' ');
                    read.text.push_str(&url);
                    read.text.push(' ');
                    read.links.push(format!("{text} -> {url}"));
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
    assert_eq!(
        read.headings,
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
    assert_eq!(
        read.links,
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

/// The letters and digits of `text`, in order (punctuation and white
/// space are what rendering may change: escapes, the brackets of a wiki
/// reference, line breaks).
fn letters(text: &str) -> Vec<char> {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// `Ok` when `needle` is `hay` with items left out; else the first item
/// missing, with what came before it.
fn is_subsequence(needle: &[char], hay: &[char]) -> Result<(), String> {
    let mut hay = hay.iter();
    for (i, c) in needle.iter().enumerate() {
        if !hay.any(|h| h == c) {
            let before: String = needle[i.saturating_sub(20)..i].iter().collect();
            return Err(format!("{c:?} after {before:?}"));
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
        if let Err(word) = is_subsequence(&letters(text), &letters(&read.text)) {
            panic!("{word} of {text:?} is lost: {:?}", read.text);
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

/// A citation is its key; one whose key is none (`[[@]]`, `[[@ x]]`: an
/// `unresolved-citation`) stays as written, so no text is lost.
#[test]
fn a_citation_without_a_key_stays_as_written() {
    expect![[r##"
        # T

        <a id="paper1"></a>

        ## Paper1 A

        **Summary:** a \[\[@\]\] b \[\[@ park\]\] c k1.
    "##]]
    .assert_eq(&export_of(
        "T\n\nPaper1 A\nSummary: a [[@]] b [[@ park]] c [[@k1]].\n",
        Format::Markdown,
    ));
}

#[test]
fn html_of_the_hostile_digest() {
    expect![[r##"
        <!DOCTYPE html>
        <html lang="zh">
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
          "path": "dir/hostile.digest",
          "title": "Hostile *digest* <script>alert(1)</script>",
          "preamble": "Intro with _under_ and [brackets] & entities &amp; `code`.\n# not a heading\n- not a list\n    indented, not code",
          "preambleReferences": [],
          "preambleLinks": [],
          "papers": [
            {
              "number": 1,
              "anchor": "paper1",
              "title": "Title with *stars* and <b>tags</b>",
              "heading": "Paper1 Title with *stars* and <b>tags</b>",
              "range": {
                "start": {
                  "line": 8,
                  "column": 1,
                  "offset": 156
                },
                "end": {
                  "line": 16,
                  "column": 112,
                  "offset": 567
                }
              },
              "headingRange": {
                "start": {
                  "line": 8,
                  "column": 1,
                  "offset": 156
                },
                "end": {
                  "line": 8,
                  "column": 42,
                  "offset": 197
                }
              },
              "stray": {
                "text": "stray words here",
                "range": {
                  "start": {
                    "line": 9,
                    "column": 1,
                    "offset": 198
                  },
                  "end": {
                    "line": 9,
                    "column": 17,
                    "offset": 214
                  }
                }
              },
              "sections": [
                {
                  "kind": "abstract",
                  "label": "摘要原文",
                  "text": "First line with https://x.org/a_b and [docs](https://y.org/d?q=1&r=2).\n1. not a list\n+ plus\n== equals\n\nSecond paragraph 见Paper2, [[Paper2]], [[other#Paper2]], [[other]], [[missing#Paper1]], [[@smith2020]] and Paper9.",
                  "range": {
                    "start": {
                      "line": 10,
                      "column": 1,
                      "offset": 215
                    },
                    "end": {
                      "line": 15,
                      "column": 114,
                      "offset": 447
                    }
                  }
                },
                {
                  "kind": "summary",
                  "label": "中文总结",
                  "text": "[bad](javascript:alert(1)) htp://bad.org aka.ms/tiny <https://z.org/angle> \\back\\slash | pipe ~ tilde ---",
                  "range": {
                    "start": {
                      "line": 16,
                      "column": 1,
                      "offset": 448
                    },
                    "end": {
                      "line": 16,
                      "column": 112,
                      "offset": 567
                    }
                  }
                }
              ],
              "references": [
                {
                  "text": "Paper2",
                  "target": {
                    "kind": "paper",
                    "number": 2
                  },
                  "wiki": false,
                  "resolved": true,
                  "range": {
                    "start": {
                      "line": 15,
                      "column": 19,
                      "offset": 352
                    },
                    "end": {
                      "line": 15,
                      "column": 25,
                      "offset": 358
                    }
                  }
                },
                {
                  "text": "[[Paper2]]",
                  "target": {
                    "kind": "paper",
                    "number": 2
                  },
                  "wiki": true,
                  "resolved": true,
                  "range": {
                    "start": {
                      "line": 15,
                      "column": 27,
                      "offset": 360
                    },
                    "end": {
                      "line": 15,
                      "column": 37,
                      "offset": 370
                    }
                  }
                },
                {
                  "text": "[[other#Paper2]]",
                  "target": {
                    "kind": "file-paper",
                    "file": "other",
                    "number": 2
                  },
                  "wiki": true,
                  "resolved": true,
                  "range": {
                    "start": {
                      "line": 15,
                      "column": 39,
                      "offset": 372
                    },
                    "end": {
                      "line": 15,
                      "column": 55,
                      "offset": 388
                    }
                  }
                },
                {
                  "text": "[[other]]",
                  "target": {
                    "kind": "file",
                    "file": "other"
                  },
                  "wiki": true,
                  "resolved": true,
                  "range": {
                    "start": {
                      "line": 15,
                      "column": 57,
                      "offset": 390
                    },
                    "end": {
                      "line": 15,
                      "column": 66,
                      "offset": 399
                    }
                  }
                },
                {
                  "text": "[[missing#Paper1]]",
                  "target": {
                    "kind": "file-paper",
                    "file": "missing",
                    "number": 1
                  },
                  "wiki": true,
                  "resolved": false,
                  "range": {
                    "start": {
                      "line": 15,
                      "column": 68,
                      "offset": 401
                    },
                    "end": {
                      "line": 15,
                      "column": 86,
                      "offset": 419
                    }
                  }
                },
                {
                  "text": "[[@smith2020]]",
                  "target": {
                    "kind": "citation",
                    "key": "smith2020"
                  },
                  "wiki": true,
                  "resolved": false,
                  "range": {
                    "start": {
                      "line": 15,
                      "column": 88,
                      "offset": 421
                    },
                    "end": {
                      "line": 15,
                      "column": 102,
                      "offset": 435
                    }
                  }
                },
                {
                  "text": "Paper9",
                  "target": {
                    "kind": "paper",
                    "number": 9
                  },
                  "wiki": false,
                  "resolved": false,
                  "range": {
                    "start": {
                      "line": 15,
                      "column": 107,
                      "offset": 440
                    },
                    "end": {
                      "line": 15,
                      "column": 113,
                      "offset": 446
                    }
                  }
                }
              ],
              "links": [
                {
                  "url": "https://x.org/a_b",
                  "text": "https://x.org/a_b",
                  "kind": "url",
                  "range": {
                    "start": {
                      "line": 10,
                      "column": 23,
                      "offset": 245
                    },
                    "end": {
                      "line": 10,
                      "column": 40,
                      "offset": 262
                    }
                  },
                  "problem": null
                },
                {
                  "url": "https://y.org/d?q=1&r=2",
                  "text": "docs",
                  "kind": "markdown",
                  "range": {
                    "start": {
                      "line": 10,
                      "column": 45,
                      "offset": 267
                    },
                    "end": {
                      "line": 10,
                      "column": 76,
                      "offset": 298
                    }
                  },
                  "problem": null
                },
                {
                  "url": "javascript:alert(1)",
                  "text": "bad",
                  "kind": "markdown",
                  "range": {
                    "start": {
                      "line": 16,
                      "column": 7,
                      "offset": 462
                    },
                    "end": {
                      "line": 16,
                      "column": 33,
                      "offset": 488
                    }
                  },
                  "problem": null
                },
                {
                  "url": "htp://bad.org",
                  "text": "htp://bad.org",
                  "kind": "url",
                  "range": {
                    "start": {
                      "line": 16,
                      "column": 34,
                      "offset": 489
                    },
                    "end": {
                      "line": 16,
                      "column": 47,
                      "offset": 502
                    }
                  },
                  "problem": "the scheme `htp://` is misspelt: write `http://` or `https://`"
                },
                {
                  "url": "aka.ms/tiny",
                  "text": "aka.ms/tiny",
                  "kind": "no-scheme",
                  "range": {
                    "start": {
                      "line": 16,
                      "column": 48,
                      "offset": 503
                    },
                    "end": {
                      "line": 16,
                      "column": 59,
                      "offset": 514
                    }
                  },
                  "problem": null
                },
                {
                  "url": "https://z.org/angle",
                  "text": "https://z.org/angle",
                  "kind": "angle",
                  "range": {
                    "start": {
                      "line": 16,
                      "column": 60,
                      "offset": 515
                    },
                    "end": {
                      "line": 16,
                      "column": 81,
                      "offset": 536
                    }
                  },
                  "problem": null
                }
              ],
              "entry": null
            },
            {
              "number": 2,
              "anchor": "paper2",
              "title": "\"><img src=x onerror=alert(1)>",
              "heading": "Paper2 \"><img src=x onerror=alert(1)>",
              "range": {
                "start": {
                  "line": 18,
                  "column": 1,
                  "offset": 569
                },
                "end": {
                  "line": 20,
                  "column": 11,
                  "offset": 629
                }
              },
              "headingRange": {
                "start": {
                  "line": 18,
                  "column": 1,
                  "offset": 569
                },
                "end": {
                  "line": 18,
                  "column": 38,
                  "offset": 606
                }
              },
              "stray": null,
              "sections": [
                {
                  "kind": "abstract",
                  "label": "Abstract",
                  "text": "a",
                  "range": {
                    "start": {
                      "line": 19,
                      "column": 1,
                      "offset": 607
                    },
                    "end": {
                      "line": 19,
                      "column": 12,
                      "offset": 618
                    }
                  }
                },
                {
                  "kind": "summary",
                  "label": "Summary",
                  "text": "b",
                  "range": {
                    "start": {
                      "line": 20,
                      "column": 1,
                      "offset": 619
                    },
                    "end": {
                      "line": 20,
                      "column": 11,
                      "offset": 629
                    }
                  }
                }
              ],
              "references": [],
              "links": [],
              "entry": null
            },
            {
              "number": 2,
              "anchor": "paper2-2",
              "title": "Again",
              "heading": "Paper2 Again",
              "range": {
                "start": {
                  "line": 22,
                  "column": 1,
                  "offset": 631
                },
                "end": {
                  "line": 24,
                  "column": 11,
                  "offset": 666
                }
              },
              "headingRange": {
                "start": {
                  "line": 22,
                  "column": 1,
                  "offset": 631
                },
                "end": {
                  "line": 22,
                  "column": 13,
                  "offset": 643
                }
              },
              "stray": null,
              "sections": [
                {
                  "kind": "abstract",
                  "label": "Abstract",
                  "text": "c",
                  "range": {
                    "start": {
                      "line": 23,
                      "column": 1,
                      "offset": 644
                    },
                    "end": {
                      "line": 23,
                      "column": 12,
                      "offset": 655
                    }
                  }
                },
                {
                  "kind": "summary",
                  "label": "Summary",
                  "text": "d",
                  "range": {
                    "start": {
                      "line": 24,
                      "column": 1,
                      "offset": 656
                    },
                    "end": {
                      "line": 24,
                      "column": 11,
                      "offset": 666
                    }
                  }
                }
              ],
              "references": [],
              "links": [],
              "entry": null
            }
          ],
          "diagnostics": [
            {
              "path": "dir/hostile.digest",
              "line": 9,
              "column": 1,
              "endLine": 9,
              "endColumn": 17,
              "severity": "warning",
              "code": "stray-text",
              "message": "Paper1: text before the first section belongs to no section: move it into a section, or start one before it (e.g. `摘要原文:`)"
            },
            {
              "path": "dir/hostile.digest",
              "line": 15,
              "column": 68,
              "endLine": 15,
              "endColumn": 86,
              "severity": "error",
              "code": "unresolved-reference",
              "message": "Paper1: unresolved reference `missing#Paper1`: no digest found at `missing.digest`; fix the number or the file name"
            },
            {
              "path": "dir/hostile.digest",
              "line": 15,
              "column": 88,
              "endLine": 15,
              "endColumn": 102,
              "severity": "error",
              "code": "unresolved-citation",
              "message": "Paper1: unresolved citation `@smith2020`: no bibliography was found (name its files in digest.toml under `[bibliography] files`, or put a `.bib` file beside the digest)"
            },
            {
              "path": "dir/hostile.digest",
              "line": 15,
              "column": 107,
              "endLine": 15,
              "endColumn": 113,
              "severity": "error",
              "code": "unresolved-reference",
              "message": "Paper1: unresolved reference `Paper9`: this digest has no such paper (its papers go up to Paper2); fix the number"
            },
            {
              "path": "dir/hostile.digest",
              "line": 16,
              "column": 34,
              "endLine": 16,
              "endColumn": 47,
              "severity": "error",
              "code": "malformed-link",
              "message": "Paper1: malformed link `htp://bad.org`: the scheme `htp://` is misspelt: write `http://` or `https://`"
            },
            {
              "path": "dir/hostile.digest",
              "line": 16,
              "column": 48,
              "endLine": 16,
              "endColumn": 59,
              "severity": "hint",
              "code": "link-without-scheme",
              "message": "Paper1: `aka.ms/tiny` looks like a link without a scheme: write `https://aka.ms/tiny`"
            },
            {
              "path": "dir/hostile.digest",
              "line": 22,
              "column": 1,
              "endLine": 22,
              "endColumn": 7,
              "severity": "error",
              "code": "duplicate-paper",
              "message": "Paper2 repeats the number of the heading on line 18 (`Paper2 \"><img src=x onerror=alert(1)>`): give this paper a number of its own"
            }
          ],
          "counts": {
            "error": 5,
            "warning": 1,
            "info": 0,
            "hint": 1
          }
        }
    "#]]
    .assert_eq(&export_of(HOSTILE, Format::Json));
}

#[test]
fn the_renderers_are_the_named_functions() {
    with_export(
        OTHER,
        "other.digest",
        &digest_analysis::NoFiles,
        false,
        |export| {
            assert_eq!(render(Format::Markdown, export), markdown(export));
            assert_eq!(render(Format::Html, export), html(export));
            assert_eq!(render(Format::Json, export), json(export));
        },
    );
}

#[test]
fn json_gives_the_bound_entry_and_resolves_citations() {
    use digest_analysis::bibliography::{BibFile, Bibliography};
    let bib = "@inproceedings{smith2020,\n  title = {Tiny {Teachers}},\n  author = {Smith, Ann and Lee, Bo},\n  booktitle = {ICCV},\n  year = {2020},\n  doi = {10.1234/tt.5}\n}\n";
    let resolver = WithBib(Bibliography::new(vec![BibFile::read(
        std::path::Path::new("/refs/main.bib"),
        bib,
    )]));
    let text = "T\n\nPaper1 Something else [[@smith2020]]\nAbstract: a\nSummary: see [[@smith2020]] and [[@nobody]]\nCite: [[@smith2020]]\n\nPaper2 tiny teachers\nAbstract: a\nSummary: b\n\nPaper3 Unbound\nAbstract: a\nSummary: b\n";
    let (doc, md) = with_export(text, "t.digest", &resolver, false, |export| {
        (json(export), markdown(export))
    });
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let entry = serde_json::json!({
        "key": "smith2020", "title": "Tiny Teachers", "authors": ["Ann Smith", "Bo Lee"],
        "venue": "ICCV", "year": "2020", "doi": "10.1234/tt.5", "arxiv": null, "url": null,
        "file": "/refs/main.bib", "line": 1
    });
    // The heading's citation is a reference, not part of the title.
    assert_eq!(doc["papers"][0]["title"], "Something else");
    assert_eq!(
        doc["papers"][0]["heading"],
        "Paper1 Something else [[@smith2020]]"
    );
    // Bound by the key in its heading, by its title, and not at all.
    assert_eq!(doc["papers"][0]["entry"], entry);
    assert_eq!(doc["papers"][1]["entry"], entry);
    assert_eq!(doc["papers"][2]["entry"], serde_json::Value::Null);
    let citations: Vec<(String, bool)> = (doc["papers"][0]["references"].as_array().unwrap())
        .iter()
        .map(|r| {
            (
                r["target"]["key"].as_str().unwrap().to_string(),
                r["resolved"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        citations,
        [
            ("smith2020".to_string(), true), // the heading's
            ("smith2020".to_string(), true),
            ("nobody".to_string(), false),
            ("smith2020".to_string(), true)
        ]
    );
    assert!(md.contains("**Summary:** see smith2020 and nobody"), "{md}");
}

mod prop {
    use proptest::prelude::*;

    use super::*;

    /// Pieces that make up digests full of markup, references and links.
    const PIECES: &[&str] = &[
        "\n",
        "\n\n",
        "\r\n",
        "\r",
        " ",
        "  ",
        "\t",
        "Paper1 ",
        "Paper2 T\n",
        "Paper 3",
        "Abstract: ",
        "Summary:",
        "摘要原文: ",
        "中文总结：",
        "见",
        "。",
        "*",
        "**",
        "_",
        "`",
        "[",
        "]",
        "[[",
        "]]",
        "[[Paper1]]",
        "[[other#Paper2]]",
        "[[@k-1]]",
        "(",
        ")",
        "<",
        ">",
        "#",
        "# ",
        "|",
        "~",
        "&",
        "&amp;",
        "\\",
        "-",
        "- ",
        "+",
        "=",
        "===",
        "1.",
        "2)",
        "    ",
        "http://x.org/a_b",
        "https://y.org/(z)",
        "[t](https://z.org/p?q=1&r=2)",
        "[j](javascript:alert(1))",
        "<https://a.org/b>",
        "htp://bad",
        "aka.ms/x",
        "word",
        "词语",
        "𝒳",
        "\u{feff}",
        "\"",
        "'",
    ];

    fn digest() -> impl Strategy<Value = String> {
        proptest::collection::vec(proptest::sample::select(PIECES), 0..60).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any digest renders in every format without a panic; the Markdown
        /// read back keeps every word, and the JSON is JSON.
        #[test]
        fn renderers_lose_nothing(text in digest()) {
            let md = export_of(&text, Format::Markdown);
            let read = read_markdown(&md);
            if let Err(word) = is_subsequence(&letters(&text), &letters(&read.text)) {
                prop_assert!(false, "{word} lost from {text:?}: {md:?}");
            }
            let page = export_of(&text, Format::Html);
            prop_assert!(!page.contains("<script"));
            // Every link goes to the web, an anchor, or the other digest.
            for href in page.split("href=\"").skip(1) {
                prop_assert!(
                    ["http://", "https://", "#", "other.html"].iter().any(|p| href.starts_with(p)),
                    "{href}"
                );
            }
            let doc: Result<serde_json::Value, _> = serde_json::from_str(&export_of(&text, Format::Json));
            prop_assert!(doc.is_ok());
        }
    }
}

/// The preamble's references, citations and links are listed as a paper's
/// are (`preambleReferences`, `preambleLinks`).
#[test]
fn json_lists_the_preamble_references_and_links() {
    let text = "Reading list, after [[Paper2]] and Paper9\nSee https://example.org/list and [[@k1]].\n\nPaper1 A\nAbstract: a\nSummary: b\n\nPaper2 B\nAbstract: a\nSummary: b\n";
    let doc = with_export(text, "t.digest", &files(), false, json);
    let doc: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let at = |line: usize, column: usize, offset: usize| serde_json::json!({"line": line, "column": column, "offset": offset});
    assert_eq!(
        doc["preambleReferences"],
        serde_json::json!([
            {"text": "[[Paper2]]", "target": {"kind": "paper", "number": 2}, "wiki": true, "resolved": true,
             "range": {"start": at(1, 21, 20), "end": at(1, 31, 30)}},
            {"text": "Paper9", "target": {"kind": "paper", "number": 9}, "wiki": false, "resolved": false,
             "range": {"start": at(1, 36, 35), "end": at(1, 42, 41)}},
            {"text": "[[@k1]]", "target": {"kind": "citation", "key": "k1"}, "wiki": true, "resolved": false,
             "range": {"start": at(2, 34, 75), "end": at(2, 41, 82)}},
        ])
    );
    assert_eq!(
        doc["preambleLinks"],
        serde_json::json!([
            {"url": "https://example.org/list", "text": "https://example.org/list", "kind": "url", "problem": null,
             "range": {"start": at(2, 5, 46), "end": at(2, 29, 70)}},
        ])
    );
}
