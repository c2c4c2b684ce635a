//! The rule catalogue: each rule's metadata and documentation, read from the YAML files in the
//! top-level `rules/` folder and embedded in the binary at build time.
//!
//! `explain`, `rules`, SARIF and the docs all read from here, so a rule is documented once.

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::{RuleId, Severity};

pub const INVALID_INPUT: RuleId = RuleId("CA001");
pub const UNKNOWN_SERVICE: RuleId = RuleId("CA002");
pub const UNKNOWN_OPERATION: RuleId = RuleId("CA003");
pub const MISSING_CONTRACT: RuleId = RuleId("CA004");
pub const DANGLING_CHANNEL: RuleId = RuleId("CA005");
pub const UNRESOLVED_VARIABLE: RuleId = RuleId("CA006");
pub const SYNC_CYCLE: RuleId = RuleId("CA101");
pub const DEEP_SYNC_CHAIN: RuleId = RuleId("CA102");
pub const SYNC_FAN_OUT: RuleId = RuleId("CA103");
pub const AVAILABILITY_CEILING: RuleId = RuleId("CA104");
pub const BLAST_RADIUS: RuleId = RuleId("CA105");
pub const RETRY_AMPLIFICATION: RuleId = RuleId("CA106");
pub const SHARED_DATASTORE: RuleId = RuleId("CA107");
pub const REQUEST_REPLY_OVER_QUEUE: RuleId = RuleId("CA201");
pub const DLQ_WITHOUT_REDRIVE: RuleId = RuleId("CA202");
pub const NON_IDEMPOTENT_CONSUMER: RuleId = RuleId("CA203");
pub const SYNC_SIDE_EFFECT: RuleId = RuleId("CA301");
pub const INTERNAL_REST: RuleId = RuleId("CA302");
pub const PUBLIC_NON_REST: RuleId = RuleId("CA303");
pub const POLLING_FOR_STATUS: RuleId = RuleId("CA304");
pub const GRPC_BEHIND_L4: RuleId = RuleId("CA401");
pub const CALL_WITHOUT_TIMEOUT: RuleId = RuleId("CA402");
pub const UNUSED_SUPPRESSION: RuleId = RuleId("CA901");
pub const EXPIRED_SUPPRESSION: RuleId = RuleId("CA902");
pub const STALE_BASELINE_ENTRY: RuleId = RuleId("CA903");

/// The embedded rule files, in ID order. A test checks this list against the `rules/` folder.
pub const RULE_FILES: &[(&str, &str)] = &[
    ("CA001", include_str!("../../rules/CA001.yaml")),
    ("CA002", include_str!("../../rules/CA002.yaml")),
    ("CA003", include_str!("../../rules/CA003.yaml")),
    ("CA004", include_str!("../../rules/CA004.yaml")),
    ("CA005", include_str!("../../rules/CA005.yaml")),
    ("CA006", include_str!("../../rules/CA006.yaml")),
    ("CA101", include_str!("../../rules/CA101.yaml")),
    ("CA102", include_str!("../../rules/CA102.yaml")),
    ("CA103", include_str!("../../rules/CA103.yaml")),
    ("CA104", include_str!("../../rules/CA104.yaml")),
    ("CA105", include_str!("../../rules/CA105.yaml")),
    ("CA106", include_str!("../../rules/CA106.yaml")),
    ("CA107", include_str!("../../rules/CA107.yaml")),
    ("CA201", include_str!("../../rules/CA201.yaml")),
    ("CA202", include_str!("../../rules/CA202.yaml")),
    ("CA203", include_str!("../../rules/CA203.yaml")),
    ("CA301", include_str!("../../rules/CA301.yaml")),
    ("CA302", include_str!("../../rules/CA302.yaml")),
    ("CA303", include_str!("../../rules/CA303.yaml")),
    ("CA304", include_str!("../../rules/CA304.yaml")),
    ("CA401", include_str!("../../rules/CA401.yaml")),
    ("CA402", include_str!("../../rules/CA402.yaml")),
    ("CA901", include_str!("../../rules/CA901.yaml")),
    ("CA902", include_str!("../../rules/CA902.yaml")),
    ("CA903", include_str!("../../rules/CA903.yaml")),
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
                |(id, text)| match crate::yaml::parse_typed::<RuleMeta>(text) {
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
