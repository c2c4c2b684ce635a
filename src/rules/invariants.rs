//! The registry's invariants: every rule file embedded, IDs and names unique and well formed,
//! every rule documented, with a detection, and options that agree with their documentation.

use std::collections::BTreeSet;

use super::*;
use crate::diagnostics::catalog;

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
            "drift",
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
        let message = rule.message.to_string();
        for (what, text) in [
            ("summary", &rule.summary),
            ("message", &message),
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

#[test]
fn documented_options_are_the_declared_options() {
    for rule in catalog::all() {
        let declared = declared_options(&rule.id);
        let documented: Vec<(&str, Option<f64>, &str)> = rule
            .options
            .iter()
            .map(|o| (o.name.as_str(), o.default.as_f64(), o.description.as_str()))
            .collect();
        let from_code: Vec<(&str, Option<f64>, &str)> = declared
            .iter()
            .map(|f| (f.name, Some(f.default), f.description))
            .collect();
        assert_eq!(
            documented, from_code,
            "{}: `options:` in rules/{}.yaml must list the options its Options struct declares, \
             with the same names, defaults and descriptions, in the same order",
            rule.id, rule.id
        );
        assert_eq!(
            crate::options::declaration_problems(declared),
            Vec::<String>::new(),
            "{}: its options declaration",
            rule.id
        );
    }
}

#[test]
fn typed_and_untyped_access_agree() {
    let mut options = RuleOptions::default();
    assert_eq!(
        options.get::<deep_sync_chain::Options>().max_depth,
        3,
        "typed access reads the declared default"
    );
    let untyped = options.of_mut(catalog::DEEP_SYNC_CHAIN).unwrap();
    assert_eq!(untyped.fields()[0].name, "max-depth");
    untyped.set(0, 5.0);
    assert_eq!(options.get::<deep_sync_chain::Options>().max_depth, 5);
    assert!(
        options.of(catalog::SYNC_CYCLE).is_none(),
        "the sync-cycle rule has no options"
    );
}
