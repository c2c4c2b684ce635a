//! The reference part of the page: every measure per entrypoint, the summary counts, the
//! recommendation for every edge and every finding with the line it points at.

use std::fmt::Write;

use crate::recommend::Verdict;
use crate::recommend::plan::{percent, times};
use crate::report::migration::Report;
use crate::report::migration::measures::TOP;
use crate::report::migration::text::{hops, numbers};
use crate::report::xml::escape;

use super::{more, table, text};

fn path(services: &[String]) -> String {
    escape(&services.join(" → "))
}

pub fn measures(out: &mut String, r: &Report) {
    let m = &r.measures;
    out.push_str("<section id=\"measures\">\n<h2>Distributed-monolith measures</h2>\n<h3>Longest sync chains</h3>\n");
    if m.chains.is_empty() {
        out.push_str("<p>No entrypoint calls anything synchronously.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = m
            .chains
            .iter()
            .take(TOP)
            .map(|c| {
                let depth = escape(&hops(c.hops));
                vec![
                    escape(&c.entrypoint),
                    if c.hops as f64 > m.limits.max_depth {
                        format!("<span class=\"bad\">{depth}</span>")
                    } else {
                        depth
                    },
                    path(&c.path),
                    format!("{:.0} ms", c.processing_ms),
                ]
            })
            .collect();
        table(
            out,
            "chains",
            &["entrypoint", "depth#", "chain", "processing summed#"],
            &rows,
        );
        more(out, TOP, m.chains.len());
    }
    out.push_str("<h3>Sync cycles</h3>\n");
    if m.cycles.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<ul>");
        for c in &m.cycles {
            let _ = write!(out, "<li><span class=\"bad\">{}</span></li>", path(&c.path));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<h3>Blast radius</h3>\n");
    if m.blast_radius.is_empty() {
        out.push_str("<p>No internal service takes an entrypoint down with it.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = m
            .blast_radius
            .iter()
            .take(TOP)
            .map(|b| {
                vec![
                    escape(&b.service),
                    format!("{} of {}", b.entrypoints.len(), m.entrypoints),
                    escape(&b.entrypoints.join(", ")),
                ]
            })
            .collect();
        table(
            out,
            "blast",
            &["when this fails", "entrypoints down#", "which"],
            &rows,
        );
        more(out, TOP, m.blast_radius.len());
    }
    out.push_str("<h3>Availability ceilings</h3>\n");
    let rows: Vec<Vec<String>> = m
        .availability
        .iter()
        .take(TOP)
        .map(|a| {
            vec![
                escape(&a.entrypoint),
                percent(a.ceiling),
                a.objective.map_or_else(|| "none declared".into(), percent),
                a.hard_dependencies.to_string(),
                match a.meets() {
                    Some(true) => "<span class=\"good\">yes</span>".into(),
                    Some(false) => "<span class=\"bad\">no</span>".into(),
                    None => "-".into(),
                },
            ]
        })
        .collect();
    table(
        out,
        "ceilings",
        &[
            "entrypoint",
            "ceiling#",
            "objective#",
            "hard dependencies#",
            "meets it",
        ],
        &rows,
    );
    more(out, TOP, m.availability.len());
    out.push_str("<h3>Retry amplification</h3>\n");
    if m.retries.is_empty() {
        out.push_str("<p>No call retries.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = m
            .retries
            .iter()
            .take(TOP)
            .map(|x| vec![escape(&x.entrypoint), times(x.attempts), path(&x.path)])
            .collect();
        table(
            out,
            "retries",
            &["entrypoint", "calls at the end#", "chain"],
            &rows,
        );
        more(out, TOP, m.retries.len());
    }
    out.push_str("</section>\n");
}

pub fn summary(out: &mut String, r: &Report) {
    let s = &r.summary;
    let c = &s.graph;
    out.push_str("<section id=\"summary\">\n<h2>Summary</h2>\n");
    let sizes = [
        ("services#", c.services),
        ("gateways#", c.gateways),
        ("clients#", c.clients),
        ("brokers#", c.brokers),
        ("channels#", c.channels),
        ("datastores#", c.datastores),
        ("edges#", c.edges),
    ];
    let rows = vec![sizes.iter().map(|(_, n)| n.to_string()).collect()];
    table(out, "sizes", &sizes.map(|(k, _)| k), &rows);
    let rows: Vec<Vec<String>> = s
        .protocols
        .iter()
        .map(|(p, n)| vec![escape(p), n.sync.to_string(), n.r#async.to_string()])
        .collect();
    table(
        out,
        "protocols",
        &["protocol", "sync edges#", "async edges#"],
        &rows,
    );
    let _ = writeln!(
        out,
        "<p>Findings: <span class=\"badge sev-error\">{} errors</span> <span class=\"badge sev-warning\">{} warnings</span> <span class=\"badge sev-note\">{} notes</span></p>",
        s.findings.errors, s.findings.warnings, s.findings.notes
    );
    if !s.rules.is_empty() {
        let rows: Vec<Vec<String>> = s
            .rules
            .iter()
            .map(|x| {
                vec![
                    escape(x.rule),
                    escape(x.name),
                    severity(x.severity.as_str()),
                    x.count.to_string(),
                ]
            })
            .collect();
        table(
            out,
            "rules",
            &["rule", "name", "severity", "findings#"],
            &rows,
        );
    }
    out.push_str("</section>\n");
}

pub fn recommendations(out: &mut String, r: &Report) {
    out.push_str("<section id=\"recommendations\">\n<h2>Recommendations per edge</h2>\n");
    let (change, keep): (Vec<_>, Vec<_>) = r
        .recommendations
        .iter()
        .partition(|x| x.verdict != Verdict::Keep);
    if change.is_empty() {
        out.push_str("<p>Every edge fits its purpose.</p>\n");
    } else {
        let rows: Vec<Vec<String>> = change
            .iter()
            .map(|x| {
                vec![
                    escape(&format!("{} → {}", x.from, x.to)),
                    format!("<code>{}</code>", escape(&r.edge_now(x))),
                    format!("<strong>{}</strong>", escape(x.verdict.describe())),
                    text(&x.reasons.join("; ")),
                    escape(&numbers(x)),
                ]
            })
            .collect();
        table(
            out,
            "changes",
            &["edge", "now", "should be", "why", "numbers"],
            &rows,
        );
    }
    if !keep.is_empty() {
        let _ = writeln!(out, "<h3>{} edges stay as they are</h3>", keep.len());
        let rows: Vec<Vec<String>> = keep
            .iter()
            .map(|x| {
                vec![
                    escape(&format!("{} → {}", x.from, x.to)),
                    format!("<code>{}</code>", escape(&r.edge_now(x))),
                    text(&x.reasons.join("; ")),
                ]
            })
            .collect();
        table(out, "keeps", &["edge", "now", "why"], &rows);
    }
    out.push_str("</section>\n");
}

pub fn findings(out: &mut String, r: &Report) {
    out.push_str("<section id=\"findings\">\n<h2>Findings</h2>\n");
    if r.audit.findings.is_empty() {
        out.push_str("<p>None.</p>\n</section>\n");
        return;
    }
    let rows: Vec<Vec<String>> = r
        .audit
        .findings
        .iter()
        .map(|f| {
            let mut message = text(&f.message);
            if let Some(help) = &f.help {
                let _ = write!(message, "<br/><span class=\"note\">{}</span>", text(help));
            }
            vec![
                severity(f.severity.as_str()),
                format!(
                    "{} {}",
                    escape(f.rule.0),
                    escape(crate::rules::catalog::name_of(f.rule))
                ),
                r.place(f.span).map_or_else(String::new, |w| {
                    format!("<span class=\"where\">{}</span>", escape(&w))
                }),
                message,
            ]
        })
        .collect();
    table(
        out,
        "findings",
        &["severity", "rule", "where", "message and fix"],
        &rows,
    );
    out.push_str("</section>\n");
}

fn severity(s: &str) -> String {
    format!("<span class=\"badge sev-{0}\">{0}</span>", escape(s))
}
