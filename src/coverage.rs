//! What a scan saw and what it could not: inputs read and understood, files found but not
//! understood (by kind, with the reason), contracts that belong to no service, services with no
//! known call, and how the edges became known. Every output states it before its verdicts, so
//! a reader can tell "no problems" from "nothing seen".

use std::collections::BTreeSet;

use serde::Serialize;

use crate::load::skipped::{Skipped, SkippedKind};
use crate::model::{Model, Origin, Provenance, ServiceId, ServiceKind};
use crate::source::{SourceId, Sources};

/// The coverage of one scan. Field names are part of the scan JSON: only ever added.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Coverage {
    pub inputs: Inputs,
    /// Files found but not understood, one entry per kind.
    pub not_understood: Vec<NotUnderstood>,
    /// Contracts (`.proto` services, OpenAPI and AsyncAPI documents) no service provides.
    pub orphan_contracts: Vec<String>,
    /// Services with no known call, publication or subscription, in or out.
    pub services_without_calls: Vec<String>,
    pub edges: EdgeOrigins,
    /// Edges between two backend services (not a gateway, client or external system): sync
    /// calls, and channels one service publishes to and another consumes.
    pub service_to_service: ServiceEdges,
    /// Backend services (not gateways, clients, external or infrastructure).
    pub services: usize,
    /// Templates, kept so findings can point at them; not in the JSON.
    #[serde(skip)]
    pub templates: Vec<SourceId>,
    /// Other files read but not understood (gateway configurations), by kind; not in the JSON.
    #[serde(skip)]
    pub unread_files: Vec<(SourceId, SkippedKind)>,
    /// Files that could not be read or parsed (each a CA001 finding); not in the JSON.
    #[serde(skip)]
    pub broken: Vec<SourceId>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Inputs {
    /// Input files found: read, unreadable or not understood (source code aside).
    pub found: usize,
    /// Read and understood.
    pub understood: usize,
    /// Found but could not be read or parsed (reported as CA001).
    pub unreadable: usize,
    /// Found in a format commaudit recognises but cannot read as it is (Helm templates).
    pub not_understood: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct NotUnderstood {
    pub kind: SkippedKind,
    /// `Helm templates`, `Go source files`.
    pub what: String,
    pub count: usize,
    pub reason: &'static str,
    /// Up to [`LISTED`] of them, in the order found.
    pub files: Vec<String>,
}

/// Files listed per kind; the count says how many there are.
const LISTED: usize = 10;

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct EdgeOrigins {
    /// Written in a manifest, or declared by a catalog or deployment file.
    pub declared: usize,
    /// Inferred from configuration (an address in a setting).
    pub inferred: usize,
    /// Seen in telemetry (`--observed`) and declared nowhere.
    pub observed: usize,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct ServiceEdges {
    pub sync: usize,
    pub r#async: usize,
}

impl ServiceEdges {
    pub fn total(self) -> usize {
        self.sync + self.r#async
    }
}

impl Coverage {
    /// The coverage of a scan: what loading skipped, and the model it built.
    pub fn of(
        skipped: &Skipped,
        broken: &BTreeSet<SourceId>,
        sources: &Sources,
        model: &Model,
    ) -> Coverage {
        let templates = skipped.templates.clone();
        let mut unread_files: Vec<(SourceId, SkippedKind)> = Vec::new();
        for &(kind, id) in &skipped.unread {
            let counted = templates.contains(&id) || broken.contains(&id);
            if kind.whole_file() && !counted && !unread_files.iter().any(|(f, _)| *f == id) {
                unread_files.push((id, kind));
            }
        }
        let not_read = broken.len() + templates.len() + unread_files.len();
        let understood = sources.len().saturating_sub(not_read);
        let mut not_understood = Vec::new();
        if !templates.is_empty() {
            not_understood.push(NotUnderstood {
                kind: SkippedKind::HelmTemplate,
                what: SkippedKind::HelmTemplate.describe().to_owned(),
                count: templates.len(),
                reason: SkippedKind::HelmTemplate.reason(),
                files: templates
                    .iter()
                    .take(LISTED)
                    .map(|&id| sources.get(id).name.clone())
                    .collect(),
            });
        }
        for (language, (count, first)) in &skipped.code {
            not_understood.push(NotUnderstood {
                kind: SkippedKind::SourceCode,
                what: format!("{language} {}", SkippedKind::SourceCode.describe()),
                count: *count,
                reason: SkippedKind::SourceCode.reason(),
                files: vec![first.clone()],
            });
        }
        for (language, (count, first)) in &skipped.idl {
            not_understood.push(NotUnderstood {
                kind: SkippedKind::Idl,
                what: format!("{language} {}", SkippedKind::Idl.describe()),
                count: *count,
                reason: SkippedKind::Idl.reason(),
                files: vec![first.clone()],
            });
        }
        // What the importers found and did not understand, one entry per kind.
        let mut kinds: Vec<SkippedKind> = skipped.unread.iter().map(|(k, _)| *k).collect();
        kinds.sort();
        kinds.dedup();
        for kind in kinds {
            let mut files: Vec<String> = Vec::new();
            let mut count = 0;
            for (_, id) in skipped.unread.iter().filter(|(k, _)| *k == kind) {
                count += 1;
                let name = &sources.get(*id).name;
                if files.len() < LISTED && !files.contains(name) {
                    files.push(name.clone());
                }
            }
            not_understood.push(NotUnderstood {
                kind,
                what: kind.describe().to_owned(),
                count,
                reason: kind.reason(),
                files,
            });
        }
        Coverage {
            inputs: Inputs {
                found: understood + not_read,
                understood,
                unreadable: broken.len(),
                not_understood: templates.len() + unread_files.len(),
            },
            not_understood,
            orphan_contracts: orphan_contracts(model, sources),
            services_without_calls: without_calls(model),
            edges: origins(model),
            service_to_service: service_edges(model),
            services: model
                .services
                .iter()
                .filter(|s| s.kind == ServiceKind::Service)
                .count(),
            templates,
            unread_files,
            broken: broken.iter().copied().collect(),
        }
    }

    /// Source files of every language passed by.
    pub fn code_files(&self) -> usize {
        self.not_understood
            .iter()
            .filter(|n| n.kind == SkippedKind::SourceCode)
            .map(|n| n.count)
            .sum()
    }

    /// `4 Go source files, 2 Java source files`, or `None` when there are none.
    pub fn code_summary(&self) -> Option<String> {
        let parts: Vec<String> = self
            .not_understood
            .iter()
            .filter(|n| n.kind == SkippedKind::SourceCode)
            .map(|n| format!("{} {}", n.count, singular(&n.what, n.count)))
            .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }

    /// Backend services exist, but no edge joins two of them: the graph cannot be judged.
    pub fn no_service_calls(&self) -> bool {
        self.services >= 2 && self.service_to_service.total() == 0
    }

    /// Inputs were found that could not be read or understood.
    pub fn inputs_missing(&self) -> bool {
        self.inputs.unreadable + self.inputs.not_understood > 0
    }

    /// The lines a text summary starts with, each without its `coverage: ` prefix.
    pub fn lines(&self) -> Vec<String> {
        let i = &self.inputs;
        let mut first = if i.understood == i.found && i.found > 1 {
            format!(
                "read and understood all {} input {}",
                i.found,
                files(i.found)
            )
        } else {
            format!(
                "read and understood {} of {} input {}",
                i.understood,
                i.found,
                files(i.found)
            )
        };
        if i.unreadable > 0 {
            first.push_str(&format!("; {} could not be read", i.unreadable));
        }
        let mut lines = vec![first];
        for n in &self.not_understood {
            lines.push(format!(
                "not understood: {} {} ({})",
                n.count,
                singular(&n.what, n.count),
                n.reason
            ));
        }
        let e = &self.edges;
        let s = &self.service_to_service;
        lines.push(format!(
            "edges: {} declared, {} inferred, {} observed; {} between services ({} sync, {} async)",
            e.declared,
            e.inferred,
            e.observed,
            s.total(),
            s.sync,
            s.r#async
        ));
        if !self.services_without_calls.is_empty() {
            lines.push(format!(
                "no known calls in or out: {}",
                quoted(&self.services_without_calls)
            ));
        }
        if !self.orphan_contracts.is_empty() {
            lines.push(format!(
                "contracts no service provides: {}",
                quoted(&self.orphan_contracts)
            ));
        }
        lines
    }
}

/// `Helm template` for one, `Helm templates` for more.
fn singular(what: &str, n: usize) -> &str {
    if n == 1 {
        what.strip_suffix('s').unwrap_or(what)
    } else {
        what
    }
}

fn files(n: usize) -> &'static str {
    if n == 1 { "file" } else { "files" }
}

/// `` `a`, `b`, `c` and 4 more ``.
fn quoted(names: &[String]) -> String {
    let shown: Vec<String> = names
        .iter()
        .take(LISTED)
        .map(|n| format!("`{n}`"))
        .collect();
    match names.len().saturating_sub(LISTED) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

fn orphan_contracts(model: &Model, sources: &Sources) -> Vec<String> {
    let mut grpc = vec![false; model.grpc.len()];
    let mut openapi = vec![false; model.openapi.len()];
    let mut asyncapi = vec![false; model.asyncapi.len()];
    let mut thrift = vec![false; model.thrift.len()];
    for s in &model.services {
        let c = &s.contracts;
        mark(&mut thrift, &c.thrift);
        mark(&mut grpc, &c.grpc);
        mark(&mut openapi, &c.openapi);
        mark(&mut asyncapi, &c.asyncapi);
    }
    // A Thrift service that a provided one extends is provided with it.
    let bases = crate::load::thrift::bases(&model.thrift);
    for i in 0..thrift.len() {
        let mut current = i;
        let mut steps = 0;
        while thrift[i] && steps < bases.len() {
            let Some(base) = bases[current] else { break };
            thrift[base] = true;
            current = base;
            steps += 1;
        }
    }
    let file = |id: SourceId| sources.get(id).name.clone();
    let mut out: Vec<String> = Vec::new();
    out.extend(
        model
            .grpc
            .iter()
            .zip(&grpc)
            .filter(|(_, used)| !**used)
            .map(|(p, _)| p.full_name.clone()),
    );
    out.extend(
        model
            .thrift
            .iter()
            .zip(&thrift)
            .filter(|(_, used)| !**used)
            .map(|(t, _)| t.full_name.clone()),
    );
    out.extend(
        model
            .openapi
            .iter()
            .zip(&openapi)
            .filter(|(_, used)| !**used)
            .map(|(d, _)| file(d.source)),
    );
    out.extend(
        model
            .asyncapi
            .iter()
            .zip(&asyncapi)
            .filter(|(_, used)| !**used)
            .map(|(d, _)| file(d.source)),
    );
    out.sort();
    out.dedup();
    out
}

fn mark(used: &mut [bool], ids: &[usize]) {
    for &i in ids {
        if let Some(u) = used.get_mut(i) {
            *u = true;
        }
    }
}

fn without_calls(model: &Model) -> Vec<String> {
    let mut touched = vec![false; model.services.len()];
    let mut touch = |s: ServiceId| {
        if let Some(t) = touched.get_mut(s.index()) {
            *t = true;
        }
    };
    for c in &model.calls {
        touch(c.from);
        touch(c.to);
    }
    for p in &model.publications {
        touch(p.service);
    }
    for s in &model.subscriptions {
        touch(s.service);
    }
    model
        .services
        .iter()
        .zip(&touched)
        .filter(|(s, t)| s.kind == ServiceKind::Service && !**t)
        .map(|(s, _)| s.name.clone())
        .collect()
}

fn origins(model: &Model) -> EdgeOrigins {
    let mut out = EdgeOrigins::default();
    let all = model
        .calls
        .iter()
        .map(|c| &c.provenance)
        .chain(model.publications.iter().map(|p| &p.provenance))
        .chain(model.subscriptions.iter().map(|s| &s.provenance))
        .chain(model.accesses.iter().map(|a| &a.provenance));
    for p in all {
        count(&mut out, p);
    }
    out.observed += crate::model::observed::undeclared_calls(model).count()
        + crate::model::observed::undeclared_publications(model).len()
        + crate::model::observed::undeclared_consumptions(model).count();
    out
}

fn count(out: &mut EdgeOrigins, p: &Provenance) {
    match p.origin {
        Origin::Manifest | Origin::Catalog => out.declared += 1,
        Origin::Inferred => out.inferred += 1,
        Origin::Observed => out.observed += 1,
    }
}

fn service_edges(model: &Model) -> ServiceEdges {
    let backend = |s: ServiceId| {
        model
            .services
            .get(s.index())
            .is_some_and(|s| s.kind == ServiceKind::Service)
    };
    let sync = model
        .calls
        .iter()
        .filter(|c| c.from != c.to && backend(c.from) && backend(c.to))
        .count();
    // A channel joins two services when one publishes to it and another consumes it: the
    // first two publishers of each channel are enough to tell.
    type Two = (Option<ServiceId>, Option<ServiceId>);
    let mut publishers: Vec<Two> = vec![(None, None); model.channels.len()];
    for p in model.publications.iter().filter(|p| backend(p.service)) {
        if let Some(two) = publishers.get_mut(p.channel.index()) {
            match *two {
                (None, _) => two.0 = Some(p.service),
                (Some(first), None) if first != p.service => two.1 = Some(p.service),
                _ => {}
            }
        }
    }
    let mut linked: BTreeSet<usize> = BTreeSet::new();
    for s in model.subscriptions.iter().filter(|s| backend(s.service)) {
        let i = s.channel.index();
        let other = publishers.get(i).is_some_and(|&(a, b)| {
            a.is_some_and(|a| a != s.service) || b.is_some_and(|b| b != s.service)
        });
        if other {
            linked.insert(i);
        }
    }
    ServiceEdges {
        sync,
        r#async: linked.len(),
    }
}
