//! Stage 5, report: every output format, one file each, all reading the same [`Audit`].
//!
//! [`Audit`]: crate::audit::Audit

pub mod concise;
pub mod dot;
pub mod graph_json;
pub mod human;
pub mod json;
pub mod mermaid;
pub mod recommendations;
pub mod summary;

/// Whether to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Always,
    Never,
}
