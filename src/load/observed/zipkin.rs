//! Zipkin v2 JSON: a list of spans, each with its `localEndpoint.serviceName`. A server span
//! that shares its client's id (`shared: true`) is given the client as its parent.

use crate::source::SourceId;
use crate::yaml::{Node, Value};

use super::{ObservedSpan, Problems, SpanKind, apply_attributes, number, text};

pub(super) fn read(
    source: SourceId,
    root: &Node,
    out: &mut Vec<ObservedSpan>,
    problems: &mut Problems,
) {
    if !matches!(root.value, Value::Seq(_)) {
        problems.at(root.pos.span(source), "the file is not a list of spans");
        return;
    }
    for node in root.items() {
        match span(source, node) {
            Some(span) => out.push(span),
            None => problems.at(
                node.pos.span(source),
                "a span without `traceId`, `id`, `localEndpoint.serviceName` or `timestamp`",
            ),
        }
    }
}

fn span(source: SourceId, node: &Node) -> Option<ObservedSpan> {
    let start_us = number(node.get("timestamp"))?;
    let duration_us = number(node.get("duration")).unwrap_or(0);
    let kind = match text(node.get("kind")).as_deref() {
        Some("CLIENT") => SpanKind::Client,
        Some("SERVER") => SpanKind::Server,
        Some("PRODUCER") => SpanKind::Producer,
        Some("CONSUMER") => SpanKind::Consumer,
        _ => SpanKind::Internal,
    };
    let mut id = text(node.get("id"))?;
    let mut parent = text(node.get("parentId"));
    if kind == SpanKind::Server && node.get("shared").and_then(Node::as_bool) == Some(true) {
        parent = Some(id.clone());
        id.push_str(":server");
    }
    let mut span = ObservedSpan {
        trace: text(node.get("traceId"))?,
        id,
        parent,
        service: text(node.get("localEndpoint").and_then(|e| e.get("serviceName")))?,
        kind,
        name: text(node.get("name")).unwrap_or_default(),
        start_ns: start_us.saturating_mul(1000),
        end_ns: start_us.saturating_add(duration_us).saturating_mul(1000),
        at: node.pos.span(source),
        ..ObservedSpan::default()
    };
    let tags: Vec<(String, String)> = node
        .get("tags")
        .map(Node::entries)
        .unwrap_or_default()
        .iter()
        .filter_map(|(k, v)| Some((k.name.clone(), text(Some(v))?)))
        .collect();
    apply_attributes(&mut span, &tags);
    span.error |= tags.iter().any(|(k, _)| k == "error");
    let remote = text(
        node.get("remoteEndpoint")
            .and_then(|e| e.get("serviceName")),
    );
    if let Some(remote) = remote {
        span.peer = Some(remote);
    }
    Some(span)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn shared_server_spans_hang_under_their_client() {
        let text = r#"[
 {"traceId":"t","id":"1","kind":"CLIENT","name":"get","timestamp":1000,"duration":500,
  "localEndpoint":{"serviceName":"frontend"},"remoteEndpoint":{"serviceName":"backend"},
  "tags":{"http.method":"GET"}},
 {"traceId":"t","id":"1","kind":"SERVER","shared":true,"timestamp":1100,"duration":300,
  "localEndpoint":{"serviceName":"backend"},"tags":{"error":"boom"}},
 {"traceId":"t"}
]"#;
        let file = SourceFile::new("z.json".into(), "z.json".into(), text.into());
        let (out, findings) = super::super::read(SourceId(0), super::super::Format::Zipkin, &file);
        assert_eq!(findings.len(), 1);
        let spans = out.spans;
        assert_eq!(spans[0].peer.as_deref(), Some("backend"));
        assert_eq!(spans[0].protocol.as_deref(), Some("http"));
        assert_eq!(spans[1].parent.as_deref(), Some("1"));
        assert!(spans[1].error);
        assert_eq!(spans[1].duration_ms(), 0.3);
    }
}
