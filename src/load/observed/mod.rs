//! Observed traffic: trace exports (OTLP JSON, Jaeger JSON, Zipkin v2 JSON) and service-graph
//! metrics (Prometheus text), read into spans and counted edges with their positions. Nothing
//! here pairs spans or resolves names; the model stage does (`model/observed`).
//!
//! Every file is read through the confined reader like every other input; what cannot be
//! parsed is a CA001 finding naming the file and line, never a panic.

mod args;
mod jaeger;
mod otlp;
mod prometheus;
mod zipkin;

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::{SourceId, Span};
use crate::yaml::Node;

/// The observed formats commaudit reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    Otlp,
    Jaeger,
    Zipkin,
    Prometheus,
}

impl Format {
    pub fn describe(self) -> &'static str {
        match self {
            Format::Otlp => "OTLP JSON trace export",
            Format::Jaeger => "Jaeger JSON trace export",
            Format::Zipkin => "Zipkin v2 JSON trace export",
            Format::Prometheus => "Prometheus service-graph metrics",
        }
    }
}

/// What a span says about the call it records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum SpanKind {
    #[default]
    Internal,
    Server,
    Client,
    Producer,
    Consumer,
}

/// One span, in the terms every trace format shares.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedSpan {
    pub trace: String,
    pub id: String,
    pub parent: Option<String>,
    /// `service.name` of the process that recorded it.
    pub service: String,
    /// Other names of that process: Kubernetes deployment, statefulset or service names.
    pub aliases: Vec<String>,
    pub kind: SpanKind,
    pub name: String,
    pub start_ns: u64,
    pub end_ns: u64,
    pub error: bool,
    /// Whom a client or producer span says it calls: `peer.service`, else `rpc.service`'s
    /// owner is unknown, so `server.address` / `net.peer.name` (host only).
    pub peer: Option<String>,
    /// `rpc.system` (`grpc`), `messaging.system` (`nats`, `kafka`), or `http` when the span has
    /// HTTP attributes.
    pub protocol: Option<String>,
    /// `rpc.service` or the HTTP route, for messages.
    pub operation: Option<String>,
    /// `messaging.destination.name`.
    pub destination: Option<String>,
    /// Spans this one links to (trace, span), as a consumer links to its producer.
    pub links: Vec<(String, String)>,
    pub request_bytes: Option<f64>,
    /// Where the span is written.
    pub at: Span,
}

impl Default for ObservedSpan {
    fn default() -> Self {
        ObservedSpan {
            trace: String::new(),
            id: String::new(),
            parent: None,
            service: String::new(),
            aliases: Vec::new(),
            kind: SpanKind::Internal,
            name: String::new(),
            start_ns: 0,
            end_ns: 0,
            error: false,
            peer: None,
            protocol: None,
            operation: None,
            destination: None,
            links: Vec::new(),
            request_bytes: None,
            at: Span::file_start(SourceId(0)),
        }
    }
}

impl ObservedSpan {
    pub fn duration_ms(&self) -> f64 {
        self.end_ns.saturating_sub(self.start_ns) as f64 / 1e6
    }
}

/// An edge counted by a service-graph metric: requests from `client` to `server`.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricEdge {
    pub client: String,
    pub server: String,
    pub requests: f64,
    pub failed: f64,
    pub protocol: Option<String>,
    /// Latency percentiles read from the edge's histogram buckets (the upper bound of the
    /// bucket the percentile falls in), when the file has them.
    pub p50_ms: Option<f64>,
    pub p99_ms: Option<f64>,
    /// The metric's name, for the evidence.
    pub metric: &'static str,
    pub at: Span,
}

/// What one observed file holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ObservedFile {
    pub source: SourceId,
    pub format: Format,
    pub spans: Vec<ObservedSpan>,
    pub metrics: Vec<MetricEdge>,
}

/// Tells an observed format from the file's name and the top of its text.
pub fn sniff(name: &str, text: &str) -> Option<Format> {
    let head: String = text.chars().take(64 * 1024).collect();
    let has = |key: &str| {
        head.match_indices(&format!("\"{key}\""))
            .any(|(i, m)| head[i + m.len()..].trim_start().starts_with(':'))
    };
    let trimmed = head.trim_start();
    if trimmed.starts_with('{') && (has("resourceSpans") || has("resource_spans")) {
        return Some(Format::Otlp);
    }
    if trimmed.starts_with('{') && has("traceID") && has("spans") && has("processes") {
        return Some(Format::Jaeger);
    }
    if trimmed.starts_with('[') && has("traceId") && (has("localEndpoint") || has("remoteEndpoint"))
    {
        return Some(Format::Zipkin);
    }
    let metrics_name = name.ends_with(".prom") || name.ends_with(".txt");
    let metric = prometheus::METRICS
        .iter()
        .any(|m| head.lines().any(|l| l.starts_with(m)));
    if (metrics_name || !trimmed.starts_with(['{', '['])) && metric && !name.ends_with(".json") {
        return Some(Format::Prometheus);
    }
    None
}

/// Reads one observed file; problems are CA001 findings.
pub fn read(
    source: SourceId,
    format: Format,
    file_text: &crate::source::SourceFile,
) -> (ObservedFile, Vec<Finding>) {
    let text: &str = &file_text.text;
    let mut file = ObservedFile {
        source,
        format,
        spans: Vec::new(),
        metrics: Vec::new(),
    };
    let mut problems = Problems {
        source,
        format,
        findings: Vec::new(),
    };
    match format {
        Format::Prometheus => prometheus::read(source, text, &mut file.metrics, &mut problems),
        _ => match crate::yaml::parse_node(text) {
            Ok(root) => match format {
                Format::Otlp => otlp::read(source, &root, &mut file.spans, &mut problems),
                Format::Jaeger => jaeger::read(source, &root, &mut file.spans, &mut problems),
                _ => zipkin::read(source, &root, &mut file.spans, &mut problems),
            },
            Err(err) => {
                let finding = Finding::new(
                    INVALID_INPUT,
                    format!("invalid {}: {}", format.describe(), err.message),
                )
                .at(err.span(source, file_text))
                .about(Item::File(source))
                .about(Item::Key(format!("invalid {}", format.describe())))
                .help("export the traces again, or remove the file from the scan");
                problems.findings.push(finding);
            }
        },
    }
    if file.spans.is_empty() && file.metrics.is_empty() && problems.findings.is_empty() {
        problems.at(
            Span::file_start(source),
            "holds no span or service-graph sample commaudit can use",
        );
    }
    (file, problems.findings)
}

/// Problems met in one file, as CA001 findings; at most a few per file, so a broken export
/// does not flood the report.
pub(crate) struct Problems {
    source: SourceId,
    format: Format,
    findings: Vec<Finding>,
}

const MAX_PROBLEMS: usize = 5;

impl Problems {
    pub(crate) fn at(&mut self, span: Span, what: &str) {
        if self.findings.len() >= MAX_PROBLEMS {
            return;
        }
        self.findings.push(
            Finding::new(
                INVALID_INPUT,
                format!("{}: {what}", self.format.describe()),
            )
            .at(span)
            .about(Item::File(self.source))
            .about(Item::Key(format!("observed {what}")))
            .help("commaudit reads spans with a trace and span id, a service name and start and end times; fix or drop the entry"),
        );
    }
}

/// Text of a scalar node.
pub(crate) fn text(node: Option<&Node>) -> Option<String> {
    node.and_then(Node::scalar_text)
        .map(|t| t.into_owned())
        .filter(|t| !t.is_empty())
}

/// An unsigned number written as a number or a string (`"1700000000000000000"`).
pub(crate) fn number(node: Option<&Node>) -> Option<u64> {
    let node = node?;
    match &node.value {
        crate::yaml::Value::Int(i) => u64::try_from(*i).ok(),
        crate::yaml::Value::Float(f) if *f >= 0.0 && f.is_finite() => Some(*f as u64),
        crate::yaml::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The host part of an address: `pricing.default.svc.cluster.local:8080` gives `pricing`,
/// `10.0.0.4` stays as it is.
pub(crate) fn host_name(address: &str) -> String {
    let address = address
        .split("://")
        .last()
        .unwrap_or(address)
        .split(['/', '?'])
        .next()
        .unwrap_or("");
    let host = address.rsplit_once(':').map_or(address, |(h, p)| {
        if p.chars().all(|c| c.is_ascii_digit()) {
            h
        } else {
            address
        }
    });
    if host.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return host.to_owned();
    }
    host.split('.').next().unwrap_or(host).to_owned()
}

/// Fills the call attributes every format names alike from (key, value) pairs; the first
/// of `peer.service`, `server.address`, `net.peer.name` names the callee.
pub(crate) fn apply_attributes(span: &mut ObservedSpan, attributes: &[(String, String)]) {
    let get = |key: &str| {
        attributes
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    span.peer = get("peer.service").map(str::to_owned).or_else(|| {
        ["server.address", "net.peer.name", "http.host"]
            .iter()
            .find_map(|k| get(k))
            .map(host_name)
    });
    span.protocol = get("rpc.system")
        .or_else(|| get("messaging.system"))
        .map(str::to_ascii_lowercase)
        .or_else(|| {
            [
                "http.request.method",
                "http.method",
                "http.route",
                "url.full",
            ]
            .iter()
            .any(|k| get(k).is_some())
            .then(|| "http".to_owned())
        });
    span.operation = ["rpc.service", "http.route", "url.path", "http.target"]
        .iter()
        .find_map(|k| get(k))
        .map(str::to_owned);
    span.destination = get("messaging.destination.name")
        .or_else(|| get("messaging.destination"))
        .map(str::to_owned);
    span.request_bytes = [
        "http.request.body.size",
        "http.request_content_length",
        "rpc.request.size",
    ]
    .iter()
    .find_map(|k| get(k))
    .and_then(|v| v.parse().ok());
    span.error |= get("otel.status_code") == Some("ERROR") || get("error") == Some("true");
}

/// Kubernetes attributes that name the workload a span came from.
pub(crate) const WORKLOAD_KEYS: [&str; 4] = [
    "k8s.deployment.name",
    "k8s.statefulset.name",
    "k8s.daemonset.name",
    "service.namespace",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format_by_its_text() {
        assert_eq!(
            sniff("t.json", "{\"resourceSpans\": []}"),
            Some(Format::Otlp)
        );
        assert_eq!(
            sniff(
                "t.json",
                "{\"data\":[{\"traceID\":\"a\",\"spans\":[],\"processes\":{}}]}"
            ),
            Some(Format::Jaeger)
        );
        assert_eq!(
            sniff("t.json", "[{\"traceId\":\"a\",\"localEndpoint\":{}}]"),
            Some(Format::Zipkin)
        );
        assert_eq!(
            sniff(
                "m.prom",
                "# HELP x\ntraces_service_graph_request_total{client=\"a\",server=\"b\"} 3\n"
            ),
            Some(Format::Prometheus)
        );
        assert_eq!(sniff("package.json", "{\"name\": \"x\"}"), None);
        assert_eq!(sniff("notes.txt", "hello"), None);
    }

    #[test]
    fn host_names_lose_ports_schemes_and_domains() {
        assert_eq!(
            host_name("pricing.default.svc.cluster.local:8080"),
            "pricing"
        );
        assert_eq!(host_name("http://inventory:8080/stock"), "inventory");
        assert_eq!(host_name("10.0.0.4:443"), "10.0.0.4");
    }
}
