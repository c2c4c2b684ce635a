//! The `rules:` section: per-rule switches, severities and options, checked against the
//! catalogue and each rule's declared options, so a misspelled rule or option stops the run with
//! a suggestion and a value outside its range with the range.

use crate::diagnostics::catalog;
use crate::diagnostics::{RuleId, Severity};
use crate::source::SourceId;
use crate::suggest;
use crate::yaml::{Key, Node, Value};

use super::{Config, ConfigError, check_value};

impl Config {
    pub(super) fn read_rules(
        &mut self,
        rules: &Node,
        source: SourceId,
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
            let id: &'static str = meta.id.as_str();
            self.rules.entry(id).or_default();
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
                match option.name.as_str() {
                    "severity" => match value.as_str() {
                        Some("off") => self.rules.entry(id).or_default().enabled = false,
                        Some(level) if Severity::parse(level).is_some() => {
                            self.rules.entry(id).or_default().severity = Severity::parse(level);
                        }
                        _ => errors.push(ConfigError {
                            message: format!(
                                "`severity` of {id} must be error, warning, note or off"
                            ),
                            span: at(value),
                            help: None,
                        }),
                    },
                    "enabled" => match value.as_bool() {
                        Some(on) => self.rules.entry(id).or_default().enabled = on,
                        None => errors.push(ConfigError {
                            message: format!("`enabled` of {id} must be true or false"),
                            span: at(value),
                            help: None,
                        }),
                    },
                    _ => self.read_rule_option(RuleId(id), option, value, source, errors),
                }
            }
        }
    }

    /// One option of a rule: a declared name, and a value in its range.
    fn read_rule_option(
        &mut self,
        rule: RuleId,
        key: &Key,
        value: &Node,
        source: SourceId,
        errors: &mut Vec<ConfigError>,
    ) {
        let fields = self.options.of(rule).map_or(&[][..], |o| o.fields());
        let Some(index) = fields.iter().position(|f| f.name == key.name) else {
            let known = fields.iter().map(|f| f.name).chain(["severity", "enabled"]);
            let help = suggest::did_you_mean(&key.name, known.clone()).unwrap_or_else(|| {
                format!("{rule} takes: {}", known.collect::<Vec<_>>().join(", "))
            });
            errors.push(ConfigError {
                message: format!("{rule} has no option `{}`", key.name),
                span: Some(key.pos.span(source)),
                help: Some(help),
            });
            return;
        };
        let field = &fields[index];
        match check_value(field, rule.0, value, source) {
            Ok(v) => {
                if self.record(rule.0, field, v, key, source, errors)
                    && let Some(options) = self.options.of_mut(rule)
                {
                    options.set(index, v);
                }
            }
            Err(error) => errors.push(error),
        }
    }
}
