//! The last phase: every finding the steps before did not resolve. Measure findings (chains,
//! fan-out, ceilings, blast radius, retries) are checked again on the graph the plan leaves and
//! kept only if still true, one step per rule; the rest keep their own help, one step each.

use std::collections::{BTreeMap, BTreeSet};

use crate::diagnostics::Finding;
use crate::graph::reach;
use crate::model::ServiceId;
use crate::rules::{blast_radius, deep_sync_chain, retry_amplification, sync_fan_out};

use super::{Effort, LISTED, Step, Work, finding_label, percent, times};

/// Rules whose findings are re-measured after the plan instead of being listed as they are.
const MEASURED: &[&str] = &["CA101", "CA102", "CA103", "CA104", "CA105", "CA106"];

pub(super) fn steps(work: &mut Work) -> Vec<Step> {
    let mut steps = measured(work);
    let audit = work.audit;
    let pending: Vec<(usize, &Finding)> = audit
        .findings
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            let rule = f.rule.0;
            !work.resolved.contains(i)
                && !MEASURED.contains(&rule)
                && !rule.starts_with("CA00")
                && !rule.starts_with("CA9")
        })
        .collect();
    let mut rest: BTreeMap<&'static str, usize> = BTreeMap::new();
    for (n, (i, f)) in pending.into_iter().enumerate() {
        work.resolved.insert(i);
        if n >= LISTED {
            *rest.entry(f.rule.0).or_default() += 1;
            continue;
        }
        let (effort, effort_reason) = effort(f.rule.0);
        let help = f.help.clone().unwrap_or_else(|| f.message.clone());
        let help = match edge_of(f).first() {
            Some(edge) => format!("`{edge}`: {help}"),
            None => help,
        };
        steps.push(Step {
            action: capitalized(&help),
            edges: edge_of(f),
            improves: Vec::new(),
            resolves: vec![finding_label(f.rule.0, 1)],
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
    let after = work.measures(&[]);
    let (g, _) = work.graph(&[]);
    let entries = &audit.analysis.entrypoints;
    let deps: Vec<Vec<ServiceId>> = entries
        .iter()
        .map(|&e| reach::hard_dependencies(&g, e))
        .collect();
    let down = reach::blast_radius(&g, entries, &deps);
    let config = &audit.config;
    let max_depth = config.rule_options::<deep_sync_chain::Options>().max_depth;
    let max_fan_out = config.rule_options::<sync_fan_out::Options>().max_fan_out;
    let min_entrypoints = config
        .rule_options::<blast_radius::Options>()
        .min_entrypoints;
    let max_attempts = config
        .rule_options::<retry_amplification::Options>()
        .max_attempts;
    let mut still: BTreeMap<&'static str, BTreeSet<String>> = BTreeMap::new();
    for (i, f) in audit.findings.iter().enumerate() {
        let Some(subject) = f.services.first() else {
            continue;
        };
        let Some(id) = model.service_named(subject) else {
            continue;
        };
        let entry = after.entry(id);
        let holds = match f.rule.0 {
            "CA101" => after.sync_cycles > 0,
            "CA102" => entry.is_some_and(|m| m.depth > max_depth as usize),
            "CA103" => {
                let callees: BTreeSet<ServiceId> = g
                    .out_edges(id)
                    .iter()
                    .map(|&e| g.edge(e).to)
                    .filter(|&t| t != id)
                    .collect();
                callees.len() > max_fan_out as usize
            }
            "CA104" => match (entry, model.service(id).availability) {
                (Some(m), Some(slo)) => m.ceiling < slo,
                _ => false,
            },
            "CA105" => down[id.index()].len() >= min_entrypoints as usize,
            "CA106" => entry.is_some_and(|m| m.attempts > f64::from(max_attempts)),
            _ => continue,
        };
        work.resolved.insert(i);
        if holds {
            let detail = match (f.rule.0, entry) {
                ("CA102", Some(m)) => format!("{subject} ({} hops)", m.depth),
                ("CA104", Some(m)) => format!(
                    "{subject} ({} against {})",
                    percent(m.ceiling * 100.0),
                    percent(model.service(id).availability.unwrap_or(1.0) * 100.0)
                ),
                ("CA105", _) => format!("{subject} ({} entrypoints)", down[id.index()].len()),
                ("CA106", Some(m)) => format!("{subject} ({})", times(m.attempts)),
                _ => subject.clone(),
            };
            still.entry(f.rule.0).or_default().insert(detail);
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

fn still_text(rule: &str) -> &'static str {
    match rule {
        "CA101" => "Sync cycles remain",
        "CA102" => "Chains stay deeper than allowed",
        "CA103" => "Services still call too many others synchronously",
        "CA104" => "Objectives stay above their availability ceilings",
        "CA105" => "Single points of failure remain",
        _ => "Retries still multiply",
    }
}

fn remedy(rule: &str) -> &'static str {
    match rule {
        "CA101" => "break them where the answer is needed least",
        "CA102" => "give the deepest callers local copies fed by events",
        "CA103" => "let one service gather what the others need, or call in parallel with a budget",
        "CA104" => {
            "give optional calls a fallback, raise the weakest dependencies' objectives, or promise what the chain allows"
        }
        "CA105" => {
            "serve their data from read models fed by their events, accept work asynchronously, or give callers a fallback"
        }
        _ => "retry at one layer only, with a budget and jittered backoff",
    }
}

fn effort(rule: &str) -> (Effort, &'static str) {
    match rule {
        "CA401" => (
            Effort::Small,
            "a deployment setting: a mesh, an L7 proxy or client-side balancing",
        ),
        "CA402" => (
            Effort::Small,
            "a timeout and a circuit breaker in the caller",
        ),
        "CA202" => (
            Effort::Small,
            "a redrive job and an alert on the dead-letter queue",
        ),
        "CA106" => (Effort::Small, "retry settings in the callers"),
        "CA203" => (Effort::Medium, "deduplication or upserts in the consumer"),
        "CA107" => (Effort::Large, "the data moves behind one owning service"),
        "CA102" => (Effort::Large, "new read models fed by events"),
        _ => (Effort::Medium, "changes in the services named"),
    }
}

/// `mobile-api -> inventory` for a finding about one call.
fn edge_of(f: &Finding) -> Vec<String> {
    match f.services.as_slice() {
        [from, to, ..] if f.operation.is_some() => vec![format!("{from} -> {to}")],
        _ => Vec::new(),
    }
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
