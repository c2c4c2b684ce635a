//! `--format sarif`: SARIF 2.1.0 as GitHub code scanning reads it. The driver lists every rule
//! from the catalogue (so alerts link to their documentation); each result has a
//! repository-relative location with a full region and a line-independent fingerprint.

use serde_json::{Value, json};

use crate::gate::Gated;

use super::Style;
use crate::diagnostics::catalog::{self, RuleMeta};
use crate::diagnostics::{Finding, Severity};
use crate::source::Span;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of our fingerprints in `partialFingerprints`; bumped if their recipe ever changes.
pub const FINGERPRINT_KEY: &str = "commaudit/v2";

pub fn render(gated: &Gated, _: &Style) -> String {
    let rules: Vec<Value> = catalog::all().iter().map(|r| rule(r, gated)).collect();
    let results: Vec<Value> = gated
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| result(f, gated.fingerprints.get(i), gated))
        .collect();
    let mut properties = json!({
        "suppressed": gated.suppressed,
        "baselineSkipped": gated.baselined,
    });
    if let Some(diff) = &gated.diff {
        properties["diffBase"] = json!(diff.base);
        properties["unchangedSinceBase"] = json!(diff.unchanged);
    }
    let mut driver = json!({
        "name": "commaudit",
        "fullName": "commaudit: an audit of how microservices talk to each other",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    let repository = catalog::repository();
    if !repository.is_empty() {
        driver["informationUri"] = json!(repository);
    }
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver },
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": properties,
        }]
    });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    text.push('\n');
    crate::escape::json(text)
}

pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

fn rule(meta: &'static RuleMeta, gated: &Gated) -> Value {
    let id = crate::diagnostics::RuleId(meta.id.as_str());
    let mut rule = json!({
        "id": meta.id,
        "name": meta.name,
        "shortDescription": { "text": meta.summary },
        "fullDescription": { "text": one_paragraph(&meta.why) },
        "help": {
            "text": format!("{}\n\nHow to fix it: {}", one_paragraph(&meta.why), one_paragraph(&meta.fix)),
            "markdown": help_markdown(meta),
        },
        "defaultConfiguration": {
            "level": level(meta.severity.into()),
            "enabled": gated.audit.config.enabled(id),
        },
        "properties": {
            "tags": [meta.family],
            "precision": "high",
        }
    });
    if let Some(url) = catalog::doc_url(meta) {
        rule["helpUri"] = json!(url);
    }
    rule
}

fn result(f: &Finding, fingerprint: Option<&String>, gated: &Gated) -> Value {
    let index = catalog::all().iter().position(|r| r.id == f.rule.0);
    let text = match &f.help {
        Some(help) => format!("{}\nhelp: {help}", f.message),
        None => f.message.clone(),
    };
    let mut out = json!({
        "ruleId": f.rule.0,
        "level": level(f.severity),
        "message": { "text": text },
    });
    if let Some(i) = index {
        out["ruleIndex"] = json!(i);
    }
    if let Some(span) = f.span {
        out["locations"] = json!([location(span, gated, None)]);
    }
    if !f.related.is_empty() {
        out["relatedLocations"] = Value::Array(
            f.related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let mut loc = location(r.span, gated, Some(&r.message));
                    loc["id"] = json!(i + 1);
                    loc
                })
                .collect(),
        );
    }
    if let Some(fp) = fingerprint {
        out["partialFingerprints"] = json!({ FINGERPRINT_KEY: fp });
    }
    if let Some(p) = &f.provenance {
        out["properties"] = json!({ "provenance": p.out() });
    }
    out
}

fn location(span: Span, gated: &Gated, message: Option<&str>) -> Value {
    let loc = super::ci_location(&gated.audit.sources, span);
    let path = gated.path(span.source);
    let artifact = if path.starts_with('/') {
        json!({ "uri": format!("file://{}", encode_uri(&path)) })
    } else {
        json!({ "uri": encode_uri(&path), "uriBaseId": "%SRCROOT%" })
    };
    let mut out = json!({
        "physicalLocation": {
            "artifactLocation": artifact,
            "region": {
                "startLine": loc.line,
                "startColumn": loc.column,
                "endLine": loc.end_line,
                "endColumn": loc.end_column,
            }
        }
    });
    if let Some(text) = message {
        out["message"] = json!({ "text": text });
    }
    out
}

/// Percent-encodes what a URI reference cannot hold as is (spaces, `%`, `#`, `?`, non-ASCII).
pub fn encode_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The rule's documentation as Markdown, for the alert's help panel.
fn help_markdown(meta: &RuleMeta) -> String {
    let mut md = format!(
        "**{} {}**: {}\n\n### Why it matters\n\n{}\n\n### How to fix it\n\n{}\n",
        meta.id,
        meta.name,
        meta.summary,
        meta.why.trim(),
        meta.fix.trim()
    );
    if !meta.options.is_empty() {
        md.push_str("\n### Options\n\n| option | default | meaning |\n| --- | --- | --- |\n");
        for o in &meta.options {
            md.push_str(&format!(
                "| `{}` | {} | {} |\n",
                o.name, o.default, o.description
            ));
        }
    }
    md.push_str(&format!(
        "\n### Example\n\nTriggers it:\n\n```yaml\n{}\n```\n\nFixed:\n\n```yaml\n{}\n```\n",
        meta.example.bad.trim_end(),
        meta.example.good.trim_end()
    ));
    md
}

/// A wrapped YAML block as one line of text.
fn one_paragraph(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_encoded() {
        assert_eq!(encode_uri("a b/c%d.yaml"), "a%20b/c%25d.yaml");
        assert_eq!(encode_uri("services/orders.yaml"), "services/orders.yaml");
        assert_eq!(encode_uri("é"), "%C3%A9");
    }
}
