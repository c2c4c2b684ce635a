//! The distributed-monolith measures of a sync graph: longest chain, sync cycles, worst blast
//! radius, lowest availability ceiling and retry amplification, overall and per entrypoint.
//! Computed for the graph as declared, and again for "what if this edge were async".

use serde::Serialize;

use crate::model::{Model, ServiceId};

use super::chains;
use super::cycles;
use super::reach;
use super::sync::SyncGraph;

/// One entrypoint's view.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryMeasures {
    pub entry: ServiceId,
    /// Hops of its longest sync chain.
    pub depth: usize,
    /// Product of the availabilities of its hard sync dependencies.
    pub ceiling: f64,
    /// Largest product of attempts (1 + retries) along a chain from it.
    pub attempts: f64,
}

/// The measures of one sync graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    pub per_entry: Vec<EntryMeasures>,
    pub sync_cycles: usize,
    /// The service whose failure takes down the most entrypoints, and how many.
    pub worst_blast_radius: Option<(ServiceId, usize)>,
}

/// The headline numbers, as reports and diffs print them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub longest_sync_chain: usize,
    pub sync_cycles: usize,
    pub worst_blast_radius: usize,
    /// Percent, when any entrypoint depends on something.
    pub lowest_availability_ceiling: Option<f64>,
    pub max_retry_amplification: f64,
}

impl Measures {
    /// Measures `sync` from `entrypoints`; services without an SLO count at `default_availability`
    /// (a fraction).
    pub fn of(
        model: &Model,
        sync: &SyncGraph,
        entrypoints: &[ServiceId],
        default_availability: f64,
    ) -> Measures {
        let comps = sync.components();
        let depths = chains::depths(sync, &comps);
        let retries = chains::retry_products(sync, &comps);
        let deps: Vec<Vec<ServiceId>> = entrypoints
            .iter()
            .map(|&e| reach::hard_dependencies(sync, e))
            .collect();
        let per_entry = entrypoints
            .iter()
            .zip(&deps)
            .map(|(&entry, needs)| EntryMeasures {
                entry,
                depth: chains::follow(sync, &comps, &depths, entry).hops(),
                ceiling: needs
                    .iter()
                    .map(|&s| {
                        model
                            .service(s)
                            .availability
                            .unwrap_or(default_availability)
                    })
                    .product(),
                attempts: chains::follow(sync, &comps, &retries, entry)
                    .edges
                    .iter()
                    .map(|&e| 1.0 + f64::from(sync.edge(e).retries))
                    .product(),
            })
            .collect();
        let down = reach::blast_radius(sync, entrypoints, &deps);
        let worst_blast_radius = down
            .iter()
            .enumerate()
            .filter(|(_, d)| !d.is_empty())
            .max_by(|(a, da), (b, db)| da.len().cmp(&db.len()).then(b.cmp(a)))
            .map(|(i, d)| (ServiceId(i as u32), d.len()));
        Measures {
            per_entry,
            sync_cycles: cycles::find(sync, &comps).len(),
            worst_blast_radius,
        }
    }

    pub fn entry(&self, s: ServiceId) -> Option<&EntryMeasures> {
        self.per_entry.iter().find(|m| m.entry == s)
    }

    pub fn summary(&self) -> Summary {
        Summary {
            longest_sync_chain: self.per_entry.iter().map(|m| m.depth).max().unwrap_or(0),
            sync_cycles: self.sync_cycles,
            worst_blast_radius: self.worst_blast_radius.map_or(0, |(_, n)| n),
            lowest_availability_ceiling: self
                .per_entry
                .iter()
                .map(|m| m.ceiling)
                .min_by(f64::total_cmp)
                .map(|c| (c * 1e6).round() / 1e4),
            max_retry_amplification: self
                .per_entry
                .iter()
                .map(|m| m.attempts)
                .fold(1.0, f64::max),
        }
    }
}

/// The same graph without one edge: what the system looks like once that call is async.
pub fn without(sync: &SyncGraph, edge: usize) -> SyncGraph {
    let edges = sync
        .edges
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != edge)
        .map(|(_, e)| e.clone())
        .collect();
    SyncGraph::from_edges(sync.len(), edges)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::chains::tests::graph;

    #[test]
    fn removing_an_edge_shortens_the_chain() {
        let g = graph(4, &[(0, 1, 2), (1, 2, 2), (2, 3, 2)]);
        let model = test_model(4);
        let before = Measures::of(&model, &g, &[ServiceId(0)], 0.999);
        assert_eq!(before.summary().longest_sync_chain, 3);
        assert_eq!(before.summary().max_retry_amplification, 27.0);
        let after = Measures::of(&model, &without(&g, 1), &[ServiceId(0)], 0.999);
        assert_eq!(after.summary().longest_sync_chain, 1);
        assert!(after.per_entry[0].ceiling > before.per_entry[0].ceiling);
    }

    fn test_model(n: usize) -> Model {
        let mut model = Model::default();
        for i in 0..n {
            model.services.push(crate::model::Service::named(
                format!("s{i}"),
                crate::source::Span::file_start(crate::source::SourceId(0)),
            ));
        }
        model
    }
}
