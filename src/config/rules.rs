//! The `rules:` section: per-rule switches, severities and thresholds, checked against the
//! catalogue so a misspelled rule or option stops the run with a suggestion.

use std::collections::BTreeMap;

use crate::diagnostics::Severity;
use crate::diagnostics::catalog;
use crate::suggest;
use crate::yaml::{Node, Value};

use super::{Config, ConfigError, RuleConfig};

impl Config {
    pub(super) fn read_rules(
        &mut self,
        rules: &Node,
        source: crate::source::SourceId,
        errors: &mut Vec<ConfigError>,
    ) {
        let at = |n: &Node| Some(n.pos.span(source));
        if matches!(rules.value, Value::Null) {
            return;
        }
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
            let id = meta.id.as_str();
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
}

fn number(node: &Node) -> Option<f64> {
    match &node.value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) if f.is_finite() => Some(*f),
        _ => None,
    }
}
