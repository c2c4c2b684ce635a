//! The pipeline in one place: load -> model -> graph -> rules, giving one [`Audit`] that every
//! report reads.

use rayon::prelude::*;

use crate::config::{Config, ConfigError, Settings};
use crate::coverage::Coverage;
use crate::diagnostics::{Finding, inferred_note, sort_findings};
use crate::graph::Graph;
use crate::graph::analysis::Analysis;
use crate::graph::facts::{Defaults, Facts};
use crate::load::read::Reader;
use crate::load::{self, LoadError, LoadOptions};
use crate::model::{self, Model};
use crate::rules;
use crate::source::Sources;

/// Everything known after a scan.
#[derive(Debug)]
pub struct Audit {
    pub sources: Sources,
    pub model: Model,
    pub graph: Graph,
    pub analysis: Analysis,
    /// Every measure of the graph as declared, computed once (see `docs/measures.md`).
    pub facts: Facts,
    pub config: Config,
    /// Sorted, without repeats, with the configuration's severities applied.
    pub findings: Vec<Finding>,
    /// What was read but not used, or could not be inferred, said plainly in the summary.
    pub notes: Vec<String>,
    /// The confined reader the inputs went through, for reading the baseline and for
    /// refusing to write over what was read.
    pub reader: Reader,
    /// What the scan read, understood and could not see.
    pub coverage: Coverage,
}

/// Why there is no audit: exit code 2.
#[derive(Debug)]
pub enum AuditError {
    Load(LoadError),
    /// The configuration is invalid; the sources let the errors show their lines.
    Config(Vec<ConfigError>, Sources),
}

/// Whether `rule` judges the edges of the graph (a check other than CA007), so its findings
/// rest on how those edges became known.
fn judges_edges(rule: crate::diagnostics::RuleId) -> bool {
    rule != crate::diagnostics::catalog::INCOMPLETE_GRAPH && rules::is_check(rule)
}

/// Runs the whole pipeline over the paths in `options`, with the settings of the project files
/// among them.
pub fn run(options: &LoadOptions) -> Result<Audit, AuditError> {
    run_with(options, &Settings::default())
}

/// Runs the whole pipeline with the configuration `settings` choose (see [`Settings`]).
pub fn run_with(options: &LoadOptions, settings: &Settings) -> Result<Audit, AuditError> {
    let mut loaded = load::load(options).map_err(AuditError::Load)?;
    let config = match Config::resolve(&mut loaded, &options.paths, settings) {
        Ok(config) => config,
        Err(errors) => return Err(AuditError::Config(errors, loaded.sources)),
    };
    let reader = std::mem::take(&mut loaded.reader);
    let skipped = std::mem::take(&mut loaded.skipped);
    let broken = loaded.broken.clone();
    let resolved = model::build(loaded);
    // Three independent readings of the model, on whichever cores are free.
    let ((coverage, graph), analysis) = rayon::join(
        || {
            rayon::join(
                || Coverage::of(&skipped, &broken, &resolved.sources, &resolved.model),
                || Graph::build(&resolved.model),
            )
        },
        || Analysis::build(&resolved.model),
    );
    let facts = Facts::of(
        &resolved.model,
        &analysis.sync,
        &analysis.entrypoints,
        Defaults::of(&config.assumptions),
    );
    let mut findings = resolved.findings;
    let context = rules::Context {
        model: &resolved.model,
        graph: &graph,
        analysis: &analysis,
        facts: &facts,
        rule_options: &config.options,
        assumptions: &config.assumptions,
        coverage: &coverage,
    };
    findings.extend(rules::run(&context, &|rule| config.enabled(rule)));
    findings.retain(|f| config.enabled(f.rule));
    // What each finding of a check rests on; findings about files, names and the coverage
    // itself rest on no edge.
    let basis = model::Basis::new(&resolved.model);
    findings
        .par_iter_mut()
        .filter(|f| judges_edges(f.rule))
        .for_each(|f| f.provenance = basis.of(f));
    for f in &mut findings {
        if let Some(severity) = config.severity(f.rule) {
            f.severity = severity;
        }
        // A finding resting on inferred facts says so, and drops a level when its rule
        // judges intent.
        if let Some(p) = f.provenance.as_ref().filter(|p| p.is_inferred()) {
            let note = inferred_note(p.evidence.first().map(String::as_str));
            f.message.push_str(&crate::escape::line(&note));
            f.severity = config.inferred_severity.apply(f.rule, f.severity);
        }
    }
    sort_findings(&mut findings, &resolved.sources);
    findings.dedup();
    Ok(Audit {
        sources: resolved.sources,
        model: resolved.model,
        graph,
        analysis,
        facts,
        config,
        findings,
        notes: resolved.notes,
        reader,
        coverage,
    })
}
