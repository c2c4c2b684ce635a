//! Jaeger JSON (the query API's and UI's export): `data` -> traces with `spans` and
//! `processes`; the kind and call attributes are tags.

use std::collections::BTreeMap;

use crate::source::SourceId;
use crate::yaml::Node;

use super::{ObservedSpan, Problems, SpanKind, WORKLOAD_KEYS, apply_attributes, number, text};

pub(super) fn read(
    source: SourceId,
    root: &Node,
    out: &mut Vec<ObservedSpan>,
    problems: &mut Problems,
) {
    let traces = match root.get("data") {
        Some(data) => data.items(),
        // A single trace, as the UI's "download JSON" writes it.
        None => std::slice::from_ref(root),
    };
    for trace in traces {
        let mut processes: BTreeMap<&str, (String, Vec<String>)> = BTreeMap::new();
        for (key, process) in trace
            .get("processes")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let tags = tags(process.get("tags"));
            let aliases: Vec<String> = WORKLOAD_KEYS
                .iter()
                .filter_map(|k| tags.iter().find(|(t, _)| t == k).map(|(_, v)| v.clone()))
                .collect();
            if let Some(name) = text(process.get("serviceName")) {
                processes.insert(key.name.as_str(), (name, aliases));
            }
        }
        for node in trace.get("spans").map(Node::items).unwrap_or_default() {
            match span(source, node, &processes) {
                Some(span) => out.push(span),
                None => problems.at(
                    node.pos.span(source),
                    "a span without `traceID`, `spanID`, `startTime` or a known `processID`",
                ),
            }
        }
    }
}

fn span(
    source: SourceId,
    node: &Node,
    processes: &BTreeMap<&str, (String, Vec<String>)>,
) -> Option<ObservedSpan> {
    let process = text(node.get("processID"))?;
    let (service, aliases) = processes.get(process.as_str())?;
    let start_us = number(node.get("startTime"))?;
    let duration_us = number(node.get("duration")).unwrap_or(0);
    let tags = tags(node.get("tags"));
    let kind = match tags
        .iter()
        .find(|(k, _)| k == "span.kind")
        .map(|(_, v)| v.as_str())
    {
        Some("client") => SpanKind::Client,
        Some("server") => SpanKind::Server,
        Some("producer") => SpanKind::Producer,
        Some("consumer") => SpanKind::Consumer,
        _ => SpanKind::Internal,
    };
    let mut span = ObservedSpan {
        trace: text(node.get("traceID"))?,
        id: text(node.get("spanID"))?,
        service: service.clone(),
        aliases: aliases.clone(),
        kind,
        name: text(node.get("operationName")).unwrap_or_default(),
        start_ns: start_us.saturating_mul(1000),
        end_ns: start_us.saturating_add(duration_us).saturating_mul(1000),
        at: node.pos.span(source),
        ..ObservedSpan::default()
    };
    for reference in node.get("references").map(Node::items).unwrap_or_default() {
        let (Some(trace), Some(id)) = (
            text(reference.get("traceID")),
            text(reference.get("spanID")),
        ) else {
            continue;
        };
        match text(reference.get("refType")).as_deref() {
            Some("CHILD_OF") if span.parent.is_none() => span.parent = Some(id),
            _ => span.links.push((trace, id)),
        }
    }
    apply_attributes(&mut span, &tags);
    Some(span)
}

fn tags(node: Option<&Node>) -> Vec<(String, String)> {
    node.map(Node::items)
        .unwrap_or_default()
        .iter()
        .filter_map(|t| Some((text(t.get("key"))?, text(t.get("value"))?)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn reads_processes_tags_and_references() {
        let text = r#"{"data":[{"traceID":"t","processes":{"p1":{"serviceName":"frontend"},
  "p2":{"serviceName":"route","tags":[{"key":"k8s.deployment.name","type":"string","value":"route-v1"}]}},
 "spans":[
  {"traceID":"t","spanID":"a","operationName":"GET","startTime":10,"duration":90,"processID":"p1",
   "tags":[{"key":"span.kind","type":"string","value":"client"},{"key":"error","type":"bool","value":true}]},
  {"traceID":"t","spanID":"b","operationName":"/route","startTime":20,"duration":50,"processID":"p2",
   "references":[{"refType":"CHILD_OF","traceID":"t","spanID":"a"}],
   "tags":[{"key":"span.kind","type":"string","value":"server"}]},
  {"traceID":"t","spanID":"c","startTime":1,"processID":"p9"}]}]}"#;
        let file = SourceFile::new("j.json".into(), "j.json".into(), text.into());
        let (out, findings) = super::super::read(SourceId(0), super::super::Format::Jaeger, &file);
        assert_eq!(findings.len(), 1);
        assert_eq!(out.spans.len(), 2);
        assert!(out.spans[0].error);
        assert_eq!(out.spans[1].parent.as_deref(), Some("a"));
        assert_eq!(out.spans[1].aliases, ["route-v1"]);
        assert_eq!(out.spans[1].kind, SpanKind::Server);
    }
}
