//! Builds the [`Model`] from what was loaded: declares services, brokers and datastores, links
//! contracts, and resolves every call and datastore use by name.

use std::collections::{BTreeMap, HashMap};

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::load::manifest::{self, ServiceManifest};
use crate::load::{Loaded, ManifestInput};
use crate::source::{SourceId, Sources, Span};
use crate::yaml::located::Located;

use super::documents::Documents;
use super::{
    Broker, BrokerId, Datastore, DatastoreId, Exposure, Model, Provenance, Service, ServiceId,
    ServiceKind,
};

/// The model, the sources it points into, and every finding so far.
#[derive(Debug)]
pub struct Resolved {
    pub model: Model,
    pub sources: Sources,
    pub findings: Vec<Finding>,
    /// What was read but not used, or could not be inferred, in words for the summary.
    pub notes: Vec<String>,
}

/// Resolves names across files.
pub fn build(loaded: Loaded) -> Resolved {
    let Loaded {
        sources,
        projects,
        mut manifests,
        protos,
        thrift,
        openapi,
        asyncapi,
        findings,
        paths,
        broken,
        unreadable_services,
        imports,
        reader: _,
        skipped: _,
        observed,
    } = loaded;
    debug_assert!(protos.windows(2).all(|w| w[0].full_name <= w[1].full_name));
    let model = Model {
        grpc: protos,
        thrift,
        openapi,
        asyncapi,
        ..Model::default()
    };
    let declared: std::collections::BTreeSet<String> = manifests
        .iter()
        .map(|m| m.manifest.service.value.clone())
        .collect();
    // What the deployments say and the index of the contract documents need nothing of each
    // other, so they are worked out side by side. The contract lists are complete here and
    // not changed by resolving.
    let (inferred, documents) = rayon::join(
        || super::infer::infer(&imports, &declared, &model.grpc),
        || {
            // A manifest is large: sorting keys and then moving each manifest once is cheaper
            // than moving manifests at every step of the sort.
            manifests.sort_by_cached_key(|m| {
                (
                    m.manifest.service.value.clone(),
                    m.source,
                    m.manifest.service.pos,
                )
            });
            Documents::new(&model, &sources)
        },
    );
    let mut r = Resolver {
        model,
        findings,
        broker_names: BTreeMap::new(),
        channel_index: BTreeMap::new(),
        datastore_names: BTreeMap::new(),
        any_proto_broken: broken
            .iter()
            .any(|id| sources.get(*id).name.ends_with(".proto")),
        paths,
        broken,
        sources: &sources,
        unknown_services: Vec::new(),
        documents,
    };
    for project in &projects {
        for broker in &project.file.brokers {
            r.declare_broker(broker, project.source);
        }
        for store in &project.file.datastores {
            r.declare_datastore(store, project.source);
        }
    }
    r.findings.extend(inferred.findings.iter().cloned());
    r.declare_inferred_stores(&inferred);
    let extra = r.extra_services(&inferred, &unreadable_services);
    let kept = r.declare_services(manifests, extra);
    r.adopt_owned_asyncapi();
    r.model
        .calls
        .reserve(kept.iter().map(|k| k.manifest.calls.len()).sum());
    for (id, input) in kept.iter().enumerate() {
        let id = ServiceId(id as u32);
        r.resolve_calls(id, input);
        r.resolve_datastores(id, input);
        r.resolve_messaging(id, input);
    }
    r.suggest_services();
    r.add_inferred_edges(&inferred);
    let names = super::observed::Names {
        map: projects
            .iter()
            .filter_map(|p| p.file.observed.as_ref())
            .flat_map(|o| &o.names)
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect(),
    };
    r.model.observed = super::observed::build(&r.model, &observed, &names);
    super::observed::apply_rates(&mut r.model);
    let mut notes = imports.notes.clone();
    notes.extend(inferred.notes.iter().cloned());
    notes.extend(r.isolated_note());
    notes.extend(r.model.observed.notes(&observed));
    let Resolver {
        model,
        findings,
        paths,
        ..
    } = r;
    // What only the resolution read is freed on another core while the graph is built.
    rayon::spawn(move || drop((kept, inferred, imports, projects, observed, paths)));
    Resolved {
        model,
        sources,
        findings,
        notes,
    }
}

pub(super) struct Resolver<'a> {
    pub(super) model: Model,
    pub(super) findings: Vec<Finding>,
    pub(super) broker_names: BTreeMap<String, BrokerId>,
    pub(super) channel_index: BTreeMap<(BrokerId, String), super::ChannelId>,
    pub(super) datastore_names: BTreeMap<String, DatastoreId>,
    pub(super) any_proto_broken: bool,
    pub(super) paths: std::collections::HashMap<std::path::PathBuf, SourceId>,
    pub(super) broken: std::collections::BTreeSet<SourceId>,
    pub(super) sources: &'a Sources,
    /// The contract documents by file and by folder.
    pub(super) documents: Documents,
    /// CA002 findings for unknown services (index in `findings`, name), suggested at the end.
    pub(super) unknown_services: Vec<(usize, String)>,
}

impl Resolver<'_> {
    fn duplicate(&mut self, what: &str, name: &str, span: Span, first: Span) {
        let first_loc = self.sources.locate(first);
        let shown = format!("{}:{}", first_loc.file, first_loc.line);
        self.findings.push(
            Finding::new(INVALID_INPUT, format!("{what} `{name}` is declared twice"))
                .at(span)
                .about(Item::Key(format!("second {what}")))
                .about(Item::Name(name.to_owned()))
                .about(Item::File(span.source))
                .label("second declaration")
                .related(first, format!("first declared at {shown}"))
                .help(format!(
                    "keep one declaration of `{name}`, or rename one of them"
                )),
        );
    }

    fn declare_broker(&mut self, decl: &Located<manifest::BrokerDecl>, source: SourceId) {
        let name = decl.name.value.clone();
        let span = decl.name.span(source);
        if let Some(&first) = self.broker_names.get(&name) {
            let first = self.model.broker(first).span;
            self.duplicate("broker", &name, span, first);
            return;
        }
        self.broker_names
            .insert(name.clone(), BrokerId(self.model.brokers.len() as u32));
        let availability = decl
            .availability
            .as_ref()
            .and_then(|a| self.percent(a, source, &name, "availability"));
        self.model.brokers.push(Broker {
            name,
            kind: decl.kind.value,
            availability,
            span,
            provenance: Provenance::manifest(),
        });
    }

    fn declare_datastore(&mut self, decl: &Located<manifest::DatastoreDecl>, source: SourceId) {
        let name = decl.name.value.clone();
        let span = decl.name.span(source);
        if let Some(&first) = self.datastore_names.get(&name) {
            let first = self.model.datastore(first).span;
            self.duplicate("datastore", &name, span, first);
            return;
        }
        self.datastore_names.insert(
            name.clone(),
            DatastoreId(self.model.datastores.len() as u32),
        );
        let availability = decl
            .availability
            .as_ref()
            .and_then(|a| self.percent(a, source, &name, "availability"));
        self.model.datastores.push(Datastore {
            name,
            kind: decl.kind.value.clone(),
            owner: decl.owner.as_ref().map(|o| o.value.clone()),
            availability,
            span,
            provenance: Provenance::manifest(),
        });
    }

    /// Declares every service once (sorted by name); returns the manifests kept, in id order.
    /// Services whose manifest could not be read are declared by name only, marked unreadable,
    /// so calls to them resolve instead of cascading into CA002.
    fn declare_services(
        &mut self,
        manifests: Vec<ManifestInput>,
        extra: Vec<Service>,
    ) -> Vec<ManifestInput> {
        let mut kept: Vec<ManifestInput> = Vec::new();
        // Where each name was first declared, so a duplicate costs one lookup, not a pass.
        let mut first_of: HashMap<String, Span> = HashMap::new();
        for input in manifests {
            let m = &input.manifest;
            let span = m.service.span(input.source);
            if let Some(&first) = first_of.get(&m.service.value) {
                self.duplicate("service", &m.service.value, span, first);
                continue;
            }
            if m.service.value.trim().is_empty() || m.service.value.contains(char::is_whitespace) {
                self.findings.push(
                    Finding::new(
                        INVALID_INPUT,
                        format!("invalid service name `{}`", m.service.value),
                    )
                    .at(span)
                    .about(Item::Key("service name".into()))
                    .about(Item::Name(m.service.value.clone()))
                    .about(Item::File(span.source))
                    .help("name services with letters, digits, `-`, `_` or `.`, without spaces"),
                );
                continue;
            }
            first_of.insert(m.service.value.clone(), span);
            let service = self.service_of(&input);
            self.model.services.push(service);
            kept.push(input);
        }
        // Services known from elsewhere: imported ones, and those whose manifest is unreadable.
        // A manifest for the same name wins; the import only fills what it left out; a name
        // imported twice is one service. The new ones are merged in by name, in one pass.
        let mut extra = extra;
        extra.sort_by(|a, b| a.name.cmp(&b.name));
        let mut added: Vec<Service> = Vec::new();
        for service in extra {
            if let Ok(i) = self
                .model
                .services
                .binary_search_by(|s| s.name.as_str().cmp(&service.name))
            {
                super::merge::enrich(&mut self.model.services[i], service);
            } else if let Some(last) = added.last_mut().filter(|l| l.name == service.name) {
                super::merge::enrich(last, service);
            } else {
                added.push(service);
            }
        }
        if added.is_empty() {
            return kept;
        }
        let declared = std::mem::take(&mut self.model.services);
        let mut services = Vec::with_capacity(declared.len() + added.len());
        let mut inputs = Vec::with_capacity(services.capacity());
        let mut declared = declared.into_iter().zip(kept).peekable();
        let mut added = added.into_iter().peekable();
        loop {
            let take_added = match (declared.peek(), added.peek()) {
                (Some((d, _)), Some(a)) => a.name < d.name,
                (None, Some(_)) => true,
                (_, None) => false,
            };
            if take_added {
                let Some(service) = added.next() else { break };
                let span = service.span;
                services.push(service);
                inputs.push(ManifestInput {
                    source: span.source,
                    dir: std::path::PathBuf::new(),
                    manifest: super::merge::empty_manifest(span),
                });
            } else {
                let Some((service, input)) = declared.next() else {
                    break;
                };
                services.push(service);
                inputs.push(input);
            }
        }
        self.model.services = services;
        inputs
    }

    /// An availability written in percent, as a fraction; anything else is reported.
    fn percent(
        &mut self,
        a: &crate::yaml::Located<f64>,
        source: SourceId,
        owner: &str,
        key: &str,
    ) -> Option<f64> {
        if a.value > 1.0 && a.value <= 100.0 {
            return Some(a.value / 100.0);
        }
        self.findings.push(
            Finding::new(
                INVALID_INPUT,
                format!("availability `{}` is not a percentage", a.value),
            )
            .at(a.span(source))
            .about(Item::Name(owner.to_owned()))
            .about(Item::Key(key.into()))
            .help("write availability in percent, for example `99.95`"),
        );
        None
    }

    fn service_of(&mut self, input: &ManifestInput) -> Service {
        let m: &ServiceManifest = &input.manifest;
        let source = input.source;
        let kind = m.kind.as_ref().map_or(ServiceKind::Service, |k| k.value);
        let default_exposure = match kind {
            ServiceKind::Gateway | ServiceKind::Client | ServiceKind::External => Exposure::Public,
            ServiceKind::Service | ServiceKind::Infrastructure => Exposure::Internal,
        };
        let slo = m.slo.as_ref();
        let availability = slo
            .and_then(|s| s.availability.as_ref())
            .and_then(|a| self.percent(a, source, &m.service.value, "slo.availability"));
        Service {
            name: m.service.value.clone(),
            kind,
            exposure: m.exposure.as_ref().map_or(default_exposure, |e| e.value),
            owner: m.owner.as_ref().map(|o| o.value.clone()),
            description: m.description.clone(),
            availability,
            latency_p99_ms: slo
                .and_then(|s| s.latency_p99_ms.as_ref())
                .map(|l| l.value)
                .filter(|v| *v >= 0.0),
            capacity: crate::model::Capacity {
                rps: m
                    .capacity
                    .as_ref()
                    .and_then(|c| c.value.rps.as_ref())
                    .map(|r| r.value),
                concurrency: m
                    .capacity
                    .as_ref()
                    .and_then(|c| c.value.concurrency.as_ref())
                    .map(|c| c.value),
                replicas: m.replicas.as_ref().map(|r| r.value),
                span: m.capacity.as_ref().map(|c| c.span(source)),
            },
            processing_ms: m
                .processing_ms
                .as_ref()
                .map(|p| p.value)
                .filter(|v| *v >= 0.0),
            load_balancer: m.load_balancer.as_ref().map(|l| l.value),
            contracts: self.contracts_of(input),
            span: m.service.span(source),
            slo_span: slo.map(|s| s.span(source)),
            load_balancer_span: m.load_balancer.as_ref().map(|l| l.span(source)),
            provenance: Provenance::manifest(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Declaring 100,000 services checks each name once: quadratic, this takes minutes.
    #[test]
    fn duplicate_names_among_a_hundred_thousand_manifests_are_found_by_lookup() {
        let mut loaded = Loaded::default();
        let source = loaded.sources.add(
            "commaudit.yaml".into(),
            "commaudit.yaml".into(),
            "services: []\n".into(),
        );
        let manifest = |name: String| {
            let mut manifest = super::super::merge::empty_manifest(Span::new(source, 0, 1));
            manifest.service.value = name;
            ManifestInput {
                source,
                dir: std::path::PathBuf::new(),
                manifest,
            }
        };
        loaded.manifests = (0..100_000).map(|i| manifest(format!("s{i:06}"))).collect();
        for i in [7, 50_000, 99_999] {
            loaded.manifests.push(manifest(format!("s{i:06}")));
        }
        let resolved = build(loaded);
        assert_eq!(resolved.model.services.len(), 100_000);
        let twice = resolved
            .findings
            .iter()
            .filter(|f| f.message.contains("is declared twice"))
            .count();
        assert_eq!(twice, 3);
    }
}
