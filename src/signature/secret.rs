//! Secrets, keyed once with their scheme's key rule.

use core::fmt;

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest as _, Sha256};

use super::error::SecretError;
use super::scheme::{KeyRule, Scheme, WHSEC_PREFIX};

/// A pre-keyed HMAC state: key setup is done once per secret and the state cloned per message.
#[derive(Clone)]
pub(crate) enum Keyed {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
    /// Linga: nothing is keyed; the SHA-256 of the token is compared with the SHA-256 of the
    /// received value, so the comparison takes the same time whatever the lengths.
    Token([u8; MAX_TAG]),
}

/// Standard Webhooks secrets: base64 with or without its `=` padding, as the Svix and
/// standardwebhooks SDKs accept.
const WHSEC_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// SHA-256 of a token (Linga), for comparisons whose time does not depend on its length.
pub(crate) fn token_digest(token: &[u8]) -> [u8; MAX_TAG] {
    Sha256::digest(token).into()
}

/// Constant-time equality of two tags (zero-padded to [`MAX_TAG`]): every byte is folded
/// into one accumulator, which is hidden from the optimiser before the single branch.
pub(crate) fn tags_equal(a: &[u8; MAX_TAG], b: &[u8; MAX_TAG]) -> bool {
    let mut diff = 0u8;
    for (x, y) in a.iter().zip(b) {
        diff |= x ^ y;
    }
    core::hint::black_box(diff) == 0
}

/// A key made only of spaces, tabs, line breaks and NUL bytes (`"   "`, `"\0\0"`): an
/// empty value padded by a config file or a buffer, never a secret. (Other control bytes are
/// left alone: RFC 2202's test key is twenty form feeds.)
fn is_blank(key: &[u8]) -> bool {
    key.iter()
        .all(|b| matches!(b, 0 | b' ' | b'\t' | b'\r' | b'\n'))
}

/// The longest tag any scheme produces (HMAC-SHA256).
pub(crate) const MAX_TAG: usize = 32;

/// A computed tag on the stack.
pub(crate) struct Tag {
    pub(crate) bytes: [u8; MAX_TAG],
    pub(crate) len: usize,
}

impl Tag {
    pub(crate) fn as_slice(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }
}

impl Keyed {
    /// MAC over the concatenation of `parts`, fed piece by piece (the body is never copied).
    pub(crate) fn tag(&self, parts: &[&[u8]]) -> Tag {
        let mut out = Tag {
            bytes: [0; MAX_TAG],
            len: 0,
        };
        match self {
            Keyed::Sha1(state) => {
                let mut mac = state.clone();
                for part in parts {
                    mac.update(part);
                }
                let bytes = mac.finalize().into_bytes();
                copy_tag(&mut out, &bytes);
            }
            Keyed::Sha256(state) => {
                let mut mac = state.clone();
                for part in parts {
                    mac.update(part);
                }
                let bytes = mac.finalize().into_bytes();
                copy_tag(&mut out, &bytes);
            }
            Keyed::Token(_) => {}
        }
        out
    }
}

fn copy_tag(out: &mut Tag, bytes: &[u8]) {
    let len = bytes.len().min(MAX_TAG);
    if let (Some(dst), Some(src)) = (out.bytes.get_mut(..len), bytes.get(..len)) {
        dst.copy_from_slice(src);
        out.len = len;
    }
}

/// A webhook secret, built with its scheme's [`KeyRule`].
///
/// Its `Debug` output prints `[redacted]`, and no error of this crate ever contains it.
///
/// ```
/// use pos_webhooks::{Scheme, Secret};
/// let secret = Secret::new(Scheme::Standard, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
/// assert_eq!(secret.scheme(), Scheme::Standard);
/// assert!(!format!("{secret:?}").contains("MfKQ"));
/// assert!(format!("{secret:?}").contains("[redacted]"));
/// // Standard Webhooks decodes the base64 after `whsec_`; anything else is refused.
/// assert!(Secret::new(Scheme::Standard, "whsec_not base64!").is_err());
/// // Stripe keys with the whole text, `whsec_` included: no decoding, so this is fine.
/// assert!(Secret::new(Scheme::Stripe, "whsec_not base64!").is_ok());
/// ```
#[derive(Clone)]
pub struct Secret {
    scheme: Scheme,
    /// The secret exactly as given (for Standard Webhooks, the `whsec_...` text).
    text: Box<str>,
    pub(crate) keyed: Keyed,
}

impl Secret {
    /// Builds a secret from its text with `scheme`'s key rule.
    ///
    /// Errors: an empty secret; an HMAC key made only of whitespace or NUL bytes (for
    /// Standard Webhooks, once decoded); for Standard Webhooks, text after `whsec_` that is not
    /// base64 (padded or not, as the Svix SDKs accept); for Linga, a token that cannot travel
    /// in an HTTP header.
    ///
    /// ```
    /// use pos_webhooks::{Scheme, Secret, SecretError};
    /// assert_eq!(Secret::new(Scheme::Github, "   ").unwrap_err(), SecretError::Blank);
    /// assert_eq!(Secret::new(Scheme::Revel, "\0\0").unwrap_err(), SecretError::Blank);
    /// // Unpadded base64 after whsec_ is the same key as the padded form.
    /// assert!(Secret::new(Scheme::Standard, "whsec_AAECAwQFBgcICQoLDA0ODw").is_ok());
    /// ```
    pub fn new(scheme: Scheme, text: &str) -> Result<Secret, SecretError> {
        if text.is_empty() {
            return Err(SecretError::Empty);
        }
        let keyed = match scheme.key_rule() {
            KeyRule::WhsecBase64 => {
                let encoded = text.strip_prefix(WHSEC_PREFIX).unwrap_or(text);
                if encoded.is_empty() {
                    return Err(SecretError::Empty);
                }
                let key = WHSEC_BASE64
                    .decode(encoded)
                    .map_err(|_| SecretError::NotBase64)?;
                if key.is_empty() {
                    return Err(SecretError::Empty);
                }
                if is_blank(&key) {
                    return Err(SecretError::Blank);
                }
                keyed_for(scheme, &key)?
            }
            KeyRule::Token => {
                // HTTP strips whitespace around header values: such a token could never match.
                if http::HeaderValue::from_str(text).is_err() || text.trim_ascii() != text {
                    return Err(SecretError::InvalidToken);
                }
                Keyed::Token(token_digest(text.as_bytes()))
            }
            _ => {
                if is_blank(text.as_bytes()) {
                    return Err(SecretError::Blank);
                }
                keyed_for(scheme, text.as_bytes())?
            }
        };
        Ok(Secret {
            scheme,
            text: text.into(),
            keyed,
        })
    }

    /// The scheme this secret was built for.
    ///
    /// ```
    /// # use pos_webhooks::{Scheme, Secret};
    /// assert_eq!(Secret::new(Scheme::Revel, "k").unwrap().scheme(), Scheme::Revel);
    /// ```
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The secret text as given. Named so that every use stands out in review; use it only to
    /// store the secret (it is what [`Secret::new`] takes back).
    ///
    /// ```
    /// # use pos_webhooks::{Scheme, Secret};
    /// assert_eq!(Secret::new(Scheme::Github, "s3cr3t").unwrap().expose_text(), "s3cr3t");
    /// ```
    pub fn expose_text(&self) -> &str {
        &self.text
    }

    /// Whether a received token (given as its [`token_digest`]) is this secret's (Linga).
    /// Digests of both sides are compared, in constant time: neither the time nor the result
    /// depends on how long the token is or how much of it matched.
    pub(crate) fn token_matches(&self, received_digest: &[u8; MAX_TAG]) -> bool {
        match &self.keyed {
            Keyed::Token(digest) => tags_equal(digest, received_digest),
            _ => false,
        }
    }
}

fn keyed_for(scheme: Scheme, key: &[u8]) -> Result<Keyed, SecretError> {
    // HMAC takes keys of any length; the error arm exists only because the trait is fallible.
    match scheme.algorithm() {
        super::Algorithm::HmacSha1 => Hmac::<Sha1>::new_from_slice(key)
            .map(Keyed::Sha1)
            .map_err(|_| SecretError::Unusable),
        super::Algorithm::HmacSha256 => Hmac::<Sha256>::new_from_slice(key)
            .map(Keyed::Sha256)
            .map_err(|_| SecretError::Unusable),
        super::Algorithm::None => Ok(Keyed::Token(token_digest(key))),
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Secret")
            .field("scheme", &self.scheme)
            .field("value", &format_args!("[redacted]"))
            .finish()
    }
}
