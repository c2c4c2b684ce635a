//! Stage 4, rules: each rule reads the model and the graph and returns findings. Rules are pure:
//! no I/O, no printing, no panics on user data.
//!
//! A rule's metadata and documentation live in `rules/<ID>.yaml` (see [`catalog`]); its
//! detection lives in one file here, registered in [`REGISTRY`].

mod availability_ceiling;
mod blast_radius;
mod call_without_timeout;
mod dangling_channel;
mod deep_sync_chain;
mod dlq_without_redrive;
pub mod estimate;
mod grpc_behind_l4;
mod hops;
mod internal_rest;
mod missing_contract;
mod non_idempotent_consumer;
mod polling_for_status;
mod public_non_rest;
mod request_reply_over_queue;
mod retry_amplification;
mod shared_datastore;
mod sync_cycle;
mod sync_fan_out;
mod sync_side_effect;

use crate::config::Config;
use crate::diagnostics::catalog;
use crate::diagnostics::{Finding, RuleId};
use crate::graph::Graph;
use crate::graph::analysis::Analysis;
use crate::model::Model;

/// What every rule reads.
pub struct Context<'a> {
    pub model: &'a Model,
    pub graph: &'a Graph,
    pub analysis: &'a Analysis,
    pub config: &'a Config,
}

/// Where a rule's findings come from.
#[derive(Debug, Clone, Copy)]
pub enum Detection {
    /// Found while reading files or resolving names (`load/`, `model/`).
    WhileLoading,
    /// A check over the model and graph.
    Check(fn(&Context) -> Vec<Finding>),
    /// Found by the CI gate while applying suppressions and the baseline (`gate/`), about the
    /// gate's own inputs rather than the architecture.
    Gate,
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
    (catalog::UNRESOLVED_VARIABLE, Detection::WhileLoading),
    (catalog::SYNC_CYCLE, Detection::Check(sync_cycle::check)),
    (
        catalog::DEEP_SYNC_CHAIN,
        Detection::Check(deep_sync_chain::check),
    ),
    (catalog::SYNC_FAN_OUT, Detection::Check(sync_fan_out::check)),
    (
        catalog::AVAILABILITY_CEILING,
        Detection::Check(availability_ceiling::check),
    ),
    (catalog::BLAST_RADIUS, Detection::Check(blast_radius::check)),
    (
        catalog::RETRY_AMPLIFICATION,
        Detection::Check(retry_amplification::check),
    ),
    (
        catalog::SHARED_DATASTORE,
        Detection::Check(shared_datastore::check),
    ),
    (
        catalog::REQUEST_REPLY_OVER_QUEUE,
        Detection::Check(request_reply_over_queue::check),
    ),
    (
        catalog::DLQ_WITHOUT_REDRIVE,
        Detection::Check(dlq_without_redrive::check),
    ),
    (
        catalog::NON_IDEMPOTENT_CONSUMER,
        Detection::Check(non_idempotent_consumer::check),
    ),
    (
        catalog::SYNC_SIDE_EFFECT,
        Detection::Check(sync_side_effect::check),
    ),
    (
        catalog::INTERNAL_REST,
        Detection::Check(internal_rest::check),
    ),
    (
        catalog::PUBLIC_NON_REST,
        Detection::Check(public_non_rest::check),
    ),
    (
        catalog::POLLING_FOR_STATUS,
        Detection::Check(polling_for_status::check),
    ),
    (
        catalog::GRPC_BEHIND_L4,
        Detection::Check(grpc_behind_l4::check),
    ),
    (
        catalog::CALL_WITHOUT_TIMEOUT,
        Detection::Check(call_without_timeout::check),
    ),
    (catalog::UNUSED_SUPPRESSION, Detection::Gate),
    (catalog::EXPIRED_SUPPRESSION, Detection::Gate),
    (catalog::STALE_BASELINE_ENTRY, Detection::Gate),
];

/// Runs every enabled check rule.
pub fn run(ctx: &Context) -> Vec<Finding> {
    REGISTRY
        .iter()
        .filter(|(id, _)| ctx.config.enabled(*id))
        .filter_map(|(_, detection)| match detection {
            Detection::Check(check) => Some(check(ctx)),
            Detection::WhileLoading | Detection::Gate => None,
        })
        .flatten()
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    #[test]
    fn every_rule_file_is_embedded() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| {
                e.file_name()
                    .to_string_lossy()
                    .trim_end_matches(".yaml")
                    .to_owned()
            })
            .collect();
        on_disk.sort();
        let embedded: Vec<String> = catalog::RULE_FILES
            .iter()
            .map(|(id, _)| (*id).to_owned())
            .collect();
        assert_eq!(on_disk, embedded, "rules/ and catalog::RULE_FILES differ");
    }

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids = BTreeSet::new();
        let mut names = BTreeSet::new();
        for (file_id, rule) in catalog::RULE_FILES.iter().zip(catalog::all()) {
            assert_eq!(
                file_id.0, rule.id,
                "rules/{}.yaml declares id {}",
                file_id.0, rule.id
            );
            assert!(ids.insert(rule.id.clone()), "duplicate id {}", rule.id);
            assert!(
                names.insert(rule.name.clone()),
                "duplicate name {}",
                rule.name
            );
            assert!(
                rule.id.len() == 5
                    && rule.id.starts_with("CA")
                    && rule.id[2..].chars().all(|c| c.is_ascii_digit()),
                "bad id {}",
                rule.id
            );
            assert!(
                rule.name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && rule.name.starts_with(|c: char| c.is_ascii_lowercase()),
                "{}: names are kebab-case",
                rule.id
            );
            let family = [
                "contracts",
                "coupling",
                "messaging",
                "protocol-fit",
                "resilience",
                "meta",
            ];
            assert!(
                family.contains(&rule.family.as_str()),
                "{}: unknown family {}",
                rule.id,
                rule.family
            );
        }
    }

    #[test]
    fn every_rule_is_documented() {
        for rule in catalog::all() {
            for (what, text) in [
                ("summary", &rule.summary),
                ("message", &rule.message),
                ("why", &rule.why),
                ("fix", &rule.fix),
                ("example.bad", &rule.example.bad),
                ("example.good", &rule.example.good),
            ] {
                assert!(
                    text.trim().len() >= 10,
                    "{}: `{what}` is missing or too short",
                    rule.id
                );
            }
            assert!(
                !rule.summary.ends_with('.'),
                "{}: summaries have no trailing period",
                rule.id
            );
        }
    }

    #[test]
    fn every_rule_has_a_detection_and_every_detection_a_rule() {
        let registered: Vec<&str> = REGISTRY.iter().map(|(id, _)| id.0).collect();
        let documented: Vec<&str> = catalog::all().iter().map(|r| r.id.as_str()).collect();
        assert_eq!(registered, documented);
    }

    #[test]
    fn gate_rules_are_exactly_the_meta_family() {
        for (id, detection) in REGISTRY {
            let family = catalog::by_id(*id).map(|r| r.family.as_str());
            assert_eq!(
                matches!(detection, Detection::Gate),
                family == Some("meta"),
                "{id}: findings about suppressions and baselines come from the gate, and only those"
            );
        }
    }
}
