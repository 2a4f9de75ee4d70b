//! What a verifier and a signer share: the scheme, its secrets and its scheme-specific settings.

use http::HeaderName;

use super::error::ConfigError;
use super::scheme::Scheme;
use super::secret::Secret;

/// A validated configuration: at least one secret, each built for this scheme, and the
/// settings the scheme needs.
#[derive(Clone, Debug)]
pub(crate) struct Params {
    pub(crate) scheme: Scheme,
    pub(crate) secrets: Vec<Secret>,
    /// Square: the notification URL exactly as configured at Square.
    pub(crate) notification_url: Option<Box<str>>,
    /// Linga: the partner-chosen header name.
    pub(crate) header_name: Option<HeaderName>,
}

/// Builder state shared by [`VerifierBuilder`](crate::VerifierBuilder) and
/// [`SignerBuilder`](crate::SignerBuilder). The first error is kept and reported by `build`.
#[derive(Clone, Debug)]
pub(crate) struct Common {
    scheme: Scheme,
    secrets: Vec<Secret>,
    notification_url: Option<Box<str>>,
    header_name: Option<HeaderName>,
    error: Option<ConfigError>,
    given: usize,
}

impl Common {
    pub(crate) fn new(scheme: Scheme) -> Common {
        Common {
            scheme,
            secrets: Vec::new(),
            notification_url: None,
            header_name: None,
            error: None,
            given: 0,
        }
    }

    fn fail(&mut self, error: ConfigError) {
        if self.error.is_none() {
            self.error = Some(error);
        }
    }

    pub(crate) fn secret_text(&mut self, text: &str) {
        let index = self.given;
        self.given += 1;
        match Secret::new(self.scheme, text) {
            Ok(secret) => self.secrets.push(secret),
            Err(source) => self.fail(ConfigError::InvalidSecret { index, source }),
        }
    }

    pub(crate) fn secret(&mut self, secret: Secret) {
        let index = self.given;
        self.given += 1;
        if secret.scheme() == self.scheme {
            self.secrets.push(secret);
        } else {
            self.fail(ConfigError::SchemeMismatch {
                index,
                secret_scheme: secret.scheme(),
                scheme: self.scheme,
            });
        }
    }

    pub(crate) fn notification_url(&mut self, url: &str) {
        self.notification_url = Some(url.into());
    }

    pub(crate) fn header_name(&mut self, name: &str) {
        match HeaderName::from_bytes(name.trim().as_bytes()) {
            Ok(name) => self.header_name = Some(name),
            Err(_) => self.fail(ConfigError::InvalidHeaderName(name.to_owned())),
        }
    }

    pub(crate) fn finish(self) -> Result<Params, ConfigError> {
        if let Some(error) = self.error {
            return Err(error);
        }
        if self.secrets.is_empty() {
            return Err(ConfigError::NoSecrets);
        }
        if self.scheme == Scheme::Square
            && self
                .notification_url
                .as_deref()
                .is_none_or(|url| url.trim().is_empty())
        {
            return Err(ConfigError::MissingNotificationUrl);
        }
        if self.scheme == Scheme::Linga && self.header_name.is_none() {
            return Err(ConfigError::MissingHeaderName);
        }
        Ok(Params {
            scheme: self.scheme,
            secrets: self.secrets,
            notification_url: self.notification_url,
            header_name: self.header_name,
        })
    }
}
