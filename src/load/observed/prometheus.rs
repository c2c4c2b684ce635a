//! Service-graph metrics in the Prometheus text exposition format: the OpenTelemetry / Tempo
//! service-graph connector's `traces_service_graph_request_total` (and `_failed_total`) with
//! `client` and `server` labels, and Istio's `istio_requests_total` with `source_workload` and
//! `destination_workload`. Samples of one edge are summed; other metrics are skipped.

use std::collections::BTreeMap;

use crate::source::{SourceId, Span};

use super::{MetricEdge, Problems};

/// The metric names read, for sniffing.
pub(super) const METRICS: [&str; 3] = [
    "traces_service_graph_request_total",
    "traces_service_graph_request_failed_total",
    "istio_requests_total",
];

/// Latency histograms, with the factor from their unit to milliseconds. The client's view
/// (what the caller waits) goes before the server's when both are there.
const HISTOGRAMS: [(&str, f64); 3] = [
    ("traces_service_graph_request_client_seconds_bucket", 1000.0),
    ("traces_service_graph_request_server_seconds_bucket", 1000.0),
    ("istio_request_duration_milliseconds_bucket", 1.0),
];

pub(super) fn read(
    source: SourceId,
    text: &str,
    out: &mut Vec<MetricEdge>,
    problems: &mut Problems,
) {
    let mut edges: BTreeMap<(String, String, Option<String>, &'static str), MetricEdge> =
        BTreeMap::new();
    let mut buckets: Histograms = BTreeMap::new();
    let mut offset = 0usize;
    for line in text.split_inclusive('\n') {
        let at = Span::new(
            source,
            offset.min(u32::MAX as usize) as u32,
            line.trim_end().len() as u32,
        );
        offset += line.len();
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((index, (name, factor))) = HISTOGRAMS
            .iter()
            .enumerate()
            .find(|(_, (m, _))| line.starts_with(&format!("{m}{{")))
        {
            match sample(&line[name.len()..]) {
                Some((labels, value)) => {
                    let label =
                        |k: &str| labels.iter().find(|(l, _)| l == k).map(|(_, v)| v.clone());
                    let ends = match name.starts_with("istio") {
                        true => (label("source_workload"), label("destination_workload")),
                        false => (label("client"), label("server")),
                    };
                    let le = label("le").and_then(|le| match le.as_str() {
                        "+Inf" => Some(f64::INFINITY),
                        other => other.parse::<f64>().ok().filter(|v| v.is_finite()),
                    });
                    if let ((Some(client), Some(server)), Some(le)) = (ends, le) {
                        let series = buckets
                            .entry((client, server))
                            .or_default()
                            .entry(index)
                            .or_default();
                        match series.iter_mut().find(|(b, _)| *b == le * factor) {
                            Some(bucket) => bucket.1 += value,
                            None => series.push((le * factor, value)),
                        }
                    }
                }
                None => problems.at(at, "a sample that is not `name{labels} value`"),
            }
            continue;
        }
        let Some(name) = METRICS.iter().find(|m| {
            line.strip_prefix(**m)
                .is_some_and(|rest| rest.starts_with(['{', ' ']))
        }) else {
            continue;
        };
        let Some((labels, value)) = sample(&line[name.len()..]) else {
            problems.at(at, "a sample that is not `name{labels} value`");
            continue;
        };
        let label = |k: &str| labels.iter().find(|(l, _)| l == k).map(|(_, v)| v.clone());
        let (client, server, protocol, failed, metric) = match *name {
            "istio_requests_total" => {
                let code = label("response_code").unwrap_or_default();
                let grpc = label("grpc_response_status").unwrap_or_default();
                let failed = code.starts_with('5') || (!grpc.is_empty() && grpc != "0");
                (
                    label("source_workload"),
                    label("destination_workload"),
                    label("request_protocol").map(|p| p.to_ascii_lowercase()),
                    failed,
                    "istio_requests_total",
                )
            }
            failed_or_total => (
                label("client"),
                label("server"),
                label("connection_type")
                    .filter(|c| c == "messaging_system")
                    .map(|_| "messaging".to_owned()),
                failed_or_total.contains("failed"),
                "traces_service_graph_request_total",
            ),
        };
        let (Some(client), Some(server)) = (client, server) else {
            problems.at(at, "a sample without its client and server labels");
            continue;
        };
        if client == "unknown" || server == "unknown" || client.is_empty() || server.is_empty() {
            continue;
        }
        let edge = edges
            .entry((client.clone(), server.clone(), protocol.clone(), metric))
            .or_insert_with(|| MetricEdge {
                client,
                server,
                requests: 0.0,
                failed: 0.0,
                protocol,
                p50_ms: None,
                p99_ms: None,
                metric,
                at,
            });
        if failed && metric == "traces_service_graph_request_total" {
            edge.failed += value;
        } else {
            edge.requests += value;
            if failed {
                edge.failed += value;
            }
        }
    }
    for edge in edges.values_mut() {
        let key = (edge.client.clone(), edge.server.clone());
        if let Some(series) = buckets.get_mut(&key).and_then(|h| h.values_mut().next()) {
            series.sort_by(|a, b| a.0.total_cmp(&b.0));
            edge.p50_ms = quantile(series, 0.5);
            edge.p99_ms = quantile(series, 0.99);
        }
    }
    out.extend(edges.into_values());
}

/// (client, server) -> histogram (index into [`HISTOGRAMS`]) -> (upper bound in ms, cumulative
/// count).
type Histograms = BTreeMap<(String, String), BTreeMap<usize, Vec<(f64, f64)>>>;

/// The upper bound of the bucket the quantile falls in, from cumulative buckets sorted by
/// bound; `None` when it falls in the `+Inf` bucket or there is no count.
fn quantile(buckets: &[(f64, f64)], q: f64) -> Option<f64> {
    let total = buckets.last()?.1;
    if total <= 0.0 {
        return None;
    }
    buckets
        .iter()
        .find(|(_, count)| *count >= q * total)
        .map(|(bound, _)| *bound)
        .filter(|b| b.is_finite())
}

/// `{a="x",b="y"} 12 1700000000` -> labels and value.
fn sample(rest: &str) -> Option<(Vec<(String, String)>, f64)> {
    let rest = rest.trim_start();
    let (labels, after) = match rest.strip_prefix('{') {
        Some(inner) => labels(inner)?,
        None => (Vec::new(), rest),
    };
    let value: f64 = after.split_whitespace().next()?.parse().ok()?;
    (value.is_finite() && value >= 0.0).then_some((labels, value))
}

/// Labels up to the closing brace, with `\"`, `\\` and `\n` escapes; the text after it.
fn labels(mut rest: &str) -> Option<(Vec<(String, String)>, &str)> {
    let mut out = Vec::new();
    loop {
        rest = rest.trim_start_matches([' ', ',']);
        if let Some(after) = rest.strip_prefix('}') {
            return Some((out, after));
        }
        let (name, after) = rest.split_once('=')?;
        let mut chars = after.strip_prefix('"')?.char_indices();
        let mut value = String::new();
        let end = loop {
            let (i, c) = chars.next()?;
            match c {
                '"' => break i,
                '\\' => match chars.next()?.1 {
                    'n' => value.push('\n'),
                    other => value.push(other),
                },
                c => value.push(c),
            }
        };
        out.push((name.trim().to_owned(), value));
        rest = &after[1 + end + 1..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn sums_samples_per_edge_and_counts_failures() {
        let text = "# TYPE traces_service_graph_request_total counter\n\
traces_service_graph_request_total{client=\"a\",server=\"b\"} 10\n\
traces_service_graph_request_failed_total{client=\"a\",server=\"b\"} 2\n\
istio_requests_total{source_workload=\"a\",destination_workload=\"c\",response_code=\"200\",request_protocol=\"grpc\"} 5\n\
istio_requests_total{source_workload=\"a\",destination_workload=\"c\",response_code=\"503\",request_protocol=\"grpc\"} 1\n\
istio_requests_total{source_workload=\"a\\\"x\",destination_workload=\"c\"} 1 1700000000\n\
traces_service_graph_request_total{client=\"a\"} 1\n\
istio_requests_total{source_workload=\"a\" 1\n\
process_cpu_seconds_total 3\n";
        let file = SourceFile::new("m.prom".into(), "m.prom".into(), text.into());
        let (out, findings) =
            super::super::read(SourceId(0), super::super::Format::Prometheus, &file);
        assert_eq!(findings.len(), 2, "{findings:?}");
        let m = &out.metrics;
        assert_eq!(m.len(), 3);
        let ab = m.iter().find(|e| e.server == "b").unwrap();
        assert_eq!((ab.requests, ab.failed), (10.0, 2.0));
        let ac = m
            .iter()
            .find(|e| e.server == "c" && e.client == "a")
            .unwrap();
        assert_eq!((ac.requests, ac.failed), (6.0, 1.0));
        assert_eq!(ac.protocol.as_deref(), Some("grpc"));
        assert!(m.iter().any(|e| e.client == "a\"x"));
    }

    #[test]
    fn latency_percentiles_come_from_the_buckets() {
        let text = "traces_service_graph_request_total{client=\"a\",server=\"b\"} 100\n\
traces_service_graph_request_client_seconds_bucket{client=\"a\",server=\"b\",le=\"0.1\"} 60\n\
traces_service_graph_request_client_seconds_bucket{client=\"a\",server=\"b\",le=\"0.5\"} 98\n\
traces_service_graph_request_client_seconds_bucket{client=\"a\",server=\"b\",le=\"1\"} 100\n\
traces_service_graph_request_client_seconds_bucket{client=\"a\",server=\"b\",le=\"+Inf\"} 100\n\
traces_service_graph_request_server_seconds_bucket{client=\"a\",server=\"b\",le=\"0.01\"} 100\n";
        let file = SourceFile::new("m.prom".into(), "m.prom".into(), text.into());
        let (out, findings) =
            super::super::read(SourceId(0), super::super::Format::Prometheus, &file);
        assert!(findings.is_empty(), "{findings:?}");
        let edge = &out.metrics[0];
        assert_eq!((edge.p50_ms, edge.p99_ms), (Some(100.0), Some(1000.0)));
        assert_eq!(quantile(&[(10.0, 0.0), (f64::INFINITY, 0.0)], 0.5), None);
        assert_eq!(quantile(&[(10.0, 1.0), (f64::INFINITY, 5.0)], 0.99), None);
    }
}
