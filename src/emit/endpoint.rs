//! One endpoint: where requests go, how they are authenticated, the vendor's conventions,
//! custom headers and the filter; validated whenever it is built or deserialized.
//!
//! Reading endpoint JSON is strict and quiet: an unknown field at any level is an error naming
//! it (a typo such as `"filtr"` must not silently drop the filter), and no error quotes a value
//! that was read (a secret typed into the wrong field, or with the wrong type, stays out of
//! logs).

use core::fmt;
use core::marker::PhantomData;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderName, HeaderValue, Uri};
use serde::de::{self, Deserializer, Expected, IntoDeserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::destination::{DestinationError, DestinationPolicy, is_loopback_host};
use crate::{ConfigError, EventFilter, Scheme, Signer};

/// A secret as stored in an endpoint's configuration: serialized as its text (vendors store
/// endpoints), printed as `[redacted]`. Reading one that is not a string is an error that does
/// not quote the value.
///
/// ```
/// use pos_webhooks::SecretString;
/// let err = serde_json::from_str::<SecretString>("123456789").unwrap_err().to_string();
/// assert!(!err.contains("123456789"), "{err}");
/// ```
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SecretString(String);

impl SecretString {
    /// Wraps a secret.
    pub fn new(secret: impl Into<String>) -> SecretString {
        SecretString(secret.into())
    }

    /// The secret text. Named so that every use stands out in review.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SecretString {
    fn from(s: &str) -> SecretString {
        SecretString(s.to_owned())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> Deserialize<'de> for SecretString {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SecretString, D::Error> {
        deserializer.deserialize_any(QuietString).map(SecretString)
    }
}

/// A string visitor whose type errors name the kind of value found, never the value.
struct QuietString;

fn quiet<E: de::Error>(kind: &str) -> E {
    E::custom(format_args!(
        "invalid type: {kind} (value not shown), expected a string"
    ))
}

impl<'de> Visitor<'de> for QuietString {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_owned())
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        Ok(v)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<String, E> {
        Err(quiet("boolean"))
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<String, E> {
        Err(quiet("integer"))
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<String, E> {
        Err(quiet("integer"))
    }
    fn visit_i128<E: de::Error>(self, _: i128) -> Result<String, E> {
        Err(quiet("integer"))
    }
    fn visit_u128<E: de::Error>(self, _: u128) -> Result<String, E> {
        Err(quiet("integer"))
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<String, E> {
        Err(quiet("floating point number"))
    }
    fn visit_char<E: de::Error>(self, _: char) -> Result<String, E> {
        Err(quiet("character"))
    }
    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<String, E> {
        Err(quiet("bytes"))
    }
    fn visit_none<E: de::Error>(self) -> Result<String, E> {
        Err(quiet("null"))
    }
    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        Err(quiet("null"))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(quiet("sequence"))
    }
    fn visit_map<A: de::MapAccess<'de>>(self, _: A) -> Result<String, A::Error> {
        Err(quiet("map"))
    }
}

/// Reads a custom header's value (which may be an API key) without quoting it in errors.
fn quiet_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    deserializer.deserialize_any(QuietString)
}

/// Reads a scheme name; an unknown one is an error that does not repeat the text (a secret
/// pasted into the wrong field).
fn quiet_scheme<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Scheme, D::Error> {
    let name = deserializer.deserialize_any(QuietString)?;
    name.parse().map_err(|_| {
        de::Error::custom(
            "unknown scheme (expected one of revel, mipos, linga, ordergroove, standard, stripe, github, shopify, square)",
        )
    })
}

/// How an endpoint proves the webhook comes from the sender.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Auth {
    /// Signed with a scheme, with one or more secrets (newest first). For Square the endpoint's
    /// URL is the notification URL that is signed.
    Signature {
        /// The scheme.
        #[serde(deserialize_with = "quiet_scheme")]
        scheme: Scheme,
        /// The secrets, newest first.
        secrets: Vec<SecretString>,
    },
    /// A static header whose name and value the receiver chose (Linga's "Request Header").
    /// A token, not a signature: it does not protect the body. The value may not be empty nor
    /// have leading or trailing whitespace (HTTP strips it, so the receiver would compare
    /// another token).
    StaticHeader {
        /// The header name.
        name: String,
        /// The header value.
        value: SecretString,
    },
    /// HTTP basic authentication (Flow Retail `BASIC_AUTH`); neither part may be empty.
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: SecretString,
    },
    /// A bearer token (Flow Retail); not empty, no leading or trailing whitespace.
    Bearer {
        /// The token.
        token: SecretString,
    },
    /// Nothing (Flow Retail `NONE`): the receiver cannot tell who sent the webhook.
    None,
}

/// Which vendor's conventions the requests follow (the headers it adds).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Vendor {
    /// No vendor headers beyond the authentication.
    #[default]
    Generic,
    /// Revel: `X-Revel-Instance`, `X-Revel-Event-Type`, `X-Revel-Establishment-Id` (from the
    /// event's store); https only, except plain http to a loopback host when asked for with
    /// [`AllowHttp::Loopback`].
    Revel {
        /// The customer instance name (`X-Revel-Instance`).
        instance: String,
    },
    /// miPOS.
    Mipos,
    /// Linga POS Back Office.
    Linga,
    /// Ordergroove.
    Ordergroove,
    /// Flow Retail.
    FlowRetail,
}

/// A custom header sent with every request of an endpoint.
///
/// It may not be one the crate sets (see [`EndpointError::ReservedHeader`]) nor be given twice;
/// its value is marked sensitive in the request (it may be an API key) and never printed by
/// `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomHeader {
    /// The name.
    pub name: String,
    /// The value (validated: no CR, LF or other control characters).
    #[serde(deserialize_with = "quiet_string")]
    pub value: String,
}

impl fmt::Debug for CustomHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomHeader")
            .field("name", &self.name)
            .field("value", &format_args!("[redacted]"))
            .finish()
    }
}

/// When plain `http://` URLs are accepted (https always is).
///
/// In endpoint JSON: `"allow_http": false` (the default), `"allow_http": "loopback"` or
/// `"allow_http": true`. A stored `true` can be overruled by the caller with a
/// [`DestinationPolicy`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AllowHttp {
    /// https only (the default).
    #[default]
    Never,
    /// Plain http to the sender's own machine only, for local testing: a loopback address
    /// (`127.0.0.0/8`, `::1`, in any spelling) or the name `localhost`; for every vendor,
    /// Revel included.
    Loopback,
    /// Plain http to any host (loopback included); Revel still requires https elsewhere.
    Any,
}

impl Serialize for AllowHttp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            AllowHttp::Never => serializer.serialize_bool(false),
            AllowHttp::Loopback => serializer.serialize_str("loopback"),
            AllowHttp::Any => serializer.serialize_bool(true),
        }
    }
}

impl<'de> Deserialize<'de> for AllowHttp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AllowHttp, D::Error> {
        struct AllowHttpVisitor;
        impl Visitor<'_> for AllowHttpVisitor {
            type Value = AllowHttp;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true, false or \"loopback\"")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<AllowHttp, E> {
                Ok(if v { AllowHttp::Any } else { AllowHttp::Never })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AllowHttp, E> {
                match v {
                    "loopback" => Ok(AllowHttp::Loopback),
                    _ => Err(E::custom(
                        "invalid allow_http: expected true, false or \"loopback\"",
                    )),
                }
            }
        }
        deserializer.deserialize_any(AllowHttpVisitor)
    }
}

/// Why an endpoint was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The URL cannot be parsed or has no host.
    #[error("invalid url: {0}")]
    InvalidUrl(&'static str),
    /// The URL has user info (`https://user:password@host/`, or `https://good.example@evil/`,
    /// whose host is `evil`): credentials belong in [`Auth`], and user info can disguise the
    /// host.
    #[error(
        "invalid url: user info (`user:password@`) is not allowed; put credentials in the auth"
    )]
    UrlUserInfo,
    /// The URL's port is empty, zero or above 65535.
    #[error("invalid url: the port must be a number from 1 to 65535")]
    InvalidPort,
    /// A plain http URL that [`AllowHttp`] does not allow (Revel requires https except to a
    /// loopback host).
    #[error("url must use https{0}")]
    HttpsRequired(&'static str),
    /// A header name that is not a valid HTTP header name.
    #[error("invalid header name {0:?}")]
    InvalidHeaderName(String),
    /// A header value with CR, LF or other characters HTTP forbids.
    #[error("invalid value for header {0}: control characters such as CR or LF are not allowed")]
    InvalidHeaderValue(String),
    /// A custom header (or a static auth header's name) that the crate sets itself, named
    /// lowercase: the framing headers (`host`, `content-length`, `transfer-encoding`,
    /// `connection`, `te`, `upgrade`, `keep-alive`, `proxy-connection`, `trailer`, `expect`),
    /// `content-type`, every scheme's signature headers and their aliases, the message-id
    /// headers (`webhook-id`, `x-github-delivery`, `x-shopify-webhook-id`, ...), the Revel
    /// headers (`x-revel-*`), `authorization` when the auth sets it, and the static auth
    /// header's own name.
    ///
    /// The framing list is HTTP's hop-by-hop headers (RFC 9110 §7.6.1) and the Fetch
    /// standard's forbidden request headers, which browsers refuse from scripts for the same
    /// reason. `authorization` is reserved only when the crate sets it (basic, bearer, or a
    /// static header of that name): with no auth or a signature scheme it is the receiver's
    /// own credential (a Flow Retail transport with security `NONE` and an API key), and the
    /// crate sets nothing it could contradict.
    #[error("header {0} is set by the crate and cannot be a custom header")]
    ReservedHeader(String),
    /// Two custom headers with the same name (case-insensitive), named lowercase. Refused
    /// rather than sent as two lines or joined with commas: a request carries one value per
    /// custom name, as configured, and joining is not meaningful for every header.
    #[error("custom header {0} is given twice")]
    DuplicateHeader(String),
    /// A credential that is empty (`auth.token`, `auth.value`, `auth.username`,
    /// `auth.password`).
    #[error("{0} is empty")]
    EmptyCredential(&'static str),
    /// A token with leading or trailing whitespace (`auth.token`, `auth.value`), which HTTP
    /// strips: the receiver would compare another token.
    #[error("{0} has leading or trailing whitespace")]
    CredentialWhitespace(&'static str),
    /// The destination policy given to the builder refused the URL.
    #[error("destination: {0}")]
    Destination(#[from] DestinationError),
    /// The signing configuration was refused.
    #[error("signature: {0}")]
    Signature(#[from] ConfigError),
}

/// The stored form of an [`Endpoint`] (what its JSON looks like).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct EndpointConfig {
    pub(super) url: String,
    #[serde(default = "yes")]
    pub(super) enabled: bool,
    #[serde(default)]
    pub(super) vendor: Vendor,
    pub(super) auth: Auth,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) headers: Vec<CustomHeader>,
    #[serde(default = "EventFilter::all")]
    pub(super) filter: EventFilter,
    #[serde(default, skip_serializing_if = "is_never")]
    pub(super) allow_http: AllowHttp,
}

fn yes() -> bool {
    true
}

fn is_never(allow: &AllowHttp) -> bool {
    *allow == AllowHttp::Never
}

impl fmt::Debug for EndpointConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|h| h.name.as_str()).collect();
        f.debug_struct("Endpoint")
            .field("url", &RedactedUrl(&self.url))
            .field("enabled", &self.enabled)
            .field("vendor", &self.vendor)
            .field("auth", &self.auth)
            .field("headers", &names)
            .field("filter", &self.filter)
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

/// A URL printed without user info, query or fragment: `https://host/path?[redacted]`.
struct RedactedUrl<'a>(&'a str);

impl fmt::Debug for RedactedUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.0;
        let (before_fragment, fragment) = match url.split_once('#') {
            Some((b, _)) => (b, true),
            None => (url, false),
        };
        let (before_query, query) = match before_fragment.split_once('?') {
            Some((b, q)) => (b, Some(q)),
            None => (before_fragment, None),
        };
        let (scheme, rest) = match before_query.split_once("://") {
            Some((s, r)) => (Some(s), r),
            None => (None, before_query),
        };
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        f.write_str("\"")?;
        if let Some(scheme) = scheme {
            write!(f, "{scheme}://")?;
        }
        match authority.rsplit_once('@') {
            Some((_, host)) => write!(f, "[redacted]@{host}")?,
            None => f.write_str(authority)?,
        }
        f.write_str(path)?;
        // The whole query: its keys can be secrets too (`?<token>`, base64 with `=` padding).
        if query.is_some() {
            f.write_str("?[redacted]")?;
        }
        if fragment {
            f.write_str("#[redacted]")?;
        }
        f.write_str("\"")
    }
}

/// One subscription: a target URL, an enabled toggle, how requests are authenticated, custom
/// headers and a filter. Serializable, so vendors can store it; validated whenever it is built
/// or deserialized.
///
/// What is refused, always: URLs with user info, bad ports, plain http unless [`AllowHttp`]
/// allows it, custom headers the crate sets itself ([`EndpointError::ReservedHeader`]) or
/// given twice, header values with control characters, empty credentials and tokens with
/// surrounding whitespace, unknown fields in JSON. Where it may point is the caller's choice:
/// see [`DestinationPolicy`] and [`Endpoint::check_destination`].
///
/// `Debug` prints the URL without user info or query, the custom headers' names only,
/// and no secret.
///
/// ```
/// use pos_webhooks::{Auth, Endpoint, EndpointError, EventFilter, Scheme, SecretString};
/// let endpoint = Endpoint::builder("https://partner.example/og")
///     .auth(Auth::Signature { scheme: Scheme::Ordergroove, secrets: vec!["key".into()] })
///     .filter("subscription.*|order.success".parse().unwrap())
///     .build()
///     .unwrap();
/// assert!(endpoint.wants("order.success", None));
/// assert!(!endpoint.wants("order.cancel", None));
/// assert!(Endpoint::builder("http://partner.example/og").build().is_err());
/// assert_eq!(
///     Endpoint::builder("https://partner.example/og").header("Host", "admin.internal").build(),
///     Err(EndpointError::ReservedHeader("host".into())),
/// );
/// ```
#[derive(Clone, Serialize)]
#[serde(into = "EndpointConfig")]
pub struct Endpoint {
    pub(super) config: EndpointConfig,
    pub(super) uri: Uri,
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    pub(super) signer: Option<Signer>,
}

impl fmt::Debug for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.config.fmt(f)
    }
}

impl PartialEq for Endpoint {
    fn eq(&self, other: &Endpoint) -> bool {
        self.config == other.config
    }
}

impl From<Endpoint> for EndpointConfig {
    fn from(endpoint: Endpoint) -> EndpointConfig {
        endpoint.config
    }
}

impl<'de> Deserialize<'de> for Endpoint {
    /// Reads the JSON value, then the configuration from it with errors that name where the
    /// problem is (`headers[0]: ...`, `auth: ...`) but never quote a value, then validates it.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Endpoint, D::Error> {
        let value = Value::deserialize(deserializer)?;
        strict_unit_variants(&value).map_err(de::Error::custom)?;
        let config: EndpointConfig = serde_path_to_error::deserialize(
            QuietValue::<QuietError>::new(&value),
        )
        .map_err(|e| {
            let mut path = e.path().to_string();
            let inner = e.into_inner().to_string();
            // An unknown field's path ends with the field itself: name its parent.
            if let Some((parent, last)) = path.rsplit_once('.') {
                if inner.starts_with(&format!("unknown field `{last}`")) {
                    path = parent.to_owned();
                }
            } else if inner.starts_with(&format!("unknown field `{path}`")) {
                path.clear();
            }
            if path.is_empty() || path == "." {
                de::Error::custom(inner)
            } else {
                de::Error::custom(format_args!("{path}: {inner}"))
            }
        })?;
        Endpoint::try_from(config).map_err(de::Error::custom)
    }
}

/// Serde's internally tagged unit variants (`{"type": "none"}`) ignore other fields even with
/// `deny_unknown_fields`; these are checked here. So are the filter's fields, whose serde is
/// `EventFilter`'s.
fn strict_unit_variants(value: &Value) -> Result<(), String> {
    let check = |field: &str, tag: &str, units: &[&str]| {
        let Some(object) = value.get(field).and_then(Value::as_object) else {
            return Ok(());
        };
        let is_unit = object
            .get(tag)
            .and_then(Value::as_str)
            .is_some_and(|t| units.contains(&t));
        if !is_unit {
            return Ok(());
        }
        match object.keys().find(|k| k.as_str() != tag) {
            Some(key) => Err(format!("{field}: unknown field `{key}`, expected `{tag}`")),
            None => Ok(()),
        }
    };
    check("auth", "type", &["none"])?;
    check(
        "vendor",
        "kind",
        &["generic", "mipos", "linga", "ordergroove", "flow_retail"],
    )?;
    let unknown_filter_field = value
        .get("filter")
        .and_then(Value::as_object)
        .and_then(|filter| {
            filter
                .keys()
                .find(|k| !matches!(k.as_str(), "pattern" | "stores"))
        });
    match unknown_filter_field {
        Some(key) => Err(format!(
            "filter: unknown field `{key}`, expected `pattern` or `stores`"
        )),
        None => Ok(()),
    }
}

/// A deserialization error whose "invalid type" and "invalid value" messages name the kind of
/// value found, never the value (serde's defaults quote it: ``invalid type: string "<secret>"``).
#[derive(Debug)]
struct QuietError(String);

impl fmt::Display for QuietError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for QuietError {}

fn kind(unexpected: &Unexpected<'_>) -> &'static str {
    match unexpected {
        Unexpected::Bool(_) => "boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) => "integer",
        Unexpected::Float(_) => "floating point number",
        Unexpected::Char(_) => "character",
        Unexpected::Str(_) => "string",
        Unexpected::Bytes(_) => "bytes",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "sequence",
        Unexpected::Map => "map",
        _ => "value",
    }
}

impl de::Error for QuietError {
    fn custom<T: fmt::Display>(msg: T) -> QuietError {
        QuietError(msg.to_string())
    }

    fn invalid_type(unexpected: Unexpected<'_>, expected: &dyn Expected) -> QuietError {
        QuietError(format!(
            "invalid type: {} (value not shown), expected {expected}",
            kind(&unexpected)
        ))
    }

    fn invalid_value(unexpected: Unexpected<'_>, expected: &dyn Expected) -> QuietError {
        QuietError(format!(
            "invalid value: {} (value not shown), expected {expected}",
            kind(&unexpected)
        ))
    }
}

/// A JSON value as a deserializer with a chosen error type (`serde_json::Value`'s own always
/// uses `serde_json::Error`, whose messages quote values).
struct QuietValue<'a, E> {
    value: &'a Value,
    error: PhantomData<E>,
}

impl<'a, E> QuietValue<'a, E> {
    fn new(value: &'a Value) -> QuietValue<'a, E> {
        QuietValue {
            value,
            error: PhantomData,
        }
    }
}

impl<'de, E: de::Error> IntoDeserializer<'de, E> for QuietValue<'_, E> {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de, E: de::Error> Deserializer<'de> for QuietValue<'_, E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => {
                if let Some(u) = n.as_u64() {
                    visitor.visit_u64(u)
                } else if let Some(i) = n.as_i64() {
                    visitor.visit_i64(i)
                } else {
                    visitor.visit_f64(n.as_f64().unwrap_or(f64::NAN))
                }
            }
            Value::String(s) => visitor.visit_str(s),
            Value::Array(items) => {
                let mut seq = de::value::SeqDeserializer::new(items.iter().map(QuietValue::new));
                let out = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(out)
            }
            Value::Object(map) => {
                let mut map = de::value::MapDeserializer::new(
                    map.iter().map(|(k, v)| (k.as_str(), QuietValue::new(v))),
                );
                let out = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(out)
            }
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, E> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
        ignored_any
    }
}

/// The headers the crate sets on every request, whatever the endpoint: framing and hop-by-hop
/// headers (RFC 9110 §7.6.1, and the Fetch standard's forbidden request headers, which
/// browsers refuse from scripts for the same reason), the body's type, every scheme's
/// signature-header aliases and the message-id headers. Each scheme's own signature headers come
/// from [`Scheme::headers`] (see [`is_reserved`]), not from this list.
const RESERVED: [&str; 18] = [
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "te",
    "upgrade",
    "keep-alive",
    "proxy-connection",
    "trailer",
    "expect",
    "content-type",
    "webhook-id",
    "svix-id",
    "svix-timestamp",
    "svix-signature",
    "x-github-delivery",
    "x-shopify-webhook-id",
    "x-hub-signature",
];

/// Whether the crate sets `name` (lowercase) on every request: see [`RESERVED`]; also every
/// scheme's headers ([`Scheme::headers`]) and the Revel headers.
fn is_reserved(name: &str) -> bool {
    RESERVED.contains(&name)
        || name.starts_with("x-revel-")
        || Scheme::ALL.iter().any(|s| s.headers().contains(&name))
}

/// Refuses an empty credential, and (for tokens) one with leading or trailing whitespace.
fn credential(text: &str, field: &'static str, token: bool) -> Result<(), EndpointError> {
    if text.is_empty() {
        return Err(EndpointError::EmptyCredential(field));
    }
    if token && text.trim_ascii() != text {
        return Err(EndpointError::CredentialWhitespace(field));
    }
    Ok(())
}

/// Parses and checks the URL: https (or http as `allow_http` allows), a host, no user info,
/// a port from 1 to 65535 if any.
fn parse_url(config: &EndpointConfig) -> Result<Uri, EndpointError> {
    let uri: Uri = config
        .url
        .parse()
        .map_err(|_| EndpointError::InvalidUrl("not a url"))?;
    let authority = uri
        .authority()
        .ok_or(EndpointError::InvalidUrl("no host"))?;
    if authority.as_str().contains('@') {
        return Err(EndpointError::UrlUserInfo);
    }
    let host = authority.host();
    if host.is_empty() {
        return Err(EndpointError::InvalidUrl("no host"));
    }
    // `Uri::port` is `None` for a port that is not a u16, so read the text after the host.
    if let Some(rest) = authority.as_str().get(host.len()..) {
        if let Some(port) = rest.strip_prefix(':') {
            let valid = !port.is_empty()
                && port.len() <= 5
                && port.bytes().all(|b| b.is_ascii_digit())
                && port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p));
            if !valid {
                return Err(EndpointError::InvalidPort);
            }
        } else if !rest.is_empty() {
            return Err(EndpointError::InvalidUrl("unexpected text after the host"));
        }
    }
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") => {
            let loopback = is_loopback_host(host);
            let revel = matches!(config.vendor, Vendor::Revel { .. });
            match config.allow_http {
                AllowHttp::Loopback | AllowHttp::Any if loopback => {}
                AllowHttp::Any if !revel => {}
                AllowHttp::Any => {
                    return Err(EndpointError::HttpsRequired(
                        " (Revel requires https; plain http is allowed only to a loopback host)",
                    ));
                }
                AllowHttp::Loopback => {
                    return Err(EndpointError::HttpsRequired(
                        " (allow_http \"loopback\" allows plain http only to 127.0.0.0/8, ::1 and localhost)",
                    ));
                }
                AllowHttp::Never => {
                    return Err(EndpointError::HttpsRequired(
                        " (allow plain http explicitly for local testing)",
                    ));
                }
            }
        }
        _ => {
            return Err(EndpointError::InvalidUrl(
                "the scheme must be https or http",
            ));
        }
    }
    Ok(uri)
}

impl TryFrom<EndpointConfig> for Endpoint {
    type Error = EndpointError;

    fn try_from(config: EndpointConfig) -> Result<Endpoint, EndpointError> {
        let uri = parse_url(&config)?;
        let mut headers: Vec<(HeaderName, HeaderValue)> = Vec::new();
        // `sensitive`: credentials print as `Sensitive` in `Debug` (and HTTP/2 never indexes them).
        let header = |name: &str| {
            HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| EndpointError::InvalidHeaderName(name.to_owned()))
        };
        let value = |name: &str, value: &str, sensitive: bool| {
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| EndpointError::InvalidHeaderValue(name.to_owned()))?;
            value.set_sensitive(sensitive);
            Ok::<HeaderValue, EndpointError>(value)
        };
        let mut signer = None;
        // A header the auth sets, which custom headers may not set either.
        let mut auth_header: Option<HeaderName> = None;
        match &config.auth {
            Auth::Signature { scheme, secrets } => {
                let builder = secrets
                    .iter()
                    .fold(Signer::builder(*scheme), |b, s| b.secret(s.expose()));
                let builder = if *scheme == Scheme::Square {
                    builder.notification_url(&config.url)
                } else {
                    builder
                };
                signer = Some(builder.build()?);
            }
            Auth::StaticHeader { name, value: token } => {
                let name_ = header(name)?;
                if is_reserved(name_.as_str()) {
                    return Err(EndpointError::ReservedHeader(name_.as_str().to_owned()));
                }
                credential(token.expose(), "auth.value", true)?;
                headers.push((name_.clone(), value(name, token.expose(), true)?));
                auth_header = Some(name_);
            }
            Auth::Basic { username, password } => {
                credential(username, "auth.username", false)?;
                credential(password.expose(), "auth.password", false)?;
                if username.contains(':') {
                    return Err(EndpointError::InvalidHeaderValue(
                        "authorization (a basic-auth user name cannot contain ':')".to_owned(),
                    ));
                }
                let credentials =
                    STANDARD.encode(format!("{username}:{}", password.expose()).as_bytes());
                let text = format!("Basic {credentials}");
                headers.push((
                    http::header::AUTHORIZATION,
                    value("authorization", &text, true)?,
                ));
                auth_header = Some(http::header::AUTHORIZATION);
            }
            Auth::Bearer { token } => {
                credential(token.expose(), "auth.token", true)?;
                let text = format!("Bearer {}", token.expose());
                headers.push((
                    http::header::AUTHORIZATION,
                    value("authorization", &text, true)?,
                ));
                auth_header = Some(http::header::AUTHORIZATION);
            }
            Auth::None => {}
        }
        if let Vendor::Revel { instance } = &config.vendor {
            headers.push((
                crate::header::REVEL_INSTANCE,
                value("x-revel-instance", instance, false)?,
            ));
        }
        let first_custom = headers.len();
        for custom in &config.headers {
            let name = header(&custom.name)?;
            if is_reserved(name.as_str()) || auth_header.as_ref() == Some(&name) {
                return Err(EndpointError::ReservedHeader(name.as_str().to_owned()));
            }
            if headers
                .get(first_custom..)
                .is_some_and(|customs| customs.iter().any(|(n, _)| *n == name))
            {
                return Err(EndpointError::DuplicateHeader(name.as_str().to_owned()));
            }
            // Custom values may be API keys (Flow Retail transports): all are sensitive.
            let v = value(&custom.name, &custom.value, true)?;
            headers.push((name, v));
        }
        Ok(Endpoint {
            config,
            uri,
            headers,
            signer,
        })
    }
}

/// Builds an [`Endpoint`]; see [`Endpoint::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct EndpointBuilder {
    config: EndpointConfig,
    policy: DestinationPolicy,
}

impl EndpointBuilder {
    /// Enabled (the default) or disabled.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.config.enabled = enabled;
        self
    }

    /// The vendor whose conventions requests follow.
    pub fn vendor(mut self, vendor: Vendor) -> Self {
        self.config.vendor = vendor;
        self
    }

    /// How requests are authenticated (default: none).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.config.auth = auth;
        self
    }

    /// Adds a custom header (not one the crate sets, not twice; see
    /// [`EndpointError::ReservedHeader`]).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.config.headers.push(CustomHeader {
            name: name.to_owned(),
            value: value.to_owned(),
        });
        self
    }

    /// The events it receives (default: all).
    pub fn filter(mut self, filter: EventFilter) -> Self {
        self.config.filter = filter;
        self
    }

    /// Allows a plain `http://` URL to any host ([`AllowHttp::Any`]); for Revel, only to a
    /// loopback host. Prefer [`allow_http_loopback`](Self::allow_http_loopback) for local
    /// testing.
    pub fn allow_http(mut self) -> Self {
        self.config.allow_http = AllowHttp::Any;
        self
    }

    /// Allows a plain `http://` URL to the sender's own machine only ([`AllowHttp::Loopback`]:
    /// `127.0.0.0/8`, `::1`, `localhost`), for local testing, for every vendor.
    ///
    /// ```
    /// use pos_webhooks::{Endpoint, Vendor};
    /// let revel = Vendor::Revel { instance: "dev".into() };
    /// let local = Endpoint::builder("http://127.0.0.1:8080/revel")
    ///     .vendor(revel.clone())
    ///     .allow_http_loopback()
    ///     .build();
    /// assert!(local.is_ok());
    /// let remote = Endpoint::builder("http://partner.example/revel")
    ///     .vendor(revel)
    ///     .allow_http_loopback()
    ///     .build();
    /// assert!(remote.is_err());
    /// ```
    pub fn allow_http_loopback(mut self) -> Self {
        self.config.allow_http = AllowHttp::Loopback;
        self
    }

    /// Checks the URL against `policy` when building (default:
    /// [`DestinationPolicy::unrestricted`]).
    ///
    /// ```
    /// use pos_webhooks::{DestinationPolicy, Endpoint};
    /// let built = Endpoint::builder("https://169.254.169.254/latest/meta-data")
    ///     .destination_policy(DestinationPolicy::public_only())
    ///     .build();
    /// assert_eq!(
    ///     built.unwrap_err().to_string(),
    ///     "destination: destination address 169.254.169.254 is link-local",
    /// );
    /// ```
    pub fn destination_policy(mut self, policy: DestinationPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Validates and builds the endpoint.
    pub fn build(self) -> Result<Endpoint, EndpointError> {
        let endpoint = Endpoint::try_from(self.config)?;
        endpoint.check_destination(&self.policy)?;
        Ok(endpoint)
    }
}

impl Endpoint {
    /// Starts an endpoint for `url` (https unless [`EndpointBuilder::allow_http`] or
    /// [`EndpointBuilder::allow_http_loopback`]), enabled, unauthenticated, receiving every
    /// event.
    pub fn builder(url: &str) -> EndpointBuilder {
        EndpointBuilder {
            config: EndpointConfig {
                url: url.to_owned(),
                enabled: true,
                vendor: Vendor::Generic,
                auth: Auth::None,
                headers: Vec::new(),
                filter: EventFilter::all(),
                allow_http: AllowHttp::Never,
            },
            policy: DestinationPolicy::unrestricted(),
        }
    }

    /// Checks this endpoint's URL against a destination policy; for endpoints read from
    /// stored JSON, whose `allow_http` the policy overrules. See [`DestinationPolicy`] for
    /// what the caller's transport must still check.
    pub fn check_destination(&self, policy: &DestinationPolicy) -> Result<(), DestinationError> {
        policy.check_uri(&self.uri)
    }

    /// The target URL.
    pub fn url(&self) -> &str {
        &self.config.url
    }

    /// Whether it is enabled.
    pub fn is_enabled(&self) -> bool {
        self.config.enabled
    }

    /// Enables or disables it.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.config.enabled = enabled;
    }

    /// The filter.
    pub fn filter(&self) -> &EventFilter {
        &self.config.filter
    }

    /// The vendor.
    pub fn vendor(&self) -> &Vendor {
        &self.config.vendor
    }

    /// The authentication.
    pub fn auth(&self) -> &Auth {
        &self.config.auth
    }

    /// When plain http is allowed.
    pub fn allow_http(&self) -> AllowHttp {
        self.config.allow_http
    }

    /// The custom headers, as configured.
    pub fn custom_headers(&self) -> &[CustomHeader] {
        &self.config.headers
    }

    /// Whether it receives an event of this type from this store: enabled and passing the
    /// filter. Allocates nothing.
    pub fn wants(&self, event_type: &str, store: Option<&str>) -> bool {
        self.config.enabled && self.config.filter.matches(event_type, store)
    }
}
