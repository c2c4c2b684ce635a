//! "What if this service is down?": the services that fail with it (hard synchronous callers,
//! transitively), each entrypoint's outcome with its reasons, the queues that hold work until
//! it is back, and the channels that go quiet. Async links and fallbacks stop the failure; the
//! work behind them waits or degrades instead.

use std::collections::{BTreeSet, VecDeque};

use crate::model::ServiceId;

use super::super::sync::{SyncGraph, Via};
use super::Altered;

/// What happens to one entrypoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Fails,
    Degrades,
    Unaffected,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fails => "fails",
            Outcome::Degrades => "degrades",
            Outcome::Unaffected => "unaffected",
        }
    }
}

/// Why an entrypoint fails or degrades.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reason {
    /// The entrypoint itself is down.
    IsDown,
    /// A hard call of the entrypoint fails; `path` runs from the entrypoint to a down service.
    CallFails { via: Via, path: Vec<ServiceId> },
    /// A call with a fallback, on the path from the entrypoint, loses its answer.
    FallsBack { via: Via, path: Vec<ServiceId> },
    /// Work the entrypoint's requests produce waits behind a broker: `path` runs from the
    /// entrypoint to the publisher; `link` indexes [`Altered::links`].
    WorkWaits { link: usize, path: Vec<ServiceId> },
    /// A service the entrypoint uses stops receiving a failed service's events.
    Stale { link: usize, path: Vec<ServiceId> },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryOutcome {
    pub entry: ServiceId,
    pub outcome: Outcome,
    /// Sorted.
    pub reasons: Vec<Reason>,
}

/// The answer to "what if these services are down?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Down {
    pub down: Vec<ServiceId>,
    /// Every service that cannot answer, the down ones included, sorted.
    pub failing: Vec<ServiceId>,
    pub entrypoints: Vec<EntryOutcome>,
    /// Links whose consumer cannot process while its publisher keeps publishing.
    pub queues: Vec<usize>,
    /// Links whose publisher fails while its consumer is up: no new events arrive.
    pub quiet: Vec<usize>,
}

impl Down {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.entrypoints
            .iter()
            .filter(|e| e.outcome == outcome)
            .count()
    }

    pub fn is_failing(&self, s: ServiceId) -> bool {
        self.failing.binary_search(&s).is_ok()
    }
}

pub fn analyse(altered: &Altered, entrypoints: &[ServiceId], down: &[ServiceId]) -> Down {
    let sync = &altered.sync;
    let failing = failing(sync, down);
    let is_failing = |s: ServiceId| failing[s.index()];
    let is_down = |s: ServiceId| down.contains(&s);
    let mut outcomes = Vec::new();
    for &entry in entrypoints {
        let mut reasons = BTreeSet::new();
        if is_down(entry) {
            reasons.insert(Reason::IsDown);
        } else if is_failing(entry) {
            for &e in sync.out_edges(entry) {
                let edge = sync.edge(e);
                if !is_failing(edge.to) {
                    continue;
                }
                let mut path = vec![entry];
                path.extend(path_to_down(sync, edge.to, &failing, down));
                reasons.insert(if edge.hard {
                    Reason::CallFails {
                        via: edge.via,
                        path,
                    }
                } else {
                    Reason::FallsBack {
                        via: edge.via,
                        path: vec![entry, edge.to],
                    }
                });
            }
            // What its calls that still answer set in motion can wait or go stale too.
            reasons.extend(
                degradations(altered, entry, &failing)
                    .into_iter()
                    .filter(|r| matches!(r, Reason::WorkWaits { .. } | Reason::Stale { .. })),
            );
        } else {
            reasons = degradations(altered, entry, &failing);
        }
        let outcome = if is_failing(entry) {
            Outcome::Fails
        } else if reasons.is_empty() {
            Outcome::Unaffected
        } else {
            Outcome::Degrades
        };
        outcomes.push(EntryOutcome {
            entry,
            outcome,
            reasons: reasons.into_iter().collect(),
        });
    }
    let queues = (0..altered.links.len())
        .filter(|&i| {
            let l = &altered.links[i];
            is_failing(l.consumer) && !is_failing(l.publisher)
        })
        .collect();
    let quiet = (0..altered.links.len())
        .filter(|&i| {
            let l = &altered.links[i];
            is_failing(l.publisher) && !is_failing(l.consumer)
        })
        .collect();
    Down {
        down: down.to_vec(),
        failing: (0..sync.len())
            .filter(|&i| failing[i])
            .map(|i| ServiceId(i as u32))
            .collect(),
        entrypoints: outcomes,
        queues,
        quiet,
    }
}

/// The down services and every service with a hard sync path to one of them.
fn failing(sync: &SyncGraph, down: &[ServiceId]) -> Vec<bool> {
    let mut failing = vec![false; sync.len()];
    let mut queue: VecDeque<ServiceId> = VecDeque::new();
    for &s in down {
        if s.index() < sync.len() && !failing[s.index()] {
            failing[s.index()] = true;
            queue.push_back(s);
        }
    }
    while let Some(s) = queue.pop_front() {
        for &e in sync.in_edges(s) {
            let edge = sync.edge(e);
            if edge.hard && !failing[edge.from.index()] {
                failing[edge.from.index()] = true;
                queue.push_back(edge.from);
            }
        }
    }
    failing
}

/// A shortest hard path from `from` to a down service, through failing services, `from` first.
fn path_to_down(
    sync: &SyncGraph,
    from: ServiceId,
    failing: &[bool],
    down: &[ServiceId],
) -> Vec<ServiceId> {
    let mut parent: Vec<Option<ServiceId>> = vec![None; sync.len()];
    let mut seen = vec![false; sync.len()];
    seen[from.index()] = true;
    let mut queue = VecDeque::from([from]);
    while let Some(s) = queue.pop_front() {
        if down.contains(&s) {
            let mut path = vec![s];
            let mut at = s;
            while let Some(p) = parent[at.index()] {
                path.push(p);
                at = p;
            }
            path.reverse();
            return path;
        }
        for &e in sync.out_edges(s) {
            let edge = sync.edge(e);
            if edge.hard && failing[edge.to.index()] && !seen[edge.to.index()] {
                seen[edge.to.index()] = true;
                parent[edge.to.index()] = Some(s);
                queue.push_back(edge.to);
            }
        }
    }
    vec![from]
}

/// Why an entrypoint that still answers is worse off: walks what its requests set in motion,
/// synchronously and through brokers, without entering failing services.
fn degradations(altered: &Altered, entry: ServiceId, failing: &[bool]) -> BTreeSet<Reason> {
    let sync = &altered.sync;
    let mut by_publisher: Vec<Vec<usize>> = vec![Vec::new(); sync.len()];
    for (i, l) in altered.links.iter().enumerate() {
        by_publisher[l.publisher.index()].push(i);
    }
    let mut parent: Vec<Option<ServiceId>> = vec![None; sync.len()];
    let mut seen = vec![false; sync.len()];
    seen[entry.index()] = true;
    let mut queue = VecDeque::from([entry]);
    let mut reasons = BTreeSet::new();
    let path = |parent: &[Option<ServiceId>], to: ServiceId| {
        let mut path = vec![to];
        let mut at = to;
        while let Some(p) = parent[at.index()] {
            path.push(p);
            at = p;
        }
        path.reverse();
        path
    };
    while let Some(s) = queue.pop_front() {
        let mut next = Vec::new();
        for &e in sync.out_edges(s) {
            let edge = sync.edge(e);
            if failing[edge.to.index()] {
                let mut p = path(&parent, s);
                p.push(edge.to);
                reasons.insert(Reason::FallsBack {
                    via: edge.via,
                    path: p,
                });
            } else {
                next.push(edge.to);
            }
        }
        for &l in &by_publisher[s.index()] {
            let consumer = altered.links[l].consumer;
            if failing[consumer.index()] {
                reasons.insert(Reason::WorkWaits {
                    link: l,
                    path: path(&parent, s),
                });
            } else {
                next.push(consumer);
            }
        }
        for to in next {
            if !seen[to.index()] {
                seen[to.index()] = true;
                parent[to.index()] = Some(s);
                queue.push_back(to);
            }
        }
    }
    for (i, l) in altered.links.iter().enumerate() {
        if failing[l.publisher.index()] && seen[l.consumer.index()] {
            reasons.insert(Reason::Stale {
                link: i,
                path: path(&parent, l.consumer),
            });
        }
    }
    reasons
}

#[cfg(test)]
mod tests {
    use super::super::{AsyncLink, without_edges};
    use super::*;
    use crate::graph::chains::tests::graph;

    fn altered(sync: SyncGraph, links: Vec<AsyncLink>) -> Altered {
        let (sync, original) = without_edges(&sync, &BTreeSet::new());
        Altered {
            sync,
            original,
            links,
            changes: Vec::new(),
        }
    }

    fn link(publisher: u32, consumer: u32) -> AsyncLink {
        AsyncLink {
            publisher: ServiceId(publisher),
            consumer: ServiceId(consumer),
            channel: Some("orders.completed".into()),
            rate: Some(40.0),
            retention_hours: None,
            dlq: None,
            outbox: false,
        }
    }

    #[test]
    fn hard_callers_fail_and_queued_work_degrades() {
        // entry 0 -> 1 -> 2 (down); entry 3 -> 4, 4 publishes to 2 (down).
        let sync = graph(5, &[(0, 1, 0), (1, 2, 0), (3, 4, 0)]);
        let a = altered(sync, vec![link(4, 2)]);
        let d = analyse(&a, &[ServiceId(0), ServiceId(3)], &[ServiceId(2)]);
        assert_eq!(d.failing, vec![ServiceId(0), ServiceId(1), ServiceId(2)]);
        assert_eq!(d.entrypoints[0].outcome, Outcome::Fails);
        assert!(matches!(
            &d.entrypoints[0].reasons[0],
            Reason::CallFails { path, .. } if path == &[ServiceId(0), ServiceId(1), ServiceId(2)]
        ));
        assert_eq!(d.entrypoints[1].outcome, Outcome::Degrades);
        assert!(matches!(
            &d.entrypoints[1].reasons[0],
            Reason::WorkWaits { link: 0, path } if path == &[ServiceId(3), ServiceId(4)]
        ));
        assert_eq!(d.queues, vec![0]);
        assert!(d.quiet.is_empty());
    }

    #[test]
    fn fallbacks_and_quiet_channels_degrade_instead_of_failing() {
        // entry 0 -> 1 (soft) -> 2 (down); 2 publishes to 3, which entry 0 calls.
        let mut sync = graph(4, &[(0, 1, 0), (1, 2, 0), (0, 3, 0)]);
        sync.edges[0].hard = false;
        let a = altered(sync, vec![link(2, 3)]);
        let d = analyse(&a, &[ServiceId(0)], &[ServiceId(2)]);
        assert_eq!(d.entrypoints[0].outcome, Outcome::Degrades);
        assert_eq!(d.entrypoints[0].reasons.len(), 2);
        assert!(matches!(
            &d.entrypoints[0].reasons[0],
            Reason::FallsBack { .. }
        ));
        assert!(matches!(
            &d.entrypoints[0].reasons[1],
            Reason::Stale { link: 0, .. }
        ));
        assert_eq!(d.quiet, vec![0]);
    }
}
