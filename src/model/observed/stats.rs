//! What the traffic measured on one edge, accumulated span by span and summarised once.

/// An edge's measures. Rates need a window, so counters alone leave `rps` empty; latency needs
/// spans, so counters alone leave the percentiles empty.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallStats {
    pub count: u64,
    pub errors: u64,
    pub rps: Option<f64>,
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    pub max_ms: Option<f64>,
    /// Calls per request of the caller (per parent span), when the calls had parents.
    pub per_parent: Option<f64>,
    /// Requests of the caller in which this call ran beside other calls: at the same time
    /// (`parallel`) or one after another (`sequential`).
    pub parallel: u64,
    pub sequential: u64,
    /// Calls whose caller's own request ended only after the call did (it waited for the
    /// answer), and calls it did not wait for.
    pub waited: u64,
    pub unwaited: u64,
    pub payload_bytes: Option<f64>,
}

impl CallStats {
    pub fn error_rate(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.errors as f64 / self.count as f64
        }
    }

    /// Whether the caller observably waits: most calls with a known parent were waited for.
    pub fn caller_waits(&self) -> bool {
        self.waited > 0 && self.waited >= self.unwaited
    }

    /// In words for messages: `12 calls, 0.4 rps, p99 212 ms, 8% errors`.
    pub fn describe(&self) -> String {
        let mut parts = vec![format!(
            "{} call{}",
            self.count,
            if self.count == 1 { "" } else { "s" }
        )];
        if let Some(rps) = self.rps {
            parts.push(format!("{} rps", round(rps)));
        }
        if let Some(p99) = self.p99_ms {
            parts.push(format!("p99 {} ms", round(p99)));
        }
        if self.errors > 0 {
            parts.push(format!("{}% errors", round(self.error_rate() * 100.0)));
        }
        parts.join(", ")
    }
}

/// Spans of one edge, before they are summarised.
#[derive(Debug, Clone, Default)]
pub(super) struct Accumulator {
    pub count: u64,
    pub errors: u64,
    pub durations_ms: Vec<f64>,
    pub parents: std::collections::BTreeSet<(String, String)>,
    pub with_parent: u64,
    pub parallel: u64,
    pub sequential: u64,
    pub waited: u64,
    pub unwaited: u64,
    pub payload: Vec<f64>,
}

impl Accumulator {
    pub fn finish(mut self, window_s: Option<f64>) -> CallStats {
        self.durations_ms.sort_by(f64::total_cmp);
        let pct = |p: f64| percentile(&self.durations_ms, p);
        CallStats {
            count: self.count,
            errors: self.errors,
            rps: window_s.map(|w| self.count as f64 / w),
            p50_ms: pct(0.5),
            p99_ms: pct(0.99),
            max_ms: self.durations_ms.last().copied(),
            per_parent: (!self.parents.is_empty())
                .then(|| self.with_parent as f64 / self.parents.len() as f64),
            parallel: self.parallel,
            sequential: self.sequential,
            waited: self.waited,
            unwaited: self.unwaited,
            payload_bytes: (!self.payload.is_empty())
                .then(|| self.payload.iter().sum::<f64>() / self.payload.len() as f64),
        }
    }
}

/// The nearest-rank percentile of sorted values.
pub(super) fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

/// Three significant digits at most, without trailing zeros.
pub fn round(x: f64) -> String {
    let digits = if x.abs() >= 100.0 {
        0
    } else if x.abs() >= 10.0 {
        1
    } else {
        2
    };
    let text = format!("{x:.digits$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 0.5), Some(50.0));
        assert_eq!(percentile(&v, 0.99), Some(99.0));
        assert_eq!(percentile(&[7.0], 0.99), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
    }

    #[test]
    fn numbers_read_short() {
        assert_eq!(round(0.4), "0.4");
        assert_eq!(round(12.34), "12.3");
        assert_eq!(round(212.0), "212");
    }
}
