//! The first screen (and printed page): title, the verdict, the headline measures as cards,
//! what is wrong, why it matters and what to do first, and the drawing of the graph.

use std::fmt::Write;

use crate::report::migration::Report;
use crate::report::svg;
use crate::report::xml::escape;

use super::text;

pub fn header(out: &mut String, r: &Report) {
    let _ = writeln!(
        out,
        "<header>\n<h1>Migration report: <span class=\"system\">{}</span></h1>\n<p class=\"byline\">{}</p>\n</header>",
        escape(&r.title),
        escape(&r.byline())
    );
    out.push_str(
        "<nav><a href=\"#glance\">At a glance</a><a href=\"#graph\">Graph</a><a href=\"#plan\">Plan</a><a href=\"#savings\">Savings</a><a href=\"#measures\">Measures</a><a href=\"#assumptions\">Assumptions</a><a href=\"#summary\">Summary</a><a href=\"#recommendations\">Recommendations</a><a href=\"#findings\">Findings</a></nav>\n",
    );
}

pub fn glance(out: &mut String, r: &Report) {
    let g = &r.glance;
    let headline = r.headline();
    let any_bad = headline.iter().any(|h| h.bad);
    out.push_str(
        "<section id=\"glance\">\n<div id=\"coverage\"><h3>What this report rests on</h3><ul>",
    );
    for line in &g.coverage {
        let _ = write!(out, "<li>{}</li>", text(line));
    }
    out.push_str("</ul></div>\n");
    let _ = writeln!(
        out,
        "<p class=\"verdict{}\">{}</p>",
        if any_bad { "" } else { " ok" },
        text(&g.verdict)
    );
    out.push_str("<div class=\"cards\">\n");
    for h in &headline {
        let _ = writeln!(
            out,
            "<div class=\"card{}\"><div class=\"label\">{}</div><div class=\"value\">{} <span class=\"unit\">{}</span></div><div class=\"after\">after the plan: {}</div><div class=\"limit\">limit: {}</div></div>",
            if h.bad { " bad" } else { "" },
            escape(h.measure),
            escape(&h.now),
            escape(h.unit),
            escape(&h.with_unit(&h.after)),
            escape(&h.limit)
        );
    }
    out.push_str("</div>\n<div class=\"three\">\n");
    let list = |out: &mut String, title: &str, items: &[String], tag: &str, id: &str| {
        let _ = write!(out, "<div id=\"{id}\"><h3>{}</h3>", escape(title));
        if items.is_empty() {
            out.push_str("<p class=\"note\">Nothing.</p>");
        } else {
            let _ = write!(out, "<{tag}>");
            for item in items {
                let _ = write!(out, "<li>{}</li>", text(item));
            }
            let _ = write!(out, "</{tag}>");
        }
        out.push_str("</div>\n");
    };
    list(out, "What is wrong", &g.wrong, "ul", "wrong");
    list(out, "Why it matters", &g.why, "ul", "why");
    list(out, "What to do first", &g.first, "ol", "first");
    out.push_str("</div>\n</section>\n");
}

pub fn graph(out: &mut String, r: &Report) {
    let p = &r.picture;
    out.push_str("<section id=\"graph\">\n<h2>The dependency graph</h2>\n<figure>\n<div class=\"drawing\">\n");
    out.push_str(&svg::render(p, &format!("Dependency graph of {}", r.title)));
    out.push_str("</div>\n<figcaption>");
    out.push_str(
        "Edges are coloured by protocol; sync edges are solid, async edges dashed. Hover an edge or a box for its details.",
    );
    if p.chain.len() > 1 {
        let _ = write!(
            out,
            " The longest sync chain is highlighted in amber: {}.",
            escape(&p.chain.join(" → "))
        );
    }
    if !p.cycles.is_empty() {
        let cycles: Vec<String> = p.cycles.iter().map(|c| c.join(", ")).collect();
        let _ = write!(
            out,
            " Sync cycles are highlighted in red: {}.",
            escape(&cycles.join("; "))
        );
    }
    if p.has_observed() {
        out.push_str(
            " Edges labelled <em>observed</em> were seen in the observed traffic and are declared nowhere (dotted).",
        );
    }
    if !p.left_out.is_empty() {
        let _ = write!(
            out,
            " <strong>Not drawn:</strong> {}.",
            escape(&p.left_out.join("; "))
        );
    }
    out.push_str("</figcaption>\n</figure>\n</section>\n");
}
