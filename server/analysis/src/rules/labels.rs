//! Closeness of a written label to the known ones, for `unknown-label`.

use crate::Config;

/// The known label that `written` is close to, if any: equal ignoring case,
/// or within the Levenshtein distance (on characters, both sides lower-cased)
/// that the known label's length allows (0 for 1–2 characters, 1 for 3–5, 2
/// for 6 and more). The closest wins; ties go to the first in config order.
pub fn closest_label<'c>(written: &str, config: &'c Config) -> Option<&'c str> {
    let written: Vec<char> = written.chars().flat_map(char::to_lowercase).collect();
    let mut best: Option<(usize, &str)> = None;
    for label in config.sections.iter().flat_map(|k| &k.labels) {
        let known: Vec<char> = label.chars().flat_map(char::to_lowercase).collect();
        let allowed = match label.chars().count() {
            0..=2 => 0,
            3..=5 => 1,
            _ => 2,
        };
        if written.len().abs_diff(known.len()) > allowed {
            continue;
        }
        let distance = levenshtein(&written, &known);
        if distance <= allowed && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, label));
        }
    }
    best.map(|(_, label)| label)
}

/// Edit distance between two character sequences.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_labels_are_suggested() {
        let config = Config::default();
        let cases = [
            ("summary", Some("Summary")),
            ("SUMMARY", Some("Summary")),
            ("中文总节", Some("中文总结")),
            ("Abstrct", Some("Abstract")),
            ("Abstarct", Some("Abstract")),
            ("Note", Some("Notes")),
            ("Tag", Some("Tags")),
            ("摘要", None),
            ("抵扣说明", None),
            ("Todo", None),
            ("Method", None),
            ("http", None),
        ];
        for (written, expected) in cases {
            assert_eq!(closest_label(written, &config), expected, "{written}");
        }
    }

    #[test]
    fn levenshtein_counts_characters() {
        let chars = |s: &str| s.chars().collect::<Vec<_>>();
        assert_eq!(levenshtein(&chars("中文总结"), &chars("中文总节")), 1);
        assert_eq!(levenshtein(&chars("kitten"), &chars("sitting")), 3);
        assert_eq!(levenshtein(&chars(""), &chars("abc")), 3);
    }
}
