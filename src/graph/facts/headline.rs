//! The headline measures of a sync graph: per entrypoint its longest chain, availability
//! ceiling and retry product, plus the sync cycles and who fails with whom. The migration plan
//! compares them from one step to the next, many times over; [`Facts`] adds answer times and
//! load on top of the same [`Shape`].

use crate::model::{Model, ServiceId};

use super::super::chains::{self, Chain};
use super::super::cycles;
use super::super::reach;
use super::super::sync::{Components, SyncGraph};
use super::{Defaults, Dependencies, Facts, Summary, Uses, attempts, ceiling};

/// One entrypoint's headline measures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EntryHeadline {
    pub entry: ServiceId,
    /// Hops of its longest sync chain.
    pub depth: usize,
    /// Product of the availabilities of its hard dependencies.
    pub ceiling: f64,
    /// Largest product of attempts along a chain from it.
    pub attempts: f64,
}

/// The headline measures of one sync graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Headline {
    pub per_entry: Vec<EntryHeadline>,
    pub sync_cycles: usize,
    /// The service whose failure takes down the most entrypoints, and how many.
    pub worst_blast_radius: Option<(ServiceId, usize)>,
    /// For each service, the entrypoints that fail when it fails.
    pub takes_down: Vec<Vec<ServiceId>>,
}

impl Headline {
    /// The headline measures of `sync` seen from `entrypoints`: the figures [`Facts::of`]
    /// gives for them, without working out times and load.
    pub fn of(
        model: &Model,
        sync: &SyncGraph,
        entrypoints: &[ServiceId],
        defaults: Defaults,
    ) -> Headline {
        let shape = Shape::of(model, sync, entrypoints, defaults);
        Headline {
            per_entry: shape
                .per_entry
                .iter()
                .map(|e| EntryHeadline {
                    entry: e.entry,
                    depth: e.longest.hops(),
                    ceiling: e.ceiling,
                    attempts: e.attempts,
                })
                .collect(),
            sync_cycles: shape.sync_cycles,
            worst_blast_radius: shape.worst_blast_radius,
            takes_down: shape.takes_down,
        }
    }

    /// The same figures, read off facts already computed.
    pub fn from_facts(facts: &Facts) -> Headline {
        Headline {
            per_entry: facts
                .per_entry
                .iter()
                .map(|e| EntryHeadline {
                    entry: e.entry,
                    depth: e.depth,
                    ceiling: e.ceiling,
                    attempts: e.attempts,
                })
                .collect(),
            sync_cycles: facts.sync_cycles,
            worst_blast_radius: facts.worst_blast_radius,
            takes_down: facts.takes_down.clone(),
        }
    }

    pub fn entry(&self, s: ServiceId) -> Option<&EntryHeadline> {
        self.per_entry.iter().find(|m| m.entry == s)
    }

    pub fn summary(&self) -> Summary {
        Summary::of(
            self.per_entry
                .iter()
                .map(|m| (m.depth, m.ceiling, m.attempts)),
            self.sync_cycles,
            self.worst_blast_radius,
        )
    }
}

impl Summary {
    /// The headline numbers from each entrypoint's (depth, ceiling, attempts).
    pub(super) fn of(
        rows: impl Iterator<Item = (usize, f64, f64)>,
        sync_cycles: usize,
        worst_blast_radius: Option<(ServiceId, usize)>,
    ) -> Summary {
        let mut longest = 0;
        let mut lowest: Option<f64> = None;
        let mut retries = 1.0;
        for (depth, ceiling, attempts) in rows {
            longest = longest.max(depth);
            if lowest.is_none_or(|l| ceiling.total_cmp(&l).is_lt()) {
                lowest = Some(ceiling);
            }
            retries = f64::max(retries, attempts);
        }
        Summary {
            longest_sync_chain: longest,
            sync_cycles,
            worst_blast_radius: worst_blast_radius.map_or(0, |(_, n)| n),
            lowest_availability_ceiling: lowest.map(|c| (c * 1e6).round() / 1e4),
            max_retry_amplification: retries,
        }
    }
}

/// What [`Facts`] and [`Headline`] both start from.
pub(super) struct Shape {
    pub comps: Components,
    pub per_entry: Vec<EntryShape>,
    pub sync_cycles: usize,
    pub worst_blast_radius: Option<(ServiceId, usize)>,
    pub takes_down: Vec<Vec<ServiceId>>,
}

pub(super) struct EntryShape {
    pub entry: ServiceId,
    pub longest: Chain,
    pub retry_chain: Chain,
    pub dependencies: Dependencies,
    pub ceiling: f64,
    pub attempts: f64,
}

impl Shape {
    pub fn of(
        model: &Model,
        sync: &SyncGraph,
        entrypoints: &[ServiceId],
        defaults: Defaults,
    ) -> Shape {
        let comps = sync.components();
        let depths = chains::depths(sync, &comps);
        let retries = chains::retry_products(sync, &comps);
        let uses = Uses::of(model);
        let deps: Vec<Vec<ServiceId>> = entrypoints
            .iter()
            .map(|&e| reach::hard_dependencies(sync, e))
            .collect();
        let per_entry = entrypoints
            .iter()
            .zip(&deps)
            .map(|(&entry, needs)| {
                let retry_chain = chains::follow(sync, &comps, &retries, entry);
                let dependencies = uses.dependencies(entry, needs);
                EntryShape {
                    entry,
                    longest: chains::follow(sync, &comps, &depths, entry),
                    ceiling: ceiling(model, defaults, &dependencies),
                    dependencies,
                    attempts: attempts(sync, &retry_chain),
                    retry_chain,
                }
            })
            .collect();
        let down = reach::blast_radius(sync, entrypoints, &deps);
        let worst_blast_radius = down
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.is_empty())
            .max_by(|(a, da), (b, db)| da.len().cmp(&db.len()).then(b.cmp(a)))
            .map(|(i, d)| (ServiceId(i as u32), d.len()));
        Shape {
            sync_cycles: cycles::find(sync, &comps).len(),
            comps,
            per_entry,
            worst_blast_radius,
            takes_down: down,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::facts::tests::mixed_graph;

    /// A cycle, a diamond, retries and a soft edge: the headline is what the full facts say.
    #[test]
    fn the_headline_is_what_the_facts_say() {
        let (g, model, entries) = mixed_graph();
        let facts = Facts::of(&model, &g, &entries, Defaults::default());
        let headline = Headline::of(&model, &g, &entries, Defaults::default());
        assert_eq!(headline, Headline::from_facts(&facts));
        assert_eq!(headline.summary(), facts.summary());
        assert_eq!(headline.sync_cycles, 1);
        assert_eq!(headline.entry(ServiceId(0)).map(|m| m.depth), Some(5));
    }
}
