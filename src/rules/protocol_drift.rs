//! CA504 protocol-drift: the traffic shows a declared call made over another protocol than the
//! one declared (declared REST, observed gRPC): recommendations and contracts are judged on the
//! declaration, so it must say what runs.

use crate::diagnostics::catalog::PROTOCOL_DRIFT;
use crate::diagnostics::{Finding, Item};

use super::Context;

/// Protocols a span names reliably enough to contradict a declaration.
const SYNC: [&str; 5] = ["http", "grpc", "graphql", "thrift", "websocket"];

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let mut findings = Vec::new();
    for (id, call) in model.call_ids().zip(&model.calls) {
        let declared = call.protocol.as_str();
        if !SYNC.contains(&declared) {
            continue;
        }
        let seen: Vec<&str> = model
            .observed
            .calls_between(call.from, call.to)
            .filter_map(|c| c.protocol.as_deref())
            .collect();
        if seen.is_empty() || seen.contains(&declared) {
            continue;
        }
        let Some(other) = seen.iter().find(|p| SYNC.contains(p)) else {
            continue;
        };
        let (caller, callee) = (model.name(call.from), model.name(call.to));
        findings.push(
            Finding::new(
                PROTOCOL_DRIFT,
                format!(
                    "`{caller}` declares its call to `{callee}` as {declared}, but the observed traffic is {other}"
                ),
            )
            .at(call.span)
            .about(Item::Call(id))
            .about(Item::Key(format!("observed {other}")))
            .label(format!("observed {other}"))
            .service(caller.to_owned())
            .service(callee.to_owned())
            .help(format!(
                "declare `protocol: {other}` (and the contract it uses), or find the client that still speaks {other}"
            )),
        );
    }
    findings
}
