//! CA201 request-reply-over-queue: a publisher that waits for its consumer's answer, a
//! synchronous call with a broker in the middle. One finding per publisher and consumer, at the
//! publication; an error when the publisher sits on a request path from an entrypoint.

use crate::diagnostics::{Finding, Item, Severity};
use crate::graph::request_reply::RequestReply;
use crate::model::ServiceId;

use super::Context;
use crate::diagnostics::catalog::REQUEST_REPLY_OVER_QUEUE;

pub fn check(ctx: &Context) -> Vec<Finding> {
    ctx.analysis
        .request_replies
        .iter()
        .filter_map(|rr| finding(ctx, rr))
        .collect()
}

fn finding(ctx: &Context, rr: &RequestReply) -> Option<Finding> {
    let model = ctx.model;
    let publication = model.publications.get(rr.publication.index())?;
    let subscription = model.subscriptions.get(rr.subscription.index())?;
    let subject = &model.channel(publication.channel).subject;
    let (publisher, consumer) = (model.name(rr.publisher), model.name(rr.consumer));

    let mut message = format!(
        "`{publisher}` publishes `{subject}` and waits for `{consumer}` to answer: \
         a synchronous call through a queue"
    );
    let on_entry_path = ctx
        .analysis
        .on_entry_path
        .get(rr.publisher.index())
        .copied()
        .unwrap_or(false);
    if on_entry_path {
        message.push_str(&format!(
            " on the request path of {}",
            entrypoints(ctx, rr.publisher)
        ));
    }
    message.push_str(&format!("; evidence: {}", rr.evidence.describe()));
    let finding = Finding::new(REQUEST_REPLY_OVER_QUEUE, message)
        .at(publication.span)
        .about(Item::Publication(rr.publication))
        .about(Item::Subscription(rr.subscription))
        .label(format!("waits here for `{consumer}`'s answer"))
        .services([publisher, consumer])
        .operation(subject.clone())
        .related(subscription.span, format!("`{consumer}` answers it here"))
        .help(format!(
            "if `{publisher}` needs the answer now, call `{consumer}` directly over gRPC with a \
             timeout; otherwise stop waiting: publish `{subject}`, carry on, and let \
             `{consumer}` publish its result as an event that `{publisher}` reacts to"
        ));
    Some(if on_entry_path {
        finding.severity(Severity::Error)
    } else {
        finding
    })
}

/// The entrypoints whose requests wait on `publisher`: those that fail when it fails, else (when
/// only soft calls lead to it) a plain "an entrypoint".
fn entrypoints(ctx: &Context, publisher: ServiceId) -> String {
    let names: Vec<String> = ctx
        .analysis
        .takes_down
        .get(publisher.index())
        .map(|down| {
            down.iter()
                .map(|&e| format!("`{}`", ctx.model.name(e)))
                .collect()
        })
        .unwrap_or_default();
    match names.as_slice() {
        [] => "an entrypoint".to_owned(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, c] => format!("{a}, {b} and {c}"),
        [a, b, c, rest @ ..] => format!("{a}, {b}, {c} and {} more", rest.len()),
    }
}
