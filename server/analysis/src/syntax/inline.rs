//! Inline syntax: links, wiki references and in-file references in running
//! text. Links and wiki references are found first; in-file references are
//! not looked for inside them.
//!
//! The scanner works on bytes. Every construct is announced by an ASCII byte
//! (`/` or `\` for URLs and links without a scheme, `[` for wiki references
//! and Markdown links, `<` for angle links), found with `memchr`; in-file
//! references are found afterwards with an Aho-Corasick search for the
//! keywords, skipping what lies inside links. Each byte is looked at a
//! bounded number of times, so the scan is linear whatever the input.

use std::cell::RefCell;
use std::net::Ipv6Addr;

use aho_corasick::{AhoCorasick, Input, MatchKind};

use super::{Inline, Link, LinkKind, LinkProblem, RefTarget, Reference, parse_number};
use crate::TextRange;

/// Scans `range` of `text` (never a heading line) and appends what it finds
/// to `out`, in text order. `keywords` are the heading keywords (`Paper`),
/// which in-file references use too. Constructs never span a line break.
pub fn scan(text: &str, range: TextRange, keywords: &[String], out: &mut Inline) {
    let Some((lo, hi)) = clamp(text, range) else {
        return;
    };
    let mut scanner = Scanner {
        text: &text[..hi],
        bytes: &text.as_bytes()[..hi],
        lo,
        keywords,
        cursor: lo,
        markdown_blocked: lo,
        spans: Vec::new(),
        wikis: Vec::new(),
    };
    scanner.links(out);
    scanner.references(out);
}

/// `range` limited to `text` and moved inwards to char boundaries; `None`
/// when nothing is left.
fn clamp(text: &str, range: TextRange) -> Option<(usize, usize)> {
    let mut end = range.end.min(text.len());
    let mut start = range.start.min(end);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    (start < end).then_some((start, end))
}

struct Scanner<'a> {
    /// The text up to the end of the scanned range (offsets are absolute).
    text: &'a str,
    bytes: &'a [u8],
    /// Start of the scanned range.
    lo: usize,
    keywords: &'a [String],
    /// End of the last link or wiki reference found.
    cursor: usize,
    /// Markdown links whose `(` lies before this offset are not looked for:
    /// a search for the closing `)` already ran to the end of that line.
    markdown_blocked: usize,
    /// Links and wiki references, in text order, not overlapping.
    spans: Vec<TextRange>,
    /// Wiki references, in text order, merged into the output with the
    /// in-file references.
    wikis: Vec<Reference>,
}

impl Scanner<'_> {
    fn str(&self, start: usize, end: usize) -> &str {
        self.text.get(start..end).unwrap_or("")
    }

    /// Phase one: links and wiki references.
    fn links(&mut self, out: &mut Inline) {
        let bytes = self.bytes;
        let hi = bytes.len();
        // The next `/`, `[` or `<`, and the next `\` (much rarer), at or
        // after `from`; `hi` when there is none.
        let main = |from: usize| {
            memchr::memchr3(b'/', b'[', b'<', &bytes[from..]).map_or(hi, |i| i + from)
        };
        let backslash =
            |from: usize| memchr::memchr(b'\\', &bytes[from..]).map_or(hi, |i| i + from);
        let mut pos = self.lo;
        let mut next_main = main(pos);
        let mut next_backslash = backslash(pos);
        while pos < hi {
            if next_main < pos {
                next_main = main(pos);
            }
            if next_backslash < pos {
                next_backslash = backslash(pos);
            }
            let t = next_main.min(next_backslash);
            if t >= hi {
                break;
            }
            pos = t + 1;
            let found = match self.bytes[t] {
                b'[' => self.bracket(t),
                b'<' => self.angle(t),
                b'/' => self.url_at(t).or_else(|| self.no_scheme(t)),
                _ => self.url_at(t),
            };
            if let Some(found) = found {
                self.spans.push(found.range());
                self.cursor = found.range().end;
                pos = pos.max(self.cursor);
                match found {
                    Found::Link(link) => out.links.push(link),
                    Found::Wiki(reference) => self.wikis.push(reference),
                }
            }
        }
    }

    /// `[[...]]` or `[text](url)` at `t`.
    fn bracket(&mut self, t: usize) -> Option<Found> {
        if self.bytes.get(t + 1) == Some(&b'[')
            && let Some(wiki) = self.wiki(t)
        {
            return Some(Found::Wiki(wiki));
        }
        self.markdown(t).map(Found::Link)
    }

    fn wiki(&self, t: usize) -> Option<Reference> {
        let bytes = self.bytes;
        let start = t + 2;
        let close = start + bytes[start..].iter().position(|&b| is_bracket_stop(b))?;
        if bytes[close] != b']' || bytes.get(close + 1) != Some(&b']') {
            return None;
        }
        if let Some(key) = citation_key(self.str(start, close)) {
            return Some(Reference {
                range: TextRange::new(t, close + 2),
                target: RefTarget::Citation(key.to_string()),
                wiki: true,
            });
        }
        let content = self.str(start, close).trim();
        if content.is_empty() {
            return None;
        }
        let target = match content.split_once('#') {
            Some((file, anchor)) => {
                let (file, anchor) = (file.trim(), anchor.trim());
                match (keyword_number(anchor, self.keywords), file.is_empty()) {
                    (Some(number), true) => RefTarget::Paper(number),
                    (Some(number), false) => RefTarget::FilePaper {
                        file: file.to_string(),
                        number,
                    },
                    (None, _) => RefTarget::BadAnchor {
                        file: file.to_string(),
                        anchor: anchor.to_string(),
                    },
                }
            }
            None => match keyword_number(content, self.keywords) {
                Some(number) => RefTarget::Paper(number),
                None => RefTarget::File(content.to_string()),
            },
        };
        Some(Reference {
            range: TextRange::new(t, close + 2),
            target,
            wiki: true,
        })
    }

    /// `[text](url)` or `[text](url "title")` at `t`.
    fn markdown(&mut self, t: usize) -> Option<Link> {
        let bytes = self.bytes;
        let text_end = t + 1 + bytes[t + 1..].iter().position(|&b| is_bracket_stop(b))?;
        if bytes[text_end] != b']' || bytes.get(text_end + 1) != Some(&b'(') {
            return None;
        }
        let open = text_end + 1;
        if open < self.markdown_blocked {
            return None;
        }
        // The closing `)`, balancing nested parentheses, on this line.
        let mut depth = 0usize;
        let mut close = open + 1;
        loop {
            match bytes.get(close) {
                None | Some(b'\n' | b'\r') => {
                    self.markdown_blocked = close;
                    return None;
                }
                Some(b'(') => depth += 1,
                Some(b')') if depth == 0 => break,
                Some(b')') => depth -= 1,
                Some(_) => {}
            }
            close += 1;
        }
        let (mut a, mut b) = (open + 1, close);
        while a < b && is_blank(bytes[a]) {
            a += 1;
        }
        while a < b && is_blank(bytes[b - 1]) {
            b -= 1;
        }
        let range = TextRange::new(t, close + 1);
        if a == b {
            return Some(Link {
                range,
                url: TextRange::empty(a),
                kind: LinkKind::Markdown,
                problem: Some(LinkProblem::EmptyMarkdownUrl),
            });
        }
        let mut url = TextRange::new(a, b);
        if let Some(space) = bytes[a..b].iter().position(|&c| is_blank(c)) {
            let space = a + space;
            let title = self.str(space, b).trim_matches([' ', '\t']).as_bytes();
            let quoted = title.len() >= 2
                && matches!(
                    (title[0], title[title.len() - 1]),
                    (b'"', b'"') | (b'\'', b'\'') | (b'(', b')')
                );
            if !quoted {
                return Some(Link {
                    range,
                    url,
                    kind: LinkKind::Markdown,
                    problem: Some(LinkProblem::SpaceInMarkdownUrl),
                });
            }
            url.end = space;
        }
        // `[text](<url>)`
        if url.len() >= 2 && bytes[url.start] == b'<' && bytes[url.end - 1] == b'>' {
            url = TextRange::new(url.start + 1, url.end - 1);
            if url.is_empty() {
                return Some(Link {
                    range,
                    url,
                    kind: LinkKind::Markdown,
                    problem: Some(LinkProblem::EmptyMarkdownUrl),
                });
            }
        }
        let problem = match scheme_at(&bytes[..url.end], url.start) {
            Some(scheme) => self.url_problem(scheme, url.end),
            None => percent_problem(self.str(url.start, url.end)),
        };
        Some(Link {
            range,
            url,
            kind: LinkKind::Markdown,
            problem,
        })
    }

    /// `<url>` at `t`: only when a (possibly misspelt) `http` scheme follows.
    fn angle(&self, t: usize) -> Option<Found> {
        let bytes = self.bytes;
        let scheme = scheme_at(bytes, t + 1)?;
        let end = t
            + 1
            + bytes[t + 1..]
                .iter()
                .position(|&b| b == b'>' || b == b'<' || b <= b' ' || b == 0x7f)?;
        if bytes[end] != b'>' || end < scheme.sep_end {
            return None;
        }
        Some(Found::Link(Link {
            range: TextRange::new(t, end + 1),
            url: TextRange::new(t + 1, end),
            kind: LinkKind::Angle,
            problem: self.url_problem(scheme, end),
        }))
    }

    /// A URL in running text whose scheme ends at the `/` or `\` at `t`.
    fn url_at(&self, t: usize) -> Option<Found> {
        let bytes = self.bytes;
        let scheme = scheme_before(bytes, self.cursor, t)?;
        let end = extend_url(bytes, scheme.sep_end, scheme.misspelt);
        let end = trim_url(bytes, scheme.start, scheme.sep_end, end);
        Some(Found::Link(Link {
            range: TextRange::new(scheme.start, end),
            url: TextRange::new(scheme.start, end),
            kind: LinkKind::Url,
            problem: self.url_problem(scheme, end),
        }))
    }

    /// `github.com/a/b`: a domain ending just before the `/` at `t`.
    fn no_scheme(&self, t: usize) -> Option<Found> {
        let bytes = self.bytes;
        let floor = self.cursor;
        let mut start = t;
        while start > floor
            && t - start <= MAX_DOMAIN
            && (bytes[start - 1].is_ascii_alphanumeric() || matches!(bytes[start - 1], b'.' | b'-'))
        {
            start -= 1;
        }
        if t - start > MAX_DOMAIN || start == t {
            return None;
        }
        if start > self.lo
            && (bytes[start - 1].is_ascii_alphanumeric()
                || matches!(bytes[start - 1], b'.' | b'-' | b'_' | b'/' | b'@' | b':'))
        {
            return None;
        }
        if !is_bare_domain(&bytes[start..t]) {
            return None;
        }
        let end = extend_url(bytes, t + 1, false);
        let end = trim_url(bytes, start, t + 1, end);
        if end <= t + 1 {
            return None;
        }
        let range = TextRange::new(start, end);
        Some(Found::Link(Link {
            range,
            url: range,
            kind: LinkKind::NoScheme,
            problem: None,
        }))
    }

    /// What is wrong with the URL that starts with `scheme` and ends at `end`.
    fn url_problem(&self, scheme: Scheme, end: usize) -> Option<LinkProblem> {
        if scheme.misspelt {
            return Some(LinkProblem::MisspeltScheme(
                self.str(scheme.start, scheme.sep_end).to_string(),
            ));
        }
        http_problem(self.str(scheme.sep_end, end))
    }

    /// Phase two: in-file references outside links and wiki references,
    /// merged with the wiki references in text order.
    fn references(&mut self, out: &mut Inline) {
        let wikis = std::mem::take(&mut self.wikis);
        let mut wikis = wikis.into_iter().peekable();
        if let Some(finder) = keyword_finder(self.keywords) {
            let bytes = self.bytes;
            let hi = bytes.len();
            let mut span = 0;
            let input = Input::new(bytes).span(self.lo..hi);
            // `try_find_iter` fails only for searches this automaton is not
            // built for, which this is not; no references rather than a panic.
            for m in finder.try_find_iter(input).into_iter().flatten() {
                let start = m.start();
                if start > self.lo && is_word_byte(bytes[start - 1]) {
                    continue;
                }
                let mut end = m.end();
                if bytes.get(end) == Some(&b' ')
                    && bytes.get(end + 1).is_some_and(u8::is_ascii_digit)
                {
                    end += 1;
                }
                let digits = end;
                while end < hi && bytes[end].is_ascii_digit() {
                    end += 1;
                }
                if end == digits || (end < hi && is_word_byte(bytes[end])) {
                    continue;
                }
                while span < self.spans.len() && self.spans[span].end <= start {
                    span += 1;
                }
                if self.spans.get(span).is_some_and(|s| s.start < end) {
                    continue;
                }
                while let Some(wiki) = wikis.next_if(|w| w.range.start < start) {
                    out.references.push(wiki);
                }
                out.references.push(Reference {
                    range: TextRange::new(start, end),
                    target: RefTarget::Paper(parse_number(&bytes[digits..end])),
                    wiki: false,
                });
            }
        }
        out.references.extend(wikis);
    }
}

enum Found {
    Link(Link),
    Wiki(Reference),
}

impl Found {
    fn range(&self) -> TextRange {
        match self {
            Found::Link(link) => link.range,
            Found::Wiki(reference) => reference.range,
        }
    }
}

/// The longest domain name a link without a scheme may have.
const MAX_DOMAIN: usize = 253;

/// A scheme as found: `start..sep_end` is the scheme with its `://` (or its
/// misspelt form); the URL proper starts at `sep_end`.
#[derive(Clone, Copy, Debug)]
struct Scheme {
    start: usize,
    sep_end: usize,
    misspelt: bool,
}

/// The scheme starting exactly at `start`: `http` or `https` (any case) or a
/// misspelling of it, then `://` or a misspelling of that.
fn scheme_at(bytes: &[u8], start: usize) -> Option<Scheme> {
    let mut s = start;
    while s < bytes.len() && s - start < 10 && bytes[s].is_ascii_alphabetic() {
        s += 1;
    }
    let word = bytes.get(start..s)?;
    if word.is_empty() || bytes.get(s).is_some_and(u8::is_ascii_alphabetic) {
        return None;
    }
    let valid = word.eq_ignore_ascii_case(b"http") || word.eq_ignore_ascii_case(b"https");
    if !valid && !looks_like_http(word) {
        return None;
    }
    let slashes = |from: usize| {
        let mut e = from;
        while e < bytes.len() && matches!(bytes[e], b'/' | b'\\') {
            e += 1;
        }
        e
    };
    match bytes.get(s) {
        Some(b':') => {
            let e = slashes(s + 1);
            let sep = &bytes[s + 1..e];
            if sep.is_empty() {
                None
            } else if sep.len() >= 2 && sep.iter().all(|&b| b == b'/') {
                // `http:///x` keeps its third slash, which leaves no host.
                Some(Scheme {
                    start,
                    sep_end: if valid { s + 3 } else { e },
                    misspelt: !valid,
                })
            } else {
                Some(Scheme {
                    start,
                    sep_end: e,
                    misspelt: true,
                })
            }
        }
        Some(b'/' | b'\\') => {
            let e = slashes(s);
            (e - s >= 2).then_some(Scheme {
                start,
                sep_end: e,
                misspelt: true,
            })
        }
        _ => None,
    }
}

/// The scheme whose separator contains the `/` or `\` at `t`, starting at
/// or after `floor`.
fn scheme_before(bytes: &[u8], floor: usize, t: usize) -> Option<Scheme> {
    if t <= floor {
        return None;
    }
    let s = match bytes[t - 1] {
        b':' => t - 1,
        b if b.is_ascii_alphabetic() && matches!(bytes.get(t + 1), Some(b'/' | b'\\')) => t,
        _ => return None,
    };
    let mut run = s;
    while run > floor && s - run < 10 && bytes[run - 1].is_ascii_alphabetic() {
        run -= 1;
    }
    let letters = &bytes[run..s];
    let start = if letters.len() >= 5 && letters[letters.len() - 5..].eq_ignore_ascii_case(b"https")
    {
        s - 5
    } else if letters.len() >= 4 && letters[letters.len() - 4..].eq_ignore_ascii_case(b"http") {
        s - 4
    } else if run > floor && bytes[run - 1].is_ascii_alphabetic() {
        return None;
    } else {
        run
    };
    scheme_at(bytes, start).filter(|scheme| scheme.sep_end > t)
}

/// `h{0,2} t{1,3} p{1,2} s{0,2}`, any case: `htp`, `htps`, `ttps`, `httpss`...
fn looks_like_http(word: &[u8]) -> bool {
    fn run(word: &[u8], i: &mut usize, c: u8, min: usize, max: usize) -> bool {
        let start = *i;
        while *i < word.len() && *i - start < max && word[*i].eq_ignore_ascii_case(&c) {
            *i += 1;
        }
        *i - start >= min
    }
    let mut i = 0;
    run(word, &mut i, b'h', 0, 2)
        && run(word, &mut i, b't', 1, 3)
        && run(word, &mut i, b'p', 1, 2)
        && run(word, &mut i, b's', 0, 2)
        && i == word.len()
}

/// RFC 3986 unreserved and reserved characters and `%`.
static URL_CHARS: [bool; 256] = {
    let mut table = [false; 256];
    let mut c = 0;
    while c < 128 {
        table[c] = (c as u8).is_ascii_alphanumeric();
        c += 1;
    }
    let extra = b"-._~:/?#[]@!$&'()*+,;=%";
    let mut i = 0;
    while i < extra.len() {
        table[extra[i] as usize] = true;
        i += 1;
    }
    table
};

/// The end of the URL characters from `from` (with `\` for misspelt links).
fn extend_url(bytes: &[u8], from: usize, backslash: bool) -> usize {
    let mut end = from;
    while end < bytes.len()
        && (URL_CHARS[bytes[end] as usize] || (backslash && bytes[end] == b'\\'))
    {
        end += 1;
    }
    end
}

/// Drops trailing `. , ; : ! ? ' "` and unbalanced closing `)` and `]` from
/// the URL `start..end`, never going below `min_end`.
fn trim_url(bytes: &[u8], start: usize, min_end: usize, mut end: usize) -> usize {
    let (mut parens, mut brackets) = (0isize, 0isize);
    for &b in &bytes[start..end] {
        match b {
            b'(' => parens += 1,
            b')' => parens -= 1,
            b'[' => brackets += 1,
            b']' => brackets -= 1,
            _ => {}
        }
    }
    while end > min_end {
        match bytes[end - 1] {
            b'.' | b',' | b';' | b':' | b'!' | b'?' | b'\'' | b'"' => {}
            b')' if parens < 0 => parens += 1,
            b']' if brackets < 0 => brackets += 1,
            _ => break,
        }
        end -= 1;
    }
    end
}

/// `aka.ms`: two or more labels, the last one alphabetic (two letters or more).
fn is_bare_domain(domain: &[u8]) -> bool {
    let mut labels = 0;
    let mut last: &[u8] = &[];
    for label in domain.split(|&b| b == b'.') {
        if label.is_empty() || label[0] == b'-' || label[label.len() - 1] == b'-' {
            return false;
        }
        labels += 1;
        last = label;
    }
    labels >= 2 && last.len() >= 2 && last.iter().all(u8::is_ascii_alphabetic)
}

const BAD_CHARACTER: &str = "it contains a character other than letters, digits, `-` and `.`";
const EMPTY_LABEL: &str = "it has an empty label (`..`, or a dot at an end)";
const HYPHEN: &str = "a part of it starts or ends with `-`";
const BAD_IPV4: &str = "it is not a valid IPv4 address";
const BAD_IPV6: &str = "it is not a valid IPv6 address";

/// What is wrong with `rest`, the part of an `http(s)` URL after `://`.
fn http_problem(rest: &str) -> Option<LinkProblem> {
    // Short strings: plain byte loops beat `memchr` here.
    let authority_end = (rest.bytes())
        .position(|b| matches!(b, b'/' | b'?' | b'#'))
        .unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host_port = (authority.bytes())
        .rposition(|b| b == b'@')
        .map_or(authority, |i| &authority[i + 1..]);
    let port = if let Some(inner) = host_port.strip_prefix('[') {
        let Some(close) = inner.find(']') else {
            return Some(invalid_host(host_port, BAD_IPV6));
        };
        if inner[..close].parse::<Ipv6Addr>().is_err() {
            return Some(invalid_host(&host_port[..close + 2], BAD_IPV6));
        }
        let after = &inner[close + 1..];
        match after.strip_prefix(':') {
            Some(port) => Some(port),
            None if after.is_empty() => None,
            None => return Some(invalid_host(host_port, BAD_IPV6)),
        }
    } else {
        let (host, port) = match host_port.bytes().position(|b| b == b':') {
            Some(colon) => (&host_port[..colon], Some(&host_port[colon + 1..])),
            None => (host_port, None),
        };
        if let Some(problem) = host_problem(host) {
            return Some(problem);
        }
        port
    };
    if let Some(port) = port {
        let number = port.bytes().all(|b| b.is_ascii_digit())
            && port.parse::<u32>().is_ok_and(|n| (1..=65535).contains(&n));
        if !port.is_empty() && !number {
            return Some(LinkProblem::BadPort(port.to_string()));
        }
    }
    percent_problem(rest)
}

fn invalid_host(host: &str, reason: &'static str) -> LinkProblem {
    LinkProblem::InvalidHost {
        host: host.to_string(),
        reason,
    }
}

fn host_problem(host: &str) -> Option<LinkProblem> {
    if host.is_empty() {
        return Some(LinkProblem::NoHost);
    }
    if !host
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
    {
        return Some(invalid_host(host, BAD_CHARACTER));
    }
    let mut numeric = true;
    let mut labels = 0;
    for label in host.split('.') {
        if label.is_empty() {
            return Some(invalid_host(host, EMPTY_LABEL));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Some(invalid_host(host, HYPHEN));
        }
        numeric &= label.bytes().all(|b| b.is_ascii_digit());
        labels += 1;
    }
    if numeric {
        let octets = host
            .split('.')
            .all(|label| label.len() <= 3 && label.parse::<u16>().is_ok_and(|n| n <= 255));
        return (labels != 4 || !octets).then(|| invalid_host(host, BAD_IPV4));
    }
    if labels == 1 && !host.eq_ignore_ascii_case("localhost") {
        return Some(LinkProblem::DotlessHost(host.to_string()));
    }
    None
}

/// The first `%` not followed by two hex digits.
fn percent_problem(url: &str) -> Option<LinkProblem> {
    let bytes = url.as_bytes();
    let mut from = 0;
    while let Some(i) = bytes[from..].iter().position(|&b| b == b'%') {
        let i = from + i;
        let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
        if !(hex(i + 1) && hex(i + 2)) {
            let after = url.get(i + 1..).unwrap_or("");
            return Some(LinkProblem::BadPercent(after.chars().take(2).collect()));
        }
        from = i + 3;
    }
    None
}

/// `Paper3` or `Paper 3` (the whole of `s`) with one of `keywords`.
fn keyword_number(s: &str, keywords: &[String]) -> Option<u64> {
    keywords
        .iter()
        .filter(|k| !k.is_empty())
        .find_map(|keyword| {
            let rest = s.strip_prefix(keyword.as_str())?;
            let digits = rest.strip_prefix(' ').unwrap_or(rest);
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| parse_number(digits.as_bytes()))
        })
}

/// The key of a citation, from what `[[` and `]]` enclose: what follows
/// `@`, as written. Spaces around it are ignored, as around any wiki target
/// (`[[ @k ]]` cites `k`). Without a `#` (`[[@x#Paper3]]` is a paper of the
/// file `@x`), it is a citation even when the key is not one
/// ([`is_citation_key`]: `[[@]]`, `[[@ park]]`): the rules say so, rather
/// than look for a file.
fn citation_key(content: &str) -> Option<&str> {
    let key = content.trim_matches([' ', '\t']).strip_prefix('@')?;
    (is_citation_key(key) || !key.contains('#')).then_some(key)
}

/// A citation key: one or more of ASCII letters, digits and `_-:./+`,
/// nothing else.
pub fn is_citation_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_-:./+".contains(&b))
}

/// Appends the citations `[[@key]]` of `range` of `text` (a heading line,
/// where nothing else is looked for) to `out.references`.
pub fn scan_citations(text: &str, range: TextRange, out: &mut Inline) {
    let Some((lo, hi)) = clamp(text, range) else {
        return;
    };
    let bytes = &text.as_bytes()[..hi];
    let mut from = lo;
    while let Some(i) = memchr::memmem::find(&bytes[from..], b"[[") {
        let t = from + i;
        let start = t + 2;
        let close = bytes[start..]
            .iter()
            .position(|&b| is_bracket_stop(b))
            .map(|p| start + p);
        match close {
            Some(close) if bytes[close] == b']' && bytes.get(close + 1) == Some(&b']') => {
                if let Some(key) = citation_key(&text[start..close]) {
                    out.references.push(Reference {
                        range: TextRange::new(t, close + 2),
                        target: RefTarget::Citation(key.to_string()),
                        wiki: true,
                    });
                }
                from = close + 2;
            }
            // `[[[@k]]]`: the pair that opens the citation starts at the
            // next byte.
            Some(_) => from = t + 1,
            None => break,
        }
    }
}

/// An ASCII letter, digit or `_`: a byte that glues a keyword to its
/// neighbour, so that `MyPaper9` and `Paper3D` are no references (CJK text
/// is not a word byte: `与Paper2类似` holds one).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// Where the text of `[...]` or `[[...]]` stops.
fn is_bracket_stop(b: u8) -> bool {
    matches!(b, b'[' | b']' | b'\n' | b'\r')
}

thread_local! {
    /// The keyword searcher of the last keyword list seen on this thread.
    static FINDER: RefCell<Option<(Vec<String>, Option<AhoCorasick>)>> =
        const { RefCell::new(None) };
}

/// A leftmost-longest searcher for the (non-empty) keywords, built once per
/// keyword list and thread.
fn keyword_finder(keywords: &[String]) -> Option<AhoCorasick> {
    let build = || {
        let patterns: Vec<&str> = keywords
            .iter()
            .map(String::as_str)
            .filter(|k| !k.is_empty())
            .collect();
        if patterns.is_empty() {
            return None;
        }
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .ok()
    };
    FINDER
        .try_with(|cell| {
            let Ok(mut slot) = cell.try_borrow_mut() else {
                return build();
            };
            match &*slot {
                Some((cached, finder)) if cached.as_slice() == keywords => finder.clone(),
                _ => {
                    let finder = build();
                    *slot = Some((keywords.to_vec(), finder.clone()));
                    finder
                }
            }
        })
        .unwrap_or_else(|_| build())
}

impl LinkProblem {
    /// Why the link is malformed, in a sentence fragment that also says what
    /// would fix it (used in diagnostics and hovers).
    pub fn describe(&self) -> String {
        match self {
            LinkProblem::MisspeltScheme(scheme) => {
                let word: String = scheme
                    .chars()
                    .take_while(char::is_ascii_alphabetic)
                    .collect::<String>()
                    .to_ascii_lowercase();
                let fix = if word == "http" || word == "https" {
                    format!("`{word}://`")
                } else {
                    "`http://` or `https://`".to_string()
                };
                format!("the scheme `{scheme}` is misspelt: write {fix}")
            }
            LinkProblem::NoHost => {
                "the link has no host: write a host name after `//`, as in `https://example.org/`"
                    .to_string()
            }
            LinkProblem::InvalidHost { host, reason } => {
                format!("the host `{host}` is not a valid host name: {reason}; correct it")
            }
            LinkProblem::DotlessHost(host) => format!(
                "the host `{host}` has no dot: write the full domain name (such as `{host}.org`)"
            ),
            LinkProblem::BadPort(port) => format!(
                "the port `{port}` is not a number from 1 to 65535: correct it or leave it out"
            ),
            LinkProblem::BadPercent(after) if after.is_empty() => {
                "a `%` ends the link: `%` must be followed by two hex digits (write `%25` for a \
                 literal `%`)"
                    .to_string()
            }
            LinkProblem::BadPercent(after) => format!(
                "`%{after}` is not a valid escape: `%` must be followed by two hex digits (write \
                 `%25` for a literal `%`)"
            ),
            LinkProblem::EmptyMarkdownUrl => {
                "the Markdown link has no URL: put the URL between `(` and `)`".to_string()
            }
            LinkProblem::SpaceInMarkdownUrl => {
                "the Markdown link's URL contains a space: write it as `%20`, or put the title \
                 after the URL in quotes"
                    .to_string()
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn paper() -> Vec<String> {
        vec!["Paper".to_string()]
    }

    fn scan_all(text: &str, keywords: &[String]) -> Inline {
        let mut out = Inline::default();
        scan(text, TextRange::new(0, text.len()), keywords, &mut out);
        out
    }

    /// `(url as written, kind, problem)` for every link, the range checked
    /// to be the URL for plain links.
    fn links(text: &str) -> Vec<(&str, LinkKind, Option<LinkProblem>)> {
        scan_all(text, &paper())
            .links
            .into_iter()
            .map(|link| {
                if matches!(link.kind, LinkKind::Url | LinkKind::NoScheme) {
                    assert_eq!(link.range, link.url, "{text}");
                }
                (link.url.slice(text), link.kind, link.problem)
            })
            .collect()
    }

    /// The single link of `text`: `(range as written, url as written, problem)`.
    fn one_link(text: &str) -> (&str, &str, LinkKind, Option<LinkProblem>) {
        let found = scan_all(text, &paper()).links;
        assert_eq!(found.len(), 1, "{text}: {found:?}");
        let link = &found[0];
        (
            link.range.slice(text),
            link.url.slice(text),
            link.kind,
            link.problem.clone(),
        )
    }

    fn refs_with<'t>(text: &'t str, keywords: &[&str]) -> Vec<(&'t str, RefTarget, bool)> {
        let keywords: Vec<String> = keywords.iter().map(|k| k.to_string()).collect();
        scan_all(text, &keywords)
            .references
            .into_iter()
            .map(|r| (r.range.slice(text), r.target, r.wiki))
            .collect()
    }

    fn refs(text: &str) -> Vec<(&str, RefTarget, bool)> {
        refs_with(text, &["Paper"])
    }

    fn host(host: &str, reason: &'static str) -> Option<LinkProblem> {
        Some(LinkProblem::InvalidHost {
            host: host.to_string(),
            reason,
        })
    }

    fn misspelt(scheme: &str) -> Option<LinkProblem> {
        Some(LinkProblem::MisspeltScheme(scheme.to_string()))
    }

    #[test]
    fn well_formed_links() {
        use LinkKind::*;
        #[rustfmt::skip]
        let table: &[(&str, &str, &str, LinkKind)] = &[
            // (text, whole link, url, kind)
            ("可在https://github.com/a/b找到。", "https://github.com/a/b", "https://github.com/a/b", Url),
            ("(code: https://x.org/a).", "https://x.org/a", "https://x.org/a", Url),
            ("见 https://github.com/u/SSD-Det.", "https://github.com/u/SSD-Det", "https://github.com/u/SSD-Det", Url),
            ("https://en.wikipedia.org/wiki/A_(b)", "https://en.wikipedia.org/wiki/A_(b)", "https://en.wikipedia.org/wiki/A_(b)", Url),
            ("(see https://en.wikipedia.org/wiki/A_(b))", "https://en.wikipedia.org/wiki/A_(b)", "https://en.wikipedia.org/wiki/A_(b)", Url),
            ("http://localhost:8080/x", "http://localhost:8080/x", "http://localhost:8080/x", Url),
            ("at http://127.0.0.1:3000/.", "http://127.0.0.1:3000/", "http://127.0.0.1:3000/", Url),
            ("http://[::1]:8080/", "http://[::1]:8080/", "http://[::1]:8080/", Url),
            ("https://x.org/a?b=c&d=e#f", "https://x.org/a?b=c&d=e#f", "https://x.org/a?b=c&d=e#f", Url),
            ("https://x.org/a%20b%2F", "https://x.org/a%20b%2F", "https://x.org/a%20b%2F", Url),
            ("https://user:pw@x.org/", "https://user:pw@x.org/", "https://user:pw@x.org/", Url),
            ("https://x.org:/a", "https://x.org:/a", "https://x.org:/a", Url),
            ("HTTPS://X.ORG/A", "HTTPS://X.ORG/A", "HTTPS://X.ORG/A", Url),
            ("链接：https://x.org/a，以及", "https://x.org/a", "https://x.org/a", Url),
            ("\"https://x.org/a\"", "https://x.org/a", "https://x.org/a", Url),
            ("'https://x.org/a';", "https://x.org/a", "https://x.org/a", Url),
            ("[https://x.org]", "https://x.org", "https://x.org", Url),
            ("wow https://x.org/a/b!?", "https://x.org/a/b", "https://x.org/a/b", Url),
            ("https://x.org/a\r\nnext", "https://x.org/a", "https://x.org/a", Url),
            ("https://x.org/a\rnext", "https://x.org/a", "https://x.org/a", Url),
            ("codehttps://x.org/a", "https://x.org/a", "https://x.org/a", Url),
            ("https://arxiv.org/abs/2301.00001v2：", "https://arxiv.org/abs/2301.00001v2", "https://arxiv.org/abs/2301.00001v2", Url),
            ("[code](https://x.org/a)", "[code](https://x.org/a)", "https://x.org/a", Markdown),
            ("见[代码](https://x.org/a \"Title\")。", "[代码](https://x.org/a \"Title\")", "https://x.org/a", Markdown),
            ("[x](https://x.org/a 'Title')", "[x](https://x.org/a 'Title')", "https://x.org/a", Markdown),
            ("[x](https://en.wikipedia.org/wiki/A_(b))", "[x](https://en.wikipedia.org/wiki/A_(b))", "https://en.wikipedia.org/wiki/A_(b)", Markdown),
            ("[x](<https://x.org/a>)", "[x](<https://x.org/a>)", "https://x.org/a", Markdown),
            ("[other](other.digest)", "[other](other.digest)", "other.digest", Markdown),
            ("[see https://x.org](https://y.org)", "[see https://x.org](https://y.org)", "https://y.org", Markdown),
            ("![fig](https://x.org/f.png)", "[fig](https://x.org/f.png)", "https://x.org/f.png", Markdown),
            ("<https://x.org/a>", "<https://x.org/a>", "https://x.org/a", Angle),
            ("见<http://localhost/>。", "<http://localhost/>", "http://localhost/", Angle),
        ];
        assert!(table.len() >= 20);
        for &(text, whole, url, kind) in table {
            assert_eq!(one_link(text), (whole, url, kind, None), "{text}");
        }
    }

    #[test]
    fn malformed_links() {
        use LinkKind::*;
        #[rustfmt::skip]
        let table: &[(&str, &str, LinkKind, Option<LinkProblem>)] = &[
            // (text, whole link, kind, problem)
            ("见htp://x.org/a。", "htp://x.org/a", Url, misspelt("htp://")),
            ("htps://x.org/a", "htps://x.org/a", Url, misspelt("htps://")),
            ("ttps://x.org/a", "ttps://x.org/a", Url, misspelt("ttps://")),
            ("http:/x.org/a", "http:/x.org/a", Url, misspelt("http:/")),
            ("see https//x.org/a.", "https//x.org/a", Url, misspelt("https//")),
            ("HTTPS//x.org", "HTTPS//x.org", Url, misspelt("HTTPS//")),
            ("http:\\\\x.org\\a\\b。", "http:\\\\x.org\\a\\b", Url, misspelt("http:\\\\")),
            ("http:\\x.org", "http:\\x.org", Url, misspelt("http:\\")),
            ("htp:///x", "htp:///x", Url, misspelt("htp:///")),
            ("协议http://和", "http://", Url, Some(LinkProblem::NoHost)),
            ("https:///path", "https:///path", Url, Some(LinkProblem::NoHost)),
            ("https://:80/a", "https://:80/a", Url, Some(LinkProblem::NoHost)),
            ("http://user@/a", "http://user@/a", Url, Some(LinkProblem::NoHost)),
            ("http://a..b/x", "http://a..b/x", Url, host("a..b", EMPTY_LABEL)),
            ("http://-a.org/", "http://-a.org/", Url, host("-a.org", HYPHEN)),
            ("http://a.b-/", "http://a.b-/", Url, host("a.b-", HYPHEN)),
            ("http://exa_mple.org/", "http://exa_mple.org/", Url, host("exa_mple.org", BAD_CHARACTER)),
            ("http://300.1.2.3/", "http://300.1.2.3/", Url, host("300.1.2.3", BAD_IPV4)),
            ("http://1.2.3/", "http://1.2.3/", Url, host("1.2.3", BAD_IPV4)),
            ("http://[::g]/", "http://[::g]/", Url, host("[::g]", BAD_IPV6)),
            ("http://[::1/", "http://[::1/", Url, host("[::1", BAD_IPV6)),
            ("http://example/x", "http://example/x", Url, Some(LinkProblem::DotlessHost("example".into()))),
            ("http://x.org:99999/", "http://x.org:99999/", Url, Some(LinkProblem::BadPort("99999".into()))),
            ("http://x.org:0/", "http://x.org:0/", Url, Some(LinkProblem::BadPort("0".into()))),
            ("http://x.org:8x/", "http://x.org:8x/", Url, Some(LinkProblem::BadPort("8x".into()))),
            ("http://[::1]:70000/", "http://[::1]:70000/", Url, Some(LinkProblem::BadPort("70000".into()))),
            ("https://x.org/a%zz", "https://x.org/a%zz", Url, Some(LinkProblem::BadPercent("zz".into()))),
            ("https://x.org/a%2", "https://x.org/a%2", Url, Some(LinkProblem::BadPercent("2".into()))),
            ("https://x.org/100%", "https://x.org/100%", Url, Some(LinkProblem::BadPercent(String::new()))),
            ("[text]()", "[text]()", Markdown, Some(LinkProblem::EmptyMarkdownUrl)),
            ("[text](  )", "[text](  )", Markdown, Some(LinkProblem::EmptyMarkdownUrl)),
            ("[text](a b)", "[text](a b)", Markdown, Some(LinkProblem::SpaceInMarkdownUrl)),
            ("[t](https://x.org/a b c)", "[t](https://x.org/a b c)", Markdown, Some(LinkProblem::SpaceInMarkdownUrl)),
            ("[t](htp://x.org)", "[t](htp://x.org)", Markdown, misspelt("htp://")),
            ("[t](https://x..org)", "[t](https://x..org)", Markdown, host("x..org", EMPTY_LABEL)),
            ("[t](https://例子.中国/)", "[t](https://例子.中国/)", Markdown, host("例子.中国", BAD_CHARACTER)),
            ("[t](file%g.digest)", "[t](file%g.digest)", Markdown, Some(LinkProblem::BadPercent("g.".into()))),
            ("<htp://x.org>", "<htp://x.org>", Angle, misspelt("htp://")),
            ("<http://intranet/a>", "<http://intranet/a>", Angle, Some(LinkProblem::DotlessHost("intranet".into()))),
        ];
        assert!(table.len() >= 20);
        for (text, whole, kind, problem) in table {
            let (range, _, found_kind, found_problem) = one_link(text);
            assert_eq!(
                (range, found_kind, &found_problem),
                (*whole, *kind, problem),
                "{text}"
            );
            assert!(!found_problem.unwrap().describe().is_empty());
        }
    }

    #[test]
    fn link_parts() {
        let text = "[t](https://x.org/a b c)";
        let link = &scan_all(text, &paper()).links[0];
        assert_eq!(link.url.slice(text), "https://x.org/a b c");
        let text = "[text]()";
        let link = &scan_all(text, &paper()).links[0];
        assert_eq!(link.url, TextRange::empty(7));
        let text = "[t](http://x.org/a b)";
        assert_eq!(
            scan_all(text, &paper()).links[0].problem,
            Some(LinkProblem::SpaceInMarkdownUrl)
        );
    }

    #[test]
    fn not_links() {
        for text in [
            "http: the protocol",
            "http/2 and https/3",
            "ftp://x.org/a",
            "and/or, 1/2, e.g/x, v1.0/2, Fig.3/4",
            "<b>bold</b> and a<b, c>d",
            "<https://x.org/a b>",
            "[1] and (see [2])",
            "github.com",
            "github.com/",
            "github.com/.",
            "C:\\Users\\me",
            "x.y/z",
        ] {
            let found: Vec<_> = links(text)
                .into_iter()
                .map(|(url, kind, _)| (url, kind))
                .collect();
            let expected: Vec<(&str, LinkKind)> = if text == "<https://x.org/a b>" {
                vec![("https://x.org/a", LinkKind::Url)]
            } else {
                Vec::new()
            };
            assert_eq!(found, expected, "{text}");
        }
    }

    #[test]
    fn several_links() {
        assert_eq!(
            links("见https://x.org/a 和https://y.org/b，及[c](https://z.org)<https://w.org>"),
            vec![
                ("https://x.org/a", LinkKind::Url, None),
                ("https://y.org/b", LinkKind::Url, None),
                ("https://z.org", LinkKind::Markdown, None),
                ("https://w.org", LinkKind::Angle, None),
            ]
        );
        // Unclosed Markdown links do not hide the URLs after them.
        assert_eq!(
            links("[a](see https://x.org [b](https://y.org)"),
            vec![
                ("https://x.org", LinkKind::Url, None),
                ("https://y.org", LinkKind::Url, None),
            ]
        );
        // No link spans a line break.
        assert_eq!(
            links("[a](\nhttps://x.org)"),
            vec![("https://x.org", LinkKind::Url, None)]
        );
    }

    #[test]
    fn links_without_scheme() {
        #[rustfmt::skip]
        let table: &[(&str, &[&str])] = &[
            ("代码和模型将在aka.ms/tinyclip开源。", &["aka.ms/tinyclip"]),
            ("available at aka.ms/tinyclip.", &["aka.ms/tinyclip"]),
            ("(github.com/a/b)", &["github.com/a/b"]),
            ("见github.com/a/b", &["github.com/a/b"]),
            ("github.com/a/b?x=1#y", &["github.com/a/b?x=1#y"]),
            ("docs.python.org/3/library", &["docs.python.org/3/library"]),
            ("a-b.example.com/x", &["a-b.example.com/x"]),
            ("<github.com/a>", &["github.com/a"]),
            // near misses
            ("me@github.com/a", &[]),
            ("https://x.org/github.com/a", &["https://x.org/github.com/a"]),
            ("_github.com/a", &[]),
            ("-github.com/a", &[]),
            (":github.com/a", &[]),
            ("/github.com/a", &[]),
            (".github.com/a", &[]),
            ("github.c0m/a", &[]),
            ("a..b.com/x", &[]),
            ("localhost/x", &[]),
            ("[[github.com/a]]", &[]),
            ("[x](github.com/a)", &["github.com/a"]),
        ];
        for &(text, expected) in table {
            let found: Vec<&str> = links(text).into_iter().map(|(url, _, _)| url).collect();
            assert_eq!(found, expected, "{text}");
        }
        assert_eq!(
            links("见github.com/a/b"),
            vec![("github.com/a/b", LinkKind::NoScheme, None)]
        );
        assert_eq!(links("[x](github.com/a)")[0].1, LinkKind::Markdown);
    }

    #[test]
    fn heading_citations() {
        let text = "Paper1 T [[@a]] [[x]] [[@b c]] [[@[[@d]] Paper2 [[@e]] [[[@f]]] [[ @g ]]";
        let mut out = Inline::default();
        scan_citations(text, TextRange::new(7, text.len()), &mut out);
        let found: Vec<_> = (out.references.iter())
            .map(|r| (r.range.slice(text), r.citation()))
            .collect();
        assert_eq!(
            found,
            vec![
                ("[[@a]]", Some("a")),
                ("[[@b c]]", Some("b c")),
                ("[[@d]]", Some("d")),
                ("[[@e]]", Some("e")),
                ("[[@f]]", Some("f")),
                ("[[ @g ]]", Some("g"))
            ]
        );
        assert!(out.links.is_empty());
    }

    #[test]
    fn wiki_references() {
        use RefTarget::*;
        #[rustfmt::skip]
        let table: &[(&str, &str, RefTarget)] = &[
            ("见[[Paper3]]。", "[[Paper3]]", Paper(3)),
            ("[[#Paper3]]", "[[#Paper3]]", Paper(3)),
            ("[[Paper 3]]", "[[Paper 3]]", Paper(3)),
            ("[[ Paper3 ]]", "[[ Paper3 ]]", Paper(3)),
            ("[[Paper007]]", "[[Paper007]]", Paper(7)),
            ("[[Paper99999999999999999999999]]", "[[Paper99999999999999999999999]]", Paper(u64::MAX)),
            ("[[other#Paper2]]", "[[other#Paper2]]", FilePaper { file: "other".into(), number: 2 }),
            ("[[../2023/iccv.digest#Paper 12]]", "[[../2023/iccv.digest#Paper 12]]", FilePaper { file: "../2023/iccv.digest".into(), number: 12 }),
            ("[[other]]", "[[other]]", File("other".into())),
            ("[[综述.digest]]", "[[综述.digest]]", File("综述.digest".into())),
            ("[[paper3]]", "[[paper3]]", File("paper3".into())),
            ("[[other#intro]]", "[[other#intro]]", BadAnchor { file: "other".into(), anchor: "intro".into() }),
            ("[[#intro]]", "[[#intro]]", BadAnchor { file: String::new(), anchor: "intro".into() }),
            ("[[other#Paper3D]]", "[[other#Paper3D]]", BadAnchor { file: "other".into(), anchor: "Paper3D".into() }),
            ("[[other#]]", "[[other#]]", BadAnchor { file: "other".into(), anchor: String::new() }),
            ("[[[Paper1]]]", "[[Paper1]]", Paper(1)),
            ("见[[@smith2023]]。", "[[@smith2023]]", Citation("smith2023".into())),
            ("[[@a-b_c:d/e.f+g]]", "[[@a-b_c:d/e.f+g]]", Citation("a-b_c:d/e.f+g".into())),
            ("[[@Paper3]]", "[[@Paper3]]", Citation("Paper3".into())),
            ("[[@x#Paper3]]", "[[@x#Paper3]]", FilePaper { file: "@x".into(), number: 3 }),
            // Not a key, but a citation all the same (never the file `@`).
            ("[[@]]", "[[@]]", Citation(String::new())),
            ("[[@ park]]", "[[@ park]]", Citation(" park".into())),
            ("[[@park 2019]]", "[[@park 2019]]", Citation("park 2019".into())),
            // Spaces around the target are ignored, as for other targets.
            ("[[ @park2019 ]]", "[[ @park2019 ]]", Citation("park2019".into())),
            ("[[@park2019\t]]", "[[@park2019\t]]", Citation("park2019".into())),
            ("[[ @ park ]]", "[[ @ park ]]", Citation(" park".into())),
        ];
        for (text, range, target) in table {
            assert_eq!(refs(text), vec![(*range, target.clone(), true)], "{text}");
        }
        for text in [
            "[[]]",
            "[[ ]]",
            "[[Paper3\n]]",
            "[[Paper3]",
            "[[a]b]]",
            "[Paper3]]x",
        ] {
            let wiki: Vec<_> = refs(text).into_iter().filter(|r| r.2).collect();
            assert_eq!(wiki, vec![], "{text}");
        }
        assert_eq!(
            refs_with("[[论文3]] [[x#论文 4]]", &["Paper", "论文"]),
            vec![
                ("[[论文3]]", Paper(3), true),
                (
                    "[[x#论文 4]]",
                    FilePaper {
                        file: "x".into(),
                        number: 4
                    },
                    true
                ),
            ]
        );
    }

    #[test]
    fn in_file_references() {
        use RefTarget::Paper;
        #[rustfmt::skip]
        let table: &[(&str, &[(&str, u64)])] = &[
            ("与Paper3类似", &[("Paper3", 3)]),
            ("(see Paper 12)", &[("Paper 12", 12)]),
            ("(Paper 12)", &[("Paper 12", 12)]),
            ("Paper3, Paper4.", &[("Paper3", 3), ("Paper4", 4)]),
            ("Paper007", &[("Paper007", 7)]),
            ("Paper99999999999999999999999。", &[("Paper99999999999999999999999", u64::MAX)]),
            ("Paper3-5", &[("Paper3", 3)]),
            ("见Paper3\r\nPaper4", &[("Paper3", 3), ("Paper4", 4)]),
            ("Paper3D", &[]),
            ("MyPaper3", &[]),
            ("_Paper3", &[]),
            ("1Paper3", &[]),
            ("Paper3_", &[]),
            ("paper 3", &[]),
            ("Paper  3", &[]),
            ("Paper", &[]),
            ("Papers 3", &[]),
            ("Paper\n3", &[]),
            ("https://x.org/Paper3", &[]),
            ("<https://x.org/Paper3>", &[]),
            ("[Paper3](https://x.org)", &[]),
            ("aka.ms/Paper3", &[]),
            ("Paper3.com/a", &[]),
        ];
        for &(text, expected) in table {
            let expected: Vec<_> = expected
                .iter()
                .map(|&(s, n)| (s, Paper(n), false))
                .collect();
            assert_eq!(refs(text), expected, "{text}");
        }
        assert_eq!(
            refs("[[other#Paper2]]"),
            vec![(
                "[[other#Paper2]]",
                RefTarget::FilePaper {
                    file: "other".into(),
                    number: 2
                },
                true
            )]
        );
    }

    #[test]
    fn custom_keywords() {
        use RefTarget::Paper;
        let keywords = ["Paper", "论文"];
        assert_eq!(
            refs_with("与论文3类似，见Paper 4和论文 5；a论文6", &keywords),
            vec![
                ("论文3", Paper(3), false),
                ("Paper 4", Paper(4), false),
                ("论文 5", Paper(5), false),
            ]
        );
        assert_eq!(refs_with("与论文3类似", &["Paper"]), vec![]);
        assert_eq!(refs_with("Paper3", &["Article"]), vec![]);
        assert_eq!(refs_with("Paper3", &[]), vec![]);
        assert_eq!(refs_with("Paper3", &[""]), vec![]);
        // Leftmost-longest among overlapping keywords.
        assert_eq!(
            refs_with("PaperX3 Paper3", &["Paper", "PaperX"]),
            vec![("PaperX3", Paper(3), false), ("Paper3", Paper(3), false)]
        );
    }

    #[test]
    fn references_in_text_order() {
        use RefTarget::*;
        assert_eq!(
            refs("Paper1 [[Paper2]] Paper3 [[x]] https://x.org/Paper9 Paper4"),
            vec![
                ("Paper1", Paper(1), false),
                ("[[Paper2]]", Paper(2), true),
                ("Paper3", Paper(3), false),
                ("[[x]]", File("x".into()), true),
                ("Paper4", Paper(4), false),
            ]
        );
    }

    #[test]
    fn only_the_range_is_scanned() {
        let text = "Paper1 https://a.org\nPaper2 https://b.org [[Paper5]]\nPaper3";
        let start = text.find("Paper2").unwrap();
        let end = text.rfind('\n').unwrap();
        let mut out = Inline::default();
        scan(text, TextRange::new(start, end), &paper(), &mut out);
        let urls: Vec<&str> = out.links.iter().map(|l| l.url.slice(text)).collect();
        assert_eq!(urls, ["https://b.org"]);
        let refs: Vec<&str> = out.references.iter().map(|r| r.range.slice(text)).collect();
        assert_eq!(refs, ["Paper2", "[[Paper5]]"]);
        // A range cutting a URL or a reference short sees only its part.
        let mut out = Inline::default();
        scan(text, TextRange::new(0, 17), &paper(), &mut out);
        assert_eq!(out.links[0].url.slice(text), "https://a");
        assert_eq!(
            out.links[0].problem,
            Some(LinkProblem::DotlessHost("a".into()))
        );
        let mut out = Inline::default();
        scan(text, TextRange::new(1, 6), &paper(), &mut out);
        assert_eq!(out, Inline::default());
        // Out-of-bounds and mid-character ranges are clamped, not a panic.
        let mut out = Inline::default();
        scan("见Paper3", TextRange::new(1, 100), &paper(), &mut out);
        assert_eq!(out.references[0].range, TextRange::new(3, 9));
        scan("见", TextRange::new(5, 2), &paper(), &mut out);
        // Appends to what is there.
        let mut out = Inline::default();
        scan("Paper1", TextRange::new(0, 6), &paper(), &mut out);
        scan("Paper2", TextRange::new(0, 6), &paper(), &mut out);
        assert_eq!(out.references.len(), 2);
    }

    #[test]
    fn describe() {
        let cases = [
            (
                LinkProblem::MisspeltScheme("htp://".into()),
                "the scheme `htp://` is misspelt: write `http://` or `https://`",
            ),
            (
                LinkProblem::MisspeltScheme("https//".into()),
                "the scheme `https//` is misspelt: write `https://`",
            ),
            (
                LinkProblem::MisspeltScheme("HTTP:\\\\".into()),
                "the scheme `HTTP:\\\\` is misspelt: write `http://`",
            ),
            (
                LinkProblem::BadPort("99999".into()),
                "the port `99999` is not a number from 1 to 65535: correct it or leave it out",
            ),
            (
                LinkProblem::InvalidHost {
                    host: "a..b".into(),
                    reason: EMPTY_LABEL,
                },
                "the host `a..b` is not a valid host name: it has an empty label (`..`, or a dot \
                 at an end); correct it",
            ),
            (
                LinkProblem::BadPercent("zz".into()),
                "`%zz` is not a valid escape: `%` must be followed by two hex digits (write `%25` \
                 for a literal `%`)",
            ),
        ];
        for (problem, text) in cases {
            assert_eq!(problem.describe(), text);
        }
        for problem in [
            LinkProblem::NoHost,
            LinkProblem::DotlessHost("x".into()),
            LinkProblem::BadPercent(String::new()),
            LinkProblem::EmptyMarkdownUrl,
            LinkProblem::SpaceInMarkdownUrl,
        ] {
            assert!(!problem.describe().is_empty());
            assert!(!problem.describe().contains("LinkProblem"));
        }
    }

    #[test]
    fn pathological_inputs_are_linear() {
        // Each of these would be quadratic with a naive rescan per trigger.
        for unit in [
            "[a](", "[[", "[", "<http://", "a.b/", "a/", "(", "http:/", "Paper",
        ] {
            let text = unit.repeat(200_000 / unit.len());
            let started = std::time::Instant::now();
            let out = scan_all(&text, &paper());
            assert!(started.elapsed().as_secs() < 2, "{unit}");
            drop(out);
        }
    }

    fn check_invariants(text: &str, start: usize, end: usize, keywords: &[String]) {
        let mut out = Inline::default();
        scan(text, TextRange::new(start, end), keywords, &mut out);
        let mut again = Inline::default();
        scan(text, TextRange::new(start, end), keywords, &mut again);
        assert_eq!(out, again);
        let end = end.min(text.len());
        let inside = |r: TextRange| {
            r.start <= r.end
                && start <= r.start
                && r.end <= end
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
                && !r.slice(text).contains(['\n', '\r'])
        };
        let mut last = 0;
        for link in &out.links {
            assert!(inside(link.range), "{link:?}");
            assert!(link.range.contains_range(link.url), "{link:?}");
            assert!(inside(link.url), "{link:?}");
            assert!(link.range.start >= last, "{link:?}");
            last = link.range.end;
            if let Some(problem) = &link.problem {
                assert!(!problem.describe().is_empty());
            }
        }
        let mut last = 0;
        for reference in &out.references {
            assert!(inside(reference.range), "{reference:?}");
            assert!(reference.range.start >= last, "{reference:?}");
            last = reference.range.end;
            assert!(
                out.links
                    .iter()
                    .all(|l| l.range.end <= reference.range.start
                        || reference.range.end <= l.range.start),
                "{reference:?}"
            );
        }
    }

    fn fragments() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "Paper",
            "论文",
            "3",
            "12",
            " ",
            "[[",
            "]]",
            "[",
            "]",
            "(",
            ")",
            "<",
            ">",
            "http",
            "https",
            "htp",
            "://",
            ":/",
            "//",
            "\\",
            ".",
            "a",
            "github.com",
            "/",
            "%",
            "%2",
            "#",
            "\n",
            "\r",
            "\r\n",
            "见",
            "@",
            ":",
            "'",
            "\"",
            "😀",
            "-",
            "_",
            "x.org",
            "[::1]",
            ":8080",
            "é",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn never_panics_on_fragments(text in fragments(), a in 0usize..200, b in 0usize..200) {
            let keywords = vec!["Paper".to_string(), "论文".to_string()];
            check_invariants(&text, 0, text.len(), &keywords);
            check_invariants(&text, a.min(b), a.max(b), &keywords);
        }

        #[test]
        fn never_panics_on_any_string(text in any::<String>(), a in 0usize..100, b in 0usize..100) {
            check_invariants(&text, 0, text.len(), &paper());
            check_invariants(&text, a.min(b), a.max(b), &paper());
        }
    }
}
