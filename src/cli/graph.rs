//! `commaudit graph`: the dependency graph as JSON, DOT or Mermaid.

use clap::ValueEnum;

use crate::report;

use super::Exit;
use super::input::{InputArgs, warn_if_incomplete};

#[derive(Debug, clap::Args)]
pub struct GraphArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: GraphFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    Json,
    Dot,
    Mermaid,
}

pub fn run(args: &GraphArgs) -> Exit {
    let audit = match args.input.audit() {
        Ok(audit) => audit,
        Err(exit) => return exit,
    };
    let text = match args.format {
        GraphFormat::Json => report::graph_json::render(&audit),
        GraphFormat::Dot => report::dot::render(&audit),
        GraphFormat::Mermaid => report::mermaid::render(&audit),
    };
    print!("{text}");
    warn_if_incomplete(&audit);
    Exit::Clean
}
