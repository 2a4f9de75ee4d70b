//! Signing: the exact headers a receiver of each scheme expects.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::BytesMut;
use http::{HeaderMap, HeaderName, HeaderValue, Request};

use super::config::{Common, Params};
use super::error::{ConfigError, SignError};
use super::scheme::Scheme;
use super::secret::{Secret, Tag};

/// Signs outgoing webhooks for one scheme.
///
/// Schemes whose header carries a list (Standard Webhooks, Stripe-style, Ordergroove) get one
/// signature per secret, newest (first given) first, as senders do during a key rotation; the
/// others are signed with the first secret.
///
/// ```
/// use pos_webhooks::{Message, Scheme, Signer};
/// let signer = Signer::new(Scheme::Standard, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).unwrap();
/// let signed = signer
///     .sign(&Message::new(br#"{"test": 2432232314}"#)
///         .id("msg_p5jXN8AQM9LWM0D4loKWxJek")
///         .timestamp(1614265330))
///     .unwrap();
/// assert_eq!(signed.get("webhook-signature"), Some("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="));
/// assert_eq!(signed.get("webhook-timestamp"), Some("1614265330"));
/// ```
#[derive(Clone, Debug)]
pub struct Signer {
    params: Params,
}

/// Builds a [`Signer`]; see [`Signer::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct SignerBuilder {
    common: Common,
}

impl SignerBuilder {
    /// Adds a secret given as text, keyed with the scheme's key rule.
    pub fn secret(mut self, text: &str) -> Self {
        self.common.secret_text(text);
        self
    }

    /// Adds an already built [`Secret`]; it must have been built for the same scheme.
    pub fn secret_key(mut self, secret: Secret) -> Self {
        self.common.secret(secret);
        self
    }

    /// Square: the notification URL, exactly as the receiver configured it (it is signed).
    pub fn notification_url(mut self, url: &str) -> Self {
        self.common.notification_url(url);
        self
    }

    /// Linga: the name of the header the partner chose for the token.
    pub fn header_name(mut self, name: &str) -> Self {
        self.common.header_name(name);
        self
    }

    /// Builds the signer.
    pub fn build(self) -> Result<Signer, ConfigError> {
        Ok(Signer {
            params: self.common.finish()?,
        })
    }
}

/// What to sign: the body exactly as it will be sent, plus the message id and timestamp that
/// timestamped schemes put in the signed content.
#[derive(Clone, Copy, Debug)]
pub struct Message<'a> {
    body: &'a [u8],
    id: Option<&'a str>,
    timestamp: Option<i64>,
}

impl<'a> Message<'a> {
    /// A message with this body and neither id nor timestamp.
    pub const fn new(body: &'a [u8]) -> Self {
        Message {
            body,
            id: None,
            timestamp: None,
        }
    }

    /// The message id (Standard Webhooks' `webhook-id`): visible ASCII without `.`, at most
    /// [`MAX_MESSAGE_ID_BYTES`](crate::MAX_MESSAGE_ID_BYTES) bytes.
    pub const fn id(mut self, id: &'a str) -> Self {
        self.id = Some(id);
        self
    }

    /// The timestamp, unix seconds (the library never reads the clock).
    pub const fn timestamp(mut self, unix_secs: i64) -> Self {
        self.timestamp = Some(unix_secs);
        self
    }
}

/// The headers that carry a signature: names and values, ready to be inserted.
///
/// All values live in one buffer: signing makes a single allocation.
///
/// Its `Debug` output shows the header names and the signatures but never Linga's token
/// (`[redacted]`), and [`Signed::insert_into`] / [`Signed::apply_to`] mark the token's header
/// value sensitive, so printing the request (or its `HeaderMap`) does not show it either.
///
/// ```
/// use pos_webhooks::{Message, Scheme, Signer};
/// let signed = Signer::builder(Scheme::Linga)
///     .header_name("X-Partner-Key")
///     .secret("tok-very-secret")
///     .build()
///     .unwrap()
///     .sign(&Message::new(b"{}"))
///     .unwrap();
/// assert!(!format!("{signed:?}").contains("tok-very-secret"));
/// let mut map = http::HeaderMap::new();
/// signed.insert_into(&mut map).unwrap();
/// assert!(map["x-partner-key"].is_sensitive());
/// assert!(!format!("{map:?}").contains("tok-very-secret"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    scheme: Scheme,
    custom_name: Option<HeaderName>,
    buf: String,
    /// End of each value in `buf`; values are contiguous.
    ends: [usize; 3],
    count: usize,
}

/// The size of each buffer that [`Signed::insert_arena`] fills with the signature values of
/// many requests: about 85 Standard Webhooks signatures, 60 hex ones. A request kept after
/// the others are dropped keeps at most this much alive besides its own value.
const ARENA_BYTES: usize = 4096;

/// The signature header's value (the last header), marked sensitive when it is a credential.
fn header_value(bytes: bytes::Bytes, credential: bool) -> Result<HeaderValue, SignError> {
    let mut value =
        HeaderValue::from_maybe_shared(bytes).map_err(|_| SignError::InvalidHeaderValue)?;
    if credential {
        value.set_sensitive(true);
    }
    Ok(value)
}

/// The header that carries `scheme`'s signature (the last of [`Scheme::headers`]), and for
/// Standard Webhooks `webhook-timestamp`, the one header before it that is not the message id
/// (`None` for the other schemes, which set only the signature, and for Linga, whose header
/// name is configured).
pub(crate) fn signature_headers(scheme: Scheme) -> Option<(Option<HeaderName>, HeaderName)> {
    let last = scheme.headers().len().checked_sub(1)?;
    let leading = match scheme {
        Scheme::Standard => Some(scheme_header(scheme, 1)?),
        _ if last == 0 => None,
        _ => return None,
    };
    Some((leading, scheme_header(scheme, last)?))
}

/// Header `index` of [`Scheme::headers`], made at compile time (a `HeaderName::from_static`
/// at run time validates its text on every call).
fn scheme_header(scheme: Scheme, index: usize) -> Option<HeaderName> {
    const REVEL: HeaderName = HeaderName::from_static("x-revel-signature");
    const MIPOS: HeaderName = HeaderName::from_static("signature-webhook");
    const ORDERGROOVE: HeaderName = HeaderName::from_static("ordergroove-signature");
    const WEBHOOK_ID: HeaderName = HeaderName::from_static("webhook-id");
    const WEBHOOK_TIMESTAMP: HeaderName = HeaderName::from_static("webhook-timestamp");
    const WEBHOOK_SIGNATURE: HeaderName = HeaderName::from_static("webhook-signature");
    const STRIPE: HeaderName = HeaderName::from_static("stripe-signature");
    const GITHUB: HeaderName = HeaderName::from_static("x-hub-signature-256");
    const SHOPIFY: HeaderName = HeaderName::from_static("x-shopify-hmac-sha256");
    const SQUARE: HeaderName = HeaderName::from_static("x-square-hmacsha256-signature");
    Some(match (scheme, index) {
        (Scheme::Revel, 0) => REVEL,
        (Scheme::Mipos, 0) => MIPOS,
        (Scheme::Ordergroove, 0) => ORDERGROOVE,
        (Scheme::Standard, 0) => WEBHOOK_ID,
        (Scheme::Standard, 1) => WEBHOOK_TIMESTAMP,
        (Scheme::Standard, 2) => WEBHOOK_SIGNATURE,
        (Scheme::Stripe, 0) => STRIPE,
        (Scheme::Github, 0) => GITHUB,
        (Scheme::Shopify, 0) => SHOPIFY,
        (Scheme::Square, 0) => SQUARE,
        _ => return None,
    })
}

impl Signed {
    fn name(&self, index: usize) -> Option<&str> {
        match &self.custom_name {
            Some(name) if index == 0 => Some(name.as_str()),
            Some(_) => None,
            None => self.scheme.headers().get(index).copied(),
        }
    }

    fn header_name(&self, index: usize) -> Option<HeaderName> {
        match &self.custom_name {
            Some(name) if index == 0 => Some(name.clone()),
            Some(_) => None,
            None => scheme_header(self.scheme, index),
        }
    }

    fn value(&self, index: usize) -> Option<&str> {
        let end = *self.ends.get(index)?;
        let start = match index.checked_sub(1) {
            Some(previous) => *self.ends.get(previous)?,
            None => 0,
        };
        self.buf.get(start..end)
    }

    /// Every header to set, as `(name, value)`, in the scheme's order.
    ///
    /// ```
    /// use pos_webhooks::{Message, Scheme, Signer};
    /// let signed = Signer::new(Scheme::Github, ["It's a Secret to Everybody"]).unwrap()
    ///     .sign(&Message::new(b"Hello, World!")).unwrap();
    /// let headers: Vec<_> = signed.headers().collect();
    /// assert_eq!(headers, [("x-hub-signature-256",
    ///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")]);
    /// ```
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        (0..self.count).filter_map(|index| Some((self.name(index)?, self.value(index)?)))
    }

    /// The value to set for header `name` (case-insensitive), if this scheme sets it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.headers()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value)
    }

    /// The value of the header that carries the signature (for Linga, the token).
    pub fn signature(&self) -> &str {
        self.count
            .checked_sub(1)
            .and_then(|last| self.value(last))
            .unwrap_or_default()
    }

    /// Whether header `index` carries a credential (Linga's token) rather than a signature.
    fn is_credential(&self, index: usize) -> bool {
        self.scheme == Scheme::Linga && index == 0
    }

    /// Inserts the headers into `map`, replacing values of the same names (every value of
    /// them: the map then holds exactly one of each). Linga's token is marked sensitive.
    pub fn insert_into(&self, map: &mut HeaderMap) -> Result<(), SignError> {
        for index in 0..self.count {
            let (Some(name), Some(value)) = (self.header_name(index), self.value(index)) else {
                continue;
            };
            let mut value =
                HeaderValue::from_str(value).map_err(|_| SignError::InvalidHeaderValue)?;
            if self.is_credential(index) {
                value.set_sensitive(true);
            }
            map.insert(name, value);
        }
        Ok(())
    }

    /// Inserts the headers into `map` as [`Signed::insert_into`] does, for a request built by
    /// the crate: the value of the last header (the signature) is the signing buffer itself,
    /// not a copy; Standard Webhooks' `webhook-timestamp` is `timestamp` (the same value for
    /// every request of one event, shared) and its `webhook-id` is left to the caller, who sets
    /// the message id header anyway.
    pub(crate) fn insert_shared(
        self,
        map: &mut HeaderMap,
        timestamp: Option<HeaderValue>,
    ) -> Result<(), SignError> {
        let Some((name, start, credential)) = self.insert_leading(map, timestamp)? else {
            return Ok(());
        };
        let mut bytes = bytes::Bytes::from(self.buf);
        if start > bytes.len() {
            return Err(SignError::InvalidHeaderValue);
        }
        bytes::Buf::advance(&mut bytes, start);
        map.insert(name, header_value(bytes, credential)?);
        Ok(())
    }

    /// [`Signed::insert_shared`] for one request of many: the signature's value is copied into
    /// `arena`, a buffer shared by the values of many requests (one allocation for dozens of
    /// requests instead of one each), and the signing buffer is handed back to sign the next
    /// request into.
    pub(crate) fn insert_arena(
        self,
        map: &mut HeaderMap,
        timestamp: Option<HeaderValue>,
        arena: &mut BytesMut,
    ) -> Result<String, SignError> {
        let Some((name, start, credential)) = self.insert_leading(map, timestamp)? else {
            return Ok(self.buf);
        };
        let value = self.arena_value(start, credential, arena)?;
        map.insert(name, value);
        Ok(self.buf)
    }

    /// The name and value of the signature header alone (the last), the value copied into
    /// `arena` as [`Signed::insert_arena`] does, and the signing buffer handed back; for a
    /// request whose other headers (a scheme's leading ones included) are already set.
    pub(crate) fn last_arena(
        self,
        arena: &mut BytesMut,
    ) -> Result<(HeaderName, HeaderValue, String), SignError> {
        let (name, start, credential) = self.last_header().ok_or(SignError::InvalidHeaderValue)?;
        let value = self.arena_value(start, credential, arena)?;
        Ok((name, value, self.buf))
    }

    /// The last header (the signature): its name, where its value starts in the buffer, and
    /// whether it is a credential.
    fn last_header(&self) -> Option<(HeaderName, usize, bool)> {
        let last = self.count.checked_sub(1)?;
        let start = match last.checked_sub(1) {
            Some(previous) => *self.ends.get(previous)?,
            None => 0,
        };
        Some((self.header_name(last)?, start, self.is_credential(last)))
    }

    /// The buffer from `start` on, copied into `arena`, as a header value.
    fn arena_value(
        &self,
        start: usize,
        credential: bool,
        arena: &mut BytesMut,
    ) -> Result<HeaderValue, SignError> {
        let text = self
            .buf
            .as_bytes()
            .get(start..)
            .ok_or(SignError::InvalidHeaderValue)?;
        if arena.capacity() - arena.len() < text.len() {
            *arena = BytesMut::with_capacity(ARENA_BYTES.max(text.len()));
        }
        arena.extend_from_slice(text);
        header_value(arena.split().freeze(), credential)
    }

    /// Inserts every header but the last (Standard Webhooks' `webhook-timestamp` is
    /// `timestamp`, its `webhook-id` is left to the caller); gives the last one's name, the
    /// start of its value in the buffer and whether it is a credential.
    fn insert_leading(
        &self,
        map: &mut HeaderMap,
        timestamp: Option<HeaderValue>,
    ) -> Result<Option<(HeaderName, usize, bool)>, SignError> {
        let Some(last) = self.count.checked_sub(1) else {
            return Ok(None);
        };
        let mut timestamp = timestamp;
        for index in 0..last {
            let shared = match (self.scheme, index) {
                (Scheme::Standard, 0) => continue,
                (Scheme::Standard, 1) => timestamp.take(),
                _ => None,
            };
            let Some(name) = self.header_name(index) else {
                continue;
            };
            let value = match shared {
                Some(value) => value,
                None => {
                    let text = self.value(index).unwrap_or_default();
                    HeaderValue::from_str(text).map_err(|_| SignError::InvalidHeaderValue)?
                }
            };
            map.insert(name, value);
        }
        Ok(self.last_header())
    }

    /// Inserts the headers into a request.
    ///
    /// ```
    /// use pos_webhooks::{Message, Scheme, Signer};
    /// let body = bytes::Bytes::from_static(b"{}");
    /// let mut request = http::Request::post("https://partner.example/hook").body(body.clone()).unwrap();
    /// Signer::new(Scheme::Mipos, ["k"]).unwrap()
    ///     .sign(&Message::new(&body)).unwrap()
    ///     .apply_to(&mut request).unwrap();
    /// assert!(request.headers().contains_key("signature-webhook"));
    /// ```
    pub fn apply_to<B>(&self, request: &mut Request<B>) -> Result<(), SignError> {
        self.insert_into(request.headers_mut())
    }
}

impl fmt::Debug for Signed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'a>(&'a Signed);
        impl fmt::Debug for Headers<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let signed = self.0;
                let mut list = f.debug_map();
                for index in 0..signed.count {
                    let (Some(name), Some(value)) = (signed.name(index), signed.value(index))
                    else {
                        continue;
                    };
                    if signed.is_credential(index) {
                        list.entry(&name, &format_args!("[redacted]"));
                    } else {
                        list.entry(&name, &value);
                    }
                }
                list.finish()
            }
        }
        f.debug_struct("Signed")
            .field("scheme", &self.scheme)
            .field("headers", &Headers(self))
            .finish()
    }
}

const HEX: &[u8; 16] = b"0123456789abcdef";

fn push_hex(buf: &mut String, tag: &Tag) {
    for byte in tag.as_slice() {
        for nibble in [byte >> 4, byte & 0x0f] {
            buf.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
}

fn push_base64(buf: &mut String, tag: &Tag) {
    STANDARD.encode_string(tag.as_slice(), buf);
}

/// Decimal digits of a non-negative timestamp, on the stack.
struct Digits {
    bytes: [u8; 20],
    start: usize,
}

impl Digits {
    fn new(mut n: u64) -> Digits {
        let mut bytes = [b'0'; 20];
        let mut start = bytes.len();
        loop {
            start -= 1;
            if let Some(slot) = bytes.get_mut(start) {
                // `n % 10` is below 10.
                *slot = b'0' + (n % 10) as u8;
            }
            n /= 10;
            if n == 0 || start == 0 {
                break;
            }
        }
        Digits { bytes, start }
    }

    fn as_bytes(&self) -> &[u8] {
        self.bytes.get(self.start..).unwrap_or_default()
    }

    fn as_str(&self) -> &str {
        core::str::from_utf8(self.as_bytes()).unwrap_or_default()
    }
}

impl Signer {
    /// A signer for `scheme` with the given secrets. Square and Linga need a setting more: use
    /// [`Signer::builder`].
    ///
    /// ```
    /// use pos_webhooks::{Message, Scheme, Signer};
    /// let signed = Signer::new(Scheme::Revel, ["the-shared-secret"]).unwrap()
    ///     .sign(&Message::new(b"{}")).unwrap();
    /// assert_eq!(signed.signature().len(), 40);
    /// ```
    pub fn new<I, S>(scheme: Scheme, secrets: I) -> Result<Signer, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        secrets
            .into_iter()
            .fold(Signer::builder(scheme), |builder, secret| {
                builder.secret(secret.as_ref())
            })
            .build()
    }

    /// A builder, for the settings beyond the secrets.
    ///
    /// ```
    /// use pos_webhooks::{Message, Scheme, Signer};
    /// let linga = Signer::builder(Scheme::Linga)
    ///     .header_name("X-Partner-Key")
    ///     .secret("token-from-partner")
    ///     .build()
    ///     .unwrap();
    /// let signed = linga.sign(&Message::new(b"{}")).unwrap();
    /// assert_eq!(signed.get("x-partner-key"), Some("token-from-partner"));
    /// ```
    pub fn builder(scheme: Scheme) -> SignerBuilder {
        SignerBuilder {
            common: Common::new(scheme),
        }
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.params.scheme
    }

    fn timestamp(&self, message: &Message<'_>) -> Result<Digits, SignError> {
        let ts = message
            .timestamp
            .ok_or(SignError::MissingTimestamp(self.params.scheme))?;
        let ts = u64::try_from(ts).map_err(|_| SignError::NegativeTimestamp(ts))?;
        Ok(Digits::new(ts))
    }

    /// Signs `message`, producing the headers the scheme's receiver expects.
    ///
    /// Timestamped schemes need [`Message::timestamp`]; Standard Webhooks also needs
    /// [`Message::id`], without `.`.
    pub fn sign(&self, message: &Message<'_>) -> Result<Signed, SignError> {
        self.sign_reusing(message, String::new())
    }

    /// [`Signer::sign`] into `buf` (cleared first; its room is reused when large enough).
    pub(crate) fn sign_reusing(
        &self,
        message: &Message<'_>,
        buf: String,
    ) -> Result<Signed, SignError> {
        let scheme = self.params.scheme;
        let secrets = &self.params.secrets;
        let body = message.body;
        // Hex SHA-256 with a label is the longest single value; lists grow per secret.
        // Standard Webhooks' exact length (id, timestamp, `v1,` and 44 base64 digits per
        // secret, spaces between), so that the buffer can become a header value as it is.
        let capacity = match (scheme, message.id, message.timestamp) {
            (Scheme::Standard, Some(id), Some(ts)) if ts >= 0 => {
                id.len() + Digits::new(ts.unsigned_abs()).as_bytes().len() + secrets.len() * 48
                    - usize::from(!secrets.is_empty())
            }
            _ => 96 + secrets.len() * 72,
        };
        let mut buf = buf;
        buf.clear();
        buf.reserve_exact(capacity);
        let mut ends = [0usize; 3];
        let mut count = 1usize;
        let first = secrets.first();
        let single = |parts: &[&[u8]]| first.map(|secret| secret.keyed.tag(parts));
        match scheme {
            Scheme::Revel | Scheme::Mipos => {
                if let Some(tag) = single(&[body]) {
                    push_hex(&mut buf, &tag);
                }
            }
            Scheme::Github => {
                buf.push_str("sha256=");
                if let Some(tag) = single(&[body]) {
                    push_hex(&mut buf, &tag);
                }
            }
            Scheme::Shopify => {
                if let Some(tag) = single(&[body]) {
                    push_base64(&mut buf, &tag);
                }
            }
            Scheme::Square => {
                let url = self.params.notification_url.as_deref().unwrap_or_default();
                if let Some(tag) = single(&[url.as_bytes(), body]) {
                    push_base64(&mut buf, &tag);
                }
            }
            Scheme::Linga => {
                if let Some(secret) = first {
                    buf.push_str(secret.expose_text());
                }
            }
            Scheme::Stripe | Scheme::Ordergroove => {
                let ts = self.timestamp(message)?;
                let (ts_label, sig_label) = if scheme == Scheme::Stripe {
                    ("t=", ",v1=")
                } else {
                    ("ts=", ",sig=")
                };
                buf.push_str(ts_label);
                buf.push_str(ts.as_str());
                for secret in secrets {
                    buf.push_str(sig_label);
                    push_hex(&mut buf, &secret.keyed.tag(&[ts.as_bytes(), b".", body]));
                }
            }
            Scheme::Standard => {
                let id = message.id.ok_or(SignError::MissingId(scheme))?;
                validate_id(id)?;
                let ts = self.timestamp(message)?;
                buf.push_str(id);
                ends[0] = buf.len();
                buf.push_str(ts.as_str());
                ends[1] = buf.len();
                for (index, secret) in secrets.iter().enumerate() {
                    if index > 0 {
                        buf.push(' ');
                    }
                    buf.push_str("v1,");
                    let tag = secret
                        .keyed
                        .tag(&[id.as_bytes(), b".", ts.as_bytes(), b".", body]);
                    push_base64(&mut buf, &tag);
                }
                count = 3;
            }
        }
        if let Some(end) = ends.get_mut(count - 1) {
            *end = buf.len();
        }
        Ok(Signed {
            scheme,
            custom_name: if scheme == Scheme::Linga {
                self.params.header_name.clone()
            } else {
                None
            },
            buf,
            ends,
            count,
        })
    }
}

fn validate_id(id: &str) -> Result<(), SignError> {
    if id.is_empty() {
        return Err(SignError::InvalidId("empty"));
    }
    if id.len() > super::verify::MAX_MESSAGE_ID_BYTES {
        return Err(SignError::InvalidId("longer than 128 bytes"));
    }
    if id.contains('.') {
        return Err(SignError::InvalidId("contains '.'"));
    }
    if !id.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(SignError::InvalidId(
            "only visible ascii characters can travel in a header",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_headers_are_the_listed_ones() {
        for scheme in Scheme::ALL {
            let names: Vec<_> = (0..4)
                .map_while(|index| scheme_header(scheme, index))
                .collect();
            assert_eq!(names, scheme.headers(), "{scheme}");
        }
    }

    #[test]
    fn digits() {
        assert_eq!(Digits::new(0).as_str(), "0");
        assert_eq!(Digits::new(1614265330).as_str(), "1614265330");
        assert_eq!(Digits::new(u64::MAX).as_str(), "18446744073709551615");
    }
}
