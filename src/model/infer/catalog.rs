//! Backstage catalogs: Components become services; `providesApis` links their contracts,
//! `consumesApis` becomes a call to the component that provides the API (or, for an AsyncAPI
//! API, a subscription to its channels), and `dependsOn` a call or a datastore use.

use super::Protos;
use crate::diagnostics::catalog::UNKNOWN_SERVICE;
use crate::diagnostics::{Finding, Item};
use crate::load::backstage::{Entity, parse_ref};
use crate::load::imports::Imports;
use crate::model::{Exposure, Protocol, ServiceKind};
use crate::suggest;

use super::classify::Role;
use super::{INode, Inferred};

pub fn from_backstage(imports: &Imports, protos: &Protos, out: &mut Inferred) {
    let entities: Vec<&Entity> = imports
        .backstage
        .iter()
        .flat_map(|f| f.entities.iter())
        .collect();
    let of_kind = |kind: &'static str| {
        entities
            .iter()
            .copied()
            .filter(move |e| e.kind.eq_ignore_ascii_case(kind))
    };
    let definition = |api: &str| {
        imports
            .backstage
            .iter()
            .find_map(|f| f.definitions.get(api).copied())
    };
    for c in of_kind("Component") {
        let contract_sources: Vec<_> = c
            .provides_apis
            .iter()
            .filter_map(|(r, _)| definition(parse_ref(r, "api").1))
            .collect();
        if let Some(node) = out.nodes.iter_mut().find(|n| n.name == c.name) {
            node.contract_sources.extend(contract_sources);
            continue;
        }
        let public = matches!(c.spec_type.as_deref(), Some("website"));
        out.nodes.push(INode {
            name: c.name.clone(),
            role: Role::Service,
            kind: if public {
                ServiceKind::Gateway
            } else {
                ServiceKind::Service
            },
            exposure: if public {
                Exposure::Public
            } else {
                Exposure::Internal
            },
            load_balancer: None,
            span: c.span,
            evidence: format!("Backstage Component {}", c.name),
            build_context: None,
            declared: true,
            grpc: super::matching_protos(&c.name, protos),
            contract_sources,
        });
    }
    for r in of_kind("Resource") {
        if !out.nodes.iter().any(|n| n.name == r.name) {
            let kind = r.spec_type.clone().unwrap_or_else(|| "database".into());
            out.nodes.push(INode {
                name: r.name.clone(),
                role: Role::Datastore(kind),
                kind: ServiceKind::Service,
                exposure: Exposure::Internal,
                load_balancer: None,
                span: r.span,
                evidence: format!("Backstage Resource {}", r.name),
                build_context: None,
                declared: true,
                grpc: Vec::new(),
                contract_sources: Vec::new(),
            });
        }
    }
    let apis: Vec<&Entity> = of_kind("API").collect();
    for c in of_kind("Component") {
        for (reference, span) in &c.consumes_apis {
            let (_, api_name) = parse_ref(reference, "api");
            let Some(api) = apis.iter().find(|a| a.name == api_name) else {
                unknown(
                    out,
                    &c.name,
                    reference,
                    *span,
                    "API",
                    apis.iter().map(|a| a.name.as_str()),
                );
                continue;
            };
            let providers = of_kind("Component").filter(|p| {
                p.provides_apis
                    .iter()
                    .any(|(r, _)| parse_ref(r, "api").1 == api_name)
            });
            for provider in providers {
                let protocol = match api.spec_type.as_deref() {
                    Some("grpc") => Protocol::Grpc,
                    Some("graphql") => Protocol::Graphql,
                    Some("asyncapi") => continue, // channels come from the AsyncAPI document
                    _ => Protocol::Http,
                };
                let evidence = format!("consumesApis {reference}");
                out.add_call((&c.name, &provider.name), protocol, *span, evidence, true);
            }
        }
        for (reference, span) in &c.depends_on {
            let (kind, name) = parse_ref(reference, "component");
            match kind.as_str() {
                "resource" if entities.iter().any(|e| e.name == name) => {
                    let evidence = format!("dependsOn {reference}");
                    out.add_access((&c.name, name), *span, evidence, true);
                }
                "component" if out.nodes.iter().any(|n| n.name == name) => {
                    let protocol = provided_protocol(&entities, &apis, name);
                    let evidence = format!("dependsOn {reference}");
                    out.add_call((&c.name, name), protocol, *span, evidence, true);
                }
                _ => unknown(
                    out,
                    &c.name,
                    reference,
                    *span,
                    "entity",
                    entities.iter().map(|e| e.name.as_str()),
                ),
            }
        }
    }
}

/// The protocol of the one API a component provides, or `unknown`.
fn provided_protocol(entities: &[&Entity], apis: &[&Entity], component: &str) -> Protocol {
    let provided: Vec<&str> = entities
        .iter()
        .filter(|e| e.name == component)
        .flat_map(|e| e.provides_apis.iter().map(|(r, _)| parse_ref(r, "api").1))
        .collect();
    let types: Vec<Option<&str>> = apis
        .iter()
        .filter(|a| provided.contains(&a.name.as_str()))
        .map(|a| a.spec_type.as_deref())
        .collect();
    match types.as_slice() {
        [Some("grpc")] => Protocol::Grpc,
        [Some("openapi")] => Protocol::Http,
        _ => Protocol::Other("unknown".into()),
    }
}

fn unknown<'a>(
    out: &mut Inferred,
    from: &str,
    reference: &str,
    span: crate::source::Span,
    what: &str,
    names: impl Iterator<Item = &'a str>,
) {
    let help = suggest::did_you_mean(parse_ref(reference, "component").1, names)
        .unwrap_or_else(|| format!("add the {what} to the catalog, or fix the reference"));
    out.findings.push(
        Finding::new(
            UNKNOWN_SERVICE,
            format!("`{from}` refers to `{reference}`, which the catalog does not define"),
        )
        .at(span)
        .about(Item::Name(from.to_owned()))
        .about(Item::Key(what.to_owned()))
        .about(Item::Name(reference.to_owned()))
        .label("not in the catalog")
        .service(from.to_owned())
        .help(help),
    );
}
