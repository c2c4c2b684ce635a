//! `x-commaudit-ignore` in OpenAPI and AsyncAPI documents (YAML or JSON), on the operation,
//! channel or document it applies to:
//!
//! ```yaml
//! post:
//!   x-commaudit-ignore:
//!     - { rule: CA301, reason: emails move to NATS in Q3, until: 2027-01-31 }
//! ```

use crate::config::date::Date;
use crate::diagnostics::Finding;
use crate::model::Model;
use crate::source::{SourceFile, SourceId, Span};
use crate::suggest;
use crate::yaml::{self, Key, Node, Value};

use super::super::suppress::{Scope, Suppression};
use super::{Parts, declared_in, describe, problem, rules_of};

const KEY: &str = "x-commaudit-ignore";
const FIELDS: [&str; 3] = ["rule", "reason", "until"];
const SHAPE: &str = "write `x-commaudit-ignore: [{ rule: CA301, reason: why it is accepted, until: 2027-01-31 }]` (`until` is optional)";

pub(super) fn collect(
    id: SourceId,
    file: &SourceFile,
    model: &Model,
    found: &mut Vec<Suppression>,
    problems: &mut Vec<Finding>,
) {
    // A document that does not parse is already a CA001 finding of its own.
    let Ok(root) = yaml::parse_node(&file.text) else {
        return;
    };
    let mut walker = Walker {
        id,
        file,
        model,
        found,
        problems,
    };
    walker.visit(&root, None);
}

struct Walker<'a> {
    id: SourceId,
    file: &'a SourceFile,
    model: &'a Model,
    found: &'a mut Vec<Suppression>,
    problems: &'a mut Vec<Finding>,
}

impl Walker<'_> {
    fn visit(&mut self, node: &Node, parent: Option<&Key>) {
        match &node.value {
            Value::Map(entries) => {
                if let Some((key, value)) = entries.iter().find(|(k, _)| k.name == KEY) {
                    let start = parent.map_or(0, |k| k.pos.offset);
                    let end = if parent.is_some() {
                        end_of(node)
                    } else {
                        self.file.text.len() as u32
                    };
                    let region = Span::new(self.id, start, end.saturating_sub(start));
                    self.read(key, value, region);
                }
                for (key, value) in entries {
                    if key.name != KEY {
                        self.visit(value, Some(key));
                    }
                }
            }
            Value::Seq(items) => {
                for item in items {
                    self.visit(item, None);
                }
            }
            _ => {}
        }
    }

    fn read(&mut self, key: &Key, value: &Node, region: Span) {
        let entries: Vec<&Node> = match &value.value {
            Value::Seq(items) => items.iter().collect(),
            _ => vec![value],
        };
        let operations = declared_in(self.model, region);
        let first = self
            .file
            .text
            .get(region.offset as usize..)
            .and_then(|t| t.lines().next())
            .unwrap_or("");
        let what = describe(&operations, first);
        for entry in entries {
            let span = entry.pos.span(self.id);
            let span = if entry.is_map() {
                entry
                    .entries()
                    .first()
                    .map_or(span, |(k, _)| k.pos.span(self.id))
            } else {
                key.pos.span(self.id)
            };
            match self.parts(entry) {
                Ok(parts) => self.found.push(Suppression {
                    rules: parts.rules,
                    scope: Scope::Region {
                        span: region,
                        operations: operations.clone(),
                        what: what.clone(),
                    },
                    reason: parts.reason,
                    until: parts.until,
                    span,
                }),
                Err((message, help)) => self.problems.push(problem(span, message, help)),
            }
        }
    }

    fn parts(&self, entry: &Node) -> Result<Parts, (String, String)> {
        if !entry.is_map() {
            return Err((
                format!("`{KEY}` entries are mappings, found {}", entry.kind_name()),
                SHAPE.into(),
            ));
        }
        for (key, _) in entry.entries() {
            if !FIELDS.contains(&key.name.as_str()) {
                let help = suggest::did_you_mean(&key.name, FIELDS)
                    .unwrap_or_else(|| format!("the keys are: {}", FIELDS.join(", ")));
                return Err((format!("unknown key `{}` in `{KEY}`", key.name), help));
            }
        }
        let names: Vec<String> = match entry.get("rule").map(|n| &n.value) {
            Some(Value::Seq(items)) => items
                .iter()
                .filter_map(|n| n.scalar_text().map(|t| t.into_owned()))
                .collect(),
            Some(_) => entry
                .get("rule")
                .and_then(Node::scalar_text)
                .map(|t| t.into_owned())
                .into_iter()
                .collect(),
            None => Vec::new(),
        };
        let rules = rules_of(&names.iter().map(String::as_str).collect::<Vec<_>>())?;
        let reason = entry
            .get("reason")
            .and_then(Node::scalar_text)
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                (
                    "a suppression needs a `reason`".to_owned(),
                    SHAPE.to_owned(),
                )
            })?;
        let until = match entry.get("until") {
            None => None,
            Some(node) => {
                let text = node.scalar_text().unwrap_or_default();
                Some(Date::parse(text.trim()).ok_or_else(|| {
                    (
                        format!("`until: {text}` is not a date"),
                        "write the date as YYYY-MM-DD: `until: 2027-01-31`".to_owned(),
                    )
                })?)
            }
        };
        Ok(Parts {
            rules,
            reason,
            until,
        })
    }
}

/// The end of the last key or value inside `node`.
fn end_of(node: &Node) -> u32 {
    let own = node.pos.offset + node.pos.len;
    match &node.value {
        Value::Map(entries) => entries
            .iter()
            .map(|(k, v)| (k.pos.offset + k.pos.len).max(end_of(v)))
            .fold(own, u32::max),
        Value::Seq(items) => items.iter().map(end_of).fold(own, u32::max),
        _ => own,
    }
}
