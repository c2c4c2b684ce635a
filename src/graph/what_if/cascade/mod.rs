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
//!
//! The steps live apart: [`faults`] turns the faults into extra time and the first failures,
//! [`round`] propagates one round (timeouts that fire become retries, retries become load, load
//! over capacity queues), [`explain`] writes the chain of cause, and [`queues`] what the queues
//! absorb.

mod explain;
mod faults;
mod queues;
mod round;

use crate::model::{BrokerId, DatastoreId, Model, ServiceId};

use super::super::facts::{self, Defaults};
use super::Altered;

pub use explain::{fault_text, target_name};

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
pub(crate) enum Cause {
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
    /// The broker that is down, when the messages wait in the publisher's outbox for it.
    pub outbox: Option<BrokerId>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cascade {
    pub faults: Vec<Fault>,
    pub entrypoints: Vec<EntryOutcome>,
    pub queues: Vec<QueueOutcome>,
    /// Rounds of propagation it took.
    pub rounds: usize,
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
    let extra = faults::extra_ms(model, faults);
    let baseline = round::run(model, sync, &comps, &own, &vec![0.0; sync.len()], &[]);
    let down = faults::down_causes(model, faults);
    let mut after = round::run(model, sync, &comps, &own, &extra, &down.0);
    let mut rounds = 1;
    while rounds < MAX_ROUNDS {
        let before = after.failed.iter().filter(|f| f.is_some()).count();
        let overloaded = round::overloads(model, &after, &down.0);
        after = round::run(model, sync, &comps, &own, &extra, &overloaded);
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
                chain: explain::explain(model, sync, faults, &after, entry, status),
            }
        })
        .collect();
    Cascade {
        faults: faults.to_vec(),
        entrypoints: entries,
        queues: queues::queues(model, altered, faults, &baseline, &after, &down.1),
        rounds,
    }
}
