//! Baselines end to end: `baseline` writes known findings keyed by fingerprint, `scan` skips
//! them (also after unrelated edits), reports entries that match nothing as CA903, and
//! `baseline --prune` removes those and never adds new ones.

#![allow(clippy::unwrap_used)]

use std::path::Path;

use crate::common::{Run, commaudit_in, copy_of, edit};

const BEFORE: &str = "examples/order-platform/before";

fn json(run: &Run) -> serde_json::Value {
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.transcript()))
}

#[test]
fn after_a_baseline_only_new_findings_fail() {
    let repo = copy_of(BEFORE);
    let dir = repo.path();
    let wrote = commaudit_in(dir, &["baseline"]);
    assert_eq!(wrote.code, 0, "{}", wrote.transcript());
    assert_eq!(
        wrote.stdout,
        "wrote .commaudit-baseline.json: 63 known findings; `commaudit scan` now fails only on new ones\n"
    );
    let text = std::fs::read_to_string(dir.join(".commaudit-baseline.json")).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let entries = doc["entries"].as_array().unwrap();
    let keys: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            (
                e["rule"].as_str().unwrap().to_owned(),
                e["fingerprint"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(
        keys.iter().map(|k| &k.0).collect::<Vec<_>>(),
        sorted.iter().map(|k| &k.0).collect::<Vec<_>>(),
        "sorted by rule"
    );
    assert!(!text.contains("\"line\""), "entries never hold a line");

    let clean = commaudit_in(dir, &["scan"]);
    assert_eq!(clean.code, 0, "{}", clean.transcript());
    assert!(
        clean
            .stdout
            .ends_with("no findings; 63 known findings skipped (baseline)\n"),
        "{}",
        clean.stdout
    );
    assert_eq!(
        json(&commaudit_in(dir, &["scan", "--format", "json"]))["summary"]["baseline_skipped"],
        63
    );

    // Unrelated edits move every line below them; the baseline does not care.
    edit(
        &dir.join("services/orders.yaml"),
        "service: orders",
        "# orders owns the order lifecycle\n\nservice: orders",
    );
    edit(
        &dir.join("services/checkout.yaml"),
        "Turns a cart",
        "Turns a whole cart",
    );
    let edited = commaudit_in(dir, &["scan"]);
    assert_eq!(edited.code, 0, "{}", edited.transcript());

    // A new sync side effect is new: it is reported, and fails with --fail-on warning.
    edit(
        &dir.join("services/payments.yaml"),
        "calls:\n",
        "calls:\n  - { to: notifications, protocol: rest, operation: POST /emails, needs_response: false, timeout_ms: 500 }\n",
    );
    let new = commaudit_in(
        dir,
        &["scan", "--format", "concise", "--fail-on", "warning"],
    );
    assert_eq!(new.code, 1);
    assert!(
        new.stdout
            .contains("CA301 [warning] `payments` calls `notifications`"),
        "{}",
        new.stdout
    );
    assert!(
        commaudit_in(dir, &["scan", "--no-baseline"])
            .stdout
            .contains("; 10 errors,")
    );
}

#[test]
fn fixed_findings_become_stale_entries_until_pruned() {
    let repo = copy_of(BEFORE);
    let dir = repo.path();
    assert_eq!(commaudit_in(dir, &["baseline"]).code, 0);
    // Fix one finding (invoicing is now called with its answer needed) and add a new one.
    edit(
        &dir.join("services/checkout.yaml"),
        "operation: POST /invoices\n    needs_response: false",
        "operation: POST /invoices\n    needs_response: true",
    );
    edit(
        &dir.join("services/payments.yaml"),
        "calls:\n",
        "calls:\n  - { to: notifications, protocol: rest, operation: POST /emails, needs_response: false, timeout_ms: 500 }\n",
    );
    let stale = commaudit_in(
        dir,
        &["scan", "--format", "concise", "--select", "CA301,CA903"],
    );
    insta::assert_snapshot!("stale_entry_and_new_finding", stale.stdout);
    let pruned = commaudit_in(dir, &["baseline", "--prune"]);
    assert_eq!(pruned.code, 0, "{}", pruned.transcript());
    assert!(
        pruned
            .stdout
            .starts_with("pruned .commaudit-baseline.json: removed "),
        "{}",
        pruned.stdout
    );
    let after = commaudit_in(
        dir,
        &["scan", "--format", "concise", "--select", "CA301,CA903"],
    );
    assert!(!after.stdout.contains("CA903"), "pruned: {}", after.stdout);
    assert!(
        after.stdout.contains("CA301 [warning] `payments`"),
        "prune never adds: {}",
        after.stdout
    );
    let entries = |dir: &Path| {
        let text = std::fs::read_to_string(dir.join(".commaudit-baseline.json")).unwrap();
        serde_json::from_str::<serde_json::Value>(&text).unwrap()["entries"]
            .as_array()
            .unwrap()
            .len()
    };
    let before_prune_again = entries(dir);
    assert_eq!(commaudit_in(dir, &["baseline", "--prune"]).code, 0);
    assert_eq!(
        entries(dir),
        before_prune_again,
        "pruning twice changes nothing"
    );
}

#[test]
fn baseline_files_are_found_given_or_refused() {
    let repo = copy_of(BEFORE);
    let dir = repo.path();
    let elsewhere = dir.join("ci/known.json");
    std::fs::create_dir_all(dir.join("ci")).unwrap();
    let wrote = commaudit_in(dir, &["baseline", "--output", "ci/known.json"]);
    assert_eq!(wrote.code, 0, "{}", wrote.transcript());
    assert!(elsewhere.is_file());
    assert_eq!(commaudit_in(dir, &["scan"]).code, 1, "not where scan looks");
    assert_eq!(
        commaudit_in(dir, &["scan", "--baseline", "ci/known.json"]).code,
        0
    );
    let missing = commaudit_in(dir, &["scan", "--baseline", "ci/none.json"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .contains("baseline file `ci/none.json` does not exist"),
        "{}",
        missing.stderr
    );
    std::fs::write(
        dir.join(".commaudit-baseline.json"),
        "{\"version\": 3, \"entries\": []}",
    )
    .unwrap();
    let bad = commaudit_in(dir, &["scan"]);
    assert_eq!(bad.code, 2);
    assert_eq!(
        bad.stderr,
        "error: .commaudit-baseline.json:1:13: the baseline must have `\"version\": 2`\n  help: regenerate it with `commaudit baseline`\n"
    );
    std::fs::write(
        dir.join(".commaudit-baseline.json"),
        "{\"version\": 1, \"entries\": []}",
    )
    .unwrap();
    let old = commaudit_in(dir, &["scan"]);
    assert_eq!(old.code, 2);
    assert!(
        old.stderr.contains("computed by an earlier commaudit")
            && old.stderr.contains("regenerate it"),
        "{}",
        old.stderr
    );
    assert_eq!(commaudit_in(dir, &["scan", "--no-baseline"]).code, 1);
    let prune_nothing = commaudit_in(dir, &["baseline", "--prune", "--output", "ci/none.json"]);
    assert_eq!(prune_nothing.code, 2);
}

/// A finding about one cause (every gRPC server behind plain platform Services) keeps its
/// fingerprint when one more service joins the group, so a baseline taken before still skips
/// it: the team accepted the platform decision, not a list of services.
#[test]
fn a_grouped_finding_stays_known_when_a_member_joins() {
    let repo = copy_of("tests/fixtures/rules/CA401/fires-platform-services-grouped");
    let dir = repo.path();
    let fingerprints = |dir: &Path| -> Vec<(String, String)> {
        let doc = json(&commaudit_in(
            dir,
            &["scan", "--format", "json", "--no-baseline"],
        ));
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "CA401")
            .map(|f| {
                (
                    f["fingerprint"].as_str().unwrap().to_owned(),
                    f["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let before = fingerprints(dir);
    assert_eq!(before.len(), 1, "{before:?}");
    let wrote = commaudit_in(dir, &["baseline"]);
    assert_eq!(wrote.code, 0, "{}", wrote.transcript());

    // A fourth gRPC server joins, behind the same kind of plain Service.
    let platform = dir.join("platform.yaml");
    let mut text = std::fs::read_to_string(&platform).unwrap();
    text = text.replacen(
        "            - { name: SHIPPING_SERVICE_ADDR, value: \"shipping:50051\" }",
        "            - { name: SHIPPING_SERVICE_ADDR, value: \"shipping:50051\" }\n            - { name: PAYMENT_SERVICE_ADDR, value: \"payment:50052\" }",
        1,
    );
    text.push_str(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: { name: payment }\nspec:\n  selector: { matchLabels: { app: payment } }\n  template:\n    metadata: { labels: { app: payment } }\n    spec:\n      containers:\n        - name: server\n          image: shop/payment:1.0\n---\napiVersion: v1\nkind: Service\nmetadata: { name: payment }\nspec:\n  selector: { app: payment }\n  ports:\n    - { name: grpc, port: 50052, targetPort: 50052 }\n",
    );
    std::fs::write(&platform, text).unwrap();

    let after = fingerprints(dir);
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(after[0].1.starts_with("4 gRPC servers"), "{}", after[0].1);
    assert_eq!(after[0].0, before[0].0, "the group keeps its fingerprint");
    let scan = commaudit_in(dir, &["scan", "--format", "json"]);
    let doc = json(&scan);
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "CA401"),
        "the baseline still skips it: {}",
        scan.stdout
    );
}

/// Two findings of one rule about the same operation (both callers of `POST /charges` retry it
/// without an idempotency key): fixing one leaves the other's fingerprint, and every other
/// finding's, as it was. Nothing moves a counter onto a sibling.
#[test]
fn fixing_one_finding_leaves_every_other_fingerprint_alone() {
    let repo = copy_of(BEFORE);
    let dir = repo.path();
    let fingerprints = |dir: &Path| -> Vec<(String, String, String)> {
        let doc = json(&commaudit_in(dir, &["scan", "--format", "json"]));
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["fingerprint"].as_str().unwrap().to_owned(),
                    f["rule"].as_str().unwrap().to_owned(),
                    f["message"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let before = fingerprints(dir);
    assert!(
        before
            .iter()
            .all(|(fp, _, _)| fp.len() == 16 && !fp.contains('-')),
        "no occurrence counter: {before:?}"
    );
    let ca403: Vec<_> = before.iter().filter(|f| f.1 == "CA403").collect();
    assert_eq!(ca403.len(), 2, "{ca403:?}");
    edit(
        &dir.join("services/orders.yaml"),
        "    idempotent: false\n    rps: 40",
        "    idempotent: false\n    idempotency_key: Idempotency-Key\n    rps: 40",
    );
    let after = fingerprints(dir);
    let gone: Vec<_> = before.iter().filter(|f| !after.contains(f)).collect();
    assert_eq!(gone.len(), 1, "only the fixed finding goes: {gone:?}");
    assert!(
        gone[0].1 == "CA403" && gone[0].2.contains("`orders`"),
        "{gone:?}"
    );
    assert!(
        after.iter().all(|f| before.contains(f)),
        "no finding changed its fingerprint or appeared"
    );
}

/// A baseline written before fingerprints came from typed subjects (version 1) cannot match
/// anything: the scan stops and says how to migrate, instead of failing on every finding.
#[test]
fn a_version_1_baseline_says_how_to_migrate() {
    let repo = copy_of(BEFORE);
    let dir = repo.path();
    std::fs::write(
        dir.join(".commaudit-baseline.json"),
        r#"{"version": 1, "entries": [{"fingerprint": "0123456789abcdef-2", "rule": "CA403", "message": "m"}]}"#,
    )
    .unwrap();
    let run = commaudit_in(dir, &["scan"]);
    assert_eq!(run.code, 2, "{}", run.transcript());
    assert!(
        run.stderr.contains("`\"version\": 1`")
            && run
                .stderr
                .contains("regenerate it with `commaudit baseline`"),
        "{}",
        run.transcript()
    );
}
