//! Application configuration files (Spring-style `application.yml`, `application-*.yml`,
//! `bootstrap.yml`, `application.properties`, and the `<app>.yml` files of a configuration
//! server's repository): every setting flattened to a dotted key, document by document, with
//! the profile each document is for, so the model can apply them the way Spring does.

use crate::source::{SourceId, Span};

use crate::yaml::Node;

/// A setting: dotted key, value, position.
pub type Setting = (String, String, Span);

#[derive(Debug, Clone, PartialEq)]
pub struct AppConfig {
    pub source: SourceId,
    /// `spring.application.name` (or `app.name`) of the file's profile-free documents.
    pub name: Option<(String, Span)>,
    /// The documents in order (`---` in YAML, `#---` in properties).
    pub documents: Vec<ConfigDocument>,
}

/// One document of a configuration file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ConfigDocument {
    /// `spring.config.activate.on-profile` (or the older `spring.profiles`): the profile
    /// expression that activates the document; `None`: always active.
    pub on_profile: Option<String>,
    pub values: Vec<Setting>,
}

impl AppConfig {
    /// Every setting of every document, in order.
    pub fn values(&self) -> impl Iterator<Item = &Setting> {
        self.documents.iter().flat_map(|d| d.values.iter())
    }
}

/// Whether a file name is an application configuration file.
pub fn is_app_config_name(file_name: &str) -> bool {
    let stem = file_name
        .strip_suffix(".yml")
        .or_else(|| file_name.strip_suffix(".yaml"))
        .or_else(|| file_name.strip_suffix(".properties"));
    stem.is_some_and(|s| s == "application" || s == "bootstrap" || s.starts_with("application-"))
}

/// Reads a YAML configuration, one document per profile section.
pub fn read_yaml(source: SourceId, docs: &[Node]) -> AppConfig {
    let documents = docs
        .iter()
        .map(|doc| {
            let mut values = Vec::new();
            flatten(source, doc, String::new(), &mut values);
            document(values)
        })
        .collect();
    finish(source, documents)
}

/// Reads `key=value` (or `key: value`) lines; `#---` or `!---` starts a new document.
pub fn read_properties(source: SourceId, text: &str) -> AppConfig {
    let mut documents = Vec::new();
    let mut values = Vec::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim();
        if trimmed == "#---" || trimmed == "!---" {
            documents.push(document(std::mem::take(&mut values)));
            continue;
        }
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
    documents.push(document(values));
    finish(source, documents)
}

fn document(values: Vec<Setting>) -> ConfigDocument {
    let on_profile = values
        .iter()
        .find(|(k, _, _)| k == "spring.config.activate.on-profile" || k == "spring.profiles")
        .map(|(_, v, _)| v.clone());
    ConfigDocument { on_profile, values }
}

fn finish(source: SourceId, documents: Vec<ConfigDocument>) -> AppConfig {
    let name = documents
        .iter()
        .filter(|d| d.on_profile.is_none())
        .flat_map(|d| d.values.iter())
        .find(|(k, _, _)| {
            k == "spring.application.name" || k == "app.name" || k == "application.name"
        })
        .map(|(_, v, s)| (v.clone(), *s));
    AppConfig {
        source,
        name,
        documents,
    }
}

fn flatten(source: SourceId, node: &Node, prefix: String, out: &mut Vec<Setting>) {
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
    fn yaml_settings_are_flattened_by_document() {
        let docs = parse_documents("spring:\n  application:\n    name: orders\n  datasource:\n    url: jdbc:postgresql://localhost/orders\n---\nspring.config.activate.on-profile: docker\nspring.datasource.url: jdbc:postgresql://orders-db/orders\n").unwrap();
        let cfg = read_yaml(SourceId(0), &docs);
        assert_eq!(cfg.name.as_ref().map(|(n, _)| n.as_str()), Some("orders"));
        assert_eq!(cfg.documents.len(), 2);
        assert_eq!(cfg.documents[0].on_profile, None);
        assert_eq!(cfg.documents[1].on_profile.as_deref(), Some("docker"));
        assert!(
            cfg.values()
                .any(|(k, v, _)| k == "spring.datasource.url" && v.contains("orders-db"))
        );
    }

    #[test]
    fn properties_are_read() {
        let cfg = read_properties(
            SourceId(0),
            "# c\nspring.application.name=billing\nbroker.url = nats://nats:4222\n#---\nspring.profiles=prod\nbroker.url=nats://prod:4222\n",
        );
        assert_eq!(cfg.name.as_ref().map(|(n, _)| n.as_str()), Some("billing"));
        assert_eq!(cfg.documents[0].values[1].1, "nats://nats:4222");
        assert_eq!(cfg.documents[1].on_profile.as_deref(), Some("prod"));
        assert!(is_app_config_name("application-prod.yml") && !is_app_config_name("app.yml"));
    }
}
