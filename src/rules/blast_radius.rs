//! CA105 blast-radius: a service whose failure makes at least `min-entrypoints` entrypoints
//! fail, over hard sync edges (async edges and calls with a fallback stop the spread).

use std::collections::{HashMap, VecDeque};

use crate::diagnostics::{Finding, Item};
use crate::model::ServiceId;
use crate::options;

use super::{Context, hops};
use crate::diagnostics::catalog::BLAST_RADIUS;

options::declare! {
    /// CA105's threshold, under `rules: { CA105: ... }` in commaudit.yaml.
    pub struct Options {
        "min-entrypoints" min_entrypoints: u32 = 3, 1..=1_000_000,
            "entrypoints a failure must take down to be reported";
    }
}

pub fn check(ctx: &Context) -> Vec<Finding> {
    let min = ctx.options::<Options>().min_entrypoints as usize;
    let flagged: Vec<ServiceId> = ctx
        .model
        .service_ids()
        .filter(|s| ctx.analysis.takes_down[s.index()].len() >= min)
        .collect();
    if flagged.is_empty() {
        return Vec::new();
    }
    // One breadth-first tree per entrypoint gives the path to every flagged service.
    let trees: HashMap<ServiceId, HashMap<ServiceId, ServiceId>> = ctx
        .analysis
        .entrypoints
        .iter()
        .map(|&e| (e, hard_tree(ctx, e)))
        .collect();
    let mut findings = Vec::new();
    for id in flagged {
        let down = &ctx.analysis.takes_down[id.index()];
        let service = ctx.model.service(id);
        let names: Vec<String> = down.iter().map(|&e| ctx.model.name(e).to_owned()).collect();
        let mut finding = Finding::new(
            BLAST_RADIUS,
            format!(
                "`{}` failing takes down {} entrypoints: {}",
                service.name,
                down.len(),
                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ),
        )
        .at(service.span)
        .about(Item::Service(id))
        .label("a single point of failure for these entrypoints")
        .service(service.name.clone())
        .services(names)
        .help(format!(
            "let fewer entrypoints need `{}` synchronously: serve its data from read models fed by its events, accept work asynchronously, or give callers a fallback",
            service.name
        ));
        for &entry in down {
            let how = match trees.get(&entry).map(|tree| path_to(tree, entry, id)) {
                Some(path) if path.len() > 1 => format!(
                    "entrypoint `{}` needs it through {}",
                    ctx.model.name(entry),
                    hops::path_text(ctx, &path)
                ),
                _ => format!("entrypoint `{}` is this service", ctx.model.name(entry)),
            };
            finding = finding.related(ctx.model.service(entry).span, how);
        }
        findings.push(finding);
    }
    findings
}

/// Breadth-first parents over hard edges from `from`, for the services it reaches only: one
/// tree per entrypoint, so a dense vector each would cost entrypoints x services.
fn hard_tree(ctx: &Context, from: ServiceId) -> HashMap<ServiceId, ServiceId> {
    let sync = &ctx.analysis.sync;
    let mut parent: HashMap<ServiceId, ServiceId> = HashMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(s) = queue.pop_front() {
        for &e in sync.out_edges(s) {
            let edge = sync.edge(e);
            if edge.hard && edge.to != from && !parent.contains_key(&edge.to) {
                parent.insert(edge.to, s);
                queue.push_back(edge.to);
            }
        }
    }
    parent
}

/// The tree's path from its root to `to` (just `[root]` when `to` is the root or unreached).
fn path_to(parent: &HashMap<ServiceId, ServiceId>, root: ServiceId, to: ServiceId) -> Vec<ServiceId> {
    let mut path = vec![to];
    let mut at = to;
    while at != root {
        match parent.get(&at) {
            Some(&prev) => {
                path.push(prev);
                at = prev;
            }
            None => return vec![root],
        }
    }
    path.reverse();
    path
}

