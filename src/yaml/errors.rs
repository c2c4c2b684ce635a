//! YAML and JSON errors turned into located, actionable messages: unknown keys with the closest
//! valid one, type mismatches named by their key, alias bombs and deep nesting called what they
//! are.

use serde_saphyr::{Error, MessageFormatter};

use crate::source::{SourceId, Span};

use super::Pos;

/// A YAML or JSON problem with its position and what to do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub pos: Option<Pos>,
    /// Where to look instead, 1-based, when the parser gave a line but no byte offset.
    pub line_col: Option<(u32, u32)>,
    pub help: Option<String>,
}

impl YamlError {
    /// Names the key the problem is under (`timeout_ms: expected a number`), read from the line
    /// the parser pointed at, so the message says which setting is wrong.
    pub fn with_key_context(mut self, text: &str) -> Self {
        let Some((line, _)) = self.line_col else {
            return self;
        };
        let Some(line_text) = text.lines().nth(line.saturating_sub(1) as usize) else {
            return self;
        };
        let trimmed = line_text.trim_start().trim_start_matches("- ");
        if let Some((key, _)) = trimmed.split_once(':') {
            let key = key.trim().trim_matches(|c| c == '"' || c == '\'');
            let simple = !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_alphanumeric() || "_-.".contains(c));
            if simple && !self.message.contains(&format!("`{key}`")) {
                self.message = format!("`{key}`: {}", self.message);
            }
        }
        self
    }

    /// The span of the problem in `source`, falling back to the start of the file.
    pub fn span(&self, source: SourceId, file: &crate::source::SourceFile) -> Span {
        match (self.pos, self.line_col) {
            (Some(pos), _) if pos.offset > 0 || self.line_col.is_none() => pos.span(source),
            (_, Some((line, col))) => Span::new(source, file.offset_of(line, col), 0),
            _ => Span::file_start(source),
        }
    }
}

pub(super) fn convert(err: &Error) -> YamlError {
    let inner = original(err);
    let location = err.location().or_else(|| inner.location());
    let pos = location
        .as_ref()
        .filter(|l| l.line() > 0)
        .map(Pos::of)
        .filter(|p| p.offset > 0 || p.len > 0);
    let line_col = location
        .filter(|l| l.line() > 0)
        .map(|l| (l.line() as u32, l.column() as u32));
    let (message, help) = describe(inner);
    YamlError {
        message,
        pos,
        line_col,
        help,
    }
}

fn original(mut err: &Error) -> &Error {
    while let Error::AliasError { error, .. } | Error::WithSnippet { error, .. } = err {
        err = error;
    }
    err
}

fn describe(err: &Error) -> (String, Option<String>) {
    match err {
        Error::SerdeUnknownField {
            field, expected, ..
        } => {
            let suggestion = crate::suggest::closest(field, expected.iter().copied());
            let help = match suggestion {
                Some(s) => format!(
                    "did you mean `{s}`? the keys allowed here are: {}",
                    expected.join(", ")
                ),
                None => format!("the keys allowed here are: {}", expected.join(", ")),
            };
            (format!("unknown key `{field}`"), Some(help))
        }
        Error::SerdeUnknownVariant {
            variant, expected, ..
        } => {
            let help = match crate::suggest::closest(variant, expected.iter().copied()) {
                Some(s) => format!(
                    "did you mean `{s}`? allowed values: {}",
                    expected.join(", ")
                ),
                None => format!("allowed values: {}", expected.join(", ")),
            };
            (format!("unknown value `{variant}`"), Some(help))
        }
        Error::InvalidScalar { ty, .. } => {
            let (wanted, help) = match *ty {
                t if t.starts_with('f') => ("a number", "write a number such as `200` or `99.9`"),
                t if t.starts_with('u') => (
                    "a whole number of zero or more",
                    "write a whole number such as `2`",
                ),
                t if t.starts_with('i') => ("a whole number", "write a whole number such as `2`"),
                "bool" | "boolean" => ("`true` or `false`", "write `true` or `false`"),
                _ => (
                    "a different kind of value",
                    "check the documented type of this key",
                ),
            };
            (format!("expected {wanted}"), Some(help.to_owned()))
        }
        Error::SerdeInvalidType {
            unexpected,
            expected,
            ..
        } => (
            format!("expected {}, found {unexpected}", plain_expected(expected)),
            None,
        ),
        Error::SerdeMissingField { field, .. } => (
            format!("missing required key `{field}`"),
            Some(format!("add `{field}:` to this mapping")),
        ),
        Error::Budget { breach, .. } => {
            use serde_saphyr::budget::BudgetBreach as B;
            match breach {
                B::Depth { depth } => (
                    format!("the document is nested too deeply ({depth} levels)"),
                    Some("flatten the document, or exclude this file from the scan".into()),
                ),
                B::Aliases { .. }
                | B::Anchors { .. }
                | B::AliasAnchorRatio { .. }
                | B::Nodes { .. }
                | B::Events { .. } => (
                    format!(
                        "the document expands past the safety limit ({}); this looks like an alias bomb or a generated file",
                        breach_text(breach)
                    ),
                    Some("remove the repeated aliases, or exclude this file from the scan".into()),
                ),
                _ => (
                    format!(
                        "the document exceeds a safety limit ({})",
                        breach_text(breach)
                    ),
                    Some("exclude this file from the scan if it is generated".into()),
                ),
            }
        }
        Error::AliasReplayLimitExceeded { .. }
        | Error::AliasExpansionLimitExceeded { .. }
        | Error::AliasReplayStackDepthExceeded { .. }
        | Error::AliasReplayCounterOverflow { .. } => (
            format!(
                "{}; this looks like an alias bomb",
                serde_saphyr::DefaultMessageFormatter.format_message(err)
            ),
            Some("remove the repeated aliases, or exclude this file from the scan".into()),
        ),
        Error::DuplicateMappingKey { key, .. } => (
            match key {
                Some(k) => format!(
                    "the key `{}` is written twice in this mapping",
                    crate::escape::line(k)
                ),
                None => "a key is written twice in this mapping".into(),
            },
            Some("keep one of the two; YAML and JSON allow each key once per mapping".into()),
        ),
        // Our own refusals (a name holding a control character) say what is wrong already.
        Error::Message { msg, .. } if msg.ends_with("plain text on one line") => (
            msg.clone(),
            Some("remove the character: write it as plain text on one line".into()),
        ),
        Error::InvalidBooleanStrict { .. } => (
            serde_saphyr::DefaultMessageFormatter
                .format_message(err)
                .into_owned(),
            Some("write `true` or `false`".into()),
        ),
        _ => (
            clean(&serde_saphyr::DefaultMessageFormatter.format_message(err)),
            Some(
                "fix the YAML at this line; an unclosed bracket or quote, or a wrong indentation, \
                 on a line above often shows up here"
                    .into(),
            ),
        ),
    }
}

/// `Nodes { nodes: 4000001 }` -> `nodes: 4000001`.
fn breach_text(breach: &serde_saphyr::budget::BudgetBreach) -> String {
    let text = format!("{breach:?}");
    match text.split_once(" { ") {
        Some((_, rest)) => rest.trim_end_matches(" }").to_owned(),
        None => text,
    }
}

/// serde's "expected" phrases, without the names of our wrapper types.
fn plain_expected(expected: &str) -> String {
    if expected.contains("span-aware") || expected.contains("a mapping or a list") {
        "a mapping or a list of mappings".into()
    } else if expected.starts_with("struct ") {
        "a mapping".into()
    } else {
        expected.to_owned()
    }
}

/// Keeps parser messages on one line and printable.
fn clean(message: &str) -> String {
    message
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_owned()
}
