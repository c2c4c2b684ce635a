//! One fixture folder per rule case, under `tests/fixtures/rules/<ID>/<case>/`.
//!
//! A `fires-*` case must produce at least one finding of its rule; a `quiet-*` case is a close
//! call that must produce none. Every case's findings of its rule are pinned in a snapshot.

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

#[test]
fn every_rule_case_behaves_and_matches_its_snapshot() {
    let cases = cases();
    assert!(!cases.is_empty());
    let mut problems = Vec::new();
    for (name, path) in &cases {
        let rule = name.split('/').next().unwrap();
        let case = name.split('/').nth(1).unwrap();
        let (rules, text) = findings_of(path, rule);
        let fired = rules.iter().any(|r| r == rule);
        if case.starts_with("fires") && !fired {
            problems.push(format!("{name}: expected {rule}, got:\n{text}"));
        } else if case.starts_with("quiet") && fired {
            problems.push(format!("{name}: {rule} must not fire, got:\n{text}"));
        } else if !case.starts_with("fires") && !case.starts_with("quiet") {
            problems.push(format!(
                "{name}: case folders start with `fires-` or `quiet-`"
            ));
        }
        insta::with_settings!({snapshot_suffix => name.replace('/', "__"), prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!("rule", text);
        });
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
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
