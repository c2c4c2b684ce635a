//! What `scan` prints for a person at a terminal: the most severe findings first, `--quiet`,
//! `--statistics`, and the format chosen once in `COMMAUDIT_OUTPUT_FORMAT`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use crate::common::{commaudit, commaudit_env};

const BEFORE: &str = "examples/order-platform/before";

fn findings_json() -> Vec<serde_json::Value> {
    let run = commaudit(&["scan", BEFORE, "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    doc["findings"].as_array().unwrap().clone()
}

fn rank(severity: &str) -> u8 {
    match severity {
        "error" => 2,
        "warning" => 1,
        _ => 0,
    }
}

#[test]
fn human_output_puts_the_most_severe_first() {
    let severity: BTreeMap<String, String> = findings_json()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["severity"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let run = commaudit(&["scan", BEFORE]);
    let order: Vec<u8> = run
        .stdout
        .lines()
        .filter_map(|l| l.split_once(' ').map(|(rule, _)| rule))
        .filter_map(|rule| severity.get(rule))
        .map(|s| rank(s))
        .collect();
    assert!(order.len() > 10, "{}", run.stdout);
    assert!(order.contains(&2) && order.contains(&1));
    assert!(
        order.windows(2).all(|w| w[0] >= w[1]),
        "errors, then warnings, then notes: {order:?}"
    );
}

#[test]
fn quiet_prints_the_findings_only() {
    let run = commaudit(&["scan", BEFORE, "--format", "concise", "--quiet"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), findings_json().len());
    assert!(
        lines.iter().all(|l| l.contains(": CA") && l.contains(" [")),
        "{}",
        run.stdout
    );
    let human = commaudit(&["scan", BEFORE, "-q"]);
    assert!(!human.stdout.contains("coverage:"), "{}", human.stdout);
    assert!(!human.stdout.contains("read 32 files"), "{}", human.stdout);
}

#[test]
fn statistics_count_findings_per_rule() {
    let findings = findings_json();
    let run = commaudit(&["scan", BEFORE, "--statistics"]);
    assert_eq!(run.code, 1, "the gate still applies: {}", run.transcript());
    insta::assert_snapshot!("statistics_before", run.stdout);
    let json = commaudit(&["scan", BEFORE, "--statistics", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json.stdout).unwrap();
    let counts: Vec<u64> = rows.iter().map(|r| r["count"].as_u64().unwrap()).collect();
    assert_eq!(counts.iter().sum::<u64>(), findings.len() as u64);
    assert!(counts.windows(2).all(|w| w[0] >= w[1]), "{counts:?}");
    let ca302 = findings.iter().filter(|f| f["rule"] == "CA302").count() as u64;
    assert_eq!(rows[0]["rule"], "CA302");
    assert_eq!(rows[0]["count"], ca302);
}

#[test]
fn the_output_format_can_come_from_the_environment() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let env = [("COMMAUDIT_OUTPUT_FORMAT", "json")];
    let run = commaudit_env(root, &["scan", BEFORE], &env);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert!(doc["findings"].is_array());
    // The flag wins over the environment.
    let flag = commaudit_env(root, &["scan", BEFORE, "--format", "concise"], &env);
    assert!(flag.stdout.starts_with("examples/"), "{}", flag.stdout);
    let bad = commaudit_env(
        root,
        &["scan", BEFORE],
        &[("COMMAUDIT_OUTPUT_FORMAT", "yaml")],
    );
    assert_eq!(bad.code, 2, "{}", bad.transcript());
    assert!(bad.stderr.contains("possible values"), "{}", bad.stderr);
}

/// Display columns of a line, as a terminal shows it.
fn columns(line: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(line)
}

fn wider_than(text: &str, width: usize) -> Vec<String> {
    text.lines()
        .filter(|l| columns(l) > width)
        .map(|l| format!("{} columns: {l}", columns(l)))
        .collect()
}

#[test]
fn an_80_column_scan_has_no_line_wider_than_80() {
    let root: &std::path::Path = env!("CARGO_MANIFEST_DIR").as_ref();
    let flag = commaudit(&["scan", BEFORE, "--width", "80"]);
    let columns_env = commaudit_env(root, &["scan", BEFORE], &[("COLUMNS", "80")]);
    assert_eq!(flag.code, 1, "{}", flag.transcript());
    assert_eq!(
        flag.stdout, columns_env.stdout,
        "--width 80 and COLUMNS=80 agree"
    );
    assert!(flag.stdout.lines().count() > 500, "{}", flag.stdout);
    assert_eq!(wider_than(&flag.stdout, 80), Vec::<String>::new());
    // Still every finding, and the summary line's words, only wrapped.
    let unfitted = commaudit(&["scan", BEFORE]);
    assert!(
        wider_than(&unfitted.stdout, 80).len() > 10,
        "the check can fail"
    );
    let count = |text: &str| text.matches("\n  help: ").count();
    assert_eq!(count(&flag.stdout), count(&unfitted.stdout));
    let words = |text: &str| {
        let tail = &text[text.rfind("coverage:").unwrap()..];
        tail.split_whitespace().collect::<Vec<_>>().join(" ")
    };
    assert_eq!(words(&flag.stdout), words(&unfitted.stdout));
    // --width beats COLUMNS.
    let both = commaudit_env(
        root,
        &["scan", BEFORE, "--width", "80"],
        &[("COLUMNS", "200")],
    );
    assert_eq!(both.stdout, flag.stdout);
}

#[test]
fn narrow_terminals_and_tables_fit_too() {
    for (args, width) in [
        (
            vec!["scan", BEFORE, "--width", "50", "--color", "always"],
            50,
        ),
        (vec!["rules", "--width", "80"], 80),
        (vec!["recommend", BEFORE, "--width", "80"], 80),
        (
            vec!["what-if", BEFORE, "--down", "payments", "--width", "80"],
            80,
        ),
    ] {
        let run = commaudit(&args);
        assert!(
            run.stdout.lines().count() > 10,
            "{args:?}: {}",
            run.transcript()
        );
        // Colour sequences take no columns.
        let plain = strip_ansi(&run.stdout);
        assert_eq!(wider_than(&plain, width), Vec::<String>::new(), "{args:?}");
    }
}

/// On a narrow terminal `recommend` lists each edge as a block instead of squeezing five
/// columns until words break ("recommendatio" over "n"): every word it prints is a word of
/// the wide table, whole.
#[test]
fn a_narrow_recommend_keeps_its_words_whole() {
    let narrow = commaudit(&["recommend", BEFORE, "--width", "80"]).stdout;
    assert!(
        narrow.contains("checkout -> inventory: gRPC (unary)\n  now: rest POST /reservations\n"),
        "{narrow}"
    );
    let words = |text: &str| -> std::collections::BTreeSet<String> {
        text.split(|c: char| c.is_whitespace() || "│┆".contains(c))
            .map(|w| w.trim_end_matches([':', ',', ';']))
            .filter(|w| !w.is_empty())
            .map(str::to_owned)
            .collect()
    };
    // Prose may break after a hyphen or a slash, as printed text does: join those first.
    let mut joined = String::new();
    for line in narrow.lines() {
        if joined.ends_with(['-', '/']) {
            joined.push_str(line.trim_start());
        } else {
            joined.push('\n');
            joined.push_str(line);
        }
    }
    let narrow = joined;
    let wide = words(&commaudit(&["recommend", BEFORE, "--width", "400"]).stdout);
    let broken: Vec<String> = words(&narrow)
        .into_iter()
        .filter(|w| !wide.contains(w) && !["now", "why", "numbers"].contains(&w.as_str()))
        .collect();
    assert_eq!(broken, Vec::<String>::new());
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
