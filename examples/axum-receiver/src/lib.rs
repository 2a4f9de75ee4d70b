//! A partner's Revel receiver on axum 0.8: verify, filter, de-duplicate, parse, then apply.
//!
//! The glue a handler needs is the function `revel`; `pos-webhooks`' `axum` feature turns
//! every `ReceiveError` into the response the sender should get (401 not authentic, 204
//! filtered out, 200 duplicate, 400/422 unusable, 503 duplicate filter full).

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use bytes::Bytes;
use pos_webhooks::revel::RevelEvent;
use pos_webhooks::{ReceiveError, Receiver};

/// The receiver's state: the crate's `Receiver` and what it applied (the example's
/// "database").
#[derive(Debug)]
pub struct App {
    /// Verifies, filters, de-duplicates and parses.
    pub receiver: Receiver,
    /// Every event applied, in order.
    pub applied: Mutex<Vec<RevelEvent>>,
}

impl App {
    /// An app around `receiver`, nothing applied yet.
    pub fn new(receiver: Receiver) -> Arc<App> {
        Arc::new(App {
            receiver,
            applied: Mutex::new(Vec::new()),
        })
    }

    fn apply(&self, event: RevelEvent) {
        self.applied.lock().unwrap().push(event);
    }
}

/// The router: `POST /revel`.
pub fn router(app: Arc<App>) -> Router {
    Router::new().route("/revel", post(revel)).with_state(app)
}

/// Unix seconds: the library never reads the clock, the application does.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

// The handler glue: everything a partner writes around the crate.
async fn revel(
    State(app): State<Arc<App>>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ReceiveError> {
    let received = app.receiver.revel(&headers, body, now())?;
    app.apply(received.event);
    Ok(StatusCode::OK)
}
