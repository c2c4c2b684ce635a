//! Text made safe for XML and HTML, shared by the SVG and HTML formats: in element content and
//! in attribute values alike.

/// Escapes `&`, `<`, `>`, `"` and `'`; line breaks and tabs are kept (they are text in XML,
/// and the JUnit bodies are lines), other unsafe characters, which XML 1.0 cannot carry or
/// which mislead a reader, are written visibly.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// [`escape`], appended to `out`. Runs of printable ASCII without markup are copied whole.
pub fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if (b' '..b'\x7f').contains(&b) && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'') {
            i += 1;
            continue;
        }
        out.push_str(&text[plain..i]);
        // `i` is at a character boundary: every byte before it was ASCII or a whole character.
        let c = text[i..].chars().next().unwrap_or_default();
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if crate::escape::is_unsafe(c) => {
                out.push_str(&crate::escape::line(c.encode_utf8(&mut [0; 4])));
            }
            c => out.push(c),
        }
        i += c.len_utf8();
        plain = i;
    }
    out.push_str(&text[plain..]);
}

/// A string usable as an `id` or in a `url(#...)`: letters, digits, `-` and `_`.
pub fn ident(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn markup_and_control_characters_cannot_escape() {
        assert_eq!(
            super::escape("<a href=\"x\">&'\u{1}"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\\u{1}"
        );
        // Text around characters of every width, kept as it was.
        assert_eq!(
            super::escape("é<\u{2028}→x\t\u{10FFFF}ü"),
            "é&lt;\\u{2028}→x\t\\u{10ffff}ü"
        );
        assert_eq!(super::ident("#2b7bb9"), "_2b7bb9");
    }
}
