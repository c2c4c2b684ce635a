//! CA106 retry-amplification: along a sync chain from an entrypoint, the product of attempts
//! (1 + retries) at each hop exceeds `max-attempts`: one user request becomes that many calls
//! at the end of the chain.

use crate::diagnostics::{Finding, Item};
use crate::options;

use super::{Context, hops};
use crate::graph::sync::{SyncEdge, Via};
use crate::model::observed::round;
use crate::diagnostics::catalog::RETRY_AMPLIFICATION;

options::declare! {
    /// CA106's threshold, under `rules: { CA106: ... }` in commaudit.yaml.
    pub struct Options {
        "max-attempts" max_attempts: u32 = 10, 1..=1_000_000,
            "largest allowed product of attempts (1 + retries) along a chain";
    }
}

pub fn check(ctx: &Context) -> Vec<Finding> {
    let max = f64::from(ctx.options::<Options>().max_attempts);
    let sync = &ctx.analysis.sync;
    let mut findings = Vec::new();
    for facts in &ctx.facts.per_entry {
        let (entry, chain, attempts) = (facts.entry, &facts.retry_chain, facts.attempts);
        if attempts <= max || chain.edges.is_empty() {
            continue;
        }
        let services = chain.services(sync);
        let leaf = services.last().map_or("", |&s| ctx.model.name(s));
        let factors: Vec<String> = chain
            .edges
            .iter()
            .map(|&e| (1 + sync.edge(e).retries).to_string())
            .collect();
        let first = sync.edge(chain.edges[0]);
        // With traffic, the rate into the chain is measured: say what it becomes at the leaf.
        let observed = match first.via {
            Via::Call(id) => ctx.model.call(id).observed_rps.map(|rps| {
                format!(
                    "; at the observed {} rps into `{}` that is up to {} calls per second at `{leaf}`",
                    round(rps),
                    ctx.model.name(first.to),
                    round(rps * attempts)
                )
            }),
            Via::RequestReply(_) => None,
        };
        let mut finding = Finding::new(
            RETRY_AMPLIFICATION,
            format!(
                "one request to `{}` can become {attempts:.0} calls to `{leaf}`: retries multiply along {} ({}){}",
                ctx.model.name(entry),
                hops::path_text(ctx, &services),
                factors.join(" x "),
                observed.unwrap_or_default(),
            ),
        )
        .at(hops::span(ctx, first))
        .about(Item::Service(entry))
        .label(format!("{} attempts here{}", factors[0], by_proxy(ctx, first)))
        .services(services.iter().map(|&s| ctx.model.name(s).to_owned()))
        .help(format!(
            "retry at one layer only (the edge), with a budget and backoff with jitter; let inner hops fail fast with tight timeouts, so one request stays under {max:.0} calls"
        ));
        for &e in chain.edges.iter().skip(1) {
            let edge = sync.edge(e);
            finding = finding.related(
                hops::span(ctx, edge),
                format!(
                    "{} attempts: {}{}",
                    1 + edge.retries,
                    hops::describe(ctx, edge),
                    by_proxy(ctx, edge)
                ),
            );
        }
        findings.push(finding);
    }
    findings
}

/// Where a proxy's retries stack on the caller's: `, 4 of them by Istio VirtualService orders`.
fn by_proxy(ctx: &Context, edge: &SyncEdge) -> String {
    let Via::Call(id) = edge.via else {
        return String::new();
    };
    let proxy = &ctx.model.call(id).proxy;
    match proxy.retries {
        Some(r) if r > 0 => format!(
            " ({} per attempt of the caller from {})",
            1 + r,
            proxy.evidence.join(", ")
        ),
        _ => String::new(),
    }
}
