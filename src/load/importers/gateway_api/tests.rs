use super::*;
use crate::yaml::parse_documents;

fn read(text: &str) -> Declarations {
    let docs = parse_documents(text).unwrap();
    super::super::read_objects(SourceId(0), &docs)
}

fn routes(out: &Declarations) -> Vec<String> {
    out.routes
        .iter()
        .map(|r| {
            format!(
                "{:?} -> {}:{:?} ns={:?} path={:?} {} t={:?} r={:?}",
                r.from,
                r.target,
                r.port,
                r.namespace,
                r.paths,
                r.protocol.as_deref().unwrap_or("-"),
                r.timeout_ms,
                r.retries
            )
        })
        .collect()
}

#[test]
fn gateways_and_their_routes() {
    let out = read(
        "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: public, namespace: edge}
spec:
  gatewayClassName: istio
  listeners: [{name: http, port: 80, protocol: HTTP, hostname: shop.example.com}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: web}
spec:
  parentRefs: [{name: public, namespace: edge}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}, {path: {type: Exact, value: /login}}]
    timeouts: {request: 3s}
    backendRefs:
    - {name: api, port: 8080, weight: 90}
    - {name: api-canary, port: 8080, weight: 10}
    - {name: off, port: 8080, weight: 0}
  - backendRefs: [{name: storefront, namespace: ui, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: rpc}
spec:
  parentRefs: [{name: public}]
  rules:
  - matches: [{method: {service: orders.v1.Orders, method: Get}}]
    retry: {attempts: 2}
    backendRefs: [{name: orders, port: 50051}]
",
    );
    let nodes: Vec<(&str, Option<Exposure>)> = out
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.exposure))
        .collect();
    assert_eq!(
        nodes,
        vec![
            ("public", Some(Exposure::Public)),
            ("public", None),
            ("public", None)
        ]
    );
    assert_eq!(out.nodes[0].hosts, vec!["shop.example.com"]);
    assert_eq!(
        routes(&out),
        vec![
            "Node(\"public\") -> api:Some(8080) ns=Some(\"web\") path=[\"/api\", \"/login\"] http t=Some(3000.0) r=None",
            "Node(\"public\") -> api-canary:Some(8080) ns=Some(\"web\") path=[\"/api\", \"/login\"] http t=Some(3000.0) r=None",
            "Node(\"public\") -> storefront:Some(80) ns=Some(\"ui\") path=[] http t=None r=None",
            "Node(\"public\") -> orders:Some(50051) ns=None path=[\"/orders.v1.Orders/Get\"] grpc t=None r=Some(2)",
        ]
    );
    assert_eq!(
        out.routes[1].evidence,
        "Gateway API HTTPRoute shop (parent public) /api, /login (weight 10)"
    );
    assert!(out.policies.is_empty());
}

#[test]
fn routes_attached_to_a_service_are_mesh_policy() {
    let out = read(
        "apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reviews}
spec:
  parentRefs: [{group: '', kind: Service, name: reviews, port: 9080}]
  rules:
  - timeouts: {request: 2s, backendRequest: 500ms}
    retry: {attempts: 2}
    backendRefs: [{name: reviews-v1, port: 9080, weight: 90}, {name: reviews-v2, port: 9080, weight: 10}]
",
    );
    assert!(out.routes.is_empty());
    assert!(out.nodes.is_empty());
    assert_eq!(out.policies.len(), 1);
    let policy = &out.policies[0];
    // `backendRequest` bounds each attempt, `request` all of them together.
    assert_eq!(
        (policy.host.as_str(), policy.timeout_ms, policy.total_ms),
        ("reviews", Some(500.0), Some(2000.0))
    );
    assert_eq!(
        (policy.retries, policy.load_balancer),
        (Some(2), Some(LoadBalancer::Mesh))
    );
    assert_eq!(
        out.notes,
        vec!["Gateway API HTTPRoute reviews splits the traffic of Service `reviews` among reviews-v1, reviews-v2 (mesh routing between versions, not a call)"]
    );
}

#[test]
fn waypoints_are_not_public_and_odd_objects_are_skipped() {
    let out = read(
        "apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: waypoint}
spec: {gatewayClassName: istio-waypoint}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: odd}
spec: {parentRefs: [3, {kind: Gateway}], rules: [{backendRefs: [{kind: Bucket, name: b}, 7]}]}
",
    );
    assert_eq!(out.nodes.len(), 1);
    assert_eq!(out.nodes[0].exposure, None);
    assert!(out.routes.is_empty());
}
