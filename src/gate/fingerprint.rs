//! Stable fingerprints: what makes a finding the same finding from one commit to the next.
//!
//! A fingerprint hashes the rule, the services and the operation a finding is about, never a
//! line or column, so an edit elsewhere in a file does not make a known finding look new. A
//! finding about no service (an unreadable file) is told apart by its file, relative to the
//! repository, and its message. Two findings that still share a key get `-2`, `-3`, ... in the
//! order findings are sorted.

use std::collections::BTreeMap;
use std::path::Path;

use crate::diagnostics::Finding;
use crate::load::canonical;
use crate::source::{SourceId, Sources};

/// The text a finding's fingerprint is computed from.
fn key(finding: &Finding, sources: &Sources, root: &Path) -> String {
    let mut key = format!(
        "{}\u{1f}{}\u{1f}{}",
        finding.rule,
        finding.services.join("\u{1e}"),
        finding.operation.as_deref().unwrap_or("")
    );
    if finding.services.is_empty() && finding.operation.is_none() {
        let file = finding
            .span
            .map(|s| relative_path(sources, s.source, root))
            .unwrap_or_default();
        key.push('\u{1f}');
        key.push_str(&file);
        key.push('\u{1f}');
        key.push_str(&finding.message);
    }
    key
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

/// Fingerprints of `findings`, in their order; findings must already be sorted.
pub fn assign(findings: &[Finding], sources: &Sources, root: &Path) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    findings
        .iter()
        .map(|f| {
            let base = format!("{:016x}", fnv1a(&key(f, sources, root)));
            let n = seen.entry(base.clone()).or_insert(0);
            *n += 1;
            if *n == 1 { base } else { format!("{base}-{n}") }
        })
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
    use crate::diagnostics::RuleId;
    use crate::source::Span;

    fn sources() -> Sources {
        let mut s = Sources::default();
        s.add("a.yaml".into(), "a.yaml".into(), "x\ny\nz\n".into());
        s
    }

    #[test]
    fn lines_do_not_matter_but_services_do() {
        let s = sources();
        let at = |offset| {
            Finding::new(RuleId("CA301"), "m")
                .at(Span::new(SourceId(0), offset, 1))
                .services(["a", "b"])
                .operation("POST /x")
        };
        let root = Path::new("/nowhere");
        let first = assign(&[at(0)], &s, root);
        assert_eq!(first, assign(&[at(4)], &s, root));
        assert_eq!(first[0].len(), 16);
        let other = assign(&[at(0).services(["c"])], &s, root);
        assert_ne!(first, other);
    }

    #[test]
    fn repeated_keys_are_numbered() {
        let s = sources();
        let f = Finding::new(RuleId("CA107"), "m").services(["a", "b"]);
        let fps = assign(&[f.clone(), f.clone(), f], &s, Path::new("/"));
        assert!(fps[1].ends_with("-2") && fps[2].ends_with("-3"), "{fps:?}");
        assert!(fps[1].starts_with(&fps[0]));
    }

    #[test]
    fn findings_about_no_service_use_their_file_and_message() {
        let s = sources();
        let f = |m: &str| Finding::new(RuleId("CA001"), m).at(Span::new(SourceId(0), 0, 0));
        let root = Path::new("/nowhere");
        assert_ne!(assign(&[f("a")], &s, root), assign(&[f("b")], &s, root));
    }
}
