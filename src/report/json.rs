//! `scan --format json`: a stable document for tools and scripts. Documented in
//! `docs/output.md`; fields are only ever added, never renamed or removed.

use serde::Serialize;

use crate::gate::Gated;

use super::Style;
use crate::diagnostics::catalog;
use crate::diagnostics::{Finding, Tally};
use crate::graph::Counts;
use crate::source::{Sources, Span};

/// Version of this document's shape; bumped only if a field ever has to change meaning.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    /// What the scan read, understood and could not see: stated before any verdict.
    coverage: &'a crate::coverage::Coverage,
    summary: Summary<'a>,
    graph: Counts,
    findings: Vec<FindingOut<'a>>,
    recommendations: Vec<super::recommendations::RecommendationOut<'a>>,
    /// Pull-request mode only: the base and how the measures moved.
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a crate::gate::diff::DiffSummary>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Summary<'a> {
    files: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
    /// What was read but not used, or could not be inferred, in words.
    remarks: &'a [String],
    /// Findings hidden by suppressions (inline or `ignores:`).
    suppressed: usize,
    /// Findings skipped because the baseline lists them.
    baseline_skipped: usize,
}

#[derive(Serialize)]
pub struct FindingOut<'a> {
    rule: &'static str,
    name: &'static str,
    severity: &'static str,
    message: &'a str,
    #[serde(flatten)]
    location: LocationOut,
    services: &'a [String],
    operation: Option<&'a str>,
    help: Option<&'a str>,
    related: Vec<RelatedOut<'a>>,
    /// Stable across edits elsewhere: rule, services and operation (see `commaudit baseline`).
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<&'a str>,
    /// What the finding rests on: declared, inferred or observed facts, with the evidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    provenance: Option<crate::provenance::ProvenanceOut<'a>>,
}

#[derive(Serialize, Default)]
pub struct LocationOut {
    file: Option<String>,
    line: Option<u32>,
    column: Option<u32>,
    end_line: Option<u32>,
    end_column: Option<u32>,
}

impl LocationOut {
    pub fn of(span: Option<Span>, sources: &Sources) -> Self {
        span.map_or_else(LocationOut::default, |s| {
            let loc = sources.locate(s);
            LocationOut {
                file: Some(loc.file.to_owned()),
                line: Some(loc.line),
                column: Some(loc.column),
                end_line: Some(loc.end_line),
                end_column: Some(loc.end_column),
            }
        })
    }
}

#[derive(Serialize)]
struct RelatedOut<'a> {
    message: &'a str,
    #[serde(flatten)]
    location: LocationOut,
}

pub fn finding_out<'a>(f: &'a Finding, sources: &Sources) -> FindingOut<'a> {
    FindingOut {
        rule: f.rule.0,
        name: catalog::name_of(f.rule),
        severity: f.severity.as_str(),
        message: &f.message,
        location: LocationOut::of(f.span, sources),
        services: &f.services,
        operation: f.operation.as_deref(),
        help: f.help.as_deref(),
        related: f
            .related
            .iter()
            .map(|r| RelatedOut {
                message: &r.message,
                location: LocationOut::of(Some(r.span), sources),
            })
            .collect(),
        fingerprint: None,
        provenance: f.provenance.as_ref().map(|p| p.out()),
    }
}

pub fn render(gated: &Gated, _: &Style) -> String {
    let recs = crate::recommend::recommend(&gated.audit);
    let tally = Tally::of(&gated.findings);
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "commaudit",
            version: env!("CARGO_PKG_VERSION"),
        },
        coverage: &gated.audit.coverage,
        summary: Summary {
            files: gated.audit.sources.len(),
            findings: gated.findings.len(),
            errors: tally.errors,
            warnings: tally.warnings,
            notes: tally.notes,
            remarks: &gated.audit.notes,
            suppressed: gated.suppressed,
            baseline_skipped: gated.baselined,
        },
        graph: gated.audit.graph.counts(),
        findings: gated
            .findings
            .iter()
            .enumerate()
            .map(|(i, f)| FindingOut {
                fingerprint: gated.fingerprints.get(i).map(String::as_str),
                ..finding_out(f, &gated.audit.sources)
            })
            .collect(),
        recommendations: super::recommendations::items(&gated.audit, &recs),
        diff: gated.diff.as_ref(),
    };
    let mut text =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    crate::escape::json(text)
}
