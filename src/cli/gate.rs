//! What `scan` and `baseline` share: which rules count (`--select`, `--ignore`, `--severity`),
//! inline suppressions, today's date, the repository root, and finding the baseline file.

use std::path::{Path, PathBuf};

use crate::audit::{self, Audit};
use crate::config::date::Date;
use crate::config::{InferredSeverity, Overrides, Settings};
use crate::gate::{self, Gated, baseline::Baseline, baseline::FILE_NAME};
use crate::load::read::repository_of;
use crate::load::{LoadOptions, canonical};
use crate::source::display_name;

use super::Exit;
use super::input::{InputArgs, print_error};

/// The environment variable that fixes today's date (YYYY-MM-DD), for reproducible runs.
pub const TODAY_VAR: &str = "COMMAUDIT_TODAY";

#[derive(Debug, clap::Args)]
pub struct GateArgs {
    /// Run only these rules: IDs, ID prefixes (CA1) or names; comma-separated or repeated.
    #[arg(long, value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not run these rules: IDs, ID prefixes or names; comma-separated or repeated.
    #[arg(long, value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Give a rule a severity: RULE=error|warning|note|off (repeatable).
    #[arg(long, value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
    /// Severity of findings that rest on inferred facts, for rules that judge intent
    /// (CA201, CA203, CA301-CA304): `lower` drops them one level, `same` keeps the rule's.
    #[arg(long, value_enum, value_name = "LEVEL")]
    pub inferred_severity: Option<InferredLevel>,
    /// Disregard suppression comments and `x-commaudit-ignore` in the inputs (the config's
    /// `ignores:` still apply).
    #[arg(long)]
    pub no_inline_ignores: bool,
}

/// Which baseline a run uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BaselineChoice {
    /// `.commaudit-baseline.json` next to the configuration or in the first scanned folder.
    Auto,
    File(PathBuf),
    Off,
}

impl GateArgs {
    pub fn overrides(&self) -> Overrides {
        Overrides {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            severity: self.severity.clone(),
            inferred_severity: self.inferred_severity.map(|l| match l {
                InferredLevel::Same => InferredSeverity::Same,
                InferredLevel::Lower => InferredSeverity::Lower,
            }),
        }
    }
}

/// `--inferred-severity` (default: lower).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InferredLevel {
    Same,
    Lower,
}

/// Runs the pipeline and the gate over the command line's inputs.
pub fn gated(input: &InputArgs, args: &GateArgs, baseline: &BaselineChoice) -> Result<Gated, Exit> {
    let options = input.options();
    let root = repo_root(&options.paths);
    gated_at(
        &options,
        &input.settings(&args.overrides()),
        args,
        baseline,
        &root,
    )
}

/// Runs the pipeline and the gate over `options`, with `root` as the repository root.
pub fn gated_at(
    options: &LoadOptions,
    settings: &Settings,
    args: &GateArgs,
    baseline: &BaselineChoice,
    root: &Path,
) -> Result<Gated, Exit> {
    let audit = audit::run_with(options, settings).map_err(print_error)?;
    apply_gate(audit, &options.paths, args, baseline, root)
}

/// Applies suppressions and the baseline to an audit of `paths`.
pub fn apply_gate(
    mut audit: Audit,
    paths: &[PathBuf],
    args: &GateArgs,
    baseline: &BaselineChoice,
    root: &Path,
) -> Result<Gated, Exit> {
    let today = today()?;
    let path = match baseline {
        BaselineChoice::Off => None,
        BaselineChoice::File(path) if path.symlink_metadata().is_ok() => Some(path.clone()),
        BaselineChoice::File(path) => {
            eprintln!(
                "error: baseline file `{}` does not exist\n  help: write one with `commaudit baseline`, or leave --baseline out",
                path.display()
            );
            return Err(Exit::Usage);
        }
        // Whatever sits at the name is read, so a planted pipe or link is refused out loud.
        BaselineChoice::Auto => baseline_candidates(&audit, paths)
            .into_iter()
            .find(|p| p.symlink_metadata().is_ok()),
    };
    let baseline = path.map(|p| read_baseline(&mut audit, &p)).transpose()?;
    Ok(gate::apply(
        audit,
        &gate::Options {
            today,
            inline_ignores: !args.no_inline_ignores,
            baseline: baseline.as_ref(),
            root,
        },
    ))
}

/// Today's date: `COMMAUDIT_TODAY` when set, else the system clock (UTC).
pub fn today() -> Result<Date, Exit> {
    match std::env::var(TODAY_VAR) {
        Ok(text) if !text.trim().is_empty() => Date::parse(text.trim()).ok_or_else(|| {
            eprintln!(
                "error: {TODAY_VAR}=`{text}` is not a date\n  help: write it as YYYY-MM-DD, or unset it to use the system clock"
            );
            Exit::Usage
        }),
        _ => Ok(Date::today_utc()),
    }
}

/// The repository holding the first path (the nearest folder above it with `.git`), else the
/// current folder. Fingerprints and CI paths are relative to it.
pub fn repo_root(paths: &[PathBuf]) -> PathBuf {
    let cwd = canonical(Path::new("."));
    let start = paths.first().map_or_else(|| cwd.clone(), |p| canonical(p));
    repository_of(&start).unwrap_or(cwd)
}

/// Where a baseline is looked for, in order: next to the configuration file, then in the
/// first scanned folder.
pub fn baseline_candidates(audit: &Audit, paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(dir) = audit.config.file.as_ref().and_then(|f| f.parent()) {
        dirs.push(dir.to_path_buf());
    }
    if let Some(first) = paths.first() {
        let dir = if first.is_file() {
            first.parent().map(Path::to_path_buf).unwrap_or_default()
        } else {
            first.clone()
        };
        dirs.push(dir);
    }
    let mut out: Vec<PathBuf> = Vec::new();
    for dir in dirs {
        let path = dir.join(FILE_NAME);
        if !out.iter().any(|p| canonical(p) == canonical(&path)) {
            out.push(path);
        }
    }
    out
}

/// Reads and parses a baseline file, adding it to the audit's sources so CA903 can point into
/// it. A file that cannot be used stops the run with exit code 2.
pub fn read_baseline(audit: &mut Audit, path: &Path) -> Result<Baseline, Exit> {
    let text = audit.reader.read_named(path).map_err(|problem| {
        eprintln!(
            "error: cannot read baseline `{}`: {}\n  help: {}",
            display_name(path),
            problem.message(),
            problem.help()
        );
        Exit::Usage
    })?;
    let id = audit
        .sources
        .add(display_name(path), path.to_path_buf(), text.clone().into());
    Baseline::parse(&text, id).map_err(|err| {
        let loc = audit.sources.locate(err.span);
        eprintln!(
            "error: {}:{}:{}: {}\n  help: regenerate it with `commaudit baseline`",
            loc.file, loc.line, loc.column, err.message
        );
        Exit::Usage
    })
}
