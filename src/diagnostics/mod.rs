//! Leaf module, diagnostics: what every stage reports and every output prints. Rule IDs,
//! severities, findings with their typed subject and related locations, tallies, and the rule
//! catalogue (each rule's metadata and documentation from `rules/<ID>.yaml`). It depends on no stage, so
//! loading, model building, the checks and the gate can all emit findings.

pub mod catalog;
mod finding;
mod subject;
pub mod template;

pub use finding::{
    Finding, Related, RuleId, Severity, Tally, inferred_note, order_key, permute, sort_findings,
    sorted_order, without_inferred_note,
};
pub use subject::{Item, Subject};
