//! The report's sections in HTML: escaped text, tables with figures aligned right and with
//! room for a second line in a cell, badges for severities and efforts.

use std::fmt::Write;

use crate::report::migration::sections::{Block, Section};
use crate::report::migration::table::{Cell, Show, Table};
use crate::report::xml::escape;

use super::text;

pub fn section(out: &mut String, s: &Section) {
    let _ = writeln!(
        out,
        "<section id=\"{}\">\n<h2>{}</h2>",
        s.id,
        escape(s.title)
    );
    for b in &s.blocks {
        block(out, b);
    }
    out.push_str("</section>\n");
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Heading(words) => {
            let _ = writeln!(out, "<h3>{}</h3>", escape(words));
        }
        Block::Nothing(words) => {
            let _ = writeln!(out, "<p>{}</p>", escape(words));
        }
        Block::Note(prose) => note(out, prose),
        Block::Table(t) => table(out, t),
        Block::Folded(summary, t) => {
            let _ = writeln!(out, "<h3>{}</h3>", escape(summary));
            table(out, t);
        }
        Block::Why(why) => {
            let _ = writeln!(out, "<p class=\"phase-why\">Why: {}.</p>", escape(why));
        }
        Block::Efforts(efforts) => {
            let efforts: Vec<String> = efforts
                .iter()
                .map(|e| {
                    format!(
                        "<span class=\"badge effort-{0}\">{0}</span> {1}",
                        e.as_str(),
                        escape(e.meaning())
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "<p class=\"note\">Steps in order; each is measured on the system the steps before it leave. Effort is rough: {}.</p>",
                efforts.join("; ")
            );
        }
        Block::Cycles(cycles) => {
            out.push_str("<ul>");
            for c in cycles {
                let path = inline(&Cell::Path(c.path.clone()));
                let _ = write!(out, "<li><span class=\"bad\">{path}</span></li>");
            }
            out.push_str("</ul>\n");
        }
        Block::CpuSaved { calls, cores } => {
            let _ = writeln!(
                out,
                "<p>Moving {calls} internal REST calls to gRPC saves about <strong>{}</strong> of serialization and parsing, at the declared rates.</p>",
                escape(cores)
            );
        }
        Block::PollingSaved {
            requests_per_second,
            polls,
        } => {
            let polls: Vec<String> = polls.iter().map(inline).collect();
            let _ = writeln!(
                out,
                "<p>Streams instead of polling remove about <strong>{requests_per_second:.0} requests per second</strong> ({}).</p>",
                polls.join("; ")
            );
        }
        Block::Tally(t) => {
            let _ = writeln!(
                out,
                "<p>Findings: <span class=\"badge sev-error\">{} errors</span> <span class=\"badge sev-warning\">{} warnings</span> <span class=\"badge sev-note\">{} notes</span></p>",
                t.errors, t.warnings, t.notes
            );
        }
    }
}

fn note(out: &mut String, prose: &str) {
    let _ = writeln!(out, "<p class=\"note\">{}</p>", text(prose));
}

/// A table, then how many rows it left out. A column shown under another puts its cells on a
/// line of their own in that column's cells.
fn table(out: &mut String, t: &Table) {
    // Where each column of the table stands among the page's columns.
    let mut at = vec![0; t.columns.len()];
    let mut heads: Vec<(String, bool)> = Vec::new();
    for (i, c) in t.columns.iter().enumerate() {
        if c.show == Show::Column {
            at[i] = heads.len();
            heads.push((escape(c.header), c.numeric));
        }
    }
    for c in t.columns {
        if let Show::OnlyInHtml(n) = c.show {
            let _ = write!(heads[at[n]].0, " and {}", escape(c.header));
        }
    }
    let _ = write!(out, "<table class=\"{}\">\n<thead><tr>", t.id);
    for (head, numeric) in &heads {
        let _ = write!(out, "<th{}>{head}</th>", num(*numeric));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        let mut cells = vec![String::new(); heads.len()];
        for (i, c) in t.columns.iter().enumerate() {
            match c.show {
                Show::Column => cells[at[i]] = inline(&row[i]),
                Show::UnderInHtml(n) | Show::OnlyInHtml(n) => {
                    if !matches!(row[i], Cell::Empty) {
                        let _ = write!(cells[at[n]], "<br/>{}", inline(&row[i]));
                    }
                }
            }
        }
        out.push_str("<tr>");
        for (cell, (_, numeric)) in cells.iter().zip(&heads) {
            let _ = write!(out, "<td{}>{cell}</td>", num(*numeric));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if let Some(more) = t.more() {
        note(out, &more);
    }
}

fn num(numeric: bool) -> &'static str {
    if numeric { " class=\"num\"" } else { "" }
}

fn inline(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s) => escape(s),
        Cell::Prose(s) => text(s),
        Cell::Path(names) => escape(&names.join(" → ")),
        Cell::Code(s) | Cell::Call(s) => format!("<code>{}</code>", escape(s)),
        Cell::Place(s) => format!("<span class=\"where\">{}</span>", escape(s)),
        Cell::Severity(s) => format!("<span class=\"badge sev-{0}\">{0}</span>", s.as_str()),
        Cell::Strong(s) => format!("<strong>{}</strong>", escape(s)),
        Cell::Good(s) => format!("<span class=\"good\">{}</span>", escape(s)),
        Cell::Bad(s) | Cell::Over(s) => format!("<span class=\"bad\">{}</span>", escape(s)),
        Cell::Effort(effort, why) => format!(
            "<span class=\"badge effort-{0}\">{0}</span><br/>{1}",
            effort.as_str(),
            text(why)
        ),
        Cell::Note(s) => format!("<span class=\"note\">{}</span>", text(s)),
        Cell::Lines(cells) => cells.iter().map(inline).collect::<Vec<_>>().join("<br/>"),
        Cell::Spans(cells) => cells.iter().map(inline).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::migration::table::Column;

    #[test]
    fn columns_shown_under_another_share_its_cell() {
        const COLUMNS: &[Column] = &[
            Column::text("what"),
            Column::figure("n"),
            Column::text("where").shown(Show::UnderInHtml(0)),
            Column::text("fix").shown(Show::OnlyInHtml(0)),
        ];
        let rows = vec![
            vec![
                Cell::Prose("move `a` -> b".into()),
                Cell::text("1"),
                Cell::Place("x.yaml:2".into()),
                Cell::Note("do <it>".into()),
            ],
            vec![Cell::text("c"), Cell::text("2"), Cell::Empty, Cell::Empty],
        ];
        let mut out = String::new();
        table(&mut out, &Table::new("t", COLUMNS, rows));
        assert_eq!(
            out,
            "<table class=\"t\">\n<thead><tr><th>what and fix</th><th class=\"num\">n</th></tr></thead>\n<tbody>\n\
             <tr><td>move <code>a</code> → b<br/><span class=\"where\">x.yaml:2</span><br/><span class=\"note\">do &lt;it&gt;</span></td><td class=\"num\">1</td></tr>\n\
             <tr><td>c</td><td class=\"num\">2</td></tr>\n</tbody>\n</table>\n"
        );
    }
}
