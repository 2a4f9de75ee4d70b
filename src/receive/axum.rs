//! axum 0.8 glue (cargo feature `axum`): errors become responses, so a handler can use `?`.
//!
//! Built on `axum-core` 0.5 (the crate axum 0.8 re-exports its `IntoResponse` from), not on
//! axum itself: no router, no server, no runtime in this crate's tree.

use axum_core::response::{IntoResponse, Response};

use crate::{ReceiveError, VerifyError};

impl IntoResponse for ReceiveError {
    /// [`ReceiveError::status`] with a short plain-text body. A request that is not authentic
    /// gets only `not authentic`: the reason (which header, a mismatch or a stale timestamp)
    /// stays in the receiver's logs. An authentic sender gets the reason, which helps its
    /// developers (a body that does not parse, a header that is malformed).
    ///
    /// ```
    /// use axum_core::response::IntoResponse;
    /// use pos_webhooks::{ReceiveError, VerifyError};
    /// let response = ReceiveError::NotAuthentic(VerifyError::SignatureMismatch).into_response();
    /// assert_eq!(response.status(), http::StatusCode::UNAUTHORIZED);
    /// let response = ReceiveError::FilteredOut { event_type: "ping".into(), store: None }
    ///     .into_response();
    /// assert_eq!(response.status(), http::StatusCode::NO_CONTENT);
    /// ```
    fn into_response(self) -> Response {
        let status = self.status();
        match self {
            ReceiveError::NotAuthentic(_) => (status, "not authentic").into_response(),
            // 204 has no body; the other 2xx say what happened.
            ReceiveError::FilteredOut { .. } => status.into_response(),
            other => (status, other.to_string()).into_response(),
        }
    }
}

impl IntoResponse for VerifyError {
    /// 401 with the body `not authentic` (see [`VerifyError::status`]); the reason stays in the
    /// receiver's logs.
    fn into_response(self) -> Response {
        (self.status(), "not authentic").into_response()
    }
}
