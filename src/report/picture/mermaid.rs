//! A [`Picture`] as a Mermaid flowchart, for the Markdown report (GitHub draws it): edges
//! coloured by protocol, async edges dotted, the longest sync chain thick and amber, sync
//! cycles red; edges only the observed traffic shows are dotted and labelled `observed`.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::graph::NodeKind;
use crate::report::dot::protocol_color;
use crate::report::mermaid::escape;
use crate::report::svg::CHAIN_COLOR as CHAIN;
use crate::report::svg::CYCLE_COLOR as CYCLE;

use super::Picture;

pub fn render(picture: &Picture) -> String {
    let mut out = String::from("flowchart TB\n");
    for (i, node) in picture.nodes.iter().enumerate() {
        let label = match &node.detail {
            Some(d) if node.members > 1 => format!("{}<br/>{}", escape(&node.name), escape(d)),
            _ => escape(&node.name),
        };
        let shape = match node.kind {
            NodeKind::Gateway => format!("n{i}{{{{\"{label}\"}}}}"),
            NodeKind::Client | NodeKind::External => format!("n{i}([\"{label}\"])"),
            NodeKind::Datastore => format!("n{i}[(\"{label}\")]"),
            NodeKind::Channel => format!("n{i}>\"{label}\"]"),
            _ => format!("n{i}[\"{label}\"]"),
        };
        let _ = writeln!(out, "  {shape}");
    }
    // Link styles group edges by their look; Mermaid numbers links in declaration order.
    let mut styles: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, edge) in picture.edges.iter().enumerate() {
        let arrow = match (edge.sync && !edge.observed, edge.chain) {
            (true, true) => "==>",
            (true, false) => "-->",
            (false, _) => "-.->",
        };
        let mut label = if edge.observed {
            format!("observed: {}", edge.protocol)
        } else {
            edge.protocol.clone()
        };
        if edge.count > 1 {
            label.push_str(&format!(" x{}", edge.count));
        }
        let _ = writeln!(
            out,
            "  n{} {arrow}|\"{}\"| n{}",
            edge.from,
            escape(&label),
            edge.to
        );
        let style = if edge.observed {
            format!(
                "stroke:{},stroke-dasharray:2 3",
                protocol_color(&edge.protocol)
            )
        } else if edge.cycle {
            format!("stroke:{CYCLE},stroke-width:3px")
        } else if edge.chain {
            format!("stroke:{CHAIN},stroke-width:4px")
        } else {
            format!("stroke:{}", protocol_color(&edge.protocol))
        };
        styles.entry(style).or_default().push(i);
    }
    for (style, links) in styles {
        let ids: Vec<String> = links.iter().map(usize::to_string).collect();
        let _ = writeln!(out, "  linkStyle {} {style}", ids.join(","));
    }
    let mark = |pick: fn(&super::PictureNode) -> bool| -> Vec<String> {
        picture
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| pick(n))
            .map(|(i, _)| format!("n{i}"))
            .collect()
    };
    let (chain, cycle) = (mark(|n| n.chain && !n.cycle), mark(|n| n.cycle));
    if !chain.is_empty() {
        let _ = writeln!(out, "  classDef chain stroke:{CHAIN},stroke-width:3px");
        let _ = writeln!(out, "  class {} chain", chain.join(","));
    }
    if !cycle.is_empty() {
        let _ = writeln!(out, "  classDef cycle stroke:{CYCLE},stroke-width:3px");
        let _ = writeln!(out, "  class {} cycle", cycle.join(","));
    }
    out
}
