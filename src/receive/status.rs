//! Which HTTP status a receiver answers for each outcome: the one place the mapping lives.
//!
//! What senders do with the answer ("Delivery rules" of the vendors' documentation):
//!
//! - every platform counts any 2xx as success and stops; 3xx is a failure (Svix, Shopify);
//! - Flow Retail retries timeouts and 5xx only: **any 4xx is final** (429 included);
//! - Standard Webhooks / Svix, Stripe, Shopify and Ordergroove retry **every** non-2xx answer on
//!   their schedule (up to days), then warn or disable the endpoint; GitHub never retries;
//! - Revel wants a 2xx within 10 s; other answers are failures it retries.
//!
//! So the mapping below answers 2xx for what must not come back (filtered out, duplicate), 401
//! for what is not proven to come from the sender, and a 4xx for authentic requests the
//! receiver cannot use; only Flow Retail and GitHub then stop, the others retry whatever the 4xx.

use http::StatusCode;

use super::ReceiveError;
use crate::VerifyError;

impl VerifyError {
    /// The status a receiver answers when verification fails: always **401 Unauthorized**.
    ///
    /// Every variant means the same thing to the sender: the request is not proven to come from
    /// the holder of the secret (missing or malformed signature header, undecodable or
    /// mismatching signature, token mismatch, a timestamp outside the window). The details stay
    /// in the receiver's logs; the answer does not help an attacker tell them apart.
    ///
    /// Senders that retry non-2xx answers (Standard Webhooks / Svix, Stripe, Shopify,
    /// Ordergroove, Revel) will retry a 401, which is what a receiver wants while a secret
    /// rotation is half done: once the new secret is configured, the retry verifies. Flow
    /// Retail treats any 4xx as final and does not retry.
    ///
    /// ```
    /// use pos_webhooks::VerifyError;
    /// assert_eq!(VerifyError::SignatureMismatch.status(), http::StatusCode::UNAUTHORIZED);
    /// ```
    pub fn status(&self) -> StatusCode {
        match self {
            VerifyError::MissingHeader(_)
            | VerifyError::MalformedHeader { .. }
            | VerifyError::BadSignatureEncoding { .. }
            | VerifyError::NoSupportedSignature { .. }
            | VerifyError::SignatureMismatch
            | VerifyError::TokenMismatch { .. }
            | VerifyError::TimestampTooOld { .. }
            | VerifyError::TimestampInFuture { .. } => StatusCode::UNAUTHORIZED,
        }
    }
}

impl ReceiveError {
    /// The status a receiver answers for this outcome, chosen with each vendor's retry rules
    /// in mind (see the module notes):
    ///
    /// | outcome | status | why |
    /// |---|---|---|
    /// | [`NotAuthentic`](ReceiveError::NotAuthentic) | 401 Unauthorized | not proven to come from the sender; see [`VerifyError::status`] |
    /// | [`FilteredOut`](ReceiveError::FilteredOut) | 204 No Content | authentic and fine, just not wanted: any non-2xx would make the sender retry it (for days with Svix or Stripe) and count the endpoint as failing |
    /// | [`NoEventType`](ReceiveError::NoEventType) | 400 Bad Request | the request lacks what every webhook of this vendor carries |
    /// | [`MalformedHeader`](ReceiveError::MalformedHeader) | 400 Bad Request | a header the receiver reads (Revel's event type or store) cannot be read |
    /// | [`Unparseable`](ReceiveError::Unparseable) | 422 Unprocessable Content | authentic, but the body does not fit the vendor's model |
    /// | [`Duplicate`](ReceiveError::Duplicate) | 200 OK | already received: the same answer as the first time, so the sender stops (it cannot tell, and need not) |
    /// | [`DuplicateFilterFull`](ReceiveError::DuplicateFilterFull) | 503 Service Unavailable | not checked, so not applied: every sender but GitHub retries a 5xx later, when keys have expired |
    ///
    /// The 4xx answers are final for Flow Retail (any 4xx is not retried) and GitHub (never
    /// retries). Standard Webhooks / Svix, Stripe, Shopify, Ordergroove and Revel retry every
    /// non-2xx answer: the same bytes will fail the same way, so such a receiver should alert
    /// on these statuses (a model that is too strict is fixed on the receiver's side, and the
    /// retries then succeed) rather than expect them to stop the sender.
    ///
    /// ```
    /// use http::StatusCode;
    /// use pos_webhooks::{ReceiveError, VerifyError};
    /// let filtered = ReceiveError::FilteredOut { event_type: "ping".into(), store: None };
    /// assert_eq!(filtered.status(), StatusCode::NO_CONTENT);
    /// let forged = ReceiveError::NotAuthentic(VerifyError::SignatureMismatch);
    /// assert_eq!(forged.status(), StatusCode::UNAUTHORIZED);
    /// ```
    pub fn status(&self) -> StatusCode {
        match self {
            ReceiveError::NotAuthentic(error) => error.status(),
            ReceiveError::FilteredOut { .. } => StatusCode::NO_CONTENT,
            ReceiveError::Duplicate { .. } => StatusCode::OK,
            ReceiveError::DuplicateFilterFull { .. } => StatusCode::SERVICE_UNAVAILABLE,
            ReceiveError::NoEventType(_) | ReceiveError::MalformedHeader { .. } => {
                StatusCode::BAD_REQUEST
            }
            ReceiveError::Unparseable(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// Whether the sender should count this answer as success (a 2xx status): the webhook
    /// reached the receiver and must not be sent again, though it is not to be applied.
    ///
    /// ```
    /// use pos_webhooks::ReceiveError;
    /// let filtered = ReceiveError::FilteredOut { event_type: "ping".into(), store: None };
    /// assert!(filtered.is_success());
    /// assert!(!ReceiveError::NoEventType("no type in the envelope").is_success());
    /// ```
    pub fn is_success(&self) -> bool {
        self.status().is_success()
    }
}

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use super::*;
    use crate::ParseError;

    #[test]
    fn every_verify_error_is_401() {
        let all = [
            VerifyError::MissingHeader(Cow::Borrowed("x-revel-signature")),
            VerifyError::MalformedHeader {
                header: Cow::Borrowed("stripe-signature"),
                reason: "no t= timestamp",
            },
            VerifyError::BadSignatureEncoding {
                header: Cow::Borrowed("x-revel-signature"),
                reason: "not hexadecimal",
            },
            VerifyError::NoSupportedSignature {
                header: Cow::Borrowed("stripe-signature"),
            },
            VerifyError::SignatureMismatch,
            VerifyError::TokenMismatch {
                header: Cow::Borrowed("x-partner-key"),
            },
            VerifyError::TimestampTooOld {
                age_secs: 301,
                tolerance_secs: 300,
            },
            VerifyError::TimestampInFuture {
                ahead_secs: 301,
                tolerance_secs: 300,
            },
        ];
        for error in all {
            assert_eq!(error.status(), StatusCode::UNAUTHORIZED, "{error}");
            let wrapped = ReceiveError::NotAuthentic(error);
            assert_eq!(wrapped.status(), StatusCode::UNAUTHORIZED, "{wrapped}");
            assert!(!wrapped.is_success());
        }
    }

    #[test]
    fn filtered_out_is_204() {
        let error = ReceiveError::FilteredOut {
            event_type: "order.finalized".into(),
            store: Some("7".into()),
        };
        assert_eq!(error.status(), StatusCode::NO_CONTENT);
        assert!(error.is_success());
    }

    #[test]
    fn no_event_type_is_400() {
        let error = ReceiveError::NoEventType("missing header x-revel-event-type");
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert!(!error.is_success());
    }

    #[test]
    fn malformed_header_is_400() {
        let error = ReceiveError::MalformedHeader {
            header: Cow::Borrowed("x-revel-event-type"),
            reason: "not utf-8",
        };
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        assert!(!error.is_success());
    }

    #[test]
    fn duplicate_is_200_and_a_full_filter_503() {
        let duplicate = ReceiveError::Duplicate {
            key: crate::DedupKey::custom(b"msg_1", 60),
        };
        assert_eq!(duplicate.status(), StatusCode::OK);
        assert!(duplicate.is_success());
        let full = ReceiveError::DuplicateFilterFull { max_keys: 10 };
        assert_eq!(full.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(!full.is_success());
    }

    #[test]
    fn unparseable_is_422() {
        let error = ReceiveError::Unparseable(ParseError::data(".", "expected an object"));
        assert_eq!(error.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(!error.is_success());
    }
}
