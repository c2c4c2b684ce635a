//! `commaudit graph`: the dependency graph as JSON, DOT, Mermaid or a drawn SVG, whole or
//! around one node (`--focus`, what it reaches and what reaches it, within `--depth` steps).

use clap::ValueEnum;

use crate::audit::Audit;
use crate::graph::{Graph, NodeKind, view};
use crate::report::picture::{Highlights, Picture};
use crate::report::{self, svg};

use super::Exit;
use super::input::{InputArgs, warn_if_incomplete};

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: GraphFormat,
    /// Show only what this service (or channel, or datastore) reaches and what reaches it.
    #[arg(long, value_name = "SERVICE")]
    focus: Option<String>,
    /// With --focus: how many steps away to go (through a channel counts as one step).
    #[arg(long, value_name = "N", requires = "focus")]
    depth: Option<u32>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    Json,
    Dot,
    Mermaid,
    Svg,
}

pub fn run(args: &GraphArgs) -> Exit {
    let audit = match args.input.audit() {
        Ok(audit) => audit,
        Err(exit) => return exit,
    };
    let focused;
    let graph = match &args.focus {
        None => &audit.graph,
        Some(name) => match focus(&audit, name, args.depth) {
            Ok(g) => {
                focused = g;
                &focused
            }
            Err(exit) => return exit,
        },
    };
    let text = match args.format {
        GraphFormat::Json => report::graph_json::render_graph(&audit, graph),
        GraphFormat::Dot => report::dot::render_graph(&audit, graph),
        GraphFormat::Mermaid => report::mermaid::render_graph(&audit, graph),
        GraphFormat::Svg => {
            let picture = Picture::of_graph(&audit, graph, &Highlights::of(&audit));
            let title = match &args.focus {
                Some(name) => format!("Dependency graph around {name}"),
                None => "Dependency graph".to_owned(),
            };
            svg::render(&picture, &title)
        }
    };
    print!("{text}");
    warn_if_incomplete(&audit);
    // Left to the operating system at exit, as `scan` leaves its audit.
    std::mem::forget(audit);
    Exit::Clean
}

/// The part of the graph around `name`; an unknown name is a usage error with a suggestion.
fn focus(audit: &Audit, name: &str, depth: Option<u32>) -> Result<Graph, Exit> {
    let graph = &audit.graph;
    let Some(center) = graph
        .node_named(name)
        .filter(|&i| graph.nodes[i].kind != NodeKind::Broker)
    else {
        let names = graph
            .nodes
            .iter()
            .filter(|n| n.kind != NodeKind::Broker)
            .map(|n| n.name.as_str());
        let help = crate::suggest::did_you_mean(name, names)
            .unwrap_or_else(|| "run `commaudit graph --format json` to list every node".into());
        eprintln!("error: no service, channel or datastore named `{name}`\n  help: {help}");
        return Err(Exit::Usage);
    };
    let keep = view::neighbourhood(graph, &audit.model, center, depth);
    Ok(graph.subgraph(&keep))
}
