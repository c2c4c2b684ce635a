//! Pairing spans into edges. A client span and the server span under it are one call; a
//! server span under another service's non-client span is a call whose client was not
//! recorded; a client span with no server under it names its callee by `peer.service` or
//! `server.address`. A producer span and the consumer spans under it or linked to it are one
//! message through their destination. Service-graph counters add the edges traces did not show.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use crate::load::observed::{ObservedFile, ObservedSpan, SpanKind};
use crate::provenance::{Confidence, Origin, Provenance};
use crate::source::Span;

use super::stats::Accumulator;
use super::{Observed, ObservedCall, ObservedConsumption, ObservedMessage, Peer, Window};

type Key = (Peer, Peer, Option<String>);

/// Calls made within one request of a caller, by (trace, parent span): start, end, edge.
type Siblings<'a> = BTreeMap<(&'a str, &'a str), Vec<(u64, u64, Key)>>;

#[derive(Default)]
struct Edge {
    acc: Accumulator,
    operations: BTreeSet<String>,
    at: Option<Span>,
    evidence: String,
    /// Counted by service-graph metrics, not timed by spans: no rate.
    counters: bool,
    /// p50 and p99 from a latency histogram, for counted edges.
    latency: Option<(f64, f64)>,
}

#[derive(Default)]
struct Message {
    count: u64,
    waited: u64,
    system: Option<String>,
    at: Option<Span>,
    evidence: &'static str,
}

/// What a finding resting on something only the traffic showed says about it.
fn observed(evidence: &str) -> Provenance {
    Provenance {
        origin: Origin::Observed,
        evidence: vec![evidence.to_owned()],
        confidence: Confidence::Certain,
    }
}

/// The protocol's canonical name: `https` and `http` are `http`.
fn protocol(name: Option<&str>) -> Option<String> {
    name.map(|p| match p {
        "https" | "http" | "http2" | "rest" => "http".to_owned(),
        other => other.to_owned(),
    })
}

pub(super) fn pair(
    files: &[ObservedFile],
    resolve: &dyn Fn(&str, &[String]) -> Peer,
    out: &mut Observed,
) {
    let mut owner: Vec<&str> = Vec::new();
    let spans: Vec<&ObservedSpan> = files
        .iter()
        .flat_map(|f| {
            owner.extend(std::iter::repeat_n(f.format.describe(), f.spans.len()));
            &f.spans
        })
        .collect();
    if let (Some(start), Some(end)) = (
        spans.iter().map(|s| s.start_ns).min(),
        spans.iter().map(|s| s.end_ns).max(),
    ) {
        out.window = Some(Window {
            start_ns: start,
            end_ns: end.max(start),
        });
    }
    let mut by_id: HashMap<(&str, &str), usize> = HashMap::new();
    let mut children: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    let mut linked: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for (i, s) in spans.iter().enumerate() {
        by_id.entry((&s.trace, &s.id)).or_insert(i);
        if let Some(parent) = &s.parent {
            children.entry((&s.trace, parent)).or_default().push(i);
        }
        for (trace, id) in &s.links {
            linked.entry((trace, id)).or_default().push(i);
        }
    }
    let peers: Vec<Peer> = spans
        .iter()
        .map(|s| resolve(&s.service, &s.aliases))
        .collect();
    // A service that recorded a client or producer span instruments its outgoing calls: the
    // traffic covers them.
    for (s, peer) in spans.iter().zip(&peers) {
        match peer {
            Peer::Service(id) if matches!(s.kind, SpanKind::Client | SpanKind::Producer) => {
                out.covered.insert(*id);
                if s.kind == SpanKind::Producer {
                    out.producing.insert(*id);
                }
            }
            Peer::Service(id) if s.kind == SpanKind::Consumer => {
                out.consuming.insert(*id);
            }
            Peer::Service(_) => {}
            Peer::Unknown(name) => {
                out.unknown.insert(name.clone());
            }
        }
    }
    let parent_of = |s: &ObservedSpan| {
        s.parent
            .as_deref()
            .and_then(|p| by_id.get(&(s.trace.as_str(), p)))
            .copied()
    };
    let window_s = out.window.map(|w| w.seconds());
    let mut edges: BTreeMap<Key, Edge> = BTreeMap::new();
    let mut messages: BTreeMap<(Peer, String, Option<Peer>), Message> = BTreeMap::new();
    let mut siblings: Siblings = BTreeMap::new();
    let mut consumed: BTreeMap<(Peer, String), Message> = BTreeMap::new();
    for (i, s) in spans.iter().enumerate() {
        if s.kind == SpanKind::Consumer {
            // The destination the consumer names, else the one of the producer it hangs under
            // or links to.
            let producer = parent_of(s).into_iter().chain(
                s.links
                    .iter()
                    .filter_map(|(t, id)| by_id.get(&(t.as_str(), id.as_str())).copied()),
            );
            let destination = s.destination.clone().or_else(|| {
                producer
                    .filter(|&p| spans[p].kind == SpanKind::Producer)
                    .find_map(|p| spans[p].destination.clone())
            });
            if let Some(destination) = destination {
                let c = consumed.entry((peers[i].clone(), destination)).or_default();
                c.count += 1;
                c.system = c.system.take().or_else(|| s.protocol.clone());
                if c.at.is_none() {
                    c.at = Some(s.at);
                    c.evidence = owner[i];
                }
            }
        }
        let call = match s.kind {
            SpanKind::Client => {
                let server = children
                    .get(&(s.trace.as_str(), s.id.as_str()))
                    .into_iter()
                    .flatten()
                    .copied()
                    .find(|&j| spans[j].kind == SpanKind::Server && spans[j].service != s.service);
                let to = match (server, &s.peer) {
                    (Some(j), _) => peers[j].clone(),
                    (None, Some(peer)) => resolve(peer, &[]),
                    (None, None) => continue,
                };
                let server_span = server.map(|j| spans[j]);
                let proto = s
                    .protocol
                    .as_deref()
                    .or(server_span.and_then(|c| c.protocol.as_deref()));
                let error = s.error || server_span.is_some_and(|c| c.error);
                let caller_parent = parent_of(s);
                Some((
                    peers[i].clone(),
                    to,
                    protocol(proto),
                    error,
                    caller_parent,
                    *s,
                ))
            }
            SpanKind::Server => match parent_of(s) {
                Some(p) if spans[p].kind != SpanKind::Client && spans[p].service != s.service => {
                    Some((
                        peers[p].clone(),
                        peers[i].clone(),
                        protocol(s.protocol.as_deref()),
                        s.error,
                        Some(p),
                        *s,
                    ))
                }
                _ => None,
            },
            SpanKind::Producer => {
                let destination = s.destination.clone().unwrap_or_else(|| s.name.clone());
                let own = (s.trace.as_str(), s.id.as_str());
                let consumers: Vec<usize> = children
                    .get(&own)
                    .into_iter()
                    .flatten()
                    .chain(linked.get(&own).into_iter().flatten())
                    .copied()
                    .filter(|&j| spans[j].kind == SpanKind::Consumer)
                    .collect();
                let waits_until = parent_of(s).map(|p| spans[p].end_ns);
                let mut add = |consumer: Option<Peer>, waited: bool| {
                    let m = messages
                        .entry((peers[i].clone(), destination.clone(), consumer))
                        .or_default();
                    m.count += 1;
                    m.waited += u64::from(waited);
                    m.system = m.system.take().or_else(|| s.protocol.clone());
                    if m.at.is_none() {
                        m.at = Some(s.at);
                        m.evidence = owner[i];
                    }
                };
                if consumers.is_empty() {
                    add(None, false);
                }
                for j in consumers {
                    let waited = waits_until.is_some_and(|end| end >= spans[j].end_ns);
                    add(Some(peers[j].clone()), waited);
                }
                None
            }
            SpanKind::Consumer | SpanKind::Internal => None,
        };
        let Some((from, to, proto, error, parent, span)) = call else {
            continue;
        };
        if from == to {
            continue;
        }
        let key: Key = (from, to, proto);
        let edge = edges.entry(key.clone()).or_default();
        edge.acc.count += 1;
        edge.acc.errors += u64::from(error);
        edge.acc.durations_ms.push(span.duration_ms());
        edge.acc.payload.extend(span.request_bytes);
        if let Some(op) = &span.operation {
            edge.operations.insert(op.clone());
        }
        if edge.at.is_none() {
            edge.at = Some(span.at);
            edge.evidence = owner[i].to_owned();
        }
        if let Some(p) = parent {
            let parent = spans[p];
            edge.acc
                .parents
                .insert((parent.trace.clone(), parent.id.clone()));
            edge.acc.with_parent += 1;
            if parent.end_ns >= span.end_ns {
                edge.acc.waited += 1;
            } else {
                edge.acc.unwaited += 1;
            }
            siblings
                .entry((parent.trace.as_str(), parent.id.as_str()))
                .or_default()
                .push((span.start_ns, span.end_ns, key));
        }
    }
    count_siblings(siblings, &mut edges);
    add_metrics(files, resolve, &mut edges, out);
    out.calls = edges
        .into_iter()
        .map(|((from, to, protocol), e)| ObservedCall {
            from,
            to,
            protocol,
            operations: e.operations.into_iter().collect(),
            stats: {
                let mut stats = e.acc.finish(if e.counters { None } else { window_s });
                if let Some((p50, p99)) = e.latency {
                    (stats.p50_ms, stats.p99_ms) = (Some(p50), Some(p99));
                }
                stats
            },
            at: e.at.unwrap_or_else(|| Span::file_start(files[0].source)),
            provenance: observed(&e.evidence),
            evidence: e.evidence,
        })
        .collect();
    out.messages = messages
        .into_iter()
        .map(|((publisher, destination, consumer), m)| ObservedMessage {
            publisher,
            destination,
            system: m.system,
            consumer,
            count: m.count,
            waited: m.waited,
            at: m.at.unwrap_or_else(|| Span::file_start(files[0].source)),
            provenance: observed(m.evidence),
        })
        .collect();
    out.consumed = consumed
        .into_iter()
        .map(|((consumer, destination), c)| ObservedConsumption {
            consumer,
            destination,
            system: c.system,
            count: c.count,
            at: c.at.unwrap_or_else(|| Span::file_start(files[0].source)),
            provenance: observed(c.evidence),
        })
        .collect();
}

/// In each request with two or more calls, a call that overlaps another ran in parallel; the
/// others ran one after another.
fn count_siblings(siblings: Siblings, edges: &mut BTreeMap<Key, Edge>) {
    for (_, mut calls) in siblings {
        if calls.len() < 2 {
            continue;
        }
        calls.sort_by_key(|c| (c.0, c.1));
        let mut overlaps = vec![false; calls.len()];
        let mut latest = 0usize;
        for i in 1..calls.len() {
            if calls[i].0 < calls[latest].1 {
                overlaps[i] = true;
                overlaps[latest] = true;
            }
            if calls[i].1 > calls[latest].1 {
                latest = i;
            }
        }
        for (call, parallel) in calls.iter().zip(overlaps) {
            if let Some(edge) = edges.get_mut(&call.2) {
                if parallel {
                    edge.acc.parallel += 1;
                } else {
                    edge.acc.sequential += 1;
                }
            }
        }
    }
}

/// Service-graph counters: an edge the traces did not show is added with its counts.
fn add_metrics(
    files: &[ObservedFile],
    resolve: &dyn Fn(&str, &[String]) -> Peer,
    edges: &mut BTreeMap<Key, Edge>,
    out: &mut Observed,
) {
    for m in files.iter().flat_map(|f| &f.metrics) {
        let (from, to) = (resolve(&m.client, &[]), resolve(&m.server, &[]));
        if from == to {
            continue;
        }
        for peer in [&from, &to] {
            if let Peer::Unknown(name) = peer {
                out.unknown.insert(name.clone());
            }
        }
        if let Some(id) = from.service() {
            out.covered.insert(id);
        }
        if edges.keys().any(|(f, t, _)| *f == from && *t == to) {
            continue;
        }
        let edge = edges
            .entry((from, to, protocol(m.protocol.as_deref())))
            .or_default();
        edge.acc.count += m.requests.round() as u64;
        edge.acc.errors += m.failed.round() as u64;
        edge.latency = edge.latency.or(m.p50_ms.zip(m.p99_ms));
        if edge.at.is_none() {
            edge.at = Some(m.at);
            edge.evidence = m.metric.to_owned();
            edge.counters = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::observed::Format;
    use crate::source::SourceId;

    fn span(
        id: &str,
        parent: Option<&str>,
        service: &str,
        kind: SpanKind,
        ms: (u64, u64),
    ) -> ObservedSpan {
        ObservedSpan {
            trace: "t".into(),
            id: id.into(),
            parent: parent.map(Into::into),
            service: service.into(),
            kind,
            start_ns: ms.0 * 1_000_000,
            end_ns: ms.1 * 1_000_000,
            ..ObservedSpan::default()
        }
    }

    #[test]
    fn pairs_calls_counts_siblings_and_waiting() {
        use SpanKind::{Client, Consumer, Producer, Server};
        let spans = vec![
            span("root", None, "web", Server, (0, 100)),
            // Two calls at once, then one after them that the request does not wait for.
            span("c1", Some("root"), "web", Client, (1, 30)),
            span("s1", Some("c1"), "stock", Server, (2, 29)),
            span("c2", Some("root"), "web", Client, (5, 40)),
            span("s2", Some("c2"), "prices", Server, (6, 39)),
            span("c3", Some("root"), "web", Client, (50, 200)),
            span("s3", Some("c3"), "email", Server, (51, 199)),
            span("p", Some("root"), "web", Producer, (60, 61)),
            span("k", Some("p"), "audit", Consumer, (62, 90)),
        ];
        let files = vec![ObservedFile {
            source: SourceId(0),
            format: Format::Otlp,
            spans,
            metrics: Vec::new(),
        }];
        let mut out = Observed::default();
        pair(&files, &|name, _| Peer::Unknown(name.to_owned()), &mut out);
        let find = |to: &str| {
            out.calls
                .iter()
                .find(|c| c.to == Peer::Unknown(to.into()))
                .unwrap()
                .stats
                .clone()
        };
        let (stock, email) = (find("stock"), find("email"));
        assert_eq!((stock.count, stock.parallel, stock.sequential), (1, 1, 0));
        assert_eq!((email.parallel, email.sequential), (0, 1));
        assert!(stock.caller_waits() && !email.caller_waits());
        assert_eq!(stock.per_parent, Some(1.0));
        assert_eq!(stock.p99_ms, Some(29.0));
        assert_eq!(out.window.unwrap().seconds(), 1.0);
        assert_eq!(out.messages.len(), 1);
        assert_eq!((out.messages[0].count, out.messages[0].waited), (1, 1));
    }
}
