//! CA301 sync-side-effect: a sync call between two services of the system whose answer the
//! caller declares it does not need (`needs_response: false`). It belongs on a queue.

use crate::diagnostics::{Finding, Item};
use crate::model::operations;
use crate::model::{Call, CallId, Model, Operation, OperationKind, ServiceKind};

use super::Context;
use crate::diagnostics::catalog::SYNC_SIDE_EFFECT;

pub fn check(ctx: &Context) -> Vec<Finding> {
    let model = ctx.model;
    model
        .call_ids()
        .zip(&model.calls)
        .filter(|(_, call)| call.needs_response == Some(false))
        .filter(|(_, call)| {
            let application =
                |id| !matches!(model.service(id).kind, ServiceKind::Client | ServiceKind::Infrastructure);
            application(call.from) && application(call.to)
        })
        .map(|(id, call)| finding(model, id, call))
        .collect()
}

fn finding(model: &Model, id: CallId, call: &Call) -> Finding {
    let (caller, callee) = (model.name(call.from), model.name(call.to));
    let what = match &call.operation {
        Some(op) => format!(" (`{}`)", op.name),
        None => String::new(),
    };
    let message = format!(
        "`{caller}` calls `{callee}` synchronously for a side effect{what} and does not need \
         the answer"
    );
    let command = match call
        .operation
        .as_ref()
        .and_then(|op| subject_for(callee, op))
    {
        Some(subject) => format!("a command such as `{subject}`"),
        None => "an event or a command".to_owned(),
    };
    let mut help = format!(
        "publish {command} on a queue (NATS JetStream by default) instead of calling, and let \
         `{callee}` consume it with an idempotent, at-least-once subscription and a dead-letter \
         queue with automatic redrive"
    );
    // Events the caller already publishes are the honest alternative to a new command.
    let events: Vec<_> = model
        .publications
        .iter()
        .filter(|p| p.service == call.from && !p.awaits_reply)
        .collect();
    if !events.is_empty() {
        let names: Vec<String> = events
            .iter()
            .map(|p| format!("`{}`", model.channel(p.channel).subject))
            .collect();
        help.push_str(&format!(
            "; or subscribe it to {}, which `{caller}` already publishes, if that carries what \
             the call sends",
            names.join(", ")
        ));
    }
    let mut finding = Finding::new(SYNC_SIDE_EFFECT, message)
        .at(call.span)
        .about(Item::Call(id))
        .label("the answer is not needed")
        .services([caller, callee])
        .help(help);
    if let Some(op) = &call.operation {
        finding = finding.operation(op.name.clone());
    }
    for p in events {
        finding = finding.related(
            p.span,
            format!(
                "`{caller}` already publishes `{}` here",
                model.channel(p.channel).subject
            ),
        );
    }
    finding
}

/// A command subject named after the callee and what the operation does: `POST /emails` on
/// `notifications` gives `notifications.emails`, `mail.v1.Mailer/SendReceipt` gives
/// `notifications.send-receipt`. `None` when the operation says nothing usable.
fn subject_for(callee: &str, op: &Operation) -> Option<String> {
    let is_http = match op.kind {
        OperationKind::Http => true,
        OperationKind::Grpc { .. } | OperationKind::Thrift { .. } => false,
        OperationKind::Unchecked => operations::looks_like_http(&op.name),
    };
    let tokens: Vec<String> = if is_http {
        let path = op.name.split_once(' ').map_or(op.name.as_str(), |(_, p)| p);
        let path = path.split('?').next().unwrap_or(path);
        path.split('/')
            .filter(|s| !s.is_empty() && !s.contains('{') && !s.contains(':'))
            .map(kebab)
            .filter(|t| !is_prefix_noise(t))
            .collect()
    } else {
        // A gRPC or Thrift method, or an operationId: the last name says what is done.
        let separator = match op.kind {
            OperationKind::Thrift { .. } => '.',
            _ => '/',
        };
        let method = op.name.rsplit(separator).next().unwrap_or(&op.name);
        vec![kebab(method)]
    };
    let tokens: Vec<String> = tokens.into_iter().filter(|t| !t.is_empty()).collect();
    if tokens.is_empty() {
        return None;
    }
    Some(format!("{}.{}", kebab(callee), tokens.join(".")))
}

/// Path segments that say where an API lives, not what it does: `api`, `v1`.
fn is_prefix_noise(token: &str) -> bool {
    token == "api"
        || token
            .strip_prefix('v')
            .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
}

/// `SendReceipt` -> `send-receipt`; keeps only characters a NATS subject token allows.
fn kebab(word: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in word.chars() {
        if c.is_ascii_uppercase() && prev_lower {
            out.push('-');
        }
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            out.push(c.to_ascii_lowercase());
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(name: &str, kind: OperationKind) -> Operation {
        Operation {
            name: name.into(),
            kind,
        }
    }

    #[test]
    fn subjects_come_from_the_operation() {
        let grpc = OperationKind::Grpc {
            client_streaming: false,
            server_streaming: false,
        };
        let subject = |name, kind| subject_for("notifications", &op(name, kind));
        assert_eq!(
            subject("POST /emails", OperationKind::Http).as_deref(),
            Some("notifications.emails")
        );
        assert_eq!(
            subject("POST /api/v2/index/orders/{id}", OperationKind::Unchecked).as_deref(),
            Some("notifications.index.orders")
        );
        assert_eq!(
            subject("mail.v1.Mailer/SendReceipt", grpc).as_deref(),
            Some("notifications.send-receipt")
        );
        assert_eq!(
            subject("mail.v1.Mailer/SendReceipt", OperationKind::Unchecked).as_deref(),
            Some("notifications.send-receipt")
        );
        assert_eq!(
            subject("sendOrderConfirmation", OperationKind::Unchecked).as_deref(),
            Some("notifications.send-order-confirmation")
        );
        assert_eq!(subject("POST /{id}", OperationKind::Http), None);
        assert_eq!(subject("POST /", OperationKind::Http), None);
    }
}
