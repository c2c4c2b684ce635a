//! The load-aware what-if: slow down or take down a service, a datastore or a broker, and follow
//! the cascade. A slower answer can exceed a caller's timeout; a timeout that fires fails the
//! attempt, and every attempt the caller makes is one more request into the callee; more
//! requests than a service's capacity queue, so the service stops answering in time and fails
//! its own callers. Each entrypoint ends `ok`, `degraded` (a fallback answered, or it is over
//! its latency objective) or `fails`, with the chain of cause. Work behind a queue does not
//! fail its publisher: the queue absorbs it and reports its backlog and drain time.
//!
//! Each round is one pass over the condensation of G_sync (answer times, callees first) and one
//! pass in topological order (load, callers first). Failures only accumulate, so the rounds stop
//! when a round adds none, after at most [`MAX_ROUNDS`].

use crate::model::{BrokerId, DatastoreId, Model, ServiceId};

use super::super::facts::{self, Defaults};
use super::super::sync::{Components, SyncGraph};
use super::Altered;

/// Rounds of propagation at most: each adds at least one failing service.
pub const MAX_ROUNDS: usize = 64;

/// What a fault hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Service(ServiceId),
    Datastore(DatastoreId),
    Broker(BrokerId),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// Every request to it takes this many milliseconds longer.
    Slow(Target, f64),
    Down(Target),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Ok,
    Degraded,
    Fails,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Degraded => "degraded",
            Status::Fails => "fails",
        }
    }
}

/// Why a service fails.
#[derive(Debug, Clone, PartialEq)]
enum Cause {
    /// It is down, or a datastore or broker it cannot work without is.
    Down(Target),
    /// More requests than it can serve: they queue and its answers stop coming in time.
    Overloaded { load: f64, capacity: f64 },
    /// A hard call's timeout fires on every attempt.
    TimesOut { edge: usize, callee_ms: f64 },
    /// A hard call fails because its callee does.
    CalleeFails { edge: usize },
}

/// One entrypoint's outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryOutcome {
    pub entry: ServiceId,
    pub status: Status,
    pub budget_ms: Option<f64>,
    pub before_ms: f64,
    /// `None` when it fails.
    pub after_ms: Option<f64>,
    /// From the fault to the entrypoint, one step a line.
    pub chain: Vec<String>,
}

/// A queue between a publisher and a consumer the faults reach.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueOutcome {
    pub publisher: ServiceId,
    pub consumer: ServiceId,
    pub channel: Option<String>,
    /// Messages per second published, as declared.
    pub rate: Option<f64>,
    /// Messages per second the consumer can take during the fault, when its capacity is known.
    pub throughput: Option<f64>,
    /// Messages the backlog grows by per minute of the fault.
    pub backlog_per_minute: Option<f64>,
    /// Seconds to drain one minute of backlog once the fault ends, at normal throughput.
    pub drain_seconds: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cascade {
    pub faults: Vec<Fault>,
    pub entrypoints: Vec<EntryOutcome>,
    pub queues: Vec<QueueOutcome>,
    /// Rounds of propagation it took.
    pub rounds: usize,
}

/// The state of every service after some rounds.
struct State {
    latency: Vec<f64>,
    failed: Vec<Option<Cause>>,
    /// Its callers wait until their timeout: it is saturated, or waits itself.
    hung: Vec<bool>,
    /// A fallback answered for one of its calls.
    degraded: Vec<bool>,
    load: Vec<f64>,
    /// Per edge: attempts made per request (1, or 1 + retries when every attempt fails).
    attempts: Vec<f64>,
}

pub fn analyse(
    model: &Model,
    altered: &Altered,
    entrypoints: &[ServiceId],
    faults: &[Fault],
    defaults: Defaults,
) -> Cascade {
    let sync = &altered.sync;
    let comps = sync.components();
    let own = |s: ServiceId| facts::processing_ms(model, defaults, s);
    let extra = extra_ms(model, faults);
    let baseline = run(model, sync, &comps, &own, &vec![0.0; sync.len()], &[]);
    let down = down_causes(model, faults);
    let mut after = run(model, sync, &comps, &own, &extra, &down.0);
    let mut rounds = 1;
    while rounds < MAX_ROUNDS {
        let before = after.failed.iter().filter(|f| f.is_some()).count();
        let overloaded = overloads(model, &after, &down.0);
        after = run(model, sync, &comps, &own, &extra, &overloaded);
        rounds += 1;
        if after.failed.iter().filter(|f| f.is_some()).count() == before {
            break;
        }
    }
    let reach = |e: ServiceId| super::super::reach::reached_from(sync, &[e]);
    let entries = entrypoints
        .iter()
        .map(|&entry| {
            let budget_ms = model.service(entry).latency_p99_ms;
            let reached = reach(entry);
            let (status, after_ms) = if after.failed[entry.index()].is_some() {
                (Status::Fails, None)
            } else {
                let late = budget_ms.is_some_and(|b| after.latency[entry.index()] > b);
                let fallback = model
                    .service_ids()
                    .any(|s| reached[s.index()] && after.degraded[s.index()]);
                let status = if late || fallback {
                    Status::Degraded
                } else {
                    Status::Ok
                };
                (status, Some(after.latency[entry.index()]))
            };
            EntryOutcome {
                entry,
                status,
                budget_ms,
                before_ms: baseline.latency[entry.index()],
                after_ms,
                chain: explain(model, sync, faults, &after, entry, status),
            }
        })
        .collect();
    Cascade {
        faults: faults.to_vec(),
        entrypoints: entries,
        queues: queues(model, altered, faults, &baseline, &after, &down.1),
        rounds,
    }
}

/// Milliseconds each service's own work grows by: its own slowdown, and that of every
/// datastore it uses and broker it publishes to (one round trip per request).
fn extra_ms(model: &Model, faults: &[Fault]) -> Vec<f64> {
    let mut extra = vec![0.0; model.services.len()];
    for fault in faults {
        let Fault::Slow(target, ms) = *fault else {
            continue;
        };
        for s in users(model, target, false) {
            extra[s.index()] += ms;
        }
    }
    extra
}

/// The services a target's trouble reaches directly: itself, the users of a datastore (those
/// with a fallback only when `hard_only` is false), the publishers to a broker.
fn users(model: &Model, target: Target, hard_only: bool) -> Vec<ServiceId> {
    let mut out: Vec<ServiceId> = match target {
        Target::Service(s) => vec![s],
        Target::Datastore(d) => model
            .accesses
            .iter()
            .filter(|a| a.datastore == d && !(hard_only && a.fallback))
            .map(|a| a.service)
            .collect(),
        Target::Broker(b) => model
            .publications
            .iter()
            .filter(|p| model.channel(p.channel).broker == b)
            .map(|p| p.service)
            .collect(),
    };
    out.sort();
    out.dedup();
    out
}

/// Services failing from the start, with their cause, and the brokers that are down.
fn down_causes(model: &Model, faults: &[Fault]) -> (Vec<(ServiceId, Cause)>, Vec<BrokerId>) {
    let mut out = Vec::new();
    let mut brokers = Vec::new();
    for fault in faults {
        let Fault::Down(target) = *fault else {
            continue;
        };
        if let Target::Broker(b) = target {
            brokers.push(b);
        }
        for s in users(model, target, true) {
            if !out.iter().any(|(o, _)| *o == s) {
                out.push((s, Cause::Down(target)));
            }
        }
    }
    (out, brokers)
}

/// Every service failing so far, and those whose load now exceeds their capacity.
fn overloads(model: &Model, state: &State, down: &[(ServiceId, Cause)]) -> Vec<(ServiceId, Cause)> {
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
fn run(
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
    let normal = super::super::facts::load::of(sync, comps);
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

/// The chain of cause for an entrypoint, fault first.
fn explain(
    model: &Model,
    sync: &SyncGraph,
    faults: &[Fault],
    state: &State,
    entry: ServiceId,
    status: Status,
) -> Vec<String> {
    let name = |s: ServiceId| model.name(s).to_owned();
    let mut steps = Vec::new();
    match status {
        Status::Ok => return Vec::new(),
        Status::Degraded => {
            let budget = model
                .service(entry)
                .latency_p99_ms
                .filter(|&b| state.latency[entry.index()] > b)
                .map_or_else(String::new, |b| format!(", over its {b:.0} ms objective"));
            let fallback = if state.degraded[entry.index()] {
                ", a fallback standing in for a failed call"
            } else {
                ""
            };
            steps.push(format!(
                "`{}` answers in {:.0} ms{budget}{fallback}",
                name(entry),
                state.latency[entry.index()],
            ));
        }
        Status::Fails => {
            let mut at = entry;
            for _ in 0..sync.len() + 1 {
                let Some(cause) = &state.failed[at.index()] else {
                    break;
                };
                match cause {
                    Cause::CalleeFails { edge } => {
                        let e = sync.edge(*edge);
                        let to = e.to;
                        let text = match (state.hung[to.index()], e.timeout_ms) {
                            (true, Some(t)) => format!(
                                "`{}` fails: `{}` does not answer within its {t:.0} ms timeout, {} attempts each request",
                                name(at),
                                name(to),
                                1 + e.retries
                            ),
                            (true, None) => format!(
                                "`{}` fails: it waits on `{}` with no timeout, and its own requests pile up",
                                name(at),
                                name(to)
                            ),
                            (false, _) => format!(
                                "`{}` fails: its hard call to `{}` fails",
                                name(at),
                                name(to)
                            ),
                        };
                        steps.push(text);
                        at = to;
                    }
                    Cause::TimesOut { edge, callee_ms } => {
                        let e = sync.edge(*edge);
                        steps.push(format!(
                            "`{}` answers in {callee_ms:.0} ms, over `{}`'s {:.0} ms timeout: {} attempts fail, `{}` fails",
                            name(e.to),
                            name(at),
                            e.timeout_ms.unwrap_or(0.0),
                            1 + e.retries,
                            name(at)
                        ));
                        break;
                    }
                    Cause::Overloaded { load, capacity } => {
                        steps.push(format!(
                            "`{}` receives {load:.0} rps, {:.1}x its capacity of {capacity:.0} rps at {:.0} ms per request: requests queue and time out",
                            name(at),
                            load / capacity.max(1e-9),
                            state.latency[at.index()]
                        ));
                        break;
                    }
                    Cause::Down(Target::Service(s)) if *s == at => {
                        steps.push(format!("`{}` is down", name(at)));
                        break;
                    }
                    Cause::Down(target) => {
                        let what = match target {
                            Target::Broker(_) => "it publishes to",
                            _ => "it uses",
                        };
                        steps.push(format!(
                            "`{}` cannot work: {} ({what}) is down",
                            name(at),
                            target_name(model, *target)
                        ));
                        break;
                    }
                }
            }
        }
    }
    steps.reverse();
    let mut chain: Vec<String> = faults.iter().map(|f| fault_text(model, *f)).collect();
    chain.extend(steps);
    chain
}

/// `inventory-db +40 ms`, `nats down`.
pub fn fault_text(model: &Model, fault: Fault) -> String {
    match fault {
        Fault::Slow(t, ms) => format!("{} +{ms:.0} ms", target_name(model, t)),
        Fault::Down(t) => format!("{} down", target_name(model, t)),
    }
}

pub fn target_name(model: &Model, target: Target) -> String {
    match target {
        Target::Service(s) => model.name(s).to_owned(),
        Target::Datastore(d) => model.datastore(d).name.clone(),
        Target::Broker(b) => model.broker(b).name.clone(),
    }
}

/// Every queue whose consumer the faults reach: what it absorbs.
fn queues(
    model: &Model,
    altered: &Altered,
    faults: &[Fault],
    baseline: &State,
    after: &State,
    brokers_down: &[BrokerId],
) -> Vec<QueueOutcome> {
    let mut out = Vec::new();
    for link in &altered.links {
        let c = link.consumer.index();
        let broker_down = link.channel.as_ref().is_some_and(|subject| {
            model
                .channels
                .iter()
                .any(|ch| &ch.subject == subject && brokers_down.contains(&ch.broker))
        });
        let touched = broker_down
            || after.failed[c].is_some()
            || after.latency[c] > baseline.latency[c]
            || faults.iter().any(|f| matches!(f, Fault::Down(Target::Service(s)) | Fault::Slow(Target::Service(s), _) if *s == link.consumer));
        if !touched {
            continue;
        }
        let capacity = model.service(link.consumer).capacity;
        let spare = |state: &State| {
            capacity
                .rps_at(state.latency[c])
                .map(|cap| (cap - state.load[c]).max(0.0))
        };
        let throughput = if broker_down || after.failed[c].is_some() {
            Some(0.0)
        } else {
            spare(after)
        };
        let backlog_per_minute = match (link.rate, throughput) {
            (Some(rate), Some(t)) => Some((rate - t).max(0.0) * 60.0),
            _ => None,
        };
        let drain_seconds = match (backlog_per_minute, link.rate, spare(baseline)) {
            (Some(b), Some(rate), Some(normal)) if normal > rate => Some(b / (normal - rate)),
            (Some(0.0), _, _) => Some(0.0),
            _ => None,
        };
        out.push(QueueOutcome {
            publisher: link.publisher,
            consumer: link.consumer,
            channel: link.channel.clone(),
            rate: link.rate,
            throughput,
            backlog_per_minute,
            drain_seconds,
        });
    }
    out
}
