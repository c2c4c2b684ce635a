//! CA102 deep-sync-chain: the longest G_sync chain from an entrypoint is longer than
//! `max-depth` hops. One finding per entrypoint, at the chain's first call, with every hop, the
//! processing time summed along it and the entrypoint's availability ceiling (both from the
//! facts layer).

use crate::diagnostics::{Finding, Item};
use crate::model::ServiceId;
use crate::options;

use super::{Context, hops};
use crate::diagnostics::catalog::DEEP_SYNC_CHAIN;

options::declare! {
    /// CA102's thresholds and defaults, under `rules: { CA102: ... }` in commaudit.yaml.
    pub struct Options {
        "max-depth" max_depth: u32 = 3, 1..=1000,
            "longest allowed chain from an entrypoint, in hops";
    }
}

pub fn check(ctx: &Context) -> Vec<Finding> {
    let max_depth = ctx.options::<Options>().max_depth;
    let sync = &ctx.analysis.sync;
    let mut findings = Vec::new();
    for facts in &ctx.facts.per_entry {
        let (entry, chain) = (facts.entry, &facts.longest);
        if chain.hops() <= max_depth as usize || chain.edges.is_empty() {
            continue;
        }
        let services = chain.services(sync);
        let (latency, ceiling) = (facts.chain_ms, facts.ceiling);
        let assumed = services.iter().filter(|&&s| uses_defaults(ctx, s)).count();
        let first = sync.edge(chain.edges[0]);
        let mut finding = Finding::new(
            DEEP_SYNC_CHAIN,
            format!(
                "`{}` waits on a {}-hop sync chain: {} ({latency:.0} ms of processing summed, availability ceiling {}%)",
                ctx.model.name(entry),
                chain.hops(),
                hops::path_text(ctx, &services),
                hops::percent(ceiling),
            ),
        )
        .at(hops::span(ctx, first))
        .about(Item::Service(entry))
        .label(format!("first of {} hops; at most {max_depth} are allowed", chain.hops()))
        .services(services.iter().map(|&s| ctx.model.name(s).to_owned()))
        .help(format!(
            "cut the chain: put calls whose answer is not needed on a queue, or let a service keep a local copy (fed by events) of data it keeps fetching further down{}",
            if assumed > 0 {
                format!("; {assumed} of these services declare no processing_ms or SLO, so defaults were used")
            } else {
                String::new()
            }
        ));
        if let Some(op) = hops::operation(ctx, first) {
            finding = finding.operation(op);
        }
        for (i, &e) in chain.edges.iter().enumerate().skip(1) {
            let edge = sync.edge(e);
            finding = finding.related(
                hops::span(ctx, edge),
                format!("hop {}: {}", i + 1, hops::describe(ctx, edge)),
            );
        }
        findings.push(finding);
    }
    findings
}

fn uses_defaults(ctx: &Context, s: ServiceId) -> bool {
    let service = ctx.model.service(s);
    service.processing_ms.is_none() || service.availability.is_none()
}
