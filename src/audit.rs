//! The pipeline in one place: load -> model -> graph -> rules, giving one [`Audit`] that every
//! report reads.

use crate::finding::{Finding, sort_findings};
use crate::graph::Graph;
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
    /// Sorted, without repeats.
    pub findings: Vec<Finding>,
}

/// Runs the whole pipeline over the paths in `options`.
pub fn run(options: &LoadOptions) -> Result<Audit, LoadError> {
    let loaded = load::load(options)?;
    let resolved = model::build(loaded);
    let graph = Graph::build(&resolved.model);
    let mut findings = resolved.findings;
    findings.extend(rules::run(&rules::Context {
        model: &resolved.model,
        graph: &graph,
    }));
    sort_findings(&mut findings, &resolved.sources);
    findings.dedup();
    Ok(Audit {
        sources: resolved.sources,
        model: resolved.model,
        graph,
        findings,
    })
}
