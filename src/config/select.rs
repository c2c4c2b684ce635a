//! Naming rules the way users do: by ID (`CA301`), by ID prefix (`CA3` for a family, `CA` for
//! all), or by name (`sync-side-effect`). Used by `--select`, `--ignore`, `--severity`, the
//! config's `ignores:` and inline suppressions, so every place accepts the same spellings.

use crate::diagnostics::RuleId;
use crate::diagnostics::catalog;
use crate::suggest;

/// One or more rules, named as the user wrote them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RulePattern {
    /// As written, for messages.
    pub text: String,
    /// Upper-case ID or ID prefix every matching rule starts with.
    prefix: String,
    exact: bool,
}

/// A pattern that names no rule: the message, and a suggestion when one is close.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRule {
    pub message: String,
    pub help: String,
}

impl RulePattern {
    pub fn parse(text: &str) -> Result<RulePattern, UnknownRule> {
        let trimmed = text.trim();
        if let Some(rule) = catalog::find(trimmed) {
            return Ok(RulePattern {
                text: trimmed.to_owned(),
                prefix: rule.id.clone(),
                exact: true,
            });
        }
        let upper = trimmed.to_ascii_uppercase();
        let is_prefix = upper.starts_with("CA")
            && upper.len() < 5
            && upper[2..].chars().all(|c| c.is_ascii_digit())
            && catalog::all().iter().any(|r| r.id.starts_with(&upper));
        if is_prefix {
            return Ok(RulePattern {
                text: trimmed.to_owned(),
                prefix: upper,
                exact: false,
            });
        }
        let names = catalog::all()
            .iter()
            .flat_map(|r| [r.id.as_str(), r.name.as_str()]);
        Err(UnknownRule {
            message: format!("unknown rule `{trimmed}`"),
            help: suggest::did_you_mean(trimmed, names).unwrap_or_else(|| {
                "name a rule by ID (CA301), ID prefix (CA3) or name (sync-side-effect); run `commaudit rules` to list them".into()
            }),
        })
    }

    pub fn matches(&self, rule: RuleId) -> bool {
        if self.exact {
            rule.0 == self.prefix
        } else {
            rule.0.starts_with(&self.prefix)
        }
    }

    /// Every rule the pattern names, in ID order.
    pub fn rules(&self) -> impl Iterator<Item = RuleId> + '_ {
        catalog::all()
            .iter()
            .map(|r| RuleId(r.id.as_str()))
            .filter(|id| self.matches(*id))
    }
}

/// Splits `CA1,CA2 sync-cycle` style lists: commas and spaces both separate.
pub fn split_list(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_prefixes_and_names() {
        let id = RulePattern::parse("ca301").unwrap();
        assert!(id.matches(RuleId("CA301")) && !id.matches(RuleId("CA302")));
        let family = RulePattern::parse("CA3").unwrap();
        assert!(family.matches(RuleId("CA302")) && !family.matches(RuleId("CA201")));
        assert_eq!(family.rules().count(), 4);
        let name = RulePattern::parse("sync-cycle").unwrap();
        assert!(name.matches(RuleId("CA101")));
        assert_eq!(
            RulePattern::parse("CA").unwrap().rules().count(),
            catalog::all().len()
        );
    }

    #[test]
    fn unknown_rules_get_a_suggestion() {
        let err = RulePattern::parse("CA3011").unwrap_err();
        assert_eq!(err.message, "unknown rule `CA3011`");
        assert_eq!(err.help, "did you mean `CA301`?");
        assert!(
            RulePattern::parse("CA7").is_err(),
            "no rule starts with CA7"
        );
        assert_eq!(
            split_list("CA1, CA2 x").collect::<Vec<_>>(),
            ["CA1", "CA2", "x"]
        );
    }
}
