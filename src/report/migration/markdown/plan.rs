//! The plan, phase by phase, and the estimated savings with their assumptions, in Markdown.

use std::fmt::Write;

use crate::recommend::plan::Effort;
use crate::report::migration::Report;
use crate::report::migration::measures::TOP;

use super::{more, table};

pub fn plan(out: &mut String, r: &Report) {
    out.push_str("## Migration plan\n\n");
    if r.plan.phases.is_empty() {
        out.push_str("Nothing to change.\n\n");
        return;
    }
    let efforts: Vec<String> = [Effort::Small, Effort::Medium, Effort::Large]
        .iter()
        .map(|e| format!("{}: {}", e.as_str(), e.meaning()))
        .collect();
    let _ = writeln!(
        out,
        "Steps in order; each is measured on the system the steps before it leave. Effort is rough: {}.\n",
        efforts.join("; ")
    );
    for (p, phase) in r.plan.phases.iter().enumerate() {
        let _ = writeln!(
            out,
            "### {}. {}\n\n_Why: {}._\n",
            p + 1,
            phase.title,
            phase.why
        );
        let rows: Vec<Vec<String>> = phase
            .steps
            .iter()
            .enumerate()
            .map(|(s, step)| {
                let mut improves: Vec<String> = step.improves.iter().map(|i| i.text()).collect();
                if !step.resolves.is_empty() {
                    improves.push(format!("resolves {}", step.resolves.join(", ")));
                }
                vec![
                    format!("{}.{}", p + 1, s + 1),
                    step.action.clone(),
                    improves.join("; "),
                    format!("{}: {}", step.effort.as_str(), step.effort_reason),
                    r.place(step.span)
                        .map_or_else(String::new, |w| format!("`{w}`")),
                ]
            })
            .collect();
        table(
            out,
            &["step", "what to do", "improves", "effort", "where"],
            &rows,
        );
    }
}

pub fn savings(out: &mut String, r: &Report) {
    let s = &r.plan.savings;
    out.push_str("## Estimated savings\n\n");
    if s.cpu.is_empty() && s.polling.is_empty() {
        out.push_str("No internal REST call to convert and no polling to replace.\n\n");
    } else {
        if !s.cpu.is_empty() {
            let _ = writeln!(
                out,
                "Moving {} internal REST calls to gRPC saves about **{}** of serialization and parsing, at the declared rates:\n",
                s.cpu.len(),
                crate::rules::estimate::cores_text(s.cpu_cores)
            );
            let rows: Vec<Vec<String>> = s
                .cpu
                .iter()
                .take(TOP)
                .map(|l| {
                    vec![
                        format!("{} -> {}", l.from, l.to),
                        l.operation.clone().unwrap_or_default(),
                        crate::rules::estimate::cores_text(l.cores),
                        format!(
                            "{}{} rps, {}{:.1} KB",
                            if l.rps_assumed { "assumed " } else { "" },
                            l.rps,
                            if l.payload_assumed { "assumed " } else { "" },
                            l.payload_bytes / 1024.0
                        ),
                    ]
                })
                .collect();
            table(out, &["call", "operation", "saves", "at"], &rows);
            more(out, TOP, s.cpu.len());
        }
        if !s.polling.is_empty() {
            let _ = writeln!(
                out,
                "Streams instead of polling remove about **{:.0} requests per second** ({}).\n",
                s.polling_requests_per_second,
                s.polling
                    .iter()
                    .map(|l| format!(
                        "{} -> {}: {:.0}/s every {:.0} ms",
                        l.from, l.to, l.requests_per_second, l.interval_ms
                    ))
                    .collect::<Vec<_>>()
                    .join("; ")
            );
        }
    }
    out.push_str(
        "These estimates rest on the assumptions below; change them under `recommend:` in commaudit.yaml (for example `recommend: { json-us-per-kb: 15 }`).\n\n",
    );
    let rows: Vec<Vec<String>> = s
        .assumptions
        .iter()
        .map(|a| {
            vec![
                format!("`{}`", a.key),
                if a.overridden {
                    format!("{} (set in commaudit.yaml)", a.value)
                } else {
                    a.value.to_string()
                },
                a.default.to_string(),
                a.meaning.to_owned(),
            ]
        })
        .collect();
    table(out, &["assumption", "value", "default", "meaning"], &rows);
}
