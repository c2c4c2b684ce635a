//! `what-if --format json`: the same answers as data. Fields are only ever added.

use serde::Serialize;

use crate::graph::facts::Summary;
use crate::graph::what_if::cascade::{Cascade, fault_text};
use crate::graph::what_if::compare::Snapshot;
use crate::graph::what_if::down::{Down, Reason};
use crate::graph::what_if::slow::Slow;
use crate::report::json::SCHEMA_VERSION;

use super::View;

#[derive(Serialize)]
struct Document {
    schema_version: u32,
    changes: Vec<ChangeOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    measures: Option<MeasuresOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    down: Option<DownOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slow: Option<SlowOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cascade: Option<CascadeOut>,
}

#[derive(Serialize)]
struct CascadeOut {
    faults: Vec<String>,
    entrypoints: Vec<CascadeEntryOut>,
    queues: Vec<CascadeQueueOut>,
    rounds: usize,
}

#[derive(Serialize)]
struct CascadeEntryOut {
    name: String,
    /// `ok`, `degraded` or `fails`.
    status: &'static str,
    latency_objective_ms: Option<f64>,
    before_ms: f64,
    after_ms: Option<f64>,
    chain: Vec<String>,
}

#[derive(Serialize)]
struct CascadeQueueOut {
    channel: Option<String>,
    publisher: String,
    consumer: String,
    rate: Option<f64>,
    throughput: Option<f64>,
    backlog_per_minute: Option<f64>,
    drain_seconds: Option<f64>,
    /// The broker is down and the messages wait in the publisher's transactional outbox.
    in_outbox: bool,
}

#[derive(Serialize)]
struct ChangeOut {
    kind: &'static str,
    from: String,
    to: String,
}

#[derive(Serialize)]
struct MeasuresOut {
    before: SnapshotOut,
    after: SnapshotOut,
}

#[derive(Serialize)]
struct SnapshotOut {
    #[serde(flatten)]
    summary: Summary,
    longest_chain: Vec<String>,
    entrypoints: Vec<EntryOut>,
}

#[derive(Serialize)]
struct EntryOut {
    name: String,
    longest_chain: usize,
    /// Percent.
    availability_ceiling: f64,
    retry_amplification: f64,
    hard_dependencies: usize,
    latency_ms: f64,
}

#[derive(Serialize)]
struct DownOut {
    services: Vec<String>,
    failing: Vec<String>,
    entrypoints: Vec<OutcomeOut>,
    queues: Vec<LinkOut>,
    quiet: Vec<LinkOut>,
}

#[derive(Serialize)]
struct OutcomeOut {
    name: String,
    outcome: &'static str,
    reasons: Vec<ReasonOut>,
}

#[derive(Serialize)]
struct ReasonOut {
    kind: &'static str,
    text: String,
    path: Vec<String>,
}

#[derive(Serialize)]
struct LinkOut {
    channel: String,
    publisher: String,
    consumer: String,
    rate: Option<f64>,
    what_happens: String,
}

#[derive(Serialize)]
struct SlowOut {
    services: Vec<SlowedOut>,
    entrypoints: Vec<SlowEntryOut>,
    timeouts: Vec<TimeoutOut>,
}

#[derive(Serialize)]
struct SlowedOut {
    name: String,
    delta_ms: f64,
}

#[derive(Serialize)]
struct SlowEntryOut {
    name: String,
    latency_objective_ms: Option<f64>,
    path: Vec<String>,
    before_ms: f64,
    after_ms: f64,
    outcome: &'static str,
}

#[derive(Serialize)]
struct TimeoutOut {
    from: String,
    to: String,
    timeout_ms: f64,
    before_ms: f64,
    after_ms: f64,
    hard: bool,
    already_exceeded: bool,
}

pub fn render(v: &View) -> String {
    let a = v.answers;
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        changes: v
            .questions
            .changes
            .iter()
            .map(|c| ChangeOut {
                kind: c.kind.as_str(),
                from: v.name(c.from).to_owned(),
                to: v.name(c.to).to_owned(),
            })
            .collect(),
        measures: a
            .before
            .as_ref()
            .zip(a.after.as_ref())
            .map(|(b, af)| MeasuresOut {
                before: snapshot(v, b),
                after: snapshot(v, af),
            }),
        down: a.down.as_ref().map(|d| down(v, d)),
        slow: a.slow.as_ref().map(|s| slow(v, s)),
        cascade: a.cascade.as_ref().map(|c| cascade(v, c)),
    };
    let mut text =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    text.push('\n');
    crate::escape::json(text)
}

fn snapshot(v: &View, s: &Snapshot) -> SnapshotOut {
    SnapshotOut {
        summary: s.summary.clone(),
        longest_chain: v.names(&s.longest),
        entrypoints: s
            .measures
            .per_entry
            .iter()
            .enumerate()
            .map(|(i, m)| EntryOut {
                name: v.name(m.entry).to_owned(),
                longest_chain: m.depth,
                availability_ceiling: (m.ceiling * 1e6).round() / 1e4,
                retry_amplification: m.attempts,
                hard_dependencies: s.dependencies[i],
                latency_ms: s.latency_ms[i],
            })
            .collect(),
    }
}

fn down(v: &View, d: &Down) -> DownOut {
    let links = &v.answers.altered.links;
    let link = |&i: &usize| {
        let l = &links[i];
        LinkOut {
            channel: v.channel(l),
            publisher: v.name(l.publisher).to_owned(),
            consumer: v.name(l.consumer).to_owned(),
            rate: l.rate,
            what_happens: v.held(l, d.down.contains(&l.consumer)).replace('`', ""),
        }
    };
    DownOut {
        services: v.names(&d.down),
        failing: v.names(&d.failing),
        entrypoints: d
            .entrypoints
            .iter()
            .map(|e| OutcomeOut {
                name: v.name(e.entry).to_owned(),
                outcome: e.outcome.as_str(),
                reasons: e
                    .reasons
                    .iter()
                    .map(|r| {
                        let (kind, path) = match r {
                            Reason::IsDown => ("is-down", Vec::new()),
                            Reason::CallFails { path, .. } => ("call-fails", v.names(path)),
                            Reason::FallsBack { path, .. } => ("falls-back", v.names(path)),
                            Reason::WorkWaits { path, .. } => ("work-waits", v.names(path)),
                            Reason::Stale { path, .. } => ("stale", v.names(path)),
                        };
                        ReasonOut {
                            kind,
                            text: v.reason(r).replace('`', ""),
                            path,
                        }
                    })
                    .collect(),
            })
            .collect(),
        queues: d.queues.iter().map(link).collect(),
        quiet: d
            .quiet
            .iter()
            .map(|&i| {
                let l = &links[i];
                LinkOut {
                    channel: v.channel(l),
                    publisher: v.name(l.publisher).to_owned(),
                    consumer: v.name(l.consumer).to_owned(),
                    rate: l.rate,
                    what_happens: format!("{} gets no new events", v.name(l.consumer)),
                }
            })
            .collect(),
    }
}

fn cascade(v: &View, c: &Cascade) -> CascadeOut {
    let round = |x: f64| (x * 10.0).round() / 10.0;
    CascadeOut {
        faults: c
            .faults
            .iter()
            .map(|&f| fault_text(&v.audit.model, f))
            .collect(),
        entrypoints: c
            .entrypoints
            .iter()
            .map(|e| CascadeEntryOut {
                name: v.name(e.entry).to_owned(),
                status: e.status.as_str(),
                latency_objective_ms: e.budget_ms,
                before_ms: round(e.before_ms),
                after_ms: e.after_ms.map(round),
                chain: e.chain.iter().map(|s| s.replace('`', "")).collect(),
            })
            .collect(),
        queues: c
            .queues
            .iter()
            .map(|q| CascadeQueueOut {
                channel: q.channel.clone(),
                publisher: v.name(q.publisher).to_owned(),
                consumer: v.name(q.consumer).to_owned(),
                rate: q.rate,
                throughput: q.throughput.map(round),
                backlog_per_minute: q.backlog_per_minute.map(round),
                drain_seconds: q.drain_seconds.map(round),
                in_outbox: q.outbox.is_some(),
            })
            .collect(),
        rounds: c.rounds,
    }
}

fn slow(v: &View, s: &Slow) -> SlowOut {
    SlowOut {
        services: s
            .slowdowns
            .iter()
            .map(|d| SlowedOut {
                name: v.name(d.service).to_owned(),
                delta_ms: d.delta_ms,
            })
            .collect(),
        entrypoints: s
            .entrypoints
            .iter()
            .map(|e| SlowEntryOut {
                name: v.name(e.entry).to_owned(),
                latency_objective_ms: e.budget_ms,
                path: v.names(&e.path),
                before_ms: e.before_ms,
                after_ms: e.after_ms,
                outcome: e.outcome.as_str(),
            })
            .collect(),
        timeouts: s
            .timeouts
            .iter()
            .map(|t| TimeoutOut {
                from: v.name(t.from).to_owned(),
                to: v.name(t.to).to_owned(),
                timeout_ms: t.timeout_ms,
                before_ms: t.before_ms,
                after_ms: t.after_ms,
                hard: t.hard,
                already_exceeded: t.already,
            })
            .collect(),
    }
}
