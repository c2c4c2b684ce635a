//! The migration plan: the per-edge recommendations put in the order the product prescribes
//! (break sync cycles, cut the longest chains, move side effects to queues, make internal calls
//! gRPC, fix the public edge, then harden what stays), each step with the measure it improves,
//! measured cumulatively on the graph left by the steps before it, and a rough effort.
//!
//! It lives in `recommend/` because it only orders and measures what the recommendations say;
//! `report/` prints it.

mod conversions;
mod harden;
mod measure;
mod savings;
mod structural;
mod work;

use serde::Serialize;

use crate::audit::Audit;
use crate::graph::facts::Summary;
use crate::source::Span;

use super::Recommendation;

pub use measure::{Improvement, Measure, percent, times};
pub use savings::{AssumptionLine, CpuLine, PollLine, Savings};
pub(crate) use work::{Work, finding_label};

/// The whole plan.
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    /// Only phases with at least one step, in order.
    pub phases: Vec<Phase>,
    /// The headline measures now, and once every step is done.
    pub before: Summary,
    pub after: Summary,
    pub savings: Savings,
}

impl Plan {
    /// The steps in the order they should be done.
    pub fn steps(&self) -> impl Iterator<Item = (&Phase, &Step)> {
        self.phases
            .iter()
            .flat_map(|p| p.steps.iter().map(move |s| (p, s)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseKind {
    BreakCycles,
    CutChains,
    SideEffectsToQueues,
    InternalGrpc,
    PublicEdge,
    Harden,
}

impl PhaseKind {
    pub fn title(self) -> &'static str {
        match self {
            PhaseKind::BreakCycles => "Break the sync cycles",
            PhaseKind::CutChains => "Cut the longest sync chains",
            PhaseKind::SideEffectsToQueues => "Move side effects to queues",
            PhaseKind::InternalGrpc => "Make internal calls gRPC",
            PhaseKind::PublicEdge => "Fix the public edge",
            PhaseKind::Harden => "Harden what stays synchronous",
        }
    }

    pub fn why(self) -> &'static str {
        match self {
            PhaseKind::BreakCycles => {
                "services in a cycle can be neither deployed nor failed alone, and under load they wait on each other"
            }
            PhaseKind::CutChains => {
                "latency adds and availability multiplies along every hop of a chain; retries multiply load at its end"
            }
            PhaseKind::SideEffectsToQueues => {
                "a caller that does not need the answer should neither wait for it nor fail with it; a queue also absorbs spikes"
            }
            PhaseKind::InternalGrpc => {
                "calls whose answer is needed stay synchronous: gRPC gives them a schema-first contract, binary Protobuf and streaming"
            }
            PhaseKind::PublicEdge => {
                "browsers, apps and partners get REST described by OpenAPI, with handlers generated from the spec"
            }
            PhaseKind::Harden => {
                "what remains synchronous needs timeouts, L7 balancing, one writer per datastore and consumers that survive redelivery"
            }
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Phase {
    pub kind: PhaseKind,
    pub title: &'static str,
    pub why: &'static str,
    pub steps: Vec<Step>,
}

/// One change to make.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What to do, imperative.
    pub action: String,
    /// The edges it changes, `from -> to`.
    pub edges: Vec<String>,
    pub improves: Vec<Improvement>,
    /// Findings it resolves, as `CA301 sync-side-effect` with their count.
    pub resolves: Vec<String>,
    pub effort: Effort,
    pub effort_reason: String,
    /// The line to change first.
    #[serde(skip)]
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Effort {
    Small,
    Medium,
    Large,
}

impl Effort {
    pub fn as_str(self) -> &'static str {
        match self {
            Effort::Small => "small",
            Effort::Medium => "medium",
            Effort::Large => "large",
        }
    }

    /// What the size means, for the report's legend.
    pub fn meaning(self) -> &'static str {
        match self {
            Effort::Small => "one service or one setting; days",
            Effort::Medium => "a contract between services or teams changes; a sprint or two",
            Effort::Large => "data ownership moves or outside parties must migrate; a quarter",
        }
    }
}

/// Steps listed one by one in a phase before the rest are folded into one.
const LISTED: usize = 12;

/// Builds the plan from the audit and its recommendations.
pub fn plan(audit: &Audit, recs: &[Recommendation]) -> Plan {
    let mut work = Work::new(audit, recs);
    let before = work.summary();
    let mut phases = Vec::new();
    let mut push = |kind: PhaseKind, steps: Vec<Step>| {
        if !steps.is_empty() {
            phases.push(Phase {
                kind,
                title: kind.title(),
                why: kind.why(),
                steps,
            });
        }
    };
    push(PhaseKind::BreakCycles, structural::break_cycles(&mut work));
    push(PhaseKind::CutChains, structural::cut_chains(&mut work));
    push(
        PhaseKind::SideEffectsToQueues,
        structural::side_effects(&mut work),
    );
    let (grpc, public) = conversions::steps(&mut work);
    push(PhaseKind::InternalGrpc, grpc);
    push(PhaseKind::PublicEdge, public);
    push(PhaseKind::Harden, harden::steps(&mut work));
    let after = work.summary();
    let savings = savings::of(&work);
    Plan {
        phases,
        before,
        after,
        savings,
    }
}
