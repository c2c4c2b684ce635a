//! Load: the requests per second each service receives, and the calls one request makes.
//!
//! A call's rate is the larger of its declared peak `rps` and the rate observed traffic measured
//! for it (a short, quiet sample must not hide a declared peak); a call with neither is made once
//! per request its caller receives. Rates flow from callers to callees in topological order of the condensation
//! of G_sync, so the whole system costs one pass over its edges. Inside a sync cycle an
//! undeclared rate uses what the caller has received when the cycle is reached.

use std::collections::HashMap;

use crate::model::ServiceId;

use super::super::sync::{Components, SyncGraph};

/// Requests per second into one service.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Load {
    /// Requests per second when every call succeeds at its first attempt.
    pub rps: f64,
    /// Requests per second when every attempt into this service fails and is retried:
    /// each caller's rate times its attempts (1 + retries).
    pub retry_rps: f64,
    /// Some rate into it is known (declared or observed, or derived from one).
    pub known: bool,
    /// Where its rates come from.
    pub basis: Basis,
}

/// Where the rates into a service come from: the callers' declared peaks, the observed traffic
/// (where it measured more than the peak declared), or some of each.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Basis {
    #[default]
    Declared,
    Observed,
    Both,
}

impl Basis {
    fn with(self, other: Basis, first: bool) -> Basis {
        if first || self == other {
            other
        } else {
            Basis::Both
        }
    }

    /// How a message names the callers' rates: `at their declared peak`.
    pub fn describe(self) -> &'static str {
        match self {
            Basis::Declared => "at their declared peak",
            Basis::Observed => "at the rate the traffic shows",
            Basis::Both => "at their declared peak, or the rate the traffic shows where higher",
        }
    }
}

/// The load into every service.
pub fn of(sync: &SyncGraph, comps: &Components) -> Vec<Load> {
    let mut load = vec![Load::default(); sync.len()];
    for &c in &comps.topo {
        for &s in &comps.members[c] {
            for &e in sync.out_edges(s) {
                let edge = sync.edge(e);
                let from = load[s.index()];
                let (rate, basis) = match edge.rps {
                    Some(rps) if edge.rps_observed => (rps, Basis::Observed),
                    Some(rps) => (rps, Basis::Declared),
                    None if from.known => (from.rps, from.basis),
                    None => continue,
                };
                let to = &mut load[edge.to.index()];
                to.rps += rate;
                to.retry_rps += rate * f64::from(1 + edge.retries);
                to.basis = to.basis.with(basis, !to.known);
                to.known = true;
            }
        }
    }
    load
}

/// Sync calls one request to `entry` makes, over its whole call tree: each call is made once
/// for every time its caller is reached. Retries are not counted (see the retry product).
/// Costs the part of the graph `entry` reaches, not the whole graph: it runs per entrypoint.
pub fn calls_per_request(sync: &SyncGraph, comps: &Components, entry: ServiceId) -> f64 {
    let next = |c: usize| {
        comps.members[c]
            .iter()
            .flat_map(|&s| sync.out_edges(s))
            .map(|&e| comps.of(sync.edge(e).to))
    };
    let start = comps.of(entry);
    let mut visits: HashMap<usize, f64> = HashMap::from([(start, 1.0)]);
    let mut reached = vec![start];
    let mut stack = vec![start];
    while let Some(c) = stack.pop() {
        for d in next(c) {
            if let std::collections::hash_map::Entry::Vacant(slot) = visits.entry(d) {
                slot.insert(0.0);
                reached.push(d);
                stack.push(d);
            }
        }
    }
    // In topological order, as over the whole graph, so the sums are the same.
    reached.sort_by_key(|&c| comps.rank[c]);
    let mut calls = 0.0;
    for c in reached {
        let here = visits.get(&c).copied().unwrap_or(0.0);
        if here == 0.0 {
            continue;
        }
        for d in next(c) {
            calls += here;
            if d != c
                && let Some(v) = visits.get_mut(&d)
            {
                *v += here;
            }
        }
    }
    calls
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::chains::tests::graph;

    #[test]
    fn undeclared_rates_follow_the_caller_and_retries_multiply() {
        // 0 -> 1 (declared 100 rps, 2 retries), 1 -> 2 and 1 -> 3, 2 -> 3 (undeclared).
        let mut g = graph(4, &[(0, 1, 2), (1, 2, 0), (1, 3, 1), (2, 3, 0)]);
        g.edges[0].rps = Some(100.0);
        let g = SyncGraph::from_edges(4, g.edges);
        let comps = g.components();
        let load = of(&g, &comps);
        assert_eq!((load[1].rps, load[1].retry_rps), (100.0, 300.0));
        assert_eq!((load[3].rps, load[3].retry_rps), (200.0, 300.0));
        assert!(!load[0].known);
        // A diamond: 0 calls 1, 1 calls 2 and 3, 2 calls 3: four calls per request.
        assert_eq!(calls_per_request(&g, &comps, ServiceId(0)), 4.0);
        assert_eq!(calls_per_request(&g, &comps, ServiceId(2)), 1.0);
        assert_eq!(load[3].basis, Basis::Declared);
    }

    #[test]
    fn an_observed_rate_above_the_peak_shows_in_the_basis() {
        // 0 -> 2 declared, 1 -> 2 observed above its peak, 2 -> 3 undeclared.
        let mut g = graph(4, &[(0, 2, 0), (1, 2, 0), (2, 3, 0)]);
        g.edges[0].rps = Some(100.0);
        g.edges[1].rps = Some(50.0);
        g.edges[1].rps_observed = true;
        let g = SyncGraph::from_edges(4, g.edges);
        let load = of(&g, &g.components());
        assert_eq!((load[2].rps, load[2].basis), (150.0, Basis::Both));
        assert_eq!((load[3].rps, load[3].basis), (150.0, Basis::Both));
        assert_eq!(
            Basis::Observed.with(Basis::Observed, false),
            Basis::Observed
        );
    }
}
