//! The send-attempt state machine: one small value per (message, endpoint), advanced by the
//! caller with `now` and the outcome of each attempt, answering what to do next.

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode};
use serde::{Deserialize, Serialize};

use super::endpoint::Endpoint;
use super::health::{DisableReason, EndpointHealth};
use super::policy::{MAX_ATTEMPTS, RetryPolicy, Verdict};
use super::request::{OutgoingEvent, RequestError};

/// What a receiver asked for in `Retry-After`: a delay in seconds, or an HTTP date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RetryAfter {
    /// `Retry-After: 120`.
    Seconds(u64),
    /// `Retry-After: Wed, 21 Oct 2015 07:28:00 GMT`, as unix seconds.
    At(i64),
}

impl RetryAfter {
    /// Parses a `Retry-After` value: delay seconds, or an HTTP date in any of the three forms
    /// HTTP allows (IMF-fixdate, RFC 850, asctime). `None` when it is neither. No I/O.
    ///
    /// ```
    /// use pos_webhooks::RetryAfter;
    /// assert_eq!(RetryAfter::parse(b"120"), Some(RetryAfter::Seconds(120)));
    /// assert_eq!(RetryAfter::parse(b"Sun, 06 Nov 1994 08:49:37 GMT"), Some(RetryAfter::At(784111777)));
    /// assert_eq!(RetryAfter::parse(b"Sunday, 06-Nov-94 08:49:37 GMT"), Some(RetryAfter::At(784111777)));
    /// assert_eq!(RetryAfter::parse(b"Sun Nov  6 08:49:37 1994"), Some(RetryAfter::At(784111777)));
    /// assert_eq!(RetryAfter::parse(b"soon"), None);
    /// ```
    pub fn parse(value: &[u8]) -> Option<RetryAfter> {
        let text = core::str::from_utf8(value).ok()?.trim();
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            // Absurdly long delays saturate; the policy's cap applies anyway.
            let secs = text.bytes().fold(0u64, |n, b| {
                n.saturating_mul(10).saturating_add(u64::from(b - b'0'))
            });
            return Some(RetryAfter::Seconds(secs));
        }
        http_date(text).map(RetryAfter::At)
    }

    /// The delay this asks for at `now`, in seconds (0 for a date in the past).
    pub fn delay(&self, now: i64) -> u64 {
        match *self {
            RetryAfter::Seconds(secs) => secs,
            RetryAfter::At(at) => u64::try_from(at.saturating_sub(now)).unwrap_or(0),
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

fn number(text: &str) -> Option<i64> {
    if text.is_empty() || text.len() > 4 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn month(text: &str) -> Option<i64> {
    MONTHS
        .iter()
        .position(|m| *m == text)
        .and_then(|i| i64::try_from(i).ok())
        .map(|i| i + 1)
}

fn time_of_day(text: &str) -> Option<i64> {
    let mut parts = text.split(':');
    let (h, m, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || h.len() != 2 || m.len() != 2 || s.len() != 2 {
        return None;
    }
    let (h, m, s) = (number(h)?, number(m)?, number(s)?);
    (h < 24 && m < 60 && s <= 60).then_some(h * 3600 + m * 60 + s)
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil(year: i64, month: Option<i64>, day: i64, time: Option<i64>) -> Option<i64> {
    let month = month?;
    if !(1..=31).contains(&day) {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + time?)
}

/// An HTTP date (RFC 9110 section 5.6.7) as unix seconds.
fn http_date(text: &str) -> Option<i64> {
    if let Some((_, rest)) = text.split_once(',') {
        let mut parts = rest.split_ascii_whitespace();
        let first = parts.next()?;
        if first.contains('-') {
            // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`.
            let mut dmy = first.split('-');
            let (d, m, y) = (dmy.next()?, dmy.next()?, dmy.next()?);
            let (time, zone) = (parts.next()?, parts.next()?);
            if dmy.next().is_some() || zone != "GMT" || parts.next().is_some() || y.len() != 2 {
                return None;
            }
            let y = number(y)?;
            let year = if y < 70 { 2000 + y } else { 1900 + y };
            return civil(year, month(m), number(d)?, time_of_day(time));
        }
        // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
        let (m, y, time, zone) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if zone != "GMT" || parts.next().is_some() || y.len() != 4 {
            return None;
        }
        return civil(number(y)?, month(m), number(first)?, time_of_day(time));
    }
    // asctime: `Sun Nov  6 08:49:37 1994`.
    let mut parts = text.split_ascii_whitespace();
    let (_, m, d, time, y) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() || y.len() != 4 {
        return None;
    }
    civil(number(y)?, month(m), number(d)?, time_of_day(time))
}

/// What happened on one attempt, as the caller's transport saw it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// An HTTP answer: its status code and, if it sent one that parses, its `Retry-After`.
    Status {
        /// The status code.
        code: u16,
        /// The `Retry-After` header (honoured on 429 and 503, up to the policy's cap).
        retry_after: Option<RetryAfter>,
    },
    /// No answer within the policy's timeout.
    Timeout,
    /// The connection failed (DNS, refused, reset, closed before an answer).
    Connect,
    /// The TLS handshake failed.
    Tls,
}

impl Outcome {
    /// An answer with this status code and no `Retry-After`.
    pub const fn status(code: u16) -> Outcome {
        Outcome::Status {
            code,
            retry_after: None,
        }
    }

    /// An answer from its status and headers (`Retry-After` read when it parses).
    ///
    /// ```
    /// use pos_webhooks::{Outcome, RetryAfter};
    /// let mut headers = http::HeaderMap::new();
    /// headers.insert("retry-after", "30".parse().unwrap());
    /// assert_eq!(
    ///     Outcome::from_response(http::StatusCode::TOO_MANY_REQUESTS, &headers),
    ///     Outcome::Status { code: 429, retry_after: Some(RetryAfter::Seconds(30)) },
    /// );
    /// ```
    pub fn from_response(status: StatusCode, headers: &HeaderMap) -> Outcome {
        Outcome::Status {
            code: status.as_u16(),
            retry_after: headers
                .get(http::header::RETRY_AFTER)
                .and_then(|value| RetryAfter::parse(value.as_bytes())),
        }
    }
}

/// Why the attempts of a message stopped without success.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GiveUpReason {
    /// The endpoint answered a status the policy treats as final (a 4xx it does not retry).
    Rejected {
        /// The status code.
        status: u16,
    },
    /// The schedule allows no more attempts (count or age).
    Exhausted {
        /// The attempts made.
        attempts: u32,
    },
    /// The endpoint is disabled: the message is dropped for it, and not replayed when the
    /// endpoint is enabled again.
    EndpointDisabled,
}

impl core::fmt::Display for GiveUpReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            GiveUpReason::Rejected { status } => write!(f, "rejected with final status {status}"),
            GiveUpReason::Exhausted { attempts } => {
                write!(f, "no attempts left after {attempts}")
            }
            GiveUpReason::EndpointDisabled => f.write_str("the endpoint is disabled"),
        }
    }
}

/// What the caller does next for this (message, endpoint).
///
/// Deliberately exhaustive (not `#[non_exhaustive]`): a caller's `match` must handle every
/// decision, and a new one would have to break it rather than fall into a catch-all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Next {
    /// Nothing: the message arrived.
    Done,
    /// Send again at `at` (unix seconds), building the request then with
    /// [`SendAttempt::request`]: same message id, fresh timestamp and signature.
    RetryAt {
        /// When, in unix seconds.
        at: i64,
        /// The number of that attempt (2 for the first retry).
        attempt: u32,
    },
    /// Stop: the message will not arrive at this endpoint.
    GiveUp {
        /// Why.
        reason: GiveUpReason,
    },
    /// Stop, and disable the endpoint ([`EndpointSet::disable`](crate::EndpointSet::disable));
    /// drop its other pending attempts (each answers [`GiveUpReason::EndpointDisabled`] from
    /// [`SendAttempt::endpoint_disabled`]).
    DisableEndpoint {
        /// Why.
        reason: DisableReason,
    },
}

/// The answer to one recorded outcome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Decision {
    /// What to do next.
    pub next: Next,
    /// How the policy classified the outcome.
    pub verdict: Verdict,
    /// The number of the attempt just recorded (1 for the first).
    pub attempt: u32,
}

/// Where the attempts of one message to one endpoint stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttemptState {
    /// An attempt is due at `at` (unix seconds).
    Pending {
        /// When, in unix seconds.
        at: i64,
    },
    /// The message arrived at `at`.
    Done {
        /// When, in unix seconds.
        at: i64,
    },
    /// Given up at `at`.
    GaveUp {
        /// When, in unix seconds.
        at: i64,
        /// Why.
        reason: GiveUpReason,
    },
    /// Stopped at `at` because the endpoint must be disabled.
    DisabledEndpoint {
        /// When, in unix seconds.
        at: i64,
        /// Why.
        reason: DisableReason,
    },
}

/// The attempts of one message to one endpoint: plain data (serde) the caller stores in its own
/// database or queue, advanced with `now` and each attempt's [`Outcome`]. It never reads a
/// clock, draws a random number or does I/O; the same inputs give the same answers.
///
/// - [`SendAttempt::new`] starts it (first attempt due at `now`);
/// - [`SendAttempt::request`] builds the request to send at `now`: the same message id every
///   time, a fresh timestamp and signature for timestamped schemes, the event's body shared
///   (`Bytes`), never copied;
/// - [`SendAttempt::record`] takes the outcome and answers a [`Decision`]: done, retry at T,
///   give up (why), or disable the endpoint (why).
///
/// A disabled endpoint's pending attempts are dropped, not replayed when it is enabled again
/// (Ordergroove's rule, and the crate's): [`SendAttempt::request`] fails with
/// [`RequestError::Disabled`], and [`SendAttempt::endpoint_disabled`] ends the attempt.
///
/// ```
/// use pos_webhooks::{EndpointHealth, Next, Outcome, RetryPolicy, SendAttempt};
/// let policy = RetryPolicy::standard_webhooks();
/// let mut health = EndpointHealth::new();
/// let mut attempt = SendAttempt::new("msg_1", 1_000);
/// let d = attempt.record(&policy, &mut health, 1_000, Outcome::status(503), 0);
/// assert_eq!(d.next, Next::RetryAt { at: 1_005, attempt: 2 });
/// let d = attempt.record(&policy, &mut health, 1_005, Outcome::Timeout, 0);
/// assert_eq!(d.next, Next::RetryAt { at: 1_305, attempt: 3 });
/// assert_eq!(attempt.record(&policy, &mut health, 1_305, Outcome::status(200), 0).next, Next::Done);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SendAttempt {
    message_id: String,
    created: i64,
    attempts: u32,
    state: AttemptState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last: Option<Outcome>,
}

impl SendAttempt {
    /// Starts the attempts of message `message_id` at `now`: the first is due at once.
    pub fn new(message_id: impl Into<String>, now: i64) -> SendAttempt {
        SendAttempt {
            message_id: message_id.into(),
            created: now,
            attempts: 0,
            state: AttemptState::Pending { at: now },
            last: None,
        }
    }

    /// The message id, the same on every attempt.
    pub fn message_id(&self) -> &str {
        &self.message_id
    }

    /// When it was started (unix seconds).
    pub fn created(&self) -> i64 {
        self.created
    }

    /// The attempts recorded so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Where it stands.
    pub fn state(&self) -> AttemptState {
        self.state
    }

    /// The outcome of the last attempt.
    pub fn last_outcome(&self) -> Option<Outcome> {
        self.last
    }

    /// When the next attempt is due, if one is.
    pub fn due_at(&self) -> Option<i64> {
        match self.state {
            AttemptState::Pending { at } => Some(at),
            _ => None,
        }
    }

    /// Whether an attempt is due at `now`.
    pub fn is_due(&self, now: i64) -> bool {
        self.due_at().is_some_and(|at| at <= now)
    }

    /// Whether it has ended (done, given up or stopped for a disabled endpoint).
    pub fn is_finished(&self) -> bool {
        !matches!(self.state, AttemptState::Pending { .. })
    }

    /// What to do next, from where it stands.
    pub fn next(&self) -> Next {
        match self.state {
            AttemptState::Pending { at } => Next::RetryAt {
                at,
                attempt: self.attempts.saturating_add(1),
            },
            AttemptState::Done { .. } => Next::Done,
            AttemptState::GaveUp { reason, .. } => Next::GiveUp { reason },
            AttemptState::DisabledEndpoint { reason, .. } => Next::DisableEndpoint { reason },
        }
    }

    /// The request to send to `endpoint` at `now` for `event`: [`Endpoint::request`] with this
    /// message id (so the message-id header is the same on every attempt), `now` as the
    /// signature's timestamp, and the body shared with `event`.
    ///
    /// Fails with [`RequestError::Disabled`] when the endpoint is disabled: call
    /// [`SendAttempt::endpoint_disabled`] then.
    pub fn request(
        &self,
        endpoint: &Endpoint,
        event: &OutgoingEvent,
        now: i64,
    ) -> Result<Request<Bytes>, RequestError> {
        endpoint.request(event, now, &self.message_id)
    }

    /// Records the outcome of the attempt made at `now` under `policy`, updating the endpoint's
    /// `health`, and answers what to do next. `jitter` is the caller's random draw for this
    /// step, read as the fraction `jitter / 2^32` in [0, 1); it matters only for policies with
    /// jitter (pass 0 otherwise). Allocates nothing.
    ///
    /// Recording on an attempt that has ended changes nothing and answers its final
    /// [`Next`] again (with `attempt` the number of attempts made).
    ///
    /// A `Retry-After` on 429 or 503 is honoured up to the policy's cap: the retry is at the
    /// later of the schedule's time and `now + min(retry_after, cap)`. Every retry still counts
    /// against the schedule, so the attempts end.
    pub fn record(
        &mut self,
        policy: &RetryPolicy,
        health: &mut EndpointHealth,
        now: i64,
        outcome: Outcome,
        jitter: u32,
    ) -> Decision {
        let verdict = policy.classify(&outcome);
        if self.is_finished() {
            return Decision {
                next: self.next(),
                verdict,
                attempt: self.attempts,
            };
        }
        self.attempts = self.attempts.saturating_add(1);
        self.last = Some(outcome);
        let attempt = self.attempts;
        let unhealthy = health.record(policy.health(), now, verdict == Verdict::Success);
        self.state = match (verdict, unhealthy) {
            (Verdict::Success, _) => AttemptState::Done { at: now },
            (Verdict::Gone, _) => AttemptState::DisabledEndpoint {
                at: now,
                reason: DisableReason::Gone,
            },
            (_, Some(reason)) => AttemptState::DisabledEndpoint { at: now, reason },
            (Verdict::Reject, None) => AttemptState::GaveUp {
                at: now,
                reason: GiveUpReason::Rejected {
                    status: match outcome {
                        Outcome::Status { code, .. } => code,
                        _ => 0,
                    },
                },
            },
            (Verdict::Retry, None) => self.retry_state(policy, now, outcome, jitter),
        };
        Decision {
            next: self.next(),
            verdict,
            attempt,
        }
    }

    fn retry_state(
        &self,
        policy: &RetryPolicy,
        now: i64,
        outcome: Outcome,
        jitter: u32,
    ) -> AttemptState {
        let exhausted = AttemptState::GaveUp {
            at: now,
            reason: GiveUpReason::Exhausted {
                attempts: self.attempts,
            },
        };
        if self.attempts >= MAX_ATTEMPTS {
            return exhausted;
        }
        let Some(delay) = policy.delay_after(self.attempts) else {
            return exhausted;
        };
        let mut at = now.saturating_add(i64::from(policy.jittered(delay, jitter)));
        if let Outcome::Status {
            code: 429 | 503,
            retry_after: Some(retry_after),
        } = outcome
        {
            let wanted = retry_after
                .delay(now)
                .min(u64::from(policy.retry_after_cap()));
            at = at.max(now.saturating_add(i64::try_from(wanted).unwrap_or(i64::MAX)));
        }
        if policy
            .max_age()
            .is_some_and(|age| at.saturating_sub(self.created) > i64::from(age))
        {
            return exhausted;
        }
        AttemptState::Pending { at }
    }

    /// Ends the attempt because its endpoint is disabled (by the caller, by another attempt's
    /// [`Next::DisableEndpoint`], or found disabled by [`SendAttempt::request`]): the message is
    /// dropped for this endpoint, and not replayed if the endpoint is enabled again. An attempt
    /// that has already ended is left as it is.
    ///
    /// ```
    /// use pos_webhooks::{GiveUpReason, Next, SendAttempt};
    /// let mut attempt = SendAttempt::new("msg_1", 0);
    /// assert_eq!(attempt.endpoint_disabled(10), Next::GiveUp { reason: GiveUpReason::EndpointDisabled });
    /// ```
    pub fn endpoint_disabled(&mut self, now: i64) -> Next {
        if !self.is_finished() {
            self.state = AttemptState::GaveUp {
                at: now,
                reason: GiveUpReason::EndpointDisabled,
            };
        }
        self.next()
    }
}
