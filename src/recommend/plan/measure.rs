//! What a step improves: a measure before and after it, worded for the report, and the
//! comparison of two states of the system that finds the measures that got better.

use serde::Serialize;

use crate::graph::facts::{EntryHeadline, Headline};
use crate::model::{Model, ServiceId};

/// A measure before and after a step.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Improvement {
    pub measure: Measure,
    pub before: f64,
    pub after: f64,
    /// The entrypoints or services the figures are about, when not the whole system.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub scope: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Measure {
    SyncCycles,
    LongestSyncChain,
    LowestAvailabilityCeiling,
    WorstBlastRadius,
    RetryAmplification,
    SerializationCpuCores,
    PollingRequestsPerSecond,
}

impl Improvement {
    /// `longest sync chain 5 -> 4 hops (storefront, mobile-api)`.
    pub fn text(&self) -> String {
        let (b, a) = (self.before, self.after);
        let core = match self.measure {
            Measure::SyncCycles => format!("sync cycles {b:.0} -> {a:.0}"),
            Measure::LongestSyncChain => format!("longest sync chain {b:.0} -> {a:.0} hops"),
            Measure::LowestAvailabilityCeiling => {
                format!("availability ceiling {} -> {}", percent(b), percent(a))
            }
            Measure::WorstBlastRadius => format!("worst blast radius {b:.0} -> {a:.0} entrypoints"),
            Measure::RetryAmplification => {
                format!("retry amplification {} -> {}", times(b), times(a))
            }
            Measure::SerializationCpuCores => format!("serialization CPU {}", cpu_change(b, a)),
            Measure::PollingRequestsPerSecond => {
                format!("polling {b:.0} -> {a:.0} requests/s")
            }
        };
        match self.scope.len() {
            0 => core,
            1..=3 => format!("{core} ({})", self.scope.join(", ")),
            n => format!(
                "{core} ({}, and {} more)",
                self.scope[..2].join(", "),
                n - 2
            ),
        }
    }
}

/// `13 -> 7.7 millicores`, or in cores when either side reaches one.
fn cpu_change(before: f64, after: f64) -> String {
    let two = |x: f64| {
        let digits = if x >= 10.0 {
            0
        } else if x >= 1.0 {
            1
        } else {
            2
        };
        let text = format!("{x:.digits$}");
        if text.contains('.') {
            text.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            text
        }
    };
    if before >= 1.0 || after >= 1.0 {
        format!("{} -> {} cores", two(before), two(after))
    } else {
        format!(
            "{} -> {} millicores",
            two(before * 1000.0),
            two(after * 1000.0)
        )
    }
}

/// `99.104%`: three decimals at most, trailing zeros dropped.
pub fn percent(p: f64) -> String {
    let text = format!("{p:.3}");
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// `81x`, `2.5x`.
pub fn times(x: f64) -> String {
    let text = format!("{x:.1}");
    format!("{}x", text.trim_end_matches('0').trim_end_matches('.'))
}

/// The measures that got better between two states, over the entrypoints whose values changed.
/// A chain that grows because a cycle it crossed as one step is gone is not news, so only
/// improvements are kept.
pub(super) fn improvements(model: &Model, before: &Headline, after: &Headline) -> Vec<Improvement> {
    let mut out = Vec::new();
    if before.sync_cycles != after.sync_cycles {
        out.push(Improvement {
            measure: Measure::SyncCycles,
            before: before.sync_cycles as f64,
            after: after.sync_cycles as f64,
            scope: Vec::new(),
        });
    }
    let pairs: Vec<_> = before.per_entry.iter().zip(&after.per_entry).collect();
    let changed = |pick: &dyn Fn(&EntryHeadline) -> f64| {
        pairs
            .iter()
            .filter(|(b, a)| (pick(b) - pick(a)).abs() > 1e-12)
            .map(|(b, a)| (b.entry, pick(b), pick(a)))
            .collect::<Vec<_>>()
    };
    let scope = |rows: &[(ServiceId, f64, f64)]| -> Vec<String> {
        rows.iter()
            .map(|(s, _, _)| model.name(*s).to_owned())
            .collect()
    };
    let depth = changed(&|m| m.depth as f64);
    if !depth.is_empty() {
        out.push(Improvement {
            measure: Measure::LongestSyncChain,
            before: depth.iter().map(|r| r.1).fold(0.0, f64::max),
            after: depth.iter().map(|r| r.2).fold(0.0, f64::max),
            scope: scope(&depth),
        });
    }
    let ceiling = changed(&|m| (m.ceiling * 1e6).round() / 1e4);
    if !ceiling.is_empty() {
        out.push(Improvement {
            measure: Measure::LowestAvailabilityCeiling,
            before: ceiling.iter().map(|r| r.1).fold(100.0, f64::min),
            after: ceiling.iter().map(|r| r.2).fold(100.0, f64::min),
            scope: scope(&ceiling),
        });
    }
    let (wb, wa) = (before.summary(), after.summary());
    if wb.worst_blast_radius != wa.worst_blast_radius {
        out.push(Improvement {
            measure: Measure::WorstBlastRadius,
            before: wb.worst_blast_radius as f64,
            after: wa.worst_blast_radius as f64,
            scope: Vec::new(),
        });
    }
    let retries = changed(&|m| m.attempts);
    if !retries.is_empty() {
        out.push(Improvement {
            measure: Measure::RetryAmplification,
            before: retries.iter().map(|r| r.1).fold(1.0, f64::max),
            after: retries.iter().map(|r| r.2).fold(1.0, f64::max),
            scope: scope(&retries),
        });
    }
    out.retain(|i| match i.measure {
        Measure::LowestAvailabilityCeiling => i.after > i.before,
        _ => i.after < i.before,
    });
    out
}
