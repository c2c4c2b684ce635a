//! Edges the traffic shows and nothing declares, placed on a graph's nodes so the pictures
//! (`report`, `graph --format mermaid|dot|svg`) can draw them beside the declared ones. Graph
//! JSON lists the same calls with `presence: observed`.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::observed::{Peer, publishes, undeclared_calls, undeclared_consumptions};
use crate::model::{Model, ServiceId};

use super::{Graph, NodeRef};

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
    let mut by_subject: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, n) in graph.nodes.iter().enumerate() {
        if let NodeRef::Channel(c) = n.target {
            by_subject
                .entry(model.channel(c).subject.as_str())
                .or_default()
                .push(i);
        }
    }
    let channels = |destination: &str| -> Vec<usize> {
        by_subject.get(destination).cloned().unwrap_or_default()
    };
    let message = |from: usize, to: usize, system: &Option<String>, operation| ObservedEdge {
        from,
        to,
        protocol: system.clone().unwrap_or_else(|| "unknown".into()),
        sync: false,
        operation,
    };
    for m in &observed.messages {
        let publisher = m.publisher.service();
        let through = channels(&m.destination);
        if through.is_empty() {
            // No channel of that name: straight from publisher to consumer.
            let consumer = m.consumer.as_ref().and_then(Peer::service);
            if let (Some(p), Some(c)) = (publisher.and_then(node), consumer.and_then(node))
                && p != c
            {
                out.insert(message(p, c, &m.system, Some(m.destination.clone())));
            }
            continue;
        }
        if let Some(p) = publisher
            && !publishes(model, p, &m.destination)
            && let Some(p) = node(p)
        {
            for &channel in &through {
                out.insert(message(p, channel, &m.system, None));
            }
        }
    }
    for (consumer, c) in undeclared_consumptions(model) {
        if let Some(to) = node(consumer) {
            for channel in channels(&c.destination) {
                out.insert(message(channel, to, &c.system, None));
            }
        }
    }
    out.into_iter().collect()
}
