//! Stage 4, rules: each rule reads the model and the graph and returns findings. Rules are pure:
//! no I/O, no printing, no panics on user data.
//!
//! A rule's metadata and documentation live in `rules/<ID>.yaml` (see [`catalog`]); its
//! detection lives in one file here, registered in [`REGISTRY`].

pub mod catalog;
mod dangling_channel;
mod missing_contract;

use crate::finding::{Finding, RuleId};
use crate::graph::Graph;
use crate::model::Model;

/// What every rule reads.
pub struct Context<'a> {
    pub model: &'a Model,
    pub graph: &'a Graph,
}

/// Where a rule's findings come from.
#[derive(Debug, Clone, Copy)]
pub enum Detection {
    /// Found while reading files or resolving names (`load/`, `model/`).
    WhileLoading,
    /// A check over the model and graph.
    Check(fn(&Context) -> Vec<Finding>),
}

/// Every rule with its detection, in ID order. A test checks it against the catalogue.
pub const REGISTRY: &[(RuleId, Detection)] = &[
    (catalog::INVALID_INPUT, Detection::WhileLoading),
    (catalog::UNKNOWN_SERVICE, Detection::WhileLoading),
    (catalog::UNKNOWN_OPERATION, Detection::WhileLoading),
    (
        catalog::MISSING_CONTRACT,
        Detection::Check(missing_contract::check),
    ),
    (
        catalog::DANGLING_CHANNEL,
        Detection::Check(dangling_channel::check),
    ),
];

/// Runs every check rule.
pub fn run(ctx: &Context) -> Vec<Finding> {
    REGISTRY
        .iter()
        .filter_map(|(_, detection)| match detection {
            Detection::Check(check) => Some(check(ctx)),
            Detection::WhileLoading => None,
        })
        .flatten()
        .collect()
}
