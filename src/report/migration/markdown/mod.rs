//! `report --format markdown`: the migration report as GitHub-flavoured Markdown, the graph as a
//! Mermaid flowchart. Named apart from `scan --format markdown` (findings only).

mod details;
mod plan;

use std::fmt::Write;

use crate::report::picture::mermaid;

use super::Report;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Migration report: {}\n", r.title);
    let _ = writeln!(out, "{}\n", r.byline());
    glance(&mut out, r);
    graph(&mut out, r);
    plan::plan(&mut out, r);
    plan::savings(&mut out, r);
    details::measures(&mut out, r);
    details::summary(&mut out, r);
    details::recommendations(&mut out, r);
    details::findings(&mut out, r);
    out
}

/// A table cell: no pipes, line breaks or tags.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('\n', " ")
}

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>]) {
    let _ = writeln!(out, "| {} |", header.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(header.len()));
    for row in rows {
        let cells: Vec<String> = row.iter().map(|c| cell(c)).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
}

fn more(out: &mut String, shown: usize, total: usize) {
    if total > shown {
        let n = total - shown;
        let rows = if n == 1 { "row" } else { "rows" };
        let _ = writeln!(out, "…and {n} more {rows} (all in `--format json`).\n");
    }
}

fn glance(out: &mut String, r: &Report) {
    let g = &r.glance;
    let _ = writeln!(out, "## At a glance\n\n**{}**\n", g.verdict);
    if !g.wrong.is_empty() {
        out.push_str("**What is wrong**\n\n");
        for line in &g.wrong {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    if !g.why.is_empty() {
        out.push_str("**Why it matters**\n\n");
        for line in &g.why {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
    }
    if !g.first.is_empty() {
        out.push_str("**What to do first**\n\n");
        for (i, line) in g.first.iter().enumerate() {
            let _ = writeln!(out, "{}. {line}", i + 1);
        }
        out.push('\n');
    }
    let rows: Vec<Vec<String>> = r
        .headline()
        .into_iter()
        .map(|h| {
            let now = h.with_unit(&h.now);
            let now = if h.bad { format!("**{now}**") } else { now };
            vec![h.measure.to_owned(), now, h.with_unit(&h.after), h.limit]
        })
        .collect();
    table(out, &["measure", "now", "after the plan", "limit"], &rows);
}

fn graph(out: &mut String, r: &Report) {
    let p = &r.picture;
    out.push_str("## The dependency graph\n\n");
    let _ = writeln!(out, "```mermaid\n{}```\n", mermaid::render(p));
    out.push_str(
        "Edges are coloured by protocol (gRPC blue, HTTP orange, messaging green, datastores grey); async edges are dotted. ",
    );
    if p.chain.len() > 1 {
        let _ = write!(
            out,
            "The longest sync chain is thick and amber: {}. ",
            p.chain.join(" -> ")
        );
    }
    if !p.cycles.is_empty() {
        out.push_str("Sync cycles are red. ");
    }
    out.push('\n');
    if !p.left_out.is_empty() {
        let _ = writeln!(out, "\nNot drawn: {}.", p.left_out.join("; "));
    }
    out.push('\n');
}
