//! `commaudit baseline`: record today's findings as known, so CI fails only on new ones; with
//! `--prune`, drop the entries whose findings are gone, and never add any.

use std::path::PathBuf;

use crate::diagnostics::catalog;
use crate::gate::baseline::Baseline;

use super::Exit;
use super::gate::{BaselineChoice, GateArgs, baseline_candidates, gated, read_baseline};
use super::input::InputArgs;

#[derive(Debug, clap::Args)]
pub struct BaselineArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    gate: GateArgs,
    /// File to write (default: the existing baseline, else .commaudit-baseline.json next to the
    /// configuration or in the first PATH).
    #[arg(long, short, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Only remove entries that match no finding any more; never add new ones.
    #[arg(long)]
    prune: bool,
}

pub fn run(args: &BaselineArgs) -> Exit {
    match write(args) {
        Ok(()) => Exit::Clean,
        Err(exit) => exit,
    }
}

fn write(args: &BaselineArgs) -> Result<(), Exit> {
    let mut gated = gated(&args.input, &args.gate, &BaselineChoice::Off)?;
    let candidates = baseline_candidates(&gated.audit, &args.input.options().paths);
    let path = match &args.output {
        Some(path) => path.clone(),
        None => candidates
            .iter()
            .find(|p| p.symlink_metadata().is_ok())
            .or(candidates.first())
            .cloned()
            .unwrap_or_else(|| PathBuf::from(crate::gate::baseline::FILE_NAME)),
    };
    let shown = crate::source::display_name(&path);
    let (baseline, report) = if args.prune {
        if path.symlink_metadata().is_err() {
            eprintln!(
                "error: no baseline to prune at `{shown}`\n  help: write one first with `commaudit baseline`"
            );
            return Err(Exit::Usage);
        }
        let existing = read_baseline(&mut gated.audit, &path)?;
        let config = &gated.audit.config;
        let pruned = existing.pruned(&gated.fingerprints, &|rule| {
            crate::gate::rule_runs(config, rule)
        });
        let removed = existing.entries.len() - pruned.entries.len();
        let report = format!(
            "pruned {shown}: removed {removed} fixed entr{}, {} remain",
            if removed == 1 { "y" } else { "ies" },
            pruned.entries.len()
        );
        (pruned, report)
    } else {
        // Findings about suppressions and baselines are to be fixed, not recorded.
        let (findings, fingerprints): (Vec<_>, Vec<_>) = gated
            .findings
            .iter()
            .zip(&gated.fingerprints)
            .filter(|(f, _)| catalog::by_id(f.rule).is_none_or(|r| r.family != "meta"))
            .map(|(f, fp)| (f.clone(), fp.clone()))
            .unzip();
        let baseline = Baseline::of(&findings, &fingerprints);
        let n = baseline.entries.len();
        let report = format!(
            "wrote {shown}: {n} known finding{}; `commaudit scan` now fails only on new ones",
            if n == 1 { "" } else { "s" }
        );
        (baseline, report)
    };
    // Pruning reads the baseline it rewrites; nothing else that was read may be replaced.
    let guard = super::atomic::Guard::of(&gated.audit);
    let guard = if args.prune {
        guard.except(&path)
    } else {
        guard
    };
    super::atomic::write(&path, &baseline.render(), &guard).map_err(|message| {
        eprintln!("error: {message}");
        Exit::Usage
    })?;
    println!("{report}");
    Ok(())
}
