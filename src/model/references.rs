//! Resolving what a manifest names: the services its calls go to (CA002), the operations they
//! invoke against the provider's contract (CA003), and the datastores it uses.

use crate::diagnostics::catalog::{UNKNOWN_OPERATION, UNKNOWN_SERVICE};
use crate::diagnostics::{Finding, Item};
use crate::load::ManifestInput;
use crate::load::manifest::{self, CallProtocol};
use crate::source::SourceId;
use crate::suggest;
use crate::yaml::located::Located;

use super::resolve::Resolver;
use super::{
    Call, CallOrder, DatastoreAccess, Operation, OperationKind, Protocol, Provenance, Resilience,
    ServiceId, operations,
};

impl Resolver<'_> {
    /// What a finding about the service named `name` is about: the service, or the name when
    /// no service has it.
    pub(super) fn service_item(&self, name: &str) -> Item {
        self.model
            .service_named(name)
            .map_or_else(|| Item::Name(name.to_owned()), Item::Service)
    }

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
        // The suggestion comes later, from one index of every name (`suggest_services`).
        let help = format!(
            "declare `{}` in its own manifest or under `services:` in commaudit.yaml",
            name.value
        );
        self.unknown_services
            .push((self.findings.len(), name.value.clone()));
        let caller = self.service_item(from);
        self.findings.push(
            Finding::new(
                UNKNOWN_SERVICE,
                format!("`{from}` {what} unknown service `{}`", name.value),
            )
            .at(name.span(source))
            .about(caller)
            .about(Item::Key(what.to_owned()))
            .about(Item::Name(name.value.clone()))
            .label("not declared")
            .services([from.to_owned(), name.value.clone()])
            .help(help),
        );
        None
    }

    /// "Did you mean" for every unknown service name, from one index of the declared names
    /// built once, whose work is bounded in all (see [`suggest::Suggester`]): 20,000 unknown
    /// names against 2,000 services cost one pass per name until the bound, not a new sorted
    /// copy of every name per lookup.
    pub(super) fn suggest_services(&mut self) {
        if self.unknown_services.is_empty() {
            return;
        }
        let suggester =
            suggest::Suggester::new(self.model.services.iter().map(|s| s.name.as_str()));
        for (at, name) in std::mem::take(&mut self.unknown_services) {
            let Some(close) = suggester.closest(&name) else {
                continue;
            };
            if let Some(finding) = self.findings.get_mut(at) {
                finding.set_help(format!(
                    "did you mean `{close}`? otherwise declare `{name}` in its own manifest or under `services:` in commaudit.yaml"
                ));
            }
        }
    }

    pub(super) fn resolve_calls(&mut self, from: ServiceId, input: &ManifestInput) {
        let source = input.source;
        let from_name = self.model.name(from).to_owned();
        for call in &input.manifest.calls {
            let Some(to) = self.service_ref(&from_name, &call.to, source, "calls") else {
                continue;
            };
            // Numbers were checked against their ranges when the manifest was read.
            let protocol = self.protocol_of(call, to);
            let operation = call
                .operation
                .as_ref()
                .and_then(|op| self.operation_of(&from_name, to, &protocol, op, source));
            // A Thrift `oneway` method has no answer to wait for.
            let oneway = matches!(
                operation.as_ref().map(|o| &o.kind),
                Some(OperationKind::Thrift { oneway: true })
            );
            let needs_response = call
                .needs_response
                .as_ref()
                .map(|n| n.value)
                .or(oneway.then_some(false));
            let positive = |v: &Option<Located<f64>>| {
                v.as_ref()
                    .map(|v| v.value)
                    .filter(|v| *v >= 0.0 && v.is_finite())
            };
            let retry = call.retry.as_ref().map(|r| &r.value);
            self.model.calls.push(Call {
                from,
                to,
                protocol,
                operation,
                // A Thrift `oneway` method has no answer to wait for.
                needs_response,
                timeout_ms: positive(&call.timeout_ms),
                retries: retry
                    .and_then(|r| r.attempts.as_ref())
                    .map(|a| a.value.saturating_sub(1))
                    .or(call.retries.as_ref().map(|r| r.value)),
                circuit_breaker: call.circuit_breaker.as_ref().is_some_and(|c| c.value),
                fallback: call.fallback.as_ref().is_some_and(|c| c.value),
                rps: positive(&call.rps),
                observed_rps: None,
                payload_bytes: positive(&call.payload_bytes),
                poll_interval_ms: positive(&call.poll_interval_ms),
                span: call.span(source),
                operation_span: call.operation.as_ref().map(|o| o.span(source)),
                provenance: Provenance::manifest(),
                paths: Vec::new(),
                routed: false,
                proxy: Default::default(),
                resilience: Resilience {
                    order: match call.order.as_ref().map(|o| o.value) {
                        Some(manifest::CallOrder::Sequential) => CallOrder::Sequential,
                        _ => CallOrder::Parallel,
                    },
                    backoff: retry.and_then(|r| r.backoff.as_ref()).map(|b| b.value),
                    jitter: retry.and_then(|r| r.jitter.as_ref()).map(|j| j.value),
                    budget: retry.and_then(|r| r.budget.as_ref()).map(|b| b.value),
                    idempotent: call.idempotent.as_ref().map(|i| i.value),
                    idempotency_key: call.idempotency_key.as_ref().map(|k| k.value.clone()),
                    retry_span: call
                        .retry
                        .as_ref()
                        .map(|r| r.span(source))
                        .or(call.retries.as_ref().map(|r| r.span(source))),
                },
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
            let thrift: Vec<_> = target
                .thrift
                .iter()
                .map(|&i| &self.model.thrift[i])
                .collect();
            if !thrift.is_empty() && operations::thrift(op, &thrift).is_ok() {
                return Protocol::Thrift;
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
        let only_thrift =
            !target.thrift.is_empty() && target.grpc.is_empty() && target.openapi.is_empty();
        if only_thrift && !operations::looks_like_http(op) {
            Protocol::Thrift
        } else if operations::looks_like_http(op) {
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
            Protocol::Thrift if !target.contracts.thrift.is_empty() => {
                let services: Vec<_> = target
                    .contracts
                    .thrift
                    .iter()
                    .map(|&i| &self.model.thrift[i])
                    .collect();
                Some((
                    operations::thrift(&written.value, &services),
                    "Thrift method",
                ))
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
                let caller = self.service_item(from);
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
                    .about(caller)
                    .about(Item::Service(to))
                    .about(Item::Name(written.value.trim().to_owned()))
                    .label("not in the contract")
                    .services([from.to_owned(), target_name])
                    .operation(written.value.trim())
                    .help(help),
                );
                None
            }
        }
    }

    pub(super) fn resolve_datastores(&mut self, service: ServiceId, input: &ManifestInput) {
        let source = input.source;
        let from = self.model.name(service).to_owned();
        for used in &input.manifest.datastores {
            let name = &used.name;
            let Some(&datastore) = self.datastore_names.get(&name.value) else {
                let known: Vec<String> = self.datastore_names.keys().cloned().collect();
                self.unknown_declaration(&from, "datastore", name, source, &known);
                continue;
            };
            self.model.accesses.push(DatastoreAccess {
                service,
                datastore,
                access: used
                    .access
                    .as_ref()
                    .map_or(manifest::Access::ReadWrite, |a| a.value),
                fallback: used.fallback.as_ref().is_some_and(|f| f.value),
                span: used.span(source),
                provenance: Provenance::manifest(),
            });
        }
    }

    /// CA002 for a broker or datastore that commaudit.yaml does not declare, with the closest
    /// declared name.
    pub(super) fn unknown_declaration(
        &mut self,
        service: &str,
        what: &str,
        name: &Located<String>,
        source: SourceId,
        known: &[String],
    ) {
        let help = match suggest::closest(&name.value, known.iter().map(String::as_str)) {
            Some(s) => format!(
                "did you mean `{s}`? otherwise declare `{}` under `{what}s:` in commaudit.yaml",
                name.value
            ),
            None => format!(
                "declare `{}` under `{what}s:` in commaudit.yaml, with its kind",
                name.value
            ),
        };
        let caller = self.service_item(service);
        self.findings.push(
            Finding::new(
                UNKNOWN_SERVICE,
                format!("`{service}` uses unknown {what} `{}`", name.value),
            )
            .at(name.span(source))
            .about(caller)
            .about(Item::Key(what.to_owned()))
            .about(Item::Name(name.value.clone()))
            .label("not declared")
            .service(service)
            .help(help),
        );
    }
}
