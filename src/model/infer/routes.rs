//! Routes and traffic policies declared by importers (`load::importers`): a route becomes a
//! call from the proxy that owns it to what it leads to, through the same host table and
//! protocol rules as environment addresses, carrying its path and the proxy's timeout, retries
//! and outlier detection; a policy for a host governs every call into its service.

use std::collections::{BTreeMap, BTreeSet};

use super::Protos;
use crate::load::importers::{AliasDecl, Declarations, Owner, PolicyDecl, RouteDecl};
use crate::load::imports::Imports;
use crate::model::{Protocol, ProxyPolicy};

use super::edges::{self, RouteFacts};
use super::units::Units;
use super::{IPolicy, Inferred, variables};

/// Routes declared by importers become calls from their owner to what they lead to; policies
/// are resolved to the services they govern.
pub fn from_routes(
    imports: &Imports,
    units: &Units,
    declared: &BTreeSet<String>,
    protos: &Protos,
    out: &mut Inferred,
) {
    // What files declared, then what importers read from services' resolved settings.
    let imported = || imports.declared.iter().chain(&units.from_settings);
    let aliases: Vec<(usize, &AliasDecl)> = imported()
        .flat_map(|d| &d.aliases)
        .filter_map(|a| Some((units.owner(&a.owner)?, a)))
        .collect();
    for decl in imported() {
        for route in &decl.routes {
            add_route(units, protos, &aliases, route, out);
        }
    }
    for policy in imported().flat_map(|d| &d.policies) {
        add_policy(units, declared, policy, out);
    }
}

fn add_route(
    units: &Units,
    protos: &Protos,
    aliases: &[(usize, &AliasDecl)],
    route: &RouteDecl,
    out: &mut Inferred,
) {
    let Some(owner) = units.owner(&route.from) else {
        out.notes.push(format!(
            "{} belongs to no workload the scan read; its route was not used",
            route.evidence
        ));
        return;
    };
    let unit = &units.units[owner];
    let env: BTreeMap<&str, &str> = unit
        .env
        .iter()
        .map(|(k, v, _)| (k.as_str(), v.as_str()))
        .collect();
    let proxy = ProxyPolicy {
        timeout_ms: route.timeout_ms,
        retries: route.retries,
        total_ms: route.total_ms,
        circuit_breaker: route.circuit_breaker,
        evidence: if route.timeout_ms.is_some() || route.retries.is_some() || route.circuit_breaker
        {
            vec![route.evidence.clone()]
        } else {
            Vec::new()
        },
    };
    let protocol = route.protocol.as_deref().map(canonical_protocol);
    for written in expand_alias(&route.target, owner, aliases) {
        let unset_before: usize = out.unset.values().map(Vec::len).sum();
        let mut value = variables::fill(
            &written,
            &|name| env.get(name).map(|v| (*v).to_owned()),
            units,
            &unit.name,
            route.span,
            out,
        );
        let guessed = out.unset.values().map(Vec::len).sum::<usize>() > unset_before;
        if let Some(port) = route.port
            && !value.contains("://")
            && !value.contains(':')
        {
            value = format!("{value}:{port}");
        }
        if let Some(ns) = &route.namespace {
            value = qualify(&value, ns, units);
        }
        edges::add_address_setting(
            units,
            protos,
            edges::Setting {
                from: &unit.name,
                self_unit: Some(owner),
                key: "ROUTE_URL",
                value: &value,
                span: route.span,
                evidence: route.evidence.clone(),
                protocol: protocol.clone(),
                route: Some(RouteFacts {
                    paths: &route.paths,
                    proxy: &proxy,
                    declared: !guessed,
                }),
            },
            out,
        );
    }
}

/// A target whose host is an alias of its owner (an nginx `upstream`) becomes one target per
/// address the alias stands for (each filled from the owner's environment afterwards), keeping the scheme and path: `http://backend/api` with
/// `backend` = `cart:8080` is `http://cart:8080/api`.
fn expand_alias(target: &str, owner: usize, aliases: &[(usize, &AliasDecl)]) -> Vec<String> {
    let (scheme, rest) = match target.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), target),
    };
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = authority.split(':').next().unwrap_or(authority);
    let found = aliases
        .iter()
        .find(|(o, a)| *o == owner && a.name.eq_ignore_ascii_case(host));
    match found {
        Some((_, alias)) if !alias.targets.is_empty() => alias
            .targets
            .iter()
            .map(|t| format!("{scheme}{t}{tail}"))
            .collect(),
        _ => vec![target.to_owned()],
    }
}

/// A policy for a host governs every call into the service the host names: a workload the
/// scan found, or a service a manifest declares.
fn add_policy(units: &Units, declared: &BTreeSet<String>, policy: &PolicyDecl, out: &mut Inferred) {
    let host = policy.host.to_ascii_lowercase();
    let qualified = policy
        .namespace
        .as_ref()
        .map(|ns| format!("{host}.{ns}"))
        .filter(|q| !host.contains('.') && units.hosts.contains_key(q));
    // `reviews.shop.svc.cluster.local` for a `reviews` the scan knows in no namespace.
    let short = host.split('.').next().unwrap_or(&host);
    let cluster_local = host.ends_with(".svc") || host.contains(".svc.");
    let target = units
        .hosts
        .get(qualified.as_deref().unwrap_or(&host))
        .or_else(|| cluster_local.then(|| units.hosts.get(short)).flatten());
    let service = match target {
        Some(t) => match t.unit {
            Some(index) => units.units[index].name.clone(),
            // An external host: its calls are the proxy's business, not the system's.
            None => return,
        },
        None if (cluster_local || !host.contains('.')) && declared.contains(short) => {
            short.to_owned()
        }
        None => {
            out.notes.push(format!(
                "{} governs `{}`, which nothing the scan read serves; the policy was not used",
                policy.evidence, policy.host
            ));
            return;
        }
    };
    let mut proxy = ProxyPolicy {
        timeout_ms: policy.timeout_ms,
        retries: policy.retries,
        total_ms: policy.total_ms,
        circuit_breaker: policy.circuit_breaker,
        evidence: Vec::new(),
    };
    if !proxy.is_empty() {
        proxy.evidence.push(policy.evidence.clone());
    }
    match out.policies.iter_mut().find(|p| p.service == service) {
        Some(known) => {
            known.proxy.merge(&proxy);
            known.load_balancer = known.load_balancer.or(policy.load_balancer);
        }
        None => out.policies.push(IPolicy {
            service,
            proxy,
            load_balancer: policy.load_balancer,
        }),
    }
}

/// A bare Kubernetes Service name written in a namespaced object: `reviews` in namespace
/// `shop` is `reviews.shop` when that host is known.
fn qualify(value: &str, namespace: &str, units: &Units) -> String {
    let (scheme, rest) = match value.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), value),
    };
    let end = rest.find([':', '/']).unwrap_or(rest.len());
    let (host, tail) = rest.split_at(end);
    if host.contains('.') {
        return value.to_owned();
    }
    let namespaced = format!("{host}.{namespace}");
    if units.hosts.contains_key(&namespaced) {
        format!("{scheme}{namespaced}{tail}")
    } else {
        value.to_owned()
    }
}

/// The protocol a canonical name (`docs/imports.md`) stands for.
pub fn canonical_protocol(name: &str) -> Protocol {
    match name.to_ascii_lowercase().as_str() {
        "grpc" => Protocol::Grpc,
        "http" | "https" | "http2" => Protocol::Http,
        "graphql" => Protocol::Graphql,
        "thrift" => Protocol::Thrift,
        "websocket" => Protocol::Websocket,
        "nats" => Protocol::Nats,
        "kafka" => Protocol::Kafka,
        "amqp" => Protocol::Amqp,
        "redis" => Protocol::Redis,
        "postgres" => Protocol::Postgres,
        "mysql" => Protocol::Mysql,
        "mongodb" => Protocol::Mongodb,
        other => Protocol::Other(other.to_owned()),
    }
}

/// Whose routes a file's owner holds: the owner of every route, marked a gateway.
pub fn route_owners(declared: &[Declarations]) -> impl Iterator<Item = &Owner> {
    declared.iter().flat_map(|d| &d.routes).map(|r| &r.from)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::load::compose;
    use crate::load::importers::{Declarations, NodeDecl, NodeRole};
    use crate::load::manifest::Exposure;
    use crate::source::{SourceId, Span};
    use crate::yaml::parse_node;

    fn imports(compose_text: &str, declared: Declarations) -> Imports {
        let file = compose::read(SourceId(0), &parse_node(compose_text).unwrap());
        let (project, _) = compose::resolve(
            Path::new("/repo"),
            vec![SourceId(0)],
            compose::merge(vec![file]),
            &crate::load::interpolate::DotEnv::default(),
            &BTreeMap::new(),
        );
        Imports {
            compose: vec![project],
            declared: vec![declared],
            ..Imports::default()
        }
    }

    fn route(from: Owner, target: &str) -> RouteDecl {
        RouteDecl {
            paths: vec!["/api/".into()],
            ..RouteDecl::new(from, target, Span::new(SourceId(1), 0, 1), "route /api/")
        }
    }

    fn calls(out: &Inferred) -> Vec<(&str, &str, &str)> {
        out.calls
            .iter()
            .map(|c| (c.from.as_str(), c.to.as_str(), c.protocol.as_str()))
            .collect()
    }

    #[test]
    fn routes_resolve_owners_variables_and_hosts() {
        let compose_text = "services:\n  web:\n    build: ./web\n    environment: [UPSTREAM_NAME=users]\n  cart: {image: cart}\n  users: {image: users}\n  edge: {image: envoy}\n";
        let declared = Declarations {
            routes: vec![
                route(
                    Owner::File("/repo/web/default.conf.template".into()),
                    "http://${CART_HOST}:8080/",
                ),
                route(
                    Owner::File("/repo/web/default.conf.template".into()),
                    "http://${UPSTREAM_NAME}:8080/",
                ),
                route(Owner::Node("ingress".into()), "cart"),
            ],
            nodes: vec![NodeDecl {
                name: "ingress".into(),
                role: NodeRole::Gateway,
                exposure: Some(Exposure::Public),
                hosts: Vec::new(),
                span: Span::new(SourceId(2), 0, 1),
                evidence: "Ingress ingress".into(),
            }],
            ..Declarations::default()
        };
        let imports = imports(compose_text, declared);
        let out = super::super::infer(&imports, &Default::default(), &[]);
        assert_eq!(
            calls(&out),
            vec![
                ("web", "cart", "http"),
                ("web", "users", "http"),
                ("ingress", "cart", "tcp")
            ]
        );
        // A target guessed from a variable's name is inferred; a plain one is declared.
        let declared: Vec<bool> = out.calls.iter().map(|c| c.declared).collect();
        assert_eq!(declared, vec![false, true, true]);
        let unset: Vec<&str> = out
            .findings
            .iter()
            .filter(|f| f.rule == crate::diagnostics::catalog::UNRESOLVED_VARIABLE)
            .map(|f| f.message.as_str())
            .collect();
        assert_eq!(
            unset,
            vec!["`web` uses `${CART_HOST}`, which nothing the scan read sets"]
        );
        let ingress = out.nodes.iter().find(|n| n.name == "ingress").unwrap();
        assert_eq!(ingress.kind, crate::model::ServiceKind::Gateway);
        assert_eq!(ingress.exposure, Exposure::Public);
    }

    #[test]
    fn aliases_paths_and_policies_reach_the_calls() {
        let compose_text = "services:\n  proxy:\n    image: nginx\n    volumes: ['./proxy/nginx.conf:/etc/nginx/nginx.conf']\n  cart: {image: cart}\n  users: {image: users}\n";
        let file = Owner::File("/repo/proxy/nginx.conf".into());
        let declared = Declarations {
            routes: vec![
                route(file.clone(), "http://backend"),
                RouteDecl {
                    paths: vec!["/users/".into()],
                    timeout_ms: Some(2000.0),
                    ..route(file.clone(), "http://users:80/")
                },
                RouteDecl {
                    paths: vec!["/v2/users/".into()],
                    retries: Some(2),
                    ..route(file.clone(), "users:80")
                },
            ],
            aliases: vec![AliasDecl {
                owner: file.clone(),
                name: "backend".into(),
                targets: vec!["cart:8080".into()],
                span: Span::new(SourceId(1), 0, 1),
            }],
            policies: vec![PolicyDecl {
                host: "cart".into(),
                namespace: None,
                timeout_ms: None,
                retries: Some(3),
                total_ms: None,
                circuit_breaker: true,
                load_balancer: None,
                span: Span::new(SourceId(1), 0, 1),
                evidence: "DestinationRule cart".into(),
            }],
            ..Declarations::default()
        };
        let imports = imports(compose_text, declared);
        let out = super::super::infer(&imports, &Default::default(), &[]);
        assert_eq!(
            calls(&out),
            vec![("proxy", "cart", "http"), ("proxy", "users", "http")]
        );
        let users = &out.calls[1];
        assert_eq!(users.paths, vec!["/users/", "/v2/users/"]);
        assert_eq!(users.proxy.timeout_ms, Some(2000.0));
        assert_eq!(users.proxy.retries, Some(2));
        let proxy = out.nodes.iter().find(|n| n.name == "proxy").unwrap();
        assert_eq!(proxy.kind, crate::model::ServiceKind::Gateway);
        assert_eq!(out.policies.len(), 1);
        assert_eq!(out.policies[0].service, "cart");
        assert_eq!(out.policies[0].proxy.retries, Some(3));
    }
}
