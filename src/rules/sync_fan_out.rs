//! CA103 sync-fan-out: a service that calls more than `max-fan-out` services synchronously,
//! with the share of its requests that wait on at least one slow callee, 1-(1-p)^n.

use std::collections::BTreeMap;

use crate::diagnostics::{Finding, Item};
use crate::model::{ServiceId, ServiceKind};
use crate::options;

use super::{Context, hops};
use crate::diagnostics::catalog::SYNC_FAN_OUT;

options::declare! {
    /// CA103's threshold and assumption, under `rules: { CA103: ... }` in commaudit.yaml.
    pub struct Options {
        "max-fan-out" max_fan_out: u32 = 5, 1..=100_000,
            "most services a service may call synchronously";
        "slow-share" slow_share: f64 = 0.01, 0..=1,
            "share of each callee's requests assumed slow (0.01 for the p99)";
    }
}

pub fn check(ctx: &Context) -> Vec<Finding> {
    let options = ctx.options::<Options>();
    let max = options.max_fan_out;
    let slow = options.slow_share;
    let sync = &ctx.analysis.sync;
    let mut findings = Vec::new();
    for id in ctx.model.service_ids() {
        let service = ctx.model.service(id);
        if matches!(service.kind, ServiceKind::Client | ServiceKind::Infrastructure) {
            continue;
        }
        // The first edge to each distinct callee, in declaration order.
        let mut callees: BTreeMap<ServiceId, usize> = BTreeMap::new();
        for &e in sync.out_edges(id) {
            let to = sync.edge(e).to;
            // Platform plumbing (discovery, configuration) is not part of the request's work.
            let plumbing = ctx.model.service(to).kind == ServiceKind::Infrastructure;
            if to != id && !plumbing {
                callees.entry(to).or_insert(e);
            }
        }
        let n = callees.len();
        if n <= max as usize {
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
        .about(Item::Service(id))
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
