//! End-to-end: `commaudit what-if` over both reference platforms. Before the migration a down
//! inventory takes every entrypoint with it; after it, work for a down consumer waits in a
//! queue instead. Every answer is pinned as a table and as JSON.

#![allow(clippy::unwrap_used)]

use crate::common::commaudit;

const BEFORE: &str = "examples/order-platform/before";
const AFTER: &str = "examples/order-platform/after";

fn json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["what-if"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let run = commaudit(&all);
    assert_eq!(run.code, 0, "{}", run.transcript());
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.transcript()))
}

fn table(args: &[&str]) -> String {
    let mut all = vec!["what-if"];
    all.extend_from_slice(args);
    let run = commaudit(&all);
    assert_eq!(run.code, 0, "{}", run.transcript());
    run.stdout
}

/// Entrypoint name -> outcome.
fn outcomes(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["down"]["entrypoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn inventory_down_takes_every_entrypoint_of_before_with_it() {
    let doc = json(&[BEFORE, "--down", "inventory"]);
    assert_eq!(
        outcomes(&doc),
        pairs(&[
            ("mobile-api", "fails"),
            ("partner-api", "fails"),
            ("storefront", "fails")
        ])
    );
    insta::assert_json_snapshot!("what_if_before_down_inventory_json", doc);
    insta::assert_snapshot!(
        "what_if_before_down_inventory",
        table(&[BEFORE, "--down", "inventory"])
    );
}

#[test]
fn inventory_down_after_the_migration_only_degrades_and_queues_the_reservations() {
    let doc = json(&[AFTER, "--down", "inventory"]);
    // The stock badges fall back, and the reservations inventory makes for new orders wait in
    // orders.status-changed until it is back: no entrypoint fails.
    assert_eq!(
        outcomes(&doc),
        pairs(&[
            ("mobile-api", "degrades"),
            ("partner-api", "degrades"),
            ("storefront", "degrades")
        ])
    );
    let reasons = doc["down"]["entrypoints"][2]["reasons"].as_array().unwrap();
    assert!(reasons.iter().any(|r| r["kind"] == "falls-back"));
    assert_eq!(
        doc["down"]["queues"][0]["channel"], "orders.status-changed",
        "{doc}"
    );
    assert_eq!(doc["down"]["quiet"][0]["channel"], "inventory.changed");
    insta::assert_json_snapshot!("what_if_after_down_inventory_json", doc);
    insta::assert_snapshot!(
        "what_if_after_down_inventory",
        table(&[AFTER, "--down", "inventory"])
    );
}

#[test]
fn a_down_consumer_fails_checkout_before_and_queues_the_work_after() {
    let before = json(&[BEFORE, "--down", "notifications"]);
    assert_eq!(
        outcomes(&before),
        pairs(&[
            ("mobile-api", "fails"),
            ("partner-api", "unaffected"),
            ("storefront", "fails")
        ])
    );
    let after = json(&[AFTER, "--down", "notifications"]);
    assert_eq!(
        outcomes(&after),
        pairs(&[
            ("mobile-api", "degrades"),
            ("partner-api", "degrades"),
            ("storefront", "degrades")
        ])
    );
    let queue = &after["down"]["queues"][0];
    assert_eq!(queue["channel"], "orders.completed");
    assert_eq!(queue["consumer"], "notifications");
    assert_eq!(queue["rate"], 40.0);
    insta::assert_snapshot!(
        "what_if_before_down_notifications",
        table(&[BEFORE, "--down", "notifications"])
    );
    insta::assert_snapshot!(
        "what_if_after_down_notifications",
        table(&[AFTER, "--down", "notifications"])
    );
    // Orders down after the migration: partner submissions and settlements wait in queues.
    insta::assert_snapshot!(
        "what_if_after_down_orders",
        table(&[AFTER, "--down", "orders"])
    );
}

#[test]
fn a_slower_service_is_checked_against_objectives_and_timeouts() {
    let doc = json(&[BEFORE, "--slow", "inventory=+40ms"]);
    let entries = doc["slow"]["entrypoints"].as_array().unwrap();
    let storefront = entries.iter().find(|e| e["name"] == "storefront").unwrap();
    let (b, a) = (
        storefront["before_ms"].as_f64().unwrap(),
        storefront["after_ms"].as_f64().unwrap(),
    );
    assert!((a - b - 40.0).abs() < 1e-9, "{b} -> {a}");
    insta::assert_snapshot!(
        "what_if_before_slow_inventory",
        table(&[BEFORE, "--slow", "inventory=+40ms"])
    );
    // Payments two seconds slower: every caller of orders now times out (the cycle).
    let slow = json(&[BEFORE, "--slow", "payments=+2s"]);
    let timeouts = slow["slow"]["timeouts"].as_array().unwrap();
    assert!(
        timeouts
            .iter()
            .any(|t| t["from"] == "storefront" && t["to"] == "orders")
    );
    assert!(
        slow["slow"]["entrypoints"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["outcome"] == "times out")
    );
    insta::assert_json_snapshot!("what_if_before_slow_payments_json", slow);
    insta::assert_snapshot!(
        "what_if_after_slow_pricing",
        table(&[AFTER, "--slow", "pricing=+300ms"])
    );
}

#[test]
fn changes_show_every_measure_before_and_after() {
    let args = [
        BEFORE,
        "--async",
        "checkout->notifications",
        "--async",
        "checkout->invoicing",
        "--remove",
        "payments->orders",
    ];
    let doc = json(&args);
    let (b, a) = (&doc["measures"]["before"], &doc["measures"]["after"]);
    assert_eq!(b["sync_cycles"], 1);
    assert_eq!(a["sync_cycles"], 0);
    assert_eq!(b["longest_sync_chain"], 5);
    assert_eq!(a["longest_sync_chain"], 4);
    assert!(
        a["lowest_availability_ceiling"].as_f64().unwrap()
            > b["lowest_availability_ceiling"].as_f64().unwrap()
    );
    insta::assert_json_snapshot!("what_if_before_changes_json", doc);
    insta::assert_snapshot!("what_if_before_changes", table(&args));
    // With the email on a queue, a down notifications service only delays emails.
    let combined = json(&[
        BEFORE,
        "--async",
        "checkout->notifications",
        "--down",
        "notifications",
    ]);
    assert_eq!(
        outcomes(&combined),
        pairs(&[
            ("mobile-api", "degrades"),
            ("partner-api", "unaffected"),
            ("storefront", "degrades")
        ])
    );
    insta::assert_snapshot!(
        "what_if_after_remove_fraud_check",
        table(&[AFTER, "--remove", "checkout->fraud"])
    );
}

#[test]
fn bad_questions_are_usage_errors_with_help() {
    let cases: [(&[&str], &str); 6] = [
        (&["--down", "invntory"], "did you mean `inventory`?"),
        (&["--slow", "inventory"], "write SERVICE=+MILLISECONDS"),
        (&["--slow", "inventory=-3ms"], "give a positive amount"),
        (&["--async", "checkout"], "write FROM->TO"),
        (
            &["--remove", "payments->pricing"],
            "`payments` calls `orders` synchronously",
        ),
        (
            &["--remove", "checkout->nowhere"],
            "no service named `nowhere`",
        ),
    ];
    for (args, help) in cases {
        let mut all = vec!["what-if", BEFORE];
        all.extend_from_slice(args);
        let run = commaudit(&all);
        assert_eq!(run.code, 2, "{args:?}: {}", run.transcript());
        assert!(run.stderr.contains(help), "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty());
    }
    let none = commaudit(&["what-if", BEFORE]);
    assert_eq!(none.code, 2, "a question is required");
}

/// The founding story: 40 ms more in inventory's database cascades on `before/` (the pool
/// saturates, timeouts fire, retries add load) and fails entrypoints, each with its chain of
/// cause; on `after/` no entrypoint fails and the queue absorbs it.
#[test]
fn a_slower_datastore_cascades_before_and_is_absorbed_after() {
    let cascade = |platform: &str, args: &[&str]| {
        let mut all = vec!["what-if", platform, "--format", "json"];
        all.extend_from_slice(args);
        let run = commaudit(&all);
        assert_eq!(run.code, 0, "{}", run.transcript());
        let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        doc["cascade"].clone()
    };
    let slow = ["--slow", "inventory-db=+40ms"];
    let before = cascade("examples/order-platform/before", &slow);
    let failing: Vec<&serde_json::Value> = before["entrypoints"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["status"] == "fails")
        .collect();
    assert!(!failing.is_empty(), "{before:#}");
    for e in &failing {
        let chain = e["chain"].as_array().unwrap();
        assert_eq!(chain[0], "inventory-db +40 ms", "{e:#}");
        assert!(chain.len() >= 3, "{e:#}");
        assert!(
            chain
                .iter()
                .any(|s| s.as_str().unwrap().contains("capacity")),
            "{e:#}"
        );
    }
    let after = cascade("examples/order-platform/after", &slow);
    assert!(
        after["entrypoints"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["status"] != "fails"),
        "{after:#}"
    );
    assert!(!after["queues"].as_array().unwrap().is_empty(), "{after:#}");
    let nats = cascade("examples/order-platform/after", &["--down", "nats"]);
    assert_eq!(nats["faults"][0], "nats down", "{nats:#}");
}

/// A broker that is down fails a publisher that needs it, but not one that writes its messages
/// to a transactional outbox: those wait in the publisher's datastore until the broker is back.
#[test]
fn a_down_broker_fails_publishers_without_an_outbox_only() {
    const FIXTURE: &str = "tests/fixtures/outbox";
    let doc = json(&[FIXTURE, "--down", "bus"]);
    let status: Vec<(String, String)> = doc["cascade"]["entrypoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        status,
        pairs(&[("backoffice", "fails"), ("storefront", "ok")])
    );
    let in_outbox: Vec<(&str, bool)> = doc["cascade"]["queues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["publisher"].as_str().unwrap(),
                q["in_outbox"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(in_outbox, [("orders", true), ("refunds", false)]);
    insta::assert_json_snapshot!("what_if_outbox_down_bus_json", doc);
    insta::assert_snapshot!(
        "what_if_outbox_down_bus",
        table(&[FIXTURE, "--down", "bus"])
    );
}

/// On the migrated platform every publisher on a request path writes to an outbox: NATS down
/// fails no entrypoint, and the messages wait in the publishers' outboxes.
#[test]
fn nats_down_after_the_migration_fails_nothing() {
    let out = table(&[AFTER, "--down", "nats"]);
    assert!(!out.contains("fails"), "{out}");
    assert!(
        out.contains("backlog builds in the outbox of `orders`"),
        "{out}"
    );
    insta::assert_snapshot!("what_if_after_down_nats", out);
}
