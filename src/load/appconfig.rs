//! Application configuration files (Spring-style `application.yml`, `application-*.yml`,
//! `bootstrap.yml`, `application.properties`): every setting flattened to a dotted key, so the
//! addresses in them (JDBC URLs, broker URLs, service URLs) become edges of the service that
//! owns the file.

use crate::source::{SourceId, Span};

use crate::yaml::Node;

#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    pub source: SourceId,
    /// `spring.application.name` (or `app.name`), when the file names its service.
    pub name: Option<(String, Span)>,
    /// Every scalar setting: dotted key, value, position.
    pub values: Vec<(String, String, Span)>,
}

/// Whether a file name is an application configuration file.
pub fn is_app_config_name(file_name: &str) -> bool {
    let stem = file_name
        .strip_suffix(".yml")
        .or_else(|| file_name.strip_suffix(".yaml"))
        .or_else(|| file_name.strip_suffix(".properties"));
    stem.is_some_and(|s| s == "application" || s == "bootstrap" || s.starts_with("application-"))
}

/// Reads a YAML configuration (all documents: Spring profiles).
pub fn read_yaml(source: SourceId, docs: &[Node]) -> AppConfig {
    let mut values = Vec::new();
    for doc in docs {
        flatten(source, doc, String::new(), &mut values);
    }
    finish(source, values)
}

/// Reads `key=value` (or `key: value`) lines.
pub fn read_properties(source: SourceId, text: &str) -> AppConfig {
    let mut values = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with('!') {
            continue;
        }
        let Some(split) = trimmed.find(['=', ':']) else {
            continue;
        };
        let key = trimmed[..split].trim();
        let value = trimmed[split + 1..].trim();
        let at = start + line.find(value).unwrap_or(0);
        values.push((
            key.to_owned(),
            value.to_owned(),
            Span::new(source, at as u32, value.len() as u32),
        ));
    }
    finish(source, values)
}

fn finish(source: SourceId, values: Vec<(String, String, Span)>) -> AppConfig {
    let name = values
        .iter()
        .find(|(k, _, _)| {
            k == "spring.application.name" || k == "app.name" || k == "application.name"
        })
        .map(|(_, v, s)| (v.clone(), *s));
    AppConfig {
        source,
        name,
        values,
    }
}

fn flatten(source: SourceId, node: &Node, prefix: String, out: &mut Vec<(String, String, Span)>) {
    if node.is_map() {
        for (k, v) in node.entries() {
            let key = if prefix.is_empty() {
                k.name.clone()
            } else {
                format!("{prefix}.{}", k.name)
            };
            flatten(source, v, key, out);
        }
    } else if !node.items().is_empty() {
        for (i, item) in node.items().iter().enumerate() {
            flatten(source, item, format!("{prefix}[{i}]"), out);
        }
    } else if let Some(text) = node.scalar_text() {
        out.push((prefix, text.into_owned(), node.pos.span(source)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    #[test]
    fn yaml_settings_are_flattened() {
        let docs = parse_documents("spring:\n  application:\n    name: orders\n  datasource:\n    url: jdbc:postgresql://orders-db:5432/orders\n").unwrap();
        let cfg = read_yaml(SourceId(0), &docs);
        assert_eq!(cfg.name.as_ref().map(|(n, _)| n.as_str()), Some("orders"));
        assert!(
            cfg.values
                .iter()
                .any(|(k, v, _)| k == "spring.datasource.url" && v.starts_with("jdbc:"))
        );
    }

    #[test]
    fn properties_are_read() {
        let cfg = read_properties(
            SourceId(0),
            "# c\nspring.application.name=billing\nbroker.url = nats://nats:4222\n",
        );
        assert_eq!(cfg.name.as_ref().map(|(n, _)| n.as_str()), Some("billing"));
        assert_eq!(cfg.values[1].1, "nats://nats:4222");
        assert!(is_app_config_name("application-prod.yml") && !is_app_config_name("app.yml"));
    }
}
