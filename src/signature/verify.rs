//! Verifying: the raw body and the headers in, the verified body (or a precise error) out.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, Request};

use super::config::{Common, Params};
use super::error::{ConfigError, VerifyError};
use super::headers::HeaderSource;
use super::scheme::{DEFAULT_TOLERANCE_SECS, Scheme};
use super::secret::{MAX_TAG, Secret, tags_equal, token_digest};

/// Checks that webhooks come from the holder of one of its secrets.
///
/// Built once per endpoint (key setup happens then), used for every request: verifying does not
/// allocate, never copies the body and compares in constant time. Several secrets may be given
/// at once (rotation); the result says which one matched.
///
/// The library never reads the clock: pass `now` in unix seconds.
///
/// ```
/// use pos_webhooks::{Scheme, Verifier, VerifyError};
///
/// let verifier = Verifier::new(Scheme::Github, ["It's a Secret to Everybody"]).unwrap();
/// let headers = [(
///     "X-Hub-Signature-256",
///     "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
/// )];
/// let ok = verifier.verify_parts(&headers, b"Hello, World!", 0).unwrap();
/// assert_eq!(ok.secret_index(), 0);
///
/// let err = verifier.verify_parts(&headers, b"Hello, World?", 0).unwrap_err();
/// assert_eq!(err, VerifyError::SignatureMismatch);
/// ```
#[derive(Clone, Debug)]
pub struct Verifier {
    params: Params,
    /// `None`: the timestamp check was explicitly skipped.
    tolerance_secs: Option<u64>,
    accept_base64: bool,
}

/// Builds a [`Verifier`]; see [`Verifier::builder`].
#[derive(Clone, Debug)]
#[must_use]
pub struct VerifierBuilder {
    common: Common,
    tolerance_secs: Option<u64>,
    accept_base64: bool,
}

/// The longest Standard Webhooks message id (`webhook-id`) accepted, in bytes. Longer ids are
/// a malformed header when verifying and an invalid id when signing: the id is kept inline in
/// [`Verification`] (verifying does not allocate). Svix's ids (`msg_` and 27 characters) use 31.
pub const MAX_MESSAGE_ID_BYTES: usize = 128;

/// What a successful verification established, without the body.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Verification {
    secret_index: usize,
    timestamp: Option<i64>,
    id: Option<MessageId>,
}

/// A signed message id, inline: visible ASCII, at most [`MAX_MESSAGE_ID_BYTES`].
#[derive(Clone, Copy, PartialEq, Eq)]
struct MessageId {
    len: u8,
    bytes: [u8; MAX_MESSAGE_ID_BYTES],
}

impl MessageId {
    /// 1 to [`MAX_MESSAGE_ID_BYTES`] visible ASCII characters, or why not.
    fn new(raw: &[u8]) -> Result<MessageId, &'static str> {
        if raw.is_empty() {
            return Err("empty message id");
        }
        if raw.len() > MAX_MESSAGE_ID_BYTES {
            return Err("message id is longer than 128 bytes");
        }
        if !raw.iter().all(u8::is_ascii_graphic) {
            return Err("message id is not visible ascii");
        }
        let mut bytes = [0u8; MAX_MESSAGE_ID_BYTES];
        if let Some(dst) = bytes.get_mut(..raw.len()) {
            dst.copy_from_slice(raw);
        }
        Ok(MessageId {
            len: u8::try_from(raw.len()).unwrap_or(0),
            bytes,
        })
    }

    fn as_str(&self) -> &str {
        let bytes = self.bytes.get(..usize::from(self.len)).unwrap_or_default();
        core::str::from_utf8(bytes).unwrap_or_default()
    }
}

impl Verification {
    /// Which secret matched: its position (from 0) in the order the secrets were given.
    ///
    /// ```
    /// # use pos_webhooks::{Scheme, Verifier};
    /// let v = Verifier::new(Scheme::Revel, ["old", "new"]).unwrap();
    /// let sig = "2b2ab0bc8ba8c0b3aeb5d1c9ff07fd9a77d4fca2"; // HMAC-SHA1("new", "{}")
    /// # let sig = pos_webhooks::Signer::new(Scheme::Revel, ["new"]).unwrap()
    /// #     .sign(&pos_webhooks::Message::new(b"{}")).unwrap().signature().to_owned();
    /// let ok = v.verify_parts(&[("X-Revel-Signature", sig.as_str())], b"{}", 0).unwrap();
    /// assert_eq!(ok.secret_index(), 1);
    /// ```
    pub fn secret_index(&self) -> usize {
        self.secret_index
    }

    /// The signed timestamp (unix seconds) for timestamped schemes, `None` for the others.
    pub fn timestamp(&self) -> Option<i64> {
        self.timestamp
    }

    /// The message id that was signed (Standard Webhooks' `webhook-id`, or its `svix-id`
    /// alias), `None` for schemes that sign no id. De-duplicate on this value, not on a header
    /// read separately: a request whose id headers disagree or repeat is refused before this.
    ///
    /// ```
    /// use pos_webhooks::{Message, Scheme, Signer, Verifier};
    /// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// let signed = Signer::new(Scheme::Standard, [secret]).unwrap()
    ///     .sign(&Message::new(b"{}").id("msg_1").timestamp(1_700_000_000)).unwrap();
    /// let headers: Vec<(&str, &str)> = signed.headers().collect();
    /// let ok = Verifier::new(Scheme::Standard, [secret]).unwrap()
    ///     .verify_parts(&headers, b"{}", 1_700_000_000).unwrap();
    /// assert_eq!(ok.id(), Some("msg_1"));
    /// ```
    pub fn id(&self) -> Option<&str> {
        self.id.as_ref().map(MessageId::as_str)
    }
}

impl core::fmt::Debug for Verification {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Verification")
            .field("secret_index", &self.secret_index)
            .field("timestamp", &self.timestamp)
            .field("id", &self.id())
            .finish()
    }
}

/// A verified webhook: the body exactly as received (not copied) and what was established.
/// Parsing it is a separate, later step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    body: Bytes,
    verification: Verification,
}

impl Verified {
    /// The verified body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The verified body, by value.
    pub fn into_body(self) -> Bytes {
        self.body
    }

    /// Which secret matched (its position in the order given).
    pub fn secret_index(&self) -> usize {
        self.verification.secret_index
    }

    /// The signed timestamp for timestamped schemes.
    pub fn timestamp(&self) -> Option<i64> {
        self.verification.timestamp
    }

    /// The signed message id (Standard Webhooks); see [`Verification::id`].
    pub fn id(&self) -> Option<&str> {
        self.verification.id()
    }

    /// The verification details.
    pub fn verification(&self) -> Verification {
        self.verification
    }
}

impl VerifierBuilder {
    /// Adds a secret given as text, keyed with the scheme's key rule. Secrets are tried in the
    /// order given.
    pub fn secret(mut self, text: &str) -> Self {
        self.common.secret_text(text);
        self
    }

    /// Adds an already built [`Secret`]; it must have been built for the same scheme.
    pub fn secret_key(mut self, secret: Secret) -> Self {
        self.common.secret(secret);
        self
    }

    /// Square: the notification URL, exactly as configured at Square (it is signed).
    pub fn notification_url(mut self, url: &str) -> Self {
        self.common.notification_url(url);
        self
    }

    /// Linga: the name of the header the partner chose for the token.
    pub fn header_name(mut self, name: &str) -> Self {
        self.common.header_name(name);
        self
    }

    /// Replay window for timestamped schemes, both directions (default
    /// [`DEFAULT_TOLERANCE_SECS`]).
    pub fn tolerance_secs(mut self, secs: u64) -> Self {
        self.tolerance_secs = Some(secs);
        self
    }

    /// Accepts any signed timestamp, however old or far in the future. This removes replay
    /// protection; use it only for replaying stored webhooks in tests or backfills.
    pub fn danger_skip_timestamp_check(mut self) -> Self {
        self.tolerance_secs = None;
        self
    }

    /// miPOS: also accept a base64 signature (the documented encoding is hex).
    pub fn accept_base64_signatures(mut self) -> Self {
        self.accept_base64 = true;
        self
    }

    /// Builds the verifier; errors if no secret was given, a secret was refused, or a setting
    /// the scheme needs (Square's URL, Linga's header name) is missing.
    pub fn build(self) -> Result<Verifier, ConfigError> {
        Ok(Verifier {
            params: self.common.finish()?,
            tolerance_secs: self.tolerance_secs,
            accept_base64: self.accept_base64,
        })
    }
}

/// The encoding of signatures in a header.
#[derive(Clone, Copy)]
enum Encoding {
    Hex,
    Base64,
    HexOrBase64,
}

/// A decoded signature, zero-padded to [`MAX_TAG`] like a computed [`Tag`](super::secret::Tag).
type TagBytes = [u8; MAX_TAG];

/// Decodes one signature of `tag_len` bytes straight into a tag-sized stack array.
fn decode(encoding: Encoding, src: &[u8], tag_len: usize) -> Result<TagBytes, &'static str> {
    let hex = || {
        if src.len() != tag_len * 2 {
            return Err("wrong length for a hex signature");
        }
        hex_decode(src, tag_len).ok_or("not hexadecimal")
    };
    let base64 = || {
        if let Some(out) = base64_canonical(src, tag_len) {
            return Ok(out);
        }
        // 4 characters per 3 bytes, padded: anything longer cannot be a tag.
        if src.len() > tag_len.div_ceil(3) * 4 {
            return Err("wrong length for a base64 signature");
        }
        // Room for the decoder's estimate (3 bytes per 4 characters, rounded up).
        let mut scratch = [0u8; MAX_TAG + 4];
        let n = STANDARD
            .decode_slice(src, &mut scratch)
            .map_err(|_| "not base64")?;
        if n != tag_len {
            return Err("wrong length for a base64 signature");
        }
        let mut out = [0u8; MAX_TAG];
        if let (Some(dst), Some(from)) = (out.get_mut(..n), scratch.get(..n)) {
            dst.copy_from_slice(from);
        }
        Ok(out)
    };
    match encoding {
        Encoding::Hex => hex(),
        Encoding::Base64 => base64(),
        Encoding::HexOrBase64 => hex().or_else(|_| base64()),
    }
}

/// `2 * tag_len` hexadecimal digits (either case, as the `hex` crate accepts) decoded with no
/// branch and no table lookup per digit: each digit's value by compares and a select, a loop
/// the compiler runs 16 bytes at a time, then the pairs joined; `None` if any byte is not a
/// digit (or the length is not `2 * tag_len`). (A 256-entry table took 156 instructions more
/// per 64-digit signature, and about 10 ns.)
fn hex_decode(src: &[u8], tag_len: usize) -> Option<TagBytes> {
    if src.len() != tag_len * 2 || tag_len > MAX_TAG {
        return None;
    }
    let mut nibbles = [0u8; 2 * MAX_TAG];
    let mut bad = 0u8;
    for (nibble, c) in nibbles.iter_mut().zip(src) {
        let digit = c.wrapping_sub(b'0');
        let letter = (c | 0x20).wrapping_sub(b'a');
        let is_digit = digit < 10;
        let is_letter = letter < 6;
        bad |= u8::from(!(is_digit | is_letter));
        *nibble = if is_digit {
            digit
        } else {
            letter.wrapping_add(10)
        };
    }
    let mut out = [0u8; MAX_TAG];
    for ([high, low], byte) in nibbles.as_chunks::<2>().0.iter().zip(out.iter_mut()) {
        *byte = (high << 4) | (low & 0x0f);
    }
    (bad == 0).then_some(out)
}

/// The value of each base64 character (standard alphabet), `0xff` for every other byte.
// Indexing at compile time: an index out of range is a compile error, never a panic.
#[allow(clippy::indexing_slicing)]
const BASE64_VALUES: [u8; 256] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut table = [0xffu8; 256];
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

/// The common case of a base64 signature, decoded in one pass with no scratch buffer: exactly
/// the canonical padded encoding of `tag_len` bytes (the only form the `base64` crate's
/// `STANDARD` engine accepts for that length, with the same bytes out). Anything else is
/// `None` and goes through the engine, which names the problem.
fn base64_canonical(src: &[u8], tag_len: usize) -> Option<TagBytes> {
    let full = tag_len / 3;
    let rest = tag_len % 3;
    if src.len() != tag_len.div_ceil(3) * 4 || tag_len > MAX_TAG {
        return None;
    }
    let value = |c: &u8| BASE64_VALUES.get(usize::from(*c)).copied().unwrap_or(0xff);
    let mut out = [0u8; MAX_TAG];
    let mut bad = 0u8;
    let (groups, tail) = src.split_at_checked(full * 4)?;
    let (chunks, _) = groups.as_chunks::<4>();
    let (dsts, _) = out.as_chunks_mut::<3>();
    for ([a, b, c, d], [x, y, z]) in chunks.iter().zip(dsts.iter_mut()) {
        let (a, b, c, d) = (value(a), value(b), value(c), value(d));
        bad |= a | b | c | d;
        // 24 bits, 6 per character, out as 3 bytes from the top.
        let n = u32::from(a & 0x3f) << 18
            | u32::from(b & 0x3f) << 12
            | u32::from(c & 0x3f) << 6
            | u32::from(d & 0x3f);
        *x = (n >> 16) as u8;
        *y = (n >> 8) as u8;
        *z = n as u8;
    }
    if bad & 0xc0 != 0 {
        return None;
    }
    let dst = out.get_mut(full * 3..tag_len)?;
    match (rest, tail) {
        (0, []) => {}
        (1, [a, b, b'=', b'=']) => {
            let (a, b) = (value(a), value(b));
            // The bits beyond the byte must be zero (canonical), as the engine requires.
            if (a | b) & 0xc0 != 0 || b & 0x0f != 0 {
                return None;
            }
            if let [x] = dst {
                *x = (a << 2) | (b >> 4);
            }
        }
        (2, [a, b, c, b'=']) => {
            let (a, b, c) = (value(a), value(b), value(c));
            if (a | b | c) & 0xc0 != 0 || c & 0x03 != 0 {
                return None;
            }
            if let [x, y] = dst {
                *x = (a << 2) | (b >> 4);
                *y = (b << 4) | (c >> 2);
            }
        }
        _ => return None,
    }
    Some(out)
}

/// The position of the first `needle` in `haystack`: eight bytes at a time (a word compare,
/// no per-byte branch), the tail byte by byte.
fn find_byte(haystack: &[u8], needle: u8) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let pattern = LOW * u64::from(needle);
    let mut words = haystack.chunks_exact(8);
    let mut offset = 0usize;
    for word in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        let x = u64::from_le_bytes(bytes) ^ pattern;
        // A zero byte of `x` is a match; the lowest flagged byte is exactly the first one
        // (a false flag can only sit above a true zero, where the borrow came from).
        let found = x.wrapping_sub(LOW) & !x & HIGH;
        if found != 0 {
            return Some(offset + (found.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    words
        .remainder()
        .iter()
        .position(|b| *b == needle)
        .map(|at| offset + at)
}

/// The pieces of `value` between the `separator` bytes, as `<[u8]>::split` gives them, each
/// separator found with [`find_byte`] (eight bytes at a time).
fn split_byte(value: &[u8], separator: u8) -> SplitByte<'_> {
    SplitByte {
        rest: Some(value),
        separator,
    }
}

/// The iterator of [`split_byte`].
#[derive(Clone)]
struct SplitByte<'a> {
    rest: Option<&'a [u8]>,
    separator: u8,
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a [u8];

    #[inline]
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        Some(match find_byte(rest, self.separator) {
            Some(at) => {
                self.rest = rest.get(at + 1..);
                rest.get(..at).unwrap_or_default()
            }
            None => {
                self.rest = None;
                rest
            }
        })
    }
}

/// `key=value` items of a comma-separated header (Stripe, Ordergroove), whitespace trimmed,
/// empty items skipped. An item without `=` comes with `None`.
fn kv_items(value: &[u8]) -> KvItems<'_> {
    KvItems {
        items: split_byte(value, b','),
    }
}

/// The iterator of [`kv_items`]: each `,` found with [`find_byte`], not byte by byte.
#[derive(Clone)]
struct KvItems<'a> {
    items: SplitByte<'a>,
}

impl<'a> Iterator for KvItems<'a> {
    type Item = (&'a [u8], Option<&'a [u8]>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let item = self.items.next()?.trim_ascii();
            if item.is_empty() {
                continue;
            }
            return Some(match item.iter().position(|b| *b == b'=') {
                Some(at) => (
                    item.get(..at).unwrap_or_default().trim_ascii(),
                    Some(item.get(at + 1..).unwrap_or_default().trim_ascii()),
                ),
                None => (item, None),
            });
        }
    }
}

/// `parts` one after the other in `buf`, or `None` if they do not fit: the few bytes signed
/// before the body, for one HMAC update instead of one per part.
fn joined<'b>(buf: &'b mut [u8], parts: &[&[u8]]) -> Option<&'b [u8]> {
    let mut at = 0usize;
    for part in parts {
        let end = at + part.len();
        buf.get_mut(at..end)?.copy_from_slice(part);
        at = end;
    }
    buf.get(..at)
}

/// Parses a unix timestamp: ASCII digits only, fitting in an `i64`.
fn parse_timestamp(raw: &[u8]) -> Option<i64> {
    if raw.is_empty() || raw.len() > 19 {
        return None;
    }
    raw.iter().try_fold(0i64, |acc, b| {
        let digit = i64::from(b.checked_sub(b'0').filter(|d| *d <= 9)?);
        acc.checked_mul(10)?.checked_add(digit)
    })
}

fn missing(name: &'static str) -> VerifyError {
    VerifyError::MissingHeader(Cow::Borrowed(name))
}

fn malformed(header: &'static str, reason: &'static str) -> VerifyError {
    VerifyError::MalformedHeader {
        header: Cow::Borrowed(header),
        reason,
    }
}

/// Why a header that appears twice is refused.
const REPEATED: &str = "header appears more than once";

/// How many signatures of one header are decoded up front, on the stack.
const DECODED_CACHE: usize = 4;

/// A header name prepared for lookups, with its text for errors.
struct Name {
    header: HeaderName,
    text: &'static str,
}

const fn name(text: &'static str) -> Name {
    Name {
        header: HeaderName::from_static(text),
        text,
    }
}

/// What one lookup found: the first value and whether the header appears more than once.
type Entry<'h> = Option<(&'h [u8], bool)>;

/// Header lookups of one verification, several names at once.
trait Find {
    /// For each of `names`, its first value and whether it repeats.
    fn find<const K: usize>(&self, names: [&Name; K]) -> [Entry<'_>; K];

    /// The same for a name chosen at run time (Linga's).
    fn entry(&self, name: &HeaderName) -> Entry<'_>;
}

/// Any [`HeaderSource`], one [`HeaderSource::header_entry`] per name.
struct Lookups<'a, H: ?Sized>(&'a H);

impl<H: HeaderSource + ?Sized> Find for Lookups<'_, H> {
    fn find<const K: usize>(&self, names: [&Name; K]) -> [Entry<'_>; K] {
        names.map(|name| self.0.header_entry(&name.header))
    }

    fn entry(&self, name: &HeaderName) -> Entry<'_> {
        self.0.header_entry(name)
    }
}

/// An `http::HeaderMap`, read in one pass over its entries for all the names at once: cheaper
/// than hashing each name (the map hashes custom names byte by byte), and every repeat seen.
struct Scan<'a>(&'a HeaderMap);

impl Find for Scan<'_> {
    fn find<const K: usize>(&self, names: [&Name; K]) -> [Entry<'_>; K] {
        let mut found: [Entry<'_>; K] = [None; K];
        for (name, value) in self.0 {
            let name = name.as_str();
            for (slot, target) in found.iter_mut().zip(names) {
                if name == target.text {
                    *slot = match *slot {
                        None => Some((value.as_bytes(), false)),
                        Some((first, _)) => Some((first, true)),
                    };
                    // The names are distinct: no other can match this header.
                    break;
                }
            }
        }
        found
    }

    fn entry(&self, name: &HeaderName) -> Entry<'_> {
        self.0.header_entry(name)
    }
}

/// The trimmed value of a header found once; a header given more than once is malformed.
fn once<'h>(entry: Entry<'h>, name: &Name) -> Result<Option<&'h [u8]>, VerifyError> {
    match entry {
        None => Ok(None),
        Some((_, true)) => Err(malformed(name.text, REPEATED)),
        Some((value, false)) => Ok(Some(value.trim_ascii())),
    }
}

/// The value of a required header.
fn require<'h, F: Find>(headers: &'h F, name: &Name) -> Result<&'h [u8], VerifyError> {
    let [entry] = headers.find([name]);
    once(entry, name)?.ok_or_else(|| missing(name.text))
}

/// A Standard Webhooks header under its `webhook-` name or its `svix-` alias, with the name
/// found. Both present with different values is malformed: never silently one of them.
fn aliased<'h>(
    [main, alias]: &[Name; 2],
    [main_entry, alias_entry]: [Entry<'h>; 2],
    differ: &'static str,
) -> Result<(&'static str, &'h [u8]), VerifyError> {
    match (once(main_entry, main)?, once(alias_entry, alias)?) {
        (Some(value), Some(other)) if value != other => Err(malformed(main.text, differ)),
        (Some(value), _) => Ok((main.text, value)),
        (None, Some(value)) => Ok((alias.text, value)),
        (None, None) => Err(missing(main.text)),
    }
}

const REVEL: Name = name("x-revel-signature");
const MIPOS: Name = name("signature-webhook");
const ORDERGROOVE: Name = name("ordergroove-signature");
const STRIPE: Name = name("stripe-signature");
const GITHUB: Name = name("x-hub-signature-256");
const SHOPIFY: Name = name("x-shopify-hmac-sha256");
const SQUARE: Name = name("x-square-hmacsha256-signature");
const WEBHOOK_ID: [Name; 2] = [name("webhook-id"), name("svix-id")];
const WEBHOOK_TIMESTAMP: [Name; 2] = [name("webhook-timestamp"), name("svix-timestamp")];
const WEBHOOK_SIGNATURE: [Name; 2] = [name("webhook-signature"), name("svix-signature")];

impl Verifier {
    /// A verifier for `scheme` with the given secrets (rotation: several at once, tried in
    /// order) and the default tolerance. Square and Linga need a setting more: use
    /// [`Verifier::builder`].
    ///
    /// ```
    /// use pos_webhooks::{ConfigError, Scheme, SecretError, Verifier};
    /// assert!(Verifier::new(Scheme::Revel, ["new-secret", "old-secret"]).is_ok());
    /// assert_eq!(
    ///     Verifier::new(Scheme::Revel, [""]).unwrap_err(),
    ///     ConfigError::InvalidSecret { index: 0, source: SecretError::Empty }
    /// );
    /// ```
    pub fn new<I, S>(scheme: Scheme, secrets: I) -> Result<Verifier, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        secrets
            .into_iter()
            .fold(Verifier::builder(scheme), |builder, secret| {
                builder.secret(secret.as_ref())
            })
            .build()
    }

    /// A builder, for the settings beyond the secrets.
    ///
    /// ```
    /// use pos_webhooks::{Scheme, Verifier};
    /// let square = Verifier::builder(Scheme::Square)
    ///     .secret("Ibxx_5AKakO-3qeNVR61Dw")
    ///     .notification_url("https://example.com/square")
    ///     .build()
    ///     .unwrap();
    /// let stripe = Verifier::builder(Scheme::Stripe)
    ///     .secret("whsec_test")
    ///     .tolerance_secs(600)
    ///     .build()
    ///     .unwrap();
    /// # let _ = (square, stripe);
    /// ```
    pub fn builder(scheme: Scheme) -> VerifierBuilder {
        VerifierBuilder {
            common: Common::new(scheme),
            tolerance_secs: Some(DEFAULT_TOLERANCE_SECS),
            accept_base64: false,
        }
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.params.scheme
    }

    /// The replay window in seconds; `None` if the check is skipped.
    pub fn tolerance_secs(&self) -> Option<u64> {
        self.tolerance_secs
    }

    /// Verifies a webhook given as an `http` header map and its raw body.
    ///
    /// A signature header (or Standard Webhooks' id or timestamp) that appears more than once
    /// is a [`VerifyError::MalformedHeader`]: which one an intermediary keeps is not defined.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use http::HeaderMap;
    /// use pos_webhooks::{Message, Scheme, Signer, Verifier};
    ///
    /// let body = Bytes::from_static(br#"{"ping": "pong"}"#);
    /// let mut headers = HeaderMap::new();
    /// Signer::new(Scheme::Revel, ["secret"]).unwrap()
    ///     .sign(&Message::new(&body)).unwrap()
    ///     .insert_into(&mut headers).unwrap();
    ///
    /// let verifier = Verifier::new(Scheme::Revel, ["secret"]).unwrap();
    /// let verified = verifier.verify(&headers, body.clone(), 1_700_000_000).unwrap();
    /// assert_eq!(verified.body(), &body);
    /// ```
    pub fn verify(
        &self,
        headers: &HeaderMap,
        body: Bytes,
        now: i64,
    ) -> Result<Verified, VerifyError> {
        let verification = self.verify_with(&Scan(headers), &body, now)?;
        Ok(Verified { body, verification })
    }

    /// Verifies an `http::Request<Bytes>`; the body is shared, not copied.
    pub fn verify_request(
        &self,
        request: &Request<Bytes>,
        now: i64,
    ) -> Result<Verified, VerifyError> {
        self.verify(request.headers(), request.body().clone(), now)
    }

    /// The lower layer: headers from any [`HeaderSource`] (such as `&[(&str, &str)]`, for
    /// callers on another `http` version) and the body as a byte slice.
    pub fn verify_parts<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        now: i64,
    ) -> Result<Verification, VerifyError> {
        self.verify_with(&Lookups(headers), body, now)
    }

    fn verify_with<F: Find>(
        &self,
        headers: &F,
        body: &[u8],
        now: i64,
    ) -> Result<Verification, VerifyError> {
        let plain = |name: &Name, encoding: Encoding| {
            let value = require(headers, name)?;
            self.find_match(name.text, &[body], core::iter::once(value), encoding)
        };
        let index = match self.params.scheme {
            Scheme::Revel => plain(&REVEL, Encoding::Hex)?,
            Scheme::Mipos if self.accept_base64 => plain(&MIPOS, Encoding::HexOrBase64)?,
            Scheme::Mipos => plain(&MIPOS, Encoding::Hex)?,
            Scheme::Shopify => plain(&SHOPIFY, Encoding::Base64)?,
            Scheme::Square => {
                let value = require(headers, &SQUARE)?;
                let url = self.params.notification_url.as_deref().unwrap_or_default();
                self.find_match(
                    SQUARE.text,
                    &[url.as_bytes(), body],
                    core::iter::once(value),
                    Encoding::Base64,
                )?
            }
            Scheme::Github => {
                let value = require(headers, &GITHUB)?;
                let hex = value
                    .strip_prefix(b"sha256=")
                    .ok_or_else(|| malformed(GITHUB.text, "missing sha256= prefix"))?;
                self.find_match(GITHUB.text, &[body], core::iter::once(hex), Encoding::Hex)?
            }
            Scheme::Linga => return self.verify_token(headers),
            Scheme::Stripe => return self.verify_kv(headers, body, now, &STRIPE, b"t", b"v1"),
            Scheme::Ordergroove => {
                return self.verify_kv(headers, body, now, &ORDERGROOVE, b"ts", b"sig");
            }
            Scheme::Standard => return self.verify_standard(headers, body, now),
        };
        Ok(Verification {
            secret_index: index,
            timestamp: None,
            id: None,
        })
    }

    /// Tries every secret against every supported signature; constant-time comparisons.
    ///
    /// The first [`DECODED_CACHE`] signatures are decoded once, each straight into a
    /// tag-sized stack array; a header with more has the rest decoded again for each secret.
    fn find_match<'a>(
        &self,
        header: &'static str,
        parts: &[&[u8]],
        candidates: impl Iterator<Item = &'a [u8]> + Clone,
        encoding: Encoding,
    ) -> Result<usize, VerifyError> {
        let tag_len = self.params.scheme.algorithm().tag_len();
        let mut decoded = [[0u8; MAX_TAG]; DECODED_CACHE];
        let mut cached = 0usize;
        let mut supported = 0usize;
        let mut decodable = 0usize;
        let mut first_problem = None;
        for candidate in candidates.clone() {
            supported += 1;
            match decode(encoding, candidate, tag_len) {
                Ok(tag) => {
                    decodable += 1;
                    if let Some(slot) = decoded.get_mut(cached) {
                        *slot = tag;
                        cached += 1;
                    }
                }
                Err(reason) => {
                    first_problem.get_or_insert(reason);
                }
            }
        }
        if supported == 0 {
            return Err(VerifyError::NoSupportedSignature {
                header: Cow::Borrowed(header),
            });
        }
        if decodable == 0 {
            return Err(VerifyError::BadSignatureEncoding {
                header: Cow::Borrowed(header),
                reason: first_problem.unwrap_or("undecodable"),
            });
        }
        let decoded = decoded.get(..cached).unwrap_or_default();
        for (index, secret) in self.params.secrets.iter().enumerate() {
            let tag = secret.keyed.tag(parts);
            let mut matched = false;
            for received in decoded {
                matched |= tags_equal(received, &tag.bytes);
            }
            if !matched && decodable > cached {
                for candidate in candidates.clone() {
                    if let Ok(received) = decode(encoding, candidate, tag_len) {
                        matched |= tags_equal(&received, &tag.bytes);
                    }
                }
            }
            if matched {
                return Ok(index);
            }
        }
        Err(VerifyError::SignatureMismatch)
    }

    fn check_timestamp(&self, timestamp: i64, now: i64) -> Result<(), VerifyError> {
        let Some(tolerance) = self.tolerance_secs else {
            return Ok(());
        };
        let age = i128::from(now) - i128::from(timestamp);
        let tolerance_wide = i128::from(tolerance);
        if age > tolerance_wide {
            return Err(VerifyError::TimestampTooOld {
                age_secs: u64::try_from(age).unwrap_or(u64::MAX),
                tolerance_secs: tolerance,
            });
        }
        if -age > tolerance_wide {
            return Err(VerifyError::TimestampInFuture {
                ahead_secs: u64::try_from(-age).unwrap_or(u64::MAX),
                tolerance_secs: tolerance,
            });
        }
        Ok(())
    }

    /// Stripe (`t=`, `v1=`) and Ordergroove (`ts=`, `sig=`): HMAC of `"{ts}.{body}"`.
    fn verify_kv<F: Find>(
        &self,
        headers: &F,
        body: &[u8],
        now: i64,
        name: &Name,
        ts_key: &[u8],
        sig_key: &'static [u8],
    ) -> Result<Verification, VerifyError> {
        let header = name.text;
        let value = require(headers, name)?;
        // One pass: the timestamp and the first few signatures, on the stack.
        let mut raw_ts = None;
        let mut signatures: [&[u8]; DECODED_CACHE] = [&[]; DECODED_CACHE];
        let mut count = 0usize;
        for (key, item) in kv_items(value) {
            let item = item.ok_or_else(|| malformed(header, "an item has no '='"))?;
            if key == ts_key {
                if raw_ts.is_some() {
                    return Err(malformed(header, "more than one timestamp"));
                }
                raw_ts = Some(item);
            } else if key == sig_key {
                if let Some(slot) = signatures.get_mut(count) {
                    *slot = item;
                }
                count += 1;
            }
        }
        let raw_ts = raw_ts.ok_or_else(|| {
            malformed(
                header,
                if ts_key == b"t" {
                    "no t= timestamp"
                } else {
                    "no ts= timestamp"
                },
            )
        })?;
        let timestamp = parse_timestamp(raw_ts)
            .ok_or_else(|| malformed(header, "timestamp is not a non-negative integer"))?;
        // `"{ts}."` on the stack (a timestamp that parses has at most 19 digits): one HMAC
        // update for it, then the body.
        let mut prefix = [0u8; 20];
        let joined_parts;
        let split_parts;
        let parts: &[&[u8]] = match joined(&mut prefix, &[raw_ts, b"."]) {
            Some(prefix) => {
                joined_parts = [prefix, body];
                &joined_parts
            }
            None => {
                split_parts = [raw_ts, b".", body];
                &split_parts
            }
        };
        let index = match signatures.get(..count) {
            Some(few) => self.find_match(header, parts, few.iter().copied(), Encoding::Hex)?,
            // More signatures than the stack holds: walk the header again.
            None => {
                let all = kv_items(value)
                    .filter(move |(key, _)| *key == sig_key)
                    .filter_map(|(_, item)| item);
                self.find_match(header, parts, all, Encoding::Hex)?
            }
        };
        self.check_timestamp(timestamp, now)?;
        Ok(Verification {
            secret_index: index,
            timestamp: Some(timestamp),
            id: None,
        })
    }

    /// Standard Webhooks: HMAC of `"{id}.{ts}.{body}"`, `v1,<base64>` list.
    ///
    /// Entries of the list that are not `version,signature` are skipped, as the reference
    /// implementation does, as long as one `v1` entry is there; a list with no `v1` entry and
    /// a malformed one is a malformed header.
    fn verify_standard<F: Find>(
        &self,
        headers: &F,
        body: &[u8],
        now: i64,
    ) -> Result<Verification, VerifyError> {
        let [id, svix_id, ts, svix_ts, sig, svix_sig] = headers.find([
            &WEBHOOK_ID[0],
            &WEBHOOK_ID[1],
            &WEBHOOK_TIMESTAMP[0],
            &WEBHOOK_TIMESTAMP[1],
            &WEBHOOK_SIGNATURE[0],
            &WEBHOOK_SIGNATURE[1],
        ]);
        let (id_name, raw_id) =
            aliased(&WEBHOOK_ID, [id, svix_id], "webhook-id and svix-id differ")?;
        let (ts_name, raw_ts) = aliased(
            &WEBHOOK_TIMESTAMP,
            [ts, svix_ts],
            "webhook-timestamp and svix-timestamp differ",
        )?;
        let (sig_name, signatures) = aliased(
            &WEBHOOK_SIGNATURE,
            [sig, svix_sig],
            "webhook-signature and svix-signature differ",
        )?;
        let id = MessageId::new(raw_id).map_err(|reason| malformed(id_name, reason))?;
        let timestamp = parse_timestamp(raw_ts)
            .ok_or_else(|| malformed(ts_name, "timestamp is not a non-negative integer"))?;
        // One pass: count the entries and keep the first few `v1` ones on the stack.
        let mut v1: [&[u8]; DECODED_CACHE] = [&[]; DECODED_CACHE];
        let mut count = 0usize;
        let mut entries = 0usize;
        let mut unversioned = false;
        for entry in split_byte(signatures, b' ').filter(|e| !e.is_empty()) {
            entries += 1;
            match entry.iter().position(|b| *b == b',') {
                None => unversioned = true,
                Some(at) => {
                    if entry.get(..at) == Some(b"v1") {
                        if let Some(slot) = v1.get_mut(count) {
                            *slot = entry.get(at + 1..).unwrap_or_default();
                        }
                        count += 1;
                    }
                }
            }
        }
        if entries == 0 {
            return Err(malformed(sig_name, "no signature"));
        }
        if count == 0 && unversioned {
            return Err(malformed(sig_name, "a signature has no version prefix"));
        }
        // `"{id}.{ts}."` on the stack (at most 128 + 1 + 19 + 1 bytes): one HMAC update for
        // it, then the body.
        let mut prefix = [0u8; MAX_MESSAGE_ID_BYTES + 21];
        let joined_parts;
        let split_parts;
        let parts: &[&[u8]] = match joined(&mut prefix, &[raw_id, b".", raw_ts, b"."]) {
            Some(prefix) => {
                joined_parts = [prefix, body];
                &joined_parts
            }
            None => {
                split_parts = [raw_id, b".", raw_ts, b".", body];
                &split_parts
            }
        };
        let index = match v1.get(..count) {
            Some(few) => self.find_match(sig_name, parts, few.iter().copied(), Encoding::Base64)?,
            None => {
                let all =
                    split_byte(signatures, b' ').filter_map(|entry| entry.strip_prefix(b"v1,"));
                self.find_match(sig_name, parts, all, Encoding::Base64)?
            }
        };
        self.check_timestamp(timestamp, now)?;
        Ok(Verification {
            secret_index: index,
            timestamp: Some(timestamp),
            id: Some(id),
        })
    }

    /// Linga: a static token, compared in constant time with each configured token.
    ///
    /// The SHA-256 of the received value is compared with the SHA-256 of each token, so the
    /// time taken says neither which token was close nor how long the tokens are.
    fn verify_token<F: Find>(&self, headers: &F) -> Result<Verification, VerifyError> {
        let Some(header_name) = self.params.header_name.as_ref() else {
            return Err(VerifyError::MissingHeader(Cow::Borrowed(
                "(no header name configured)",
            )));
        };
        let owned_name = || Cow::Owned(header_name.as_str().to_owned());
        let (value, repeated) = headers
            .entry(header_name)
            .ok_or_else(|| VerifyError::MissingHeader(owned_name()))?;
        if repeated {
            return Err(VerifyError::MalformedHeader {
                header: owned_name(),
                reason: REPEATED,
            });
        }
        let received = token_digest(value.trim_ascii());
        // Every token is compared, so the time taken does not say which one was close.
        let mut matched = None;
        for (index, secret) in self.params.secrets.iter().enumerate() {
            if secret.token_matches(&received) && matched.is_none() {
                matched = Some(index);
            }
        }
        match matched {
            Some(index) => Ok(Verification {
                secret_index: index,
                timestamp: None,
                id: None,
            }),
            None => Err(VerifyError::TokenMismatch {
                header: owned_name(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_parse_strictly() {
        assert_eq!(parse_timestamp(b"1614265330"), Some(1_614_265_330));
        assert_eq!(parse_timestamp(b"0"), Some(0));
        assert_eq!(parse_timestamp(b"-1"), None);
        assert_eq!(parse_timestamp(b"+1"), None);
        assert_eq!(parse_timestamp(b""), None);
        assert_eq!(parse_timestamp(b"12a"), None);
        assert_eq!(parse_timestamp(b"9223372036854775807"), Some(i64::MAX));
        assert_eq!(parse_timestamp(b"9223372036854775808"), None);
    }

    /// The one-pass decoder accepts exactly what the `base64` engine accepts for a tag's
    /// length, with the same bytes, and leaves everything else to it.
    #[test]
    fn base64_fast_path_agrees_with_the_engine() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        for tag_len in [1usize, 2, 3, 20, 31, 32] {
            for _ in 0..200 {
                let tag: Vec<u8> = (0..tag_len).map(|_| next() as u8).collect();
                let text = STANDARD.encode(&tag);
                let fast = base64_canonical(text.as_bytes(), tag_len).expect("canonical");
                assert_eq!(&fast[..tag_len], &tag[..]);
                assert!(fast[tag_len..].iter().all(|b| *b == 0));
                // Every one-character change: the fast path says nothing or agrees.
                for at in 0..text.len() {
                    for c in [b'A', b'B', b'/', b'=', b'-', b'_', b' ', b'\0', 0xc3] {
                        let mut bad = text.clone().into_bytes();
                        bad[at] = c;
                        if let Some(out) = base64_canonical(&bad, tag_len) {
                            let mut scratch = [0u8; 64];
                            let n = STANDARD.decode_slice(&bad, &mut scratch).expect("engine");
                            assert_eq!(n, tag_len);
                            assert_eq!(&out[..n], &scratch[..n]);
                        }
                    }
                }
            }
        }
        assert_eq!(base64_canonical(b"AAAA", 32), None);
    }

    /// The table decoder accepts exactly what the `hex` crate accepts, with the same bytes.
    #[test]
    fn hex_decode_agrees_with_the_crate() {
        for tag_len in [1usize, 2, 20, 32] {
            let tag: Vec<u8> = (0..tag_len).map(|i| (i * 37 + 11) as u8).collect();
            for text in [hex::encode(&tag), hex::encode_upper(&tag)] {
                let ours = hex_decode(text.as_bytes(), tag_len).expect("hex");
                assert_eq!(&ours[..tag_len], &tag[..]);
                assert!(ours[tag_len..].iter().all(|b| *b == 0));
                for at in 0..text.len() {
                    for c in 0..=255u8 {
                        let mut bad = text.clone().into_bytes();
                        bad[at] = c;
                        let mut theirs = vec![0u8; tag_len];
                        let crate_ok = hex::decode_to_slice(&bad, &mut theirs).is_ok();
                        match hex_decode(&bad, tag_len) {
                            Some(out) => {
                                assert!(crate_ok, "{c}");
                                assert_eq!(&out[..tag_len], &theirs[..]);
                            }
                            None => assert!(!crate_ok, "{c}"),
                        }
                    }
                }
            }
        }
        assert_eq!(hex_decode(b"abc", 1), None);
        assert_eq!(hex_decode(b"", 0).map(|o| o[0]), Some(0));
    }

    #[test]
    fn find_byte_finds_the_first() {
        for len in 0..40usize {
            let mut hay = vec![b'a'; len];
            assert_eq!(find_byte(&hay, b','), None);
            for at in 0..len {
                hay[at] = b',';
                assert_eq!(find_byte(&hay, b','), Some(at), "{len} {at}");
                // Bytes just above and below the needle, and a second needle later.
                if at + 1 < len {
                    hay[at + 1] = b',';
                    assert_eq!(find_byte(&hay, b','), Some(at));
                    hay[at + 1] = b'-';
                    assert_eq!(find_byte(&hay, b','), Some(at));
                    hay[at + 1] = b'a';
                }
                hay[at] = 0xac;
                assert_eq!(find_byte(&hay, b','), None);
                hay[at] = b'a';
            }
        }
        assert_eq!(find_byte(b"\0\0\0\0\0\0\0\0\0", 0), Some(0));
        assert_eq!(find_byte(b"\x01\x00", 0), Some(1));
    }

    #[test]
    fn split_byte_is_split() {
        for value in [
            &b""[..],
            b" ",
            b"  ",
            b"a",
            b" a",
            b"a ",
            b"a  b",
            b"v1,x v1,y",
            b" x  ",
        ] {
            let ours: Vec<&[u8]> = split_byte(value, b' ').collect();
            let theirs: Vec<&[u8]> = value.split(|b| *b == b' ').collect();
            assert_eq!(ours, theirs);
        }
        let long = [b'x'; 70];
        let ours: Vec<&[u8]> = split_byte(&long, b' ').collect();
        assert_eq!(ours, vec![&long[..]]);
    }

    /// The split agrees with the obvious one (split, trim, skip empty) on assorted headers.
    #[test]
    fn kv_items_agree_with_split() {
        let reference = |value: &[u8]| -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
            value
                .split(|b| *b == b',')
                .map(<[u8]>::trim_ascii)
                .filter(|item| !item.is_empty())
                .map(|item| match item.iter().position(|b| *b == b'=') {
                    Some(at) => (
                        item[..at].trim_ascii().to_vec(),
                        Some(item[at + 1..].trim_ascii().to_vec()),
                    ),
                    None => (item.to_vec(), None),
                })
                .collect()
        };
        let alphabet = [b',', b'=', b' ', b'\t', b'a', b'1', b'v', b't'];
        let mut x = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 40) as usize;
            let value: Vec<u8> = (0..len)
                .map(|i| alphabet[((x >> (i % 20 * 3)) as usize + i) % alphabet.len()])
                .collect();
            let ours: Vec<(Vec<u8>, Option<Vec<u8>>)> = kv_items(&value)
                .map(|(k, v)| (k.to_vec(), v.map(<[u8]>::to_vec)))
                .collect();
            assert_eq!(
                ours,
                reference(&value),
                "{:?}",
                String::from_utf8_lossy(&value)
            );
        }
    }

    #[test]
    fn kv_items_split_and_trim() {
        let items: Vec<_> = kv_items(b"t=1, v1=ab ,,v0=cd,bare").collect();
        assert_eq!(
            items,
            vec![
                (&b"t"[..], Some(&b"1"[..])),
                (&b"v1"[..], Some(&b"ab"[..])),
                (&b"v0"[..], Some(&b"cd"[..])),
                (&b"bare"[..], None),
            ]
        );
    }
}
