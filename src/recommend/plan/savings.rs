//! What the plan saves that is not a graph measure: serialization CPU of the internal REST calls
//! that become gRPC, and polling requests replaced by streams, each with the assumptions behind
//! it so a reader can judge the figure and change it under `recommend:` in commaudit.yaml.

use serde::Serialize;

use crate::graph::EdgeKind;
use crate::graph::assumptions::Assumptions;
use crate::options::Options;
use crate::recommend::Verdict;

use super::Work;

#[derive(Debug, Clone, Serialize)]
pub struct Savings {
    /// CPU cores saved across callers and callees.
    pub cpu_cores: f64,
    pub cpu: Vec<CpuLine>,
    pub polling_requests_per_second: f64,
    pub polling: Vec<PollLine>,
    pub assumptions: Vec<AssumptionLine>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CpuLine {
    pub from: String,
    pub to: String,
    pub operation: Option<String>,
    pub cores: f64,
    pub rps: f64,
    pub payload_bytes: f64,
    pub rps_assumed: bool,
    pub payload_assumed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct PollLine {
    pub from: String,
    pub to: String,
    pub operation: Option<String>,
    pub requests_per_second: f64,
    pub interval_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AssumptionLine {
    pub key: &'static str,
    pub value: f64,
    pub default: f64,
    pub meaning: &'static str,
    /// Set in commaudit.yaml rather than left at its default.
    pub overridden: bool,
}

pub(super) fn of(work: &Work) -> Savings {
    let audit = work.audit;
    let mut cpu = Vec::new();
    let mut polling = Vec::new();
    for r in work.recs {
        let EdgeKind::Call(c) = audit.graph.edges[r.edge].kind else {
            continue;
        };
        let taken_off = work
            .sync_of_call
            .get(&c)
            .is_some_and(|e| work.removed.contains(e));
        let call = audit.model.call(c);
        let operation = call.operation.as_ref().map(|o| o.name.clone());
        if let (Some(ms), Some(rps)) = (call.poll_interval_ms, call.rps)
            && matches!(r.verdict, Verdict::GrpcServerStreaming | Verdict::Rest)
        {
            polling.push(PollLine {
                from: r.from.clone(),
                to: r.to.clone(),
                operation: operation.clone(),
                requests_per_second: rps,
                interval_ms: ms,
            });
        }
        if let Some(estimate) = r.numbers.cpu.filter(|_| !taken_off) {
            cpu.push(CpuLine {
                from: r.from.clone(),
                to: r.to.clone(),
                operation,
                cores: estimate.cores,
                rps: estimate.rps,
                payload_bytes: estimate.payload_bytes,
                rps_assumed: estimate.rps_assumed,
                payload_assumed: estimate.payload_assumed,
            });
        }
    }
    cpu.sort_by(|a, b| {
        b.cores
            .total_cmp(&a.cores)
            .then_with(|| (&a.from, &a.to).cmp(&(&b.from, &b.to)))
    });
    Savings {
        cpu_cores: cpu.iter().map(|l| l.cores).sum(),
        cpu,
        polling_requests_per_second: polling.iter().map(|l| l.requests_per_second).sum(),
        polling,
        assumptions: audit
            .config
            .assumptions
            .entries()
            .zip(Assumptions::FIELDS)
            .map(|((key, value, meaning), field)| {
                let default = field.default;
                AssumptionLine {
                    key,
                    value,
                    default,
                    meaning,
                    overridden: (value - default).abs() > f64::EPSILON,
                }
            })
            .collect(),
    }
}
