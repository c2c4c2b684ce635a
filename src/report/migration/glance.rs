//! The top of the report, for a reader with one minute: what is wrong, why it matters and what
//! to do first, each a few sentences built from the measures, the recommendations and the plan.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::model::ServiceId;
use crate::recommend::plan::{Plan, percent, times};
use crate::recommend::{Recommendation, Verdict};

use super::measures::Monolith;

#[derive(Debug, Clone, Serialize)]
pub struct Glance {
    /// What the scan read and could not see, stated before the verdict.
    pub coverage: Vec<String>,
    /// One sentence, qualified or withheld when the coverage is too thin to carry it.
    pub verdict: String,
    pub wrong: Vec<String>,
    pub why: Vec<String>,
    /// The steps that remove the most risk per unit of effort, with what each improves and
    /// what it assumes.
    pub first: Vec<String>,
}

/// Plan steps shown at the top.
const FIRST: usize = 3;

impl Glance {
    /// States the coverage, and qualifies the verdict by it: withheld when no call joins two
    /// services (nothing to judge), qualified when inputs could not be read or understood or
    /// most edges are inferred.
    pub fn qualify(&mut self, audit: &crate::audit::Audit, plan: &Plan) {
        let between = calls_between(&audit.model);
        self.first = first_steps(plan, &|step| assumption_of(audit, &between, step));
        let c = &audit.coverage;
        self.coverage = c.lines().into_iter().map(|l| capitalized(&l)).collect();
        if c.no_service_calls() {
            self.verdict = format!(
                "No verdict: commaudit found {} services but no call between two of them, so it cannot tell whether they form a distributed monolith. Declare their calls (see CA007) and scan again.",
                c.services
            );
            return;
        }
        let mut limits = Vec::new();
        if c.inputs_missing() {
            limits.push(format!(
                "{} of {} input files",
                c.inputs.understood, c.inputs.found
            ));
        }
        let e = &c.edges;
        let all = e.declared + e.inferred + e.observed;
        if e.inferred * 2 > all {
            limits.push(format!(
                "{} of {all} edges inferred from configuration rather than declared",
                e.inferred
            ));
        }
        if !limits.is_empty() {
            let mut verdict = self.verdict.clone();
            if let Some(first) = verdict.get(..1) {
                verdict = format!("{}{}", first.to_lowercase(), &verdict[1..]);
            }
            self.verdict = format!(
                "On what commaudit could see ({}): {verdict}",
                limits.join("; ")
            );
        }
    }
}

/// How much risk a step removes per unit of effort: the failure measures it improves count most
/// (a cycle above all), efficiency (CPU, polling) little, each finding it resolves one; a small
/// step costs 1, a medium one 3, a large one 9. Cheap configuration fixes (cut retries, add a
/// timeout, balance at L7) come before quarter-long redesigns unless the redesign removes far
/// more.
fn value(step: &crate::recommend::plan::Step) -> f64 {
    use crate::recommend::plan::Measure;
    let measures: f64 = step
        .improves
        .iter()
        .map(|i| match i.measure {
            Measure::SyncCycles => 8.0,
            Measure::LowestAvailabilityCeiling | Measure::WorstBlastRadius => 5.0,
            Measure::RetryAmplification => 4.0,
            Measure::LongestSyncChain => 3.0,
            Measure::SerializationCpuCores | Measure::PollingRequestsPerSecond => 0.5,
        })
        .sum();
    let resolved: usize = step
        .resolves
        .iter()
        .map(|r| {
            r.split_once(" x ")
                .and_then(|(n, _)| n.parse().ok())
                .unwrap_or(1)
        })
        .sum();
    let risk = 1.0 + measures + resolved as f64;
    let cost = match step.effort {
        crate::recommend::plan::Effort::Small => 1.0,
        crate::recommend::plan::Effort::Medium => 3.0,
        crate::recommend::plan::Effort::Large => 9.0,
    };
    risk / cost
}

/// The [`FIRST`] steps that remove the most risk per unit of effort, in that order (plan order
/// between equals), each saying what it improves, its effort, and what it assumes when
/// `assumes` names something.
fn first_steps(
    plan: &Plan,
    assumes: &dyn Fn(&crate::recommend::plan::Step) -> Option<String>,
) -> Vec<String> {
    let mut steps: Vec<(usize, &crate::recommend::plan::Step)> =
        plan.steps().map(|(_, s)| s).enumerate().collect();
    steps.sort_by(|(i, a), (j, b)| value(b).total_cmp(&value(a)).then(i.cmp(j)));
    steps
        .into_iter()
        .take(FIRST)
        .map(|(_, step)| {
            let improves: Vec<String> = step.improves.iter().map(|i| i.text()).collect();
            let mut text = step.action.clone();
            if !improves.is_empty() {
                text.push_str(&format!(". Improves {}", improves.join("; ")));
            }
            text.push_str(&format!(". Effort: {}.", step.effort.as_str()));
            if let Some(assumption) = assumes(step) {
                text.push_str(&format!(" Based on an assumption: {assumption}."));
            }
            text
        })
        .collect()
}

/// The calls between each pair of services, in the model's order.
type Between<'m> = HashMap<(ServiceId, ServiceId), Vec<&'m crate::model::Call>>;

fn calls_between(model: &crate::model::Model) -> Between<'_> {
    let mut between: Between = HashMap::new();
    for call in &model.calls {
        between.entry((call.from, call.to)).or_default().push(call);
    }
    between
}

/// What a step rests on that nobody declared: an inferred edge, or an answer assumed needed.
fn assumption_of(
    audit: &crate::audit::Audit,
    between: &Between,
    step: &crate::recommend::plan::Step,
) -> Option<String> {
    let model = &audit.model;
    // Looked up per edge: a step of thousands of edges does not read every call for each.
    let calls: Vec<&crate::model::Call> = step
        .edges
        .iter()
        .filter_map(|e| e.split_once(" -> "))
        .filter_map(|(from, to)| {
            between.get(&(model.service_named(from)?, model.service_named(to)?))
        })
        .flatten()
        .copied()
        .collect();
    if let Some(c) = calls.iter().find(|c| c.provenance.is_inferred()) {
        return Some(format!(
            "`{} -> {}` is inferred from {}, not declared",
            model.name(c.from),
            model.name(c.to),
            c.provenance
                .evidence
                .first()
                .map_or("configuration", String::as_str)
        ));
    }
    calls.iter().find(|c| c.needs_response.is_none()).map(|c| {
        format!(
            "`{}` is assumed to need the answer of `{}` (needs_response not declared)",
            model.name(c.from),
            model.name(c.to)
        )
    })
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

pub fn of(m: &Monolith, recs: &[Recommendation], plan: &Plan, errors: usize) -> Glance {
    let mut wrong = Vec::new();
    let mut why = Vec::new();
    let over_depth = m
        .chains
        .first()
        .filter(|c| c.hops as f64 > m.limits.max_depth);
    if let Some(c) = over_depth {
        wrong.push(format!(
            "A {}-hop synchronous chain, where at most {} are allowed: {}.",
            c.hops,
            m.limits.max_depth,
            c.path.join(" -> ")
        ));
        why.push(format!(
            "Latency adds up along a chain ({:.0} ms of processing on this one) and availability multiplies: every hop is one more way for `{}` to fail.",
            c.processing_ms, c.entrypoint
        ));
    }
    if !m.cycles.is_empty() {
        let loops: Vec<String> = m.cycles.iter().map(|c| c.path.join(" -> ")).collect();
        wrong.push(format!(
            "{} sync cycle{}: {}.",
            m.cycles.len(),
            if m.cycles.len() == 1 { "" } else { "s" },
            loops.join("; ")
        ));
        why.push(
            "Services in a cycle can be neither deployed nor failed alone; under load they hold threads waiting for each other."
                .into(),
        );
    }
    let mut broken: Vec<_> = m
        .availability
        .iter()
        .filter(|r| r.meets() == Some(false))
        .collect();
    // The widest gap between promise and ceiling first.
    broken.sort_by(|a, b| {
        let gap = |r: &&super::measures::CeilingRow| r.objective.unwrap_or(0.0) - r.ceiling;
        gap(b)
            .total_cmp(&gap(a))
            .then(a.entrypoint.cmp(&b.entrypoint))
    });
    if let Some(worst) = broken.first() {
        let more = match broken.len() {
            1 => String::new(),
            n => format!("; {n} entrypoints miss their objective"),
        };
        wrong.push(format!(
            "`{}` promises {} but its {} hard dependencies cap it at {}{more}.",
            worst.entrypoint,
            percent(worst.objective.unwrap_or(100.0)),
            worst.hard_dependencies,
            percent(worst.ceiling)
        ));
        why.push(format!(
            "Availability multiplies along hard dependencies: `{}` cannot meet its objective however reliable it is itself.",
            worst.entrypoint
        ));
    }
    let wide: Vec<_> = m
        .blast_radius
        .iter()
        .filter(|b| b.entrypoints.len() as f64 >= m.limits.min_entrypoints)
        .collect();
    if let Some(first) = wide.first() {
        let names: Vec<String> = wide
            .iter()
            .take(4)
            .map(|b| format!("`{}`", b.service))
            .collect();
        let more = if wide.len() > 4 {
            format!(" and {} more", wide.len() - 4)
        } else {
            String::new()
        };
        if wide.len() == 1 {
            wrong.push(format!(
                "`{}` takes down {} of {} entrypoints when it fails.",
                first.service,
                first.entrypoints.len(),
                m.entrypoints
            ));
        } else {
            wrong.push(format!(
                "{} services ({}{more}) each take down up to {} of {} entrypoints when they fail.",
                wide.len(),
                names.join(", "),
                first.entrypoints.len(),
                m.entrypoints
            ));
        }
        why.push(format!(
            "A single failure stops {}: nothing degrades gracefully, everything fails together.",
            first
                .entrypoints
                .iter()
                .map(|e| format!("`{e}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    if let Some(r) = m
        .retries
        .first()
        .filter(|r| r.attempts > m.limits.max_attempts)
    {
        let leaf = r.path.last().cloned().unwrap_or_default();
        wrong.push(format!(
            "One request to `{}` can become {} calls to `{leaf}`: retries multiply along {}.",
            r.entrypoint,
            r.attempts,
            r.path.join(" -> ")
        ));
        why.push(format!(
            "When `{leaf}` slows down, retries multiply the load on it {}, which slows it further.",
            times(r.attempts)
        ));
    }
    let mut verdicts: BTreeMap<Verdict, usize> = BTreeMap::new();
    for r in recs {
        *verdicts.entry(r.verdict).or_default() += 1;
    }
    let changes: Vec<String> = verdicts
        .iter()
        .filter(|(v, _)| v.changes())
        .map(|(v, n)| format!("{n} {}", v.describe()))
        .collect();
    if !changes.is_empty() {
        wrong.push(format!(
            "{} of {} edges should change: {}.",
            recs.iter().filter(|r| r.verdict.changes()).count(),
            recs.len(),
            changes.join(", ")
        ));
    }
    let monolith =
        over_depth.is_some() || !m.cycles.is_empty() || !broken.is_empty() || !wide.is_empty();
    let verdict = if monolith {
        "It behaves like a distributed monolith: its services are split apart but still fail, slow down and deploy together.".to_owned()
    } else if errors > 0 || !changes.is_empty() {
        "It is not a distributed monolith, but some edges should change.".to_owned()
    } else {
        "No distributed-monolith problems and no edge to change.".to_owned()
    };
    let first = first_steps(plan, &|_| None);
    Glance {
        coverage: Vec::new(),
        verdict,
        wrong,
        why,
        first,
    }
}
