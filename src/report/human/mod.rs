//! Human output: each finding as a miette diagnostic with the source line it points at, the
//! related locations, and the help text. Source lines are shown through [`excerpt`], so a
//! hostile file can neither drive the terminal nor flood it.

mod excerpt;

use std::fmt;

use miette::{Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use excerpt::Excerpt;

use crate::diagnostics::catalog;
use crate::diagnostics::{Finding, Severity};
use crate::source::{SourceId, Sources, Span};

use crate::gate::Gated;

use super::{Color, Style};

/// Width that fits a laptop terminal and stays stable in snapshots.
const WIDTH: usize = 100;

/// Every finding, the most severe first and by location among equals, then the notes and the
/// summary line (unless quiet).
pub fn render(gated: &Gated, style: &Style) -> String {
    let mut ordered: Vec<&Finding> = gated.findings.iter().collect();
    // Stable: the gate's location order stays among findings of one severity.
    ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let mut out = findings(&ordered, gated.sources(), style.color);
    if !style.quiet {
        out.push_str(&super::summary::notes(gated));
        out.push_str(&super::summary::footer(gated));
    }
    out
}

/// Renders every finding; empty when there are none.
fn findings(findings: &[&Finding], sources: &Sources, color: Color) -> String {
    let theme = match color {
        Color::Always => GraphicalTheme::unicode(),
        Color::Never => GraphicalTheme::unicode_nocolor(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false);
    let mut out = String::new();
    for finding in findings {
        let diag = Diag::of(finding, sources);
        if handler.render_report(&mut out, &diag).is_err() {
            out.push_str(&format!("{}: {}\n", finding.rule, finding.message));
        }
        out.push('\n');
    }
    out
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
    fn of(finding: &Finding, sources: &Sources) -> Diag {
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
                let (source, labels) = excerpt_of(r.span.source, &[(r.span, None, true)], sources);
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
                let (source, labels) = excerpt_of(id, &own, sources);
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
}

/// The excerpt of one file around `spans`, and the labels pointing into it.
fn excerpt_of(
    id: SourceId,
    spans: &[(Span, Option<String>, bool)],
    sources: &Sources,
) -> (Excerpt, Vec<LabeledSpan>) {
    let file = sources.get(id);
    let ranges: Vec<(usize, usize)> = spans
        .iter()
        .map(|(s, _, _)| (s.offset as usize, s.len as usize))
        .collect();
    let (excerpt, mapped) = Excerpt::new(file, &ranges);
    let labels = spans
        .iter()
        .zip(mapped)
        .map(|((_, label, primary), span)| {
            if *primary {
                LabeledSpan::new_primary_with_span(label.clone(), span)
            } else {
                LabeledSpan::new_with_span(label.clone(), span)
            }
        })
        .collect();
    (excerpt, labels)
}

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
