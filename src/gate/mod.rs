//! Stage 4b, gate: what turns an audit into a CI verdict people can trust. It runs after
//! `rules/` and before `report/`, over the findings of every rule: suppressions (inline and the
//! config's `ignores:`), the baseline of known findings, and the fingerprints that tell a
//! known finding from a new one, also across commits (`--diff-base`).
//!
//! It is a stage of its own because it judges findings, not the architecture, and it is pure:
//! the caller reads the baseline file and the clock, and passes them in.

pub mod baseline;
pub mod diff;
pub mod fingerprint;
pub mod inline;
pub mod suppress;

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::audit::Audit;
use crate::config::Config;
use crate::config::date::Date;
use crate::diagnostics::{Finding, order_key, permute, sort_findings, sorted_order};
use crate::source::{SourceId, Sources};

use baseline::Baseline;
use suppress::Suppression;

/// What the gate needs besides the audit.
#[derive(Debug, Clone)]
pub struct Options<'a> {
    /// For expiry dates.
    pub today: Date,
    /// Honour suppressions written in the inputs (`--no-inline-ignores` turns them off).
    pub inline_ignores: bool,
    pub baseline: Option<&'a Baseline>,
    /// The repository root: fingerprints and report paths are relative to it.
    pub root: &'a Path,
}

/// An audit with the CI gate applied: what `scan` reports and `baseline` records. The audit
/// itself is left as the rules made it; the findings that count are here.
#[derive(Debug)]
pub struct Gated {
    /// The audit as the rules left it; its `findings` are every finding, before the gate.
    pub audit: Audit,
    /// The findings that count, sorted: those no suppression or baseline entry covers, and
    /// the gate's own (CA901-CA903).
    pub findings: Vec<Finding>,
    /// One per finding, in the same order.
    pub fingerprints: Vec<String>,
    /// Findings hidden by suppressions.
    pub suppressed: usize,
    /// Findings skipped because the baseline lists them.
    pub baselined: usize,
    /// The baseline file, when one was read.
    pub baseline: Option<SourceId>,
    /// The repository root paths are shown relative to.
    pub root: PathBuf,
    /// Set in pull-request mode (`--diff-base`).
    pub diff: Option<diff::DiffSummary>,
}

impl Gated {
    /// A file's path relative to the repository root, as CI formats show it.
    pub fn path(&self, id: SourceId) -> String {
        fingerprint::relative_path(&self.audit.sources, id, &self.root)
    }

    pub fn sources(&self) -> &Sources {
        &self.audit.sources
    }
}

/// Applies suppressions and the baseline to the audit's findings, and fingerprints what is
/// left.
pub fn apply(audit: Audit, options: &Options) -> Gated {
    // The audit keeps its own list (recommendations read what was found before gating).
    let findings: Vec<Finding> = audit.findings.par_iter().cloned().collect();
    let mut suppressions: Vec<Suppression> = audit
        .config
        .ignores
        .iter()
        .map(Suppression::from_ignore)
        .collect();
    let mut unreadable = Vec::new();
    if options.inline_ignores {
        let (inline, problems) = inline::collect(&audit.sources, &audit.model);
        suppressions.extend(inline);
        unreadable = problems;
    }
    let applied = suppress::apply(findings, &suppressions, &audit.config, options.today);
    let mut findings = applied.kept;
    let mut added = configured(unreadable, &audit.config);
    added.extend(configured(applied.meta, &audit.config));
    // The audit's findings come sorted and without repeats, and suppressing keeps their order:
    // only findings the gate adds need sorting in.
    debug_assert!(findings.windows(2).all(|pair| {
        order_key(&pair[0], &audit.sources) <= order_key(&pair[1], &audit.sources)
    }));
    if !added.is_empty() {
        findings.extend(added);
        sort_findings(&mut findings, &audit.sources);
        findings.dedup();
    }
    let mut fingerprints =
        fingerprint::assign(&findings, &audit.model, &audit.sources, options.root);
    let mut baselined = 0;
    if let Some(baseline) = options.baseline {
        let config = &audit.config;
        let result = baseline.apply(findings, fingerprints, &|rule| rule_runs(config, rule));
        baselined = result.skipped;
        findings = result.kept;
        fingerprints = result.fingerprints;
        let stale = configured(result.stale, &audit.config);
        let stale_fps = fingerprint::assign(&stale, &audit.model, &audit.sources, options.root);
        findings.extend(stale);
        fingerprints.extend(stale_fps);
        (findings, fingerprints) = sorted_pairs(findings, fingerprints, &audit.sources);
    }
    Gated {
        audit,
        findings,
        fingerprints,
        suppressed: applied.suppressed,
        baselined,
        baseline: options.baseline.and_then(|b| b.source),
        root: options.root.to_path_buf(),
        diff: None,
    }
}

/// Whether a rule named in a baseline runs in this scan; unknown rules count as running, so
/// their entries show up as stale.
pub fn rule_runs(config: &Config, rule: &str) -> bool {
    crate::diagnostics::catalog::find(rule)
        .is_none_or(|meta| config.enabled(crate::diagnostics::RuleId(meta.id.as_str())))
}

/// Drops findings of rules that do not run and applies configured severities, as the rules
/// stage does for its own findings.
fn configured(findings: Vec<Finding>, config: &Config) -> Vec<Finding> {
    findings
        .into_iter()
        .filter(|f| config.enabled(f.rule))
        .map(|mut f| {
            if let Some(severity) = config.severity(f.rule) {
                f.severity = severity;
            }
            f
        })
        .collect()
}

/// Sorts findings into the one output order, keeping each fingerprint with its finding.
pub fn sorted_pairs(
    mut findings: Vec<Finding>,
    mut fingerprints: Vec<String>,
    sources: &Sources,
) -> (Vec<Finding>, Vec<String>) {
    let order = sorted_order(&findings, sources);
    permute(&mut findings, &order);
    permute(&mut fingerprints, &order);
    (findings, fingerprints)
}
