//! The analysis on arbitrary text: no panic, every range inside the text on
//! character boundaries, diagnostics deterministic.
#![no_main]

use digest_analysis::{Analysis, Config, NoFiles, TextRange, check, features, parse_config};
use libfuzzer_sys::fuzz_target;

fn in_bounds(text: &str, range: TextRange) {
    assert!(
        range.start <= range.end && range.end <= text.len(),
        "{range:?}"
    );
    assert!(
        text.is_char_boundary(range.start) && text.is_char_boundary(range.end),
        "{range:?}"
    );
}

fuzz_target!(|data: &[u8]| {
    // The first line, when it parses, is a configuration: custom keywords
    // and labels reach the parser too.
    let text = String::from_utf8_lossy(data);
    let (config_text, digest) = text.split_once("\n---\n").unwrap_or(("", &text));
    let (config, _) = parse_config(config_text);
    let config = if config.keywords.is_empty() {
        Config::default()
    } else {
        config
    };
    let analysis = Analysis::new(digest, &config);
    let diagnostics = check(&analysis, &config, &NoFiles);
    for d in &diagnostics {
        in_bounds(digest, d.range);
        let _ = d.message();
    }
    for paper in &analysis.syntax.papers {
        for range in [
            paper.heading,
            paper.range,
            paper.keyword,
            paper.number_range,
        ] {
            in_bounds(digest, range);
        }
        for section in &paper.sections {
            in_bounds(digest, section.text);
            in_bounds(digest, section.range);
        }
        for link in &paper.inline.links {
            in_bounds(digest, link.range);
        }
        for reference in &paper.inline.references {
            in_bounds(digest, reference.range);
        }
    }
    // Deterministic.
    let again = Analysis::new(digest, &config);
    assert_eq!(analysis.syntax, again.syntax);
    assert_eq!(diagnostics, check(&again, &config, &NoFiles));
    // Features anywhere never panic.
    for offset in [0, digest.len() / 3, digest.len() / 2, digest.len()] {
        let _ = features::hover(&analysis, offset, &config, &NoFiles);
        let _ = features::definition(&analysis, offset, &NoFiles);
    }
    let _ = features::outline(&analysis);
});
