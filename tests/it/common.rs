//! Shared helpers for the CLI tests: run the built binary and capture what it printed.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;

/// What one run of the binary printed, and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Exit code, stdout and stderr in one text, for snapshots.
    pub fn transcript(&self) -> String {
        let mut text = format!("exit code: {}\n--- stdout\n{}", self.code, self.stdout);
        if !self.stderr.is_empty() {
            text.push_str(&format!("--- stderr\n{}", self.stderr));
        }
        text
    }
}

/// Runs `commaudit ARGS` from the project root, with no colour and no CI variables.
pub fn commaudit(args: &[&str]) -> Run {
    commaudit_in(env!("CARGO_MANIFEST_DIR").as_ref(), args)
}

pub fn commaudit_in(dir: &Path, args: &[&str]) -> Run {
    commaudit_env(dir, args, &[])
}

/// Runs `commaudit ARGS` in `dir` with extra environment variables (`COMMAUDIT_TODAY`,
/// `GITHUB_STEP_SUMMARY`, ...).
pub fn commaudit_env(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let output = assert_cmd::Command::cargo_bin("commaudit")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("COMMAUDIT_TODAY")
        .env_remove("COMMAUDIT_OUTPUT_FORMAT")
        .env_remove("COLUMNS")
        .envs(env.iter().copied())
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// A copy of a folder of this repository in a temporary directory.
pub fn copy_of(from: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join(from),
        dir.path(),
    );
    dir
}

fn copy(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Replaces the first `from` in a file, which must contain it.
pub fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The rule IDs of `--format concise` output, in order.
pub fn rules_of(run: &Run) -> Vec<String> {
    run.stdout
        .lines()
        .filter_map(|l| l.split(": ").nth(1)?.split(' ').next())
        .filter(|r| r.starts_with("CA"))
        .map(str::to_owned)
        .collect()
}

/// A repository (a folder with `.git`) whose commaudit.yaml sits above the folder of manifests
/// that is scanned, `platform/services`.
pub fn repository(config: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::create_dir_all(dir.path().join("platform/services")).unwrap();
    std::fs::write(dir.path().join("commaudit.yaml"), config).unwrap();
    std::fs::write(
        dir.path().join("platform/services/api.yaml"),
        "service: api\nkind: gateway\ncalls:\n  - { to: worker, protocol: grpc }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("platform/services/worker.yaml"),
        "service: worker\n",
    )
    .unwrap();
    dir
}
