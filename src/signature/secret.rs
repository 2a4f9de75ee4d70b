//! Secrets, keyed once with their scheme's key rule.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::Sha256;

use super::error::SecretError;
use super::scheme::{KeyRule, Scheme, WHSEC_PREFIX};

/// A pre-keyed HMAC state: key setup is done once per secret and the state cloned per message.
#[derive(Clone)]
pub(crate) enum Keyed {
    Sha1(Hmac<Sha1>),
    Sha256(Hmac<Sha256>),
    /// Linga: the token itself is compared; nothing is keyed.
    Token,
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
            Keyed::Token => {}
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
    /// Errors: an empty secret; for Standard Webhooks, text after `whsec_` that is not base64;
    /// for Linga, a token that cannot travel in an HTTP header.
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
                let key = STANDARD
                    .decode(encoded)
                    .map_err(|_| SecretError::NotBase64)?;
                if key.is_empty() {
                    return Err(SecretError::Empty);
                }
                keyed_for(scheme, &key)?
            }
            KeyRule::Token => {
                // HTTP strips whitespace around header values: such a token could never match.
                if http::HeaderValue::from_str(text).is_err() || text.trim_ascii() != text {
                    return Err(SecretError::InvalidToken);
                }
                Keyed::Token
            }
            _ => keyed_for(scheme, text.as_bytes())?,
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

    /// Constant-time comparison of a received token with this secret's text (Linga).
    pub(crate) fn token_matches(&self, received: &[u8]) -> bool {
        use subtle::ConstantTimeEq as _;
        bool::from(self.text.as_bytes().ct_eq(received))
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
        super::Algorithm::None => Ok(Keyed::Token),
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
