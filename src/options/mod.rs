//! Leaf module, typed options: a set of named numbers, each with a default, an allowed range
//! and a description, declared once as a struct with [`declare`]. A rule's thresholds and the
//! shared assumptions are declared this way; the configuration reads them from YAML with their
//! positions, refuses unknown names with a suggestion and out-of-range values with the range,
//! and the JSON Schema and the documentation are generated from the same declaration.

use std::fmt;

use serde_json::{Map, Value, json};

use crate::yaml::{self, Node};

/// One option as declared: its name in commaudit.yaml, what it means, its default and range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Field {
    /// Kebab-case, as written in commaudit.yaml.
    pub name: &'static str,
    pub description: &'static str,
    pub default: f64,
    /// The smallest and largest values allowed, both included.
    pub min: f64,
    pub max: f64,
    /// Only whole numbers are allowed.
    pub whole: bool,
}

impl Field {
    /// "a whole number from 1 to 1000", "a number from 0 to 100".
    pub fn expected(&self) -> String {
        let kind = if self.whole {
            "a whole number"
        } else {
            "a number"
        };
        format!("{kind} from {} to {}", plain(self.min), plain(self.max))
    }

    /// The value of `node` if it is a number this field allows, or why not ("found 0").
    pub fn check(&self, node: &Node) -> Result<f64, String> {
        let value = match node.value {
            yaml::Value::Int(i) => i as f64,
            yaml::Value::Float(f) if f.is_nan() => return Err("found .nan".into()),
            yaml::Value::Float(f) if f.is_infinite() => {
                return Err(format!("found {}.inf", if f < 0.0 { "-" } else { "" }));
            }
            yaml::Value::Float(f) => f,
            _ => return Err(format!("found {}", node.kind_name())),
        };
        if value < self.min || value > self.max || (self.whole && value.fract() != 0.0) {
            return Err(format!("found {}", plain(value)));
        }
        Ok(value)
    }

    /// The field's JSON Schema, for editors.
    pub fn schema(&self) -> Value {
        json!({
            "description": self.description,
            "type": if self.whole { "integer" } else { "number" },
            "minimum": schema_number(self.min, self.whole),
            "maximum": schema_number(self.max, self.whole),
            "default": schema_number(self.default, self.whole),
        })
    }
}

/// The field types an options struct may use.
pub trait Number: Copy + fmt::Debug + PartialEq + Send + Sync + 'static {
    /// Whether only whole numbers fit.
    const WHOLE: bool;
    /// The value, already checked against the field's range.
    fn from_checked(value: f64) -> Self;
    fn to_f64(self) -> f64;
}

impl Number for u32 {
    const WHOLE: bool = true;
    fn from_checked(value: f64) -> Self {
        value as u32
    }
    fn to_f64(self) -> f64 {
        f64::from(self)
    }
}

impl Number for f64 {
    const WHOLE: bool = false;
    fn from_checked(value: f64) -> Self {
        value
    }
    fn to_f64(self) -> f64 {
        self
    }
}

/// A struct of options declared with [`declare`].
pub trait Options: Default + Clone + fmt::Debug + PartialEq + Send + Sync + 'static {
    /// Every field, in declaration order.
    const FIELDS: &'static [Field];
    /// The value of field `index` of [`Options::FIELDS`].
    fn value(&self, index: usize) -> f64;
    /// Sets field `index` to a value [`Field::check`] accepted.
    fn set(&mut self, index: usize, value: f64);
}

/// [`Options`] without its type, for code that handles every rule's options alike.
pub trait Fields {
    fn fields(&self) -> &'static [Field];
    fn value(&self, index: usize) -> f64;
    fn set(&mut self, index: usize, value: f64);
}

impl<T: Options> Fields for T {
    fn fields(&self) -> &'static [Field] {
        T::FIELDS
    }
    fn value(&self, index: usize) -> f64 {
        Options::value(self, index)
    }
    fn set(&mut self, index: usize, value: f64) {
        Options::set(self, index, value);
    }
}

/// The JSON Schema of a set of fields: an object with exactly those properties.
pub fn schema(fields: &[Field]) -> Map<String, Value> {
    let properties: Map<String, Value> = fields
        .iter()
        .map(|f| (f.name.to_owned(), f.schema()))
        .collect();
    let mut out = Map::new();
    out.insert("properties".into(), Value::Object(properties));
    out.insert("additionalProperties".into(), Value::Bool(false));
    out
}

/// A number as people write it: `3`, `99.9`, `20000000`.
pub fn plain(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

fn schema_number(value: f64, whole: bool) -> Value {
    if whole && value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// Declares a struct of options: one line per field with its name in commaudit.yaml, its Rust
/// name and type (`u32` or `f64`), its default, its allowed range and its description.
///
/// ```ignore
/// options::declare! {
///     /// CA102's thresholds.
///     pub struct Options {
///         "max-depth" max_depth: u32 = 3, 1..=1000,
///             "longest allowed chain from an entrypoint, in hops";
///     }
/// }
/// ```
macro_rules! declare {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $($key:literal $field:ident: $ty:ty = $default:literal, $min:literal ..= $max:literal, $description:literal;)*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq)]
        $vis struct $name {
            $(#[doc = $description] pub $field: $ty,)*
        }

        impl Default for $name {
            fn default() -> Self {
                Self { $($field: $default,)* }
            }
        }

        impl $crate::options::Options for $name {
            const FIELDS: &'static [$crate::options::Field] = &[$(
                $crate::options::Field {
                    name: $key,
                    description: $description,
                    default: $default as f64,
                    min: $min as f64,
                    max: $max as f64,
                    whole: <$ty as $crate::options::Number>::WHOLE,
                },
            )*];

            fn value(&self, index: usize) -> f64 {
                let values = [$($crate::options::Number::to_f64(self.$field)),*];
                values.get(index).copied().unwrap_or(f64::NAN)
            }

            #[allow(unused_assignments)]
            fn set(&mut self, index: usize, value: f64) {
                let mut at = 0;
                $(
                    if at == index {
                        self.$field = <$ty as $crate::options::Number>::from_checked(value);
                    }
                    at += 1;
                )*
            }
        }
    };
}
pub(crate) use declare;

/// Checks what every declaration must hold: kebab-case names, unique; defaults within range;
/// whole-number bounds for whole-number fields. For the tests of each place that declares.
pub fn declaration_problems(fields: &[Field]) -> Vec<String> {
    let mut problems = Vec::new();
    for (i, f) in fields.iter().enumerate() {
        let kebab = f.name.starts_with(|c: char| c.is_ascii_lowercase())
            && f.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !kebab {
            problems.push(format!("`{}` is not kebab-case", f.name));
        }
        if fields[..i].iter().any(|g| g.name == f.name) {
            problems.push(format!("`{}` is declared twice", f.name));
        }
        if !(f.min <= f.default && f.default <= f.max) {
            problems.push(format!(
                "`{}`: default {} is outside {}",
                f.name,
                plain(f.default),
                f.expected()
            ));
        }
        if f.whole && [f.min, f.max, f.default].iter().any(|v| v.fract() != 0.0) {
            problems.push(format!("`{}`: a whole-number field with fractions", f.name));
        }
        if f.description.trim().len() < 10 {
            problems.push(format!("`{}` has no description", f.name));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    declare! {
        /// Options for the tests.
        struct Sample {
            "max-depth" max_depth: u32 = 3, 1..=1000, "longest allowed chain, in hops";
            "share" share: f64 = 0.5, 0..=1, "a share between none and all";
        }
    }

    fn node(text: &str) -> Node {
        yaml::parse_node(text).unwrap()
    }

    #[test]
    fn declarations_carry_names_defaults_and_ranges() {
        let sample = Sample::default();
        assert_eq!((sample.max_depth, sample.share), (3, 0.5));
        assert_eq!(Sample::FIELDS[0].name, "max-depth");
        assert!(Sample::FIELDS[0].whole && !Sample::FIELDS[1].whole);
        assert_eq!(Sample::FIELDS[1].expected(), "a number from 0 to 1");
        assert!(declaration_problems(Sample::FIELDS).is_empty());
    }

    #[test]
    fn values_are_set_by_index_through_the_untyped_view() {
        let mut sample = Sample::default();
        let fields: &mut dyn Fields = &mut sample;
        fields.set(0, 7.0);
        fields.set(1, 0.25);
        assert_eq!(fields.value(0), 7.0);
        assert_eq!((sample.max_depth, sample.share), (7, 0.25));
    }

    #[test]
    fn values_outside_the_range_or_of_the_wrong_kind_are_refused() {
        let depth = Sample::FIELDS[0];
        assert_eq!(depth.check(&node("4")), Ok(4.0));
        assert_eq!(depth.check(&node("4.0")), Ok(4.0));
        assert_eq!(depth.check(&node("0")), Err("found 0".into()));
        assert_eq!(depth.check(&node("3.5")), Err("found 3.5".into()));
        assert_eq!(depth.check(&node("deep")), Err("found a string".into()));
        let share = Sample::FIELDS[1];
        // The YAML layer refuses non-finite numbers already; the check does not rely on it.
        let float = |f: f64| Node {
            pos: yaml::Pos::default(),
            value: yaml::Value::Float(f),
        };
        assert_eq!(share.check(&float(f64::INFINITY)), Err("found .inf".into()));
        assert_eq!(share.check(&float(f64::NAN)), Err("found .nan".into()));
        assert_eq!(share.check(&node("-0.1")), Err("found -0.1".into()));
    }

    #[test]
    fn bad_declarations_are_found() {
        let bad = Field {
            name: "Max_Depth",
            description: "x",
            default: 0.0,
            min: 1.0,
            max: 2.5,
            whole: true,
        };
        assert_eq!(declaration_problems(&[bad]).len(), 4);
    }

    #[test]
    fn the_schema_states_the_range() {
        let schema = schema(Sample::FIELDS);
        assert_eq!(
            schema["properties"]["max-depth"],
            json!({"description": "longest allowed chain, in hops", "type": "integer",
                   "minimum": 1, "maximum": 1000, "default": 3})
        );
        assert_eq!(schema["additionalProperties"], json!(false));
    }
}
