//! OpenAPI 2.0 (Swagger), 3.0 and 3.1 documents, YAML or JSON: the servers and the operations
//! (method, path, operationId), each with its line. Schemas are not read: commaudit needs to know
//! which operations exist, not what they carry.

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::{SourceId, Span};

use crate::yaml::Node;

/// An OpenAPI document.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenApiDoc {
    pub source: SourceId,
    /// `2.0`, `3.0.3`, `3.1.0`, ...
    pub version: String,
    pub title: Option<String>,
    /// Base URLs: 3.x `servers[].url`, or 2.0 `host` + `basePath`.
    pub servers: Vec<Server>,
    pub operations: Vec<HttpOperation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub url: String,
    pub span: Span,
}

/// One operation: a method on a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpOperation {
    /// Upper case: `GET`, `POST`, ...
    pub method: String,
    /// As written in the document, with `{param}` templates.
    pub path: String,
    pub operation_id: Option<String>,
    /// The method key in the document.
    pub span: Span,
    pub deprecated: bool,
}

impl HttpOperation {
    /// `GET /orders/{id}`.
    pub fn display(&self) -> String {
        format!("{} {}", self.method, self.path)
    }
}

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Reads an OpenAPI document from its parsed tree; structural problems become CA001 findings.
pub fn read(source: SourceId, root: &Node) -> Result<OpenApiDoc, Vec<Finding>> {
    let at = |node: &Node| node.pos.span(source);
    let problem = |node: &Node, message: String, help: &str| {
        // A structural problem is named by what it says is wrong.
        let about = Item::Key(message.clone());
        Finding::new(
            INVALID_INPUT,
            format!("invalid OpenAPI document: {message}"),
        )
        .at(at(node))
        .about(Item::File(source))
        .about(about)
        .help(help.to_owned())
    };
    if !root.is_map() {
        return Err(vec![problem(
            root,
            format!("expected a mapping at the top, found {}", root.kind_name()),
            "an OpenAPI document is a mapping with `openapi: 3.x.y` (or `swagger: \"2.0\"`), `info` and `paths`",
        )]);
    }
    let (version_node, swagger) = match (root.get("openapi"), root.get("swagger")) {
        (Some(v), _) => (v, false),
        (None, Some(v)) => (v, true),
        (None, None) => {
            return Err(vec![problem(
                root,
                "neither `openapi` nor `swagger` is set".into(),
                "start the document with `openapi: 3.1.0` (or the version it follows)",
            )]);
        }
    };
    let version = version_node.scalar_text().unwrap_or_default().into_owned();
    let supported = if swagger {
        version == "2.0"
    } else {
        version.starts_with("3.0") || version.starts_with("3.1")
    };
    let mut findings = Vec::new();
    if !supported {
        return Err(vec![problem(
            version_node,
            format!("version `{version}` is not supported"),
            "commaudit reads OpenAPI 2.0, 3.0.x and 3.1.x",
        )]);
    }

    let title = match root.get("info") {
        Some(info) if info.is_map() => {
            for key in ["title", "version"] {
                if info.get(key).and_then(Node::scalar_text).is_none() {
                    findings.push(problem(
                        info,
                        format!("`info.{key}` is missing"),
                        "every OpenAPI document needs `info.title` and `info.version`",
                    ));
                }
            }
            info.get("title")
                .and_then(Node::scalar_text)
                .map(|t| t.into_owned())
        }
        Some(info) => {
            findings.push(problem(
                info,
                format!("`info` must be a mapping, found {}", info.kind_name()),
                "write `info:` with `title:` and `version:` below it",
            ));
            None
        }
        None => {
            findings.push(problem(
                root,
                "`info` is missing".into(),
                "add `info:` with `title:` and `version:`",
            ));
            None
        }
    };

    let servers = if swagger {
        swagger_servers(source, root)
    } else {
        root.get("servers")
            .map(|s| s.items())
            .unwrap_or_default()
            .iter()
            .filter_map(|s| {
                let url = s.get("url")?;
                Some(Server {
                    url: url.scalar_text()?.into_owned(),
                    span: at(url),
                })
            })
            .collect()
    };

    let mut operations = Vec::new();
    match root.get("paths") {
        Some(paths) if paths.is_map() => {
            for (path_key, item) in paths.entries() {
                if !path_key.name.starts_with('/') {
                    findings.push(
                        Finding::new(
                            INVALID_INPUT,
                            format!(
                                "invalid OpenAPI document: path `{}` does not start with `/`",
                                path_key.name
                            ),
                        )
                        .at(path_key.pos.span(source))
                        .about(Item::File(source))
                        .about(Item::Key("path".into()))
                        .about(Item::Name(path_key.name.clone()))
                        .help("write paths as `/resource/{id}`"),
                    );
                    continue;
                }
                if !item.is_map() {
                    findings.push(problem(
                        item,
                        format!(
                            "path `{}` must be a mapping of methods, found {}",
                            path_key.name,
                            item.kind_name()
                        ),
                        "list operations under the path: `get:`, `post:`, ...",
                    ));
                    continue;
                }
                for (method_key, op) in item.entries() {
                    let method = method_key.name.to_ascii_lowercase();
                    if !METHODS.contains(&method.as_str()) {
                        continue;
                    }
                    if !op.is_map() {
                        findings.push(problem(
                            op,
                            format!(
                                "operation `{} {}` must be a mapping, found {}",
                                method.to_uppercase(),
                                path_key.name,
                                op.kind_name()
                            ),
                            "describe the operation with `operationId:`, `responses:`, ...",
                        ));
                        continue;
                    }
                    if (version.starts_with("3.0") || swagger) && op.get("responses").is_none() {
                        findings.push(problem(
                            op,
                            format!(
                                "operation `{} {}` has no `responses`",
                                method.to_uppercase(),
                                path_key.name
                            ),
                            "list at least one response, for example `\"200\": { description: OK }`",
                        ));
                    }
                    operations.push(HttpOperation {
                        method: method.to_uppercase(),
                        path: path_key.name.clone(),
                        operation_id: op
                            .get("operationId")
                            .and_then(Node::scalar_text)
                            .map(|s| s.into_owned()),
                        span: method_key.pos.span(source),
                        deprecated: op.get("deprecated").and_then(Node::as_bool) == Some(true),
                    });
                }
            }
        }
        Some(paths) => findings.push(problem(
            paths,
            format!("`paths` must be a mapping, found {}", paths.kind_name()),
            "write `paths:` followed by `/resource:` entries",
        )),
        None if version.starts_with("3.1") => {}
        None => findings.push(problem(
            root,
            "`paths` is missing".into(),
            "add `paths:` with the API's operations",
        )),
    }

    let mut seen: Vec<(&str, &HttpOperation)> = Vec::new();
    for op in &operations {
        if let Some(id) = op.operation_id.as_deref() {
            if let Some((_, first)) = seen.iter().find(|(s, _)| *s == id) {
                findings.push(
                    Finding::new(
                        INVALID_INPUT,
                        format!(
                            "invalid OpenAPI document: operationId `{id}` is used by both `{}` and `{}`",
                            first.display(),
                            op.display()
                        ),
                    )
                    .at(op.span)
                    .about(Item::File(source))
                    .about(Item::Key("operationId".into()))
                    .about(Item::Name(id.to_owned()))
                    .about(Item::Name(op.display()))
                    .related(first.span, "first use")
                    .help("give every operation a unique operationId"),
                );
            } else {
                seen.push((id, op));
            }
        }
    }

    if findings.is_empty() {
        Ok(OpenApiDoc {
            source,
            version,
            title,
            servers,
            operations,
        })
    } else {
        Err(findings)
    }
}

fn swagger_servers(source: SourceId, root: &Node) -> Vec<Server> {
    let Some(host) = root.get("host") else {
        return root
            .get("basePath")
            .and_then(|b| {
                Some(Server {
                    url: b.scalar_text()?.into_owned(),
                    span: b.pos.span(source),
                })
            })
            .into_iter()
            .collect();
    };
    let base = root
        .get("basePath")
        .and_then(Node::scalar_text)
        .map(|b| b.into_owned())
        .unwrap_or_default();
    let scheme = root
        .get("schemes")
        .and_then(|s| s.items().first())
        .and_then(Node::scalar_text)
        .map_or_else(|| "https".to_owned(), |s| s.into_owned());
    host.scalar_text()
        .map(|h| Server {
            url: format!("{scheme}://{h}{base}"),
            span: host.pos.span(source),
        })
        .into_iter()
        .collect()
}

/// The path part of a server URL (`https://api.example.com/v1` -> `/v1`), for matching calls
/// that include the base path. Variables such as `{version}` stay as written.
pub fn base_path(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = if url.contains("://") {
        after_scheme.find('/').map_or("", |i| &after_scheme[i..])
    } else {
        after_scheme
    };
    path.trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_node;

    fn doc(text: &str) -> Result<OpenApiDoc, Vec<Finding>> {
        read(SourceId(0), &parse_node(text).unwrap())
    }

    #[test]
    fn reads_operations_of_3_1() {
        let d = doc("openapi: 3.1.0\ninfo: {title: t, version: '1'}\nservers: [{url: 'https://x/api'}]\npaths:\n  /a/{id}:\n    get: {operationId: getA}\n    parameters: []\n").unwrap();
        assert_eq!(d.operations.len(), 1);
        assert_eq!(d.operations[0].display(), "GET /a/{id}");
        assert_eq!(d.operations[0].operation_id.as_deref(), Some("getA"));
        assert_eq!(base_path(&d.servers[0].url), "/api");
    }

    #[test]
    fn reads_swagger_2_with_host_and_base_path() {
        let d = doc("swagger: '2.0'\ninfo: {title: t, version: '1'}\nhost: api.example.com\nbasePath: /v2\npaths:\n  /pets:\n    post: {responses: {'200': {description: ok}}}\n").unwrap();
        assert_eq!(d.servers[0].url, "https://api.example.com/v2");
        assert_eq!(d.operations[0].method, "POST");
    }

    #[test]
    fn a_list_is_not_a_document() {
        let err = doc("- openapi: 3.0.0\n").unwrap_err();
        assert!(err[0].message.contains("expected a mapping"));
    }

    #[test]
    fn duplicate_operation_ids_and_missing_responses_are_reported() {
        let err = doc("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get: {operationId: x, responses: {}}\n  /b:\n    get: {operationId: x}\n").unwrap_err();
        assert_eq!(err.len(), 2, "{err:?}");
    }

    #[test]
    fn unsupported_versions_are_named() {
        let err = doc("openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n").unwrap_err();
        assert!(err[0].message.contains("4.0.0"));
    }
}
