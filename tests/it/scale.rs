//! Shapes that used to grow faster than the input, each over a generated input at a size where
//! quadratic work takes minutes. No timing assertions: a regression shows as a test that does
//! not finish. (Timing is measured by `benches/org-scale.sh`, see docs/scale.md.)

#![allow(clippy::unwrap_used)]

use std::fmt::Write;

use crate::common;

fn scan_json(text: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("commaudit.yaml"), text).unwrap();
    let run = common::commaudit_in(dir.path(), &["scan", ".", "--format", "json"]);
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
