//! The plan as it is built: the sync edges taken off so far, the findings resolved so far, and
//! the measures of the system they leave.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::audit::Audit;
use crate::diagnostics::{Item, RuleId};
use crate::graph::facts::{Headline, Summary};
use crate::graph::sync::{SyncGraph, Via};
use crate::graph::what_if::without_edges;
use crate::model::{CallId, ServiceId};
use crate::recommend::Recommendation;
use crate::rules::deep_sync_chain;

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
    /// The headline measures of the graph the steps so far leave, kept from one step to the
    /// next.
    pub current: Headline,
    /// The findings whose identity names each item, so a step finds what it resolves without
    /// reading every finding.
    findings_of: HashMap<&'a Item, Vec<usize>>,
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
        let mut findings_of: HashMap<&'a Item, Vec<usize>> = HashMap::new();
        for (i, f) in audit.findings.iter().enumerate() {
            for item in f.subject.identity() {
                findings_of.entry(item).or_default().push(i);
            }
        }
        Work {
            findings_of,
            current: Headline::from_facts(&audit.facts),
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

    pub fn measures(&self, extra: &[usize]) -> Headline {
        let (g, _) = self.graph(extra);
        Headline::of(
            &self.audit.model,
            &g,
            &self.audit.analysis.entrypoints,
            self.audit.facts.defaults,
        )
    }

    pub fn summary(&self) -> Summary {
        self.current.summary()
    }

    /// Takes `edges` off the synchronous path and says what improved. The measures before are
    /// the ones the last step left: one measure per step.
    pub fn remove(&mut self, edges: &[usize]) -> Vec<Improvement> {
        self.removed.extend(edges.iter().copied());
        let after = self.measures(&[]);
        let before = std::mem::replace(&mut self.current, after);
        improvements(&self.audit.model, &before, &self.current)
    }

    pub fn name(&self, s: ServiceId) -> &'a str {
        self.audit.model.name(s)
    }

    /// Marks the findings of `rules` whose typed subject concerns any of `about` (the calls,
    /// publications or services a step changes) as resolved, and names them.
    pub fn resolve(&mut self, rules: &[RuleId], about: &[Item]) -> Vec<String> {
        let findings = &self.audit.findings;
        let hits: BTreeSet<usize> = about
            .iter()
            .filter_map(|item| self.findings_of.get(item))
            .flatten()
            .copied()
            .filter(|i| rules.contains(&findings[*i].rule) && !self.resolved.contains(i))
            .collect();
        let mut counts: BTreeMap<RuleId, usize> = BTreeMap::new();
        for i in hits {
            self.resolved.insert(i);
            *counts.entry(findings[i].rule).or_default() += 1;
        }
        counts
            .into_iter()
            .map(|(rule, n)| finding_label(rule, n))
            .collect()
    }
}

/// The model item a G_sync edge stands for: its call, or the publication that waits.
pub(crate) fn item_of(via: Via, audit: &Audit) -> Item {
    match via {
        Via::Call(c) => Item::Call(c),
        Via::RequestReply(r) => Item::Publication(audit.analysis.request_replies[r].publication),
    }
}

/// `CA301 sync-side-effect` or `2 x CA302 internal-rest`.
pub(crate) fn finding_label(rule: RuleId, n: usize) -> String {
    let name = crate::diagnostics::catalog::name_of(rule);
    if n == 1 {
        format!("{rule} {name}")
    } else {
        format!("{n} x {rule} {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::catalog::{INTERNAL_REST, SYNC_SIDE_EFFECT};
    use crate::load::{LoadOptions, read::DEFAULT_MAX_FILE_BYTES};

    fn before() -> Audit {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/order-platform/before");
        crate::audit::run(&LoadOptions {
            paths: vec![dir],
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            ..LoadOptions::default()
        })
        .expect("the reference platform loads")
    }

    #[test]
    fn a_step_resolves_the_findings_its_subject_names_once() {
        let audit = before();
        let (i, call) = audit
            .findings
            .iter()
            .enumerate()
            .find_map(|(i, f)| match (f.rule, f.subject.identity()) {
                (INTERNAL_REST, [Item::Call(c), ..]) => Some((i, *c)),
                _ => None,
            })
            .expect("before/ has internal REST");
        let mut work = Work::new(&audit, &[]);
        // Another rule about the same call, or the same rule about another item, is not it.
        assert!(
            work.resolve(&[SYNC_SIDE_EFFECT], &[Item::Call(call)])
                .is_empty()
        );
        let other = Item::Call(CallId(u32::MAX));
        assert!(work.resolve(&[INTERNAL_REST], &[other]).is_empty());
        assert_eq!(
            work.resolve(&[INTERNAL_REST], &[Item::Call(call)]),
            ["CA302 internal-rest"]
        );
        assert!(work.resolved.contains(&i));
        // Resolved once: a later step about the same call names it no more.
        assert!(
            work.resolve(&[INTERNAL_REST], &[Item::Call(call)])
                .is_empty()
        );
    }
}
