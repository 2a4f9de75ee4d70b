//! What a [`Receiver`](crate::Receiver) hands back for an accepted webhook.

use crate::{DedupKey, Verification};

/// An accepted webhook: the parsed event together with what verification established (which
/// secret matched, the signed timestamp), so a receiver can watch a secret rotation
/// (`verification.secret_index()`) or log the signed time.
///
/// Fields are public for reading and destructuring (`let Received { event, .. } = ...`); the
/// struct is `#[non_exhaustive]` so more details can be added without breaking callers.
///
/// ```
/// use bytes::Bytes;
/// use pos_webhooks::{EventFilter, Message, Received, Receiver, Scheme, Signer, Verifier};
/// // Rotating: the new secret first, the old one still accepted.
/// let receiver = Receiver::new(
///     Verifier::new(Scheme::Revel, ["new-secret", "old-secret"]).unwrap(),
///     EventFilter::all(),
/// );
/// let body = Bytes::from_static(br#"{"ping": "pong"}"#);
/// let mut headers = http::HeaderMap::new();
/// Signer::new(Scheme::Revel, ["old-secret"]).unwrap().sign(&Message::new(&body)).unwrap()
///     .insert_into(&mut headers).unwrap();
/// headers.insert("x-revel-event-type", "ping".parse().unwrap());
/// let Received { event, verification, .. } = receiver.revel(&headers, body, 0).unwrap();
/// assert_eq!(event.event_type(), "ping");
/// assert_eq!(verification.secret_index(), 1); // still signed with the old secret
/// assert_eq!(verification.timestamp(), None); // Revel signs no timestamp
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Received<T> {
    /// The parsed event.
    pub event: T,
    /// Which secret matched and the signed timestamp (for timestamped schemes).
    pub verification: Verification,
    /// The de-duplication key and until when to remember it: for a shared store (Redis,
    /// Postgres) when several instances receive, or for [`Receiver::forget`](crate::Receiver::forget).
    pub dedup_key: DedupKey,
}

impl<T> Received<T> {
    pub(crate) fn new(event: T, verification: Verification, dedup_key: DedupKey) -> Received<T> {
        Received {
            event,
            verification,
            dedup_key,
        }
    }

    /// The event, dropping the verification details.
    pub fn into_event(self) -> T {
        self.event
    }

    /// The same details around another value (for example the event converted into the
    /// caller's own type).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Received<U> {
        Received {
            event: f(self.event),
            verification: self.verification,
            dedup_key: self.dedup_key,
        }
    }
}
