//! The report's sections in Markdown: headings, paragraphs, pipe tables with one line per row,
//! and `<details>` for a table a reader rarely needs.

use std::fmt::Write;

use crate::report::migration::sections::{Block, Section};
use crate::report::migration::table::{Cell, Show, Table};

pub fn section(out: &mut String, s: &Section) {
    let _ = writeln!(out, "## {}\n", s.title);
    for b in &s.blocks {
        block(out, b);
    }
}

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Heading(words) => {
            let _ = writeln!(out, "### {words}\n");
        }
        Block::Nothing(words) | Block::Note(words) => {
            let _ = writeln!(out, "{words}\n");
        }
        Block::Table(t) => table(out, t),
        Block::Folded(summary, t) => {
            let _ = writeln!(out, "<details><summary>{summary}</summary>\n");
            table(out, t);
            out.push_str("</details>\n\n");
        }
        Block::Why(why) => {
            let _ = writeln!(out, "_Why: {why}._\n");
        }
        Block::Efforts(efforts) => {
            let efforts: Vec<String> = efforts
                .iter()
                .map(|e| format!("{}: {}", e.as_str(), e.meaning()))
                .collect();
            let _ = writeln!(
                out,
                "Steps in order; each is measured on the system the steps before it leave. Effort is rough: {}.\n",
                efforts.join("; ")
            );
        }
        Block::Cycles(cycles) => {
            for c in cycles {
                let _ = writeln!(
                    out,
                    "- {} (members: {})",
                    c.path.join(" -> "),
                    c.members.join(", ")
                );
            }
            out.push('\n');
        }
        Block::CpuSaved { calls, cores } => {
            let _ = writeln!(
                out,
                "Moving {calls} internal REST calls to gRPC saves about **{cores}** of serialization and parsing, at the declared rates:\n"
            );
        }
        Block::PollingSaved {
            requests_per_second,
            polls,
        } => {
            let polls: Vec<String> = polls.iter().map(inline).collect();
            let _ = writeln!(
                out,
                "Streams instead of polling remove about **{requests_per_second:.0} requests per second** ({}).\n",
                polls.join("; ")
            );
        }
        Block::Tally(t) => {
            let _ = writeln!(
                out,
                "Findings: {} errors, {} warnings, {} notes.\n",
                t.errors, t.warnings, t.notes
            );
        }
    }
}

/// A pipe table, then how many rows it left out. Columns only HTML has room for are left out.
pub fn table(out: &mut String, t: &Table) {
    let shown: Vec<usize> = (0..t.columns.len())
        .filter(|&i| !matches!(t.columns[i].show, Show::OnlyInHtml(_)))
        .collect();
    let headers: Vec<&str> = shown.iter().map(|&i| t.columns[i].header).collect();
    let _ = writeln!(out, "| {} |", headers.join(" | "));
    let _ = writeln!(out, "|{}", " --- |".repeat(shown.len()));
    for row in &t.rows {
        let cells: Vec<String> = shown.iter().map(|&i| escape(&inline(&row[i]))).collect();
        let _ = writeln!(out, "| {} |", cells.join(" | "));
    }
    out.push('\n');
    if let Some(more) = t.more() {
        let _ = writeln!(out, "{more}\n");
    }
}

/// A table cell: no pipes, line breaks, tags or other unsafe characters.
fn escape(text: &str) -> String {
    let text = text
        .replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('\n', " ");
    crate::escape::line(&text).into_owned()
}

fn inline(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(s)
        | Cell::Prose(s)
        | Cell::Call(s)
        | Cell::Strong(s)
        | Cell::Good(s)
        | Cell::Over(s)
        | Cell::Note(s) => s.clone(),
        Cell::Path(names) => names.join(" -> "),
        Cell::Code(s) | Cell::Place(s) => format!("`{s}`"),
        Cell::Severity(s) => s.as_str().to_owned(),
        Cell::Bad(s) => format!("**{s}**"),
        Cell::Effort(effort, why) => format!("{}: {why}", effort.as_str()),
        Cell::Lines(cells) => cells.iter().map(inline).collect::<Vec<_>>().join("; "),
        Cell::Spans(cells) => cells.iter().map(inline).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::migration::table::Column;

    #[test]
    fn cells_stay_on_one_line_and_html_only_columns_are_left_out() {
        const COLUMNS: &[Column] = &[
            Column::text("edge"),
            Column::text("why"),
            Column::text("fix").shown(Show::OnlyInHtml(1)),
        ];
        let rows = vec![vec![
            Cell::edge("a", "b"),
            Cell::Prose("`a|b`\n<c>".into()),
            Cell::Note("not here".into()),
        ]];
        let mut out = String::new();
        table(&mut out, &Table::new("t", COLUMNS, rows));
        assert_eq!(
            out,
            "| edge | why |\n| --- | --- |\n| a -> b | `a\\|b` &lt;c> |\n\n"
        );
    }
}
