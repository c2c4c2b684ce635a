//! `commaudit scan`: findings in the chosen format, and the exit code the CI gate reads.

use std::io::IsTerminal;

use clap::ValueEnum;

use crate::audit::Audit;
use crate::finding::{Severity, Tally};
use crate::report::{self, Color};

use super::Exit;
use super::input::InputArgs;

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
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

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScanFormat {
    Human,
    Concise,
    Json,
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

pub fn run(args: &ScanArgs) -> Exit {
    let audit = match args.input.audit() {
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
