//! Endpoint health: when an endpoint has failed long or often enough to be disabled.

use serde::{Deserialize, Serialize};

/// The largest `count` a [`HealthRule::FailuresWithin`] remembers; larger counts act as this.
pub const MAX_FAILURES_REMEMBERED: u32 = 256;

/// When failures make an endpoint unhealthy (to be disabled). Every rule counts failures since
/// the endpoint's last success: one success resets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum HealthRule {
    /// Never disabled for failing (Flow Retail, Revel, GitHub publish no rule).
    Never,
    /// Disabled after this many failed attempts in a row.
    ConsecutiveFailures {
        /// The failures in a row.
        count: u32,
    },
    /// Disabled once `count` failures in a row (at most [`MAX_FAILURES_REMEMBERED`]) fall
    /// within `window` seconds (Shopify: the retries of 4 hours all failed).
    FailuresWithin {
        /// The failures.
        count: u32,
        /// The window, in seconds.
        window: u32,
    },
    /// Disabled by a failure `duration` seconds or more after the first failure since the last
    /// success (Ordergroove legacy: 3 days).
    FailingFor {
        /// How long the endpoint must have been failing, in seconds.
        duration: u32,
    },
    /// Svix: disabled when all attempts fail for `duration` seconds, the clock starting only
    /// once failures in a row span at least `span` seconds within `within` seconds (5 days;
    /// 12 h within 24 h).
    ///
    /// Kept simple: the state remembers the first failure of the current `within` window and
    /// the last failure; when a failure comes more than `within` after the window's first, the
    /// window restarts at the previous failure (or at this one, if that is too old too). The
    /// clock starts at the failure that makes the window span `span`; a failure `duration`
    /// after that disables the endpoint.
    FailingForAfterSpan {
        /// How long the endpoint must have been failing once the clock started, in seconds.
        duration: u32,
        /// How far apart failures must be to start the clock, in seconds.
        span: u32,
        /// Within how long those failures must fall, in seconds.
        within: u32,
    },
}

/// Why an endpoint must be disabled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DisableReason {
    /// It answered 410 Gone, on a policy that disables for it.
    Gone,
    /// This many failures in a row ([`HealthRule::ConsecutiveFailures`]).
    ConsecutiveFailures {
        /// The failures.
        count: u32,
    },
    /// This many failures within the window ([`HealthRule::FailuresWithin`]).
    FailuresWithin {
        /// The failures.
        count: u32,
        /// The window, in seconds.
        window: u32,
    },
    /// Failing since this time (unix seconds), long enough for the rule
    /// ([`HealthRule::FailingFor`], [`HealthRule::FailingForAfterSpan`]).
    FailingSince {
        /// When the failing started counting, unix seconds.
        since: i64,
    },
}

impl core::fmt::Display for DisableReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            DisableReason::Gone => f.write_str("the endpoint answered 410 gone"),
            DisableReason::ConsecutiveFailures { count } => {
                write!(f, "{count} failed attempts in a row")
            }
            DisableReason::FailuresWithin { count, window } => {
                write!(f, "{count} failed attempts within {window} s")
            }
            DisableReason::FailingSince { since } => write!(f, "failing since {since}"),
        }
    }
}

/// The health of one endpoint under a [`HealthRule`]: plain data the caller stores beside the
/// endpoint (serde), updated by every recorded attempt
/// ([`SendAttempt::record`](crate::SendAttempt::record)) or directly with
/// [`EndpointHealth::record`].
///
/// Once it answers a [`DisableReason`], the caller disables the endpoint
/// ([`EndpointSet::disable`](crate::EndpointSet::disable)); its pending attempts are then
/// dropped, not replayed on re-enable. Call [`EndpointHealth::reset`] when re-enabling.
///
/// ```
/// use pos_webhooks::{DisableReason, EndpointHealth, HealthRule};
/// let rule = HealthRule::ConsecutiveFailures { count: 3 };
/// let mut health = EndpointHealth::new();
/// assert_eq!(health.record(&rule, 100, false), None);
/// assert_eq!(health.record(&rule, 200, false), None);
/// assert_eq!(health.record(&rule, 300, false), Some(DisableReason::ConsecutiveFailures { count: 3 }));
/// health.record(&rule, 400, true);
/// assert_eq!(health.consecutive_failures(), 0);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointHealth {
    consecutive: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    failing_since: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_failure: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    window_first: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    clock_start: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    recent: Vec<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    last_success: Option<i64>,
}

impl EndpointHealth {
    /// A healthy endpoint with no history.
    pub fn new() -> EndpointHealth {
        EndpointHealth::default()
    }

    /// Failed attempts since the last success.
    pub fn consecutive_failures(&self) -> u32 {
        self.consecutive
    }

    /// The first failure since the last success (unix seconds), if failing.
    pub fn failing_since(&self) -> Option<i64> {
        self.failing_since
    }

    /// The last success (unix seconds).
    pub fn last_success(&self) -> Option<i64> {
        self.last_success
    }

    /// Forgets the failures (for an endpoint being re-enabled).
    pub fn reset(&mut self) {
        // In place: the failure window keeps its memory, so a success allocates nothing.
        self.consecutive = 0;
        self.failing_since = None;
        self.last_failure = None;
        self.window_first = None;
        self.clock_start = None;
        self.recent.clear();
    }

    /// Records an attempt at `now` (`success` or not) under `rule`; answers why the endpoint
    /// must be disabled, if it must. Allocates nothing once warm.
    pub fn record(&mut self, rule: &HealthRule, now: i64, success: bool) -> Option<DisableReason> {
        if success {
            self.reset();
            self.last_success = Some(now);
            return None;
        }
        self.consecutive = self.consecutive.saturating_add(1);
        let since = *self.failing_since.get_or_insert(now);
        let previous = self.last_failure.replace(now);
        match *rule {
            HealthRule::Never => None,
            HealthRule::ConsecutiveFailures { count } => (self.consecutive >= count.max(1))
                .then_some(DisableReason::ConsecutiveFailures { count }),
            HealthRule::FailuresWithin { count, window } => {
                let keep = count.clamp(1, MAX_FAILURES_REMEMBERED) as usize;
                if self.recent.capacity() < keep {
                    // Once per health: the window never needs more room than `keep`.
                    self.recent
                        .reserve_exact(keep - self.recent.len().min(keep));
                }
                if self.recent.len() >= keep {
                    let excess = self.recent.len() + 1 - keep;
                    self.recent.drain(..excess);
                }
                self.recent.push(now);
                let oldest = self.recent.first().copied().unwrap_or(now);
                (self.recent.len() >= keep && now.saturating_sub(oldest) <= i64::from(window))
                    .then_some(DisableReason::FailuresWithin { count, window })
            }
            HealthRule::FailingFor { duration } => (now.saturating_sub(since)
                >= i64::from(duration))
            .then_some(DisableReason::FailingSince { since }),
            HealthRule::FailingForAfterSpan {
                duration,
                span,
                within,
            } => {
                let within = i64::from(within);
                let first = match self.window_first {
                    Some(first) if now.saturating_sub(first) <= within => first,
                    _ => match previous {
                        Some(previous) if now.saturating_sub(previous) <= within => previous,
                        _ => now,
                    },
                };
                self.window_first = Some(first);
                if self.clock_start.is_none() && now.saturating_sub(first) >= i64::from(span) {
                    self.clock_start = Some(now);
                }
                match self.clock_start {
                    Some(start) if now.saturating_sub(start) >= i64::from(duration) => {
                        Some(DisableReason::FailingSince { since: start })
                    }
                    _ => None,
                }
            }
        }
    }
}
