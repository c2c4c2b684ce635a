//! CA505 slower-than-timeout: the observed p99 latency of a declared call is above the timeout
//! its caller declares, so at least one call in a hundred is cut off (and retried, when retries
//! are declared). The declared timeout does not fit the callee as it runs.

use crate::diagnostics::catalog::SLOWER_THAN_TIMEOUT;
use crate::diagnostics::{Finding, Item};
use crate::model::observed::round;

use super::Context;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let mut findings = Vec::new();
    for (id, call) in model.call_ids().zip(&model.calls) {
        let Some(timeout) = call.timeout_ms else {
            continue;
        };
        let slowest = model
            .observed
            .calls_between(call.from, call.to)
            .filter_map(|c| Some((c.stats.p99_ms?, c.stats.max_ms, c.stats.count)))
            .max_by(|a, b| a.0.total_cmp(&b.0));
        let Some((p99, max, count)) = slowest.filter(|s| s.0 > timeout) else {
            continue;
        };
        let (caller, callee) = (model.name(call.from), model.name(call.to));
        findings.push(
            Finding::new(
                SLOWER_THAN_TIMEOUT,
                format!(
                    "`{caller}` gives `{callee}` {} ms, but the observed p99 is {} ms ({})",
                    round(timeout),
                    round(p99),
                    match max {
                        Some(max) => format!("slowest {} ms over {}", round(max), calls(count)),
                        // Counters and histogram buckets: the p99 is a bucket's upper bound.
                        None => format!("at most, from a latency histogram over {}", calls(count)),
                    }
                ),
            )
            .at(call.span)
            .about(Item::Call(id))
            .label(format!("timeout {} ms", round(timeout)))
            .service(caller.to_owned())
            .service(callee.to_owned())
            .help(format!(
                "make `{callee}` answer within the timeout, or raise `timeout_ms` above its p99 where the caller's own deadline allows"
            )),
        );
    }
    findings
}

/// `1 call`, `20 calls`.
fn calls(count: u64) -> String {
    if count == 1 {
        "1 call".to_owned()
    } else {
        format!("{count} calls")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_call_is_singular() {
        assert_eq!(super::calls(1), "1 call");
        assert_eq!(super::calls(20), "20 calls");
    }
}
