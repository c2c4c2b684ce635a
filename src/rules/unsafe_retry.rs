//! CA403 unsafe-retry: a call retried (by the caller or by a proxy in between) whose operation
//! is declared not idempotent (`idempotent: false`) and carries no idempotency key. Unknown is not
//! unsafe: a call that does not say whether its operation is idempotent is not reported.

use crate::diagnostics::{Finding, Item};
use crate::model::{CallId, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::UNSAFE_RETRY;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let mut findings = Vec::new();
    for (id, call) in model.call_ids().zip(&model.calls) {
        let r = &call.resilience;
        let attempts =
            (1 + call.retries.unwrap_or(0)).saturating_mul(1 + call.proxy.retries.unwrap_or(0));
        if attempts <= 1
            || r.idempotent != Some(false)
            || r.idempotency_key.is_some()
            || model.service(call.from).kind == ServiceKind::Client
        {
            continue;
        }
        findings.push(finding(ctx, id, attempts));
    }
    findings
}

fn finding(ctx: &Context, id: CallId, attempts: u32) -> Finding {
    let model = ctx.model;
    let call = model.call(id);
    let (caller, callee) = (model.name(call.from), model.name(call.to));
    let operation = call
        .operation
        .as_ref()
        .map_or_else(|| format!("{} calls", call.protocol), |o| o.name.clone());
    let by_proxy = match call.proxy.retries {
        Some(r) if r > 0 => format!(" ({} per attempt from {})", 1 + r, call.proxy.evidence.join(", ")),
        _ => String::new(),
    };
    let mut finding = Finding::new(
        UNSAFE_RETRY,
        format!(
            "`{caller}` makes up to {attempts} attempts at `{operation}` on `{callee}`, which is not idempotent and carries no idempotency key"
        ),
    )
    .at(call.resilience.retry_span.unwrap_or(call.span))
    .about(Item::Call(id))
    .label(format!("{attempts} attempts{by_proxy}"))
    .services([caller, callee])
    .help(format!(
        "send an idempotency key that `{callee}` uses to drop repeats and declare it with `idempotency_key`, or stop retrying this call and reconcile instead"
    ));
    if let Some(op) = &call.operation {
        finding = finding.operation(op.name.clone());
    }
    finding
}
