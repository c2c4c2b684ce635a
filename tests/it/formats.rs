//! Every `scan` format over the reference platform, pinned in snapshots; the SARIF validated
//! against the official 2.1.0 schema; extra report files written in the same run; colour only
//! where a human reads it; the fail level and `--exit-zero`.

#![allow(clippy::unwrap_used)]

use crate::common;

use crate::common::{commaudit, commaudit_env};

const BEFORE: &str = "examples/order-platform/before";
const AFTER: &str = "examples/order-platform/after";
const BROKEN: &str = "tests/fixtures/broken-platform";

const MACHINE: [&str; 6] = ["json", "sarif", "github", "gitlab", "junit", "markdown"];

fn scan(args: &[&str]) -> common::Run {
    let mut all = vec!["scan"];
    all.extend_from_slice(args);
    commaudit(&all)
}

/// Schema errors of a SARIF document, one line each.
fn sarif_errors(text: &str) -> Vec<String> {
    let mut schema: serde_json::Value =
        serde_json::from_str(include_str!("../data/sarif-schema-2.1.0.json")).unwrap();
    // The official schema's pattern for `language` (`...[a-zA-Z]{2}]?$`, on runs and tool
    // components) has a stray `]` that the validator's check of the schema itself rejects.
    // commaudit never writes `language`, so that keyword is dropped; everything else is
    // validated as published, formats (`uri`, `uri-reference`, ...) included.
    assert_eq!(
        drop_language_patterns(&mut schema),
        2,
        "the schema changed: revisit this"
    );
    // This copy of the schema keeps the log's own object under `definitions/Root` and puts no
    // constraint at the top, so documents are validated against that definition.
    assert!(schema["definitions"]["Root"]["properties"]["runs"].is_object());
    schema["$ref"] = "#/definitions/Root".into();
    let validator = jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let doc: serde_json::Value = serde_json::from_str(text).unwrap();
    validator
        .iter_errors(&doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn drop_language_patterns(node: &mut serde_json::Value) -> usize {
    let mut dropped = 0;
    if let Some(map) = node.as_object_mut() {
        if let Some(language) = map.get_mut("language").and_then(|l| l.as_object_mut()) {
            dropped += usize::from(language.remove("pattern").is_some());
        }
        for value in map.values_mut() {
            dropped += drop_language_patterns(value);
        }
    }
    dropped
}

#[test]
fn every_format_of_the_reference_platform() {
    for format in ["concise", "github", "gitlab", "junit", "markdown"] {
        let run = scan(&[BEFORE, "--format", format]);
        assert_eq!(run.code, 1, "{format}: {}", run.transcript());
        assert!(run.stderr.is_empty(), "{format}: {}", run.stderr);
        insta::assert_snapshot!(format!("scan_before_{format}"), run.stdout);
    }
    // The rules' long documentation is pinned once, below, rather than in every rule entry.
    let sarif = scan(&[BEFORE, "--format", "sarif"]);
    assert_eq!(sarif.code, 1);
    let doc: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    insta::assert_json_snapshot!("scan_before_sarif", doc, {
        ".runs[].tool.driver.rules[].fullDescription" => "[rules/<ID>.yaml: why]",
        ".runs[].tool.driver.rules[].help" => "[rules/<ID>.yaml: why, fix, example]",
    });
    let ca201 = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "CA201")
        .unwrap()
        .clone();
    insta::assert_json_snapshot!("sarif_rule_ca201", ca201);
}

#[test]
fn sarif_is_valid_and_complete() {
    for path in [BEFORE, AFTER, BROKEN] {
        let run = scan(&[path, "--format", "sarif"]);
        let errors = sarif_errors(&run.stdout);
        assert!(errors.is_empty(), "{path}:\n{}", errors.join("\n"));
    }
    let doc: serde_json::Value =
        serde_json::from_str(&scan(&[BEFORE, "--format", "sarif"]).stdout).unwrap();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), commaudit::diagnostics::catalog::all().len());
    // Documentation links when the package names its repository (`repository` in Cargo.toml).
    let repository = commaudit::diagnostics::catalog::repository();
    let driver = &run["tool"]["driver"];
    if repository.is_empty() {
        assert!(driver.get("informationUri").is_none());
        assert!(rules.iter().all(|r| r.get("helpUri").is_none()));
    } else {
        assert_eq!(driver["informationUri"], repository);
        for rule in rules {
            let id = rule["id"].as_str().unwrap();
            assert_eq!(
                rule["helpUri"],
                format!("{repository}/blob/main/rules/{id}.yaml"),
                "{id}"
            );
        }
    }
    for rule in rules {
        for key in ["id", "name", "shortDescription", "fullDescription", "help"] {
            assert!(rule.get(key).is_some(), "{key} missing in {rule}");
        }
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains("### How to fix it")
        );
        assert!(rule["defaultConfiguration"]["level"].is_string());
    }
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    let mut broken = doc.clone();
    broken["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !sarif_errors(&broken.to_string()).is_empty(),
        "the validator catches a wrong level"
    );
    let mut fingerprints = std::collections::BTreeSet::new();
    for result in results {
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with(BEFORE), "repository-relative: {uri}");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        for key in ["startLine", "startColumn", "endLine", "endColumn"] {
            assert!(
                location["region"][key].as_u64().unwrap() >= 1,
                "{key}: {result}"
            );
        }
        let fp = result["partialFingerprints"]["commaudit/v2"]
            .as_str()
            .unwrap();
        assert!(
            fingerprints.insert(fp.to_owned()),
            "fingerprints are unique: {fp}"
        );
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
    }
}

#[test]
fn extra_report_files_match_their_formats_and_are_written_whole() {
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let (sarif, json, junit, md, gitlab) = (
        out("r.sarif"),
        out("r.json"),
        out("r.xml"),
        out("r.md"),
        out("gl.json"),
    );
    let run = scan(&[
        BEFORE,
        "--format",
        "concise",
        "--sarif-output",
        &sarif,
        "--json-output",
        &json,
        "--junit-output",
        &junit,
        "--markdown-output",
        &md,
        "--gitlab-output",
        &gitlab,
    ]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert_eq!(run.stdout, scan(&[BEFORE, "--format", "concise"]).stdout);
    for (file, format) in [
        (&sarif, "sarif"),
        (&json, "json"),
        (&junit, "junit"),
        (&md, "markdown"),
        (&gitlab, "gitlab"),
    ] {
        let written = std::fs::read_to_string(file).unwrap();
        assert_eq!(
            written,
            scan(&[BEFORE, "--format", format]).stdout,
            "{format}"
        );
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 5, "no temporary files left behind: {names:?}");

    let nowhere = scan(&[BEFORE, "--sarif-output", "no/such/folder/r.sarif"]);
    assert_eq!(nowhere.code, 2);
    assert!(
        nowhere
            .stderr
            .contains("folder `no/such/folder` does not exist"),
        "{}",
        nowhere.stderr
    );
}

#[test]
fn colour_only_for_humans() {
    let escape = "\u{1b}[";
    for format in MACHINE.iter().chain(&["concise"]) {
        let run = scan(&[BEFORE, "--format", format, "--color", "always"]);
        assert!(!run.stdout.contains(escape), "{format} has colour");
    }
    assert!(scan(&[BEFORE, "--color", "always"]).stdout.contains(escape));
    // NO_COLOR (set by the helper) wins over auto; so does --color never.
    assert!(!scan(&[BEFORE]).stdout.contains(escape));
    assert!(!scan(&[BEFORE, "--color", "never"]).stdout.contains(escape));
}

#[test]
fn github_annotations_and_the_job_summary() {
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "previous step\n").unwrap();
    let run = commaudit_env(
        env!("CARGO_MANIFEST_DIR").as_ref(),
        &["scan", BEFORE, "--format", "github"],
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(run.code, 1);
    // GitHub shows 10 annotations per level: the errors come first, then the warnings.
    let first = run.stdout.lines().next().unwrap();
    assert!(first.starts_with("::error "), "{first}");
    let levels: Vec<u8> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(c, _)| c))
        .filter_map(|c| match c {
            "::error" => Some(2),
            "::warning" => Some(1),
            _ => None,
        })
        .collect();
    assert!(levels.windows(2).all(|w| w[0] >= w[1]), "{levels:?}");
    assert!(
        run.stdout.contains("::warning file=examples/order-platform/before/commaudit.yaml,line=19,col=11,endLine=19,endColumn=20,title=CA107 shared-datastore::"),
        "{}",
        run.stdout
    );
    // More warnings than GitHub shows: a notice says how many and where the rest are.
    assert!(
        run.stdout.contains(
            "::notice title=commaudit%3A more annotations than GitHub shows::53 warnings"
        ),
        "{}",
        run.stdout
    );
    // `%` in a message is escaped; a CA103 message holds a percentage.
    assert!(
        run.stdout.contains("5.852%25 of its requests"),
        "{}",
        run.stdout
    );
    let written = std::fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with("previous step\n## commaudit\n"),
        "{written}"
    );
    assert!(
        written.contains("| error | CA101 sync-cycle |"),
        "{written}"
    );
}

#[test]
fn junit_has_one_case_per_rule() {
    let run = scan(&[BEFORE, "--format", "junit", "--ignore", "CA4"]);
    let rules = commaudit::diagnostics::catalog::all().len();
    assert_eq!(run.stdout.matches("<testcase ").count(), rules);
    assert_eq!(
        run.stdout.matches("<skipped ").count(),
        7,
        "CA401 to CA407 do not run"
    );
    assert!(run.stdout.contains(&format!("tests=\"{rules}\"")));
    // Warnings do not fail the default gate: they are listed, not failed.
    let failures = run.stdout.matches("<failure ").count();
    assert_eq!(failures, 3, "CA101, CA104 and CA201 have errors");
    let strict = scan(&[BEFORE, "--format", "junit", "--fail-on", "warning"]);
    assert!(strict.stdout.matches("<failure ").count() > failures);
}

#[test]
fn the_gate_follows_fail_on_and_exit_zero() {
    let code = |args: &[&str]| scan(args).code;
    assert_eq!(code(&[BEFORE]), 1, "errors fail by default");
    assert_eq!(code(&[BEFORE, "--fail-on", "never"]), 0);
    assert_eq!(code(&[BEFORE, "--exit-zero"]), 0);
    assert_eq!(
        code(&[BEFORE, "--select", "CA3", "--fail-on", "error"]),
        0,
        "only warnings"
    );
    assert_eq!(
        code(&[BEFORE, "--select", "CA3", "--fail-on", "warning"]),
        1
    );
    assert_eq!(code(&[AFTER, "--fail-on", "note"]), 0);
    assert_eq!(
        code(&["tests/fixtures/does-not-exist", "--exit-zero"]),
        2,
        "--exit-zero never hides a failed run"
    );
    assert_eq!(code(&[BEFORE, "--format", "yaml"]), 2);
}

#[test]
fn select_ignore_and_severity_name_rules_three_ways() {
    let concise = |args: &[&str]| {
        let mut all = vec![BEFORE, "--format", "concise"];
        all.extend_from_slice(args);
        scan(&all).stdout
    };
    let rules_in = |text: &str| -> std::collections::BTreeSet<String> {
        text.lines()
            .filter_map(|l| l.split(": ").nth(1))
            .filter_map(|rest| rest.split(' ').next())
            .filter(|id| id.starts_with("CA"))
            .map(str::to_owned)
            .collect()
    };
    let selected = concise(&[
        "--select",
        "CA1,sync-side-effect",
        "--ignore",
        "CA105",
        "--ignore",
        "retry-amplification",
    ]);
    let expected: Vec<&str> = vec!["CA101", "CA102", "CA103", "CA104", "CA107", "CA301"];
    assert_eq!(
        rules_in(&selected).into_iter().collect::<Vec<_>>(),
        expected
    );
    let raised = concise(&["--select", "CA302", "--severity", "internal-rest=error"]);
    assert!(
        raised.lines().next().unwrap().contains("CA302 [error]"),
        "{raised}"
    );
    let off = concise(&["--severity", "CA3=off"]);
    assert!(!off.contains(" CA30"), "{off}");

    let unknown = scan(&[BEFORE, "--ignore", "internal-rests"]);
    assert_eq!(unknown.code, 2);
    assert_eq!(
        unknown.stderr,
        "error: unknown rule `internal-rests` in --ignore\n  help: did you mean `internal-rest`?\n"
    );
    let bad_level = scan(&[BEFORE, "--severity", "CA302=fatal"]);
    assert_eq!(bad_level.code, 2);
    assert!(bad_level.stderr.contains("use error, warning, note or off"));
}

/// The common JUnit schema (Jenkins' junit-10.xsd, which GitLab and Azure read too): the
/// required attributes, the allowed attributes of `testsuites`, the children of a test case in
/// the schema's order, and counts that add up. Checked with and without skipped and failing
/// cases.
#[test]
fn junit_follows_the_common_schema() {
    for args in [
        vec![BEFORE, "--format", "junit", "--ignore", "CA4"],
        vec![BEFORE, "--format", "junit", "--fail-on", "warning"],
        vec![AFTER, "--format", "junit"],
    ] {
        let run = scan(&args);
        let doc = roxmltree::Document::parse(&run.stdout).unwrap();
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites", "{args:?}");
        for attr in root.attributes() {
            assert!(
                ["name", "time", "tests", "failures", "disabled", "errors"].contains(&attr.name()),
                "{args:?}: testsuites has no attribute `{}` in the schema",
                attr.name()
            );
        }
        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        assert!(!suites.is_empty());
        for suite in suites {
            assert_eq!(suite.tag_name().name(), "testsuite");
            for attr in ["name", "tests", "failures", "errors", "skipped", "time"] {
                assert!(
                    suite.attribute(attr).is_some(),
                    "{args:?}: testsuite@{attr}"
                );
            }
            let cases: Vec<_> = suite.children().filter(|n| n.is_element()).collect();
            let count = |tag: &str| {
                cases
                    .iter()
                    .filter(|c| c.children().any(|n| n.tag_name().name() == tag))
                    .count()
                    .to_string()
            };
            assert_eq!(
                suite.attribute("tests"),
                Some(cases.len().to_string().as_str())
            );
            assert_eq!(suite.attribute("failures"), Some(count("failure").as_str()));
            assert_eq!(suite.attribute("skipped"), Some(count("skipped").as_str()));
            assert_eq!(root.attribute("disabled"), suite.attribute("skipped"));
            assert_eq!(root.attribute("failures"), suite.attribute("failures"));
            for case in cases {
                assert_eq!(case.tag_name().name(), "testcase");
                for attr in ["name", "classname", "time"] {
                    assert!(case.attribute(attr).is_some(), "{args:?}: testcase@{attr}");
                }
                let order = ["skipped", "error", "failure", "system-out", "system-err"];
                let ranks: Vec<usize> = case
                    .children()
                    .filter(|n| n.is_element())
                    .map(|n| {
                        let tag = n.tag_name().name();
                        if tag == "failure" || tag == "error" {
                            assert!(
                                n.attribute("message").is_some() && n.attribute("type").is_some()
                            );
                        }
                        if tag == "skipped" {
                            assert!(n.attribute("message").is_some());
                        }
                        order
                            .iter()
                            .position(|t| *t == tag)
                            .unwrap_or_else(|| panic!("testcase has no child `{tag}`"))
                    })
                    .collect();
                assert!(
                    ranks.windows(2).all(|w| w[0] <= w[1]),
                    "{args:?}: {ranks:?}"
                );
            }
        }
    }
}
