//! The signed `http::Request` that carries one event to one endpoint.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request};
use serde::Serialize;

use super::endpoint::{Auth, Endpoint, Vendor};
use crate::{Message, Scheme, SignError};

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
        // `Bytes::clone` shares the body; the URI's parts are shared the same way.
        let mut request = Request::new(event.body.clone());
        *request.method_mut() = Method::POST;
        *request.uri_mut() = self.uri.clone();
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
        let id_header = self.message_id_header_name();
        if !message_id.is_empty() {
            let value = HeaderValue::from_str(message_id)
                .map_err(|_| RequestError::InvalidMessageId(self.message_id_header()))?;
            headers.insert(id_header, value);
        }
        Ok(request)
    }
}
