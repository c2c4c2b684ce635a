//! CA501 undeclared-call: the traffic shows a service calling another that no manifest, contract
//! or imported configuration says it calls. Both ends must be services of the model; names the
//! traffic has that nothing declares are listed in the summary instead.

use crate::diagnostics::catalog::UNDECLARED_CALL;
use crate::diagnostics::{Finding, Item};
use crate::model::observed::undeclared_calls;

use super::Context;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    let mut findings = Vec::new();
    for (from, to, call) in undeclared_calls(model) {
        let (caller, callee) = (model.name(from), model.name(to));
        let over = call
            .protocol
            .as_deref()
            .map(|p| format!(" over {p}"))
            .unwrap_or_default();
        let protocol = match call.protocol.as_deref() {
            None | Some("http") => "rest",
            Some(other) => other,
        };
        findings.push(
            Finding::new(
                UNDECLARED_CALL,
                format!(
                    "`{caller}` calls `{callee}`{over} in the observed traffic ({}), but nothing declares that call",
                    call.stats.describe()
                ),
            )
            .at(model.service(from).span)
            .about(Item::Service(from))
            .about(Item::Service(to))
            .about(Item::Key(format!("observed {protocol}")))
            .label(format!("calls `{callee}` undeclared"))
            .service(caller.to_owned())
            .service(callee.to_owned())
            .related(call.at, format!("first seen here ({})", call.evidence))
            .help(format!(
                "declare it under `calls:` of `{caller}` (`- {{ to: {callee}, protocol: {protocol} }}`) with its timeout and whether the answer is needed, or remove the call from the code"
            )),
        );
    }
    findings
}
