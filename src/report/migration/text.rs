//! Wording shared by the Markdown and HTML reports, so both say the same thing: the headline
//! measures now and after the plan, a recommendation's numbers, and an edge as it is now.

use crate::recommend::plan::{percent, times};
use crate::recommend::{Recommendation, Verdict};

use super::Report;

/// A row of the headline table.
pub struct Headline {
    pub measure: &'static str,
    /// The value now and after the plan, without their unit.
    pub now: String,
    pub after: String,
    pub unit: &'static str,
    pub limit: String,
    /// The value now breaks the limit.
    pub bad: bool,
}

impl Report<'_> {
    pub fn headline(&self) -> Vec<Headline> {
        let (now, after) = (&self.plan.before, &self.plan.after);
        let l = &self.measures.limits;
        let entries = self.measures.entrypoints;
        let ceiling = |c: Option<f64>| c.map_or_else(|| "-".to_owned(), percent);
        let worst_gap = self
            .measures
            .availability
            .iter()
            .filter(|r| r.meets() == Some(false))
            .count();
        vec![
            Headline {
                measure: "longest sync chain",
                now: now.longest_sync_chain.to_string(),
                after: after.longest_sync_chain.to_string(),
                unit: "hops",
                limit: format!("at most {}", hops(l.max_depth as usize)),
                bad: now.longest_sync_chain as f64 > l.max_depth,
            },
            Headline {
                measure: "sync cycles",
                now: now.sync_cycles.to_string(),
                after: after.sync_cycles.to_string(),
                unit: "",
                limit: "none".into(),
                bad: now.sync_cycles > 0,
            },
            Headline {
                measure: "worst blast radius",
                now: format!("{} of {entries}", now.worst_blast_radius),
                after: format!("{} of {entries}", after.worst_blast_radius),
                unit: "entrypoints",
                limit: format!("fewer than {} entrypoints", l.min_entrypoints),
                bad: now.worst_blast_radius as f64 >= l.min_entrypoints,
            },
            Headline {
                measure: "lowest availability ceiling",
                now: ceiling(now.lowest_availability_ceiling),
                after: ceiling(after.lowest_availability_ceiling),
                unit: "",
                limit: "each entrypoint's objective".into(),
                bad: worst_gap > 0,
            },
            Headline {
                measure: "retry amplification",
                now: times(now.max_retry_amplification),
                after: times(after.max_retry_amplification),
                unit: "",
                limit: format!("at most {}", times(l.max_attempts)),
                bad: now.max_retry_amplification > l.max_attempts,
            },
        ]
    }

    /// `rest POST /emails`, what an edge is now.
    pub fn edge_now(&self, r: &Recommendation) -> String {
        match &self.audit.graph.edges[r.edge].operation {
            Some(op) => format!("{} {op}", r.current),
            None => r.current.clone(),
        }
    }
}

impl Headline {
    /// The value with its unit: `5 hops`.
    pub fn with_unit(&self, value: &str) -> String {
        if self.unit.is_empty() {
            value.to_owned()
        } else {
            format!("{value} {}", self.unit)
        }
    }
}

pub fn hops(n: usize) -> String {
    format!("{n} hop{}", if n == 1 { "" } else { "s" })
}

/// `depth 5 -> 4, ceiling 99.10% -> 99.20%` for edges that leave the sync path, and the CPU
/// estimate for REST that should become gRPC.
pub fn numbers(r: &Recommendation) -> String {
    let n = &r.numbers;
    let mut parts = Vec::new();
    if matches!(r.verdict, Verdict::Queue | Verdict::Log | Verdict::Redesign) {
        if let (Some(b), Some(a)) = (n.depth_before, n.depth_after)
            && b != a
        {
            parts.push(format!("chain {b} -> {a} hops"));
        }
        if let (Some(b), Some(a)) = (n.ceiling_before, n.ceiling_after)
            && (b - a).abs() > 1e-9
        {
            parts.push(format!("ceiling {} -> {}", percent(b), percent(a)));
        }
    }
    if let Some(cpu) = &n.cpu {
        parts.push(format!("saves {}", cpu.describe()));
    }
    parts.join("; ")
}
