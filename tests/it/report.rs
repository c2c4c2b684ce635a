//! End-to-end: `commaudit report` and `commaudit graph` over both reference platforms. The
//! Markdown and JSON reports are pinned in snapshots; the HTML page and the SVG drawings are
//! parsed as XML and checked for what must be there and for anything that would leave the page.

#![allow(clippy::unwrap_used)]

use crate::common::{commaudit, commaudit_in};

const BEFORE: &str = "examples/order-platform/before";
const AFTER: &str = "examples/order-platform/after";

fn json(args: &[&str]) -> serde_json::Value {
    let run = commaudit(args);
    assert_eq!(run.code, 0, "{}", run.transcript());
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.transcript()))
}

/// Parses `text` as XML (the HTML report is written to be well-formed), or fails with the
/// line and column of the first error.
fn parse(text: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(text, options)
        .unwrap_or_else(|e| panic!("not well-formed: {e}"))
}

/// Nothing in the document may make the browser fetch anything.
fn assert_self_contained(doc: &roxmltree::Document) {
    for node in doc.descendants().filter(|n| n.is_element()) {
        let tag = node.tag_name().name();
        assert!(
            !matches!(
                tag,
                "script" | "link" | "img" | "iframe" | "object" | "embed" | "image"
            ),
            "<{tag}> found"
        );
        for attr in node.attributes() {
            let value = attr.value().trim();
            let external = value.starts_with("http:")
                || value.starts_with("https:")
                || value.starts_with("//")
                || value.starts_with("data:");
            if attr.name() == "xmlns" {
                continue;
            }
            assert!(
                !(external || attr.name().starts_with("on")),
                "<{tag} {}=\"{value}\"> would leave the page or run script",
                attr.name()
            );
        }
        if tag == "style" {
            let css = node.text().unwrap_or_default();
            assert!(
                !css.contains("@import") && !css.contains("url("),
                "external CSS"
            );
        }
    }
}

#[test]
fn markdown_report_of_before_says_what_is_wrong_and_what_to_do_first() {
    let run = commaudit(&["report", BEFORE]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let md = &run.stdout;
    for must in [
        "## At a glance",
        "**What is wrong**",
        "**Why it matters**",
        "**What to do first**",
        "```mermaid",
        "## Migration plan",
        "### 1. Break the sync cycles",
        "### 2. Cut the longest sync chains",
        "### 3. Move side effects to queues",
        "### 4. Make internal calls gRPC",
        "### 5. Fix the public edge",
        "## Estimated savings",
        "`json-us-per-kb`",
        "## Recommendations per edge",
    ] {
        assert!(md.contains(must), "missing {must:?}");
    }
    // What to do first removes the most risk per unit of effort: small steps that lift the
    // availability ceiling come before the medium cycle break, which the plan still does first.
    let first = md.split("**What to do first**").nth(1).unwrap();
    assert!(
        first
            .trim_start()
            .starts_with("1. Stop `checkout` waiting for `invoicing`"),
        "{first}"
    );
    let plan = md.split("## Migration plan").nth(1).unwrap();
    assert!(plan.contains("Break the cycle between orders, payments"));
    insta::assert_snapshot!("report_before_markdown", md);
}

#[test]
fn markdown_report_of_after_has_nothing_to_migrate() {
    let run = commaudit(&["report", AFTER]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(
        run.stdout
            .contains("No distributed-monolith problems and no edge to change.")
    );
    assert!(run.stdout.contains("Nothing to change."));
    insta::assert_snapshot!("report_after_markdown", run.stdout);
}

#[test]
fn json_reports_are_complete_and_stable() {
    let before = json(&["report", BEFORE, "--format", "json"]);
    assert_eq!(before["measures"]["headline"]["longest_sync_chain"], 5);
    assert_eq!(before["measures"]["after_plan"]["longest_sync_chain"], 3);
    assert_eq!(before["measures"]["headline"]["sync_cycles"], 1);
    assert_eq!(before["measures"]["after_plan"]["sync_cycles"], 0);
    let kinds: Vec<&str> = before["plan"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "break-cycles",
            "cut-chains",
            "side-effects-to-queues",
            "internal-grpc",
            "public-edge",
            "harden"
        ]
    );
    for phase in before["plan"].as_array().unwrap() {
        for step in phase["steps"].as_array().unwrap() {
            assert!(["small", "medium", "large"].contains(&step["effort"].as_str().unwrap()));
        }
    }
    assert!(before["savings"]["cpu_cores"].as_f64().unwrap() > 0.0);
    assert_eq!(
        before["graph"]["longest_chain"].as_array().unwrap().len(),
        6
    );
    insta::assert_json_snapshot!("report_before_json", before);
    let after = json(&["report", AFTER, "--format", "json"]);
    assert!(after["plan"].as_array().unwrap().is_empty());
    insta::assert_json_snapshot!("report_after_json", after);
    let again = commaudit(&["report", BEFORE, "--format", "json"]).stdout;
    assert_eq!(
        again,
        commaudit(&["report", BEFORE, "--format", "json"]).stdout
    );
}

#[test]
fn html_reports_are_well_formed_self_contained_pages() {
    for (dir, nodes) in [(BEFORE, 26), (AFTER, 30)] {
        let run = commaudit(&["report", dir, "--format", "html"]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        assert!(run.stdout.starts_with("<!DOCTYPE html>"));
        let doc = parse(&run.stdout);
        assert_self_contained(&doc);
        let find = |id: &str| {
            doc.descendants()
                .find(|n| n.attribute("id") == Some(id))
                .unwrap_or_else(|| panic!("no #{id} in {dir}"))
        };
        for id in [
            "glance", "graph", "plan", "savings", "measures", "summary", "findings",
        ] {
            find(id);
        }
        let svg = find("graph")
            .descendants()
            .find(|n| n.tag_name().name() == "svg")
            .expect("an inline svg");
        let drawn = svg
            .descendants()
            .filter(|n| n.attribute("class") == Some("node"))
            .count();
        assert_eq!(drawn, nodes, "{dir}");
        assert!(
            doc.descendants()
                .filter(|n| n.tag_name().name() == "table")
                .count()
                >= 5
        );
        let css = doc
            .descendants()
            .find(|n| n.tag_name().name() == "style")
            .and_then(|n| n.text())
            .unwrap();
        assert!(css.contains("@media print"), "print styles");
    }
}

#[test]
fn svg_graphs_are_well_formed_and_escaped() {
    for dir in [BEFORE, AFTER] {
        let run = commaudit(&["graph", dir, "--format", "svg"]);
        assert_eq!(run.code, 0, "{}", run.transcript());
        let doc = parse(&run.stdout);
        assert_self_contained(&doc);
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "svg");
        assert_eq!(
            root.tag_name().namespace(),
            Some("http://www.w3.org/2000/svg")
        );
        let edges = doc
            .descendants()
            .filter(|n| n.attribute("class") == Some("edge"))
            .count();
        assert!(edges > 20, "{dir}: {edges} edges");
    }
    // The longest chain and the cycle of before/ are highlighted, and async edges are dashed.
    let svg = commaudit(&["graph", BEFORE, "--format", "svg"]).stdout;
    assert!(svg.contains("on the longest sync chain"));
    assert!(svg.contains("in a sync cycle"));
    assert!(svg.contains("stroke-dasharray=\"6 4\""));
}

#[test]
fn names_that_look_like_markup_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("commaudit.yaml"),
        "version: 1\nname: \"<script>alert('x')</script> & co\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("a.yaml"),
        "service: a\nkind: gateway\ncalls:\n  - { to: b, protocol: grpc, needs_response: true, timeout_ms: 100 }\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b.yaml"),
        "service: b\nowner: \"<team & \\\"b\\\">\"\n",
    )
    .unwrap();
    let html = commaudit_in(dir.path(), &["report", ".", "--format", "html"]);
    assert_eq!(html.code, 0, "{}", html.transcript());
    let doc = parse(&html.stdout);
    assert_self_contained(&doc);
    assert!(
        html.stdout
            .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co")
    );
    let svg = commaudit_in(dir.path(), &["graph", ".", "--format", "svg"]);
    parse(&svg.stdout);
    assert!(svg.stdout.contains("&lt;team &amp; &quot;b&quot;&gt;"));
}

#[test]
fn output_files_are_written_whole_and_bad_folders_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.html");
    let path_text = path.to_str().unwrap();
    let run = commaudit(&["report", BEFORE, "--format", "html", "--output", path_text]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    assert!(run.stdout.is_empty());
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        written,
        commaudit(&["report", BEFORE, "--format", "html"]).stdout
    );
    let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().collect();
    assert_eq!(names.len(), 1, "no temporary file is left behind");
    let missing = dir.path().join("no/such/folder/report.md");
    let run = commaudit(&["report", BEFORE, "-o", missing.to_str().unwrap()]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
}

#[test]
fn a_big_system_keeps_a_readable_picture_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("commaudit.yaml"), "version: 1\nname: big\n").unwrap();
    // One gateway over 6 teams of 12 services, each calling the next one and a shared leaf.
    let mut gateway = String::from("service: edge\nkind: gateway\ncalls:\n");
    for t in 0..6 {
        gateway.push_str(&format!(
            "  - {{ to: t{t}s0, protocol: grpc, needs_response: true, timeout_ms: 100 }}\n"
        ));
        for s in 0..12 {
            let next = if s < 11 {
                format!(
                    "calls:\n  - {{ to: t{t}s{}, protocol: grpc, needs_response: true, timeout_ms: 100 }}\n",
                    s + 1
                )
            } else {
                String::new()
            };
            std::fs::write(
                dir.path().join(format!("t{t}s{s}.yaml")),
                format!("service: t{t}s{s}\nowner: team-{t}\n{next}"),
            )
            .unwrap();
        }
    }
    std::fs::write(dir.path().join("edge.yaml"), gateway).unwrap();
    let run = commaudit_in(dir.path(), &["report", ".", "--format", "json"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let nodes = doc["graph"]["nodes"].as_array().unwrap().len();
    assert!(nodes <= 40, "{nodes} nodes drawn");
    let left_out = doc["graph"]["left_out"].as_array().unwrap();
    assert!(!left_out.is_empty(), "the report says what it left out");
    let html = commaudit_in(dir.path(), &["report", ".", "--format", "html"]);
    let page = parse(&html.stdout);
    assert_self_contained(&page);
    assert!(html.stdout.contains("Not drawn:"));
}

#[test]
fn graph_focus_keeps_what_a_service_reaches_and_what_reaches_it() {
    let doc = json(&["graph", BEFORE, "--focus", "inventory", "--depth", "1"]);
    let mut names: Vec<&str> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["name"].as_str().unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "checkout",
            "inventory",
            "inventory-db",
            "mobile-api",
            "partner-api",
            "pricing",
            "storefront"
        ]
    );
    let wide = json(&["graph", BEFORE, "--focus", "orders"]);
    let has = |name: &str| {
        wide["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["name"] == name)
    };
    assert!(has("web-browser") && has("analytics") && has("orders.completed") && has("nats"));
    insta::assert_snapshot!(
        "graph_focus_inventory_mermaid",
        commaudit(&[
            "graph",
            BEFORE,
            "--focus",
            "inventory",
            "--depth",
            "1",
            "--format",
            "mermaid"
        ])
        .stdout
    );
    let svg = commaudit(&[
        "graph", AFTER, "--focus", "orders", "--depth", "1", "--format", "svg",
    ]);
    parse(&svg.stdout);
    let dot = commaudit(&[
        "graph",
        AFTER,
        "--focus",
        "orders.completed",
        "--format",
        "dot",
    ]);
    assert!(
        dot.stdout.contains("cluster_"),
        "channels stay inside their broker"
    );
}

#[test]
fn graph_focus_on_an_unknown_name_suggests_one() {
    let run = commaudit(&["graph", BEFORE, "--focus", "inventry"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("did you mean `inventory`?"),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty());
    let run = commaudit(&["graph", BEFORE, "--depth", "2"]);
    assert_eq!(run.code, 2, "--depth needs --focus");
}

/// A system whose calls live in code: the report states what it could not see before any
/// verdict, withholds the verdict, and names itself after its folder, not `.`.
#[test]
fn report_of_a_system_without_visible_calls_withholds_its_verdict() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rules/CA007/fires-services-without-calls");
    let run = commaudit_in(&dir, &["report", "."]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let md = &run.stdout;
    assert!(
        md.starts_with("# Migration report: fires-services-without-calls\n"),
        "{md}"
    );
    let glance = md.split("## The dependency graph").next().unwrap();
    insta::assert_snapshot!("report_without_visible_calls_glance", glance);
    let assumed = md
        .split("## Assumptions and unknowns")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .unwrap();
    insta::assert_snapshot!("report_without_visible_calls_assumptions", assumed);
}

/// "What to do first" says which steps rest on something nobody declared: an edge inferred
/// from configuration (here an address in an environment variable, one of them inherited from
/// an env_file two services share).
#[test]
fn what_to_do_first_marks_steps_based_on_an_assumption() {
    let run = commaudit(&["report", "tests/fixtures/imports/shared-env"]);
    assert_eq!(run.code, 0, "{}", run.transcript());
    let first = run
        .stdout
        .split("**What to do first**")
        .nth(1)
        .and_then(|rest| rest.split("\n\n|").next())
        .unwrap()
        .trim()
        .to_owned();
    assert!(first.contains("Based on an assumption: "), "{first}");
    insta::assert_snapshot!("what_to_do_first_with_assumptions", first);
}
