//! Bad input gets a clear, located error and the documented exit code; nothing panics or hangs.
#![allow(clippy::unwrap_used)]

use crate::common::{commaudit, commaudit_in};

/// Scans one fixture of `tests/fixtures/bad-input` in the two text formats.
fn scan_fixture(name: &str) -> String {
    let path = format!("tests/fixtures/bad-input/{name}");
    let concise = commaudit(&["scan", &path, "--format", "concise"]);
    let human = commaudit(&["scan", &path]);
    assert_ne!(concise.code, 101, "panic on {name}: {}", concise.stderr);
    assert_eq!(concise.code, human.code);
    format!("{}\n=== human\n{}", concise.transcript(), human.stdout)
}

macro_rules! bad_input {
    ($($test:ident => $fixture:literal, $code:literal;)*) => {$(
        #[test]
        fn $test() {
            let out = scan_fixture($fixture);
            assert!(out.starts_with(concat!("exit code: ", $code)), "{out}");
            insta::assert_snapshot!(out);
        }
    )*};
}

bad_input! {
    yaml_syntax_error => "yaml-syntax", 1;
    wrong_type => "wrong-type", 1;
    unknown_key_suggests_the_right_one => "unknown-key", 1;
    proto_syntax_error => "proto-syntax", 1;
    missing_proto_import => "missing-import", 1;
    openapi_that_is_not_a_mapping => "openapi-not-mapping", 1;
    non_utf8_bytes => "non-utf8", 1;
    alias_bomb => "alias-bomb", 1;
    binary_data => "binary-data", 1;
    deep_nesting => "deep-nesting", 1;
    empty_project_file => "empty-manifest", 1;
    duplicate_service => "duplicate-service", 1;
    folder_with_no_inputs => "no-inputs", 2;
}

#[test]
fn a_path_that_does_not_exist_is_a_usage_error() {
    let run = commaudit(&["scan", "tests/fixtures/does-not-exist"]);
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    insta::assert_snapshot!(run.transcript());
}

#[test]
fn a_file_of_several_megabytes_is_reported_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("openapi: 3.1.0\ninfo: {title: huge, version: '1'}\npaths:\n");
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(&format!(
            "  /r{}:\n    get: {{operationId: op{}}}\n",
            text.len(),
            text.len()
        ));
    }
    std::fs::write(dir.path().join("huge.yaml"), text).unwrap();
    let run = commaudit_in(dir.path(), &["scan", ".", "--format", "concise"]);
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains(
            "huge.yaml:1:1: CA001 [error] the file is 20.0 MiB, larger than the 16.0 MiB limit"
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn a_large_but_valid_spec_is_read_in_full() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("openapi: 3.1.0\ninfo: {title: big, version: '1'}\npaths:\n");
    let mut n = 0;
    while text.len() < 3 * 1024 * 1024 {
        text.push_str(&format!(
            "  /resources{n}/{{id}}:\n    get:\n      operationId: getResource{n}\n      summary: Read resource {n}\n      responses:\n        '200': {{description: the resource}}\n"
        ));
        n += 1;
    }
    std::fs::write(dir.path().join("big.yaml"), text).unwrap();
    let run = commaudit_in(dir.path(), &["scan", ".", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["summary"]["files"], 1);
    assert_eq!(doc["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn the_file_size_limit_can_be_raised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.yaml"), "service: small\n").unwrap();
    let low = commaudit_in(
        dir.path(),
        &["scan", ".", "--max-file-size", "4", "--format", "concise"],
    );
    assert_eq!(low.code, 1);
    assert!(
        low.stdout.contains("larger than the 4 bytes limit"),
        "{}",
        low.stdout
    );
    let high = commaudit_in(dir.path(), &["scan", ".", "--max-file-size", "1000"]);
    assert_eq!(high.code, 0, "{}", high.transcript());
}

#[test]
fn unknown_flags_are_usage_errors() {
    let run = commaudit(&["scan", "--formt", "json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--format"), "{}", run.stderr);
}

/// `outbox:` takes `true`, `false` or a declared datastore: anything else is a located CA001,
/// an unknown datastore a CA002 with the closest declared name.
#[test]
fn a_bad_outbox_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let project = "version: 1\nbrokers: [{ name: bus, kind: nats }]\ndatastores: [{ name: orders-db, kind: postgres }]\n";
    std::fs::write(dir.path().join("commaudit.yaml"), project).unwrap();
    let manifest = |outbox: &str| {
        let text = format!(
            "service: orders\npublishes:\n  - subject: orders.placed\n    outbox: {outbox}\n"
        );
        std::fs::write(dir.path().join("orders.yaml"), text).unwrap();
        commaudit_in(dir.path(), &["scan", ".", "--format", "concise"])
    };
    let run = manifest("3");
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout.contains("orders.yaml:4:5: CA001 [error] invalid service manifest: `outbox`: expected true, false, or the name of the datastore that holds the outbox, found integer `3`"),
        "{}",
        run.transcript()
    );
    let run = manifest("order-db");
    assert_eq!(run.code, 1, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("orders.yaml:4:13: CA002 [error] `orders` uses unknown datastore `order-db`"),
        "{}",
        run.transcript()
    );
    let human = commaudit_in(dir.path(), &["scan", "."]);
    assert!(
        human.stdout.contains("did you mean `orders-db`?"),
        "{}",
        human.stdout
    );
    let run = manifest("orders-db");
    assert!(!run.stdout.contains("[error]"), "{}", run.transcript());
}
