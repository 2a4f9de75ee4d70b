//! One endpoint: where requests go, how they are authenticated, the vendor's conventions,
//! custom headers and the filter; validated whenever it is built or deserialized.

use core::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderName, HeaderValue, Uri};
use serde::{Deserialize, Serialize};

use crate::{ConfigError, EventFilter, Scheme, Signer};

/// A secret as stored in an endpoint's configuration: serialized as its text (vendors store
/// endpoints), printed as `[redacted]`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// How an endpoint proves the webhook comes from the sender.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Auth {
    /// Signed with a scheme, with one or more secrets (newest first). For Square the endpoint's
    /// URL is the notification URL that is signed.
    Signature {
        /// The scheme.
        scheme: Scheme,
        /// The secrets, newest first.
        secrets: Vec<SecretString>,
    },
    /// A static header whose name and value the receiver chose (Linga's "Request Header").
    /// A token, not a signature: it does not protect the body.
    StaticHeader {
        /// The header name.
        name: String,
        /// The header value.
        value: SecretString,
    },
    /// HTTP basic authentication (Flow Retail `BASIC_AUTH`).
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: SecretString,
    },
    /// A bearer token (Flow Retail).
    Bearer {
        /// The token.
        token: SecretString,
    },
    /// Nothing (Flow Retail `NONE`): the receiver cannot tell who sent the webhook.
    None,
}

/// Which vendor's conventions the requests follow (the headers it adds).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Vendor {
    /// No vendor headers beyond the authentication.
    #[default]
    Generic,
    /// Revel: `X-Revel-Instance`, `X-Revel-Event-Type`, `X-Revel-Establishment-Id` (from the
    /// event's store); https only.
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomHeader {
    /// The name.
    pub name: String,
    /// The value (validated: no CR, LF or other control characters).
    pub value: String,
}

/// Why an endpoint was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EndpointError {
    /// The URL cannot be parsed or has no host.
    #[error("invalid url: {0}")]
    InvalidUrl(&'static str),
    /// A plain http URL without `allow_http` (or for Revel, which requires https).
    #[error("url must use https{0}")]
    HttpsRequired(&'static str),
    /// A header name that is not a valid HTTP header name.
    #[error("invalid header name {0:?}")]
    InvalidHeaderName(String),
    /// A header value with CR, LF or other characters HTTP forbids.
    #[error("invalid value for header {0}: control characters such as CR or LF are not allowed")]
    InvalidHeaderValue(String),
    /// The signing configuration was refused.
    #[error("signature: {0}")]
    Signature(#[from] ConfigError),
}

/// The stored form of an [`Endpoint`] (what its JSON looks like).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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
    #[serde(default, skip_serializing_if = "is_false")]
    pub(super) allow_http: bool,
}

fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// One subscription: a target URL, an enabled toggle, how requests are authenticated, custom
/// headers and a filter. Serializable, so vendors can store it; validated whenever it is built
/// or deserialized.
///
/// ```
/// use pos_webhooks::{Auth, Endpoint, EventFilter, Scheme, SecretString};
/// let endpoint = Endpoint::builder("https://partner.example/og")
///     .auth(Auth::Signature { scheme: Scheme::Ordergroove, secrets: vec!["key".into()] })
///     .filter("subscription.*|order.success".parse().unwrap())
///     .build()
///     .unwrap();
/// assert!(endpoint.wants("order.success", None));
/// assert!(!endpoint.wants("order.cancel", None));
/// assert!(Endpoint::builder("http://partner.example/og").build().is_err());
/// ```
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(try_from = "EndpointConfig", into = "EndpointConfig")]
pub struct Endpoint {
    pub(super) config: EndpointConfig,
    pub(super) uri: Uri,
    pub(super) headers: Vec<(HeaderName, HeaderValue)>,
    pub(super) signer: Option<Signer>,
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

impl TryFrom<EndpointConfig> for Endpoint {
    type Error = EndpointError;

    fn try_from(config: EndpointConfig) -> Result<Endpoint, EndpointError> {
        let uri: Uri = config
            .url
            .parse()
            .map_err(|_| EndpointError::InvalidUrl("not a url"))?;
        if uri.host().is_none_or(str::is_empty) {
            return Err(EndpointError::InvalidUrl("no host"));
        }
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if matches!(config.vendor, Vendor::Revel { .. }) => {
                return Err(EndpointError::HttpsRequired(" (Revel requires https)"));
            }
            Some("http") if config.allow_http => {}
            Some("http") => {
                return Err(EndpointError::HttpsRequired(
                    " (allow plain http explicitly for local testing)",
                ));
            }
            _ => {
                return Err(EndpointError::InvalidUrl(
                    "the scheme must be https or http",
                ));
            }
        }
        let mut headers = Vec::new();
        // `sensitive`: credentials print as `Sensitive` in `Debug` (and HTTP/2 never indexes them).
        let mut push = |name: &str, value: &str, sensitive: bool| -> Result<(), EndpointError> {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| EndpointError::InvalidHeaderName(name.to_owned()))?;
            let mut value = HeaderValue::from_str(value)
                .map_err(|_| EndpointError::InvalidHeaderValue(name.to_owned()))?;
            value.set_sensitive(sensitive);
            headers.push((header, value));
            Ok(())
        };
        let mut signer = None;
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
            Auth::StaticHeader { name, value } => push(name, value.expose(), true)?,
            Auth::Basic { username, password } => {
                if username.contains(':') {
                    return Err(EndpointError::InvalidHeaderValue(
                        "authorization (a basic-auth user name cannot contain ':')".to_owned(),
                    ));
                }
                let credentials =
                    STANDARD.encode(format!("{username}:{}", password.expose()).as_bytes());
                push("authorization", &format!("Basic {credentials}"), true)?;
            }
            Auth::Bearer { token } => {
                push("authorization", &format!("Bearer {}", token.expose()), true)?;
            }
            Auth::None => {}
        }
        if let Vendor::Revel { instance } = &config.vendor {
            push("x-revel-instance", instance, false)?;
        }
        for header in &config.headers {
            push(&header.name, &header.value, false)?;
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

    /// Adds a custom header.
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

    /// Allows a plain `http://` URL, for local testing (never for Revel).
    pub fn allow_http(mut self) -> Self {
        self.config.allow_http = true;
        self
    }

    /// Validates and builds the endpoint.
    pub fn build(self) -> Result<Endpoint, EndpointError> {
        Endpoint::try_from(self.config)
    }
}

impl Endpoint {
    /// Starts an endpoint for `url` (https unless [`EndpointBuilder::allow_http`]), enabled,
    /// unauthenticated, receiving every event.
    pub fn builder(url: &str) -> EndpointBuilder {
        EndpointBuilder {
            config: EndpointConfig {
                url: url.to_owned(),
                enabled: true,
                vendor: Vendor::Generic,
                auth: Auth::None,
                headers: Vec::new(),
                filter: EventFilter::all(),
                allow_http: false,
            },
        }
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

    /// Whether it receives an event of this type from this store: enabled and passing the
    /// filter. Allocates nothing.
    pub fn wants(&self, event_type: &str, store: Option<&str>) -> bool {
        self.config.enabled && self.config.filter.matches(event_type, store)
    }
}
