//! Human output: each finding as a miette diagnostic with the source line it points at, the
//! related locations, and the help text. Source lines are shown through [`excerpt`], so a
//! hostile file can neither drive the terminal nor flood it.

mod excerpt;

use std::fmt;

use rayon::prelude::*;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceSpan};

use excerpt::Excerpt;

use crate::diagnostics::catalog;
use crate::diagnostics::{Finding, Severity};
use crate::source::{SourceId, Sources, Span};

use crate::gate::Gated;

use super::{Color, Style, fit};

/// Width when no terminal width is known: fits a laptop terminal and stays stable in
/// snapshots (only the prose is wrapped to it then).
const WIDTH: usize = 100;

/// Every finding, the most severe first and by location among equals, then the notes and the
/// summary line (unless quiet). With a width, every line fits it: prose is wrapped, source
/// lines and file names are cut around what they point at, and labels wrap beside their span.
pub fn render(gated: &Gated, style: &Style) -> String {
    let mut ordered: Vec<&Finding> = gated.findings.iter().collect();
    // Stable: the gate's location order stays among findings of one severity.
    ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let rendered = findings(&ordered, gated.sources(), style.color, style.width);
    let tail = if style.quiet {
        String::new()
    } else {
        let mut tail = super::summary::notes(gated);
        tail.push_str(&super::summary::footer(gated));
        match style.width {
            Some(w) => fit::wrap(&tail, w, "  "),
            None => tail,
        }
    };
    // Many megabytes at thousands of findings: copied once, into a string of the right size.
    let size = rendered.iter().map(String::len).sum::<usize>() + tail.len();
    let mut out = String::with_capacity(size);
    for one in &rendered {
        out.push_str(one);
    }
    out.push_str(&tail);
    out
}

/// Renders each finding, ending in a blank line.
fn findings(
    findings: &[&Finding],
    sources: &Sources,
    color: Color,
    width: Option<usize>,
) -> Vec<String> {
    let theme = match color {
        Color::Always => GraphicalTheme::unicode(),
        Color::Never => GraphicalTheme::unicode_nocolor(),
    };
    let rooms = Rooms::of(&theme, width.unwrap_or(WIDTH));
    let (handler, unwrapping) = handlers(theme, width.unwrap_or(WIDTH));
    // Each finding renders on its own, so both cores share the work; the order is the list's.
    findings
        .par_iter()
        .map(|finding| {
            let mut one = String::new();
            let mut diag = Diag::of(finding, sources, width);
            let handler = match rooms.as_ref().and_then(|rooms| diag.prose(rooms)) {
                Some(prose) => {
                    diag.set_prose(prose);
                    &unwrapping
                }
                None => &handler,
            };
            if handler.render_report(&mut one, &diag).is_err() {
                one = format!("{}: {}\n", finding.rule, finding.message);
            }
            one.push('\n');
            match width {
                // What miette cannot wrap (a label beside a span far right) is cut, never
                // wrapped into the gutter.
                Some(w) => fit::cut_lines(&one, w),
                None => one,
            }
        })
        .collect()
}

/// miette's handler for findings at `width`, and the same handler for prose already broken
/// into lines (by [`Diag::prose`]), which only indents it.
fn handlers(
    theme: GraphicalTheme,
    width: usize,
) -> (GraphicalReportHandler, GraphicalReportHandler) {
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(width)
        .with_links(false)
        // Breaks only at spaces: a service name or a path is never split at its hyphens, and
        // no Unicode line-break tables are consulted for every line (docs/scale.md).
        .with_word_separator(textwrap::WordSeparator::AsciiSpace)
        .with_word_splitter(textwrap::WordSplitter::NoHyphenation);
    let unwrapping = handler.clone().with_wrap_lines(false);
    (handler, unwrapping)
}

/// A finding shaped for miette.
#[derive(Debug)]
struct Diag {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Excerpt>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag>,
}

impl Diag {
    fn of(finding: &Finding, sources: &Sources, width: Option<usize>) -> Diag {
        let primary = finding.span.map(|s| s.source);
        // Labels on the primary file: the finding's span, then related spans in that file.
        let mut own: Vec<(Span, Option<String>, bool)> = Vec::new();
        let mut related = Vec::new();
        if let Some(span) = finding.span {
            own.push((span, finding.label.clone(), true));
        }
        for r in &finding.related {
            if Some(r.span.source) == primary {
                own.push((r.span, Some(r.message.clone()), false));
            } else {
                let (source, labels) =
                    excerpt_of(r.span.source, &[(r.span, None, true)], sources, width);
                related.push(Diag {
                    message: r.message.clone(),
                    code: None,
                    severity: miette::Severity::Advice,
                    help: None,
                    source: Some(source),
                    labels,
                    related: Vec::new(),
                });
            }
        }
        let (source, labels) = match primary {
            Some(id) => {
                let (source, labels) = excerpt_of(id, &own, sources, width);
                (Some(source), labels)
            }
            None => (None, Vec::new()),
        };
        Diag {
            message: finding.message.clone(),
            code: Some(format!(
                "{} {}",
                finding.rule,
                catalog::name_of(finding.rule)
            )),
            severity: match finding.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Note => miette::Severity::Advice,
            },
            help: finding.help.clone(),
            source,
            labels,
            related,
        }
    }

    /// The diagnostic's prose broken into lines as miette would break it, or `None` when some
    /// of it cannot be (miette then wraps all of it, as it always did).
    fn prose(&self, rooms: &Rooms) -> Option<Prose> {
        let help = match &self.help {
            Some(help) => Some(rooms.help.fill(help)?),
            None => None,
        };
        Some(Prose {
            message: rooms.cause(self.severity).fill(&self.message)?,
            help,
            related: self
                .related
                .iter()
                .map(|r| r.prose(rooms))
                .collect::<Option<_>>()?,
        })
    }

    /// Puts `prose`, made by [`Diag::prose`], in place of the texts it was made from.
    fn set_prose(&mut self, prose: Prose) {
        self.message = prose.message;
        self.help = prose.help;
        for (related, prose) in self.related.iter_mut().zip(prose.related) {
            related.set_prose(prose);
        }
    }
}

/// The excerpt of one file around `spans`, and the labels pointing into it; with a width, each
/// label wrapped to the columns right of its span.
fn excerpt_of(
    id: SourceId,
    spans: &[(Span, Option<String>, bool)],
    sources: &Sources,
    width: Option<usize>,
) -> (Excerpt, Vec<LabeledSpan>) {
    let file = sources.get(id);
    let ranges: Vec<(usize, usize)> = spans
        .iter()
        .map(|(s, _, _)| (s.offset as usize, s.len as usize))
        .collect();
    let (excerpt, mapped) = Excerpt::new(file, &ranges, width);
    let labels = spans
        .iter()
        .zip(mapped)
        .map(|((_, label, primary), span)| {
            let label = match (label, width) {
                (Some(text), Some(w)) => Some(label_fit(&excerpt, span, text, w)),
                _ => label.clone(),
            };
            if *primary {
                LabeledSpan::new_primary_with_span(label, span)
            } else {
                LabeledSpan::new_with_span(label, span)
            }
        })
        .collect();
    (excerpt, labels)
}

/// The columns miette's wrapping leaves for prose beside each indent it draws: the message
/// after `  × ` (the icon of its severity) and `  │ `, the help after `  help: ` and eight
/// spaces. Knowing them, prose is broken into lines beforehand exactly as miette's textwrap
/// would break it ([`fit::break_at_spaces`]), and textwrap, most of what miette spends on a
/// finding, is left out.
struct Rooms {
    error: Room,
    warning: Room,
    advice: Room,
    help: Room,
}

/// Columns for the first line of a text and for the others.
#[derive(Clone, Copy)]
struct Room {
    first: usize,
    rest: usize,
}

impl Rooms {
    /// The rooms at `width`, as miette lays out `theme`; `None` when textwrap does not wrap
    /// first-fit (a dependency may enable its optimal fit), which is the only way prose is
    /// broken here.
    fn of(theme: &GraphicalTheme, width: usize) -> Option<Rooms> {
        if !matches!(
            textwrap::WrapAlgorithm::new(),
            textwrap::WrapAlgorithm::FirstFit
        ) {
            return None;
        }
        // miette wraps at two columns less than its width, and styles its indents with colour
        // sequences that take no column.
        let wrap = width.saturating_sub(2);
        let room = |first: &str, rest: &str| Room {
            first: wrap.saturating_sub(textwrap::core::display_width(first)),
            rest: wrap.saturating_sub(textwrap::core::display_width(rest)),
        };
        let chars = &theme.characters;
        let bar = format!("  {} ", chars.vbar);
        let cause = |icon: &str| room(&format!("  {icon} "), &bar);
        Some(Rooms {
            error: cause(&chars.error),
            warning: cause(&chars.warning),
            advice: cause(&chars.advice),
            help: room("  help: ", "        "),
        })
    }

    fn cause(&self, severity: miette::Severity) -> Room {
        match severity {
            miette::Severity::Error => self.error,
            miette::Severity::Warning => self.warning,
            miette::Severity::Advice => self.advice,
        }
    }
}

impl Room {
    /// `text` broken into lines as miette would break it, for a handler that does not wrap;
    /// `None` where that handler would draw other bytes: a blank line (which it does not
    /// indent), or what [`fit::break_at_spaces`] does not reproduce.
    fn fill(self, text: &str) -> Option<String> {
        let lines = fit::break_at_spaces(text, self.first, self.rest)?;
        if lines.iter().any(|line| line.trim().is_empty()) {
            return None;
        }
        Some(lines.join("\n"))
    }
}

/// The texts of a diagnostic and of its related ones, broken into lines.
struct Prose {
    message: String,
    help: Option<String>,
    related: Vec<Prose>,
}

/// `label` wrapped to the columns right of where miette draws it: the gutter, the span's
/// column in its line, and `╰── `.
fn label_fit(excerpt: &Excerpt, span: SourceSpan, label: &str, width: usize) -> String {
    let text = excerpt.text();
    let start = span.offset().min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let column = fit::width(text.get(line_start..start).unwrap_or(""));
    let room = width.saturating_sub(excerpt.gutter + column + 4);
    fit::wrap(label, room.max(LABEL_MIN), "")
}

/// Columns a label keeps however far right its span is (the line is cut past the width).
const LABEL_MIN: usize = 16;

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A diagnostic with no source: its message, its help, and one related diagnostic.
    fn diag(message: &str, help: &str, related: &str, severity: miette::Severity) -> Diag {
        let text = |message: &str, help: Option<&str>, related, severity| Diag {
            message: message.to_owned(),
            code: Some("CA000 rule".to_owned()),
            severity,
            help: help.map(str::to_owned),
            source: None,
            labels: Vec::new(),
            related,
        };
        let related = text(related, None, Vec::new(), miette::Severity::Advice);
        text(message, Some(help), vec![related], severity)
    }

    #[test]
    fn prose_broken_beforehand_draws_what_miette_wraps() {
        let texts = [
            "short",
            "`billing-api-00001` gives up on `billing-index-00433` after 100 ms, before its own \
             objective of 300 ms is reached, so answers it waits for are abandoned and retried",
            "a/path/longer/than/a/line/of/the/terminal/at/all/even/at/a/hundred/columns/which/\
             textwrap/breaks/where/it/must and words after it",
            "  leading spaces,   runs of   spaces and trailing spaces   ",
            "注文サービス 注文サービス 注文サービス 注文サービス 注文サービス 注文サービス 注文サービス",
            "two\nlines",
            "",
        ];
        let mut compared = 0;
        for (theme, width) in [GraphicalTheme::unicode(), GraphicalTheme::unicode_nocolor()]
            .into_iter()
            .flat_map(|theme| [40, 60, 100, 200].map(|width| (theme.clone(), width)))
        {
            let rooms = Rooms::of(&theme, width).expect("textwrap wraps first-fit");
            let (handler, unwrapping) = handlers(theme, width);
            for (i, j) in (0..texts.len()).flat_map(|i| (0..texts.len()).map(move |j| (i, j))) {
                let (message, help, related) = (texts[i], texts[j], texts[(i + j) % texts.len()]);
                for severity in [miette::Severity::Error, miette::Severity::Warning] {
                    let mut diag = diag(message, help, related, severity);
                    let mut wrapped = String::new();
                    handler
                        .render_report(&mut wrapped, &diag)
                        .expect("rendered");
                    let Some(prose) = diag.prose(&rooms) else {
                        continue;
                    };
                    diag.set_prose(prose);
                    let mut unwrapped = String::new();
                    unwrapping
                        .render_report(&mut unwrapped, &diag)
                        .expect("rendered");
                    assert_eq!(unwrapped, wrapped, "{message:?} at {width}");
                    compared += 1;
                }
            }
        }
        assert!(compared >= 200, "{compared}");
    }
}
