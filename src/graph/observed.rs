//! Edges the traffic shows and nothing declares, placed on a graph's nodes so the pictures
//! (`report`, `graph --format mermaid|dot|svg`) can draw them beside the declared ones. Graph
//! JSON lists the same calls with `presence: observed`.

use std::collections::BTreeSet;

use crate::model::observed::undeclared_calls;
use crate::model::subject::overlaps;
use crate::model::{Model, ServiceId};

use super::{Graph, NodeKind, NodeRef};

/// One observed-only edge between two nodes of a graph.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ObservedEdge {
    pub from: usize,
    pub to: usize,
    /// What the spans say (`http`, `grpc`, `kafka`), `unknown` when they say nothing.
    pub protocol: String,
    pub sync: bool,
    /// The first operation seen, or the destination of a message drawn without its channel.
    pub operation: Option<String>,
}

/// Observed-only edges between nodes of `graph`, sorted and without repeats: sync calls
/// between two services no declared call joins, and messages whose publication or
/// subscription nothing declares (through the channel of their destination when the graph
/// has one, else straight from publisher to consumer).
pub fn observed_only(model: &Model, graph: &Graph) -> Vec<ObservedEdge> {
    let observed = &model.observed;
    if observed.is_empty() {
        return Vec::new();
    }
    let node = |id: ServiceId| graph.node_of(NodeRef::Service(id));
    let mut out = BTreeSet::new();
    for (from, to, c) in undeclared_calls(model) {
        if let (Some(a), Some(b)) = (node(from), node(to)) {
            out.insert(ObservedEdge {
                from: a,
                to: b,
                protocol: c.protocol.clone().unwrap_or_else(|| "unknown".into()),
                sync: true,
                operation: c.operations.first().cloned(),
            });
        }
    }
    for m in &observed.messages {
        let protocol = m.system.clone().unwrap_or_else(|| "unknown".into());
        let channels: Vec<usize> = graph
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| n.kind == NodeKind::Channel)
            .filter(|(_, n)| match n.target {
                NodeRef::Channel(c) => model.channel(c).subject == m.destination,
                _ => false,
            })
            .map(|(i, _)| i)
            .collect();
        let publisher = m.publisher.service();
        let consumer = m.consumer.as_ref().and_then(|c| c.service());
        let edge = |from: usize, to: usize, operation: Option<String>| ObservedEdge {
            from,
            to,
            protocol: protocol.clone(),
            sync: false,
            operation,
        };
        if channels.is_empty() {
            if let (Some(p), Some(c)) = (publisher.and_then(node), consumer.and_then(node))
                && p != c
            {
                out.insert(edge(p, c, Some(m.destination.clone())));
            }
            continue;
        }
        for &channel in &channels {
            if let Some(p) = publisher
                && !publishes(model, p, &m.destination)
                && let Some(p) = node(p)
            {
                out.insert(edge(p, channel, None));
            }
            if let Some(c) = consumer
                && !subscribes(model, c, &m.destination)
                && let Some(c) = node(c)
            {
                out.insert(edge(channel, c, None));
            }
        }
    }
    out.into_iter().collect()
}

/// `service` declares a publication to `subject`.
pub fn publishes(model: &Model, service: ServiceId, subject: &str) -> bool {
    model
        .publications
        .iter()
        .any(|p| p.service == service && model.channel(p.channel).subject == subject)
}

/// `service` declares a subscription whose subject (wildcards allowed) takes `subject`.
pub fn subscribes(model: &Model, service: ServiceId, subject: &str) -> bool {
    model
        .subscriptions
        .iter()
        .any(|s| s.service == service && overlaps(&model.channel(s.channel).subject, subject))
}
