//! Configuration, validated once into a resolved type: per-rule switches, severities and
//! typed options (`rules:` in commaudit.yaml), the assumptions behind estimates (`recommend:`),
//! findings accepted on purpose (`ignores:`), and the command line's `--select`, `--ignore` and
//! `--severity`. A setting that names no rule or option, or a value outside its range, is a
//! usage error that points at its line and says what would be valid.
//!
//! It comes after `rules/` in the module layers because it knows each rule's options type.

mod assumptions;
pub mod date;
pub mod ignores;
mod resolve;
mod rules;
mod schema;
pub mod select;

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostics::catalog;
use crate::diagnostics::{RuleId, Severity};
use crate::graph::assumptions::Assumptions;
use crate::load::ProjectInput;
use crate::options::Field;
use crate::rules::{RuleOption, RuleOptions};
use crate::source::{SourceId, Span};
use crate::yaml::{Key, Node};

pub use ignores::Ignore;
pub use resolve::{Choice, Overrides, Settings, find_upward};
pub use schema::project_schema;
use select::RulePattern;

/// A configuration problem: the run stops with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub message: String,
    pub span: Option<Span>,
    pub help: Option<String>,
}

/// One rule's resolved switches; its options are in [`Config::options`].
#[derive(Debug, Clone, PartialEq)]
pub struct RuleConfig {
    pub enabled: bool,
    pub severity: Option<Severity>,
}

impl Default for RuleConfig {
    fn default() -> Self {
        RuleConfig {
            enabled: true,
            severity: None,
        }
    }
}

/// The resolved configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    rules: BTreeMap<&'static str, RuleConfig>,
    /// Every rule's options: the declared defaults, with what the files set.
    pub options: RuleOptions,
    pub assumptions: Assumptions,
    /// Where each rule option and assumption was set, by (rule ID or `recommend`, name).
    set_at: BTreeMap<(&'static str, &'static str), (f64, Span)>,
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
    /// What happens to findings of rules that need intent when they rest on inferred facts
    /// (`--inferred-severity`).
    pub inferred_severity: InferredSeverity,
}

/// The severity of a finding that rests on inferred facts, for rules that judge what a team
/// intends (whether a caller needs the answer, whether an edge is public): an address in a
/// setting shows that a call exists, not what it is for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum InferredSeverity {
    /// The rule's severity, as for declared facts.
    Same,
    /// One level lower: an error becomes a warning, a warning a note.
    #[default]
    Lower,
}

impl InferredSeverity {
    /// The severity of a finding of `rule` with `severity` that rests on inferred facts.
    pub fn apply(self, rule: RuleId, severity: Severity) -> Severity {
        match self {
            InferredSeverity::Lower if catalog::needs_intent(rule) => match severity {
                Severity::Error => Severity::Warning,
                Severity::Warning | Severity::Note => Severity::Note,
            },
            _ => severity,
        }
    }
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
            self.read_assumptions(recommend, source, errors);
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

    /// The options of the rule whose options type is `T`, as configured.
    pub fn rule_options<T: RuleOption>(&self) -> &T {
        self.options.get()
    }

    /// Where the configuration sets an option of a rule (`CA102`) or an assumption
    /// (`recommend`), so that what follows from it can point at the line.
    pub fn set_at(&self, owner: &str, option: &str) -> Option<Span> {
        self.set_at
            .iter()
            .find(|((o, n), _)| *o == owner && *n == option)
            .map(|(_, (_, span))| *span)
    }

    /// Records that `owner`'s `field` is set to `value` at `key`; a second file that sets it to
    /// something else is an error, as the scanned files must agree.
    fn record(
        &mut self,
        owner: &'static str,
        field: &Field,
        value: f64,
        key: &Key,
        source: SourceId,
        errors: &mut Vec<ConfigError>,
    ) -> bool {
        let span = key.pos.span(source);
        match self.set_at.insert((owner, field.name), (value, span)) {
            Some((previous, _)) if previous != value => {
                errors.push(ConfigError {
                    message: format!(
                        "`{}` of {owner} is set twice, to {} and to {}",
                        field.name,
                        crate::options::plain(previous),
                        crate::options::plain(value)
                    ),
                    span: Some(span),
                    help: Some(
                        "keep one setting for it across the commaudit.yaml files scanned".into(),
                    ),
                });
                false
            }
            _ => true,
        }
    }

    /// The severity the configuration gives the rule, if it changes it.
    pub fn severity(&self, rule: RuleId) -> Option<Severity> {
        self.rules.get(rule.0).and_then(|r| r.severity)
    }
}

/// The value of `value` if `field` allows it, or an error that states the allowed range.
/// `owner` says where the field belongs in the message (`CA102`, `` `recommend:` ``).
fn check_value(
    field: &Field,
    owner: &str,
    value: &Node,
    source: SourceId,
) -> Result<f64, ConfigError> {
    field.check(value).map_err(|found| ConfigError {
        message: format!(
            "`{}` of {owner} must be {}, {found}",
            field.name,
            field.expected()
        ),
        span: Some(value.pos.span(source)),
        help: Some(format!(
            "{}; the default is {}",
            field.description,
            crate::options::plain(field.default)
        )),
    })
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
    fn options_and_assumptions_are_typed_and_remember_their_line() {
        let c = config("rules:\n  CA102: { max-depth: 5 }\nrecommend: { protobuf-saving: 0.3 }\n")
            .unwrap();
        let chain = c.rule_options::<crate::rules::deep_sync_chain::Options>();
        assert_eq!(chain.max_depth, 5);
        assert_eq!(c.assumptions.default_processing_ms, 10.0);
        assert_eq!(c.assumptions.protobuf_saving, 0.3);
        assert_eq!(c.set_at("CA102", "max-depth").map(|s| s.offset), Some(18));
        assert!(c.set_at("recommend", "default-availability").is_none());
    }

    #[test]
    fn values_outside_their_range_are_errors_that_state_the_range() {
        let errors = config(
            "rules:\n  CA102: { max-depth: 0, max-dept: 4 }\n  CA103: { slow-share: much }\nrecommend: { protobuf-saving: 1.5 }\n",
        )
        .unwrap_err();
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "`max-depth` of CA102 must be a whole number from 1 to 1000, found 0",
                "CA102 has no option `max-dept`",
                "`slow-share` of CA103 must be a number from 0 to 1, found a string",
                "`protobuf-saving` of `recommend:` must be a number from 0 to 1, found 1.5",
            ]
        );
        assert_eq!(errors[1].help.as_deref(), Some("did you mean `max-depth`?"));
        assert_eq!(
            errors[0].span.map(|s| s.offset),
            Some(29),
            "the error points at the value"
        );
    }

    #[test]
    fn bad_severities_are_errors() {
        assert!(config("rules:\n  CA004: { severity: fatal }\n").is_err());
    }
}
