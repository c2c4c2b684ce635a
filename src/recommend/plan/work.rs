//! The plan as it is built: the sync edges taken off so far, the findings resolved so far, and
//! the measures of the system they leave.

use std::collections::{BTreeMap, BTreeSet};

use crate::audit::Audit;
use crate::graph::facts::{Facts, Summary};
use crate::graph::sync::{SyncGraph, Via};
use crate::graph::what_if::without_edges;
use crate::model::{CallId, ServiceId};
use crate::recommend::Recommendation;
use crate::rules::deep_sync_chain;
use crate::source::Span;

use super::measure::{Improvement, improvements};

/// The plan as it is built: the sync edges taken off so far and what each finding became.
pub(crate) struct Work<'a> {
    pub audit: &'a Audit,
    pub recs: &'a [Recommendation],
    pub removed: BTreeSet<usize>,
    /// Findings a step resolves, by index into the audit's findings.
    pub resolved: BTreeSet<usize>,
    pub max_depth: f64,
    /// The G_sync edge of each call.
    pub sync_of_call: BTreeMap<CallId, usize>,
}

impl<'a> Work<'a> {
    pub(super) fn new(audit: &'a Audit, recs: &'a [Recommendation]) -> Self {
        let sync_of_call = audit
            .analysis
            .sync
            .edges
            .iter()
            .enumerate()
            .filter_map(|(i, e)| match e.via {
                Via::Call(c) => Some((c, i)),
                Via::RequestReply(_) => None,
            })
            .collect();
        Work {
            audit,
            recs,
            removed: BTreeSet::new(),
            resolved: BTreeSet::new(),
            max_depth: f64::from(
                audit
                    .config
                    .rule_options::<deep_sync_chain::Options>()
                    .max_depth,
            ),
            sync_of_call,
        }
    }

    /// G_sync without the edges removed so far (and `extra`), with the original index of each
    /// edge kept.
    pub fn graph(&self, extra: &[usize]) -> (SyncGraph, Vec<usize>) {
        let mut removed = self.removed.clone();
        removed.extend(extra.iter().copied());
        without_edges(&self.audit.analysis.sync, &removed)
    }

    pub fn measures(&self, extra: &[usize]) -> Facts {
        let (g, _) = self.graph(extra);
        Facts::of(
            &self.audit.model,
            &g,
            &self.audit.analysis.entrypoints,
            self.audit.facts.defaults,
        )
    }

    pub fn summary(&self) -> Summary {
        self.measures(&[]).summary()
    }

    /// Takes `edges` off the synchronous path and says what improved.
    pub fn remove(&mut self, edges: &[usize]) -> Vec<Improvement> {
        let before = self.measures(&[]);
        self.removed.extend(edges.iter().copied());
        let after = self.measures(&[]);
        improvements(&self.audit.model, &before, &after)
    }

    pub fn name(&self, s: ServiceId) -> &'a str {
        self.audit.model.name(s)
    }

    /// Marks the findings of `rules` at `spans` (or about `service`, for findings with no
    /// call of their own) as resolved, and names them.
    pub fn resolve(
        &mut self,
        rules: &[&str],
        spans: &[Span],
        service: Option<&str>,
    ) -> Vec<String> {
        let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
        for (i, f) in self.audit.findings.iter().enumerate() {
            if !rules.contains(&f.rule.0) || self.resolved.contains(&i) {
                continue;
            }
            let at = f.span.is_some_and(|s| spans.contains(&s));
            let about = service.is_some_and(|s| f.services.first().is_some_and(|n| n == s));
            if at || about {
                self.resolved.insert(i);
                *counts.entry(f.rule.0).or_default() += 1;
            }
        }
        counts
            .into_iter()
            .map(|(rule, n)| finding_label(rule, n))
            .collect()
    }
}

/// `CA301 sync-side-effect` or `2 x CA302 internal-rest`.
pub(crate) fn finding_label(rule: &'static str, n: usize) -> String {
    let name = crate::diagnostics::catalog::name_of(crate::diagnostics::RuleId(rule));
    if n == 1 {
        format!("{rule} {name}")
    } else {
        format!("{n} x {rule} {name}")
    }
}
