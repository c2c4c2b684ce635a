//! CA406 infrastructure-ceiling: the datastores and brokers among an entrypoint's hard
//! dependencies (from the facts layer) multiply to less than its availability SLO. CA104 judges
//! the whole ceiling; this rule points at the part no service change can fix.

use crate::diagnostics::{Finding, Item};
use crate::graph::facts;

use super::{Context, hops};
use crate::diagnostics::catalog::INFRASTRUCTURE_CEILING;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let defaults = ctx.facts.defaults;
    let mut findings = Vec::new();
    for entry in &ctx.facts.per_entry {
        let service = ctx.model.service(entry.entry);
        let Some(slo) = service.availability else {
            continue;
        };
        let deps = &entry.dependencies;
        let stores = deps
            .datastores
            .iter()
            .map(|&d| (facts::datastore_availability(ctx.model, defaults, d), ctx.model.datastore(d).span, &ctx.model.datastore(d).name));
        let brokers = deps
            .brokers
            .iter()
            .map(|&b| (facts::broker_availability(ctx.model, defaults, b), ctx.model.broker(b).span, &ctx.model.broker(b).name));
        let all: Vec<_> = stores.chain(brokers).collect();
        let ceiling: f64 = all.iter().map(|(a, _, _)| a).product();
        if all.is_empty() || ceiling >= slo {
            continue;
        }
        let mut finding = Finding::new(
            INFRASTRUCTURE_CEILING,
            format!(
                "`{}` promises {}% but the {} datastores and brokers it cannot answer without allow at most {}%",
                service.name,
                hops::percent(slo),
                all.len(),
                hops::percent(ceiling)
            ),
        )
        .at(service.slo_span.unwrap_or(service.span))
        .about(Item::Service(entry.entry))
        .label(format!("at most {}% whatever the services do", hops::percent(ceiling)))
        .service(service.name.clone())
        .help(
            "give reads a fallback (`fallback: true` on the datastore use), put writes behind a queue with an outbox, run the datastores and brokers for more and declare their `availability`, or promise less",
        );
        for (a, span, name) in all {
            finding = finding.related(span, format!("`{name}`: {}%", hops::percent(a)));
        }
        findings.push(finding);
    }
    findings
}
