//! Istio networking (`networking.istio.io`): a `Gateway` is a gateway node (public unless it
//! selects an egress gateway); a `VirtualService` bound to Gateways routes each matched path
//! from them to its destinations, with the route's timeout and retries; a `VirtualService`
//! bound to the mesh (or to nothing) steers a service's own traffic among its subsets, so it
//! is policy for calls into that service, not a call; a `DestinationRule` adds outlier
//! detection and connection-pool limits (circuit breaking) to calls into its host; a
//! `ServiceEntry` names hosts outside the cluster.

use crate::load::manifest::{Exposure, LoadBalancer};
use crate::source::SourceId;
use crate::load::skipped::SkippedKind;
use crate::yaml::Node;

use super::declarations::per_attempt;
use super::object::{self, Meta};
use super::{Declarations, Importer, NodeDecl, NodeRole, Owner, PolicyDecl, RouteDecl};

pub struct Istio;

impl Importer for Istio {
    fn name(&self) -> &'static str {
        "Istio"
    }

    fn reads_object(&self, api_version: &str, kind: &str) -> bool {
        api_version.starts_with("networking.istio.io/")
            && matches!(
                kind,
                "Gateway" | "VirtualService" | "DestinationRule" | "ServiceEntry" | "EnvoyFilter"
            )
    }

    fn read_object(&self, source: SourceId, object: &Node, out: &mut Declarations) {
        let Some(meta) = object::meta(source, object) else {
            return;
        };
        let Some(spec) = object.get("spec") else {
            return;
        };
        match meta.kind {
            "Gateway" => gateway(&meta, spec, out),
            "VirtualService" => virtual_service(source, &meta, spec, out),
            "DestinationRule" => destination_rule(source, &meta, spec, out),
            "ServiceEntry" => service_entry(&meta, spec, out),
            _ => out.unread.push((SkippedKind::ProxyPatch, source)),
        }
    }
}

fn gateway(meta: &Meta<'_>, spec: &Node, out: &mut Declarations) {
    let egress = spec
        .get("selector")
        .is_some_and(|s| s.entries().iter().any(|(_, v)| v.as_str().is_some_and(|v| v.contains("egress"))));
    let hosts = object::list(spec, &["servers"])
        .iter()
        .flat_map(|s| object::list(s, &["hosts"]))
        .filter_map(Node::as_str)
        .map(|h| object::split_namespaced(h).1)
        .filter(|h| !h.starts_with('*'))
        .map(str::to_owned)
        .collect();
    out.nodes.push(NodeDecl {
        name: meta.name.to_owned(),
        role: NodeRole::Gateway,
        exposure: (!egress).then_some(Exposure::Public),
        hosts,
        span: meta.span,
        evidence: meta.describe("Istio"),
    });
}

fn virtual_service(source: SourceId, meta: &Meta<'_>, spec: &Node, out: &mut Declarations) {
    let hosts: Vec<&str> = object::list(spec, &["hosts"])
        .iter()
        .filter_map(Node::as_str)
        .collect();
    let bound: Vec<&Node> = object::list(spec, &["gateways"]).iter().collect();
    let mesh = bound.is_empty() || bound.iter().any(|g| g.as_str() == Some("mesh"));
    for gateway in bound.iter().filter(|g| g.as_str() != Some("mesh")) {
        let Some(name) = gateway.as_str().map(|g| object::split_namespaced(g).1) else {
            continue;
        };
        out.nodes.push(NodeDecl {
            name: name.to_owned(),
            role: NodeRole::Gateway,
            exposure: None,
            hosts: Vec::new(),
            span: gateway.pos.span(source),
            evidence: format!("{} gateway {name}", meta.describe("Istio")),
        });
        for (section, protocol) in [("http", Some("http")), ("tcp", None), ("tls", None)] {
            for rule in object::list(spec, &[section]) {
                gateway_routes(source, meta, name, rule, protocol, out);
            }
        }
    }
    if mesh {
        mesh_policy(source, meta, &hosts, spec, out);
    }
}

/// The routes of one rule of a VirtualService bound to `gateway`: one to each destination,
/// with the paths the rule matches.
fn gateway_routes(
    source: SourceId,
    meta: &Meta<'_>,
    gateway: &str,
    rule: &Node,
    protocol: Option<&str>,
    out: &mut Declarations,
) {
    let paths: Vec<String> = object::list(rule, &["match"])
        .iter()
        .filter_map(|m| {
            let uri = m.get("uri")?;
            let (how, value) = uri.entries().first()?;
            let value = value.as_str()?;
            Some(match how.name.as_str() {
                "regex" => format!("~ {value}"),
                _ => value.to_owned(),
            })
        })
        .collect();
    let shown = if paths.is_empty() {
        String::new()
    } else {
        format!(" {}", paths.join(", "))
    };
    let total = object::duration(rule.get("timeout"));
    let timeout = per_attempt(per_try(rule), total);
    let retries = retries(rule);
    for target in object::list(rule, &["route"]) {
        let Some(host_node) = object::at(target, &["destination", "host"]) else {
            continue;
        };
        let Some(host) = host_node.as_str() else { continue };
        if target.get("weight").and_then(Node::as_i64) == Some(0) {
            continue;
        }
        let port = object::port(object::at(target, &["destination", "port"]));
        let subset = object::text(target, &["destination", "subset"])
            .map_or(String::new(), |s| format!(" subset {s}"));
        out.routes.push(RouteDecl {
            namespace: meta.namespace.clone(),
            port,
            protocol: protocol.map(str::to_owned),
            paths: paths.clone(),
            timeout_ms: timeout,
            retries,
            total_ms: total,
            ..RouteDecl::new(
                Owner::Node(gateway.to_owned()),
                host,
                host_node.pos.span(source),
                format!(
                    "{} (gateway {gateway}){shown}{subset}",
                    meta.describe("Istio")
                ),
            )
        });
    }
}

/// `retries: {perTryTimeout: 2s}`: the timeout of each attempt, where the route's `timeout`
/// bounds all of them together.
fn per_try(rule: &Node) -> Option<f64> {
    object::duration(object::at(rule, &["retries", "perTryTimeout"]))
}

/// `retries: {attempts: 3}`; `attempts: 0` turns retries off.
fn retries(rule: &Node) -> Option<u32> {
    object::at(rule, &["retries", "attempts"])
        .and_then(Node::as_i64)
        .and_then(|n| u32::try_from(n).ok())
}

/// A VirtualService for the mesh: timeouts and retries of calls into its hosts. Destinations
/// that are another service are traffic steering the scan cannot attribute to a caller.
fn mesh_policy(source: SourceId, meta: &Meta<'_>, hosts: &[&str], spec: &Node, out: &mut Declarations) {
    let rules = object::list(spec, &["http"]);
    let total = rules.iter().find_map(|r| object::duration(r.get("timeout")));
    let timeout = per_attempt(rules.iter().find_map(per_try), total);
    let retries = rules.iter().find_map(retries);
    let short = |h: &str| h.split('.').next().unwrap_or(h).to_ascii_lowercase();
    let elsewhere: Vec<&str> = ["http", "tcp", "tls"]
        .iter()
        .flat_map(|s| object::list(spec, &[s]))
        .flat_map(|r| object::list(r, &["route"]))
        .filter_map(|t| object::text(t, &["destination", "host"]))
        .filter(|d| !hosts.iter().any(|h| short(h) == short(d)))
        .collect();
    if !elsewhere.is_empty() {
        out.notes.push(format!(
            "{} sends traffic for {} to {} inside the mesh; the callers are not named, so no call was read",
            meta.describe("Istio"),
            hosts.join(", "),
            elsewhere.join(", ")
        ));
    }
    for host in hosts.iter().filter(|h| !h.starts_with('*')) {
        out.policies.push(PolicyDecl {
            host: (*host).to_owned(),
            namespace: meta.namespace.clone(),
            timeout_ms: timeout,
            retries,
            total_ms: total,
            circuit_breaker: false,
            load_balancer: Some(LoadBalancer::Mesh),
            span: object::at(spec, &["hosts"]).map_or(meta.span, |h| h.pos.span(source)),
            evidence: meta.describe("Istio"),
        });
    }
}

/// Outlier detection or connection-pool limits, for the host or any of its subsets.
fn destination_rule(source: SourceId, meta: &Meta<'_>, spec: &Node, out: &mut Declarations) {
    let Some(host_node) = spec.get("host") else {
        return;
    };
    let Some(host) = host_node.as_str() else { return };
    let policies = std::iter::once(spec.get("trafficPolicy"))
        .chain(
            object::list(spec, &["subsets"])
                .iter()
                .map(|s| s.get("trafficPolicy")),
        )
        .flatten();
    let breaker = policies
        .clone()
        .any(|p| p.get("outlierDetection").is_some() || p.get("connectionPool").is_some());
    out.policies.push(PolicyDecl {
        host: host.to_owned(),
        namespace: meta.namespace.clone(),
        timeout_ms: None,
        retries: None,
        total_ms: None,
        circuit_breaker: breaker,
        load_balancer: Some(LoadBalancer::Mesh),
        span: host_node.pos.span(source),
        evidence: meta.describe("Istio"),
    });
}

/// Hosts outside the mesh are external systems; hosts inside it (virtual machines) are
/// services of that name.
fn service_entry(meta: &Meta<'_>, spec: &Node, out: &mut Declarations) {
    let hosts: Vec<String> = object::list(spec, &["hosts"])
        .iter()
        .filter_map(Node::as_str)
        .filter(|h| !h.starts_with('*'))
        .map(str::to_owned)
        .collect();
    let Some((first, rest)) = hosts.split_first() else {
        return;
    };
    let internal = object::text(spec, &["location"]) == Some("MESH_INTERNAL");
    out.nodes.push(NodeDecl {
        name: first.clone(),
        role: if internal {
            NodeRole::Service
        } else {
            NodeRole::External
        },
        exposure: None,
        hosts: rest.to_vec(),
        span: meta.span,
        evidence: meta.describe("Istio"),
    });
}

#[cfg(test)]
mod tests;
