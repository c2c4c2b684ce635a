//! `commaudit recommend`: one row per edge (a table), or the same as data (JSON), with the
//! assumptions behind every estimate.

use std::collections::BTreeMap;
use std::fmt::Write;

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::audit::Audit;
use crate::recommend::{Numbers, Recommendation, Verdict};

use super::json::LocationOut;

/// Width the table wraps to when no terminal width is known, so output is the same in a pipe
/// and a snapshot.
const WIDTH: u16 = 160;

/// Below this width five columns leave too little room for their words: each edge becomes a
/// block of labelled lines instead of a table row.
const NARROW: usize = 110;

/// The table, fitted to `width` columns when given; a list of blocks on a narrow terminal.
pub fn table(audit: &Audit, recs: &[Recommendation], width: Option<usize>) -> String {
    let mut out = match width {
        Some(w) if w < NARROW => blocks(audit, recs),
        _ => rows(audit, recs, width),
    };
    let mut counts: BTreeMap<Verdict, usize> = BTreeMap::new();
    for r in recs {
        *counts.entry(r.verdict).or_default() += 1;
    }
    let tally: Vec<String> = counts
        .iter()
        .map(|(v, n)| format!("{n} {}", v.describe()))
        .collect();
    let _ = writeln!(out, "{} edges: {}", recs.len(), tally.join(", "));
    let _ = writeln!(
        out,
        "\nAssumptions (set them under `recommend:` in commaudit.yaml):"
    );
    for (key, value, what) in audit.config.assumptions.entries() {
        let _ = writeln!(out, "  {key} = {value}: {what}");
    }
    let out = crate::escape::lines(&out);
    match width {
        Some(w) => super::fit::wrap_prose(&out, w),
        None => out,
    }
}

/// One row per edge, the columns fitted to `width`.
fn rows(audit: &Audit, recs: &[Recommendation], width: Option<usize>) -> String {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width.map_or(WIDTH, |w| u16::try_from(w).unwrap_or(u16::MAX)))
        .set_header(["edge", "now", "recommendation", "why", "numbers"]);
    for r in recs {
        table.add_row([
            format!("{} -> {}", r.from, r.to),
            now(audit, r),
            r.verdict.describe().to_owned(),
            r.reasons.join("; "),
            numbers_text(r.verdict, &r.numbers),
        ]);
    }
    format!("{table}\n")
}

/// One block per edge: the edge and its recommendation, then what it is now, why and the
/// numbers on lines of their own (wrapped afterwards with the rest of the prose).
fn blocks(audit: &Audit, recs: &[Recommendation]) -> String {
    let mut out = String::new();
    for r in recs {
        let _ = writeln!(out, "{} -> {}: {}", r.from, r.to, r.verdict.describe());
        let _ = writeln!(out, "  now: {}", now(audit, r));
        if !r.reasons.is_empty() {
            let _ = writeln!(out, "  why: {}", r.reasons.join("; "));
        }
        let numbers = numbers_text(r.verdict, &r.numbers);
        if !numbers.is_empty() {
            let _ = writeln!(out, "  numbers: {numbers}");
        }
        out.push('\n');
    }
    out
}

/// What the edge is now: its protocol and operation.
fn now(audit: &Audit, r: &Recommendation) -> String {
    match &audit.graph.edges[r.edge].operation {
        Some(op) => format!("{} {op}", r.current),
        None => r.current.clone(),
    }
}

/// `depth 5 -> 3, ceiling 99.10% -> 99.30%` for edges that should leave the synchronous path,
/// and the CPU estimate for REST that should become gRPC.
fn numbers_text(verdict: Verdict, n: &Numbers) -> String {
    let mut parts = Vec::new();
    if matches!(verdict, Verdict::Queue | Verdict::Log | Verdict::Redesign) {
        if let (Some(b), Some(a)) = (n.depth_before, n.depth_after) {
            parts.push(format!("depth {b} -> {a}"));
        }
        if let (Some(b), Some(a)) = (n.ceiling_before, n.ceiling_after) {
            parts.push(format!("ceiling {b:.2}% -> {a:.2}%"));
        }
    }
    if let Some(cpu) = &n.cpu {
        parts.push(format!("saves {}", cpu.describe()));
    }
    parts.join(", ")
}

#[derive(Serialize)]
pub struct RecommendationOut<'a> {
    from: &'a str,
    to: &'a str,
    kind: &'static str,
    current: &'a str,
    operation: Option<&'a str>,
    recommendation: &'static str,
    summary: &'static str,
    reasons: &'a [String],
    numbers: &'a Numbers,
    #[serde(flatten)]
    location: LocationOut,
}

pub fn items<'a>(audit: &'a Audit, recs: &'a [Recommendation]) -> Vec<RecommendationOut<'a>> {
    recs.iter()
        .map(|r| {
            let edge = &audit.graph.edges[r.edge];
            RecommendationOut {
                from: &r.from,
                to: &r.to,
                kind: edge.kind.as_str(),
                current: &r.current,
                operation: edge.operation.as_deref(),
                recommendation: r.verdict.as_str(),
                summary: r.verdict.describe(),
                reasons: &r.reasons,
                numbers: &r.numbers,
                location: LocationOut::of(Some(r.span), &audit.sources),
            }
        })
        .collect()
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    recommendations: Vec<RecommendationOut<'a>>,
    assumptions: BTreeMap<&'static str, f64>,
}

pub fn json(audit: &Audit, recs: &[Recommendation]) -> String {
    let doc = Document {
        schema_version: super::json::SCHEMA_VERSION,
        recommendations: items(audit, recs),
        assumptions: audit
            .config
            .assumptions
            .entries()
            .map(|(k, v, _)| (k, v))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    crate::escape::json(text)
}
