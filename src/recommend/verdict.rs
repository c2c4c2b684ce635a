//! The decision for one edge, following the product's rules: internal calls whose answer is not
//! needed go on a queue; internal calls whose answer is needed are gRPC (streaming for status
//! feeds); the public edge is REST with OpenAPI; request/reply through a queue and calls that
//! close a sync cycle are redesigned; heavy event streams go to a Kafka-compatible log.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::audit::Audit;
use crate::graph::facts::cost::{self as estimate, CpuEstimate};
use crate::graph::sync::Via;
use crate::graph::{Edge, EdgeKind};
use crate::load::manifest::{BrokerKind, Delivery, LoadBalancer, Redrive};
use crate::model::{Call, CallId, Exposure, OperationKind, Protocol, ServiceKind};

/// What an edge should become.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Keep,
    Grpc,
    GrpcServerStreaming,
    /// A queue: NATS JetStream by default.
    Queue,
    /// A Kafka-compatible log such as Redpanda, for heavy or replayed streams.
    Log,
    /// REST described by OpenAPI.
    Rest,
    /// Call directly or stop waiting; break a cycle; give a datastore one writer.
    Redesign,
    /// Not judged: commaudit has no rule for it (a protocol it does not know, platform
    /// plumbing). Its reasons say why; never read as "keep".
    Unknown,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Keep => "keep",
            Verdict::Grpc => "grpc",
            Verdict::GrpcServerStreaming => "grpc-server-streaming",
            Verdict::Queue => "queue",
            Verdict::Log => "log",
            Verdict::Rest => "rest",
            Verdict::Redesign => "redesign",
            Verdict::Unknown => "unknown",
        }
    }

    /// Whether the edge was judged to need a change.
    pub fn changes(self) -> bool {
        !matches!(self, Verdict::Keep | Verdict::Unknown)
    }

    /// The words a table shows.
    pub fn describe(self) -> &'static str {
        match self {
            Verdict::Keep => "keep",
            Verdict::Grpc => "gRPC (unary)",
            Verdict::GrpcServerStreaming => "gRPC server streaming",
            Verdict::Queue => "queue (NATS JetStream)",
            Verdict::Log => "log (Kafka-compatible, e.g. Redpanda)",
            Verdict::Rest => "REST + OpenAPI",
            Verdict::Redesign => "redesign",
            Verdict::Unknown => "unknown (not judged)",
        }
    }
}

/// What the edge is now: `rest`, `grpc`, `nats publish`, `postgres write`.
pub fn current(edge: &Edge) -> String {
    let protocol = edge.protocol.as_str();
    match edge.kind {
        EdgeKind::Call(_) if edge.protocol == Protocol::Http => "rest".into(),
        EdgeKind::Call(_) => protocol.into(),
        EdgeKind::Publish(_) => format!("{protocol} publish"),
        EdgeKind::Subscribe(_) => format!("{protocol} subscribe"),
        EdgeKind::Access(_) => format!("{protocol} datastore"),
    }
}

/// For each sync cycle, the call to redesign: the one back toward the service closest to the
/// entrypoints (the callee that "fetches back").
pub fn cycle_breakers(audit: &Audit) -> BTreeSet<CallId> {
    let sync = &audit.analysis.sync;
    let depth = entry_depths(audit);
    let mut out = BTreeSet::new();
    for cycle in &audit.analysis.cycles {
        let best = cycle
            .path
            .iter()
            .filter_map(|&e| match sync.edge(e).via {
                Via::Call(c) => Some((c, sync.edge(e))),
                Via::RequestReply(_) => None,
            })
            .min_by_key(|(c, e)| {
                (
                    depth[e.to.index()],
                    std::cmp::Reverse(depth[e.from.index()]),
                    audit.model.name(e.to).to_owned(),
                    *c,
                )
            });
        if let Some((c, _)) = best {
            out.insert(c);
        }
    }
    out
}

/// Hops from the nearest entrypoint over sync edges (unreached: `usize::MAX`).
fn entry_depths(audit: &Audit) -> Vec<usize> {
    let sync = &audit.analysis.sync;
    let mut depth = vec![usize::MAX; sync.len()];
    let mut queue = std::collections::VecDeque::new();
    for &e in &audit.analysis.entrypoints {
        depth[e.index()] = 0;
        queue.push_back(e);
    }
    while let Some(s) = queue.pop_front() {
        for &e in sync.out_edges(s) {
            let to = sync.edge(e).to;
            if depth[to.index()] == usize::MAX {
                depth[to.index()] = depth[s.index()] + 1;
                queue.push_back(to);
            }
        }
    }
    depth
}

/// The verdict, its reasons, and the CPU estimate when REST should become gRPC.
pub fn decide(
    audit: &Audit,
    edge: &Edge,
    breakers: &BTreeSet<CallId>,
) -> (Verdict, Vec<String>, Option<CpuEstimate>) {
    match edge.kind {
        EdgeKind::Call(id) => call(audit, id, breakers),
        EdgeKind::Publish(id) => publication(audit, id.index()),
        EdgeKind::Subscribe(id) => subscription(audit, id.index()),
        EdgeKind::Access(i) => access(audit, i),
    }
}

fn call(
    audit: &Audit,
    id: CallId,
    breakers: &BTreeSet<CallId>,
) -> (Verdict, Vec<String>, Option<CpuEstimate>) {
    let model = &audit.model;
    let c: &Call = model.call(id);
    let (caller, callee) = (model.service(c.from), model.service(c.to));
    if caller.kind == ServiceKind::Client {
        let edge = if callee.exposure == Exposure::Partner {
            "partner edge"
        } else {
            "public edge"
        };
        return match (&c.protocol, c.poll_interval_ms) {
            (_, Some(ms)) => (
                Verdict::Rest,
                vec![
                    edge.into(),
                    format!("polls every {ms:.0} ms for a status that changes"),
                    "stream changes from the gateway (server-sent events or a WebSocket)".into(),
                ],
                None,
            ),
            (Protocol::Http, None) if !callee.contracts.openapi.is_empty() => (
                Verdict::Keep,
                vec![edge.into(), "REST described by OpenAPI".into()],
                None,
            ),
            (Protocol::Http, None) => (
                Verdict::Rest,
                vec![
                    edge.into(),
                    "REST without an OpenAPI document: describe it".into(),
                ],
                None,
            ),
            (p, None) => (
                Verdict::Rest,
                vec![
                    edge.into(),
                    format!("{p} at the edge needs special clients and proxies"),
                    "serve REST described by OpenAPI".into(),
                ],
                None,
            ),
        };
    }
    if model.is_public_route(c)
        && c.protocol == Protocol::Http
        && callee.kind != ServiceKind::Infrastructure
    {
        let which = if c.paths.is_empty() {
            "every request".to_owned()
        } else {
            format!("requests for {}", c.paths.join(", "))
        };
        let route = format!(
            "public edge: `{}` passes clients' {which} on to `{}`",
            caller.name, callee.name
        );
        return if callee.contracts.openapi.is_empty() {
            (
                Verdict::Rest,
                vec![
                    route,
                    "REST without an OpenAPI document: describe it".into(),
                ],
                None,
            )
        } else {
            (
                Verdict::Keep,
                vec![route, "REST described by OpenAPI".into()],
                None,
            )
        };
    }
    if [caller.kind, callee.kind].contains(&ServiceKind::Infrastructure) {
        let plumbing = if caller.kind == ServiceKind::Infrastructure {
            caller
        } else {
            callee
        };
        return (
            Verdict::Unknown,
            vec![format!(
                "not judged: `{}` is platform plumbing (discovery, configuration, identity), which application rules do not judge",
                plumbing.name
            )],
            None,
        );
    }
    let mut reasons = vec!["internal".to_owned()];
    if breakers.contains(&id) {
        let cycle = audit.analysis.cycles.iter().find(|cy| {
            cy.path
                .iter()
                .any(|&e| audit.analysis.sync.edge(e).via == Via::Call(id))
        });
        if let Some(cy) = cycle {
            let names: Vec<&str> = cy.members.iter().map(|&s| model.name(s)).collect();
            reasons.push(format!(
                "closes the sync cycle between {}",
                names.join(", ")
            ));
        }
        reasons.push(format!(
            "pass `{}` the data it fetches back, or publish an event it reacts to",
            caller.name
        ));
        return (Verdict::Redesign, reasons, None);
    }
    if c.needs_response == Some(false) {
        reasons.push("answer not needed".into());
        reasons.push("side effect: the caller should neither wait for it nor fail with it".into());
        let heavy = heavy_stream(audit, c.rps, c.payload_bytes, None);
        if let Some(why) = heavy {
            reasons.push(why);
            return (Verdict::Log, reasons, None);
        }
        return (Verdict::Queue, reasons, None);
    }
    if let Some(ms) = c.poll_interval_ms {
        reasons.push(format!("polls every {ms:.0} ms for a status that changes"));
        let stream = crate::graph::facts::stream::for_polling(model, c).map(|s| s.name);
        reasons.push(match stream {
            Some(s) => format!(
                "stream the changes with `{s}`, which `{}` already serves",
                callee.name
            ),
            None => "stream the changes with a server-streaming method".into(),
        });
        return (Verdict::GrpcServerStreaming, reasons, None);
    }
    reasons.push(match c.needs_response {
        Some(true) => "answer needed".into(),
        _ => "answer assumed needed (needs_response not declared)".into(),
    });
    match &c.protocol {
        Protocol::Http => {
            let cpu = estimate::cpu_saved(c, &audit.config.assumptions);
            reasons.push(
                "internal REST spends CPU on JSON text; gRPC has a schema-first contract".into(),
            );
            (Verdict::Grpc, reasons, Some(cpu))
        }
        Protocol::Grpc => {
            let kind = match c.operation.as_ref().map(|o| o.kind) {
                Some(OperationKind::Grpc {
                    client_streaming: true,
                    server_streaming: true,
                }) => "bidi streaming",
                Some(OperationKind::Grpc {
                    server_streaming: true,
                    ..
                }) => "server streaming",
                Some(OperationKind::Grpc {
                    client_streaming: true,
                    ..
                }) => "client streaming",
                _ => "unary",
            };
            reasons.push(format!("already gRPC ({kind})"));
            if callee.load_balancer == Some(LoadBalancer::L4) {
                reasons.push(format!(
                    "`{}` needs L7, mesh or client-side balancing, not L4",
                    callee.name
                ));
            }
            (Verdict::Keep, reasons, None)
        }
        other => (
            Verdict::Unknown,
            vec![format!(
                "not judged: commaudit has no rule for {other} calls, so it cannot say whether this one fits"
            )],
            None,
        ),
    }
}

fn publication(audit: &Audit, index: usize) -> (Verdict, Vec<String>, Option<CpuEstimate>) {
    let model = &audit.model;
    let p = &model.publications[index];
    if let Some(rr) = audit
        .analysis
        .request_replies
        .iter()
        .find(|rr| rr.publication.index() == index)
    {
        let (publisher, consumer) = (model.name(rr.publisher), model.name(rr.consumer));
        return (
            Verdict::Redesign,
            vec![
                format!(
                    "`{publisher}` waits for `{consumer}`'s answer ({})",
                    rr.evidence.describe()
                ),
                "a synchronous call with extra steps".into(),
                format!(
                    "call `{consumer}` directly over gRPC if the answer is needed now; otherwise stop waiting and react to its result event"
                ),
            ],
            None,
        );
    }
    let subject = &model.channel(p.channel).subject;
    let answers = audit.analysis.request_replies.iter().find(|rr| {
        rr.consumer == p.service && {
            let asked = &model.publications[rr.publication.index()];
            let reply = match &rr.evidence {
                crate::graph::request_reply::Evidence::ReplyChannel(s) => Some(s.as_str()),
                _ => asked.reply_subject.as_deref(),
            };
            reply.is_some_and(|r| crate::model::subject::overlaps(r, subject))
        }
    });
    if let Some(rr) = answers {
        return (
            Verdict::Redesign,
            vec![
                format!("carries `{}`'s answer back to `{}`: the other half of a request/reply", model.name(rr.consumer), model.name(rr.publisher)),
                "return the answer from a gRPC method instead, or publish it as an event nobody waits for".into(),
            ],
            None,
        );
    }
    let broker = model.broker(model.channel(p.channel).broker);
    let already_log = matches!(broker.kind, BrokerKind::Kafka | BrokerKind::Redpanda);
    if !already_log
        && let Some(why) = heavy_stream(audit, p.rate, p.payload_bytes, p.retention_hours)
    {
        return (Verdict::Log, vec!["event".into(), why], None);
    }
    (
        Verdict::Keep,
        vec![
            "event".into(),
            "the publisher does not wait for consumers".into(),
        ],
        None,
    )
}

fn subscription(audit: &Audit, index: usize) -> (Verdict, Vec<String>, Option<CpuEstimate>) {
    let model = &audit.model;
    let s = &model.subscriptions[index];
    if let Some(rr) = audit
        .analysis
        .request_replies
        .iter()
        .find(|rr| rr.subscription.index() == index)
    {
        return (
            Verdict::Redesign,
            vec![
                format!(
                    "answers `{}`'s request: the other half of a request/reply",
                    model.name(rr.publisher)
                ),
                "serve the answer over gRPC instead, or publish the result as an event".into(),
            ],
            None,
        );
    }
    let mut reasons = vec!["consumes asynchronously".to_owned()];
    let broker = model.broker(model.channel(s.channel).broker);
    let at_least_once = match s.delivery {
        Some(d) => d == Delivery::AtLeastOnce,
        None => broker.kind != BrokerKind::Nats,
    };
    if at_least_once && s.idempotent != Some(true) {
        reasons.push("make it idempotent: delivery is at least once".into());
    }
    if let Some(dlq) = &s.dlq
        && matches!(dlq.redrive, None | Some(Redrive::None))
    {
        reasons.push(format!("give `{}` an automatic redrive", dlq.subject));
    }
    (Verdict::Keep, reasons, None)
}

fn access(audit: &Audit, index: usize) -> (Verdict, Vec<String>, Option<CpuEstimate>) {
    let model = &audit.model;
    let a = &model.accesses[index];
    let store = model.datastore(a.datastore);
    let writers: BTreeSet<_> = model
        .accesses
        .iter()
        .filter(|x| x.datastore == a.datastore && x.writes())
        .map(|x| x.service)
        .collect();
    let service = model.service(a.service);
    let foreign = store
        .owner
        .as_deref()
        .is_some_and(|owner| service.owner.as_deref() != Some(owner));
    if a.writes() && writers.len() > 1 && foreign {
        return (
            Verdict::Redesign,
            vec![
                format!(
                    "writes `{}`, owned by `{}`",
                    store.name,
                    store.owner.as_deref().unwrap_or_default()
                ),
                "one writer per datastore: ask or tell the owning service instead".into(),
            ],
            None,
        );
    }
    let access = if a.writes() { "writes" } else { "reads" };
    let mut reasons = vec![format!("{access} its data")];
    if a.writes() && writers.len() > 1 {
        reasons.push(format!(
            "shares `{}` with {} other writers",
            store.name,
            writers.len() - 1
        ));
    }
    (Verdict::Keep, reasons, None)
}

/// Why a stream is better served by a Kafka-compatible log, if it is.
fn heavy_stream(
    audit: &Audit,
    rate: Option<f64>,
    payload: Option<f64>,
    retention_hours: Option<f64>,
) -> Option<String> {
    let a = &audit.config.assumptions;
    if let Some(rate) = rate.filter(|r| *r > a.log_rate) {
        return Some(format!(
            "{rate:.0} messages/s is above the {:.0}/s a queue comfortably handles: a Kafka-compatible log",
            a.log_rate
        ));
    }
    if let (Some(rate), Some(bytes)) = (rate, payload) {
        let bps = rate * bytes;
        if bps > a.log_bytes_per_second {
            return Some(format!(
                "{:.1} MB/s of messages: a Kafka-compatible log",
                bps / 1e6
            ));
        }
    }
    if let Some(hours) = retention_hours.filter(|h| *h > a.log_retention_hours) {
        return Some(format!(
            "{hours:.0} h of replay is a log's job: a Kafka-compatible log"
        ));
    }
    None
}
