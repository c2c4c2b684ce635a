//! Field wrappers for typed YAML: a value with its position, and "one or a list".

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

use super::Pos;

/// A value read from YAML with the position it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct Located<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> Located<T> {
    pub fn span(&self, source: crate::source::SourceId) -> crate::source::Span {
        self.pos.span(source)
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// Every located text of a typed file is a name, a path, a subject or an operation: one line
/// of plain text. A line break or control character in one is refused here, for every field
/// at once, so that no output can be broken by it.
impl<'de, T: Deserialize<'de> + 'static> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // The fast reader ([`super::typed`]) answers this name with the position and the value;
        // serde-saphyr passes the value on, and its `Spanned` gives the position.
        deserializer.deserialize_newtype_struct(super::typed::LOCATED, LocatedVisitor(PhantomData))
    }
}

struct LocatedVisitor<T>(PhantomData<T>);

impl<'de, T: Deserialize<'de> + 'static> Visitor<'de> for LocatedVisitor<T> {
    type Value = Located<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a value with its position")
    }

    /// serde-saphyr.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Located<T>, D::Error> {
        let spanned = Spanned::<T>::deserialize(d)?;
        checked(spanned.value, Pos::of(&spanned.referenced))
    }

    /// The fast reader: offset, length, value.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Located<T>, A::Error> {
        let missing = || de::Error::custom("a located value without its position");
        let offset = map
            .next_entry::<de::IgnoredAny, u32>()?
            .ok_or_else(missing)?
            .1;
        let len = map
            .next_entry::<de::IgnoredAny, u32>()?
            .ok_or_else(missing)?
            .1;
        let value = map
            .next_entry::<de::IgnoredAny, T>()?
            .ok_or_else(missing)?
            .1;
        checked(value, Pos { offset, len })
    }
}

/// Every located text of a typed file is a name, a path, a subject or an operation: one line
/// of plain text. A line break or control character in one is refused here, for every field
/// at once, so that no output can be broken by it.
fn checked<T: 'static, E: de::Error>(value: T, pos: Pos) -> Result<Located<T>, E> {
    let text = (&value as &dyn std::any::Any).downcast_ref::<String>();
    if let Some(problem) = text.and_then(|t| crate::escape::name_problem(t)) {
        return Err(E::custom(format!(
            "`{}` holds {problem}; names, paths, subjects and operations are plain text on one line",
            crate::escape::line(text.map_or("", String::as_str))
        )));
    }
    Ok(Located { value, pos })
}

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// A field that takes one item or a list of items: `grpc: {...}` or `grpc: [{...}, {...}]`.
/// Each item keeps its position; a single item gets the position of the field's value.
#[derive(Debug, Clone, PartialEq)]
pub struct OneOrMany<T>(pub Vec<Located<T>>);

impl<T> Default for OneOrMany<T> {
    fn default() -> Self {
        OneOrMany(Vec::new())
    }
}

impl<T> OneOrMany<T> {
    pub fn iter(&self) -> std::slice::Iter<'_, Located<T>> {
        self.0.iter()
    }
}

/// The items as written, before the single form gets its position.
struct Items<T>(Vec<Located<T>>);

impl<'de, T: Deserialize<'de> + 'static> Deserialize<'de> for Items<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ItemsVisitor<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + 'static> Visitor<'de> for ItemsVisitor<T> {
            type Value = Items<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a mapping or a list of mappings")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<Located<T>>::deserialize(SeqAccessDeserializer::new(seq)).map(Items)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let value = T::deserialize(MapAccessDeserializer::new(map))?;
                Ok(Items(vec![Located {
                    value,
                    pos: Pos::default(),
                }]))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Items(Vec::new()))
            }
        }
        deserializer.deserialize_any(ItemsVisitor(std::marker::PhantomData))
    }
}

impl<'de, T: Deserialize<'de> + 'static> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let items = Located::<Items<T>>::deserialize(deserializer)?;
        let pos = items.pos;
        Ok(OneOrMany(
            items
                .value
                .0
                .into_iter()
                .map(|mut item| {
                    if item.pos == Pos::default() {
                        item.pos = pos;
                    }
                    item
                })
                .collect(),
        ))
    }
}

impl<T: JsonSchema> JsonSchema for OneOrMany<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("OneOrMany_{}", T::schema_name()).into()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let one = generator.subschema_for::<T>();
        json_schema!({
            "anyOf": [one, { "type": "array", "items": one }]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_typed;

    #[derive(Debug, serde::Deserialize)]
    struct Doc {
        items: OneOrMany<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        name: Located<String>,
    }

    #[test]
    fn one_item_and_lists_both_keep_positions() {
        let text = "items: {name: a}\n";
        let doc: Doc = parse_typed(text).unwrap();
        assert_eq!(doc.items.0.len(), 1);
        let item = &doc.items.0[0];
        assert_eq!(&text[item.pos.offset as usize..][..1], "{");
        assert_eq!(&text[item.value.name.pos.offset as usize..][..1], "a");

        let text = "items:\n  - name: a\n  - name: b\n";
        let doc: Doc = parse_typed(text).unwrap();
        assert_eq!(doc.items.0.len(), 2);
        assert_eq!(
            &text[doc.items.0[1].value.name.pos.offset as usize..][..1],
            "b"
        );
    }
}
