//! `--format gitlab`: the GitLab code quality report (a JSON list of issues), which merge
//! requests show inline and compare with the target branch by fingerprint.

use serde::Serialize;

use crate::gate::Gated;

use super::Style;
use crate::diagnostics::Severity;
use crate::diagnostics::catalog;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    check_name: &'static str,
    description: String,
    categories: [&'static str; 1],
    fingerprint: &'a str,
    severity: &'static str,
    location: Location,
    engine_name: &'static str,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: u32,
    end: u32,
}

pub fn render(gated: &Gated, _: &Style) -> String {
    let issues: Vec<Issue> = gated
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let fp = gated.fingerprints.get(i).map_or("", String::as_str);
            let location = f.span.map_or_else(
                || Location {
                    path: ".".into(),
                    lines: Lines { begin: 1, end: 1 },
                },
                |span| {
                    let loc = gated.audit.sources.locate(span);
                    Location {
                        path: gated.path(span.source),
                        lines: Lines {
                            begin: loc.line,
                            end: loc.end_line,
                        },
                    }
                },
            );
            Issue {
                kind: "issue",
                check_name: f.rule.0,
                description: format!("{} {}: {}", f.rule, catalog::name_of(f.rule), f.message),
                categories: ["Complexity"],
                fingerprint: fp,
                severity: match f.severity {
                    Severity::Error => "critical",
                    Severity::Warning => "major",
                    Severity::Note => "info",
                },
                location,
                engine_name: "commaudit",
            }
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_else(|_| "[]".into());
    text.push('\n');
    crate::escape::json(text)
}
