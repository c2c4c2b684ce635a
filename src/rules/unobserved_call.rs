//! CA502 unobserved-call: a declared call that the traffic never shows, although the traffic
//! covers its caller (the caller recorded spans, or is a client in the service-graph metrics).
//! The finding states the window it looked at: a rare call may simply not have happened in it.

use crate::diagnostics::catalog::UNOBSERVED_CALL;
use crate::diagnostics::{Finding, Item};

use super::Context;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let observed = &model.observed;
    if observed.is_empty() {
        return Vec::new();
    }
    let mut findings = Vec::new();
    for (id, call) in model.call_ids().zip(&model.calls) {
        if !observed.covered.contains(&call.from)
            || observed.calls_between(call.from, call.to).next().is_some()
        {
            continue;
        }
        let (caller, callee) = (model.name(call.from), model.name(call.to));
        let made = observed
            .calls
            .iter()
            .filter(|c| c.from.service() == Some(call.from))
            .map(|c| c.stats.count)
            .sum::<u64>();
        findings.push(
            Finding::new(
                UNOBSERVED_CALL,
                format!(
                    "`{caller}` declares a call to `{callee}` that never happened in {} (calls by `{caller}` seen: {made})",
                    observed.describe_window()
                ),
            )
            .at(call.span)
            .about(Item::Call(id))
            .label("never observed")
            .service(caller.to_owned())
            .service(callee.to_owned())
            .help(format!(
                "if `{caller}` no longer calls `{callee}`, remove the declaration; if the call is rare, scan a longer window of traffic; if it goes through a client that records no spans, instrument it"
            )),
        );
    }
    findings
}
