//! `scan --diff-base REF`: the tree at REF, checked out in a temporary `git worktree` (removed
//! again when done, also on error), audited with the same settings, so only the findings a
//! change introduces are reported.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::audit::AuditError;
use crate::config::{Choice, Settings};
use crate::gate::diff;
use crate::graph::facts::Summary;
use crate::load::{LoadError, LoadOptions, canonical};

use super::Exit;
use super::gate::{BaselineChoice, GateArgs, apply_gate};
use super::input::print_error;

/// What the base looked like.
pub struct Base {
    pub fingerprints: BTreeSet<String>,
    pub measures: Summary,
}

/// A worktree that removes itself when dropped.
struct Worktree {
    repo: PathBuf,
    path: PathBuf,
}

impl Drop for Worktree {
    fn drop(&mut self) {
        let path = self.path.as_os_str();
        let removed = git(
            &self.repo,
            &[
                OsStr::new("worktree"),
                OsStr::new("remove"),
                OsStr::new("--force"),
                path,
            ],
        );
        if removed.is_err() || self.path.exists() {
            let _ = std::fs::remove_dir_all(&self.path);
            let _ = git(&self.repo, &["worktree", "prune"]);
        }
    }
}

/// Runs git in `dir`; stdout on success, stderr's last line on failure.
fn git<S: AsRef<OsStr>>(dir: &Path, args: &[S]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|err| format!("cannot run git: {err}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        Err(stderr
            .trim()
            .lines()
            .last()
            .unwrap_or("git failed")
            .to_owned())
    }
}

fn usage(message: String, help: &str) -> Exit {
    eprintln!("error: {message}\n  help: {help}");
    Exit::Usage
}

/// Audits the tree at `reference` as `options` and `settings` would audit the working tree.
pub fn audit_base(
    reference: &str,
    options: &LoadOptions,
    settings: &Settings,
    args: &GateArgs,
    baseline: &BaselineChoice,
) -> Result<Base, Exit> {
    let first = options.paths.first().cloned().unwrap_or_else(|| ".".into());
    let start = canonical(&first);
    let start_dir = if start.is_file() {
        start
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or(start.clone())
    } else {
        start.clone()
    };
    let repo = git(&start_dir, &["rev-parse", "--show-toplevel"])
        .map(|top| canonical(Path::new(&top)))
        .map_err(|err| {
            usage(
                format!("--diff-base needs a git repository: {err}"),
                "run the scan inside a git checkout, or leave --diff-base out",
            )
        })?;
    let commit = format!("{reference}^{{commit}}");
    if git(&repo, &["rev-parse", "--verify", "--quiet", &commit]).is_err() {
        let shallow =
            git(&repo, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|s| s == "true");
        let help = if shallow {
            "this is a shallow clone, which lacks that history: fetch it (`git fetch --deepen=50`, or `fetch-depth: 0` with actions/checkout)"
        } else {
            "check the name, or fetch it first (`git fetch origin main`, then `--diff-base origin/main`)"
        };
        return Err(usage(
            format!("cannot find `{reference}` in this repository"),
            help,
        ));
    }
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let path = std::env::temp_dir().join(format!("commaudit-base-{}-{nanos}", std::process::id()));
    let added = git(
        &repo,
        &[
            OsStr::new("worktree"),
            OsStr::new("add"),
            OsStr::new("--detach"),
            OsStr::new("--quiet"),
            path.as_os_str(),
            OsStr::new(&commit),
        ],
    );
    if let Err(err) = added {
        let _ = std::fs::remove_dir_all(&path);
        let _ = git(&repo, &["worktree", "prune"]);
        return Err(usage(
            format!("cannot check out `{reference}` in a temporary worktree: {err}"),
            "make sure the temporary folder is writable and git is 2.17 or newer",
        ));
    }
    let tree = Worktree {
        repo: repo.clone(),
        path: canonical(&path),
    };
    let within = |p: &Path| -> Option<PathBuf> {
        canonical(p)
            .strip_prefix(&repo)
            .ok()
            .map(|rel| tree.path.join(rel))
    };
    let mut paths = Vec::new();
    for p in &options.paths {
        let mapped = within(p).ok_or_else(|| {
            usage(
                format!(
                    "`{}` is outside the repository at {}",
                    p.display(),
                    repo.display()
                ),
                "scan paths inside the repository with --diff-base",
            )
        })?;
        if mapped.exists() {
            paths.push(mapped);
        }
    }
    let choice = match &settings.choice {
        Choice::File(file) => {
            Choice::File(within(file).filter(|f| f.is_file()).unwrap_or(file.clone()))
        }
        other => other.clone(),
    };
    let baseline = match baseline {
        BaselineChoice::File(file) => {
            BaselineChoice::File(within(file).filter(|f| f.is_file()).unwrap_or(file.clone()))
        }
        other => other.clone(),
    };
    let empty = Base {
        fingerprints: BTreeSet::new(),
        measures: Summary {
            longest_sync_chain: 0,
            sync_cycles: 0,
            worst_blast_radius: 0,
            lowest_availability_ceiling: None,
            max_retry_amplification: 1.0,
        },
    };
    if paths.is_empty() {
        return Ok(empty);
    }
    let base_options = LoadOptions {
        paths,
        ..options.clone()
    };
    let base_settings = Settings {
        choice,
        overrides: settings.overrides.clone(),
    };
    let in_base = |exit: Exit| {
        eprintln!("note: the errors above are in `{reference}`, not in the working tree");
        exit
    };
    let audit = match crate::audit::run_with(&base_options, &base_settings) {
        Ok(audit) => audit,
        // The scanned folders hold nothing at the base: everything in them is new.
        Err(AuditError::Load(LoadError::NoInputs(_))) => return Ok(empty),
        Err(err) => return Err(in_base(print_error(err))),
    };
    let gated =
        apply_gate(audit, &base_options.paths, args, &baseline, &tree.path).map_err(in_base)?;
    Ok(Base {
        fingerprints: gated.fingerprints.iter().cloned().collect(),
        measures: diff::measures(&gated.audit),
    })
}
