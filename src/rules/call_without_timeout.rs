//! CA402 call-without-timeout: a sync call with neither a timeout nor a circuit breaker, or a
//! publication that waits for its answer with no timeout. Either way the caller waits as long as
//! the other side takes. One finding per call or publication, at its declaration. A timeout or
//! outlier detection that a proxy applies to the call (a mesh route, a gateway route) counts.

use crate::diagnostics::{Finding, Item};
use crate::model::{Call, CallId, Publication, PublicationId, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::CALL_WITHOUT_TIMEOUT;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    // Calls read from compose, Kubernetes or a catalog say nothing about timeouts, which live
    // in code: only manifest calls are judged, since unknown is not absent.
    let calls = model.call_ids().zip(&model.calls).filter(|(_, c)| {
        c.timeout_ms.is_none()
            && !c.circuit_breaker
            && c.proxy.timeout_ms.is_none()
            && !c.proxy.circuit_breaker
            && c.provenance.is_manifest()
            && model.service(c.from).kind != ServiceKind::Client
    });
    let waits = model
        .publications
        .iter()
        .enumerate()
        .filter(|(_, p)| p.awaits_reply && p.timeout_ms.is_none());
    calls
        .map(|(id, c)| unbounded_call(ctx, id, c))
        .chain(waits.map(|(i, p)| unbounded_wait(ctx, i, p)))
        .collect()
}

fn unbounded_call(ctx: &Context, id: CallId, call: &Call) -> Finding {
    let model = ctx.model;
    let (caller, callee) = (model.name(call.from), model.service(call.to));
    let what = match &call.operation {
        Some(op) => format!("`{}` (`{}`)", callee.name, op.name),
        None => format!("`{}` over {}", callee.name, call.protocol),
    };
    let bound = match callee.latency_p99_ms {
        Some(p99) => format!(
            "a little above `{}`'s p99 objective of {p99} ms, and inside `{caller}`'s own deadline",
            callee.name
        ),
        None => format!("inside `{caller}`'s own deadline"),
    };
    let mut finding = Finding::new(
        CALL_WITHOUT_TIMEOUT,
        format!("`{caller}` calls {what} with no timeout and no circuit breaker"),
    )
    .at(call.span)
    .about(Item::Call(id))
    .label("waits as long as the callee takes")
    .services([caller, callee.name.as_str()])
    .help(format!(
        "set `timeout_ms` on this call ({bound}), and guard it with `circuit_breaker: true` if \
         `{}` can be down for long",
        callee.name
    ));
    if let Some(op) = &call.operation {
        finding = finding.operation(op.name.clone());
    }
    if let (Some(span), Some(p99)) = (callee.slo_span, callee.latency_p99_ms) {
        finding = finding.related(
            span,
            format!("`{}` aims to answer within {p99} ms (p99)", callee.name),
        );
    }
    finding
}

fn unbounded_wait(ctx: &Context, index: usize, publication: &Publication) -> Finding {
    let model = ctx.model;
    let publisher = model.name(publication.service);
    let subject = &model.channel(publication.channel).subject;
    let mut finding = Finding::new(
        CALL_WITHOUT_TIMEOUT,
        format!("`{publisher}` publishes `{subject}` and waits for the answer with no timeout"),
    )
    .at(publication.span)
    .about(Item::Publication(PublicationId(index as u32)))
    .label("waits as long as the answer takes, or forever if it is lost")
    .service(publisher)
    .operation(subject.clone())
    .help(format!(
        "declare how long `{publisher}` waits for the answer to `{subject}` with `timeout_ms`, \
         and decide what it does when the time is up"
    ));
    for rr in ctx
        .analysis
        .request_replies
        .iter()
        .filter(|rr| rr.publication.index() == index)
    {
        let consumer = model.name(rr.consumer);
        if !finding.services.iter().any(|s| s == consumer) {
            finding = finding.service(consumer);
        }
        if let Some(sub) = model.subscriptions.get(rr.subscription.index()) {
            finding = finding.related(sub.span, format!("`{consumer}` answers it here"));
        }
    }
    finding
}
