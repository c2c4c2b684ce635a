//! Configuration, validated once into a resolved type: per-rule switches, severities and
//! thresholds (`rules:` in commaudit.yaml) and the assumptions behind estimates
//! (`recommend:`). A setting that names no rule or option is a usage error that points at its
//! line and suggests the closest valid name.

mod assumptions;

use std::collections::BTreeMap;

use schemars::{Schema, SchemaGenerator, json_schema};

use crate::finding::{RuleId, Severity};
use crate::load::ProjectInput;
use crate::load::yaml::{Node, Value};
use crate::rules::catalog::{self, RuleMeta};
use crate::source::Span;
use crate::suggest;

pub use assumptions::Assumptions;

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
}

impl Config {
    /// Reads the `rules:` and `recommend:` sections of every project file.
    pub fn from_projects(projects: &[ProjectInput]) -> Result<Config, Vec<ConfigError>> {
        let mut config = Config::default();
        let mut errors = Vec::new();
        for project in projects {
            if let Some(rules) = &project.file.rules {
                config.read_rules(rules, project.source, &mut errors);
            }
            if let Some(recommend) = &project.file.recommend {
                config
                    .assumptions
                    .read(recommend, project.source, &mut errors);
            }
        }
        if errors.is_empty() {
            Ok(config)
        } else {
            Err(errors)
        }
    }

    fn read_rules(
        &mut self,
        rules: &Node,
        source: crate::source::SourceId,
        errors: &mut Vec<ConfigError>,
    ) {
        let at = |n: &Node| Some(n.pos.span(source));
        if !rules.is_map() {
            errors.push(ConfigError {
                message: format!(
                    "`rules` must be a mapping of rule IDs or names, found {}",
                    rules.kind_name()
                ),
                span: at(rules),
                help: Some("write `rules:` then `CA102: { max-depth: 4 }` lines".into()),
            });
            return;
        }
        for (key, settings) in rules.entries() {
            let Some(meta) = catalog::find(&key.name) else {
                let names = catalog::all()
                    .iter()
                    .flat_map(|r| [r.id.as_str(), r.name.as_str()]);
                errors.push(ConfigError {
                    message: format!("unknown rule `{}`", key.name),
                    span: Some(key.pos.span(source)),
                    help: Some(
                        suggest::did_you_mean(&key.name, names)
                            .unwrap_or_else(|| "run `commaudit rules` to list the rules".into()),
                    ),
                });
                continue;
            };
            let id = id_of(meta);
            let entry = self.rules.entry(id).or_insert_with(|| RuleConfig {
                enabled: true,
                severity: None,
                options: BTreeMap::new(),
            });
            if !settings.is_map() {
                errors.push(ConfigError {
                    message: format!(
                        "settings of `{}` must be a mapping, found {}",
                        key.name,
                        settings.kind_name()
                    ),
                    span: at(settings),
                    help: Some(format!("write `{}: {{ severity: warning }}`", key.name)),
                });
                continue;
            }
            for (option, value) in settings.entries() {
                let span = option.pos.span(source);
                match option.name.as_str() {
                    "severity" => match value.as_str() {
                        Some("off") => entry.enabled = false,
                        Some(level) if Severity::parse(level).is_some() => {
                            entry.severity = Severity::parse(level);
                        }
                        _ => errors.push(ConfigError {
                            message: format!(
                                "`severity` of {} must be error, warning, note or off",
                                meta.id
                            ),
                            span: at(value),
                            help: None,
                        }),
                    },
                    "enabled" => match value.as_bool() {
                        Some(on) => entry.enabled = on,
                        None => errors.push(ConfigError {
                            message: format!("`enabled` of {} must be true or false", meta.id),
                            span: at(value),
                            help: None,
                        }),
                    },
                    name => match meta.options.iter().find(|o| o.name == name) {
                        None => {
                            let known = meta
                                .options
                                .iter()
                                .map(|o| o.name.as_str())
                                .chain(["severity", "enabled"]);
                            let help =
                                suggest::did_you_mean(name, known.clone()).unwrap_or_else(|| {
                                    format!(
                                        "{} takes: {}",
                                        meta.id,
                                        known.collect::<Vec<_>>().join(", ")
                                    )
                                });
                            errors.push(ConfigError {
                                message: format!("{} has no option `{name}`", meta.id),
                                span: Some(span),
                                help: Some(help),
                            });
                        }
                        Some(_) => match number(value) {
                            Some(n) => {
                                if let Some(prev) =
                                    entry.options.insert(name.to_owned(), n).filter(|p| *p != n)
                                {
                                    errors.push(ConfigError {
                                        message: format!("`{name}` of {} is set twice, to {prev} and to {n}", meta.id),
                                        span: Some(span),
                                        help: Some("keep one setting for it across the commaudit.yaml files scanned".into()),
                                    });
                                }
                            }
                            None => errors.push(ConfigError {
                                message: format!(
                                    "`{name}` of {} must be a number, found {}",
                                    meta.id,
                                    value.kind_name()
                                ),
                                span: at(value),
                                help: None,
                            }),
                        },
                    },
                }
            }
        }
    }

    /// Whether the rule runs.
    pub fn enabled(&self, rule: RuleId) -> bool {
        self.rules.get(rule.0).is_none_or(|r| r.enabled)
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

/// The catalogue's ID for a rule, as a static string.
fn id_of(meta: &'static RuleMeta) -> &'static str {
    meta.id.as_str()
}

fn number(node: &Node) -> Option<f64> {
    match &node.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::manifest::ProjectFile;
    use crate::source::SourceId;

    fn config(text: &str) -> Result<Config, Vec<ConfigError>> {
        let file: ProjectFile = crate::load::yaml::parse_typed(text).unwrap();
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
