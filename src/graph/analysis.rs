//! The structure of G_sync, computed once per scan in time linear in services plus edges (plus
//! one traversal per entrypoint for dependencies): request/reply pairs, components, cycles,
//! entrypoints, blast radius. The measures built on it are in [`super::facts`].

use crate::model::{Model, ServiceId};

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
        Analysis {
            request_replies,
            sync,
            components,
            cycles,
            entrypoints,
            dependencies,
            takes_down,
            on_entry_path,
        }
    }

    pub fn is_entrypoint(&self, s: ServiceId) -> bool {
        self.entrypoints.binary_search(&s).is_ok()
    }
}
