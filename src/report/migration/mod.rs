//! `commaudit report`: the migration report, for a team or an architecture review. Its content
//! is gathered here once ([`Report`]): the summary, the distributed-monolith measures, the
//! picture of the graph, the per-edge recommendations, the migration plan and its savings;
//! [`sections`] arranges it into the headings and [`table`]s both pages show. The formats
//! ([`markdown`], [`json`], `report/html/`) only lay it out.

pub mod assumed;
pub mod glance;
pub mod json;
pub mod markdown;
pub mod measures;
pub mod sections;
pub mod table;
pub mod text;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::audit::Audit;
use crate::diagnostics::catalog;
use crate::diagnostics::{Severity, Tally};
use crate::graph::Counts;
use crate::recommend::plan::{self, Plan};
use crate::recommend::{self, Recommendation};
use crate::report::picture::reduce::{self, REPORT_LIMIT};
use crate::report::picture::{Highlights, Picture};
use crate::source::Span;

/// Everything the report says, in the order it says it.
pub struct Report<'a> {
    pub audit: &'a Audit,
    pub title: String,
    /// The paths scanned, as given.
    pub inputs: Vec<String>,
    pub summary: Summary,
    pub glance: glance::Glance,
    pub measures: measures::Monolith,
    pub picture: Picture,
    pub recommendations: Vec<Recommendation>,
    pub plan: Plan,
    /// Every default a figure used, per measure, and what the inputs left unknown.
    pub assumed: Vec<assumed::Assumed>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub files: usize,
    pub graph: Counts,
    pub protocols: BTreeMap<String, EdgeCount>,
    pub findings: Tally,
    pub rules: Vec<RuleCount>,
}

/// Edges of one protocol.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct EdgeCount {
    pub sync: usize,
    pub r#async: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    pub rule: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub count: usize,
}

impl<'a> Report<'a> {
    pub fn build(audit: &'a Audit, title: String, inputs: Vec<String>) -> Report<'a> {
        let recommendations = recommend::recommend(audit);
        let plan = plan::plan(audit, &recommendations);
        let measures = measures::of(audit);
        let summary = summary(audit);
        let mut glance = glance::of(&measures, &recommendations, &plan, summary.findings.errors);
        glance.qualify(audit, &plan);
        let highlights = Highlights::of(audit);
        let picture = reduce::for_report(audit, &highlights, REPORT_LIMIT);
        Report {
            audit,
            title,
            inputs,
            summary,
            glance,
            measures,
            picture,
            recommendations,
            plan,
            assumed: assumed::of(audit),
        }
    }

    /// `services/orders.yaml:26`, for pointing at the line to change.
    pub fn place(&self, span: Option<Span>) -> Option<String> {
        span.map(|s| {
            let loc = self.audit.sources.locate(s);
            format!("{}:{}", loc.file, loc.line)
        })
    }

    /// One line under the title: tool, inputs, sizes and findings.
    pub fn byline(&self) -> String {
        let c = &self.summary.graph;
        let t = &self.summary.findings;
        let n =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        format!(
            "commaudit {} · {} · {} · {}, {}, {} · {} ({} sync, {} async) · {}, {}, {}",
            env!("CARGO_PKG_VERSION"),
            self.inputs.join(", "),
            n(self.summary.files, "file", "files"),
            n(c.services, "service", "services"),
            n(c.gateways, "gateway", "gateways"),
            n(c.clients, "client", "clients"),
            n(c.edges, "edge", "edges"),
            c.sync_edges,
            c.async_edges,
            n(t.errors, "error", "errors"),
            n(t.warnings, "warning", "warnings"),
            n(t.notes, "note", "notes")
        )
    }
}

fn summary(audit: &Audit) -> Summary {
    let mut protocols: BTreeMap<String, EdgeCount> = BTreeMap::new();
    for e in &audit.graph.edges {
        let entry = protocols.entry(e.protocol.as_str().to_owned()).or_default();
        if e.sync {
            entry.sync += 1;
        } else {
            entry.r#async += 1;
        }
    }
    let mut by_rule: BTreeMap<&'static str, (Severity, usize)> = BTreeMap::new();
    for f in &audit.findings {
        let entry = by_rule.entry(f.rule.0).or_insert((f.severity, 0));
        entry.0 = entry.0.max(f.severity);
        entry.1 += 1;
    }
    Summary {
        files: audit.sources.len(),
        graph: audit.graph.counts(),
        protocols,
        findings: Tally::of(&audit.findings),
        rules: by_rule
            .into_iter()
            .map(|(rule, (severity, count))| RuleCount {
                rule,
                name: catalog::name_of(crate::diagnostics::RuleId(rule)),
                severity,
                count,
            })
            .collect(),
    }
}
