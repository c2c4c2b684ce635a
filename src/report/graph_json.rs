//! `graph --format json`: every node and edge, with where it was declared. Documented in
//! `docs/output.md`; fields are only ever added, never renamed or removed.

use serde::Serialize;

use crate::audit::Audit;
use crate::graph::{EdgeKind, Graph, NodeRef};
use crate::model::observed::ObservedCall;
use crate::model::{Confidence, Exposure};

use super::json::{LocationOut, SCHEMA_VERSION};

#[derive(Serialize)]
struct Document {
    schema_version: u32,
    nodes: Vec<NodeOut>,
    edges: Vec<EdgeOut>,
}

#[derive(Serialize)]
struct NodeOut {
    name: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    exposure: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    broker: Option<String>,
    origin: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<String>,
    confidence: Confidence,
    #[serde(flatten)]
    location: LocationOut,
}

#[derive(Serialize)]
struct EdgeOut {
    from: String,
    to: String,
    kind: &'static str,
    protocol: String,
    sync: bool,
    operation: Option<String>,
    origin: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<String>,
    confidence: Confidence,
    /// Request paths a gateway or proxy route sends along a call.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    paths: Vec<String>,
    /// What a proxy does to a call apart from the caller's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    proxy: Option<ProxyOut>,
    /// With observed traffic only: `declared` (not seen), `observed` (seen, declared nowhere)
    /// or `both`.
    #[serde(skip_serializing_if = "Option::is_none")]
    presence: Option<&'static str>,
    /// What the traffic measured on the edge, when it was seen.
    #[serde(skip_serializing_if = "Option::is_none")]
    observed: Option<ObservedOut>,
    #[serde(flatten)]
    location: LocationOut,
}

#[derive(Serialize)]
struct ObservedOut {
    calls: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    rps: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p50_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    p99_ms: Option<f64>,
    error_rate: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    calls_per_parent: Option<f64>,
    parallel: u64,
    sequential: u64,
    waited: u64,
    not_waited: u64,
    evidence: String,
}

impl ObservedOut {
    fn of(call: &ObservedCall) -> ObservedOut {
        let s = &call.stats;
        ObservedOut {
            calls: s.count,
            rps: s.rps,
            p50_ms: s.p50_ms,
            p99_ms: s.p99_ms,
            error_rate: s.error_rate(),
            calls_per_parent: s.per_parent,
            parallel: s.parallel,
            sequential: s.sequential,
            waited: s.waited,
            not_waited: s.unwaited,
            evidence: call.evidence.clone(),
        }
    }
}

#[derive(Serialize)]
struct ProxyOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retries: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    total_ms: Option<f64>,
    circuit_breaker: bool,
    evidence: Vec<String>,
}

pub fn render(audit: &Audit) -> String {
    render_graph(audit, &audit.graph)
}

/// `graph` may be a part of the audit's graph (`graph --focus`).
pub fn render_graph(audit: &Audit, graph: &Graph) -> String {
    let model = &audit.model;
    let nodes = graph
        .nodes
        .iter()
        .map(|n| {
            let (exposure, owner, broker) = match n.target {
                NodeRef::Service(id) => {
                    let s = model.service(id);
                    let exposure = match s.exposure {
                        Exposure::Public => "public",
                        Exposure::Partner => "partner",
                        Exposure::Internal => "internal",
                    };
                    (Some(exposure), s.owner.clone(), None)
                }
                NodeRef::Channel(id) => (
                    None,
                    None,
                    Some(model.broker(model.channel(id).broker).name.clone()),
                ),
                NodeRef::Datastore(id) => (None, model.datastore(id).owner.clone(), None),
                NodeRef::Broker(_) => (None, None, None),
            };
            NodeOut {
                name: n.name.clone(),
                kind: n.kind.as_str(),
                exposure,
                owner,
                broker,
                origin: n.provenance.origin.as_str(),
                evidence: n.provenance.evidence_text(),
                confidence: n.provenance.confidence,
                location: LocationOut::of(n.span, &audit.sources),
            }
        })
        .collect();
    let traffic = !model.observed.is_empty();
    let mut edges: Vec<EdgeOut> = graph
        .edges
        .iter()
        .map(|e| {
            let call = match e.kind {
                EdgeKind::Call(id) => Some(model.call(id)),
                _ => None,
            };
            let seen = call.and_then(|c| model.observed.calls_between(c.from, c.to).next());
            let message_seen = match e.kind {
                EdgeKind::Publish(p) => Some(seen_publishing(model, p)),
                EdgeKind::Subscribe(s) => Some(seen_consuming(model, s)),
                _ => None,
            };
            EdgeOut {
                from: graph.nodes[e.from].name.clone(),
                to: graph.nodes[e.to].name.clone(),
                kind: e.kind.as_str(),
                protocol: e.protocol.as_str().to_owned(),
                sync: e.sync,
                operation: e.operation.clone(),
                origin: e.provenance.origin.as_str(),
                evidence: e.provenance.evidence_text(),
                confidence: e.provenance.confidence,
                paths: call.map(|c| c.paths.clone()).unwrap_or_default(),
                proxy: call
                    .map(|c| &c.proxy)
                    .filter(|p| !p.is_empty())
                    .map(|p| ProxyOut {
                        timeout_ms: p.timeout_ms,
                        retries: p.retries,
                        total_ms: p.total_ms,
                        circuit_breaker: p.circuit_breaker,
                        evidence: p.evidence.clone(),
                    }),
                presence: traffic
                    .then(|| match (call.is_some(), message_seen) {
                        (true, _) if seen.is_some() => Some("both"),
                        (true, _) | (false, Some(false)) => Some("declared"),
                        (false, Some(true)) => Some("both"),
                        (false, None) => None,
                    })
                    .flatten(),
                observed: seen.map(ObservedOut::of),
                location: LocationOut::of(Some(e.span), &audit.sources),
            }
        })
        .collect();
    // Calls the traffic shows and nothing declares, between nodes of this graph.
    for (from, to, c) in crate::model::observed::undeclared_calls(model) {
        let (Some(a), Some(b)) = (
            graph.node_of(NodeRef::Service(from)),
            graph.node_of(NodeRef::Service(to)),
        ) else {
            continue;
        };
        edges.push(EdgeOut {
            from: graph.nodes[a].name.clone(),
            to: graph.nodes[b].name.clone(),
            kind: "call",
            protocol: c.protocol.clone().unwrap_or_else(|| "unknown".into()),
            sync: true,
            operation: c.operations.first().cloned(),
            origin: c.provenance.origin.as_str(),
            evidence: c.provenance.evidence_text(),
            confidence: c.provenance.confidence,
            paths: Vec::new(),
            proxy: None,
            presence: Some("observed"),
            observed: Some(ObservedOut::of(c)),
            location: LocationOut::of(Some(c.at), &audit.sources),
        });
    }
    // Publications and subscriptions the traffic shows and nothing declares, through the
    // channels of their destination.
    let channels = |destination: &str| -> Vec<usize> {
        graph
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| match n.target {
                NodeRef::Channel(c) if model.channel(c).subject == destination => Some(i),
                _ => None,
            })
            .collect()
    };
    let mut added: std::collections::BTreeSet<(usize, usize)> = std::collections::BTreeSet::new();
    let observed_message = |service: usize,
                            channel: usize,
                            publish: bool,
                            system: Option<&str>,
                            at,
                            provenance: &crate::provenance::Provenance| {
        let (from, to) = if publish {
            (service, channel)
        } else {
            (channel, service)
        };
        EdgeOut {
            from: graph.nodes[from].name.clone(),
            to: graph.nodes[to].name.clone(),
            kind: if publish { "publish" } else { "subscribe" },
            protocol: system.unwrap_or("unknown").to_owned(),
            sync: false,
            operation: Some(graph.nodes[channel].name.clone()),
            origin: provenance.origin.as_str(),
            evidence: provenance.evidence_text(),
            confidence: provenance.confidence,
            paths: Vec::new(),
            proxy: None,
            presence: Some("observed"),
            observed: None,
            location: LocationOut::of(Some(at), &audit.sources),
        }
    };
    for m in &model.observed.messages {
        let Some(p) = m.publisher.service() else {
            continue;
        };
        if crate::model::observed::publishes(model, p, &m.destination) {
            continue;
        }
        let Some(node) = graph.node_of(NodeRef::Service(p)) else {
            continue;
        };
        for channel in channels(&m.destination) {
            // One edge per publisher and channel, however many consumers were seen.
            if added.insert((node, channel)) {
                edges.push(observed_message(
                    node,
                    channel,
                    true,
                    m.system.as_deref(),
                    m.at,
                    &m.provenance,
                ));
            }
        }
    }
    for (c, seen) in crate::model::observed::undeclared_consumptions(model) {
        let Some(node) = graph.node_of(NodeRef::Service(c)) else {
            continue;
        };
        for channel in channels(&seen.destination) {
            edges.push(observed_message(
                node,
                channel,
                false,
                seen.system.as_deref(),
                seen.at,
                &seen.provenance,
            ));
        }
    }
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        nodes,
        edges,
    };
    let mut text =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    crate::escape::json(text)
}

/// The traffic shows the publisher of `p` publishing to its subject.
fn seen_publishing(model: &crate::model::Model, p: crate::model::PublicationId) -> bool {
    let publication = &model.publications[p.0 as usize];
    let subject = &model.channel(publication.channel).subject;
    model
        .observed
        .messages
        .iter()
        .any(|m| m.publisher.service() == Some(publication.service) && &m.destination == subject)
}

/// The traffic shows the subscriber of `s` consuming something its subject takes.
fn seen_consuming(model: &crate::model::Model, s: crate::model::SubscriptionId) -> bool {
    let subscription = &model.subscriptions[s.0 as usize];
    let subject = &model.channel(subscription.channel).subject;
    model.observed.consumed.iter().any(|c| {
        c.consumer.service() == Some(subscription.service)
            && crate::model::subject::overlaps(subject, &c.destination)
    })
}
