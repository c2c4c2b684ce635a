//! The assumptions behind estimates (CPU saved by gRPC, when a log beats a queue), with
//! defaults, overridable under `recommend:` in commaudit.yaml and printed with every estimate.

use schemars::{Schema, SchemaGenerator, json_schema};

use crate::source::SourceId;
use crate::suggest;
use crate::yaml::{Node, Value};

use super::ConfigError;

/// Each assumption: key, default, what it means.
pub const TABLE: &[(&str, f64, &str)] = &[
    (
        "json-us-per-kb",
        12.0,
        "CPU microseconds to encode or to decode 1 KB of JSON",
    ),
    (
        "protobuf-saving",
        0.4,
        "share of that serialization CPU that Protobuf saves (30-50% is typical)",
    ),
    (
        "default-payload-bytes",
        2048.0,
        "request plus response size when a call does not declare payload_bytes",
    ),
    (
        "default-rps",
        10.0,
        "requests per second when a call does not declare rps",
    ),
    (
        "log-rate",
        5000.0,
        "messages per second above which a Kafka-compatible log fits better than a queue",
    ),
    (
        "log-bytes-per-second",
        20_000_000.0,
        "bytes per second above which a Kafka-compatible log fits better",
    ),
    (
        "log-retention-hours",
        720.0,
        "replay window, in hours, above which a Kafka-compatible log fits better (JetStream keeps days of history well; months of replay is a log's job)",
    ),
];

/// Resolved assumptions, in the order of [`TABLE`].
#[derive(Debug, Clone, PartialEq)]
pub struct Assumptions {
    values: Vec<f64>,
}

impl Default for Assumptions {
    fn default() -> Self {
        Assumptions {
            values: TABLE.iter().map(|(_, d, _)| *d).collect(),
        }
    }
}

impl Assumptions {
    pub fn get(&self, key: &str) -> f64 {
        TABLE
            .iter()
            .position(|(k, _, _)| *k == key)
            .map_or(0.0, |i| self.values[i])
    }

    /// Every assumption with its value, for printing next to estimates.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, f64, &'static str)> + '_ {
        TABLE
            .iter()
            .zip(&self.values)
            .map(|((k, _, d), v)| (*k, *v, *d))
    }

    pub(super) fn read(&mut self, node: &Node, source: SourceId, errors: &mut Vec<ConfigError>) {
        if !node.is_map() {
            errors.push(ConfigError {
                message: format!("`recommend` must be a mapping, found {}", node.kind_name()),
                span: Some(node.pos.span(source)),
                help: Some("write `recommend: { json-us-per-kb: 15 }`".into()),
            });
            return;
        }
        for (key, value) in node.entries() {
            let Some(i) = TABLE.iter().position(|(k, _, _)| *k == key.name) else {
                let help = suggest::did_you_mean(&key.name, TABLE.iter().map(|(k, _, _)| *k))
                    .unwrap_or_else(|| {
                        format!(
                            "the assumptions are: {}",
                            TABLE
                                .iter()
                                .map(|(k, _, _)| *k)
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    });
                errors.push(ConfigError {
                    message: format!("unknown assumption `{}`", key.name),
                    span: Some(key.pos.span(source)),
                    help: Some(help),
                });
                continue;
            };
            match value.value {
                Value::Int(n) if n >= 0 => self.values[i] = n as f64,
                Value::Float(f) if f.is_finite() && f >= 0.0 => self.values[i] = f,
                _ => errors.push(ConfigError {
                    message: format!(
                        "`{}` must be a number of zero or more, found {}",
                        key.name,
                        value.kind_name()
                    ),
                    span: Some(value.pos.span(source)),
                    help: None,
                }),
            }
        }
    }
}

pub(super) fn schema(_: &mut SchemaGenerator) -> Schema {
    let mut properties = serde_json::Map::new();
    for (key, default, description) in TABLE {
        properties.insert(
            (*key).to_owned(),
            serde_json::json!({ "type": "number", "minimum": 0, "default": default, "description": description }),
        );
    }
    json_schema!({
        "description": "Assumptions behind estimates; each has a documented default.",
        "type": ["object", "null"],
        "properties": properties,
        "additionalProperties": false
    })
}
