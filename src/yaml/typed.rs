//! Typed values read from a [`Node`] tree (the fast path of [`super::parse_typed`]).
//!
//! Only the plain cases are served: mappings into structs, lists, scalars into fields of their
//! own type, text into unit enum variants, and [`super::Located`] fields, which get the node's
//! position. Everything else (a number where text is expected, null where a list is expected,
//! an unknown key, a wrong type) fails with [`Miss`], and the caller reads the text again with
//! serde-saphyr, whose result and error message are the reference.

use std::fmt;

use serde::de::value::BorrowedStrDeserializer;
use serde::de::{
    self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor,
};

use super::{Key, Node, Value};

/// The name a [`super::Located`] field asks for: this deserializer answers with the node's
/// position and value, serde-saphyr (which does not know the name) with the value alone.
pub(super) const LOCATED: &str = "__commaudit_located";

/// This reader does not serve the case; the reference must read the text.
#[derive(Debug)]
pub struct Miss;

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("left to the reference reader")
    }
}

impl std::error::Error for Miss {}

impl de::Error for Miss {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Miss
    }
}

/// Reads a `T` from `node`.
pub(super) fn from_node<'a, T: de::Deserialize<'a>>(node: &'a Node) -> Result<T, Miss> {
    T::deserialize(node)
}

impl<'de> Deserializer<'de> for &'de Node {
    type Error = Miss;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        match &self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Int(i) => visitor.visit_i64(*i),
            Value::Float(f) => visitor.visit_f64(*f),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Seq(items) => visitor.visit_seq(Items(items.iter())),
            Value::Map(entries) => visitor.visit_map(Entries {
                entries: entries.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Miss> {
        match name {
            LOCATED => visitor.visit_map(Position {
                node: self,
                step: 0,
            }),
            // serde-saphyr's own wrappers (`Spanned`) need its positions.
            _ if name.starts_with("__") => Err(Miss),
            _ => visitor.visit_newtype_struct(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Miss> {
        match &self.value {
            Value::String(s) => {
                visitor.visit_enum(IntoDeserializer::<Miss>::into_deserializer(s.as_str()))
            }
            _ => Err(Miss),
        }
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        match &self.value {
            Value::String(s) => visitor.visit_borrowed_str(s),
            _ => Err(Miss),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        self.deserialize_str(visitor)
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        match self.value {
            Value::Bool(b) => visitor.visit_bool(b),
            _ => Err(Miss),
        }
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        match &self.value {
            Value::Seq(_) => self.deserialize_any(visitor),
            _ => Err(Miss),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        match &self.value {
            Value::Map(_) => self.deserialize_any(visitor),
            _ => Err(Miss),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Miss> {
        self.deserialize_map(visitor)
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            _ => Err(Miss),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Miss> {
        visitor.visit_unit()
    }

    // Numbers: the node's own type; serde's number visitors convert in range and refuse
    // the rest, which sends the text to the reference.
    serde::forward_to_deserialize_any! {
        i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf
        unit_struct tuple tuple_struct
    }
}

/// The items of a list.
struct Items<'a>(std::slice::Iter<'a, Node>);

impl<'de> SeqAccess<'de> for Items<'de> {
    type Error = Miss;

    fn next_element_seed<S: DeserializeSeed<'de>>(
        &mut self,
        seed: S,
    ) -> Result<Option<S::Value>, Miss> {
        self.0.next().map(|node| seed.deserialize(node)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// The entries of a mapping; keys are read as text.
struct Entries<'a> {
    entries: std::slice::Iter<'a, (Key, Node)>,
    value: Option<&'a Node>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = Miss;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Miss> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        seed.deserialize(BorrowedStrDeserializer::new(&key.name))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Miss> {
        seed.deserialize(self.value.take().ok_or(Miss)?)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A [`super::Located`] field: its offset, its length, then its value, in that order.
struct Position<'a> {
    node: &'a Node,
    step: u8,
}

impl<'de> MapAccess<'de> for Position<'de> {
    type Error = Miss;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Miss> {
        let key = match self.step {
            0 => "offset",
            1 => "len",
            2 => "value",
            _ => return Ok(None),
        };
        seed.deserialize(BorrowedStrDeserializer::new(key))
            .map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Miss> {
        self.step += 1;
        match self.step {
            1 => seed.deserialize(IntoDeserializer::<Miss>::into_deserializer(
                self.node.pos.offset,
            )),
            2 => seed.deserialize(IntoDeserializer::<Miss>::into_deserializer(
                self.node.pos.len,
            )),
            _ => seed.deserialize(self.node),
        }
    }
}
