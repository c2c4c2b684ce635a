//! The chain of cause for an entrypoint, from the fault to the entrypoint, one step a line.

use crate::model::{Model, ServiceId};

use super::round::State;
use super::{Cause, Fault, Status, Target};
use crate::graph::sync::SyncGraph;

/// The chain of cause for an entrypoint, fault first.
pub(super) fn explain(
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
