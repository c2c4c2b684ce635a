//! Shapes that used to grow faster than the input, each over a generated input at a size where
//! quadratic work takes minutes. No timing assertions: a regression shows as a test that does
//! not finish. (Timing is measured by `benches/org-scale.sh`, see docs/scale.md.)

#![allow(clippy::unwrap_used)]

use std::fmt::Write;

use crate::common;

/// Runs `commaudit ARGS` in a project whose `commaudit.yaml` is `text`.
fn run_project(text: &str, args: &[&str]) -> common::Run {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("commaudit.yaml"), text).unwrap();
    common::commaudit_in(dir.path(), args)
}

fn scan_json(text: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("commaudit.yaml"), text).unwrap();
    scan_dir_json(dir.path())
}

/// `scan --format json` of a folder, which must finish with findings or without.
fn scan_dir_json(dir: &std::path::Path) -> serde_json::Value {
    let run = common::commaudit_in(dir, &["scan", ".", "--format", "json"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    serde_json::from_str(&run.stdout).unwrap()
}

/// 2,000 services calling 20,000 names nobody declares: one index of the names, and a bound on
/// the suggestions' total work, instead of a sorted copy of every name per unknown one.
#[test]
fn did_you_mean_over_twenty_thousand_unknown_names_is_bounded() {
    let mut text = String::from("services:\n");
    for i in 0..2000 {
        writeln!(text, "  - service: known-{i:04}\n    calls:").unwrap();
        for k in 0..10 {
            writeln!(text, "      - {{ to: known-{i:04}-{k} }}").unwrap();
        }
    }
    let doc = scan_json(&text);
    let unknown: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CA002")
        .collect();
    assert_eq!(unknown.len(), 20_000);
    let suggested = unknown
        .iter()
        .filter(|f| f["help"].as_str().unwrap().starts_with("did you mean"))
        .count();
    // The first lookups still suggest the closest name; the bound stops the rest.
    assert!(suggested > 0 && suggested < 20_000, "{suggested}");
}

/// 16,000 entrypoints calling one service: each entrypoint's traversals cost what it reaches,
/// not a vector of every service (16,000 x 16,000 was 2 GB and quadratic time).
#[test]
fn fan_in_of_sixteen_thousand_callers_costs_what_each_reaches() {
    let mut text = String::from("services:\n  - service: core\n");
    for i in 0..16_000 {
        writeln!(
            text,
            "  - service: c{i:05}\n    kind: gateway\n    calls:\n      - {{ to: core, protocol: grpc, timeout_ms: 100 }}"
        )
        .unwrap();
    }
    let doc = scan_json(&text);
    let blast: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CA105")
        .collect();
    assert_eq!(blast.len(), 1);
    assert_eq!(blast[0]["related"].as_array().unwrap().len(), 16_000);
}

/// 6,000 calls whose answer nobody needs, among 12,200 services: each recommendation measures
/// the system without its call by patching what the call affects, not by building the facts of
/// a whole new graph per call (6,000 x 12,200 services, minutes in a debug build).
#[test]
fn recommending_thousands_of_queues_measures_each_where_it_changes() {
    let mut text = String::from("services:\n");
    for g in 0..200 {
        writeln!(text, "  - service: gw{g:03}\n    kind: gateway\n    calls:").unwrap();
        for k in 0..30 {
            writeln!(
                text,
                "      - {{ to: mid{:05}, protocol: grpc, timeout_ms: 500 }}",
                g * 30 + k
            )
            .unwrap();
        }
    }
    for m in 0..6000 {
        writeln!(
            text,
            "  - service: mid{m:05}\n    calls:\n      - {{ to: sink{m:05}, protocol: grpc, timeout_ms: 100, needs_response: false }}\n  - service: sink{m:05}"
        )
        .unwrap();
    }
    let run = run_project(&text, &["recommend", ".", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let queues: Vec<&serde_json::Value> = doc["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["recommendation"] == "queue")
        .collect();
    assert_eq!(queues.len(), 6000);
    // Each queue takes one service off its gateway's hard dependencies; the gateway's other
    // 29 chains keep it two hops deep.
    for r in queues {
        let n = &r["numbers"];
        assert_eq!(
            (&n["depth_before"], &n["depth_after"]),
            (&2.into(), &2.into()),
            "{r}"
        );
        let (before, after) = (n["ceiling_before"].as_f64(), n["ceiling_after"].as_f64());
        assert!(after.unwrap() > before.unwrap(), "{r}");
    }
}

/// 12,000 services each serving internal REST to one caller, none with a contract: 12,000
/// CA302 and 12,000 CA004 findings, and as many "make it gRPC" steps in the plan. Each step
/// finds the findings it resolves through an index of the findings by what they concern, and
/// CA004 reads which contracts nobody provides once, instead of per finding.
#[test]
fn twelve_thousand_providers_without_contracts_cost_what_each_finding_shows() {
    let mut text = String::from("services:\n");
    for i in 0..12_000 {
        writeln!(
            text,
            "  - service: caller{i:05}\n    calls:\n      - {{ to: provider{i:05}, protocol: rest, timeout_ms: 100 }}\n  - service: provider{i:05}"
        )
        .unwrap();
    }
    let run = run_project(&text, &["report", ".", "--format", "json"]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let steps: Vec<&serde_json::Value> = doc["plan"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|group| group["steps"].as_array().unwrap())
        .filter(|step| step["resolves"] == serde_json::json!(["CA302 internal-rest"]))
        .collect();
    assert_eq!(steps.len(), 12_000);
    let missing = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CA004")
        .count();
    assert_eq!(missing, 12_000);
}

/// 6,000 consumers in one 30,000-line file, each redelivered by the broker declared on its
/// second line: every CA203 has a label at the top of the file and one far below it. Human
/// output keeps only the lines miette draws, not the 30,000 between, for each finding.
#[test]
fn human_output_of_labels_far_apart_in_one_file_costs_what_it_shows() {
    let mut text = String::from("brokers:\n  - { name: nats, kind: nats-jetstream }\nservices:\n");
    for i in 0..6_000 {
        writeln!(
            text,
            "  - service: req{i:05}\n    publishes:\n      - {{ subject: q{i:05}.ask, awaits_reply: true, reply_subject: q{i:05}.answer, timeout_ms: 200 }}\n  - service: rep{i:05}\n    subscribes:\n      - {{ subject: q{i:05}.ask }}"
        )
        .unwrap();
    }
    let run = run_project(&text, &["scan", ".", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout.matches("is not declared idempotent").count(),
        6_000
    );
    // The last consumer's subscription, at its own line, under the broker's.
    let last = run.stdout.rfind("`rep05999` receives").unwrap();
    let tail = &run.stdout[last..];
    assert!(tail.contains(" 2 │   - { name: nats"), "{tail}");
    assert!(
        tail.contains("36003 │       - { subject: q05999.ask }"),
        "{tail}"
    );
}

/// 12,000 Kubernetes workloads, each with its Service and a NetworkPolicy letting the next one
/// call it, all in one namespace and all sharing a `part-of` label: the Services that select a
/// workload, the workloads a policy selects and a unit's name are looked up, not found by
/// scanning every object (12,000 x 12,000 selector checks per question, minutes in a debug
/// build).
#[test]
fn selectors_over_twelve_thousand_workloads_are_looked_up() {
    const N: usize = 12_000;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("k8s")).unwrap();
    // Files of 1,000 workloads: 3,000 documents, within the limit per file.
    let mut text = String::new();
    for i in 0..N {
        let next = (i + 1) % N;
        write!(
            text,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{ name: w{i:05}, namespace: shop }}\n\
             spec:\n  template:\n    metadata:\n      labels: {{ app: w{i:05}, part-of: shop }}\n\
             \x20   spec:\n      containers:\n        - {{ name: app, image: example/w{i:05}:1, ports: [{{ containerPort: 8080 }}] }}\n\
             ---\napiVersion: v1\nkind: Service\nmetadata: {{ name: w{i:05}, namespace: shop }}\n\
             spec:\n  selector: {{ part-of: shop, app: w{i:05} }}\n  ports: [{{ name: http, port: 80, targetPort: 8080 }}]\n\
             ---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{ name: w{i:05}, namespace: shop }}\n\
             spec:\n  podSelector: {{ matchLabels: {{ app: w{i:05} }} }}\n\
             \x20 ingress:\n    - from: [{{ podSelector: {{ matchLabels: {{ app: w{next:05} }} }} }}]\n      ports: [{{ port: 8080 }}]\n---\n"
        )
        .unwrap();
        if (i + 1) % 1_000 == 0 {
            let path = dir.path().join(format!("k8s/part{:02}.yaml", i / 1_000));
            std::fs::write(path, std::mem::take(&mut text)).unwrap();
        }
    }
    let doc = scan_dir_json(dir.path());
    assert_eq!(doc["graph"]["services"], N, "{}", doc["graph"]);
    // One edge per policy, each allowed pair found through both selectors.
    assert_eq!(doc["graph"]["sync_edges"], N, "{}", doc["graph"]);
}

/// 8,000 compose services, each built from its own folder holding its OpenAPI document: each
/// service's contracts are the documents below its build context, found in one sorted list of
/// the documents' paths instead of a pass over all 8,000 per service (64 million path
/// comparisons, minutes in a debug build).
#[test]
fn build_contexts_of_eight_thousand_services_find_their_documents_by_lookup() {
    const N: usize = 8_000;
    let dir = tempfile::tempdir().unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..N {
        writeln!(
            compose,
            "  s{i:05}:\n    build: ./s{i:05}\n    ports: [\"{}:8080\"]",
            10_000 + i
        )
        .unwrap();
        let folder = dir.path().join(format!("s{i:05}"));
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(
            folder.join("openapi.yaml"),
            format!(
                "openapi: 3.0.0\ninfo: {{ title: s{i:05}, version: '1' }}\npaths:\n  /items:\n    get:\n      operationId: list{i}\n      responses: {{ '200': {{ description: ok }} }}\n"
            ),
        )
        .unwrap();
    }
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    let doc = scan_dir_json(dir.path());
    assert_eq!(doc["graph"]["services"], N, "{}", doc["graph"]);
    // Every document is its service's contract: none is left without an owner.
    assert_eq!(
        doc["coverage"]["orphan_contracts"].as_array().map(Vec::len),
        Some(0),
        "{}",
        doc["coverage"]
    );
}

#[test]
fn forty_eight_thousand_calls_inferred_from_environments_are_filed_by_pair() {
    // Each of 2,000 compose services names 24 others in its environment: 48,000 inferred calls,
    // each filed with the calls of its pair instead of compared with every call found so far
    // (9.7 s for the whole scan in a release build before, 1.6 s after).
    const N: usize = 2_000;
    const PEERS: usize = 24;
    let dir = tempfile::tempdir().unwrap();
    let mut compose = String::from("services:\n");
    for i in 0..N {
        writeln!(
            compose,
            "  s{i:05}:\n    image: example/s{i:05}\n    environment:"
        )
        .unwrap();
        for j in 1..=PEERS {
            writeln!(
                compose,
                "      PEER_{j}_URL: http://s{:05}:8080",
                (i + j) % N
            )
            .unwrap();
        }
    }
    std::fs::write(dir.path().join("compose.yaml"), compose).unwrap();
    let doc = scan_dir_json(dir.path());
    assert_eq!(doc["graph"]["services"], N, "{}", doc["graph"]);
    assert_eq!(doc["graph"]["edges"], N * PEERS, "{}", doc["graph"]);
}
