//! CA203 non-idempotent-consumer: a subscription that receives messages at least once (declared,
//! or the broker's default) and is not declared idempotent, so every redelivery is processed
//! twice. One finding per subscription, at the subscription.

use crate::diagnostics::{Finding, Item};
use crate::model::{Broker, BrokerKind, Delivery, Subscription, SubscriptionId};

use super::Context;
use crate::diagnostics::catalog::NON_IDEMPOTENT_CONSUMER;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let mut findings = Vec::new();
    for (i, sub) in model.subscriptions.iter().enumerate() {
        if sub.idempotent == Some(true) {
            continue;
        }
        let channel = model.channel(sub.channel);
        let broker = model.broker(channel.broker);
        let how = match sub.delivery {
            Some(Delivery::AtLeastOnce) => "declared `delivery: at-least-once`".to_owned(),
            Some(Delivery::AtMostOnce | Delivery::ExactlyOnce) => continue,
            None if at_least_once_by_default(broker.kind) => format!(
                "implied by the {} broker `{}`",
                kind_name(broker.kind),
                broker.name
            ),
            None => continue,
        };
        let consumer = model.name(sub.service);
        let subject = &channel.subject;
        let mut finding = Finding::new(
            NON_IDEMPOTENT_CONSUMER,
            format!(
                "`{consumer}` receives `{subject}` at least once ({how}) but is not declared \
                 idempotent"
            ),
        )
        .at(sub.span)
        .about(Item::Subscription(SubscriptionId(i as u32)))
        .label(label(sub))
        .service(consumer)
        .operation(subject.clone())
        .help(format!(
            "make `{consumer}` process `{subject}` idempotently (skip message IDs already \
             processed, upsert instead of insert, idempotency keys on side effects) and declare \
             `idempotent: true`; if losing a message is acceptable, declare \
             `delivery: at-most-once` instead"
        ));
        if sub.delivery.is_none() {
            finding = finding.related(broker.span, implied(broker));
        }
        findings.push(finding);
    }
    findings
}

fn label(sub: &Subscription) -> &'static str {
    match sub.idempotent {
        Some(_) => "declared `idempotent: false`",
        None => "no `idempotent` declared",
    }
}

/// Brokers that redeliver until a message is acknowledged, unless a consumer opts out. Core NATS
/// fires and forgets: a subscriber that is down misses the message, it never gets it twice.
fn at_least_once_by_default(kind: BrokerKind) -> bool {
    match kind {
        BrokerKind::Nats => false,
        BrokerKind::NatsJetstream
        | BrokerKind::Kafka
        | BrokerKind::Redpanda
        | BrokerKind::Rabbitmq
        | BrokerKind::Sqs
        | BrokerKind::Pubsub
        | BrokerKind::RedisStreams => true,
    }
}

fn implied(broker: &Broker) -> String {
    format!(
        "`{}` ({}) redelivers a message until it is acknowledged",
        broker.name,
        kind_name(broker.kind)
    )
}

/// The kind as written in `commaudit.yaml`.
fn kind_name(kind: BrokerKind) -> &'static str {
    match kind {
        BrokerKind::Nats => "nats",
        BrokerKind::NatsJetstream => "nats-jetstream",
        BrokerKind::Kafka => "kafka",
        BrokerKind::Redpanda => "redpanda",
        BrokerKind::Rabbitmq => "rabbitmq",
        BrokerKind::Sqs => "sqs",
        BrokerKind::Pubsub => "pubsub",
        BrokerKind::RedisStreams => "redis-streams",
    }
}
