//! commaudit: audits how microservices talk to each other.
//!
//! The pipeline, one folder per stage, each taking the previous stage's output:
//!
//! ```text
//! files -> load/ -> model/ -> graph/ -> rules/ (and recommend/) -> report/
//! ```
//!
//! [`audit::run`] runs the first four stages; `gate/` applies suppressions and the baseline for
//! CI; `report/` formats the resulting [`audit::Audit`].

pub mod audit;
pub mod cli;
pub mod config;
pub mod diagnostics;
pub mod gate;
pub mod graph;
pub mod load;
pub mod model;
pub mod recommend;
pub mod report;
pub mod rules;
pub mod source;
pub mod suggest;
pub mod yaml;
