//! Pull-request mode: keep only the findings that are new since a base commit (by
//! fingerprint), and say how the distributed-monolith measures moved between the two trees.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::audit::Audit;
use crate::graph::facts::Summary;

use super::Gated;

/// How the tree compares with its base.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffSummary {
    /// The base, as given (`origin/main`, `HEAD~1`).
    pub base: String,
    /// Findings that exist at the base too, so they are not shown.
    pub unchanged: usize,
    pub measures: Vec<MeasureChange>,
}

/// One headline measure at the base and now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MeasureChange {
    pub name: &'static str,
    pub unit: &'static str,
    pub before: Option<f64>,
    pub after: Option<f64>,
    /// `worse`, `better` or `same`.
    pub change: &'static str,
}

/// The headline measures of an audit's sync graph.
pub fn measures(audit: &Audit) -> Summary {
    audit.facts.summary()
}

/// Keeps the findings whose fingerprint the base does not have; returns how many it dropped.
pub fn keep_new(gated: &mut Gated, base: &BTreeSet<String>) -> usize {
    let findings = std::mem::take(&mut gated.findings);
    let fingerprints = std::mem::take(&mut gated.fingerprints);
    let mut unchanged = 0;
    for (f, fp) in findings.into_iter().zip(fingerprints) {
        if base.contains(&fp) {
            unchanged += 1;
        } else {
            gated.findings.push(f);
            gated.fingerprints.push(fp);
        }
    }
    unchanged
}

/// A measure's name, unit, value at the base and now, and whether higher is worse.
type Row = (&'static str, &'static str, Option<f64>, Option<f64>, bool);

/// The four measures a pull request can make worse, base first.
pub fn compare(before: &Summary, after: &Summary) -> Vec<MeasureChange> {
    // (name, unit, before, after, higher is worse)
    let rows: [Row; 4] = [
        (
            "longest sync chain",
            "hops",
            Some(before.longest_sync_chain as f64),
            Some(after.longest_sync_chain as f64),
            true,
        ),
        (
            "sync cycles",
            "",
            Some(before.sync_cycles as f64),
            Some(after.sync_cycles as f64),
            true,
        ),
        (
            "worst blast radius",
            "entrypoints",
            Some(before.worst_blast_radius as f64),
            Some(after.worst_blast_radius as f64),
            true,
        ),
        (
            "lowest availability ceiling",
            "%",
            before.lowest_availability_ceiling,
            after.lowest_availability_ceiling,
            false,
        ),
    ];
    rows.into_iter()
        .map(|(name, unit, b, a, higher_is_worse)| {
            // No entrypoint depends on anything: as good as a ceiling gets.
            let (x, y) = (b.unwrap_or(100.0), a.unwrap_or(100.0));
            let change = if (x - y).abs() < 1e-9 {
                "same"
            } else if (y > x) == higher_is_worse {
                "worse"
            } else {
                "better"
            };
            MeasureChange {
                name,
                unit,
                before: b,
                after: a,
                change,
            }
        })
        .collect()
}

impl MeasureChange {
    /// `longest sync chain: 3 -> 4 hops (worse)`.
    pub fn line(&self) -> String {
        let show = |v: Option<f64>| v.map_or_else(|| "-".to_owned(), |v| format!("{v}"));
        let unit = if self.unit.is_empty() {
            String::new()
        } else if self.unit == "%" {
            "%".into()
        } else {
            format!(" {}", self.unit)
        };
        format!(
            "{}: {} -> {}{unit} ({})",
            self.name,
            show(self.before),
            show(self.after),
            self.change
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(chain: usize, ceiling: Option<f64>) -> Summary {
        Summary {
            longest_sync_chain: chain,
            sync_cycles: 0,
            worst_blast_radius: 1,
            lowest_availability_ceiling: ceiling,
            max_retry_amplification: 1.0,
        }
    }

    #[test]
    fn directions_follow_what_hurts() {
        let rows = compare(&summary(2, Some(99.8)), &summary(3, Some(99.7)));
        assert_eq!(rows[0].change, "worse");
        assert_eq!(rows[0].line(), "longest sync chain: 2 -> 3 hops (worse)");
        assert_eq!(rows[1].change, "same");
        assert_eq!(rows[3].change, "worse");
        assert_eq!(
            rows[3].line(),
            "lowest availability ceiling: 99.8 -> 99.7% (worse)"
        );
        let better = compare(&summary(3, None), &summary(2, Some(99.9)));
        assert_eq!((better[0].change, better[3].change), ("better", "worse"));
    }
}
