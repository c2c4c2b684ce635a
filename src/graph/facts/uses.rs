//! The datastores and brokers each service cannot work without: the one definition read by the
//! availability ceilings (CA104, CA406) and by what-if when a datastore or broker is down.
//!
//! A datastore counts unless the service uses it with a fallback. A broker counts for the
//! services that publish to it, except through a transactional outbox: the message is written
//! with the publisher's own state change and a relay publishes it later, so the broker being
//! down delays the message and fails no request. The datastore an outbox names counts instead.
//! A publication that waits for its reply needs the broker whatever holds it.

use super::Dependencies;
use crate::model::{BrokerId, DatastoreId, Model, Outbox, Publication, ServiceId};

/// Per service, sorted and without repeats.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Uses {
    pub datastores: Vec<Vec<DatastoreId>>,
    pub brokers: Vec<Vec<BrokerId>>,
}

/// Whether the publisher cannot publish, and so cannot work, while the broker is down.
pub fn needs_broker(p: &Publication) -> bool {
    p.outbox.is_none() || p.awaits_reply
}

impl Uses {
    pub fn of(model: &Model) -> Uses {
        let n = model.services.len();
        let mut datastores = vec![Vec::new(); n];
        let mut brokers = vec![Vec::new(); n];
        for a in model.accesses.iter().filter(|a| !a.fallback) {
            datastores[a.service.index()].push(a.datastore);
        }
        for p in &model.publications {
            if needs_broker(p) {
                brokers[p.service.index()].push(model.channel(p.channel).broker);
            } else if let Some(Outbox::In(d)) = p.outbox {
                datastores[p.service.index()].push(d);
            }
        }
        for list in &mut datastores {
            list.sort();
            list.dedup();
        }
        for list in &mut brokers {
            list.sort();
            list.dedup();
        }
        Uses {
            datastores,
            brokers,
        }
    }

    /// What an entrypoint cannot answer without: `services` (its hard sync dependencies) and
    /// the datastores and brokers that it or any of them cannot work without.
    pub(super) fn dependencies(&self, entry: ServiceId, services: &[ServiceId]) -> Dependencies {
        let all = || std::iter::once(entry).chain(services.iter().copied());
        let mut datastores: Vec<DatastoreId> = all()
            .flat_map(|s| self.datastores[s.index()].iter().copied())
            .collect();
        datastores.sort();
        datastores.dedup();
        let mut brokers: Vec<BrokerId> = all()
            .flat_map(|s| self.brokers[s.index()].iter().copied())
            .collect();
        brokers.sort();
        brokers.dedup();
        Dependencies {
            services: services.to_vec(),
            datastores,
            brokers,
        }
    }

    /// The services that cannot work without datastore `d`, sorted.
    pub fn needing_datastore(&self, d: DatastoreId) -> Vec<ServiceId> {
        needing(&self.datastores, d)
    }

    /// The services that cannot work without broker `b`, sorted.
    pub fn needing_broker(&self, b: BrokerId) -> Vec<ServiceId> {
        needing(&self.brokers, b)
    }
}

fn needing<T: PartialEq>(per_service: &[Vec<T>], target: T) -> Vec<ServiceId> {
    per_service
        .iter()
        .enumerate()
        .filter(|(_, used)| used.contains(&target))
        .map(|(i, _)| ServiceId(i as u32))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::chains::tests::graph;
    use crate::graph::facts::tests::test_model;
    use crate::graph::facts::{Defaults, Facts};
    use crate::model::{Broker, BrokerKind, Channel, ChannelId, Datastore, Provenance};
    use crate::source::{SourceId, Span};

    /// Entry 0 calls 1 and 2; 1 publishes to the broker directly, 2 through an outbox held in
    /// `outbox` (or unnamed when `None`).
    fn platform(outbox: Option<Outbox>) -> Model {
        let span = Span::file_start(SourceId(0));
        let mut model = test_model(3);
        model.brokers.push(Broker {
            name: "bus".into(),
            kind: BrokerKind::Nats,
            availability: None,
            span,
            provenance: Provenance::manifest(),
        });
        model.datastores.push(Datastore {
            name: "orders-db".into(),
            kind: "postgres".into(),
            owner: None,
            availability: None,
            span,
            provenance: Provenance::manifest(),
        });
        model.channels.push(Channel {
            broker: BrokerId(0),
            subject: "orders.placed".into(),
        });
        for (service, outbox) in [(1, None), (2, outbox)] {
            model.publications.push(Publication {
                service: ServiceId(service),
                channel: ChannelId(0),
                awaits_reply: false,
                reply_origin: None,
                reply_subject: None,
                timeout_ms: None,
                rate: None,
                payload_bytes: None,
                retention_hours: None,
                outbox,
                span,
                provenance: Provenance::manifest(),
            });
        }
        model
    }

    #[test]
    fn a_publication_through_an_outbox_does_not_need_the_broker() {
        let model = platform(Some(Outbox::In(DatastoreId(0))));
        let uses = Uses::of(&model);
        assert_eq!(uses.needing_broker(BrokerId(0)), [ServiceId(1)]);
        // The datastore holding the outbox is needed instead.
        assert_eq!(uses.needing_datastore(DatastoreId(0)), [ServiceId(2)]);
        let unnamed = Uses::of(&platform(Some(Outbox::Unnamed)));
        assert_eq!(unnamed.needing_broker(BrokerId(0)), [ServiceId(1)]);
        assert!(unnamed.needing_datastore(DatastoreId(0)).is_empty());
        // A publication that waits for its reply needs the broker, outbox or not.
        let mut waits = platform(Some(Outbox::Unnamed));
        waits.publications[1].awaits_reply = true;
        let waits = Uses::of(&waits);
        assert_eq!(
            waits.needing_broker(BrokerId(0)),
            [ServiceId(1), ServiceId(2)]
        );
    }

    #[test]
    fn the_broker_leaves_the_ceiling_once_every_publisher_on_the_path_has_an_outbox() {
        let defaults = Defaults {
            broker_availability: 0.9,
            datastore_availability: 0.8,
            ..Defaults::default()
        };
        let entry = |model: &Model, edges: &[(u32, u32, u32)]| {
            let facts = Facts::of(model, &graph(3, edges), &[ServiceId(0)], defaults);
            facts.per_entry[0].clone()
        };
        let model = platform(Some(Outbox::In(DatastoreId(0))));
        // Through 1, which publishes directly, the broker is a hard dependency.
        let direct = entry(&model, &[(0, 1, 0)]);
        assert_eq!(direct.dependencies.brokers, [BrokerId(0)]);
        assert!(direct.dependencies.datastores.is_empty());
        // Through 2 only, the outbox's datastore is, and the broker is not.
        let outbox = entry(&model, &[(0, 2, 0)]);
        assert!(outbox.dependencies.brokers.is_empty());
        assert_eq!(outbox.dependencies.datastores, [DatastoreId(0)]);
        let service = defaults.availability;
        assert!((direct.ceiling - service * 0.9).abs() < 1e-12);
        assert!((outbox.ceiling - service * 0.8).abs() < 1e-12);
    }
}
