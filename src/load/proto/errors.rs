//! protox errors as CA001 findings, at the line they name.

use miette::Diagnostic;

use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::source::{SourceId, Sources, Span};

use std::collections::BTreeMap;
use std::sync::Arc;

/// Turns a protox error into a CA001 finding at the line it names.
pub(super) fn proto_error(
    err: &protox::Error,
    opened: SourceId,
    sources: &Sources,
    files: &BTreeMap<String, (SourceId, Arc<str>)>,
) -> Finding {
    let source = err
        .file()
        .and_then(|name| {
            files.get(name).map(|(id, _)| *id).or_else(|| {
                sources
                    .iter()
                    .find(|(_, f)| f.name.ends_with(name))
                    .map(|(id, _)| id)
            })
        })
        .unwrap_or(opened);
    let label = err.labels().and_then(|mut labels| labels.next());
    let mut message = err.to_string();
    // Our own refusals of an import carry no place: point at the import statement.
    let imported_at = || {
        let name = message.strip_prefix("import `")?.split('`').next()?;
        let quoted = format!("\"{name}\"");
        let at = sources.get(source).text.find(&quoted)?;
        Some(Span::new(source, at as u32, quoted.len() as u32))
    };
    let span = match &label {
        Some(l) => Span::new(source, l.offset() as u32, l.len() as u32),
        None => imported_at().unwrap_or(Span::file_start(source)),
    };
    let mut help = err.help().map(|h| h.to_string());
    if help.is_none() && err.is_parse() {
        help = Some(
            "fix the .proto syntax at this line; the problem can start on a line above".into(),
        );
    }
    if message.contains("edition") {
        message = format!("{message} (protobuf editions are not supported yet)");
        help = Some("use `syntax = \"proto3\";` for this file, or exclude it from the scan".into());
    } else if message.starts_with("import '") && message.ends_with("not found") {
        help = Some(
            "add the folder that contains it to `proto_roots` in commaudit.yaml, or scan it too"
                .into(),
        );
    }
    let mut finding = Finding::new(INVALID_INPUT, format!("invalid .proto: {message}"))
        .at(span)
        .about(Item::File(source))
        .about(Item::Key("invalid .proto".into()));
    if let Some(label) = label.and_then(|l| l.label().map(str::to_owned)) {
        finding = finding.label(label);
    }
    if let Some(help) = help {
        finding = finding.help(help);
    }
    finding
}
