//! The dependency graph as a picture, shared by the SVG and the report's Mermaid: which nodes
//! and edges are drawn (parallel edges merged), which are highlighted (the longest sync chain
//! and the sync cycles), and, for a big system, what was left out or grouped ([`reduce`]).

pub mod mermaid;
pub mod reduce;

use std::collections::{BTreeMap, BTreeSet};

use crate::audit::Audit;
use crate::graph::sync::Via;
use crate::graph::{EdgeKind, Graph, NodeKind, NodeRef};
use crate::model::{Model, ServiceId, ServiceKind};

#[derive(Debug, Clone, PartialEq)]
pub struct Picture {
    pub nodes: Vec<PictureNode>,
    pub edges: Vec<PictureEdge>,
    /// What is not drawn, as phrases: `4 datastores not named in any finding`.
    pub left_out: Vec<String>,
    /// Services are drawn one box per owning team.
    pub grouped_by_owner: bool,
    /// The highlighted chain, services in order.
    pub chain: Vec<String>,
    /// The highlighted cycles, each as its members.
    pub cycles: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PictureNode {
    pub name: String,
    pub kind: NodeKind,
    /// A second, smaller line: the owner, `gateway`, the broker, the datastore's kind.
    pub detail: Option<String>,
    pub chain: bool,
    pub cycle: bool,
    /// Services drawn as this node (more than one for an owner's group).
    pub members: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PictureEdge {
    pub from: usize,
    pub to: usize,
    pub protocol: String,
    pub sync: bool,
    /// Operations or subjects of the merged edges, without repeats.
    pub operations: Vec<String>,
    /// Edges of the graph drawn as this one.
    pub count: usize,
    pub chain: bool,
    pub cycle: bool,
    /// Seen in the traffic (`--observed`) and declared nowhere: drawn dashed, labelled
    /// `observed`.
    pub observed: bool,
}

impl PictureEdge {
    /// `checkout -> pricing: http, sync, POST /quotes`, for tooltips.
    pub fn describe(&self, picture: &Picture) -> String {
        let (from, to) = (&picture.nodes[self.from].name, &picture.nodes[self.to].name);
        let mut text = format!(
            "{from} -> {to}: {}, {}",
            self.protocol,
            if self.sync { "sync" } else { "async" }
        );
        if self.observed {
            text.push_str(", observed only, declared nowhere");
        }
        if self.count > 1 {
            text.push_str(&format!(", {} edges", self.count));
        }
        if !self.operations.is_empty() {
            text.push_str(": ");
            text.push_str(&self.operations.join(", "));
        }
        if self.chain {
            text.push_str(" (on the longest sync chain)");
        }
        if self.cycle {
            text.push_str(" (in a sync cycle)");
        }
        text
    }
}

/// The edges and services to highlight, by what they stand for in the model.
#[derive(Debug, Clone, Default)]
pub struct Highlights {
    pub chain_edges: BTreeSet<EdgeKind>,
    pub cycle_edges: BTreeSet<EdgeKind>,
    pub chain: Vec<ServiceId>,
    pub cycles: Vec<Vec<ServiceId>>,
}

impl Highlights {
    /// The longest chain of any entrypoint, and every edge inside a sync cycle.
    pub fn of(audit: &Audit) -> Highlights {
        let analysis = &audit.analysis;
        let sync = &analysis.sync;
        let kinds = |e: usize| -> Vec<EdgeKind> {
            match sync.edge(e).via {
                Via::Call(c) => vec![EdgeKind::Call(c)],
                Via::RequestReply(r) => {
                    let rr = &analysis.request_replies[r];
                    vec![
                        EdgeKind::Publish(rr.publication),
                        EdgeKind::Subscribe(rr.subscription),
                    ]
                }
            }
        };
        let deepest = audit.facts.deepest().map(|m| &m.longest);
        let mut out = Highlights::default();
        if let Some(chain) = deepest {
            out.chain_edges = chain.edges.iter().flat_map(|&e| kinds(e)).collect();
            out.chain = chain.services(sync);
        }
        let comps = &analysis.components;
        for (e, edge) in sync.edges.iter().enumerate() {
            let c = comps.of(edge.from);
            if c == comps.of(edge.to) && (comps.members[c].len() > 1 || edge.from == edge.to) {
                out.cycle_edges.extend(kinds(e));
            }
        }
        out.cycles = analysis.cycles.iter().map(|c| c.members.clone()).collect();
        out
    }

    /// The highlighted chain's services by name, in order, as a picture names them.
    pub fn chain_names(&self, model: &Model) -> Vec<String> {
        names(model, &self.chain)
    }

    /// Each highlighted cycle's members by name.
    pub fn cycle_names(&self, model: &Model) -> Vec<Vec<String>> {
        self.cycles.iter().map(|c| names(model, c)).collect()
    }
}

fn names(model: &Model, services: &[ServiceId]) -> Vec<String> {
    services.iter().map(|&s| model.name(s).to_owned()).collect()
}

impl Picture {
    /// Every node of `graph` but the brokers (channels show which broker they belong to) and
    /// every edge, parallel edges of one protocol and direction merged.
    pub fn of_graph(audit: &Audit, graph: &Graph, highlights: &Highlights) -> Picture {
        let model = &audit.model;
        let chain: BTreeSet<ServiceId> = highlights.chain.iter().copied().collect();
        let cyclic: BTreeSet<ServiceId> = highlights.cycles.iter().flatten().copied().collect();
        let mut index = vec![usize::MAX; graph.nodes.len()];
        let mut nodes = Vec::new();
        for (i, node) in graph.nodes.iter().enumerate() {
            if node.kind == NodeKind::Broker {
                continue;
            }
            let (detail, on_chain, in_cycle) = match node.target {
                NodeRef::Service(id) => {
                    let s = model.service(id);
                    let detail = match s.kind {
                        ServiceKind::Gateway => Some("gateway".to_owned()),
                        ServiceKind::Client => Some("client".to_owned()),
                        ServiceKind::External => Some("external".to_owned()),
                        ServiceKind::Infrastructure => Some("infrastructure".to_owned()),
                        ServiceKind::Service => s.owner.clone(),
                    };
                    (detail, chain.contains(&id), cyclic.contains(&id))
                }
                NodeRef::Channel(c) => (
                    Some(model.broker(model.channel(c).broker).name.clone()),
                    false,
                    false,
                ),
                NodeRef::Datastore(d) => (Some(model.datastore(d).kind.clone()), false, false),
                NodeRef::Broker(_) => (None, false, false),
            };
            index[i] = nodes.len();
            nodes.push(PictureNode {
                name: node.name.clone(),
                kind: node.kind,
                detail,
                chain: on_chain,
                cycle: in_cycle,
                members: 1,
            });
        }
        let mut merged: BTreeMap<(usize, usize, String, bool), usize> = BTreeMap::new();
        let mut edges: Vec<PictureEdge> = Vec::new();
        for e in &graph.edges {
            let (from, to) = (index[e.from], index[e.to]);
            if from == usize::MAX || to == usize::MAX {
                continue;
            }
            let key = (from, to, e.protocol.as_str().to_owned(), e.sync);
            let at = *merged.entry(key).or_insert_with(|| {
                edges.push(PictureEdge {
                    from,
                    to,
                    protocol: e.protocol.as_str().to_owned(),
                    sync: e.sync,
                    operations: Vec::new(),
                    count: 0,
                    chain: false,
                    cycle: false,
                    observed: false,
                });
                edges.len() - 1
            });
            let edge = &mut edges[at];
            edge.count += 1;
            if let Some(op) = &e.operation
                && !edge.operations.contains(op)
            {
                edge.operations.push(op.clone());
            }
            edge.chain |= highlights.chain_edges.contains(&e.kind);
            edge.cycle |= highlights.cycle_edges.contains(&e.kind);
        }
        for e in crate::graph::observed::observed_only(model, graph) {
            let (from, to) = (index[e.from], index[e.to]);
            if from == usize::MAX || to == usize::MAX {
                continue;
            }
            edges.push(PictureEdge {
                from,
                to,
                protocol: e.protocol,
                sync: e.sync,
                operations: e.operation.into_iter().collect(),
                count: 1,
                chain: false,
                cycle: false,
                observed: true,
            });
        }
        Picture {
            nodes,
            edges,
            left_out: Vec::new(),
            grouped_by_owner: false,
            chain: highlights.chain_names(model),
            cycles: highlights.cycle_names(model),
        }
    }

    /// Some edge is drawn only because the traffic showed it.
    pub fn has_observed(&self) -> bool {
        self.edges.iter().any(|e| e.observed)
    }

    /// Protocols drawn, in a stable order, for the legend.
    pub fn protocols(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self.edges.iter().map(|e| e.protocol.as_str()).collect();
        set.into_iter().collect()
    }
}
