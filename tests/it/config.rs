//! Rule settings in commaudit.yaml: thresholds and severities change findings; unknown rules and
//! options stop the run with exit code 2 and a suggestion.

#![allow(clippy::unwrap_used)]

use crate::common;

fn project(yaml: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("commaudit.yaml"), yaml).unwrap();
    dir
}

const CHAIN: &str = "services:
  - { service: api, kind: gateway, calls: [{ to: a, protocol: grpc, timeout_ms: 100 }] }
  - { service: a, calls: [{ to: b, protocol: grpc, timeout_ms: 100 }] }
  - { service: b }
";

#[test]
fn thresholds_and_severities_apply() {
    let quiet = project(CHAIN);
    let run = common::commaudit_in(quiet.path(), &["scan", ".", "--format", "concise"]);
    assert!(!run.stdout.contains("CA102"), "{}", run.stdout);

    let strict = project(&format!(
        "rules:\n  CA102: {{ max-depth: 1, severity: error }}\n  CA004: {{ severity: off }}\n{CHAIN}"
    ));
    let run = common::commaudit_in(strict.path(), &["scan", ".", "--format", "concise"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("CA102 [error] `api` waits on a 2-hop sync chain"),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("CA004"), "{}", run.stdout);
}

#[test]
fn unknown_rules_and_options_are_usage_errors() {
    let dir = project(&format!(
        "rules:\n  CA1022: {{ max-depth: 4 }}\n  deep-sync-chain: {{ max-dept: 4 }}\nrecommend:\n  json-us-per-kib: 20\n{CHAIN}"
    ));
    let run = common::commaudit_in(dir.path(), &["scan", "."]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn assumptions_change_the_estimate() {
    let dir = project(
        "recommend:\n  json-us-per-kb: 120\nservices:\n  - { service: a, calls: [{ to: b, protocol: rest, rps: 1000, payload_bytes: 2048, timeout_ms: 50 }] }\n  - { service: b }\n",
    );
    let run = common::commaudit_in(dir.path(), &["recommend", ".", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["assumptions"]["json-us-per-kb"], 120.0);
    let cores = doc["recommendations"][0]["numbers"]["cpu_saved_cores"]
        .as_f64()
        .unwrap();
    // 1000 rps x 2 KB x 2 (encode + decode) x 120 us x 40% = 0.192 cores
    assert!((cores - 0.192).abs() < 1e-9, "{cores}");
}
