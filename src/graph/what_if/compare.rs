//! Every distributed-monolith measure of a sync graph in one [`Snapshot`], taken before and
//! after a change, overall and per entrypoint, with the paths that explain the numbers.

use crate::model::{Model, ServiceId};

use super::super::facts::{Defaults, Facts, Summary};
use super::super::sync::SyncGraph;

/// The measures of one sync graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub measures: Facts,
    pub summary: Summary,
    /// The longest sync chain of any entrypoint, its services in order.
    pub longest: Vec<ServiceId>,
    /// The entrypoint with the lowest availability ceiling.
    pub lowest_ceiling: Option<ServiceId>,
    /// The entrypoint whose requests multiply the most, and that chain's services.
    pub worst_retries: Option<(ServiceId, Vec<ServiceId>)>,
    /// Per entrypoint, in the order given: hard dependencies (services, datastores, brokers).
    pub dependencies: Vec<usize>,
    /// Per entrypoint: estimated answer time in milliseconds.
    pub latency_ms: Vec<f64>,
}

impl Snapshot {
    pub fn of(
        model: &Model,
        sync: &SyncGraph,
        entrypoints: &[ServiceId],
        defaults: Defaults,
    ) -> Snapshot {
        let measures = Facts::of(model, sync, entrypoints, defaults);
        Snapshot {
            summary: measures.summary(),
            longest: measures
                .deepest()
                .map_or_else(Vec::new, |m| m.longest.services(sync)),
            lowest_ceiling: measures.lowest_ceiling().map(|m| m.entry),
            worst_retries: measures
                .worst_retries()
                .map(|m| (m.entry, m.retry_chain.services(sync))),
            dependencies: measures
                .per_entry
                .iter()
                .map(|m| m.dependencies.len())
                .collect(),
            latency_ms: measures.per_entry.iter().map(|m| m.latency_ms).collect(),
            measures,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::chains::tests::graph;

    #[test]
    fn a_snapshot_names_the_paths_behind_its_numbers() {
        let g = graph(4, &[(0, 1, 2), (1, 2, 2), (2, 3, 0)]);
        let mut model = Model::default();
        for i in 0..4 {
            model.services.push(crate::model::Service {
                availability: Some(0.999),
                processing_ms: Some(10.0),
                ..crate::model::Service::named(
                    format!("s{i}"),
                    crate::source::Span::file_start(crate::source::SourceId(0)),
                )
            });
        }
        let snap = Snapshot::of(&model, &g, &[ServiceId(0)], Defaults::default());
        assert_eq!(snap.summary.longest_sync_chain, 3);
        assert_eq!(snap.longest.len(), 4);
        assert_eq!(snap.dependencies, vec![3]);
        assert_eq!(snap.latency_ms, vec![40.0]);
        assert_eq!(snap.lowest_ceiling, Some(ServiceId(0)));
        assert_eq!(
            snap.worst_retries.as_ref().map(|(_, p)| p.len()),
            Some(4),
            "9 attempts along 0 -> 1 -> 2 -> 3"
        );
    }
}
