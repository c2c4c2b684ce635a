//! AsyncAPI 2.x and 3.0 documents: servers (which broker), channels, and what the owning
//! application sends and receives on them, including 3.0 `reply` (request/reply).
//!
//! AsyncAPI 2.x describes operations from the point of view of other applications: a channel's
//! `subscribe` operation means the owner *sends* on it, `publish` means the owner *receives*.
//! Both versions are turned into plain send/receive here so nothing downstream has to care.

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::{SourceId, Span};

use crate::yaml::Node;

#[derive(Debug, Clone, PartialEq)]
pub struct AsyncApiDoc {
    pub source: SourceId,
    pub version: String,
    pub title: Option<String>,
    /// The service that owns the document when the document says so (`x-service`).
    pub owner: Option<(String, Span)>,
    pub servers: Vec<AsyncServer>,
    pub channels: Vec<AsyncChannel>,
    pub operations: Vec<AsyncOperation>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncServer {
    pub name: String,
    /// `nats`, `kafka`, `amqp`, ... in lower case.
    pub protocol: String,
    pub host: Option<String>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncChannel {
    /// The key under `channels:`.
    pub key: String,
    /// Subject or topic; `{param}` placeholders as written.
    pub address: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Action {
    /// The owner publishes on the channel.
    Send,
    /// The owner consumes from the channel.
    Receive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncOperation {
    pub id: Option<String>,
    pub action: Action,
    /// Address of the channel the operation uses.
    pub channel: String,
    pub span: Span,
    pub reply: Option<AsyncReply>,
}

/// A 3.0 `reply`: the operation expects (send) or gives (receive) an answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsyncReply {
    /// Address of the reply channel; `None` when it is dynamic (`address.location`).
    pub channel: Option<String>,
    pub span: Span,
}

/// Reads an AsyncAPI document from its parsed tree; structural problems become CA001 findings.
pub fn read(source: SourceId, root: &Node) -> Result<AsyncApiDoc, Vec<Finding>> {
    let problem = |node: &Node, message: String, help: &str| {
        // A structural problem is named by what it says is wrong.
        let about = Item::Key(message.clone());
        Finding::new(
            INVALID_INPUT,
            format!("invalid AsyncAPI document: {message}"),
        )
        .at(node.pos.span(source))
        .about(Item::File(source))
        .about(about)
        .help(help.to_owned())
    };
    if !root.is_map() {
        return Err(vec![problem(
            root,
            format!("expected a mapping at the top, found {}", root.kind_name()),
            "an AsyncAPI document is a mapping with `asyncapi: 3.0.0`, `info` and `channels`",
        )]);
    }
    let Some(version_node) = root.get("asyncapi") else {
        return Err(vec![problem(
            root,
            "`asyncapi` is not set".into(),
            "start the document with `asyncapi: 3.0.0` (or the version it follows)",
        )]);
    };
    let version = version_node.scalar_text().unwrap_or_default().into_owned();
    let v3 = version.starts_with("3.");
    if !(version.starts_with("2.") || version.starts_with("3.0")) {
        return Err(vec![problem(
            version_node,
            format!("version `{version}` is not supported"),
            "commaudit reads AsyncAPI 2.x and 3.0",
        )]);
    }
    let mut findings = Vec::new();
    let info = root.get("info");
    match info {
        Some(i) if i.is_map() => {}
        Some(i) => findings.push(problem(
            i,
            format!("`info` must be a mapping, found {}", i.kind_name()),
            "write `info:` with `title:` and `version:` below it",
        )),
        None => findings.push(problem(
            root,
            "`info` is missing".into(),
            "add `info:` with `title:` and `version:`",
        )),
    }
    let title = info
        .and_then(|i| i.get("title"))
        .and_then(Node::scalar_text)
        .map(|t| t.into_owned());
    let owner = [Some(root), info]
        .into_iter()
        .flatten()
        .find_map(|n| n.get("x-service").or_else(|| n.get("x-commaudit-service")))
        .and_then(|n| Some((n.scalar_text()?.into_owned(), n.pos.span(source))));

    let servers = root
        .get("servers")
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .map(|(key, server)| AsyncServer {
            name: key.name.clone(),
            protocol: server
                .get("protocol")
                .and_then(Node::scalar_text)
                .map(|p| p.to_ascii_lowercase())
                .unwrap_or_default(),
            host: server
                .get(if v3 { "host" } else { "url" })
                .and_then(Node::scalar_text)
                .map(|h| h.into_owned()),
            span: key.pos.span(source),
        })
        .collect();

    let mut channels = Vec::new();
    let mut operations = Vec::new();
    match root.get("channels") {
        Some(c) if c.is_map() || matches!(c.value, crate::yaml::Value::Null) => {
            for (key, channel) in c.entries() {
                let address = if v3 {
                    channel
                        .get("address")
                        .and_then(Node::scalar_text)
                        .map_or_else(|| key.name.clone(), |a| a.into_owned())
                } else {
                    key.name.clone()
                };
                channels.push(AsyncChannel {
                    key: key.name.clone(),
                    address: address.clone(),
                    span: key.pos.span(source),
                });
                if !v3 {
                    // 2.x: `subscribe` = others receive = the owner sends.
                    for (field, action) in
                        [("subscribe", Action::Send), ("publish", Action::Receive)]
                    {
                        if let Some(op) = channel.get(field) {
                            operations.push(AsyncOperation {
                                id: op
                                    .get("operationId")
                                    .and_then(Node::scalar_text)
                                    .map(|s| s.into_owned()),
                                action,
                                channel: address.clone(),
                                span: op.pos.span(source),
                                reply: None,
                            });
                        }
                    }
                }
            }
        }
        Some(c) => findings.push(problem(
            c,
            format!("`channels` must be a mapping, found {}", c.kind_name()),
            "write `channels:` followed by one entry per channel",
        )),
        None if v3 => {}
        None => findings.push(problem(
            root,
            "`channels` is missing".into(),
            "add `channels:` with the subjects or topics the application uses",
        )),
    }

    if v3 {
        for (key, op) in root
            .get("operations")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let action = match op.get("action").and_then(Node::as_str) {
                Some("send") => Action::Send,
                Some("receive") => Action::Receive,
                other => {
                    findings.push(problem(
                        op.get("action").unwrap_or(op),
                        format!(
                            "operation `{}` has action {}, expected `send` or `receive`",
                            key.name,
                            other.map_or("nothing".into(), |a| format!("`{a}`"))
                        ),
                        "set `action: send` or `action: receive`",
                    ));
                    continue;
                }
            };
            let Some(channel) = resolve_channel(op.get("channel"), &channels) else {
                findings.push(problem(
                    op.get("channel").unwrap_or(op),
                    format!(
                        "operation `{}` does not reference a channel of this document",
                        key.name
                    ),
                    "set `channel: { $ref: '#/channels/<id>' }` to a channel declared above",
                ));
                continue;
            };
            let reply = op.get("reply").map(|reply| AsyncReply {
                channel: resolve_channel(reply.get("channel"), &channels),
                span: reply.pos.span(source),
            });
            operations.push(AsyncOperation {
                id: Some(key.name.clone()),
                action,
                channel,
                span: key.pos.span(source),
                reply,
            });
        }
    }

    if findings.is_empty() {
        Ok(AsyncApiDoc {
            source,
            version,
            title,
            owner,
            servers,
            channels,
            operations,
        })
    } else {
        Err(findings)
    }
}

/// Follows `{ $ref: '#/channels/<id>' }` to the channel's address.
fn resolve_channel(node: Option<&Node>, channels: &[AsyncChannel]) -> Option<String> {
    let reference = node?.get("$ref")?.as_str()?;
    let id = reference.strip_prefix("#/channels/")?;
    let id = id.replace("~1", "/").replace("~0", "~");
    channels
        .iter()
        .find(|c| c.key == id)
        .map(|c| c.address.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_node;

    fn doc(text: &str) -> Result<AsyncApiDoc, Vec<Finding>> {
        read(SourceId(0), &parse_node(text).unwrap())
    }

    #[test]
    fn version_2_inverts_publish_and_subscribe() {
        let d = doc("asyncapi: 2.6.0\ninfo: {title: t, version: '1'}\nchannels:\n  orders.completed:\n    subscribe: {operationId: emit}\n  payments.settled:\n    publish: {}\n").unwrap();
        assert_eq!(d.operations[0].action, Action::Send);
        assert_eq!(d.operations[0].channel, "orders.completed");
        assert_eq!(d.operations[1].action, Action::Receive);
    }

    #[test]
    fn version_3_resolves_channels_and_replies() {
        let d = doc("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  check:\n    address: fraud.check\n  result:\n    address: fraud.result\noperations:\n  askFraud:\n    action: send\n    channel: {$ref: '#/channels/check'}\n    reply:\n      channel: {$ref: '#/channels/result'}\n").unwrap();
        let op = &d.operations[0];
        assert_eq!(op.channel, "fraud.check");
        assert_eq!(
            op.reply.as_ref().unwrap().channel.as_deref(),
            Some("fraud.result")
        );
    }

    #[test]
    fn broken_references_are_reported() {
        let err = doc("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels: {}\noperations:\n  x:\n    action: send\n    channel: {$ref: '#/channels/nope'}\n").unwrap_err();
        assert!(err[0].message.contains("does not reference a channel"));
    }

    #[test]
    fn bad_actions_are_reported() {
        let err = doc("asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels: {a: {}}\noperations:\n  x:\n    action: publish\n    channel: {$ref: '#/channels/a'}\n").unwrap_err();
        assert!(err[0].message.contains("`publish`"));
    }
}
