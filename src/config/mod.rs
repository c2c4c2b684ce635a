//! Configuration, validated once into a resolved type: per-rule switches, severities and
//! thresholds (`rules:` in commaudit.yaml), the assumptions behind estimates (`recommend:`),
//! findings accepted on purpose (`ignores:`), and the command line's `--select`, `--ignore` and
//! `--severity`. A setting that names no rule or option is a usage error that points at its
//! line and suggests the closest valid name.

mod assumptions;
pub mod date;
pub mod ignores;
mod resolve;
mod rules;
pub mod select;

use std::collections::BTreeMap;
use std::path::PathBuf;

use schemars::{Schema, SchemaGenerator, json_schema};

use crate::diagnostics::catalog;
use crate::diagnostics::{RuleId, Severity};
use crate::load::ProjectInput;
use crate::source::{SourceId, Span};

pub use assumptions::Assumptions;
pub use ignores::Ignore;
pub use resolve::{Choice, Overrides, Settings, find_upward};
use select::RulePattern;

/// A configuration problem: the run stops with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    pub span: Option<Span>,
    pub help: Option<String>,
}

/// One rule's resolved settings.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleConfig {
    pub enabled: bool,
    pub severity: Option<Severity>,
    pub options: BTreeMap<String, f64>,
}

/// The resolved configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    rules: BTreeMap<&'static str, RuleConfig>,
    pub assumptions: Assumptions,
    /// Findings accepted on purpose, from every settings file.
    pub ignores: Vec<Ignore>,
    /// `--select`: when set, only these rules run.
    select: Option<Vec<RulePattern>>,
    /// `--ignore`: these rules do not run.
    deselect: Vec<RulePattern>,
    /// The configuration file found upward from the scanned path, or given with `--config`.
    pub file: Option<PathBuf>,
    /// Every file whose settings apply, in the order they were read.
    pub sources: Vec<SourceId>,
}

impl Config {
    /// Reads the `rules:`, `recommend:` and `ignores:` sections of every project file.
    pub fn from_projects(projects: &[ProjectInput]) -> Result<Config, Vec<ConfigError>> {
        let mut config = Config::default();
        let mut errors = Vec::new();
        for project in projects {
            config.read_project(&project.file, project.source, &mut errors);
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    fn read_project(
        &mut self,
        file: &crate::load::manifest::ProjectFile,
        source: SourceId,
        errors: &mut Vec<ConfigError>,
    ) {
        self.sources.push(source);
        if let Some(rules) = &file.rules {
            self.read_rules(rules, source, errors);
        }
        if let Some(recommend) = &file.recommend {
            self.assumptions.read(recommend, source, errors);
        }
        if let Some(ignores) = &file.ignores {
            self.ignores.extend(ignores::read(ignores, source, errors));
        }
    }

    /// Whether the rule runs: on in the configuration, selected, and not ignored.
    pub fn enabled(&self, rule: RuleId) -> bool {
        self.rules.get(rule.0).is_none_or(|r| r.enabled)
            && self
                .select
                .as_ref()
                .is_none_or(|s| s.iter().any(|p| p.matches(rule)))
            && !self.deselect.iter().any(|p| p.matches(rule))
    }

    /// The severity findings of the rule get: configured, or the catalogue's default.
    pub fn effective_severity(&self, rule: RuleId) -> Severity {
        self.severity(rule)
            .unwrap_or_else(|| catalog::default_severity(rule))
    }

    /// The options the configuration sets for the rule (not the defaults).
    pub fn options_set(&self, rule: RuleId) -> Option<&BTreeMap<String, f64>> {
        self.rules.get(rule.0).map(|r| &r.options)
    }

    /// The severity the configuration gives the rule, if it changes it.
    pub fn severity(&self, rule: RuleId) -> Option<Severity> {
        self.rules.get(rule.0).and_then(|r| r.severity)
    }

    /// A numeric threshold: configured, or the default from the rule's metadata.
    pub fn number(&self, rule: RuleId, option: &str) -> f64 {
        if let Some(v) = self.rules.get(rule.0).and_then(|r| r.options.get(option)) {
            return *v;
        }
        catalog::by_id(rule)
            .and_then(|m| m.options.iter().find(|o| o.name == option))
            .and_then(|o| o.default.as_f64())
            .unwrap_or(0.0)
    }
}

/// JSON Schema of the `rules:` section, for editors.
pub fn rules_schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Per-rule settings, keyed by rule ID (CA102) or name (deep-sync-chain).",
        "type": ["object", "null"],
        "additionalProperties": {
            "type": "object",
            "properties": {
                "severity": { "enum": ["error", "warning", "note", "off"] },
                "enabled": { "type": "boolean" }
            },
            "additionalProperties": { "type": "number" }
        }
    })
}

/// JSON Schema of the `recommend:` section, for editors.
pub fn recommend_schema(generator: &mut SchemaGenerator) -> Schema {
    assumptions::schema(generator)
}

/// JSON Schema of the `ignores:` section, for editors.
pub fn ignores_schema(generator: &mut SchemaGenerator) -> Schema {
    ignores::schema(generator)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::manifest::ProjectFile;

    fn config(text: &str) -> Result<Config, Vec<ConfigError>> {
        let file: ProjectFile = crate::yaml::parse_typed(text).unwrap();
        Config::from_projects(&[ProjectInput {
            source: SourceId(0),
            dir: ".".into(),
            file,
        }])
    }

    #[test]
    fn rules_are_found_by_id_or_name() {
        let c =
            config("rules:\n  CA004: { severity: error }\n  dangling-channel: { severity: off }\n")
                .unwrap();
        assert_eq!(c.severity(RuleId("CA004")), Some(Severity::Error));
        assert!(!c.enabled(RuleId("CA005")));
        assert!(c.enabled(RuleId("CA001")));
    }

    #[test]
    fn unknown_rules_and_options_are_errors_with_suggestions() {
        let errors = config("rules:\n  CA0004: {}\n  CA004: { severty: error }\n").unwrap_err();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].message.contains("unknown rule `CA0004`"));
        assert_eq!(errors[0].help.as_deref(), Some("did you mean `CA004`?"));
        assert_eq!(errors[1].help.as_deref(), Some("did you mean `severity`?"));
    }

    #[test]
    fn bad_severities_are_errors() {
        assert!(config("rules:\n  CA004: { severity: fatal }\n").is_err());
    }
}
