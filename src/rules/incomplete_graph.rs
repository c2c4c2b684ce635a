//! CA007 incomplete-graph: the scan found services but no call between two of them, or found
//! input files it could not read or understand. Either way its verdicts rest on a graph with
//! holes; the finding says what is missing and what would fill it. One finding per cause, with
//! every service or file as a member, so its fingerprint stays put as the system grows.

use crate::diagnostics::catalog::INCOMPLETE_GRAPH;
use crate::diagnostics::{Finding, Item, Subject};
use crate::load::skipped::SkippedKind;
use crate::model::ServiceKind;
use crate::source::Span;

use super::Context;

/// Related locations listed before the rest are only counted.
const RELATED: usize = 20;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    // Nothing found could be read: every file is a CA001 error already, and a graph made of
    // nothing is not "incomplete", so saying it again would be noise.
    let inputs = &ctx.coverage.inputs;
    if inputs.understood == 0 && inputs.unreadable > 0 {
        return out;
    }
    if ctx.coverage.no_service_calls() {
        out.extend(no_service_calls(ctx));
    }
    if ctx.coverage.inputs_missing() {
        out.extend(inputs_missing(ctx));
    }
    out
}

fn no_service_calls(ctx: &Context) -> Option<Finding> {
    let model = ctx.model;
    let services: Vec<_> = model
        .service_ids()
        .filter(|&s| model.service(s).kind == ServiceKind::Service)
        .collect();
    let first = *services.first()?;
    let code = match ctx.coverage.code_summary() {
        Some(code) => format!(
            "; the calls are likely made in code ({code}), which commaudit does not read: an importer for their framework, or telemetry (observed calls), would show them"
        ),
        None => "; if they are made in code, an importer for their framework or telemetry (observed calls) would show them".to_owned(),
    };
    let mut finding = Finding::new(
        INCOMPLETE_GRAPH,
        format!(
            "{} services were found but no call between two of them: the graph is missing its service-to-service edges",
            services.len()
        ),
    )
    .at(model.service(first).span)
    .label("no known calls")
    .subject(Subject::group(
        vec![Item::Key("no service-to-service calls".into())],
        services.iter().map(|&s| Item::Service(s)).collect(),
    ))
    .services(services.iter().map(|&s| model.name(s).to_owned()))
    .help(format!(
        "declare the calls of `{}` and the others in a manifest overlay (`calls:` under each service in commaudit.yaml){code}; until then no verdict about coupling can be trusted",
        model.name(first)
    ));
    for &s in services.iter().skip(1).take(RELATED) {
        finding = finding.related(
            model.service(s).span,
            format!("`{}` has no known calls", model.name(s)),
        );
    }
    Some(finding)
}

fn inputs_missing(ctx: &Context) -> Option<Finding> {
    let coverage = ctx.coverage;
    let files: Vec<_> = coverage
        .templates
        .iter()
        .chain(coverage.unread_files.iter().map(|(f, _)| f))
        .chain(&coverage.broken)
        .copied()
        .collect();
    let first = *files.first()?;
    let mut what = Vec::new();
    let mut fill = Vec::new();
    if !coverage.templates.is_empty() {
        let n = coverage.templates.len();
        what.push(format!(
            "{n} Helm template{}",
            if n == 1 { "" } else { "s" }
        ));
        fill.push("render the chart (`helm template <chart> > rendered.yaml`) and scan the output");
    }
    let mut kinds: Vec<SkippedKind> = coverage.unread_files.iter().map(|(_, k)| *k).collect();
    kinds.sort();
    kinds.dedup();
    for kind in kinds {
        let n = coverage
            .unread_files
            .iter()
            .filter(|(_, k)| *k == kind)
            .count();
        let what_kind = kind.describe();
        what.push(format!(
            "{n} {}",
            if n == 1 {
                what_kind.strip_suffix('s').unwrap_or(what_kind)
            } else {
                what_kind
            }
        ));
        fill.push(kind.reason());
    }
    if !coverage.broken.is_empty() {
        let n = coverage.broken.len();
        what.push(format!(
            "{n} file{} reported as CA001",
            if n == 1 { "" } else { "s" }
        ));
        fill.push("fix the files reported as CA001");
    }
    let mut finding = Finding::new(
        INCOMPLETE_GRAPH,
        format!(
            "the scan could not read or understand {}, so the graph misses what they declare",
            what.join(" and ")
        ),
    )
    .at(Span::file_start(first))
    .label("not understood")
    .subject(Subject::group(
        vec![Item::Key("inputs not understood".into())],
        files.iter().map(|&f| Item::File(f)).collect(),
    ))
    .help(format!(
        "{}; or declare what they hold in a manifest overlay (commaudit.yaml)",
        fill.join("; ")
    ));
    for &f in files.iter().skip(1).take(RELATED) {
        let why = if coverage.templates.contains(&f) {
            "a Helm template, not read"
        } else if coverage.unread_files.iter().any(|(u, _)| *u == f) {
            "found but not understood"
        } else {
            "could not be read"
        };
        finding = finding.related(Span::file_start(f), why);
    }
    Some(finding)
}
