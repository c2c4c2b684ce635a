//! CA304 polling-for-status: a call repeated every `poll_interval_ms` to watch for a change.
//! Inside the system it should be a gRPC server stream (the finding names one the callee
//! already serves when it can); at the public edge, server-sent events or a WebSocket.

use crate::diagnostics::{Finding, Item};
use crate::graph::facts::stream::{self, StreamChoice};
use crate::model::{Call, CallId, Model, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::POLLING_FOR_STATUS;

pub fn check(ctx: &Context) -> Vec<Finding> {
    ctx.model
        .call_ids()
        .zip(&ctx.model.calls)
        .filter_map(|(id, call)| Some(finding(ctx.model, id, call, call.poll_interval_ms?)))
        .collect()
}

fn finding(model: &Model, id: CallId, call: &Call, interval_ms: f64) -> Finding {
    let (caller, callee) = (model.name(call.from), model.name(call.to));
    let op = call.operation.as_ref().map(|o| o.name.as_str());
    let every = format!("every {} ms", plain(interval_ms));
    let mut message = match op {
        Some(op) => format!("`{caller}` polls `{callee}` with `{op}` {every}"),
        None => format!("`{caller}` polls `{callee}` {every}"),
    };
    if let Some(rps) = call.rps {
        message.push_str(&format!(", {} requests per second", plain(rps)));
    }

    let help = if model.service(call.from).kind == ServiceKind::Client {
        format!(
            "push each change to `{caller}` with server-sent events or a WebSocket from \
             `{callee}` instead of answering a poll {every}"
        )
    } else {
        match stream::for_polling(model, call) {
            Some(StreamChoice { name, related: true }) => format!(
                "call `{name}`, which `{callee}` already serves, and keep one stream open \
                 instead of polling"
            ),
            Some(StreamChoice { name, related: false }) => format!(
                "stream the changes over gRPC: `{callee}` already serves the server-streaming \
                 `{name}`; use it if it carries this status, or add a method like it"
            ),
            None if model.service(call.to).contracts.grpc.is_empty() => format!(
                "give `{callee}` a gRPC service with a server-streaming method (`returns (stream \
                 ...)`) for these changes, call it, and keep one stream open instead of polling"
            ),
            None => format!(
                "add a server-streaming method (`returns (stream ...)`) for these changes to the \
                 gRPC service of `{callee}`, call it, and keep one stream open instead of polling"
            ),
        }
    };
    let mut finding = Finding::new(POLLING_FOR_STATUS, message)
        .at(call.span)
        .about(Item::Call(id))
        .label(format!("repeated {every}"))
        .services([caller, callee])
        .help(help);
    if let Some(op) = op {
        finding = finding.operation(op);
    }
    finding
}

/// `2000`, `2.5`, `1800`.
fn plain(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_print_plainly() {
        assert_eq!(plain(2000.0), "2000");
        assert_eq!(plain(2.5), "2.5");
    }
}
