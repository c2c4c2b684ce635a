//! Reachability over hard sync edges: what an entrypoint depends on, and which entrypoints a
//! service's failure takes down. Async edges are not in G_sync, so they stop the spread; calls
//! with a declared fallback are soft and stop it too.

use crate::model::ServiceId;

use super::sync::SyncGraph;

/// Services `start` needs, directly or through others, over hard edges (without `start`).
/// Costs what it finds, not the size of the graph: it runs once per entrypoint, and 16,000
/// entrypoints calling one service would otherwise cost 16,000 vectors of every service.
pub fn hard_dependencies(sync: &SyncGraph, start: ServiceId) -> Vec<ServiceId> {
    let mut seen = std::collections::HashSet::from([start]);
    let mut stack = vec![start];
    let mut found = Vec::new();
    while let Some(s) = stack.pop() {
        for &e in sync.out_edges(s) {
            let edge = sync.edge(e);
            if edge.hard && seen.insert(edge.to) {
                found.push(edge.to);
                stack.push(edge.to);
            }
        }
    }
    found.sort();
    found
}

/// Services reachable from any of `starts` over sync edges (hard or not), the starts included.
pub fn reached_from(sync: &SyncGraph, starts: &[ServiceId]) -> Vec<bool> {
    let mut seen = vec![false; sync.len()];
    let mut stack: Vec<ServiceId> = starts.to_vec();
    for s in starts {
        seen[s.index()] = true;
    }
    while let Some(s) = stack.pop() {
        for &e in sync.out_edges(s) {
            let to = sync.edge(e).to;
            if !seen[to.index()] {
                seen[to.index()] = true;
                stack.push(to);
            }
        }
    }
    seen
}

/// For every service, the entrypoints that fail when it fails: each entrypoint that depends on
/// it, and the service itself when it is an entrypoint. One traversal per entrypoint.
pub fn blast_radius(
    sync: &SyncGraph,
    entrypoints: &[ServiceId],
    deps: &[Vec<ServiceId>],
) -> Vec<Vec<ServiceId>> {
    let mut down: Vec<Vec<ServiceId>> = vec![Vec::new(); sync.len()];
    for (entry, needs) in entrypoints.iter().zip(deps) {
        down[entry.index()].push(*entry);
        for s in needs {
            down[s.index()].push(*entry);
        }
    }
    for list in &mut down {
        list.sort();
    }
    down
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::chains::tests::graph;

    #[test]
    fn dependencies_follow_hard_edges_only() {
        let mut g = graph(4, &[(0, 1, 0), (1, 2, 0), (0, 3, 0)]);
        g.edges[2].hard = false;
        assert_eq!(
            hard_dependencies(&g, ServiceId(0)),
            vec![ServiceId(1), ServiceId(2)]
        );
    }

    #[test]
    fn blast_radius_counts_entrypoints_above() {
        let g = graph(4, &[(0, 2, 0), (1, 2, 0), (2, 3, 0)]);
        let entries = [ServiceId(0), ServiceId(1)];
        let deps: Vec<_> = entries.iter().map(|e| hard_dependencies(&g, *e)).collect();
        let down = blast_radius(&g, &entries, &deps);
        assert_eq!(down[3], vec![ServiceId(0), ServiceId(1)]);
        assert_eq!(down[0], vec![ServiceId(0)]);
    }
}
