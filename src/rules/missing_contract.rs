//! CA004 missing-contract: a sync call into a service with no proto or OpenAPI contract.
//!
//! One finding per provider and protocol, at the provider's declaration (that is where the
//! contract goes), with each caller's call as a related location.

use std::collections::BTreeMap;

use crate::diagnostics::{Finding, Item, Subject};
use crate::model::{Protocol, CallId, ServiceId, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::MISSING_CONTRACT;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let mut uncovered: BTreeMap<(ServiceId, &'static str), Vec<(CallId, &crate::model::Call)>> =
        BTreeMap::new();
    for (id, call) in model.call_ids().zip(&model.calls) {
        let target = model.service(call.to);
        if target.contracts.unreadable
            || matches!(
                target.kind,
                ServiceKind::Client | ServiceKind::External | ServiceKind::Infrastructure
            )
        {
            continue;
        }
        let contract = match call.protocol {
            Protocol::Grpc if target.contracts.grpc.is_empty() => "gRPC (.proto)",
            Protocol::Http if target.contracts.openapi.is_empty() => "OpenAPI",
            _ => continue,
        };
        uncovered
            .entry((call.to, contract))
            .or_default()
            .push((id, call));
    }
    uncovered
        .into_iter()
        .map(|((target, contract), calls)| {
            let provider = model.service(target);
            let mut callers: Vec<&str> = calls.iter().map(|(_, c)| model.name(c.from)).collect();
            callers.sort_unstable();
            callers.dedup();
            let protocol = calls[0].1.protocol.as_str();
            let (fix, example) = if contract == "OpenAPI" {
                (
                    "describe its HTTP API in an OpenAPI document and link it",
                    "`provides: { openapi: { spec: openapi/<name>.yaml } }`",
                )
            } else {
                (
                    "declare its gRPC service in a .proto file and link it",
                    "`provides: { grpc: { service: pkg.v1.Service } }`",
                )
            };
            let mut finding = Finding::new(
                MISSING_CONTRACT,
                format!(
                    "`{}` is called over {protocol} by {} but declares no {contract} contract",
                    provider.name,
                    callers
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
            .at(provider.span)
            // One missing contract, however many callers it has.
            .subject(Subject::group(
                vec![Item::Service(target), Item::Key(contract.to_owned())],
                calls.iter().map(|(id, _)| Item::Call(*id)).collect(),
            ))
            .label("no contract declared")
            .service(provider.name.clone())
            .services(callers.iter().map(|c| (*c).to_owned()))
            .help(format!("{fix} with {example}"));
            for (_, call) in calls {
                finding = finding.related(
                    call.span,
                    format!("called from `{}`", model.name(call.from)),
                );
            }
            finding
        })
        .collect()
}
