//! `commaudit rules` and `commaudit explain`: the catalogue, printed from the rules' own data.

use std::fmt::Write;

use comfy_table::{ContentArrangement, Table, presets};

use crate::diagnostics::catalog::{self, RuleMeta};

use super::Exit;

/// Every rule, one row each, fitted to `width` columns when given.
pub fn rules_table(width: Option<usize>) -> String {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED);
    if let Some(w) = width {
        table
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(w).unwrap_or(u16::MAX));
    }
    table.set_header(["ID", "name", "family", "severity", "enabled", "summary"]);
    for rule in catalog::all() {
        table.add_row([
            rule.id.as_str(),
            rule.name.as_str(),
            rule.family.as_str(),
            severity_name(rule),
            "yes",
            rule.summary.as_str(),
        ]);
    }
    format!("{table}\n")
}

/// Every rule as data, for tools and editors: what the table shows, the rule's options with
/// their defaults and bounds, and where its documentation is. Stable: fields are only added.
pub fn rules_json() -> String {
    let rules: Vec<serde_json::Value> = catalog::all()
        .iter()
        .map(|rule| {
            let options: Vec<serde_json::Value> = crate::rules::declared_options(&rule.id)
                .iter()
                .map(|f| {
                    let number = |v: f64| {
                        if f.whole {
                            serde_json::json!(v as i64)
                        } else {
                            serde_json::json!(v)
                        }
                    };
                    serde_json::json!({
                        "name": f.name,
                        "default": number(f.default),
                        "min": number(f.min),
                        "max": number(f.max),
                        "whole": f.whole,
                        "description": f.description,
                    })
                })
                .collect();
            serde_json::json!({
                "id": rule.id,
                "name": rule.name,
                "family": rule.family,
                "severity": severity_name(rule),
                "enabled": true,
                "needs_intent": rule.needs_intent,
                "summary": rule.summary,
                "options": options,
                "doc": {
                    "explain": format!("commaudit explain {}", rule.id),
                    "path": catalog::doc_path(rule),
                    "url": catalog::doc_url(rule),
                },
            })
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rules).unwrap_or_default();
    text.push('\n');
    crate::escape::json(text)
}

fn severity_name(rule: &RuleMeta) -> &'static str {
    crate::diagnostics::Severity::from(rule.severity).as_str()
}

pub fn explain(key: &str) -> Exit {
    let Some(rule) = catalog::find(key) else {
        let keys = catalog::all()
            .iter()
            .flat_map(|r| [r.id.as_str(), r.name.as_str()]);
        let hint = crate::suggest::did_you_mean(key, keys)
            .unwrap_or_else(|| "run `commaudit rules` to list them".into());
        eprintln!("error: no rule `{key}`\n  help: {hint}");
        return Exit::Usage;
    };
    print!("{}", render(rule));
    Exit::Clean
}

/// The whole documentation of one rule, as plain text.
pub fn render(rule: &RuleMeta) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} {}", rule.id, rule.name);
    let _ = writeln!(
        out,
        "family: {} · default severity: {}\n",
        rule.family,
        severity_name(rule)
    );
    let _ = writeln!(out, "{}\n", rule.summary);
    let _ = writeln!(out, "Message:");
    for template in &rule.message.0 {
        let _ = writeln!(out, "  {template}");
    }
    out.push('\n');
    let _ = writeln!(out, "Why it matters:\n{}", indent(&rule.why));
    let _ = writeln!(out, "How to fix it:\n{}", indent(&rule.fix));
    let declared = crate::rules::declared_options(&rule.id);
    if !declared.is_empty() {
        let _ = writeln!(out, "Options:");
        for field in declared {
            let _ = writeln!(
                out,
                "  {} (default {}; {}): {}",
                field.name,
                crate::options::plain(field.default),
                field.expected(),
                field.description
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Example that triggers it:\n{}",
        indent(&rule.example.bad)
    );
    let _ = write!(out, "Fixed:\n{}", indent(&rule.example.good));
    out
}

fn indent(text: &str) -> String {
    let mut out = String::new();
    for line in text.trim_end().lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push('\n');
    out
}
