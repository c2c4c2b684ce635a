//! `--format junit`: JUnit XML with one test case per rule, so CI systems that read test
//! reports (GitLab, Jenkins, Azure) show which rules fail. A rule fails when it has findings
//! at or above the fail level; findings below it are listed in the case's output; rules that do
//! not run are skipped.
//!
//! The shape is the common JUnit schema that Jenkins, GitLab and Azure read (Jenkins'
//! junit-10.xsd): `testsuites` > `testsuite` (`name`, `tests`, `failures`, `errors`, `skipped`,
//! `time`) > `testcase` (`name`, `classname`, `time`) holding at most one of `skipped`
//! (`message`), `failure` (`message`, `type`) or `system-out`, in that order.

use std::fmt::Write;

use crate::gate::Gated;

use super::Style;
use crate::diagnostics::catalog;
use crate::diagnostics::{Finding, RuleId, Severity};

use super::xml::escape;

/// `fail_on`: the lowest severity that fails; `None` when nothing fails (`--fail-on never`).
pub fn render(gated: &Gated, style: &Style) -> String {
    let fail_on = style.fail_on;
    let mut cases = String::new();
    let (mut failures, mut skipped) = (0, 0);
    let rules = catalog::all();
    for rule in rules {
        let id = RuleId(rule.id.as_str());
        let name = format!("{} {}", rule.id, rule.name);
        let _ = write!(
            cases,
            "    <testcase name=\"{}\" classname=\"commaudit.{}\" time=\"0\"",
            escape(&name),
            escape(&rule.family)
        );
        if !gated.audit.config.enabled(id) {
            skipped += 1;
            cases.push_str(">\n      <skipped message=\"the rule does not run in this configuration\"/>\n    </testcase>\n");
            continue;
        }
        let findings: Vec<&Finding> = gated.findings.iter().filter(|f| f.rule == id).collect();
        if findings.is_empty() {
            cases.push_str("/>\n");
            continue;
        }
        cases.push_str(">\n");
        let failing: Vec<&&Finding> = findings
            .iter()
            .filter(|f| fail_on.is_some_and(|level| f.severity >= level))
            .collect();
        let listing: String = findings.iter().map(|f| line(f, gated)).collect();
        if failing.is_empty() {
            let _ = writeln!(cases, "      <system-out>{}</system-out>", escape(&listing));
        } else {
            failures += 1;
            let worst = failing
                .iter()
                .map(|f| f.severity)
                .max()
                .unwrap_or(Severity::Error);
            let _ = writeln!(
                cases,
                "      <failure message=\"{}\" type=\"{worst}\">{}</failure>",
                escape(&format!(
                    "{} finding{} at or above the fail level",
                    failing.len(),
                    if failing.len() == 1 { "" } else { "s" }
                )),
                escape(&listing)
            );
        }
        cases.push_str("    </testcase>\n");
    }
    // `time` is 0: the audit is not timed, and the report stays the same from run to run.
    let counts = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\" time=\"0\"",
        rules.len()
    );
    // The schema has no `skipped` on `testsuites`: rules that do not run are `disabled` there.
    let total = format!(
        "tests=\"{}\" failures=\"{failures}\" errors=\"0\" disabled=\"{skipped}\" time=\"0\"",
        rules.len()
    );
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"commaudit\" {total}>\n  <testsuite name=\"commaudit\" {counts}>\n{cases}  </testsuite>\n</testsuites>\n"
    )
}

/// `path:line:col: [severity] message`, then the help.
fn line(f: &Finding, gated: &Gated) -> String {
    let place = f.span.map_or_else(
        || "<no file>".to_owned(),
        |s| {
            let loc = gated.audit.sources.locate(s);
            format!(
                "{}:{}:{}",
                crate::escape::line(&gated.path(s.source)),
                loc.line,
                loc.column
            )
        },
    );
    let mut text = format!("{place}: [{}] {}\n", f.severity, f.message);
    if let Some(help) = &f.help {
        let _ = writeln!(text, "  help: {help}");
    }
    text
}
