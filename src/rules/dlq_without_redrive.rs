//! CA202 dlq-without-redrive: a subscription that dead-letters its failures into a queue that
//! nothing retries or replays (`redrive: none`, or no redrive declared). One finding per
//! subscription, at its `dlq:` entry.

use std::collections::BTreeMap;

use crate::diagnostics::{Finding, Item};
use crate::model::{BrokerId, DeadLetter, Redrive, Subscription, SubscriptionId};

use super::Context;
use crate::diagnostics::catalog::DLQ_WITHOUT_REDRIVE;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let readers = readers_by_subject(ctx);
    let mut findings = Vec::new();
    for (i, sub) in model.subscriptions.iter().enumerate() {
        let Some(dlq) = &sub.dlq else { continue };
        let label = match dlq.redrive {
            Some(Redrive::Automatic | Redrive::Manual) => continue,
            Some(Redrive::None) => "`redrive: none`: nothing brings dead letters back",
            None => "no `redrive` declared",
        };
        let consumer = model.name(sub.service);
        let channel = model.channel(sub.channel);
        let mut finding = Finding::new(
            DLQ_WITHOUT_REDRIVE,
            format!(
                "`{consumer}` dead-letters `{}` into `{}`, but nothing redrives it",
                channel.subject, dlq.subject
            ),
        )
        .at(dlq.span)
        .about(Item::Subscription(SubscriptionId(i as u32)))
        .label(label)
        .service(consumer)
        .operation(channel.subject.clone())
        .help(help(&dlq.subject))
        .related(sub.span, gives_up(consumer, dlq));
        let key = (channel.broker, dlq.subject.as_str());
        for reader in readers.get(&key).into_iter().flatten() {
            finding = finding.related(
                reader.span,
                format!(
                    "`{}` consumes `{}`; if it retries and reconciles the dead letters, \
                     declare `redrive: automatic`",
                    model.name(reader.service),
                    dlq.subject
                ),
            );
        }
        findings.push(finding);
    }
    findings
}

fn help(dlq: &str) -> String {
    format!(
        "run a job that retries `{dlq}` with backoff and reconciles what still fails, alert on \
         its depth, and declare `redrive: automatic`; at the least, give it a runbook and declare \
         `redrive: manual`"
    )
}

fn gives_up(consumer: &str, dlq: &DeadLetter) -> String {
    match dlq.max_deliveries {
        Some(n) => format!("`{consumer}` gives up on a message after {n} failed deliveries"),
        None => format!("`{consumer}` gives up on a message when the broker stops redelivering it"),
    }
}

/// Subscriptions by the subject they name, so a dead-letter queue's readers are found without
/// scanning every subscription. Only exact names count: a wildcard that merely covers a DLQ is
/// not a redrive job.
fn readers_by_subject<'m>(
    ctx: &Context<'m>,
) -> BTreeMap<(BrokerId, &'m str), Vec<&'m Subscription>> {
    let mut readers: BTreeMap<(BrokerId, &str), Vec<&Subscription>> = BTreeMap::new();
    for s in &ctx.model.subscriptions {
        let c = ctx.model.channel(s.channel);
        readers
            .entry((c.broker, c.subject.as_str()))
            .or_default()
            .push(s);
    }
    readers
}
