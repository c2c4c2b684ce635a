//! Parsing one file as the format it was classified as, and the small text helpers the loader
//! needs for files that do not parse.

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::{SourceId, Sources, Span};

use super::discover::Kind;
use super::manifest::{ProjectFile, ServiceManifest};
use super::{Parsed, appconfig, asyncapi, backstage, compose, importers, kube, openapi, thrift};
use crate::yaml;

/// Parses one file as the format it was classified as.
pub(super) fn parse(id: SourceId, kind: Kind, text: &str, sources: &Sources) -> Parsed {
    let file = sources.get(id);
    let yaml_problem = |what: &str, err: yaml::YamlError| {
        let mut finding = Finding::new(INVALID_INPUT, format!("invalid {what}: {}", err.message))
            .at(err.span(id, file))
            .about(Item::File(id))
            .about(Item::Key(format!("invalid {what}")));
        if let Some(help) = err.help {
            finding = finding.help(help);
        }
        Parsed::Broken(vec![finding])
    };
    match kind {
        Kind::Proto => Parsed::Proto,
        Kind::Thrift => {
            let stem = file.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            thrift::read(id, stem, text).map_or_else(Parsed::Broken, Parsed::Thrift)
        }
        // When the typed reader fails, the text is read as plain YAML too, so a syntax error is
        // reported as such rather than as the first type mismatch the typed reader met.
        Kind::Project => match yaml::parse_typed::<Option<ProjectFile>>(text) {
            Ok(Some(project)) => Parsed::Project(Box::new(project)),
            Ok(None) => Parsed::Broken(vec![
                Finding::new(INVALID_INPUT, "the project file is empty")
                    .at(Span::file_start(id))
                    .about(Item::File(id))
                    .about(Item::Key("empty project file".into()))
                    .help("declare `services:`, `brokers:` and `datastores:`, or delete the file"),
            ]),
            Err(err) => match yaml::parse_node(text) {
                Err(syntax) => yaml_problem("project file", syntax),
                Ok(_) => yaml_problem("project file", err.with_key_context(text)),
            },
        },
        Kind::Manifest => match yaml::parse_typed::<ServiceManifest>(text) {
            Ok(manifest) => Parsed::Manifest(Box::new(manifest)),
            Err(err) => match yaml::parse_node(text) {
                Err(syntax) => yaml_problem("service manifest", syntax),
                Ok(_) => yaml_problem("service manifest", err.with_key_context(text)),
            },
        },
        Kind::OpenApi => match yaml::parse_node(text) {
            Ok(root) => openapi::read(id, &root).map_or_else(Parsed::Broken, Parsed::OpenApi),
            Err(err) => yaml_problem("OpenAPI document", err),
        },
        Kind::AsyncApi => match yaml::parse_node(text) {
            Ok(root) => asyncapi::read(id, &root).map_or_else(Parsed::Broken, Parsed::AsyncApi),
            Err(err) => yaml_problem("AsyncAPI document", err),
        },
        Kind::Compose => match yaml::parse_node(text) {
            Ok(root) => Parsed::Compose(compose::read(id, &root)),
            Err(err) => yaml_problem("compose file", err),
        },
        Kind::Kube => match yaml::parse_documents(text) {
            Ok(docs) if !bad_names(id, &docs).is_empty() => Parsed::Broken(bad_names(id, &docs)),
            Ok(docs) => {
                let mut objects = kube::Kube::default();
                kube::read(id, &docs, &mut objects);
                let declared = importers::read_objects(id, &docs);
                Parsed::Kube(Box::new(objects), declared)
            }
            Err(err) => yaml_problem("Kubernetes manifest", err),
        },
        Kind::Backstage => match yaml::parse_documents(text) {
            Ok(docs) if !bad_names(id, &docs).is_empty() => Parsed::Broken(bad_names(id, &docs)),
            Ok(docs) => Parsed::Backstage(backstage::read(id, &docs)),
            Err(err) => yaml_problem("Backstage catalog file", err),
        },
        Kind::AppConfig if file.name.ends_with(".properties") => {
            Parsed::AppConfig(appconfig::read_properties(id, text))
        }
        Kind::AppConfig => match yaml::parse_documents(text) {
            Ok(docs) => Parsed::AppConfig(appconfig::read_yaml(id, &docs)),
            Err(err) => yaml_problem("application configuration file", err),
        },
        Kind::Observed(format) => {
            let (read, findings) = super::observed::read(id, format, file);
            Parsed::Observed(read, findings)
        }
        Kind::Imported(index) => Parsed::Declared(importers::read_file(
            index,
            importers::FileInput {
                source: id,
                path: &file.path,
                text,
            },
        )),
    }
}

/// Objects whose `metadata.name` or `namespace` is not one line of plain text: their names
/// would become service names.
fn bad_names(id: SourceId, docs: &[yaml::Node]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut stack: Vec<&yaml::Node> = docs.iter().collect();
    while let Some(doc) = stack.pop() {
        stack.extend(doc.get("items").map(yaml::Node::items).unwrap_or_default());
        let meta = doc.get("metadata");
        for key in ["name", "namespace"] {
            let Some(node) = meta.and_then(|m| m.get(key)) else {
                continue;
            };
            let text = node.scalar_text().unwrap_or_default();
            if let Some(problem) = crate::escape::name_problem(&text) {
                out.push(
                    Finding::new(
                        INVALID_INPUT,
                        format!(
                            "invalid {key} `{}`: it holds {problem}",
                            crate::escape::line(&text)
                        ),
                    )
                    .at(node.pos.span(id))
                    .help("names are plain text on one line: remove the character"),
                );
            }
        }
    }
    out.sort_by_key(|f| f.span);
    out
}

/// The name on a manifest's `service:` line and its offset, read from the text alone, for
/// manifests that do not parse.
pub(super) fn declared_service_name(text: &str) -> Option<(String, u32)> {
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("service:") {
            let value = rest.split(" #").next().unwrap_or("").trim();
            let name = value.trim_matches(|c| c == '"' || c == '\'');
            if name.is_empty() || name.contains(char::is_whitespace) {
                return None;
            }
            let start = offset + line.find(name).unwrap_or(0);
            return Some((name.to_owned(), start as u32));
        }
        offset += line.len();
    }
    None
}
