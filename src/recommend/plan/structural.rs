//! The steps that take edges off the synchronous path, measured one after the other: break each
//! sync cycle at the call that fetches back, cut the longest chain where one cut shortens it
//! most, then put the remaining side effects on queues.

use std::cmp::Reverse;

use crate::diagnostics::catalog::{
    CALL_WITHOUT_TIMEOUT, INTERNAL_REST, POLLING_FOR_STATUS, REQUEST_REPLY_OVER_QUEUE, SYNC_CYCLE,
    SYNC_SIDE_EFFECT,
};
use crate::diagnostics::{Item, RuleId};
use crate::graph::chains;
use crate::graph::facts::Headline;
use crate::graph::facts::removal::ChainCuts;
use crate::graph::sync::Via;
use crate::model::{Call, CallId, ServiceId};
use crate::recommend::Verdict;
use crate::source::Span;

use super::work::item_of;
use super::{Effort, LISTED, Step, Work};

/// Findings about one edge, which go away with the edge.
pub(super) const EDGE_RULES: &[RuleId] = &[
    REQUEST_REPLY_OVER_QUEUE,
    SYNC_SIDE_EFFECT,
    INTERNAL_REST,
    POLLING_FOR_STATUS,
    CALL_WITHOUT_TIMEOUT,
];

/// At most this many cuts are proposed; past them the chain needs a redesign, not a list.
const MAX_CUTS: usize = 5;
/// At most this many cycles are broken one by one; a bigger tangle is one redesign.
const MAX_BREAKS: usize = 20;

pub(super) fn break_cycles(work: &mut Work) -> Vec<Step> {
    let audit = work.audit;
    let mut steps = Vec::new();
    for _ in 0..MAX_BREAKS {
        let (g, original) = work.graph(&[]);
        let comps = g.components();
        let cycles = crate::graph::cycles::find(&g, &comps);
        let depth = entry_depths(&g, &audit.analysis.entrypoints);
        // In the first cycle that has a call to cut, the call back toward the entrypoints:
        // its callee is the one nearest to them, its caller the farthest.
        let pick = cycles.iter().find_map(|cycle| {
            cycle
                .path
                .iter()
                .filter_map(|&e| match g.edge(e).via {
                    Via::Call(c) => Some((e, c)),
                    Via::RequestReply(_) => None,
                })
                .min_by_key(|&(e, c)| {
                    let edge = g.edge(e);
                    (
                        depth[edge.to.index()],
                        Reverse(depth[edge.from.index()]),
                        work.name(edge.to),
                        c,
                    )
                })
                .map(|(e, c)| (cycle, original[e], c))
        });
        let Some((cycle, e, c)) = pick else {
            break;
        };
        let call = audit.model.call(c);
        let (caller, callee) = (work.name(call.from), work.name(call.to));
        let members = cycle
            .members
            .iter()
            .map(|&s| work.name(s))
            .collect::<Vec<_>>()
            .join(", ");
        // The cycle finding of the strongly connected set this loop lies in.
        let in_cycle: Vec<Item> = cycle.members.iter().map(|&s| Item::Service(s)).collect();
        let improves = work.remove(&[e]);
        let mut resolves = work.resolve(&[SYNC_CYCLE], &in_cycle);
        resolves.extend(work.resolve(EDGE_RULES, &[Item::Call(c)]));
        let (action, effort_reason) = if call.from == call.to {
            (
                format!(
                    "Stop `{caller}` calling itself{}: do the work in-process",
                    op_text(call)
                ),
                format!("a change inside `{caller}`"),
            )
        } else {
            let owners = (
                audit.model.service(call.from).owner.as_deref(),
                audit.model.service(call.to).owner.as_deref(),
            );
            let between = match owners {
                (Some(a), Some(b)) if a != b => format!("`{a}` and `{b}`"),
                _ => format!("`{caller}` and `{callee}`"),
            };
            (
                format!(
                    "Break the cycle between {members}: stop `{caller}` calling `{callee}` back{}; send `{caller}` what it fetches with the request, or let it react to an event from `{callee}`",
                    op_text(call)
                ),
                format!("changes the contract between {between}"),
            )
        };
        steps.push(Step {
            action,
            edges: vec![format!("{caller} -> {callee}")],
            improves,
            resolves,
            effort: if call.from == call.to {
                Effort::Small
            } else {
                Effort::Medium
            },
            effort_reason,
            span: Some(call.span),
        });
    }
    steps
}

/// Hops from the nearest entrypoint (unreached: `usize::MAX`).
fn entry_depths(g: &crate::graph::sync::SyncGraph, entrypoints: &[ServiceId]) -> Vec<usize> {
    let mut depth = vec![usize::MAX; g.len()];
    let mut queue = std::collections::VecDeque::new();
    for &e in entrypoints {
        depth[e.index()] = 0;
        queue.push_back(e);
    }
    while let Some(s) = queue.pop_front() {
        for &e in g.out_edges(s) {
            let to = g.edge(e).to;
            if depth[to.index()] == usize::MAX {
                depth[to.index()] = depth[s.index()] + 1;
                queue.push_back(to);
            }
        }
    }
    depth
}

pub(super) fn cut_chains(work: &mut Work) -> Vec<Step> {
    let mut steps = Vec::new();
    for _ in 0..MAX_CUTS {
        let current = work.current.clone();
        let longest = current.summary().longest_sync_chain;
        if longest as f64 <= work.max_depth {
            break;
        }
        let (g, original) = work.graph(&[]);
        let comps = g.components();
        let mut cuts = ChainCuts::new(&g, &comps);
        let Some(deepest) = current
            .per_entry
            .iter()
            .max_by(|a, b| a.depth.cmp(&b.depth).then(b.entry.cmp(&a.entry)))
        else {
            break;
        };
        let chain = chains::follow(&g, &comps, cuts.depths(), deepest.entry);
        let entries: Vec<ServiceId> = current.per_entry.iter().map(|m| m.entry).collect();
        // Each cut is measured by patching the chains above it; a cut inside a sync cycle
        // changes the cycle, so the graph without it is measured whole.
        let best = chain
            .edges
            .iter()
            .enumerate()
            .map(|(pos, &ge)| {
                let e = original[ge];
                let hops = cuts.hops_without(ge, &entries).unwrap_or_else(|| {
                    let after = work.measures(&[e]);
                    after.per_entry.iter().map(|m| m.depth).collect()
                });
                let key = (
                    hops.iter().copied().max().unwrap_or(0),
                    hops.iter().sum::<usize>(),
                    cut_effort(work, e),
                    Reverse(pos),
                );
                (key, e)
            })
            .min_by(|a, b| a.0.cmp(&b.0));
        let Some(((after_longest, after_sum, _, _), e)) = best else {
            break;
        };
        if (after_longest, after_sum) >= (longest, depth_sum(&current)) {
            break;
        }
        steps.push(cut(work, e));
    }
    steps
}

pub(super) fn side_effects(work: &mut Work) -> Vec<Step> {
    let audit = work.audit;
    let mut pending: Vec<(CallId, usize, bool)> = Vec::new();
    for r in work.recs {
        let crate::graph::EdgeKind::Call(c) = audit.graph.edges[r.edge].kind else {
            continue;
        };
        if !matches!(r.verdict, Verdict::Queue | Verdict::Log) {
            continue;
        }
        if let Some(&e) = work.sync_of_call.get(&c)
            && !work.removed.contains(&e)
        {
            pending.push((c, e, r.verdict == Verdict::Log));
        }
    }
    let mut steps = Vec::new();
    let rest = pending.split_off(pending.len().min(LISTED));
    for (c, e, log) in pending {
        let call = audit.model.call(c);
        let (caller, callee) = (work.name(call.from), work.name(call.to));
        let improves = work.remove(&[e]);
        let resolves = work.resolve(EDGE_RULES, &[Item::Call(c)]);
        let target = if log {
            "a Kafka-compatible log (e.g. Redpanda)"
        } else {
            "a queue (NATS JetStream)"
        };
        steps.push(Step {
            action: format!(
                "Stop `{caller}` waiting for `{callee}`{}: publish an event to {target} and let `{callee}` consume it; `{caller}` does not need the answer",
                op_text(call)
            ),
            edges: vec![format!("{caller} -> {callee}")],
            improves,
            resolves,
            effort: Effort::Small,
            effort_reason: format!(
                "one publisher in `{caller}`; `{callee}`'s handler becomes an idempotent consumer"
            ),
            span: Some(call.span),
        });
    }
    if !rest.is_empty() {
        let edges: Vec<usize> = rest.iter().map(|(_, e, _)| *e).collect();
        let spans: Vec<Span> = rest
            .iter()
            .map(|(c, _, _)| audit.model.call(*c).span)
            .collect();
        let names: Vec<String> = rest
            .iter()
            .map(|(c, _, _)| {
                let call = audit.model.call(*c);
                format!("{} -> {}", work.name(call.from), work.name(call.to))
            })
            .collect();
        let improves = work.remove(&edges);
        let about: Vec<Item> = rest.iter().map(|(c, _, _)| Item::Call(*c)).collect();
        let resolves = work.resolve(EDGE_RULES, &about);
        steps.push(Step {
            action: format!(
                "Do the same for the other {} side effects (listed in the recommendations)",
                rest.len()
            ),
            edges: names,
            improves,
            resolves,
            effort: Effort::Medium,
            effort_reason: "many small changes, one per caller".into(),
            span: spans.first().copied(),
        });
    }
    steps
}

/// One cut of a chain, worded by what the edge is.
fn cut(work: &mut Work, e: usize) -> Step {
    let audit = work.audit;
    let edge = audit.analysis.sync.edge(e).clone();
    let (from, to) = (work.name(edge.from), work.name(edge.to));
    let span = span_of(work, e);
    let improves = work.remove(&[e]);
    let resolves = work.resolve(EDGE_RULES, &[item_of(edge.via, audit)]);
    let effort = cut_effort(work, e);
    let (action, effort_reason) = match edge.via {
        Via::Call(c) if audit.model.call(c).needs_response == Some(false) => (
            format!(
                "Put `{from} -> {to}`{} on a queue: `{from}` does not need the answer",
                op_text(audit.model.call(c))
            ),
            format!("one publisher in `{from}`; `{to}` consumes"),
        ),
        Via::Call(c) => (
            format!(
                "Give `{from}` its own copy of the `{to}` data it reads{}, kept current from events `{to}` publishes, and stop calling `{to}` on every request",
                op_text(audit.model.call(c))
            ),
            format!("a new event stream from `{to}` and a read model in `{from}`"),
        ),
        Via::RequestReply(r) => {
            let rr = &audit.analysis.request_replies[r];
            let p = &audit.model.publications[rr.publication.index()];
            let subject = &audit.model.channel(p.channel).subject;
            (
                format!(
                    "Stop `{from}` waiting for `{to}`'s answer on `{subject}`: carry on and react to `{to}`'s result event"
                ),
                format!("`{from}` must cope with the answer arriving later"),
            )
        }
    };
    Step {
        action,
        edges: vec![format!("{from} -> {to}")],
        improves,
        resolves,
        effort,
        effort_reason,
        span: Some(span),
    }
}

fn cut_effort(work: &Work, e: usize) -> Effort {
    match work.audit.analysis.sync.edge(e).via {
        Via::Call(c) if work.audit.model.call(c).needs_response == Some(false) => Effort::Small,
        Via::Call(_) => Effort::Large,
        Via::RequestReply(_) => Effort::Medium,
    }
}

fn depth_sum(m: &Headline) -> usize {
    m.per_entry.iter().map(|x| x.depth).sum()
}

/// The line that declares a G_sync edge: the call, or the publication that waits.
pub(super) fn span_of(work: &Work, e: usize) -> Span {
    let audit = work.audit;
    match audit.analysis.sync.edge(e).via {
        Via::Call(c) => audit.model.call(c).span,
        Via::RequestReply(r) => {
            let rr = &audit.analysis.request_replies[r];
            audit.model.publications[rr.publication.index()].span
        }
    }
}

/// ` (`POST /emails`)`, or nothing when the call names no operation.
pub(super) fn op_text(call: &Call) -> String {
    call.operation
        .as_ref()
        .map_or_else(String::new, |o| format!(" (`{}`)", o.name))
}
