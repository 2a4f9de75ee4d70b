//! The machinery behind every payload model: typed known fields, unknown fields kept, `null`
//! kept apart from absent, so parse → serialize gives back the same JSON value.
//!
//! Models are declared with [`json_object!`]: each known field becomes `Option<T>` (absent or
//! `null` is `None`; which of the two is remembered), unknown fields land in `extra`. The
//! generated `Deserialize` matches keys directly (no `#[serde(flatten)]`, which buffers every
//! field), so a lossless parse costs about what a typed parse that ignores unknown fields costs.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, Visitor};
use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use crate::ParseError;

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

/// Reads the value of known field `key` (number `index`) into `slot`: a duplicate is an error,
/// `null` is remembered in `nulls`.
///
/// Not inlined on purpose: one copy per value type and deserializer serves every field of that
/// type in every model, instead of the value's whole parse inlined into each `match` arm of
/// each model's visitor (tens of KiB of code per large model, which overflowed the instruction
/// cache and made a parse slower than its instruction count).
#[inline(never)]
pub fn read_field<'de, A, T>(
    map: &mut A,
    slot: &mut Option<T>,
    nulls: &mut NullSet,
    index: usize,
    key: &'static str,
) -> Result<(), A::Error>
where
    A: serde::de::MapAccess<'de>,
    T: serde::Deserialize<'de>,
{
    if slot.is_some() || nulls.contains(index) {
        return Err(serde::de::Error::duplicate_field(key));
    }
    *slot = map.next_value()?;
    if slot.is_none() {
        nulls.insert(index);
    }
    Ok(())
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

/// The exact JSON text of one value, borrowed from the input when the deserializer reads from
/// a slice or string (`serde_json::from_slice`, `from_str`, so [`crate::parse_json`]), owned
/// otherwise (`from_reader`, `from_value`): what `Box<RawValue>` captures, without its
/// allocation and copy where the text can be borrowed.
///
/// It asks the deserializer exactly as `RawValue`'s own `Deserialize` does. The name of that
/// request is not public, so it is asked of `RawValue` itself ([`raw_value_request`]); if a
/// `serde_json` release ever asks another way, `RawText` reads a `Box<RawValue>` instead, with
/// the same result and the old cost (`tests/parse_alloc.rs` would show it).
pub(crate) struct RawText<'de>(pub Cow<'de, str>);

/// The name `RawValue`'s `Deserialize` passes to `deserialize_newtype_struct`, recorded by a
/// deserializer that does nothing else (no state kept between calls: the compiler folds it to a
/// constant). `None` if `RawValue` asks any other way.
fn raw_value_request() -> Option<&'static str> {
    #[derive(Debug)]
    struct Asked(Option<&'static str>);
    impl fmt::Display for Asked {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the name of raw value requests")
        }
    }
    impl std::error::Error for Asked {}
    impl de::Error for Asked {
        fn custom<T: fmt::Display>(_: T) -> Asked {
            Asked(None)
        }
    }
    struct Probe;
    impl<'de> Deserializer<'de> for Probe {
        type Error = Asked;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Asked> {
            Err(Asked(None))
        }
        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            _: V,
        ) -> Result<V::Value, Asked> {
            Err(Asked(Some(name)))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct seq tuple tuple_struct map struct enum identifier
            ignored_any
        }
    }
    match <Box<RawValue> as de::Deserialize>::deserialize(Probe) {
        Err(Asked(name)) => name,
        Ok(_) => None,
    }
}

impl<'de> de::Deserialize<'de> for RawText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<RawText<'de>, D::Error> {
        /// What `RawValue`'s visitor accepts: a map of one entry, the request's name as key and
        /// the value's text as value.
        struct RawVisitor(&'static str);
        impl<'de> Visitor<'de> for RawVisitor {
            type Value = RawText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any valid JSON value")
            }
            fn visit_map<A: de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<RawText<'de>, A::Error> {
                match map.next_key::<Key<'de>>()? {
                    Some(Key(key)) if key == self.0 => {}
                    _ => return Err(de::Error::invalid_type(de::Unexpected::Map, &self)),
                }
                let Key(text) = map.next_value()?;
                Ok(RawText(text))
            }
        }
        match raw_value_request() {
            Some(name) => deserializer.deserialize_newtype_struct(name, RawVisitor(name)),
            None => {
                let raw = <Box<RawValue>>::deserialize(deserializer)?;
                Ok(RawText(Cow::Owned(String::from(Box::<str>::from(raw)))))
            }
        }
    }
}

/// A JSON value kept exactly as received: its text, so every number (`1e400`,
/// `123456789012345678901234567890`), escape and key order is written back byte for byte.
///
/// Models use it wherever they do not type a value (unknown fields, values vendors leave
/// undocumented). Reading it is explicit: [`JsonValue::parse`] into any type, [`JsonValue::get`]
/// for a member of an object, [`JsonValue::as_value`] for a `serde_json::Value` (which may round
/// numbers beyond `f64`).
///
/// Duplicate keys in any object inside are an error naming the key and where it is, as they
/// are for the models' known fields: the crate never silently keeps one of two values.
///
/// ```
/// use pos_webhooks::JsonValue;
/// let v: JsonValue = serde_json::from_str(r#"{"big":123456789012345678901234567890,"e":1e400}"#).unwrap();
/// assert_eq!(serde_json::to_string(&v).unwrap(), r#"{"big":123456789012345678901234567890,"e":1e400}"#);
/// assert_eq!(v.get::<String>("missing").unwrap(), None);
/// assert_eq!(v.raw("e").unwrap().as_str(), "1e400");
/// let err = serde_json::from_str::<JsonValue>(r#"{"a":{"b":1,"b":2}}"#).unwrap_err();
/// assert!(err.to_string().starts_with("duplicate field `b` at a.b"), "{err}");
/// ```
#[derive(Clone)]
pub struct JsonValue(Box<RawValue>);

impl JsonValue {
    /// Reads `text` as one JSON value (strict RFC 8259, duplicate keys refused), keeping it as
    /// it is.
    pub fn from_json(text: &str) -> Result<JsonValue, ParseError> {
        crate::parse_json(text.as_bytes())
    }

    /// The JSON text of a `serde_json::Value` (for building values to send).
    pub fn from_value(value: &serde_json::Value) -> JsonValue {
        // A `Value` always serializes, and its text is valid JSON without duplicate keys.
        match serde_json::value::to_raw_value(value) {
            Ok(raw) => JsonValue(raw),
            Err(_) => JsonValue::null(),
        }
    }

    /// Text the crate serialized itself (valid JSON, no duplicate keys). Used by Revel's models.
    #[cfg(feature = "revel")]
    pub(crate) fn from_raw(raw: Box<RawValue>) -> JsonValue {
        JsonValue(raw)
    }

    /// JSON `null`.
    pub fn null() -> JsonValue {
        // `RawValue::NULL` is a `&'static RawValue`.
        JsonValue(RawValue::NULL.to_owned())
    }

    /// The JSON text, exactly as received.
    pub fn as_str(&self) -> &str {
        self.0.get()
    }

    /// Whether it is `null`.
    pub fn is_null(&self) -> bool {
        self.as_str() == "null"
    }

    /// Reads the value as `T` (any `Deserialize` type: `i64`, `String`, [`Money`](crate::Money),
    /// a model, a `serde_json::Value`, ...).
    ///
    /// ```
    /// use pos_webhooks::{JsonValue, Money};
    /// let v = JsonValue::from_json("4.860000").unwrap();
    /// assert_eq!(v.parse::<Money>().unwrap().value().unwrap().to_string(), "4.860000");
    /// assert!(v.parse::<bool>().is_err());
    /// ```
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, ParseError> {
        crate::parse_json(self.as_str().as_bytes())
    }

    /// The value as a `serde_json::Value`. Lossy where `Value` is: numbers beyond `f64` are an
    /// error (`1e400`) or rounded (`123456789012345678901234567890`); prefer [`JsonValue::parse`]
    /// into a type that keeps them (`Money`, `Decimal`, `JsonValue`).
    pub fn as_value(&self) -> Result<serde_json::Value, ParseError> {
        self.parse()
    }

    /// The members of an object, in the order received (`None` if it is not an object).
    pub fn members(&self) -> Option<Extra> {
        if !self.as_str().starts_with('{') {
            return None;
        }
        serde_json::from_str(self.as_str()).ok()
    }

    /// The elements of an array (`None` if it is not an array).
    pub fn elements(&self) -> Option<Vec<JsonValue>> {
        if !self.as_str().starts_with('[') {
            return None;
        }
        serde_json::from_str(self.as_str()).ok()
    }

    /// Member `key` of an object, as received (`None` if absent or not an object).
    pub fn raw(&self, key: &str) -> Option<JsonValue> {
        let mut members = self.members()?;
        members.remove(key)
    }

    /// Member `key` of an object read as `T`: `Ok(None)` if absent (or this is not an object),
    /// an error naming the key if it does not fit `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, ParseError> {
        match self.raw(key) {
            None => Ok(None),
            Some(value) => value.parse().map(Some).map_err(|e| e.within(key)),
        }
    }

    /// The value at a JSON pointer (RFC 6901: `/items/0/price`), as received.
    ///
    /// ```
    /// use pos_webhooks::JsonValue;
    /// let v = JsonValue::from_json(r#"{"items":[{"price":4.860}],"a/b":1}"#).unwrap();
    /// assert_eq!(v.pointer("/items/0/price").unwrap().as_str(), "4.860");
    /// assert_eq!(v.pointer("/a~1b").unwrap().as_str(), "1");
    /// assert_eq!(v.pointer("").unwrap(), v);
    /// assert!(v.pointer("/items/1").is_none());
    /// ```
    pub fn pointer(&self, pointer: &str) -> Option<JsonValue> {
        if pointer.is_empty() {
            return Some(self.clone());
        }
        let mut current = self.clone();
        for token in pointer.strip_prefix('/')?.split('/') {
            let token = token.replace("~1", "/").replace("~0", "~");
            current = if current.as_str().starts_with('[') {
                if token.starts_with('+') || (token.starts_with('0') && token.len() > 1) {
                    return None;
                }
                let index: usize = token.parse().ok()?;
                current.elements()?.into_iter().nth(index)?
            } else {
                current.raw(&token)?
            };
        }
        Some(current)
    }
}

impl PartialEq for JsonValue {
    /// Same text (exact: `1.0` is not `1`, key order counts).
    fn eq(&self, other: &JsonValue) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for JsonValue {}

impl core::hash::Hash for JsonValue {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl Default for JsonValue {
    fn default() -> JsonValue {
        JsonValue::null()
    }
}

impl fmt::Debug for JsonValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "JsonValue({})", self.as_str())
    }
}

impl fmt::Display for JsonValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<serde_json::Value> for JsonValue {
    fn from(value: serde_json::Value) -> JsonValue {
        JsonValue::from_value(&value)
    }
}

impl Serialize for JsonValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> de::Deserialize<'de> for JsonValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsonValue, D::Error> {
        let raw = <Box<RawValue>>::deserialize(deserializer)?;
        check_duplicates(raw.get()).map_err(de::Error::custom)?;
        Ok(JsonValue(raw))
    }
}

/// A model's fields it does not type, each kept as a [`JsonValue`] (exact text) in the order
/// received.
///
/// ```
/// use pos_webhooks::{parse_json, revel::Ping};
/// let ping: Ping = parse_json(br#"{"ping":"pong","n":12345678901234567890123,"ok":true}"#).unwrap();
/// assert_eq!(ping.extra.get::<bool>("ok").unwrap(), Some(true));
/// assert_eq!(ping.extra.raw("n").unwrap().as_str(), "12345678901234567890123");
/// assert!(ping.extra.get::<i64>("n").is_err());
/// assert_eq!(ping.extra.keys().collect::<Vec<_>>(), ["n", "ok"]);
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Extra(Vec<(String, JsonValue)>);

impl Extra {
    /// No fields.
    pub const fn new() -> Extra {
        Extra(Vec::new())
    }

    /// Field `key`, as received.
    pub fn raw(&self, key: &str) -> Option<&JsonValue> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    /// Field `key` read as `T`: `Ok(None)` if absent, an error naming the key if it does not
    /// fit `T`.
    pub fn get<T: DeserializeOwned>(&self, key: &str) -> Result<Option<T>, ParseError> {
        match self.raw(key) {
            None => Ok(None),
            Some(value) => value.parse().map(Some).map_err(|e| e.within(key)),
        }
    }

    /// Whether field `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.raw(key).is_some()
    }

    /// Sets field `key` (replacing its value in place if present), returning the old value.
    pub fn insert(&mut self, key: impl Into<String>, value: JsonValue) -> Option<JsonValue> {
        let key = key.into();
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, old)) => Some(core::mem::replace(old, value)),
            None => {
                self.0.push((key, value));
                None
            }
        }
    }

    /// Removes field `key`, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<JsonValue> {
        let at = self.0.iter().position(|(k, _)| k == key)?;
        Some(self.0.remove(at).1)
    }

    /// The fields, in the order received.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &JsonValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The keys, in the order received.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }

    /// How many fields.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends without looking for `key` (the parser checks once, at the end of the object).
    #[doc(hidden)]
    pub fn push_unchecked(&mut self, key: String, value: JsonValue) {
        self.0.push((key, value));
    }

    /// A key present twice, if any.
    #[doc(hidden)]
    pub fn first_duplicate(&self) -> Option<&str> {
        first_duplicate(self.0.iter().map(|(k, _)| k.as_str()))
    }
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a str, &'a JsonValue);
    type IntoIter = Box<dyn Iterator<Item = (&'a str, &'a JsonValue)> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

impl Serialize for Extra {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> de::Deserialize<'de> for Extra {
    /// An object's members (duplicate keys are an error).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Extra, D::Error> {
        struct ExtraVisitor;
        impl<'de> Visitor<'de> for ExtraVisitor {
            type Value = Extra;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut out = Extra::new();
                while let Some(Key(key)) = map.next_key()? {
                    let value: JsonValue = map.next_value()?;
                    out.push_unchecked(key.into_owned(), value);
                }
                if let Some(key) = out.first_duplicate() {
                    return Err(de::Error::custom(format_args!("duplicate field `{key}`")));
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(ExtraVisitor)
    }
}

/// A key that occurs twice among `keys`: pairwise for a few keys, by sorting beyond (so an
/// object with many keys costs `n log n`, not `n²`).
fn first_duplicate<'a>(keys: impl ExactSizeIterator<Item = &'a str> + Clone) -> Option<&'a str> {
    if keys.len() <= 12 {
        let mut rest = keys.clone();
        while let Some(key) = rest.next() {
            if rest.clone().any(|other| other == key) {
                return Some(key);
            }
        }
        return None;
    }
    let mut sorted: Vec<&str> = keys.collect();
    sorted.sort_unstable();
    sorted.windows(2).find_map(|pair| match pair {
        [a, b] if a == b => Some(*a),
        _ => None,
    })
}

/// Checks the `\u` escapes of `text` (valid JSON, as `serde_json` captured it) as `serde_json`
/// checks them when it reads a string: a surrogate must come in a pair (`\ud83d\ude00`).
/// `serde_json` only skips over a value it captures as text, so `"\ud83d\ud200"` would be
/// kept although no parser reads it as a string. The messages are `serde_json`'s.
fn check_surrogates(text: &[u8]) -> Result<(), &'static str> {
    if !text.contains(&b'\\') {
        return Ok(());
    }
    let hex = |at: usize| -> Option<u32> {
        let digits = text.get(at..at.checked_add(4)?)?;
        u32::from_str_radix(core::str::from_utf8(digits).ok()?, 16).ok()
    };
    let mut i = 0;
    while let Some(offset) = text
        .get(i..)
        .and_then(|rest| rest.iter().position(|b| *b == b'\\'))
    {
        let at = i + offset;
        if text.get(at + 1) != Some(&b'u') {
            // Any other escape is two bytes (`\\` included: its second byte is no escape).
            i = at + 2;
            continue;
        }
        // serde_json checked the four hex digits.
        let n = hex(at + 2).ok_or("invalid escape")?;
        i = at + 6;
        if (0xDC00..=0xDFFF).contains(&n) {
            return Err("lone leading surrogate in hex escape");
        }
        if (0xD800..=0xDBFF).contains(&n) {
            if text.get(at + 6..at + 8) != Some(b"\\u") {
                return Err("unexpected end of hex escape");
            }
            let low = hex(at + 8).ok_or("invalid escape")?;
            if !(0xDC00..=0xDFFF).contains(&low) {
                return Err("lone leading surrogate in hex escape");
            }
            i = at + 12;
        }
    }
    Ok(())
}

/// One open container while scanning for duplicate keys.
enum Frame<'a> {
    Object { keys: Vec<Cow<'a, str>> },
    Array { index: usize },
}

/// How deep a value kept as text may nest: `serde_json`'s own limit for typed values.
const MAX_DEPTH: usize = 128;

/// Checks that no object inside `text` (valid JSON, as `serde_json` captured it) has a key twice;
/// the error names the key and its path inside the value (`a.b`, `items[2].id`). Keys are
/// compared after unescaping (`"a"` and `"\u0061"` are the same key). Nesting beyond
/// [`MAX_DEPTH`] is an error, as it is for typed values. In the same pass, every string with an
/// escape has its `\u` escapes checked ([`check_surrogates`]).
fn check_duplicates(text: &str) -> Result<(), String> {
    let bytes = text.as_bytes();
    // A scalar holds no object (a string may hold `{`, as text): nothing to scan.
    let first = bytes
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    if !matches!(first, Some(b'{' | b'[')) {
        return check_surrogates(bytes).map_err(String::from);
    }
    let mut stack: Vec<Frame<'_>> = Vec::new();
    let mut expect_key = false;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'{' | b'[' if stack.len() >= MAX_DEPTH => {
                return Err("recursion limit exceeded".into());
            }
            b'{' => {
                stack.push(Frame::Object { keys: Vec::new() });
                expect_key = true;
            }
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' => {
                if let Some(Frame::Object { keys }) = stack.last()
                    && let Some(key) = first_duplicate(keys.iter().map(|k| k.as_ref()))
                {
                    let mut path = path_of(stack.get(..stack.len().saturating_sub(1)));
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                    return Err(format!("duplicate field `{key}` at {path}"));
                }
                stack.pop();
                expect_key = false;
            }
            b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { .. }) => expect_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b'"' => {
                let start = i + 1;
                let mut j = start;
                let mut escaped = false;
                while let Some(&c) = bytes.get(j) {
                    match c {
                        b'\\' => {
                            escaped = true;
                            j += 2;
                        }
                        b'"' => break,
                        _ => j += 1,
                    }
                }
                if escaped {
                    check_surrogates(bytes.get(start..j).unwrap_or_default())?;
                }
                if expect_key {
                    let key: Cow<'_, str> = if escaped {
                        let quoted = text.get(i..=j).unwrap_or_default();
                        Cow::Owned(
                            serde_json::from_str::<String>(quoted).map_err(|e| e.to_string())?,
                        )
                    } else {
                        Cow::Borrowed(text.get(start..j).unwrap_or_default())
                    };
                    if let Some(Frame::Object { keys }) = stack.last_mut() {
                        keys.push(key);
                    }
                    expect_key = false;
                }
                i = j;
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// `a.b[2]` for the open containers in `frames` (the last key of each object, each array's
/// index).
fn path_of(frames: Option<&[Frame<'_>]>) -> String {
    let mut path = String::new();
    for frame in frames.unwrap_or_default() {
        match frame {
            Frame::Object { keys } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(keys.last().map(|k| k.as_ref()).unwrap_or_default());
            }
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    path
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
            /// Fields this crate does not model, each value exactly as received (its text, key
            /// order and numbers), in the order received; read one with
            /// [`Extra::get`](crate::Extra::get).
            pub extra: $crate::Extra,
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
                                    $key => $crate::lossless::read_field(
                                        &mut map,
                                        &mut out.$field,
                                        &mut out.nulls,
                                        const { $crate::lossless::index_of($name::FIELDS, $key) },
                                        $key,
                                    )?,
                                )*
                                _ => {
                                    let value: $crate::JsonValue = map.next_value()?;
                                    out.extra.push_unchecked(key.into_owned(), value);
                                }
                            }
                        }
                        if let Some(key) = out.extra.first_duplicate() {
                            return Err(serde::de::Error::custom(format_args!("duplicate field `{key}`")));
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
                for (key, value) in self.extra.iter() {
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

    /// The raw text is lent by a deserializer reading a string or slice, copied by a reader,
    /// and the same in both; what `RawValue` refuses, it refuses.
    #[test]
    fn raw_text_borrowed_where_it_can_be() {
        use super::RawText;
        use std::borrow::Cow;
        assert!(super::raw_value_request().is_some());
        let input = r#"[ 4.860 , "x\"y" ,{"a":[1, 2]}]"#;
        let lent: Vec<RawText<'_>> = serde_json::from_str(input).unwrap();
        let mut reader = serde_json::Deserializer::from_reader(input.as_bytes());
        let read: Vec<RawText<'_>> = serde::Deserialize::deserialize(&mut reader).unwrap();
        let texts: Vec<&str> = lent.iter().map(|t| t.0.as_ref()).collect();
        assert_eq!(texts, ["4.860", r#""x\"y""#, r#"{"a":[1, 2]}"#]);
        assert!(lent.iter().all(|t| matches!(t.0, Cow::Borrowed(_))));
        assert!(read.iter().all(|t| matches!(t.0, Cow::Owned(_))));
        assert_eq!(read.iter().map(|t| t.0.as_ref()).collect::<Vec<_>>(), texts);
        for bad in ["[4.", "[01]", r#"["\u12"]"#, "[tru]", "[1,]"] {
            assert!(
                serde_json::from_str::<Vec<RawText<'_>>>(bad).is_err(),
                "{bad}"
            );
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

    /// Found by the fuzz target `round_trip`: a value kept as text (here an unknown field) with
    /// a broken surrogate pair was accepted, though `serde_json` refuses it as a string.
    #[test]
    fn surrogates_checked_in_kept_text() {
        for bad in [
            r#"{"state":"\ud83d\ud200ud*"}"#,
            r#"{"x":"\ud83d"}"#,
            r#"{"x":"\ud83dx"}"#,
            r#"{"x":"\ude00"}"#,
            r#"{"x":["a","\\\ud800"]}"#,
            r#"{"x":{"\udc00":1}}"#,
        ] {
            assert!(
                serde_json::from_str::<serde_json::Value>(bad).is_err(),
                "{bad}"
            );
            assert!(serde_json::from_str::<Thing>(bad).is_err(), "{bad}");
            assert!(crate::parse_json::<Thing>(bad.as_bytes()).is_err(), "{bad}");
        }
        for good in [
            r#"{"x":"\ud83d\ude00"}"#,
            r#"{"x":"\\ud800"}"#,
            r#"{"x":"\\\\ud800"}"#,
            r#"{"x":["\u0041\n\"\/"]}"#,
            r#"{"x":"\uDBFF\uDFFF"}"#,
        ] {
            assert!(
                serde_json::from_str::<serde_json::Value>(good).is_ok(),
                "{good}"
            );
            let thing: Thing = serde_json::from_str(good).unwrap();
            assert_eq!(serde_json::to_string(&thing).unwrap(), good);
        }
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
/// The exact oracle of the fuzz targets and property tests: whether two JSON texts hold the same
/// tokens, numbers compared as exact decimal values (`1.50` is `15e-1`, never through `f64`),
/// strings after unescaping (`"\u0041"` is `"A"`), object members by key (the models write
/// their known fields first), arrays in order.
///
/// Not part of the API: it is public so that the tests and the fuzz targets share one copy.
#[doc(hidden)]
pub mod oracle {
    use std::borrow::Cow;
    use std::collections::BTreeMap;

    /// One JSON value, with numbers canonical and strings unescaped.
    #[derive(Debug, PartialEq, Eq)]
    pub enum Node {
        /// `null`.
        Null,
        /// `true` / `false`.
        Bool(bool),
        /// A number as canonical decimal text: `0`, or `-?D+eN` with no leading or trailing
        /// zeros in `D`.
        Number(String),
        /// A string, unescaped.
        String(String),
        /// An array.
        Array(Vec<Node>),
        /// An object, by key (a duplicate key is an error of [`parse`]).
        Object(BTreeMap<String, Node>),
    }

    /// Parses `text` into a [`Node`]; an error for invalid JSON or a duplicate key.
    pub fn parse(text: &[u8]) -> Result<Node, String> {
        let mut p = Parser { text, at: 0 };
        let node = p.value(0)?;
        p.ws();
        if p.at != text.len() {
            return Err(format!("trailing characters at byte {}", p.at));
        }
        Ok(node)
    }

    /// `Ok` when `input` and `output` hold the same JSON (see the module docs); the error says
    /// where they differ.
    pub fn same_json(input: &[u8], output: &[u8]) -> Result<(), String> {
        let a = parse(input).map_err(|e| format!("input: {e}"))?;
        let b = parse(output).map_err(|e| format!("output: {e}"))?;
        diff(&a, &b, &mut String::new())
    }

    fn diff(a: &Node, b: &Node, path: &mut String) -> Result<(), String> {
        match (a, b) {
            (Node::Array(x), Node::Array(y)) => {
                if x.len() != y.len() {
                    return Err(format!("at `{path}`: {} elements vs {}", x.len(), y.len()));
                }
                for (i, (x, y)) in x.iter().zip(y).enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    diff(x, y, path)?;
                    path.truncate(len);
                }
                Ok(())
            }
            (Node::Object(x), Node::Object(y)) => {
                for key in x.keys().chain(y.keys()) {
                    let len = path.len();
                    path.push('.');
                    path.push_str(key);
                    match (x.get(key), y.get(key)) {
                        (Some(x), Some(y)) => diff(x, y, path)?,
                        (Some(_), None) => {
                            return Err(format!("at `{path}`: missing in the output"));
                        }
                        (None, _) => return Err(format!("at `{path}`: not in the input")),
                    }
                    path.truncate(len);
                }
                Ok(())
            }
            _ if a == b => Ok(()),
            _ => Err(format!("at `{path}`: {a:?} vs {b:?}")),
        }
    }

    struct Parser<'a> {
        text: &'a [u8],
        at: usize,
    }

    impl<'a> Parser<'a> {
        fn peek(&self) -> Option<u8> {
            self.text.get(self.at).copied()
        }

        fn ws(&mut self) {
            while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                self.at += 1;
            }
        }

        fn eat(&mut self, b: u8) -> Result<(), String> {
            self.ws();
            if self.peek() == Some(b) {
                self.at += 1;
                Ok(())
            } else {
                Err(format!("expected `{}` at byte {}", b as char, self.at))
            }
        }

        fn value(&mut self, depth: usize) -> Result<Node, String> {
            if depth > 256 {
                return Err("nested too deeply".into());
            }
            self.ws();
            match self.peek() {
                Some(b'{') => {
                    self.at += 1;
                    let mut members = BTreeMap::new();
                    self.ws();
                    if self.peek() == Some(b'}') {
                        self.at += 1;
                        return Ok(Node::Object(members));
                    }
                    loop {
                        self.ws();
                        let key = self.string()?;
                        self.eat(b':')?;
                        let value = self.value(depth + 1)?;
                        if members.contains_key(&key) {
                            return Err(format!("duplicate key `{key}`"));
                        }
                        members.insert(key, value);
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.at += 1,
                            Some(b'}') => {
                                self.at += 1;
                                return Ok(Node::Object(members));
                            }
                            _ => return Err(format!("expected `,` or `}}` at byte {}", self.at)),
                        }
                    }
                }
                Some(b'[') => {
                    self.at += 1;
                    let mut elements = Vec::new();
                    self.ws();
                    if self.peek() == Some(b']') {
                        self.at += 1;
                        return Ok(Node::Array(elements));
                    }
                    loop {
                        elements.push(self.value(depth + 1)?);
                        self.ws();
                        match self.peek() {
                            Some(b',') => self.at += 1,
                            Some(b']') => {
                                self.at += 1;
                                return Ok(Node::Array(elements));
                            }
                            _ => return Err(format!("expected `,` or `]` at byte {}", self.at)),
                        }
                    }
                }
                Some(b'"') => self.string().map(Node::String),
                Some(b't') => self.literal("true", Node::Bool(true)),
                Some(b'f') => self.literal("false", Node::Bool(false)),
                Some(b'n') => self.literal("null", Node::Null),
                Some(b'-' | b'0'..=b'9') => self.number(),
                _ => Err(format!("expected a value at byte {}", self.at)),
            }
        }

        fn literal(&mut self, word: &str, node: Node) -> Result<Node, String> {
            let end = self.at + word.len();
            if self.text.get(self.at..end) == Some(word.as_bytes()) {
                self.at = end;
                Ok(node)
            } else {
                Err(format!("expected `{word}` at byte {}", self.at))
            }
        }

        fn string(&mut self) -> Result<String, String> {
            let start = self.at;
            if self.peek() != Some(b'"') {
                return Err(format!("expected a string at byte {start}"));
            }
            self.at += 1;
            loop {
                match self.peek() {
                    None => return Err("unterminated string".into()),
                    Some(b'\\') => self.at += 2,
                    Some(b'"') => {
                        self.at += 1;
                        break;
                    }
                    Some(_) => self.at += 1,
                }
            }
            let quoted = self.text.get(start..self.at).unwrap_or_default();
            serde_json::from_slice::<Cow<'_, str>>(quoted)
                .map(Cow::into_owned)
                .map_err(|e| format!("bad string at byte {start}: {e}"))
        }

        fn number(&mut self) -> Result<Node, String> {
            let start = self.at;
            let digits = |p: &mut Parser<'a>| -> &'a [u8] {
                let from = p.at;
                while matches!(p.peek(), Some(b'0'..=b'9')) {
                    p.at += 1;
                }
                p.text.get(from..p.at).unwrap_or_default()
            };
            let negative = self.peek() == Some(b'-');
            if negative {
                self.at += 1;
            }
            let int = digits(self);
            if int.is_empty() || (int.len() > 1 && int.first() == Some(&b'0')) {
                return Err(format!("bad number at byte {start}"));
            }
            let mut frac: &[u8] = &[];
            if self.peek() == Some(b'.') {
                self.at += 1;
                frac = digits(self);
                if frac.is_empty() {
                    return Err(format!("bad number at byte {start}"));
                }
            }
            let mut exp_negative = false;
            let mut exp: &[u8] = b"0";
            if matches!(self.peek(), Some(b'e' | b'E')) {
                self.at += 1;
                match self.peek() {
                    Some(b'-') => {
                        exp_negative = true;
                        self.at += 1;
                    }
                    Some(b'+') => self.at += 1,
                    _ => {}
                }
                exp = digits(self);
                if exp.is_empty() {
                    return Err(format!("bad number at byte {start}"));
                }
            }
            Ok(Node::Number(canonical(
                negative,
                int,
                frac,
                exp_negative,
                exp,
            )))
        }
    }

    /// `-?DeN`: significant digits without leading or trailing zeros, and the exponent of the
    /// last digit; `0` for every zero.
    fn canonical(
        negative: bool,
        int: &[u8],
        frac: &[u8],
        exp_negative: bool,
        exp: &[u8],
    ) -> String {
        let all: Vec<u8> = int.iter().chain(frac).copied().collect();
        let Some(first) = all.iter().position(|b| *b != b'0') else {
            return "0".into();
        };
        let last = all.iter().rposition(|b| *b != b'0').unwrap_or(first);
        let significant =
            String::from_utf8_lossy(all.get(first..=last).unwrap_or_default()).into_owned();
        let trailing = (all.len() - 1 - last) as i128;
        let shift = trailing - frac.len() as i128;
        let exp_digits = {
            let from = exp.iter().position(|b| *b != b'0').unwrap_or(exp.len());
            exp.get(from..).unwrap_or_default()
        };
        let sign = if negative { "-" } else { "" };
        if exp_digits.len() <= 30 {
            let mut e: i128 = 0;
            for b in exp_digits {
                e = e * 10 + i128::from(b - b'0');
            }
            let e = if exp_negative { -e } else { e };
            format!("{sign}{significant}e{}", e + shift)
        } else {
            // Beyond any real payload; written so that equal spellings still compare equal.
            let exp_sign = if exp_negative { "-" } else { "" };
            format!(
                "{sign}{significant}e{exp_sign}{}{shift:+}",
                String::from_utf8_lossy(exp_digits)
            )
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn numbers_strings_and_order() {
            assert!(same_json(b"1.50", b"15e-1").is_ok());
            assert!(same_json(b"-0", b"0.000e7").is_ok());
            assert!(same_json(b"1e400", b"10e399").is_ok());
            assert!(
                same_json(b"123456789012345678901234567890", b"1.2345678901234568e+29").is_err()
            );
            assert!(same_json(b"0.1000000000000000000001", b"0.1").is_err());
            assert!(same_json(br#""\u0041""#, br#""A""#).is_ok());
            assert!(same_json(br#"{"a":1,"b":[1,2]}"#, br#"{"b":[1,2],"a":1}"#).is_ok());
            assert!(same_json(br#"[1,2]"#, br#"[2,1]"#).is_err());
            assert!(same_json(br#"{"a":1}"#, br#"{"a":1,"b":null}"#).is_err());
            assert!(
                parse(br#"{"a":1,"a":2}"#)
                    .unwrap_err()
                    .contains("duplicate key `a`")
            );
            assert!(
                same_json(
                    b"1e99999999999999999999999999999999",
                    b"1e99999999999999999999999999999999"
                )
                .is_ok()
            );
        }
    }
}
