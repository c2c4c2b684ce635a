//! Observed traffic against the declarations: `--observed`, discovery, and the drift rules on
//! the reference platform with the traffic shipped for it (written by the OpenTelemetry SDK, see
//! examples/order-platform/traffic/generate.py).

#![allow(clippy::unwrap_used)]

use crate::common::{commaudit, copy_of};

const BEFORE: &str = "examples/order-platform/before";
const TRAFFIC: &str = "examples/order-platform/traffic/before.otlp.json";

fn findings(args: &[&str]) -> (i32, Vec<serde_json::Value>) {
    let mut all = vec!["scan", "--format", "json"];
    all.extend_from_slice(args);
    let run = commaudit(&all);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stderr);
    (run.code, doc["findings"].as_array().unwrap().clone())
}

fn of<'a>(findings: &'a [serde_json::Value], rule: &str) -> Vec<&'a serde_json::Value> {
    findings.iter().filter(|f| f["rule"] == rule).collect()
}

#[test]
fn one_undeclared_pair_is_a_drift_finding_naming_both_services() {
    let (_, found) = findings(&[
        BEFORE,
        "--observed",
        "tests/fixtures/observed/storefront-pricing.otlp.json",
    ]);
    let undeclared = of(&found, "CA501");
    assert_eq!(undeclared.len(), 1, "{undeclared:?}");
    assert_eq!(
        undeclared[0]["services"],
        serde_json::json!(["storefront", "pricing"])
    );
    assert_eq!(undeclared[0]["provenance"]["origin"], "observed");
    assert_eq!(
        undeclared[0]["related"][0]["file"],
        "tests/fixtures/observed/storefront-pricing.otlp.json"
    );
}

#[test]
fn the_shipped_traffic_shows_the_planted_drift_and_keeps_every_seeded_finding() {
    let (code, plain) = findings(&[BEFORE]);
    let (observed_code, found) = findings(&[BEFORE, "--observed", TRAFFIC]);
    assert_eq!((code, observed_code), (1, 1));
    let summary = |rule: &str| -> Vec<String> {
        of(&found, rule)
            .iter()
            .map(|f| f["message"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(
        summary("CA501")
            .iter()
            .any(|m| m.starts_with("`storefront` calls `pricing`")),
        "{:?}",
        summary("CA501")
    );
    assert!(
        summary("CA502").iter().any(|m| m.starts_with(
            "`checkout` declares a call to `invoicing` that never happened in 24.6 s of traces"
        )),
        "{:?}",
        summary("CA502")
    );
    assert_eq!(summary("CA502").len(), 1, "{:?}", summary("CA502"));
    assert!(
        summary("CA503")[0]
            .starts_with("`checkout` declares its call to `notifications` a side effect")
    );
    assert!(summary("CA504")[0].starts_with(
        "`payments` declares its call to `orders` as http, but the observed traffic is grpc"
    ));
    assert!(summary("CA505")[0].starts_with("`pricing` gives `inventory` 200 ms"));
    // The rates come from the traffic, and the findings say so.
    assert!(
        summary("CA302")
            .iter()
            .any(|m| m.starts_with("`storefront` calls `inventory`")
                && m.contains("at an observed 2.6 rps")),
        "{:?}",
        summary("CA302")
    );
    assert!(
        summary("CA106")
            .iter()
            .any(|m| m.contains("; at the observed 0.65 rps into `checkout`")),
        "{:?}",
        summary("CA106")
    );
    // A quiet sample of traffic does not hide a declared peak: capacity is judged at the larger.
    assert!(
        summary("CA407").iter().any(|m| m.starts_with(
            "`inventory` receives 1700 rps from 5 callers at their declared peak, and 3600 rps when they retry"
        )),
        "{:?}",
        summary("CA407")
    );
    // Every finding of the declarations alone is still there.
    for f in &plain {
        let rule = f["rule"].as_str().unwrap();
        assert!(
            found
                .iter()
                .any(|g| g["rule"] == rule && g["fingerprint"] == f["fingerprint"]),
            "{rule} {} is gone with the traffic",
            f["message"]
        );
    }
}

#[test]
fn traffic_below_the_scanned_folder_is_found_by_its_content() {
    let dir = copy_of(BEFORE);
    std::fs::copy(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(TRAFFIC),
        dir.path().join("traces.json"),
    )
    .unwrap();
    let run = crate::common::commaudit_in(dir.path(), &["scan", "--format", "concise"]);
    assert!(run.stdout.contains("CA501"), "{}", run.stdout);
}

#[test]
fn an_observed_file_that_is_not_traffic_is_reported_not_skipped() {
    let (_, found) = findings(&[BEFORE, "--observed", "Cargo.toml"]);
    let bad = of(&found, "CA001");
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0]["file"], "Cargo.toml");
    let run = commaudit(&["scan", BEFORE, "--observed", "no-such-file.json"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
}

#[test]
fn hostile_traces_are_findings_with_lines_not_panics() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "cut.json",
            "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{\"traceId\"",
        ),
        ("shape.json", "{\"resourceSpans\": {\"a\": 1}}"),
        (
            "deep.json",
            &format!(
                "{{\"resourceSpans\": {}1{}}}",
                "[".repeat(5000),
                "]".repeat(5000)
            ),
        ),
        ("zipkin.json", "[{\"traceId\": 1, \"localEndpoint\": 7}]"),
        (
            "jaeger.json",
            "{\"data\": [{\"traceID\": \"t\", \"spans\": 3, \"processes\": []}]}",
        ),
        ("m.prom", "istio_requests_total{source_workload=\"a\n"),
    ];
    for (name, text) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let run = commaudit(&[
            "scan",
            BEFORE,
            "--format",
            "concise",
            "--observed",
            path.to_str().unwrap(),
        ]);
        assert_eq!(run.code, 1, "{name}: {}", run.stderr);
        assert!(
            run.stdout
                .lines()
                .any(|l| l.contains(name) && l.contains("CA001")),
            "{name}: {}",
            run.stdout
        );
    }
}

#[test]
fn the_graph_marks_each_call_declared_observed_or_both() {
    let run = commaudit(&["graph", BEFORE, "--format", "json", "--observed", TRAFFIC]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let edge = |from: &str, to: &str| {
        doc["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["from"] == from && e["to"] == to && e["kind"] == "call")
            .cloned()
            .unwrap()
    };
    let undeclared = edge("storefront", "pricing");
    assert_eq!(
        (&undeclared["presence"], &undeclared["origin"]),
        (&"observed".into(), &"observed".into())
    );
    assert_eq!(undeclared["observed"]["calls"], 64);
    assert_eq!(edge("checkout", "invoicing")["presence"], "declared");
    let waited = edge("checkout", "notifications");
    assert_eq!(waited["presence"], "both");
    assert_eq!(waited["observed"]["waited"], 16);
    // Without traffic the graph says nothing about it.
    let plain = commaudit(&["graph", BEFORE, "--format", "json"]);
    assert!(!plain.stdout.contains("\"presence\""));
}

#[test]
fn a_real_zipkin_trace_maps_its_names_and_shows_the_undeclared_calls() {
    // tests/fixtures/observed/zipkin-yelp/yelp.json is the Zipkin project's test data (SOURCE.md).
    let (_, found) = findings(&["tests/fixtures/observed/zipkin-yelp"]);
    let mut undeclared: Vec<String> = of(&found, "CA501")
        .iter()
        .map(|f| f["services"].to_string())
        .collect();
    undeclared.sort();
    assert_eq!(
        undeclared,
        [r#"["api-proxy","mobile-api"]"#, r#"["mobile-api","blt"]"#]
    );
    assert!(of(&found, "CA001").is_empty(), "{found:?}");
    assert!(of(&found, "CA502").is_empty(), "{found:?}");
}

#[test]
fn service_graph_counters_show_edges_without_inventing_rates() {
    let (_, found) = findings(&[
        BEFORE,
        "--observed",
        "tests/fixtures/observed/service-graph.prom",
    ]);
    let undeclared = of(&found, "CA501");
    assert_eq!(undeclared.len(), 1, "{undeclared:?}");
    assert_eq!(
        undeclared[0]["message"],
        "`storefront` calls `pricing` in the observed traffic (8800 calls, 0.14% errors), but nothing declares that call"
    );
    // checkout is a client in the counters, so its declared calls it never made are reported,
    // over the counters rather than a window.
    let unobserved: Vec<&str> = of(&found, "CA502")
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(unobserved.len(), 5, "{unobserved:?}");
    assert!(
        unobserved
            .iter()
            .all(|m| m.contains("the service-graph counters"))
    );
    // The histogram's buckets give a p99 of at most 500 ms against storefront's 300 ms.
    assert_eq!(
        of(&found, "CA505")[0]["message"],
        "`storefront` gives `inventory` 300 ms, but the observed p99 is 500 ms (at most, from a latency histogram over 9000 calls)"
    );
    // Counters carry no rate: CA302 keeps the declared ones.
    assert!(
        of(&found, "CA302")
            .iter()
            .all(|f| !f["message"].as_str().unwrap().contains("observed"))
    );
}

const PAIR: &str = "tests/fixtures/observed/storefront-pricing.otlp.json";

/// The part of `text` from the line starting with `from` to the next line starting with `to`.
fn section<'a>(text: &'a str, from: &str, to: &str) -> &'a str {
    let start = text.find(from).expect(from);
    let end = text[start + from.len()..]
        .find(to)
        .map_or(text.len(), |e| start + from.len() + e);
    &text[start..end]
}

#[test]
fn graph_formats_draw_observed_only_edges_dotted_and_labelled() {
    let mermaid = commaudit(&["graph", BEFORE, "--format", "mermaid", "--observed", PAIR]);
    assert_eq!(mermaid.code, 0, "{}", mermaid.stderr);
    insta::assert_snapshot!("graph_mermaid_observed_pair", mermaid.stdout);
    let dot = commaudit(&["graph", BEFORE, "--format", "dot", "--observed", PAIR]);
    insta::assert_snapshot!("graph_dot_observed_pair", dot.stdout);
    // Without traffic nothing is drawn as observed.
    for format in ["mermaid", "dot", "svg"] {
        let plain = commaudit(&["graph", BEFORE, "--format", format]);
        assert!(!plain.stdout.contains("observed"), "{format}");
    }
}

#[test]
fn the_svg_draws_observed_only_edges_with_a_label_and_a_legend_line() {
    let run = commaudit(&["graph", BEFORE, "--format", "svg", "--observed", PAIR]);
    let doc = roxmltree::Document::parse(&run.stdout).unwrap();
    let edges: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("g") && n.attribute("class") == Some("edge"))
        .filter(|g| {
            g.descendants()
                .any(|t| t.has_tag_name("title") && t.text().unwrap_or("").contains("observed"))
        })
        .collect();
    assert_eq!(edges.len(), 1);
    let edge = edges[0];
    let title = edge.first_element_child().unwrap().text().unwrap();
    assert!(
        title.starts_with("storefront -> pricing: http, sync, observed only"),
        "{title}"
    );
    assert!(
        edge.descendants()
            .any(|p| p.has_tag_name("path") && p.attribute("stroke-dasharray") == Some("2 3"))
    );
    assert!(
        edge.descendants()
            .any(|t| t.has_tag_name("text") && t.text() == Some("observed"))
    );
    let legend = doc
        .descendants()
        .find(|n| n.attribute("class") == Some("legend"))
        .unwrap();
    assert!(
        legend
            .descendants()
            .any(|t| t.text() == Some("observed in traffic, declared nowhere"))
    );
}

#[test]
fn the_report_shows_observed_only_edges_in_its_picture() {
    let md = commaudit(&[
        "report",
        BEFORE,
        "--format",
        "markdown",
        "--observed",
        TRAFFIC,
    ]);
    insta::assert_snapshot!(
        "report_markdown_graph_with_traffic",
        section(&md.stdout, "## The dependency graph", "\n## ")
    );
    let html = commaudit(&["report", BEFORE, "--format", "html", "--observed", TRAFFIC]);
    assert!(html.stdout.contains(
        "Edges labelled <em>observed</em> were seen in the observed traffic and are declared nowhere (dotted)."
    ));
    assert!(
        html.stdout
            .contains(">observed in traffic, declared nowhere</text>")
    );
    let json = commaudit(&["report", BEFORE, "--format", "json", "--observed", TRAFFIC]);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let observed: Vec<_> = doc["graph"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["observed"] == true)
        .collect();
    assert_eq!(observed.len(), 1, "{observed:?}");
    // Without traffic the report draws no such edge and says nothing about it.
    let plain = commaudit(&["report", BEFORE, "--format", "markdown"]);
    assert!(!plain.stdout.contains("labelled `observed`"));
}

#[test]
fn messages_are_judged_and_drawn_like_calls() {
    let fixtures = "tests/fixtures/rules";
    // Declared on both sides but never seen: the graph says which edges the traffic showed.
    let run = commaudit(&[
        "graph",
        &format!("{fixtures}/CA502/fires-declared-topic-never-seen"),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let presence: Vec<String> = doc["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} -> {} {}: {}",
                e["from"], e["to"], e["kind"], e["presence"]
            )
        })
        .collect();
    assert_eq!(
        presence,
        [
            r#""orders" -> "orders.cancelled" "publish": "declared""#,
            r#""orders" -> "orders.placed" "publish": "both""#,
            r#""orders.cancelled" -> "billing" "subscribe": "declared""#,
            r#""orders.placed" -> "billing" "subscribe": "both""#,
        ]
    );
    // Seen and declared nowhere: CA501 for each side, and the picture draws the message
    // straight from publisher to consumer, as no channel of that name is declared.
    let (_, found) = findings(&[&format!("{fixtures}/CA501/fires-message-nobody-declared")]);
    assert_eq!(of(&found, "CA501").len(), 2, "{found:?}");
    assert!(
        of(&found, "CA501")
            .iter()
            .all(|f| f["provenance"]["origin"] == "observed")
    );
    let mermaid = commaudit(&[
        "graph",
        &format!("{fixtures}/CA501/fires-message-nobody-declared"),
        "--format",
        "mermaid",
    ]);
    assert!(
        mermaid.stdout.contains("n1 -.->|\"observed: nats\"| n0"),
        "{}",
        mermaid.stdout
    );
}

#[test]
fn a_jaeger_export_is_read_through_scan() {
    let file = "tests/fixtures/observed/jaeger/storefront.jaeger.json";
    let (_, found) = findings(&[BEFORE, "--observed", file]);
    assert!(of(&found, "CA001").is_empty(), "{found:?}");
    let undeclared = of(&found, "CA501");
    assert_eq!(undeclared.len(), 1, "{undeclared:?}");
    assert_eq!(
        undeclared[0]["services"],
        serde_json::json!(["storefront", "pricing"])
    );
    assert_eq!(undeclared[0]["related"][0]["file"], file);
    let slow = of(&found, "CA505");
    assert_eq!(slow.len(), 1, "{slow:?}");
    assert!(
        slow[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`storefront` gives `inventory` 300 ms, but the observed p99 is 480 ms"),
        "{slow:?}"
    );
}

/// A system too big to draw service by service is drawn one box per owning team; a call only
/// the traffic shows still appears between the teams' boxes, dotted and labelled `observed`.
#[test]
fn the_picture_grouped_by_team_keeps_observed_only_calls() {
    let dir = tempfile::tempdir().unwrap();
    let mut yaml = String::from("services:\n");
    yaml.push_str("  - { service: storefront, owner: web }\n");
    yaml.push_str("  - { service: pricing, owner: catalog }\n");
    // Sixty services of three teams, each calling the next without a timeout (CA402 names
    // every one, so none is left out of the picture, which must then group them).
    for i in 0..60 {
        let owner = ["orders", "billing", "shipping"][i % 3];
        let calls = if i + 1 < 60 {
            format!(", calls: [{{ to: svc-{:02}, protocol: grpc }}]", i + 1)
        } else {
            String::new()
        };
        yaml.push_str(&format!(
            "  - {{ service: svc-{i:02}, owner: {owner}{calls} }}\n"
        ));
    }
    std::fs::write(dir.path().join("commaudit.yaml"), yaml).unwrap();
    let path = dir.path().to_str().unwrap();
    let traffic = "tests/fixtures/observed/storefront-pricing.otlp.json";
    let md = commaudit(&[
        "report",
        path,
        "--format",
        "markdown",
        "--observed",
        traffic,
    ]);
    let graph = section(&md.stdout, "## The dependency graph", "\n## ");
    assert!(graph.contains("grouped into"), "not grouped:\n{graph}");
    let node = |team: &str| {
        graph
            .lines()
            .find(|l| l.contains(&format!("\"{team}")) && l.trim_start().starts_with('n'))
            .and_then(|l| l.trim_start().split(['[', '(', '{']).next())
            .map(str::to_owned)
            .unwrap_or_else(|| panic!("no box for {team}:\n{graph}"))
    };
    let (web, catalog) = (node("web"), node("catalog"));
    let edge = format!("{web} -.->|\"observed: http\"| {catalog}");
    assert!(graph.contains(&edge), "no `{edge}` in:\n{graph}");
}
