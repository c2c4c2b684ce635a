//! One edge taken off the synchronous path, measured without rebuilding anything: the longest
//! chain and the availability ceiling of the entrypoints that reach the edge's caller, exactly
//! as [`Facts::of`] would give them for the graph without that edge.
//!
//! The recommendations ask this for every edge that should become asynchronous (hundreds in an
//! organisation of thousands of services); building the facts of a whole new graph for each was
//! quadratic. An edge between two components of the condensation leaves the components as they
//! are, so only the best exits of the caller's component and of the components above it change
//! (patched in place and restored), and only the reach of the entrypoints above it. An edge
//! inside a sync cycle can split the cycle; there the whole graph is measured again.
//!
//! [`ChainCuts`] is the chain half alone: the migration plan scores each cut of a chain with it.

use crate::model::{Model, ServiceId};

use super::super::chains::{self, Best};
use super::super::sync::{Components, SyncGraph};
use super::{Defaults, Facts, Uses, ceiling};

/// An entrypoint's longest chain (hops) and availability ceiling without the edge.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Without {
    pub entry: ServiceId,
    pub depth: usize,
    pub ceiling: f64,
}

/// The state shared by every removal: the facts of the graph as declared and scratch space
/// reused from one edge to the next.
pub struct Removals<'a> {
    model: &'a Model,
    sync: &'a SyncGraph,
    facts: &'a Facts,
    entrypoints: &'a [ServiceId],
    cuts: ChainCuts<'a>,
    uses: Uses,
    /// Position of each service among the entrypoints (`usize::MAX` when it is none).
    position: Vec<usize>,
    /// Marks of the current traversal by service.
    service_mark: Vec<u32>,
    stamp: u32,
}

impl<'a> Removals<'a> {
    /// `facts` must be the facts of `sync` seen from `entrypoints`.
    pub fn new(
        model: &'a Model,
        sync: &'a SyncGraph,
        facts: &'a Facts,
        entrypoints: &'a [ServiceId],
    ) -> Removals<'a> {
        let mut position = vec![usize::MAX; sync.len()];
        for (i, e) in facts.per_entry.iter().enumerate() {
            position[e.entry.index()] = i;
        }
        Removals {
            model,
            sync,
            facts,
            entrypoints,
            cuts: ChainCuts::new(sync, &facts.components),
            uses: Uses::of(model),
            position,
            service_mark: vec![0; sync.len()],
            stamp: 0,
        }
    }

    pub fn defaults(&self) -> Defaults {
        self.facts.defaults
    }

    /// Depth and ceiling of each of `entries` (entrypoints that reach the edge's caller; the
    /// others do not change) once `edge` is off the synchronous path.
    pub fn without(&mut self, edge: usize, entries: &[ServiceId]) -> Vec<Without> {
        let comps = &self.facts.components;
        let (from, to) = (self.sync.edge(edge).from, self.sync.edge(edge).to);
        if comps.of(from) == comps.of(to) {
            return self.rebuilt(edge, entries);
        }
        let undo = self.cuts.patch(edge);
        let hard = self.sync.edge(edge).hard;
        let out = entries
            .iter()
            .map(|&entry| {
                let depth = chains::follow(self.sync, comps, &self.cuts.depths, entry).hops();
                let before = self.position.get(entry.index()).copied();
                let old = before
                    .and_then(|i| self.facts.per_entry.get(i))
                    .map_or(1.0, |m| m.ceiling);
                let ceiling = if hard {
                    self.ceiling_without(edge, entry).unwrap_or(old)
                } else {
                    old
                };
                Without {
                    entry,
                    depth,
                    ceiling,
                }
            })
            .collect();
        self.cuts.restore(undo);
        out
    }

    /// An edge inside a cycle: the facts of the whole graph without it.
    fn rebuilt(&self, edge: usize, entries: &[ServiceId]) -> Vec<Without> {
        let after = Facts::of(
            self.model,
            &super::without(self.sync, edge),
            self.entrypoints,
            self.facts.defaults,
        );
        entries
            .iter()
            .filter_map(|&e| after.entry(e))
            .map(|m| Without {
                entry: m.entry,
                depth: m.depth,
                ceiling: m.ceiling,
            })
            .collect()
    }

    fn next_stamp(&mut self) -> u32 {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.service_mark.fill(0);
            self.stamp = 1;
        }
        self.stamp
    }

    /// The ceiling of `entry` without `edge`, or `None` when its hard dependencies stay the
    /// same (the callee is still reached another way).
    fn ceiling_without(&mut self, edge: usize, entry: ServiceId) -> Option<f64> {
        let to = self.sync.edge(edge).to;
        if to == entry {
            return None;
        }
        let stamp = self.next_stamp();
        let sync = self.sync;
        self.service_mark[entry.index()] = stamp;
        let mut stack = vec![entry];
        let mut found = Vec::new();
        while let Some(s) = stack.pop() {
            for &e in sync.out_edges(s) {
                let next = sync.edge(e).to;
                if e == edge || !sync.edge(e).hard || self.service_mark[next.index()] == stamp {
                    continue;
                }
                if next == to {
                    return None;
                }
                self.service_mark[next.index()] = stamp;
                found.push(next);
                stack.push(next);
            }
        }
        found.sort();
        let deps = self.uses.dependencies(entry, &found);
        Some(ceiling(self.model, self.facts.defaults, &deps))
    }
}

/// Longest chains with one edge taken off at a time: the best exits of the components above the
/// edge are patched in place, read, and restored.
pub struct ChainCuts<'a> {
    sync: &'a SyncGraph,
    comps: &'a Components,
    depths: Best,
    /// Marks of the current traversal, by component.
    comp_mark: Vec<u32>,
    stamp: u32,
}

impl<'a> ChainCuts<'a> {
    /// `comps` must be the components of `sync`.
    pub fn new(sync: &'a SyncGraph, comps: &'a Components) -> ChainCuts<'a> {
        ChainCuts {
            sync,
            comps,
            depths: chains::depths(sync, comps),
            comp_mark: vec![0; comps.members.len()],
            stamp: 0,
        }
    }

    /// The longest chain leaving each component, with every edge in place.
    pub fn depths(&self) -> &Best {
        &self.depths
    }

    /// Hops of the longest chain of each of `entries` once `edge` is off the synchronous path,
    /// exactly as [`chains::follow`] gives them on the graph without it; `None` for an edge
    /// inside a sync cycle, whose removal can split the cycle and must be measured on the
    /// rebuilt graph.
    pub fn hops_without(&mut self, edge: usize, entries: &[ServiceId]) -> Option<Vec<usize>> {
        let e = self.sync.edge(edge);
        if self.comps.of(e.from) == self.comps.of(e.to) {
            return None;
        }
        let undo = self.patch(edge);
        let hops = entries
            .iter()
            .map(|&entry| chains::follow(self.sync, self.comps, &self.depths, entry).hops())
            .collect();
        self.restore(undo);
        Some(hops)
    }

    /// Recomputes the best exit of the caller's component and of every component above it,
    /// callees first, as [`chains::best_paths`] does, without `edge`. Returns what to restore.
    fn patch(&mut self, edge: usize) -> Vec<(usize, f64, Option<usize>)> {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.comp_mark.fill(0);
            self.stamp = 1;
        }
        let stamp = self.stamp;
        let comps = self.comps;
        let sync = self.sync;
        let start = comps.of(sync.edge(edge).from);
        self.comp_mark[start] = stamp;
        let mut above = vec![start];
        let mut i = 0;
        while i < above.len() {
            let c = above[i];
            i += 1;
            for &s in &comps.members[c] {
                for &e in sync.in_edges(s) {
                    let d = comps.of(sync.edge(e).from);
                    if self.comp_mark[d] != stamp {
                        self.comp_mark[d] = stamp;
                        above.push(d);
                    }
                }
            }
        }
        above.sort_by_key(|&c| std::cmp::Reverse(comps.rank[c]));
        let mut undo = Vec::with_capacity(above.len());
        for c in above {
            undo.push((c, self.depths.value[c], self.depths.exit[c]));
            let mut value = 0.0;
            let mut exit = None;
            for &s in &comps.members[c] {
                for &e in sync.out_edges(s) {
                    let d = comps.of(sync.edge(e).to);
                    if d == c || e == edge {
                        continue;
                    }
                    let candidate = 1.0 + self.depths.value[d];
                    if candidate > value || exit.is_none() && candidate >= value {
                        value = candidate;
                        exit = Some(e);
                    }
                }
            }
            self.depths.value[c] = value;
            self.depths.exit[c] = exit;
        }
        undo
    }

    fn restore(&mut self, undo: Vec<(usize, f64, Option<usize>)>) {
        for (c, value, exit) in undo {
            self.depths.value[c] = value;
            self.depths.exit[c] = exit;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::facts::tests::mixed_graph;

    /// Every edge of a graph with a cycle, a diamond and a soft edge: the same figures as the
    /// facts of the graph rebuilt without it.
    #[test]
    fn each_removal_matches_the_rebuilt_graph() {
        let (g, model, entries) = mixed_graph();
        let facts = Facts::of(&model, &g, &entries, Defaults::default());
        let mut removals = Removals::new(&model, &g, &facts, &entries);
        let mut cuts = ChainCuts::new(&g, &facts.components);
        for edge in 0..g.edges.len() {
            let rebuilt = Facts::of(
                &model,
                &super::super::without(&g, edge),
                &entries,
                Defaults::default(),
            );
            let got = removals.without(edge, &entries);
            let want: Vec<Without> = rebuilt
                .per_entry
                .iter()
                .map(|m| Without {
                    entry: m.entry,
                    depth: m.depth,
                    ceiling: m.ceiling,
                })
                .collect();
            assert_eq!(got, want, "edge {edge}");
            // The chains alone, patched the same way; an edge inside the cycle is left to the
            // caller.
            let inside =
                facts.components.of(g.edge(edge).from) == facts.components.of(g.edge(edge).to);
            let hops: Vec<usize> = want.iter().map(|w| w.depth).collect();
            assert_eq!(
                cuts.hops_without(edge, &entries),
                (!inside).then_some(hops),
                "edge {edge}"
            );
        }
    }
}
