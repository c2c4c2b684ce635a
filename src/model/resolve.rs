//! Builds the [`Model`] from what was loaded: declares services, brokers and datastores, links
//! contracts, and resolves every call and datastore use by name.

use std::collections::BTreeMap;

use crate::finding::Finding;
use crate::load::located::Located;
use crate::load::manifest::{self, CallProtocol, ServiceManifest};
use crate::load::{Loaded, ManifestInput};
use crate::rules::catalog::{INVALID_INPUT, UNKNOWN_OPERATION, UNKNOWN_SERVICE};
use crate::source::{SourceId, Sources, Span};
use crate::suggest;

use super::{
    Broker, BrokerId, Call, Contracts, Datastore, DatastoreAccess, DatastoreId, Exposure, Model,
    Operation, OperationKind, Origin, Protocol, Service, ServiceId, ServiceKind, operations,
};

/// The model, the sources it points into, and every finding so far.
#[derive(Debug)]
pub struct Resolved {
    pub model: Model,
    pub sources: Sources,
    pub findings: Vec<Finding>,
}

/// Resolves names across files.
pub fn build(loaded: Loaded) -> Resolved {
    let Loaded {
        sources,
        projects,
        mut manifests,
        protos,
        openapi,
        asyncapi,
        findings,
        paths,
        broken,
        unreadable_services,
    } = loaded;
    let mut r = Resolver {
        model: Model {
            grpc: protos,
            openapi,
            asyncapi,
            ..Model::default()
        },
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
    };
    for project in &projects {
        for broker in &project.file.brokers {
            r.declare_broker(broker, project.source);
        }
        for store in &project.file.datastores {
            r.declare_datastore(store, project.source);
        }
    }
    manifests.sort_by(|a, b| {
        (
            a.manifest.service.value.as_str(),
            a.source,
            a.manifest.service.pos,
        )
            .cmp(&(
                b.manifest.service.value.as_str(),
                b.source,
                b.manifest.service.pos,
            ))
    });
    let kept = r.declare_services(manifests, &unreadable_services);
    r.adopt_owned_asyncapi();
    for (id, input) in kept.iter().enumerate() {
        let id = ServiceId(id as u32);
        r.resolve_calls(id, input);
        r.resolve_datastores(id, input);
        r.resolve_messaging(id, input);
    }
    let Resolver {
        model, findings, ..
    } = r;
    Resolved {
        model,
        sources,
        findings,
    }
}

pub(super) struct Resolver<'a> {
    pub(super) model: Model,
    pub(super) findings: Vec<Finding>,
    pub(super) broker_names: BTreeMap<String, BrokerId>,
    pub(super) channel_index: BTreeMap<(BrokerId, String), super::ChannelId>,
    datastore_names: BTreeMap<String, DatastoreId>,
    any_proto_broken: bool,
    paths: BTreeMap<std::path::PathBuf, SourceId>,
    broken: std::collections::BTreeSet<SourceId>,
    pub(super) sources: &'a Sources,
}

impl Resolver<'_> {
    fn duplicate(&mut self, what: &str, name: &str, span: Span, first: Span) {
        let first_loc = self.sources.locate(first);
        let shown = format!("{}:{}", first_loc.file, first_loc.line);
        self.findings.push(
            Finding::new(INVALID_INPUT, format!("{what} `{name}` is declared twice"))
                .at(span)
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
        self.model.brokers.push(Broker {
            name,
            kind: decl.kind.value,
            span,
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
        self.model.datastores.push(Datastore {
            name,
            kind: decl.kind.value.clone(),
            owner: decl.owner.as_ref().map(|o| o.value.clone()),
            span,
        });
    }

    /// Declares every service once (sorted by name); returns the manifests kept, in id order.
    /// Services whose manifest could not be read are declared by name only, marked unreadable,
    /// so calls to them resolve instead of cascading into CA002.
    fn declare_services(
        &mut self,
        manifests: Vec<ManifestInput>,
        unreadable: &[(String, Span)],
    ) -> Vec<ManifestInput> {
        let mut stand_ins: Vec<(String, Span)> = unreadable
            .iter()
            .filter(|(name, _)| !manifests.iter().any(|m| &m.manifest.service.value == name))
            .cloned()
            .collect();
        stand_ins.sort();
        stand_ins.dedup_by(|a, b| a.0 == b.0);
        let mut kept: Vec<ManifestInput> = Vec::new();
        for input in manifests {
            let m = &input.manifest;
            let span = m.service.span(input.source);
            if let Some(first) = kept
                .iter()
                .find(|k| k.manifest.service.value == m.service.value)
            {
                let first = first.manifest.service.span(first.source);
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
                    .help("name services with letters, digits, `-`, `_` or `.`, without spaces"),
                );
                continue;
            }
            let service = self.service_of(&input);
            self.model.services.push(service);
            kept.push(input);
        }
        for (name, span) in stand_ins {
            let at = self.model.services.partition_point(|s| s.name < name);
            self.model.services.insert(at, stand_in(name, span));
            kept.insert(
                at,
                ManifestInput {
                    source: span.source,
                    dir: std::path::PathBuf::new(),
                    manifest: empty_manifest(span),
                },
            );
        }
        kept
    }

    fn service_of(&mut self, input: &ManifestInput) -> Service {
        let m: &ServiceManifest = &input.manifest;
        let source = input.source;
        let kind = m.kind.as_ref().map_or(ServiceKind::Service, |k| k.value);
        let default_exposure = match kind {
            ServiceKind::Gateway | ServiceKind::Client => Exposure::Public,
            ServiceKind::Service => Exposure::Internal,
        };
        let slo = m.slo.as_ref();
        let availability = slo.and_then(|s| s.availability.as_ref()).and_then(|a| {
            if a.value > 0.0 && a.value <= 100.0 && a.value > 1.0 {
                Some(a.value / 100.0)
            } else {
                self.findings.push(
                    Finding::new(
                        INVALID_INPUT,
                        format!("availability `{}` is not a percentage", a.value),
                    )
                    .at(a.span(source))
                    .help("write availability in percent, for example `99.95`"),
                );
                None
            }
        });
        for (name, value) in [
            ("processing_ms", m.processing_ms.as_ref()),
            (
                "latency_p99_ms",
                slo.and_then(|s| s.latency_p99_ms.as_ref()),
            ),
        ] {
            if let Some(v) = value.filter(|v| !(v.value >= 0.0 && v.value.is_finite())) {
                self.findings.push(
                    Finding::new(
                        INVALID_INPUT,
                        format!("`{name}` must be zero or more, found {}", v.value),
                    )
                    .at(v.span(source))
                    .help(format!("write `{name}` in milliseconds")),
                );
            }
        }
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
            origin: Origin::Declared,
        }
    }

    fn contracts_of(&mut self, input: &ManifestInput) -> Contracts {
        let mut contracts = Contracts::default();
        let Some(provides) = &input.manifest.provides else {
            return contracts;
        };
        let source = input.source;
        let owner = input.manifest.service.value.clone();
        for grpc in provides.grpc.iter() {
            contracts.span.get_or_insert(grpc.span(source));
            let name = &grpc.service.value;
            if let Some(i) = self.model.grpc.iter().position(|s| &s.full_name == name) {
                contracts.grpc.push(i);
                continue;
            }
            let proto_broken = grpc.proto.as_ref().is_some_and(|p| {
                self.source_at(&input.dir, &p.value)
                    .is_none_or(|id| self.broken.contains(&id))
            });
            if proto_broken || self.any_proto_broken {
                contracts.unreadable = true;
                continue;
            }
            let names: Vec<&str> = self
                .model
                .grpc
                .iter()
                .map(|s| s.full_name.as_str())
                .collect();
            let help = suggest::did_you_mean(name, names.iter().copied()).unwrap_or_else(|| {
                "declare the service in a .proto file the scan reads, or fix the name (`package.Service`)".into()
            });
            self.findings.push(
                Finding::new(
                    UNKNOWN_OPERATION,
                    format!(
                        "`{owner}` provides gRPC service `{name}`, which no .proto file declares"
                    ),
                )
                .at(grpc.service.span(source))
                .service(owner.clone())
                .help(help),
            );
        }
        let specs = [
            (&provides.openapi, "OpenAPI"),
            (&provides.asyncapi, "AsyncAPI"),
        ];
        for (list, what) in specs {
            for contract in list.iter() {
                contracts.span.get_or_insert(contract.span(source));
                let Some(id) = self.source_at(&input.dir, &contract.spec.value) else {
                    contracts.unreadable = true; // missing file: reported by load
                    continue;
                };
                let found = if what == "OpenAPI" {
                    self.model
                        .openapi
                        .iter()
                        .position(|d| d.source == id)
                        .map(|i| contracts.openapi.push(i))
                } else {
                    self.model
                        .asyncapi
                        .iter()
                        .position(|d| d.source == id)
                        .map(|i| contracts.asyncapi.push(i))
                };
                if found.is_some() {
                    continue;
                }
                contracts.unreadable = true;
                if !self.broken.contains(&id) {
                    self.findings.push(
                        Finding::new(
                            INVALID_INPUT,
                            format!("`{}` is not an {what} document", contract.spec.value),
                        )
                        .at(contract.spec.span(source))
                        .help(format!("point `spec:` at the service's {what} document")),
                    );
                }
            }
        }
        contracts
    }

    fn source_at(&self, dir: &std::path::Path, path: &str) -> Option<SourceId> {
        self.paths
            .get(&crate::load::canonical(&dir.join(path)))
            .copied()
    }
}

/// A service known only by name, because its manifest could not be read.
fn stand_in(name: String, span: Span) -> Service {
    Service {
        name,
        kind: ServiceKind::Service,
        exposure: Exposure::Internal,
        owner: None,
        description: None,
        availability: None,
        latency_p99_ms: None,
        processing_ms: None,
        load_balancer: None,
        contracts: Contracts {
            unreadable: true,
            ..Contracts::default()
        },
        span,
        slo_span: None,
        load_balancer_span: None,
        origin: Origin::Declared,
    }
}

/// A manifest that declares nothing, standing in for one that could not be read.
fn empty_manifest(span: Span) -> ServiceManifest {
    ServiceManifest {
        service: Located {
            value: String::new(),
            pos: crate::load::yaml::Pos {
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
        load_balancer: None,
        provides: None,
        calls: Vec::new(),
        publishes: Vec::new(),
        subscribes: Vec::new(),
        datastores: Vec::new(),
    }
}

impl Resolver<'_> {
    /// Resolves a service name, reporting CA002 with a suggestion when it is unknown.
    pub(super) fn service_ref(
        &mut self,
        from: &str,
        name: &Located<String>,
        source: SourceId,
        what: &str,
    ) -> Option<ServiceId> {
        if let Some(id) = self.model.service_named(&name.value) {
            return Some(id);
        }
        let names: Vec<&str> = self
            .model
            .services
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        let help = match suggest::closest(&name.value, names.iter().copied()) {
            Some(s) => format!(
                "did you mean `{s}`? otherwise declare `{}` in its own manifest or under `services:` in commaudit.yaml",
                name.value
            ),
            None => format!(
                "declare `{}` in its own manifest or under `services:` in commaudit.yaml",
                name.value
            ),
        };
        self.findings.push(
            Finding::new(
                UNKNOWN_SERVICE,
                format!("`{from}` {what} unknown service `{}`", name.value),
            )
            .at(name.span(source))
            .label("not declared")
            .services([from.to_owned(), name.value.clone()])
            .help(help),
        );
        None
    }

    fn resolve_calls(&mut self, from: ServiceId, input: &ManifestInput) {
        let source = input.source;
        let from_name = self.model.name(from).to_owned();
        for call in &input.manifest.calls {
            let Some(to) = self.service_ref(&from_name, &call.to, source, "calls") else {
                continue;
            };
            for (name, value) in [
                ("timeout_ms", call.timeout_ms.as_ref()),
                ("rps", call.rps.as_ref()),
                ("payload_bytes", call.payload_bytes.as_ref()),
                ("poll_interval_ms", call.poll_interval_ms.as_ref()),
            ] {
                if let Some(v) = value.filter(|v| !(v.value >= 0.0 && v.value.is_finite())) {
                    self.findings.push(
                        Finding::new(
                            INVALID_INPUT,
                            format!("`{name}` must be zero or more, found {}", v.value),
                        )
                        .at(v.span(source))
                        .help(format!("set `{name}` to a number of zero or more")),
                    );
                }
            }
            let protocol = self.protocol_of(call, to);
            let operation = call
                .operation
                .as_ref()
                .and_then(|op| self.operation_of(&from_name, to, &protocol, op, source));
            let positive = |v: &Option<Located<f64>>| {
                v.as_ref()
                    .map(|v| v.value)
                    .filter(|v| *v >= 0.0 && v.is_finite())
            };
            self.model.calls.push(Call {
                from,
                to,
                protocol,
                operation,
                needs_response: call.needs_response.as_ref().map(|n| n.value),
                timeout_ms: positive(&call.timeout_ms),
                retries: call.retries.as_ref().map(|r| r.value),
                circuit_breaker: call.circuit_breaker.as_ref().is_some_and(|c| c.value),
                fallback: call.fallback.as_ref().is_some_and(|c| c.value),
                rps: positive(&call.rps),
                payload_bytes: positive(&call.payload_bytes),
                poll_interval_ms: positive(&call.poll_interval_ms),
                span: call.span(source),
                operation_span: call.operation.as_ref().map(|o| o.span(source)),
                origin: Origin::Declared,
            });
        }
    }

    /// The declared protocol; else the contract the operation resolves against; else the one
    /// the operation's shape or the target's contracts imply.
    fn protocol_of(&self, call: &manifest::Call, to: ServiceId) -> Protocol {
        if let Some(p) = &call.protocol {
            return match p.value {
                CallProtocol::Grpc => Protocol::Grpc,
                CallProtocol::Rest => Protocol::Http,
                CallProtocol::Graphql => Protocol::Graphql,
                CallProtocol::Thrift => Protocol::Thrift,
                CallProtocol::Websocket => Protocol::Websocket,
            };
        }
        let target = &self.model.service(to).contracts;
        let op = call
            .operation
            .as_ref()
            .map(|o| o.value.trim())
            .unwrap_or("");
        if !op.is_empty() {
            let grpc: Vec<_> = target.grpc.iter().map(|&i| &self.model.grpc[i]).collect();
            if !grpc.is_empty() && operations::grpc(op, &grpc).is_ok() {
                return Protocol::Grpc;
            }
            let docs: Vec<_> = target
                .openapi
                .iter()
                .map(|&i| &self.model.openapi[i])
                .collect();
            if !docs.is_empty() && operations::http(op, &docs).is_ok() {
                return Protocol::Http;
            }
        }
        if operations::looks_like_http(op) {
            Protocol::Http
        } else if operations::looks_like_grpc(op)
            || (!target.grpc.is_empty() && target.openapi.is_empty())
        {
            Protocol::Grpc
        } else {
            Protocol::Http
        }
    }

    /// Checks the operation against the target's contract for the call's protocol (CA003).
    fn operation_of(
        &mut self,
        from: &str,
        to: ServiceId,
        protocol: &Protocol,
        written: &Located<String>,
        source: SourceId,
    ) -> Option<Operation> {
        let target = self.model.service(to);
        let checked = match protocol {
            Protocol::Grpc if !target.contracts.grpc.is_empty() => {
                let services: Vec<_> = target
                    .contracts
                    .grpc
                    .iter()
                    .map(|&i| &self.model.grpc[i])
                    .collect();
                Some((operations::grpc(&written.value, &services), "gRPC method"))
            }
            Protocol::Http if !target.contracts.openapi.is_empty() => {
                let docs: Vec<_> = target
                    .contracts
                    .openapi
                    .iter()
                    .map(|&i| &self.model.openapi[i])
                    .collect();
                Some((operations::http(&written.value, &docs), "HTTP operation"))
            }
            _ => None,
        };
        let target_name = target.name.clone();
        match checked {
            None => Some(Operation {
                name: written.value.trim().to_owned(),
                kind: OperationKind::Unchecked,
            }),
            Some((Ok(op), _)) => Some(op),
            Some((Err(not_found), what)) => {
                let declared = match not_found.declared {
                    1 => format!("1 {what}"),
                    n => format!("{n} {what}s"),
                };
                let help = match &not_found.suggestion {
                    Some(s) => format!("did you mean `{s}`? `{target_name}` declares {declared}"),
                    None => format!(
                        "name one of the {declared} `{target_name}` declares, or add this one to its contract"
                    ),
                };
                self.findings.push(
                    Finding::new(
                        UNKNOWN_OPERATION,
                        format!(
                            "`{from}` calls `{}`, which `{target_name}` does not declare",
                            written.value.trim()
                        ),
                    )
                    .at(written.span(source))
                    .label("not in the contract")
                    .services([from.to_owned(), target_name])
                    .operation(written.value.trim())
                    .help(help),
                );
                None
            }
        }
    }

    fn resolve_datastores(&mut self, service: ServiceId, input: &ManifestInput) {
        let source = input.source;
        let from = self.model.name(service).to_owned();
        for used in &input.manifest.datastores {
            let name = &used.name;
            let Some(&datastore) = self.datastore_names.get(&name.value) else {
                let names: Vec<&str> = self.datastore_names.keys().map(String::as_str).collect();
                let help = match suggest::closest(&name.value, names.iter().copied()) {
                    Some(s) => format!(
                        "did you mean `{s}`? otherwise declare `{}` under `datastores:` in commaudit.yaml",
                        name.value
                    ),
                    None => format!(
                        "declare `{}` under `datastores:` in commaudit.yaml, with its kind",
                        name.value
                    ),
                };
                self.findings.push(
                    Finding::new(
                        UNKNOWN_SERVICE,
                        format!("`{from}` uses unknown datastore `{}`", name.value),
                    )
                    .at(name.span(source))
                    .label("not declared")
                    .service(from.clone())
                    .help(help),
                );
                continue;
            };
            self.model.accesses.push(DatastoreAccess {
                service,
                datastore,
                access: used
                    .access
                    .as_ref()
                    .map_or(manifest::Access::ReadWrite, |a| a.value),
                span: used.span(source),
            });
        }
    }
}
