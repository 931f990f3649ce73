//! The `duplicate-paper-across-files` rule: the same paper in two digests.

use crate::common::{Workspace, workspace};
use digest_analysis::rules::{Related, check_workspace};
use digest_analysis::{Config, Diagnostic, parse_config};
use expect_test::{Expect, expect};

const WORKSPACE: &str = duplicates_fixture!();

/// `path line:col..line:col severity[code] message`, then one line per
/// related place: `  -> path line:col..line:col: message`.
fn render(ws: &Workspace, config: &Config) -> String {
    let mut out = String::new();
    for (file, d) in check_workspace(&ws.files(), config) {
        let Diagnostic {
            range,
            severity,
            problem,
            related,
        } = d;
        out.push_str(&format!(
            "{} {}[{}] {}\n",
            ws.loc(file, range),
            severity.as_str(),
            problem.rule().code(),
            problem.message()
        ));
        for Related {
            range,
            message,
            file,
        } in related
        {
            let path = file.expect("a file");
            let other = ws
                .paths
                .iter()
                .position(|p| *p == path)
                .expect("a workspace file");
            out.push_str(&format!("  -> {}: {message}\n", ws.loc(other, range)));
        }
    }
    out
}

fn check(ws: &Workspace, config: &Config, expect: Expect) {
    expect.assert_eq(&render(ws, config));
}

#[test]
fn same_title_or_same_repository_in_another_digest() {
    check(
        &workspace(WORKSPACE),
        &Config::default(),
        expect![[r#"
            a.digest 1:1..1:35 hint[duplicate-paper-across-files] Paper1 is also in `sub/b` as Paper7 (and 2 more), with the same title: keep one and refer to it with `[[sub/b#Paper7]]`
              -> sub/b.digest 1:1..1:37: Paper7 in `sub/b`
              -> sub/b.digest 4:1..4:23: Paper8 in `sub/b`
              -> c.digest 1:1..1:35: Paper4 in `c`
            sub/b.digest 1:1..1:37 hint[duplicate-paper-across-files] Paper7 is also in `../a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[../a#Paper1]]`
              -> a.digest 1:1..1:35: Paper1 in `../a`
              -> c.digest 1:1..1:35: Paper4 in `../c`
            sub/b.digest 4:1..4:23 hint[duplicate-paper-across-files] Paper8 is also in `../a` as Paper1, with the same code link `github.com/owner/repo`: keep one and refer to it with `[[../a#Paper1]]`
              -> a.digest 1:1..1:35: Paper1 in `../a`
            c.digest 1:1..1:35 hint[duplicate-paper-across-files] Paper4 is also in `a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[a#Paper1]]`
              -> a.digest 1:1..1:35: Paper1 in `a`
              -> sub/b.digest 1:1..1:37: Paper7 in `sub/b`
        "#]],
    );
}

#[test]
fn one_digest_alone_has_no_cross_file_duplicates() {
    // mmdet is linked twice in a.digest: a shared link, not a paper's own.
    let ws = workspace(&WORKSPACE.replace("Paper9 Another", "Paper9 Another one"));
    let rendered = render(&ws, &Config::default());
    assert!(!rendered.contains("mmdet"), "{rendered}");
    check(
        &ws,
        &Config::default(),
        expect![[r#"
            a.digest 1:1..1:35 hint[duplicate-paper-across-files] Paper1 is also in `sub/b` as Paper7 (and 2 more), with the same title: keep one and refer to it with `[[sub/b#Paper7]]`
              -> sub/b.digest 1:1..1:37: Paper7 in `sub/b`
              -> sub/b.digest 4:1..4:23: Paper8 in `sub/b`
              -> c.digest 1:1..1:35: Paper4 in `c`
            sub/b.digest 1:1..1:37 hint[duplicate-paper-across-files] Paper7 is also in `../a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[../a#Paper1]]`
              -> a.digest 1:1..1:35: Paper1 in `../a`
              -> c.digest 1:1..1:35: Paper4 in `../c`
            sub/b.digest 4:1..4:23 hint[duplicate-paper-across-files] Paper8 is also in `../a` as Paper1, with the same code link `github.com/owner/repo`: keep one and refer to it with `[[../a#Paper1]]`
              -> a.digest 1:1..1:35: Paper1 in `../a`
            c.digest 1:1..1:35 hint[duplicate-paper-across-files] Paper4 is also in `a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[a#Paper1]]`
              -> a.digest 1:1..1:35: Paper1 in `a`
              -> sub/b.digest 1:1..1:37: Paper7 in `sub/b`
        "#]],
    );
    let single = workspace("Paper1 A\nPaper2 A\n");
    check(&single, &Config::default(), expect![[""]]);
}

#[test]
fn configurable_like_every_rule() {
    let ws = workspace(WORKSPACE);
    let (off, errors) = parse_config("[rules]\nduplicate-paper-across-files = \"off\"\n");
    assert_eq!(errors, []);
    check(&ws, &off, expect![[""]]);
    let (warning, errors) = parse_config("[rules]\nduplicate-paper-across-files = \"warning\"\n");
    assert_eq!(errors, []);
    check(
        &ws,
        &warning,
        expect![[r#"
            a.digest 1:1..1:35 warning[duplicate-paper-across-files] Paper1 is also in `sub/b` as Paper7 (and 2 more), with the same title: keep one and refer to it with `[[sub/b#Paper7]]`
              -> sub/b.digest 1:1..1:37: Paper7 in `sub/b`
              -> sub/b.digest 4:1..4:23: Paper8 in `sub/b`
              -> c.digest 1:1..1:35: Paper4 in `c`
            sub/b.digest 1:1..1:37 warning[duplicate-paper-across-files] Paper7 is also in `../a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[../a#Paper1]]`
              -> a.digest 1:1..1:35: Paper1 in `../a`
              -> c.digest 1:1..1:35: Paper4 in `../c`
            sub/b.digest 4:1..4:23 warning[duplicate-paper-across-files] Paper8 is also in `../a` as Paper1, with the same code link `github.com/owner/repo`: keep one and refer to it with `[[../a#Paper1]]`
              -> a.digest 1:1..1:35: Paper1 in `../a`
            c.digest 1:1..1:35 warning[duplicate-paper-across-files] Paper4 is also in `a` as Paper1 (and 1 more), with the same title: keep one and refer to it with `[[a#Paper1]]`
              -> a.digest 1:1..1:35: Paper1 in `a`
              -> sub/b.digest 1:1..1:37: Paper7 in `sub/b`
        "#]],
    );
}

/// A title copied from a PDF on macOS writes `Ü` as `U` and a combining
/// diaeresis: the same paper as the title typed composed.
#[test]
fn decomposed_titles_are_the_same_paper() {
    let ws = workspace(
        "//- /ws/a.digest\nPaper1 Über Café Distillation\n摘要原文: a\n中文总结: b\n\
         //- /ws/b.digest\nPaper1 U\u{308}ber Cafe\u{301} Distillation\n摘要原文: a\n中文总结: b\n",
    );
    check(
        &ws,
        &Config::default(),
        expect![[r#"
            a.digest 1:1..1:30 hint[duplicate-paper-across-files] Paper1 is also in `b` as Paper1, with the same title: keep one and refer to it with `[[b#Paper1]]`
              -> b.digest 1:1..1:32: Paper1 in `b`
            b.digest 1:1..1:32 hint[duplicate-paper-across-files] Paper1 is also in `a` as Paper1, with the same title: keep one and refer to it with `[[a#Paper1]]`
              -> a.digest 1:1..1:30: Paper1 in `a`
        "#]],
    );
}
