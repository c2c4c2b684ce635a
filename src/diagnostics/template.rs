//! A rule's message templates, as `rules/<ID>.yaml` documents them: what its findings say, with
//! `{placeholders}` for what varies and `[...]` around what only some findings say. A test
//! checks every finding the fixtures produce against its rule's templates, so the documentation
//! cannot drift from what the rule prints.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// One message template, or several when a rule words different cases differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Templates(pub Vec<String>);

impl Templates {
    /// Whether `message` is one the templates describe. The words a finding resting on
    /// inferred facts ends with (` (inferred from X)`) belong to no rule's template.
    pub fn matches(&self, message: &str) -> bool {
        let own = super::finding::without_inferred_note(message);
        self.0
            .iter()
            .any(|t| matches(t, message) || matches(t, own))
    }
}

impl fmt::Display for Templates {
    /// One template per line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

/// A piece of a template: text as written, or a placeholder that stands for any text.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Any,
}

/// Whether `message` fits `template`: every way of keeping or dropping its `[...]` parts, with
/// each `{placeholder}` standing for any text. `{{` and `}}` are literal braces.
pub fn matches(template: &str, message: &str) -> bool {
    variants(template)
        .iter()
        .any(|pieces| fits(pieces, message))
}

/// The template's forms, one per choice of its optional parts (rules have few).
fn variants(template: &str) -> Vec<Vec<Piece>> {
    let mut forms: Vec<Vec<Piece>> = vec![Vec::new()];
    let mut rest = template;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').unwrap_or(after.len());
            let optional = pieces(&after[..end]);
            let with: Vec<Vec<Piece>> = forms
                .iter()
                .map(|f| f.iter().chain(&optional).cloned().collect())
                .collect();
            forms.extend(with);
            rest = after.get(end + 1..).unwrap_or("");
        } else {
            let end = rest.find('[').unwrap_or(rest.len());
            let plain = pieces(&rest[..end]);
            for form in &mut forms {
                form.extend(plain.iter().cloned());
            }
            rest = &rest[end..];
        }
    }
    forms
}

/// Text and placeholders, in order.
fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut literal = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '{' if chars.peek() == Some(&'{') => {
                chars.next();
                literal.push('{');
            }
            '}' if chars.peek() == Some(&'}') => {
                chars.next();
                literal.push('}');
            }
            '{' => {
                for c in chars.by_ref() {
                    if c == '}' {
                        break;
                    }
                }
                if !literal.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut literal)));
                }
                out.push(Piece::Any);
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        out.push(Piece::Text(literal));
    }
    out
}

/// Glob matching: texts in order, placeholders match any non-empty text.
fn fits(pieces: &[Piece], message: &str) -> bool {
    match pieces.split_first() {
        None => message.is_empty(),
        Some((Piece::Text(t), rest)) => message
            .strip_prefix(t.as_str())
            .is_some_and(|m| fits(rest, m)),
        Some((Piece::Any, rest)) => message
            .char_indices()
            .skip(1)
            .map(|(i, _)| i)
            .chain([message.len()])
            .filter(|&i| i > 0)
            .any(|i| fits(rest, &message[i..])),
    }
}

impl<'de> Deserialize<'de> for Templates {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrMany;
        impl<'de> Visitor<'de> for OneOrMany {
            type Value = Templates;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a message template, or a list of them")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Templates, E> {
                Ok(Templates(vec![text.to_owned()]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Templates, A::Error> {
                let mut out = Vec::new();
                while let Some(text) = seq.next_element::<String>()? {
                    out.push(text);
                }
                if out.is_empty() {
                    return Err(de::Error::invalid_length(0, &self));
                }
                Ok(Templates(out))
            }
        }
        deserializer.deserialize_any(OneOrMany)
    }
}

impl JsonSchema for Templates {
    fn schema_name() -> Cow<'static, str> {
        "Templates".into()
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "What the rule's findings say, with `{placeholders}` for what varies and `[...]` around what only some findings say; a list when cases are worded differently.",
            "anyOf": [
                { "type": "string" },
                { "type": "array", "items": { "type": "string" }, "minItems": 1 }
            ]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_match_any_text_and_text_must_match() {
        let t = "`{caller}` calls `{callee}` over {protocol} with no timeout";
        assert!(matches(t, "`a` calls `b` over grpc with no timeout"));
        assert!(matches(t, "`a -> b` calls `c` over http with no timeout"));
        assert!(!matches(
            t,
            "`a` calls `b` over grpc with no timeout at all"
        ));
        assert!(
            !matches(t, "`a` calls `` over grpc with no timeout"),
            "placeholders are never empty"
        );
        assert!(!matches("{x} ms summed", "3 ms of processing summed"));
    }

    #[test]
    fn optional_parts_may_be_there_or_not() {
        let t = "`{caller}` calls `{callee}`[ (`{operation}`)] and waits[; {why}]";
        assert!(matches(t, "`a` calls `b` and waits"));
        assert!(matches(t, "`a` calls `b` (`POST /x`) and waits"));
        assert!(matches(t, "`a` calls `b` (`POST /x`) and waits; because"));
        assert!(!matches(t, "`a` calls `b` (POST /x) and waits"));
    }

    #[test]
    fn doubled_braces_are_literal() {
        let t = "`{service}` has a `${{` with no closing `}}`";
        assert!(matches(t, "`api` has a `${` with no closing `}`"));
        assert!(matches("uses `${NAME}`", "uses `${DB_HOST}`"));
    }

    #[test]
    fn one_or_many_templates_are_read() {
        let one: Templates = crate::yaml::parse_typed("'a {x}'").unwrap();
        let many: Templates = crate::yaml::parse_typed("['a {x}', 'b {y}']").unwrap();
        assert_eq!(one.0.len(), 1);
        assert!(many.matches("b 2") && !many.matches("c 3"));
        assert!(crate::yaml::parse_typed::<Templates>("[]").is_err());
    }
}
