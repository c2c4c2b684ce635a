//! CA302 internal-rest: a REST call into an internal service whose answer the caller needs (or
//! may need: intent unknown). It should be gRPC; the finding says how much CPU that would save.

use rayon::prelude::*;

use crate::diagnostics::{Finding, Item};
use crate::model::{Call, CallId, Exposure, Protocol, ServiceKind};

use super::Context;
use crate::graph::facts::cost;
use crate::diagnostics::catalog::INTERNAL_REST;

pub fn check(ctx: &Context) -> Vec<Finding> {
    // Thousands of findings in a large system: made on every core, in the calls' order.
    ctx.model
        .calls
        .par_iter()
        .enumerate()
        .filter(|(_, call)| is_internal_rest(ctx, call))
        .map(|(i, call)| finding(ctx, CallId(i as u32), call))
        .collect()
}

/// REST from a service of the system into an internal backend, unless the answer is not needed
/// (that is CA301's queue, not gRPC) or the call is a public gateway passing clients' requests
/// on (the public edge, where REST belongs).
fn is_internal_rest(ctx: &Context, call: &Call) -> bool {
    let (from, to) = (ctx.model.service(call.from), ctx.model.service(call.to));
    call.protocol == Protocol::Http
        && call.needs_response != Some(false)
        && !ctx.model.is_public_route(call)
        && !matches!(from.kind, ServiceKind::Client | ServiceKind::Infrastructure)
        && !matches!(
            to.kind,
            ServiceKind::Client | ServiceKind::Gateway | ServiceKind::Infrastructure
        )
        && to.exposure == Exposure::Internal
}

fn finding(ctx: &Context, id: CallId, call: &Call) -> Finding {
    let model = ctx.model;
    let (caller, callee) = (model.name(call.from), model.name(call.to));
    let op = call.operation.as_ref().map(|o| o.name.as_str());
    let estimate = cost::cpu_saved(call, ctx.assumptions);
    let mut message = match op {
        Some(op) => format!("`{caller}` calls `{callee}` over internal REST (`{op}`)"),
        None => format!("`{caller}` calls `{callee}` over internal REST"),
    };
    if call.needs_response.is_none() {
        message.push_str(", its answer assumed needed (intent unknown)");
    }
    message.push_str(&format!("; gRPC would save about {}", estimate.describe()));

    let what = op.map_or_else(|| "the operation".to_owned(), |op| format!("`{op}`"));
    let served: Vec<String> = model
        .service(call.to)
        .contracts
        .grpc
        .iter()
        .filter_map(|&i| model.grpc.get(i))
        .map(|s| format!("`{}`", s.full_name))
        .collect();
    let mut help = if served.is_empty() {
        format!(
            "describe {what} as a method in a .proto file that `{callee}` serves, and call it \
             over gRPC"
        )
    } else {
        format!(
            "`{callee}` already serves gRPC ({}): call the method that does what {what} does, \
             adding one to its .proto if it is missing",
            served.join(", ")
        )
    };
    help.push_str(&format!(
        " (the estimate {}; set these under `recommend:` in commaudit.yaml)",
        estimate.assumptions_used(ctx.assumptions)
    ));

    let label = if call.needs_response.is_none() {
        "JSON over REST; the answer may be needed"
    } else {
        "JSON over REST; the answer is needed"
    };
    let mut finding = Finding::new(INTERNAL_REST, message)
        .at(call.span)
        .about(Item::Call(id))
        .label(label)
        .services([caller, callee])
        .help(help);
    if let Some(op) = op {
        finding = finding.operation(op);
    }
    finding
}
