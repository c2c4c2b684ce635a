//! What-if analysis for architecture reviews: the system with some synchronous dependencies
//! made asynchronous or removed ([`alter`]), then services taken down ([`down`]) or slowed
//! ([`slow`]), and every measure before and after ([`compare`]). Pure functions of the model,
//! the graph and its analysis; the CLI parses the questions and `report/` prints the answers.

pub mod cascade;
pub mod compare;
pub mod down;
pub mod slow;

use std::collections::BTreeSet;

use crate::model::{Model, Redrive, ServiceId};

use super::analysis::Analysis;
use super::sync::{SyncGraph, Via};
use super::{EdgeKind, Graph, NodeKind};

/// One change to the synchronous graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    pub kind: ChangeKind,
    pub from: ServiceId,
    pub to: ServiceId,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// The caller hands the work to a queue instead of waiting for the callee.
    Async,
    /// The dependency goes away (the caller keeps a local copy, or stops needing it).
    Remove,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Async => "async",
            ChangeKind::Remove => "remove",
        }
    }
}

/// A change that names no synchronous dependency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoSuchDependency {
    pub from: ServiceId,
    pub to: ServiceId,
    /// What `from` does depend on synchronously, sorted.
    pub callees: Vec<ServiceId>,
}

/// Work that flows from a publisher to a consumer through a broker: a publication matched by
/// a subscription, or a call the what-if turned into a message.
#[derive(Debug, Clone, PartialEq)]
pub struct AsyncLink {
    pub publisher: ServiceId,
    pub consumer: ServiceId,
    /// The subject, or `None` for a queue the what-if put in place of a call.
    pub channel: Option<String>,
    /// Messages per second at peak, as declared (the call's rps for a converted call).
    pub rate: Option<f64>,
    pub retention_hours: Option<f64>,
    pub dlq: Option<DeadLetterPolicy>,
    /// The publisher writes the messages to a transactional outbox: they wait there, not in
    /// the broker, while the broker is down.
    pub outbox: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeadLetterPolicy {
    pub subject: String,
    pub max_deliveries: Option<u32>,
    pub redrive: Option<Redrive>,
}

/// The system after the changes.
#[derive(Debug, Clone)]
pub struct Altered {
    pub sync: SyncGraph,
    /// For each edge of `sync`, its index in the unchanged G_sync.
    pub original: Vec<usize>,
    /// Sorted by publisher, consumer and channel.
    pub links: Vec<AsyncLink>,
    pub changes: Vec<Change>,
}

/// G_sync without the edges in `removed`, and the original index of each edge kept.
pub fn without_edges(sync: &SyncGraph, removed: &BTreeSet<usize>) -> (SyncGraph, Vec<usize>) {
    let kept: Vec<usize> = (0..sync.edges.len())
        .filter(|i| !removed.contains(i))
        .collect();
    let edges = kept.iter().map(|&i| sync.edge(i).clone()).collect();
    (SyncGraph::from_edges(sync.len(), edges), kept)
}

/// Applies `changes`: every sync edge from `from` to `to` (calls and request/reply waits) leaves
/// G_sync; an async change also adds the queue that now carries the work.
pub fn alter(
    model: &Model,
    graph: &Graph,
    analysis: &Analysis,
    changes: &[Change],
) -> Result<Altered, NoSuchDependency> {
    let sync = &analysis.sync;
    let mut removed = BTreeSet::new();
    let mut converted = Vec::new();
    for change in changes {
        let hits: Vec<usize> = sync
            .out_edges(change.from)
            .iter()
            .copied()
            .filter(|&e| sync.edge(e).to == change.to)
            .collect();
        if hits.is_empty() {
            let callees: BTreeSet<ServiceId> = sync
                .out_edges(change.from)
                .iter()
                .map(|&e| sync.edge(e).to)
                .collect();
            return Err(NoSuchDependency {
                from: change.from,
                to: change.to,
                callees: callees.into_iter().collect(),
            });
        }
        for e in hits {
            removed.insert(e);
            if let (ChangeKind::Async, Via::Call(c)) = (change.kind, sync.edge(e).via) {
                converted.push(AsyncLink {
                    publisher: change.from,
                    consumer: change.to,
                    channel: None,
                    rate: model.call(c).rps,
                    retention_hours: None,
                    dlq: None,
                    outbox: false,
                });
            }
        }
    }
    let (altered, original) = without_edges(sync, &removed);
    let waiting: BTreeSet<usize> = original
        .iter()
        .filter_map(|&i| match sync.edge(i).via {
            Via::RequestReply(r) => Some(r),
            Via::Call(_) => None,
        })
        .collect();
    let mut links = declared_links(model, graph, analysis, &waiting);
    links.extend(converted);
    links.sort_by(|a, b| {
        (a.publisher, a.consumer, &a.channel).cmp(&(b.publisher, b.consumer, &b.channel))
    });
    links.dedup();
    Ok(Altered {
        sync: altered,
        original,
        links,
        changes: changes.to_vec(),
    })
}

/// The system as declared, for questions that change nothing.
pub fn unchanged(model: &Model, graph: &Graph, analysis: &Analysis) -> Altered {
    let (sync, original) = without_edges(&analysis.sync, &BTreeSet::new());
    let waiting = (0..analysis.request_replies.len()).collect();
    let mut links = declared_links(model, graph, analysis, &waiting);
    links.sort_by(|a, b| {
        (a.publisher, a.consumer, &a.channel).cmp(&(b.publisher, b.consumer, &b.channel))
    });
    links.dedup();
    Altered {
        sync,
        original,
        links,
        changes: Vec::new(),
    }
}

/// Every publication matched with every subscription fed by its channel, except the
/// request/reply pairs in `waiting` (those are synchronous waits, already in G_sync).
fn declared_links(
    model: &Model,
    graph: &Graph,
    analysis: &Analysis,
    waiting: &BTreeSet<usize>,
) -> Vec<AsyncLink> {
    let mut publishers: Vec<Vec<usize>> = vec![Vec::new(); graph.nodes.len()];
    for edge in &graph.edges {
        if let EdgeKind::Publish(p) = edge.kind {
            publishers[edge.to].push(p.index());
        }
    }
    let mut links = Vec::new();
    for edge in &graph.edges {
        let EdgeKind::Subscribe(s) = edge.kind else {
            continue;
        };
        if graph.nodes[edge.from].kind != NodeKind::Channel {
            continue;
        }
        let sub = &model.subscriptions[s.index()];
        for &p in &publishers[edge.from] {
            let publication = &model.publications[p];
            if publication.service == sub.service {
                continue;
            }
            let is_wait = analysis.request_replies.iter().enumerate().any(|(i, rr)| {
                waiting.contains(&i) && rr.publication.index() == p && rr.subscription == s
            });
            if is_wait {
                continue;
            }
            links.push(AsyncLink {
                publisher: publication.service,
                consumer: sub.service,
                channel: Some(model.channel(publication.channel).subject.clone()),
                rate: publication.rate,
                retention_hours: publication.retention_hours,
                dlq: sub.dlq.as_ref().map(|d| DeadLetterPolicy {
                    subject: d.subject.clone(),
                    max_deliveries: d.max_deliveries,
                    redrive: d.redrive,
                }),
                outbox: !super::facts::uses::needs_broker(publication),
            });
        }
    }
    links
}

/// What an architect asks: changes to apply first, then services down and slowed on the
/// changed system.
#[derive(Debug, Clone, Default)]
pub struct Questions {
    pub changes: Vec<Change>,
    pub down: Vec<ServiceId>,
    pub slow: Vec<slow::Slowdown>,
    /// Every slowdown and outage, of services, datastores and brokers, for the cascade.
    pub faults: Vec<cascade::Fault>,
}

pub use super::facts::Defaults;

/// The answers, each present when it was asked.
#[derive(Debug, Clone)]
pub struct Answers {
    pub altered: Altered,
    /// Every measure before and after the changes.
    pub before: Option<compare::Snapshot>,
    pub after: Option<compare::Snapshot>,
    pub down: Option<down::Down>,
    pub slow: Option<slow::Slow>,
    pub cascade: Option<cascade::Cascade>,
}

pub fn answer(
    model: &Model,
    graph: &Graph,
    analysis: &Analysis,
    questions: &Questions,
    defaults: Defaults,
) -> Result<Answers, NoSuchDependency> {
    let altered = if questions.changes.is_empty() {
        unchanged(model, graph, analysis)
    } else {
        alter(model, graph, analysis, &questions.changes)?
    };
    let entrypoints = &analysis.entrypoints;
    let snapshot = |sync: &SyncGraph| compare::Snapshot::of(model, sync, entrypoints, defaults);
    let (before, after) = if questions.changes.is_empty() {
        (None, None)
    } else {
        (
            Some(snapshot(&analysis.sync)),
            Some(snapshot(&altered.sync)),
        )
    };
    let down =
        (!questions.down.is_empty()).then(|| down::analyse(&altered, entrypoints, &questions.down));
    let slow = (!questions.slow.is_empty()).then(|| {
        slow::analyse(
            model,
            &altered,
            entrypoints,
            &questions.slow,
            defaults.processing_ms,
        )
    });
    let cascade = (!questions.faults.is_empty())
        .then(|| cascade::analyse(model, &altered, entrypoints, &questions.faults, defaults));
    Ok(Answers {
        altered,
        before,
        after,
        down,
        slow,
        cascade,
    })
}
