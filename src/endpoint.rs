//! Endpoints: one subscription each (where, how it is authenticated, which events), the set
//! that fans an event out to them, and the signed `http::Request` that carries it.

use core::fmt;
use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, Uri};
use serde::{Deserialize, Serialize};

use crate::{ConfigError, EventFilter, Message, Scheme, SignError, Signer};

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

/// Why no request was built for an event.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RequestError {
    /// The endpoint is disabled: it receives nothing, and nothing is kept for it.
    #[error("endpoint is disabled")]
    Disabled,
    /// The endpoint's filter does not take this event (type or store).
    #[error("event {event_type} is filtered out by {filter}")]
    FilteredOut {
        /// The event type.
        event_type: String,
        /// The endpoint's filter pattern.
        filter: String,
    },
    /// Signing failed (a missing or invalid message id or timestamp).
    #[error("signing: {0}")]
    Sign(#[from] SignError),
    /// The model could not be serialized.
    #[error("serializing the payload: {0}")]
    Serialize(String),
    /// A value could not be put into the request.
    #[error("building the request: {0}")]
    Http(String),
}

/// The stored form of an [`Endpoint`] (what its JSON looks like).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct EndpointConfig {
    url: String,
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default)]
    vendor: Vendor,
    auth: Auth,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    headers: Vec<CustomHeader>,
    #[serde(default = "EventFilter::all")]
    filter: EventFilter,
    #[serde(default, skip_serializing_if = "is_false")]
    allow_http: bool,
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
    config: EndpointConfig,
    uri: Uri,
    headers: Vec<(HeaderName, HeaderValue)>,
    signer: Option<Signer>,
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

/// An event to send: its type, the store it concerns (if any) and the body, exactly as it will
/// be sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutgoingEvent {
    /// The event type.
    pub event_type: crate::EventType,
    /// The store (miPOS store, Revel establishment, Flow Retail store).
    pub store: Option<String>,
    /// The body.
    pub body: Bytes,
}

impl OutgoingEvent {
    /// An event with this type and body and no store.
    pub fn new(event_type: impl Into<crate::EventType>, body: impl Into<Bytes>) -> OutgoingEvent {
        OutgoingEvent {
            event_type: event_type.into(),
            store: None,
            body: body.into(),
        }
    }

    /// The same event, for `store`.
    #[must_use]
    pub fn for_store(mut self, store: impl Into<String>) -> OutgoingEvent {
        self.store = Some(store.into());
        self
    }

    /// An event whose body is `model` serialized once (then signed as it is).
    pub fn json<T: Serialize>(
        event_type: impl Into<crate::EventType>,
        model: &T,
    ) -> Result<OutgoingEvent, RequestError> {
        let body = serde_json::to_vec(model).map_err(|e| RequestError::Serialize(e.to_string()))?;
        Ok(OutgoingEvent::new(event_type, body))
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

    /// The request that carries `event` to this endpoint: `POST`, `content-type:
    /// application/json`, the body exactly as given, the signature or auth headers, the
    /// vendor's headers and the custom ones. `now` (unix seconds) and `message_id` go into the
    /// signature of timestamped schemes.
    pub fn request(
        &self,
        event: &OutgoingEvent,
        now: i64,
        message_id: &str,
    ) -> Result<Request<Bytes>, RequestError> {
        if !self.config.enabled {
            return Err(RequestError::Disabled);
        }
        if !self
            .config
            .filter
            .matches(event.event_type.as_str(), event.store.as_deref())
        {
            return Err(RequestError::FilteredOut {
                event_type: event.event_type.to_string(),
                filter: self.config.filter.pattern(),
            });
        }
        let http_error = |e: http::Error| RequestError::Http(e.to_string());
        let mut request = Request::builder()
            .method(Method::POST)
            .uri(self.uri.clone())
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(event.body.clone())
            .map_err(http_error)?;
        let headers = request.headers_mut();
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Vendor::Revel { .. } = self.config.vendor {
            let value = |v: &str| {
                HeaderValue::from_str(v)
                    .map_err(|_| RequestError::Http(format!("bad header {v:?}")))
            };
            headers.insert(
                crate::header::REVEL_EVENT_TYPE,
                value(event.event_type.as_str())?,
            );
            if let Some(store) = &event.store {
                headers.insert(crate::header::REVEL_ESTABLISHMENT_ID, value(store)?);
            }
        }
        if let Some(signer) = &self.signer {
            let message = Message::new(&event.body).id(message_id).timestamp(now);
            signer.sign(&message)?.insert_into(headers)?;
        }
        Ok(request)
    }
}

/// The id of an endpoint in an [`EndpointSet`]: assigned in creation order, never reused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EndpointId(pub u64);

impl fmt::Display for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ep_{}", self.0)
    }
}

/// Why an [`EndpointSet`] operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SetError {
    /// No endpoint with this id (never created, or deleted).
    #[error("no endpoint {0}")]
    NotFound(EndpointId),
}

/// Endpoints with create, update, enable, disable and delete, fanning each event out to the
/// endpoints that want it, in a stable order (creation order).
///
/// Nothing is queued: a disabled endpoint is skipped, so once re-enabled it receives only what
/// happens after; a deleted one is gone; two endpoints with the same URL each receive.
///
/// ```
/// use pos_webhooks::{Endpoint, EndpointSet};
/// let mut set = EndpointSet::new();
/// let a = set.create(Endpoint::builder("https://a.example/").build().unwrap());
/// let b = set.create(Endpoint::builder("https://a.example/").build().unwrap());
/// assert_eq!(set.targets("order.success", None).map(|(id, _)| id).collect::<Vec<_>>(), [a, b]);
/// set.disable(a).unwrap();
/// assert_eq!(set.targets("order.success", None).count(), 1);
/// set.delete(b).unwrap();
/// assert_eq!(set.targets("order.success", None).count(), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EndpointSet {
    next: u64,
    endpoints: BTreeMap<EndpointId, Endpoint>,
}

impl EndpointSet {
    /// An empty set.
    pub fn new() -> EndpointSet {
        EndpointSet::default()
    }

    /// Adds an endpoint; returns its id.
    pub fn create(&mut self, endpoint: Endpoint) -> EndpointId {
        self.next += 1;
        let id = EndpointId(self.next);
        self.endpoints.insert(id, endpoint);
        id
    }

    /// The endpoint with this id.
    pub fn get(&self, id: EndpointId) -> Option<&Endpoint> {
        self.endpoints.get(&id)
    }

    /// Replaces the endpoint with this id.
    pub fn update(&mut self, id: EndpointId, endpoint: Endpoint) -> Result<(), SetError> {
        let slot = self.endpoints.get_mut(&id).ok_or(SetError::NotFound(id))?;
        *slot = endpoint;
        Ok(())
    }

    /// Enables the endpoint: it receives events from now on (none from while it was disabled).
    pub fn enable(&mut self, id: EndpointId) -> Result<(), SetError> {
        self.set_enabled(id, true)
    }

    /// Disables the endpoint: it receives nothing, and nothing is kept for it.
    pub fn disable(&mut self, id: EndpointId) -> Result<(), SetError> {
        self.set_enabled(id, false)
    }

    fn set_enabled(&mut self, id: EndpointId, enabled: bool) -> Result<(), SetError> {
        self.endpoints
            .get_mut(&id)
            .ok_or(SetError::NotFound(id))?
            .set_enabled(enabled);
        Ok(())
    }

    /// Deletes the endpoint for good; returns it.
    pub fn delete(&mut self, id: EndpointId) -> Result<Endpoint, SetError> {
        self.endpoints.remove(&id).ok_or(SetError::NotFound(id))
    }

    /// Every endpoint, in creation order.
    pub fn iter(&self) -> impl Iterator<Item = (EndpointId, &Endpoint)> {
        self.endpoints.iter().map(|(id, e)| (*id, e))
    }

    /// How many endpoints there are.
    pub fn len(&self) -> usize {
        self.endpoints.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.endpoints.is_empty()
    }

    /// The endpoints that receive an event of this type from this store, in creation order.
    pub fn targets<'a>(
        &'a self,
        event_type: &'a str,
        store: Option<&'a str>,
    ) -> impl Iterator<Item = (EndpointId, &'a Endpoint)> + 'a {
        self.iter()
            .filter(move |(_, endpoint)| endpoint.wants(event_type, store))
    }

    /// One request per endpoint that receives `event`, in creation order.
    pub fn requests(
        &self,
        event: &OutgoingEvent,
        now: i64,
        message_id: &str,
    ) -> Vec<(EndpointId, Result<Request<Bytes>, RequestError>)> {
        self.targets(event.event_type.as_str(), event.store.as_deref())
            .map(|(id, endpoint)| (id, endpoint.request(event, now, message_id)))
            .collect()
    }
}
