//! `report --format json`: the whole migration report as one stable document, for dashboards
//! and scripts. Fields are only ever added, never renamed or removed.

use serde::Serialize;

use crate::recommend::plan::{Effort, Improvement, PhaseKind, Savings};
use crate::report::json::{FindingOut, LocationOut, SCHEMA_VERSION, finding_out};
use crate::report::recommendations::{self, RecommendationOut};

use super::glance::Glance;
use super::measures::Monolith;
use super::{Report, Summary};

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    title: &'a str,
    inputs: &'a [String],
    summary: &'a Summary,
    glance: &'a Glance,
    measures: Measures<'a>,
    graph: GraphOut<'a>,
    plan: Vec<PhaseOut<'a>>,
    savings: &'a Savings,
    recommendations: Vec<RecommendationOut<'a>>,
    findings: Vec<FindingOut<'a>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Measures<'a> {
    #[serde(flatten)]
    now: &'a Monolith,
    after_plan: &'a crate::graph::facts::Summary,
}

#[derive(Serialize)]
struct GraphOut<'a> {
    nodes: Vec<NodeOut<'a>>,
    edges: Vec<EdgeOut<'a>>,
    left_out: &'a [String],
    grouped_by_owner: bool,
    longest_chain: &'a [String],
    cycles: &'a [Vec<String>],
}

#[derive(Serialize)]
struct NodeOut<'a> {
    name: &'a str,
    kind: &'static str,
    detail: Option<&'a str>,
    chain: bool,
    cycle: bool,
    members: usize,
}

#[derive(Serialize)]
struct EdgeOut<'a> {
    from: &'a str,
    to: &'a str,
    protocol: &'a str,
    sync: bool,
    operations: &'a [String],
    count: usize,
    chain: bool,
    cycle: bool,
    /// Seen in the observed traffic and declared nowhere; present only then.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    observed: bool,
}

#[derive(Serialize)]
struct PhaseOut<'a> {
    kind: PhaseKind,
    title: &'static str,
    why: &'static str,
    steps: Vec<StepOut<'a>>,
}

#[derive(Serialize)]
struct StepOut<'a> {
    action: &'a str,
    edges: &'a [String],
    improves: &'a [Improvement],
    resolves: &'a [String],
    effort: Effort,
    effort_reason: &'a str,
    #[serde(flatten)]
    location: LocationOut,
}

pub fn render(r: &Report) -> String {
    let sources = &r.audit.sources;
    let p = &r.picture;
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "commaudit",
            version: env!("CARGO_PKG_VERSION"),
        },
        title: &r.title,
        inputs: &r.inputs,
        summary: &r.summary,
        glance: &r.glance,
        measures: Measures {
            now: &r.measures,
            after_plan: &r.plan.after,
        },
        graph: GraphOut {
            nodes: p
                .nodes
                .iter()
                .map(|n| NodeOut {
                    name: &n.name,
                    kind: if n.members > 1 {
                        "team"
                    } else {
                        n.kind.as_str()
                    },
                    detail: n.detail.as_deref(),
                    chain: n.chain,
                    cycle: n.cycle,
                    members: n.members,
                })
                .collect(),
            edges: p
                .edges
                .iter()
                .map(|e| EdgeOut {
                    from: &p.nodes[e.from].name,
                    to: &p.nodes[e.to].name,
                    protocol: &e.protocol,
                    sync: e.sync,
                    operations: &e.operations,
                    count: e.count,
                    chain: e.chain,
                    cycle: e.cycle,
                    observed: e.observed,
                })
                .collect(),
            left_out: &p.left_out,
            grouped_by_owner: p.grouped_by_owner,
            longest_chain: &p.chain,
            cycles: &p.cycles,
        },
        plan: r
            .plan
            .phases
            .iter()
            .map(|phase| PhaseOut {
                kind: phase.kind,
                title: phase.title,
                why: phase.why,
                steps: phase
                    .steps
                    .iter()
                    .map(|s| StepOut {
                        action: &s.action,
                        edges: &s.edges,
                        improves: &s.improves,
                        resolves: &s.resolves,
                        effort: s.effort,
                        effort_reason: &s.effort_reason,
                        location: LocationOut::of(s.span, sources),
                    })
                    .collect(),
            })
            .collect(),
        savings: &r.plan.savings,
        recommendations: recommendations::items(r.audit, &r.recommendations),
        findings: r
            .audit
            .findings
            .iter()
            .map(|f| finding_out(f, sources))
            .collect(),
    };
    let mut text =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    crate::escape::json(text)
}
