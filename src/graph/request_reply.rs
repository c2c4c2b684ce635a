//! Request/reply through a queue: a publisher that waits for its consumer's answer. It is a
//! synchronous call with more latency, so it becomes a virtual sync edge in G_sync.

use std::collections::BTreeSet;

use crate::model::subject::{self, SubjectIndex};
use crate::model::{Model, PublicationId, ReplyOrigin, ServiceId, SubscriptionId};

/// One publisher waiting on one consumer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestReply {
    pub publisher: ServiceId,
    pub consumer: ServiceId,
    pub publication: PublicationId,
    pub subscription: SubscriptionId,
    pub evidence: Evidence,
}

/// What showed that the publisher waits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Evidence {
    /// `awaits_reply: true` in the publisher's manifest.
    AwaitsReply,
    /// A `reply` on the send operation in the publisher's AsyncAPI document.
    AsyncApiReply,
    /// The consumer publishes on a subject the publisher consumes, named as a reply.
    ReplyChannel(String),
    /// A NATS `_INBOX` subject carries the answer.
    Inbox(String),
    /// The consumer is declared to answer every message (`replies: true`).
    ConsumerReplies,
}

impl Evidence {
    pub fn describe(&self) -> String {
        match self {
            Evidence::AwaitsReply => "declared `awaits_reply: true`".into(),
            Evidence::AsyncApiReply => "its AsyncAPI operation has a `reply`".into(),
            Evidence::ReplyChannel(s) => format!("the answer comes back on `{s}`"),
            Evidence::Inbox(s) => format!("the answer comes back on the inbox `{s}`"),
            Evidence::ConsumerReplies => {
                "the consumer answers every message (`replies: true`)".into()
            }
        }
    }
}

/// Words that mark a subject as carrying answers.
const REPLY_WORDS: [&str; 10] = [
    "reply",
    "replies",
    "response",
    "responses",
    "result",
    "results",
    "answer",
    "answers",
    "verdict",
    "ack",
];

fn looks_like_reply(name: &str) -> bool {
    name.split(['.', '-', '_'])
        .any(|token| REPLY_WORDS.contains(&token.to_ascii_lowercase().as_str()))
}

/// Every request/reply pair, in publication order.
pub fn find(model: &Model) -> Vec<RequestReply> {
    let subscriptions = SubjectIndex::new(model.subscriptions.iter().map(|s| {
        let c = model.channel(s.channel);
        (c.broker, c.subject.as_str(), s.channel)
    }));
    // Subjects each service publishes and consumes, for spotting answers that come back.
    let mut publishes: Vec<BTreeSet<&str>> = vec![BTreeSet::new(); model.services.len()];
    let mut consumes: Vec<Vec<&str>> = vec![Vec::new(); model.services.len()];
    for p in &model.publications {
        publishes[p.service.index()].insert(model.channel(p.channel).subject.as_str());
    }
    for s in &model.subscriptions {
        consumes[s.service.index()].push(model.channel(s.channel).subject.as_str());
    }

    let mut by_channel: Vec<Vec<usize>> = vec![Vec::new(); model.channels.len()];
    for (si, s) in model.subscriptions.iter().enumerate() {
        by_channel[s.channel.index()].push(si);
    }

    let mut found = Vec::new();
    for (pi, p) in model.publications.iter().enumerate() {
        let channel = model.channel(p.channel);
        let matching = subscriptions.overlapping(channel.broker, &channel.subject);
        for si in matching
            .iter()
            .flat_map(|c| by_channel[c.index()].iter().copied())
        {
            let s = &model.subscriptions[si];
            if s.service == p.service {
                continue;
            }
            let evidence = if p.awaits_reply {
                Some(match p.reply_origin {
                    Some(ReplyOrigin::AsyncApi) => Evidence::AsyncApiReply,
                    _ => Evidence::AwaitsReply,
                })
            } else if let Some(inbox) = p.reply_subject.as_deref().filter(|r| subject::is_inbox(r))
            {
                Some(Evidence::Inbox(inbox.to_owned()))
            } else if s.replies {
                Some(Evidence::ConsumerReplies)
            } else {
                answer_back(
                    p.reply_subject.as_deref(),
                    &publishes[s.service.index()],
                    &consumes[p.service.index()],
                )
            };
            if let Some(evidence) = evidence {
                found.push(RequestReply {
                    publisher: p.service,
                    consumer: s.service,
                    publication: PublicationId(pi as u32),
                    subscription: SubscriptionId(si as u32),
                    evidence,
                });
            }
        }
    }
    found
}

/// A subject the consumer publishes and the publisher consumes that carries the answer: the
/// declared reply subject, a subject named as a reply, or an `_INBOX` subject.
fn answer_back(
    reply_subject: Option<&str>,
    consumer_publishes: &BTreeSet<&str>,
    publisher_consumes: &[&str],
) -> Option<Evidence> {
    for back in consumer_publishes {
        let heard = publisher_consumes
            .iter()
            .any(|c| subject::overlaps(c, back));
        if !heard {
            continue;
        }
        if subject::is_inbox(back) {
            return Some(Evidence::Inbox((*back).to_owned()));
        }
        if reply_subject.is_some_and(|r| subject::overlaps(r, back)) || looks_like_reply(back) {
            return Some(Evidence::ReplyChannel((*back).to_owned()));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reply_words_are_tokens_not_substrings() {
        assert!(looks_like_reply("fraud.verdict"));
        assert!(looks_like_reply("stock.check.reply"));
        assert!(!looks_like_reply("orders.responsible"));
        assert!(!looks_like_reply("payments.settled"));
    }
}
