//! Suppressions: findings accepted on purpose, with a reason and an optional expiry. They come
//! from comments in the files (see [`super::inline`]) and from the config's `ignores:`; both
//! become one [`Suppression`] type here, applied the same way. Suppressions that match nothing
//! are CA901 findings, expired ones CA902.

use crate::config::date::Date;
use crate::config::select::RulePattern;
use crate::config::{Config, Ignore};
use crate::diagnostics::catalog::{EXPIRED_SUPPRESSION, UNUSED_SUPPRESSION};
use crate::diagnostics::{Finding, Item};
use crate::source::Span;

/// One accepted exception.
#[derive(Debug, Clone, PartialEq)]
pub struct Suppression {
    pub rules: Vec<RulePattern>,
    pub scope: Scope,
    pub reason: String,
    pub until: Option<Date>,
    /// Where it is written.
    pub span: Span,
}

/// Which findings a suppression covers, besides its rules.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// Findings that point into a range of a file (the item below a comment, or the operation
    /// holding an `x-commaudit-ignore`), and findings about the operations declared there.
    Region {
        span: Span,
        operations: Vec<Declared>,
        /// How the item is named in messages.
        what: String,
    },
    /// The config's filters; `None` matches anything.
    Filter {
        service: Option<String>,
        edge: Option<(String, String)>,
        operation: Option<String>,
    },
}

/// An operation or channel declared inside a region, and the services that provide it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declared {
    pub name: String,
    pub owners: Vec<String>,
}

impl Suppression {
    pub fn from_ignore(ignore: &Ignore) -> Suppression {
        Suppression {
            rules: ignore.rules.clone(),
            scope: Scope::Filter {
                service: ignore.service.clone(),
                edge: ignore.edge.clone(),
                operation: ignore.operation.clone(),
            },
            reason: ignore.reason.clone(),
            until: ignore.until,
            span: ignore.span,
        }
    }

    fn covers(&self, f: &Finding) -> bool {
        match &self.scope {
            Scope::Region {
                span, operations, ..
            } => {
                let inside = f.span.is_some_and(|s| {
                    s.source == span.source
                        && s.offset >= span.offset
                        && s.offset < span.offset + span.len.max(1)
                });
                let about = f.operation.as_ref().is_some_and(|op| {
                    operations.iter().any(|d| {
                        d.name == *op
                            && (d.owners.is_empty()
                                || f.services.iter().any(|s| d.owners.contains(s)))
                    })
                });
                inside || about
            }
            Scope::Filter {
                service,
                edge,
                operation,
            } => {
                service.as_ref().is_none_or(|s| f.services.contains(s))
                    && edge.as_ref().is_none_or(|(a, b)| {
                        f.services.windows(2).any(|w| w[0] == *a && w[1] == *b)
                    })
                    && operation
                        .as_ref()
                        .is_none_or(|op| f.operation.as_ref() == Some(op))
            }
        }
    }

    fn describe(&self) -> String {
        match &self.scope {
            Scope::Region { what, .. } => what.clone(),
            Scope::Filter {
                service,
                edge,
                operation,
            } => {
                let mut parts = Vec::new();
                if let Some(s) = service {
                    parts.push(format!("service `{s}`"));
                }
                if let Some((a, b)) = edge {
                    parts.push(format!("edge `{a} -> {b}`"));
                }
                if let Some(op) = operation {
                    parts.push(format!("operation `{op}`"));
                }
                if parts.is_empty() {
                    "any finding".into()
                } else {
                    parts.join(", ")
                }
            }
        }
    }
}

/// What applying suppressions left.
#[derive(Debug, Default)]
pub struct Applied {
    pub kept: Vec<Finding>,
    pub suppressed: usize,
    /// CA901 and CA902 findings.
    pub meta: Vec<Finding>,
}

/// Removes the findings that active suppressions cover; reports expired suppressions, and
/// rules of active ones that matched nothing (unless the rule does not run at all).
pub fn apply(
    findings: Vec<Finding>,
    suppressions: &[Suppression],
    config: &Config,
    today: Date,
) -> Applied {
    let active: Vec<bool> = suppressions
        .iter()
        .map(|s| s.until.is_none_or(|until| today <= until))
        .collect();
    let mut used: Vec<Vec<bool>> = suppressions
        .iter()
        .map(|s| vec![false; s.rules.len()])
        .collect();
    let mut applied = Applied::default();
    for finding in findings {
        let mut hidden = false;
        for (i, s) in suppressions.iter().enumerate() {
            if !active[i] || !s.covers(&finding) {
                continue;
            }
            for (j, rule) in s.rules.iter().enumerate() {
                if rule.matches(finding.rule) {
                    used[i][j] = true;
                    hidden = true;
                }
            }
        }
        if hidden {
            applied.suppressed += 1;
        } else {
            applied.kept.push(finding);
        }
    }
    for (i, s) in suppressions.iter().enumerate() {
        if !active[i] {
            let rules = names(s.rules.iter());
            let until = s.until.map(|d| d.to_string()).unwrap_or_default();
            applied.meta.push(
                Finding::new(
                    EXPIRED_SUPPRESSION,
                    format!(
                        "suppression of {rules} for {} expired on {until}: {}",
                        s.describe(),
                        s.reason
                    ),
                )
                .at(s.span)
                .about(Item::File(s.span.source))
                .about(Item::Key(format!("suppression of {rules} for {}", s.describe())))
                .label("expired")
                .help("fix the finding it was hiding and delete the suppression, or set a new date and say why in the reason"),
            );
            continue;
        }
        let unused = s
            .rules
            .iter()
            .zip(&used[i])
            .filter(|(rule, used)| !**used && rule.rules().any(|id| config.enabled(id)))
            .map(|(rule, _)| rule);
        let unused: Vec<&RulePattern> = unused.collect();
        if !unused.is_empty() {
            applied.meta.push(
                Finding::new(
                    UNUSED_SUPPRESSION,
                    format!(
                        "suppression of {} matches no finding for {}",
                        names(unused.into_iter()),
                        s.describe()
                    ),
                )
                .at(s.span)
                .about(Item::File(s.span.source))
                .about(Item::Key(format!(
                    "suppression of {} for {}",
                    names(s.rules.iter()),
                    s.describe()
                )))
                .label("matches nothing")
                .help("delete the suppression, or move it directly above the item it is meant for"),
            );
        }
    }
    applied
}

fn names<'a>(rules: impl Iterator<Item = &'a RulePattern>) -> String {
    rules
        .map(|r| r.text.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::RuleId;
    use crate::source::SourceId;

    fn filter(rule: &str, edge: Option<(&str, &str)>, until: Option<&str>) -> Suppression {
        Suppression {
            rules: vec![RulePattern::parse(rule).unwrap()],
            scope: Scope::Filter {
                service: None,
                edge: edge.map(|(a, b)| (a.into(), b.into())),
                operation: None,
            },
            reason: "accepted".into(),
            until: until.and_then(Date::parse),
            span: Span::new(SourceId(0), 0, 1),
        }
    }

    fn finding(rule: &'static str, services: &[&str]) -> Finding {
        Finding::new(RuleId(rule), "m").services(services.iter().copied())
    }

    #[test]
    fn edges_match_adjacent_services_in_order() {
        let today = Date::parse("2026-06-01").unwrap();
        let s = [filter("CA301", Some(("a", "b")), None)];
        let applied = apply(
            vec![finding("CA301", &["a", "b"]), finding("CA301", &["b", "a"])],
            &s,
            &Config::default(),
            today,
        );
        assert_eq!(applied.suppressed, 1);
        assert_eq!(applied.kept[0].services, ["b", "a"]);
        assert!(applied.meta.is_empty());
    }

    #[test]
    fn expired_suppressions_stop_working_and_unused_ones_are_reported() {
        let today = Date::parse("2026-06-01").unwrap();
        let s = [
            filter("CA301", None, Some("2026-05-31")),
            filter("CA302", None, Some("2026-06-01")),
        ];
        let applied = apply(
            vec![finding("CA301", &["a"])],
            &s,
            &Config::default(),
            today,
        );
        assert_eq!(applied.kept.len(), 1, "expired: the finding comes back");
        let rules: Vec<&str> = applied.meta.iter().map(|f| f.rule.0).collect();
        assert_eq!(rules, ["CA902", "CA901"]);
        assert!(applied.meta[0].message.contains("expired on 2026-05-31"));
    }
}
