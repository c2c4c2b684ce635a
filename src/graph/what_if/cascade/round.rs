//! One round of propagation. Answer times and failures callees first: a callee slower than a
//! caller's timeout fails the attempt, and a failed attempt is retried, so the call waits every
//! attempt's timeout and makes every attempt. Then the load, callers first: every attempt is a
//! request into the callee. A service whose load is over its capacity queues its requests until
//! its callers' timeouts fire ([`overloads`]), which the next round propagates.

use crate::model::{Model, ServiceId};

use super::Cause;
use crate::graph::sync::{Components, SyncGraph};

/// The state of every service after some rounds.
pub(super) struct State {
    pub(super) latency: Vec<f64>,
    pub(super) failed: Vec<Option<Cause>>,
    /// Its callers wait until their timeout: it is saturated, or waits itself.
    pub(super) hung: Vec<bool>,
    /// A fallback answered for one of its calls.
    pub(super) degraded: Vec<bool>,
    pub(super) load: Vec<f64>,
    /// Per edge: attempts made per request (1, or 1 + retries when every attempt fails).
    pub(super) attempts: Vec<f64>,
}

/// Every service failing so far, and those whose load now exceeds their capacity.
pub(super) fn overloads(
    model: &Model,
    state: &State,
    down: &[(ServiceId, Cause)],
) -> Vec<(ServiceId, Cause)> {
    let mut out: Vec<(ServiceId, Cause)> = down.to_vec();
    for s in model.service_ids() {
        if out.iter().any(|(o, _)| *o == s) {
            continue;
        }
        if let Some(cause) = &state.failed[s.index()] {
            if matches!(cause, Cause::Overloaded { .. }) {
                out.push((s, cause.clone()));
            }
            continue;
        }
        let capacity = model.service(s).capacity.rps_at(state.latency[s.index()]);
        if let Some(capacity) = capacity
            && state.load[s.index()] > capacity
        {
            out.push((
                s,
                Cause::Overloaded {
                    load: state.load[s.index()],
                    capacity,
                },
            ));
        }
    }
    out
}

/// One round: answer times and failures callees first, then the load they cause.
pub(super) fn run(
    model: &Model,
    sync: &SyncGraph,
    comps: &Components,
    own: &dyn Fn(ServiceId) -> f64,
    extra: &[f64],
    failing: &[(ServiceId, Cause)],
) -> State {
    let n = sync.len();
    let mut state = State {
        latency: vec![0.0; n],
        failed: vec![None; n],
        hung: vec![false; n],
        degraded: vec![false; n],
        load: vec![0.0; n],
        attempts: vec![1.0; sync.edges.len()],
    };
    for (s, cause) in failing {
        state.hung[s.index()] = matches!(cause, Cause::Overloaded { .. });
        state.failed[s.index()] = Some(cause.clone());
    }
    for &c in comps.topo.iter().rev() {
        let members = &comps.members[c];
        let mut time: f64 = members.iter().map(|&s| own(s) + extra[s.index()]).sum();
        let (mut sequential, mut parallel): (f64, f64) = (0.0, 0.0);
        let mut cause = None;
        let mut hung = false;
        let mut degraded = false;
        for &s in members {
            for &e in sync.out_edges(s) {
                let edge = sync.edge(e);
                let to = edge.to.index();
                if comps.of(edge.to) == c {
                    continue;
                }
                let (wait, fails, why) = if state.failed[to].is_some() {
                    let per_try = if state.hung[to] {
                        edge.timeout_ms.unwrap_or(f64::INFINITY)
                    } else {
                        0.0
                    };
                    state.attempts[e] = edge.attempts_made(per_try);
                    (edge.wait(per_try), true, Cause::CalleeFails { edge: e })
                } else if let Some(t) = edge.timeout_ms.filter(|&t| state.latency[to] > t) {
                    let why = Cause::TimesOut {
                        edge: e,
                        callee_ms: state.latency[to],
                    };
                    state.attempts[e] = edge.attempts_made(t);
                    (edge.wait(t), true, why)
                } else {
                    (state.latency[to], false, Cause::CalleeFails { edge: e })
                };
                if fails {
                    if edge.hard {
                        if cause.is_none() {
                            cause = Some(why);
                        }
                        hung |= wait.is_infinite();
                    } else {
                        degraded = true;
                    }
                }
                let wait = if fails && !edge.hard { 0.0 } else { wait };
                if edge.sequential {
                    sequential += wait;
                } else {
                    parallel = parallel.max(wait);
                }
            }
        }
        time += sequential + parallel;
        for &s in members {
            let i = s.index();
            state.latency[i] = time;
            state.degraded[i] = degraded;
            if state.failed[i].is_none() {
                state.failed[i] = cause.clone();
                state.hung[i] = hung;
            }
        }
    }
    // Load, callers first: a declared rate grows with what its caller receives over normal.
    let normal = crate::graph::facts::load::of(sync, comps);
    for &c in &comps.topo {
        for &s in &comps.members[c] {
            let down = matches!(state.failed[s.index()], Some(Cause::Down(_)));
            for &e in sync.out_edges(s) {
                let edge = sync.edge(e);
                let inflow = state.load[s.index()];
                // Retries upstream only add load; inside a sync cycle the inflow seen so far
                // can be partial, so the scale never drops below normal.
                let scale = if normal[s.index()].known && normal[s.index()].rps > 0.0 {
                    (inflow / normal[s.index()].rps).max(1.0)
                } else {
                    1.0
                };
                let rate = match edge.rps {
                    Some(rps) if model.service(s).is_entrypoint() || !normal[s.index()].known => {
                        rps
                    }
                    Some(rps) => rps * scale,
                    None => inflow,
                };
                if !down {
                    state.load[edge.to.index()] += rate * state.attempts[e];
                }
            }
        }
    }
    state
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::chains::tests::graph;
    use crate::model::{Service, ServiceKind};
    use crate::source::{SourceId, Span};

    /// A gateway (0) calling 1 at 100 rps with a 50 ms timeout and 2 retries; 1 calls 2.
    /// `capacity` rps for 1; every service takes 10 ms.
    fn platform(capacity: Option<f64>, total_ms: Option<f64>) -> (Model, SyncGraph) {
        let mut model = Model::default();
        for name in ["gateway", "inventory", "db-proxy"] {
            model
                .services
                .push(Service::named(name, Span::file_start(SourceId(0))));
        }
        model.services[0].kind = ServiceKind::Gateway;
        model.services[1].capacity.rps = capacity;
        let mut g = graph(3, &[(0, 1, 2), (1, 2, 0)]);
        g.edges[0].timeout_ms = Some(50.0);
        g.edges[0].total_ms = total_ms;
        g.edges[0].rps = Some(100.0);
        (model, SyncGraph::from_edges(3, g.edges))
    }

    fn round(model: &Model, g: &SyncGraph, slow: f64, failing: &[(ServiceId, Cause)]) -> State {
        let extra = [0.0, slow, 0.0];
        run(model, g, &g.components(), &|_| 10.0, &extra, failing)
    }

    #[test]
    fn without_a_fault_every_call_is_made_once() {
        let (model, g) = platform(None, None);
        let state = round(&model, &g, 0.0, &[]);
        assert!(state.failed.iter().all(Option::is_none));
        assert_eq!(state.latency, [30.0, 20.0, 10.0]);
        assert_eq!(state.attempts, [1.0, 1.0]);
        assert_eq!(state.load, [0.0, 100.0, 100.0]);
    }

    #[test]
    fn a_timeout_that_fires_becomes_retries_and_the_retries_become_load() {
        // inventory +100 ms answers in 120 ms, over the gateway's 50 ms timeout: all three
        // attempts time out, the gateway waits 150 ms and fails, and inventory receives 300 rps,
        // which it passes on to what it calls.
        let (model, g) = platform(None, None);
        let state = round(&model, &g, 100.0, &[]);
        assert_eq!(
            state.failed[0],
            Some(Cause::TimesOut {
                edge: 0,
                callee_ms: 120.0
            })
        );
        assert_eq!(state.latency[0], 160.0);
        assert_eq!(state.attempts[0], 3.0);
        assert_eq!(state.load, [0.0, 300.0, 300.0]);
    }

    #[test]
    fn a_proxy_bound_on_all_attempts_cuts_the_wait_and_the_retries() {
        // The mesh route gives up after 90 ms: two attempts start, 200 rps.
        let (model, g) = platform(None, Some(90.0));
        let state = round(&model, &g, 100.0, &[]);
        assert_eq!(state.latency[0], 100.0);
        assert_eq!(state.attempts[0], 2.0);
        assert_eq!(state.load[1], 200.0);
    }

    #[test]
    fn load_over_capacity_queues_until_the_callers_timeouts_fire() {
        // inventory serves 200 rps; the retries bring 300: it is overloaded, its requests
        // queue, and the gateway waits out its timeout on every attempt (3 x 50 ms).
        let (model, g) = platform(Some(200.0), None);
        let first = round(&model, &g, 100.0, &[]);
        let overloaded = overloads(&model, &first, &[]);
        assert_eq!(
            overloaded,
            [(
                ServiceId(1),
                Cause::Overloaded {
                    load: 300.0,
                    capacity: 200.0
                }
            )]
        );
        let next = round(&model, &g, 100.0, &overloaded);
        assert!(next.hung[1]);
        assert_eq!(next.failed[0], Some(Cause::CalleeFails { edge: 0 }));
        assert_eq!(next.latency[0], 160.0);
        assert_eq!(next.attempts[0], 3.0);
        // Within its capacity nothing queues.
        let (model, g) = platform(Some(400.0), None);
        let first = round(&model, &g, 100.0, &[]);
        assert!(overloads(&model, &first, &[]).is_empty());
    }
}
