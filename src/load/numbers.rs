//! The ranges the numbers of a manifest must lie in. A value outside its range (negative, not
//! finite, or absurd like `1e308` ms, which sums to infinity along a chain) is reported once,
//! here, with the range, and left out, so later stages only ever see sensible numbers.

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::SourceId;
use crate::yaml::Located;

use super::manifest::ServiceManifest;

/// One day, in milliseconds: the longest duration a manifest may state.
pub const MAX_MS: f64 = 86_400_000.0;
/// Requests or messages per second.
pub const MAX_RATE: f64 = 10_000_000.0;
/// One gibibyte.
pub const MAX_BYTES: f64 = 1_073_741_824.0;
/// One hundred years, in hours.
pub const MAX_HOURS: f64 = 876_000.0;
pub const MAX_RETRIES: u32 = 100;
pub const MAX_DELIVERIES: u32 = 10_000;
pub const MAX_REPLICAS: u32 = 100_000;
pub const MAX_CONCURRENCY: u32 = 10_000_000;

/// Checks every number of `m`; those outside their range are reported and removed.
pub fn bound(m: &mut ServiceManifest, source: SourceId) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut check = Checker {
        source,
        findings: &mut out,
    };
    let ms = (0.0, MAX_MS, "0 to 86400000 (one day, in milliseconds)");
    let rate = (0.0, MAX_RATE, "0 to 10000000 per second");
    let bytes = (0.0, MAX_BYTES, "0 to 1073741824 (1 GiB)");
    check.float("processing_ms", &mut m.processing_ms, ms);
    check.whole("replicas", &mut m.replicas, MAX_REPLICAS);
    if let Some(capacity) = &mut m.capacity {
        let c = &mut capacity.value;
        check.float("rps", &mut c.rps, rate);
        check.whole("concurrency", &mut c.concurrency, MAX_CONCURRENCY);
    }
    if let Some(slo) = &mut m.slo {
        check.float("latency_p99_ms", &mut slo.value.latency_p99_ms, ms);
    }
    for call in &mut m.calls {
        let call = &mut call.value;
        check.float("timeout_ms", &mut call.timeout_ms, ms);
        check.float("poll_interval_ms", &mut call.poll_interval_ms, ms);
        check.float("rps", &mut call.rps, rate);
        check.float("payload_bytes", &mut call.payload_bytes, bytes);
        check.whole("retries", &mut call.retries, MAX_RETRIES);
        if let Some(retry) = &mut call.retry {
            let r = &mut retry.value;
            check.whole("attempts", &mut r.attempts, MAX_RETRIES + 1);
            check.float("budget", &mut r.budget, (0.0, 100.0, "0 to 100 (percent)"));
        }
    }
    for publish in &mut m.publishes {
        let p = &mut publish.value;
        check.float("timeout_ms", &mut p.timeout_ms, ms);
        check.float("rate", &mut p.rate, rate);
        check.float("payload_bytes", &mut p.payload_bytes, bytes);
        check.float(
            "retention_hours",
            &mut p.retention_hours,
            (0.0, MAX_HOURS, "0 to 876000 (a hundred years, in hours)"),
        );
    }
    for subscribe in &mut m.subscribes {
        if let Some(dlq) = &mut subscribe.value.dlq {
            check.whole(
                "max_deliveries",
                &mut dlq.value.max_deliveries,
                MAX_DELIVERIES,
            );
        }
    }
    out
}

/// A number as written back to the user: `1e308` rather than 309 digits.
fn shown(value: f64) -> String {
    if value.is_finite() && value.abs() < 1e9 {
        value.to_string()
    } else {
        format!("{value:e}")
    }
}

struct Checker<'a> {
    source: SourceId,
    findings: &'a mut Vec<Finding>,
}

impl Checker<'_> {
    fn float(
        &mut self,
        key: &str,
        value: &mut Option<Located<f64>>,
        (low, high, range): (f64, f64, &str),
    ) {
        let Some(v) = value.as_ref() else {
            return;
        };
        if v.value.is_finite() && (low..=high).contains(&v.value) {
            return;
        }
        self.report(key, shown(v.value), v.span(self.source), range);
        *value = None;
    }

    fn whole(&mut self, key: &str, value: &mut Option<Located<u32>>, high: u32) {
        let Some(v) = value.as_ref().filter(|v| v.value > high) else {
            return;
        };
        let range = format!("0 to {high}");
        self.report(key, v.value.to_string(), v.span(self.source), &range);
        *value = None;
    }

    fn report(&mut self, key: &str, value: String, span: crate::source::Span, range: &str) {
        self.findings.push(
            Finding::new(
                INVALID_INPUT,
                format!("`{key}` is {value}, outside the allowed range {range}"),
            )
            .at(span)
            .about(Item::File(span.source))
            .about(Item::Key(key.into()))
            .label("out of range")
            .help(format!(
                "write a number from {range}; the value is ignored until then"
            )),
        );
    }
}
