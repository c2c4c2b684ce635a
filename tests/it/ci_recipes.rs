//! The GitHub Action (`action.yml`) and the GitLab CI template
//! (`ci/gitlab/commaudit.gitlab-ci.yml`) run here: their shell steps, as the runner would run
//! them, against the reference platform with the binary under test on PATH (the install steps,
//! which build commaudit from the network, are left out). The files they promise must exist
//! and be what CI reads.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::Command;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read_yaml(path: &str) -> serde_json::Value {
    let text = std::fs::read_to_string(Path::new(ROOT).join(path)).unwrap();
    serde_saphyr::from_str(&text).unwrap()
}

/// PATH with the binary under test first.
fn path_with_binary() -> String {
    let bin = PathBuf::from(env!("CARGO_BIN_EXE_commaudit"));
    let dir = bin.parent().unwrap().display().to_string();
    format!("{dir}:{}", std::env::var("PATH").unwrap_or_default())
}

fn bash(script: &str, dir: &Path, env: &[(String, String)]) -> std::process::Output {
    Command::new("bash")
        .args(["-e", "-o", "pipefail", "-c", script])
        .current_dir(dir)
        .env("PATH", path_with_binary())
        .env("NO_COLOR", "1")
        .env_remove("COMMAUDIT_OUTPUT_FORMAT")
        .env_remove("COLUMNS")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap()
}

/// `${{ inputs.NAME }}` with the given inputs, else the action's defaults.
fn expand(value: &str, action: &serde_json::Value, given: &[(&str, &str)]) -> String {
    let mut out = value.to_owned();
    while let Some(start) = out.find("${{") {
        let end = out[start..].find("}}").unwrap() + start + 2;
        let expr = out[start + 3..end - 2].trim();
        let name = expr.strip_prefix("inputs.").expect("only inputs are used");
        let value = given
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| (*v).to_owned())
            .unwrap_or_else(|| {
                action["inputs"][name]["default"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            });
        out.replace_range(start..end, &value);
    }
    out
}

#[test]
fn the_github_action_scans_annotates_summarises_and_writes_sarif() {
    let action = read_yaml("action.yml");
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    assert!(steps.iter().any(|s| {
        s["uses"]
            .as_str()
            .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
    }));
    let work = tempfile::tempdir().unwrap();
    let summary = work.path().join("summary.md");
    let before = Path::new(ROOT).join("examples/order-platform/before");
    let given = [("path", before.to_str().unwrap())];
    let mut ran = 0;
    for step in steps.iter().filter(|s| s.get("run").is_some()) {
        let script = step["run"].as_str().unwrap();
        assert!(
            !script.contains("${{"),
            "inputs reach scripts through env only: {script}"
        );
        assert_eq!(step["shell"], "bash");
        if step["id"] == "install" {
            assert!(script.contains("cargo install --path \"$GITHUB_ACTION_PATH\" --locked"));
            continue;
        }
        let mut env: Vec<(String, String)> = step["env"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, v)| (k.clone(), expand(v.as_str().unwrap(), &action, &given)))
            .collect();
        env.push(("GITHUB_STEP_SUMMARY".into(), summary.display().to_string()));
        env.push(("GITHUB_ACTION_PATH".into(), ROOT.into()));
        let out = bash(script, work.path(), &env);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "errors fail the step: {stdout}");
        assert!(stdout.contains("::error file="), "{stdout}");
        ran += 1;
    }
    assert_eq!(ran, 1, "the scan step ran");
    let sarif: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(work.path().join("commaudit.sarif")).unwrap(),
    )
    .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(!sarif["runs"][0]["results"].as_array().unwrap().is_empty());
    let summary = std::fs::read_to_string(summary).unwrap();
    assert!(summary.contains("CA101"), "{summary}");
}

#[test]
fn the_gitlab_template_writes_code_quality_junit_and_sarif() {
    let template = read_yaml("ci/gitlab/commaudit.gitlab-ci.yml");
    let job = &template["commaudit"];
    let reports = &job["artifacts"]["reports"];
    assert_eq!(job["artifacts"]["when"], "always");
    let work = tempfile::tempdir().unwrap();
    let before = Path::new(ROOT).join("examples/order-platform/before");
    let mut env: Vec<(String, String)> = job["variables"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    env.retain(|(k, _)| k != "COMMAUDIT_PATH");
    env.push(("COMMAUDIT_PATH".into(), before.display().to_string()));
    let install = job["before_script"][0].as_str().unwrap();
    assert!(install.contains("cargo install --locked --git \"$COMMAUDIT_GIT\""));
    for line in job["script"].as_array().unwrap() {
        let out = bash(line.as_str().unwrap(), work.path(), &env);
        assert_eq!(
            out.status.code(),
            Some(1),
            "errors fail the job: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let file = |key: &str| work.path().join(reports[key].as_str().unwrap());
    let quality: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(file("codequality")).unwrap()).unwrap();
    assert!(
        quality
            .iter()
            .all(|q| q["fingerprint"].is_string() && q["location"]["path"].is_string())
    );
    assert!(!quality.is_empty());
    let junit = std::fs::read_to_string(file("junit")).unwrap();
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert_eq!(doc.root_element().tag_name().name(), "testsuites");
    for path in job["artifacts"]["paths"].as_array().unwrap() {
        let sarif = work.path().join(path.as_str().unwrap());
        assert!(sarif.is_file(), "{}", sarif.display());
    }
}
