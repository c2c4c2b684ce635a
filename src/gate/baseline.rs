//! The baseline: findings known when commaudit was adopted, so CI fails only on new ones.
//!
//! `.commaudit-baseline.json` lists one entry per finding, keyed by its fingerprint (rule,
//! services, operation: never a line), with the rule and message for the humans reviewing it.
//! Entries are sorted, so regenerating the file gives a small diff. Entries that match no
//! finding any more are CA903 findings until `commaudit baseline --prune` removes them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::diagnostics::catalog::STALE_BASELINE_ENTRY;
use crate::diagnostics::{Finding, Item};
use crate::source::{SourceId, Span};
use crate::yaml::{self, Node, Value};

/// The file name `scan` looks for and `baseline` writes.
pub const FILE_NAME: &str = ".commaudit-baseline.json";

/// Version of the file's shape and of its fingerprints' recipe: 2 since fingerprints come
/// from findings' typed subjects.
pub const VERSION: i64 = 2;

/// One known finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub fingerprint: String,
    pub rule: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    pub message: String,
    /// Where the entry is written, when read from a file.
    #[serde(skip)]
    pub span: Option<Span>,
}

/// A set of known findings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Baseline {
    /// Sorted by rule, services, operation and fingerprint.
    pub entries: Vec<Entry>,
    /// The file it was read from.
    pub source: Option<SourceId>,
}

/// A baseline file that cannot be used: the run stops with exit code 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineError {
    pub message: String,
    pub span: Span,
}

/// What applying a baseline left.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Finding>,
    pub fingerprints: Vec<String>,
    pub skipped: usize,
    /// CA903 findings, one per entry that matched nothing.
    pub stale: Vec<Finding>,
}

#[derive(Serialize)]
struct FileOut<'a> {
    version: i64,
    note: &'static str,
    entries: &'a [Entry],
}

impl Baseline {
    /// A baseline of `findings`, whose fingerprints are `fingerprints`.
    pub fn of(findings: &[Finding], fingerprints: &[String]) -> Baseline {
        let mut entries: Vec<Entry> = findings
            .iter()
            .zip(fingerprints)
            .map(|(f, fp)| Entry {
                fingerprint: fp.clone(),
                rule: f.rule.0.to_owned(),
                services: f.services.clone(),
                operation: f.operation.clone(),
                message: f.message.clone(),
                span: None,
            })
            .collect();
        sort(&mut entries);
        Baseline {
            entries,
            source: None,
        }
    }

    /// The file's text: pretty JSON, sorted, ending with a newline.
    pub fn render(&self) -> String {
        let out = FileOut {
            version: VERSION,
            note: "known findings, written by `commaudit baseline`; `commaudit scan` skips them and reports entries that no longer match (CA903)",
            entries: &self.entries,
        };
        let mut text = serde_json::to_string_pretty(&out).unwrap_or_default();
        text.push('\n');
        crate::escape::json(text)
    }

    /// Reads a baseline file's text, keeping each entry's position for CA903.
    pub fn parse(text: &str, source: SourceId) -> Result<Baseline, BaselineError> {
        let fail = |pos: crate::yaml::Pos, message: String| BaselineError {
            message,
            span: pos.span(source),
        };
        let root = yaml::parse_node(text).map_err(|e| BaselineError {
            message: format!("the baseline is not valid JSON: {}", e.message),
            span: Span::new(source, e.pos.map_or(0, |p| p.offset), 0),
        })?;
        if !root.is_map() {
            return Err(fail(root.pos, "the baseline must be a JSON object".into()));
        }
        match root.get("version").and_then(Node::as_i64) {
            Some(VERSION) => {}
            Some(1) => {
                return Err(fail(
                    root.get("version").map_or(root.pos, |n| n.pos),
                    "the baseline has `\"version\": 1`: its fingerprints were computed by an \
                     earlier commaudit and match nothing now"
                        .into(),
                ));
            }
            _ => {
                return Err(fail(
                    root.get("version").map_or(root.pos, |n| n.pos),
                    format!("the baseline must have `\"version\": {VERSION}`"),
                ));
            }
        }
        let Some(Value::Seq(items)) = root.get("entries").map(|n| &n.value) else {
            return Err(fail(
                root.pos,
                "the baseline must have an `entries` list".into(),
            ));
        };
        let mut entries = Vec::new();
        for item in items {
            let text_of = |key: &str| item.get(key).and_then(Node::as_str).map(str::to_owned);
            let (Some(fingerprint), Some(rule)) = (text_of("fingerprint"), text_of("rule")) else {
                return Err(fail(
                    item.pos,
                    "each baseline entry needs `fingerprint` and `rule`".into(),
                ));
            };
            entries.push(Entry {
                fingerprint,
                rule,
                services: item
                    .get("services")
                    .map(|n| {
                        n.items()
                            .iter()
                            .filter_map(|s| s.as_str().map(str::to_owned))
                            .collect()
                    })
                    .unwrap_or_default(),
                operation: text_of("operation"),
                message: text_of("message").unwrap_or_default(),
                span: Some(
                    item.entries()
                        .first()
                        .map_or(item.pos, |(k, _)| k.pos)
                        .span(source),
                ),
            });
        }
        sort(&mut entries);
        Ok(Baseline {
            entries,
            source: Some(source),
        })
    }

    /// Skips the findings the baseline lists, and reports the entries nothing matched among
    /// those of rules that ran (`runs`): an entry of a rule left out of this scan is not stale.
    pub fn apply(
        &self,
        findings: Vec<Finding>,
        fingerprints: Vec<String>,
        runs: &dyn Fn(&str) -> bool,
    ) -> Applied {
        let mut matched: BTreeMap<&str, bool> = self
            .entries
            .iter()
            .map(|e| (e.fingerprint.as_str(), false))
            .collect();
        let mut applied = Applied::default();
        for (finding, fp) in findings.into_iter().zip(fingerprints) {
            if let Some(seen) = matched.get_mut(fp.as_str()) {
                *seen = true;
                applied.skipped += 1;
            } else {
                applied.kept.push(finding);
                applied.fingerprints.push(fp);
            }
        }
        for entry in &self.entries {
            if matched.get(entry.fingerprint.as_str()) == Some(&false) && runs(&entry.rule) {
                applied.stale.push(stale(entry));
            }
        }
        applied
    }

    /// The entries that still match one of `fingerprints`, and those of rules that did not run
    /// (`runs`); never adds any.
    pub fn pruned(&self, fingerprints: &[String], runs: &dyn Fn(&str) -> bool) -> Baseline {
        let current: std::collections::BTreeSet<&str> =
            fingerprints.iter().map(String::as_str).collect();
        Baseline {
            entries: self
                .entries
                .iter()
                .filter(|e| current.contains(e.fingerprint.as_str()) || !runs(&e.rule))
                .cloned()
                .collect(),
            source: self.source,
        }
    }
}

fn stale(entry: &Entry) -> Finding {
    let mut finding = Finding::new(
        STALE_BASELINE_ENTRY,
        format!(
            "baseline entry for {} matches no finding: {}",
            entry.rule, entry.message
        ),
    )
    .services(entry.services.iter().cloned())
    .label("fixed, or changed")
    .help("run `commaudit baseline --prune` and commit the file, so the entry cannot hide the problem if it comes back");
    if let Some(op) = &entry.operation {
        finding = finding.operation(op.clone());
    }
    if let Some(span) = entry.span {
        finding = finding.at(span).about(Item::File(span.source));
    }
    finding.about(Item::Key(format!("baseline entry {}", entry.fingerprint)))
}

fn sort(entries: &mut [Entry]) {
    entries.sort_by(|a, b| {
        (&a.rule, &a.services, &a.operation, &a.fingerprint).cmp(&(
            &b.rule,
            &b.services,
            &b.operation,
            &b.fingerprint,
        ))
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::RuleId;

    fn findings() -> (Vec<Finding>, Vec<String>) {
        (
            vec![
                Finding::new(RuleId("CA301"), "b").services(["x", "y"]),
                Finding::new(RuleId("CA101"), "a").services(["x"]),
            ],
            vec!["f2".into(), "f1".into()],
        )
    }

    #[test]
    fn round_trips_sorted() {
        let (f, fps) = findings();
        let baseline = Baseline::of(&f, &fps);
        assert_eq!(baseline.entries[0].rule, "CA101");
        let text = baseline.render();
        let back = Baseline::parse(&text, SourceId(0)).unwrap();
        assert_eq!(back.entries.len(), 2);
        assert_eq!(back.entries[1].services, ["x", "y"]);
        assert_eq!(back.render(), text);
    }

    #[test]
    fn known_findings_are_skipped_and_fixed_ones_are_stale() {
        let (f, fps) = findings();
        let baseline = Baseline::parse(&Baseline::of(&f, &fps).render(), SourceId(0)).unwrap();
        let applied = baseline.apply(vec![f[0].clone()], vec!["f2".into()], &|_| true);
        assert_eq!((applied.skipped, applied.kept.len()), (1, 0));
        assert_eq!(applied.stale.len(), 1);
        assert_eq!(applied.stale[0].rule.0, "CA903");
        assert!(applied.stale[0].span.is_some());
        let all = |_: &str| true;
        assert_eq!(
            baseline
                .pruned(&["f2".into(), "new".into()], &all)
                .entries
                .len(),
            1
        );
        // Entries of rules that did not run are neither stale nor pruned.
        let only_301 = |rule: &str| rule == "CA301";
        assert_eq!(baseline.apply(vec![], vec![], &only_301).stale.len(), 1);
        assert_eq!(baseline.pruned(&[], &only_301).entries.len(), 1);
    }

    #[test]
    fn bad_files_are_errors() {
        for text in [
            "[]",
            "{\"entries\": []}",
            "{\"version\": 1}",
            "{\"version\": 1, \"entries\": [{}]}",
            "{",
        ] {
            assert!(Baseline::parse(text, SourceId(0)).is_err(), "{text}");
        }
    }
}
