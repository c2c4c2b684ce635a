//! The command line: flags, the commands they run, and the exit code each outcome maps to.
//! Only this module and `main.rs` print or touch the terminal. One file per command.

mod atomic;
mod baseline;
mod config;
mod explain;
mod gate;
mod generate;
mod graph;
mod init;
mod init_sections;
mod input;
mod output;
mod recommend;
mod report;
mod scan;
mod what_if;
mod worktree;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// How a run ended. One enum, so every exit path is visible in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above the fail level.
    Clean = 0,
    /// Findings at or above the fail level.
    Findings = 1,
    /// Bad flags, unknown names, paths that do not exist, no inputs, invalid configuration.
    Usage = 2,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> Self {
        ExitCode::from(exit as u8)
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "commaudit",
    version,
    about = "Audit how microservices talk to each other: find the distributed monolith and say what each edge should be",
    after_help = "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 101 a bug.\nDocs: commaudit explain <RULE>, commaudit rules"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Fit human output and tables to N columns (default: COLUMNS, else the terminal's width
    /// when stdout is a terminal, else fixed widths).
    #[arg(long, global = true, value_name = "N")]
    width: Option<usize>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read the inputs below PATHs, check them, and report findings.
    Scan(scan::ScanArgs),
    /// Record today's findings as known, so `scan` fails only on new ones.
    Baseline(baseline::BaselineArgs),
    /// Write a commented commaudit.yaml for this repository (and, with --baseline, a baseline).
    Init(init::InitArgs),
    /// Show the configuration a scan would use.
    #[command(subcommand)]
    Config(config::ConfigCommand),
    /// Print the dependency graph.
    Graph(graph::GraphArgs),
    /// Write a migration report: what is wrong, why it matters, what to do first, with a
    /// picture of the graph and an ordered plan.
    Report(report::ReportArgs),
    /// Ask what happens if services go down or slow down, or calls become async or go away.
    WhatIf(what_if::WhatIfArgs),
    /// Say what every edge should be (keep, gRPC, a queue, REST, or a redesign), and why.
    Recommend(recommend::RecommendArgs),
    /// List every rule.
    Rules {
        /// Output format: a table, or JSON with each rule's options and documentation link.
        #[arg(long, value_enum, default_value = "table")]
        format: RulesFormat,
    },
    /// Print a rule's documentation: what it finds, why it matters, how to fix it.
    Explain {
        /// Rule ID (CA201) or name (request-reply-over-queue).
        rule: String,
    },
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(generate::CompletionsArgs),
    /// Print the man page, or write one page per command into a folder (--dir).
    Man(generate::ManArgs),
    /// Print a JSON Schema for editors: of service manifests, of commaudit.yaml, or of rule files.
    Schema {
        #[arg(value_enum, default_value = "manifest")]
        of: SchemaKind,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RulesFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum SchemaKind {
    /// A service manifest (`service: name`).
    Manifest,
    /// The project file, commaudit.yaml.
    Project,
    /// A rule's metadata file in rules/.
    Rule,
}

/// Parses the command line, runs the command, and returns the exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            let _ = err.print();
            return if err.use_stderr() {
                Exit::Usage
            } else {
                Exit::Clean
            }
            .into();
        }
    };
    run(cli).into()
}

fn run(cli: Cli) -> Exit {
    let width = crate::report::fit::resolve(
        cli.width,
        std::env::var("COLUMNS").ok().as_deref(),
        crate::report::fit::terminal(),
    );
    match cli.command {
        Command::Scan(args) => scan::run(&args, width),
        Command::Baseline(args) => baseline::run(&args),
        Command::Init(args) => init::run(&args),
        Command::Config(command) => config::run(&command),
        Command::Graph(args) => graph::run(&args),
        Command::Report(args) => report::run(&args),
        Command::WhatIf(args) => what_if::run(&args, width),
        Command::Recommend(args) => recommend::run(&args, width),
        Command::Rules { format } => {
            match format {
                RulesFormat::Table => print!("{}", explain::rules_table(width)),
                RulesFormat::Json => print!("{}", explain::rules_json()),
            }
            Exit::Clean
        }
        Command::Explain { rule } => explain::explain(&rule),
        Command::Completions(args) => generate::completions(&args),
        Command::Man(args) => generate::man(&args),
        Command::Schema { of } => {
            let schema = match of {
                SchemaKind::Manifest => {
                    schemars::schema_for!(crate::load::manifest::ServiceManifest)
                }
                SchemaKind::Project => crate::config::project_schema(),
                SchemaKind::Rule => schemars::schema_for!(crate::diagnostics::catalog::RuleMeta),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            Exit::Clean
        }
    }
}
