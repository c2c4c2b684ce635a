//! Sync cycles: each strongly connected component of G_sync with more than one service, or a
//! service that calls itself, reported once with one shortest cycle.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::model::ServiceId;

use super::sync::{Components, SyncGraph};

/// One sync cycle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Every service in the strongly connected set, sorted.
    pub members: Vec<ServiceId>,
    /// A shortest cycle through the first member, as edge indexes in order.
    pub path: Vec<usize>,
}

pub fn find(sync: &SyncGraph, comps: &Components) -> Vec<Cycle> {
    let mut cycles = Vec::new();
    for (c, members) in comps.members.iter().enumerate() {
        let first = members[0];
        let self_loop = sync
            .out_edges(first)
            .iter()
            .copied()
            .find(|&e| sync.edge(e).to == first);
        if members.len() == 1 {
            if let Some(e) = self_loop {
                cycles.push(Cycle {
                    members: members.clone(),
                    path: vec![e],
                });
            }
            continue;
        }
        if let Some(path) = shortest_cycle(sync, comps, c, first) {
            cycles.push(Cycle {
                members: members.clone(),
                path,
            });
        }
    }
    cycles
}

/// Breadth-first from `start` inside component `c` until an edge leads back to `start`.
fn shortest_cycle(
    sync: &SyncGraph,
    comps: &Components,
    c: usize,
    start: ServiceId,
) -> Option<Vec<usize>> {
    let mut came: HashMap<ServiceId, usize> = HashMap::new();
    let mut seen = HashSet::from([start]);
    let mut queue = VecDeque::from([start]);
    while let Some(s) = queue.pop_front() {
        for &e in sync.out_edges(s) {
            let next = sync.edge(e).to;
            if next == start {
                let mut path = vec![e];
                let mut at = s;
                while at != start {
                    let back = came[&at];
                    path.push(back);
                    at = sync.edge(back).from;
                }
                path.reverse();
                return Some(path);
            }
            if comps.of(next) == c && seen.insert(next) {
                came.insert(next, e);
                queue.push_back(next);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::chains::tests::graph;

    #[test]
    fn each_cycle_is_reported_once_with_a_shortest_loop() {
        // 0 -> 1 -> 2 -> 0 and 0 -> 2 -> 0: one component, shortest cycle 0 -> 2 -> 0.
        let g = graph(4, &[(0, 1, 0), (1, 2, 0), (2, 0, 0), (0, 2, 0), (3, 3, 0)]);
        let comps = g.components();
        let cycles = find(&g, &comps);
        assert_eq!(cycles.len(), 2);
        assert_eq!(
            cycles[0].members,
            vec![ServiceId(0), ServiceId(1), ServiceId(2)]
        );
        assert_eq!(cycles[0].path.len(), 2);
        assert_eq!(cycles[1].members, vec![ServiceId(3)]);
    }

    #[test]
    fn a_dag_has_no_cycles() {
        let g = graph(3, &[(0, 1, 0), (1, 2, 0), (0, 2, 0)]);
        assert!(find(&g, &g.components()).is_empty());
    }
}
