//! The signed `http::Request` that carries one event to one endpoint.

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request};
use serde::Serialize;

use super::endpoint::{Auth, Endpoint, Vendor};
use crate::{Message, Scheme, SignError, Signed, Signer};

/// `webhook-id`: the message id of Standard Webhooks, and of every scheme or vendor without a
/// convention of its own.
const WEBHOOK_ID: HeaderName = HeaderName::from_static("webhook-id");
/// `X-GitHub-Delivery`: GitHub's id of one message, the same on a redelivery.
const GITHUB_DELIVERY: HeaderName = HeaderName::from_static("x-github-delivery");
/// `X-Shopify-Webhook-Id`: Shopify's id of one message, the same on every retry.
const SHOPIFY_WEBHOOK_ID: HeaderName = HeaderName::from_static("x-shopify-webhook-id");

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
    /// The message id cannot be a header value (control characters or non-ASCII).
    #[error("invalid message id: it must be visible ascii to go in the {0} header")]
    InvalidMessageId(&'static str),
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
    /// The header that carries the message id on this endpoint's requests: `x-github-delivery`
    /// for GitHub signatures, `x-shopify-webhook-id` for Shopify, `webhook-id` for Standard
    /// Webhooks and for every other scheme or vendor (none of them has a convention of its own).
    ///
    /// ```
    /// use pos_webhooks::{Auth, Endpoint, Scheme};
    /// let github = Endpoint::builder("https://ci.example/hook")
    ///     .auth(Auth::Signature { scheme: Scheme::Github, secrets: vec!["s".into()] })
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(github.message_id_header(), "x-github-delivery");
    /// assert_eq!(Endpoint::builder("https://a.example/").build().unwrap().message_id_header(), "webhook-id");
    /// ```
    pub fn message_id_header(&self) -> &'static str {
        match &self.config.auth {
            Auth::Signature {
                scheme: Scheme::Github,
                ..
            } => "x-github-delivery",
            Auth::Signature {
                scheme: Scheme::Shopify,
                ..
            } => "x-shopify-webhook-id",
            _ => "webhook-id",
        }
    }

    fn message_id_header_name(&self) -> HeaderName {
        match &self.config.auth {
            Auth::Signature {
                scheme: Scheme::Github,
                ..
            } => GITHUB_DELIVERY,
            Auth::Signature {
                scheme: Scheme::Shopify,
                ..
            } => SHOPIFY_WEBHOOK_ID,
            _ => WEBHOOK_ID,
        }
    }

    /// The request that carries `event` to this endpoint: `POST`, `content-type:
    /// application/json`, the body exactly as given (shared, not copied), the signature or auth
    /// headers, the vendor's headers and the custom ones. `now` (unix seconds) and `message_id`
    /// go into the signature of timestamped schemes.
    ///
    /// `message_id` is also sent in the header named by [`Endpoint::message_id_header`], so
    /// that receivers can de-duplicate: pass the same id on every retry of one message (as
    /// [`SendAttempt::request`](crate::SendAttempt::request) does). The crate's headers win
    /// over custom headers of the same name. An empty `message_id` sends no id header (Standard
    /// Webhooks refuses it when signing).
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
        self.build(
            event,
            message_id,
            &mut Shared::new(self, event, now, message_id),
        )
    }

    /// The request for an event this endpoint wants (enabled, filter passes), with the values
    /// shared by every request of the event.
    pub(super) fn build(
        &self,
        event: &OutgoingEvent,
        message_id: &str,
        shared: &mut Shared,
    ) -> Result<Request<Bytes>, RequestError> {
        // `Bytes::clone` shares the body; the URI's parts are shared the same way.
        let mut request = Request::new(event.body.clone());
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.uri.clone();
        let message = Message::new(&event.body)
            .id(message_id)
            .timestamp(shared.now);
        if let Some(signer) = self.signer.as_ref().filter(|_| {
            !shared.once
                && self.headers.is_empty()
                && !matches!(self.config.vendor, Vendor::Revel { .. })
        }) {
            let scheme = signer.scheme();
            if let Some(template) =
                shared.template(scheme, message_id, self.message_id_header_name())
            {
                let mut headers = template.clone();
                let (name, value, buf) = shared
                    .sign(signer, &message)?
                    .last_arena(&mut shared.arena)?;
                shared.scratch = buf;
                headers.insert(name, value);
                *request.headers_mut() = headers;
                return Ok(request);
            }
        }
        let headers = request.headers_mut();
        // Room for exactly the headers set below, so the map is allocated once and never
        // grows: content type, endpoint headers, signature headers, Revel's, the message id.
        let signature = self
            .signer
            .as_ref()
            .map_or(0, |signer| signer.scheme().headers().len());
        let revel = if matches!(self.config.vendor, Vendor::Revel { .. }) {
            2
        } else {
            0
        };
        headers.reserve(2 + self.headers.len() + signature + revel);
        headers.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        for (name, value) in &self.headers {
            headers.insert(name.clone(), value.clone());
        }
        if let Vendor::Revel { .. } = self.config.vendor {
            headers.insert(
                crate::header::REVEL_EVENT_TYPE,
                revel_value(shared.get(Part::EventType), event.event_type.as_str())?,
            );
            if let Some(store) = &event.store {
                headers.insert(
                    crate::header::REVEL_ESTABLISHMENT_ID,
                    revel_value(shared.get(Part::Store), store)?,
                );
            }
        }
        if let Some(signer) = &self.signer {
            let timestamp = shared.get(Part::Timestamp);
            if shared.once {
                // One request: the signing buffer becomes the value, no copy.
                signer.sign(&message)?.insert_shared(headers, timestamp)?;
            } else {
                let signed = shared.sign(signer, &message)?;
                shared.scratch = signed.insert_arena(headers, timestamp, &mut shared.arena)?;
            }
        }
        if !message_id.is_empty() {
            let value = shared
                .get(Part::MessageId)
                .ok_or(RequestError::InvalidMessageId(self.message_id_header()))?;
            headers.insert(self.message_id_header_name(), value);
        }
        Ok(request)
    }
}

/// The header values every request of one event shares, made once (then cloned: a clone counts
/// a reference, it does not copy).
pub(super) struct Shared {
    now: i64,
    /// For one request: values are moved out rather than cloned (the first clone of a value
    /// allocates its shared header).
    once: bool,
    /// `message_id` as a header value (`None`: empty, or not a valid header value).
    message_id: Option<HeaderValue>,
    /// `now` in decimal, for Standard Webhooks' `webhook-timestamp` (`None`: none needs it).
    timestamp: Option<HeaderValue>,
    /// The event type and the store for Revel's headers (`None`: no Revel endpoint, or no
    /// store).
    event_type: Option<HeaderValue>,
    store: Option<HeaderValue>,
    /// For many requests: the signing buffer, reused from one request to the next, and the
    /// buffer the signature values are copied into (shared by dozens of requests).
    scratch: String,
    arena: BytesMut,
    /// For many requests: per scheme, the headers of a request to an endpoint with no custom
    /// or vendor headers, the signature's value left to fill (see [`Shared::template`]).
    templates: Vec<(Scheme, HeaderMap)>,
}

impl Shared {
    /// The values `endpoint` needs for `event`.
    pub(super) fn new(
        endpoint: &Endpoint,
        event: &OutgoingEvent,
        now: i64,
        message_id: &str,
    ) -> Shared {
        let standard = matches!(
            endpoint.config.auth,
            Auth::Signature {
                scheme: Scheme::Standard,
                ..
            }
        );
        let revel = matches!(endpoint.config.vendor, Vendor::Revel { .. });
        Shared::with(event, now, message_id, standard, revel, true)
    }

    /// The values of every kind of endpoint, for `event`.
    pub(super) fn all(event: &OutgoingEvent, now: i64, message_id: &str) -> Shared {
        Shared::with(event, now, message_id, true, true, false)
    }

    fn with(
        event: &OutgoingEvent,
        now: i64,
        message_id: &str,
        standard: bool,
        revel: bool,
        once: bool,
    ) -> Shared {
        let text = |on: bool, text: &str| on.then(|| HeaderValue::from_str(text).ok()).flatten();
        Shared {
            now,
            once,
            message_id: text(!message_id.is_empty(), message_id),
            // Negative: none (signing refuses it first).
            timestamp: u64::try_from(now)
                .ok()
                .filter(|_| standard)
                .and_then(decimal),
            event_type: text(revel, event.event_type.as_str()),
            store: event.store.as_deref().and_then(|store| text(revel, store)),
            scratch: String::new(),
            arena: BytesMut::new(),
            templates: Vec::new(),
        }
    }
}

/// Which value of a [`Shared`].
#[derive(Clone, Copy)]
enum Part {
    MessageId,
    Timestamp,
    EventType,
    Store,
}

impl Shared {
    /// A value: moved out for one request, else cloned.
    fn get(&mut self, part: Part) -> Option<HeaderValue> {
        let slot = match part {
            Part::MessageId => &mut self.message_id,
            Part::Timestamp => &mut self.timestamp,
            Part::EventType => &mut self.event_type,
            Part::Store => &mut self.store,
        };
        if self.once { slot.take() } else { slot.clone() }
    }

    /// Signs `message` into the reused signing buffer (which `Signed::insert_arena` and
    /// `Signed::last_arena` hand back, to be put in `scratch` again).
    fn sign(&mut self, signer: &Signer, message: &Message<'_>) -> Result<Signed, SignError> {
        signer.sign_reusing(message, core::mem::take(&mut self.scratch))
    }

    /// The headers [`Endpoint::build`] sets on a request to an endpoint of `scheme` without
    /// custom or vendor headers, in the same order (content type, Standard Webhooks'
    /// timestamp, the signature, the message id), the signature's value a placeholder to
    /// replace: made once per scheme and cloned for each request, which costs less than
    /// inserting the headers one by one. `None` when a value is missing (an invalid message
    /// id or timestamp: the header-by-header path reports it) or for Linga.
    fn template(
        &mut self,
        scheme: Scheme,
        message_id: &str,
        id_name: HeaderName,
    ) -> Option<&HeaderMap> {
        let at = match self.templates.iter().position(|(s, _)| *s == scheme) {
            Some(at) => at,
            None => {
                let (leading, signature) = crate::signature::signature_headers(scheme)?;
                let mut map = HeaderMap::with_capacity(4);
                map.insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                if let Some(leading) = leading {
                    map.insert(leading, self.timestamp.clone()?);
                }
                map.insert(signature, HeaderValue::from_static(""));
                if !message_id.is_empty() {
                    map.insert(id_name, self.message_id.clone()?);
                }
                self.templates.push((scheme, map));
                self.templates.len() - 1
            }
        };
        self.templates.get(at).map(|(_, map)| map)
    }
}

/// A Revel header value: the shared one, or the error for `text`.
fn revel_value(shared: Option<HeaderValue>, text: &str) -> Result<HeaderValue, RequestError> {
    shared.ok_or_else(|| RequestError::Http(format!("bad header {text:?}")))
}

/// `n` in decimal as a header value, formatted on the stack (one allocation, for the value).
fn decimal(mut n: u64) -> Option<HeaderValue> {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start = start.checked_sub(1)?;
        // `n % 10` is below 10.
        *digits.get_mut(start)? = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    HeaderValue::from_bytes(digits.get(start..)?).ok()
}
