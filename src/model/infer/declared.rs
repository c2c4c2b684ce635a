//! What the registered importers declared (`load::importers`), resolved like everything else:
//! their nodes join the units, their environment joins the owner's, and their routes become
//! calls through the same host table and protocol rules as environment addresses.

use std::collections::BTreeMap;
use std::path::Path;

use crate::load::importers::{NodeRole, Owner, RouteDecl};
use crate::load::imports::Imports;
use crate::load::manifest::Exposure;
use crate::load::proto::ProtoService;
use crate::model::Protocol;

use super::classify::Role;
use super::edges;
use super::units::{Target, Unit, Units};
use super::{Inferred, variables};

impl Units {
    /// Nodes and environment declared by importers.
    pub(super) fn add_declared(&mut self, imports: &Imports) {
        for node in imports.declared.iter().flat_map(|d| &d.nodes) {
            if let NodeRole::External = node.role {
                for host in std::iter::once(&node.name).chain(&node.hosts) {
                    self.hosts
                        .entry(host.to_ascii_lowercase())
                        .or_insert_with(|| Target {
                            unit: None,
                            external: Some(node.name.clone()),
                            ports: BTreeMap::new(),
                        });
                }
                continue;
            }
            let index = match self.index_of(&node.name) {
                Some(i) => i,
                None => {
                    self.units.push(Unit {
                        name: node.name.clone(),
                        role: match &node.role {
                            NodeRole::Datastore(kind) => Role::Datastore(kind.clone()),
                            NodeRole::Broker(kind) => Role::Broker(*kind),
                            _ => Role::Service,
                        },
                        span: node.span,
                        evidence: node.evidence.clone(),
                        env: Vec::new(),
                        published: false,
                        addressable: true,
                        load_balancer: None,
                        build_context: None,
                        mounts: Vec::new(),
                        gateway: false,
                        depends_on: Vec::new(),
                    });
                    self.units.len() - 1
                }
            };
            let unit = &mut self.units[index];
            unit.gateway |= node.role == NodeRole::Gateway;
            unit.published |= node.exposure == Some(Exposure::Public);
            for host in &node.hosts {
                self.hosts
                    .entry(host.to_ascii_lowercase())
                    .or_insert_with(|| Target {
                        unit: Some(index),
                        external: None,
                        ports: BTreeMap::new(),
                    });
            }
        }
        for decl in imports.declared.iter().flat_map(|d| &d.env) {
            let Some(index) = self.owner(&decl.owner) else {
                continue;
            };
            let unit = &mut self.units[index];
            for (key, value, span) in &decl.vars {
                // The deployment's own environment wins over an image's defaults.
                if !unit.env.iter().any(|(k, _, _)| k == key) {
                    unit.env.push((key.clone(), value.clone(), *span));
                }
            }
        }
    }

    /// The unit a declaration belongs to.
    pub fn owner(&self, owner: &Owner) -> Option<usize> {
        match owner {
            Owner::Node(name) => self.index_of(name),
            Owner::File(path) => self.owner_of_file(path),
        }
    }

    /// The workload that runs a file: the one that mounts it (or a folder holding it), else the
    /// one whose build context holds it (the deepest), else one named like its folders.
    pub fn owner_of_file(&self, path: &Path) -> Option<usize> {
        let file = crate::load::canonical(path);
        let deepest = |paths: &dyn Fn(&Unit) -> Vec<std::path::PathBuf>| {
            self.units
                .iter()
                .enumerate()
                .filter_map(|(i, u)| {
                    paths(u)
                        .iter()
                        .map(|p| crate::load::canonical(p))
                        .filter(|p| file.starts_with(p))
                        .map(|p| p.components().count())
                        .max()
                        .map(|depth| (depth, std::cmp::Reverse(i)))
                })
                .max()
                .map(|(_, std::cmp::Reverse(i))| i)
        };
        deepest(&|u| u.mounts.clone())
            .or_else(|| deepest(&|u| u.build_context.iter().cloned().collect()))
            .or_else(|| {
                file.ancestors()
                    .skip(1)
                    .filter_map(|a| a.file_name().and_then(|n| n.to_str()))
                    .find_map(|n| self.index_of(n))
            })
    }
}

/// Routes declared by importers become calls from their owner to what they lead to.
pub fn from_routes(imports: &Imports, units: &Units, protos: &[ProtoService], out: &mut Inferred) {
    for decl in &imports.declared {
        for route in &decl.routes {
            add_route(units, protos, route, out);
        }
    }
}

fn add_route(units: &Units, protos: &[ProtoService], route: &RouteDecl, out: &mut Inferred) {
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
    let target = variables::fill(
        &route.target,
        &|name| env.get(name).map(|v| (*v).to_owned()),
        units,
        &unit.name,
        route.span,
        out,
    );
    let mut value = target;
    if let Some(port) = route.port
        && !value.contains("://")
        && !value.contains(':')
    {
        value = format!("{value}:{port}");
    }
    if let Some(ns) = &route.namespace {
        value = qualify(&value, ns, units);
    }
    let protocol = route.protocol.as_deref().map(canonical_protocol);
    let evidence = route.evidence.clone();
    edges::add_address_setting(
        units,
        protos,
        edges::Setting {
            from: &unit.name,
            self_unit: Some(owner),
            key: "ROUTE_URL",
            value: &value,
            span: route.span,
            evidence,
            protocol,
        },
        out,
    );
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::compose;
    use crate::load::importers::{Declarations, NodeDecl};
    use crate::source::{SourceId, Span};
    use crate::yaml::parse_node;

    fn imports(compose_text: &str, declared: Declarations) -> Imports {
        let file = compose::read(SourceId(0), &parse_node(compose_text).unwrap());
        let (project, _) = compose::resolve(
            Path::new("/repo"),
            vec![SourceId(0)],
            compose::merge(vec![file]),
            &BTreeMap::new(),
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
            from,
            target: target.into(),
            namespace: None,
            port: None,
            protocol: None,
            path: Some("/api/".into()),
            timeout_ms: None,
            retries: None,
            span: Span::new(SourceId(1), 0, 1),
            evidence: "route /api/".into(),
        }
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
        let calls: Vec<(&str, &str, &str)> = out
            .calls
            .iter()
            .map(|c| (c.from.as_str(), c.to.as_str(), c.protocol.as_str()))
            .collect();
        assert_eq!(
            calls,
            vec![
                ("web", "cart", "http"),
                ("web", "users", "http"),
                ("ingress", "cart", "tcp")
            ]
        );
        let unset: Vec<&str> = out
            .findings
            .iter()
            .filter(|f| f.rule.0 == "CA006")
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
}
