//! `commaudit what-if` output, as a table ([`table`]) or JSON ([`json`]). The wording both
//! share lives here: what was asked, and each reason an entrypoint fails or degrades.

pub mod json;
pub mod table;

use crate::audit::Audit;
use crate::graph::sync::Via;
use crate::graph::what_if::down::Reason;
use crate::graph::what_if::{Answers, AsyncLink, ChangeKind, Questions};
use crate::model::{Redrive, ServiceId};

/// What was asked and what came back, with the audit to name things.
pub struct View<'a> {
    pub audit: &'a Audit,
    pub questions: &'a Questions,
    pub answers: &'a Answers,
    /// The width to fit the tables and sentences to, when known (else 160 columns).
    pub width: Option<usize>,
}

impl View<'_> {
    pub fn name(&self, s: ServiceId) -> &str {
        self.audit.model.name(s)
    }

    pub fn names(&self, ids: &[ServiceId]) -> Vec<String> {
        ids.iter().map(|&s| self.name(s).to_owned()).collect()
    }

    pub fn path(&self, ids: &[ServiceId]) -> String {
        self.names(ids).join(" -> ")
    }

    /// `checkout -> notifications goes through a queue; payments -> orders is removed`.
    pub fn changes_text(&self) -> String {
        self.questions
            .changes
            .iter()
            .map(|c| {
                let what = match c.kind {
                    ChangeKind::Async => "goes through a queue",
                    ChangeKind::Remove => "is removed",
                };
                format!("{} -> {} {what}", self.name(c.from), self.name(c.to))
            })
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// The callee of a sync hop and what is invoked: `checkout (checkout.v1.CheckoutService/PlaceOrder)`.
    pub fn hop(&self, via: Via) -> String {
        let model = &self.audit.model;
        match via {
            Via::Call(c) => {
                let call = model.call(c);
                match &call.operation {
                    Some(op) => format!("`{}` ({})", model.name(call.to), op.name),
                    None => format!("`{}`", model.name(call.to)),
                }
            }
            Via::RequestReply(r) => {
                let rr = &self.audit.analysis.request_replies[r];
                let p = &model.publications[rr.publication.index()];
                format!(
                    "`{}`'s reply on {}",
                    model.name(rr.consumer),
                    model.channel(p.channel).subject
                )
            }
        }
    }

    pub fn channel(&self, link: &AsyncLink) -> String {
        link.channel.clone().unwrap_or_else(|| {
            format!(
                "a queue for {} -> {}",
                self.name(link.publisher),
                self.name(link.consumer)
            )
        })
    }

    /// Why an entrypoint fails or degrades, in a sentence.
    pub fn reason(&self, reason: &Reason) -> String {
        let links = &self.answers.altered.links;
        match reason {
            Reason::IsDown => "it is down itself".into(),
            Reason::CallFails { via, path } => {
                format!("its call to {} fails: {}", self.hop(*via), self.path(path))
            }
            Reason::FallsBack { via, path } => format!(
                "its call to {} falls back (declared fallback): {}",
                self.hop(*via),
                self.path(path)
            ),
            Reason::WorkWaits { link, path } => {
                let l = &links[*link];
                format!(
                    "work for `{}` waits in {} ({} publishes it)",
                    self.name(l.consumer),
                    self.channel(l),
                    self.path(path)
                )
            }
            Reason::Stale { link, path } => {
                let l = &links[*link];
                let via = if path.len() > 1 {
                    format!(" ({})", self.path(path))
                } else {
                    String::new()
                };
                format!(
                    "`{}` gets no new {} events from `{}`, so what it keeps from them goes stale{via}",
                    self.name(l.consumer),
                    self.channel(l),
                    self.name(l.publisher)
                )
            }
        }
    }

    /// What happens to the messages of a link whose consumer cannot process them.
    pub fn held(&self, link: &AsyncLink, consumer_down: bool) -> String {
        let consumer = self.name(link.consumer);
        let kept = link.retention_hours.map_or_else(
            || "for as long as the stream keeps messages".to_owned(),
            |h| format!("for up to {h} h"),
        );
        if consumer_down {
            return format!("messages wait {kept} and are delivered when `{consumer}` is back");
        }
        match &link.dlq {
            Some(dlq) => {
                let tries = dlq
                    .max_deliveries
                    .map_or_else(|| "its retries".to_owned(), |n| format!("{n} deliveries"));
                let redrive = match dlq.redrive {
                    Some(Redrive::Automatic) => "redriven automatically once it recovers",
                    Some(Redrive::Manual) => "replayed by hand",
                    _ => "not redriven: they stay there",
                };
                format!(
                    "`{consumer}` is up but fails on them: after {tries} they go to {} ({redrive})",
                    dlq.subject
                )
            }
            None => format!(
                "`{consumer}` is up but fails on them: they are redelivered until it can process them, kept {kept}"
            ),
        }
    }
}

/// `40 msg/s, 144000 an hour`.
pub fn rate_text(rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{} msg/s, {:.0} an hour", trim(r), r * 3600.0),
        None => "rate not declared".into(),
    }
}

/// A number without trailing zeros: `40`, `2.5`.
pub fn trim(x: f64) -> String {
    let text = format!("{x:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `+40 ms`.
pub fn ms(x: f64) -> String {
    format!("{} ms", trim(x))
}
