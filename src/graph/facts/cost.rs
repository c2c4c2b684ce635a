//! Serialization CPU of a call edge: what a REST call spends on JSON, and what it would stop
//! spending if it moved to gRPC and Protobuf, at its declared rate and size (or the assumed
//! ones). A measure of one edge, defined once here (see `docs/measures.md`): CA302 prints it,
//! the recommender ranks edges by it and the plan sums it into its savings.

use crate::model::Call;

use super::super::assumptions::Assumptions;

/// Serialization CPU saved on one call edge, with what it was computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuEstimate {
    /// CPU cores saved across caller and callee together.
    pub cores: f64,
    /// CPU cores caller and callee spend on JSON for this edge today.
    pub json_cores: f64,
    pub rps: f64,
    /// Request plus response, in bytes.
    pub payload_bytes: f64,
    /// The call declares no `rps`; `default-rps` was used.
    pub rps_assumed: bool,
    /// The rate is the one the observed traffic measured, not the declared one.
    pub rps_observed: bool,
    /// The call declares no `payload_bytes`; `default-payload-bytes` was used.
    pub payload_assumed: bool,
}

/// Each exchange is encoded once by its sender and decoded once by its receiver, so its
/// kilobytes cost JSON work twice; Protobuf saves a share of that work.
pub fn cpu_saved(call: &Call, assumptions: &Assumptions) -> CpuEstimate {
    let (rps, rps_assumed) = match call.rate() {
        Some(rps) => (rps, false),
        None => (assumptions.default_rps, true),
    };
    let rps_observed = call.observed_rps.is_some();
    let (payload_bytes, payload_assumed) = match call.payload_bytes {
        Some(bytes) => (bytes, false),
        None => (assumptions.default_payload_bytes, true),
    };
    let json_us_per_exchange = 2.0 * kilobytes(payload_bytes) * assumptions.json_us_per_kb;
    let saved_us_per_second = rps * json_us_per_exchange * assumptions.protobuf_saving;
    CpuEstimate {
        cores: saved_us_per_second / 1e6,
        json_cores: rps * json_us_per_exchange / 1e6,
        rps,
        payload_bytes,
        rps_assumed,
        rps_observed,
        payload_assumed,
    }
}

impl CpuEstimate {
    /// `51 millicores of CPU at 1200 rps (2.0 KB per exchange)`, saying which figures were assumed.
    pub fn describe(&self) -> String {
        let assumed = |yes: bool| if yes { "an assumed " } else { "" };
        format!(
            "{} at {}{} rps ({}{:.1} KB per exchange)",
            cores_text(self.cores),
            if self.rps_observed {
                "an observed "
            } else {
                assumed(self.rps_assumed)
            },
            plain(self.rps),
            assumed(self.payload_assumed),
            kilobytes(self.payload_bytes),
        )
    }

    /// The assumptions behind the figure, so a reader can judge it and change them.
    pub fn assumptions_used(&self, assumptions: &Assumptions) -> String {
        let mut text = format!(
            "assumes {} µs per KB to encode or decode JSON, Protobuf {}% cheaper",
            plain(assumptions.json_us_per_kb),
            plain(assumptions.protobuf_saving * 100.0),
        );
        if self.rps_assumed {
            text.push_str(&format!(
                "; rps not declared, default-rps {} used",
                plain(self.rps)
            ));
        }
        if self.payload_assumed {
            text.push_str(&format!(
                "; payload_bytes not declared, default-payload-bytes {} used",
                plain(self.payload_bytes)
            ));
        }
        text
    }
}

fn kilobytes(bytes: f64) -> f64 {
    bytes / 1024.0
}

/// CPU with its unit, two significant digits: `1.5 CPU cores`, `0.68 millicores of CPU`.
pub fn cores_text(cores: f64) -> String {
    if !cores.is_finite() || cores <= 0.0 {
        return "no CPU".into();
    }
    if cores < 1e-6 {
        return "less than 0.001 millicores of CPU".into();
    }
    if cores >= 1.0 {
        return format!("{} CPU cores", two_digits(cores));
    }
    format!("{} millicores of CPU", two_digits(cores * 1000.0))
}

/// Two significant digits, never in scientific notation: `0.68`, `51`, `1.5`, `1200`.
fn two_digits(x: f64) -> String {
    if x >= 10.0 {
        return format!("{x:.0}");
    }
    let decimals = (1 - x.log10().floor() as i32).max(0) as usize;
    trim_zeros(format!("{x:.decimals$}"))
}

/// A count or rate as people write it: `1200`, `2.5`.
fn plain(x: f64) -> String {
    trim_zeros(format!("{x:.2}"))
}

fn trim_zeros(text: String) -> String {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Protocol, Provenance, ServiceId};
    use crate::source::{SourceId, Span};

    fn call(rps: Option<f64>, payload_bytes: Option<f64>) -> Call {
        Call {
            from: ServiceId(0),
            to: ServiceId(1),
            protocol: Protocol::Http,
            operation: None,
            needs_response: Some(true),
            timeout_ms: None,
            retries: None,
            circuit_breaker: false,
            fallback: false,
            rps,
            observed_rps: None,
            payload_bytes,
            poll_interval_ms: None,
            span: Span::new(SourceId(0), 0, 0),
            operation_span: None,
            provenance: Provenance::manifest(),
            paths: Vec::new(),
            routed: false,
            proxy: Default::default(),
            resilience: Default::default(),
        }
    }

    #[test]
    fn saved_cores_follow_rate_size_and_assumptions() {
        // 2 KB encoded and decoded at 12 µs per KB is 48 µs; 40% of it is 19.2 µs per call.
        let e = cpu_saved(&call(Some(1000.0), Some(2048.0)), &Assumptions::default());
        assert!((e.cores - 0.0192).abs() < 1e-12, "{}", e.cores);
        assert!((e.json_cores - 0.048).abs() < 1e-12, "{}", e.json_cores);
        assert!(!e.rps_assumed && !e.payload_assumed);
        assert_eq!(
            e.describe(),
            "19 millicores of CPU at 1000 rps (2.0 KB per exchange)"
        );
    }

    #[test]
    fn missing_figures_use_the_defaults_and_say_so() {
        let a = Assumptions::default();
        let e = cpu_saved(&call(None, None), &a);
        assert_eq!((e.rps, e.payload_bytes), (10.0, 2048.0));
        assert!(e.rps_assumed && e.payload_assumed);
        assert!((e.cores - 0.000_192).abs() < 1e-12, "{}", e.cores);
        assert_eq!(
            e.describe(),
            "0.19 millicores of CPU at an assumed 10 rps (an assumed 2.0 KB per exchange)"
        );
        assert_eq!(
            e.assumptions_used(&a),
            "assumes 12 µs per KB to encode or decode JSON, Protobuf 40% cheaper; \
             rps not declared, default-rps 10 used; \
             payload_bytes not declared, default-payload-bytes 2048 used"
        );
    }

    #[test]
    fn core_counts_read_naturally() {
        assert_eq!(cores_text(0.05), "50 millicores of CPU");
        assert_eq!(cores_text(0.000_675_3), "0.68 millicores of CPU");
        assert_eq!(cores_text(1.54), "1.5 CPU cores");
        assert_eq!(cores_text(9.99), "10 CPU cores");
        assert_eq!(cores_text(123.4), "123 CPU cores");
        assert_eq!(cores_text(0.0), "no CPU");
        assert_eq!(cores_text(1e-9), "less than 0.001 millicores of CPU");
    }
}
