//! LaTeX text to display text: accents, a few named letters, dashes and
//! braces.

/// Decodes what a `.bib` field may hold for display: `{\"u}` and `\"u` are
/// `ü`, `\'e` is `é`, `{\ss}` is `ß`, `--` is `–`, `---` is `—`, `~` is a
/// space, and braces are removed. Unknown commands are kept without their
/// backslash's braces; never fails.
pub fn decode_latex(text: &str) -> String {
    // Most fields hold none of what is decoded.
    if !text.contains(['{', '}', '~', '-', '\\']) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '{' | '}' => i += 1,
            '~' => {
                out.push(' ');
                i += 1;
            }
            '-' if chars.get(i + 1) == Some(&'-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('—');
                    i += 3;
                } else {
                    out.push('–');
                    i += 2;
                }
            }
            '\\' => i = command(&chars, i + 1, &mut out),
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Decodes the command whose name starts at `i` (after the backslash);
/// returns the index after it.
fn command(chars: &[char], mut i: usize, out: &mut String) -> usize {
    let Some(&first) = chars.get(i) else {
        out.push('\\');
        return i;
    };
    // `\u{a}` is a breve, `\url` is a command.
    let letter_accent =
        first.is_ascii_alphabetic() && chars.get(i + 1).is_some_and(char::is_ascii_alphabetic);
    if let Some(mark) = accent(first).filter(|_| !letter_accent) {
        i += 1;
        // The accent's argument: `\"u`, `\"{u}`, `\" u`, `\"{\i}`.
        while first.is_ascii_alphabetic() && chars.get(i) == Some(&' ') {
            i += 1;
        }
        let braced = chars.get(i) == Some(&'{');
        if braced {
            i += 1;
        }
        let base = match chars.get(i) {
            Some('\\') => match chars.get(i + 1) {
                Some('i') => {
                    i += 2;
                    Some('i')
                }
                Some('j') => {
                    i += 2;
                    Some('j')
                }
                _ => None,
            },
            Some(&c) if c != '}' => {
                i += 1;
                Some(c)
            }
            _ => None,
        };
        if braced && chars.get(i) == Some(&'}') {
            i += 1;
        }
        match base {
            Some(b) => out.push_str(&compose(b, mark)),
            None => out.push(mark),
        }
        return i;
    }
    if first.is_ascii_alphabetic() {
        let start = i;
        while chars.get(i).is_some_and(char::is_ascii_alphabetic) {
            i += 1;
        }
        let name: String = chars[start..i].iter().collect();
        // A named command eats the spaces after it (`{\ss}`, `\ss x`).
        let spaced = chars.get(i) == Some(&' ');
        match named(&name) {
            Some(s) => {
                out.push_str(s);
                if spaced {
                    i += 1;
                }
            }
            // `\emph{x}`, `\textit{x}`: keep the argument, drop the command.
            None if chars.get(i) == Some(&'{') => {}
            None => {
                out.push('\\');
                out.push_str(&name);
            }
        }
        return i;
    }
    // `\&`, `\%`, `\$`, `\_`, `\#`, `\{`, `\}`, `\\`: the character itself.
    out.push(first);
    i + 1
}

/// The combining mark of an accent command.
fn accent(c: char) -> Option<char> {
    Some(match c {
        '"' => '\u{308}',
        '\'' => '\u{301}',
        '`' => '\u{300}',
        '^' => '\u{302}',
        '~' => '\u{303}',
        '=' => '\u{304}',
        '.' => '\u{307}',
        'u' => '\u{306}',
        'v' => '\u{30C}',
        'H' => '\u{30B}',
        'c' => '\u{327}',
        'k' => '\u{328}',
        'r' => '\u{30A}',
        _ => return None,
    })
}

/// `base` with `mark`, as one precomposed character where Unicode has one.
fn compose(base: char, mark: char) -> String {
    use unicode_normalization::UnicodeNormalization;
    [base, mark].into_iter().nfc().collect()
}

fn named(name: &str) -> Option<&'static str> {
    Some(match name {
        "ss" => "ß",
        "o" => "ø",
        "O" => "Ø",
        "ae" => "æ",
        "AE" => "Æ",
        "oe" => "œ",
        "OE" => "Œ",
        "aa" => "å",
        "AA" => "Å",
        "l" => "ł",
        "L" => "Ł",
        "i" => "ı",
        "j" => "ȷ",
        "textendash" => "–",
        "textemdash" => "—",
        "LaTeX" => "LaTeX",
        "TeX" => "TeX",
        _ => return None,
    })
}
