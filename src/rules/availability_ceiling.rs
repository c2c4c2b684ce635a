//! CA104 availability-ceiling: an entrypoint's availability SLO is above its availability
//! ceiling, the product of the availabilities of everything it needs synchronously: the
//! services it calls over hard edges, and the datastores and brokers they use (calls with a
//! declared fallback, and anything behind a queue, do not count). The ceiling is the facts
//! layer's; this rule only compares it with the objective and names the weakest links.

use crate::diagnostics::{Finding, Item};
use crate::graph::facts::{self, EntryFacts};
use crate::source::Span;

use super::{Context, hops};
use crate::diagnostics::catalog::AVAILABILITY_CEILING;

/// Dependencies listed as related locations, weakest first.
const SHOWN: usize = 8;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let mut findings = Vec::new();
    for entry in &ctx.facts.per_entry {
        let service = ctx.model.service(entry.entry);
        let Some(slo) = service.availability else {
            continue;
        };
        if entry.ceiling >= slo {
            continue;
        }
        findings.push(finding(ctx, entry, slo));
    }
    findings
}

fn finding(ctx: &Context, entry: &EntryFacts, slo: f64) -> Finding {
    let service = ctx.model.service(entry.entry);
    let deps = &entry.dependencies;
    let defaults = ctx.facts.defaults;
    let links = weakest(ctx, entry);
    let defaulted = deps
        .services
        .iter()
        .filter(|&&s| ctx.model.service(s).availability.is_none())
        .count();
    let infrastructure = deps.datastores.len() + deps.brokers.len();
    let mut notes = Vec::new();
    if defaulted > 0 {
        let noun = if defaulted == 1 { "service" } else { "services" };
        notes.push(format!(
            "{defaulted} {noun} without an SLO counted at the default {}%",
            hops::percent(defaults.availability)
        ));
    }
    if infrastructure > 0 {
        notes.push(format!(
            "datastores counted at {}% and brokers at {}% (`datastore-availability`, `broker-availability`)",
            hops::percent(defaults.datastore_availability),
            hops::percent(defaults.broker_availability)
        ));
    }
    let mut finding = Finding::new(
        AVAILABILITY_CEILING,
        format!(
            "`{}` promises {}% but its {} hard sync dependencies multiply to {}%",
            service.name,
            hops::percent(slo),
            deps.len(),
            hops::percent(entry.ceiling),
        ),
    )
    .at(service.slo_span.unwrap_or(service.span))
    .about(Item::Service(entry.entry))
    .label(format!("at most {}% is reachable", hops::percent(entry.ceiling)))
    .service(service.name.clone())
    .services(deps.services.iter().map(|&s| ctx.model.name(s).to_owned()))
    .help(format!(
        "remove hard dependencies (queue the side effects, give optional calls a fallback), raise the weakest ones' SLOs, or promise at most {}%{}",
        hops::percent(entry.ceiling),
        notes.iter().map(|n| format!("; {n}")).collect::<String>()
    ));
    for (span, text) in links.into_iter().take(SHOWN) {
        finding = finding.related(span, text);
    }
    finding
}

/// Every hard dependency with its availability, weakest first, services before datastores and
/// brokers on a tie.
fn weakest(ctx: &Context, entry: &EntryFacts) -> Vec<(Span, String)> {
    let defaults = ctx.facts.defaults;
    let mut links: Vec<(f64, usize, Span, String)> = Vec::new();
    for &s in &entry.dependencies.services {
        let dep = ctx.model.service(s);
        let a = facts::availability(ctx.model, defaults, s);
        links.push((a, 0, dep.slo_span.unwrap_or(dep.span), format!("`{}`", dep.name)));
    }
    for &d in &entry.dependencies.datastores {
        let store = ctx.model.datastore(d);
        let a = facts::datastore_availability(ctx.model, defaults, d);
        links.push((a, 1, store.span, format!("`{}` (datastore)", store.name)));
    }
    for &b in &entry.dependencies.brokers {
        let broker = ctx.model.broker(b);
        let a = facts::broker_availability(ctx.model, defaults, b);
        links.push((a, 2, broker.span, format!("`{}` (broker)", broker.name)));
    }
    links.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.3.cmp(&b.3)));
    links
        .into_iter()
        .map(|(a, _, span, name)| (span, format!("{name}: {}%", hops::percent(a))))
        .collect()
}
