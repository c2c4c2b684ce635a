//! commaudit: audits how microservices talk to each other.
//!
//! The pipeline, one folder per stage, each taking the previous stage's output:
//!
//! ```text
//! files -> load/ -> model/ -> graph/ -> rules/ -> (gate/) -> report/
//!                                          \-> recommend/ -/
//! ```
//!
//! [`audit::run`] runs the first four stages with the resolved `config/`; `gate/` applies
//! suppressions and the baseline for CI; `report/` formats the result.
//!
//! # Layers
//!
//! A module may use only modules of earlier layers (a test in `src/layering.rs` reads every
//! `crate::` path and fails on a back-edge):
//!
//! 1. leaf modules, shared infrastructure that knows no stage: [`source`], [`suggest`] and
//!    [`id`] (the identity newtypes of model items), then [`yaml`] (the span-carrying YAML
//!    layer), then [`diagnostics`] (rule IDs, severities, findings and their typed subjects, the
//!    rule catalogue) and [`options`] (typed, range-checked settings);
//! 2. [`load`]: read and parse each input format;
//! 3. [`model`]: resolve names across files;
//! 4. [`graph`]: the graph and the measures over it;
//! 5. [`rules`]: the checks, each a pure function of model, graph and its options;
//! 6. [`config`]: the settings of a run, validated against what the rules declare (their
//!    options) and what the leaf modules know (the catalogue). It sits after `rules/` because
//!    it knows each rule's options type; it is resolved before the model is built, but no
//!    earlier stage needs it;
//! 7. [`audit`]: the pipeline that runs stages 2-5 with the configuration;
//! 8. [`recommend`]: per-edge verdicts and the migration plan;
//! 9. [`gate`]: suppressions, the baseline and fingerprints, for CI;
//! 10. [`report`]: every output format;
//! 11. [`cli`]: the command line, the only module that prints or reads the clock.

pub mod audit;
pub mod cli;
pub mod config;
pub mod coverage;
pub mod diagnostics;
pub mod escape;
pub mod gate;
pub mod graph;
pub mod id;
pub mod load;
pub mod model;
pub mod options;
pub mod provenance;
pub mod recommend;
pub mod report;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod yaml;

#[cfg(test)]
mod layering;
