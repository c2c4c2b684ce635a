//! Stage 4, rules: each rule reads the model and the graph and returns findings. Rules are pure:
//! no I/O, no printing, no panics on user data.
//!
//! A rule's metadata and documentation live in `rules/<ID>.yaml` (see [`catalog`]); its
//! detection lives in one file here, named on the rule's line of [`catalog::for_each_rule`],
//! from which [`REGISTRY`] is generated.

pub mod estimate;
mod hops;

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

/// The rule modules and [`REGISTRY`], from the one list of rules
/// ([`catalog::for_each_rule`]).
macro_rules! registry {
    ($($id:ident $name:ident $kind:ident $(($($detail:tt)*))?;)*) => {
        $($(registry!(@module $kind $($detail)*);)?)*

        /// Every rule with its detection, in ID order.
        pub const REGISTRY: &[(RuleId, Detection)] = &[
            $((catalog::$name, registry!(@detection $kind $($($detail)*)?)),)*
        ];
    };
    (@module check $module:ident) => {
        mod $module;
    };
    (@detection loading) => {
        Detection::WhileLoading
    };
    (@detection gate) => {
        Detection::Gate
    };
    (@detection check $module:ident) => {
        Detection::Check($module::check)
    };
}
catalog::for_each_rule!(registry);

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
