//! Pull-request mode on a real git history built by the test: the base commit is audited in a
//! temporary worktree, only the findings the last commit introduced are reported, and the
//! measure it made worse is named. The worktree is gone afterwards; a missing ref is exit 2.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use crate::common::commaudit_in;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=commaudit tests",
            "-c",
            "user.email=tests@commaudit.invalid",
        ])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

const BASE: &str = "# A storefront two hops deep; every call has a timeout.
rules:
  CA102: { max-depth: 2 }
  CA004: { severity: off }
services:
  - service: storefront
    kind: gateway
    calls:
      - { to: checkout, protocol: grpc, needs_response: true, timeout_ms: 800 }
  - service: checkout
    slo: { availability: 99.9 }
    calls:
      - { to: pricing, protocol: grpc, needs_response: true, timeout_ms: 200 }
  - service: pricing
    slo: { availability: 99.95 }
  - service: tax
    slo: { availability: 99.9 }
";

/// A repository with two commits: the second adds one sync call, pricing -> tax, without a
/// timeout, which makes the chain from the storefront three hops deep.
fn history() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "--quiet"]);
    std::fs::write(root.join("commaudit.yaml"), BASE).unwrap();
    git(root, &["add", "."]);
    git(
        root,
        &["commit", "--quiet", "-m", "storefront, checkout, pricing"],
    );
    let added = BASE.replace(
        "  - service: pricing\n    slo: { availability: 99.95 }\n",
        "  - service: pricing\n    slo: { availability: 99.95 }\n    calls:\n      - { to: tax, protocol: grpc, needs_response: true }\n",
    );
    std::fs::write(root.join("commaudit.yaml"), added).unwrap();
    git(root, &["commit", "--quiet", "-am", "pricing asks tax"]);
    dir
}

#[test]
fn only_the_new_findings_and_the_worse_measures() {
    let repo = history();
    let root = repo.path();
    let all = commaudit_in(root, &["scan", "--format", "concise"]);
    let diff = commaudit_in(
        root,
        &["scan", "--diff-base", "HEAD~1", "--format", "concise"],
    );
    assert_eq!(diff.code, 0, "warnings only: {}", diff.transcript());
    assert!(diff.stderr.is_empty(), "{}", diff.stderr);
    insta::assert_snapshot!("diff_concise", diff.stdout);
    let rules = |text: &str| -> Vec<String> {
        text.lines()
            .filter_map(|l| l.split(": ").nth(1)?.split(' ').next())
            .filter(|r| r.starts_with("CA"))
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        rules(&diff.stdout),
        ["CA102", "CA402"],
        "exactly the new findings"
    );
    assert!(
        rules(&all.stdout).len() > 2,
        "the full scan has more: {}",
        all.stdout
    );
    assert!(
        diff.stdout
            .contains("longest sync chain: 2 -> 3 hops (worse)")
    );
    assert!(diff.stdout.contains("sync cycles: 0 -> 0 (same)"));

    let json = commaudit_in(root, &["scan", "--diff-base", "HEAD~1", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(doc["diff"]["base"], "HEAD~1");
    let worse: Vec<&str> = doc["diff"]["measures"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["change"] == "worse")
        .map(|m| m["name"].as_str().unwrap())
        .collect();
    assert_eq!(worse, ["longest sync chain", "lowest availability ceiling"]);
    let github = commaudit_in(
        root,
        &["scan", "--diff-base", "HEAD~1", "--format", "github"],
    );
    assert!(
        github.stdout.contains("::warning title=commaudit%3A a measure got worse::longest sync chain: 2 -> 3 hops (worse)"),
        "{}",
        github.stdout
    );
    let markdown = commaudit_in(
        root,
        &["scan", "--diff-base", "HEAD~1", "--format", "markdown"],
    );
    assert!(
        markdown
            .stdout
            .contains("| longest sync chain | 2 hops | 3 hops | **worse** |"),
        "{}",
        markdown.stdout
    );

    // Against itself, nothing is new.
    let same = commaudit_in(
        root,
        &["scan", "--diff-base", "HEAD", "--format", "concise"],
    );
    assert_eq!(rules(&same.stdout), Vec::<String>::new(), "{}", same.stdout);
    // The temporary worktrees are gone.
    let worktrees = git(root, &["worktree", "list", "--porcelain"]);
    assert_eq!(worktrees.matches("worktree ").count(), 1, "{worktrees}");
}

#[test]
fn a_ref_that_is_not_there_is_a_usage_error() {
    let repo = history();
    let run = commaudit_in(repo.path(), &["scan", "--diff-base", "origin/main"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.stderr,
        "error: cannot find `origin/main` in this repository\n  help: check the name, or fetch it first (`git fetch origin main`, then `--diff-base origin/main`)\n"
    );
    // A shallow clone has no parent commit, and says why.
    let clone = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    git(
        clone.path(),
        &["clone", "--quiet", "--depth", "1", &url, "shallow"],
    );
    let shallow = commaudit_in(
        &clone.path().join("shallow"),
        &["scan", "--diff-base", "HEAD~1"],
    );
    assert_eq!(shallow.code, 2, "{}", shallow.transcript());
    assert!(
        shallow.stderr.contains("this is a shallow clone"),
        "{}",
        shallow.stderr
    );
    // Outside a repository there is nothing to compare with.
    let plain = tempfile::tempdir().unwrap();
    std::fs::write(plain.path().join("commaudit.yaml"), BASE).unwrap();
    let outside = commaudit_in(plain.path(), &["scan", "--diff-base", "HEAD~1"]);
    assert_eq!(outside.code, 2);
    assert!(
        outside
            .stderr
            .starts_with("error: --diff-base needs a git repository"),
        "{}",
        outside.stderr
    );
}

#[test]
fn a_folder_new_in_this_change_has_only_new_findings() {
    let repo = history();
    let root = repo.path();
    std::fs::create_dir_all(root.join("billing")).unwrap();
    std::fs::write(
        root.join("billing/commaudit.yaml"),
        "services:\n  - { service: invoices, calls: [{ to: ledger, protocol: grpc }] }\n  - { service: ledger }\n",
    )
    .unwrap();
    git(root, &["add", "."]);
    git(root, &["commit", "--quiet", "-m", "billing"]);
    let run = commaudit_in(
        root,
        &[
            "scan",
            "billing",
            "--diff-base",
            "HEAD~1",
            "--format",
            "concise",
        ],
    );
    let full = commaudit_in(root, &["scan", "billing", "--format", "concise"]);
    let findings = |t: &str| t.lines().filter(|l| l.contains(": CA")).count();
    assert_eq!(
        findings(&run.stdout),
        findings(&full.stdout),
        "{}",
        run.stdout
    );
    assert!(findings(&run.stdout) > 0);
}
