//! `--format markdown`: the findings as a Markdown report, for pull-request comments and the
//! GitHub job summary. Text from the inputs is escaped so it cannot break the table or inject
//! HTML.

use std::fmt::Write;

use crate::gate::Gated;

use super::Style;
use crate::diagnostics::Tally;
use crate::diagnostics::catalog;

/// Rows past this are counted, not listed: job summaries and comments have size limits.
const MAX_ROWS: usize = 500;

pub fn render(gated: &Gated, _: &Style) -> String {
    let mut out = String::from("## commaudit\n\n");
    let tally = Tally::of(&gated.findings);
    let counts = [
        (tally.errors, "error", "errors"),
        (tally.warnings, "warning", "warnings"),
        (tally.notes, "note", "notes"),
    ]
    .iter()
    .filter(|(n, _, _)| *n > 0)
    .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
    .collect::<Vec<_>>();
    let headline = if counts.is_empty() {
        "no findings".to_owned()
    } else {
        counts.join(", ")
    };
    let _ = writeln!(out, "**{headline}**\n");
    let _ = writeln!(out, "{}\n", escape(&super::summary::line(gated)));
    if let Some(diff) = &gated.diff {
        let _ = writeln!(
            out,
            "### Measures since `{}`\n\n| measure | before | after | change |\n| --- | --- | --- | --- |",
            escape(&diff.base)
        );
        for m in &diff.measures {
            let show = |v: Option<f64>| {
                v.map_or_else(|| "-".to_owned(), |v| format!("{v}{}", unit(m.unit)))
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                m.name,
                show(m.before),
                show(m.after),
                if m.change == "worse" {
                    "**worse**"
                } else {
                    m.change
                }
            );
        }
        out.push('\n');
    }
    if gated.findings.is_empty() {
        return out;
    }
    out.push_str(
        "### Findings\n\n| severity | rule | location | finding |\n| --- | --- | --- | --- |\n",
    );
    for f in gated.findings.iter().take(MAX_ROWS) {
        let place = f.span.map_or_else(String::new, |s| {
            let loc = gated.audit.sources.locate(s);
            format!("`{}:{}`", escape(&gated.path(s.source)), loc.line)
        });
        let mut text = escape(&f.message);
        if let Some(help) = &f.help {
            let _ = write!(text, "<br>*help: {}*", escape(help));
        }
        let _ = writeln!(
            out,
            "| {} | {} {} | {place} | {text} |",
            f.severity,
            f.rule,
            catalog::name_of(f.rule)
        );
    }
    if gated.findings.len() > MAX_ROWS {
        let _ = writeln!(
            out,
            "\n{} more findings are not listed; run `commaudit scan` to see them all.",
            gated.findings.len() - MAX_ROWS
        );
    }
    out
}

fn unit(unit: &str) -> String {
    match unit {
        "" => String::new(),
        "%" => "%".into(),
        other => format!(" {other}"),
    }
}

/// Escapes text for a Markdown table cell: markup, pipes, and line breaks (as `<br>`); other
/// unsafe characters are written visibly.
pub fn escape(text: &str) -> String {
    let text = text
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace('\n', "<br>");
    crate::escape::line(&text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(escape("a | b\n<script>"), "a \\| b<br>&lt;script&gt;");
    }
}
