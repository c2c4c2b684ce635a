//! Every distributed-monolith measure of a sync graph in one [`Snapshot`], taken before and
//! after a change, overall and per entrypoint, with the paths that explain the numbers.

use crate::model::{Model, ServiceId};

use super::super::chains;
use super::super::measures::{Measures, Summary};
use super::super::reach;
use super::super::sync::SyncGraph;
use super::latency::Latency;

/// The measures of one sync graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    pub measures: Measures,
    pub summary: Summary,
    /// The longest sync chain of any entrypoint, its services in order.
    pub longest: Vec<ServiceId>,
    /// The entrypoint with the lowest availability ceiling.
    pub lowest_ceiling: Option<ServiceId>,
    /// The entrypoint whose requests multiply the most, and that chain's services.
    pub worst_retries: Option<(ServiceId, Vec<ServiceId>)>,
    /// Per entrypoint, in the order given: hard sync dependencies.
    pub dependencies: Vec<usize>,
    /// Per entrypoint: estimated answer time in milliseconds (see [`Latency`]).
    pub latency_ms: Vec<f64>,
}

impl Snapshot {
    pub fn of(
        model: &Model,
        sync: &SyncGraph,
        entrypoints: &[ServiceId],
        default_availability: f64,
        default_processing_ms: f64,
    ) -> Snapshot {
        let measures = Measures::of(model, sync, entrypoints, default_availability);
        let summary = measures.summary();
        let comps = sync.components();
        let depths = chains::depths(sync, &comps);
        let retries = chains::retry_products(sync, &comps);
        // The deepest chain; between equally deep ones the slowest.
        let own = |s: ServiceId| {
            model
                .service(s)
                .processing_ms
                .unwrap_or(default_processing_ms)
        };
        let longest = measures
            .per_entry
            .iter()
            .filter(|m| m.depth > 0)
            .map(|m| {
                let services = chains::follow(sync, &comps, &depths, m.entry).services(sync);
                let ms: f64 = services.iter().map(|&s| own(s)).sum();
                (m.depth, ms, m.entry, services)
            })
            .max_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(b.2.cmp(&a.2)))
            .map_or_else(Vec::new, |(_, _, _, services)| services);
        let lowest_ceiling = measures
            .per_entry
            .iter()
            .filter(|m| m.ceiling < 1.0)
            .min_by(|a, b| a.ceiling.total_cmp(&b.ceiling).then(a.entry.cmp(&b.entry)))
            .map(|m| m.entry);
        let worst_retries = measures
            .per_entry
            .iter()
            .filter(|m| m.attempts > 1.0)
            .max_by(|a, b| {
                a.attempts
                    .total_cmp(&b.attempts)
                    .then(b.entry.cmp(&a.entry))
            })
            .map(|m| {
                let chain = chains::follow(sync, &comps, &retries, m.entry);
                (m.entry, chain.services(sync))
            });
        let latency = Latency::estimate(sync, &comps, own);
        Snapshot {
            summary,
            longest,
            lowest_ceiling,
            worst_retries,
            dependencies: entrypoints
                .iter()
                .map(|&e| reach::hard_dependencies(sync, e).len())
                .collect(),
            latency_ms: entrypoints.iter().map(|&e| latency.of(&comps, e)).collect(),
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
        let snap = Snapshot::of(&model, &g, &[ServiceId(0)], 0.999, 10.0);
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
