//! `graph --format mermaid`: a flowchart GitHub renders, sync edges solid, async edges dotted;
//! with observed traffic, edges only the traffic shows are dotted, labelled `observed`, and a
//! comment says so.

use std::fmt::Write;

use crate::audit::Audit;
use crate::graph::{Graph, NodeKind};

/// Text safe inside a Mermaid label: quotes and brackets become HTML entities, line breaks
/// and other unsafe characters are written visibly (a label cannot end its line, nor the
/// Markdown code fence around it).
pub fn escape(text: &str) -> String {
    crate::escape::line(text)
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('{', "#123;")
        .replace('}', "#125;")
        .replace('|', "#124;")
}

pub fn render(audit: &Audit) -> String {
    render_graph(audit, &audit.graph)
}

/// `graph` may be a part of the audit's graph (`graph --focus`).
pub fn render_graph(audit: &Audit, graph: &Graph) -> String {
    let mut out = String::from("flowchart LR\n");
    for (i, node) in graph.nodes.iter().enumerate() {
        let name = escape(&node.name);
        let shape = match node.kind {
            NodeKind::Gateway => format!("n{i}{{{{\"{name}\"}}}}"),
            NodeKind::Client | NodeKind::External => format!("n{i}([\"{name}\"])"),
            NodeKind::Datastore => format!("n{i}[(\"{name}\")]"),
            NodeKind::Channel => format!("n{i}>\"{name}\"]"),
            NodeKind::Broker => continue,
            NodeKind::Service | NodeKind::Infrastructure => format!("n{i}[\"{name}\"]"),
        };
        let _ = writeln!(out, "  {shape}");
    }
    for edge in &graph.edges {
        let arrow = if edge.sync { "-->" } else { "-.->" };
        let _ = writeln!(
            out,
            "  n{} {arrow}|\"{}\"| n{}",
            edge.from,
            escape(edge.protocol.as_str()),
            edge.to
        );
    }
    let observed = crate::graph::observed::observed_only(&audit.model, graph);
    if !observed.is_empty() {
        out.push_str("  %% observed: seen in the observed traffic, declared nowhere\n");
    }
    let first = graph.edges.len();
    for (i, edge) in observed.iter().enumerate() {
        let _ = writeln!(
            out,
            "  n{} -.->|\"observed: {}\"| n{}",
            edge.from,
            escape(&edge.protocol),
            edge.to
        );
        let _ = writeln!(out, "  linkStyle {} stroke-dasharray:2 3", first + i);
    }
    out
}
