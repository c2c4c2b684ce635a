//! CA502 unobserved-call: a declared call that the traffic never shows, although the traffic
//! covers its caller (the caller recorded spans, or is a client in the service-graph metrics).
//! The finding states the window it looked at: a rare call may simply not have happened in it.
//! The same for messages: a declared publication of a service that recorded producer spans,
//! or a declared subscription of one that recorded consumer spans, that the traffic never
//! shows (patterns and reply inboxes aside).

use crate::diagnostics::catalog::UNOBSERVED_CALL;
use crate::diagnostics::{Finding, Item};
use crate::model::subject::{is_inbox, is_pattern, overlaps};
use crate::model::{PublicationId, SubscriptionId};

use super::Context;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let observed = &model.observed;
    if observed.is_empty() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for (id, call) in model.call_ids().zip(&model.calls) {
        if !observed.covered.contains(&call.from)
            || observed.calls_between(call.from, call.to).next().is_some()
        {
            continue;
        }
        let (caller, callee) = (model.name(call.from), model.name(call.to));
        let made = observed
            .calls
            .iter()
            .filter(|c| c.from.service() == Some(call.from))
            .map(|c| c.stats.count)
            .sum::<u64>();
        findings.push(
            Finding::new(
                UNOBSERVED_CALL,
                format!(
                    "`{caller}` declares a call to `{callee}` that never happened in {} (calls by `{caller}` seen: {made})",
                    observed.describe_window()
                ),
            )
            .at(call.span)
            .about(Item::Call(id))
            .label("never observed")
            .service(caller.to_owned())
            .service(callee.to_owned())
            .help(format!(
                "if `{caller}` no longer calls `{callee}`, remove the declaration; if the call is rare, scan a longer window of traffic; if it goes through a client that records no spans, instrument it"
            )),
        );
    }
    for (i, p) in model.publications.iter().enumerate() {
        let subject = &model.channel(p.channel).subject;
        if !observed.producing.contains(&p.service) || is_pattern(subject) || is_inbox(subject) {
            continue;
        }
        let mine = observed
            .messages
            .iter()
            .filter(|m| m.publisher.service() == Some(p.service));
        if mine.clone().any(|m| &m.destination == subject) {
            continue;
        }
        let name = model.name(p.service);
        let seen: u64 = mine.map(|m| m.count).sum();
        findings.push(
            Finding::new(
                UNOBSERVED_CALL,
                format!(
                    "`{name}` declares publishing `{subject}`, but published nothing there in {} (messages by `{name}` seen: {seen})",
                    observed.describe_window()
                ),
            )
            .at(p.span)
            .about(Item::Publication(PublicationId(i as u32)))
            .label("never observed")
            .service(name.to_owned())
            .help(format!(
                "if `{name}` no longer publishes `{subject}`, remove the declaration; if the event is rare, scan a longer window of traffic"
            )),
        );
    }
    for (i, sub) in model.subscriptions.iter().enumerate() {
        let subject = &model.channel(sub.channel).subject;
        if !observed.consuming.contains(&sub.service) || is_inbox(subject) {
            continue;
        }
        let mine = observed
            .consumed
            .iter()
            .filter(|c| c.consumer.service() == Some(sub.service));
        if mine.clone().any(|c| overlaps(subject, &c.destination)) {
            continue;
        }
        let name = model.name(sub.service);
        let seen: u64 = mine.map(|c| c.count).sum();
        findings.push(
            Finding::new(
                UNOBSERVED_CALL,
                format!(
                    "`{name}` declares a subscription to `{subject}`, but consumed nothing from it in {} (messages consumed by `{name}` seen: {seen})",
                    observed.describe_window()
                ),
            )
            .at(sub.span)
            .about(Item::Subscription(SubscriptionId(i as u32)))
            .label("never observed")
            .service(name.to_owned())
            .help(format!(
                "if nothing sends `{subject}` any more, remove the subscription; if the event is rare, scan a longer window of traffic"
            )),
        );
    }
    findings
}
