//! CA407 load-over-capacity: a fan-in hot spot. The load into a service (from the facts layer:
//! its callers' rates, each caller's rate times its attempts when every attempt is retried, each
//! rate the larger of the declared peak and the observed one, and the message says which) is
//! more than the service's declared `capacity` x `replicas` can serve at its expected answer
//! time. An error when the first attempts alone exceed it; a warning when only the retries do,
//! because then the first slow moment brings the retries that keep it slow.

use crate::diagnostics::{Finding, Item, Severity};
use crate::graph::sync::Via;

use super::Context;
use crate::diagnostics::catalog::LOAD_OVER_CAPACITY;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let facts = ctx.facts;
    let sync = &ctx.analysis.sync;
    let mut findings = Vec::new();
    for s in model.service_ids() {
        let service = model.service(s);
        let latency = facts.latency.of(&facts.components, s);
        let (Some(capacity), Some(load)) = (
            service.capacity.rps_at(latency),
            facts.load.get(s.index()).filter(|l| l.known),
        ) else {
            continue;
        };
        if load.retry_rps <= capacity {
            continue;
        }
        let callers = sync.in_edges(s);
        let over_now = load.rps > capacity;
        let message = if over_now {
            format!(
                "`{}` receives {} rps from {} {}, more than the {} rps its capacity serves at {} ms per request",
                service.name,
                rate(load.rps),
                count(callers.len(), "caller"),
                load.basis.describe(),
                rate(capacity),
                rate(latency)
            )
        } else {
            format!(
                "`{}` receives {} rps from {} {}, and {} rps when they retry: more than the {} rps its capacity serves at {} ms per request",
                service.name,
                rate(load.rps),
                count(callers.len(), "caller"),
                load.basis.describe(),
                rate(load.retry_rps),
                rate(capacity),
                rate(latency)
            )
        };
        let mut finding = Finding::new(LOAD_OVER_CAPACITY, message)
            .at(service.capacity.span.unwrap_or(service.span))
            .about(Item::Service(s))
            .label(format!("at most {} rps", rate(capacity)))
            .service(service.name.clone())
            .help(
                "retry at one layer with backoff and a retry budget, serve the callers' reads from a cache or a read model fed by events, or add replicas and declare the capacity they give",
            );
        for &e in callers {
            let edge = sync.edge(e);
            let Via::Call(c) = edge.via else {
                continue;
            };
            let call = model.call(c);
            let attempts = count(1 + edge.retries as usize, "attempt");
            let what = match edge.rps {
                Some(rps) if edge.rps_observed => {
                    format!("{} rps observed x {attempts}", rate(rps))
                }
                Some(rps) => format!("{} rps x {attempts}", rate(rps)),
                None => format!("its callers' rate x {attempts}"),
            };
            finding = finding.related(
                call.span,
                format!("`{}` calls it: {what}", model.name(call.from)),
            );
        }
        findings.push(if over_now {
            finding.severity(Severity::Error)
        } else {
            finding
        });
    }
    findings
}

/// `1 caller`, `5 callers`.
fn count(n: usize, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

/// `1700`, `2.5`.
fn rate(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}")
    } else {
        let text = format!("{x:.1}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}
