//! What each kind of node looks like (a box for a service, a hexagon for a gateway, a pill for
//! an outside client, a tag for a channel, a cylinder for a datastore), its size from its text,
//! self-loops, and the legend under the drawing.

use std::fmt::Write;

use crate::graph::NodeKind;
use crate::report::dot::protocol_color;
use crate::report::picture::{Picture, PictureNode};
use crate::report::xml::escape;

use super::number::F1;

/// Halo colours of the highlights.
pub const CHAIN: &str = "#f0a500";
pub const CYCLE: &str = "#d93025";

/// Average advance of a 12 px bold character and of a 10 px one, for sizing boxes.
const NAME_CHAR: f64 = 7.2;
const DETAIL_CHAR: f64 = 5.9;

#[derive(Debug, Clone, Copy)]
pub struct Size {
    pub width: f64,
    pub height: f64,
}

pub fn size(node: &PictureNode) -> Size {
    let name = node.name.chars().count() as f64 * NAME_CHAR;
    let detail = node
        .detail
        .as_deref()
        .map_or(0.0, |d| d.chars().count() as f64 * DETAIL_CHAR);
    let extra = match node.kind {
        NodeKind::Gateway => 22.0,
        NodeKind::Channel => 14.0,
        _ => 0.0,
    };
    let height = if node.detail.is_some() { 38.0 } else { 26.0 };
    let height = if node.kind == NodeKind::Datastore {
        height + 8.0
    } else {
        height
    };
    Size {
        width: (name.max(detail) + 22.0 + extra).max(80.0).round(),
        height,
    }
}

/// One node: its shape, its name and its detail line, with a tooltip.
pub fn node(i: usize, node: &PictureNode, (cx, cy): (f64, f64), size: &Size) -> String {
    let (w, h) = (size.width, size.height);
    let (x0, y0, x1, y1) = (cx - w / 2.0, cy - h / 2.0, cx + w / 2.0, cy + h / 2.0);
    let (fill, mut stroke) = match node.kind {
        NodeKind::Gateway => ("#eef3fb", "#2b5797"),
        NodeKind::Client | NodeKind::External => ("#f4f4f4", "#8a8a8a"),
        NodeKind::Channel => ("#edf7f0", "#3c9a5f"),
        NodeKind::Datastore => ("#f7f2e8", "#9a7b4f"),
        _ => ("#ffffff", "#5f6b7a"),
    };
    let mut width = 1.2;
    if node.chain {
        stroke = CHAIN;
        width = 2.6;
    }
    if node.cycle {
        stroke = CYCLE;
        width = 2.6;
    }
    let paint = format!("fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{width}\"");
    let shape = match node.kind {
        NodeKind::Gateway => format!(
            "<polygon points=\"{:.1},{cy:.1} {:.1},{y0:.1} {:.1},{y0:.1} {:.1},{cy:.1} {:.1},{y1:.1} {:.1},{y1:.1}\" {paint}/>",
            x0,
            x0 + 10.0,
            x1 - 10.0,
            x1,
            x1 - 10.0,
            x0 + 10.0
        ),
        NodeKind::Client | NodeKind::External => format!(
            "<rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"{:.1}\" {paint} stroke-dasharray=\"4 3\"/>",
            h / 2.0
        ),
        NodeKind::Channel => format!(
            "<polygon points=\"{x0:.1},{y0:.1} {:.1},{y0:.1} {x1:.1},{cy:.1} {:.1},{y1:.1} {x0:.1},{y1:.1}\" {paint}/>",
            x1 - 12.0,
            x1 - 12.0
        ),
        NodeKind::Datastore => {
            let r = 5.0;
            format!(
                "<path d=\"M{x0:.1},{:.1} A{:.1},{r} 0 0 1 {x1:.1},{:.1} L{x1:.1},{:.1} A{:.1},{r} 0 0 1 {x0:.1},{:.1} Z\" {paint}/><path d=\"M{x0:.1},{:.1} A{:.1},{r} 0 0 0 {x1:.1},{:.1}\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>",
                y0 + r,
                w / 2.0,
                y0 + r,
                y1 - r,
                w / 2.0,
                y1 - r,
                y0 + r,
                w / 2.0,
                y0 + r
            )
        }
        _ if node.members > 1 => format!(
            "<rect x=\"{x0:.1}\" y=\"{y0:.1}\" width=\"{w:.1}\" height=\"{h:.1}\" rx=\"4\" {paint}/><rect x=\"{:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\" rx=\"3\" fill=\"none\" stroke=\"{stroke}\" stroke-width=\"0.8\"/>",
            x0 + 3.0,
            y0 + 3.0,
            w - 6.0,
            h - 6.0
        ),
        // Most nodes: written with the fast one-decimal numbers.
        _ => format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" rx=\"4\" {paint}/>",
            F1(x0),
            F1(y0),
            F1(w),
            F1(h)
        ),
    };
    let shift = if node.kind == NodeKind::Datastore {
        4.0
    } else {
        0.0
    };
    let mut out = format!(
        "<g class=\"node\" id=\"n{i}\" data-kind=\"{}\"><title>{}</title>{shape}",
        node.kind.as_str(),
        escape(&tooltip(node))
    );
    let center_x = F1(if node.kind == NodeKind::Channel {
        cx - 5.0
    } else {
        cx
    });
    match &node.detail {
        Some(detail) => {
            let _ = write!(
                out,
                "<text x=\"{center_x}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"600\" fill=\"#1f2933\">{}</text><text x=\"{center_x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#5f6b7a\">{}</text>",
                F1(cy + shift - 2.0),
                escape(&node.name),
                F1(cy + shift + 11.0),
                escape(detail)
            );
        }
        None => {
            let _ = write!(
                out,
                "<text x=\"{center_x}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"600\" fill=\"#1f2933\">{}</text>",
                F1(cy + shift + 4.0),
                escape(&node.name)
            );
        }
    }
    out.push_str("</g>\n");
    out
}

fn tooltip(node: &PictureNode) -> String {
    let mut text = format!("{} ({})", node.name, node.kind.as_str());
    if let Some(d) = &node.detail {
        text.push_str(&format!(", {d}"));
    }
    if node.chain {
        text.push_str(", on the longest sync chain");
    }
    if node.cycle {
        text.push_str(", in a sync cycle");
    }
    text
}

/// A loop on the right side of a node that calls itself.
pub fn self_loop((cx, cy): (f64, f64), size: &Size) -> String {
    let x = cx + size.width / 2.0;
    format!(
        "M{x:.1},{:.1} C{:.1},{:.1} {:.1},{:.1} {x:.1},{:.1}",
        cy - 6.0,
        x + 34.0,
        cy - 26.0,
        x + 34.0,
        cy + 26.0,
        cy + 6.0
    )
}

/// The legend: protocols drawn, sync and async, and the highlights present.
pub struct Legend {
    items: Vec<(Sample, String)>,
    pub width: f64,
    pub height: f64,
}

enum Sample {
    Line {
        color: &'static str,
        dash: Option<&'static str>,
    },
    Halo(&'static str),
}

/// Dash patterns: async edges, and edges only the traffic shows.
pub const ASYNC_DASH: &str = "6 4";
pub const OBSERVED_DASH: &str = "2 3";

const ROW: f64 = 20.0;
const ITEM_GAP: f64 = 18.0;
const MAX_ROW: f64 = 720.0;

pub fn legend(picture: &Picture) -> Legend {
    let mut items = Vec::new();
    let mut seen: Vec<&'static str> = Vec::new();
    for protocol in picture.protocols() {
        let color = protocol_color(protocol);
        if seen.contains(&color) {
            continue;
        }
        seen.push(color);
        let same: Vec<&str> = picture
            .protocols()
            .into_iter()
            .filter(|p| protocol_color(p) == color)
            .collect();
        items.push((Sample::Line { color, dash: None }, same.join(", ")));
    }
    let grey = "#4a4a4a";
    items.push((
        Sample::Line {
            color: grey,
            dash: None,
        },
        "sync".into(),
    ));
    items.push((
        Sample::Line {
            color: grey,
            dash: Some(ASYNC_DASH),
        },
        "async".into(),
    ));
    if picture.has_observed() {
        items.push((
            Sample::Line {
                color: grey,
                dash: Some(OBSERVED_DASH),
            },
            "observed in traffic, declared nowhere".into(),
        ));
    }
    if picture.edges.iter().any(|e| e.chain) {
        items.push((Sample::Halo(CHAIN), "longest sync chain".into()));
    }
    if picture.edges.iter().any(|e| e.cycle) {
        items.push((Sample::Halo(CYCLE), "sync cycle".into()));
    }
    let (mut x, mut rows, mut widest) = (0.0f64, 1.0f64, 0.0f64);
    for (_, label) in &items {
        let w = item_width(label);
        if x > 0.0 && x + w > MAX_ROW {
            rows += 1.0;
            x = 0.0;
        }
        x += w + ITEM_GAP;
        widest = widest.max(x);
    }
    Legend {
        items,
        width: widest,
        height: rows * ROW + 12.0,
    }
}

fn item_width(label: &str) -> f64 {
    34.0 + label.chars().count() as f64 * 6.3
}

impl Legend {
    pub fn draw(&self, left: f64, top: f64) -> String {
        let mut out = String::from("<g class=\"legend\" font-size=\"11\" fill=\"#333333\">\n");
        let (mut x, mut y) = (0.0, top + ROW / 2.0);
        for (sample, label) in &self.items {
            let w = item_width(label);
            if x > 0.0 && x + w > MAX_ROW {
                x = 0.0;
                y += ROW;
            }
            let x0 = left + x;
            match sample {
                Sample::Line { color, dash } => {
                    let dash = dash
                        .map(|d| format!(" stroke-dasharray=\"{d}\""))
                        .unwrap_or_default();
                    let _ = write!(
                        out,
                        "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" stroke-width=\"2\"{dash}/>",
                        x0 + 26.0
                    );
                }
                Sample::Halo(color) => {
                    let _ = write!(
                        out,
                        "<line x1=\"{x0:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"{color}\" stroke-opacity=\"0.35\" stroke-width=\"9\" stroke-linecap=\"round\"/>",
                        x0 + 26.0
                    );
                }
            }
            let _ = writeln!(
                out,
                "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                x0 + 32.0,
                y + 4.0,
                escape(label)
            );
            x += w + ITEM_GAP;
        }
        out.push_str("</g>\n");
        out
    }
}
