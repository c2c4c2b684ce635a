//! The rule catalogue: each rule's metadata and documentation, read from the YAML files in the
//! top-level `rules/` folder and embedded in the binary at build time.
//!
//! `explain`, `rules`, SARIF and the docs all read from here, so a rule is documented once.

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::finding::{RuleId, Severity};

pub const INVALID_INPUT: RuleId = RuleId("CA001");
pub const UNKNOWN_SERVICE: RuleId = RuleId("CA002");
pub const UNKNOWN_OPERATION: RuleId = RuleId("CA003");
pub const MISSING_CONTRACT: RuleId = RuleId("CA004");
pub const DANGLING_CHANNEL: RuleId = RuleId("CA005");

/// The embedded rule files, in ID order. A test checks this list against the `rules/` folder.
pub const RULE_FILES: &[(&str, &str)] = &[
    ("CA001", include_str!("../../rules/CA001.yaml")),
    ("CA002", include_str!("../../rules/CA002.yaml")),
    ("CA003", include_str!("../../rules/CA003.yaml")),
    ("CA004", include_str!("../../rules/CA004.yaml")),
    ("CA005", include_str!("../../rules/CA005.yaml")),
];

/// One rule's metadata, as written in `rules/<ID>.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    /// Stable ID, `CA` and three digits.
    pub id: String,
    /// Kebab-case name of the problem, reads well after "allow".
    pub name: String,
    /// contracts, coupling, messaging, protocol-fit, resilience or meta.
    pub family: String,
    /// Severity when the configuration does not change it.
    pub severity: SeverityName,
    /// One line: what the rule finds.
    pub summary: String,
    /// The message a finding carries, with `{placeholders}` for what varies.
    pub message: String,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
    /// Thresholds the rule reads, with their defaults.
    #[serde(default)]
    pub options: Vec<RuleOption>,
    pub example: Example,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SeverityName {
    Error,
    Warning,
    Note,
}

impl From<SeverityName> for Severity {
    fn from(s: SeverityName) -> Self {
        match s {
            SeverityName::Error => Severity::Error,
            SeverityName::Warning => Severity::Warning,
            SeverityName::Note => Severity::Note,
        }
    }
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleOption {
    pub name: String,
    /// The default value, as YAML text.
    pub default: serde_json::Value,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Example {
    /// Declarations that trigger the rule.
    pub bad: String,
    /// The same declarations, fixed.
    pub good: String,
}

/// Every rule, in ID order.
pub fn all() -> &'static [RuleMeta] {
    static CATALOG: OnceLock<Vec<RuleMeta>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        RULE_FILES
            .iter()
            .map(
                |(id, text)| match crate::load::yaml::parse_typed::<RuleMeta>(text) {
                    Ok(meta) => meta,
                    // The files are embedded and checked by tests; a bad one is a bug in this build.
                    Err(err) => panic!("rules/{id}.yaml is invalid: {}", err.message),
                },
            )
            .collect()
    })
}

/// A rule by ID (`CA201`) or name (`request-reply-over-queue`), case-insensitively.
pub fn find(key: &str) -> Option<&'static RuleMeta> {
    all()
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(key) || r.name.eq_ignore_ascii_case(key))
}

pub fn by_id(id: RuleId) -> Option<&'static RuleMeta> {
    all().iter().find(|r| r.id == id.0)
}

/// The rule's default severity; unknown IDs (a bug) count as errors so they are not missed.
pub fn default_severity(id: RuleId) -> Severity {
    by_id(id).map_or(Severity::Error, |r| r.severity.into())
}

/// The rule's kebab-case name, or the ID when the rule is unknown.
pub fn name_of(id: RuleId) -> &'static str {
    by_id(id).map_or(id.0, |r| r.name.as_str())
}
