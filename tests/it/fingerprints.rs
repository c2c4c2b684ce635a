//! Findings say what they are about, and their fingerprints tell them apart: over every rule
//! fixture case, every input fixture and the example platform, each finding has a typed subject
//! and no two findings of one scan share a fingerprint.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use commaudit::audit;
use commaudit::config::date::Date;
use commaudit::gate;
use commaudit::load::{LoadOptions, read::DEFAULT_MAX_FILE_BYTES};

/// Every folder a scan can start from: the rule cases, the other fixture folders, the examples.
fn scanned_folders() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = Vec::new();
    let children = |dir: &Path| -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        dirs
    };
    for rule in children(&root.join("tests/fixtures/rules")) {
        out.extend(children(&rule));
    }
    out.extend(children(&root.join("tests/fixtures/bad-input")));
    out.extend(children(&root.join("tests/fixtures/imports")));
    out.push(root.join("tests/fixtures/broken-platform"));
    out.push(root.join("examples/order-platform/before"));
    out.push(root.join("examples/order-platform/after"));
    out
}

#[test]
fn every_finding_has_a_subject_and_a_fingerprint_of_its_own() {
    // The deep-nesting fixture needs the stack a binary's main thread has.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(check_every_folder)
        .unwrap()
        .join()
        .unwrap();
}

fn check_every_folder() {
    let mut problems = Vec::new();
    let folders = scanned_folders();
    assert!(folders.len() > 50, "the rule cases are found");
    for folder in folders {
        let Ok(audit) = audit::run(&LoadOptions {
            paths: vec![folder.clone()],
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            ..LoadOptions::default()
        }) else {
            continue;
        };
        let root = std::fs::canonicalize(&folder).unwrap();
        let gated = gate::apply(
            audit,
            &gate::Options {
                today: Date::parse("2026-06-01").unwrap(),
                inline_ignores: true,
                baseline: None,
                root: &root,
            },
        );
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (f, fp) in gated.findings.iter().zip(&gated.fingerprints) {
            if !f.subject.is_set() {
                problems.push(format!(
                    "{}: {} `{}` says nothing of what it is about",
                    folder.display(),
                    f.rule,
                    f.message
                ));
            }
            if let Some(other) = seen.insert(fp, &f.message) {
                problems.push(format!(
                    "{}: {} shares fingerprint {fp} with another finding:\n  {}\n  {other}",
                    folder.display(),
                    f.rule,
                    f.message
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
