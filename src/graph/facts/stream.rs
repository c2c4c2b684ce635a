//! The one stream picker: which server-streaming gRPC method a poll should become. The rule
//! (CA304), the recommendation and the plan all name the stream this returns.

use crate::load::proto::ProtoMethod;
use crate::model::{Call, Model};

/// A server-streaming method the callee already serves, for a call that polls it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamChoice {
    /// `pkg.Service/Method`.
    pub name: String,
    /// Its name shares a word with the polled operation, so it likely carries that status.
    pub related: bool,
}

/// The callee's server-streaming method whose name shares the most words with the polled
/// operation (the first declared on a tie), and whether it shares any.
pub fn for_polling(model: &Model, call: &Call) -> Option<StreamChoice> {
    let polled = words(call.operation.as_ref().map_or("", |o| o.name.as_str()));
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
    best.map(|(shared, name)| StreamChoice {
        name,
        related: shared > 0,
    })
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
}
