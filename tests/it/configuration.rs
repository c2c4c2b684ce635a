//! Which configuration a run uses: `commaudit.yaml` found from the scanned path upward,
//! `--config`, `--no-config`; mistakes stop the run with suggestions; `config show` prints what
//! a scan applies; `init` writes a commented configuration and the first baseline.

#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

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
