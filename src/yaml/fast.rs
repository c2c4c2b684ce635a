//! A fast reader for the plain shape most YAML and JSON inputs have: the [`Node`] tree is built
//! straight from the parser's events, without serde-saphyr's deserializer in between (about
//! twice as fast on the generated organisation, docs/scale.md).
//!
//! serde-saphyr stays the reference. This reader gives up (returns `None`) on anything whose
//! meaning it does not reproduce exactly: anchors, aliases and merge keys, tags, complex or
//! duplicate keys, keys that are not plain text, numbers in rarer spellings (`0x1F`, `1e3`,
//! `+1`, `.inf`, `1_000`), deep nesting, very large documents and every syntax error. The caller
//! then reads the text again with serde-saphyr, so results and error messages are those of the
//! reference in every case; `tests::same_as_the_reference` checks that both agree.

use granit_parser::{Event, Parser, ScalarStyle, Span as ParserSpan};

use super::{Key, Node, Pos, Value};

/// Nesting deeper than this is left to the reference, which reports it past its own limit.
const MAX_DEPTH: usize = 100;
/// Events in one text past which the reference, with its budgets, takes over.
const MAX_EVENTS: usize = 2_000_000;
/// Documents in one stream past which the reference takes over.
const MAX_DOCUMENTS: usize = 1_000;
/// Entries of a mapping up to which duplicate keys are looked for pair by pair.
const SMALL_MAP: usize = 16;

/// The documents of `text`, as [`super::parse_documents`] reads them (documents holding only
/// null are left out), or `None` when the reference must read it.
pub(super) fn documents(text: &str) -> Option<Vec<Node>> {
    let docs = read(text)?;
    if docs.is_empty() {
        return None;
    }
    Some(
        docs.into_iter()
            .filter_map(|d| match d {
                Root::Null => None,
                Root::Node(node) => Some(node),
            })
            .collect(),
    )
}

/// The single document of `text`, as [`super::parse_node`] reads it, or `None` when the
/// reference must read it (no document, several, or anything [`documents`] gives up on).
pub(super) fn document(text: &str) -> Option<Node> {
    let mut docs = read(text)?;
    if docs.len() != 1 {
        return None;
    }
    match docs.pop()? {
        Root::Null => None,
        Root::Node(node) => Some(node),
    }
}

/// A document's root: a document holding only a plain null is told apart, because readers of
/// streams skip it and single-document readers leave it to the reference.
enum Root {
    Null,
    Node(Node),
}

/// A collection being read.
enum Frame {
    Seq(Pos, Vec<Node>),
    Map(Pos, Vec<(Key, Node)>, Option<Key>),
}

fn read(text: &str) -> Option<Vec<Root>> {
    // The parser limits the reference sets, so that what one refuses the other refuses too.
    let budget = serde_saphyr::Budget::default();
    let options = granit_parser::options! {
        simple_key_max_lookahead: budget.simple_key_max_lookahead,
        flow_nesting_limit: budget.flow_nesting_limit,
    };
    let mut parser = Parser::new_from_str_with_options(text, options);
    let mut stack: Vec<Frame> = Vec::new();
    let mut docs: Vec<Root> = Vec::new();
    let mut events = 0usize;
    while let Some(next) = parser.next_event() {
        let (event, span) = next.ok()?;
        events += 1;
        if events > MAX_EVENTS {
            return None;
        }
        let done = match event {
            Event::StreamStart | Event::DocumentStart(..) | Event::DocumentEnd => continue,
            Event::StreamEnd => break,
            Event::Scalar(value, style, anchor, tag) => {
                if anchor != 0 || tag.is_some() {
                    return None;
                }
                if let Some(Frame::Map(_, _, key @ None)) = stack.last_mut() {
                    *key = Some(key_of(&value, style, &span)?);
                    continue;
                }
                let node = Node {
                    pos: pos_of(&span)?,
                    value: scalar(&value, style)?,
                };
                if stack.is_empty() {
                    let plain_null = matches!(node.value, Value::Null);
                    docs.push(if plain_null {
                        Root::Null
                    } else {
                        Root::Node(node)
                    });
                    continue;
                }
                node
            }
            Event::SequenceStart(_, anchor, ref tag) | Event::MappingStart(_, anchor, ref tag) => {
                // A collection as a key is a complex key: left to the reference.
                let keyed = matches!(stack.last(), Some(Frame::Map(_, _, None)));
                if anchor != 0 || tag.is_some() || keyed || stack.len() >= MAX_DEPTH {
                    return None;
                }
                let pos = pos_of(&span)?;
                stack.push(if matches!(event, Event::SequenceStart(..)) {
                    Frame::Seq(pos, Vec::new())
                } else {
                    Frame::Map(pos, Vec::new(), None)
                });
                continue;
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop()? {
                Frame::Seq(pos, items) => Node {
                    pos,
                    value: Value::Seq(items),
                },
                Frame::Map(pos, entries, None) if unique(&entries) => Node {
                    pos,
                    value: Value::Map(entries),
                },
                Frame::Map(..) => return None,
            },
            // Aliases, anchors and whatever else the parser may report.
            _ => return None,
        };
        match stack.last_mut() {
            None => docs.push(Root::Node(done)),
            Some(Frame::Seq(_, items)) => items.push(done),
            Some(Frame::Map(_, entries, key)) => entries.push((key.take()?, done)),
        }
        if docs.len() > MAX_DOCUMENTS {
            return None;
        }
    }
    stack.is_empty().then_some(docs)
}

/// The byte position of a node, as serde-saphyr reports it.
fn pos_of(span: &ParserSpan) -> Option<Pos> {
    let start = span.start.byte_offset()?;
    let end = span.end.byte_offset()?;
    Some(Pos {
        offset: u32::try_from(start).ok()?,
        len: u32::try_from(end.saturating_sub(start)).ok()?,
    })
}

/// A mapping key: quoted text as written, plain text that reads as text, and decimal whole
/// numbers (`200:` in OpenAPI responses), which every reader spells the same.
fn key_of(value: &str, style: ScalarStyle, span: &ParserSpan) -> Option<Key> {
    let text = match style {
        ScalarStyle::Plain => match scalar(value, style)? {
            Value::String(s) if s != "<<" => s,
            Value::Int(i) if i >= 0 => i.to_string(),
            _ => return None,
        },
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => value.to_owned(),
        _ => return None,
    };
    // The reference refuses such keys with its own message.
    if crate::escape::name_problem(&text).is_some() {
        return None;
    }
    Some(Key {
        pos: pos_of(span)?,
        name: text,
    })
}

/// The value of a scalar, typed as the reference types it (YAML 1.2 booleans and null, decimal
/// numbers, numbers with a leading zero kept as text); `None` for spellings left to it.
fn scalar(value: &str, style: ScalarStyle) -> Option<Value> {
    if style != ScalarStyle::Plain {
        return Some(Value::String(value.to_owned()));
    }
    match value {
        "" | "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let bytes = value.as_bytes();
    let first = bytes[0];
    if first.is_ascii_alphabetic() || first == b'/' || first == b'$' {
        // Words YAML or Rust read as numbers are left to the reference.
        return (!looks_special(value)).then(|| Value::String(value.to_owned()));
    }
    if !matches!(first, b'0'..=b'9' | b'-' | b'+' | b'.') {
        return Some(Value::String(value.to_owned()));
    }
    if let Some(number) = decimal(value) {
        return Some(number);
    }
    // Text that no numeric spelling can match: a character no number holds, or two dots
    // (versions, addresses).
    let foreign = bytes.iter().any(|b| {
        !(b.is_ascii_hexdigit()
            || matches!(b, b'x' | b'X' | b'o' | b'O' | b'_' | b'.' | b'+' | b'-'))
    });
    let dots = bytes.iter().filter(|&&b| b == b'.').count();
    (foreign || dots > 1).then(|| Value::String(value.to_owned()))
}

/// Plain words that a YAML or Rust number reader might take for a number.
fn looks_special(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    matches!(lower.as_str(), "inf" | "infinity" | "nan")
}

/// `12`, `-12`, `1.5` and `-0.25`: the decimal spellings whose value every reader agrees on.
/// A leading zero (`0755`) is text, as the reference keeps it.
fn decimal(value: &str) -> Option<Value> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    let plain = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !plain(whole) || whole.len() > 15 || (whole.len() > 1 && whole.starts_with('0')) {
        return None;
    }
    match fraction {
        None if whole == "0" && value.starts_with('-') => None,
        None => value.parse().ok().map(Value::Int),
        Some(f) if plain(f) && f.len() <= 15 => value.parse().ok().map(Value::Float),
        Some(_) => None,
    }
}

/// Whether no key is written twice; the reference reports a duplicate.
fn unique(entries: &[(Key, Node)]) -> bool {
    if entries.len() <= SMALL_MAP {
        return entries
            .iter()
            .enumerate()
            .all(|(i, (k, _))| entries[..i].iter().all(|(other, _)| other.name != k.name));
    }
    let mut names: Vec<&str> = entries.iter().map(|(k, _)| k.name.as_str()).collect();
    names.sort_unstable();
    names.windows(2).all(|w| w[0] != w[1])
}

#[cfg(test)]
mod tests;
