//! The config's `ignores:` list: findings accepted on purpose, by rule and by service, edge or
//! operation, each with a reason and an optional expiry date. Validated here; applied by the
//! gate together with inline suppressions.

use schemars::{Schema, SchemaGenerator, json_schema};

use crate::source::{SourceId, Span};
use crate::suggest;
use crate::yaml::Node;

use super::ConfigError;
use super::date::Date;
use super::select::RulePattern;

/// One entry of `ignores:`.
#[derive(Debug, Clone, PartialEq)]
pub struct Ignore {
    pub rules: Vec<RulePattern>,
    /// A finding about this service (caller, callee, or any service it names).
    pub service: Option<String>,
    /// A finding about the call from the first service to the second.
    pub edge: Option<(String, String)>,
    pub operation: Option<String>,
    pub reason: String,
    pub until: Option<Date>,
    /// The entry, for findings about the suppression itself.
    pub span: Span,
}

const KEYS: [&str; 6] = ["rule", "service", "edge", "operation", "reason", "until"];

pub(super) fn read(node: &Node, source: SourceId, errors: &mut Vec<ConfigError>) -> Vec<Ignore> {
    let error = |errors: &mut Vec<ConfigError>, n: &Node, message: String, help: Option<&str>| {
        errors.push(ConfigError {
            message,
            span: Some(n.pos.span(source)),
            help: help.map(str::to_owned),
        });
    };
    if matches!(node.value, crate::yaml::Value::Null) {
        return Vec::new();
    }
    let crate::yaml::Value::Seq(items) = &node.value else {
        error(
            errors,
            node,
            format!("`ignores` must be a list, found {}", node.kind_name()),
            Some(
                "write `ignores:` then `- { rule: CA301, edge: checkout -> notifications, reason: ... }` lines",
            ),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items {
        if !item.is_map() {
            error(
                errors,
                item,
                format!("an ignore must be a mapping, found {}", item.kind_name()),
                Some("write `- { rule: CA301, service: checkout, reason: ... }`"),
            );
            continue;
        }
        let mut ignore = Ignore {
            rules: Vec::new(),
            service: None,
            edge: None,
            operation: None,
            reason: String::new(),
            until: None,
            span: item
                .entries()
                .first()
                .map_or(item.pos, |(k, _)| k.pos)
                .span(source),
        };
        let mut ok = true;
        for (key, value) in item.entries() {
            let text = value.scalar_text().map(|t| t.trim().to_owned());
            match key.name.as_str() {
                "rule" => {
                    let names: Vec<&Node> = match &value.value {
                        crate::yaml::Value::Seq(list) => list.iter().collect(),
                        _ => vec![value],
                    };
                    for name in names {
                        match name.scalar_text().map(|t| RulePattern::parse(&t)) {
                            Some(Ok(pattern)) => ignore.rules.push(pattern),
                            Some(Err(unknown)) => {
                                ok = false;
                                error(errors, name, unknown.message, Some(&unknown.help));
                            }
                            None => {
                                ok = false;
                                error(
                                    errors,
                                    name,
                                    format!(
                                        "`rule` must be a rule or a list of rules, found {}",
                                        name.kind_name()
                                    ),
                                    None,
                                );
                            }
                        }
                    }
                }
                "service" | "operation" | "reason" => match text.filter(|t| !t.is_empty()) {
                    Some(t) => match key.name.as_str() {
                        "service" => ignore.service = Some(t),
                        "operation" => ignore.operation = Some(t),
                        _ => ignore.reason = t,
                    },
                    None => {
                        ok = false;
                        error(
                            errors,
                            value,
                            format!("`{}` must be some text", key.name),
                            None,
                        );
                    }
                },
                "edge" => match text.as_deref().and_then(parse_edge) {
                    Some(edge) => ignore.edge = Some(edge),
                    None => {
                        ok = false;
                        error(
                            errors,
                            value,
                            "`edge` must name a caller and a callee: `checkout -> notifications`"
                                .into(),
                            None,
                        );
                    }
                },
                "until" => match text.as_deref().and_then(Date::parse) {
                    Some(date) => ignore.until = Some(date),
                    None => {
                        ok = false;
                        error(
                            errors,
                            value,
                            "`until` must be a date written YYYY-MM-DD".into(),
                            Some("write `until: 2027-01-31`"),
                        );
                    }
                },
                other => {
                    ok = false;
                    let help = suggest::did_you_mean(other, KEYS).unwrap_or_else(|| {
                        format!("the keys of an ignore are: {}", KEYS.join(", "))
                    });
                    errors.push(ConfigError {
                        message: format!("unknown key `{other}` in an ignore"),
                        span: Some(key.pos.span(source)),
                        help: Some(help),
                    });
                }
            }
        }
        if item.get("rule").is_none() {
            ok = false;
            errors.push(ConfigError {
                message: "an ignore needs `rule`".into(),
                span: Some(ignore.span),
                help: Some(
                    "name the rule it accepts: `rule: CA301` (or a list, or a prefix such as CA3)"
                        .into(),
                ),
            });
        }
        if item.get("reason").is_none() {
            ok = false;
            errors.push(ConfigError {
                message: "an ignore needs a `reason`".into(),
                span: Some(ignore.span),
                help: Some("say why the finding is accepted, so reviewers can judge it: `reason: emails move to NATS in Q3`".into()),
            });
        }
        if ok {
            out.push(ignore);
        }
    }
    out
}

/// `a -> b` (also `a->b`).
fn parse_edge(text: &str) -> Option<(String, String)> {
    let (from, to) = text.split_once("->")?;
    let (from, to) = (from.trim(), to.trim());
    let plain = |s: &str| !s.is_empty() && !s.contains(char::is_whitespace);
    (plain(from) && plain(to)).then(|| (from.to_owned(), to.to_owned()))
}

/// JSON Schema of the `ignores:` section, for editors.
pub fn schema(_: &mut SchemaGenerator) -> Schema {
    json_schema!({
        "description": "Findings accepted on purpose, each with a reason and an optional expiry date.",
        "type": ["array", "null"],
        "items": {
            "type": "object",
            "required": ["rule", "reason"],
            "properties": {
                "rule": {
                    "description": "Rule ID (CA301), ID prefix (CA3) or name (sync-side-effect), or a list of them.",
                    "anyOf": [{ "type": "string" }, { "type": "array", "items": { "type": "string" } }]
                },
                "service": { "type": "string", "description": "Only findings about this service." },
                "edge": { "type": "string", "description": "Only findings about this call: `caller -> callee`." },
                "operation": { "type": "string", "description": "Only findings about this operation or subject." },
                "reason": { "type": "string", "description": "Why the finding is accepted." },
                "until": { "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "Date after which the ignore stops working (CA902)." }
            },
            "additionalProperties": false
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> (Vec<Ignore>, Vec<ConfigError>) {
        let node = crate::yaml::parse_node(text).unwrap();
        let mut errors = Vec::new();
        let ignores = read(node.get("ignores").unwrap(), SourceId(0), &mut errors);
        (ignores, errors)
    }

    #[test]
    fn reads_rules_edges_and_dates() {
        let (ignores, errors) = read_text(
            "ignores:\n  - { rule: [CA301, internal-rest], edge: checkout -> notifications, reason: moving to NATS, until: 2027-01-31 }\n",
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(ignores[0].rules.len(), 2);
        assert_eq!(
            ignores[0].edge,
            Some(("checkout".into(), "notifications".into()))
        );
        assert_eq!(
            ignores[0].until.map(|d| d.to_string()).as_deref(),
            Some("2027-01-31")
        );
    }

    #[test]
    fn every_mistake_is_reported_with_help() {
        let (ignores, errors) = read_text(
            "ignores:\n  - { rule: CA3011, reason: x }\n  - { rule: CA301, servce: a, reason: x }\n  - { rule: CA301 }\n  - { rule: CA301, reason: x, until: soon }\n",
        );
        assert!(ignores.is_empty());
        let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "unknown rule `CA3011`",
                "unknown key `servce` in an ignore",
                "an ignore needs a `reason`",
                "`until` must be a date written YYYY-MM-DD"
            ]
        );
        assert_eq!(errors[1].help.as_deref(), Some("did you mean `service`?"));
    }
}
