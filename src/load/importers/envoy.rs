//! Envoy static configuration: `static_resources.listeners` -> HTTP connection manager routes
//! (or a TCP proxy) -> `clusters` -> endpoints. Each route is a gateway edge from the workload
//! that runs the file, with its path, timeout and retries; a cluster is a name for its
//! endpoints, as an nginx `upstream` is.

use std::collections::BTreeSet;
use std::path::Path;

use crate::load::skipped::SkippedKind;
use crate::yaml::Node;

use super::declarations::per_attempt;
use super::object::{self, list, text};
use super::{AliasDecl, Declarations, FileInput, Importer, Owner, RouteDecl};

pub struct Envoy;

impl Importer for Envoy {
    fn name(&self) -> &'static str {
        "Envoy"
    }

    fn claims_file(&self, path: &Path, text: &str) -> bool {
        let yaml = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "yaml" | "yml" | "json"));
        yaml && text.contains("static_resources") && text.contains("clusters")
    }

    fn read_file(&self, file: FileInput<'_>, out: &mut Declarations) {
        let Ok(doc) = crate::yaml::parse_node(file.text) else {
            out.unread.push((SkippedKind::GatewayConfig, file.source));
            return;
        };
        let Some(resources) = doc.get("static_resources") else {
            return;
        };
        let owner = Owner::File(file.path.to_path_buf());
        // Clusters that speak HTTP/2 to their endpoints may be gRPC servers; the others are
        // HTTP/1 servers behind an HTTP route.
        let http2: BTreeSet<&str> = list(resources, &["clusters"])
            .iter()
            .filter(|c| has_key(c, "http2_protocol_options"))
            .filter_map(|c| c.get("name").and_then(Node::as_str))
            .collect();
        for cluster in list(resources, &["clusters"]) {
            let Some(name) = cluster.get("name").filter(|n| n.as_str().is_some()) else {
                continue;
            };
            let targets = endpoints(cluster);
            if targets.is_empty() {
                continue;
            }
            out.aliases.push(AliasDecl {
                owner: owner.clone(),
                name: name.as_str().unwrap_or_default().to_owned(),
                targets,
                span: name.pos.span(file.source),
            });
        }
        for listener in list(resources, &["listeners"]) {
            for chain in list(listener, &["filter_chains"]) {
                for filter in list(chain, &["filters"]) {
                    let Some(config) = filter.get("typed_config").or_else(|| filter.get("config"))
                    else {
                        continue;
                    };
                    read_filter(file, &owner, config, &http2, out);
                }
            }
        }
    }
}

/// Whether `key` appears anywhere inside `node`.
fn has_key(node: &Node, key: &str) -> bool {
    let mut stack = vec![node];
    while let Some(n) = stack.pop() {
        for (k, v) in n.entries() {
            if k.name == key {
                return true;
            }
            stack.push(v);
        }
        stack.extend(n.items());
    }
    false
}

/// The `address:port` of every endpoint of a cluster (`load_assignment`, or the older `hosts`).
fn endpoints(cluster: &Node) -> Vec<String> {
    let mut sockets: Vec<&Node> = Vec::new();
    for group in list(cluster, &["load_assignment", "endpoints"]) {
        for lb in list(group, &["lb_endpoints"]) {
            sockets.extend(object::at(lb, &["endpoint", "address", "socket_address"]));
        }
    }
    for host in list(cluster, &["hosts"]) {
        sockets.extend(host.get("socket_address"));
    }
    sockets
        .into_iter()
        .filter_map(|s| {
            let host = text(s, &["address"])?;
            Some(match object::port(s.get("port_value")) {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            })
        })
        .collect()
}

/// An HTTP connection manager's routes, or a TCP proxy's cluster.
fn read_filter(
    file: FileInput<'_>,
    owner: &Owner,
    config: &Node,
    http2: &BTreeSet<&str>,
    out: &mut Declarations,
) {
    if let Some(cluster) = config.get("cluster").filter(|c| c.as_str().is_some()) {
        let name = cluster.as_str().unwrap_or_default();
        out.routes.push(RouteDecl::new(
            owner.clone(),
            name,
            cluster.pos.span(file.source),
            format!("Envoy tcp_proxy cluster {name}"),
        ));
    }
    for host in list(config, &["route_config", "virtual_hosts"]) {
        for route in list(host, &["routes"]) {
            let Some(cluster) = object::at(route, &["route", "cluster"]).filter(|c| c.as_str().is_some())
            else {
                continue;
            };
            let name = cluster.as_str().unwrap_or_default();
            let matcher = route.get("match");
            let path = matcher.and_then(|m| {
                ["prefix", "path", "path_separated_prefix"]
                    .iter()
                    .find_map(|k| text(m, &[k]))
            });
            let grpc = matcher.is_some_and(|m| m.get("grpc").is_some());
            let retries = object::at(route, &["route", "retry_policy", "num_retries"])
                .and_then(Node::as_i64)
                .and_then(|n| u32::try_from(n).ok());
            // The route's timeout bounds every attempt together; `per_try_timeout` each one.
            let total = object::duration(object::at(route, &["route", "timeout"]));
            let per_try = object::duration(object::at(
                route,
                &["route", "retry_policy", "per_try_timeout"],
            ));
            out.routes.push(RouteDecl {
                paths: path.iter().map(|p| (*p).to_owned()).collect(),
                // An HTTP connection manager's route is HTTP, unless it matches gRPC or its
                // cluster speaks HTTP/2 (then the callee's contracts and port decide).
                protocol: if grpc {
                    Some("grpc".to_owned())
                } else {
                    (!http2.contains(name)).then(|| "http".to_owned())
                },
                timeout_ms: per_attempt(per_try, total),
                retries,
                total_ms: total,
                ..RouteDecl::new(
                    owner.clone(),
                    name,
                    cluster.pos.span(file.source),
                    format!("Envoy route {} cluster {name}", path.unwrap_or("(any)")),
                )
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_route_timeout_bounds_all_attempts_and_per_try_timeout_each() {
        let yaml = "static_resources:
  listeners:
  - name: edge
    filter_chains:
    - filters:
      - name: envoy.filters.network.http_connection_manager
        typed_config:
          route_config:
            virtual_hosts:
            - name: all
              domains: ['*']
              routes:
              - match: {prefix: /orders}
                route:
                  cluster: orders
                  timeout: 2s
                  retry_policy: {retry_on: 5xx, num_retries: 3, per_try_timeout: 500ms}
              - match: {prefix: /cart}
                route: {cluster: cart, timeout: 1s}
";
        let mut out = Declarations::default();
        let file = FileInput {
            source: crate::source::SourceId(0),
            path: Path::new("envoy.yaml"),
            text: yaml,
        };
        Envoy.read_file(file, &mut out);
        type Route = (String, Option<f64>, Option<u32>, Option<f64>);
        let got: Vec<Route> = out
            .routes
            .iter()
            .map(|r| (r.target.clone(), r.timeout_ms, r.retries, r.total_ms))
            .collect();
        assert_eq!(
            got,
            vec![
                ("orders".to_owned(), Some(500.0), Some(3), Some(2000.0)),
                ("cart".to_owned(), Some(1000.0), None, Some(1000.0)),
            ]
        );
    }
}
