//! `graph --format dot`: Graphviz, with channels grouped by broker, sync edges solid and async
//! edges dashed, coloured by protocol; edges only the observed traffic shows dotted and labelled
//! `observed`, with a legend.

use std::fmt::Write;

use crate::audit::Audit;
use crate::graph::{Graph, NodeKind, NodeRef};

/// A colour per protocol family, shared by the drawn formats.
pub fn protocol_color(protocol: &str) -> &'static str {
    match protocol {
        "grpc" => "#2b7bb9",
        "http" | "graphql" | "websocket" => "#d9822b",
        "nats" | "kafka" | "amqp" | "sqs" | "pubsub" => "#3c9a5f",
        _ => "#7a7a7a",
    }
}

/// A DOT string: unsafe characters written visibly first, then backslashes and quotes
/// escaped (so a written `\n` stays text, not a DOT line break).
fn quote(text: &str) -> String {
    let text = crate::escape::line(text);
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

pub fn render(audit: &Audit) -> String {
    render_graph(audit, &audit.graph)
}

/// `graph` may be a part of the audit's graph (`graph --focus`).
pub fn render_graph(audit: &Audit, graph: &Graph) -> String {
    let mut out = String::from(
        "digraph commaudit {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n",
    );
    for (i, node) in graph.nodes.iter().enumerate() {
        if node.kind == NodeKind::Channel || node.kind == NodeKind::Broker {
            continue;
        }
        let shape = match node.kind {
            NodeKind::Gateway => "hexagon",
            NodeKind::Client => "oval",
            NodeKind::Datastore => "cylinder",
            _ => "box",
        };
        let _ = writeln!(out, "  n{i} [label={}, shape={shape}];", quote(&node.name));
    }
    for (b, broker) in graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| n.kind == NodeKind::Broker)
    {
        let _ = writeln!(
            out,
            "  subgraph cluster_{b} {{\n    label={};\n    style=rounded;",
            quote(&broker.name)
        );
        for (i, node) in graph.nodes.iter().enumerate() {
            if let NodeRef::Channel(c) = node.target
                && graph.node_of(NodeRef::Broker(audit.model.channel(c).broker)) == Some(b)
            {
                let _ = writeln!(out, "    n{i} [label={}, shape=cds];", quote(&node.name));
            }
        }
        out.push_str("  }\n");
    }
    for edge in &graph.edges {
        let protocol = edge.protocol.as_str();
        let label = edge
            .operation
            .as_deref()
            .map_or_else(|| protocol.to_owned(), |op| format!("{protocol}: {op}"));
        let _ = writeln!(
            out,
            "  n{} -> n{} [label={}, color=\"{}\", style={}];",
            edge.from,
            edge.to,
            quote(&label),
            protocol_color(protocol),
            if edge.sync { "solid" } else { "dashed" }
        );
    }
    let observed = crate::graph::observed::observed_only(&audit.model, graph);
    for edge in &observed {
        let label = match &edge.operation {
            Some(op) => format!("observed: {}: {op}", edge.protocol),
            None => format!("observed: {}", edge.protocol),
        };
        let _ = writeln!(
            out,
            "  n{} -> n{} [label={}, color=\"{}\", style=dotted, fontcolor=\"#555555\"];",
            edge.from,
            edge.to,
            quote(&label),
            protocol_color(&edge.protocol)
        );
    }
    if !observed.is_empty() {
        out.push_str("  subgraph cluster_legend {\n    label=\"legend\";\n    style=dotted;\n    legend_a [label=\"\", shape=point];\n    legend_b [label=\"\", shape=point];\n    legend_a -> legend_b [label=\"observed in traffic, declared nowhere\", style=dotted];\n  }\n");
    }
    out.push_str("}\n");
    out
}
