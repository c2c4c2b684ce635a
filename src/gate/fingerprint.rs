//! Stable fingerprints: what makes a finding the same finding from one commit to the next.
//!
//! A fingerprint hashes the rule and the stable keys of what the finding is about (its typed
//! subject): a service's name, a call's caller, callee, protocol and operation, a channel's
//! broker and subject, a file's path relative to the repository, a setting's key. Never a line,
//! a message or a position in a list, so an edit elsewhere does not make a known finding look
//! new, and fixing one finding never changes another's fingerprint. A group's fingerprint comes
//! from its cause alone, so members can join or leave it.

use std::path::Path;

use rayon::prelude::*;

use crate::diagnostics::{Finding, Item};
use crate::load::canonical;
use crate::model::{ChannelId, Model};
use crate::source::{SourceId, Sources};

/// The text a finding's fingerprint is computed from.
fn key(finding: &Finding, model: &Model, sources: &Sources, root: &Path) -> String {
    let mut key = finding.rule.0.to_owned();
    let identity = finding.subject.identity();
    for item in identity {
        key.push('\u{1f}');
        key.push_str(&item_key(item, model, sources, root));
    }
    if identity.is_empty() {
        // A finding that does not say what it is about (a test keeps every rule from doing
        // this) is told apart by its file and message.
        let file = finding
            .span
            .map(|s| relative_path(sources, s.source, root))
            .unwrap_or_default();
        key.push_str(&format!("\u{1f}{file}\u{1f}{}", finding.message));
    }
    key
}

/// The stable key of one item: names, never indexes.
fn item_key(item: &Item, model: &Model, sources: &Sources, root: &Path) -> String {
    let service = |id: crate::model::ServiceId| {
        model
            .services
            .get(id.index())
            .map_or("?", |s| s.name.as_str())
    };
    let channel = |id: ChannelId| {
        model.channels.get(id.index()).map_or_else(
            || "?".to_owned(),
            |c| {
                let broker = model.brokers.get(c.broker.index()).map_or("?", |b| &b.name);
                format!("{broker}/{}", c.subject)
            },
        )
    };
    match item {
        Item::Service(id) => format!("service {}", service(*id)),
        Item::Call(id) => model.calls.get(id.index()).map_or_else(
            || "call ?".to_owned(),
            |c| {
                let op = c.operation.as_ref().map_or("", |o| o.name.as_str());
                // The operation as written, when it is not its canonical name: two calls that
                // name one operation two ways (`getStock`, `GET /stock/{sku}`) stay apart.
                let written = c
                    .operation_span
                    .and_then(|s| text_at(sources, s))
                    .filter(|w| *w != op)
                    .unwrap_or("");
                format!(
                    "call {} -> {} {} {op} {written}",
                    service(c.from),
                    service(c.to),
                    c.protocol
                )
            },
        ),
        Item::Publication(id) => model.publications.get(id.index()).map_or_else(
            || "publication ?".to_owned(),
            |p| format!("publication {} {}", service(p.service), channel(p.channel)),
        ),
        Item::Subscription(id) => model.subscriptions.get(id.index()).map_or_else(
            || "subscription ?".to_owned(),
            |s| format!("subscription {} {}", service(s.service), channel(s.channel)),
        ),
        Item::Channel(id) => format!("channel {}", channel(*id)),
        Item::Broker(id) => format!(
            "broker {}",
            model.brokers.get(id.index()).map_or("?", |b| &b.name)
        ),
        Item::Datastore(id) => format!(
            "datastore {}",
            model.datastores.get(id.index()).map_or("?", |d| &d.name)
        ),
        Item::File(id) => format!("file {}", relative_path(sources, *id, root)),
        Item::Name(name) => format!("name {name}"),
        Item::Key(key) => format!("key {key}"),
    }
}

/// The text a span covers, without surrounding quotes.
fn text_at(sources: &Sources, span: crate::source::Span) -> Option<&str> {
    let (start, len) = (span.offset as usize, span.len as usize);
    let text = sources.get(span.source).text.get(start..start + len)?;
    Some(text.trim().trim_matches(['"', '\'']).trim())
}

/// 64-bit FNV-1a: tiny, fast, and the same on every platform and Rust version.
fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// One finding's fingerprint: 16 hex digits.
pub fn of(finding: &Finding, model: &Model, sources: &Sources, root: &Path) -> String {
    format!("{:016x}", fnv1a(&key(finding, model, sources, root)))
}

/// Fingerprints of `findings`, in their order.
pub fn assign(findings: &[Finding], model: &Model, sources: &Sources, root: &Path) -> Vec<String> {
    // Each needs only its own finding; on every core, in the list's order.
    findings
        .par_iter()
        .map(|f| of(f, model, sources, root))
        .collect()
}

/// A file's path relative to `root` (the repository), with `/`; its display name when it lies
/// elsewhere.
pub fn relative_path(sources: &Sources, id: SourceId, root: &Path) -> String {
    let file = sources.get(id);
    let absolute = canonical(&file.path);
    match absolute.strip_prefix(root) {
        Ok(rel) if !rel.as_os_str().is_empty() => rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/"),
        _ => file.name.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::{RuleId, Subject};
    use crate::model::{Call, Protocol, Provenance, Service, ServiceId};
    use crate::source::Span;

    fn sources() -> Sources {
        let mut s = Sources::default();
        s.add("a.yaml".into(), "a.yaml".into(), "x\ny\nz\n".into());
        s
    }

    fn model(names: &[&str]) -> Model {
        let mut model = Model::default();
        for name in names {
            model
                .services
                .push(Service::named(*name, Span::new(SourceId(0), 0, 0)));
        }
        for (from, to) in [(0, 1), (0, 2)] {
            model.calls.push(Call {
                from: ServiceId(from),
                to: ServiceId(to),
                protocol: Protocol::Http,
                operation: None,
                needs_response: Some(true),
                timeout_ms: None,
                retries: None,
                circuit_breaker: false,
                fallback: false,
                rps: None,
                observed_rps: None,
                payload_bytes: None,
                poll_interval_ms: None,
                span: Span::new(SourceId(0), 0, 0),
                operation_span: None,
                provenance: Provenance::manifest(),
                paths: Vec::new(),
                routed: false,
                proxy: Default::default(),
                resilience: Default::default(),
            });
        }
        model
    }

    const ROOT: &str = "/nowhere";

    #[test]
    fn lines_and_messages_do_not_matter_but_subjects_do() {
        let (s, m) = (sources(), model(&["a", "b", "c"]));
        let at = |offset, message: &str| {
            Finding::new(RuleId("CA301"), message)
                .at(Span::new(SourceId(0), offset, 1))
                .about(Item::Call(crate::model::CallId(0)))
        };
        let first = of(&at(0, "one wording"), &m, &s, Path::new(ROOT));
        assert_eq!(first, of(&at(4, "another"), &m, &s, Path::new(ROOT)));
        assert_eq!(first.len(), 16);
        let other =
            Finding::new(RuleId("CA301"), "one wording").about(Item::Call(crate::model::CallId(1)));
        assert_ne!(first, of(&other, &m, &s, Path::new(ROOT)));
    }

    #[test]
    fn fixing_one_finding_leaves_the_others_alone() {
        let (s, m) = (sources(), model(&["a", "b", "c"]));
        let about =
            |call| Finding::new(RuleId("CA402"), "m").about(Item::Call(crate::model::CallId(call)));
        let both = assign(&[about(0), about(1)], &m, &s, Path::new(ROOT));
        let one_fixed = assign(&[about(1)], &m, &s, Path::new(ROOT));
        assert_ne!(both[0], both[1]);
        assert_eq!(both[1], one_fixed[0], "no counter moves onto a sibling");
    }

    #[test]
    fn keys_are_names_not_indexes() {
        let s = sources();
        // The same service at another index, because another service sorts before it.
        let (before, after) = (model(&["b", "c", "d"]), model(&["a", "b", "c"]));
        let finding = |id| Finding::new(RuleId("CA103"), "m").about(Item::Service(ServiceId(id)));
        assert_eq!(
            of(&finding(0), &before, &s, Path::new(ROOT)),
            of(&finding(1), &after, &s, Path::new(ROOT))
        );
    }

    #[test]
    fn a_group_keeps_its_fingerprint_when_members_join() {
        let (s, m) = (sources(), model(&["a", "b", "c"]));
        let group = |members: &[u32]| {
            Finding::new(RuleId("CA006"), "m").subject(Subject::group(
                vec![Item::Name("$DB_HOST".into())],
                members
                    .iter()
                    .map(|&i| Item::Service(ServiceId(i)))
                    .collect(),
            ))
        };
        assert_eq!(
            of(&group(&[0, 1]), &m, &s, Path::new(ROOT)),
            of(&group(&[0, 1, 2]), &m, &s, Path::new(ROOT))
        );
        let other_cause = Finding::new(RuleId("CA006"), "m").subject(Subject::group(
            vec![Item::Name("$CACHE_HOST".into())],
            vec![Item::Service(ServiceId(0))],
        ));
        assert_ne!(
            of(&group(&[0]), &m, &s, Path::new(ROOT)),
            of(&other_cause, &m, &s, Path::new(ROOT))
        );
    }

    #[test]
    fn findings_about_a_file_use_its_path() {
        let (s, m) = (sources(), model(&[]));
        let f = |key: &str| {
            Finding::new(RuleId("CA001"), "m")
                .at(Span::new(SourceId(0), 0, 0))
                .about(Item::File(SourceId(0)))
                .about(Item::Key(key.into()))
        };
        assert_ne!(
            of(&f("invalid .proto"), &m, &s, Path::new(ROOT)),
            of(&f("unreadable"), &m, &s, Path::new(ROOT))
        );
    }
}
