//! Stage 5, report: every output format, one file each. The formats of `scan` all render the
//! same gated result and are listed once, in [`format::FORMATS`]; the migration report, the
//! graph and what-if have their own documents.

pub mod concise;
pub mod dot;
pub mod fit;
pub mod format;
pub mod github;
pub mod gitlab;
pub mod graph_json;
pub mod html;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod mermaid;
pub mod migration;
pub mod picture;
pub mod recommendations;
pub mod sarif;
pub mod statistics;
pub mod summary;
pub mod svg;
pub mod what_if;
pub mod xml;

pub use format::{Format, Style};

/// Whether to colour human output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Color {
    Always,
    Never,
}

/// A span's location as CI formats show it. An empty span (an item that starts there) is
/// widened to the rest of its line, so annotations and code scanning highlight something.
pub fn ci_location(
    sources: &crate::source::Sources,
    span: crate::source::Span,
) -> crate::source::Location<'_> {
    let mut loc = sources.locate(span);
    if span.len == 0 {
        let line = sources.get(span.source).line_text(loc.line);
        let end = line.trim_end().chars().count() as u32 + 1;
        if end > loc.column {
            loc.end_line = loc.line;
            loc.end_column = end;
        }
    }
    loc
}
