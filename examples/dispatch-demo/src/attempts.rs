//! The demo's one contact with the crate's send-attempt state machine: the policies of the two
//! endpoints, the stored state (JSON text in SQLite), and "advance the state with `now` and
//! what happened, tell me what to do next".
//!
//! INTERIM: until the `emit` branch lands `RetryPolicy` / `SendAttempt`, this file holds a
//! minimal stand-in with the same shape (a fixed schedule, `Retry-After`, 410 disables). It is
//! replaced by calls into `pos_webhooks` when that API exists; nothing else in the demo decides
//! when to retry.

use serde::{Deserialize, Serialize};

/// What one attempt ended with, as the transport saw it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An HTTP response: its status and its `Retry-After` header, if any.
    Response {
        /// The status code.
        status: u16,
        /// The `Retry-After` header's text.
        retry_after: Option<String>,
    },
    /// No response within the client's timeout.
    Timeout,
    /// The connection could not be opened (refused: the receiver is down).
    Connect,
    /// The connection was opened and then dropped before a response came.
    Dropped,
}

impl Outcome {
    /// A short text for the attempt log.
    pub fn label(&self) -> String {
        match self {
            Outcome::Response { status, .. } => status.to_string(),
            Outcome::Timeout => "timeout".to_owned(),
            Outcome::Connect => "connect".to_owned(),
            Outcome::Dropped => "dropped".to_owned(),
        }
    }
}

/// What the crate says to do next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Next {
    /// Accepted: nothing more to send.
    Done,
    /// Send again at this unix second.
    RetryAt(i64),
    /// Stop trying this message on this endpoint.
    GiveUp(String),
    /// Disable the endpoint: drop its pending attempts.
    DisableEndpoint(String),
}

impl Next {
    /// A short text for the attempt log.
    pub fn label(&self) -> String {
        match self {
            Next::Done => "done".to_owned(),
            Next::RetryAt(_) => "retry".to_owned(),
            Next::GiveUp(why) => format!("give_up: {why}"),
            Next::DisableEndpoint(why) => format!("disable: {why}"),
        }
    }
}

/// Which of the demo's two endpoints a policy is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Which {
    /// The partner's Standard Webhooks endpoint: every event must arrive exactly once.
    Partner,
    /// A legacy GitHub-style endpoint that goes away (410 Gone) during the run.
    Legacy,
}

/// The retry delays, in seconds, after the 1st, 2nd, ... failed attempt (interim stand-in).
pub const PARTNER_DELAYS: [i64; 11] = [1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3];
/// How far a `Retry-After` is honoured, in seconds.
pub const RETRY_AFTER_CAP: i64 = 5;

/// The per-(message, endpoint) state as stored (interim stand-in).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct State {
    which: Which,
    failures: usize,
}

/// The initial state of a message for an endpoint, as stored text.
pub fn start(which: Which, _now: i64) -> String {
    serde_json::to_string(&State { which, failures: 0 }).unwrap_or_default()
}

/// The number of the attempt about to be sent (1 for the first).
pub fn attempt_number(state: &str) -> Result<u32, String> {
    let state: State = serde_json::from_str(state).map_err(|e| e.to_string())?;
    Ok(state.failures as u32 + 1)
}

/// Advances the stored state with `now` (unix seconds, after the attempt) and its outcome.
pub fn advance(state: &str, now: i64, outcome: &Outcome) -> Result<(String, Next), String> {
    let mut s: State = serde_json::from_str(state).map_err(|e| e.to_string())?;
    let next = match outcome {
        Outcome::Response { status, .. } if (200..300).contains(status) => Next::Done,
        Outcome::Response { status: 410, .. } if s.which == Which::Legacy => {
            Next::DisableEndpoint("410 gone".to_owned())
        }
        Outcome::Response {
            status,
            retry_after,
        } if *status == 429 || *status >= 500 => retry(
            &mut s,
            now,
            retry_after.as_deref().and_then(|v| v.parse().ok()),
        ),
        Outcome::Response { status, .. } => Next::GiveUp(format!("status {status}")),
        Outcome::Timeout | Outcome::Connect | Outcome::Dropped => retry(&mut s, now, None),
    };
    Ok((serde_json::to_string(&s).map_err(|e| e.to_string())?, next))
}

fn retry(s: &mut State, now: i64, retry_after: Option<i64>) -> Next {
    let delay = PARTNER_DELAYS.get(s.failures).copied();
    s.failures += 1;
    match delay {
        None => Next::GiveUp("attempts exhausted".to_owned()),
        Some(d) => Next::RetryAt(now + retry_after.map_or(d, |r| r.min(RETRY_AFTER_CAP).max(d))),
    }
}

/// INTERIM: the crate will set the message id header on every request (`webhook-id`, or the
/// scheme's own such as `X-GitHub-Delivery`); until then the demo adds GitHub's.
pub fn ensure_message_id(request: &mut http::Request<bytes::Bytes>, message_id: &str) {
    let headers = request.headers_mut();
    if !headers.contains_key("webhook-id")
        && !headers.contains_key("x-github-delivery")
        && let Ok(value) = http::HeaderValue::from_str(message_id)
    {
        headers.insert("x-github-delivery", value);
    }
}
