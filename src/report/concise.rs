//! `--format concise`: one line per finding, `path:line:col: CODE [severity] message`, the shape
//! editors and `grep` understand.

use std::fmt::Write;

use crate::gate::Gated;

use super::Style;

pub fn render(gated: &Gated, style: &Style) -> String {
    let mut out = String::new();
    for f in &gated.findings {
        let place = f.span.map_or_else(
            || "<no file>".to_owned(),
            |s| {
                let loc = gated.audit.sources.locate(s);
                format!("{}:{}:{}", loc.file, loc.line, loc.column)
            },
        );
        let _ = writeln!(out, "{place}: {} [{}] {}", f.rule, f.severity, f.message);
    }
    if !style.quiet {
        out.push_str(&super::summary::notes(gated));
        out.push_str(&super::summary::footer(gated));
    }
    out
}
