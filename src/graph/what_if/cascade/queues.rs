//! What the queues absorb: work behind a queue does not fail its publisher; the backlog grows
//! by what the consumer cannot take during the fault and drains at its spare throughput after.
//! While a broker is down, the messages of a publisher with an outbox wait in that outbox.

use crate::model::{BrokerId, Model};

use super::super::Altered;
use super::round::State;
use super::{Fault, QueueOutcome, Target};

/// Every queue whose consumer the faults reach: what it absorbs.
pub(super) fn queues(
    model: &Model,
    altered: &Altered,
    faults: &[Fault],
    baseline: &State,
    after: &State,
    brokers_down: &[BrokerId],
) -> Vec<QueueOutcome> {
    let mut out = Vec::new();
    for link in &altered.links {
        let c = link.consumer.index();
        let down_broker = link.channel.as_ref().and_then(|subject| {
            model
                .channels
                .iter()
                .find(|ch| &ch.subject == subject && brokers_down.contains(&ch.broker))
                .map(|ch| ch.broker)
        });
        let broker_down = down_broker.is_some();
        let touched = broker_down
            || after.failed[c].is_some()
            || after.latency[c] > baseline.latency[c]
            || faults.iter().any(|f| matches!(f, Fault::Down(Target::Service(s)) | Fault::Slow(Target::Service(s), _) if *s == link.consumer));
        if !touched {
            continue;
        }
        let capacity = model.service(link.consumer).capacity;
        let spare = |state: &State| {
            capacity
                .rps_at(state.latency[c])
                .map(|cap| (cap - state.load[c]).max(0.0))
        };
        let throughput = if broker_down || after.failed[c].is_some() {
            Some(0.0)
        } else {
            spare(after)
        };
        let (backlog_per_minute, drain_seconds) = backlog(link.rate, throughput, spare(baseline));
        out.push(QueueOutcome {
            publisher: link.publisher,
            consumer: link.consumer,
            channel: link.channel.clone(),
            rate: link.rate,
            throughput,
            backlog_per_minute,
            drain_seconds,
            outbox: down_broker.filter(|_| link.outbox),
        });
    }
    out
}

/// Messages the backlog grows by per minute of the fault, when `rate` messages a second arrive
/// and the consumer takes `throughput`; and the seconds one minute of it takes to drain once
/// the fault ends, when the consumer has `spare` throughput over the arriving rate again.
fn backlog(
    rate: Option<f64>,
    throughput: Option<f64>,
    spare: Option<f64>,
) -> (Option<f64>, Option<f64>) {
    let per_minute = match (rate, throughput) {
        (Some(rate), Some(t)) => Some((rate - t).max(0.0) * 60.0),
        _ => None,
    };
    let drain = match (per_minute, rate, spare) {
        (Some(b), Some(rate), Some(normal)) if normal > rate => Some(b / (normal - rate)),
        (Some(0.0), _, _) => Some(0.0),
        _ => None,
    };
    (per_minute, drain)
}

#[cfg(test)]
mod tests {
    use super::backlog;

    #[test]
    fn a_stopped_consumer_builds_a_backlog_that_drains_at_its_spare_throughput() {
        // 50 messages a second, the consumer down: 3000 a minute; normally it takes 250 a
        // second with room for 200 more than arrive, so a minute's backlog drains in 15 s.
        assert_eq!(
            backlog(Some(50.0), Some(0.0), Some(250.0)),
            (Some(3000.0), Some(15.0))
        );
        // Slowed to 30 a second: 1200 a minute.
        assert_eq!(
            backlog(Some(50.0), Some(30.0), Some(250.0)),
            (Some(1200.0), Some(6.0))
        );
    }

    #[test]
    fn a_consumer_that_keeps_up_has_no_backlog_and_one_that_never_catches_up_no_drain_time() {
        assert_eq!(
            backlog(Some(50.0), Some(80.0), Some(250.0)),
            (Some(0.0), Some(0.0))
        );
        assert_eq!(
            backlog(Some(50.0), Some(0.0), Some(40.0)),
            (Some(3000.0), None)
        );
        // Without a declared rate or capacity there is nothing to count.
        assert_eq!(backlog(None, Some(0.0), Some(250.0)), (None, None));
        assert_eq!(backlog(Some(50.0), None, None), (None, None));
    }
}
