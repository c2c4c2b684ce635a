//! `commaudit scan`: findings in the chosen format (and extra report files), and the exit code
//! the CI gate reads.

use std::path::PathBuf;

use clap::ValueEnum;

use crate::diagnostics::{Severity, Tally};
use crate::gate::{Gated, diff};
use crate::report::Format;

use super::Exit;
use super::gate::{BaselineChoice, GateArgs, gated};
use super::input::InputArgs;
use super::output::{self, Outputs};

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    gate: GateArgs,
    /// Output format on stdout.
    #[arg(
        long,
        env = "COMMAUDIT_OUTPUT_FORMAT",
        default_value = "human",
        value_parser = output::format_parser()
    )]
    format: &'static Format,
    /// Print the findings only: no coverage, notes or summary line (human and concise).
    #[arg(short, long)]
    quiet: bool,
    /// Print how many findings each rule raised, most first, instead of the findings (as JSON
    /// with --format json).
    #[arg(long)]
    statistics: bool,
    #[command(flatten)]
    outputs: Outputs,
    /// Lowest severity that makes the exit code 1.
    #[arg(long, value_enum, default_value = "error")]
    fail_on: FailOn,
    /// Exit with 0 even when findings are at or above --fail-on (errors in the run still exit 2).
    #[arg(long)]
    exit_zero: bool,
    /// Colour for human output: auto follows the terminal and NO_COLOR; machine formats never
    /// have colour.
    #[arg(long, value_enum, default_value = "auto")]
    color: ColorChoice,
    /// Baseline of known findings to skip (default: .commaudit-baseline.json next to the
    /// configuration or in the first PATH, when there is one).
    #[arg(long, value_name = "FILE", conflicts_with = "no_baseline")]
    baseline: Option<PathBuf>,
    /// Report every finding, even those a baseline lists.
    #[arg(long)]
    no_baseline: bool,
    /// Report only findings that are new since this git revision (a branch, tag or commit),
    /// and how the measures of the sync graph changed.
    #[arg(long, value_name = "REF")]
    diff_base: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl FailOn {
    fn level(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        }
    }
}

pub fn run(args: &ScanArgs, width: Option<usize>) -> Exit {
    match scan(args, width) {
        Ok(exit) | Err(exit) => exit,
    }
}

fn scan(args: &ScanArgs, width: Option<usize>) -> Result<Exit, Exit> {
    let baseline = match (&args.baseline, args.no_baseline) {
        (Some(file), _) => BaselineChoice::File(file.clone()),
        (None, true) => BaselineChoice::Off,
        (None, false) => BaselineChoice::Auto,
    };
    let mut gated = gated(&args.input, &args.gate, &baseline)?;
    if let Some(reference) = &args.diff_base {
        let options = args.input.options();
        let settings = args.input.settings(&args.gate.overrides());
        let base =
            super::worktree::audit_base(reference, &options, &settings, &args.gate, &baseline)?;
        let unchanged = diff::keep_new(&mut gated, &base.fingerprints);
        let measures = diff::compare(&base.measures, &diff::measures(&gated.audit));
        gated.diff = Some(diff::DiffSummary {
            base: reference.clone(),
            unchanged,
            measures,
        });
    }
    let fail_on = args.fail_on.level();
    let view = output::View {
        quiet: args.quiet,
        statistics: args.statistics,
        width,
    };
    output::emit(
        &gated,
        args.format,
        args.color,
        fail_on,
        &args.outputs,
        view,
    )?;
    let exit = verdict(&gated, fail_on, args.exit_zero);
    // The process ends now: the audit's many small allocations are left to the operating
    // system instead of being freed one by one (tens of milliseconds at 5,000 services).
    std::mem::forget(gated);
    Ok(exit)
}

fn verdict(gated: &Gated, fail_on: Option<Severity>, exit_zero: bool) -> Exit {
    let failing = fail_on.is_some_and(|level| Tally::of(&gated.findings).at_least(level) > 0);
    if failing && !exit_zero {
        Exit::Findings
    } else {
        Exit::Clean
    }
}
