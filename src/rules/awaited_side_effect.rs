//! CA503 awaited-side-effect: a call declared as a side effect (`needs_response: false`), or a
//! publication declared fire-and-forget, whose caller the traffic shows waiting: its own request
//! ended only after the call (or the consumer of the message) finished. The decoupling the
//! declaration promises does not exist at run time.

use crate::diagnostics::catalog::AWAITED_SIDE_EFFECT;
use crate::diagnostics::{Finding, Item};
use crate::model::PublicationId;
use crate::model::observed::Peer;

use super::Context;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let observed = &model.observed;
    let mut findings = Vec::new();
    for (id, call) in model.call_ids().zip(&model.calls) {
        if call.needs_response != Some(false) {
            continue;
        }
        let (waited, total) = observed
            .calls_between(call.from, call.to)
            .fold((0, 0), |(w, t), c| {
                (w + c.stats.waited, t + c.stats.waited + c.stats.unwaited)
            });
        if waited == 0 || waited * 2 < total {
            continue;
        }
        let (caller, callee) = (model.name(call.from), model.name(call.to));
        findings.push(
            Finding::new(
                AWAITED_SIDE_EFFECT,
                format!(
                    "`{caller}` declares its call to `{callee}` a side effect, but waited for the answer in {waited} of {total} observed requests"
                ),
            )
            .at(call.span)
            .about(Item::Call(id))
            .label("declared `needs_response: false`")
            .service(caller.to_owned())
            .service(callee.to_owned())
            .help(format!(
                "make the call without waiting (publish an event `{callee}` consumes), or declare `needs_response: true` so the chain, availability and latency rules count it"
            )),
        );
    }
    for (i, publication) in model.publications.iter().enumerate() {
        if publication.awaits_reply {
            continue;
        }
        let subject = &model.channel(publication.channel).subject;
        let (waited, total) = observed
            .messages
            .iter()
            .filter(|m| {
                m.publisher == Peer::Service(publication.service)
                    && &m.destination == subject
                    && m.consumer.is_some()
            })
            .fold((0, 0), |(w, t), m| (w + m.waited, t + m.count));
        if waited == 0 || waited * 2 < total {
            continue;
        }
        let publisher = model.name(publication.service);
        findings.push(
            Finding::new(
                AWAITED_SIDE_EFFECT,
                format!(
                    "`{publisher}` publishes `{subject}` without declaring a reply, but waited for its consumer in {waited} of {total} observed messages"
                ),
            )
            .at(publication.span)
            .about(Item::Publication(PublicationId(i as u32)))
            .label("declared fire-and-forget")
            .service(publisher.to_owned())
            .help("stop waiting for the consumer, or declare `awaits_reply: true` so CA201 judges the request/reply"),
        );
    }
    findings
}
