//! Suppressions end to end: comments in manifests and .proto files, `x-commaudit-ignore` in
//! OpenAPI and AsyncAPI, the config's `ignores:`; reasons, expiry against today's date, unused
//! and malformed suppressions.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::common::{Run, commaudit, commaudit_env, commaudit_in, repository, rules_of};

const SUPPRESSED: &str = "tests/fixtures/rules/CA901/quiet-every-kind-of-suppression-used";

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.transcript()))
}

#[test]
fn every_kind_of_suppression_applies_and_can_be_turned_off() {
    let run = commaudit(&["scan", SUPPRESSED, "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let doc = json(&run);
    assert_eq!(doc["findings"], serde_json::json!([]));
    assert_eq!(doc["summary"]["suppressed"], 5);
    let line = commaudit(&["scan", SUPPRESSED]).stdout;
    assert!(line.ends_with("no findings; 5 suppressed\n"), "{line}");
    // Without inline suppressions only the config's ignores apply (CA401 for orders).
    let raw = commaudit(&[
        "scan",
        SUPPRESSED,
        "--format",
        "concise",
        "--no-inline-ignores",
    ]);
    assert_eq!(
        rules_of(&raw),
        ["CA301", "CA402", "CA302", "CA203"],
        "{}",
        raw.stdout
    );
}

#[test]
fn expiry_uses_today_from_the_environment() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // The suppression of CA401 holds until 2026-12-31.
    let args = ["scan", SUPPRESSED, "--format", "concise"];
    let before = commaudit_env(dir, &args, &[("COMMAUDIT_TODAY", "2026-12-31")]);
    assert!(!before.stdout.contains("CA902"), "{}", before.stdout);
    let after = commaudit_env(dir, &args, &[("COMMAUDIT_TODAY", "2027-01-01")]);
    assert_eq!(after.code, 0, "warnings only: {}", after.transcript());
    insta::assert_snapshot!("expired_suppression", after.stdout);
    let bad = commaudit_env(dir, &args, &[("COMMAUDIT_TODAY", "tomorrow")]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("COMMAUDIT_TODAY=`tomorrow` is not a date"),
        "{}",
        bad.stderr
    );
}

#[test]
fn malformed_suppressions_are_located_errors() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("commaudit.yaml"),
        "services:\n  - service: a\n    calls:\n      # commaudit: ignore[CA3011] -- typo\n      - { to: b, protocol: grpc, timeout_ms: 50 }\n      # commaudit: ignore[CA402]\n      - { to: b, protocol: grpc }\n  - service: b\n",
    )
    .unwrap();
    let run = commaudit_in(
        dir.path(),
        &["scan", ".", "--format", "concise", "--select", "CA0,CA402"],
    );
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("malformed_suppressions", run.stdout);
}

#[test]
fn config_ignores_match_rules_by_service_and_edge() {
    let repo = repository(
        "ignores:\n  - { rule: [CA303, CA004], service: api, reason: the gateway moves to REST in Q2 }\n  - { rule: call-without-timeout, edge: api -> worker, reason: worker answers from memory }\n  - { rule: CA402, edge: worker -> api, reason: no such call }\n",
    );
    let run = commaudit_in(
        repo.path(),
        &["scan", "platform/services", "--format", "concise"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert_eq!(rules_of(&run), ["CA901"], "{}", run.stdout);
    assert!(
        run.stdout
            .contains("suppression of CA402 matches no finding for edge `worker -> api`"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.ends_with("1 warning; 3 suppressed\n"),
        "{}",
        run.stdout
    );
}
