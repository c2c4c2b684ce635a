//! Everything the rules ask of G_sync, computed once per scan in time linear in services plus
//! edges (plus one traversal per entrypoint for dependencies).

use crate::model::{Model, ServiceId};

use super::chains::{self, Best, Chain};
use super::cycles::{self, Cycle};
use super::reach;
use super::request_reply::{self, RequestReply};
use super::sync::{self, Components, SyncGraph};

#[derive(Debug, Clone, Default)]
pub struct Analysis {
    pub request_replies: Vec<RequestReply>,
    pub sync: SyncGraph,
    pub components: Components,
    pub cycles: Vec<Cycle>,
    /// Sorted.
    pub entrypoints: Vec<ServiceId>,
    /// Hard dependencies of each entrypoint, in the order of `entrypoints`.
    pub dependencies: Vec<Vec<ServiceId>>,
    /// For each service, the entrypoints that fail when it fails.
    pub takes_down: Vec<Vec<ServiceId>>,
    /// For each service, whether some entrypoint reaches it over sync edges.
    pub on_entry_path: Vec<bool>,
    depths: Best,
    retries: Best,
}

impl Analysis {
    pub fn build(model: &Model) -> Analysis {
        let request_replies = request_reply::find(model);
        let sync = SyncGraph::build(model, &request_replies);
        let components = sync.components();
        let cycles = cycles::find(&sync, &components);
        let entrypoints = sync::entrypoints(model);
        let dependencies: Vec<Vec<ServiceId>> = entrypoints
            .iter()
            .map(|&e| reach::hard_dependencies(&sync, e))
            .collect();
        let takes_down = reach::blast_radius(&sync, &entrypoints, &dependencies);
        let on_entry_path = reach::reached_from(&sync, &entrypoints);
        let depths = chains::depths(&sync, &components);
        let retries = chains::retry_products(&sync, &components);
        Analysis {
            request_replies,
            sync,
            components,
            cycles,
            entrypoints,
            dependencies,
            takes_down,
            on_entry_path,
            depths,
            retries,
        }
    }

    /// The longest sync chain starting at `s`.
    pub fn longest_chain(&self, s: ServiceId) -> Chain {
        chains::follow(&self.sync, &self.components, &self.depths, s)
    }

    /// The chain starting at `s` whose attempts multiply the most.
    pub fn worst_retry_chain(&self, s: ServiceId) -> Chain {
        chains::follow(&self.sync, &self.components, &self.retries, s)
    }

    /// Product of (1 + retries) along a chain.
    pub fn attempts(&self, chain: &Chain) -> f64 {
        chain
            .edges
            .iter()
            .map(|&e| 1.0 + f64::from(self.sync.edge(e).retries))
            .product()
    }

    pub fn is_entrypoint(&self, s: ServiceId) -> bool {
        self.entrypoints.binary_search(&s).is_ok()
    }

    pub fn dependencies_of(&self, entry: ServiceId) -> &[ServiceId] {
        self.entrypoints
            .binary_search(&entry)
            .map_or(&[], |i| &self.dependencies[i])
    }
}
