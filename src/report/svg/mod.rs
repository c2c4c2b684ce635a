//! `graph --format svg` and the report's drawing: a [`Picture`] laid out by [`layout`] and
//! drawn as one standalone SVG document with its own legend. Edges are coloured by protocol
//! (as in DOT), sync solid and async dashed; the longest sync chain has an amber halo and sync
//! cycles a red one. No scripts, fonts or images are referenced, every text is escaped.

pub mod layout;
mod number;
mod shapes;

use std::fmt::Write;

use crate::graph::NodeKind;
use crate::report::dot::protocol_color;
use crate::report::picture::Picture;
use crate::report::xml::escape;

use shapes::{CHAIN, CYCLE, Size};

/// Halo colours of the highlights, shared with the Mermaid picture.
pub use shapes::{CHAIN as CHAIN_COLOR, CYCLE as CYCLE_COLOR};

/// Draws `picture`; `title` names it for screen readers and tooltips.
pub fn render(picture: &Picture, title: &str) -> String {
    let sizes: Vec<Size> = picture.nodes.iter().map(shapes::size).collect();
    let edges: Vec<(usize, usize)> = picture.edges.iter().map(|e| (e.from, e.to)).collect();
    let top: Vec<bool> = picture
        .nodes
        .iter()
        .map(|n| matches!(n.kind, NodeKind::Client | NodeKind::Gateway))
        .collect();
    let laid = layout::layout(
        &sizes
            .iter()
            .map(|s| (s.width, s.height))
            .collect::<Vec<_>>(),
        &edges,
        &top,
    );
    let legend = shapes::legend(picture);
    let width = laid.width.max(legend.width + 2.0 * layout::MARGIN).ceil();
    let height = (laid.height + legend.height).ceil();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"graph-title graph-desc\" font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif\" font-size=\"12\">"
    );
    let _ = writeln!(out, "<title id=\"graph-title\">{}</title>", escape(title));
    let _ = writeln!(
        out,
        "<desc id=\"graph-desc\">{}</desc>",
        escape(&description(picture, laid.unrouted))
    );
    out.push_str(&markers(picture));
    let _ = writeln!(
        out,
        "<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    out.push_str("<g class=\"edges\">\n");
    for (i, edge) in picture.edges.iter().enumerate() {
        let d = if edge.from == edge.to {
            shapes::self_loop(laid.centers[edge.from], &sizes[edge.from])
        } else {
            curve(&laid.routes[i])
        };
        if d.is_empty() {
            continue;
        }
        let color = protocol_color(&edge.protocol);
        let _ = writeln!(
            out,
            "<g class=\"edge\" id=\"e{i}\"><title>{}</title>",
            escape(&edge.describe(picture))
        );
        for (on, halo) in [(edge.cycle, CYCLE), (edge.chain, CHAIN)] {
            if on {
                let _ = writeln!(
                    out,
                    "<path d=\"{d}\" fill=\"none\" stroke=\"{halo}\" stroke-opacity=\"0.35\" stroke-width=\"9\" stroke-linecap=\"round\"/>"
                );
            }
        }
        let width = if edge.chain || edge.cycle { 2.2 } else { 1.4 };
        let dash = if edge.observed {
            format!(" stroke-dasharray=\"{}\"", shapes::OBSERVED_DASH)
        } else if edge.sync {
            String::new()
        } else {
            format!(" stroke-dasharray=\"{}\"", shapes::ASYNC_DASH)
        };
        let _ = writeln!(
            out,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"{width}\"{dash} marker-end=\"url(#arrow-{})\"/>",
            &color[1..]
        );
        if edge.observed
            && let Some(&(x, y)) = laid.routes[i].get(laid.routes[i].len() / 2)
        {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#555555\" font-style=\"italic\">observed</text>",
                x + 4.0,
                y + 11.0
            );
        }
        if edge.count > 1
            && let Some(&(x, y)) = laid.routes[i].get(laid.routes[i].len() / 2)
        {
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"10\" fill=\"#555555\">\u{d7}{}</text>",
                x + 4.0,
                y - 3.0,
                edge.count
            );
        }
        out.push_str("</g>\n");
    }
    out.push_str("</g>\n<g class=\"nodes\">\n");
    for (i, node) in picture.nodes.iter().enumerate() {
        out.push_str(&shapes::node(i, node, laid.centers[i], &sizes[i]));
    }
    out.push_str("</g>\n");
    out.push_str(&legend.draw(layout::MARGIN, laid.height));
    out.push_str("</svg>\n");
    out
}

/// One sentence for screen readers: what is drawn and what the styles mean.
fn description(picture: &Picture, unrouted: usize) -> String {
    let mut text = format!(
        "{} nodes and {} edges; sync edges solid, async edges dashed, coloured by protocol.",
        picture.nodes.len(),
        picture.edges.len()
    );
    if picture.chain.len() > 1 {
        text.push_str(&format!(
            " The longest sync chain, {}, is highlighted in amber.",
            picture.chain.join(" -> ")
        ));
    }
    if !picture.cycles.is_empty() {
        let cycles: Vec<String> = picture.cycles.iter().map(|c| c.join(", ")).collect();
        text.push_str(&format!(
            " Sync cycles are highlighted in red: {}.",
            cycles.join("; ")
        ));
    }
    let observed = picture.edges.iter().filter(|e| e.observed).count();
    if observed > 0 {
        text.push_str(&format!(
            " {observed} edges seen in the observed traffic and declared nowhere are dotted and labelled observed."
        ));
    }
    if !picture.left_out.is_empty() {
        text.push_str(&format!(" Not drawn: {}.", picture.left_out.join("; ")));
    }
    if unrouted > 0 {
        text.push_str(&format!(
            " The graph is too dense to route every edge around the layers it crosses: {unrouted} long edges are drawn straight between their ends."
        ));
    }
    text
}

/// An arrowhead per protocol colour used.
fn markers(picture: &Picture) -> String {
    let mut colors: Vec<&str> = picture
        .edges
        .iter()
        .map(|e| protocol_color(&e.protocol))
        .collect();
    colors.sort_unstable();
    colors.dedup();
    let mut out = String::from("<defs>\n");
    for color in colors {
        let _ = writeln!(
            out,
            "<marker id=\"arrow-{}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{color}\"/></marker>",
            &color[1..]
        );
    }
    out.push_str("</defs>\n");
    out
}

/// A smooth path through the route's points: vertical tangents at every point.
fn curve(points: &[(f64, f64)]) -> String {
    let Some(&(x0, y0)) = points.first() else {
        return String::new();
    };
    let mut d = String::with_capacity(12 + 36 * points.len());
    let point = |d: &mut String, prefix: &str, x: f64, y: f64| {
        d.push_str(prefix);
        number::push(d, x);
        d.push(',');
        number::push(d, y);
    };
    point(&mut d, "M", x0, y0);
    for pair in points.windows(2) {
        let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
        let mid = (by - ay) / 2.0;
        point(&mut d, " C", ax, ay + mid);
        point(&mut d, " ", bx, by - mid);
        point(&mut d, " ", bx, by);
    }
    d
}
