//! `--format github`: GitHub Actions workflow commands, one annotation per finding, shown on
//! the pull request's diff. Escaped as the Actions toolkit does: `%`, CR and LF in messages,
//! and also `:` and `,` in properties; every other unsafe character is written visibly, so no
//! text from the inputs can start a line, and so a workflow command, of its own.

use std::fmt::Write;

use crate::gate::Gated;

use super::Style;
use crate::diagnostics::Severity;
use crate::diagnostics::catalog;

/// Annotations GitHub shows per level and step; the rest are dropped without a word.
const SHOWN_PER_LEVEL: usize = 10;

pub fn render(gated: &Gated, _: &Style) -> String {
    let mut out = String::new();
    // The most severe first, so the annotations GitHub shows are the ones that matter most.
    let mut ordered: Vec<&crate::diagnostics::Finding> = gated.findings.iter().collect();
    ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in ordered {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut props = Vec::new();
        if let Some(span) = f.span {
            let loc = super::ci_location(&gated.audit.sources, span);
            props.push(("file", gated.path(span.source)));
            props.push(("line", loc.line.to_string()));
            // Columns only mean something to GitHub on a single line.
            if loc.end_line == loc.line {
                props.push(("col", loc.column.to_string()));
                props.push(("endLine", loc.end_line.to_string()));
                props.push(("endColumn", loc.end_column.to_string()));
            } else {
                props.push(("endLine", loc.end_line.to_string()));
            }
        }
        props.push(("title", format!("{} {}", f.rule, catalog::name_of(f.rule))));
        let props = props
            .iter()
            .map(|(k, v)| format!("{k}={}", escape_property(v)))
            .collect::<Vec<_>>()
            .join(",");
        let message = match &f.help {
            Some(help) => format!("{}\nhelp: {help}", f.message),
            None => f.message.clone(),
        };
        let _ = writeln!(out, "::{command} {props}::{}", escape_data(&message));
    }
    if let Some(diff) = &gated.diff {
        for m in diff.measures.iter().filter(|m| m.change == "worse") {
            let _ = writeln!(
                out,
                "::warning title={}::{}",
                escape_property("commaudit: a measure got worse"),
                escape_data(&m.line())
            );
        }
    }
    let tally = crate::diagnostics::Tally::of(&gated.findings);
    for (count, level) in [
        (tally.errors, "errors"),
        (tally.warnings, "warnings"),
        (tally.notes, "notes"),
    ] {
        if count > SHOWN_PER_LEVEL {
            let _ = writeln!(
                out,
                "::notice title={}::{}",
                escape_property("commaudit: more annotations than GitHub shows"),
                escape_data(&format!(
                    "{count} {level}: GitHub shows {SHOWN_PER_LEVEL} per level on the pull request; every finding is in the job summary and the log above"
                ))
            );
        }
    }
    for line in super::summary::footer(gated).lines() {
        let _ = writeln!(out, "{}", crate::escape::line(line));
    }
    out
}

/// Escapes a command's message.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if crate::escape::is_unsafe(c) => {
                out.push_str(&crate::escape::line(c.encode_utf8(&mut [0; 4])));
            }
            c => out.push(c),
        }
    }
    out
}

/// Escapes a command's property value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        assert_eq!(escape_data("a\u{1b}[2J\u{85}"), "a\\u{1b}[2J\\u{85}");
    }
}
