//! The one-line summary printed after a scan.

use crate::diagnostics::Tally;
use crate::gate::Gated;

/// `read 31 files: 11 services, 3 gateways, ... 40 edges (28 sync, 12 async); 2 errors, 1 warning`
pub fn line(gated: &Gated) -> String {
    let counts = gated.audit.graph.counts();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut parts = vec![plural(counts.services, "service", "services")];
    for (n, one, many) in [
        (counts.gateways, "gateway", "gateways"),
        (counts.clients, "client", "clients"),
        (
            counts.infrastructure,
            "infrastructure service",
            "infrastructure services",
        ),
        (counts.brokers, "broker", "brokers"),
        (counts.channels, "channel", "channels"),
        (counts.datastores, "datastore", "datastores"),
    ] {
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let tally = Tally::of(&gated.findings);
    let findings = if gated.findings.is_empty() {
        "no findings".to_owned()
    } else {
        [
            (tally.errors, "error", "errors"),
            (tally.warnings, "warning", "warnings"),
            (tally.notes, "note", "notes"),
        ]
        .iter()
        .filter(|(n, _, _)| *n > 0)
        .map(|(n, one, many)| plural(*n, one, many))
        .collect::<Vec<_>>()
        .join(", ")
    };
    for (n, one, many) in [(counts.externals, "external system", "external systems")] {
        if n > 0 {
            parts.push(plural(n, one, many));
        }
    }
    let mut findings = findings;
    findings.push_str(&gate_parts(gated));
    let inputs = &gated.audit.coverage.inputs;
    let read = if inputs.understood == inputs.found {
        plural(inputs.found, "file", "files")
    } else {
        format!(
            "{} of {}",
            inputs.understood,
            plural(inputs.found, "file", "files")
        )
    };
    format!(
        "read {read}: {}, {} ({} sync, {} async); {findings}",
        parts.join(", "),
        plural(counts.edges, "edge", "edges"),
        counts.sync_edges,
        counts.async_edges,
    )
}

/// The summary line, and in pull-request mode how the measures moved, for the text formats.
pub fn footer(gated: &Gated) -> String {
    let mut text = format!("{}\n", line(gated));
    if let Some(diff) = &gated.diff {
        text.push_str(&format!("measures since `{}`:\n", diff.base));
        for m in &diff.measures {
            text.push_str(&format!("  {}\n", m.line()));
        }
    }
    text
}

/// What the scan saw and could not see, one `coverage: ...` line each, then its notes, one
/// `note: ...` line each, for the text formats.
pub fn notes(gated: &Gated) -> String {
    let coverage = gated
        .audit
        .coverage
        .lines()
        .into_iter()
        .map(|l| format!("coverage: {}\n", crate::escape::line(&l)));
    let notes = gated
        .audit
        .notes
        .iter()
        .map(|n| format!("note: {}\n", crate::escape::line(n)));
    coverage.chain(notes).collect()
}

/// What the CI gate left out, when it left anything out: `; 2 suppressed; 40 known findings
/// skipped (baseline)`.
fn gate_parts(gated: &Gated) -> String {
    let gate = gated;
    let mut out = String::new();
    if gate.suppressed > 0 {
        out.push_str(&format!("; {} suppressed", gate.suppressed));
    }
    if gate.baselined > 0 {
        out.push_str(&format!(
            "; {} known finding{} skipped (baseline)",
            gate.baselined,
            if gate.baselined == 1 { "" } else { "s" }
        ));
    }
    if let Some(diff) = &gate.diff {
        out.push_str(&format!(
            "; {} finding{} also at `{}` not shown",
            diff.unchanged,
            if diff.unchanged == 1 { "" } else { "s" },
            diff.base
        ));
    }
    out
}
