//! What every finding must hold, over every rule fixture case, every input fixture and the
//! example platform: it says what it is about (a typed subject), no other finding of the same
//! scan shares its fingerprint, and its message is one its rule's `message:` templates in
//! `rules/<ID>.yaml` describe.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use commaudit::audit;
use commaudit::config::date::Date;
use commaudit::diagnostics::catalog;
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

/// The folder's findings after the CI gate, with the folder's own baseline when it has one.
fn gated(folder: &Path) -> Option<gate::Gated> {
    let mut audit = audit::run(&LoadOptions {
        paths: vec![folder.to_path_buf()],
        max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        ..LoadOptions::default()
    })
    .ok()?;
    let baseline_path = folder.join(gate::baseline::FILE_NAME);
    let baseline = baseline_path.is_file().then(|| {
        let text = std::fs::read_to_string(&baseline_path).unwrap();
        let id = audit.sources.add(
            commaudit::source::display_name(&baseline_path),
            baseline_path.clone(),
            text.clone().into(),
        );
        gate::baseline::Baseline::parse(&text, id).unwrap()
    });
    let root = std::fs::canonicalize(folder).unwrap();
    Some(gate::apply(
        audit,
        &gate::Options {
            today: Date::parse("2026-06-01").unwrap(),
            inline_ignores: true,
            baseline: baseline.as_ref(),
            root: &root,
        },
    ))
}

#[test]
fn every_finding_has_a_subject_its_own_fingerprint_and_a_documented_message() {
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
    let mut checked = 0;
    for folder in folders {
        let Some(gated) = gated(&folder) else {
            continue;
        };
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        for (f, fp) in gated.findings.iter().zip(&gated.fingerprints) {
            checked += 1;
            let place = folder.display();
            if !f.subject.is_set() {
                problems.push(format!(
                    "{place}: {} `{}` says nothing of what it is about",
                    f.rule, f.message
                ));
            }
            if let Some(other) = seen.insert(fp, &f.message) {
                problems.push(format!(
                    "{place}: {} shares fingerprint {fp} with another finding:\n  {}\n  {other}",
                    f.rule, f.message
                ));
            }
            let meta = catalog::by_id(f.rule).unwrap();
            if !meta.message.matches(&f.message) {
                problems.push(format!(
                    "{place}: {} says\n  {}\nwhich no `message:` template in rules/{}.yaml describes:\n  {}",
                    f.rule,
                    f.message,
                    f.rule,
                    meta.message.0.join("\n  ")
                ));
            }
        }
    }
    assert!(checked > 200, "only {checked} findings were checked");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
