//! The facts layer: every measure of a sync graph, defined once (see `docs/measures.md`) and
//! read by the rules, the recommender, the plan, the reports and what-if. Per entrypoint: its
//! longest chain and the processing along it, its hard dependencies (services, datastores,
//! brokers) and the availability ceiling they leave, its worst retry product, its expected and
//! worst-case answer times, and the calls one request makes; per service, the load it receives.
//! Computed for the graph as declared, and again for "what if this edge were async".
//!
//! Every algorithm here runs on the condensation of G_sync: linear in services plus edges, plus
//! one traversal per entrypoint. Paths are never enumerated.

pub mod cost;
pub mod headline;
pub mod latency;
pub mod load;
pub mod removal;
pub mod stream;
pub mod uses;

use serde::Serialize;

use crate::model::{BrokerId, DatastoreId, Model, ServiceId};

use super::assumptions::Assumptions;
use super::chains::Chain;
use super::sync::{Components, SyncGraph};
use headline::Shape;
pub use headline::{EntryHeadline, Headline};
use latency::Latency;
use load::Load;
pub use uses::Uses;

/// The figures used where the inputs are silent, as fractions and milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Defaults {
    /// Availability of a service without an SLO (0.999).
    pub availability: f64,
    /// Processing time of a service that declares no `processing_ms`.
    pub processing_ms: f64,
    pub datastore_availability: f64,
    pub broker_availability: f64,
}

impl Defaults {
    pub fn of(a: &Assumptions) -> Defaults {
        Defaults {
            availability: a.default_availability / 100.0,
            processing_ms: a.default_processing_ms,
            datastore_availability: a.datastore_availability / 100.0,
            broker_availability: a.broker_availability / 100.0,
        }
    }
}

impl Default for Defaults {
    fn default() -> Self {
        Defaults::of(&Assumptions::default())
    }
}

/// What an entrypoint cannot answer without, directly or through hard sync calls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Dependencies {
    /// Sorted, without the entrypoint itself.
    pub services: Vec<ServiceId>,
    /// Datastores the entrypoint or those services use; sorted.
    pub datastores: Vec<DatastoreId>,
    /// Brokers the entrypoint or those services publish to; sorted.
    pub brokers: Vec<BrokerId>,
}

impl Dependencies {
    pub fn len(&self) -> usize {
        self.services.len() + self.datastores.len() + self.brokers.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One entrypoint's facts.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryFacts {
    pub entry: ServiceId,
    /// Hops of its longest sync chain.
    pub depth: usize,
    /// That chain.
    pub longest: Chain,
    /// Processing time summed along that chain, defaults applied.
    pub chain_ms: f64,
    pub dependencies: Dependencies,
    /// Product of the availabilities of its hard dependencies.
    pub ceiling: f64,
    /// Largest product of attempts (1 + retries) along a chain from it.
    pub attempts: f64,
    /// The chain with that product.
    pub retry_chain: Chain,
    /// Estimated answer time: processing along its slowest sync path.
    pub latency_ms: f64,
    /// Longest it can take to answer when every call waits out its timeout on every attempt.
    pub worst_case_ms: f64,
    /// Sync calls one request makes, counted over the whole call tree (retries not counted).
    pub calls_per_request: f64,
}

/// The facts of one sync graph.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    pub defaults: Defaults,
    pub per_entry: Vec<EntryFacts>,
    pub sync_cycles: usize,
    /// The service whose failure takes down the most entrypoints, and how many.
    pub worst_blast_radius: Option<(ServiceId, usize)>,
    /// For each service, the entrypoints that fail when it fails.
    pub takes_down: Vec<Vec<ServiceId>>,
    pub components: Components,
    /// Expected answer times.
    pub latency: Latency,
    /// Worst-case answer time of every service, in milliseconds.
    pub worst_case_ms: Vec<f64>,
    /// Requests per second into every service.
    pub load: Vec<Load>,
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

impl Facts {
    /// The facts of `sync` seen from `entrypoints`.
    pub fn of(
        model: &Model,
        sync: &SyncGraph,
        entrypoints: &[ServiceId],
        defaults: Defaults,
    ) -> Facts {
        let shape = Shape::of(model, sync, entrypoints, defaults);
        let comps = shape.comps;
        let processing = |s: ServiceId| processing_ms(model, defaults, s);
        let latency = Latency::estimate(sync, &comps, processing);
        let worst_case_ms = latency::worst_case(sync, &comps, processing);
        let load = load::of(sync, &comps);
        let per_entry = shape
            .per_entry
            .into_iter()
            .map(|e| EntryFacts {
                entry: e.entry,
                depth: e.longest.hops(),
                chain_ms: e.longest.services(sync).into_iter().map(processing).sum(),
                longest: e.longest,
                ceiling: e.ceiling,
                dependencies: e.dependencies,
                attempts: e.attempts,
                retry_chain: e.retry_chain,
                latency_ms: latency.of(&comps, e.entry),
                worst_case_ms: worst_case_ms[e.entry.index()],
                calls_per_request: load::calls_per_request(sync, &comps, e.entry),
            })
            .collect();
        Facts {
            defaults,
            per_entry,
            sync_cycles: shape.sync_cycles,
            worst_blast_radius: shape.worst_blast_radius,
            takes_down: shape.takes_down,
            components: comps,
            latency,
            worst_case_ms,
            load,
        }
    }

    pub fn entry(&self, s: ServiceId) -> Option<&EntryFacts> {
        self.per_entry.iter().find(|m| m.entry == s)
    }

    /// The entrypoint with the deepest chain; between equally deep ones the slowest.
    pub fn deepest(&self) -> Option<&EntryFacts> {
        self.per_entry
            .iter()
            .filter(|m| m.depth > 0)
            .max_by(|a, b| {
                a.depth
                    .cmp(&b.depth)
                    .then(a.chain_ms.total_cmp(&b.chain_ms))
                    .then(b.entry.cmp(&a.entry))
            })
    }

    /// The entrypoint with the lowest availability ceiling below 100%.
    pub fn lowest_ceiling(&self) -> Option<&EntryFacts> {
        self.per_entry
            .iter()
            .filter(|m| m.ceiling < 1.0)
            .min_by(|a, b| a.ceiling.total_cmp(&b.ceiling).then(a.entry.cmp(&b.entry)))
    }

    /// The entrypoint whose requests multiply the most through retries.
    pub fn worst_retries(&self) -> Option<&EntryFacts> {
        self.per_entry
            .iter()
            .filter(|m| m.attempts > 1.0)
            .max_by(|a, b| {
                a.attempts
                    .total_cmp(&b.attempts)
                    .then(b.entry.cmp(&a.entry))
            })
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

/// A service's own processing time, the default when it declares none.
pub fn processing_ms(model: &Model, defaults: Defaults, s: ServiceId) -> f64 {
    model
        .service(s)
        .processing_ms
        .unwrap_or(defaults.processing_ms)
}

/// A service's availability, the default when it declares no SLO.
pub fn availability(model: &Model, defaults: Defaults, s: ServiceId) -> f64 {
    model
        .service(s)
        .availability
        .unwrap_or(defaults.availability)
}

/// The availability ceiling: the product of the availabilities of every hard dependency.
pub fn ceiling(model: &Model, defaults: Defaults, deps: &Dependencies) -> f64 {
    let services: f64 = deps
        .services
        .iter()
        .map(|&s| availability(model, defaults, s))
        .product();
    let datastores: f64 = deps
        .datastores
        .iter()
        .map(|&d| datastore_availability(model, defaults, d))
        .product();
    let brokers: f64 = deps
        .brokers
        .iter()
        .map(|&b| broker_availability(model, defaults, b))
        .product();
    services * datastores * brokers
}

/// A datastore's availability, the default when it declares none.
pub fn datastore_availability(model: &Model, defaults: Defaults, d: DatastoreId) -> f64 {
    model
        .datastore(d)
        .availability
        .unwrap_or(defaults.datastore_availability)
}

/// A broker's availability, the default when it declares none.
pub fn broker_availability(model: &Model, defaults: Defaults, b: BrokerId) -> f64 {
    model
        .broker(b)
        .availability
        .unwrap_or(defaults.broker_availability)
}

/// Product of (1 + retries) along a chain.
pub fn attempts(sync: &SyncGraph, chain: &Chain) -> f64 {
    chain
        .edges
        .iter()
        .map(|&e| 1.0 + f64::from(sync.edge(e).retries))
        .product()
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
        let before = Facts::of(&model, &g, &[ServiceId(0)], Defaults::default());
        assert_eq!(before.summary().longest_sync_chain, 3);
        assert_eq!(before.summary().max_retry_amplification, 27.0);
        assert_eq!(before.per_entry[0].chain_ms, 40.0);
        assert_eq!(before.per_entry[0].calls_per_request, 3.0);
        let after = Facts::of(
            &model,
            &without(&g, 1),
            &[ServiceId(0)],
            Defaults::default(),
        );
        assert_eq!(after.summary().longest_sync_chain, 1);
        assert!(after.per_entry[0].ceiling > before.per_entry[0].ceiling);
    }

    #[test]
    fn datastores_and_brokers_lower_the_ceiling() {
        let g = graph(2, &[(0, 1, 0)]);
        let mut model = test_model(2);
        let defaults = Defaults {
            availability: 0.99,
            processing_ms: 10.0,
            datastore_availability: 0.9,
            broker_availability: 0.8,
        };
        let span = crate::source::Span::file_start(crate::source::SourceId(0));
        model.datastores.push(crate::model::Datastore {
            name: "db".into(),
            kind: "postgres".into(),
            owner: None,
            availability: None,
            span,
            provenance: crate::model::Provenance::manifest(),
        });
        model.accesses.push(crate::model::DatastoreAccess {
            service: ServiceId(1),
            datastore: DatastoreId(0),
            access: crate::model::Access::Read,
            fallback: false,
            span,
            provenance: crate::model::Provenance::manifest(),
        });
        let facts = Facts::of(&model, &g, &[ServiceId(0)], defaults);
        let e = &facts.per_entry[0];
        assert_eq!(e.dependencies.datastores, vec![DatastoreId(0)]);
        assert!((e.ceiling - 0.99 * 0.9).abs() < 1e-12, "{}", e.ceiling);
    }

    /// Seven services with a sync cycle (3 <-> 4), a diamond, retries, a soft edge (0 -> 5)
    /// and two lowered availabilities, seen from entrypoints 0 and 6.
    pub(crate) fn mixed_graph() -> (SyncGraph, Model, [ServiceId; 2]) {
        let mut g = graph(
            7,
            &[
                (0, 1, 1),
                (1, 2, 0),
                (2, 3, 2),
                (1, 3, 0),
                (3, 4, 0),
                (4, 3, 0),
                (4, 5, 0),
                (6, 2, 0),
                (0, 5, 0),
            ],
        );
        g.edges[8].hard = false;
        let g = SyncGraph::from_edges(7, g.edges);
        let mut model = test_model(7);
        model.services[3].availability = Some(0.9);
        model.services[5].availability = Some(0.5);
        (g, model, [ServiceId(0), ServiceId(6)])
    }

    pub(crate) fn test_model(n: usize) -> Model {
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
