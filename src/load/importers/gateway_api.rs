//! Kubernetes Gateway API (`gateway.networking.k8s.io`): a `Gateway` is a gateway node (public
//! unless it is a mesh waypoint), and every `HTTPRoute`, `GRPCRoute`, `TLSRoute`, `TCPRoute`
//! or `UDPRoute` attached to a Gateway by `parentRefs` is a route from that Gateway to each of
//! its `backendRefs` Services, with the matched path or gRPC method, the rule's request timeout
//! and retry attempts. A route attached to a Service (GAMMA, mesh routing) splits that
//! service's own traffic among its versions: it is policy for calls into the service, not a
//! call.

use crate::load::manifest::{Exposure, LoadBalancer};
use crate::source::SourceId;
use crate::yaml::Node;

use super::declarations::per_attempt;
use super::object::{self, Meta};
use super::{Declarations, Importer, NodeDecl, NodeRole, Owner, PolicyDecl, RouteDecl};

pub struct GatewayApi;

const ROUTE_KINDS: [&str; 5] = ["HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"];

impl Importer for GatewayApi {
    fn name(&self) -> &'static str {
        "Gateway API"
    }

    fn reads_object(&self, api_version: &str, kind: &str) -> bool {
        api_version.starts_with("gateway.networking.k8s.io/")
            && (kind == "Gateway" || ROUTE_KINDS.contains(&kind))
    }

    fn read_object(&self, source: SourceId, object: &Node, out: &mut Declarations) {
        let Some(meta) = object::meta(source, object) else {
            return;
        };
        let Some(spec) = object.get("spec") else {
            return;
        };
        if meta.kind == "Gateway" {
            let class = object::text(spec, &["gatewayClassName"]).unwrap_or("");
            let hosts = object::list(spec, &["listeners"])
                .iter()
                .filter_map(|l| object::text(l, &["hostname"]))
                .filter(|h| !h.starts_with('*'))
                .map(str::to_owned)
                .collect();
            out.nodes.push(NodeDecl {
                name: meta.name.to_owned(),
                role: NodeRole::Gateway,
                exposure: (!class.contains("waypoint")).then_some(Exposure::Public),
                hosts,
                span: meta.span,
                evidence: meta.describe("Gateway API"),
            });
            return;
        }
        for parent in object::list(spec, &["parentRefs"]) {
            let Some(name) = object::text(parent, &["name"]) else {
                continue;
            };
            match object::text(parent, &["kind"]).unwrap_or("Gateway") {
                "Gateway" => {
                    out.nodes.push(NodeDecl {
                        name: name.to_owned(),
                        role: NodeRole::Gateway,
                        exposure: None,
                        hosts: Vec::new(),
                        span: parent.pos.span(source),
                        evidence: format!("{} parentRef {name}", meta.describe("Gateway API")),
                    });
                    for rule in object::list(spec, &["rules"]) {
                        rule_routes(source, &meta, name, rule, out);
                    }
                }
                "Service" => mesh_policy(source, &meta, parent, name, spec, out),
                _ => {}
            }
        }
    }
}

/// The routes of one rule: one to every backend, with the paths the rule matches.
fn rule_routes(source: SourceId, meta: &Meta<'_>, gateway: &str, rule: &Node, out: &mut Declarations) {
    let paths = matched_paths(meta.kind, rule);
    let protocol = match meta.kind {
        "HTTPRoute" => Some("http"),
        "GRPCRoute" => Some("grpc"),
        _ => None,
    };
    // `request` bounds the whole request, retries included; `backendRequest` each attempt.
    let total = object::duration(object::at(rule, &["timeouts", "request"]));
    let timeout = per_attempt(
        object::duration(object::at(rule, &["timeouts", "backendRequest"])),
        total,
    );
    let retries = object::at(rule, &["retry", "attempts"])
        .and_then(Node::as_i64)
        .and_then(|n| u32::try_from(n).ok());
    for backend in object::list(rule, &["backendRefs"]) {
        let service_kind = object::text(backend, &["kind"]).unwrap_or("Service") == "Service";
        let weight = backend.get("weight").and_then(Node::as_i64);
        let Some(name_node) = backend.get("name").filter(|_| service_kind && weight != Some(0))
        else {
            continue;
        };
        let Some(name) = name_node.as_str() else { continue };
        let namespace = object::text(backend, &["namespace"])
            .map(str::to_owned)
            .or_else(|| meta.namespace.clone());
        let port = object::port(backend.get("port"));
        let weighted = weight.map_or(String::new(), |w| format!(" (weight {w})"));
        let shown = if paths.is_empty() {
            String::new()
        } else {
            format!(" {}", paths.join(", "))
        };
        out.routes.push(RouteDecl {
            namespace,
            port,
            protocol: protocol.map(str::to_owned),
            paths: paths.clone(),
            timeout_ms: timeout,
            retries,
            total_ms: total,
            ..RouteDecl::new(
                Owner::Node(gateway.to_owned()),
                name,
                name_node.pos.span(source),
                format!(
                    "{} (parent {gateway}){shown}{weighted}",
                    meta.describe("Gateway API")
                ),
            )
        });
    }
}

/// The paths a rule matches: HTTP path values, gRPC `/service/method`; none when it matches
/// everything.
fn matched_paths(kind: &str, rule: &Node) -> Vec<String> {
    object::list(rule, &["matches"])
        .iter()
        .filter_map(|m| match kind {
            "GRPCRoute" => {
                let service = object::text(m, &["method", "service"])?;
                let method = object::text(m, &["method", "method"]).unwrap_or("");
                Some(format!("/{service}/{method}"))
            }
            _ => object::text(m, &["path", "value"]).map(str::to_owned),
        })
        .collect()
}

/// A route attached to a Service: its timeouts and retries govern calls into the service, which
/// a mesh balances; its backends are the service's own versions, so no call is read.
fn mesh_policy(
    source: SourceId,
    meta: &Meta<'_>,
    parent: &Node,
    service: &str,
    spec: &Node,
    out: &mut Declarations,
) {
    let rules = object::list(spec, &["rules"]);
    let total = rules
        .iter()
        .find_map(|r| object::duration(object::at(r, &["timeouts", "request"])));
    let timeout = per_attempt(
        rules
            .iter()
            .find_map(|r| object::duration(object::at(r, &["timeouts", "backendRequest"]))),
        total,
    );
    let retries = rules.iter().find_map(|r| {
        object::at(r, &["retry", "attempts"])
            .and_then(Node::as_i64)
            .and_then(|n| u32::try_from(n).ok())
    });
    let backends: Vec<&str> = rules
        .iter()
        .flat_map(|r| object::list(r, &["backendRefs"]))
        .filter_map(|b| object::text(b, &["name"]))
        .filter(|b| *b != service)
        .collect();
    if !backends.is_empty() {
        out.notes.push(format!(
            "{} splits the traffic of Service `{service}` among {} (mesh routing between versions, not a call)",
            meta.describe("Gateway API"),
            backends.join(", ")
        ));
    }
    // Routing a Service's own traffic takes a mesh: its callers are balanced at L7.
    out.policies.push(PolicyDecl {
        host: service.to_owned(),
        namespace: meta.namespace.clone(),
        timeout_ms: timeout,
        retries,
        total_ms: total,
        circuit_breaker: false,
        load_balancer: Some(LoadBalancer::Mesh),
        span: parent.pos.span(source),
        evidence: meta.describe("Gateway API"),
    });
}

#[cfg(test)]
mod tests;
