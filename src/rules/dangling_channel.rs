//! CA005 dangling-channel: a subject published with no subscriber, or subscribed with no
//! publisher. Reply subjects and dead-letter queues count as used: the waiting publisher and the
//! broker are their other side.

use crate::diagnostics::{Finding, Item};
use crate::model::{ChannelId, PublicationId, SubscriptionId};
use crate::model::subject::{self, SubjectIndex};
use crate::suggest::Suggester;

use super::Context;
use crate::diagnostics::catalog::DANGLING_CHANNEL;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let at = |id: ChannelId| {
        let c = model.channel(id);
        (c.broker, c.subject.as_str(), id)
    };
    let subscribed = SubjectIndex::new(model.subscriptions.iter().map(|s| at(s.channel)));
    let published = SubjectIndex::new(model.publications.iter().map(|p| at(p.channel)));
    // Subjects that have another side outside the declarations: replies and dead letters.
    let implicit: Vec<(crate::model::BrokerId, String)> = model
        .publications
        .iter()
        .filter_map(|p| Some((model.channel(p.channel).broker, p.reply_subject.clone()?)))
        .chain(model.subscriptions.iter().filter_map(|s| {
            Some((
                model.channel(s.channel).broker,
                s.dlq.as_ref()?.subject.clone(),
            ))
        }))
        .collect();
    let implicit = SubjectIndex::new(
        implicit
            .iter()
            .map(|(b, s)| (*b, s.as_str(), ChannelId(u32::MAX))),
    );
    let has_other_side = |index: &SubjectIndex, id: ChannelId| {
        let c = model.channel(id);
        subject::is_inbox(&c.subject)
            || !index.overlapping(c.broker, &c.subject).is_empty()
            || !implicit.overlapping(c.broker, &c.subject).is_empty()
    };

    let subscribed_names = Suggester::new(
        model
            .subscriptions
            .iter()
            .map(|s| model.channel(s.channel).subject.as_str()),
    );
    let published_names = Suggester::new(
        model
            .publications
            .iter()
            .map(|p| model.channel(p.channel).subject.as_str()),
    );
    let mut findings = Vec::new();
    for (i, p) in model.publications.iter().enumerate() {
        if has_other_side(&subscribed, p.channel) {
            continue;
        }
        let name = &model.channel(p.channel).subject;
        let publisher = model.name(p.service);
        findings.push(
            Finding::new(
                DANGLING_CHANNEL,
                format!("`{name}` is published by `{publisher}` but nothing subscribes to it"),
            )
            .at(p.span)
            .about(Item::Publication(PublicationId(i as u32)))
            .label("no subscriber")
            .service(publisher)
            .operation(name.clone())
            .help(help(&subscribed_names, name, true)),
        );
    }
    for (i, s) in model.subscriptions.iter().enumerate() {
        if has_other_side(&published, s.channel) {
            continue;
        }
        let name = &model.channel(s.channel).subject;
        let consumer = model.name(s.service);
        findings.push(
            Finding::new(
                DANGLING_CHANNEL,
                format!("`{consumer}` subscribes to `{name}` but nothing publishes it"),
            )
            .at(s.span)
            .about(Item::Subscription(SubscriptionId(i as u32)))
            .label("no publisher")
            .service(consumer)
            .operation(name.clone())
            .help(help(&published_names, name, false)),
        );
    }
    findings
}

/// Suggests the closest subject on the other side, the usual cause being a typo.
fn help(other_side: &Suggester, name: &str, published: bool) -> String {
    match other_side.closest(name) {
        Some(s) if published => format!(
            "did a subscriber mean this subject when it wrote `{s}`? make both sides name the same subject"
        ),
        Some(s) => format!("did you mean `{s}`? make both sides name the same subject"),
        None if published => "declare the consumer of this subject, or stop publishing it".into(),
        None => "declare the publisher of this subject, or remove the subscription".into(),
    }
}
