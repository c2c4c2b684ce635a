//! `--format concise`: one line per finding, `path:line:col: CODE [severity] message`, the shape
//! editors and `grep` understand.

use std::fmt::Write;

use crate::audit::Audit;

pub fn render(audit: &Audit) -> String {
    let mut out = String::new();
    for f in &audit.findings {
        let place = f.span.map_or_else(
            || "<no file>".to_owned(),
            |s| {
                let loc = audit.sources.locate(s);
                format!("{}:{}:{}", loc.file, loc.line, loc.column)
            },
        );
        let _ = writeln!(out, "{place}: {} [{}] {}", f.rule, f.severity, f.message);
    }
    out
}
