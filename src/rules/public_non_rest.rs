//! CA303 public-non-rest: an entrypoint (public, partner or a gateway) that offers no REST API
//! described by OpenAPI, or that clients call over something other than HTTP.
//!
//! WebSocket calls from clients are left alone: CA304 recommends them for status feeds.

use crate::diagnostics::{Finding, Item};
use crate::model::{Call, Exposure, Protocol, Service, ServiceId, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::PUBLIC_NON_REST;

pub fn check(ctx: &Context) -> Vec<Finding> {
    // Client calls by callee, in call order: one pass, not one per entrypoint.
    let mut into: Vec<Vec<&Call>> = vec![Vec::new(); ctx.model.services.len()];
    for c in &ctx.model.calls {
        if ctx.model.service(c.from).kind == ServiceKind::Client
            && let Some(list) = into.get_mut(c.to.index())
        {
            list.push(c);
        }
    }
    ctx.model
        .service_ids()
        .filter_map(|id| finding(ctx, id, &into[id.index()]))
        .collect()
}

fn finding(ctx: &Context, id: ServiceId, from_clients: &[&Call]) -> Option<Finding> {
    let model = ctx.model;
    let service = model.service(id);
    let at_edge = service.kind == ServiceKind::Gateway
        || matches!(service.exposure, Exposure::Public | Exposure::Partner);
    if matches!(service.kind, ServiceKind::Client | ServiceKind::Infrastructure)
        || !at_edge
        || !ctx.analysis.is_entrypoint(id)
    {
        return None;
    }
    let no_openapi = service.contracts.openapi.is_empty() && !service.contracts.unreadable;
    let from_clients: Vec<&Call> = from_clients.to_vec();
    let off_rest: Vec<&Call> = from_clients
        .iter()
        .copied()
        .filter(|c| !matches!(c.protocol, Protocol::Http | Protocol::Websocket))
        .collect();
    if !no_openapi && off_rest.is_empty() {
        return None;
    }
    // Without an OpenAPI contract every client call has to move; with one, only the others.
    let relevant = if no_openapi { from_clients } else { off_rest };

    let grpc: Vec<String> = service
        .contracts
        .grpc
        .iter()
        .filter_map(|&i| model.grpc.get(i))
        .map(|s| format!("`{}`", s.full_name))
        .collect();
    let role = role(service);
    // "an internal gateway", "a public service".
    let article = if role.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    let who = format!("`{}` is {article} {role}", service.name);
    let mut message = if no_openapi {
        format!("{who} without a REST API described by OpenAPI")
    } else {
        format!("{who} that clients call over something other than REST")
    };
    let mut details = Vec::new();
    if !grpc.is_empty() {
        details.push(format!("it serves gRPC {}", grpc.join(", ")));
    }
    let callers = callers_text(ctx, &relevant);
    if !callers.is_empty() {
        details.push(callers);
    }
    if !details.is_empty() {
        message.push_str(&format!(": {}", details.join(" and ")));
    }
    let mut clients: Vec<&str> = relevant.iter().map(|c| model.name(c.from)).collect();
    clients.sort_unstable();
    clients.dedup();
    let mut help = if no_openapi {
        format!(
            "serve its API as REST, describe it in OpenAPI, generate the handlers from the \
             document and link it with `provides: {{ openapi: {{ spec: openapi/{}.yaml }} }}`",
            service.name
        )
    } else {
        format!(
            "move {} to the REST API its OpenAPI document describes",
            clients
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    if !grpc.is_empty() {
        help.push_str(&format!("; keep {} behind the edge", grpc.join(", ")));
    }
    let label = if no_openapi {
        "no OpenAPI contract"
    } else {
        "clients do not call it over REST"
    };
    let mut finding = Finding::new(PUBLIC_NON_REST, message)
        .at(service.contracts.span.unwrap_or(service.span))
        .about(Item::Service(id))
        .label(label)
        .service(service.name.clone())
        .services(clients.iter().map(|c| (*c).to_owned()))
        .help(help);
    for call in relevant {
        let op = call
            .operation
            .as_ref()
            .map_or_else(String::new, |o| format!(" (`{}`)", o.name));
        finding = finding.related(
            call.span,
            format!(
                "`{}` calls it over {}{op}",
                model.name(call.from),
                call.protocol
            ),
        );
    }
    Some(finding)
}

/// `partner gateway`, `public service`.
fn role(service: &Service) -> String {
    let exposure = match service.exposure {
        Exposure::Public => "public",
        Exposure::Partner => "partner",
        Exposure::Internal => "internal",
    };
    let kind = if service.kind == ServiceKind::Gateway {
        "gateway"
    } else {
        "service"
    };
    format!("{exposure} {kind}")
}

/// `` `partner-erp` calls it over grpc, `web` over graphql ``, one entry per client and protocol.
fn callers_text(ctx: &Context, calls: &[&Call]) -> String {
    let mut pairs: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| (ctx.model.name(c.from), c.protocol.as_str()))
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    pairs
        .iter()
        .enumerate()
        .map(|(i, (client, protocol))| {
            if i == 0 {
                format!("`{client}` calls it over {protocol}")
            } else {
                format!("`{client}` over {protocol}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
