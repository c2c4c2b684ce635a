//! The part of a source file a human diagnostic shows. Only the lines from its first span to
//! its last are kept (with one line of context); the excerpt remembers the file line it starts
//! at, so line numbers hold and a diagnostic deep in a large file costs only its own lines;
//! every unsafe character is drawn as one visible glyph ([`crate::escape::glyph`]), so a file cannot drive the terminal; a line
//! longer than [`MAX_LINE`] characters is cut around the spans, with `…`, so a minified or
//! hostile file cannot flood it. The header keeps the file's own line and column.

use miette::{MietteError, SourceCode, SourceSpan, SpanContents};

use unicode_width::UnicodeWidthChar;

use crate::escape::glyph;
use crate::source::SourceFile;

/// Columns of one source line shown at most, when no terminal width is known.
pub const MAX_LINE: usize = 160;
/// Columns of one source line shown at least, however narrow the terminal.
const MIN_LINE: usize = 20;
/// Lines shown around a span, as miette shows them.
const CONTEXT: usize = 1;
/// Lines of one span shown at most.
const MAX_SPAN_LINES: usize = 8;

#[derive(Debug)]
pub struct Excerpt {
    name: String,
    text: String,
    /// Where each run of consecutive file lines starts: its first line's index in the excerpt
    /// and in the file (0-based). Lines miette will not show, between spans far apart, are
    /// left out, so a finding costs the lines it shows, not the lines between its spans.
    runs: Vec<(usize, usize)>,
    /// For each span start in `text`: the file's own 0-based line and byte column.
    starts: Vec<(usize, usize, usize)>,
    /// Where each line break of `text` is, to find the lines around a span at once.
    breaks: Vec<usize>,
    /// Columns miette draws left of a source line: the line number, the bar, and a column
    /// per span that covers several lines.
    pub gutter: usize,
}

/// A point in the file: its line (0-based) and byte offset within that line.
#[derive(Clone, Copy)]
struct Point {
    line: usize,
    column: usize,
}

impl Excerpt {
    /// The excerpt of `file` around `spans` (byte offsets and lengths), and each span mapped
    /// into it. With a `width`, source lines are cut so that they fit it with the gutter, and
    /// a long file name keeps its end.
    pub fn new(
        file: &SourceFile,
        spans: &[(usize, usize)],
        width: Option<usize>,
    ) -> (Excerpt, Vec<SourceSpan>) {
        let text: &str = &file.text;
        let point = |offset: usize| {
            let (line, _) = file.line_col(offset as u32);
            let line = line as usize - 1;
            let start = file.offset_of(line as u32 + 1, 1) as usize;
            Point {
                line,
                column: offset.saturating_sub(start),
            }
        };
        let mut ends: Vec<(Point, Point)> = Vec::new();
        for &(offset, len) in spans {
            let start = floor(text, offset.min(text.len()));
            let end = floor(text, (start + len).min(text.len()));
            let (a, mut b) = (point(start), point(end));
            if b.line >= a.line + MAX_SPAN_LINES {
                b = Point {
                    line: a.line + MAX_SPAN_LINES - 1,
                    column: usize::MAX,
                };
            }
            ends.push((a, b));
        }
        // miette shows every line between the first and the last span of a file.
        let first = ends.iter().map(|(a, _)| a.line).min().unwrap_or(0);
        let last_line = file.line_count().saturating_sub(1) as usize;
        let last = ends
            .iter()
            .map(|(_, b)| b.line + CONTEXT)
            .max()
            .unwrap_or(0);
        let last = last.min(last_line);
        let first_line = first.saturating_sub(CONTEXT).min(last);
        let shown_lines = shown_lines(&ends, first_line, last);
        let multiline = ends.iter().filter(|(a, b)| a.line != b.line).count();
        let gutter =
            (last + 1).to_string().len() + 4 + if multiline > 0 { multiline + 3 } else { 0 };
        // A cut line has a `…` at each end.
        let max_line = width.map_or(MAX_LINE, |w| w.saturating_sub(gutter + 2).max(MIN_LINE));
        let mut out = String::new();
        // Mapped offsets of every span endpoint, filled line by line.
        let mut mapped: Vec<(Option<usize>, Option<usize>)> = vec![(None, None); ends.len()];
        let mut runs: Vec<(usize, usize)> = Vec::new();
        let mut breaks = Vec::with_capacity(shown_lines.len());
        for (k, &line) in shown_lines.iter().enumerate() {
            if k > 0 {
                breaks.push(out.len());
                out.push('\n');
            }
            if k == 0 || shown_lines[k - 1] + 1 != line {
                runs.push((k, line));
            }
            let source = file.line_text(line as u32 + 1);
            // The first point of interest on the line: a cut line is kept around it.
            let focus = ends
                .iter()
                .flat_map(|(a, b)| {
                    [
                        (a.line == line).then_some(a.column),
                        (b.line == line).then_some(b.column),
                    ]
                })
                .flatten()
                .map(|c| c.min(source.len()))
                .min();
            let shown = Shown::push(&mut out, source, focus, max_line);
            for (i, (a, b)) in ends.iter().enumerate() {
                if a.line == line {
                    mapped[i].0 = Some(shown.map(a.column.min(source.len())));
                }
                if b.line == line {
                    mapped[i].1 = Some(shown.map(b.column.min(source.len())));
                }
            }
        }
        if last < last_line {
            // The last shown line ends as it does in the file.
            breaks.push(out.len());
            out.push('\n');
        }
        // Every line is drawn in glyphs, so the only line breaks are those between lines.
        debug_assert!(
            out.match_indices('\n')
                .map(|(i, _)| i)
                .eq(breaks.iter().copied())
        );
        let mut starts = Vec::new();
        let spans = ends
            .iter()
            .zip(&mapped)
            .map(|((a, _), &(start, end))| {
                let start = start.unwrap_or(0);
                let end = end.unwrap_or(start).max(start);
                starts.push((start, a.line, a.column));
                SourceSpan::new(start.into(), end - start)
            })
            .collect();
        let name = match width {
            // `   ╭─[` before the name, `:line:column]` after it.
            Some(w) => keep_end(&file.name, w.saturating_sub(gutter + 16).max(MIN_LINE)),
            None => file.name.clone(),
        };
        let excerpt = Excerpt {
            name,
            gutter,
            text: out,
            runs,
            starts,
            breaks,
        };
        (excerpt, spans)
    }
}

/// The file lines an excerpt keeps (0-based, ascending): from `first` to `last`, except the
/// lines between two groups of spans that miette draws as separate snippets. miette joins the
/// next label's context to the current one when the current context's start line plus its
/// line count (which [`Excerpt`] reports as the file's, see `read_span`) reaches the label's
/// context; a gap is left out only where that cannot happen whatever the labels' order within
/// a group, so the drawing is the same as with every line kept.
fn shown_lines(ends: &[(Point, Point)], first: usize, last: usize) -> Vec<usize> {
    let mut spans: Vec<(usize, usize)> = ends.iter().map(|(a, b)| (a.line, b.line)).collect();
    spans.sort_unstable();
    // Groups of spans as (first line, last line).
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for (start, end) in spans {
        match groups.last_mut() {
            Some(group) if start <= 2 * group.1 + 2 * CONTEXT + 4 => group.1 = group.1.max(end),
            _ => groups.push((start, end)),
        }
    }
    let mut lines: Vec<usize> = Vec::new();
    for (start, end) in groups {
        let from = start.saturating_sub(CONTEXT).max(first);
        let to = (end + CONTEXT).min(last);
        let from = lines.last().map_or(from, |&l| from.max(l + 1));
        lines.extend(from..=to);
    }
    if lines.is_empty() {
        lines.extend(first..=last);
    }
    lines
}

impl Excerpt {
    /// The file line (0-based) of the excerpt's line `at`.
    fn file_line(&self, at: usize) -> usize {
        let k = self.runs.partition_point(|&(start, _)| start <= at);
        match k.checked_sub(1).map(|k| self.runs[k]) {
            Some((start, line)) => line + (at - start),
            None => at,
        }
    }

    /// The lines shown, as miette reads them.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// `name` with its start replaced by `…` when it is wider than `max` columns.
fn keep_end(name: &str, max: usize) -> String {
    if crate::report::fit::width(name) <= max {
        return name.to_owned();
    }
    let mut kept: Vec<char> = Vec::new();
    let mut cols = 1;
    for c in name.chars().rev() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if cols + w > max {
            break;
        }
        cols += w;
        kept.push(c);
    }
    std::iter::once('…').chain(kept.into_iter().rev()).collect()
}

/// The largest char boundary at or before `offset`.
fn floor(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Where one source line landed in the excerpt: glyphs for unsafe characters, cut to `max`
/// columns between two `…`.
struct Shown<'a> {
    /// The part of the line kept, and its byte offset in the line.
    kept: &'a str,
    from: usize,
    /// Byte offset in the excerpt where the kept part starts.
    at: usize,
    /// Whether each kept character is shown as itself in one byte, so that offsets map one
    /// to one.
    plain: bool,
}

impl<'a> Shown<'a> {
    /// Appends `line` to `out` as shown, cut around `focus` (a byte offset in the line) when
    /// it is wider than `max` columns.
    fn push(out: &mut String, line: &'a str, focus: Option<usize>, max: usize) -> Shown<'a> {
        // Most lines are printable ASCII that fits: each character is its own glyph and one
        // column, so the line is copied whole without decoding a character.
        if line.len() <= max && is_plain(line) {
            let at = out.len();
            out.push_str(line);
            return Shown {
                kept: line,
                from: 0,
                at,
                plain: true,
            };
        }
        let (from, until) = kept(line, focus, max);
        if from > 0 {
            out.push('…');
        }
        let at = out.len();
        out.extend(line[from..until].chars().map(glyph));
        if until < line.len() {
            out.push('…');
        }
        Shown {
            kept: &line[from..until],
            from,
            at,
            plain: false,
        }
    }

    /// Where byte `offset` of the line lands in the excerpt (clamped to the kept part).
    fn map(&self, offset: usize) -> usize {
        let offset = offset.clamp(self.from, self.from + self.kept.len()) - self.from;
        if self.plain {
            return self.at + offset;
        }
        let before: usize = self.kept[..floor(self.kept, offset)]
            .chars()
            .map(|c| glyph(c).len_utf8())
            .sum();
        self.at + before
    }
}

/// Whether `line` is printable ASCII only: no character of it needs a glyph or takes other
/// than one column.
fn is_plain(line: &str) -> bool {
    line.bytes().all(|b| (b' '..=b'~').contains(&b))
}

/// The byte range of `line` kept to show it in `max` columns: all of it when it fits, else a
/// stretch starting a little before `focus`.
fn kept(line: &str, focus: Option<usize>, max: usize) -> (usize, usize) {
    let widths: Vec<usize> = line.chars().map(|c| column_width(glyph(c))).collect();
    let chars = widths.len();
    let (first, count) = if widths.iter().sum::<usize>() <= max {
        (0, chars)
    } else {
        // Start a little before the first point of interest, and keep as many characters
        // as fit.
        let focus = focus.map_or(0, |b| line[..floor(line, b)].chars().count());
        let room = max.max(1);
        let mut first = focus.min(chars);
        let mut lead = 0;
        while first > 0 && lead + widths[first - 1] <= room / 4 {
            first -= 1;
            lead += widths[first];
        }
        let mut count = 0;
        let mut cols = 0;
        while first + count < chars && cols + widths[first + count] <= room {
            cols += widths[first + count];
            count += 1;
        }
        // Near the end of the line: take in characters before `first` while they fit.
        while first > 0 && first + count == chars && cols + widths[first - 1] <= room {
            first -= 1;
            cols += widths[first];
            count += 1;
        }
        (first, count)
    };
    let byte_at = |n: usize| line.char_indices().nth(n).map_or(line.len(), |(i, _)| i);
    (byte_at(first), byte_at(first + count))
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = match Context::of(self.text.len(), &self.breaks, span, before, after) {
            Some(inner) => inner,
            None => Context::from_miette(&*self.text.as_str().read_span(span, before, after)?),
        };
        // The header names the file's own line and column, whatever was cut or replaced.
        let (line, column) = match self.starts.iter().find(|s| s.0 == span.offset()) {
            Some(&(_, line, column)) if before == 0 && after == 0 => (line, column),
            _ => (self.file_line(inner.line), inner.column),
        };
        Ok(Box::new(Contents {
            name: &self.name,
            data: &self.text.as_bytes()[inner.start..inner.end],
            span: SourceSpan::new(inner.start.into(), inner.end - inner.start),
            line,
            column,
            // miette counts the lines from the start of the text to the end of the context, and
            // merges two labels' contexts when that count reaches the second: count the lines
            // left out too, so the file's labels stay in one snippet as they always were.
            line_count: match inner.line_count {
                0 => self.file_line(0),
                n => self.file_line(n - 1) + 1,
            },
        }))
    }
}

/// What miette's own `read_span` on the excerpt's text finds for a span: the bytes from
/// `start` to `end`, the 0-based line and byte column they start at, and the lines up to
/// their end.
struct Context {
    start: usize,
    end: usize,
    line: usize,
    column: usize,
    line_count: usize,
}

impl Context {
    /// The context of `span` with `before` and `after` lines around it, as miette's
    /// `read_span` for a `str` finds it in a text of `len` bytes with line breaks at `breaks`
    /// (ascending), when miette asks for no lines or one on each side (all it asks for) and
    /// the span is within the text; `None` otherwise. Found from the breaks around the span,
    /// where miette walks the text from its start byte by byte, three times a snippet. The
    /// excerpt's text has no `\r` (every control character is a glyph), which miette would
    /// also take for a line break.
    fn of(
        len: usize,
        breaks: &[usize],
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Option<Context> {
        let start = span.offset();
        if start + span.len() > len {
            return None;
        }
        // Line breaks before byte `at`, and where the line holding `at` starts.
        let above = |at: usize| breaks.partition_point(|&b| b < at);
        let line_start = |at: usize| above(at).checked_sub(1).map_or(0, |k| breaks[k] + 1);
        match (before, after) {
            // The span alone (at least one byte of the text), and where its line starts.
            (0, 0) => {
                let end = (start + span.len()).max(1).min(len);
                Some(Context {
                    start,
                    end,
                    line: above(start),
                    column: start - line_start(start),
                    line_count: above(end),
                })
            }
            // From the start of the line above the span's to the end of the line below its
            // last byte (miette takes the byte before an empty span for its last).
            (1, 1) => {
                let last = (start + span.len()).saturating_sub(1);
                let end = breaks
                    .get(above(last + 1) + 1)
                    .map_or(len, |&second| second + 1);
                let first = match above(start) {
                    0 => 0,
                    _ => line_start(line_start(start) - 1),
                };
                Some(Context {
                    start: first,
                    end,
                    line: above(start).saturating_sub(1),
                    column: 0,
                    line_count: above(end),
                })
            }
            _ => None,
        }
    }

    /// The context miette found itself.
    fn from_miette(contents: &dyn SpanContents<'_>) -> Context {
        let span = contents.span();
        Context {
            start: span.offset(),
            end: span.offset() + span.len(),
            line: contents.line(),
            column: contents.column(),
            line_count: contents.line_count(),
        }
    }
}

/// A context as miette draws it, naming the excerpt's file without a copy of the name.
struct Contents<'a> {
    name: &'a str,
    data: &'a [u8],
    span: SourceSpan,
    line: usize,
    column: usize,
    line_count: usize,
}

impl<'a> SpanContents<'a> for Contents<'a> {
    fn data(&self) -> &'a [u8] {
        self.data
    }
    fn span(&self) -> &SourceSpan {
        &self.span
    }
    fn name(&self) -> Option<&str> {
        Some(self.name)
    }
    fn line(&self) -> usize {
        self.line
    }
    fn column(&self) -> usize {
        self.column
    }
    fn line_count(&self) -> usize {
        self.line_count
    }
}

/// Columns a shown character takes (zero-width ones take none).
fn column_width(c: char) -> usize {
    UnicodeWidthChar::width(c).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(text: &str, spans: &[(usize, usize)]) -> (String, Vec<SourceSpan>) {
        let file = SourceFile::new("f".into(), "f".into(), text.into());
        let (e, spans) = Excerpt::new(&file, spans, None);
        (e.text, spans)
    }

    #[test]
    fn far_lines_are_left_out_and_spans_keep_their_file_lines() {
        let text = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n";
        let file = SourceFile::new("f".into(), "f".into(), text.into());
        let (e, spans) = Excerpt::new(&file, &[(15, 1)], None);
        assert_eq!(e.text, "c: 3\nd: 4\ne: 5\n");
        assert_eq!(&e.text[spans[0].offset()..][..1], "d");
        // With context, as miette reads it: the first line shown is the file's third (0-based 2).
        let contents = e.read_span(&spans[0], 1, 1).expect("span");
        assert_eq!(contents.line(), 2);
        let exact = e.read_span(&spans[0], 0, 0).expect("span");
        assert_eq!((exact.line(), exact.column()), (3, 0));
    }

    #[test]
    fn thousands_of_spans_deep_in_one_file_cost_their_own_lines() {
        // Quadratic if each excerpt walked the file from its first line: 40k lines x 4k spans.
        let lines: Vec<String> = (0..40_000).map(|i| format!("key{i}: value\n")).collect();
        let mut offsets = Vec::new();
        let mut offset = 0;
        for line in &lines {
            offsets.push(offset);
            offset += line.len();
        }
        let file = SourceFile::new("f".into(), "f".into(), lines.concat().into());
        for &offset in offsets.iter().step_by(10) {
            let (e, _) = Excerpt::new(&file, &[(offset, 3)], None);
            assert!(e.text.lines().count() <= 3, "{}", e.text);
        }
    }

    #[test]
    fn control_characters_become_glyphs() {
        let (shown, spans) = excerpt("k: \u{1b}[2Jx\u{202e}y\n", &[(7, 1)]);
        assert_eq!(shown, "k: \u{241b}[2Jx\u{fffd}y\n");
        assert_eq!(&shown[spans[0].offset()..][..1], "x");
    }

    #[test]
    fn spans_land_on_their_text_on_plain_and_other_lines() {
        // The first line is printable ASCII (copied whole), the second is not (decoded).
        let (shown, spans) = excerpt("a: x1\nb: é x2\n", &[(3, 2), (12, 2)]);
        assert_eq!(shown, "a: x1\nb: é x2\n");
        assert_eq!(&shown[spans[0].offset()..][..spans[0].len()], "x1");
        assert_eq!(&shown[spans[1].offset()..][..spans[1].len()], "x2");
    }

    #[test]
    fn contexts_are_what_miette_reads() {
        let texts = [
            "",
            "a",
            "\n",
            "\n\n\n",
            "ab\ncd\nef",
            "ab\ncd\nef\n",
            "k: é\n\nlong line here\nx\n注文\n",
        ];
        for text in texts {
            let breaks: Vec<usize> = text.match_indices('\n').map(|(i, _)| i).collect();
            for start in 0..=text.len() {
                for len in 0..=text.len() - start {
                    let span = SourceSpan::new(start.into(), len);
                    for lines in [0, 1] {
                        let ours = Context::of(text.len(), &breaks, &span, lines, lines)
                            .expect("in the text");
                        let theirs = text.read_span(&span, lines, lines).expect("in the text");
                        let theirs = Context::from_miette(&*theirs);
                        let fields = |c: &Context| (c.start, c.end, c.line, c.column, c.line_count);
                        assert_eq!(fields(&ours), fields(&theirs), "{text:?} {start}+{len}");
                    }
                }
            }
        }
    }

    #[test]
    fn long_lines_are_cut_around_the_span() {
        let line = format!("{}TARGET{}", "a".repeat(5000), "b".repeat(5000));
        let (shown, spans) = excerpt(&line, &[(5000, 6)]);
        assert!(shown.chars().count() <= MAX_LINE + 2, "{}", shown.len());
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        let at = spans[0].offset();
        assert_eq!(&shown[at..at + spans[0].len()], "TARGET");
    }
}
