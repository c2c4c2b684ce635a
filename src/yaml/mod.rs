//! Leaf module, the YAML layer: YAML and JSON reading with serde-saphyr, one set of safe
//! options, a span-carrying tree for formats we walk by hand, typed fields that keep their
//! position ([`Located`]), and errors turned into located, actionable messages. Every stage that
//! reads YAML (inputs, configuration, baselines, the rule catalogue) uses it.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::{Budget, Spanned};

mod errors;
mod fast;
pub mod located;
mod typed;

pub use errors::YamlError;
use errors::convert;
pub use located::{Located, OneOrMany};

use crate::source::{SourceId, Span};

/// Position of a node in its file: byte offset and length.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    pub offset: u32,
    pub len: u32,
}

impl Pos {
    pub fn span(self, source: SourceId) -> Span {
        Span::new(source, self.offset, self.len)
    }

    pub(super) fn of(location: &serde_saphyr::Location) -> Self {
        let span = location.span();
        Pos {
            offset: span.byte_offset().unwrap_or(0).min(u64::from(u32::MAX)) as u32,
            len: span.byte_len().unwrap_or(0).min(u64::from(u32::MAX)) as u32,
        }
    }
}

/// Converts a serde-saphyr location into a span of `source`.
pub fn span_of<T>(value: &Spanned<T>, source: SourceId) -> Span {
    Pos::of(&value.referenced).span(source)
}

/// A YAML or JSON value with the position of every node and key.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub pos: Pos,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

/// A mapping key. Non-string scalar keys (`200:`, `true:`) are kept as their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub pos: Pos,
    pub name: String,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entries()
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, v)| v)
    }

    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The scalar as text, whatever its YAML type: `8080` and `"8080"` both give "8080".
    pub fn scalar_text(&self) -> Option<Cow<'_, str>> {
        match &self.value {
            Value::String(s) => Some(Cow::Borrowed(s)),
            Value::Int(i) => Some(Cow::Owned(i.to_string())),
            Value::Float(f) => Some(Cow::Owned(f.to_string())),
            Value::Bool(b) => Some(Cow::Owned(b.to_string())),
            Value::Null | Value::Seq(_) | Value::Map(_) => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match &self.value {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        match &self.value {
            Value::Int(i) => Some(*i),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }

    /// A word for the node's type, for messages such as "expected a mapping, found a list".
    pub fn kind_name(&self) -> &'static str {
        match self.value {
            Value::Null => "nothing",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::String(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

/// Any YAML value: sections whose keys are checked later, against the rule catalogue.
impl schemars::JsonSchema for Node {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AnyValue".into()
    }
    fn inline_schema() -> bool {
        true
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::Schema::from(true)
    }
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<Value>::deserialize(deserializer)?;
        Ok(Node {
            // Where the value is written: for a value reached through an alias or a merge key
            // (`<<: *common`), the anchor, so every service that merges it shares one setting.
            pos: Pos::of(&spanned.defined),
            value: spanned.value,
        })
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::String(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Node>()? {
            items.push(item);
        }
        Ok(Value::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<KeyText>>()? {
            let value = map.next_value::<Node>()?;
            entries.push((
                Key {
                    pos: Pos::of(&key.referenced),
                    name: key.value.0,
                },
                value,
            ));
        }
        Ok(Value::Map(entries))
    }
}

/// Any scalar key, as text.
struct KeyText(String);

impl<'de> Deserialize<'de> for KeyText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = KeyText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a scalar mapping key")
            }
            // Keys are names (services, paths, channels): one line of plain text.
            fn visit_str<E: de::Error>(self, v: &str) -> Result<KeyText, E> {
                self.visit_string(v.to_owned())
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<KeyText, E> {
                match crate::escape::name_problem(&v) {
                    Some(problem) => Err(E::custom(format!(
                        "the key `{}` holds {problem}; keys are plain text on one line",
                        crate::escape::line(&v)
                    ))),
                    None => Ok(KeyText(v)),
                }
            }
            fn visit_i64<E>(self, v: i64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_bool<E>(self, v: bool) -> Result<KeyText, E> {
                Ok(KeyText(v.to_string()))
            }
            fn visit_unit<E>(self) -> Result<KeyText, E> {
                Ok(KeyText("null".into()))
            }
        }
        deserializer.deserialize_any(KeyVisitor)
    }
}

/// Parse options shared by every reader: YAML 1.2 booleans and numbers, budgets sized for
/// multi-megabyte specs, and alias limits that stop alias bombs early.
fn options() -> serde_saphyr::Options {
    let mut budget = Budget::default();
    budget.max_nodes = 4_000_000;
    budget.max_events = 16_000_000;
    budget.max_depth = 128;
    budget.max_documents = 10_000;
    let mut opts = serde_saphyr::options! {
        budget: Some(budget),
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        with_snippet: false,
    };
    opts.alias_limits.max_total_replayed_events = 200_000;
    opts
}

/// Parses a single-document YAML or JSON text into a typed value.
pub fn parse_typed<T: de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    match fast_typed(text) {
        Some(value) => Ok(value),
        None => reference_typed(text),
    }
}

/// [`parse_typed`] by the fast readers alone, `None` where they leave the text to serde-saphyr.
pub(crate) fn fast_typed<T: de::DeserializeOwned>(text: &str) -> Option<T> {
    typed::from_node(&fast::document(text)?).ok()
}

/// [`parse_typed`] by serde-saphyr alone: what the fast readers must agree with.
pub(crate) fn reference_typed<T: de::DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_saphyr::from_str_with_options(text, options()).map_err(|e| convert(&e))
}

/// Parses a single-document YAML or JSON text into a [`Node`] tree.
pub fn parse_node(text: &str) -> Result<Node, YamlError> {
    match fast::document(text) {
        Some(node) => Ok(node),
        None => reference_node(text),
    }
}

/// Parses a multi-document YAML stream (Kubernetes style); empty documents are skipped.
pub fn parse_documents(text: &str) -> Result<Vec<Node>, YamlError> {
    match fast::documents(text) {
        Some(docs) => Ok(docs),
        None => reference_documents(text),
    }
}

/// [`parse_node`] by serde-saphyr alone: what the fast reader must agree with.
fn reference_node(text: &str) -> Result<Node, YamlError> {
    reference_typed(text)
}

/// [`parse_documents`] by serde-saphyr alone.
fn reference_documents(text: &str) -> Result<Vec<Node>, YamlError> {
    let docs: Vec<Option<Node>> =
        serde_saphyr::from_multiple_with_options(text, options()).map_err(|e| convert(&e))?;
    Ok(docs.into_iter().flatten().collect())
}

/// The readable texts of the repository's files below `dirs` whose names end in one of `exts`,
/// in path order: the inputs the differential tests of the fast readers run over.
#[cfg(test)]
pub(crate) fn repository_texts(dirs: &[&str], exts: &[&str]) -> Vec<(std::path::PathBuf, String)> {
    fn walk(dir: &std::path::Path, exts: &[&str], out: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, exts, out);
            } else if path
                .extension()
                .is_some_and(|e| exts.iter().any(|x| e == *x))
            {
                out.push(path);
            }
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in dirs {
        walk(&root.join(dir), exts, &mut paths);
    }
    // (Some fixtures are not UTF-8 on purpose.)
    paths
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|text| (p, text)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nodes_keep_positions_of_keys_and_values() {
        let text = "a:\n  b: [1, two]\n";
        let node = parse_node(text).unwrap();
        let b = node.get("a").unwrap().get("b").unwrap();
        assert_eq!(b.items().len(), 2);
        assert_eq!(b.items()[1].as_str(), Some("two"));
        let key = &node.get("a").unwrap().entries()[0].0;
        assert_eq!(&text[key.pos.offset as usize..][..1], "b");
    }

    #[test]
    fn yaml_1_1_booleans_and_octals_stay_strings() {
        let node = parse_node("a: NO\nb: 0755\nc: yes\n").unwrap();
        assert_eq!(node.get("a").unwrap().as_str(), Some("NO"));
        assert_eq!(node.get("b").unwrap().as_str(), Some("0755"));
        assert_eq!(node.get("c").unwrap().as_str(), Some("yes"));
    }

    #[test]
    fn json_with_tabs_reads_like_yaml() {
        let node = parse_node("{\n\t\"openapi\": \"3.1.0\",\n\t\"x\": 1\n}").unwrap();
        assert_eq!(node.get("openapi").unwrap().as_str(), Some("3.1.0"));
        assert_eq!(node.get("x").unwrap().as_i64(), Some(1));
    }

    #[test]
    fn syntax_errors_have_a_line() {
        let err = parse_node("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.line_col.is_some(), "{err:?}");
    }

    #[test]
    fn alias_bombs_stop_with_a_clear_message() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (prev, name) in ["a", "b", "c", "d", "e", "f", "g", "h"]
            .iter()
            .zip(["b", "c", "d", "e", "f", "g", "h", "i"])
        {
            let refs = vec![format!("*{prev}"); 10].join(", ");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let err = parse_node(&text).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn multi_document_streams_skip_empty_documents() {
        let docs = parse_documents("a: 1\n---\n---\nb: 2\n").unwrap();
        assert_eq!(docs.len(), 2);
    }
}
