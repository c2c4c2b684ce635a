//! The rule catalogue: each rule's metadata and documentation, read from the YAML files in the
//! top-level `rules/` folder and embedded in the binary at build time.
//!
//! `explain`, `rules`, SARIF and the docs all read from here, so a rule is documented once.

use std::sync::OnceLock;

use schemars::JsonSchema;
use serde::Deserialize;

use crate::diagnostics::{RuleId, Severity};

use super::template::Templates;

/// Every rule, one line each, in ID order: its ID, the name of its ID constant, and where its
/// findings come from: `loading` (while reading files or resolving names), `gate` (from the CI
/// gate, about its own inputs), or `check(module)`, the file under `src/rules/` whose `check`
/// finds them; `check(module, Options)` when that file also declares the rule's options.
///
/// The ID constants, the embedded rule files ([`RULE_FILES`]) and, in `rules/`, the rule
/// modules, the registry of checks and the typed options of every rule are all generated from
/// this list, so a new rule is its `rules/<ID>.yaml`, its `src/rules/<module>.rs` and one line
/// here.
macro_rules! for_each_rule {
    ($then:ident) => {
        $then! {
            CA001 INVALID_INPUT loading;
            CA002 UNKNOWN_SERVICE loading;
            CA003 UNKNOWN_OPERATION loading;
            CA004 MISSING_CONTRACT check(missing_contract);
            CA005 DANGLING_CHANNEL check(dangling_channel);
            CA006 UNRESOLVED_VARIABLE loading;
            CA007 INCOMPLETE_GRAPH check(incomplete_graph);
            CA101 SYNC_CYCLE check(sync_cycle);
            CA102 DEEP_SYNC_CHAIN check(deep_sync_chain, Options);
            CA103 SYNC_FAN_OUT check(sync_fan_out, Options);
            CA104 AVAILABILITY_CEILING check(availability_ceiling);
            CA105 BLAST_RADIUS check(blast_radius, Options);
            CA106 RETRY_AMPLIFICATION check(retry_amplification, Options);
            CA107 SHARED_DATASTORE check(shared_datastore);
            CA201 REQUEST_REPLY_OVER_QUEUE check(request_reply_over_queue);
            CA202 DLQ_WITHOUT_REDRIVE check(dlq_without_redrive);
            CA203 NON_IDEMPOTENT_CONSUMER check(non_idempotent_consumer);
            CA301 SYNC_SIDE_EFFECT check(sync_side_effect);
            CA302 INTERNAL_REST check(internal_rest);
            CA303 PUBLIC_NON_REST check(public_non_rest);
            CA304 POLLING_FOR_STATUS check(polling_for_status);
            CA401 GRPC_BEHIND_L4 check(grpc_behind_l4);
            CA402 CALL_WITHOUT_TIMEOUT check(call_without_timeout);
            CA403 UNSAFE_RETRY check(unsafe_retry);
            CA404 TIMEOUT_MISMATCH check(timeout_mismatch);
            CA405 RETRY_STORM check(retry_storm);
            CA406 INFRASTRUCTURE_CEILING check(infrastructure_ceiling);
            CA407 LOAD_OVER_CAPACITY check(load_over_capacity);
            CA501 UNDECLARED_CALL check(undeclared_call);
            CA502 UNOBSERVED_CALL check(unobserved_call);
            CA503 AWAITED_SIDE_EFFECT check(awaited_side_effect);
            CA504 PROTOCOL_DRIFT check(protocol_drift);
            CA505 SLOWER_THAN_TIMEOUT check(slower_than_timeout);
            CA901 UNUSED_SUPPRESSION gate;
            CA902 EXPIRED_SUPPRESSION gate;
            CA903 STALE_BASELINE_ENTRY gate;
        }
    };
}
pub(crate) use for_each_rule;

/// The ID constants and the embedded rule files, from [`for_each_rule`].
macro_rules! ids_and_files {
    ($($id:ident $name:ident $kind:ident $(($($detail:tt)*))?;)*) => {
        $(
            #[doc = concat!("`", stringify!($id), "`, documented in `rules/", stringify!($id), ".yaml`.")]
            pub const $name: RuleId = RuleId(stringify!($id));
        )*

        /// The embedded rule files, in ID order. A test checks this list against the `rules/`
        /// folder.
        pub const RULE_FILES: &[(&str, &str)] = &[
            $((
                stringify!($id),
                include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/", stringify!($id), ".yaml")),
            ),)*
        ];
    };
}
for_each_rule!(ids_and_files);

/// One rule's metadata, as written in `rules/<ID>.yaml`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    /// Stable ID, `CA` and three digits.
    pub id: String,
    /// Kebab-case name of the problem, reads well after "allow".
    pub name: String,
    /// contracts, coupling, messaging, protocol-fit, resilience, drift or meta.
    pub family: String,
    /// Severity when the configuration does not change it.
    pub severity: SeverityName,
    /// One line: what the rule finds.
    pub summary: String,
    /// What its findings say: a template, or one per case, with `{placeholders}` for what
    /// varies and `[...]` around what only some findings say.
    pub message: Templates,
    /// Why it matters.
    pub why: String,
    /// How to fix it.
    pub fix: String,
    /// Thresholds the rule reads, with their defaults.
    #[serde(default)]
    pub options: Vec<RuleOption>,
    /// The rule judges what a team intends (whether a caller needs the answer, whether an edge
    /// is public), so a finding resting on inferred facts drops a level by default
    /// (`--inferred-severity`).
    #[serde(default)]
    pub needs_intent: bool,
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

/// The families, in the order their first rule comes, each with its rules in ID order.
pub fn families() -> Vec<(&'static str, Vec<&'static RuleMeta>)> {
    let mut out: Vec<(&'static str, Vec<&'static RuleMeta>)> = Vec::new();
    for rule in all() {
        match out.iter_mut().find(|(family, _)| *family == rule.family) {
            Some((_, rules)) => rules.push(rule),
            None => out.push((rule.family.as_str(), vec![rule])),
        }
    }
    out
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

/// The repository this build comes from (`repository` in Cargo.toml), without a trailing
/// `/` or `.git`; empty when the package does not name one.
pub fn repository() -> &'static str {
    let url = env!("CARGO_PKG_REPOSITORY").trim_end_matches('/');
    url.strip_suffix(".git").unwrap_or(url)
}

/// Where a rule's documentation lives in the repository: its rule file, which `explain`
/// prints.
pub fn doc_path(rule: &RuleMeta) -> String {
    format!("rules/{}.yaml", rule.id)
}

/// The web address of a rule's documentation on the repository's main branch, when the
/// package names its repository.
pub fn doc_url(rule: &RuleMeta) -> Option<String> {
    doc_url_in(repository(), rule)
}

/// [`doc_url`] for the repository at `base`.
pub fn doc_url_in(base: &str, rule: &RuleMeta) -> Option<String> {
    (!base.is_empty()).then(|| format!("{base}/blob/main/{}", doc_path(rule)))
}

/// The rule's default severity; unknown IDs (a bug) count as errors so they are not missed.
pub fn default_severity(id: RuleId) -> Severity {
    by_id(id).map_or(Severity::Error, |r| r.severity.into())
}

/// Whether the rule judges intent (see [`RuleMeta::needs_intent`]).
pub fn needs_intent(id: RuleId) -> bool {
    by_id(id).is_some_and(|r| r.needs_intent)
}

/// The rule's kebab-case name, or the ID when the rule is unknown.
pub fn name_of(id: RuleId) -> &'static str {
    by_id(id).map_or(id.0, |r| r.name.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documentation_links_point_at_the_rule_file_on_main() {
        let rule = find("CA201").expect("CA201");
        assert_eq!(doc_path(rule), "rules/CA201.yaml");
        assert_eq!(
            doc_url_in("https://example.org/team/commaudit", rule).as_deref(),
            Some("https://example.org/team/commaudit/blob/main/rules/CA201.yaml")
        );
        assert_eq!(doc_url_in("", rule), None);
    }
}
