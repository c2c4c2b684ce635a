//! The command line: flags, the commands they run, and the exit code each outcome maps to.
//! Only this module and `main.rs` print or touch the terminal.

mod explain;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::audit::{self, Audit};
use crate::finding::{Severity, Tally};
use crate::load::{LoadOptions, read::DEFAULT_MAX_FILE_BYTES};
use crate::report::{self, Color};

/// How a run ended. One enum, so every exit path is visible in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing at or above the fail level.
    Clean = 0,
    /// Findings at or above the fail level.
    Findings = 1,
    /// Bad flags, unknown names, paths that do not exist, no inputs.
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
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Read the inputs below PATHs, check them, and report findings.
    Scan(ScanArgs),
    /// Print the dependency graph.
    Graph(GraphArgs),
    /// Say what every edge should be (keep, gRPC, a queue, REST, or a redesign), and why.
    Recommend(RecommendArgs),
    /// List every rule.
    Rules,
    /// Print a rule's documentation: what it finds, why it matters, how to fix it.
    Explain {
        /// Rule ID (CA201) or name (request-reply-over-queue).
        rule: String,
    },
    /// Print a JSON Schema for editors: of service manifests, of commaudit.yaml, or of rule files.
    Schema {
        #[arg(value_enum, default_value = "manifest")]
        of: SchemaKind,
    },
}

#[derive(Debug, clap::Args)]
struct InputArgs {
    /// Files or folders to read (default: the current folder).
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Largest file read, in bytes; larger files are reported, not read.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_BYTES)]
    max_file_size: u64,
}

impl InputArgs {
    fn options(&self) -> LoadOptions {
        let paths = if self.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        };
        LoadOptions {
            paths,
            max_file_bytes: self.max_file_size,
        }
    }
}

#[derive(Debug, clap::Args)]
struct ScanArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "human")]
    format: ScanFormat,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Colour for human output: auto follows the terminal and NO_COLOR.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
}

#[derive(Debug, clap::Args)]
struct GraphArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    format: GraphFormat,
}

#[derive(Debug, clap::Args)]
struct RecommendArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    format: RecommendFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum RecommendFormat {
    Table,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScanFormat {
    Human,
    Concise,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum GraphFormat {
    Json,
    Dot,
    Mermaid,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
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
    match cli.command {
        Command::Scan(args) => scan(&args),
        Command::Graph(args) => graph(&args),
        Command::Recommend(args) => recommend(&args),
        Command::Rules => {
            print!("{}", explain::rules_table());
            Exit::Clean
        }
        Command::Explain { rule } => explain::explain(&rule),
        Command::Schema { of } => {
            let schema = match of {
                SchemaKind::Manifest => {
                    schemars::schema_for!(crate::load::manifest::ServiceManifest)
                }
                SchemaKind::Project => schemars::schema_for!(crate::load::manifest::ProjectFile),
                SchemaKind::Rule => schemars::schema_for!(crate::rules::catalog::RuleMeta),
            };
            println!(
                "{}",
                serde_json::to_string_pretty(&schema).unwrap_or_default()
            );
            Exit::Clean
        }
    }
}

/// Runs the pipeline; a load or configuration error is printed and means exit code 2.
fn audit_or_exit(input: &InputArgs) -> Result<Audit, Exit> {
    audit::run(&input.options()).map_err(|err| {
        match err {
            audit::AuditError::Load(err) => eprintln!("error: {err}\n  help: {}", err.help()),
            audit::AuditError::Config(errors, sources) => {
                for e in errors {
                    let place = e.span.map(|s| {
                        let loc = sources.locate(s);
                        format!("{}:{}:{}: ", loc.file, loc.line, loc.column)
                    });
                    eprintln!("error: {}{}", place.unwrap_or_default(), e.message);
                    if let Some(help) = e.help {
                        eprintln!("  help: {help}");
                    }
                }
            }
        }
        Exit::Usage
    })
}

fn scan(args: &ScanArgs) -> Exit {
    let audit = match audit_or_exit(&args.input) {
        Ok(audit) => audit,
        Err(exit) => return exit,
    };
    match args.format {
        ScanFormat::Human => {
            let color = match args.color {
                ColorChoice::Always => Color::Always,
                ColorChoice::Never => Color::Never,
                ColorChoice::Auto => {
                    if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
                        || !std::io::stdout().is_terminal()
                    {
                        Color::Never
                    } else {
                        Color::Always
                    }
                }
            };
            print!(
                "{}",
                report::human::render(&audit.findings, &audit.sources, color)
            );
            println!("{}", report::summary::line(&audit));
        }
        ScanFormat::Concise => {
            print!("{}", report::concise::render(&audit));
            println!("{}", report::summary::line(&audit));
        }
        ScanFormat::Json => {
            let recs = crate::recommend::recommend(&audit);
            print!("{}", report::json::render(&audit, &recs));
        }
    }
    gate(&audit, args.fail_on)
}

fn gate(audit: &Audit, fail_on: FailOn) -> Exit {
    let level = match fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
        FailOn::Note => Severity::Note,
        FailOn::Never => return Exit::Clean,
    };
    if Tally::of(&audit.findings).at_least(level) > 0 {
        Exit::Findings
    } else {
        Exit::Clean
    }
}

fn recommend(args: &RecommendArgs) -> Exit {
    let audit = match audit_or_exit(&args.input) {
        Ok(audit) => audit,
        Err(exit) => return exit,
    };
    let recs = crate::recommend::recommend(&audit);
    match args.format {
        RecommendFormat::Table => print!("{}", report::recommendations::table(&audit, &recs)),
        RecommendFormat::Json => print!("{}", report::recommendations::json(&audit, &recs)),
    }
    warn_if_incomplete(&audit);
    Exit::Clean
}

fn graph(args: &GraphArgs) -> Exit {
    let audit = match audit_or_exit(&args.input) {
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

/// Graphs and recommendations are printed even when some input was bad; say so on stderr.
fn warn_if_incomplete(audit: &Audit) {
    let broken = audit
        .findings
        .iter()
        .filter(|f| matches!(f.rule.0, "CA001" | "CA002" | "CA003"))
        .count();
    if broken > 0 {
        eprintln!(
            "warning: {broken} input problem{} (CA001-CA003), so the graph may be incomplete; run `commaudit scan` to see them",
            if broken == 1 { "" } else { "s" }
        );
    }
}
