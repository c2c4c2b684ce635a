//! CA102 deep-sync-chain: the longest G_sync chain from an entrypoint is longer than
//! `max-depth` hops. One finding per entrypoint, at the chain's first call, with every hop, the
//! processing time summed along it and the availability ceiling it leaves.

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
        "default-processing-ms" default_processing_ms: f64 = 10.0, 0..=3_600_000,
            "per-service processing time assumed when a manifest declares no processing_ms";
        "default-availability" default_availability: f64 = 99.9, 0..=100,
            "availability in percent assumed for a service without an SLO";
    }
}

pub fn check(ctx: &Context) -> Vec<Finding> {
    let options = ctx.options::<Options>();
    let max_depth = options.max_depth;
    let default_ms = options.default_processing_ms;
    let default_availability = options.default_availability / 100.0;
    let sync = &ctx.analysis.sync;
    let mut findings = Vec::new();
    for &entry in &ctx.analysis.entrypoints {
        let chain = ctx.analysis.longest_chain(entry);
        if chain.hops() <= max_depth as usize || chain.edges.is_empty() {
            continue;
        }
        let services = chain.services(sync);
        let latency: f64 = services
            .iter()
            .map(|&s| ctx.model.service(s).processing_ms.unwrap_or(default_ms))
            .sum();
        let ceiling: f64 = services
            .iter()
            .map(|&s| {
                ctx.model
                    .service(s)
                    .availability
                    .unwrap_or(default_availability)
            })
            .product();
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
