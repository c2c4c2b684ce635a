//! CA304 polling-for-status: a call repeated every `poll_interval_ms` to watch for a change.
//! Inside the system it should be a gRPC server stream (the finding names one the callee
//! already serves when it can); at the public edge, server-sent events or a WebSocket.

use crate::diagnostics::{Finding, Item};
use crate::load::proto::ProtoMethod;
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
        match best_stream(model, call, op.unwrap_or("")) {
            Some((name, true)) => format!(
                "call `{name}`, which `{callee}` already serves, and keep one stream open \
                 instead of polling"
            ),
            Some((name, false)) => format!(
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

/// The callee's server-streaming method whose name shares the most words with the polled
/// operation (the first declared on a tie), and whether it shares any.
fn best_stream(model: &Model, call: &Call, polled: &str) -> Option<(String, bool)> {
    let polled = words(polled);
    let mut best: Option<(usize, String)> = None;
    let streams = model
        .service(call.to)
        .contracts
        .grpc
        .iter()
        .filter_map(|&i| model.grpc.get(i))
        .flat_map(|s| s.methods.iter().map(move |m| (s, m)))
        .filter(|(_, m)| m.server_streaming);
    for (service, method) in streams {
        let shared = shared_words(&polled, method);
        if best.as_ref().is_none_or(|(n, _)| shared > *n) {
            best = Some((shared, format!("{}/{}", service.full_name, method.name)));
        }
    }
    best.map(|(shared, name)| (name, shared > 0))
}

fn shared_words(polled: &[String], method: &ProtoMethod) -> usize {
    words(&method.name)
        .iter()
        .filter(|w| polled.contains(w))
        .count()
}

/// The meaningful words of an operation or method name, lower case and singular:
/// `GET /orders/{orderId}/status` -> order, status; `StreamOrderStatus` -> order, status.
fn words(name: &str) -> Vec<String> {
    const NOISE: &[&str] = &[
        "get",
        "list",
        "post",
        "put",
        "patch",
        "delete",
        "stream",
        "watch",
        "subscribe",
        "id",
        "api",
    ];
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev_lower = false;
    for c in name.chars().chain([' ']) {
        let boundary = !c.is_ascii_alphanumeric() || (c.is_ascii_uppercase() && prev_lower);
        if boundary && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        if c.is_ascii_alphanumeric() {
            current.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    words
        .into_iter()
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.len() >= 3 && !stem.ends_with(['s', 'u', 'i']) => stem.to_owned(),
            _ => w,
        })
        .filter(|w| !NOISE.contains(&w.as_str()) && !w.chars().any(|c| c.is_ascii_digit()))
        .collect()
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
    fn operation_and_method_names_split_into_comparable_words() {
        assert_eq!(
            words("GET /orders/{orderId}/status"),
            ["order", "order", "status"]
        );
        assert_eq!(
            words("orders.v1.OrderService/StreamOrderStatus"),
            ["order", "order", "service", "order", "status"]
        );
        assert_eq!(words("StreamOrderStatus"), ["order", "status"]);
        assert_eq!(words("WatchShipments"), ["shipment"]);
        assert_eq!(words("getStatus"), ["status"]);
        assert_eq!(words("address"), ["address"]);
        assert_eq!(words("analysis"), ["analysis"]);
    }

    #[test]
    fn intervals_print_plainly() {
        assert_eq!(plain(2000.0), "2000");
        assert_eq!(plain(2.5), "2.5");
    }
}
