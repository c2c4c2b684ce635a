//! `report --format markdown`: the migration report as GitHub-flavoured Markdown, the graph as a
//! Mermaid flowchart. Named apart from `scan --format markdown` (findings only).

mod blocks;

use std::fmt::Write;

use crate::report::picture::mermaid;

use super::Report;
use super::sections::Block;

pub fn render(r: &Report) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# Migration report: {}\n", r.title);
    let _ = writeln!(out, "{}\n", r.byline());
    glance(&mut out, r);
    graph(&mut out, r);
    let sections = r.sections();
    for section in &sections {
        blocks::section(&mut out, section);
    }
    // A report that ends on a sentence has no blank line after it.
    if let Some(Block::Nothing(_)) = sections.last().and_then(|s| s.blocks.last()) {
        out.pop();
    }
    out
}

fn glance(out: &mut String, r: &Report) {
    let g = &r.glance;
    out.push_str("## At a glance\n\n**What this report rests on**\n\n");
    for line in &g.coverage {
        let _ = writeln!(out, "- {line}");
    }
    let _ = writeln!(out, "\n**{}**\n", g.verdict);
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
    blocks::table(out, &r.headline_table());
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
    if p.has_observed() {
        out.push_str(
            "Edges labelled `observed` were seen in the observed traffic and are declared nowhere (dotted). ",
        );
    }
    out.push('\n');
    if !p.left_out.is_empty() {
        let _ = writeln!(out, "\nNot drawn: {}.", p.left_out.join("; "));
    }
    out.push('\n');
}
