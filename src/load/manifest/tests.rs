//! The fast typed reader (`yaml::fast_typed`) against serde-saphyr on every manifest and
//! project file of the fixtures and examples: same values, same positions.

use super::{ProjectFile, ServiceManifest};
use crate::yaml::{fast_typed, reference_typed};

/// Whether the fast reader read `text` as a `T`; when it did, serde-saphyr reads the same.
fn agrees<T: serde::de::DeserializeOwned + std::fmt::Debug>(text: &str, what: &str) -> bool {
    let Some(fast) = fast_typed::<T>(text) else {
        return false;
    };
    let reference = reference_typed::<T>(text).unwrap_or_else(|e| {
        panic!("{what}: the reference refuses what the fast reader read: {e:?}")
    });
    assert_eq!(format!("{fast:?}"), format!("{reference:?}"), "{what}");
    true
}

#[test]
fn every_manifest_reads_the_same_both_ways() {
    let (mut manifests, mut fast) = (0, 0);
    for (path, text) in
        crate::yaml::repository_texts(&["tests/fixtures", "examples"], &["yaml", "yml"])
    {
        let what = path.display().to_string();
        if reference_typed::<ServiceManifest>(&text).is_ok() {
            manifests += 1;
            fast += usize::from(agrees::<ServiceManifest>(&text, &what));
        }
        agrees::<Option<ProjectFile>>(&text, &what);
    }
    assert!(manifests > 40, "only {manifests} manifests found");
    assert!(
        fast * 10 > manifests * 9,
        "the fast reader read {fast} of {manifests} manifests"
    );
}

#[test]
fn values_the_fast_reader_does_not_serve_go_to_the_reference() {
    // A number where text is expected, an unknown key, a missing required key, null where a
    // list is expected: serde-saphyr's answer (a value or an error) is the one given.
    for text in [
        "service: 8080\n",
        "service: a\ntimeout: 1\n",
        "owner: x\n",
        "service: a\ncalls:\n",
        "service: a\nkind: gatewy\n",
    ] {
        assert!(fast_typed::<ServiceManifest>(text).is_none(), "{text}");
    }
    let manifest: ServiceManifest = crate::yaml::parse_typed("service: 8080\n").unwrap();
    assert_eq!(manifest.service.value, "8080");
}

#[test]
fn located_fields_keep_their_positions() {
    let text = "service: orders\ncalls:\n  - { to: payments, protocol: grpc, timeout_ms: 100 }\n";
    let manifest = fast_typed::<ServiceManifest>(text).unwrap();
    let at = |offset: u32| &text[offset as usize..];
    assert!(at(manifest.service.pos.offset).starts_with("orders"));
    let call = &manifest.calls[0];
    assert!(at(call.pos.offset).starts_with("{ to"));
    assert!(at(call.value.to.pos.offset).starts_with("payments"));
}
