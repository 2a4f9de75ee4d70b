//! The machinery behind every payload model: typed known fields, unknown fields kept, `null`
//! kept apart from absent, so parse → serialize gives back the same JSON value.
//!
//! Models are declared with [`json_object!`]: each known field becomes `Option<T>` (absent or
//! `null` is `None`; which of the two is remembered), unknown fields land in `extra`. The
//! generated `Deserialize` matches keys directly (no `#[serde(flatten)]`, which buffers every
//! field), so a lossless parse costs about what a typed parse that ignores unknown fields costs.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Which known fields of an object were `null`, by field position (at most 256 fields).
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct NullSet([u64; 4]);

impl NullSet {
    /// Marks field `index` as `null`.
    pub fn insert(&mut self, index: usize) {
        if let Some(word) = self.0.get_mut(index / 64) {
            *word |= 1 << (index % 64);
        }
    }

    /// Whether field `index` was `null`.
    pub fn contains(&self, index: usize) -> bool {
        self.0
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }
}

impl fmt::Debug for NullSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let indices = (0..256).filter(|i| self.contains(*i));
        f.debug_set().entries(indices).finish()
    }
}

/// Position of `key` in `fields`, at compile time (`usize::MAX`, ignored by [`NullSet`], if
/// absent).
#[allow(clippy::indexing_slicing)] // `i` is below the length checked on the line above.
pub const fn index_of(fields: &[&str], key: &str) -> usize {
    let mut i = 0;
    while i < fields.len() {
        if str_eq(fields[i], key) {
            return i;
        }
        i += 1;
    }
    usize::MAX
}

#[allow(clippy::indexing_slicing)] // `i` is below both lengths.
const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// An object key, borrowed from the input when it has no escapes.
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Key<'de>, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// Declares a lossless JSON object model. See the module documentation.
///
/// ```text
/// json_object! {
///     /// A thing.
///     pub struct Thing {
///         /// Its id.
///         "id" => id: i64,
///         "orderInfo" => order_info: OrderInfo,
///         /// Required: a missing (or `null`) value is an error naming the field.
///         required "instock" => instock: bool,
///     }
/// }
/// ```
macro_rules! json_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $($required:ident)? $key:literal => $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        ///
        /// Every known field is optional (`None` when absent or `null`; which one is remembered
        /// and written back); fields this crate does not model are kept in `extra`.
        #[derive(Clone, Debug, Default, PartialEq)]
        pub struct $name {
            $(
                $(#[$fmeta])*
                #[doc = concat!("\n\nJSON key `", $key, "`.")]
                pub $field: Option<$ty>,
            )*
            /// Fields this crate does not model, exactly as received.
            pub extra: serde_json::Map<String, serde_json::Value>,
            /// Known fields that were `null` (written back as `null`, not dropped).
            nulls: $crate::lossless::NullSet,
        }

        impl $name {
            /// The JSON keys this model knows, in declaration order.
            pub const FIELDS: &'static [&'static str] = &[$($key),*];

            /// Whether known field `key` was present with the value `null`.
            pub fn is_null(&self, key: &str) -> bool {
                Self::FIELDS
                    .iter()
                    .position(|k| *k == key)
                    .is_some_and(|i| self.nulls.contains(i))
            }

            /// Marks known field `key` as `null` (it is written back as `null` while unset).
            pub fn set_null(&mut self, key: &str) {
                if let Some(i) = Self::FIELDS.iter().position(|k| *k == key) {
                    self.nulls.insert(i);
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                        f.write_str(concat!("a JSON object (", stringify!($name), ")"))
                    }
                    #[allow(unused_mut)]
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        let mut out = $name::default();
                        while let Some($crate::lossless::Key(key)) = map.next_key()? {
                            match key.as_ref() {
                                $(
                                    $key => {
                                        const INDEX: usize = $crate::lossless::index_of($name::FIELDS, $key);
                                        if out.$field.is_some() || out.nulls.contains(INDEX) {
                                            return Err(serde::de::Error::duplicate_field($key));
                                        }
                                        out.$field = map.next_value()?;
                                        if out.$field.is_none() {
                                            out.nulls.insert(INDEX);
                                        }
                                    }
                                )*
                                _ => {
                                    let value: serde_json::Value = map.next_value()?;
                                    let key = key.into_owned();
                                    if out.extra.contains_key(&key) {
                                        return Err(serde::de::Error::custom(format_args!("duplicate field `{key}`")));
                                    }
                                    out.extra.insert(key, value);
                                }
                            }
                        }
                        $($(
                            let _ = stringify!($required);
                            if out.$field.is_none() {
                                return Err(serde::de::Error::missing_field($key));
                            }
                        )?)*
                        Ok(out)
                    }
                }
                deserializer.deserialize_map(ObjectVisitor)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(None)?;
                $(
                    if let Some(value) = &self.$field {
                        map.serialize_entry($key, value)?;
                    } else if self.nulls.contains(const { $crate::lossless::index_of($name::FIELDS, $key) }) {
                        map.serialize_entry($key, &())?;
                    }
                )*
                for (key, value) in &self.extra {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    };
}

#[cfg(test)]
#[allow(dead_code)] // the test models need not use every generated method
mod tests {
    use crate::Money;

    json_object! {
        /// A test object.
        pub struct Thing {
            /// Id.
            "id" => id: i64,
            /// Total.
            "total" => total: Money,
            /// Name.
            "name" => name: String,
            /// Children.
            "children" => children: Vec<Thing>,
        }
    }

    json_object! {
        /// With a required field.
        pub struct Strict {
            /// Required.
            required "id" => id: i64,
            /// Optional.
            "note" => note: String,
        }
    }

    #[test]
    fn round_trip_keeps_unknown_null_and_forms() -> Result<(), Box<dyn std::error::Error>> {
        let input = r#"{"id":1,"total":"4.860000","name":null,"x":{"y":[1,2.5,"z"]},"children":[{"total":4.86,"q":true}]}"#;
        let thing: Thing = serde_json::from_str(input)?;
        assert_eq!(thing.id, Some(1));
        assert!(thing.is_null("name"));
        assert_eq!(
            thing.total.as_ref().and_then(crate::Money::value),
            "4.86".parse().ok()
        );
        let out = serde_json::to_value(&thing)?;
        let expected: serde_json::Value = serde_json::from_str(input)?;
        assert_eq!(out, expected);
        Ok(())
    }

    #[test]
    fn errors_and_duplicates() -> Result<(), Box<dyn std::error::Error>> {
        let err = serde_json::from_str::<Thing>(r#"{"id":1,"id":2}"#).unwrap_err();
        assert!(err.to_string().contains("duplicate field `id`"), "{err}");
        let err = serde_json::from_str::<Thing>(r#"{"children":[{"total":true}]}"#).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
        let err = serde_json::from_str::<Thing>(r#"{"total":1.0e999999999}"#).unwrap_err();
        assert!(err.to_string().contains("out of range"), "{err}");
        let err = serde_json::from_str::<Strict>(r#"{"note":"x"}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `id`"), "{err}");
        let err = serde_json::from_str::<Strict>(r#"{"id":null}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `id`"), "{err}");
        assert_eq!(serde_json::from_str::<Strict>(r#"{"id":3}"#)?.id, Some(3));
        Ok(())
    }
}
