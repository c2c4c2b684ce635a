//! Text that fits a terminal: the width to fit (`--width`, `COLUMNS`, or the terminal stdout
//! is), wrapping prose at that width, and cutting a line that still does not fit with `…`.
//! Widths are display columns (a CJK character is two, an ANSI colour sequence none).

use std::borrow::Cow;

use unicode_width::UnicodeWidthChar;

/// The narrowest width anything is fitted to; a smaller `--width` or `COLUMNS` counts as this.
pub const MIN_WIDTH: usize = 40;

/// The width to fit: `--width`, else `COLUMNS`, else the width of the terminal when stdout is
/// one. `None` when none is known (a pipe with no `COLUMNS`): the formats then keep their
/// fixed widths, so the output is the same on every machine.
pub fn resolve(
    flag: Option<usize>,
    columns: Option<&str>,
    terminal: Option<usize>,
) -> Option<usize> {
    let columns = columns.and_then(|c| c.trim().parse::<usize>().ok());
    flag.or(columns.filter(|&c| c > 0))
        .or(terminal)
        .map(|w| w.max(MIN_WIDTH))
}

/// The width of the terminal stdout is, if it is one.
pub fn terminal() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| usize::from(w.0))
        .filter(|&w| w > 0)
}

/// Display columns of `text`, not counting ANSI escape sequences.
pub fn width(text: &str) -> usize {
    let mut cols = 0;
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            skip_escape(&mut chars);
        } else {
            cols += c.width().unwrap_or(0);
        }
    }
    cols
}

/// Skips the rest of an escape sequence: `ESC [ ... final` (CSI) or one more character.
fn skip_escape(chars: &mut std::str::Chars<'_>) -> String {
    let mut seq = String::new();
    if let Some(next) = chars.next() {
        seq.push(next);
        if next == '[' {
            for c in chars.by_ref() {
                seq.push(c);
                if ('\u{40}'..='\u{7e}').contains(&c) {
                    break;
                }
            }
        }
    }
    seq
}

/// `line` cut to `max` columns with a final `…` when it is wider; colour sequences are kept and
/// reset after a cut.
pub fn cut(line: &str, max: usize) -> Cow<'_, str> {
    if width(line) <= max {
        return Cow::Borrowed(line);
    }
    let mut out = String::new();
    let mut cols = 0;
    let mut coloured = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            out.push(c);
            out.push_str(&skip_escape(&mut chars));
            coloured = true;
            continue;
        }
        let w = c.width().unwrap_or(0);
        if cols + w + 1 > max {
            break;
        }
        out.push(c);
        cols += w;
    }
    out.push('…');
    if coloured {
        out.push_str("\u{1b}[0m");
    }
    Cow::Owned(out)
}

/// Every line of `text` cut to `max` columns.
pub fn cut_lines(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        out.push_str(&cut(body, max));
        out.push_str(end);
    }
    out
}

/// Each line of `text` wrapped at `max` columns, its continuation lines indented by `indent`.
/// A word wider than the line is broken.
pub fn wrap(text: &str, max: usize, indent: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(body) => (body, "\n"),
            None => (line, ""),
        };
        let options = textwrap::Options::new(max)
            .subsequent_indent(indent)
            .break_words(true);
        out.push_str(&textwrap::fill(body, options));
        out.push_str(end);
    }
    out
}

/// The lines textwrap's first-fit wrapping breaks one line of `text` into when words are split
/// only at ASCII spaces, never hyphenated, and an indent starts the first line (miette's prose:
/// see `report::human`): at most `first` columns on the first line and `rest` on the others,
/// each line ending at its last word (the spaces after it dropped). `None` for what this does
/// not reproduce: a line break in `text`, or a word wider than `rest` (textwrap cuts it).
///
/// One pass over the bytes (printable ASCII words measured by their length), where textwrap
/// allocates a word list and each line; miette wraps every message and help text it draws.
pub fn break_at_spaces(text: &str, first: usize, rest: usize) -> Option<Vec<&str>> {
    let mut lines = Vec::new();
    // The current line: where it starts, where its last word ends, and its columns with the
    // spaces after that word.
    let (mut start, mut end, mut cols) = (0, 0, 0);
    let mut at = 0;
    while at < text.len() {
        let (word_end, next, width) = word_at(text, at)?;
        if width > rest {
            return None;
        }
        let room = if lines.is_empty() { first } else { rest };
        // The first word is checked too: textwrap puts an empty word before it, so a first
        // word that does not fit leaves the first line empty.
        if cols + width > room {
            lines.push(&text[start..end]);
            (start, cols) = (at, 0);
        }
        cols += width + (next - word_end);
        end = word_end;
        at = next;
    }
    lines.push(&text[start..end]);
    Some(lines)
}

/// The word of `text` at byte `at`, as textwrap's ASCII-space separator finds it (empty when
/// `text` starts with spaces): where it ends, where the spaces after it end, and its columns.
/// `None` at a line break.
fn word_at(text: &str, at: usize) -> Option<(usize, usize, usize)> {
    let bytes = text.as_bytes();
    let mut end = at;
    // Printable ASCII is one column a byte; anything else is measured as textwrap measures it.
    let mut plain = true;
    while end < bytes.len() && bytes[end] != b' ' {
        match bytes[end] {
            b'\n' => return None,
            b'!'..=b'~' => {}
            _ => plain = false,
        }
        end += 1;
    }
    let mut next = end;
    while next < bytes.len() && bytes[next] == b' ' {
        next += 1;
    }
    let width = if plain {
        end - at
    } else {
        textwrap::core::display_width(&text[at..end])
    };
    Some((end, next, width))
}

/// Every line of `text` that is not part of a drawn table wrapped at `max` columns, its
/// continuation lines indented two more than it; table lines are left as drawn (the table
/// fits them itself).
pub fn wrap_prose(text: &str, max: usize) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let lead = body.len() - body.trim_start().len();
        let drawn = body
            .trim_start()
            .starts_with(['┌', '│', '├', '└', '╞', '╭', '╰', '┆', '╪']);
        if drawn || width(body) <= max {
            out.push_str(line);
        } else {
            out.push_str(&wrap(line, max, &" ".repeat(lead + 2)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_flag_wins_then_columns_then_the_terminal() {
        assert_eq!(resolve(Some(90), Some("120"), Some(200)), Some(90));
        assert_eq!(resolve(None, Some("120"), Some(200)), Some(120));
        assert_eq!(resolve(None, Some("junk"), Some(200)), Some(200));
        assert_eq!(resolve(None, Some("0"), None), None);
        assert_eq!(resolve(None, None, None), None);
        assert_eq!(resolve(Some(10), None, None), Some(MIN_WIDTH));
    }

    #[test]
    fn wide_characters_and_colour_count_as_they_show() {
        assert_eq!(width("ab"), 2);
        assert_eq!(width("注文"), 4);
        assert_eq!(width("\u{1b}[31mred\u{1b}[0m"), 3);
    }

    #[test]
    fn cut_lines_fit_and_say_they_were_cut() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("0123456789abc", 10), "012345678…");
        assert_eq!(width(&cut("注文注文注文注文", 7)), 7);
        let coloured = cut("\u{1b}[31m0123456789abc", 5);
        assert_eq!(width(&coloured), 5);
        assert!(coloured.ends_with("…\u{1b}[0m"));
    }

    /// Lines as textwrap breaks `text` with miette's options, indents taken off.
    fn textwrap_lines(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
        let options = textwrap::Options::new(width)
            .initial_indent(first)
            .subsequent_indent(rest)
            .word_separator(textwrap::WordSeparator::AsciiSpace)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .break_words(true);
        textwrap::wrap(text, options)
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let indent = if i == 0 { first } else { rest };
                line.strip_prefix(indent).unwrap_or(line).to_owned()
            })
            .collect()
    }

    #[test]
    fn lines_break_at_spaces_as_textwrap_breaks_them() {
        // Words of every kind textwrap measures, runs of spaces, and edges: a first word that
        // does not fit, lines that fit exactly, leading and trailing spaces.
        let words = [
            "a",
            "bb",
            "ccccc",
            "dddddddddd",
            "é",
            "注文",
            "x\u{1b}[1my",
            "\t",
            "",
            " ",
            "  ",
        ];
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut compared = 0;
        for _ in 0..20_000 {
            let count = next(12);
            let text: Vec<&str> = (0..count).map(|_| words[next(words.len())]).collect();
            let text = text.join(" ");
            let width = 4 + next(20);
            let (first, rest) = (["  × ", "  help: ", "x"][next(3)], ["  │ ", "   "][next(2)]);
            let room = |indent: &str| width.saturating_sub(textwrap::core::display_width(indent));
            if let Some(lines) = break_at_spaces(&text, room(first), room(rest)) {
                assert_eq!(
                    lines,
                    textwrap_lines(&text, width, first, rest),
                    "{text:?} at {width}"
                );
                compared += 1;
            }
        }
        assert!(compared > 10_000, "{compared}");
        assert_eq!(break_at_spaces("a\nb", 10, 10), None);
        assert_eq!(break_at_spaces("abcdef", 10, 5), None);
    }

    #[test]
    fn wrapped_lines_keep_their_words_and_indent_the_rest() {
        let text = wrap(
            "read 32 files: 10 services, 3 gateways, 3 clients\nnext\n",
            20,
            "  ",
        );
        assert_eq!(
            text,
            "read 32 files: 10\n  services, 3\n  gateways, 3\n  clients\nnext\n"
        );
        assert!(text.lines().all(|l| width(l) <= 20));
    }
}
