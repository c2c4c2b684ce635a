//! CA404 timeout-mismatch: a sync call whose timeout does not nest between two objectives:
//! all its attempts together outlast the caller's own `latency_p99_ms`, or one attempt gives up
//! before the callee's `latency_p99_ms`. Timeouts and retries a mesh or gateway sets count as
//! the caller's own (the tighter timeout wins, retries multiply), and a proxy's bound on all
//! attempts together (an Istio or Envoy route `timeout`) cuts the wait. Streaming calls (open for as long as they are useful)
//! and clients' calls are not judged; neither are calls without a timeout (CA402's case).

use rayon::prelude::*;

use crate::diagnostics::{Finding, Item};
use crate::model::{Call, CallId, OperationKind, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::TIMEOUT_MISMATCH;

pub fn check(ctx: &Context) -> Vec<Finding> {
    // Thousands of findings in a large system: made on every core, in the calls' order.
    ctx.model
        .calls
        .par_iter()
        .enumerate()
        .filter_map(|(i, call)| judge(ctx, CallId(i as u32), call))
        .collect()
}

/// The finding about one call, if its timeout does not nest.
fn judge(ctx: &Context, id: CallId, call: &Call) -> Option<Finding> {
    let model = ctx.model;
    let timeout = match (call.timeout_ms, call.proxy.timeout_ms) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => a.or(b)?,
    };
    if model.service(call.from).kind == ServiceKind::Client || streaming(call) {
        return None;
    }
    let attempts =
        (1 + call.retries.unwrap_or(0)).saturating_mul(1 + call.proxy.retries.unwrap_or(0));
    let all = timeout * f64::from(attempts);
    let wait = call.proxy.total_ms.map_or(all, |t| all.min(t));
    if let Some(own) = model.service(call.from).latency_p99_ms
        && wait > own
    {
        Some(too_long(ctx, id, timeout, attempts, wait, own))
    } else if let Some(theirs) = model.service(call.to).latency_p99_ms
        && timeout < theirs
    {
        Some(too_short(ctx, id, timeout, theirs))
    } else {
        None
    }
}

fn streaming(call: &Call) -> bool {
    matches!(
        call.operation.as_ref().map(|o| &o.kind),
        Some(OperationKind::Grpc {
            server_streaming: true,
            ..
        } | OperationKind::Grpc {
            client_streaming: true,
            ..
        })
    )
}

fn too_long(ctx: &Context, id: CallId, timeout: f64, attempts: u32, wait: f64, own: f64) -> Finding {
    let call = ctx.model.call(id);
    let (caller, callee) = (ctx.model.name(call.from), ctx.model.name(call.to));
    let cut = wait < timeout * f64::from(attempts);
    let proxied = cut || proxy_timeout(call, timeout) || call.proxy.retries.is_some_and(|r| r > 0);
    let cut = if cut { ", cut short" } else { "" };
    let by = set_by(call, proxied, ", set by ");
    let finding = Finding::new(
        TIMEOUT_MISMATCH,
        format!(
            "`{caller}` may wait {wait:.0} ms on `{callee}` ({attempts} attempts of {timeout:.0} ms{cut}{by}), longer than its own {own:.0} ms objective"
        ),
    )
    .label(format!("{attempts} x {timeout:.0} ms"))
    .help(format!(
        "fit every attempt inside `{caller}`'s {own:.0} ms: a timeout of at most {:.0} ms per attempt, fewer attempts, or an objective that admits the wait",
        own / f64::from(attempts)
    ));
    about(ctx, id, finding)
}

fn too_short(ctx: &Context, id: CallId, timeout: f64, theirs: f64) -> Finding {
    let call = ctx.model.call(id);
    let (caller, callee) = (ctx.model.name(call.from), ctx.model.name(call.to));
    let by = set_by(call, proxy_timeout(call, timeout), " set by ");
    let finding = Finding::new(
        TIMEOUT_MISMATCH,
        format!(
            "`{caller}` gives up on `{callee}` after {timeout:.0} ms{by}, before `{callee}`'s own {theirs:.0} ms objective"
        ),
    )
    .label(format!("{timeout:.0} ms"))
    .help(format!(
        "answers `{callee}` counts as on time are abandoned and retried: wait at least {theirs:.0} ms, or tighten `{callee}`'s objective to what `{caller}` can wait"
    ));
    about(ctx, id, finding)
}

/// The effective timeout is the proxy's, not (only) the caller's.
fn proxy_timeout(call: &Call, timeout: f64) -> bool {
    call.proxy.timeout_ms == Some(timeout)
}

/// `, set by Istio VirtualService checkout` when a proxy's policy decides the wait.
fn set_by(call: &Call, proxied: bool, lead: &str) -> String {
    if proxied && !call.proxy.evidence.is_empty() {
        format!("{lead}{}", call.proxy.evidence.join(", "))
    } else {
        String::new()
    }
}

fn about(ctx: &Context, id: CallId, finding: Finding) -> Finding {
    let call = ctx.model.call(id);
    let mut finding = finding
        .at(call.span)
        .about(Item::Call(id))
        .services([ctx.model.name(call.from), ctx.model.name(call.to)]);
    if let Some(op) = &call.operation {
        finding = finding.operation(op.name.clone());
    }
    finding
}
