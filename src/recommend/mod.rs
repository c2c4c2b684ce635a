//! Stage 4b, recommend: for every edge of the graph, what it should be (keep, gRPC, a queue,
//! REST with OpenAPI, or a redesign), the chain of reasons, and the numbers behind them.
//!
//! The decision for each edge is in [`verdict`]; this module adds the numbers: chain depth and
//! availability ceiling before and after for edges that should leave the synchronous path, and
//! the CPU estimate for REST that should become gRPC.

pub mod plan;
mod verdict;

use std::collections::HashMap;

use serde::Serialize;

use crate::audit::Audit;
use crate::graph::facts::cost::CpuEstimate;
use crate::graph::facts::removal::Removals;
use crate::graph::sync::Via;
use crate::graph::{EdgeKind, NodeRef};
use crate::model::ServiceId;
use crate::source::Span;

pub use verdict::Verdict;

/// What one edge should become, and why.
#[derive(Debug, Clone)]
pub struct Recommendation {
    /// Index into the graph's edges.
    pub edge: usize,
    pub from: String,
    pub to: String,
    /// What it is now: `rest POST /emails`, `grpc orders.v1.OrderService/CreateOrder`,
    /// `nats publish orders.completed`.
    pub current: String,
    pub verdict: Verdict,
    /// The chain of reasons, most important first: `internal`, `answer not needed`, ...
    pub reasons: Vec<String>,
    pub numbers: Numbers,
    pub span: Span,
}

/// The figures that back a recommendation.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Numbers {
    /// Longest sync chain, in hops, of the entrypoints whose requests use this edge.
    pub depth_before: Option<usize>,
    pub depth_after: Option<usize>,
    /// Lowest availability ceiling of those entrypoints, in percent.
    pub ceiling_before: Option<f64>,
    pub ceiling_after: Option<f64>,
    /// CPU a REST call would save as gRPC, in cores.
    pub cpu_saved_cores: Option<f64>,
    #[serde(skip)]
    pub cpu: Option<CpuEstimate>,
}

/// One recommendation per edge, in the graph's edge order.
pub fn recommend(audit: &Audit) -> Vec<Recommendation> {
    let before = &audit.facts;
    let cycle_breakers = verdict::cycle_breakers(audit);
    let reached_by = reached_by(audit);
    let sync_edges = sync_edges_by_kind(audit);
    let mut removals = Removals::new(
        &audit.model,
        &audit.analysis.sync,
        before,
        &audit.analysis.entrypoints,
    );
    let mut position = vec![usize::MAX; audit.analysis.sync.len()];
    for (i, e) in before.per_entry.iter().enumerate() {
        position[e.entry.index()] = i;
    }
    let mut out = Vec::with_capacity(audit.graph.edges.len());
    for (i, edge) in audit.graph.edges.iter().enumerate() {
        let (verdict, reasons, cpu) = verdict::decide(audit, edge, &cycle_breakers);
        let caller = match audit.graph.nodes[edge.from].target {
            NodeRef::Service(s) => Some(s),
            _ => None,
        };
        let mut numbers = Numbers {
            cpu_saved_cores: cpu.map(|c| c.cores),
            cpu,
            ..Numbers::default()
        };
        if let Some(caller) = caller {
            let affected = &reached_by[caller.index()];
            let entries = || {
                affected
                    .iter()
                    .filter_map(|e| before.per_entry.get(position[e.index()]))
                    .map(|m| (m.depth, m.ceiling))
            };
            numbers.depth_before = worst_depth(entries());
            numbers.ceiling_before = lowest_ceiling(entries());
            let leaves_sync_path =
                matches!(verdict, Verdict::Queue | Verdict::Log | Verdict::Redesign);
            match sync_edges.get(&edge.kind) {
                Some(&sync_edge) if leaves_sync_path => {
                    let after = removals.without(sync_edge, affected);
                    let after = || after.iter().map(|w| (w.depth, w.ceiling));
                    numbers.depth_after = worst_depth(after());
                    numbers.ceiling_after = lowest_ceiling(after());
                }
                _ => {
                    numbers.depth_after = numbers.depth_before;
                    numbers.ceiling_after = numbers.ceiling_before;
                }
            }
        }
        out.push(Recommendation {
            edge: i,
            from: audit.graph.nodes[edge.from].name.clone(),
            to: audit.graph.nodes[edge.to].name.clone(),
            current: verdict::current(edge),
            verdict,
            reasons,
            numbers,
            span: edge.span,
        });
    }
    out
}

/// The G_sync edge each graph edge stands for: a call, or the wait of a request/reply.
fn sync_edges_by_kind(audit: &Audit) -> HashMap<EdgeKind, usize> {
    let sync = &audit.analysis.sync;
    (0..sync.edges.len())
        .map(|i| {
            let kind = match sync.edge(i).via {
                Via::Call(c) => EdgeKind::Call(c),
                Via::RequestReply(r) => {
                    EdgeKind::Publish(audit.analysis.request_replies[r].publication)
                }
            };
            (kind, i)
        })
        .collect()
}

/// For each service, the entrypoints whose requests can reach it over sync edges (an
/// entrypoint reaches itself). One traversal per entrypoint.
fn reached_by(audit: &Audit) -> Vec<Vec<ServiceId>> {
    let sync = &audit.analysis.sync;
    let mut by: Vec<Vec<ServiceId>> = vec![Vec::new(); sync.len()];
    for &entry in &audit.analysis.entrypoints {
        let seen = crate::graph::reach::reached_from(sync, &[entry]);
        for (i, _) in seen.iter().enumerate().filter(|(_, s)| **s) {
            by[i].push(entry);
        }
    }
    by
}

/// The deepest chain among some entrypoints' (depth, ceiling).
fn worst_depth(entries: impl Iterator<Item = (usize, f64)>) -> Option<usize> {
    entries.map(|(depth, _)| depth).max()
}

/// The lowest ceiling among some entrypoints' (depth, ceiling), in percent.
fn lowest_ceiling(entries: impl Iterator<Item = (usize, f64)>) -> Option<f64> {
    entries
        .map(|(_, ceiling)| ceiling)
        .min_by(f64::total_cmp)
        .map(|c| (c * 1e6).round() / 1e4)
}
