//! "What if this service is slower?": for each entrypoint, its slowest request through a slowed
//! service against its latency objective (`slo.latency_p99_ms`), and every call whose timeout
//! the estimated answer time now exceeds. Estimates come from [`Latency`].

use crate::model::{Model, ServiceId};

use super::super::facts::latency::Latency;
use super::super::sync::Via;
use super::Altered;

/// One slowed service.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Slowdown {
    pub service: ServiceId,
    pub delta_ms: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum SlowOutcome {
    /// A hard call on its path now takes longer than the caller waits.
    TimesOut,
    ExceedsBudget,
    /// Over its objective even before the slowdown.
    AlreadyOverBudget,
    WithinBudget,
    /// It declares no `latency_p99_ms`.
    NoBudget,
    /// None of its requests reach a slowed service synchronously.
    NotReached,
}

impl SlowOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            SlowOutcome::TimesOut => "times out",
            SlowOutcome::ExceedsBudget => "exceeds its budget",
            SlowOutcome::AlreadyOverBudget => "already over budget",
            SlowOutcome::WithinBudget => "within budget",
            SlowOutcome::NoBudget => "no budget declared",
            SlowOutcome::NotReached => "not affected",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SlowEntry {
    pub entry: ServiceId,
    pub budget_ms: Option<f64>,
    /// Its slowest request through a slowed service, entrypoint first.
    pub path: Vec<ServiceId>,
    pub before_ms: f64,
    pub after_ms: f64,
    pub outcome: SlowOutcome,
    /// Indexes into [`Slow::timeouts`] of calls it reaches that now time out.
    pub timeouts: Vec<usize>,
}

/// A call whose callee's estimated answer time exceeds the caller's timeout after the slowdown.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeoutHit {
    pub via: Via,
    pub from: ServiceId,
    pub to: ServiceId,
    pub timeout_ms: f64,
    pub before_ms: f64,
    pub after_ms: f64,
    /// The caller fails with it (no fallback).
    pub hard: bool,
    /// It exceeded the timeout before the slowdown too.
    pub already: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Slow {
    pub slowdowns: Vec<Slowdown>,
    pub entrypoints: Vec<SlowEntry>,
    pub timeouts: Vec<TimeoutHit>,
}

pub fn analyse(
    model: &Model,
    altered: &Altered,
    entrypoints: &[ServiceId],
    slowdowns: &[Slowdown],
    default_processing_ms: f64,
) -> Slow {
    let sync = &altered.sync;
    let comps = sync.components();
    let own = |s: ServiceId| {
        model
            .service(s)
            .processing_ms
            .unwrap_or(default_processing_ms)
    };
    let extra = |s: ServiceId| -> f64 {
        slowdowns
            .iter()
            .filter(|d| d.service == s)
            .map(|d| d.delta_ms)
            .sum()
    };
    let before = Latency::estimate(sync, &comps, own);
    let after = Latency::estimate(sync, &comps, |s| own(s) + extra(s));

    let mut timeouts = Vec::new();
    for e in &sync.edges {
        let Some(timeout_ms) = e.timeout_ms else {
            continue;
        };
        let (b, a) = (before.of(&comps, e.to), after.of(&comps, e.to));
        if a > timeout_ms && a > b {
            timeouts.push(TimeoutHit {
                via: e.via,
                from: e.from,
                to: e.to,
                timeout_ms,
                before_ms: b,
                after_ms: a,
                hard: e.hard,
                already: b > timeout_ms,
            });
        }
    }

    let mut entries = Vec::new();
    for &entry in entrypoints {
        let budget_ms = model.service(entry).latency_p99_ms;
        let mut best: Option<(f64, f64, Vec<ServiceId>)> = None;
        for d in slowdowns {
            let Some((a, path)) = after.through(sync, &comps, entry, d.service) else {
                continue;
            };
            if best.as_ref().is_none_or(|(_, best_a, _)| a > *best_a) {
                let b = before
                    .through(sync, &comps, entry, d.service)
                    .map_or(a, |(b, _)| b);
                best = Some((b, a, path));
            }
        }
        let reach = crate::graph::reach::reached_from(sync, &[entry]);
        let hits: Vec<usize> = timeouts
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.already && reach[t.from.index()])
            .map(|(i, _)| i)
            .collect();
        let Some((before_ms, after_ms, path)) = best else {
            entries.push(SlowEntry {
                entry,
                budget_ms,
                path: Vec::new(),
                before_ms: before.of(&comps, entry),
                after_ms: after.of(&comps, entry),
                outcome: SlowOutcome::NotReached,
                timeouts: Vec::new(),
            });
            continue;
        };
        let outcome = if hits.iter().any(|&i| timeouts[i].hard) {
            SlowOutcome::TimesOut
        } else {
            match budget_ms {
                None => SlowOutcome::NoBudget,
                Some(b) if before_ms > b => SlowOutcome::AlreadyOverBudget,
                Some(b) if after_ms > b => SlowOutcome::ExceedsBudget,
                Some(_) => SlowOutcome::WithinBudget,
            }
        };
        entries.push(SlowEntry {
            entry,
            budget_ms,
            path,
            before_ms,
            after_ms,
            outcome,
            timeouts: hits,
        });
    }
    Slow {
        slowdowns: slowdowns.to_vec(),
        entrypoints: entries,
        timeouts,
    }
}
