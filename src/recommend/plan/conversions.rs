//! The steps that change a protocol but keep the dependency: request/reply over a queue becomes
//! a direct gRPC call, internal REST becomes gRPC (one step per provider, since the provider
//! writes its .proto once), polling becomes a stream, and the public edge becomes REST with
//! OpenAPI (one step per gateway).

use std::collections::BTreeMap;

use crate::diagnostics::Item;
use crate::diagnostics::catalog::{
    INTERNAL_REST, POLLING_FOR_STATUS, PUBLIC_NON_REST, REQUEST_REPLY_OVER_QUEUE,
};
use crate::graph::EdgeKind;
use crate::model::{CallId, Exposure, Protocol, ServiceId, ServiceKind};
use crate::recommend::Verdict;
use crate::source::Span;

use super::structural::op_text;
use super::{Effort, Improvement, Measure, Step, Work};

/// The steps of "make internal calls gRPC" and of "fix the public edge".
pub(super) fn steps(work: &mut Work) -> (Vec<Step>, Vec<Step>) {
    let audit = work.audit;
    let mut waits = Vec::new();
    let mut rest: BTreeMap<ServiceId, Vec<CallId>> = BTreeMap::new();
    let mut streams = Vec::new();
    let mut gateways: BTreeMap<ServiceId, Vec<CallId>> = BTreeMap::new();
    let mut pushes = Vec::new();
    for r in work.recs {
        match (audit.graph.edges[r.edge].kind, r.verdict) {
            (EdgeKind::Publish(p), Verdict::Redesign) => {
                for (i, rr) in audit.analysis.request_replies.iter().enumerate() {
                    if rr.publication == p && !removed_wait(work, i) && !waits.contains(&i) {
                        waits.push(i);
                    }
                }
            }
            (EdgeKind::Call(c), verdict) if !call_removed(work, c) => {
                let call = audit.model.call(c);
                let from_client = audit.model.service(call.from).kind == ServiceKind::Client;
                match verdict {
                    Verdict::Grpc if !from_client => rest.entry(call.to).or_default().push(c),
                    Verdict::GrpcServerStreaming => streams.push(c),
                    Verdict::Rest if call.poll_interval_ms.is_some() => pushes.push(c),
                    Verdict::Rest => gateways.entry(call.to).or_default().push(c),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let mut grpc: Vec<Step> = waits.into_iter().map(|i| direct_call(work, i)).collect();
    let mut by_saving: Vec<(f64, Step)> = rest
        .into_iter()
        .map(|(callee, calls)| rest_to_grpc(work, callee, &calls))
        .collect();
    by_saving.sort_by(|a, b| b.0.total_cmp(&a.0));
    grpc.extend(by_saving.into_iter().map(|(_, s)| s));
    grpc.extend(streams.into_iter().map(|c| stream(work, c)));
    let mut public: Vec<Step> = gateways
        .into_iter()
        .map(|(gateway, calls)| public_edge(work, gateway, &calls))
        .collect();
    public.extend(pushes.into_iter().map(|c| push(work, c)));
    (grpc, public)
}

fn removed_wait(work: &Work, rr: usize) -> bool {
    work.audit
        .analysis
        .sync
        .edges
        .iter()
        .enumerate()
        .any(|(i, e)| {
            e.via == crate::graph::sync::Via::RequestReply(rr) && work.removed.contains(&i)
        })
}

fn call_removed(work: &Work, c: CallId) -> bool {
    work.sync_of_call
        .get(&c)
        .is_some_and(|e| work.removed.contains(e))
}

fn direct_call(work: &mut Work, i: usize) -> Step {
    let audit = work.audit;
    let rr = &audit.analysis.request_replies[i];
    let (from, to) = (work.name(rr.publisher), work.name(rr.consumer));
    let p = &audit.model.publications[rr.publication.index()];
    let subject = &audit.model.channel(p.channel).subject;
    let reply = p
        .reply_subject
        .as_deref()
        .map_or_else(String::new, |r| format!(" and waiting for `{r}`"));
    let resolves = work.resolve(
        &[REQUEST_REPLY_OVER_QUEUE],
        &[Item::Publication(rr.publication)],
    );
    Step {
        action: format!(
            "Call `{to}` directly over gRPC instead of publishing `{subject}`{reply}: the answer is needed, so make the wait explicit, with a deadline and a named error"
        ),
        edges: vec![format!("{from} -> {to}")],
        improves: Vec::new(),
        resolves,
        effort: Effort::Medium,
        effort_reason: format!(
            "`{to}` serves a gRPC method; the subject pair and its consumer go away"
        ),
        span: Some(p.span),
    }
}

/// Returns the CPU saved, to order providers by it, and the step.
fn rest_to_grpc(work: &mut Work, callee: ServiceId, calls: &[CallId]) -> (f64, Step) {
    let audit = work.audit;
    let a = &audit.config.assumptions;
    let name = work.name(callee);
    let mut json = 0.0;
    let mut saved = 0.0;
    for &c in calls {
        let estimate = crate::graph::facts::cost::cpu_saved(audit.model.call(c), a);
        saved += estimate.cores;
        json += estimate.json_cores;
    }
    let callers: Vec<String> = calls
        .iter()
        .map(|&c| {
            let call = audit.model.call(c);
            format!("`{}`{}", work.name(call.from), op_text(call))
        })
        .collect();
    let spans: Vec<Span> = calls.iter().map(|&c| audit.model.call(c).span).collect();
    let serves_grpc = !audit.model.service(callee).contracts.grpc.is_empty();
    let (action, effort, effort_reason) = if serves_grpc {
        (
            format!(
                "Move the REST callers of `{name}` to the gRPC service it already serves: {}",
                callers.join(", ")
            ),
            Effort::Small,
            format!("`{name}` already serves gRPC; each caller switches its client"),
        )
    } else {
        (
            format!(
                "Serve gRPC from `{name}` and move its REST callers to it: {}",
                callers.join(", ")
            ),
            Effort::Medium,
            format!(
                "write `{name}`'s .proto and serve it beside REST until every caller has moved"
            ),
        )
    };
    let resolves = work.resolve(&[INTERNAL_REST], &call_items(calls));
    let step = Step {
        action,
        edges: calls
            .iter()
            .map(|&c| format!("{} -> {name}", work.name(audit.model.call(c).from)))
            .collect(),
        improves: vec![Improvement {
            measure: Measure::SerializationCpuCores,
            before: json,
            after: (json - saved).max(0.0),
            scope: Vec::new(),
        }],
        resolves,
        effort,
        effort_reason,
        span: spans.first().copied(),
    };
    (saved, step)
}

fn stream(work: &mut Work, c: CallId) -> Step {
    let audit = work.audit;
    let call = audit.model.call(c);
    let (from, to) = (work.name(call.from), work.name(call.to));
    let method = crate::graph::facts::stream::for_polling(&audit.model, call).map(|s| s.name);
    let every = call
        .poll_interval_ms
        .map_or_else(String::new, |ms| format!(" every {ms:.0} ms"));
    let (action, effort, effort_reason) = match &method {
        Some(m) => (
            format!(
                "Open one stream from `{from}` to `{m}` instead of polling `{to}`{}{every}",
                op_text(call)
            ),
            Effort::Small,
            format!("`{to}` already serves the stream; `{from}` switches its client"),
        ),
        None => (
            format!(
                "Give `{to}` a server-streaming gRPC method for status changes and let `{from}` keep one stream open instead of polling{}{every}",
                op_text(call)
            ),
            Effort::Medium,
            format!("a new streaming method in `{to}`'s .proto"),
        ),
    };
    let resolves = work.resolve(&[INTERNAL_REST, POLLING_FOR_STATUS], &[Item::Call(c)]);
    Step {
        action,
        edges: vec![format!("{from} -> {to}")],
        improves: polling(call.rps),
        resolves,
        effort,
        effort_reason,
        span: Some(call.span),
    }
}

fn public_edge(work: &mut Work, gateway: ServiceId, calls: &[CallId]) -> Step {
    let audit = work.audit;
    let name = work.name(gateway);
    let service = audit.model.service(gateway);
    let clients: Vec<String> = {
        let mut c: Vec<String> = calls
            .iter()
            .map(|&c| format!("`{}`", work.name(audit.model.call(c).from)))
            .collect();
        c.dedup();
        c
    };
    let off: Vec<&str> = {
        let mut p: Vec<&str> = calls
            .iter()
            .map(|&c| &audit.model.call(c).protocol)
            .filter(|p| **p != Protocol::Http)
            .map(Protocol::as_str)
            .collect();
        p.dedup();
        p
    };
    let action = if off.is_empty() {
        format!(
            "Describe `{name}`'s REST API with OpenAPI and generate its handlers from the document, so {} code against a contract",
            clients.join(", ")
        )
    } else {
        format!(
            "Serve REST described by OpenAPI from `{name}` (handlers generated from the spec) and move {} off {}",
            clients.join(", "),
            off.join(", ")
        )
    };
    let partners = service.exposure == Exposure::Partner
        || calls
            .iter()
            .any(|&c| audit.model.service(audit.model.call(c).from).exposure == Exposure::Partner);
    let (effort, effort_reason) = if partners {
        (
            Effort::Large,
            "partners must move their clients; run both APIs until they have".to_owned(),
        )
    } else {
        (
            Effort::Medium,
            "a new API version and a client release".to_owned(),
        )
    };
    let mut about = call_items(calls);
    about.push(Item::Service(gateway));
    let resolves = work.resolve(&[PUBLIC_NON_REST, POLLING_FOR_STATUS], &about);
    Step {
        action,
        edges: calls
            .iter()
            .map(|&c| format!("{} -> {name}", work.name(audit.model.call(c).from)))
            .collect(),
        improves: Vec::new(),
        resolves,
        effort,
        effort_reason,
        span: service.contracts.span.or(Some(service.span)),
    }
}

fn push(work: &mut Work, c: CallId) -> Step {
    let audit = work.audit;
    let call = audit.model.call(c);
    let (from, to) = (work.name(call.from), work.name(call.to));
    let every = call
        .poll_interval_ms
        .map_or_else(String::new, |ms| format!(" every {ms:.0} ms"));
    let resolves = work.resolve(&[POLLING_FOR_STATUS], &[Item::Call(c)]);
    Step {
        action: format!(
            "Push status changes from `{to}` to `{from}` (server-sent events or a WebSocket) instead of answering a poll{}{every}",
            op_text(call)
        ),
        edges: vec![format!("{from} -> {to}")],
        improves: polling(call.rps),
        resolves,
        effort: Effort::Medium,
        effort_reason: format!("a streaming endpoint in `{to}` and a release of `{from}`"),
        span: Some(call.span),
    }
}

fn call_items(calls: &[CallId]) -> Vec<Item> {
    calls.iter().map(|&c| Item::Call(c)).collect()
}

fn polling(rps: Option<f64>) -> Vec<Improvement> {
    rps.map_or_else(Vec::new, |rps| {
        vec![Improvement {
            measure: Measure::PollingRequestsPerSecond,
            before: rps,
            after: 0.0,
            scope: Vec::new(),
        }]
    })
}
