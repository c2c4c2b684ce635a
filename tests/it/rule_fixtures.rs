//! One fixture folder per rule case, under `tests/fixtures/rules/<ID>/<case>/`.
//!
//! A `fires-*` case must produce at least one finding of its rule; a `quiet-*` case is a close
//! call that must produce none. Every case's findings of its rule are pinned in a snapshot.
//! `build.rs` generates one test per case folder (`cargo test CA402` runs that rule's cases,
//! `cargo test CA402::quiet_` its quiet ones).

#![allow(clippy::unwrap_used)]

use std::fmt::Write;
use std::path::{Path, PathBuf};

use commaudit::audit;
use commaudit::config::date::Date;
use commaudit::gate;
use commaudit::load::{LoadOptions, read::DEFAULT_MAX_FILE_BYTES};

/// "Today" for suppression expiry in every case.
const TODAY: &str = "2026-06-01";

fn cases() -> Vec<(String, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rules");
    let mut cases = Vec::new();
    for rule in std::fs::read_dir(&root).unwrap().flatten() {
        for case in std::fs::read_dir(rule.path()).unwrap().flatten() {
            let name = format!(
                "{}/{}",
                rule.file_name().to_string_lossy(),
                case.file_name().to_string_lossy()
            );
            cases.push((name, case.path()));
        }
    }
    cases.sort();
    cases
}

/// The findings of `rule` in one case, one line each, with paths relative to the case folder,
/// and the IDs of every rule that fired.
fn findings_of(path: &Path, rule: &str) -> (Vec<String>, String) {
    let mut audit = audit::run(&LoadOptions {
        paths: vec![path.to_path_buf()],
        max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        ..LoadOptions::default()
    })
    .unwrap();
    // The CI gate runs too, so suppressions apply and the meta rules (CA9xx) have cases: a
    // case's `.commaudit-baseline.json` is its baseline, and today is a fixed date.
    let baseline_path = path.join(gate::baseline::FILE_NAME);
    let baseline = baseline_path.is_file().then(|| {
        let text = std::fs::read_to_string(&baseline_path).unwrap();
        let id = audit.sources.add(
            commaudit::source::display_name(&baseline_path),
            baseline_path.clone(),
            text.clone().into(),
        );
        gate::baseline::Baseline::parse(&text, id).unwrap()
    });
    let root = std::fs::canonicalize(path).unwrap();
    let gated = gate::apply(
        audit,
        &gate::Options {
            today: Date::parse(TODAY).unwrap(),
            inline_ignores: true,
            baseline: baseline.as_ref(),
            root: &root,
        },
    );
    let prefix = format!("{}/", commaudit::source::display_name(path));
    let mut text = String::new();
    let mut rules = Vec::new();
    let audit = &gated.audit;
    for f in &gated.findings {
        rules.push(f.rule.0.to_owned());
        if f.rule.0 != rule {
            continue;
        }
        let place = f.span.map_or_else(String::new, |s| {
            let loc = audit.sources.locate(s);
            format!(
                "{}:{}:{}",
                loc.file.replace(&prefix, ""),
                loc.line,
                loc.column
            )
        });
        writeln!(text, "{place} {} {} {}", f.rule, f.severity, f.message).unwrap();
        if let Some(help) = &f.help {
            writeln!(text, "    help: {help}").unwrap();
        }
        for r in &f.related {
            let loc = audit.sources.locate(r.span);
            writeln!(
                text,
                "    related: {}:{}: {}",
                loc.file.replace(&prefix, ""),
                loc.line,
                r.message
            )
            .unwrap();
        }
    }
    (rules, text)
}

// One `#[test]` per case folder, in one module per rule: `CA402::fires_call_without_timeout`.
include!(concat!(env!("OUT_DIR"), "/rule_cases.rs"));

/// One case: its rule fires (`fires-*`) or stays quiet (`quiet-*`), and the rule's findings
/// match the case's snapshot.
fn check(rule: &str, case: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules")
        .join(rule)
        .join(case);
    let name = format!("{rule}/{case}");
    let (rules, text) = findings_of(&path, rule);
    let fired = rules.iter().any(|r| r == rule);
    if case.starts_with("fires") {
        assert!(fired, "{name}: expected {rule}, got:\n{text}");
    } else if case.starts_with("quiet") {
        assert!(!fired, "{name}: {rule} must not fire, got:\n{text}");
    } else {
        panic!("{name}: case folders start with `fires-` or `quiet-`");
    }
    insta::with_settings!({snapshot_suffix => format!("{rule}__{case}"), prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("rule", text);
    });
}

#[test]
fn a_test_was_generated_for_every_case_folder() {
    let mut generated: Vec<String> = GENERATED.iter().map(|(r, c)| format!("{r}/{c}")).collect();
    generated.sort();
    let on_disk: Vec<String> = cases().into_iter().map(|(name, _)| name).collect();
    assert!(!on_disk.is_empty());
    assert_eq!(
        generated, on_disk,
        "the generated tests are out of date with tests/fixtures/rules (build.rs did not rerun)"
    );
}

#[test]
fn every_case_folder_belongs_to_a_known_rule() {
    let known: Vec<&str> = commaudit::diagnostics::catalog::all()
        .iter()
        .map(|r| r.id.as_str())
        .collect();
    for (name, _) in cases() {
        let rule = name.split('/').next().unwrap();
        assert!(
            known.contains(&rule),
            "tests/fixtures/rules/{name}: {rule} is not a rule (known: {})",
            known.join(", ")
        );
    }
}

#[test]
fn every_rule_has_a_firing_and_a_quiet_case() {
    let cases = cases();
    for rule in commaudit::diagnostics::catalog::all() {
        let of_rule: Vec<_> = cases
            .iter()
            .filter(|(n, _)| n.starts_with(&format!("{}/", rule.id)))
            .collect();
        assert!(
            of_rule.iter().any(|(n, _)| n.contains("/fires")),
            "{} has no fires-* fixture in tests/fixtures/rules/{}",
            rule.id,
            rule.id
        );
        assert!(
            of_rule.iter().any(|(n, _)| n.contains("/quiet")),
            "{} has no quiet-* fixture in tests/fixtures/rules/{}",
            rule.id,
            rule.id
        );
    }
}
