//! G_sync: services joined by synchronous calls, plus a virtual edge for every request/reply
//! through a queue. Its strongly connected components (the sync cycles) and their topological
//! order are computed once here, iteratively, so deep or hostile graphs cannot overflow the stack.

use petgraph::graph::{DiGraph, NodeIndex};

use crate::model::{CallId, Model, ServiceId, ServiceKind};

use super::request_reply::RequestReply;

/// A synchronous dependency: the caller cannot answer until the callee has.
#[derive(Debug, Clone, PartialEq)]
pub struct SyncEdge {
    pub from: ServiceId,
    pub to: ServiceId,
    pub via: Via,
    /// A hard dependency: the caller fails when the callee does (no declared fallback).
    pub hard: bool,
    /// Retries after a failed attempt; each attempt is a request to the callee.
    pub retries: u32,
    /// How long the caller waits for one attempt: the tighter of the caller's and its proxy's
    /// timeouts, or the publication's for a reply.
    pub timeout_ms: Option<f64>,
    /// How long the caller waits for all attempts together, when a proxy bounds them (a mesh
    /// route's `timeout` over its retries).
    pub total_ms: Option<f64>,
    /// Requests per second capacity is judged at: the larger of the rate declared on the call
    /// (or the publication) as its peak and the rate the observed traffic measured, so a short
    /// quiet sample of traffic does not hide a declared peak.
    pub rps: Option<f64>,
    /// `rps` is the observed rate, higher than any declared one.
    pub rps_observed: bool,
    /// Made after the caller's earlier calls returned (`order: sequential`): its time adds.
    pub sequential: bool,
}

impl SyncEdge {
    /// Attempts in all: the first and every retry.
    pub fn tries(&self) -> f64 {
        f64::from(self.retries) + 1.0
    }

    /// How long the caller waits when every attempt waits `per_attempt`: all its attempts, cut
    /// short by the proxy's bound on all of them together.
    pub fn wait(&self, per_attempt: f64) -> f64 {
        let all = self.tries() * per_attempt;
        self.total_ms.map_or(all, |t| all.min(t))
    }

    /// The attempts made when every one waits `per_attempt` and fails: all of them, or as many
    /// as start before the proxy's bound on all of them together.
    pub fn attempts_made(&self, per_attempt: f64) -> f64 {
        match self.total_ms {
            Some(t) if per_attempt > 0.0 => (t / per_attempt).ceil().clamp(1.0, self.tries()),
            _ => self.tries(),
        }
    }
}

/// The larger of a declared peak rate and an observed one.
fn peak(declared: Option<f64>, observed: Option<f64>) -> Option<f64> {
    match (declared, observed) {
        (Some(d), Some(o)) => Some(d.max(o)),
        (d, o) => d.or(o),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Via {
    Call(CallId),
    /// Index into the request/reply pairs.
    RequestReply(usize),
}

/// The synchronous view of the system, with adjacency in both directions.
#[derive(Debug, Clone, Default)]
pub struct SyncGraph {
    pub edges: Vec<SyncEdge>,
    out: Vec<Vec<usize>>,
    inn: Vec<Vec<usize>>,
}

impl SyncGraph {
    pub fn build(model: &Model, request_replies: &[RequestReply]) -> SyncGraph {
        let mut edges: Vec<SyncEdge> = model
            .calls
            .iter()
            .enumerate()
            .map(|(i, c)| SyncEdge {
                from: c.from,
                to: c.to,
                via: Via::Call(CallId(i as u32)),
                hard: !c.fallback,
                // A proxy's retries stack on the caller's: every attempt of the caller is
                // retried by the proxy.
                retries: (1 + c.retries.unwrap_or(0))
                    .saturating_mul(1 + c.proxy.retries.unwrap_or(0))
                    - 1,
                timeout_ms: match (c.timeout_ms, c.proxy.timeout_ms) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                },
                total_ms: c.proxy.total_ms,
                rps: peak(c.rps, c.observed_rps),
                rps_observed: c.observed_rps.is_some_and(|o| c.rps.is_none_or(|d| o > d)),
                sequential: c.resilience.order == crate::model::CallOrder::Sequential,
            })
            .collect();
        edges.extend(request_replies.iter().enumerate().map(|(i, rr)| SyncEdge {
            from: rr.publisher,
            to: rr.consumer,
            via: Via::RequestReply(i),
            hard: true,
            retries: 0,
            timeout_ms: model.publications[rr.publication.index()].timeout_ms,
            total_ms: None,
            rps: model.publications[rr.publication.index()].rate,
            rps_observed: false,
            sequential: false,
        }));
        SyncGraph::from_edges(model.services.len(), edges)
    }

    /// A graph over `n` services (ids `0..n`) with the given edges.
    pub fn from_edges(n: usize, edges: Vec<SyncEdge>) -> SyncGraph {
        let mut out = vec![Vec::new(); n];
        let mut inn = vec![Vec::new(); n];
        for (i, e) in edges.iter().enumerate() {
            out[e.from.index()].push(i);
            inn[e.to.index()].push(i);
        }
        SyncGraph { edges, out, inn }
    }

    pub fn len(&self) -> usize {
        self.out.len()
    }

    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Indexes of the edges leaving a service.
    pub fn out_edges(&self, s: ServiceId) -> &[usize] {
        &self.out[s.index()]
    }

    /// Indexes of the edges entering a service.
    pub fn in_edges(&self, s: ServiceId) -> &[usize] {
        &self.inn[s.index()]
    }

    pub fn edge(&self, i: usize) -> &SyncEdge {
        &self.edges[i]
    }

    /// Strongly connected components and their topological order.
    pub fn components(&self) -> Components {
        let n = self.len();
        let mut g: DiGraph<(), ()> = DiGraph::with_capacity(n, self.edges.len());
        for _ in 0..n {
            g.add_node(());
        }
        for e in &self.edges {
            g.add_edge(
                NodeIndex::new(e.from.index()),
                NodeIndex::new(e.to.index()),
                (),
            );
        }
        // Number components by their smallest member, so the numbering is stable: services in
        // order, each component numbered when its first member is met, which also leaves every
        // member list sorted.
        // Kosaraju, because petgraph's Tarjan recurses and a hostile graph could overflow the
        // stack.
        let sccs = petgraph::algo::kosaraju_scc(&g);
        let mut raw = vec![0usize; n];
        for (i, scc) in sccs.iter().enumerate() {
            for ix in scc {
                raw[ix.index()] = i;
            }
        }
        drop(sccs);
        let mut number = vec![usize::MAX; raw.len().max(1)];
        let mut members: Vec<Vec<ServiceId>> = Vec::new();
        let mut of = vec![0usize; n];
        for (s, &r) in raw.iter().enumerate() {
            if number[r] == usize::MAX {
                number[r] = members.len();
                members.push(Vec::new());
            }
            of[s] = number[r];
            members[number[r]].push(ServiceId(s as u32));
        }
        // Kahn's algorithm on the condensation: sources first, ties by component number. The
        // edges between components are kept flat, grouped by their first component.
        let k = members.len();
        let mut indegree = vec![0usize; k];
        let mut start = vec![0usize; k + 1];
        for e in &self.edges {
            let (a, b) = (of[e.from.index()], of[e.to.index()]);
            if a != b {
                start[a + 1] += 1;
                indegree[b] += 1;
            }
        }
        for c in 0..k {
            start[c + 1] += start[c];
        }
        let mut fill = start.clone();
        let mut succ = vec![0usize; start[k]];
        for e in &self.edges {
            let (a, b) = (of[e.from.index()], of[e.to.index()]);
            if a != b {
                succ[fill[a]] = b;
                fill[a] += 1;
            }
        }
        let mut ready: std::collections::BinaryHeap<std::cmp::Reverse<usize>> = (0..k)
            .filter(|&c| indegree[c] == 0)
            .map(std::cmp::Reverse)
            .collect();
        let mut topo = Vec::with_capacity(k);
        while let Some(std::cmp::Reverse(c)) = ready.pop() {
            topo.push(c);
            for &d in &succ[start[c]..start[c + 1]] {
                indegree[d] -= 1;
                if indegree[d] == 0 {
                    ready.push(std::cmp::Reverse(d));
                }
            }
        }
        let mut rank = vec![0; members.len()];
        for (i, &c) in topo.iter().enumerate() {
            rank[c] = i;
        }
        Components {
            of,
            members,
            topo,
            rank,
        }
    }
}

/// The strongly connected components of G_sync.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Components {
    /// Component of each service.
    pub of: Vec<usize>,
    /// Members of each component, sorted.
    pub members: Vec<Vec<ServiceId>>,
    /// Components in topological order: callers before callees.
    pub topo: Vec<usize>,
    /// Position of each component in `topo`.
    pub rank: Vec<usize>,
}

impl Components {
    pub fn of(&self, s: ServiceId) -> usize {
        self.of[s.index()]
    }
}

/// Where requests enter the system: gateways and public or partner services, and any service
/// a client calls directly. Clients themselves are outside the system.
pub fn entrypoints(model: &Model) -> Vec<ServiceId> {
    let mut entry: Vec<bool> = model
        .services
        .iter()
        .map(|s| s.kind != ServiceKind::Client && s.is_entrypoint())
        .collect();
    for call in &model.calls {
        let (from, to) = (model.service(call.from), model.service(call.to));
        if from.kind == ServiceKind::Client && to.kind != ServiceKind::Client {
            entry[call.to.index()] = true;
        }
    }
    model.service_ids().filter(|s| entry[s.index()]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_judged_at_the_larger_of_the_declared_peak_and_the_observed_rate() {
        assert_eq!(peak(Some(400.0), Some(0.65)), Some(400.0));
        assert_eq!(peak(Some(400.0), Some(900.0)), Some(900.0));
        assert_eq!(peak(None, Some(0.65)), Some(0.65));
        assert_eq!(peak(Some(400.0), None), Some(400.0));
        assert_eq!(peak(None, None), None);
    }

    #[test]
    fn a_proxy_bound_on_all_attempts_cuts_the_wait_and_the_attempts() {
        let edge = SyncEdge {
            from: ServiceId(0),
            to: ServiceId(1),
            via: Via::Call(CallId(0)),
            hard: true,
            retries: 2,
            timeout_ms: Some(400.0),
            total_ms: Some(1000.0),
            rps: None,
            rps_observed: false,
            sequential: false,
        };
        // Three attempts of 400 ms would be 1200 ms; the route gives up at 1000 ms, during the
        // third attempt.
        assert_eq!((edge.wait(400.0), edge.attempts_made(400.0)), (1000.0, 3.0));
        assert_eq!((edge.wait(300.0), edge.attempts_made(300.0)), (900.0, 3.0));
        assert_eq!(edge.attempts_made(600.0), 2.0);
        let unbounded = SyncEdge {
            total_ms: None,
            ..edge
        };
        assert_eq!(
            (unbounded.wait(400.0), unbounded.attempts_made(400.0)),
            (1200.0, 3.0)
        );
    }
}
