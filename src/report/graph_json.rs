//! `graph --format json`: every node and edge, with where it was declared. Documented in
//! `docs/output.md`; fields are only ever added, never renamed or removed.

use serde::Serialize;

use crate::audit::Audit;
use crate::graph::{EdgeKind, Graph, NodeRef};
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
    #[serde(flatten)]
    location: LocationOut,
}

#[derive(Serialize)]
struct ProxyOut {
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_ms: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    retries: Option<u32>,
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
    let edges = graph
        .edges
        .iter()
        .map(|e| {
            let call = match e.kind {
                EdgeKind::Call(id) => Some(model.call(id)),
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
                        circuit_breaker: p.circuit_breaker,
                        evidence: p.evidence.clone(),
                    }),
                location: LocationOut::of(Some(e.span), &audit.sources),
            }
        })
        .collect();
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
