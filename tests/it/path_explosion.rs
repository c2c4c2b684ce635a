//! A layered system has astronomically many call paths; depth must come from the condensation,
//! never from enumerating them. (Timing is measured by `cargo bench`, not asserted here.)

#![allow(clippy::unwrap_used)]

use crate::common;

use std::fmt::Write;

/// 30 layers of 10 services; every service calls every service of the next layer: 10^29 paths.
fn layered_system() -> String {
    let mut text = String::from("services:\n");
    for layer in 0..30 {
        for i in 0..10 {
            writeln!(text, "  - service: l{layer:02}-s{i}").unwrap();
            if layer == 0 {
                writeln!(text, "    kind: gateway").unwrap();
            }
            if layer < 29 {
                writeln!(text, "    calls:").unwrap();
                for j in 0..10 {
                    writeln!(
                        text,
                        "      - {{ to: l{:02}-s{j}, protocol: grpc, timeout_ms: 100 }}",
                        layer + 1
                    )
                    .unwrap();
                }
            }
        }
    }
    text
}

#[test]
fn chains_through_a_layered_graph_report_the_right_depth() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("commaudit.yaml"), layered_system()).unwrap();
    let run = common::commaudit_in(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let chains: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CA102")
        .collect();
    assert_eq!(chains.len(), 10, "one deep chain per gateway");
    for f in chains {
        let message = f["message"].as_str().unwrap();
        assert!(message.contains("a 29-hop sync chain"), "{message}");
    }
    assert_eq!(doc["graph"]["edges"], 29 * 100);
}
