//! Repositories without a native manifest: compose (overlays, `.env`), Kubernetes (ConfigMaps,
//! NetworkPolicies, mesh annotations), Backstage, AsyncAPI 2 and 3 ownership, and Spring
//! configuration. Each fixture's graph (with where every node and edge came from) and its
//! findings and notes are pinned.

#![allow(clippy::unwrap_used)]

use std::fmt::Write;

use crate::common::commaudit;

/// One line per node and edge: name, kind, protocol, sync, origin, evidence, and place.
fn graph_text(path: &str) -> String {
    let run = commaudit(&["graph", path, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let place = |v: &serde_json::Value| {
        let file = v["file"]
            .as_str()
            .unwrap_or("-")
            .replace(&format!("{path}/"), "");
        format!("{file}:{}", v["line"])
    };
    let mut out = String::new();
    for n in doc["nodes"].as_array().unwrap() {
        writeln!(
            out,
            "node {} [{} {}] {} {}",
            n["name"].as_str().unwrap(),
            n["kind"].as_str().unwrap(),
            n["exposure"].as_str().unwrap_or("-"),
            n["origin"].as_str().unwrap(),
            if n["file"].is_null() {
                String::new()
            } else {
                place(n)
            }
        )
        .unwrap();
    }
    for e in doc["edges"].as_array().unwrap() {
        writeln!(
            out,
            "edge {} -> {} [{} {} {}] {}{} @ {} ({})",
            e["from"].as_str().unwrap(),
            e["to"].as_str().unwrap(),
            e["kind"].as_str().unwrap(),
            e["protocol"].as_str().unwrap(),
            if e["sync"] == true { "sync" } else { "async" },
            e["origin"].as_str().unwrap(),
            // Only the exceptions: `likely` for inferences, `certain` for declarations.
            if e["confidence"] == "possible" {
                " possible"
            } else {
                ""
            },
            place(e),
            e["evidence"].as_str().unwrap_or("declared"),
        )
        .unwrap();
        // What a gateway route adds: its paths and the proxy's policy.
        if let Some(paths) = e["paths"].as_array() {
            let paths: Vec<&str> = paths.iter().filter_map(|p| p.as_str()).collect();
            writeln!(out, "  paths {}", paths.join(" ")).unwrap();
        }
        if !e["proxy"].is_null() {
            writeln!(out, "  proxy {}", e["proxy"]).unwrap();
        }
    }
    out
}

fn scan_text(path: &str) -> String {
    let run = commaudit(&["scan", path, "--format", "concise", "--fail-on", "never"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    run.stdout.replace(&format!("{path}/"), "")
}

macro_rules! fixture {
    ($($test:ident => $dir:literal;)*) => {$(
        #[test]
        fn $test() {
            let path = concat!("tests/fixtures/imports/", $dir);
            insta::assert_snapshot!(format!("{}\n--- scan\n{}", graph_text(path), scan_text(path)));
        }
    )*};
}

fixture! {
    compose_with_overlays_and_dotenv => "compose-overlays";
    kubernetes_with_configmaps_and_policies => "kubernetes";
    backstage_catalog => "backstage";
    asyncapi_ownership => "asyncapi";
    spring_application_config => "spring";
    dockerfile_env_defaults => "dockerfile-env";
    addresses_in_every_shape => "addresses";
    every_node_classified => "classification";
    nginx_routes_upstreams_and_templates => "nginx";
    spring_configuration_server => "spring-config-server";
    ingress_and_gateway_api_routes => "kubernetes-gateways";
    istio_gateways_routes_and_policies => "istio";
    kubernetes_nodes_named_after_services => "kubernetes-services";
    spring_cloud_gateway_routes => "spring-cloud-gateway";
    asynchronous_edges_from_configuration => "messaging";
    protocol_per_port => "protocols";
    addresses_that_are_not_calls => "not-calls";
    envoy_static_configuration => "envoy";
    addresses_from_a_shared_env_file_are_possible => "shared-env";
    addresses_from_a_shared_anchor_are_possible => "shared-anchor";
    files_found_but_not_understood => "not-understood";
    thrift_contract_from_the_build_context => "thrift";
    infrastructure_keeps_its_own_store => "infrastructure-stores";
    variants_of_one_deployment => "kubernetes-variants";
    published_for_developers_behind_a_gateway => "spring-host-ports";
    a_monorepo_built_from_its_root => "compose-monorepo";
}

/// Every kind of file found but not understood is in the scan JSON's coverage, with its
/// reason: templates, interface definitions, gateway configurations an importer could not
/// read, and objects an importer does not model.
#[test]
fn coverage_names_every_kind_not_understood() {
    let path = "tests/fixtures/imports/not-understood";
    let run = commaudit(&["scan", path, "--format", "json", "--fail-on", "never"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let coverage = &doc["coverage"];
    let kinds: Vec<(&str, u64, bool)> = coverage["not_understood"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap(),
                n["count"].as_u64().unwrap(),
                n["reason"].as_str().is_some_and(|r| !r.is_empty()),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            ("helm-template", 1, true),
            ("idl", 1, true),
            ("gateway-config", 1, true),
            ("proxy-patch", 1, true),
        ]
    );
    // The template and the gateway configuration are whole files not understood.
    assert_eq!(coverage["inputs"]["not_understood"], 2);
    let ca007: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CA007")
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert_eq!(ca007.len(), 1, "{ca007:?}");
    assert!(ca007[0].contains("gateway configuration"), "{}", ca007[0]);
}

#[test]
fn compose_overlays_can_be_chosen() {
    let dir = "tests/fixtures/imports/compose-overlays";
    let run = commaudit(&[
        "graph",
        dir,
        "--format",
        "json",
        "--compose-file",
        &format!("{dir}/docker-compose.yml"),
        "--compose-file",
        &format!("{dir}/docker-compose.prod.yml"),
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let edges = doc["edges"].as_array().unwrap();
    // The production overlay points the database at an external host; the dev override is gone.
    assert!(
        edges
            .iter()
            .any(|e| e["from"] == "api" && e["to"] == "db.prod.internal"),
        "{edges:?}"
    );
    assert!(!edges.iter().any(|e| e["to"] == "search"), "{edges:?}");
}

const BOUTIQUE: &str = "../shared/corpus/online-boutique";

/// The corpus lives beside the project in the workplace and in CI; a plain clone has no corpus.
fn corpus() -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BOUTIQUE);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!(
            "SKIPPED: {BOUTIQUE} is not present (it ships with the workplace, not the repository)"
        );
        None
    }
}

#[test]
fn online_boutique_scores_against_its_hand_checked_truth() {
    let Some(corpus) = corpus() else { return };
    let graph = commaudit(&["graph", BOUTIQUE, "--format", "json"]);
    assert_eq!(graph.code, 0, "{}", graph.stderr);
    let out = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(out.path(), &graph.stdout).unwrap();
    let score = std::process::Command::new("python3")
        .arg(corpus.join("../../tools/score-edges.py"))
        .arg(corpus.join("truth.yaml"))
        .arg(out.path())
        .arg("--optional")
        .output()
        .expect("python3 runs the scorer");
    let text = String::from_utf8_lossy(&score.stdout);
    let last = text.lines().last().unwrap_or_default();
    for metric in ["recall", "precision", "protocol", "sync"] {
        let value: f64 = last
            .split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{metric}=")))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| {
                panic!(
                    "no {metric} in: {text}{}",
                    String::from_utf8_lossy(&score.stderr)
                )
            });
        assert!(value >= 0.95, "{metric}={value}: {text}");
    }
}

#[test]
fn online_boutique_findings_are_real() {
    if corpus().is_none() {
        return;
    }
    let all = commaudit(&["scan", BOUTIQUE, "--format", "concise"]);
    for expected in [
        // One platform decision, one finding: every gRPC server behind a plain Service.
        "CA401 [warning] 9 gRPC servers (`adservice`, `cartservice`, `checkoutservice`, `currencyservice`, `emailservice` and 4 more) sit behind plain Kubernetes Services with no mesh",
        "CA103 [warning] `frontend` calls 8 services synchronously",
        "CA103 [warning] `checkoutservice` calls 6 services synchronously",
    ] {
        assert!(
            all.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            all.stdout
        );
    }
    let base = commaudit(&[
        "scan",
        &format!("{BOUTIQUE}/kubernetes-manifests"),
        &format!("{BOUTIQUE}/protos"),
        "--format",
        "concise",
    ]);
    assert_eq!(base.code, 1, "{}", base.stdout);
    assert!(
        base.stdout.contains("CA002 [error] `frontend` refers to `shoppingassistantservice:80` in `SHOPPING_ASSISTANT_SERVICE_ADDR`"),
        "{}",
        base.stdout
    );
}

/// Observed traffic (trace exports, service-graph metrics) is read beside the imports; its tests
/// are in their own file.
#[path = "observed.rs"]
mod observed;

/// A compose anchor merged into several services (`<<: *common`) is one shared setting, as an
/// `env_file` is: its addresses are "possible" and point at the anchor, where they are written;
/// the same address written in one service stays "likely".
#[test]
fn a_merged_anchor_is_a_shared_setting() {
    let run = commaudit(&[
        "graph",
        "tests/fixtures/imports/shared-anchor",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let edges = doc["edges"].as_array().unwrap();
    let confidence = |from: &str| {
        let edge = edges
            .iter()
            .find(|e| e["from"] == from && e["to"] == "ledger");
        let edge = edge.unwrap_or_else(|| panic!("no {from} -> ledger in {}", run.stdout));
        (
            edge["confidence"].as_str().unwrap().to_owned(),
            edge["line"].as_u64().unwrap(),
        )
    };
    assert_eq!(confidence("orders"), ("possible".to_owned(), 7));
    assert_eq!(confidence("shipping"), ("possible".to_owned(), 7));
    assert_eq!(confidence("billing"), ("likely".to_owned(), 18));
}

/// A public gateway's route passes its clients' REST on: `recommend` judges it as the public
/// edge (REST described by OpenAPI), never as internal REST to move to gRPC, in agreement with
/// CA302, which stays quiet on it (`CA302/quiet-public-gateway-route`).
#[test]
fn a_public_gateway_route_is_the_public_edge() {
    let run = commaudit(&[
        "recommend",
        "tests/fixtures/rules/CA302/quiet-public-gateway-route",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let recs = doc["recommendations"].as_array().unwrap();
    let route = recs
        .iter()
        .find(|r| r["from"] == "shop-gateway" && r["to"] == "storefront")
        .unwrap_or_else(|| panic!("no route edge: {}", run.stdout));
    assert_eq!(route["recommendation"], "rest", "{route}");
    assert!(
        route["reasons"][0]
            .as_str()
            .unwrap()
            .starts_with("public edge: `shop-gateway` passes clients' requests for /api/"),
        "{route}"
    );
}
