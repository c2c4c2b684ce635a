//! Parts of the dependency graph: the neighbourhood of one node (what it reaches and what
//! reaches it, within a depth) and the subgraph a set of nodes spans, for `graph --focus`.

use std::collections::{BTreeMap, VecDeque};

use crate::model::Model;

use super::{Graph, NodeKind, NodeRef};

impl Graph {
    /// The node with this name, if any.
    pub fn node_named(&self, name: &str) -> Option<usize> {
        self.nodes.iter().position(|n| n.name == name)
    }

    /// The graph restricted to the nodes marked in `keep` and the edges between them. Node and
    /// edge order are kept, so output stays sorted. A broker is kept when one of its channels is.
    pub fn subgraph(&self, keep: &[bool]) -> Graph {
        let mut keep = keep.to_vec();
        keep.resize(self.nodes.len(), false);
        let mut renumber: Vec<Option<usize>> = vec![None; self.nodes.len()];
        let mut nodes = Vec::new();
        for (i, node) in self.nodes.iter().enumerate() {
            if keep[i] {
                renumber[i] = Some(nodes.len());
                nodes.push(node.clone());
            }
        }
        let edges = self
            .edges
            .iter()
            .filter_map(|e| {
                let (from, to) = (renumber[e.from]?, renumber[e.to]?);
                let mut edge = e.clone();
                edge.from = from;
                edge.to = to;
                Some(edge)
            })
            .collect();
        let index: BTreeMap<NodeRef, usize> = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.target, i))
            .collect();
        Graph {
            nodes,
            edges,
            index,
        }
    }
}

/// The nodes `center` reaches and the nodes that reach it, following edge directions, within
/// `depth` steps (unbounded when `None`). Passing through a channel costs no step, so a
/// service's subscribers are one step from its publishers, like the services it calls.
pub fn neighbourhood(graph: &Graph, model: &Model, center: usize, depth: Option<u32>) -> Vec<bool> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    let mut inn: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    for e in &graph.edges {
        out[e.from].push(e.to);
        inn[e.to].push(e.from);
    }
    let forward = within(graph, &out, center, depth);
    let backward = within(graph, &inn, center, depth);
    let mut keep: Vec<bool> = forward
        .iter()
        .zip(&backward)
        .map(|(a, b)| *a || *b)
        .collect();
    // Keep the broker of every kept channel, so channels stay grouped by broker.
    for i in 0..graph.nodes.len() {
        if let (true, NodeRef::Channel(c)) = (keep[i], graph.nodes[i].target)
            && let Some(b) = graph.node_of(NodeRef::Broker(model.channel(c).broker))
        {
            keep[b] = true;
        }
    }
    keep
}

/// 0-1 breadth-first search: stepping onto a channel is free, any other step costs one.
fn within(graph: &Graph, next: &[Vec<usize>], start: usize, depth: Option<u32>) -> Vec<bool> {
    let limit = depth.map_or(u32::MAX, |d| d);
    let mut dist = vec![u32::MAX; graph.nodes.len()];
    dist[start] = 0;
    let mut queue = VecDeque::from([start]);
    while let Some(at) = queue.pop_front() {
        for &to in &next[at] {
            let free = graph.nodes[to].kind == NodeKind::Channel;
            let d = dist[at].saturating_add(u32::from(!free));
            if d <= limit && d < dist[to] {
                dist[to] = d;
                if free {
                    queue.push_front(to);
                } else {
                    queue.push_back(to);
                }
            }
        }
    }
    dist.iter().map(|&d| d != u32::MAX).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::{Edge, EdgeKind, Node};
    use crate::model::{CallId, ChannelId, Protocol, Provenance, ServiceId};
    use crate::source::{SourceId, Span};

    fn node(name: &str, kind: NodeKind, target: NodeRef) -> Node {
        Node {
            name: name.into(),
            kind,
            target,
            span: None,
            provenance: Provenance::manifest(),
        }
    }

    fn edge(from: usize, to: usize) -> Edge {
        Edge {
            from,
            to,
            kind: EdgeKind::Call(CallId(0)),
            protocol: Protocol::Grpc,
            sync: true,
            operation: None,
            span: Span::file_start(SourceId(0)),
            provenance: Provenance::manifest(),
        }
    }

    /// a -> b -> c, b -> topic -> d, e -> a
    fn sample() -> Graph {
        let s = |i| NodeRef::Service(ServiceId(i));
        let nodes = vec![
            node("a", NodeKind::Service, s(0)),
            node("b", NodeKind::Service, s(1)),
            node("c", NodeKind::Service, s(2)),
            node("d", NodeKind::Service, s(3)),
            node("e", NodeKind::Service, s(4)),
            node("topic", NodeKind::Channel, NodeRef::Channel(ChannelId(0))),
        ];
        let edges = vec![edge(0, 1), edge(1, 2), edge(1, 5), edge(5, 3), edge(4, 0)];
        let index = nodes
            .iter()
            .enumerate()
            .map(|(i, n)| (n.target, i))
            .collect();
        Graph {
            nodes,
            edges,
            index,
        }
    }

    fn model() -> Model {
        let mut model = Model::default();
        model.brokers.push(crate::model::Broker {
            name: "nats".into(),
            kind: crate::model::BrokerKind::Nats,
            availability: None,
            span: Span::file_start(SourceId(0)),
            provenance: Provenance::manifest(),
        });
        model.channels.push(crate::model::Channel {
            broker: crate::model::BrokerId(0),
            subject: "topic".into(),
        });
        model
    }

    #[test]
    fn depth_one_reaches_callers_callees_and_subscribers() {
        let g = sample();
        let b = g.node_named("b").expect("b is in the sample");
        let keep = neighbourhood(&g, &model(), b, Some(1));
        let names: Vec<&str> = (0..g.nodes.len())
            .filter(|&i| keep[i])
            .map(|i| g.nodes[i].name.as_str())
            .collect();
        assert_eq!(names, ["a", "b", "c", "d", "topic"]);
    }

    #[test]
    fn unbounded_depth_follows_every_path_and_subgraph_renumbers() {
        let g = sample();
        let keep = neighbourhood(&g, &model(), 0, None);
        assert!(keep.iter().all(|k| *k));
        let mut only = vec![false; g.nodes.len()];
        only[1] = true;
        only[2] = true;
        let sub = g.subgraph(&only);
        assert_eq!(sub.nodes.len(), 2);
        assert_eq!(sub.edges.len(), 1);
        assert_eq!((sub.edges[0].from, sub.edges[0].to), (0, 1));
        assert_eq!(sub.node_of(NodeRef::Service(ServiceId(2))), Some(1));
    }
}
