//! Longest synchronous chains, without enumerating paths: a dynamic program over the
//! condensation of G_sync in reverse topological order, O(services + edges).
//!
//! A sync cycle counts as one step of the condensation (cycles are reported on their own); the
//! chain printed for a service is a real path through the graph, crossing a cycle by its
//! shortest inner path, and its length is the length of that path.

use std::collections::VecDeque;

use crate::model::ServiceId;

use super::sync::{Components, SyncGraph};

/// A path in G_sync, as edge indexes in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Chain {
    pub start: Option<ServiceId>,
    pub edges: Vec<usize>,
}

impl Chain {
    pub fn hops(&self) -> usize {
        self.edges.len()
    }

    /// The services along the chain, first to last.
    pub fn services(&self, sync: &SyncGraph) -> Vec<ServiceId> {
        let mut out: Vec<ServiceId> = self.start.into_iter().collect();
        out.extend(self.edges.iter().map(|&e| sync.edge(e).to));
        out
    }
}

/// The best way out of each component for one measure, and its value.
#[derive(Debug, Clone, Default)]
pub struct Best {
    /// Value of the best path starting in each component.
    pub value: Vec<f64>,
    /// The edge that leaves the component on that path (`None` at a sink).
    pub exit: Vec<Option<usize>>,
}

/// Longest path in hops from each component; `weight` scores an edge (1 for hops), `combine`
/// folds it into the rest of the path (`+` for hops, `*` for retry products).
pub fn best_paths(
    sync: &SyncGraph,
    comps: &Components,
    identity: f64,
    weight: impl Fn(usize) -> f64,
    combine: impl Fn(f64, f64) -> f64,
) -> Best {
    let k = comps.members.len();
    let mut value = vec![identity; k];
    let mut exit = vec![None; k];
    for &c in comps.topo.iter().rev() {
        for &s in &comps.members[c] {
            for &e in sync.out_edges(s) {
                let d = comps.of(sync.edge(e).to);
                if d == c {
                    continue;
                }
                let candidate = combine(weight(e), value[d]);
                if candidate > value[c] || exit[c].is_none() && candidate >= value[c] {
                    value[c] = candidate;
                    exit[c] = Some(e);
                }
            }
        }
    }
    Best { value, exit }
}

/// Hop counts: the longest chain leaving each component.
pub fn depths(sync: &SyncGraph, comps: &Components) -> Best {
    best_paths(sync, comps, 0.0, |_| 1.0, |w, rest| w + rest)
}

/// Retry amplification: the largest product of attempts (1 + retries) leaving each component.
pub fn retry_products(sync: &SyncGraph, comps: &Components) -> Best {
    best_paths(
        sync,
        comps,
        1.0,
        |e| 1.0 + f64::from(sync.edge(e).retries),
        |w, rest| w * rest,
    )
}

/// The path that `best` chose from `start`: inside a component it takes the shortest path to
/// the component's exit edge.
pub fn follow(sync: &SyncGraph, comps: &Components, best: &Best, start: ServiceId) -> Chain {
    let mut edges = Vec::new();
    let mut at = start;
    let mut guard = 0;
    while let Some(exit) = best.exit[comps.of(at)] {
        let leave = sync.edge(exit).from;
        if leave != at {
            edges.extend(inner_path(sync, comps, at, leave));
        }
        edges.push(exit);
        at = sync.edge(exit).to;
        guard += 1;
        if guard > comps.members.len() {
            break; // cannot happen on a DAG of components; a bound for safety
        }
    }
    Chain {
        start: Some(start),
        edges,
    }
}

/// Shortest path from `from` to `to` using only edges inside their common component.
pub fn inner_path(
    sync: &SyncGraph,
    comps: &Components,
    from: ServiceId,
    to: ServiceId,
) -> Vec<usize> {
    let c = comps.of(from);
    let mut came: std::collections::HashMap<ServiceId, usize> = std::collections::HashMap::new();
    let mut queue = VecDeque::from([from]);
    let mut seen = std::collections::HashSet::from([from]);
    while let Some(s) = queue.pop_front() {
        if s == to {
            break;
        }
        for &e in sync.out_edges(s) {
            let next = sync.edge(e).to;
            if comps.of(next) == c && seen.insert(next) {
                came.insert(next, e);
                queue.push_back(next);
            }
        }
    }
    let mut path = Vec::new();
    let mut at = to;
    while at != from {
        let Some(&e) = came.get(&at) else {
            return Vec::new();
        };
        path.push(e);
        at = sync.edge(e).from;
    }
    path.reverse();
    path
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::graph::sync::{SyncEdge, Via};
    use crate::model::CallId;

    /// A graph from (from, to, retries) triples over `n` services.
    pub(crate) fn graph(n: usize, edges: &[(u32, u32, u32)]) -> SyncGraph {
        let edges = edges
            .iter()
            .enumerate()
            .map(|(i, &(a, b, r))| SyncEdge {
                from: ServiceId(a),
                to: ServiceId(b),
                via: Via::Call(CallId(i as u32)),
                hard: true,
                retries: r,
                timeout_ms: None,
                total_ms: None,
                rps: None,
                rps_observed: false,
                sequential: false,
            })
            .collect();
        SyncGraph::from_edges(n, edges)
    }

    #[test]
    fn longest_chain_in_a_dag() {
        let g = graph(5, &[(0, 1, 0), (1, 2, 0), (2, 3, 0), (0, 3, 0), (3, 4, 0)]);
        let comps = g.components();
        let best = depths(&g, &comps);
        let chain = follow(&g, &comps, &best, ServiceId(0));
        assert_eq!(chain.hops(), 4);
        assert_eq!(
            chain.services(&g),
            vec![
                ServiceId(0),
                ServiceId(1),
                ServiceId(2),
                ServiceId(3),
                ServiceId(4)
            ]
        );
    }

    #[test]
    fn cycles_are_crossed_by_a_real_path() {
        // 0 -> 1 <-> 2 -> 3: the chain from 0 crosses the cycle to reach 3.
        let g = graph(4, &[(0, 1, 0), (1, 2, 0), (2, 1, 0), (2, 3, 0)]);
        let comps = g.components();
        let chain = follow(&g, &comps, &depths(&g, &comps), ServiceId(0));
        assert_eq!(
            chain.services(&g),
            vec![ServiceId(0), ServiceId(1), ServiceId(2), ServiceId(3)]
        );
    }

    #[test]
    fn retries_multiply_along_the_worst_path() {
        let g = graph(4, &[(0, 1, 2), (1, 2, 2), (2, 3, 2), (0, 3, 9)]);
        let comps = g.components();
        let best = retry_products(&g, &comps);
        assert_eq!(best.value[comps.of(ServiceId(0))], 27.0);
    }

    #[test]
    fn a_layered_graph_with_astronomically_many_paths_is_linear() {
        // 30 layers of 10 services, each calling every service of the next layer: 10^29 paths.
        let mut edges = Vec::new();
        for layer in 0..29u32 {
            for a in 0..10 {
                for b in 0..10 {
                    edges.push((layer * 10 + a, (layer + 1) * 10 + b, 0));
                }
            }
        }
        let g = graph(300, &edges);
        let comps = g.components();
        let best = depths(&g, &comps);
        assert_eq!(follow(&g, &comps, &best, ServiceId(3)).hops(), 29);
    }
}
