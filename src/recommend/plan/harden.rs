//! The last phase: every finding the steps before did not resolve. Measure findings (chains,
//! fan-out, ceilings, blast radius, retries) are checked again on the graph the plan leaves and
//! kept only if still true, one step per rule; the rest keep their own help, one step each.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::catalog::{
    self, AVAILABILITY_CEILING, BLAST_RADIUS, CALL_WITHOUT_TIMEOUT, DEEP_SYNC_CHAIN,
    DLQ_WITHOUT_REDRIVE, GRPC_BEHIND_L4, NON_IDEMPOTENT_CONSUMER, RETRY_AMPLIFICATION,
    SHARED_DATASTORE, SYNC_CYCLE, SYNC_FAN_OUT,
};
use crate::diagnostics::{Finding, Item, RuleId};
use crate::model::{Model, ServiceId};
use crate::rules::{blast_radius, deep_sync_chain, retry_amplification, sync_fan_out};

use super::{Effort, LISTED, Step, Work, finding_label, percent, times};

/// Rules whose findings are re-measured after the plan instead of being listed as they are.
const MEASURED: &[RuleId] = &[
    SYNC_CYCLE,
    DEEP_SYNC_CHAIN,
    SYNC_FAN_OUT,
    AVAILABILITY_CEILING,
    BLAST_RADIUS,
    RETRY_AMPLIFICATION,
];

pub(super) fn steps(work: &mut Work) -> Vec<Step> {
    let mut steps = measured(work);
    let audit = work.audit;
    let pending: Vec<(usize, &Finding)> = audit
        .findings
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            !work.resolved.contains(i) && !MEASURED.contains(&f.rule) && about_architecture(f.rule)
        })
        .collect();
    let mut rest: BTreeMap<RuleId, usize> = BTreeMap::new();
    for (n, (i, f)) in pending.into_iter().enumerate() {
        work.resolved.insert(i);
        if n >= LISTED {
            *rest.entry(f.rule).or_default() += 1;
            continue;
        }
        let (effort, effort_reason) = effort(f.rule);
        let help = f.help.clone().unwrap_or_else(|| f.message.clone());
        let help = match edge_of(&audit.model, f).first() {
            Some(edge) => format!("`{edge}`: {help}"),
            None => help,
        };
        steps.push(Step {
            action: capitalized(&help),
            edges: edge_of(&audit.model, f),
            improves: Vec::new(),
            resolves: vec![finding_label(f.rule, 1)],
            effort,
            effort_reason: effort_reason.into(),
            span: f.span,
        });
    }
    if !rest.is_empty() {
        let total: usize = rest.values().sum();
        steps.push(Step {
            action: format!("Fix the other {total} findings the same way (see the findings)"),
            edges: Vec::new(),
            improves: Vec::new(),
            resolves: rest
                .into_iter()
                .map(|(rule, n)| finding_label(rule, n))
                .collect(),
            effort: Effort::Medium,
            effort_reason: "many small changes".into(),
            span: None,
        });
    }
    steps
}

/// Measure findings still true once the plan is done, one step per rule.
fn measured(work: &mut Work) -> Vec<Step> {
    let audit = work.audit;
    let model = &audit.model;
    let after = work.current.clone();
    let (g, _) = work.graph(&[]);
    let down = &after.takes_down;
    let config = &audit.config;
    let max_depth = config.rule_options::<deep_sync_chain::Options>().max_depth;
    let max_fan_out = config.rule_options::<sync_fan_out::Options>().max_fan_out;
    let min_entrypoints = config
        .rule_options::<blast_radius::Options>()
        .min_entrypoints;
    let max_attempts = config
        .rule_options::<retry_amplification::Options>()
        .max_attempts;
    let mut still: BTreeMap<RuleId, BTreeSet<String>> = BTreeMap::new();
    for (i, f) in audit.findings.iter().enumerate() {
        if !MEASURED.contains(&f.rule) {
            continue;
        }
        // The service a measure finding is about: the first service of its typed subject.
        let Some(id) = f.subject.identity().iter().find_map(|i| match i {
            Item::Service(s) => Some(*s),
            _ => None,
        }) else {
            continue;
        };
        let subject = model.name(id).to_owned();
        let entry = after.entry(id);
        let holds = match f.rule {
            SYNC_CYCLE => after.sync_cycles > 0,
            DEEP_SYNC_CHAIN => entry.is_some_and(|m| m.depth > max_depth as usize),
            SYNC_FAN_OUT => {
                let callees: BTreeSet<ServiceId> = g
                    .out_edges(id)
                    .iter()
                    .map(|&e| g.edge(e).to)
                    .filter(|&t| t != id)
                    .collect();
                callees.len() > max_fan_out as usize
            }
            AVAILABILITY_CEILING => match (entry, model.service(id).availability) {
                (Some(m), Some(slo)) => m.ceiling < slo,
                _ => false,
            },
            BLAST_RADIUS => down[id.index()].len() >= min_entrypoints as usize,
            RETRY_AMPLIFICATION => entry.is_some_and(|m| m.attempts > f64::from(max_attempts)),
            _ => continue,
        };
        work.resolved.insert(i);
        if holds {
            let detail = match (f.rule, entry) {
                (DEEP_SYNC_CHAIN, Some(m)) => format!("{subject} ({} hops)", m.depth),
                (AVAILABILITY_CEILING, Some(m)) => format!(
                    "{subject} ({} against {})",
                    percent(m.ceiling * 100.0),
                    percent(model.service(id).availability.unwrap_or(1.0) * 100.0)
                ),
                (BLAST_RADIUS, _) => {
                    format!("{subject} ({} entrypoints)", down[id.index()].len())
                }
                (RETRY_AMPLIFICATION, Some(m)) => format!("{subject} ({})", times(m.attempts)),
                _ => subject.clone(),
            };
            still.entry(f.rule).or_default().insert(detail);
        }
    }
    still
        .into_iter()
        .map(|(rule, subjects)| {
            let subjects: Vec<String> = subjects.into_iter().collect();
            let (effort, effort_reason) = effort(rule);
            Step {
                action: format!(
                    "{} after the steps above: {}; {}",
                    still_text(rule),
                    subjects.join(", "),
                    remedy(rule)
                ),
                edges: Vec::new(),
                improves: Vec::new(),
                resolves: vec![finding_label(rule, subjects.len())],
                effort,
                effort_reason: effort_reason.into(),
                span: None,
            }
        })
        .collect()
}

/// Whether the plan lists `rule`'s findings: the inputs' problems (missing contracts, what the
/// scan could not see) and the gate's own are no architecture to migrate.
fn about_architecture(rule: RuleId) -> bool {
    catalog::by_id(rule).is_some_and(|r| !matches!(r.family.as_str(), "contracts" | "meta"))
}

fn still_text(rule: RuleId) -> &'static str {
    match rule {
        SYNC_CYCLE => "Sync cycles remain",
        DEEP_SYNC_CHAIN => "Chains stay deeper than allowed",
        SYNC_FAN_OUT => "Services still call too many others synchronously",
        AVAILABILITY_CEILING => "Objectives stay above their availability ceilings",
        BLAST_RADIUS => "Single points of failure remain",
        _ => "Retries still multiply",
    }
}

fn remedy(rule: RuleId) -> &'static str {
    match rule {
        SYNC_CYCLE => "break them where the answer is needed least",
        DEEP_SYNC_CHAIN => "give the deepest callers local copies fed by events",
        SYNC_FAN_OUT => {
            "let one service gather what the others need, or call in parallel with a budget"
        }
        AVAILABILITY_CEILING => {
            "give optional calls a fallback, raise the weakest dependencies' objectives, or promise what the chain allows"
        }
        BLAST_RADIUS => {
            "serve their data from read models fed by their events, accept work asynchronously, or give callers a fallback"
        }
        _ => "retry at one layer only, with a budget and jittered backoff",
    }
}

fn effort(rule: RuleId) -> (Effort, &'static str) {
    match rule {
        GRPC_BEHIND_L4 => (
            Effort::Small,
            "a deployment setting: a mesh, an L7 proxy or client-side balancing",
        ),
        CALL_WITHOUT_TIMEOUT => (
            Effort::Small,
            "a timeout and a circuit breaker in the caller",
        ),
        DLQ_WITHOUT_REDRIVE => (
            Effort::Small,
            "a redrive job and an alert on the dead-letter queue",
        ),
        RETRY_AMPLIFICATION => (Effort::Small, "retry settings in the callers"),
        NON_IDEMPOTENT_CONSUMER => (Effort::Medium, "deduplication or upserts in the consumer"),
        SHARED_DATASTORE => (Effort::Large, "the data moves behind one owning service"),
        DEEP_SYNC_CHAIN => (Effort::Large, "new read models fed by events"),
        _ => (Effort::Medium, "changes in the services named"),
    }
}

/// `mobile-api -> inventory` for a finding about one call (its typed subject names it).
fn edge_of(model: &Model, f: &Finding) -> Vec<String> {
    match f.subject.identity() {
        [Item::Call(c), ..] => {
            let call = model.call(*c);
            vec![format!(
                "{} -> {}",
                model.name(call.from),
                model.name(call.to)
            )]
        }
        _ => Vec::new(),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
