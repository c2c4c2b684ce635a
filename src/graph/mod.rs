//! Stage 3, graph: the model as nodes and typed edges, and the derived views the rules query.
//!
//! [`Graph`] is the dependency graph users see (`commaudit graph`): services, gateways, clients,
//! brokers, channels and datastores, joined by calls, publications, subscriptions and datastore
//! accesses, each edge sync or async with its protocol and the line that declared it.

use std::collections::BTreeMap;

pub mod analysis;
pub mod assumptions;
pub mod chains;
pub mod cycles;
pub mod facts;
pub mod observed;
pub mod reach;
pub mod request_reply;
pub mod sync;
pub mod view;
pub mod what_if;

use crate::model::{
    CallId, ChannelId, Model, Protocol, Provenance, PublicationId, ServiceId, ServiceKind,
    SubscriptionId, subject::SubjectIndex,
};
use crate::source::Span;

/// What a node stands for in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeRef {
    Service(ServiceId),
    Broker(crate::model::BrokerId),
    Channel(ChannelId),
    Datastore(crate::model::DatastoreId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum NodeKind {
    Service,
    Gateway,
    Client,
    /// A system outside the repository (a payment provider, a SaaS API).
    External,
    /// Platform plumbing: discovery, configuration, identity, registries, admin UIs.
    Infrastructure,
    Broker,
    Channel,
    Datastore,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Service => "service",
            NodeKind::Gateway => "gateway",
            NodeKind::Client => "client",
            NodeKind::External => "external",
            NodeKind::Infrastructure => "infrastructure",
            NodeKind::Broker => "broker",
            NodeKind::Channel => "channel",
            NodeKind::Datastore => "datastore",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Node {
    pub name: String,
    pub kind: NodeKind,
    pub target: NodeRef,
    pub span: Option<Span>,
    /// Where it came from, and how sure that makes it.
    pub provenance: Provenance,
}

/// What an edge stands for in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    Call(CallId),
    Publish(PublicationId),
    Subscribe(SubscriptionId),
    /// Index into the model's datastore accesses.
    Access(usize),
}

impl EdgeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Call(_) => "call",
            EdgeKind::Publish(_) => "publish",
            EdgeKind::Subscribe(_) => "subscribe",
            EdgeKind::Access(_) => "datastore",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Edge {
    /// Index into [`Graph::nodes`].
    pub from: usize,
    pub to: usize,
    pub kind: EdgeKind,
    pub protocol: Protocol,
    pub sync: bool,
    pub operation: Option<String>,
    pub span: Span,
    /// Where it came from, and how sure that makes it.
    pub provenance: Provenance,
}

/// The dependency graph.
#[derive(Debug, Clone, Default)]
pub struct Graph {
    /// Sorted by kind, then name.
    pub nodes: Vec<Node>,
    /// Sorted by source and target name, then kind.
    pub edges: Vec<Edge>,
    index: BTreeMap<NodeRef, usize>,
}

/// Each node's place in the order of the nodes' names; nodes of one name share a place.
fn name_ranks(nodes: &[Node]) -> Vec<u32> {
    let mut by_name: Vec<usize> = (0..nodes.len()).collect();
    by_name.sort_by(|&a, &b| nodes[a].name.cmp(&nodes[b].name));
    let mut rank = vec![0; nodes.len()];
    let mut place = 0;
    for (k, &node) in by_name.iter().enumerate() {
        if k > 0 && nodes[by_name[k - 1]].name != nodes[node].name {
            place += 1;
        }
        rank[node] = place;
    }
    rank
}

impl Graph {
    pub fn build(model: &Model) -> Graph {
        let mut nodes = Vec::new();
        for (i, s) in model.services.iter().enumerate() {
            let kind = match s.kind {
                ServiceKind::Service => NodeKind::Service,
                ServiceKind::Gateway => NodeKind::Gateway,
                ServiceKind::Client => NodeKind::Client,
                ServiceKind::External => NodeKind::External,
                ServiceKind::Infrastructure => NodeKind::Infrastructure,
            };
            nodes.push(Node {
                name: s.name.clone(),
                kind,
                target: NodeRef::Service(ServiceId(i as u32)),
                span: Some(s.span),
                provenance: s.provenance.clone(),
            });
        }
        for (i, b) in model.brokers.iter().enumerate() {
            nodes.push(Node {
                name: b.name.clone(),
                kind: NodeKind::Broker,
                target: NodeRef::Broker(crate::model::BrokerId(i as u32)),
                span: Some(b.span),
                provenance: b.provenance.clone(),
            });
        }
        let mut subjects: BTreeMap<&str, usize> = BTreeMap::new();
        for c in &model.channels {
            *subjects.entry(c.subject.as_str()).or_default() += 1;
        }
        for (i, c) in model.channels.iter().enumerate() {
            let name = if subjects[c.subject.as_str()] > 1 {
                format!("{}/{}", model.broker(c.broker).name, c.subject)
            } else {
                c.subject.clone()
            };
            nodes.push(Node {
                name,
                kind: NodeKind::Channel,
                target: NodeRef::Channel(ChannelId(i as u32)),
                span: None,
                provenance: Provenance::manifest(),
            });
        }
        for (i, d) in model.datastores.iter().enumerate() {
            nodes.push(Node {
                name: d.name.clone(),
                kind: NodeKind::Datastore,
                target: NodeRef::Datastore(crate::model::DatastoreId(i as u32)),
                span: Some(d.span),
                provenance: d.provenance.clone(),
            });
        }
        nodes.sort_by(|a, b| (a.kind, &a.name).cmp(&(b.kind, &b.name)));
        let index: BTreeMap<NodeRef, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.target, i))
            .collect();

        let mut edges = Vec::new();
        let service = |id: ServiceId| index[&NodeRef::Service(id)];
        let channel = |id: ChannelId| index[&NodeRef::Channel(id)];
        for (i, call) in model.calls.iter().enumerate() {
            edges.push(Edge {
                from: service(call.from),
                to: service(call.to),
                kind: EdgeKind::Call(CallId(i as u32)),
                protocol: call.protocol.clone(),
                sync: true,
                operation: call.operation.as_ref().map(|o| o.name.clone()),
                span: call.span,
                provenance: call.provenance.clone(),
            });
        }
        for (i, p) in model.publications.iter().enumerate() {
            let c = model.channel(p.channel);
            edges.push(Edge {
                from: service(p.service),
                to: channel(p.channel),
                kind: EdgeKind::Publish(PublicationId(i as u32)),
                protocol: Protocol::of_broker(model.broker(c.broker).kind),
                sync: false,
                operation: Some(c.subject.clone()),
                span: p.span,
                provenance: p.provenance.clone(),
            });
        }
        let published = SubjectIndex::new(model.publications.iter().map(|p| {
            let c = model.channel(p.channel);
            (c.broker, c.subject.as_str(), p.channel)
        }));
        for (i, s) in model.subscriptions.iter().enumerate() {
            let own = model.channel(s.channel);
            let protocol = Protocol::of_broker(model.broker(own.broker).kind);
            // A wildcard subscription is fed by every published channel it matches.
            let mut feeds = published.overlapping(own.broker, &own.subject);
            if feeds.is_empty() {
                feeds.push(s.channel);
            }
            for feed in feeds {
                edges.push(Edge {
                    from: channel(feed),
                    to: service(s.service),
                    kind: EdgeKind::Subscribe(SubscriptionId(i as u32)),
                    protocol: protocol.clone(),
                    sync: false,
                    operation: Some(own.subject.clone()),
                    span: s.span,
                    provenance: s.provenance.clone(),
                });
            }
        }
        for (i, a) in model.accesses.iter().enumerate() {
            edges.push(Edge {
                from: service(a.service),
                to: index[&NodeRef::Datastore(a.datastore)],
                kind: EdgeKind::Access(i),
                protocol: Protocol::of_datastore(&model.datastore(a.datastore).kind),
                sync: true,
                operation: None,
                span: a.span,
                provenance: a.provenance.clone(),
            });
        }
        // Edges sort by their ends' names: each node's place in name order (one place for
        // equal names) stands for its name, so most comparisons are of numbers.
        let rank = name_ranks(&nodes);
        edges.sort_by(|a, b| {
            (
                rank[a.from],
                rank[a.to],
                a.kind.as_str(),
                &a.operation,
                a.span,
            )
                .cmp(&(
                    rank[b.from],
                    rank[b.to],
                    b.kind.as_str(),
                    &b.operation,
                    b.span,
                ))
        });
        Graph {
            nodes,
            edges,
            index,
        }
    }

    pub fn node_of(&self, target: NodeRef) -> Option<usize> {
        self.index.get(&target).copied()
    }

    pub fn counts(&self) -> Counts {
        let mut counts = Counts::default();
        for node in &self.nodes {
            match node.kind {
                NodeKind::Service => counts.services += 1,
                NodeKind::Gateway => counts.gateways += 1,
                NodeKind::Client => counts.clients += 1,
                NodeKind::External => counts.externals += 1,
                NodeKind::Infrastructure => counts.infrastructure += 1,
                NodeKind::Broker => counts.brokers += 1,
                NodeKind::Channel => counts.channels += 1,
                NodeKind::Datastore => counts.datastores += 1,
            }
        }
        counts.nodes = self.nodes.len();
        counts.edges = self.edges.len();
        for edge in &self.edges {
            if edge.sync {
                counts.sync_edges += 1;
            } else {
                counts.async_edges += 1;
            }
            *counts
                .by_protocol
                .entry(edge.protocol.as_str().to_owned())
                .or_default() += 1;
        }
        counts
    }
}

/// Sizes of the graph, for summaries.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub nodes: usize,
    pub edges: usize,
    pub services: usize,
    pub gateways: usize,
    pub clients: usize,
    pub externals: usize,
    pub infrastructure: usize,
    pub brokers: usize,
    pub channels: usize,
    pub datastores: usize,
    pub sync_edges: usize,
    pub async_edges: usize,
    pub by_protocol: BTreeMap<String, usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_of_one_name_share_a_place_in_name_order() {
        let node = |name: &str, i: u32| Node {
            name: name.into(),
            kind: NodeKind::Service,
            target: NodeRef::Service(ServiceId(i)),
            span: None,
            provenance: Provenance::manifest(),
        };
        let nodes = [node("b", 0), node("a", 1), node("b", 2), node("c", 3)];
        assert_eq!(name_ranks(&nodes), [1, 0, 1, 2]);
        assert!(name_ranks(&[]).is_empty());
    }
}
