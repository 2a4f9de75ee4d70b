//! Small value types for fields whose JSON type varies between vendor versions. Each keeps the
//! form it came in and writes it back the same way.

use core::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A boolean that some payloads send as `true`/`false` and others as `0`/`1`.
///
/// ```
/// use pos_webhooks::Flag;
/// let a: Flag = serde_json::from_str("true").unwrap();
/// let b: Flag = serde_json::from_str("1").unwrap();
/// assert!(a.get() && b.get());
/// assert_eq!(serde_json::to_string(&b).unwrap(), "1");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Flag {
    /// A JSON boolean.
    Bool(bool),
    /// A JSON integer: `0` is false, anything else true.
    Int(i64),
}

impl Flag {
    /// The truth value.
    pub const fn get(self) -> bool {
        match self {
            Flag::Bool(b) => b,
            Flag::Int(n) => n != 0,
        }
    }
}

impl From<bool> for Flag {
    fn from(b: bool) -> Flag {
        Flag::Bool(b)
    }
}

impl Serialize for Flag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Flag::Bool(b) => serializer.serialize_bool(*b),
            Flag::Int(n) => serializer.serialize_i64(*n),
        }
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Flag, D::Error> {
        struct FlagVisitor;
        impl Visitor<'_> for FlagVisitor {
            type Value = Flag;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean or an integer 0/1")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Flag, E> {
                Ok(Flag::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Flag, E> {
                Ok(Flag::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Flag, E> {
                i64::try_from(v)
                    .map(Flag::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
        }
        deserializer.deserialize_any(FlagVisitor)
    }
}

/// An identifier that arrives as a JSON integer in some payloads and as a string in others
/// (Revel's `local_id`, Flow Retail's `Uid`).
///
/// ```
/// use pos_webhooks::IntOrText;
/// let a: IntOrText = serde_json::from_str("417").unwrap();
/// let b: IntOrText = serde_json::from_str(r#""417""#).unwrap();
/// assert_eq!(a.as_i64(), Some(417));
/// assert_eq!(b.as_i64(), Some(417));
/// assert_eq!(serde_json::to_string(&b).unwrap(), r#""417""#);
/// assert_eq!(a.to_string(), "417");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum IntOrText {
    /// A JSON integer.
    Int(i64),
    /// A JSON string.
    Text(String),
}

impl IntOrText {
    /// The value as an integer, if it is one or a string holding one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            IntOrText::Int(n) => Some(*n),
            IntOrText::Text(s) => s.trim().parse().ok(),
        }
    }
}

impl fmt::Display for IntOrText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IntOrText::Int(n) => write!(f, "{n}"),
            IntOrText::Text(s) => f.write_str(s),
        }
    }
}

impl Serialize for IntOrText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            IntOrText::Int(n) => serializer.serialize_i64(*n),
            IntOrText::Text(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for IntOrText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<IntOrText, D::Error> {
        struct IdVisitor;
        impl Visitor<'_> for IdVisitor {
            type Value = IntOrText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IntOrText, E> {
                Ok(IntOrText::Int(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IntOrText, E> {
                i64::try_from(v)
                    .map(IntOrText::Int)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IntOrText, E> {
                Ok(IntOrText::Text(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<IntOrText, E> {
                Ok(IntOrText::Text(v))
            }
        }
        deserializer.deserialize_any(IdVisitor)
    }
}
