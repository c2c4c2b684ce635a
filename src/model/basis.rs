//! What a finding rests on: the provenance of the edges it concerns (its subject), and of the
//! calls, publications and subscriptions its locations point at (the hops of a chain), so a
//! finding drawn from an inferred edge says so. Services count only through their edges: that
//! a workload exists is rarely in doubt, what it calls is.

use std::collections::BTreeMap;

use crate::diagnostics::{Finding, Item};
use crate::source::Span;

use super::{Model, Provenance};

/// The provenance of every edge, by the span it was declared at.
pub struct Basis<'a> {
    model: &'a Model,
    at: BTreeMap<Span, &'a Provenance>,
}

impl<'a> Basis<'a> {
    pub fn new(model: &'a Model) -> Basis<'a> {
        let mut at = BTreeMap::new();
        let edges = model
            .calls
            .iter()
            .map(|c| (c.span, &c.provenance))
            .chain(model.publications.iter().map(|p| (p.span, &p.provenance)))
            .chain(model.subscriptions.iter().map(|s| (s.span, &s.provenance)))
            .chain(model.observed.calls.iter().map(|c| (c.at, &c.provenance)))
            .chain(
                model
                    .observed
                    .messages
                    .iter()
                    .map(|m| (m.at, &m.provenance)),
            )
            .chain(
                model
                    .observed
                    .consumed
                    .iter()
                    .map(|c| (c.at, &c.provenance)),
            );
        for (span, provenance) in edges {
            // Two edges declared on one line: the weaker speaks for the line.
            at.entry(span)
                .and_modify(|p: &mut &Provenance| {
                    if provenance.is_inferred() {
                        *p = provenance;
                    }
                })
                .or_insert(provenance);
        }
        Basis { model, at }
    }

    /// The weakest provenance among what `finding` concerns and points at.
    pub fn of(&self, finding: &Finding) -> Option<Provenance> {
        let m = self.model;
        let items = finding.subject.items().filter_map(|item| match item {
            Item::Call(id) => m.calls.get(id.index()).map(|c| &c.provenance),
            Item::Publication(id) => m.publications.get(id.index()).map(|p| &p.provenance),
            Item::Subscription(id) => m.subscriptions.get(id.index()).map(|s| &s.provenance),
            Item::Service(_)
            | Item::Broker(_)
            | Item::Datastore(_)
            | Item::Channel(_)
            | Item::File(_)
            | Item::Name(_)
            | Item::Key(_) => None,
        });
        let spans = finding
            .span
            .iter()
            .chain(finding.related.iter().map(|r| &r.span))
            .filter_map(|s| self.at.get(s).copied());
        Provenance::weakest(items.chain(spans))
    }
}
