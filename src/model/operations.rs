//! Resolving the operation a call names against the provider's contracts: gRPC methods from
//! .proto files, HTTP operations from OpenAPI documents.

use crate::load::{openapi, openapi::OpenApiDoc, proto::ProtoService, thrift::ThriftService};

use super::{Operation, OperationKind};

/// The operation could not be found; what was closest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotFound {
    pub suggestion: Option<String>,
    /// How many operations the provider declares, for the message.
    pub declared: usize,
}

/// Finds a gRPC method. Accepts `pkg.Service/Method`, `/pkg.Service/Method`, `Service/Method`
/// and, when it is unambiguous, `Method`.
pub fn grpc(written: &str, services: &[&ProtoService]) -> Result<Operation, NotFound> {
    let trimmed = written.trim().trim_start_matches('/');
    let (service_part, method_part) = match trimmed.rsplit_once('/') {
        Some((s, m)) => (Some(s), m),
        None => (None, trimmed),
    };
    let mut found = Vec::new();
    for service in services {
        let short = service
            .full_name
            .rsplit('.')
            .next()
            .unwrap_or(&service.full_name);
        let service_matches = service_part.is_none_or(|s| s == service.full_name || s == short);
        if !service_matches {
            continue;
        }
        for method in &service.methods {
            if method.name == method_part {
                found.push(Operation {
                    name: format!("{}/{}", service.full_name, method.name),
                    kind: OperationKind::Grpc {
                        client_streaming: method.client_streaming,
                        server_streaming: method.server_streaming,
                    },
                });
            }
        }
    }
    if found.len() == 1 {
        return Ok(found.remove(0));
    }
    let names: Vec<String> = services
        .iter()
        .flat_map(|s| {
            s.methods
                .iter()
                .map(move |m| format!("{}/{}", s.full_name, m.name))
        })
        .collect();
    let suggestion = if found.len() > 1 {
        // Ambiguous short name: suggest the first full name.
        Some(found.remove(0).name)
    } else {
        let short_written = method_part;
        crate::suggest::closest(trimmed, names.iter().map(String::as_str))
            .or_else(|| {
                crate::suggest::closest(
                    short_written,
                    names.iter().map(|n| n.rsplit('/').next().unwrap_or(n)),
                )
                .and_then(|m| {
                    names
                        .iter()
                        .find(|n| n.ends_with(&format!("/{m}")))
                        .map(String::as_str)
                })
            })
            .map(str::to_owned)
    };
    Err(NotFound {
        suggestion,
        declared: names.len(),
    })
}

/// Finds a Thrift method. Accepts `Service.method` or `Service/method` with the service named
/// any way [`ThriftService::answers_to`] accepts, and `method` when it is unambiguous.
pub fn thrift(written: &str, services: &[&ThriftService]) -> Result<Operation, NotFound> {
    let trimmed = written.trim();
    let (service_part, method_part) = match trimmed.rsplit_once(['/', '.']) {
        Some((s, m)) if !s.is_empty() => (Some(s.trim_start_matches('/')), m),
        _ => (None, trimmed.trim_start_matches('/')),
    };
    let mut found = Vec::new();
    let mut names = Vec::new();
    for service in services {
        for method in &service.methods {
            let name = format!("{}.{}", service.full_name, method.name);
            if method.name == method_part && service_part.is_none_or(|s| service.answers_to(s)) {
                found.push(Operation {
                    name: name.clone(),
                    kind: OperationKind::Thrift {
                        oneway: method.oneway,
                    },
                });
            }
            names.push(name);
        }
    }
    if found.len() == 1 {
        return Ok(found.remove(0));
    }
    let suggestion = if found.is_empty() {
        crate::suggest::closest(trimmed, names.iter().map(String::as_str))
            .or_else(|| {
                // `Service.metod`: the closest method name, given back as its full name.
                let short = |n: &'_ str| n.rsplit('.').next().unwrap_or(n).to_owned();
                let shorts: Vec<String> = names.iter().map(|n| short(n)).collect();
                let m = crate::suggest::closest(method_part, shorts.iter().map(String::as_str))?;
                names.iter().map(String::as_str).find(|n| short(n) == m)
            })
            .map(str::to_owned)
    } else {
        Some(found.remove(0).name) // ambiguous: the first full name
    };
    Err(NotFound {
        suggestion,
        declared: names.len(),
    })
}

/// Finds an HTTP operation. Accepts `METHOD /path` (parameters match any segment, with or
/// without the servers' base path), `/path` when only one operation has it, or an operationId.
pub fn http(written: &str, docs: &[&OpenApiDoc]) -> Result<Operation, NotFound> {
    let trimmed = written.trim();
    let (method, path) = match trimmed.split_once(char::is_whitespace) {
        Some((m, p)) if p.trim_start().starts_with('/') => (Some(m.to_ascii_uppercase()), p.trim()),
        _ if trimmed.starts_with('/') => (None, trimmed),
        _ => (None, ""),
    };
    let all: Vec<(&openapi::HttpOperation, &OpenApiDoc)> = docs
        .iter()
        .flat_map(|d| d.operations.iter().map(move |op| (op, *d)))
        .collect();
    let found: Vec<&openapi::HttpOperation> = if path.is_empty() {
        all.iter()
            .filter(|(op, _)| op.operation_id.as_deref() == Some(trimmed))
            .map(|(op, _)| *op)
            .collect()
    } else {
        let path = path.split('?').next().unwrap_or(path);
        all.iter()
            .filter(|(op, doc)| {
                method.as_deref().is_none_or(|m| m == op.method)
                    && path_candidates(path, doc)
                        .iter()
                        .any(|p| paths_match(p, &op.path))
            })
            .map(|(op, _)| *op)
            .collect()
    };
    if let [op] = found.as_slice() {
        return Ok(Operation {
            name: op.display(),
            kind: OperationKind::Http,
        });
    }
    let mut names: Vec<String> = all.iter().map(|(op, _)| op.display()).collect();
    names.extend(all.iter().filter_map(|(op, _)| op.operation_id.clone()));
    let suggestion = if found.len() > 1 {
        Some(found[0].display())
    } else {
        crate::suggest::closest(trimmed, names.iter().map(String::as_str)).map(str::to_owned)
    };
    Err(NotFound {
        suggestion,
        declared: all.len(),
    })
}

/// `GET /orders/{id}` or `/orders/{id}`, but not `/pkg.Service/Method`.
pub fn looks_like_http(op: &str) -> bool {
    let op = op.trim();
    match op.split_once(' ') {
        Some((method, path)) => {
            method.chars().all(|c| c.is_ascii_alphabetic()) && path.trim_start().starts_with('/')
        }
        None => op.starts_with('/') && !looks_like_grpc(op),
    }
}

/// `pkg.Service/Method` or `/pkg.Service/Method`.
pub fn looks_like_grpc(op: &str) -> bool {
    let op = op.trim().trim_start_matches('/');
    match op.split_once('/') {
        Some((service, method)) => {
            service.contains('.')
                && !method.contains('/')
                && method
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase())
        }
        None => false,
    }
}

/// The written path, and the written path with each server's base path removed.
fn path_candidates<'a>(path: &'a str, doc: &OpenApiDoc) -> Vec<&'a str> {
    let mut out = vec![path];
    for server in &doc.servers {
        let base = openapi::base_path(&server.url);
        if !base.is_empty()
            && !base.contains('{')
            && let Some(rest) = path.strip_prefix(base)
            && rest.starts_with('/')
        {
            out.push(rest);
        }
    }
    out
}

/// Path equality where a `{param}` segment on either side matches any one segment.
fn paths_match(a: &str, b: &str) -> bool {
    let seg = |p: &str| {
        p.trim_end_matches('/')
            .split('/')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    let (a, b) = (seg(a), seg(b));
    a.len() == b.len()
        && a.iter().zip(&b).all(|(x, y)| {
            x == y
                || (x.starts_with('{') && x.ends_with('}'))
                || (y.starts_with('{') && y.ends_with('}'))
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn shapes_of_operations() {
        assert!(super::looks_like_http("GET /orders/{id}"));
        assert!(super::looks_like_http("/orders/{id}"));
        assert!(!super::looks_like_http(
            "/orders.v1.OrderService/CreateOrder"
        ));
        assert!(super::looks_like_grpc("orders.v1.OrderService/CreateOrder"));
        assert!(!super::looks_like_grpc("GET /orders/{id}"));
    }

    use super::*;
    use crate::load::openapi::{HttpOperation, Server};
    use crate::load::proto::ProtoMethod;
    use crate::source::{SourceId, Span};

    fn span() -> Span {
        Span::file_start(SourceId(0))
    }

    fn orders() -> ProtoService {
        let method = |name: &str, server_streaming| ProtoMethod {
            name: name.into(),
            span: span(),
            client_streaming: false,
            server_streaming,
            input: "x".into(),
            output: "y".into(),
        };
        ProtoService {
            full_name: "orders.v1.OrderService".into(),
            span: span(),
            methods: vec![
                method("CreateOrder", false),
                method("StreamOrderStatus", true),
            ],
        }
    }

    fn inventory() -> OpenApiDoc {
        let op = |method: &str, path: &str, id: Option<&str>| HttpOperation {
            method: method.into(),
            path: path.into(),
            operation_id: id.map(Into::into),
            span: span(),
            deprecated: false,
        };
        OpenApiDoc {
            source: SourceId(0),
            version: "3.1.0".into(),
            title: None,
            servers: vec![Server {
                url: "http://inventory:8080/api".into(),
                span: span(),
            }],
            operations: vec![
                op("GET", "/inventory/{sku}", Some("getStock")),
                op("POST", "/reservations", None),
            ],
        }
    }

    #[test]
    fn grpc_methods_resolve_in_every_written_form() {
        let svc = orders();
        for written in [
            "orders.v1.OrderService/CreateOrder",
            "/orders.v1.OrderService/CreateOrder",
            "OrderService/CreateOrder",
            "CreateOrder",
        ] {
            let op = grpc(written, &[&svc]).unwrap();
            assert_eq!(op.name, "orders.v1.OrderService/CreateOrder", "{written}");
        }
        let streaming = grpc("StreamOrderStatus", &[&svc]).unwrap();
        assert!(matches!(
            streaming.kind,
            OperationKind::Grpc {
                server_streaming: true,
                ..
            }
        ));
    }

    #[test]
    fn grpc_typos_get_a_suggestion() {
        let svc = orders();
        let err = grpc("orders.v1.OrderService/CreateOrdr", &[&svc]).unwrap_err();
        assert_eq!(
            err.suggestion.as_deref(),
            Some("orders.v1.OrderService/CreateOrder")
        );
        assert_eq!(err.declared, 2);
    }

    #[test]
    fn http_operations_resolve_by_path_or_id() {
        let doc = inventory();
        for written in [
            "GET /inventory/{sku}",
            "get /inventory/{id}",
            "GET /api/inventory/ABC-1",
            "getStock",
            "/reservations",
        ] {
            assert!(http(written, &[&doc]).is_ok(), "{written}");
        }
        let op = http("getStock", &[&doc]).unwrap();
        assert_eq!(op.name, "GET /inventory/{sku}");
    }

    #[test]
    fn http_mismatches_are_not_found() {
        let doc = inventory();
        let err = http("POST /inventory/{sku}", &[&doc]).unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("GET /inventory/{sku}"));
        assert!(http("DELETE /reservations", &[&doc]).is_err());
        assert!(http("getStok", &[&doc]).unwrap_err().suggestion.is_some());
    }
}
