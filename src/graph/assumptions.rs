//! The assumptions behind measures and estimates (availability and processing time of what
//! declares none, CPU saved by gRPC, when a log beats a queue): figures used where the inputs are
//! silent, each with a default and an allowed range, overridable under `recommend:` in
//! commaudit.yaml and printed with every estimate that used them. The rules, the recommender
//! and what-if all read the same values (see [`super::facts::Defaults`]).

use crate::options::{self, Options};

options::declare! {
    /// The figures estimates assume; one typed field per assumption.
    pub struct Assumptions {
        "default-availability" default_availability: f64 = 99.9, 0..=100,
            "availability in percent assumed for a service without an SLO";
        "default-processing-ms" default_processing_ms: f64 = 10.0, 0..=3_600_000,
            "per-service processing time assumed when a manifest declares no processing_ms";
        "datastore-availability" datastore_availability: f64 = 99.95, 0..=100,
            "availability in percent assumed for a datastore";
        "broker-availability" broker_availability: f64 = 99.95, 0..=100,
            "availability in percent assumed for a message broker";
        "json-us-per-kb" json_us_per_kb: f64 = 12.0, 0..=1_000_000,
            "CPU microseconds to encode or to decode 1 KB of JSON";
        "protobuf-saving" protobuf_saving: f64 = 0.4, 0..=1,
            "share of that serialization CPU that Protobuf saves (30-50% is typical)";
        "default-payload-bytes" default_payload_bytes: f64 = 2048.0, 0..=1_000_000_000,
            "request plus response size when a call does not declare payload_bytes";
        "default-rps" default_rps: f64 = 10.0, 0..=1_000_000_000,
            "requests per second when a call does not declare rps";
        "log-rate" log_rate: f64 = 5000.0, 0..=1_000_000_000,
            "messages per second above which a Kafka-compatible log fits better than a queue";
        "log-bytes-per-second" log_bytes_per_second: f64 = 20_000_000.0, 0..=1e12,
            "bytes per second above which a Kafka-compatible log fits better";
        "log-retention-hours" log_retention_hours: f64 = 720.0, 0..=1_000_000,
            "replay window, in hours, above which a Kafka-compatible log fits better (JetStream keeps days of history well; months of replay is a log's job)";
    }
}

impl Assumptions {
    /// Every assumption with its value and meaning, for printing next to estimates.
    pub fn entries(&self) -> impl Iterator<Item = (&'static str, f64, &'static str)> + '_ {
        Self::FIELDS
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name, self.value(i), f.description))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_declaration_is_sound() {
        assert_eq!(
            options::declaration_problems(Assumptions::FIELDS),
            Vec::<String>::new()
        );
        let a = Assumptions::default();
        assert_eq!((a.default_rps, a.protobuf_saving), (10.0, 0.4));
        assert_eq!(a.entries().count(), 11);
    }
}
