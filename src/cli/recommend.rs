//! `commaudit recommend`: what every edge should be, as a table or as JSON.

use clap::ValueEnum;

use crate::report;

use super::Exit;
use super::input::{InputArgs, warn_if_incomplete};

#[derive(Debug, clap::Args)]
pub struct RecommendArgs {
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

pub fn run(args: &RecommendArgs, width: Option<usize>) -> Exit {
    let audit = match args.input.audit() {
        Ok(audit) => audit,
        Err(exit) => return exit,
    };
    let recs = crate::recommend::recommend(&audit);
    match args.format {
        RecommendFormat::Table => {
            print!("{}", report::recommendations::table(&audit, &recs, width))
        }
        RecommendFormat::Json => print!("{}", report::recommendations::json(&audit, &recs)),
    }
    warn_if_incomplete(&audit);
    // Left to the operating system at exit, as `scan` leaves its audit.
    std::mem::forget(audit);
    Exit::Clean
}
