//! CA401 grpc-behind-l4: a service that serves gRPC behind a connection-level (L4) load balancer,
//! which pins each client's long-lived HTTP/2 connection to one instance. One finding per
//! service, at its `load_balancer:` line, with every gRPC call into it.

use crate::diagnostics::{Finding, Item};
use crate::model::{Call, LoadBalancer, Protocol, Service, ServiceId, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::GRPC_BEHIND_L4;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let mut grpc_calls: Vec<Vec<&Call>> = vec![Vec::new(); model.services.len()];
    for call in model.calls.iter().filter(|c| c.protocol == Protocol::Grpc) {
        if let Some(into) = grpc_calls.get_mut(call.to.index()) {
            into.push(call);
        }
    }
    model
        .service_ids()
        .zip(model.services.iter().zip(&grpc_calls))
        .filter(|(_, (service, calls))| {
            !matches!(service.kind, ServiceKind::Client | ServiceKind::Infrastructure)
                && service.load_balancer == Some(LoadBalancer::L4)
                && (!service.contracts.grpc.is_empty() || !calls.is_empty())
        })
        .map(|(id, (service, calls))| finding(ctx, id, service, calls))
        .collect()
}

fn finding(ctx: &Context, id: ServiceId, service: &Service, calls: &[&Call]) -> Finding {
    let model = ctx.model;
    let name = &service.name;
    let mut finding = Finding::new(
        GRPC_BEHIND_L4,
        format!(
            "`{name}` serves gRPC behind an L4 load balancer, which pins each client to one \
             instance"
        ),
    )
    .at(service.load_balancer_span.unwrap_or(service.span))
    .about(Item::Service(id))
    .label("balances connections, not requests")
    .service(name.clone())
    .services(callers(ctx, calls))
    .help(format!(
        "balance requests to `{name}`, not connections: put it behind an L7 proxy that speaks \
         HTTP/2 (Envoy, an ALB with gRPC) or in a service mesh, or let its callers balance \
         through a headless Service; then declare `load_balancer: l7`, `mesh` or `client`"
    ));
    let served: Vec<String> = service
        .contracts
        .grpc
        .iter()
        .filter_map(|&i| model.grpc.get(i))
        .map(|p| format!("`{}`", p.full_name))
        .collect();
    if let (Some(span), false) = (service.contracts.span, served.is_empty()) {
        finding = finding.related(span, format!("`{name}` serves {}", served.join(", ")));
    }
    for call in calls {
        finding = finding.related(
            call.span,
            format!("`{}` calls it over gRPC", model.name(call.from)),
        );
    }
    finding
}

/// The distinct callers, in name order.
fn callers(ctx: &Context, calls: &[&Call]) -> Vec<String> {
    let mut names: Vec<String> = calls
        .iter()
        .map(|c| ctx.model.name(c.from).to_owned())
        .collect();
    names.sort();
    names.dedup();
    names
}
