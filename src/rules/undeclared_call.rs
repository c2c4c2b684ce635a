//! CA501 undeclared-call: the traffic shows a service calling another that no manifest, contract
//! or imported configuration says it calls. Both ends must be services of the model; names the
//! traffic has that nothing declares are listed in the summary instead. The same for messages:
//! a service seen publishing to a destination, or consuming from one, that it declares no
//! publication or subscription for (reply inboxes aside).

use crate::diagnostics::catalog::UNDECLARED_CALL;
use crate::diagnostics::{Finding, Item};
use crate::model::ServiceId;
use crate::model::observed::{undeclared_calls, undeclared_consumptions, undeclared_publications};
use crate::model::subject::is_inbox;
use crate::source::Span;

use super::Context;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let mut findings = Vec::new();
    for (from, to, call) in undeclared_calls(model) {
        let (caller, callee) = (model.name(from), model.name(to));
        let over = call
            .protocol
            .as_deref()
            .map(|p| format!(" over {p}"))
            .unwrap_or_default();
        let protocol = match call.protocol.as_deref() {
            None | Some("http") => "rest",
            Some(other) => other,
        };
        findings.push(
            Finding::new(
                UNDECLARED_CALL,
                format!(
                    "`{caller}` calls `{callee}`{over} in the observed traffic ({}), but nothing declares that call",
                    call.stats.describe()
                ),
            )
            .at(model.service(from).span)
            .about(Item::Service(from))
            .about(Item::Service(to))
            .about(Item::Key(format!("observed {protocol}")))
            .label(format!("calls `{callee}` undeclared"))
            .service(caller.to_owned())
            .service(callee.to_owned())
            .related(call.at, format!("first seen here ({})", call.evidence))
            .help(format!(
                "declare it under `calls:` of `{caller}` (`- {{ to: {callee}, protocol: {protocol} }}`) with its timeout and whether the answer is needed, or remove the call from the code"
            )),
        );
    }
    for (publisher, destination, count, system, at) in undeclared_publications(model) {
        if is_inbox(destination) {
            continue;
        }
        findings.push(undeclared_message(
            ctx, publisher, destination, count, system, at, true,
        ));
    }
    for (consumer, c) in undeclared_consumptions(model) {
        if is_inbox(&c.destination) {
            continue;
        }
        findings.push(undeclared_message(
            ctx,
            consumer,
            &c.destination,
            c.count,
            c.system.as_deref(),
            c.at,
            false,
        ));
    }
    findings
}

/// A publication (`publishes`) or a subscription the traffic shows and nothing declares.
fn undeclared_message(
    ctx: &Context,
    service: ServiceId,
    destination: &str,
    count: u64,
    system: Option<&str>,
    at: Span,
    publishes: bool,
) -> Finding {
    let model = ctx.model;
    let name = model.name(service);
    let over = system.map(|p| format!(" over {p}")).unwrap_or_default();
    let (verb, what, key) = if publishes {
        ("publishes", "publication", "publishes")
    } else {
        ("consumes", "subscription", "subscribes")
    };
    let broker = model
        .brokers
        .iter()
        .find(|b| {
            system.is_some_and(|s| {
                b.name == s || format!("{:?}", b.kind).to_lowercase().starts_with(s)
            })
        })
        .or(model.brokers.first())
        .map_or_else(|| system.unwrap_or("broker").to_owned(), |b| b.name.clone());
    Finding::new(
        UNDECLARED_CALL,
        format!(
            "`{name}` {verb} `{destination}`{over} in the observed traffic ({count} message{}), but nothing declares that {what}",
            if count == 1 { "" } else { "s" }
        ),
    )
    .at(model.service(service).span)
    .about(Item::Service(service))
    .about(Item::Key(format!("observed {key} {destination}")))
    .label(format!("{verb} `{destination}` undeclared"))
    .service(name.to_owned())
    .related(at, "first seen here".to_owned())
    .help(format!(
        "declare it under `{key}:` of `{name}` (`- {{ subject: {destination}, broker: {broker} }}`), or remove it from the code"
    ))
}
