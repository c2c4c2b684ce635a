//! Suppressions written in the inputs themselves: `# commaudit: ignore[CA301] -- reason` above an
//! item of a YAML file, `// commaudit: ignore[...]` above a .proto declaration, and
//! `x-commaudit-ignore` on an OpenAPI operation or an AsyncAPI channel or operation.
//!
//! They are read from the texts already loaded, so nothing here touches the disk. A suppression
//! that cannot be understood is a CA001 finding at its line and suppresses nothing.

mod comment;
mod extension;

use crate::config::date::Date;
use crate::config::select::RulePattern;
use crate::diagnostics::catalog::INVALID_INPUT;
use crate::diagnostics::{Finding, Item};
use crate::model::Model;
use crate::source::{Sources, Span};

use super::suppress::{Declared, Suppression};

/// Every inline suppression in `sources`, and the ones that could not be read.
pub fn collect(sources: &Sources, model: &Model) -> (Vec<Suppression>, Vec<Finding>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (id, file) in sources.iter() {
        if !file.text.contains("commaudit") {
            continue;
        }
        let proto = file.name.ends_with(".proto");
        let json = file.name.ends_with(".json");
        if !json {
            let prefix = if proto { "//" } else { "#" };
            comment::collect(id, file, prefix, model, &mut found, &mut problems);
        }
        if !proto && file.text.contains("x-commaudit-ignore") {
            extension::collect(id, file, model, &mut found, &mut problems);
        }
    }
    (found, problems)
}

/// A suppression that could not be read.
fn problem(span: Span, message: impl Into<String>, help: impl Into<String>) -> Finding {
    let message = message.into();
    Finding::new(INVALID_INPUT, format!("invalid suppression: {message}"))
        .at(span)
        .about(Item::File(span.source))
        .about(Item::Key(format!("suppression: {message}")))
        .help(help.into())
}

/// Rules, reason and expiry of one suppression, checked.
struct Parts {
    rules: Vec<RulePattern>,
    reason: String,
    until: Option<Date>,
}

/// Reads `CA301, sync-cycle` into patterns.
fn rules_of(names: &[&str]) -> Result<Vec<RulePattern>, (String, String)> {
    if names.is_empty() {
        return Err((
            "it names no rule".into(),
            "name the rules it accepts: `ignore[CA301]`".into(),
        ));
    }
    names
        .iter()
        .map(|n| RulePattern::parse(n).map_err(|u| (u.message, u.help)))
        .collect()
}

/// The operations, gRPC methods and channels declared inside `region`, with their providers.
fn declared_in(model: &Model, region: Span) -> Vec<Declared> {
    let inside = |s: Span| {
        s.source == region.source
            && s.offset >= region.offset
            && s.offset < region.offset + region.len.max(1)
    };
    let owners = |pick: &dyn Fn(&crate::model::Contracts) -> &Vec<usize>, i: usize| {
        model
            .services
            .iter()
            .filter(|s| pick(&s.contracts).contains(&i))
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    };
    let mut out = Vec::new();
    for (i, service) in model.grpc.iter().enumerate() {
        let whole = inside(service.span);
        for method in &service.methods {
            if whole || inside(method.span) {
                out.push(Declared {
                    name: format!("{}/{}", service.full_name, method.name),
                    owners: owners(&|c| &c.grpc, i),
                });
            }
        }
    }
    for (i, doc) in model.openapi.iter().enumerate() {
        for op in doc.operations.iter().filter(|op| inside(op.span)) {
            out.push(Declared {
                name: op.display(),
                owners: owners(&|c| &c.openapi, i),
            });
        }
    }
    for (i, doc) in model.asyncapi.iter().enumerate() {
        let mut names: Vec<String> = owners(&|c| &c.asyncapi, i);
        if let Some((owner, _)) = &doc.owner {
            names.push(owner.clone());
        }
        let channels = doc
            .channels
            .iter()
            .filter(|c| inside(c.span))
            .map(|c| c.address.clone());
        let operations = doc
            .operations
            .iter()
            .filter(|o| inside(o.span))
            .map(|o| o.channel.clone());
        for name in channels.chain(operations) {
            out.push(Declared {
                name,
                owners: names.clone(),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup();
    out
}

/// How a region is named in messages: the operations it declares, or its first line.
fn describe(declared: &[Declared], first_line: &str) -> String {
    if declared.is_empty() {
        let line = first_line.trim();
        if line.chars().count() > 60 {
            format!("`{}...`", line.chars().take(57).collect::<String>())
        } else {
            format!("`{line}`")
        }
    } else {
        declared
            .iter()
            .map(|d| format!("`{}`", d.name))
            .collect::<Vec<_>>()
            .join(", ")
    }
}
