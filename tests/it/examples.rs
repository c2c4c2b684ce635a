//! End-to-end: the binary over the bundled order platform, before and after the migration, and
//! over a broken copy of it. Every output format is pinned in a snapshot.

#![allow(clippy::unwrap_used)]

use crate::common::commaudit;

const BEFORE: &str = "examples/order-platform/before";
const AFTER: &str = "examples/order-platform/after";
const BROKEN: &str = "tests/fixtures/broken-platform";

fn json(args: &[&str]) -> serde_json::Value {
    let run = commaudit(args);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.transcript()))
}

#[test]
fn before_reports_every_seeded_problem_and_exits_1() {
    let run = commaudit(&["scan", BEFORE]);
    assert_eq!(run.code, 1);
    insta::assert_snapshot!("scan_before_human", run.stdout);
    let doc = json(&["scan", BEFORE, "--format", "json"]);
    let rules: std::collections::BTreeSet<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    let seeded = [
        "CA101", "CA102", "CA103", "CA104", "CA105", "CA106", "CA107", "CA201", "CA202", "CA203",
        "CA301", "CA302", "CA303", "CA304", "CA401", "CA402",
    ];
    for rule in seeded {
        assert!(
            rules.contains(rule),
            "{rule} is seeded in before/ but was not reported"
        );
    }
    for rule in ["CA001", "CA002", "CA003", "CA004", "CA005"] {
        assert!(
            !rules.contains(rule),
            "before/ must resolve cleanly, but {rule} fired"
        );
    }
    insta::assert_json_snapshot!("scan_before_json", doc);
}

#[test]
fn after_is_clean_and_exits_0() {
    let run = commaudit(&["scan", AFTER]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.ends_with("no findings\n"), "{}", run.stdout);
    insta::assert_snapshot!("scan_after_human", run.stdout);
    let strict = commaudit(&["scan", AFTER, "--fail-on", "note"]);
    assert_eq!(
        strict.code, 0,
        "after/ has no notes either: {}",
        strict.stdout
    );
    insta::assert_json_snapshot!(
        "scan_after_json",
        json(&["scan", AFTER, "--format", "json"])
    );
}

#[test]
fn the_broken_copy_shows_each_input_rule() {
    let run = commaudit(&["scan", BROKEN, "--format", "concise"]);
    assert_eq!(run.code, 1);
    for rule in ["CA001", "CA002", "CA003", "CA004", "CA005"] {
        assert!(
            run.stdout.contains(&format!(": {rule} ")),
            "{rule} missing:\n{}",
            run.stdout
        );
    }
    let inputs: String = run
        .stdout
        .lines()
        .filter(|l| l.contains(": CA00"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::assert_snapshot!("scan_broken_concise", inputs);
    // Each diagnostic starts with its code line (`CA002 unknown-service`); keep CA001-CA005.
    let human = commaudit(&["scan", BROKEN]);
    let mut shown = String::new();
    let mut keep = false;
    for line in human.stdout.lines() {
        if line.starts_with("CA") && line.chars().nth(2).is_some_and(|c| c.is_ascii_digit()) {
            keep = line.starts_with("CA00");
        } else if line.starts_with("scanned ") {
            keep = false;
        }
        if keep {
            shown.push_str(line);
            shown.push('\n');
        }
    }
    insta::assert_snapshot!("scan_broken_human", shown);
}

#[test]
fn graph_formats_list_every_edge() {
    let doc = json(&["graph", BEFORE, "--format", "json"]);
    let edges = doc["edges"].as_array().unwrap();
    let has = |from: &str, to: &str, protocol: &str, sync: bool| {
        edges.iter().any(|e| {
            e["from"] == from && e["to"] == to && e["protocol"] == protocol && e["sync"] == sync
        })
    };
    assert!(has("partner-api", "orders", "grpc", true));
    assert!(has("checkout", "pricing", "http", true));
    assert!(has("orders", "orders.completed", "nats", false));
    assert!(has("orders.completed", "analytics", "nats", false));
    assert!(has("orders", "orders-db", "postgres", true));
    for e in edges {
        assert!(e["file"].as_str().unwrap().starts_with(BEFORE), "{e}");
        assert!(e["line"].as_u64().unwrap() > 0);
    }
    insta::assert_json_snapshot!("graph_before_json", doc);
    insta::assert_snapshot!(
        "graph_before_dot",
        commaudit(&["graph", BEFORE, "--format", "dot"]).stdout
    );
    insta::assert_snapshot!(
        "graph_before_mermaid",
        commaudit(&["graph", BEFORE, "--format", "mermaid"]).stdout
    );
}

#[test]
fn recommendations_for_before_and_after() {
    let run = commaudit(&["recommend", BEFORE]);
    assert_eq!(run.code, 0);
    insta::assert_snapshot!("recommend_before_table", run.stdout);
    let doc = json(&["recommend", BEFORE, "--format", "json"]);
    let recs = doc["recommendations"].as_array().unwrap();
    let verdict = |from: &str, to: &str| {
        recs.iter()
            .find(|r| r["from"] == from && r["to"] == to)
            .map(|r| r["recommendation"].as_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    assert_eq!(
        verdict("web-browser", "storefront"),
        "keep",
        "REST at the public edge"
    );
    assert_eq!(verdict("partner-erp", "partner-api"), "rest");
    assert_eq!(verdict("checkout", "notifications"), "queue");
    assert_eq!(verdict("checkout", "invoicing"), "queue");
    assert_eq!(verdict("orders", "search-indexer"), "queue");
    assert_eq!(verdict("checkout", "pricing"), "grpc");
    assert_eq!(verdict("orders", "fraud.check"), "redesign");
    insta::assert_json_snapshot!("recommend_before_json", doc);
    let after = json(&["recommend", AFTER, "--format", "json"]);
    let changes: Vec<&serde_json::Value> = after["recommendations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["recommendation"] != "keep")
        .collect();
    assert!(changes.is_empty(), "after/ needs no change: {changes:?}");
    insta::assert_snapshot!(
        "recommend_after_table",
        commaudit(&["recommend", AFTER]).stdout
    );
}

#[test]
fn rules_and_explain_print_the_catalogue() {
    let rules = commaudit(&["rules"]);
    assert_eq!(rules.code, 0);
    insta::assert_snapshot!("rules", rules.stdout);
    let by_id = commaudit(&["explain", "CA201"]);
    let by_name = commaudit(&["explain", "request-reply-over-queue"]);
    assert_eq!(by_id.stdout, by_name.stdout);
    insta::assert_snapshot!("explain_ca201", by_id.stdout);
    let unknown = commaudit(&["explain", "CA2010"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown.stderr.contains("did you mean `CA201`?"),
        "{}",
        unknown.stderr
    );
}

#[test]
fn rules_as_json_carry_options_and_documentation() {
    let run = commaudit(&["rules", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let rules: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let catalog = commaudit::diagnostics::catalog::all();
    assert_eq!(rules.len(), catalog.len());
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let repository = commaudit::diagnostics::catalog::repository();
    for (rule, meta) in rules.iter().zip(catalog) {
        assert_eq!(rule["id"], meta.id.as_str());
        let path = rule["doc"]["path"].as_str().unwrap();
        assert!(root.join(path).is_file(), "{path} is not in the repository");
        let explain = commaudit(&["explain", meta.id.as_str()]);
        assert_eq!(explain.code, 0);
        for option in rule["options"].as_array().unwrap() {
            let line = format!(
                "  {} (default {}",
                option["name"].as_str().unwrap(),
                option["default"]
            );
            assert!(
                explain.stdout.contains(&line),
                "{line} not in explain {}",
                meta.id
            );
        }
        match rule["doc"]["url"].as_str() {
            Some(url) => assert_eq!(url, format!("{repository}/blob/main/{path}")),
            None => assert!(repository.is_empty(), "{rule}"),
        }
    }
    insta::assert_snapshot!("rules_json", run.stdout);
}

#[test]
fn scans_are_deterministic() {
    let first = commaudit(&["scan", BEFORE, "--format", "json"]).stdout;
    for threads in ["1", "2", "8"] {
        let again = assert_cmd::Command::cargo_bin("commaudit")
            .unwrap()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["scan", BEFORE, "--format", "json"])
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&again.stdout),
            first,
            "threads={threads}"
        );
    }
}

/// One stream picker: `scan`, `recommend` and `report` name the same server-streaming method for
/// a poll, the one that carries the polled status, never another the callee also serves.
#[test]
fn scan_recommend_and_report_name_one_stream_for_a_poll() {
    let dir = "tests/fixtures/rules/CA304/fires-polling-a-service-that-streams";
    for command in ["scan", "recommend", "report"] {
        let run = commaudit(&[command, dir, "--format", "json"]);
        assert!(
            run.stdout.contains("StreamOrderStatus"),
            "{command} names no stream:\n{}",
            run.stdout
        );
        assert!(
            !run.stdout.contains("StreamAuditLog"),
            "{command} names another stream:\n{}",
            run.stdout
        );
    }
}
