//! Receiving in one call: verify, filter by the raw event type, then parse into the vendor's
//! typed event. Each failure is its own error.

use std::borrow::Cow;

use bytes::Bytes;
use http::{HeaderName, Request};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::Received;
use crate::linga::{CheckEvent, CheckEventKind};
use crate::revel::RevelEvent;
use crate::{EventFilter, HeaderSource, ParseError, Verifier, VerifyError};
use crate::{flow_retail, mipos, ordergroove, parse_json};

/// Why a received webhook was not accepted.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReceiveError {
    /// Not authentic: the signature (or token) did not verify.
    #[error("not authentic: {0}")]
    NotAuthentic(#[from] VerifyError),
    /// Authentic, but the filter does not want this event type or store.
    #[error("filtered out: event {event_type}{}", store.as_ref().map(|s| format!(" of store {s}")).unwrap_or_default())]
    FilteredOut {
        /// The event type.
        event_type: String,
        /// The store, if the event names one.
        store: Option<String>,
    },
    /// The event type could not be told (a missing header, or no type in the envelope).
    #[error("no event type: {0}")]
    NoEventType(&'static str),
    /// A header the receiver reads after verifying (Revel's `X-Revel-Event-Type` or
    /// `X-Revel-Establishment-Id`) is present but cannot be read: not UTF-8, or empty.
    #[error("malformed header {header}: {reason}")]
    MalformedHeader {
        /// The header's name.
        header: Cow<'static, str>,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Authentic and wanted, but the body does not parse into the vendor's model.
    #[error("unparseable: {0}")]
    Unparseable(#[from] ParseError),
}

/// A miPOS webhook: an order for the POS, or a menu request.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum MiposEvent {
    /// ORDER.
    Order(Box<mipos::Order>),
    /// MENU.
    Menu(mipos::MenuRequest),
}

/// Verifies, filters and parses incoming webhooks of one endpoint: a [`Verifier`] and an
/// [`EventFilter`].
///
/// ```
/// use bytes::Bytes;
/// use pos_webhooks::{EventFilter, Message, ReceiveError, Receiver, Scheme, Signer, Verifier};
/// let receiver = Receiver::new(
///     Verifier::new(Scheme::Revel, ["secret"]).unwrap(),
///     "order.*|ping".parse().unwrap(),
/// );
/// let body = Bytes::from_static(br#"{"ping": "pong"}"#);
/// let mut headers = http::HeaderMap::new();
/// Signer::new(Scheme::Revel, ["secret"]).unwrap().sign(&Message::new(&body)).unwrap()
///     .insert_into(&mut headers).unwrap();
/// headers.insert("x-revel-event-type", "ping".parse().unwrap());
/// assert!(receiver.revel(&headers, body.clone(), 0).is_ok());
/// headers.insert("x-revel-event-type", "menu.updated".parse().unwrap());
/// assert!(matches!(receiver.revel(&headers, body, 0), Err(ReceiveError::FilteredOut { .. })));
/// ```
#[derive(Clone, Debug)]
pub struct Receiver {
    verifier: Verifier,
    filter: EventFilter,
}

#[derive(Deserialize)]
struct EnvelopeType<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct FlowKeys<'a> {
    #[serde(borrow)]
    action: Option<Cow<'a, str>>,
    #[serde(borrow)]
    store: Option<FlowStore<'a>>,
}

#[derive(Deserialize)]
struct FlowStore<'a> {
    #[serde(borrow, rename = "Uid")]
    uid: Option<Cow<'a, str>>,
}

#[derive(Deserialize)]
struct MiposKeys<'a> {
    #[serde(borrow)]
    external_store_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    store_id: Option<Cow<'a, str>>,
    external_id: Option<serde::de::IgnoredAny>,
    items: Option<serde::de::IgnoredAny>,
}

impl Receiver {
    /// A receiver that verifies with `verifier` and keeps what `filter` passes.
    pub fn new(verifier: Verifier, filter: EventFilter) -> Receiver {
        Receiver { verifier, filter }
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The filter.
    pub fn filter(&self) -> &EventFilter {
        &self.filter
    }

    fn admit(&self, event_type: &str, store: Option<&str>) -> Result<(), ReceiveError> {
        if self.filter.matches(event_type, store) {
            Ok(())
        } else {
            Err(ReceiveError::FilteredOut {
                event_type: event_type.to_owned(),
                store: store.map(str::to_owned),
            })
        }
    }

    /// Verifies, then filters on `event_type` and `store` (which the caller read from
    /// wherever the vendor puts them), then parses the body as `T`. For vendors without a
    /// dedicated method, and for schemes such as Standard Webhooks or Stripe-style carrying
    /// any payload.
    ///
    /// Like every method here, it takes the headers from any [`HeaderSource`]: an
    /// `http::HeaderMap`, or `(name, value)` pairs for callers on another `http` major
    /// (actix-web 4) or none.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use pos_webhooks::{EventFilter, Message, Receiver, Scheme, Signer, Verifier};
    /// let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    /// let receiver = Receiver::new(Verifier::new(Scheme::Standard, [secret])?, EventFilter::all());
    /// let body = Bytes::from_static(br#"{"total": 3}"#);
    /// let signed = Signer::new(Scheme::Standard, [secret])?
    ///     .sign(&Message::new(&body).id("msg_1").timestamp(1_700_000_000))?;
    /// // Pairs, as another framework's request would give them.
    /// let headers: Vec<(&str, &str)> = signed.headers().collect();
    /// let received = receiver.receive_json::<serde_json::Value>(
    ///     &headers, body, 1_700_000_010, "order.created", None,
    /// )?;
    /// assert_eq!(received.event["total"], 3);
    /// assert_eq!(received.verification.timestamp(), Some(1_700_000_000));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn receive_json<T: DeserializeOwned>(
        &self,
        headers: &(impl HeaderSource + ?Sized),
        body: Bytes,
        now: i64,
        event_type: &str,
        store: Option<&str>,
    ) -> Result<Received<T>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        self.admit(event_type, store)?;
        Ok(Received::new(parse_json(&body)?, verification))
    }

    /// Revel: the event type from `X-Revel-Event-Type`, the store from
    /// `X-Revel-Establishment-Id`.
    pub fn revel<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<RevelEvent>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        // The crate's prepared header names: no name parsing per request.
        let event_type = header_text(headers, &crate::header::REVEL_EVENT_TYPE)?.ok_or(
            ReceiveError::NoEventType("missing header x-revel-event-type"),
        )?;
        let store = header_text(headers, &crate::header::REVEL_ESTABLISHMENT_ID)?;
        self.admit(event_type, store)?;
        let event = RevelEvent::parse(event_type, &body)?;
        Ok(Received::new(event, verification))
    }

    /// [`Receiver::revel`] for a request.
    pub fn revel_request(
        &self,
        request: &Request<Bytes>,
        now: i64,
    ) -> Result<Received<RevelEvent>, ReceiveError> {
        self.revel(request.headers(), request.body().clone(), now)
    }

    /// miPOS: an ORDER (a body with `external_id` or `items`) or a MENU request; the store
    /// from `external_store_id` or `store_id`.
    pub fn mipos<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<MiposEvent>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        let keys: MiposKeys<'_> = parse_json_borrowed(&body)?;
        let store = keys
            .external_store_id
            .as_deref()
            .or(keys.store_id.as_deref());
        let is_order = keys.external_id.is_some() || keys.items.is_some();
        let event_type = if is_order { "order" } else { "menu" };
        self.admit(event_type, store)?;
        let event = if is_order {
            MiposEvent::Order(Box::new(parse_json(&body)?))
        } else {
            MiposEvent::Menu(parse_json(&body)?)
        };
        Ok(Received::new(event, verification))
    }

    /// Ordergroove: the event type from the envelope's `type`, read before the full parse.
    pub fn ordergroove<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<ordergroove::Envelope>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        let peek: EnvelopeType<'_> = parse_json_borrowed(&body)?;
        let event_type = peek
            .kind
            .ok_or(ReceiveError::NoEventType("no type in the envelope"))?;
        self.admit(&event_type, None)?;
        Ok(Received::new(parse_json(&body)?, verification))
    }

    /// Flow Retail: the event type is the action's dotted form (`ORDER_SETTLED` →
    /// `order.settled`), the store is `store.Uid`.
    pub fn flow_retail<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<flow_retail::Envelope>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        let keys: FlowKeys<'_> = parse_json_borrowed(&body)?;
        let action = keys
            .action
            .ok_or(ReceiveError::NoEventType("no action in the body"))?;
        let dotted = flow_retail::Action::new(&action).dotted();
        let store = keys.store.as_ref().and_then(|s| s.uid.as_deref());
        self.admit(&dotted, store)?;
        Ok(Received::new(parse_json(&body)?, verification))
    }

    /// Linga: which webhook was called (the caller knows from the URL) gives the event type.
    pub fn linga<H: HeaderSource + ?Sized>(
        &self,
        kind: CheckEventKind,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<CheckEvent>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        self.admit(kind.event_type(), None)?;
        Ok(Received::new(CheckEvent::parse(kind, body)?, verification))
    }
}

/// The value of header `name` as trimmed text; `None` when absent. A value that is not UTF-8
/// (or empty once trimmed) is malformed: reporting it as absent would hide what the sender did.
fn header_text<'h, H: HeaderSource + ?Sized>(
    headers: &'h H,
    name: &HeaderName,
) -> Result<Option<&'h str>, ReceiveError> {
    let Some(raw) = headers.header_named(name) else {
        return Ok(None);
    };
    let malformed = |reason| ReceiveError::MalformedHeader {
        header: name.as_str().to_owned().into(),
        reason,
    };
    let text = core::str::from_utf8(raw)
        .map_err(|_| malformed("not utf-8"))?
        .trim();
    if text.is_empty() {
        return Err(malformed("empty"));
    }
    Ok(Some(text))
}

/// A partial parse that borrows from the body (for peeking at the event type).
fn parse_json_borrowed<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ParseError> {
    serde_json::from_slice(body).map_err(|_| match parse_json::<serde_json::Value>(body) {
        Err(error) => error,
        Ok(_) => ParseError::data(".", "unexpected shape for this vendor's envelope"),
    })
}
