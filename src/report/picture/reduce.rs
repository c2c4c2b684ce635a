//! Keeping a big system's picture readable: past a node limit, leave out the datastores no
//! finding names, then the services and channels no finding names (entrypoints, the longest
//! chain and the cycles always stay), then draw one box per owning team. Every step says what
//! it left out, so the reader knows what the picture does not show.

use std::collections::{BTreeMap, BTreeSet};

use crate::audit::Audit;
use crate::graph::{EdgeKind, NodeKind, NodeRef};

use super::{Highlights, Picture, PictureEdge, PictureNode};

/// Nodes a report's picture shows before it starts leaving things out.
pub const REPORT_LIMIT: usize = 40;

pub fn for_report(audit: &Audit, highlights: &Highlights, limit: usize) -> Picture {
    let graph = &audit.graph;
    let n = graph.nodes.len();
    let drawn = |keep: &[bool]| {
        (0..n)
            .filter(|&i| keep[i] && graph.nodes[i].kind != NodeKind::Broker)
            .count()
    };
    let named = named_in_findings(audit);
    let mut keep = vec![true; n];
    let mut left_out = Vec::new();
    let finish = |keep: &[bool], left_out: Vec<String>| {
        let mut p = Picture::of_graph(audit, &graph.subgraph(keep), highlights);
        p.left_out = left_out;
        p
    };
    if drawn(&keep) <= limit {
        return finish(&keep, left_out);
    }

    let mut stores = 0;
    for (i, node) in graph.nodes.iter().enumerate() {
        if node.kind == NodeKind::Datastore && !named.contains(node.name.as_str()) {
            keep[i] = false;
            stores += 1;
        }
    }
    if stores > 0 {
        left_out.push(plural(
            stores,
            "datastore not named in any finding",
            "datastores not named in any finding",
        ));
    }
    if drawn(&keep) <= limit {
        return finish(&keep, left_out);
    }

    let mut highlighted: BTreeSet<&str> = highlights
        .chain
        .iter()
        .chain(highlights.cycles.iter().flatten())
        .map(|&s| audit.model.name(s))
        .collect();
    highlighted.extend(
        audit
            .analysis
            .entrypoints
            .iter()
            .map(|&s| audit.model.name(s)),
    );
    let mut services = 0;
    for (i, node) in graph.nodes.iter().enumerate() {
        let is_service = matches!(node.target, NodeRef::Service(_));
        let name = node.name.as_str();
        if is_service && keep[i] && !named.contains(name) && !highlighted.contains(name) {
            keep[i] = false;
            services += 1;
        }
    }
    // Which channels a kept node publishes to and which a kept node consumes: one pass.
    let mut published = vec![false; n];
    let mut consumed = vec![false; n];
    for e in &graph.edges {
        published[e.to] |= keep[e.from];
        consumed[e.from] |= keep[e.to];
    }
    let mut channels = 0;
    for (i, node) in graph.nodes.iter().enumerate() {
        if node.kind != NodeKind::Channel || named.contains(node.name.as_str()) {
            continue;
        }
        if !(published[i] && consumed[i]) {
            keep[i] = false;
            channels += 1;
        }
    }
    if services > 0 {
        left_out.push(plural(
            services,
            "service not named in any finding",
            "services not named in any finding",
        ));
    }
    if channels > 0 {
        left_out.push(plural(
            channels,
            "channel that joins none of the services drawn",
            "channels that join none of the services drawn",
        ));
    }
    if drawn(&keep) <= limit {
        return finish(&keep, left_out);
    }
    by_owner(audit, highlights, &named, limit)
}

/// Names that findings mention: their services, and anything quoted in their messages.
fn named_in_findings(audit: &Audit) -> BTreeSet<&str> {
    let mut named = BTreeSet::new();
    for f in &audit.findings {
        named.extend(f.services.iter().map(String::as_str));
        named.extend(f.message.split('`').skip(1).step_by(2));
    }
    named
}

/// One box per owning team; edges between teams merged, edges inside a team not drawn.
fn by_owner(
    audit: &Audit,
    highlights: &Highlights,
    named: &BTreeSet<&str>,
    limit: usize,
) -> Picture {
    let model = &audit.model;
    let graph = &audit.graph;
    // A group per owning team; gateways, clients and outside systems stay on their own.
    let key_of = |i: usize| -> Option<(bool, String)> {
        let NodeRef::Service(s) = graph.nodes[i].target else {
            return None;
        };
        let service = model.service(s);
        Some(match graph.nodes[i].kind {
            NodeKind::Service => (
                false,
                service
                    .owner
                    .clone()
                    .unwrap_or_else(|| "(no owner)".to_owned()),
            ),
            _ => (true, service.name.clone()),
        })
    };
    let chain: BTreeSet<&str> = highlights.chain.iter().map(|&s| model.name(s)).collect();
    let cyclic: BTreeSet<&str> = highlights
        .cycles
        .iter()
        .flatten()
        .map(|&s| model.name(s))
        .collect();
    // Groups, with their size, whether they hold a highlighted service, how often named, and
    // the kind of a node on its own.
    type Group = (usize, bool, bool, usize, NodeKind);
    type Key = (bool, String);
    let mut teams: BTreeMap<Key, Group> = BTreeMap::new();
    for (i, node) in graph.nodes.iter().enumerate() {
        if let Some(key) = key_of(i) {
            let t = teams.entry(key).or_insert((0, false, false, 0, node.kind));
            t.0 += 1;
            t.1 |= chain.contains(node.name.as_str());
            t.2 |= cyclic.contains(node.name.as_str());
            t.3 += usize::from(named.contains(node.name.as_str()));
        }
    }
    let mut ranked: Vec<(&Key, (bool, usize))> =
        teams.iter().map(|(k, v)| (k, (k.0, v.3))).collect();
    ranked.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let shown: BTreeSet<&Key> = ranked.iter().take(limit).map(|(k, _)| *k).collect();
    let mut index: BTreeMap<&Key, usize> = BTreeMap::new();
    let mut nodes = Vec::new();
    for (key, &(size, on_chain, in_cycle, _, kind)) in &teams {
        if !shown.contains(key) {
            continue;
        }
        index.insert(key, nodes.len());
        let (single, name) = key;
        nodes.push(PictureNode {
            name: name.clone(),
            kind,
            detail: Some(if *single {
                kind.as_str().to_owned()
            } else {
                plural(size, "service", "services")
            }),
            chain: on_chain,
            cycle: in_cycle,
            members: if *single { 1 } else { size.max(2) },
        });
    }
    let group = |i: usize| key_of(i).and_then(|k| index.get(&k).copied());
    let mut merged: BTreeMap<(usize, usize, String, bool), PictureEdge> = BTreeMap::new();
    let mut add = |from: usize,
                   to: usize,
                   protocol: &str,
                   sync: bool,
                   kind: EdgeKind,
                   op: Option<&String>| {
        let edge = merged
            .entry((from, to, protocol.to_owned(), sync))
            .or_insert_with(|| PictureEdge {
                from,
                to,
                protocol: protocol.to_owned(),
                sync,
                operations: Vec::new(),
                count: 0,
                chain: false,
                cycle: false,
                observed: false,
            });
        edge.count += 1;
        if let Some(op) = op
            && !sync
            && !edge.operations.contains(op)
        {
            edge.operations.push(op.clone());
        }
        edge.chain |= highlights.chain_edges.contains(&kind);
        edge.cycle |= highlights.cycle_edges.contains(&kind);
    };
    let mut consumers: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    let mut publishers: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    for e in &graph.edges {
        if graph.nodes[e.from].kind == NodeKind::Channel {
            consumers[e.from].push(e.to);
        }
        if graph.nodes[e.to].kind == NodeKind::Channel {
            publishers[e.to].push(e.from);
        }
    }
    for e in &graph.edges {
        match graph.nodes[e.to].kind {
            NodeKind::Channel => {
                // A publication: one edge to each team consuming the channel.
                for &to in &consumers[e.to] {
                    if let (Some(a), Some(b)) = (group(e.from), group(to))
                        && a != b
                    {
                        add(
                            a,
                            b,
                            e.protocol.as_str(),
                            false,
                            e.kind,
                            e.operation.as_ref(),
                        );
                    }
                }
            }
            NodeKind::Datastore | NodeKind::Broker => {}
            _ => {
                if let (Some(a), Some(b)) = (group(e.from), group(e.to))
                    && a != b
                {
                    add(
                        a,
                        b,
                        e.protocol.as_str(),
                        e.sync,
                        e.kind,
                        e.operation.as_ref(),
                    );
                }
            }
        }
    }
    // Calls and messages only the traffic shows, between teams: dotted, as in the full picture.
    // A message through a channel joins its publisher's team to each consumer's.
    let mut observed: BTreeMap<(usize, usize, String, bool), PictureEdge> = BTreeMap::new();
    for e in crate::graph::observed::observed_only(model, graph) {
        let pairs: Vec<(usize, usize)> = if graph.nodes[e.to].kind == NodeKind::Channel {
            consumers[e.to].iter().map(|&c| (e.from, c)).collect()
        } else if graph.nodes[e.from].kind == NodeKind::Channel {
            publishers[e.from].iter().map(|&p| (p, e.to)).collect()
        } else {
            vec![(e.from, e.to)]
        };
        for (from, to) in pairs {
            let (Some(a), Some(b)) = (group(from), group(to)) else {
                continue;
            };
            if a == b {
                continue;
            }
            let edge = observed
                .entry((a, b, e.protocol.clone(), e.sync))
                .or_insert_with(|| PictureEdge {
                    from: a,
                    to: b,
                    protocol: e.protocol.clone(),
                    sync: e.sync,
                    operations: Vec::new(),
                    count: 0,
                    chain: false,
                    cycle: false,
                    observed: true,
                });
            edge.count += 1;
            if let Some(op) = &e.operation
                && !edge.operations.contains(op)
            {
                edge.operations.push(op.clone());
            }
        }
    }
    let grouped: Vec<&Group> = teams.iter().filter(|(k, _)| !k.0).map(|(_, v)| v).collect();
    let services = grouped.iter().map(|t| t.0).sum::<usize>();
    let mut left_out = vec![format!(
        "{} grouped into {} by owner; calls inside a team, channels and datastores are not drawn",
        plural(services, "service", "services"),
        plural(grouped.len(), "team", "teams")
    )];
    if teams.len() > shown.len() {
        left_out.push(plural(
            teams.len() - shown.len(),
            "team with the fewest services named in findings",
            "teams with the fewest services named in findings",
        ));
    }
    Picture {
        nodes,
        edges: merged.into_values().chain(observed.into_values()).collect(),
        left_out,
        grouped_by_owner: true,
        chain: highlights.chain_names(model),
        cycles: highlights.cycle_names(model),
    }
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
