//! Observed traffic, resolved: spans paired into calls and messages between the model's
//! services, with what the traffic measured on each (rate over the window, latency, errors,
//! calls per parent request, whether sibling calls ran in parallel, whether the caller waited).
//!
//! Observed edges are held beside the declared ones, never merged into them: the difference
//! between the two is what the drift rules (CA5xx) report.

mod names;
mod pairs;
mod stats;

use std::collections::BTreeSet;

use crate::load::observed::ObservedFile;
use crate::source::{SourceId, Span};

use super::{Model, ServiceId};
pub use names::Names;
pub use stats::{CallStats, round};

/// One end of an observed edge: a service of the model, or a name no declaration knows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Peer {
    Service(ServiceId),
    Unknown(String),
}

impl Peer {
    pub fn service(&self) -> Option<ServiceId> {
        match self {
            Peer::Service(id) => Some(*id),
            Peer::Unknown(_) => None,
        }
    }

    pub fn name<'a>(&'a self, model: &'a Model) -> &'a str {
        match self {
            Peer::Service(id) => model.name(*id),
            Peer::Unknown(name) => name,
        }
    }
}

/// The time the traces cover, from the first span's start to the last span's end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Window {
    pub start_ns: u64,
    pub end_ns: u64,
}

impl Window {
    /// Seconds covered, at least one, so a rate is never divided by nothing.
    pub fn seconds(&self) -> f64 {
        (self.end_ns.saturating_sub(self.start_ns) as f64 / 1e9).max(1.0)
    }

    /// In words for messages: `12 s`, `3.5 min`.
    pub fn describe(&self) -> String {
        let s = self.seconds();
        if s < 120.0 {
            format!("{} s", stats::round(s))
        } else if s < 7200.0 {
            format!("{} min", stats::round(s / 60.0))
        } else {
            format!("{} h", stats::round(s / 3600.0))
        }
    }
}

/// A sync call seen in traffic.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedCall {
    pub from: Peer,
    pub to: Peer,
    /// `http`, `grpc`, ...: what the spans say, when they say it.
    pub protocol: Option<String>,
    pub operations: Vec<String>,
    pub stats: stats::CallStats,
    /// The first span (or metric sample) that showed it.
    pub at: Span,
    /// `OTLP JSON trace export`, `istio_requests_total`: what showed it.
    pub evidence: String,
    /// Observed, with the evidence above: what a finding about it rests on.
    pub provenance: crate::provenance::Provenance,
}

/// A message seen in traffic: a publisher, the destination, and a consumer when one was seen
/// consuming what it published (by parent or link).
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedMessage {
    pub publisher: Peer,
    pub destination: String,
    pub system: Option<String>,
    pub consumer: Option<Peer>,
    pub count: u64,
    /// Messages whose publisher's request ended only after the consumer finished: it waited.
    pub waited: u64,
    pub at: Span,
    /// Observed, with the format that showed it.
    pub provenance: crate::provenance::Provenance,
}

/// A service seen consuming from a destination (every CONSUMER span, whether or not its
/// producer was recorded).
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedConsumption {
    pub consumer: Peer,
    pub destination: String,
    pub system: Option<String>,
    pub count: u64,
    pub at: Span,
    /// Observed, with the format that showed it.
    pub provenance: crate::provenance::Provenance,
}

/// Everything the traffic showed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Observed {
    pub files: Vec<SourceId>,
    /// `None` when no trace (only counters) was read: rates cannot be told then.
    pub window: Option<Window>,
    pub calls: Vec<ObservedCall>,
    pub messages: Vec<ObservedMessage>,
    /// What each service was seen consuming, by destination.
    pub consumed: Vec<ObservedConsumption>,
    /// Services that recorded PRODUCER spans: their publications are covered by the traffic.
    pub producing: BTreeSet<ServiceId>,
    /// Services that recorded CONSUMER spans: their subscriptions are covered by the traffic.
    pub consuming: BTreeSet<ServiceId>,
    /// Services that recorded client or producer spans (or appear as clients in service-graph
    /// metrics): their outgoing calls are covered by the traffic.
    pub covered: BTreeSet<ServiceId>,
    /// Names in the traffic that map to no service, for the summary.
    pub unknown: BTreeSet<String>,
}

impl Observed {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The observed sync calls from `from` to `to`.
    pub fn calls_between(
        &self,
        from: ServiceId,
        to: ServiceId,
    ) -> impl Iterator<Item = &ObservedCall> {
        self.calls
            .iter()
            .filter(move |c| c.from == Peer::Service(from) && c.to == Peer::Service(to))
    }

    /// What the summary says about the traffic: how much was read, and the names in it that
    /// map to no declared service (not judged).
    pub fn notes(&self, files: &[ObservedFile]) -> Vec<String> {
        if self.is_empty() {
            return Vec::new();
        }
        let spans: usize = files.iter().map(|f| f.spans.len()).sum();
        let samples: usize = files.iter().map(|f| f.metrics.len()).sum();
        let mut read = format!(
            "observed traffic: {} file{}",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
        if spans > 0 {
            read.push_str(&format!(", {spans} spans over {}", self.describe_window()));
        }
        if samples > 0 {
            read.push_str(&format!(", {samples} service-graph edges"));
        }
        read.push_str(&format!(
            "; {} call edges and {} message flows between services",
            self.calls.len(),
            self.messages.len()
        ));
        let mut notes = vec![read];
        if !self.unknown.is_empty() {
            let names: Vec<&str> = self.unknown.iter().take(10).map(String::as_str).collect();
            notes.push(format!(
                "observed names that match no declared service, not judged: {}{}; map them with `observed: {{ names: {{ observed: declared }} }}` in commaudit.yaml",
                names.join(", "),
                if self.unknown.len() > 10 { ", ..." } else { "" }
            ));
        }
        notes
    }

    /// The window in words, with the files it was read from.
    pub fn describe_window(&self) -> String {
        match self.window {
            Some(w) => format!("{} of traces", w.describe()),
            None => "the service-graph counters".to_owned(),
        }
    }
}

/// Observed sync calls between two services of the model that no declared call joins (in
/// either protocol): what CA501 reports and the pictures draw as observed only.
pub fn undeclared_calls(
    model: &Model,
) -> impl Iterator<Item = (ServiceId, ServiceId, &ObservedCall)> {
    let declared: BTreeSet<(ServiceId, ServiceId)> =
        model.calls.iter().map(|c| (c.from, c.to)).collect();
    model.observed.calls.iter().filter_map(move |c| {
        let (from, to) = (c.from.service()?, c.to.service()?);
        (!declared.contains(&(from, to))).then_some((from, to, c))
    })
}

/// Observed publications whose publisher declares none to that destination: (publisher,
/// destination, messages, system, first span), one per publisher and destination.
pub fn undeclared_publications(model: &Model) -> Vec<(ServiceId, &str, u64, Option<&str>, Span)> {
    let mut out: Vec<(ServiceId, &str, u64, Option<&str>, Span)> = Vec::new();
    for m in &model.observed.messages {
        let Some(publisher) = m.publisher.service() else {
            continue;
        };
        if publishes(model, publisher, &m.destination) {
            continue;
        }
        match out
            .iter_mut()
            .find(|(p, d, ..)| *p == publisher && *d == m.destination)
        {
            Some(seen) => seen.2 += m.count,
            None => out.push((
                publisher,
                &m.destination,
                m.count,
                m.system.as_deref(),
                m.at,
            )),
        }
    }
    out
}

/// Observed consumptions whose consumer declares no subscription taking that destination.
pub fn undeclared_consumptions(
    model: &Model,
) -> impl Iterator<Item = (ServiceId, &ObservedConsumption)> {
    model.observed.consumed.iter().filter_map(move |c| {
        let consumer = c.consumer.service()?;
        (!subscribes(model, consumer, &c.destination)).then_some((consumer, c))
    })
}

/// `service` declares a publication to `subject`.
pub fn publishes(model: &Model, service: ServiceId, subject: &str) -> bool {
    model
        .publications
        .iter()
        .any(|p| p.service == service && model.channel(p.channel).subject == subject)
}

/// `service` declares a subscription whose subject (wildcards allowed) takes `subject`.
pub fn subscribes(model: &Model, service: ServiceId, subject: &str) -> bool {
    model.subscriptions.iter().any(|s| {
        s.service == service && super::subject::overlaps(&model.channel(s.channel).subject, subject)
    })
}

/// Gives every declared call the rate the traffic measured for it (its caller to its callee,
/// over the window), so measures use it before the declared or assumed one.
pub fn apply_rates(model: &mut Model) {
    let rates: Vec<Option<f64>> = model
        .calls
        .iter()
        .map(|call| {
            let rates: Vec<f64> = model
                .observed
                .calls_between(call.from, call.to)
                .filter_map(|c| c.stats.rps)
                .collect();
            (!rates.is_empty()).then(|| rates.iter().sum())
        })
        .collect();
    for (call, rate) in model.calls.iter_mut().zip(rates) {
        call.observed_rps = rate;
    }
}

/// Pairs and counts the observed files against the model's services.
pub fn build(model: &Model, files: &[ObservedFile], names: &Names) -> Observed {
    let mut observed = Observed {
        files: files.iter().map(|f| f.source).collect(),
        ..Observed::default()
    };
    if files.is_empty() {
        return observed;
    }
    let resolve = |raw: &str, aliases: &[String]| names.resolve(model, raw, aliases);
    pairs::pair(files, &resolve, &mut observed);
    observed
}
