use super::*;
use crate::yaml::parse_documents;

fn read(text: &str) -> Declarations {
    let docs = parse_documents(text).unwrap();
    super::super::read_objects(SourceId(0), &docs)
}

#[test]
fn gateway_bound_virtual_services_are_routes() {
    let out = read(
        "apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop-gateway}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ['*', 'web/shop.example.com']}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: ['*']
  gateways: [istio-system/shop-gateway]
  http:
  - match: [{uri: {prefix: /api}}, {uri: {exact: /login}}]
    timeout: 2s
    retries: {attempts: 3, perTryTimeout: 500ms}
    route:
    - {destination: {host: api, subset: v1, port: {number: 8080}}, weight: 100}
  - route: [{destination: {host: web.web.svc.cluster.local, port: {number: 80}}}]
",
    );
    let nodes: Vec<(&str, Option<Exposure>, &[String])> = out
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.exposure, n.hosts.as_slice()))
        .collect();
    assert_eq!(
        nodes,
        vec![
            ("shop-gateway", Some(Exposure::Public), &["shop.example.com".to_owned()][..]),
            ("shop-gateway", None, &[][..]),
        ]
    );
    let routes: Vec<String> = out
        .routes
        .iter()
        .map(|r| {
            format!(
                "{:?} -> {}:{:?} {:?} {:?} {:?} {:?} {:?}",
                r.from,
                r.target,
                r.port,
                r.namespace,
                r.paths,
                r.timeout_ms,
                r.retries,
                r.total_ms
            )
        })
        .collect();
    assert_eq!(
        routes,
        vec![
            "Node(\"shop-gateway\") -> api:Some(8080) Some(\"web\") [\"/api\", \"/login\"] Some(500.0) Some(3) Some(2000.0)",
            "Node(\"shop-gateway\") -> web.web.svc.cluster.local:Some(80) Some(\"web\") [] None None None",
        ]
    );
    assert_eq!(
        out.routes[0].evidence,
        "Istio VirtualService shop (gateway shop-gateway) /api, /login subset v1"
    );
    assert!(out.policies.is_empty());
}

#[test]
fn mesh_virtual_services_and_destination_rules_are_policy() {
    let out = read(
        "apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - retries: {attempts: 2}
    timeout: 1s
    route:
    - {destination: {host: reviews, subset: v1}, weight: 50}
    - {destination: {host: reviews, subset: v2}, weight: 50}
---
apiVersion: networking.istio.io/v1beta1
kind: VirtualService
metadata: {name: ratings-move}
spec:
  hosts: [ratings]
  gateways: [mesh]
  http: [{route: [{destination: {host: ratings-next}}]}]
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - name: v1
    labels: {version: v1}
    trafficPolicy: {outlierDetection: {consecutive5xxErrors: 5}}
---
apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: details}
spec: {host: details, trafficPolicy: {loadBalancer: {simple: RANDOM}}}
",
    );
    assert!(out.routes.is_empty());
    // The route's `timeout` bounds every attempt together, and each one.
    type Policy<'a> = (&'a str, Option<f64>, Option<u32>, Option<f64>, bool);
    let policies: Vec<Policy<'_>> = out
        .policies
        .iter()
        .map(|p| {
            let (t, r, total) = (p.timeout_ms, p.retries, p.total_ms);
            (p.host.as_str(), t, r, total, p.circuit_breaker)
        })
        .collect();
    assert_eq!(
        policies,
        vec![
            ("reviews", Some(1000.0), Some(2), Some(1000.0), false),
            ("ratings", None, None, None, false),
            ("reviews", None, None, None, true),
            ("details", None, None, None, false),
        ]
    );
    assert_eq!(
        out.notes,
        vec!["Istio VirtualService ratings-move sends traffic for ratings to ratings-next inside the mesh; the callers are not named, so no call was read"]
    );
}

#[test]
fn service_entries_name_external_hosts() {
    let out = read(
        "apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: google}
spec: {hosts: [www.googleapis.com, '*.google.com', storage.googleapis.com], location: MESH_EXTERNAL}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vm-db}
spec: {hosts: [mysqldb.vm.svc.cluster.local], location: MESH_INTERNAL}
---
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: {name: ratelimit}
spec: {configPatches: []}
",
    );
    let nodes: Vec<(&str, &NodeRole, &[String])> = out
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), &n.role, n.hosts.as_slice()))
        .collect();
    assert_eq!(
        nodes,
        vec![
            ("www.googleapis.com", &NodeRole::External, &["storage.googleapis.com".to_owned()][..]),
            ("mysqldb.vm.svc.cluster.local", &NodeRole::Service, &[][..]),
        ]
    );
    assert!(out.notes.is_empty(), "{:?}", out.notes);
    assert_eq!(out.unread.len(), 1, "the EnvoyFilter is not understood");
    assert_eq!(out.unread[0].0, crate::load::skipped::SkippedKind::ProxyPatch);
}
