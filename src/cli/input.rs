//! What every command that reads a system shares: the paths, limits, and running the pipeline.

use std::path::PathBuf;

use crate::audit::{self, Audit};
use crate::config::{Choice, Overrides, Settings};
use crate::diagnostics::catalog::{INVALID_INPUT, UNKNOWN_OPERATION, UNKNOWN_SERVICE};
use crate::load::{LoadOptions, read::DEFAULT_MAX_FILE_BYTES};

use super::Exit;

#[derive(Debug, clap::Args)]
pub struct InputArgs {
    /// Files or folders to read (default: the current folder).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Largest file read, in bytes; larger files are reported, not read.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FILE_BYTES)]
    pub max_file_size: u64,
    /// A compose file to merge, in the order given (repeat for overlays); replaces the default
    /// base-plus-override of its folder.
    #[arg(long = "compose-file", value_name = "FILE")]
    pub compose_files: Vec<PathBuf>,
    /// Configuration file to use instead of the commaudit.yaml found from the first PATH upward
    /// (project files among the inputs are still read as inputs).
    #[arg(long, value_name = "FILE", conflicts_with = "no_config")]
    pub config: Option<PathBuf>,
    /// Use no configuration: every rule at its defaults, no `ignores:`.
    #[arg(long)]
    pub no_config: bool,
    /// Also let `include:`, `proto_roots:` and file references read below DIR, outside the
    /// scanned repository (repeatable). Nothing outside the repository is read without it.
    #[arg(long = "allow-dir", value_name = "DIR")]
    pub allow_dirs: Vec<PathBuf>,
    /// Observed traffic to compare with the declarations (repeatable): an OTLP JSON, Jaeger or
    /// Zipkin v2 JSON trace export, or Prometheus service-graph metrics. Such files below PATH
    /// are read without it.
    #[arg(long = "observed", value_name = "FILE")]
    pub observed: Vec<PathBuf>,
}

impl InputArgs {
    pub fn options(&self) -> LoadOptions {
        let paths = if self.paths.is_empty() {
            vec![PathBuf::from(".")]
        } else {
            self.paths.clone()
        };
        LoadOptions {
            paths,
            max_file_bytes: self.max_file_size,
            compose_files: self.compose_files.clone(),
            allow_dirs: self.allow_dirs.clone(),
            observed: self.observed.clone(),
        }
    }

    /// Where the configuration comes from, with the command line's overrides.
    pub fn settings(&self, overrides: &Overrides) -> Settings {
        let choice = match (&self.config, self.no_config) {
            (Some(file), _) => Choice::File(file.clone()),
            (None, true) => Choice::Off,
            (None, false) => Choice::Discover,
        };
        Settings {
            choice,
            overrides: overrides.clone(),
        }
    }

    /// Runs the pipeline; a load or configuration error is printed and means exit code 2.
    pub fn audit(&self) -> Result<Audit, Exit> {
        self.audit_with(&Overrides::default())
    }

    /// Runs the pipeline with rule overrides from the command line.
    pub fn audit_with(&self, overrides: &Overrides) -> Result<Audit, Exit> {
        audit::run_with(&self.options(), &self.settings(overrides)).map_err(print_error)
    }
}

/// Prints why there is no audit; the exit code is 2.
pub fn print_error(err: audit::AuditError) -> Exit {
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
}

/// Graphs and recommendations are printed even when some input was bad; say so on stderr.
pub fn warn_if_incomplete(audit: &Audit) {
    let broken = audit
        .findings
        .iter()
        .filter(|f| [INVALID_INPUT, UNKNOWN_SERVICE, UNKNOWN_OPERATION].contains(&f.rule))
        .count();
    if broken > 0 {
        eprintln!(
            "warning: {broken} input problem{} (CA001-CA003), so the graph may be incomplete; run `commaudit scan` to see them",
            if broken == 1 { "" } else { "s" }
        );
    }
}
