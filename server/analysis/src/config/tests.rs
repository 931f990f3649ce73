use super::*;
use crate::TextRange;
use toml::de::DeTable;

/// The top-level tables, as the unknown-table message lists them.
const KNOWN_TABLES: &str = "[headings], [sections.<kind>], [rules], [hover], [inlay-hints], [files], [typography], \
     [format], [bibliography]";

fn ok(text: &str) -> Config {
    let (config, errors) = parse_config(text);
    assert_eq!(errors, Vec::new(), "unexpected errors for {text:?}");
    config
}

/// The errors as (line, column, offending text, message).
fn errs(text: &str) -> Vec<(usize, usize, &str, String)> {
    let (config, errors) = parse_config(text);
    assert_eq!(
        config,
        Config::default(),
        "an error must leave the defaults"
    );
    errors
        .into_iter()
        .map(|e| (e.line, e.column, e.range.slice(text), e.message))
        .collect()
}

fn one(text: &str) -> (usize, usize, &str, String) {
    let mut errors = errs(text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors.remove(0)
}

fn kind(name: &str, labels: &[&str], required: bool) -> SectionKind {
    SectionKind {
        name: name.into(),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        required,
    }
}

const RULES: &str = "missing-section, empty-section, duplicate-section, missing-title, \
                     duplicate-paper, numbering, unresolved-reference, malformed-link, \
                     link-without-scheme, unknown-label, stray-text, \
                     duplicate-paper-across-files, unresolved-citation, title-mismatch, \
                     cjk-spacing, cjk-punctuation, \
                     fullwidth-alphanumeric, too-many-diagnostics";

#[test]
fn defaults() {
    let c = Config::default();
    assert_eq!(c.keywords, vec!["Paper".to_string()]);
    assert_eq!(
        c.sections,
        vec![
            kind("abstract", &["摘要原文", "Abstract"], true),
            kind("summary", &["中文总结", "Summary"], true),
            kind("notes", &["笔记", "Notes"], false),
            kind("code", &["代码", "Code"], false),
            kind("tags", &["标签", "Tags"], false),
            kind("cite", &["引用", "Cite"], false),
        ]
    );
    assert_eq!(c.rules, Vec::new());
    assert_eq!(c.preview_chars, 600);
    assert!(c.inlay_hints_enabled);
    assert_eq!(c.inlay_max_chars, 30);
    assert_eq!(c.severity(Rule::Numbering), Some(Severity::Warning));
}

#[test]
fn empty_file_and_comments_are_the_defaults() {
    assert_eq!(ok(""), Config::default());
    assert_eq!(ok("\n\n# nothing here\n   \n"), Config::default());
    assert_eq!(ok("\u{feff}"), Config::default());
    assert_eq!(ok("[hover]\n[rules]\n"), Config::default());
}

#[test]
fn headings_keywords_replace_the_default() {
    let c = ok("[headings]\nkeywords = [\"Paper\", \"论文\"]\n");
    assert_eq!(c.keywords, vec!["Paper".to_string(), "论文".to_string()]);
    let c = ok("[headings]\nkeywords = [\"论文\"]\n");
    assert_eq!(c.keywords, vec!["论文".to_string()]);
    // A repeat is harmless and dropped.
    let c = ok("headings.keywords = [\"A\", \"B\", \"A\"]\n");
    assert_eq!(c.keywords, vec!["A".to_string(), "B".to_string()]);
    assert_eq!(
        Config {
            keywords: Config::default().keywords,
            ..c
        },
        Config::default()
    );
}

#[test]
fn known_section_kind_keeps_omitted_keys() {
    let c = ok("[sections.abstract]\nlabels = [\"原文\"]\n");
    assert_eq!(c.sections[0], kind("abstract", &["原文"], true));
    assert_eq!(c.sections[1..], Config::default().sections[1..]);

    let c = ok("[sections.summary]\nrequired = false\n");
    assert_eq!(
        c.sections[1],
        kind("summary", &["中文总结", "Summary"], false)
    );

    let c = ok("[sections.notes]\nlabels = [\"备注\", \"Notes\"]\nrequired = true\n");
    assert_eq!(c.sections[2], kind("notes", &["备注", "Notes"], true));
    assert_eq!(c.sections.len(), 6);
}

#[test]
fn new_section_kinds_come_after_the_defaults_in_file_order() {
    let c = ok("[sections.method]\n\
                labels = [\"方法\", \"Method\"]\n\
                [sections.code]\n\
                required = true\n\
                [sections.data]\n\
                labels = [\"Related Work\"]\n\
                required = true\n");
    let mut expected = Config::default().sections;
    expected[3].required = true;
    expected.push(kind("method", &["方法", "Method"], false));
    expected.push(kind("data", &["Related Work"], true));
    assert_eq!(c.sections, expected);
    assert_eq!(c.kind_of_label("Method").unwrap().name.as_ref(), "method");
}

#[test]
fn a_label_may_move_to_a_new_kind_when_its_old_kind_lets_go() {
    let c = ok("[sections.notes]\nlabels = [\"笔记\"]\n[sections.remarks]\nlabels = [\"Notes\"]\n");
    assert_eq!(c.kind_of_label("Notes").unwrap().name.as_ref(), "remarks");
    assert_eq!(c.kind_of_label("笔记").unwrap().name.as_ref(), "notes");
}

#[test]
fn rules_take_severities_and_off() {
    let c = ok("[rules]\n\
                numbering = \"error\"\n\
                link-without-scheme = \"off\"\n\
                stray-text = \"info\"\n\
                missing-title = \"hint\"\n\
                empty-section = \"warning\"\n");
    assert_eq!(
        c.rules,
        vec![
            (Rule::Numbering, Some(Severity::Error)),
            (Rule::LinkWithoutScheme, None),
            (Rule::StrayText, Some(Severity::Info)),
            (Rule::MissingTitle, Some(Severity::Hint)),
            (Rule::EmptySection, Some(Severity::Warning)),
        ]
    );
    assert_eq!(c.severity(Rule::LinkWithoutScheme), None);
    assert_eq!(c.severity(Rule::Numbering), Some(Severity::Error));
    assert_eq!(c.severity(Rule::MalformedLink), Some(Severity::Error));
}

#[test]
fn every_configurable_rule_is_accepted() {
    for rule in Rule::ALL.iter().filter(|r| **r != Rule::Config) {
        let c = ok(&format!("[rules]\n{} = \"off\"\n", rule.code()));
        assert_eq!(c.rules, vec![(*rule, None)]);
    }
}

#[test]
fn hover_preview_chars() {
    assert_eq!(ok("[hover]\npreview-chars = 200\n").preview_chars, 200);
    assert_eq!(ok("[hover]\npreview-chars = 1\n").preview_chars, 1);
    assert_eq!(
        ok("hover = { preview-chars = 1_000 }\n").preview_chars,
        1000
    );
    assert_eq!(ok("[hover]\npreview-chars = 0x10\n").preview_chars, 16);
}

#[test]
fn inlay_hints() {
    let c = ok("[inlay-hints]\nenabled = false\nmax-chars = 12\n");
    assert!(!c.inlay_hints_enabled);
    assert_eq!(c.inlay_max_chars, 12);
    let c = ok("[inlay-hints]\nmax-chars = 50\n");
    assert!(c.inlay_hints_enabled);
    assert_eq!(c.inlay_max_chars, 50);
}

#[test]
fn files_include_names_more_digests_relative_to_the_config() {
    use std::path::Path;
    let c = ok("[files]\ninclude = [\"**/*.txt\", \"./top.md\", \"notes/*.text\"]\n");
    assert_eq!(
        c.include.patterns(),
        ["**/*.txt", "./top.md", "notes/*.text"]
    );
    for named in ["a.txt", "x/y/b.txt", "top.md", "notes/c.text"] {
        assert!(c.include.matches(Path::new(named)), "{named}");
    }
    // `*` stays within one folder.
    for other in ["a.digest", "x/top.md", "notes/x/c.text", "a.txt.bak"] {
        assert!(!c.include.matches(Path::new(other)), "{other}");
    }
    let none = Config::default();
    assert!(none.include.is_empty());
    assert!(!none.include.matches(Path::new("a.txt")));
    assert!(ok("[files]\ninclude = []\n").include.is_empty());
}

#[test]
fn a_bad_include_pattern_is_an_error_at_its_position() {
    assert_eq!(
        one("[files]\ninclude = [\"**/*.txt\", \"知识/[ab\"]\n"),
        (
            2,
            24,
            "\"知识/[ab\"",
            "invalid pattern \"知识/[ab\" in [files]: unclosed character class; missing ']'"
                .to_string()
        )
    );
    assert_eq!(
        one("[files]\ninclude = [\"/abs/*.txt\"]\n"),
        (
            2,
            12,
            "\"/abs/*.txt\"",
            "invalid pattern \"/abs/*.txt\" in [files]: a pattern is relative to the folder of digest.toml"
                .to_string()
        )
    );
    assert_eq!(
        one("[files]\ninclude = \"*.txt\"\n"),
        (
            2,
            11,
            "\"*.txt\"",
            "wrong type for `include` in [files]: expected an array of strings, found a string"
                .to_string()
        )
    );
    assert_eq!(
        one("[files]\ninclude = [\"*.txt\", 3]\n"),
        (
            2,
            21,
            "3",
            "wrong type for an element of `include` in [files]: expected a string, found an integer"
                .to_string()
        )
    );
    assert_eq!(
        one("[files]\nexclude = []\n"),
        (
            2,
            1,
            "exclude",
            "unknown key `exclude` in [files]; known keys: include".to_string()
        )
    );
    assert_eq!(
        one("files = 1\n"),
        (
            1,
            9,
            "1",
            "wrong type for `files`: expected a table ([files]), found an integer".to_string()
        )
    );
}

#[test]
fn the_spec_example() {
    let text = r#"[headings]
keywords = ["Paper", "论文"]        # replaces the default ["Paper"]

[sections.abstract]                 # one table per kind; new kinds allowed
labels = ["摘要原文", "Abstract"]    # replaces this kind's default labels
required = true                     # default: as in the table above; false for a new kind

[sections.method]
labels = ["方法", "Method"]
required = false

[rules]                             # any rule code from the table below
link-without-scheme = "off"         # "error" | "warning" | "info" | "hint" | "off"
numbering = "error"

[hover]
preview-chars = 600                 # length of the summary excerpt in a hover
"#;
    let mut sections = Config::default().sections;
    sections.push(kind("method", &["方法", "Method"], false));
    let expected = Config {
        keywords: vec!["Paper".to_string(), "论文".to_string()],
        sections,
        rules: vec![
            (Rule::LinkWithoutScheme, None),
            (Rule::Numbering, Some(Severity::Error)),
        ],
        ..Config::default()
    };
    assert_eq!(ok(text), expected);
}

#[test]
fn invalid_toml() {
    assert_eq!(
        one("[hover]\npreview-chars = \n"),
        (
            2,
            17,
            "",
            "invalid TOML: string values must be quoted, expected literal string".to_string()
        )
    );
    assert_eq!(
        one("[rules]\nnumbering = \"error\"\nnumbering = \"hint\"\n"),
        (3, 1, "numbering", "invalid TOML: duplicate key".to_string())
    );
    // A lone CR is no TOML line end.
    assert_eq!(
        one("a = 1\rb = 2\n"),
        (
            2,
            1,
            "",
            "invalid TOML: carriage return must be followed by newline, expected newline"
                .to_string()
        )
    );
}

#[test]
fn invalid_toml_reports_every_syntax_error_in_order() {
    let errors = errs("a = \nb = 1\nc = 'x\n");
    let at: Vec<_> = errors.iter().map(|e| (e.0, e.1)).collect();
    assert_eq!(at, vec![(1, 5), (3, 7)]);
    assert!(errors.iter().all(|e| e.3.starts_with("invalid TOML: ")));
}

#[test]
fn unknown_table_and_top_level_key() {
    assert_eq!(
        one("[hovr]\npreview-chars = 10\n"),
        (
            1,
            2,
            "hovr",
            format!("unknown table [hovr]; known tables: {KNOWN_TABLES}")
        )
    );
    assert_eq!(
        one("preview-chars = 10\n"),
        (
            1,
            1,
            "preview-chars",
            format!("unknown key `preview-chars` at the top level; known tables: {KNOWN_TABLES}")
        )
    );
}

#[test]
fn unknown_key_in_a_table() {
    assert_eq!(
        one("[hover]\npreview = 10\n"),
        (
            2,
            1,
            "preview",
            "unknown key `preview` in [hover]; known keys: preview-chars".to_string()
        )
    );
    assert_eq!(
        one("[headings]\nkeyword = [\"P\"]\n"),
        (
            2,
            1,
            "keyword",
            "unknown key `keyword` in [headings]; known keys: keywords".to_string()
        )
    );
    assert_eq!(
        one("[inlay-hints]\nenable = true\n"),
        (
            2,
            1,
            "enable",
            "unknown key `enable` in [inlay-hints]; known keys: enabled, max-chars".to_string()
        )
    );
}

#[test]
fn unknown_key_in_a_nested_table() {
    assert_eq!(
        one("[sections.abstract]\nlables = [\"A\"]\nrequired = true\n"),
        (
            2,
            1,
            "lables",
            "unknown key `lables` in [sections.abstract]; known keys: labels, required".to_string()
        )
    );
    assert_eq!(
        one("sections = { notes = { required = true, colour = \"red\" } }\n"),
        (
            1,
            41,
            "colour",
            "unknown key `colour` in [sections.notes]; known keys: labels, required".to_string()
        )
    );
}

#[test]
fn unknown_rule() {
    assert_eq!(
        one("[rules]\nnumbring = \"off\"\n"),
        (
            2,
            1,
            "numbring",
            format!("unknown rule `numbring` in [rules]; known rules: {RULES}")
        )
    );
}

#[test]
fn the_config_rule_is_not_configurable() {
    assert_eq!(
        one("[rules]\nconfig = \"off\"\n"),
        (
            2,
            1,
            "config",
            "the rule `config` in [rules] cannot be configured: errors in digest.toml are \
             always reported"
                .to_string()
        )
    );
}

#[test]
fn unknown_severity() {
    assert_eq!(
        one("[rules]\nnumbering = \"fatal\"\n"),
        (
            2,
            13,
            "\"fatal\"",
            "unknown severity \"fatal\" for `numbering` in [rules]; expected \"error\", \
             \"warning\", \"info\", \"hint\" or \"off\""
                .to_string()
        )
    );
    // Severities are lower case, as the spec writes them.
    assert_eq!(one("[rules]\nnumbering = \"Error\"\n").1, 13);
}

#[test]
fn wrong_types() {
    type Case<'a> = (&'a str, (usize, usize, &'a str, &'a str));
    let cases: &[Case<'_>] = &[
        (
            "[hover]\npreview-chars = \"600\"\n",
            (
                2,
                17,
                "\"600\"",
                "wrong type for `preview-chars` in [hover]: expected a positive integer, found a string",
            ),
        ),
        (
            "[hover]\npreview-chars = 6.5\n",
            (
                2,
                17,
                "6.5",
                "wrong type for `preview-chars` in [hover]: expected a positive integer, found a float",
            ),
        ),
        (
            "[headings]\nkeywords = \"Paper\"\n",
            (
                2,
                12,
                "\"Paper\"",
                "wrong type for `keywords` in [headings]: expected an array of strings, found a string",
            ),
        ),
        (
            "[headings]\nkeywords = [\"Paper\", 3]\n",
            (
                2,
                22,
                "3",
                "wrong type for an element of `keywords` in [headings]: expected a string, found an integer",
            ),
        ),
        (
            "[sections.notes]\nrequired = \"yes\"\n",
            (
                2,
                12,
                "\"yes\"",
                "wrong type for `required` in [sections.notes]: expected a boolean (true or false), found a string",
            ),
        ),
        (
            "[sections.notes]\nlabels = \"Notes\"\n",
            (
                2,
                10,
                "\"Notes\"",
                "wrong type for `labels` in [sections.notes]: expected an array of strings, found a string",
            ),
        ),
        (
            "[sections]\nnotes = [\"Notes\"]\n",
            (
                2,
                9,
                "[\"Notes\"]",
                "wrong type for `notes` in [sections]: expected a table of the section kind `notes` ([sections.notes]), found an array",
            ),
        ),
        (
            "[rules]\nnumbering = 1\n",
            (
                2,
                13,
                "1",
                "wrong type for `numbering` in [rules]: expected a severity, \"error\", \"warning\", \"info\", \"hint\" or \"off\", found an integer",
            ),
        ),
        (
            "[rules]\nnumbering = false\n",
            (
                2,
                13,
                "false",
                "wrong type for `numbering` in [rules]: expected a severity, \"error\", \"warning\", \"info\", \"hint\" or \"off\", found a boolean",
            ),
        ),
        (
            "hover = 600\n",
            (
                1,
                9,
                "600",
                "wrong type for `hover`: expected a table ([hover]), found an integer",
            ),
        ),
        (
            "[[rules]]\nnumbering = \"off\"\n",
            (
                1,
                1,
                "[[rules]]",
                "wrong type for `rules`: expected a table ([rules]), found an array",
            ),
        ),
        (
            "[inlay-hints]\nenabled = 1\n",
            (
                2,
                11,
                "1",
                "wrong type for `enabled` in [inlay-hints]: expected a boolean (true or false), found an integer",
            ),
        ),
        (
            "[inlay-hints]\nmax-chars = 1979-05-27\n",
            (
                2,
                13,
                "1979-05-27",
                "wrong type for `max-chars` in [inlay-hints]: expected a positive integer, found a datetime",
            ),
        ),
    ];
    for (text, (line, column, slice, message)) in cases {
        assert_eq!(
            one(text),
            (*line, *column, *slice, message.to_string()),
            "{text:?}"
        );
    }
}

#[test]
fn integers_must_be_positive_and_fit() {
    assert_eq!(
        one("[hover]\npreview-chars = 0\n"),
        (
            2,
            17,
            "0",
            "invalid value for `preview-chars` in [hover]: expected a positive integer, \
             found `0` (it is not positive)"
                .to_string()
        )
    );
    assert_eq!(
        one("[inlay-hints]\nmax-chars = -3\n"),
        (
            2,
            13,
            "-3",
            "invalid value for `max-chars` in [inlay-hints]: expected a positive integer, \
             found `-3` (it is not positive)"
                .to_string()
        )
    );
    let big = "[hover]\npreview-chars = 999999999999999999999999999999999999999999\n";
    let (line, column, slice, message) = one(big);
    assert_eq!((line, column), (2, 17));
    assert_eq!(slice, "999999999999999999999999999999999999999999");
    assert!(message.ends_with("(it is too large)"), "{message}");
}

#[test]
fn invalid_keywords() {
    assert_eq!(
        one("[headings]\nkeywords = []\n"),
        (
            2,
            12,
            "[]",
            "invalid value for `keywords` in [headings]: expected at least one keyword, found \
             an empty list"
                .to_string()
        )
    );
    assert_eq!(
        errs("[headings]\nkeywords = [\"\", \"Pa per\", \"论\u{3000}文\", \"OK\"]\n"),
        vec![
            (
                2,
                13,
                "\"\"",
                "invalid keyword \"\" in [headings]: a keyword must not be empty".to_string()
            ),
            (
                2,
                17,
                "\"Pa per\"",
                "invalid keyword \"Pa per\" in [headings]: a keyword must not contain white \
                 space"
                    .to_string()
            ),
            (
                2,
                27,
                "\"论\u{3000}文\"",
                "invalid keyword \"论\\u3000文\" in [headings]: a keyword must not contain \
                 white space"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn invalid_labels() {
    assert_eq!(
        one("[sections.notes]\nlabels = []\n"),
        (
            2,
            10,
            "[]",
            "invalid value for `labels` in [sections.notes]: expected at least one label, \
             found an empty list"
                .to_string()
        )
    );
    assert_eq!(
        errs("[sections.notes]\nlabels = [\"\", \" N\", \"N:\", \"N：\", \"a\\nb\"]\n")
            .into_iter()
            .map(|e| (e.1, e.3))
            .collect::<Vec<_>>(),
        vec![
            (
                11,
                "invalid label \"\" in [sections.notes]: a label must not be empty".to_string()
            ),
            (
                15,
                "invalid label \" N\" in [sections.notes]: a label must not start or end \
                 with white space"
                    .to_string()
            ),
            (
                21,
                "invalid label \"N:\" in [sections.notes]: a label must not contain `:` or \
                 `：` (the colon follows the label)"
                    .to_string()
            ),
            (
                27,
                "invalid label \"N：\" in [sections.notes]: a label must not contain `:` or \
                 `：` (the colon follows the label)"
                    .to_string()
            ),
            (
                33,
                "invalid label \"a\\nb\" in [sections.notes]: a label must not contain a \
                 line break"
                    .to_string()
            ),
        ]
    );
}

#[test]
fn a_new_kind_needs_labels() {
    assert_eq!(
        one("[sections.method]\nrequired = true\n"),
        (
            1,
            11,
            "method",
            "missing key `labels` in [sections.method]: a new section kind needs at least \
             one label"
                .to_string()
        )
    );
    assert_eq!(
        one("[sections.\"my kind\"]\nrequired = true\n"),
        (
            1,
            11,
            "\"my kind\"",
            "missing key `labels` in [sections.\"my kind\"]: a new section kind needs at \
             least one label"
                .to_string()
        )
    );
}

#[test]
fn a_label_names_one_kind() {
    // Against a default kind the file leaves alone.
    assert_eq!(
        one("[sections.remarks]\nlabels = [\"备注\", \"Notes\"]\n"),
        (
            2,
            17,
            "\"Notes\"",
            "label \"Notes\" in [sections.remarks] is also a label of the section kind \
             `notes`; a label may name only one kind"
                .to_string()
        )
    );
    // Both in the file: reported once, on the later one.
    assert_eq!(
        one("[sections.a]\nlabels = [\"X\"]\n[sections.b]\nlabels = [\"X\"]\n"),
        (
            4,
            11,
            "\"X\"",
            "label \"X\" in [sections.b] is also a label of the section kind `a`; a label \
             may name only one kind"
                .to_string()
        )
    );
}

#[test]
fn multiple_errors_at_once_in_text_order() {
    let text = "[rules]\n\
                numbring = \"off\"\n\
                numbering = \"fatal\"\n\
                [hover]\n\
                preview-chars = 0\n\
                colour = \"red\"\n\
                [headings]\n\
                keywords = [1]\n\
                [extra]\n";
    let errors = errs(text);
    let at: Vec<_> = errors.iter().map(|e| (e.0, e.1, e.2)).collect();
    assert_eq!(
        at,
        vec![
            (2, 1, "numbring"),
            (3, 13, "\"fatal\""),
            (5, 17, "0"),
            (6, 1, "colour"),
            (8, 13, "1"),
            (9, 2, "extra"),
        ]
    );
    assert!(errors[0].3.starts_with("unknown rule `numbring`"));
    assert!(errors[1].3.starts_with("unknown severity \"fatal\""));
    assert!(errors[2].3.starts_with("invalid value for `preview-chars`"));
    assert!(errors[3].3.starts_with("unknown key `colour` in [hover]"));
    assert!(
        errors[4]
            .3
            .starts_with("wrong type for an element of `keywords`")
    );
    assert!(errors[5].3.starts_with("unknown table [extra]"));
}

#[test]
fn columns_count_characters_after_cjk() {
    // Line 2: `labels = ["摘要", ` is 16 characters (20 bytes) before `5`.
    let text = "[sections.abstract]\nlabels = [\"摘要\", 5]\n";
    let (config, errors) = parse_config(text);
    assert_eq!(config, Config::default());
    assert_eq!(errors.len(), 1);
    let e = &errors[0];
    assert_eq!((e.line, e.column), (2, 17));
    assert_eq!(e.range, TextRange::new(40, 41));
    assert_eq!(e.range.slice(text), "5");

    // A comment in CJK on an earlier line, and CJK before the error on its line.
    let text = "# 配置文件\n[rules] # 规则\n\"数字\" = \"off\"\n";
    assert_eq!(
        one(text),
        (
            3,
            1,
            "\"数字\"",
            format!("unknown rule `\"数字\"` in [rules]; known rules: {RULES}")
        )
    );
    let text = "[rules]\nnumbering = \"错误\"\n";
    assert_eq!(one(text).1, 13);
    let text = "k = \"é\" = 1\n";
    let (line, column, _, _) = one(text);
    assert_eq!((line, column), (1, 9));
}

#[test]
fn crlf_and_bom() {
    let text = "\u{feff}[hover]\r\npreview-chars = 10\r\n";
    assert_eq!(ok(text).preview_chars, 10);
    // The BOM is not counted in the column.
    let text = "\u{feff}[hovr]\r\n";
    let (config, errors) = parse_config(text);
    assert_eq!(config, Config::default());
    assert_eq!((errors[0].line, errors[0].column), (1, 2));
    assert_eq!(errors[0].range, TextRange::new(4, 8));
    let text = "[hover]\r\npreview-chars = 0\r\n";
    assert_eq!(one(text).0, 2);
    assert_eq!(one(text).1, 17);
}

#[test]
fn any_error_leaves_all_the_defaults() {
    let text =
        "[headings]\nkeywords = [\"论文\"]\n[hover]\npreview-chars = 10\n[rules]\nx = \"off\"\n";
    let (config, errors) = parse_config(text);
    assert_eq!(config, Config::default());
    assert_eq!(errors.len(), 1);
}

proptest::proptest! {
    #[test]
    fn never_panics(text in "(\\PC|[\\[\\]=\"'\\n\\r.,{}#a-z0-9 -]){0,80}") {
        let (config, errors) = parse_config(&text);
        if !errors.is_empty() {
            proptest::prop_assert_eq!(config, Config::default());
        }
        for e in errors {
            proptest::prop_assert!(e.line >= 1 && e.column >= 1);
            proptest::prop_assert!(e.range.start <= e.range.end && e.range.end <= text.len());
            proptest::prop_assert!(text.is_char_boundary(e.range.start));
            proptest::prop_assert!(text.is_char_boundary(e.range.end));
        }
    }

    #[test]
    fn never_panics_on_schema_shaped_input(
        table in "(headings|sections\\.[a-z]{1,3}|rules|hover|inlay-hints|x)",
        key in "(keywords|labels|required|preview-chars|max-chars|enabled|numbering|config|y)",
        value in "(\"[a-z:： ]{0,4}\"|-?[0-9]{1,25}|true|1\\.5|\\[(\"[a-z ]{0,3}\", ?){0,3}\\]|\\{\\})",
    ) {
        let text = format!("[{table}]\n{key} = {value}\n");
        let (config, errors) = parse_config(&text);
        if !errors.is_empty() {
            proptest::prop_assert_eq!(config, Config::default());
        }
    }
}

// The schema: every entry's errors, its docs, its defaults.

/// An entry's table and key with a name in place of each `<...>`.
fn instance(entry: &schema::Entry) -> (String, String) {
    let fill = |s: &str| s.replace("<kind>", "notes").replace("<rule>", "numbering");
    (fill(entry.table), fill(entry.key))
}

#[test]
fn every_key_reports_a_wrong_type() {
    let expected = [
        ("headings", "keywords", "an array of strings"),
        ("sections.notes", "labels", "an array of strings"),
        ("sections.notes", "required", "a boolean (true or false)"),
        (
            "rules",
            "numbering",
            "a severity, \"error\", \"warning\", \"info\", \"hint\" or \"off\"",
        ),
        ("hover", "preview-chars", "a positive integer"),
        ("inlay-hints", "enabled", "a boolean (true or false)"),
        ("inlay-hints", "max-chars", "a positive integer"),
        ("files", "include", "an array of strings"),
        ("typography", "spacing", "a spacing, \"space\" or \"none\""),
        ("typography", "sections", "an array of strings"),
        ("format", "enabled", "a boolean (true or false)"),
        ("bibliography", "files", "an array of strings"),
    ];
    let keys: Vec<_> = schema::SCHEMA.iter().map(instance).collect();
    let listed: Vec<_> = expected
        .iter()
        .map(|(t, k, _)| (t.to_string(), k.to_string()))
        .collect();
    assert_eq!(keys, listed, "one line here per schema entry");
    for (table, key, expected) in expected {
        // A datetime and a table are no key's type.
        for (value, found) in [("1979-05-27", "a datetime"), ("{}", "a table")] {
            let text = format!("[{table}]\n{key} = {value}\n");
            assert_eq!(
                one(&text),
                (
                    2,
                    key.chars().count() + 4,
                    value,
                    format!(
                        "wrong type for `{key}` in [{table}]: expected {expected}, found {found}"
                    )
                ),
                "{text:?}"
            );
        }
    }
}

#[test]
fn unknown_key_in_every_table() {
    let cases = [
        ("headings", "keywords"),
        ("sections.abstract", "labels, required"),
        ("sections.notes", "labels, required"),
        ("hover", "preview-chars"),
        ("inlay-hints", "enabled, max-chars"),
        ("files", "include"),
        ("typography", "spacing, sections"),
        ("format", "enabled"),
        ("bibliography", "files"),
    ];
    for (table, known) in cases {
        let text = format!("[{table}]\ncolour = \"red\"\n");
        assert_eq!(
            one(&text),
            (
                2,
                1,
                "colour",
                format!("unknown key `colour` in [{table}]; known keys: {known}")
            ),
            "{text:?}"
        );
    }
    // A new kind: the unknown key, and the labels it lacks.
    assert_eq!(
        errs("[sections.method]\nlables = [\"M\"]\n"),
        vec![
            (
                1,
                11,
                "method",
                "missing key `labels` in [sections.method]: a new section kind needs at least \
                 one label"
                    .to_string()
            ),
            (
                2,
                1,
                "lables",
                "unknown key `lables` in [sections.method]; known keys: labels, required"
                    .to_string()
            ),
        ]
    );
    // In [rules] every key is a rule code.
    assert_eq!(
        one("[rules]\ncolour = \"red\"\n").3,
        format!("unknown rule `colour` in [rules]; known rules: {RULES}")
    );
}

#[test]
fn a_section_kind_needs_a_name() {
    for (text, slice) in [
        ("[sections.\"\"]\nlabels = [\"X\"]\n", "\"\""),
        ("[sections.\" \"]\nlabels = [\"X\"]\n", "\" \""),
    ] {
        assert_eq!(
            one(text),
            (
                1,
                11,
                slice,
                "invalid section kind in [sections]: a kind's name must not be empty".to_string()
            ),
            "{text:?}"
        );
    }
}

#[test]
fn every_error_of_a_file_in_text_order() {
    // Tables and keys out of alphabetical order, each with one mistake.
    let text = "[sections.zeta]\n\
                labels = [\"Z\"]\n\
                required = 1\n\
                [rules]\n\
                stray-text = \"loud\"\n\
                aaa = \"off\"\n\
                [inlay-hints]\n\
                max-chars = 0\n\
                enabled = \"yes\"\n\
                [files]\n\
                include = [\"/x\"]\n\
                [sections.alpha]\n\
                labels = []\n\
                [headings]\n\
                keywords = [\"\"]\n\
                [extra]\n";
    assert_eq!(
        errs(text),
        vec![
            (
                3,
                12,
                "1",
                "wrong type for `required` in [sections.zeta]: expected a boolean (true or false), \
                 found an integer"
                    .to_string()
            ),
            (
                5,
                14,
                "\"loud\"",
                "unknown severity \"loud\" for `stray-text` in [rules]; expected \"error\", \
                 \"warning\", \"info\", \"hint\" or \"off\""
                    .to_string()
            ),
            (
                6,
                1,
                "aaa",
                format!("unknown rule `aaa` in [rules]; known rules: {RULES}")
            ),
            (
                8,
                13,
                "0",
                "invalid value for `max-chars` in [inlay-hints]: expected a positive integer, \
                 found `0` (it is not positive)"
                    .to_string()
            ),
            (
                9,
                11,
                "\"yes\"",
                "wrong type for `enabled` in [inlay-hints]: expected a boolean (true or false), \
                 found a string"
                    .to_string()
            ),
            (
                11,
                12,
                "\"/x\"",
                "invalid pattern \"/x\" in [files]: a pattern is relative to the folder of \
                 digest.toml"
                    .to_string()
            ),
            (
                13,
                10,
                "[]",
                "invalid value for `labels` in [sections.alpha]: expected at least one label, \
                 found an empty list"
                    .to_string()
            ),
            (
                15,
                13,
                "\"\"",
                "invalid keyword \"\" in [headings]: a keyword must not be empty".to_string()
            ),
            (
                16,
                2,
                "extra",
                format!("unknown table [extra]; known tables: {KNOWN_TABLES}")
            ),
        ]
    );
}

#[test]
fn every_pattern_of_the_schema_is_defined() {
    for entry in schema::SCHEMA {
        for name in entry.path().chain([entry.key]) {
            if name.contains(['<', '>']) {
                assert!(
                    name.starts_with('<') && schema::Pattern::get(name).is_some(),
                    "`{name}` in [{}] {}",
                    entry.table,
                    entry.key
                );
            }
        }
    }
}

#[test]
fn every_default_in_the_schema_is_the_default() {
    // `[bibliography] files` has no value that means its default (every
    // `*.bib` beside the digest): `Config::bibliography_files` is `None`.
    let writable = |e: &&schema::Entry| !(e.table == "bibliography" && e.key == "files");
    for entry in schema::SCHEMA
        .iter()
        .filter(|e| e.is_fixed())
        .filter(writable)
    {
        let text = format!("[{}]\n{} = {}\n", entry.table, entry.key, entry.default);
        assert_eq!(ok(&text), Config::default(), "{text:?}");
    }
}

#[test]
fn the_severities_of_rules_are_the_severities_and_off() {
    let choices = schema::SCHEMA.iter().find_map(|e| match e.value {
        schema::Value::Choice { of, .. } if e.table == "rules" => Some(of),
        _ => None,
    });
    let mut expected: Vec<_> = Severity::ALL.iter().map(|s| s.as_str()).collect();
    expected.push("off");
    assert_eq!(choices, Some(&expected[..]));
}

/// The "## Configuration" section of the user docs.
fn docs_configuration() -> &'static str {
    let docs = include_str!("../../../../docs/format.md");
    let start = docs
        .find("\n## Configuration")
        .expect("docs/format.md has a \"## Configuration\" section");
    let section = &docs[start + 1..];
    section.find("\n## ").map_or(section, |end| &section[..end])
}

#[test]
fn the_docs_list_every_key() {
    let section = docs_configuration();
    assert!(
        section.contains(&reference()),
        "docs/format.md, under \"## Configuration\", must hold the schema's table of keys \
         (config::reference()) as it is now:\n\n{}",
        reference()
    );
    // The example sets every key, and is a valid file.
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ```toml example under \"## Configuration\"");
    ok(example);
    let (doc, syntax_errors) = DeTable::parse_recoverable(example);
    assert!(syntax_errors.is_empty());
    /// True when `table` has, under `path`, the key `key` (`<...>`: any).
    fn sets(table: &DeTable<'_>, path: &[&str], key: &str) -> bool {
        let named = |name: &str| {
            table
                .iter()
                .filter(|(k, _)| name.starts_with('<') || k.get_ref() == name)
                .map(|(_, v)| v.get_ref())
                .collect::<Vec<_>>()
        };
        match path.split_first() {
            None => !named(key).is_empty(),
            Some((first, rest)) => named(first)
                .into_iter()
                .filter_map(|v| v.as_table())
                .any(|t| sets(t, rest, key)),
        }
    }
    for entry in schema::SCHEMA {
        let path: Vec<_> = entry.path().collect();
        assert!(
            sets(doc.get_ref(), &path, entry.key),
            "the example of docs/format.md under \"## Configuration\" sets no `{}` in [{}]",
            entry.key,
            entry.table
        );
    }
}

#[test]
fn bibliography_files_are_kept_as_written_once_each() {
    let c = ok("[bibliography]\nfiles = [\"refs.bib\", \"zotero.json\", \"refs.bib\"]\n");
    assert_eq!(
        c.bibliography_files,
        Some(vec!["refs.bib".to_string(), "zotero.json".to_string()])
    );
    // The way to turn the bibliography off (no key: every `*.bib` beside).
    assert_eq!(
        ok("[bibliography]\nfiles = []\n").bibliography_files,
        Some(vec![])
    );
    assert_eq!(
        one("[bibliography]\nfiles = [\"\"]\n"),
        (
            2,
            10,
            "\"\"",
            "invalid file \"\" in [bibliography]: a bibliography file's name must not be empty"
                .to_string()
        )
    );
}
