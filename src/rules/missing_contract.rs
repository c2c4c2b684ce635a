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
    let mut unclaimed_of: BTreeMap<&str, Unclaimed> = BTreeMap::new();
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
            let unclaimed = unclaimed_of
                .entry(contract)
                .or_insert_with(|| Unclaimed::of(model, contract));
            let (count, shown) = unclaimed.for_provider(&provider.name);
            if count > 0 {
                finding = finding.help(format!(
                    "{fix} with {example}; the scan read {} no service provides: if one is `{}`'s, link it",
                    match count {
                        1 => format!("1 {contract} contract"),
                        n => format!("{n} {contract} contracts"),
                    },
                    provider.name
                ));
                for (span, what) in shown {
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

/// Contracts of one kind that the scan read and no service provides, where they are declared:
/// one of them may be the contract a finding is about. A contract whose name is another
/// service's (`Notifications service`, `notifications.v1.NotificationService`) is that
/// service's, not a candidate. Built once per kind, so each finding costs what it shows.
struct Unclaimed {
    /// Unclaimed contracts named after no service, in the model's order.
    free: Vec<(usize, Span, String)>,
    /// Unclaimed contracts named after exactly one service, by that name's stem: a candidate
    /// for that service only.
    named: BTreeMap<String, Vec<(usize, Span, String)>>,
}

impl Unclaimed {
    fn of(model: &Model, contract: &str) -> Self {
        let mut stems: BTreeMap<String, usize> = BTreeMap::new();
        for s in &model.services {
            *stems.entry(stem(&s.name)).or_default() += 1;
        }
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
        let mut out = Unclaimed {
            free: Vec::new(),
            named: BTreeMap::new(),
        };
        for i in (0..count).filter(|&i| !provided[i]) {
            let (name, span, what) = if openapi {
                let doc = &model.openapi[i];
                let what = match &doc.title {
                    Some(t) => format!("OpenAPI document `{t}`"),
                    None => "an OpenAPI document".to_owned(),
                };
                (doc.title.as_deref().map(stem), Span::file_start(doc.source), what)
            } else {
                let p = &model.grpc[i];
                let short = p.full_name.rsplit('.').next().unwrap_or(&p.full_name);
                (Some(stem(short)), p.span, format!("gRPC service `{}`", p.full_name))
            };
            match name.as_ref().map_or(0, |n| stems.get(n).copied().unwrap_or(0)) {
                0 => out.free.push((i, span, what)),
                1 => out
                    .named
                    .entry(name.unwrap_or_default())
                    .or_default()
                    .push((i, span, what)),
                _ => {}
            }
        }
        out
    }

    /// How many unclaimed contracts may be `provider`'s, and the first few of them.
    fn for_provider(&self, provider: &str) -> (usize, Vec<(Span, String)>) {
        let own = self.named.get(&stem(provider)).map_or(&[][..], Vec::as_slice);
        let mut first: Vec<&(usize, Span, String)> =
            self.free.iter().take(SHOWN).chain(own.iter().take(SHOWN)).collect();
        first.sort_by_key(|(i, _, _)| *i);
        let shown = first
            .into_iter()
            .take(SHOWN)
            .map(|(_, span, what)| (*span, what.clone()))
            .collect();
        (self.free.len() + own.len(), shown)
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
