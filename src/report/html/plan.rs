//! The migration plan, phase by phase, and the estimated savings with their assumptions.

use std::fmt::Write;

use crate::recommend::plan::Effort;
use crate::report::migration::Report;
use crate::report::migration::measures::TOP;
use crate::report::xml::escape;
use crate::rules::estimate::cores_text;

use super::{more, table, text};

pub fn plan(out: &mut String, r: &Report) {
    out.push_str("<section id=\"plan\">\n<h2>Migration plan</h2>\n");
    if r.plan.phases.is_empty() {
        out.push_str("<p>Nothing to change.</p>\n</section>\n");
        return;
    }
    let efforts: Vec<String> = [Effort::Small, Effort::Medium, Effort::Large]
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
    for (p, phase) in r.plan.phases.iter().enumerate() {
        let _ = writeln!(
            out,
            "<h3>{}. {}</h3>\n<p class=\"phase-why\">Why: {}.</p>",
            p + 1,
            escape(phase.title),
            escape(phase.why)
        );
        let rows: Vec<Vec<String>> = phase
            .steps
            .iter()
            .enumerate()
            .map(|(s, step)| {
                let mut what = text(&step.action);
                if let Some(place) = r.place(step.span) {
                    let _ = write!(what, "<br/><span class=\"where\">{}</span>", escape(&place));
                }
                let mut improves: Vec<String> =
                    step.improves.iter().map(|i| text(&i.text())).collect();
                if !step.resolves.is_empty() {
                    improves.push(format!("resolves {}", escape(&step.resolves.join(", "))));
                }
                vec![
                    format!("{}.{}", p + 1, s + 1),
                    what,
                    improves.join("<br/>"),
                    format!(
                        "<span class=\"badge effort-{0}\">{0}</span><br/>{1}",
                        step.effort.as_str(),
                        text(&step.effort_reason)
                    ),
                ]
            })
            .collect();
        table(
            out,
            "plan",
            &["step", "what to do", "improves", "effort"],
            &rows,
        );
    }
    out.push_str("</section>\n");
}

pub fn savings(out: &mut String, r: &Report) {
    let s = &r.plan.savings;
    out.push_str("<section id=\"savings\">\n<h2>Estimated savings</h2>\n");
    if s.cpu.is_empty() && s.polling.is_empty() {
        out.push_str("<p>No internal REST call to convert and no polling to replace.</p>\n");
    }
    if !s.cpu.is_empty() {
        let _ = writeln!(
            out,
            "<p>Moving {} internal REST calls to gRPC saves about <strong>{}</strong> of serialization and parsing, at the declared rates.</p>",
            s.cpu.len(),
            escape(&cores_text(s.cpu_cores))
        );
        let rows: Vec<Vec<String>> = s
            .cpu
            .iter()
            .take(TOP)
            .map(|l| {
                vec![
                    escape(&format!("{} → {}", l.from, l.to)),
                    l.operation
                        .as_deref()
                        .map_or_else(String::new, |o| format!("<code>{}</code>", escape(o))),
                    escape(&cores_text(l.cores)),
                    escape(&format!(
                        "{}{} rps, {}{:.1} KB",
                        if l.rps_assumed { "assumed " } else { "" },
                        l.rps,
                        if l.payload_assumed { "assumed " } else { "" },
                        l.payload_bytes / 1024.0
                    )),
                ]
            })
            .collect();
        table(
            out,
            "savings",
            &["call", "operation", "saves#", "at#"],
            &rows,
        );
        more(out, TOP, s.cpu.len());
    }
    if !s.polling.is_empty() {
        let lines: Vec<String> = s
            .polling
            .iter()
            .map(|l| {
                format!(
                    "{} → {}: {:.0}/s every {:.0} ms",
                    l.from, l.to, l.requests_per_second, l.interval_ms
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "<p>Streams instead of polling remove about <strong>{:.0} requests per second</strong> ({}).</p>",
            s.polling_requests_per_second,
            escape(&lines.join("; "))
        );
    }
    out.push_str("<p class=\"note\">These estimates rest on the assumptions below; change them under <code>recommend:</code> in commaudit.yaml (for example <code>recommend: { json-us-per-kb: 15 }</code>).</p>\n");
    let rows: Vec<Vec<String>> = s
        .assumptions
        .iter()
        .map(|a| {
            vec![
                format!("<code>{}</code>", escape(a.key)),
                if a.overridden {
                    format!("<strong>{}</strong> (set in commaudit.yaml)", a.value)
                } else {
                    a.value.to_string()
                },
                a.default.to_string(),
                escape(a.meaning),
            ]
        })
        .collect();
    table(
        out,
        "assumptions",
        &["assumption", "value#", "default#", "meaning"],
        &rows,
    );
    out.push_str("</section>\n");
}
