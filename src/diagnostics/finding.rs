//! Findings: one problem with its rule, severity, message and locations, and the one order
//! every output sorts them in.

use std::fmt;

use rayon::prelude::*;
use serde::Serialize;

use crate::source::{Sources, Span};

use super::{Item, Subject};

fn one_line(text: String) -> String {
    match crate::escape::line(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(escaped) => escaped,
    }
}

/// A stable rule ID such as `CA101`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct RuleId(pub &'static str);

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// How bad a finding is. Ordered, so `severity >= fail_on` reads naturally.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "note" | "info" => Some(Severity::Note),
            "warning" | "warn" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A secondary location that explains a finding: a hop of a chain, a member of a cycle, the
/// other declaration of a duplicate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub span: Span,
    pub message: String,
}

/// One problem, pointing at the line to change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleId,
    pub severity: Severity,
    /// Lowercase, no trailing period, names the services and operations involved.
    pub message: String,
    /// The line to change; `None` only for problems with no file (a path that does not exist).
    pub span: Option<Span>,
    /// A short label drawn under the primary span.
    pub label: Option<String>,
    pub related: Vec<Related>,
    /// What the finding is about, by ID: its identity, from which the CI gate derives its
    /// fingerprint.
    pub subject: Subject,
    /// Services the finding is about, by name, in the order they matter (caller first): shown
    /// in machine formats and matched by suppressions.
    pub services: Vec<String>,
    pub operation: Option<String>,
    /// What to do, imperative.
    pub help: Option<String>,
    /// What the finding rests on: the weakest provenance of the model items it concerns.
    /// `None` for findings about files, names or settings only. Set once rules have run.
    pub provenance: Option<crate::provenance::Provenance>,
}

impl Finding {
    /// A finding with the rule's default severity from the catalogue. Its texts (message,
    /// label, help, related messages) are kept on one line with unsafe characters escaped,
    /// whatever names from the inputs they quote, so every output format can trust them.
    pub fn new(rule: RuleId, message: impl Into<String>) -> Self {
        Self {
            rule,
            severity: super::catalog::default_severity(rule),
            message: one_line(message.into()),
            span: None,
            label: None,
            related: Vec::new(),
            subject: Subject::Unset,
            services: Vec::new(),
            operation: None,
            help: None,
            provenance: None,
        }
    }

    pub fn at(mut self, span: Span) -> Self {
        self.span = Some(span);
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(one_line(label.into()));
        self
    }

    /// Replaces the help of a finding already made, kept on one line as [`Finding::help`] does.
    pub fn set_help(&mut self, help: String) {
        self.help = Some(one_line(help));
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(one_line(help.into()));
        self
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Adds an item to what the finding is about.
    pub fn about(mut self, item: Item) -> Self {
        self.subject.push(item);
        self
    }

    /// Says what the finding is about, replacing what was said.
    pub fn subject(mut self, subject: Subject) -> Self {
        self.subject = subject;
        self
    }

    pub fn service(mut self, name: impl Into<String>) -> Self {
        self.services.push(name.into());
        self
    }

    pub fn services<I, S>(mut self, names: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.services.extend(names.into_iter().map(Into::into));
        self
    }

    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    pub fn related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Related {
            span,
            message: one_line(message.into()),
        });
        self
    }
}

/// What a finding resting on inferred facts adds to its message: ` (inferred from X)`.
pub const INFERRED: &str = " (inferred from ";

/// The words that say a finding rests on inferred facts, naming the first piece of evidence.
pub fn inferred_note(evidence: Option<&str>) -> String {
    format!(
        "{INFERRED}{})",
        evidence.unwrap_or("deployment configuration")
    )
}

/// The message without the words [`inferred_note`] added, for matching it against templates.
pub fn without_inferred_note(message: &str) -> &str {
    match message.rfind(INFERRED) {
        Some(at) if message.ends_with(')') => &message[..at],
        _ => message,
    }
}

/// Sorts findings into the one order every output uses: file, line, column, rule, message.
pub fn sort_findings(findings: &mut [Finding], sources: &Sources) {
    let order = sorted_order(findings, sources);
    permute(findings, &order);
}

/// The positions of `findings` in [`sort_findings`]'s order, for sorting data kept alongside
/// them with [`permute`]. The keys borrow what they compare, so nothing is copied; they are
/// built and sorted on every core, and the position breaks ties, as in a stable sort.
pub fn sorted_order(findings: &[Finding], sources: &Sources) -> Vec<usize> {
    let mut keys: Vec<_> = findings
        .par_iter()
        .enumerate()
        .map(|(i, f)| (order_key(f, sources), i))
        .collect();
    keys.par_sort_unstable();
    keys.into_iter().map(|(_, i)| i).collect()
}

/// Puts `items[order[k]]` at `k` for every `k`, by following each cycle of the permutation.
pub fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        let mut at = start;
        while !done[at] {
            done[at] = true;
            let next = order[at];
            if next == start {
                break;
            }
            items.swap(at, next);
            at = next;
        }
    }
}

/// The key of [`sort_findings`]: place (file, line, column; findings without one first), rule,
/// message, services.
pub fn order_key<'a>(f: &'a Finding, sources: &'a Sources) -> impl Ord + Send + 'a {
    let place = f.span.map(|s| {
        let file = sources.get(s.source);
        let (line, column) = file.line_col(s.offset);
        (file.name.as_str(), line, column)
    });
    (
        place.is_some(),
        place,
        f.rule,
        f.message.as_str(),
        f.services.as_slice(),
    )
}

/// Counts of findings by severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub errors: usize,
    pub warnings: usize,
    pub notes: usize,
}

impl Tally {
    pub fn of(findings: &[Finding]) -> Self {
        let mut tally = Tally::default();
        for f in findings {
            match f.severity {
                Severity::Error => tally.errors += 1,
                Severity::Warning => tally.warnings += 1,
                Severity::Note => tally.notes += 1,
            }
        }
        tally
    }

    pub fn at_least(&self, level: Severity) -> usize {
        match level {
            Severity::Error => self.errors,
            Severity::Warning => self.errors + self.warnings,
            Severity::Note => self.errors + self.warnings + self.notes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_permutation_moves_every_item_once_to_its_place() {
        // Cycles of lengths 1, 2 and 4, and a long one.
        let orders: [&[usize]; 4] = [
            &[0, 2, 1, 6, 3, 4, 5],
            &[],
            &[0],
            &[9, 0, 1, 2, 3, 4, 5, 6, 7, 8],
        ];
        for order in orders {
            let mut items: Vec<usize> = (0..order.len()).map(|i| i * 10).collect();
            permute(&mut items, order);
            let want: Vec<usize> = order.iter().map(|&i| i * 10).collect();
            assert_eq!(items, want);
        }
    }

    #[test]
    fn findings_sort_by_place_then_rule_then_message_and_stay_stable() {
        let mut sources = Sources::default();
        let a = sources.add("a.yaml".into(), "a.yaml".into(), "x: 1\ny: 2\n".into());
        let b = sources.add("b.yaml".into(), "b.yaml".into(), "z: 3\n".into());
        let rule = crate::diagnostics::catalog::INVALID_INPUT;
        let at = |source, offset, message: &str| {
            Finding::new(rule, message).at(Span::new(source, offset, 1))
        };
        let mut findings = vec![
            Finding::new(rule, "nowhere"),
            at(b, 0, "b1"),
            at(a, 5, "a2"),
            at(a, 0, "a1 second"),
            at(a, 0, "a1 first"),
            at(b, 0, "b1"),
        ];
        findings[5].services = vec!["s".into()];
        sort_findings(&mut findings, &sources);
        let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            ["nowhere", "a1 first", "a1 second", "a2", "b1", "b1"]
        );
        assert!(findings[4].services.is_empty() && findings[5].services == ["s"]);
    }
}
