use super::*;
use crate::yaml::{reference_documents, reference_node};

/// Checks one text both ways: whenever the fast reader answers, the reference reads the text
/// without error and gives the same tree, positions included. Returns whether it answered.
fn same_as_the_reference(text: &str, what: &str) -> bool {
    let fast = documents(text);
    if let Some(fast) = &fast {
        let reference = reference_documents(text).unwrap_or_else(|e| {
            panic!("{what}: the reference refuses what the fast reader read: {e:?}")
        });
        assert_eq!(fast, &reference, "{what}: documents differ");
    }
    if let Some(fast) = document(text) {
        let reference = reference_node(text)
            .unwrap_or_else(|e| panic!("{what}: the reference refuses a single document: {e:?}"));
        assert_eq!(fast, reference, "{what}: single document differs");
    }
    fast.is_some()
}

#[test]
fn scalars_are_typed_as_the_reference_types_them() {
    let cases = [
        "a: 1\nb: -2\nc: 1.5\nd: -0.25\ne: 0\nf: 123456789012345\n",
        "a: true\nb: True\nc: FALSE\nd: yes\ne: no\nf: on\ng: y\n",
        "a: ~\nb: null\nc: Null\nd: NULL\ne:\nf: ''\ng: \"\"\n",
        "a: 0755\nb: 1.0.0\nc: 127.0.0.1\nd: 10s\ne: 8080:80\nf: 1e3\ng: 0x1F\nh: +1\ni: .inf\nj: -.5\n",
        "a: inf\nb: NaN\nc: Infinity\nd: -\ne: 1_000\nf: 2024-01-01\ng: 99999999999999999999\n",
        "a: |\n  literal\n  text\nb: >\n  folded\n  text\nc: 'single'\nd: \"dou\\tble\"\n",
        "a: /path\nb: $ref\nc: '#/components/x'\nd: http://x:80/y\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        same_as_the_reference(text, &format!("case {i}"));
    }
}

#[test]
fn shapes_and_positions_agree() {
    let cases = [
        "a:\n  b: [1, two, {c: d}]\n  e:\n    - f\n    - g: h\n      i: j\n",
        "{\"openapi\": \"3.1.0\", \"paths\": {\"/a\": {\"get\": {}}}, \"n\": [1, 2.5, null, true]}",
        "200: ok\n404:\n  description: missing\n'x': 1\n\"y\": 2\n",
        "- a\n- - b\n  - c\n- {}\n- []\n",
        "a: 1\n---\n---\nb: 2\n---\n~\n",
        "héllo: wörld\nkey: \"ünïcode ✓\"\n",
        "just a scalar\n",
        "",
        "# only a comment\n",
    ];
    for (i, text) in cases.iter().enumerate() {
        same_as_the_reference(text, &format!("case {i}"));
    }
    assert!(same_as_the_reference(cases[0], "nested"));
}

#[test]
fn what_it_does_not_reproduce_is_left_to_the_reference() {
    for text in [
        "a: &x 1\nb: *x\n",
        "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n",
        "a: !!str 1\n",
        "a: !custom x\n",
        "? [complex]\n: key\n",
        "a: 1\na: 2\n",
        "a: [1, 2\nb: 3\n",
        "a: 1.5e3\n",
        "\"a\\nb\": 1\n",
    ] {
        assert!(documents(text).is_none(), "{text:?}");
        assert!(document(text).is_none(), "{text:?}");
    }
}

#[test]
fn deep_nesting_is_left_to_the_reference() {
    let text = format!(
        "{}1{}",
        "[".repeat(MAX_DEPTH + 1),
        "]".repeat(MAX_DEPTH + 1)
    );
    assert!(documents(&text).is_none());
    // (The reference's recursion needs more stack than a debug test thread has at full depth.)
    let text = format!("{}1{}", "[".repeat(30), "]".repeat(30));
    assert!(same_as_the_reference(&text, "nested lists"));
}

#[test]
fn large_mappings_find_duplicate_keys() {
    let mut text: String = (0..SMALL_MAP * 2).map(|i| format!("k{i}: {i}\n")).collect();
    assert!(same_as_the_reference(&text, "many keys"));
    text.push_str("k3: again\n");
    assert!(documents(&text).is_none());
}

/// Every YAML and JSON file of the repository's fixtures and examples reads the same both
/// ways, and most are read by the fast reader (so this test checks something).
#[test]
fn every_fixture_reads_the_same_both_ways() {
    let texts = crate::yaml::repository_texts(
        &["tests/fixtures", "examples", "rules", "schema"],
        &["yaml", "yml", "json"],
    );
    let all = texts.len();
    let fast = texts
        .iter()
        .filter(|(path, text)| same_as_the_reference(text, &path.display().to_string()))
        .count();
    assert!(all > 300, "only {all} files found");
    assert!(
        fast * 10 > all * 8,
        "the fast reader read only {fast} of {all} files"
    );
}
