//! What `scan` prints for a person at a terminal: the most severe findings first, `--quiet`,
//! `--statistics`, and the format chosen once in `COMMAUDIT_OUTPUT_FORMAT`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use crate::common::{commaudit, commaudit_env};

const BEFORE: &str = "examples/order-platform/before";

fn findings_json() -> Vec<serde_json::Value> {
    let run = commaudit(&["scan", BEFORE, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    doc["findings"].as_array().unwrap().clone()
}

fn rank(severity: &str) -> u8 {
    match severity {
        "error" => 2,
        "warning" => 1,
        _ => 0,
    }
}

#[test]
fn human_output_puts_the_most_severe_first() {
    let severity: BTreeMap<String, String> = findings_json()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let run = commaudit(&["scan", BEFORE]);
    let order: Vec<u8> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(rule, _)| rule))
        .filter_map(|rule| severity.get(rule))
        .map(|s| rank(s))
        .collect();
    assert!(order.len() > 10, "{}", run.stdout);
    assert!(order.contains(&2) && order.contains(&1));
    assert!(
        order.windows(2).all(|w| w[0] >= w[1]),
        "errors, then warnings, then notes: {order:?}"
    );
}

#[test]
fn quiet_prints_the_findings_only() {
    let run = commaudit(&["scan", BEFORE, "--format", "concise", "--quiet"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), findings_json().len());
    assert!(
        lines.iter().all(|l| l.contains(": CA") && l.contains(" [")),
        "{}",
        run.stdout
    );
    let human = commaudit(&["scan", BEFORE, "-q"]);
    assert!(!human.stdout.contains("coverage:"), "{}", human.stdout);
    assert!(!human.stdout.contains("read 32 files"), "{}", human.stdout);
}

#[test]
fn statistics_count_findings_per_rule() {
    let findings = findings_json();
    let run = commaudit(&["scan", BEFORE, "--statistics"]);
    assert_eq!(run.code, 1, "the gate still applies: {}", run.transcript());
    insta::assert_snapshot!("statistics_before", run.stdout);
    let json = commaudit(&["scan", BEFORE, "--statistics", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    assert_eq!(counts.iter().sum::<u64>(), findings.len() as u64);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let ca302 = findings.iter().filter(|f| f["rule"] == "CA302").count() as u64;
    assert_eq!(rows[0]["rule"], "CA302");
    assert_eq!(rows[0]["count"], ca302);
}

#[test]
fn the_output_format_can_come_from_the_environment() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let env = [("COMMAUDIT_OUTPUT_FORMAT", "json")];
    let run = commaudit_env(root, &["scan", BEFORE], &env);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(doc["findings"].is_array());
    // The flag wins over the environment.
    let flag = commaudit_env(root, &["scan", BEFORE, "--format", "concise"], &env);
    assert!(flag.stdout.starts_with("examples/"), "{}", flag.stdout);
    let bad = commaudit_env(
        root,
        &["scan", BEFORE],
        &[("COMMAUDIT_OUTPUT_FORMAT", "yaml")],
    );
    assert_eq!(bad.code, 2, "{}", bad.transcript());
    assert!(bad.stderr.contains("possible values"), "{}", bad.stderr);
}
