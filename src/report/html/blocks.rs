//! The report's sections in HTML: escaped text, tables with figures aligned right and with
//! room for a second line in a cell, badges for severities and efforts.

use std::fmt::Write;

use crate::report::migration::sections::{Block, Section};
use crate::report::migration::table::{Cell, Show, Table};
use crate::report::xml::{escape, escape_into};

use super::{text, text_into};

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
    // The page's columns: each shown column, and the columns whose cells go under it.
    let mut at = vec![0; t.columns.len()];
    let mut heads: Vec<(String, bool, Vec<usize>)> = Vec::new();
    for (i, c) in t.columns.iter().enumerate() {
        if c.show == Show::Column {
            at[i] = heads.len();
            heads.push((escape(c.header), c.numeric, vec![i]));
        }
    }
    for (i, c) in t.columns.iter().enumerate() {
        match c.show {
            Show::Column => {}
            Show::OnlyInHtml(n) => {
                let _ = write!(heads[at[n]].0, " and {}", escape(c.header));
                heads[at[n]].2.push(i);
            }
            Show::UnderInHtml(n) => heads[at[n]].2.push(i),
        }
    }
    let _ = write!(out, "<table class=\"{}\">\n<thead><tr>", t.id);
    for (head, numeric, _) in &heads {
        let _ = write!(out, "<th{}>{head}</th>", num(*numeric));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &t.rows {
        out.push_str("<tr>");
        for (_, numeric, shown) in &heads {
            out.push_str("<td");
            out.push_str(num(*numeric));
            out.push('>');
            let (&main, under) = shown.split_first().unwrap_or((&0, &[]));
            inline_into(out, &row[main]);
            for &i in under {
                if !matches!(row[i], Cell::Empty) {
                    out.push_str("<br/>");
                    inline_into(out, &row[i]);
                }
            }
            out.push_str("</td>");
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
    let mut out = String::new();
    inline_into(&mut out, cell);
    out
}

/// One cell's markup, appended to `out`.
fn inline_into(out: &mut String, cell: &Cell) {
    let mut wrapped = |open: &str, s: &str, close: &str| {
        out.push_str(open);
        escape_into(out, s);
        out.push_str(close);
    };
    match cell {
        Cell::Empty => {}
        Cell::Text(s) => escape_into(out, s),
        Cell::Prose(s) => text_into(out, s),
        Cell::Path(names) => {
            for (i, name) in names.iter().enumerate() {
                if i > 0 {
                    out.push_str(" → ");
                }
                escape_into(out, name);
            }
        }
        Cell::Code(s) | Cell::Call(s) => wrapped("<code>", s, "</code>"),
        Cell::Place(s) => wrapped("<span class=\"where\">", s, "</span>"),
        Cell::Severity(s) => {
            let _ = write!(out, "<span class=\"badge sev-{0}\">{0}</span>", s.as_str());
        }
        Cell::Strong(s) => wrapped("<strong>", s, "</strong>"),
        Cell::Good(s) => wrapped("<span class=\"good\">", s, "</span>"),
        Cell::Bad(s) | Cell::Over(s) => wrapped("<span class=\"bad\">", s, "</span>"),
        Cell::Effort(effort, why) => {
            let _ = write!(
                out,
                "<span class=\"badge effort-{0}\">{0}</span><br/>",
                effort.as_str()
            );
            text_into(out, why);
        }
        Cell::Note(s) => {
            out.push_str("<span class=\"note\">");
            text_into(out, s);
            out.push_str("</span>");
        }
        Cell::Lines(cells) => {
            for (i, c) in cells.iter().enumerate() {
                if i > 0 {
                    out.push_str("<br/>");
                }
                inline_into(out, c);
            }
        }
        Cell::Spans(cells) => {
            for c in cells {
                inline_into(out, c);
            }
        }
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
