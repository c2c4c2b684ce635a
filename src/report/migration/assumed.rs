//! Assumptions and unknowns: every default a number in the report used, per measure, and what
//! the inputs left unknown, so a reader can tell a computed figure from a guessed one.

use serde::Serialize;

use crate::audit::Audit;
use crate::model::{ServiceId, ServiceKind};
use crate::recommend::plan::percent;

/// One default that a measure used, or one unknown it rests on.
#[derive(Debug, Clone, Serialize)]
pub struct Assumed {
    /// `availability ceiling of web`, `CPU saved by gRPC`.
    pub measure: String,
    /// `default-availability = 99.9%`, or `unknown` for what no default stands in for.
    pub assumption: String,
    /// What it stood in for: `6 of 7 hard dependencies declare no SLO: cart, ...`.
    pub for_what: String,
}

/// Names listed before the rest are counted.
const NAMES: usize = 6;

/// Entrypoints whose measures are listed one by one before the rest are summed up.
const ENTRIES: usize = 8;

pub fn of(audit: &Audit) -> Vec<Assumed> {
    let mut out = Vec::new();
    let model = &audit.model;
    let a = &audit.config.assumptions;
    let facts = &audit.facts;
    let mut entries: Vec<_> = facts
        .per_entry
        .iter()
        .filter(|e| !e.dependencies.is_empty())
        .collect();
    entries.sort_by_key(|e| model.name(e.entry).to_owned());
    let more = entries.len().saturating_sub(ENTRIES);
    for e in entries.iter().take(ENTRIES) {
        let name = model.name(e.entry);
        let deps = &e.dependencies;
        let no_slo: Vec<ServiceId> = deps
            .services
            .iter()
            .copied()
            .filter(|&s| model.service(s).availability.is_none())
            .collect();
        if !no_slo.is_empty() {
            out.push(Assumed {
                measure: format!("availability ceiling of `{name}`"),
                assumption: format!("default-availability = {}", percent(a.default_availability)),
                for_what: format!(
                    "{} of {} services it cannot answer without declare no SLO: {}",
                    no_slo.len(),
                    deps.services.len(),
                    names(no_slo.iter().map(|&s| model.name(s)))
                ),
            });
        }
        let stores: Vec<&str> = deps
            .datastores
            .iter()
            .map(|&d| model.datastore(d))
            .filter(|d| d.availability.is_none())
            .map(|d| d.name.as_str())
            .collect();
        if !stores.is_empty() {
            out.push(Assumed {
                measure: format!("availability ceiling of `{name}`"),
                assumption: format!(
                    "datastore-availability = {}",
                    percent(a.datastore_availability)
                ),
                for_what: format!(
                    "{} declare{} none: {}",
                    count(stores.len(), "datastore", "datastores"),
                    if stores.len() == 1 { "s" } else { "" },
                    names(stores.into_iter())
                ),
            });
        }
        let brokers: Vec<&str> = deps
            .brokers
            .iter()
            .map(|&b| model.broker(b))
            .filter(|b| b.availability.is_none())
            .map(|b| b.name.as_str())
            .collect();
        if !brokers.is_empty() {
            out.push(Assumed {
                measure: format!("availability ceiling of `{name}`"),
                assumption: format!("broker-availability = {}", percent(a.broker_availability)),
                for_what: format!(
                    "{} declare{} none: {}",
                    count(brokers.len(), "broker", "brokers"),
                    if brokers.len() == 1 { "s" } else { "" },
                    names(brokers.into_iter())
                ),
            });
        }
        let chain = e.longest.services(&audit.analysis.sync);
        let silent: Vec<&str> = chain
            .iter()
            .filter(|&&s| model.service(s).processing_ms.is_none())
            .map(|&s| model.name(s))
            .collect();
        if e.depth > 0 && !silent.is_empty() {
            out.push(Assumed {
                measure: format!("chain time of `{name}`"),
                assumption: format!("default-processing-ms = {} ms", a.default_processing_ms),
                for_what: format!(
                    "{} of {} services on its longest chain declare no processing_ms: {}",
                    silent.len(),
                    chain.len(),
                    names(silent.into_iter())
                ),
            });
        }
    }
    if more > 0 {
        out.push(Assumed {
            measure: format!("measures of {more} more entrypoints"),
            assumption: "the same defaults".into(),
            for_what: "wherever their dependencies declare no SLO or processing time".into(),
        });
    }
    let internal_rest: Vec<_> = model
        .calls
        .iter()
        .filter(|c| c.protocol == crate::model::Protocol::Http)
        .filter(|c| model.service(c.from).kind != ServiceKind::Client)
        .collect();
    let no_rps = internal_rest.iter().filter(|c| c.rps.is_none()).count();
    if no_rps > 0 {
        out.push(Assumed {
            measure: "CPU saved by gRPC".into(),
            assumption: format!("default-rps = {}", a.default_rps),
            for_what: format!(
                "{} declare{} no rps",
                count(no_rps, "REST call", "REST calls"),
                if no_rps == 1 { "s" } else { "" }
            ),
        });
    }
    let no_payload = internal_rest
        .iter()
        .filter(|c| c.payload_bytes.is_none())
        .count();
    if no_payload > 0 {
        out.push(Assumed {
            measure: "CPU saved by gRPC".into(),
            assumption: format!("default-payload-bytes = {}", a.default_payload_bytes),
            for_what: format!(
                "{} declare{} no payload_bytes",
                count(no_payload, "REST call", "REST calls"),
                if no_payload == 1 { "s" } else { "" }
            ),
        });
    }
    let intent = model
        .calls
        .iter()
        .filter(|c| c.needs_response.is_none() && model.service(c.from).kind != ServiceKind::Client)
        .count();
    if intent > 0 {
        out.push(Assumed {
            measure: "recommendations per edge".into(),
            assumption: "answer needed".into(),
            for_what: format!(
                "{intent} calls do not say whether the caller needs the answer (`needs_response`); a side effect among them belongs on a queue"
            ),
        });
    }
    let coverage = &audit.coverage;
    if coverage.no_service_calls() {
        out.push(Assumed {
            measure: "every measure".into(),
            assumption: "unknown".into(),
            for_what: format!(
                "no call between the {} services is known: chains, blast radius and ceilings are measured on a graph without them",
                coverage.services
            ),
        });
    }
    if coverage.inputs_missing() {
        out.push(Assumed {
            measure: "every measure".into(),
            assumption: "unknown".into(),
            for_what: format!(
                "{} of {} input files could not be read or understood: what they declare is missing",
                coverage.inputs.found - coverage.inputs.understood,
                coverage.inputs.found
            ),
        });
    }
    let edges = &coverage.edges;
    if edges.inferred > 0 {
        out.push(Assumed {
            measure: "every measure".into(),
            assumption: "unknown".into(),
            for_what: format!(
                "{} of {} edges are inferred from configuration, not declared: they may be missing or mean something else",
                edges.inferred,
                edges.declared + edges.inferred + edges.observed
            ),
        });
    }
    out
}

/// `1 broker`, `2 brokers`.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `a, b, c and 4 more`.
fn names<'a>(all: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = all.collect();
    let shown: Vec<String> = all.iter().take(NAMES).map(|n| format!("`{n}`")).collect();
    match all.len().saturating_sub(NAMES) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}
