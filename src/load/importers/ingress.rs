//! Kubernetes Ingress (`networking.k8s.io/v1` and the older `v1beta1` and `extensions`
//! forms): the Ingress is a public gateway node of its own name, and every rule path (and the
//! default backend) is a route from it to the backend Service and port, with the path. The
//! `backend-protocol` annotation of ingress-nginx says when the backend speaks gRPC.

use crate::load::manifest::Exposure;
use crate::source::SourceId;
use crate::yaml::Node;

use super::object::{self, Meta};
use super::{Declarations, Importer, NodeDecl, NodeRole, Owner, RouteDecl};

pub struct Ingress;

impl Importer for Ingress {
    fn name(&self) -> &'static str {
        "Kubernetes Ingress"
    }

    fn reads_object(&self, api_version: &str, kind: &str) -> bool {
        kind == "Ingress"
            && (api_version.starts_with("networking.k8s.io/")
                || api_version.starts_with("extensions/"))
    }

    fn read_object(&self, source: SourceId, object: &Node, out: &mut Declarations) {
        let Some(meta) = object::meta(source, object) else {
            return;
        };
        let spec = object.get("spec");
        let hosts: Vec<String> = spec
            .map(|s| object::list(s, &["rules"]))
            .unwrap_or_default()
            .iter()
            .filter_map(|r| object::text(r, &["host"]))
            .filter(|h| !h.starts_with('*'))
            .map(str::to_owned)
            .collect();
        out.nodes.push(NodeDecl {
            name: meta.name.to_owned(),
            role: NodeRole::Gateway,
            exposure: Some(Exposure::Public),
            hosts,
            span: meta.span,
            evidence: meta.describe("Kubernetes"),
        });
        let Some(spec) = spec else { return };
        let protocol = backend_protocol(object);
        let default = spec.get("defaultBackend").or_else(|| spec.get("backend"));
        if let Some(backend) = default {
            route(source, &meta, backend, None, None, protocol, out);
        }
        for rule in object::list(spec, &["rules"]) {
            let host = object::text(rule, &["host"]);
            for path in object::list(rule, &["http", "paths"]) {
                let Some(backend) = path.get("backend") else {
                    continue;
                };
                let written = object::text(path, &["path"]).unwrap_or("/");
                route(source, &meta, backend, Some(written), host, protocol, out);
            }
        }
    }
}

/// One path of the Ingress to its backend Service.
fn route(
    source: SourceId,
    meta: &Meta<'_>,
    backend: &Node,
    path: Option<&str>,
    host: Option<&str>,
    protocol: &str,
    out: &mut Declarations,
) {
    // v1: backend.service.{name, port.number}; v1beta1: backend.{serviceName, servicePort}.
    let (name, port) = match backend.get("service") {
        Some(service) => (service.get("name"), object::port(service.get("port"))),
        None => (
            backend.get("serviceName"),
            object::port(backend.get("servicePort")),
        ),
    };
    let Some((name_node, name)) = name.and_then(|n| Some((n, n.as_str()?))) else {
        // A resource backend (a bucket) is no service.
        return;
    };
    let shown_path = path.unwrap_or("(default backend)");
    let on_host = host.map_or(String::new(), |h| format!(" on {h}"));
    out.routes.push(RouteDecl {
        namespace: meta.namespace.clone(),
        port,
        protocol: Some(protocol.to_owned()),
        paths: path.map(str::to_owned).into_iter().collect(),
        ..RouteDecl::new(
            Owner::Node(meta.name.to_owned()),
            name,
            name_node.pos.span(source),
            format!("{} path {shown_path}{on_host}", meta.describe("Kubernetes")),
        )
    });
}

/// `grpc` when ingress-nginx is told the backends speak gRPC, else `http`.
fn backend_protocol(object: &Node) -> &'static str {
    let annotations = object::at(object, &["metadata", "annotations"]);
    let grpc = annotations.is_some_and(|a| {
        a.entries().iter().any(|(k, v)| {
            k.name.ends_with("/backend-protocol")
                && v.as_str()
                    .is_some_and(|p| p.eq_ignore_ascii_case("grpc") || p.eq_ignore_ascii_case("grpcs"))
        })
    });
    if grpc { "grpc" } else { "http" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_documents;

    fn read(text: &str) -> Declarations {
        let docs = parse_documents(text).unwrap();
        super::super::read_objects(SourceId(0), &docs)
    }

    #[test]
    fn rules_and_default_backends_are_routes() {
        let out = read(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: shop, namespace: web}\nspec:\n  defaultBackend: {service: {name: storefront, port: {number: 80}}}\n  rules:\n  - host: shop.example.com\n    http:\n      paths:\n      - {path: /api, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}\n      - {path: /assets, pathType: Prefix, backend: {resource: {kind: Bucket, name: assets}}}\n---\napiVersion: extensions/v1beta1\nkind: Ingress\nmetadata:\n  name: legacy\n  annotations: {nginx.ingress.kubernetes.io/backend-protocol: GRPC}\nspec:\n  rules:\n  - http:\n      paths:\n      - {path: /, backend: {serviceName: orders, servicePort: 50051}}\n",
        );
        let nodes: Vec<(&str, &[String])> = out
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.hosts.as_slice()))
            .collect();
        assert_eq!(
            nodes,
            vec![("shop", &["shop.example.com".to_owned()][..]), ("legacy", &[][..])]
        );
        let routes: Vec<String> = out
            .routes
            .iter()
            .map(|r| {
                format!(
                    "{:?} {} {:?} {:?} {:?} {}",
                    r.from,
                    r.target,
                    r.port,
                    r.namespace,
                    r.paths,
                    r.protocol.as_deref().unwrap_or("-")
                )
            })
            .collect();
        assert_eq!(
            routes,
            vec![
                "Node(\"shop\") storefront Some(80) Some(\"web\") [] http",
                "Node(\"shop\") api Some(8080) Some(\"web\") [\"/api\"] http",
                "Node(\"legacy\") orders Some(50051) None [\"/\"] grpc",
            ]
        );
        assert_eq!(
            out.routes[1].evidence,
            "Kubernetes Ingress shop path /api on shop.example.com"
        );
    }

    #[test]
    fn nameless_or_odd_objects_are_skipped() {
        let out = read(
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {}\n---\napiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: x}\nspec: {rules: [{http: {paths: [{path: /}]}}, 3]}\n",
        );
        assert_eq!(out.nodes.len(), 1);
        assert!(out.routes.is_empty());
    }
}
