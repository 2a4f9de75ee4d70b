//! Receiving in one call: verify, filter by the raw event type, then parse into the vendor's
//! typed event. Each failure is its own error.

use std::borrow::Cow;
use std::sync::{Arc, Mutex, PoisonError};

use bytes::Bytes;
use http::HeaderName;
#[cfg(feature = "revel")]
use http::Request;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::Received;
use super::duplicates::{DEFAULT_DEDUP_TTL_SECS, DedupKey, DedupSource, DuplicateFilter, Seen};
#[cfg(feature = "flow_retail")]
use crate::flow_retail;
#[cfg(feature = "linga")]
use crate::linga::{CheckEvent, CheckEventKind};
#[cfg(feature = "mipos")]
use crate::mipos;
#[cfg(feature = "ordergroove")]
use crate::ordergroove;
use crate::parse_json;
#[cfg(feature = "revel")]
use crate::revel::RevelEvent;
use crate::{EventFilter, HeaderSource, ParseError, Scheme, Verification, Verifier, VerifyError};

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
    /// Authentic, but the receiver's [`DuplicateFilter`] saw this key within its window: the
    /// same message again (a retry after a lost answer, a duplicate the vendor documents, or
    /// a replay). Do not apply it; answer 2xx so the sender stops.
    #[error("duplicate: key {key} from {}", key.source())]
    Duplicate {
        /// The key that was seen before.
        key: DedupKey,
    },
    /// The receiver's [`DuplicateFilter`] is full of unexpired keys, so this webhook cannot be
    /// checked: not applied, answered 503 so the sender retries once keys have expired.
    #[error("duplicate filter full: {max_keys} unexpired keys")]
    DuplicateFilterFull {
        /// The filter's maximum number of keys.
        max_keys: usize,
    },
}

/// A miPOS webhook: an order for the POS, or a menu request.
#[cfg(feature = "mipos")]
#[cfg_attr(docsrs, doc(cfg(feature = "mipos")))]
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
///
/// Every accepted webhook comes with its [`DedupKey`] (in [`Received::dedup_key`]). With
/// [`Receiver::with_duplicate_filter`], the receiver also checks it: a webhook seen before
/// within its window is [`ReceiveError::Duplicate`].
#[derive(Clone, Debug)]
pub struct Receiver {
    verifier: Verifier,
    filter: EventFilter,
    dedup_ttl_secs: u64,
    /// Shared by clones: one memory for every clone of a receiver.
    duplicates: Option<Arc<Mutex<DuplicateFilter>>>,
}

#[cfg(feature = "ordergroove")]
#[derive(Deserialize)]
struct EnvelopeType<'a> {
    #[serde(borrow, rename = "type")]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<&'a RawValue>,
}

/// A body's `id` (Stripe events), borrowed as the raw JSON text.
#[derive(Deserialize)]
struct BodyId<'a> {
    #[serde(borrow)]
    id: Option<&'a RawValue>,
}

/// A header an id is read from, prepared for lookups.
struct IdHeader {
    name: HeaderName,
    text: &'static str,
}

const fn id_header(text: &'static str) -> IdHeader {
    IdHeader {
        name: HeaderName::from_static(text),
        text,
    }
}

const WEBHOOK_ID: IdHeader = id_header("webhook-id");
const SVIX_ID: IdHeader = id_header("svix-id");
const GITHUB_DELIVERY: IdHeader = id_header("x-github-delivery");
const SHOPIFY_EVENT_ID: IdHeader = id_header("x-shopify-event-id");
const SHOPIFY_WEBHOOK_ID: IdHeader = id_header("x-shopify-webhook-id");
#[cfg(feature = "revel")]
const REVEL_EVENT_ID: IdHeader = id_header("x-revel-event-id");
#[cfg(feature = "revel")]
const REVEL_MESSAGE_ID: IdHeader = id_header("x-revel-message-id");

/// The vendor's own id headers, read before the scheme's.
#[cfg(feature = "revel")]
static REVEL_IDS: [IdHeader; 2] = [REVEL_EVENT_ID, REVEL_MESSAGE_ID];
/// The scheme's id headers, then the crate's `webhook-id`.
static STANDARD_IDS: [IdHeader; 2] = [WEBHOOK_ID, SVIX_ID];
static GITHUB_IDS: [IdHeader; 2] = [GITHUB_DELIVERY, WEBHOOK_ID];
static SHOPIFY_IDS: [IdHeader; 3] = [SHOPIFY_EVENT_ID, SHOPIFY_WEBHOOK_ID, WEBHOOK_ID];
static OTHER_IDS: [IdHeader; 1] = [WEBHOOK_ID];

#[cfg(feature = "flow_retail")]
#[derive(Deserialize)]
struct FlowKeys<'a> {
    #[serde(borrow)]
    action: Option<Cow<'a, str>>,
    #[serde(borrow)]
    store: Option<FlowStore<'a>>,
}

#[cfg(feature = "flow_retail")]
#[derive(Deserialize)]
struct FlowStore<'a> {
    #[serde(borrow, rename = "Uid")]
    uid: Option<Cow<'a, str>>,
}

#[cfg(feature = "mipos")]
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
        Receiver {
            verifier,
            filter,
            dedup_ttl_secs: DEFAULT_DEDUP_TTL_SECS,
            duplicates: None,
        }
    }

    /// How long a key is remembered from the time a webhook is received (default
    /// [`DEFAULT_DEDUP_TTL_SECS`], one day): set it to the sender's retry horizon.
    ///
    /// For timestamped schemes the key is kept at least until the signed timestamp leaves the
    /// verifier's tolerance window (after which a replay of the same bytes fails verification
    /// anyway), even with a TTL of 0. The TTL is still what counts for retries: a retry carries
    /// the same message id but a fresh timestamp and signature (Stripe, Standard Webhooks), so
    /// the tolerance window alone would let a retry sent minutes later be applied twice.
    pub fn with_dedup_ttl_secs(mut self, secs: u64) -> Receiver {
        self.dedup_ttl_secs = secs;
        self
    }

    /// The TTL of de-duplication keys, in seconds.
    pub fn dedup_ttl_secs(&self) -> u64 {
        self.dedup_ttl_secs
    }

    /// Checks every accepted webhook's key against `filter`: one seen before within its
    /// window is [`ReceiveError::Duplicate`] (answer 2xx, do not apply), and a full filter is
    /// [`ReceiveError::DuplicateFilterFull`] (answer 503). The key is recorded when the webhook
    /// is handed back as accepted; if the caller then fails to apply it, it calls
    /// [`Receiver::forget`] before answering an error, so the sender's retry is applied.
    ///
    /// Clones of this receiver share the filter (it sits behind a mutex). For several
    /// processes, use a shared store with [`Received::dedup_key`] instead.
    ///
    /// ```
    /// use bytes::Bytes;
    /// use pos_webhooks::{DuplicateFilter, EventFilter, Message, ReceiveError, Receiver, Scheme, Signer, Verifier};
    /// let receiver = Receiver::new(Verifier::new(Scheme::Revel, ["secret"])?, EventFilter::all())
    ///     .with_duplicate_filter(DuplicateFilter::new(10_000));
    /// let body = Bytes::from_static(br#"{"ping": "pong"}"#);
    /// let mut headers = http::HeaderMap::new();
    /// Signer::new(Scheme::Revel, ["secret"])?.sign(&Message::new(&body))?.insert_into(&mut headers)?;
    /// headers.insert("x-revel-event-type", "ping".parse()?);
    /// headers.insert("webhook-id", "msg_1".parse()?);
    /// let first = receiver.revel(&headers, body.clone(), 1_000)?;
    /// let again = receiver.revel(&headers, body, 1_060).unwrap_err();
    /// assert_eq!(again, ReceiveError::Duplicate { key: first.dedup_key });
    /// assert_eq!(again.status(), http::StatusCode::OK);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn with_duplicate_filter(mut self, filter: DuplicateFilter) -> Receiver {
        self.duplicates = Some(Arc::new(Mutex::new(filter)));
        self
    }

    /// Forgets `key` in the duplicate filter (the webhook could not be applied, so its retry
    /// must not be a duplicate). Returns whether it was held; false without a filter.
    pub fn forget(&self, key: &DedupKey) -> bool {
        self.duplicates.as_ref().is_some_and(|filter| {
            filter
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .forget(key)
        })
    }

    /// Hands back an accepted event, once its key is recorded (when there is a filter).
    fn accept<T>(
        &self,
        event: T,
        verification: Verification,
        dedup_key: DedupKey,
        now: i64,
    ) -> Result<Received<T>, ReceiveError> {
        self.claim(&dedup_key, now)?;
        Ok(Received::new(event, verification, dedup_key))
    }

    /// Records `key` in the duplicate filter, if there is one.
    fn claim(&self, key: &DedupKey, now: i64) -> Result<(), ReceiveError> {
        let Some(filter) = self.duplicates.as_ref() else {
            return Ok(());
        };
        let mut filter = filter.lock().unwrap_or_else(PoisonError::into_inner);
        match filter.check(key, now) {
            Seen::New => Ok(()),
            Seen::Duplicate => Err(ReceiveError::Duplicate { key: *key }),
            Seen::Full => Err(ReceiveError::DuplicateFilterFull {
                max_keys: filter.max_keys(),
            }),
        }
    }

    /// The de-duplication key: the vendor's id (`body_id`, then `vendor` headers), then the
    /// scheme's id headers, then the crate's `webhook-id`, else the body's digest.
    fn dedup_key<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        body_id: Option<&RawValue>,
        vendor: &[IdHeader],
        verification: &Verification,
        now: i64,
    ) -> DedupKey {
        let scheme = self.verifier.scheme();
        let ttl = i64::try_from(self.dedup_ttl_secs).unwrap_or(i64::MAX);
        let mut expires_at = now.saturating_add(ttl);
        if let (Some(timestamp), Some(tolerance)) =
            (verification.timestamp(), self.verifier.tolerance_secs())
        {
            // Verification accepts `now <= timestamp + tolerance`: remember past that.
            let window_end = timestamp
                .saturating_add(i64::try_from(tolerance).unwrap_or(i64::MAX))
                .saturating_add(1);
            expires_at = expires_at.max(window_end);
        }
        let body_signed = scheme != Scheme::Linga;
        if let Some(id) = body_id.map(RawValue::get).filter(|id| *id != "null") {
            return DedupKey::new(DedupSource::BodyId, id.as_bytes(), body_signed, expires_at);
        }
        let scheme_ids: &[IdHeader] = match scheme {
            Scheme::Standard => &STANDARD_IDS,
            Scheme::Github => &GITHUB_IDS,
            Scheme::Shopify => &SHOPIFY_IDS,
            _ => &OTHER_IDS,
        };
        for header in vendor.iter().chain(scheme_ids) {
            let Some(id) = headers.header_named(&header.name).map(<[u8]>::trim_ascii) else {
                continue;
            };
            if id.is_empty() {
                continue;
            }
            // Only Standard Webhooks signs its id.
            let signed = scheme == Scheme::Standard
                && (header.text == WEBHOOK_ID.text || header.text == SVIX_ID.text);
            return DedupKey::new(DedupSource::Header(header.text), id, signed, expires_at);
        }
        let digest: [u8; 32] = <sha2::Sha256 as sha2::Digest>::digest(body).into();
        DedupKey::new(DedupSource::BodyDigest, &digest, body_signed, expires_at)
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
        // A Stripe event's own id, read before the full parse.
        let body_id = match self.verifier.scheme() {
            Scheme::Stripe => serde_json::from_slice::<BodyId<'_>>(&body)
                .ok()
                .and_then(|peek| peek.id),
            _ => None,
        };
        let key = self.dedup_key(headers, &body, body_id, &[], &verification, now);
        self.admit(event_type, store)?;
        self.accept(parse_json(&body)?, verification, key, now)
    }

    /// Revel: the event type from `X-Revel-Event-Type`, the store from
    /// `X-Revel-Establishment-Id`.
    #[cfg(feature = "revel")]
    #[cfg_attr(docsrs, doc(cfg(feature = "revel")))]
    pub fn revel<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<RevelEvent>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        let key = self.dedup_key(headers, &body, None, &REVEL_IDS, &verification, now);
        // The crate's prepared header names: no name parsing per request.
        let event_type = header_text(headers, &crate::header::REVEL_EVENT_TYPE)?.ok_or(
            ReceiveError::NoEventType("missing header x-revel-event-type"),
        )?;
        let store = header_text(headers, &crate::header::REVEL_ESTABLISHMENT_ID)?;
        self.admit(event_type, store)?;
        self.accept(
            RevelEvent::parse(event_type, &body)?,
            verification,
            key,
            now,
        )
    }

    /// [`Receiver::revel`] for a request.
    #[cfg(feature = "revel")]
    #[cfg_attr(docsrs, doc(cfg(feature = "revel")))]
    pub fn revel_request(
        &self,
        request: &Request<Bytes>,
        now: i64,
    ) -> Result<Received<RevelEvent>, ReceiveError> {
        self.revel(request.headers(), request.body().clone(), now)
    }

    /// miPOS: an ORDER (a body with `external_id` or `items`) or a MENU request; the store
    /// from `external_store_id` or `store_id`.
    #[cfg(feature = "mipos")]
    #[cfg_attr(docsrs, doc(cfg(feature = "mipos")))]
    pub fn mipos<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<MiposEvent>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        let key = self.dedup_key(headers, &body, None, &[], &verification, now);
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
        self.accept(event, verification, key, now)
    }

    /// Ordergroove: the event type from the envelope's `type`, read before the full parse.
    #[cfg(feature = "ordergroove")]
    #[cfg_attr(docsrs, doc(cfg(feature = "ordergroove")))]
    pub fn ordergroove<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<ordergroove::Envelope>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        let peek: EnvelopeType<'_> = parse_json_borrowed(&body)?;
        let key = self.dedup_key(headers, &body, peek.id, &[], &verification, now);
        let event_type = peek
            .kind
            .ok_or(ReceiveError::NoEventType("no type in the envelope"))?;
        self.admit(&event_type, None)?;
        self.accept(parse_json(&body)?, verification, key, now)
    }

    /// Flow Retail: the event type is the action's dotted form (`ORDER_SETTLED` →
    /// `order.settled`), the store is `store.Uid`.
    #[cfg(feature = "flow_retail")]
    #[cfg_attr(docsrs, doc(cfg(feature = "flow_retail")))]
    pub fn flow_retail<H: HeaderSource + ?Sized>(
        &self,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<flow_retail::Envelope>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        let key = self.dedup_key(headers, &body, None, &[], &verification, now);
        let keys: FlowKeys<'_> = parse_json_borrowed(&body)?;
        let action = keys
            .action
            .ok_or(ReceiveError::NoEventType("no action in the body"))?;
        let dotted = flow_retail::Action::new(&action).dotted();
        let store = keys.store.as_ref().and_then(|s| s.uid.as_deref());
        self.admit(&dotted, store)?;
        self.accept(parse_json(&body)?, verification, key, now)
    }

    /// Linga: which webhook was called (the caller knows from the URL) gives the event type.
    #[cfg(feature = "linga")]
    #[cfg_attr(docsrs, doc(cfg(feature = "linga")))]
    pub fn linga<H: HeaderSource + ?Sized>(
        &self,
        kind: CheckEventKind,
        headers: &H,
        body: Bytes,
        now: i64,
    ) -> Result<Received<CheckEvent>, ReceiveError> {
        let verification = self.verifier.verify_parts(headers, &body, now)?;
        let key = self.dedup_key(headers, &body, None, &[], &verification, now);
        self.admit(kind.event_type(), None)?;
        self.accept(CheckEvent::parse(kind, body)?, verification, key, now)
    }
}

/// The value of header `name` as trimmed text; `None` when absent. A value that is not UTF-8
/// (or empty once trimmed) is malformed: reporting it as absent would hide what the sender did.
#[cfg(feature = "revel")]
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
#[cfg(any(feature = "mipos", feature = "ordergroove", feature = "flow_retail"))]
fn parse_json_borrowed<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ParseError> {
    serde_json::from_slice(body).map_err(|_| match parse_json::<serde_json::Value>(body) {
        Err(error) => error,
        Ok(_) => ParseError::data(".", "unexpected shape for this vendor's envelope"),
    })
}
