//! CA103 sync-fan-out: a service that calls more than `max-fan-out` services synchronously,
//! with the share of its requests that wait on at least one slow callee, 1-(1-p)^n.

use std::collections::BTreeMap;

use crate::diagnostics::Finding;
use crate::model::{ServiceId, ServiceKind};

use super::{Context, hops};
use crate::diagnostics::catalog::SYNC_FAN_OUT;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let max = ctx.config.number(SYNC_FAN_OUT, "max-fan-out");
    let slow = ctx
        .config
        .number(SYNC_FAN_OUT, "slow-share")
        .clamp(0.0, 1.0);
    let sync = &ctx.analysis.sync;
    let mut findings = Vec::new();
    for id in ctx.model.service_ids() {
        let service = ctx.model.service(id);
        if service.kind == ServiceKind::Client {
            continue;
        }
        // The first edge to each distinct callee, in declaration order.
        let mut callees: BTreeMap<ServiceId, usize> = BTreeMap::new();
        for &e in sync.out_edges(id) {
            let to = sync.edge(e).to;
            if to != id {
                callees.entry(to).or_insert(e);
            }
        }
        let n = callees.len();
        if (n as f64) <= max {
            continue;
        }
        let risk = 1.0 - (1.0 - slow).powi(n as i32);
        let names: Vec<String> = callees
            .keys()
            .map(|&s| ctx.model.name(s).to_owned())
            .collect();
        let mut finding = Finding::new(
            SYNC_FAN_OUT,
            format!(
                "`{}` calls {n} services synchronously ({}); {}% of its requests wait on at least one callee's slowest {}%",
                service.name,
                names.iter().map(|s| format!("`{s}`")).collect::<Vec<_>>().join(", "),
                hops::percent(risk),
                hops::percent(slow),
            ),
        )
        .at(service.span)
        .label(format!("{n} sync callees; at most {max} are allowed"))
        .service(service.name.clone())
        .services(names)
        .help("move the calls whose answers the response does not need onto a queue, and run the rest in parallel with timeouts and fallbacks");
        let mut edges: Vec<usize> = callees.into_values().collect();
        edges.sort_unstable();
        for e in edges {
            let edge = sync.edge(e);
            finding = finding.related(hops::span(ctx, edge), hops::describe(ctx, edge));
        }
        findings.push(finding);
    }
    findings
}
