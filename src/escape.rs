//! What may not reach an output raw, and what is written instead. Names, paths and values come
//! from a checkout that may be hostile: a line break in a file name would start a new line in
//! a line-oriented format (`::error` becomes a GitHub workflow command), an escape sequence
//! would drive the terminal, a bidirectional control would make a line read differently than
//! it is. Each output format escapes with [`line`] (or, where columns must hold, [`glyph`]),
//! on top of its own syntax.

use std::borrow::Cow;

/// Whether `c` must not be written raw: C0 and C1 control characters (line breaks and tabs
/// included), DEL, the Unicode line and paragraph separators, bidirectional controls, the
/// byte order mark, and noncharacters.
pub fn is_unsafe(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control();
    }
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{FDD0}'..='\u{FDEF}'
        )
        || (c as u32 & 0xFFFE) == 0xFFFE
}

/// `text` on one line, safe for any output: each unsafe character written as `\n`, `\r`,
/// `\t` or `\u{...}`. Text without one is returned as is.
pub fn line(text: &str) -> Cow<'_, str> {
    // Most text is printable ASCII, told at a glance without decoding characters.
    if text.bytes().all(|b| (b' '..b'\x7f').contains(&b)) || !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A multi-line text (a drawn table) with each of its lines escaped by [`line`]: the line
/// breaks it was drawn with are kept, nothing else unsafe is.
pub fn lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in text.split_inclusive('\n') {
        let body = piece.strip_suffix('\n').unwrap_or(piece);
        out.push_str(&line(body));
        if piece.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// What an unsafe character is, in words, for a message: `a line break`, `the control
/// character U+001B`, ...
pub fn describe(c: char) -> String {
    match c {
        '\n' | '\r' | '\u{2028}' | '\u{2029}' | '\u{85}' => "a line break".into(),
        '\t' => "a tab".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        '\u{061C}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}' => {
            format!("the bidirectional control U+{:04X}", c as u32)
        }
        c => format!("the invisible character U+{:04X}", c as u32),
    }
}

/// Why `text` cannot be a name: the first unsafe character it holds, described.
pub fn name_problem(text: &str) -> Option<String> {
    text.chars().find(|&c| is_unsafe(c)).map(describe)
}

/// One visible character standing for `c` when `c` is unsafe (the Unicode control pictures
/// `␛`, `␀`, ... for C0 and DEL, `�` otherwise), so a shown source line keeps its columns.
pub fn glyph(c: char) -> char {
    match c as u32 {
        code @ 0..=0x1F => char::from_u32(0x2400 + code).unwrap_or('\u{FFFD}'),
        0x7F => '\u{2421}',
        _ if is_unsafe(c) => '\u{FFFD}',
        _ => c,
    }
}

/// Serialized JSON with every unsafe character of the Basic Multilingual Plane written as a
/// `\uXXXX` escape. serde_json escapes C0 controls only; DEL, C1 controls, separators and
/// noncharacters are valid JSON raw, but not valid YAML (which reads our JSON back, as the
/// baseline) and not safe in a log. Outside strings JSON is ASCII, so this changes no value.
pub fn json(text: String) -> String {
    if !text.chars().any(|c| is_unsafe(c) && c as u32 > 0x7E) {
        return text;
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) && c as u32 > 0x7E && c as u32 <= 0xFFFF {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsafe_characters_are_written_visibly() {
        assert_eq!(line("plain name"), "plain name");
        assert_eq!(
            line("a\n::error::x\u{1b}[2J\u{7f}\u{85}\u{202e}\u{2028}\t"),
            "a\\n::error::x\\u{1b}[2J\\u{7f}\\u{85}\\u{202e}\\u{2028}\\t"
        );
        assert_eq!(
            line("\u{fffe}\u{1fffe}\u{fdd0}"),
            "\\u{fffe}\\u{1fffe}\\u{fdd0}"
        );
        assert_eq!(line("é 日本 🙂"), "é 日本 🙂");
    }

    #[test]
    fn json_escapes_what_yaml_and_logs_cannot_carry() {
        let text = serde_json::to_string("a\u{7f}\u{85}\u{202e}\u{fffe}\u{1}é").unwrap();
        let escaped = json(text);
        assert_eq!(escaped, "\"a\\u007f\\u0085\\u202e\\ufffe\\u0001é\"");
        let back: String = serde_json::from_str(&escaped).unwrap();
        assert_eq!(back, "a\u{7f}\u{85}\u{202e}\u{fffe}\u{1}é");
    }

    #[test]
    fn drawn_lines_are_kept() {
        assert_eq!(lines("a\u{1b}\nb\r\n"), "a\\u{1b}\nb\\r\n");
    }

    #[test]
    fn glyphs_keep_one_character_each() {
        let shown: String = "a\u{1b}b\u{7f}\u{202e}".chars().map(glyph).collect();
        assert_eq!(shown, "a\u{241b}b\u{2421}\u{fffd}");
    }
}
