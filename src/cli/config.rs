//! `commaudit config show`: the configuration a scan of the same paths would use, resolved
//! (files found, rules with their effective severities and thresholds, assumptions, ignores,
//! the baseline), as YAML that can be pasted into commaudit.yaml, or as JSON.

use std::fmt::Write;

use clap::{Subcommand, ValueEnum};
use serde_json::{Map, Value, json};

use crate::audit::Audit;
use crate::config::Ignore;
use crate::diagnostics::RuleId;
use crate::diagnostics::catalog;

use super::Exit;
use super::gate::{GateArgs, baseline_candidates};
use super::input::InputArgs;

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the resolved configuration for PATHs.
    Show(ShowArgs),
}

#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    gate: GateArgs,
    #[arg(long, value_enum, default_value = "yaml")]
    format: ShowFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ShowFormat {
    Yaml,
    Json,
}

pub fn run(command: &ConfigCommand) -> Exit {
    let ConfigCommand::Show(args) = command;
    let audit = match args.input.audit_with(&args.gate.overrides()) {
        Ok(audit) => audit,
        Err(exit) => return exit,
    };
    let paths = args.input.options().paths;
    let baseline = baseline_candidates(&audit, &paths)
        .into_iter()
        .find(|p| p.is_file())
        .map(|p| crate::source::display_name(&p));
    match args.format {
        ShowFormat::Yaml => print!("{}", yaml(&audit, baseline.as_deref())),
        ShowFormat::Json => {
            let text = crate::escape::json(
                serde_json::to_string_pretty(&json(&audit, baseline.as_deref()))
                    .unwrap_or_default(),
            );
            println!("{text}");
        }
    }
    Exit::Clean
}

fn files(audit: &Audit) -> Vec<String> {
    audit
        .config
        .sources
        .iter()
        .map(|&id| audit.sources.get(id).name.clone())
        .collect()
}

/// A rule's effective settings as `key: value` pairs, severity first.
fn settings(audit: &Audit, id: RuleId) -> Vec<(String, Value)> {
    let config = &audit.config;
    let severity = if config.enabled(id) {
        config.effective_severity(id).as_str()
    } else {
        "off"
    };
    let mut out = vec![("severity".to_owned(), json!(severity))];
    if let Some(options) = config.options.of(id) {
        for (i, field) in options.fields().iter().enumerate() {
            out.push((field.name.to_owned(), number(options.value(i))));
        }
    }
    out
}

/// `3` rather than `3.0` for whole numbers.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

fn ignore_json(ignore: &Ignore) -> Value {
    let mut map = Map::new();
    map.insert(
        "rule".into(),
        json!(
            ignore
                .rules
                .iter()
                .map(|r| r.text.clone())
                .collect::<Vec<_>>()
        ),
    );
    if let Some(s) = &ignore.service {
        map.insert("service".into(), json!(s));
    }
    if let Some((a, b)) = &ignore.edge {
        map.insert("edge".into(), json!(format!("{a} -> {b}")));
    }
    if let Some(op) = &ignore.operation {
        map.insert("operation".into(), json!(op));
    }
    map.insert("reason".into(), json!(ignore.reason));
    if let Some(until) = ignore.until {
        map.insert("until".into(), json!(until.to_string()));
    }
    Value::Object(map)
}

fn json(audit: &Audit, baseline: Option<&str>) -> Value {
    let rules: Map<String, Value> = catalog::all()
        .iter()
        .map(|r| {
            let mut entry: Map<String, Value> =
                settings(audit, RuleId(r.id.as_str())).into_iter().collect();
            entry.insert("name".into(), json!(r.name));
            (r.id.clone(), Value::Object(entry))
        })
        .collect();
    let recommend: Map<String, Value> = audit
        .config
        .assumptions
        .entries()
        .map(|(k, v, _)| (k.to_owned(), number(v)))
        .collect();
    json!({
        "file": audit.config.file.as_ref().map(|f| crate::source::display_name(f)),
        "read_from": files(audit),
        "baseline": baseline,
        "rules": rules,
        "recommend": recommend,
        "ignores": audit.config.ignores.iter().map(ignore_json).collect::<Vec<_>>(),
    })
}

fn yaml(audit: &Audit, baseline: Option<&str>) -> String {
    let mut out = String::new();
    let file = audit.config.file.as_ref().map_or_else(
        || "none (defaults)".to_owned(),
        |f| crate::source::display_name(f),
    );
    let _ = writeln!(out, "# configuration file: {file}");
    let read = files(audit);
    if !read.is_empty() {
        let _ = writeln!(out, "# settings read from: {}", read.join(", "));
    }
    let _ = writeln!(out, "# baseline: {}", baseline.unwrap_or("none"));
    out.push_str("rules:\n");
    for rule in catalog::all() {
        let pairs: Vec<String> = settings(audit, RuleId(rule.id.as_str()))
            .into_iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .map(|s| s.replace('"', ""))
            .collect();
        let _ = writeln!(
            out,
            "  {}: {{ {} }}  # {}",
            rule.id,
            pairs.join(", "),
            rule.name
        );
    }
    out.push_str("recommend:\n");
    for (key, value, _) in audit.config.assumptions.entries() {
        let _ = writeln!(out, "  {key}: {value}");
    }
    if audit.config.ignores.is_empty() {
        out.push_str("ignores: []\n");
    } else {
        out.push_str("ignores:\n");
        for ignore in &audit.config.ignores {
            let _ = writeln!(out, "  - {}", ignore_json(ignore));
        }
    }
    out
}
