//! The signature schemes this crate speaks, with their header names and key rules.

use core::fmt;
use core::str::FromStr;

/// Header names used by the schemes, lowercase as they are stored in an [`http::HeaderMap`].
///
/// Matching is case-insensitive everywhere in this crate; these constants are the canonical spelling.
///
/// ```
/// use pos_webhooks::header;
/// assert_eq!(header::REVEL_SIGNATURE.as_str(), "x-revel-signature");
/// ```
pub mod header {
    use http::HeaderName;

    /// Revel: HMAC-SHA1 of the raw body, lowercase hex.
    pub const REVEL_SIGNATURE: HeaderName = HeaderName::from_static("x-revel-signature");
    /// Revel: the customer instance name (`revelcustomer`).
    pub const REVEL_INSTANCE: HeaderName = HeaderName::from_static("x-revel-instance");
    /// Revel: the event type (`order.finalized`, `inout.stock`, ...).
    pub const REVEL_EVENT_TYPE: HeaderName = HeaderName::from_static("x-revel-event-type");
    /// Revel: the establishment id (an integer).
    pub const REVEL_ESTABLISHMENT_ID: HeaderName =
        HeaderName::from_static("x-revel-establishment-id");
    /// miPOS: HMAC-SHA256 of the raw body, hex.
    pub const MIPOS_SIGNATURE: HeaderName = HeaderName::from_static("signature-webhook");
    /// Ordergroove: `ts=<unix>,sig=<hex>[,sig=<hex>]` (legacy spelling `OrderGroove-Signature`).
    pub const ORDERGROOVE_SIGNATURE: HeaderName = HeaderName::from_static("ordergroove-signature");
    /// Standard Webhooks: the message id.
    pub const WEBHOOK_ID: HeaderName = HeaderName::from_static("webhook-id");
    /// Standard Webhooks: the unix timestamp in seconds.
    pub const WEBHOOK_TIMESTAMP: HeaderName = HeaderName::from_static("webhook-timestamp");
    /// Standard Webhooks: space-separated `v1,<base64>` signatures.
    pub const WEBHOOK_SIGNATURE: HeaderName = HeaderName::from_static("webhook-signature");
    /// Svix alias of [`WEBHOOK_ID`].
    pub const SVIX_ID: HeaderName = HeaderName::from_static("svix-id");
    /// Svix alias of [`WEBHOOK_TIMESTAMP`].
    pub const SVIX_TIMESTAMP: HeaderName = HeaderName::from_static("svix-timestamp");
    /// Svix alias of [`WEBHOOK_SIGNATURE`].
    pub const SVIX_SIGNATURE: HeaderName = HeaderName::from_static("svix-signature");
    /// Stripe-style: `t=<unix>,v1=<hex>[,v1=<hex>][,v0=<hex>]`.
    pub const STRIPE_SIGNATURE: HeaderName = HeaderName::from_static("stripe-signature");
    /// GitHub: `sha256=<hex>`.
    pub const GITHUB_SIGNATURE_256: HeaderName = HeaderName::from_static("x-hub-signature-256");
    /// Shopify: base64 HMAC-SHA256 of the raw body.
    pub const SHOPIFY_HMAC_SHA256: HeaderName = HeaderName::from_static("x-shopify-hmac-sha256");
    /// Square: base64 HMAC-SHA256 of the notification URL followed by the raw body.
    pub const SQUARE_SIGNATURE: HeaderName =
        HeaderName::from_static("x-square-hmacsha256-signature");
}

/// Prefix of Standard Webhooks secrets; the key is the base64 text after it.
pub const WHSEC_PREFIX: &str = "whsec_";

/// Default replay window for timestamped schemes, in seconds (both directions).
pub const DEFAULT_TOLERANCE_SECS: u64 = 300;

/// A signature (or token) scheme: how a sender proves a webhook came from it.
///
/// Every scheme both signs and verifies. Parse one from its name with [`str::parse`]:
///
/// ```
/// use pos_webhooks::Scheme;
/// let s: Scheme = "stripe".parse().unwrap();
/// assert_eq!(s, Scheme::Stripe);
/// assert_eq!(s.name(), "stripe");
/// assert!(s.is_timestamped());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Scheme {
    /// Revel: `X-Revel-Signature`, HMAC-SHA1 of the raw body, lowercase hex.
    Revel,
    /// miPOS: `Signature-Webhook`, HMAC-SHA256 of the raw body, hex (base64 only when enabled).
    Mipos,
    /// Linga POS Back Office: a static token in a header whose name the partner chose.
    ///
    /// This is **not a signature**: the token proves only that the sender knows it, not that the
    /// body is unchanged. Receivers should use https and treat it as a shared password.
    Linga,
    /// Ordergroove: `Ordergroove-Signature: ts=..,sig=..`, HMAC-SHA256 of `"{ts}.{body}"`, hex.
    Ordergroove,
    /// Standard Webhooks (Svix): `webhook-id`, `webhook-timestamp`, `webhook-signature`,
    /// HMAC-SHA256 of `"{id}.{ts}.{body}"`, `v1,<base64>` list.
    Standard,
    /// Stripe-style (also Clover Hosted Checkout): `Stripe-Signature: t=..,v1=..`,
    /// HMAC-SHA256 of `"{t}.{body}"`, hex.
    Stripe,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>`, HMAC-SHA256 of the raw body.
    Github,
    /// Shopify: `X-Shopify-Hmac-Sha256`, HMAC-SHA256 of the raw body, base64.
    Shopify,
    /// Square: `x-square-hmacsha256-signature`, HMAC-SHA256 of the notification URL followed by
    /// the raw body, base64.
    Square,
}

/// How a scheme turns the secret text into key bytes.
///
/// The rules differ between schemes and cannot be guessed from a prefix: a Stripe secret starts
/// with `whsec_` too, but Stripe keys the HMAC with the whole text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyRule {
    /// The secret text's bytes are the key, as they are (Stripe: `whsec_` included).
    TextBytes,
    /// The key is the base64 decoding of the text after an optional `whsec_` prefix.
    WhsecBase64,
    /// The secret is a static token compared (in constant time) with a header value; no key.
    Token,
}

impl KeyRule {
    /// A one-line description for humans.
    ///
    /// ```
    /// use pos_webhooks::KeyRule;
    /// assert!(KeyRule::WhsecBase64.describe().contains("base64"));
    /// ```
    pub const fn describe(self) -> &'static str {
        match self {
            KeyRule::TextBytes => "the secret text's bytes, used as they are",
            KeyRule::WhsecBase64 => "base64 decoding of the text after the whsec_ prefix",
            KeyRule::Token => "a static token compared with the header value (not a key)",
        }
    }
}

/// The MAC a scheme uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// HMAC-SHA1 (20-byte tag).
    HmacSha1,
    /// HMAC-SHA256 (32-byte tag).
    HmacSha256,
    /// No MAC: a token compared as it is.
    None,
}

impl Algorithm {
    /// Length of the tag in bytes (0 for [`Algorithm::None`]).
    ///
    /// ```
    /// assert_eq!(pos_webhooks::Algorithm::HmacSha1.tag_len(), 20);
    /// ```
    pub const fn tag_len(self) -> usize {
        match self {
            Algorithm::HmacSha1 => 20,
            Algorithm::HmacSha256 => 32,
            Algorithm::None => 0,
        }
    }
}

impl Scheme {
    /// Every scheme, in the order of the README's table.
    pub const ALL: [Scheme; 9] = [
        Scheme::Revel,
        Scheme::Mipos,
        Scheme::Linga,
        Scheme::Ordergroove,
        Scheme::Standard,
        Scheme::Stripe,
        Scheme::Github,
        Scheme::Shopify,
        Scheme::Square,
    ];

    /// The scheme's short name (`revel`, `mipos`, `linga`, `ordergroove`, `standard`, `stripe`,
    /// `github`, `shopify`, `square`).
    ///
    /// ```
    /// assert_eq!(pos_webhooks::Scheme::Standard.name(), "standard");
    /// ```
    pub const fn name(self) -> &'static str {
        match self {
            Scheme::Revel => "revel",
            Scheme::Mipos => "mipos",
            Scheme::Linga => "linga",
            Scheme::Ordergroove => "ordergroove",
            Scheme::Standard => "standard",
            Scheme::Stripe => "stripe",
            Scheme::Github => "github",
            Scheme::Shopify => "shopify",
            Scheme::Square => "square",
        }
    }

    /// The platform that uses the scheme.
    ///
    /// ```
    /// assert_eq!(pos_webhooks::Scheme::Linga.platform(), "Linga POS Back Office");
    /// ```
    pub const fn platform(self) -> &'static str {
        match self {
            Scheme::Revel => "Revel",
            Scheme::Mipos => "miPOS",
            Scheme::Linga => "Linga POS Back Office",
            Scheme::Ordergroove => "Ordergroove",
            Scheme::Standard => "Standard Webhooks (Svix)",
            Scheme::Stripe => "Stripe-style (also Clover Hosted Checkout)",
            Scheme::Github => "GitHub",
            Scheme::Shopify => "Shopify",
            Scheme::Square => "Square",
        }
    }

    /// How the scheme turns the secret text into key bytes.
    ///
    /// ```
    /// use pos_webhooks::{KeyRule, Scheme};
    /// assert_eq!(Scheme::Standard.key_rule(), KeyRule::WhsecBase64);
    /// assert_eq!(Scheme::Stripe.key_rule(), KeyRule::TextBytes);
    /// ```
    pub const fn key_rule(self) -> KeyRule {
        match self {
            Scheme::Standard => KeyRule::WhsecBase64,
            Scheme::Linga => KeyRule::Token,
            _ => KeyRule::TextBytes,
        }
    }

    /// The MAC the scheme uses.
    ///
    /// ```
    /// use pos_webhooks::{Algorithm, Scheme};
    /// assert_eq!(Scheme::Revel.algorithm(), Algorithm::HmacSha1);
    /// ```
    pub const fn algorithm(self) -> Algorithm {
        match self {
            Scheme::Revel => Algorithm::HmacSha1,
            Scheme::Linga => Algorithm::None,
            _ => Algorithm::HmacSha256,
        }
    }

    /// Whether the signed content includes a timestamp that the verifier checks against `now`.
    ///
    /// ```
    /// assert!(!pos_webhooks::Scheme::Revel.is_timestamped());
    /// ```
    pub const fn is_timestamped(self) -> bool {
        matches!(
            self,
            Scheme::Standard | Scheme::Stripe | Scheme::Ordergroove
        )
    }

    /// The headers the scheme sets, lowercase, in the order a signer emits them. Linga's header
    /// name is chosen by the partner, so its list is empty.
    ///
    /// ```
    /// assert_eq!(pos_webhooks::Scheme::Github.headers(), ["x-hub-signature-256"]);
    /// ```
    pub const fn headers(self) -> &'static [&'static str] {
        match self {
            Scheme::Revel => &["x-revel-signature"],
            Scheme::Mipos => &["signature-webhook"],
            Scheme::Linga => &[],
            Scheme::Ordergroove => &["ordergroove-signature"],
            Scheme::Standard => &["webhook-id", "webhook-timestamp", "webhook-signature"],
            Scheme::Stripe => &["stripe-signature"],
            Scheme::Github => &["x-hub-signature-256"],
            Scheme::Shopify => &["x-shopify-hmac-sha256"],
            Scheme::Square => &["x-square-hmacsha256-signature"],
        }
    }

    /// What is signed, for humans (`"{ts}.{body}"`, ...).
    ///
    /// ```
    /// assert_eq!(pos_webhooks::Scheme::Square.signed_content(), "notification URL + raw body");
    /// ```
    pub const fn signed_content(self) -> &'static str {
        match self {
            Scheme::Revel | Scheme::Mipos | Scheme::Github | Scheme::Shopify => "raw body",
            Scheme::Linga => "nothing (static token)",
            Scheme::Ordergroove => "\"{ts}.{body}\"",
            Scheme::Standard => "\"{id}.{ts}.{body}\"",
            Scheme::Stripe => "\"{t}.{body}\"",
            Scheme::Square => "notification URL + raw body",
        }
    }
}

impl fmt::Display for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of parsing a [`Scheme`] from an unknown name.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown scheme {0:?} (expected one of revel, mipos, linga, ordergroove, standard, stripe, github, shopify, square)"
)]
pub struct UnknownScheme(pub String);

impl FromStr for Scheme {
    type Err = UnknownScheme;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Scheme::ALL
            .into_iter()
            .find(|scheme| scheme.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownScheme(s.to_owned()))
    }
}

impl serde::Serialize for Scheme {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Reads a scheme name. Errors never quote what was given: a misplaced secret (a pasted key
/// in the `scheme` field) must not end up in a log line.
impl<'de> serde::Deserialize<'de> for Scheme {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Scheme, D::Error> {
        deserializer.deserialize_any(SchemeVisitor)
    }
}

struct SchemeVisitor;

const EXPECTED_SCHEME: &str = "a scheme name (one of revel, mipos, linga, ordergroove, standard, stripe, github, shopify, square)";

impl SchemeVisitor {
    fn refuse<E: serde::de::Error>(what: &str) -> E {
        E::custom(format_args!(
            "invalid scheme: {what}, expected {EXPECTED_SCHEME}"
        ))
    }
}

impl serde::de::Visitor<'_> for SchemeVisitor {
    type Value = Scheme;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED_SCHEME)
    }

    fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Scheme, E> {
        name.parse()
            .map_err(|_| Self::refuse("unknown scheme name (not repeated here)"))
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Scheme, E> {
        Err(Self::refuse("a boolean"))
    }

    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Scheme, E> {
        Err(Self::refuse("a number"))
    }

    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Scheme, E> {
        Err(Self::refuse("a number"))
    }

    fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<Scheme, E> {
        Err(Self::refuse("a number"))
    }

    fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<Scheme, E> {
        Err(Self::refuse("a number"))
    }

    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Scheme, E> {
        Err(Self::refuse("a number"))
    }

    fn visit_char<E: serde::de::Error>(self, _: char) -> Result<Scheme, E> {
        Err(Self::refuse("unknown scheme name (not repeated here)"))
    }

    fn visit_bytes<E: serde::de::Error>(self, name: &[u8]) -> Result<Scheme, E> {
        core::str::from_utf8(name)
            .map_err(|_| Self::refuse("bytes that are not utf-8"))
            .and_then(|name| self.visit_str(name))
    }
}
