//! Answer times from declared processing times, on the condensation of G_sync, linear in
//! services plus edges. A sync cycle counts once, as the sum of its members.
//!
//! - [`Latency`], the expected time: a service answers after its own `processing_ms`, the
//!   expected times of its `order: sequential` calls one after another, and the slowest of its
//!   other calls (made in parallel, or by different operations), as the worst case counts them.
//! - [`worst_case`]: every call waits as long as it can: each of its attempts runs until the
//!   callee answers at its own worst case or the caller's timeout fires, whichever comes first.

use crate::model::ServiceId;

use super::super::chains::inner_path;
use super::super::sync::{Components, SyncGraph};

/// Estimated response times of every service, in milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Latency {
    /// Per component: its members' processing summed.
    own: Vec<f64>,
    /// Per component: `own` plus its sequential calls' times summed and the slowest of the others.
    below: Vec<f64>,
    /// Per component: the edge to its slowest callee, which the path shown follows.
    exit: Vec<Option<usize>>,
    /// Per edge: the time its caller spends on the sequential calls listed before it, when it
    /// is sequential itself (it starts after they returned); 0 for a parallel call.
    waited: Vec<f64>,
}

impl Latency {
    /// `processing` gives each service's own time, defaults already applied.
    pub fn estimate(
        sync: &SyncGraph,
        comps: &Components,
        processing: impl Fn(ServiceId) -> f64,
    ) -> Latency {
        let k = comps.members.len();
        let own: Vec<f64> = comps
            .members
            .iter()
            .map(|m| m.iter().map(|&s| processing(s)).sum())
            .collect();
        let mut below = own.clone();
        let mut exit = vec![None; k];
        let mut waited = vec![0.0; sync.edges.len()];
        for &c in comps.topo.iter().rev() {
            let mut best = 0.0;
            let (mut sequential, mut parallel): (f64, f64) = (0.0, 0.0);
            for &s in &comps.members[c] {
                for &e in sync.out_edges(s) {
                    let edge = sync.edge(e);
                    let d = comps.of(edge.to);
                    if d == c {
                        continue;
                    }
                    if edge.sequential {
                        waited[e] = sequential;
                        sequential += below[d];
                    } else {
                        parallel = parallel.max(below[d]);
                    }
                    if below[d] > best || exit[c].is_none() {
                        best = below[d];
                        exit[c] = Some(e);
                    }
                }
            }
            below[c] = own[c] + sequential + parallel;
        }
        Latency {
            own,
            below,
            exit,
            waited,
        }
    }

    /// How long `s` takes to answer, its slowest dependencies included.
    pub fn of(&self, comps: &Components, s: ServiceId) -> f64 {
        self.below[comps.of(s)]
    }

    /// The slowest request from `entry` that passes through `through`: its time and its path,
    /// or `None` when `entry` does not reach `through` synchronously.
    pub fn through(
        &self,
        sync: &SyncGraph,
        comps: &Components,
        entry: ServiceId,
        through: ServiceId,
    ) -> Option<(f64, Vec<ServiceId>)> {
        let k = comps.members.len();
        let (start, target) = (comps.of(entry), comps.of(through));
        // Longest time spent before reaching each component, and the edge that got there.
        let mut before = vec![f64::NEG_INFINITY; k];
        let mut came: Vec<Option<usize>> = vec![None; k];
        before[start] = 0.0;
        for &c in &comps.topo {
            if before[c] == f64::NEG_INFINITY {
                continue;
            }
            for &s in &comps.members[c] {
                for &e in sync.out_edges(s) {
                    let d = comps.of(sync.edge(e).to);
                    let t = before[c] + self.own[c] + self.waited[e];
                    if d != c && t > before[d] {
                        before[d] = t;
                        came[d] = Some(e);
                    }
                }
            }
        }
        if before[target] == f64::NEG_INFINITY {
            return None;
        }
        let mut down_to = Vec::new();
        let mut c = target;
        while let Some(e) = came[c] {
            down_to.push(e);
            c = comps.of(sync.edge(e).from);
        }
        down_to.reverse();
        let mut onward = Vec::new();
        let mut c = target;
        while let Some(e) = self.exit[c] {
            onward.push(e);
            c = comps.of(sync.edge(e).to);
        }
        let mut path = stitch(sync, comps, entry, &down_to, through);
        let rest = stitch(sync, comps, through, &onward, ServiceId(u32::MAX));
        path.extend(rest.into_iter().skip(1));
        Some((before[target] + self.below[target], path))
    }
}

/// Worst-case answer time of every service, in milliseconds: its own processing plus, over its
/// calls leaving its sync cycle (if any), the waits of its `sequential` calls summed and the
/// longest wait of the others, where a call waits `attempts x min(timeout, callee's worst case)`,
/// or less when a proxy bounds all attempts together.
pub fn worst_case(
    sync: &SyncGraph,
    comps: &Components,
    processing: impl Fn(ServiceId) -> f64,
) -> Vec<f64> {
    let k = comps.members.len();
    let mut worst = vec![0.0; k];
    for &c in comps.topo.iter().rev() {
        let (mut sequential, mut parallel): (f64, f64) = (0.0, 0.0);
        for &s in &comps.members[c] {
            for &e in sync.out_edges(s) {
                let edge = sync.edge(e);
                let d = comps.of(edge.to);
                if d == c {
                    continue;
                }
                let attempt = edge.timeout_ms.map_or(worst[d], |t| t.min(worst[d]));
                let wait = edge.wait(attempt);
                if edge.sequential {
                    sequential += wait;
                } else {
                    parallel = parallel.max(wait);
                }
            }
        }
        let own: f64 = comps.members[c].iter().map(|&s| processing(s)).sum();
        worst[c] = own + sequential + parallel;
    }
    (0..sync.len())
        .map(|s| worst[comps.of(ServiceId(s as u32))])
        .collect()
}

/// The services along `edges` from `start`, crossing components by their shortest inner path,
/// ending at `end` when it shares the last component (pass an impossible id to stop at the
/// last edge's target). A cycle left from where it was entered is shown once around, since its
/// time counts every member.
fn stitch(
    sync: &SyncGraph,
    comps: &Components,
    start: ServiceId,
    edges: &[usize],
    end: ServiceId,
) -> Vec<ServiceId> {
    let mut services = vec![start];
    let mut at = start;
    let inner = |from: ServiceId, to: ServiceId| -> Vec<ServiceId> {
        inner_path(sync, comps, from, to)
            .iter()
            .map(|&i| sync.edge(i).to)
            .collect()
    };
    for &e in edges {
        let edge = sync.edge(e);
        if edge.from != at {
            services.extend(inner(at, edge.from));
        } else if comps.members[comps.of(at)].len() > 1 {
            services.extend(around(sync, comps, at));
        }
        services.push(edge.to);
        at = edge.to;
    }
    if end.index() < sync.len() && end != at && comps.of(end) == comps.of(at) {
        services.extend(inner(at, end));
    }
    services
}

/// Once around the cycle through `at`: the services after it, ending with `at` again.
fn around(sync: &SyncGraph, comps: &Components, at: ServiceId) -> Vec<ServiceId> {
    let c = comps.of(at);
    let Some(next) = sync
        .out_edges(at)
        .iter()
        .map(|&e| sync.edge(e).to)
        .find(|&to| to != at && comps.of(to) == c)
    else {
        return Vec::new();
    };
    let mut out = vec![next];
    out.extend(
        inner_path(sync, comps, next, at)
            .iter()
            .map(|&i| sync.edge(i).to),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::chains::tests::graph;

    #[test]
    fn a_service_waits_for_its_slowest_path() {
        // 0 -> 1 -> 2 and 0 -> 3; processing 10, 20, 30, 100.
        let g = graph(4, &[(0, 1, 0), (1, 2, 0), (0, 3, 0)]);
        let comps = g.components();
        let ms = [10.0, 20.0, 30.0, 100.0];
        let l = Latency::estimate(&g, &comps, |s| ms[s.index()]);
        assert_eq!(l.of(&comps, ServiceId(0)), 110.0);
        assert_eq!(l.of(&comps, ServiceId(1)), 50.0);
        let (t, path) = l
            .through(&g, &comps, ServiceId(0), ServiceId(1))
            .unwrap_or_default();
        assert_eq!(t, 60.0);
        assert_eq!(path, vec![ServiceId(0), ServiceId(1), ServiceId(2)]);
        assert!(l.through(&g, &comps, ServiceId(1), ServiceId(3)).is_none());
    }

    #[test]
    fn sequential_calls_add_up_and_parallel_ones_count_their_slowest() {
        // 0 calls 1 (30 ms), 2 (50 ms) and 3 (20 ms); processing 10 ms at 0.
        let ms = [10.0, 30.0, 50.0, 20.0];
        let order = |sequential: [bool; 3]| {
            let mut g = graph(4, &[(0, 1, 0), (0, 2, 0), (0, 3, 0)]);
            for (edge, s) in g.edges.iter_mut().zip(sequential) {
                edge.sequential = s;
            }
            let g = SyncGraph::from_edges(4, g.edges);
            let comps = g.components();
            let l = Latency::estimate(&g, &comps, |s| ms[s.index()]);
            let through = l.through(&g, &comps, ServiceId(0), ServiceId(3));
            (l.of(&comps, ServiceId(0)), through.map(|(t, _)| t))
        };
        // All in parallel: the slowest, 50 ms.
        assert_eq!(order([false; 3]), (60.0, Some(30.0)));
        // All sequential: 30 + 50 + 20; the call to 3 starts after the other two returned.
        assert_eq!(order([true; 3]), (110.0, Some(110.0)));
        // 1 then 3 (50 ms), plus the slowest parallel call, 2 (50 ms), as the worst case counts
        // them; 3 starts after 1 returned. Then 1 and 2 in sequence, 3 alongside.
        assert_eq!(order([true, false, true]), (110.0, Some(60.0)));
        assert_eq!(order([true, true, false]), (110.0, Some(30.0)));
    }

    #[test]
    fn a_cycle_left_where_it_was_entered_is_shown_once_around() {
        // 0 -> 1 <-> 2, 1 -> 3
        let g = graph(4, &[(0, 1, 0), (1, 2, 0), (2, 1, 0), (1, 3, 0)]);
        let comps = g.components();
        let l = Latency::estimate(&g, &comps, |_| 10.0);
        let (t, path) = l
            .through(&g, &comps, ServiceId(0), ServiceId(3))
            .expect("0 reaches 3");
        assert_eq!(t, 40.0);
        let ids: Vec<u32> = path.iter().map(|s| s.0).collect();
        assert_eq!(ids, [0, 1, 2, 1, 3]);
    }

    #[test]
    fn the_worst_case_waits_out_timeouts_on_every_attempt() {
        // 0 -> 1 (2 retries, 50 ms timeout) -> 2 (no timeout); 1 and 2 take 100 ms each.
        let mut g = graph(3, &[(0, 1, 2), (1, 2, 0)]);
        g.edges[0].timeout_ms = Some(50.0);
        let g = SyncGraph::from_edges(3, g.edges);
        let comps = g.components();
        let worst = worst_case(&g, &comps, |s| if s.0 == 0 { 10.0 } else { 100.0 });
        assert_eq!(worst, vec![160.0, 200.0, 100.0]);
    }

    #[test]
    fn a_cycle_counts_once() {
        // 0 -> 1 <-> 2 -> 3
        let g = graph(4, &[(0, 1, 0), (1, 2, 0), (2, 1, 0), (2, 3, 0)]);
        let comps = g.components();
        let l = Latency::estimate(&g, &comps, |_| 10.0);
        assert_eq!(l.of(&comps, ServiceId(0)), 40.0);
        let (t, path) = l
            .through(&g, &comps, ServiceId(0), ServiceId(2))
            .unwrap_or_default();
        assert_eq!(t, 40.0);
        assert_eq!(path.first(), Some(&ServiceId(0)));
        assert_eq!(path.last(), Some(&ServiceId(3)));
    }
}
