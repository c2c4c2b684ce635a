//! From the faults to their first effects: the extra time a slowed service, datastore or
//! broker adds to the services that wait on it, and the services that cannot work at all.

use crate::graph::facts::Uses;
use crate::model::{BrokerId, Model, ServiceId};

use super::{Cause, Fault, Target};

/// Milliseconds each service's own work grows by: its own slowdown, and that of every
/// datastore it uses and broker it needs (one round trip per request).
pub(super) fn extra_ms(model: &Model, faults: &[Fault]) -> Vec<f64> {
    let uses = Uses::of(model);
    let mut extra = vec![0.0; model.services.len()];
    for fault in faults {
        let Fault::Slow(target, ms) = *fault else {
            continue;
        };
        for s in users(model, &uses, target, false) {
            extra[s.index()] += ms;
        }
    }
    extra
}

/// The services a target's trouble reaches directly: itself, the users of a datastore (those
/// with a fallback only when `hard_only` is false), the publishers that need a broker (not
/// those that publish through an outbox). What is needed is the facts layer's [`Uses`].
fn users(model: &Model, uses: &Uses, target: Target, hard_only: bool) -> Vec<ServiceId> {
    let mut out: Vec<ServiceId> = match target {
        Target::Service(s) => vec![s],
        Target::Datastore(d) => {
            let mut out = uses.needing_datastore(d);
            if !hard_only {
                let soft = model.accesses.iter().filter(|a| a.datastore == d);
                out.extend(soft.map(|a| a.service));
            }
            out
        }
        Target::Broker(b) => uses.needing_broker(b),
    };
    out.sort();
    out.dedup();
    out
}

/// Services failing from the start, with their cause, and the brokers that are down.
pub(super) fn down_causes(
    model: &Model,
    faults: &[Fault],
) -> (Vec<(ServiceId, Cause)>, Vec<BrokerId>) {
    let uses = Uses::of(model);
    let mut out = Vec::new();
    let mut brokers = Vec::new();
    for fault in faults {
        let Fault::Down(target) = *fault else {
            continue;
        };
        if let Target::Broker(b) = target {
            brokers.push(b);
        }
        for s in users(model, &uses, target, true) {
            if !out.iter().any(|(o, _)| *o == s) {
                out.push((s, Cause::Down(target)));
            }
        }
    }
    (out, brokers)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Access, DatastoreAccess, DatastoreId, Provenance, Service};
    use crate::source::{SourceId, Span};

    /// `orders` needs `db`; `search` reads it with a fallback; `mail` does not use it.
    fn model() -> Model {
        let span = Span::file_start(SourceId(0));
        let mut model = Model::default();
        for name in ["orders", "search", "mail"] {
            model.services.push(Service::named(name, span));
        }
        for (service, fallback) in [(0, false), (1, true)] {
            model.accesses.push(DatastoreAccess {
                service: ServiceId(service),
                datastore: DatastoreId(0),
                access: Access::ReadWrite,
                fallback,
                span,
                provenance: Provenance::manifest(),
            });
        }
        model
    }

    #[test]
    fn a_slow_datastore_slows_every_user_and_a_down_one_stops_those_without_a_fallback() {
        let model = model();
        let db = Target::Datastore(DatastoreId(0));
        let slow = [
            Fault::Slow(db, 40.0),
            Fault::Slow(Target::Service(ServiceId(0)), 5.0),
        ];
        assert_eq!(extra_ms(&model, &slow), [45.0, 40.0, 0.0]);
        let (failing, brokers) = down_causes(&model, &[Fault::Down(db)]);
        assert_eq!(failing, [(ServiceId(0), Cause::Down(db))]);
        assert!(brokers.is_empty());
    }
}
