//! Merging what was inferred (compose, Kubernetes, Backstage, application configuration) into
//! the model the manifests declared. Manifests win: an import adds what they do not say.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::load::manifest::ServiceManifest;
use crate::model::infer::{INode, Inferred, Role, nearest_folder};
use crate::source::{SourceId, Span};
use crate::yaml::located::Located;

use super::documents::Kind;
use super::resolve::Resolver;
use super::{
    Broker, BrokerId, Call, Contracts, Datastore, DatastoreAccess, DatastoreId, LoadBalancer,
    Origin, Provenance, Publication, Service, ServiceId, Subscription,
};

/// Fills what a declared service leaves out with what an import says about it.
pub(super) fn enrich(service: &mut Service, found: Service) {
    if service.load_balancer.is_none() {
        service.load_balancer = found.load_balancer;
    }
    if service.contracts.grpc.is_empty() && !service.contracts.unreadable {
        service.contracts.grpc = found.contracts.grpc;
    }
    if service.contracts.thrift.is_empty() && !service.contracts.unreadable {
        service.contracts.thrift = found.contracts.thrift;
    }
    if service.contracts.openapi.is_empty()
        && service.contracts.asyncapi.is_empty()
        && found.contracts.unreadable
    {
        service.contracts.unreadable = true;
    }
    // The import also describes it: its evidence is kept, the manifest stays the origin.
    if service.provenance.evidence.is_empty() {
        service.provenance.evidence = found.provenance.evidence;
    }
}

/// Appends the indices of `more` that `list` does not hold yet, in their order: a document
/// found both in a folder named after the service and in its build context is listed once.
fn add_new(list: &mut Vec<usize>, more: impl Iterator<Item = usize>) {
    for i in more {
        if !list.contains(&i) {
            list.push(i);
        }
    }
}

impl Resolver<'_> {
    /// Datastores and brokers found by image, unless commaudit.yaml declares them already.
    pub(super) fn declare_inferred_stores(&mut self, inferred: &Inferred) {
        for node in &inferred.nodes {
            match &node.role {
                Role::Datastore(kind) if !self.datastore_names.contains_key(&node.name) => {
                    self.datastore_names.insert(
                        node.name.clone(),
                        DatastoreId(self.model.datastores.len() as u32),
                    );
                    self.model.datastores.push(Datastore {
                        name: node.name.clone(),
                        kind: kind.clone(),
                        owner: None,
                        availability: None,
                        span: node.span,
                        provenance: Provenance::imported(node.declared, node.evidence.clone()),
                    });
                }
                Role::Broker(kind) if !self.broker_names.contains_key(&node.name) => {
                    self.broker_names
                        .insert(node.name.clone(), BrokerId(self.model.brokers.len() as u32));
                    self.model.brokers.push(Broker {
                        name: node.name.clone(),
                        kind: *kind,
                        availability: None,
                        span: node.span,
                        provenance: Provenance::imported(node.declared, node.evidence.clone()),
                    });
                }
                _ => {}
            }
        }
    }

    /// Services to declare besides the manifests: imported ones, and stand-ins for manifests
    /// that could not be read.
    pub(super) fn extra_services(
        &self,
        inferred: &Inferred,
        unreadable: &[(String, Span)],
    ) -> Vec<Service> {
        let by_folder = self.contracts_by_folder(inferred);
        let mut extra: Vec<Service> = inferred
            .nodes
            .iter()
            .filter(|n| matches!(n.role, Role::Service | Role::Infrastructure(_)))
            .map(|n| self.service_from(n, by_folder.get(n.name.as_str())))
            .collect();
        let mut named: HashMap<String, usize> = HashMap::new();
        for (i, s) in extra.iter().enumerate() {
            named.entry(s.name.clone()).or_insert(i);
        }
        for (name, span) in unreadable {
            match named.get(name) {
                Some(&i) => extra[i].contracts.unreadable = true,
                None => {
                    named.insert(name.clone(), extra.len());
                    extra.push(stand_in(name.clone(), *span));
                }
            }
        }
        extra.sort_by(|a, b| a.name.cmp(&b.name));
        extra.dedup_by(|a, b| a.name == b.name);
        extra
    }

    /// OpenAPI and Thrift documents no manifest links, by the imported service named like the
    /// nearest of their folders that names one (`src/cart/openapi.yml` is `cart`'s): index
    /// lists of `model.openapi` and `model.thrift`.
    fn contracts_by_folder<'a>(
        &self,
        inferred: &'a Inferred,
    ) -> BTreeMap<&'a str, (Vec<usize>, Vec<usize>)> {
        let names: BTreeMap<String, &str> = inferred
            .nodes
            .iter()
            .filter(|n| n.role == Role::Service)
            .map(|n| (n.name.to_ascii_lowercase(), n.name.as_str()))
            .collect();
        let linked: BTreeSet<SourceId> = self
            .model
            .services
            .iter()
            .flat_map(|s| {
                let c = &s.contracts;
                c.openapi
                    .iter()
                    .map(|&i| self.model.openapi[i].source)
                    .chain(c.thrift.iter().map(|&i| self.model.thrift[i].span.source))
            })
            .collect();
        let owner = |source: SourceId| -> Option<&'a str> {
            if linked.contains(&source) {
                return None;
            }
            nearest_folder(&self.sources.get(source).path, |n| {
                names.get(&n.to_ascii_lowercase()).copied()
            })
        };
        let mut out: BTreeMap<&str, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
        for (i, doc) in self.model.openapi.iter().enumerate() {
            if let Some(name) = owner(doc.source) {
                out.entry(name).or_default().0.push(i);
            }
        }
        for (i, doc) in self.model.thrift.iter().enumerate() {
            if let Some(name) = owner(doc.span.source) {
                out.entry(name).or_default().1.push(i);
            }
        }
        out
    }

    fn service_from(&self, node: &INode, by_folder: Option<&(Vec<usize>, Vec<usize>)>) -> Service {
        let documents = &self.documents;
        let mut contracts = Contracts {
            grpc: node.grpc.clone(),
            ..Contracts::default()
        };
        // The definitions of the APIs a catalog says it provides.
        let defined = |kind| documents.in_files(&node.contract_sources, kind);
        add_new(&mut contracts.grpc, defined(Kind::Grpc).into_iter());
        contracts.openapi = defined(Kind::OpenApi);
        contracts.asyncapi = defined(Kind::AsyncApi);
        contracts.thrift = defined(Kind::Thrift);
        // Documents in a folder named after it are its contracts.
        if let Some((openapi, thrift)) = by_folder {
            add_new(&mut contracts.openapi, openapi.iter().copied());
            add_new(&mut contracts.thrift, thrift.iter().copied());
        }
        // Documents inside a service's build context are its contracts.
        if let Some(dir) = node
            .build_context
            .as_ref()
            .map(|d| crate::load::canonical(d))
        {
            let inside = |kind| documents.below(&dir, kind).into_iter();
            add_new(&mut contracts.openapi, inside(Kind::OpenApi));
            add_new(&mut contracts.asyncapi, inside(Kind::AsyncApi));
            add_new(&mut contracts.thrift, inside(Kind::Thrift));
        }
        Service {
            kind: node.kind,
            exposure: node.exposure,
            load_balancer: node.load_balancer,
            contracts,
            provenance: Provenance::imported(node.declared, node.evidence.clone()),
            ..Service::named(node.name.clone(), node.span)
        }
    }

    /// A mesh's policy for a service governs every call into it, declared or inferred, and
    /// says how it is balanced when nothing else did.
    fn apply_policies(&mut self, inferred: &Inferred) {
        // The calls into each service, found once rather than per policy.
        let mut into: HashMap<ServiceId, Vec<usize>> = HashMap::new();
        if !inferred.policies.is_empty() {
            for (i, call) in self.model.calls.iter().enumerate() {
                into.entry(call.to).or_default().push(i);
            }
        }
        for policy in &inferred.policies {
            let Some(to) = self.model.service_named(&policy.service) else {
                continue;
            };
            for &i in into.get(&to).into_iter().flatten() {
                self.model.calls[i].proxy.merge(&policy.proxy);
            }
            let service = &mut self.model.services[to.index()];
            // A balancer a manifest declares wins.
            if service.load_balancer_span.is_none()
                && matches!(service.load_balancer, None | Some(LoadBalancer::L4))
            {
                service.load_balancer = policy.load_balancer.or(service.load_balancer);
            }
        }
    }

    /// Calls, datastore uses and topics found in configuration, unless a manifest already
    /// declares the same dependency.
    pub(super) fn add_inferred_edges(&mut self, inferred: &Inferred) {
        let shared = shared_settings(inferred);
        // An address many services inherit from one place (a compose `env_file` or anchor, a
        // ConfigMap every Deployment loads, a configuration server's shared file) says where
        // they could call, not that each one does.
        let weigh = |mut p: Provenance, span: Span| {
            if let Some(&n) = shared.get(&span)
                && p.origin == Origin::Inferred
            {
                p.confidence = super::Confidence::Possible;
                p.evidence
                    .push(format!("inherited from a setting {n} services share"));
            }
            p
        };
        // The calls of each pair, in order, so an inferred call finds the one it adds to
        // without reading every call (tens of thousands in a large organisation).
        let mut by_pair: HashMap<(ServiceId, ServiceId), Vec<usize>> = HashMap::new();
        for (i, k) in self.model.calls.iter().enumerate() {
            by_pair.entry((k.from, k.to)).or_default().push(i);
        }
        for c in &inferred.calls {
            let (Some(from), Some(to)) = (
                self.model.service_named(&c.from),
                self.model.service_named(&c.to),
            ) else {
                continue;
            };
            let pair = by_pair.entry((from, to)).or_default();
            let calls = &mut self.model.calls;
            let found = pair.iter().copied().find(|&i| {
                let k = &calls[i];
                k.protocol == c.protocol || k.provenance.origin == Origin::Manifest
            });
            if let Some(known) = found.map(|i| &mut calls[i]) {
                // A manifest's call keeps its own facts; a route adds its paths and proxy.
                // Inferred calls of one pair over different protocols stay apart.
                for p in &c.paths {
                    if !known.paths.contains(p) {
                        known.paths.push(p.clone());
                    }
                }
                known.proxy.merge(&c.proxy);
                continue;
            }
            pair.push(calls.len());
            calls.push(Call {
                from,
                to,
                protocol: c.protocol.clone(),
                operation: None,
                needs_response: None,
                timeout_ms: None,
                retries: None,
                circuit_breaker: false,
                fallback: false,
                rps: None,
                observed_rps: None,
                payload_bytes: None,
                poll_interval_ms: None,
                span: c.span,
                operation_span: None,
                provenance: weigh(Provenance::imported(c.declared, c.evidence.clone()), c.span),
                paths: c.paths.clone(),
                routed: c.routed,
                proxy: c.proxy.clone(),
                resilience: Default::default(),
            });
        }
        self.apply_policies(inferred);
        for a in &inferred.accesses {
            let (Some(service), Some(&datastore)) = (
                self.model.service_named(&a.service),
                self.datastore_names.get(&a.datastore),
            ) else {
                continue;
            };
            if self
                .model
                .accesses
                .iter()
                .any(|x| x.service == service && x.datastore == datastore)
            {
                continue;
            }
            self.model.accesses.push(DatastoreAccess {
                service,
                datastore,
                access: crate::load::manifest::Access::ReadWrite,
                fallback: false,
                span: a.span,
                provenance: {
                    let mut p = Provenance::imported(a.declared, a.evidence.clone());
                    if a.possible {
                        p.confidence = super::Confidence::Possible;
                    }
                    weigh(p, a.span)
                },
            });
        }
        for t in &inferred.topics {
            let (Some(service), Some(&broker)) = (
                self.model.service_named(&t.service),
                self.broker_names.get(&t.broker),
            ) else {
                continue;
            };
            let Some(publish) = t.publish else { continue };
            let channel = self.channel(broker, &t.subject);
            if publish {
                if self
                    .model
                    .publications
                    .iter()
                    .any(|p| p.service == service && p.channel == channel)
                {
                    continue;
                }
                self.model.publications.push(Publication {
                    service,
                    channel,
                    awaits_reply: false,
                    reply_origin: None,
                    reply_subject: None,
                    timeout_ms: None,
                    rate: None,
                    payload_bytes: None,
                    retention_hours: None,
                    outbox: None,
                    span: t.span,
                    provenance: weigh(Provenance::inferred(t.evidence.clone()), t.span),
                });
            } else {
                if self
                    .model
                    .subscriptions
                    .iter()
                    .any(|s| s.service == service && s.channel == channel)
                {
                    continue;
                }
                self.model.subscriptions.push(Subscription {
                    service,
                    channel,
                    delivery: None,
                    idempotent: None,
                    group: None,
                    replies: false,
                    dlq: None,
                    span: t.span,
                    provenance: weigh(Provenance::inferred(t.evidence.clone()), t.span),
                });
            }
        }
    }

    /// Imported services with no visible callers, callees, messages or datastores.
    pub(super) fn isolated_note(&self) -> Option<String> {
        let m = &self.model;
        let mut isolated: Vec<&str> = m
            .service_ids()
            .filter(|&s| m.service(s).provenance.origin == Origin::Inferred)
            .filter(|&s| {
                let touches = |x: ServiceId| x == s;
                !m.calls.iter().any(|c| touches(c.from) || touches(c.to))
                    && !m.publications.iter().any(|p| touches(p.service))
                    && !m.subscriptions.iter().any(|p| touches(p.service))
                    && !m.accesses.iter().any(|a| touches(a.service))
            })
            .map(|s| m.name(s))
            .collect();
        isolated.sort_unstable();
        (!isolated.is_empty()).then(|| {
            format!(
                "no visible callers or callees for {}: declare their calls in a manifest if they have any",
                isolated.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            )
        })
    }
}

/// A service known only by name, because its manifest could not be read.
fn stand_in(name: String, span: Span) -> Service {
    let mut service = Service::named(name, span);
    service.contracts.unreadable = true;
    service
}

/// A manifest that declares nothing, standing in for one that could not be read.
pub(super) fn empty_manifest(span: Span) -> ServiceManifest {
    ServiceManifest {
        service: Located {
            value: String::new(),
            pos: crate::yaml::Pos {
                offset: span.offset,
                len: span.len,
            },
        },
        kind: None,
        description: None,
        owner: None,
        exposure: None,
        slo: None,
        processing_ms: None,
        capacity: None,
        replicas: None,
        load_balancer: None,
        provides: None,
        calls: Vec::new(),
        publishes: Vec::new(),
        subscribes: Vec::new(),
        datastores: Vec::new(),
    }
}

/// Settings that more than one service's inferred edges come from: one position in one file,
/// with how many services use it.
fn shared_settings(inferred: &Inferred) -> std::collections::HashMap<Span, usize> {
    let mut users: std::collections::HashMap<Span, std::collections::BTreeSet<&str>> =
        Default::default();
    let uses = inferred
        .calls
        .iter()
        .map(|c| (c.span, c.from.as_str()))
        .chain(
            inferred
                .accesses
                .iter()
                .map(|a| (a.span, a.service.as_str())),
        )
        .chain(inferred.topics.iter().map(|t| (t.span, t.service.as_str())));
    for (span, service) in uses {
        users.entry(span).or_default().insert(service);
    }
    users
        .into_iter()
        .filter(|(_, services)| services.len() > 1)
        .map(|(span, services)| (span, services.len()))
        .collect()
}
