//! `scan --statistics`: how many findings each rule raised, most first (like `ruff
//! --statistics`), as aligned text or as JSON.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::diagnostics::{Severity, catalog};
use crate::gate::Gated;

#[derive(Debug, Serialize)]
struct Row {
    count: usize,
    rule: &'static str,
    name: String,
    severity: Severity,
}

/// Counts per rule and severity, most first, then by rule ID.
fn rows(gated: &Gated) -> Vec<Row> {
    let mut counts: BTreeMap<(&'static str, Severity), usize> = BTreeMap::new();
    for f in &gated.findings {
        *counts.entry((f.rule.0, f.severity)).or_default() += 1;
    }
    let mut rows: Vec<Row> = counts
        .into_iter()
        .map(|((rule, severity), count)| Row {
            count,
            rule,
            name: catalog::find(rule).map_or_else(String::new, |m| m.name.to_string()),
            severity,
        })
        .collect();
    rows.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then(b.severity.cmp(&a.severity))
            .then(a.rule.cmp(b.rule))
    });
    rows
}

/// The table, or JSON when `json`.
pub fn render(gated: &Gated, json: bool) -> String {
    let rows = rows(gated);
    if json {
        let mut text = serde_json::to_string_pretty(&rows).unwrap_or_default();
        text.push('\n');
        return crate::escape::json(text);
    }
    let width = rows
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let mut out = String::new();
    for r in &rows {
        let _ = writeln!(
            out,
            "{:>width$} {} [{}] {}",
            r.count, r.rule, r.severity, r.name
        );
    }
    let total: usize = rows.iter().map(|r| r.count).sum();
    let _ = writeln!(
        out,
        "{total} finding{} from {} rule{}",
        if total == 1 { "" } else { "s" },
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    );
    out
}
