//! CA401 grpc-behind-l4: a service that serves gRPC behind a connection-level (L4) load balancer,
//! which pins each client's long-lived HTTP/2 connection to one instance. One finding per
//! service whose manifest declares the balancer, at its `load_balancer:` line, with every gRPC
//! call into it. Services whose L4 balancer was read from the platform (a plain Kubernetes
//! Service with no mesh) share one cause, one platform decision: they make one finding, every
//! service a related location, and its fingerprint holds as services join or leave.

use crate::diagnostics::{Finding, Item, Subject};
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
    let behind_l4: Vec<(ServiceId, &Service, &Vec<&Call>)> = model
        .service_ids()
        .zip(model.services.iter().zip(&grpc_calls))
        .filter(|(_, (service, calls))| {
            !matches!(service.kind, ServiceKind::Client | ServiceKind::Infrastructure)
                && service.load_balancer == Some(LoadBalancer::L4)
                && (!service.contracts.grpc.is_empty() || !calls.is_empty())
        })
        .map(|(id, (service, calls))| (id, service, calls))
        .collect();
    let (declared, platform): (Vec<_>, Vec<_>) = behind_l4
        .into_iter()
        .partition(|(_, service, _)| service.load_balancer_span.is_some());
    let mut out: Vec<Finding> = declared
        .into_iter()
        .map(|(id, service, calls)| finding(ctx, id, service, calls))
        .collect();
    match platform.as_slice() {
        [] => {}
        [(id, service, calls)] => out.push(finding(ctx, *id, service, calls)),
        many => out.push(platform_finding(ctx, many)),
    }
    out
}

/// One finding for every gRPC server behind plain platform Services: one decision to change.
fn platform_finding(ctx: &Context, servers: &[(ServiceId, &Service, &Vec<&Call>)]) -> Finding {
    let model = ctx.model;
    let names: Vec<String> = servers.iter().map(|(_, s, _)| s.name.clone()).collect();
    let (_, first, _) = servers[0];
    let shown = names
        .iter()
        .take(5)
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let more = match names.len().saturating_sub(5) {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let mut finding = Finding::new(
        GRPC_BEHIND_L4,
        format!(
            "{} gRPC servers ({shown}{more}) sit behind plain Kubernetes Services with no mesh, an L4 balancer that pins each client to one instance",
            names.len()
        ),
    )
    .at(first.span)
    .label("balances connections, not requests")
    .subject(Subject::group(
        vec![Item::Key("grpc behind plain platform Services".into())],
        servers.iter().map(|(id, _, _)| Item::Service(*id)).collect(),
    ))
    .services(names.clone())
    .help(
        "balance requests, not connections, for all of them at once: add a service mesh (Linkerd, Istio) to the namespace, or make the Services headless (`clusterIP: None`) and let the gRPC clients balance; then declare `load_balancer: mesh` or `client`",
    );
    for (_, service, calls) in servers.iter().skip(1) {
        let callers = callers(ctx, calls);
        let by = if callers.is_empty() {
            String::new()
        } else {
            format!(
                ", called by {}",
                callers
                    .iter()
                    .map(|c| format!("`{c}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        finding = finding.related(
            service.span,
            format!("`{}` serves gRPC behind a plain Service{by}", service.name),
        );
    }
    for call in servers[0].2.iter() {
        finding = finding.related(
            call.span,
            format!("`{}` calls `{}` over gRPC", model.name(call.from), first.name),
        );
    }
    finding
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
