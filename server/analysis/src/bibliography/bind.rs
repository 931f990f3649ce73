//! Papers bound to entries, in the spec's order: key, then DOI or arXiv
//! identifier, then normalised title. And the extractors of what a paper's
//! text says (citations, DOIs, arXiv identifiers), written without `\b`
//! so that they work next to CJK text.

use std::collections::HashMap;
use std::ops::Range;

use super::Entry;
use super::bibtex::strip_doi_prefix;
use super::latex::decode_latex;

/// What the binding needs of one paper; the rules extract it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PaperFacts {
    /// The keys of the `[[@key]]` citations in its `cite` section or
    /// heading, in their order.
    pub keys: Vec<String>,
    /// The DOIs found in its text (any spelling; compared normalised).
    pub dois: Vec<String>,
    /// The arXiv identifiers found in its text (with or without version).
    pub arxiv: Vec<String>,
    pub title: String,
}

/// How a paper found its entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindBy {
    Key,
    Doi,
    Arxiv,
    Title,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Binding {
    /// Index into the entries given to [`bind`].
    pub entry: usize,
    pub by: BindBy,
}

/// Binds each paper to an entry, first match wins: a citation key, then a
/// DOI or arXiv identifier, then the normalised title. Among entries with
/// the same key, DOI or title, the first one counts.
pub fn bind(papers: &[PaperFacts], entries: &[Entry]) -> Vec<Option<Binding>> {
    let mut by_key = HashMap::new();
    let mut by_doi = HashMap::new();
    let mut by_arxiv = HashMap::new();
    let mut by_title = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        by_key.entry(e.key.as_str()).or_insert(i);
        if let Some(d) = &e.doi {
            by_doi.entry(normalise_doi(d)).or_insert(i);
        }
        if let Some(a) = e.arxiv.as_deref().and_then(normalise_arxiv) {
            by_arxiv.entry(a).or_insert(i);
        }
        let t = normalise_title(&e.title);
        if !t.is_empty() {
            by_title.entry(t).or_insert(i);
        }
    }
    papers
        .iter()
        .map(|p| {
            let found = |entry, by| Some(Binding { entry, by });
            if let Some(&i) = p.keys.iter().find_map(|k| by_key.get(k.as_str())) {
                return found(i, BindBy::Key);
            }
            if let Some(&i) = p.dois.iter().find_map(|d| by_doi.get(&normalise_doi(d))) {
                return found(i, BindBy::Doi);
            }
            if let Some(&i) = p
                .arxiv
                .iter()
                .find_map(|a| normalise_arxiv(a).and_then(|a| by_arxiv.get(&a)))
            {
                return found(i, BindBy::Arxiv);
            }
            let t = normalise_title(&p.title);
            if t.is_empty() {
                return None;
            }
            by_title.get(&t).and_then(|&i| found(i, BindBy::Title))
        })
        .collect()
}

/// A title for comparison: TeX decoded and composed (NFC: `U` + U+0308,
/// as text copied from a PDF on macOS writes it, is `Ü`), then only its
/// letters and digits, lower case (Unicode-aware). `{Deep} Learning: A
/// Survey` and `deep learning - a survey` are equal.
pub fn normalise_title(title: &str) -> String {
    crate::rules::normalize_title(&decode_latex(title))
}

/// A DOI for comparison: without `https://doi.org/` or `doi:`, lower case
/// (DOIs are case-insensitive).
pub fn normalise_doi(doi: &str) -> String {
    strip_doi_prefix(doi).to_lowercase()
}

/// An arXiv identifier without `arXiv:` and its version: `2308.12345v2` is
/// `2308.12345`. `None` when it is not a new-style identifier.
pub fn normalise_arxiv(id: &str) -> Option<String> {
    let id = id.trim();
    let id = id
        .get(..6)
        .filter(|p| p.eq_ignore_ascii_case("arxiv:"))
        .map_or(id, |_| &id[6..]);
    let (len, _) = arxiv_at(id.as_bytes(), 0)?;
    (len == id.len()).then(|| id[..id.find(['v', 'V']).unwrap_or(len)].to_string())
}

/// The arXiv identifier of an `arxiv.org/abs/...` or `arxiv.org/pdf/...`
/// URL, without version.
pub(crate) fn arxiv_in_url(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    let at = lower.find("arxiv.org/")? + "arxiv.org/".len();
    let rest = &lower[at..];
    let rest = rest
        .strip_prefix("abs/")
        .or_else(|| rest.strip_prefix("pdf/"))?;
    let (len, _) = arxiv_at(rest.as_bytes(), 0)?;
    normalise_arxiv(&rest[..len])
}

/// The `[[@key]]` citations of `text`: the byte range of each key and the
/// key. A key is one or more of ASCII letters, digits and `_-:./+`.
pub fn extract_citation_keys(text: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("[[@") {
        let start = from + i + 3;
        let len = text[start..]
            .bytes()
            .take_while(|&b| b.is_ascii_alphanumeric() || b"_-:./+".contains(&b))
            .count();
        if len > 0 && text[start + len..].starts_with("]]") {
            out.push((start..start + len, text[start..start + len].to_string()));
            from = start + len + 2;
        } else {
            from = start;
        }
    }
    out
}

/// The DOIs of `text` (`10.<digits>/<suffix>`, also inside
/// `https://doi.org/...`): the byte range and the DOI as written. The
/// suffix runs to white space, a non-ASCII character (CJK text right after
/// it) or `"<>`; trailing `.,;:!?'` and unbalanced closing brackets are not
/// part of it.
pub fn extract_dois(text: &str) -> Vec<(Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&bytes[from..], b"10.") {
        let start = from + i;
        from = start + 3;
        if start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'.') {
            continue;
        }
        let digits = bytes[start + 3..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        let slash = start + 3 + digits;
        if digits == 0 || bytes.get(slash) != Some(&b'/') {
            continue;
        }
        let mut end = slash
            + 1
            + bytes[slash + 1..]
                .iter()
                .take_while(|&&b| b.is_ascii_graphic() && !b"\"<>".contains(&b))
                .count();
        while let Some(&last) = bytes.get(end - 1).filter(|_| end > slash + 1) {
            let unbalanced = |open: u8| {
                let s = &bytes[slash + 1..end];
                s.iter().filter(|&&b| b == last).count() > s.iter().filter(|&&b| b == open).count()
            };
            let strip = match last {
                b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' => true,
                b')' => unbalanced(b'('),
                b']' => unbalanced(b'['),
                b'}' => unbalanced(b'{'),
                _ => false,
            };
            if !strip {
                break;
            }
            end -= 1;
        }
        if end > slash + 1 {
            out.push((start..end, text[start..end].to_string()));
            from = end;
        }
    }
    out
}

/// The new-style arXiv identifiers of `text` (`2308.12345`, `2308.12345v2`,
/// `arXiv:2308.12345`, inside `arxiv.org/abs/` and `/pdf/` links): the byte
/// range of the identifier (with its version) and the identifier. Not after
/// an ASCII letter, digit or `.`, and not before an ASCII letter or digit;
/// the month must be 01 to 12.
pub fn extract_arxiv_ids(text: &str) -> Vec<(Range<usize>, String)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_here = bytes[i].is_ascii_digit()
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'.'));
        if starts_here && let Some((len, _)) = arxiv_at(bytes, i) {
            let after_ok = bytes
                .get(i + len)
                .is_none_or(|b| !b.is_ascii_alphanumeric());
            if after_ok {
                out.push((i..i + len, text[i..i + len].to_string()));
                i += len;
                continue;
            }
        }
        i += 1;
    }
    out
}

/// The length of the arXiv identifier at `bytes[at..]`
/// (`YYMM.NNNN(N)(vV)`), and the length without its version.
fn arxiv_at(bytes: &[u8], at: usize) -> Option<(usize, usize)> {
    let b = bytes.get(at..)?;
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    if !(0..4).all(digit) || b.get(4) != Some(&b'.') {
        return None;
    }
    let month = (b[2] - b'0') * 10 + (b[3] - b'0');
    if !(1..=12).contains(&month) {
        return None;
    }
    let n = (5..).take_while(|&i| digit(i)).count();
    if !(4..=5).contains(&n) {
        return None;
    }
    let id_len = 5 + n;
    if matches!(b.get(id_len), Some(b'v' | b'V')) {
        let v = (id_len + 1..).take_while(|&i| digit(i)).count();
        if v > 0 {
            return Some((id_len + 1 + v, id_len));
        }
    }
    Some((id_len, id_len))
}
