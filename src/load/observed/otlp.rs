//! OTLP JSON (the OpenTelemetry protobuf-JSON encoding): `resourceSpans` -> `scopeSpans` ->
//! `spans`, with `service.name` and Kubernetes names from the resource's attributes.

use crate::source::SourceId;
use crate::yaml::{Node, Value};

use super::{ObservedSpan, Problems, SpanKind, WORKLOAD_KEYS, apply_attributes, number, text};

pub(super) fn read(
    source: SourceId,
    root: &Node,
    out: &mut Vec<ObservedSpan>,
    problems: &mut Problems,
) {
    let batches = root
        .get("resourceSpans")
        .or_else(|| root.get("resource_spans"));
    let Some(batches) = batches.filter(|b| matches!(b.value, Value::Seq(_))) else {
        problems.at(root.pos.span(source), "`resourceSpans` is not a list");
        return;
    };
    for batch in batches.items() {
        let resource = attributes(batch.get("resource").and_then(|r| r.get("attributes")));
        let get = |key: &str| {
            resource
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
        };
        let aliases: Vec<String> = WORKLOAD_KEYS
            .iter()
            .filter(|k| **k != "service.namespace")
            .filter_map(|k| get(k))
            .collect();
        let Some(service) = get("service.name").or_else(|| aliases.first().cloned()) else {
            problems.at(batch.pos.span(source), "a resource without `service.name`");
            continue;
        };
        let scopes = batch
            .get("scopeSpans")
            .or_else(|| batch.get("instrumentationLibrarySpans"))
            .map(Node::items)
            .unwrap_or_default();
        for scope in scopes {
            for node in scope.get("spans").map(Node::items).unwrap_or_default() {
                match span(source, node, &service, &aliases) {
                    Some(span) => out.push(span),
                    None => problems.at(
                        node.pos.span(source),
                        "a span without `traceId`, `spanId` or its start and end times",
                    ),
                }
            }
        }
    }
}

fn span(source: SourceId, node: &Node, service: &str, aliases: &[String]) -> Option<ObservedSpan> {
    let mut span = ObservedSpan {
        trace: text(node.get("traceId"))?,
        id: text(node.get("spanId"))?,
        parent: text(node.get("parentSpanId")),
        service: service.to_owned(),
        aliases: aliases.to_vec(),
        kind: kind(node.get("kind")),
        name: text(node.get("name")).unwrap_or_default(),
        start_ns: number(node.get("startTimeUnixNano"))?,
        end_ns: number(node.get("endTimeUnixNano"))?,
        at: node.pos.span(source),
        ..ObservedSpan::default()
    };
    apply_attributes(&mut span, &attributes(node.get("attributes")));
    let status = node.get("status").and_then(|s| s.get("code"));
    span.error |= matches!(text(status).as_deref(), Some("2" | "STATUS_CODE_ERROR"));
    for link in node.get("links").map(Node::items).unwrap_or_default() {
        if let (Some(trace), Some(id)) = (text(link.get("traceId")), text(link.get("spanId"))) {
            span.links.push((trace, id));
        }
    }
    Some(span)
}

/// `kind` as the enum number or its name.
fn kind(node: Option<&Node>) -> SpanKind {
    match text(node).as_deref() {
        Some("2" | "SPAN_KIND_SERVER") => SpanKind::Server,
        Some("3" | "SPAN_KIND_CLIENT") => SpanKind::Client,
        Some("4" | "SPAN_KIND_PRODUCER") => SpanKind::Producer,
        Some("5" | "SPAN_KIND_CONSUMER") => SpanKind::Consumer,
        _ => SpanKind::Internal,
    }
}

/// OTLP `KeyValue` lists as text pairs; arrays and maps are left out.
fn attributes(node: Option<&Node>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for kv in node.map(Node::items).unwrap_or_default() {
        let Some(key) = text(kv.get("key")) else {
            continue;
        };
        let value = kv.get("value");
        let scalar = ["stringValue", "intValue", "boolValue", "doubleValue"]
            .iter()
            .find_map(|k| text(value.and_then(|v| v.get(k))));
        if let Some(scalar) = scalar {
            out.push((key, scalar));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    pub(crate) fn read_text(text: &str) -> (Vec<ObservedSpan>, usize) {
        let file = SourceFile::new("t.json".into(), "t.json".into(), text.into());
        let (out, findings) = super::super::read(SourceId(0), super::super::Format::Otlp, &file);
        (out.spans, findings.len())
    }

    #[test]
    fn reads_a_client_server_pair_with_attributes() {
        let text = r#"{"resourceSpans":[
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"storefront"}}]},
  "scopeSpans":[{"spans":[{"traceId":"t1","spanId":"a","kind":3,"name":"GET",
   "startTimeUnixNano":"1000000","endTimeUnixNano":"21000000",
   "attributes":[{"key":"server.address","value":{"stringValue":"pricing.shop.svc:8080"}},
                 {"key":"http.request.method","value":{"stringValue":"GET"}}]}]}]},
 {"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"pricing"}}]},
  "scopeSpans":[{"spans":[{"traceId":"t1","spanId":"b","parentSpanId":"a","kind":"SPAN_KIND_SERVER",
   "startTimeUnixNano":"2000000","endTimeUnixNano":"20000000","status":{"code":2}}]}]}]}"#;
        let (spans, problems) = read_text(text);
        assert_eq!(problems, 0);
        assert_eq!(spans.len(), 2);
        assert_eq!(spans[0].kind, SpanKind::Client);
        assert_eq!(spans[0].peer.as_deref(), Some("pricing"));
        assert_eq!(spans[0].protocol.as_deref(), Some("http"));
        assert_eq!(spans[0].duration_ms(), 20.0);
        assert_eq!(spans[1].parent.as_deref(), Some("a"));
        assert!(spans[1].error);
        assert_ne!(spans[1].at, Span::file_start(SourceId(0)));
    }

    #[test]
    fn bad_spans_and_files_are_findings_not_panics() {
        assert_eq!(read_text("{\"resourceSpans\": 3}").1, 1);
        assert_eq!(
            read_text("{\"resourceSpans\": [{\"scopeSpans\": []}]}").1,
            1
        );
        let text = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"a"}}]},
          "scopeSpans":[{"spans":[{"spanId":"x"}, 4, {"traceId":"t","spanId":"y","startTimeUnixNano":"-1","endTimeUnixNano":"2"}]}]}]}"#;
        assert_eq!(read_text(text), (Vec::new(), 3));
        assert_eq!(read_text("{\"resourceSpans\": [").1, 1);
    }
}
