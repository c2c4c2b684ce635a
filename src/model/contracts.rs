//! Linking a service's declared contracts (`provides:`) to the documents the scan read: gRPC
//! services from .proto files, OpenAPI and AsyncAPI documents.

use crate::diagnostics::catalog::{INVALID_INPUT, UNKNOWN_OPERATION};
use crate::diagnostics::{Finding, Item};
use crate::load::ManifestInput;
use crate::load::manifest::ThriftContract;
use crate::load::thrift::ThriftService;
use crate::source::SourceId;
use crate::suggest;

use super::Contracts;
use super::documents::Kind;
use super::resolve::Resolver;

impl Resolver<'_> {
    pub(super) fn contracts_of(&mut self, input: &ManifestInput) -> Contracts {
        let mut contracts = Contracts::default();
        let Some(provides) = &input.manifest.provides else {
            return contracts;
        };
        let source = input.source;
        let owner = input.manifest.service.value.clone();
        for grpc in provides.grpc.iter() {
            contracts.span.get_or_insert(grpc.span(source));
            let name = &grpc.service.value;
            // The services come sorted by name (`load::proto::compile`): looked up, not
            // scanned, for each of thousands of manifests.
            let i = self
                .model
                .grpc
                .partition_point(|s| s.full_name.as_str() < name.as_str());
            if self.model.grpc.get(i).is_some_and(|s| &s.full_name == name) {
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
                .about(Item::Name(owner.clone()))
                .about(Item::Key("provides grpc".into()))
                .about(Item::Name(name.clone()))
                .service(owner.clone())
                .help(help),
            );
        }
        for thrift in provides.thrift.iter() {
            contracts.span.get_or_insert(thrift.span(source));
            self.thrift_contract(input, thrift, &mut contracts);
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
                    self.documents
                        .first_in(id, Kind::OpenApi)
                        .map(|i| contracts.openapi.push(i))
                } else {
                    self.documents
                        .first_in(id, Kind::AsyncApi)
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
                        .about(Item::Name(owner.clone()))
                        .about(Item::Key(format!("provides {what}")))
                        .about(Item::Name(contract.spec.value.clone()))
                        .help(format!("point `spec:` at the service's {what} document")),
                    );
                }
            }
        }
        contracts
    }

    /// Links `provides: thrift:` to the service a .thrift file declares (CA003 when none does).
    fn thrift_contract(
        &mut self,
        input: &ManifestInput,
        thrift: &ThriftContract,
        contracts: &mut Contracts,
    ) {
        let source = input.source;
        let name = &thrift.service.value;
        let idl = thrift
            .idl
            .as_ref()
            .map(|p| self.source_at(&input.dir, &p.value));
        let in_idl = |s: &ThriftService| idl.is_none_or(|id| id == Some(s.span.source));
        if let Some(i) = self
            .model
            .thrift
            .iter()
            .position(|s| s.answers_to(name) && in_idl(s))
        {
            contracts.thrift.push(i);
            return;
        }
        let unreadable = match idl {
            Some(id) => id.is_none_or(|id| self.broken.contains(&id)),
            None => self.broken.iter().any(|&id| {
                self.sources
                    .get(id)
                    .path
                    .extension()
                    .is_some_and(|e| e == "thrift")
            }),
        };
        if unreadable {
            contracts.unreadable = true;
            return;
        }
        let owner = input.manifest.service.value.clone();
        let names = self.model.thrift.iter().map(|s| s.full_name.as_str());
        let help = suggest::did_you_mean(name, names).unwrap_or_else(|| {
            "declare the service in a .thrift file the scan reads, or fix the name (`file.Service`)"
                .into()
        });
        self.findings.push(
            Finding::new(
                UNKNOWN_OPERATION,
                format!(
                    "`{owner}` provides Thrift service `{name}`, which no .thrift file declares"
                ),
            )
            .at(thrift.service.span(source))
            .about(Item::Name(owner.clone()))
            .about(Item::Key("provides thrift".into()))
            .about(Item::Name(name.clone()))
            .service(owner)
            .help(help),
        );
    }

    fn source_at(&self, dir: &std::path::Path, path: &str) -> Option<SourceId> {
        self.paths
            .get(&crate::load::canonical(&dir.join(path)))
            .copied()
    }
}
