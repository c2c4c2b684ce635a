//! Words and places for the hops of G_sync, shared by the rules that report chains and cycles.

use crate::graph::sync::{SyncEdge, Via};
use crate::model::ServiceId;
use crate::source::Span;

use super::Context;

/// `storefront -> checkout -> orders`.
pub fn path_text(ctx: &Context, services: &[ServiceId]) -> String {
    services
        .iter()
        .map(|&s| ctx.model.name(s))
        .collect::<Vec<_>>()
        .join(" -> ")
}

/// The line that declares a hop: the call, or the publication that waits for a reply.
pub fn span(ctx: &Context, edge: &SyncEdge) -> Span {
    match edge.via {
        Via::Call(c) => ctx.model.call(c).span,
        Via::RequestReply(i) => {
            let rr = &ctx.analysis.request_replies[i];
            ctx.model.publications[rr.publication.index()].span
        }
    }
}

/// What is invoked on a hop: the operation, or the subject waited on.
pub fn operation(ctx: &Context, edge: &SyncEdge) -> Option<String> {
    match edge.via {
        Via::Call(c) => ctx.model.call(c).operation.as_ref().map(|o| o.name.clone()),
        Via::RequestReply(i) => {
            let rr = &ctx.analysis.request_replies[i];
            let p = &ctx.model.publications[rr.publication.index()];
            Some(ctx.model.channel(p.channel).subject.clone())
        }
    }
}

/// `checkout calls orders (POST /orders)` or `orders waits for fraud's reply on fraud.check`.
pub fn describe(ctx: &Context, edge: &SyncEdge) -> String {
    let (from, to) = (ctx.model.name(edge.from), ctx.model.name(edge.to));
    match (edge.via, operation(ctx, edge)) {
        (Via::Call(_), Some(op)) => format!("{from} calls {to} ({op})"),
        (Via::Call(_), None) => format!("{from} calls {to}"),
        (Via::RequestReply(_), Some(subject)) => {
            format!("{from} waits for {to}'s reply to {subject}")
        }
        (Via::RequestReply(_), None) => format!("{from} waits for {to}'s reply"),
    }
}

/// A percentage for messages: `99.4`, `99.99`, `81`.
pub fn percent(fraction: f64) -> String {
    let p = fraction * 100.0;
    let text = format!("{p:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    text.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn percentages_read_naturally() {
        assert_eq!(super::percent(0.9999), "99.99");
        assert_eq!(super::percent(0.994_01), "99.401");
        assert_eq!(super::percent(0.5), "50");
    }
}
