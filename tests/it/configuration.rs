//! Which configuration a run uses: `commaudit.yaml` found from the scanned path upward,
//! `--config`, `--no-config`; mistakes stop the run with suggestions; `config show` prints what
//! a scan applies; `init` writes a commented configuration and the first baseline.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use crate::common::{commaudit_in, copy_of, repository, rules_of};

const BEFORE: &str = "examples/order-platform/before";

#[test]
fn the_configuration_is_found_upward_given_or_left_out() {
    let repo = repository("rules:\n  CA402: { severity: off }\n  CA004: { severity: note }\n");
    let root = repo.path();
    let scan = |args: &[&str]| {
        let mut all = vec!["scan", "platform/services", "--format", "concise"];
        all.extend_from_slice(args);
        commaudit_in(root, &all)
    };
    assert_eq!(
        rules_of(&scan(&[])),
        ["CA303", "CA004"],
        "found upward: CA402 is off"
    );
    assert!(scan(&[]).stdout.contains("CA004 [note]"));
    assert_eq!(
        rules_of(&scan(&["--no-config"])),
        ["CA303", "CA402", "CA004"]
    );
    std::fs::write(
        root.join("strict.yaml"),
        "rules:\n  CA303: { severity: off }\n",
    )
    .unwrap();
    assert_eq!(
        rules_of(&scan(&["--config", "strict.yaml"])),
        ["CA402", "CA004"]
    );
    let missing = scan(&["--config", "nope.yaml"]);
    assert_eq!(missing.code, 2);
    assert!(
        missing
            .stderr
            .starts_with("error: configuration file `nope.yaml` does not exist")
    );

    // The search stops at the repository root: a commaudit.yaml above it is not read.
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(
        outer.path().join("commaudit.yaml"),
        "rules:\n  CA402: { severity: off }\n",
    )
    .unwrap();
    let inner = outer.path().join("repo");
    std::fs::create_dir_all(inner.join(".git")).unwrap();
    std::fs::write(
        inner.join("api.yaml"),
        "service: api\nkind: gateway\ncalls:\n  - { to: worker, protocol: grpc }\n",
    )
    .unwrap();
    std::fs::write(inner.join("worker.yaml"), "service: worker\n").unwrap();
    let run = commaudit_in(&inner, &["scan", ".", "--format", "concise"]);
    assert!(
        rules_of(&run).contains(&"CA402".to_owned()),
        "{}",
        run.stdout
    );
}

#[test]
fn configuration_mistakes_stop_the_run_with_suggestions() {
    let repo = repository(
        "rules:\n  CA402: { severity: off }\nignore:\n  - { rule: CA303, service: api, reason: partner API next year }\n",
    );
    let run = commaudit_in(repo.path(), &["scan", "platform/services"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("unknown_top_level_key", run.stderr);
    let repo = repository(
        "ignores:\n  - { rule: CA3033, service: api, reason: partner API next year }\n  - { rule: CA303, servce: api, reason: x }\n  - { rule: CA303, until: 2027-02-30, reason: x }\n  - { rule: CA303 }\n",
    );
    let run = commaudit_in(repo.path(), &["scan", "platform/services"]);
    assert_eq!(run.code, 2);
    insta::assert_snapshot!("bad_ignores", run.stderr);
}

#[test]
fn config_show_prints_the_resolved_configuration() {
    let repo = repository(
        "rules:\n  CA102: { max-depth: 5 }\nrecommend:\n  json-us-per-kb: 20\nignores:\n  - { rule: CA303, service: api, reason: \"partner API: next year\", until: 2027-01-31 }\n",
    );
    let run = commaudit_in(
        repo.path(),
        &[
            "config",
            "show",
            "platform/services",
            "--ignore",
            "CA4",
            "--severity",
            "CA004=error",
        ],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!("config_show", run.stdout);
    let json = commaudit_in(
        repo.path(),
        &["config", "show", "platform/services", "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["file"], "commaudit.yaml");
    assert_eq!(doc["rules"]["CA102"]["max-depth"], 5);
    assert_eq!(doc["recommend"]["json-us-per-kb"], 20);
    assert_eq!(doc["ignores"][0]["until"], "2027-01-31");
    // What config show prints is what scan applies.
    let scan = commaudit_in(
        repo.path(),
        &[
            "scan",
            "platform/services",
            "--ignore",
            "CA4",
            "--severity",
            "CA004=error",
            "--format",
            "concise",
        ],
    );
    assert!(scan.stdout.contains("CA004 [error]"), "{}", scan.stdout);
}

#[test]
fn init_writes_a_commented_config_and_the_first_baseline() {
    let repo = copy_of(BEFORE);
    let dir = repo.path();
    std::fs::remove_file(dir.join("commaudit.yaml")).unwrap();
    let run = commaudit_in(dir, &["init", "--baseline"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    insta::assert_snapshot!("init_output", run.stdout);
    let written = std::fs::read_to_string(dir.join("commaudit.yaml")).unwrap();
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    insta::assert_snapshot!("init_commaudit_yaml", written.replace(&name, "<folder>"));
    // The file is a valid configuration, and with the baseline the scan passes.
    let scan = commaudit_in(dir, &["scan"]);
    assert_eq!(scan.code, 0, "{}", scan.transcript());
    assert!(
        scan.stdout.contains("known findings skipped (baseline)"),
        "{}",
        scan.stdout
    );

    let again = commaudit_in(dir, &["init"]);
    assert_eq!(again.code, 2);
    assert!(
        again
            .stderr
            .starts_with("error: `commaudit.yaml` already exists"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("commaudit.yaml")).unwrap(),
        written,
        "untouched"
    );
    std::fs::write(dir.join("commaudit.yaml"), "# mine\nname: mine\n").unwrap();
    let forced = commaudit_in(dir, &["init", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.transcript());
    assert_eq!(
        std::fs::read_to_string(dir.join("commaudit.yaml.bak")).unwrap(),
        "# mine\nname: mine\n"
    );
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The findings of a scan of `dir`, by fingerprint, rule and message (lines move when a
/// configuration is rewritten; what is found must not).
fn findings_of(dir: &Path) -> Vec<(String, String, String)> {
    let run = commaudit_in(
        dir,
        &["scan", ".", "--format", "json", "--fail-on", "never"],
    );
    assert_eq!(run.code, 0, "{}", run.transcript());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut out: Vec<(String, String, String)> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_owned();
            (s("fingerprint"), s("rule"), s("message"))
        })
        .collect();
    out.sort();
    out
}

/// `init` changes nothing the scan finds: on the reference platform (replacing its project
/// file, whose brokers and datastores stay declared) and on a compose project with no
/// manifest. The baseline `init --baseline` writes holds exactly what the scan found before.
#[test]
fn init_keeps_what_the_next_scan_reports() {
    for (from, args) in [
        (BEFORE, &["init", ".", "--force", "--baseline"][..]),
        (
            "tests/fixtures/imports/compose-overlays",
            &["init", ".", "--baseline"][..],
        ),
    ] {
        let repo = copy_of(from);
        let dir = repo.path();
        let before = findings_of(dir);
        assert!(!before.is_empty(), "{from}");
        let run = commaudit_in(dir, args);
        assert_eq!(run.code, 0, "{from}: {}", run.transcript());
        assert!(run.stderr.is_empty(), "{from}: {}", run.stderr);
        let baseline = dir.join(".commaudit-baseline.json");
        let text = std::fs::read_to_string(&baseline).unwrap();
        let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            doc["entries"].as_array().unwrap().len(),
            before.len(),
            "{from}"
        );
        std::fs::remove_file(&baseline).unwrap();
        assert_eq!(
            findings_of(dir),
            before,
            "{from}: init changed the findings"
        );
    }
}

/// A project file init cannot keep section by section (one flow-style document) is replaced
/// by the template, which declares no brokers or datastores: the errors that causes are
/// reported and never recorded as known findings.
#[test]
fn init_baseline_never_records_what_init_caused() {
    let repo = copy_of(BEFORE);
    let dir = repo.path();
    std::fs::write(
        dir.join("commaudit.yaml"),
        "{version: 1, name: flow, proto_roots: [proto], brokers: [{name: nats, kind: nats-jetstream}], datastores: [{name: orders-db, kind: postgres}, {name: inventory-db, kind: postgres}, {name: pricing-db, kind: postgres}, {name: invoice-store, kind: s3}, {name: search-index, kind: opensearch}, {name: analytics-warehouse, kind: clickhouse}, {name: session-cache, kind: redis}]}\n",
    )
    .unwrap();
    let before = findings_of(dir);
    assert!(!before.iter().any(|f| f.1 == "CA002"), "{before:?}");
    let run = commaudit_in(dir, &["init", ".", "--force", "--baseline"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stderr.contains("not recorded in the baseline") && run.stderr.contains("CA002"),
        "{}",
        run.stderr
    );
    let text = std::fs::read_to_string(dir.join(".commaudit-baseline.json")).unwrap();
    assert!(!text.contains("\"CA002\""), "{text}");
    // What init caused still fails the scan, so it cannot go unnoticed.
    let scan = commaudit_in(dir, &["scan"]);
    assert_eq!(scan.code, 1, "{}", scan.transcript());
    assert!(scan.stdout.contains("CA002"), "{}", scan.stdout);
}
