//! The JSON Schemas in `schema/` are generated from the Rust types; they must be up to date so
//! editors check manifests against what commaudit really reads.

#![allow(clippy::unwrap_used)]

use crate::common::commaudit;

#[test]
fn committed_schemas_match_the_types() {
    for (kind, file) in [
        ("manifest", "schema/service.schema.json"),
        ("project", "schema/commaudit.schema.json"),
        ("rule", "schema/rule.schema.json"),
    ] {
        let run = commaudit(&["schema", kind]);
        assert_eq!(run.code, 0);
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if std::env::var_os("UPDATE_SCHEMAS").is_some() {
            std::fs::write(&path, &run.stdout).unwrap();
            continue;
        }
        assert!(
            committed == run.stdout,
            "{file} is out of date: run `UPDATE_SCHEMAS=1 cargo test --test schemas` and commit it"
        );
    }
}

#[test]
fn the_schemas_reject_unknown_keys() {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/service.schema.json"),
    )
    .unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"], serde_json::json!(["service"]));
    let call = &schema["$defs"]["Call"]["properties"];
    for key in [
        "to",
        "protocol",
        "operation",
        "needs_response",
        "timeout_ms",
        "retries",
        "rps",
    ] {
        assert!(call.get(key).is_some(), "Call lacks {key}");
    }
}
