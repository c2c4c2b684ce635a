//! CA405 retry-storm: a call retried by the caller and again by a proxy in between (the attempts
//! multiply), or a call whose declared retry policy comes back at once (`backoff: none`) or in
//! lockstep (`jitter: false`). Only what is declared is judged: `retries: 2` alone says nothing
//! about backoff.

use crate::diagnostics::{Finding, Item};
use crate::model::{Backoff, CallId, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::RETRY_STORM;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let mut findings = Vec::new();
    for (id, call) in model.call_ids().zip(&model.calls) {
        let own = call.retries.unwrap_or(0);
        if own == 0 || model.service(call.from).kind == ServiceKind::Client {
            continue;
        }
        let (caller, callee) = (model.name(call.from), model.name(call.to));
        let r = &call.resilience;
        let message = match call.proxy.retries {
            Some(p) if p > 0 => format!(
                "`{caller}` retries `{callee}` and so does {}: {} attempts per request",
                call.proxy.evidence.join(", "),
                (1 + own).saturating_mul(1 + p)
            ),
            _ => {
                let how = match (r.backoff, r.jitter) {
                    (Some(Backoff::None), _) => "at once, without backoff",
                    (_, Some(false)) => "in lockstep with every other caller, without jitter",
                    _ => continue,
                };
                format!("`{caller}` retries `{callee}` {how}")
            }
        };
        findings.push(finding(ctx, id, message));
    }
    findings
}

fn finding(ctx: &Context, id: CallId, message: String) -> Finding {
    let call = ctx.model.call(id);
    let mut finding = Finding::new(RETRY_STORM, message)
        .at(call.resilience.retry_span.unwrap_or(call.span))
        .about(Item::Call(id))
        .label(format!("{} retries", call.retries.unwrap_or(0)))
        .services([ctx.model.name(call.from), ctx.model.name(call.to)])
        .help(
            "retry at one layer only, with exponential backoff and jitter and a retry budget (`retry: { attempts: 2, backoff: exponential, jitter: true, budget: 10 }`)",
        );
    if let Some(op) = &call.operation {
        finding = finding.operation(op.name.clone());
    }
    finding
}
