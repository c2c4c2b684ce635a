//! Human output: each finding as a miette diagnostic with the source line it points at, the
//! related locations, and the help text.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};

use crate::diagnostics::catalog;
use crate::diagnostics::{Finding, Severity};
use crate::source::{SourceId, Sources, Span};

use crate::gate::Gated;

use super::{Color, Style};

/// Width that fits a laptop terminal and stays stable in snapshots.
const WIDTH: usize = 100;

/// Every finding, then the notes and the summary line.
pub fn render(gated: &Gated, style: &Style) -> String {
    let mut out = findings(&gated.findings, gated.sources(), style.color);
    out.push_str(&super::summary::notes(gated));
    out.push_str(&super::summary::footer(gated));
    out
}

/// Renders every finding; empty when there are none.
fn findings(findings: &[Finding], sources: &Sources, color: Color) -> String {
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
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag>,
}

impl Diag {
    fn of(finding: &Finding, sources: &Sources) -> Diag {
        let primary = finding.span.map(|s| s.source);
        let mut labels = Vec::new();
        let mut related = Vec::new();
        if let Some(span) = finding.span {
            labels.push(LabeledSpan::new_primary_with_span(
                finding.label.clone(),
                source_span(span, sources),
            ));
        }
        for r in &finding.related {
            if Some(r.span.source) == primary {
                labels.push(LabeledSpan::new_with_span(
                    Some(r.message.clone()),
                    source_span(r.span, sources),
                ));
            } else {
                related.push(Diag {
                    message: r.message.clone(),
                    code: None,
                    severity: miette::Severity::Advice,
                    help: None,
                    source: Some(named(r.span.source, sources)),
                    labels: vec![LabeledSpan::new_primary_with_span(
                        None,
                        source_span(r.span, sources),
                    )],
                    related: Vec::new(),
                });
            }
        }
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
            source: primary.map(|id| named(id, sources)),
            labels,
            related,
        }
    }
}

fn named(id: SourceId, sources: &Sources) -> NamedSource<Arc<str>> {
    let file = sources.get(id);
    NamedSource::new(file.name.clone(), Arc::clone(&file.text))
}

/// A span clamped to its file, so a stale offset can never make rendering fail.
fn source_span(span: Span, sources: &Sources) -> SourceSpan {
    let len = sources.get(span.source).text.len();
    let start = (span.offset as usize).min(len);
    let end = (start + span.len as usize).min(len);
    SourceSpan::new(start.into(), end - start)
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
