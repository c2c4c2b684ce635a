//! The reference part of the Markdown report: measures per entrypoint, the summary counts,
//! every edge's recommendation and every finding.

use std::fmt::Write;

use crate::recommend::Verdict;
use crate::report::migration::Report;
use crate::report::migration::measures::TOP;
use crate::report::migration::text::{hops, numbers};

use super::{more, table};

pub fn measures(out: &mut String, r: &Report) {
    let m = &r.measures;
    out.push_str("## Distributed-monolith measures\n\n");
    out.push_str("### Longest sync chains\n\n");
    if m.chains.is_empty() {
        out.push_str("No entrypoint calls anything synchronously.\n\n");
    } else {
        let rows: Vec<Vec<String>> = m
            .chains
            .iter()
            .take(TOP)
            .map(|c| {
                vec![
                    c.entrypoint.clone(),
                    hops(c.hops),
                    c.path.join(" -> "),
                    format!("{:.0} ms", c.processing_ms),
                ]
            })
            .collect();
        table(
            out,
            &["entrypoint", "depth", "chain", "processing summed"],
            &rows,
        );
        more(out, TOP, m.chains.len());
    }
    out.push_str("### Sync cycles\n\n");
    if m.cycles.is_empty() {
        out.push_str("None.\n\n");
    } else {
        for c in &m.cycles {
            let _ = writeln!(
                out,
                "- {} (members: {})",
                c.path.join(" -> "),
                c.members.join(", ")
            );
        }
        out.push('\n');
    }
    out.push_str("### Blast radius\n\n");
    if m.blast_radius.is_empty() {
        out.push_str("No internal service takes an entrypoint down with it.\n\n");
    } else {
        let rows: Vec<Vec<String>> = m
            .blast_radius
            .iter()
            .take(TOP)
            .map(|b| {
                vec![
                    b.service.clone(),
                    format!("{} of {}", b.entrypoints.len(), m.entrypoints),
                    b.entrypoints.join(", "),
                ]
            })
            .collect();
        table(
            out,
            &["when this fails", "entrypoints down", "which"],
            &rows,
        );
        more(out, TOP, m.blast_radius.len());
    }
    out.push_str("### Availability ceilings\n\n");
    let rows: Vec<Vec<String>> = m
        .availability
        .iter()
        .take(TOP)
        .map(|a| {
            vec![
                a.entrypoint.clone(),
                crate::recommend::plan::percent(a.ceiling),
                a.objective
                    .map_or_else(|| "none declared".into(), crate::recommend::plan::percent),
                a.hard_dependencies.to_string(),
                match a.meets() {
                    Some(true) => "yes".into(),
                    Some(false) => "**no**".into(),
                    None => "-".into(),
                },
            ]
        })
        .collect();
    table(
        out,
        &[
            "entrypoint",
            "ceiling",
            "objective",
            "hard dependencies",
            "meets it",
        ],
        &rows,
    );
    more(out, TOP, m.availability.len());
    out.push_str("### Retry amplification\n\n");
    if m.retries.is_empty() {
        out.push_str("No call retries.\n\n");
    } else {
        let rows: Vec<Vec<String>> = m
            .retries
            .iter()
            .take(TOP)
            .map(|x| {
                vec![
                    x.entrypoint.clone(),
                    crate::recommend::plan::times(x.attempts),
                    x.path.join(" -> "),
                ]
            })
            .collect();
        table(out, &["entrypoint", "calls at the end", "chain"], &rows);
        more(out, TOP, m.retries.len());
    }
}

pub fn summary(out: &mut String, r: &Report) {
    let s = &r.summary;
    let c = &s.graph;
    out.push_str("## Summary\n\n");
    let sizes = [
        ("services", c.services),
        ("gateways", c.gateways),
        ("clients", c.clients),
        ("brokers", c.brokers),
        ("channels", c.channels),
        ("datastores", c.datastores),
        ("edges", c.edges),
    ];
    let rows = vec![sizes.iter().map(|(_, n)| n.to_string()).collect()];
    table(out, &sizes.map(|(k, _)| k), &rows);
    let rows: Vec<Vec<String>> = s
        .protocols
        .iter()
        .map(|(p, n)| vec![p.clone(), n.sync.to_string(), n.r#async.to_string()])
        .collect();
    table(out, &["protocol", "sync edges", "async edges"], &rows);
    let _ = writeln!(
        out,
        "Findings: {} errors, {} warnings, {} notes.\n",
        s.findings.errors, s.findings.warnings, s.findings.notes
    );
    if !s.rules.is_empty() {
        let rows: Vec<Vec<String>> = s
            .rules
            .iter()
            .map(|x| {
                vec![
                    x.rule.to_owned(),
                    x.name.to_owned(),
                    x.severity.to_string(),
                    x.count.to_string(),
                ]
            })
            .collect();
        table(out, &["rule", "name", "severity", "findings"], &rows);
    }
}

pub fn recommendations(out: &mut String, r: &Report) {
    out.push_str("## Recommendations per edge\n\n");
    let (change, keep): (Vec<_>, Vec<_>) = r
        .recommendations
        .iter()
        .partition(|x| x.verdict != Verdict::Keep);
    if change.is_empty() {
        out.push_str("Every edge fits its purpose.\n\n");
    } else {
        let rows: Vec<Vec<String>> = change
            .iter()
            .map(|x| {
                vec![
                    format!("{} -> {}", x.from, x.to),
                    r.edge_now(x),
                    x.verdict.describe().to_owned(),
                    x.reasons.join("; "),
                    numbers(x),
                ]
            })
            .collect();
        table(out, &["edge", "now", "should be", "why", "numbers"], &rows);
    }
    if !keep.is_empty() {
        let _ = writeln!(
            out,
            "<details><summary>{} edges stay as they are</summary>\n",
            keep.len()
        );
        let rows: Vec<Vec<String>> = keep
            .iter()
            .map(|x| {
                vec![
                    format!("{} -> {}", x.from, x.to),
                    r.edge_now(x),
                    x.reasons.join("; "),
                ]
            })
            .collect();
        table(out, &["edge", "now", "why"], &rows);
        out.push_str("</details>\n\n");
    }
}

pub fn findings(out: &mut String, r: &Report) {
    out.push_str("## Findings\n\n");
    if r.audit.findings.is_empty() {
        out.push_str("None.\n");
        return;
    }
    let rows: Vec<Vec<String>> = r
        .audit
        .findings
        .iter()
        .map(|f| {
            vec![
                f.severity.to_string(),
                format!("{} {}", f.rule, crate::rules::catalog::name_of(f.rule)),
                r.place(f.span)
                    .map_or_else(String::new, |w| format!("`{w}`")),
                f.message.clone(),
            ]
        })
        .collect();
    table(out, &["severity", "rule", "where", "message"], &rows);
}
