//! CA004 missing-contract: a sync call into a service with no proto or OpenAPI contract.
//!
//! One finding per provider and protocol, at the provider's declaration (that is where the
//! contract goes), with each caller's call as a related location.

use std::collections::BTreeMap;

use crate::diagnostics::{Finding, Item, Subject};
use crate::model::{CallId, Model, Protocol, ServiceId, ServiceKind};
use crate::source::Span;

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
            let unclaimed = unprovided(model, contract, target);
            if !unclaimed.is_empty() {
                finding = finding.help(format!(
                    "{fix} with {example}; the scan read {} no service provides: if one is `{}`'s, link it",
                    match unclaimed.len() {
                        1 => format!("1 {contract} contract"),
                        n => format!("{n} {contract} contracts"),
                    },
                    provider.name
                ));
                for (span, what) in unclaimed.into_iter().take(SHOWN) {
                    finding = finding.related(span, format!("{what}, which no service provides"));
                }
            }
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

/// Unclaimed contracts shown with one finding, at most.
const SHOWN: usize = 3;

/// Contracts of the missing kind that the scan read and no service provides, where they are
/// declared: one of them may be the contract the finding is about. A contract whose name is
/// another service's (`Notifications service`, `notifications.v1.NotificationService`) is that
/// service's, not a candidate.
fn unprovided(model: &Model, contract: &str, provider: ServiceId) -> Vec<(Span, String)> {
    let others: std::collections::BTreeSet<String> = model
        .services
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != provider.index())
        .map(|(_, s)| stem(&s.name))
        .collect();
    let someone_else_s = |name: &str| others.contains(&stem(name));
    let openapi = contract == "OpenAPI";
    let count = if openapi { model.openapi.len() } else { model.grpc.len() };
    let mut provided = vec![false; count];
    for s in &model.services {
        let ids = if openapi { &s.contracts.openapi } else { &s.contracts.grpc };
        for &i in ids {
            if let Some(p) = provided.get_mut(i) {
                *p = true;
            }
        }
    }
    let unclaimed = provided.iter().enumerate().filter(|(_, p)| !**p).map(|(i, _)| i);
    if openapi {
        unclaimed
            .filter(|&i| {
                let title = model.openapi[i].title.as_deref();
                !title.is_some_and(&someone_else_s)
            })
            .map(|i| {
                let doc = &model.openapi[i];
                let what = match &doc.title {
                    Some(t) => format!("OpenAPI document `{t}`"),
                    None => "an OpenAPI document".to_owned(),
                };
                (Span::file_start(doc.source), what)
            })
            .collect()
    } else {
        unclaimed
            .filter(|&i| {
                let full = &model.grpc[i].full_name;
                !someone_else_s(full.rsplit('.').next().unwrap_or(full))
            })
            .map(|i| {
                let p = &model.grpc[i];
                (p.span, format!("gRPC service `{}`", p.full_name))
            })
            .collect()
    }
}

/// A name reduced to what identifies it: lower-case letters and digits, without a trailing
/// "service", "api", "svc" or "server" (`Notifications service` and `notifications` agree).
fn stem(name: &str) -> String {
    let mut flat: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    while let Some(cut) = ["service", "api", "svc", "server"]
        .iter()
        .find_map(|w| flat.strip_suffix(w).filter(|s| !s.is_empty()))
    {
        flat = cut.to_owned();
    }
    flat
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn stems_agree_across_naming_styles() {
        assert_eq!(stem("Notifications service"), "notifications");
        assert_eq!(stem("NotificationsService"), "notifications");
        assert_eq!(stem("BookInfo API"), "bookinfo");
        assert_eq!(stem("search-indexer"), "searchindexer");
        assert_eq!(stem("api"), "api");
    }
}
