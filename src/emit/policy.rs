//! Retry policies: when a failed send attempt is tried again, which outcomes are final, and
//! when an endpoint counts as unhealthy. A preset per vendor and scheme, and custom ones.

use serde::{Deserialize, Serialize};

use super::attempt::Outcome;
use super::health::HealthRule;

/// The most attempts any policy makes for one message, whatever its schedule says: a hard
/// ceiling so that no sequence of outcomes (even with a clock that does not move) retries
/// forever.
pub const MAX_ATTEMPTS: u32 = 1000;

/// The default cap on a `Retry-After` a receiver asks for: one hour. A longer wish is cut to
/// the cap (the schedule's own delay still applies when it is longer).
pub const DEFAULT_RETRY_AFTER_CAP_SECS: u32 = 3600;

/// When the retries of one message happen: the delays (seconds) after each failed attempt.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Schedule {
    /// A published list: `delays[0]` seconds after the first attempt failed, `delays[1]` after
    /// the second, and so on; `delays.len() + 1` attempts in all.
    Fixed {
        /// The delays, in seconds.
        delays: Vec<u32>,
    },
    /// `base × factor^(n-1)` seconds after the `n`-th failed attempt, at most `cap`, until
    /// `max_attempts` attempts were made or the next one would start more than `max_age`
    /// seconds after the first (whichever comes first).
    Exponential {
        /// The first delay, in seconds.
        base: u32,
        /// The growth factor (1 = constant delays).
        factor: u32,
        /// The longest delay, in seconds.
        cap: u32,
        /// The most attempts (the first included).
        max_attempts: Option<u32>,
        /// The latest start of an attempt, in seconds after the first one.
        max_age: Option<u32>,
    },
}

/// How a custom exponential schedule ends: after a number of attempts, an age, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Limit {
    /// At most this many attempts, the first included.
    Attempts(u32),
    /// No attempt starts more than this many seconds after the first.
    Age(u32),
    /// Both: whichever ends first.
    AttemptsOrAge {
        /// At most this many attempts, the first included.
        attempts: u32,
        /// No attempt starts more than this many seconds after the first.
        age: u32,
    },
}

/// What a policy does with a 4xx answer (other than 410 Gone when the policy disables on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClientErrors {
    /// Retried like any failure (Standard Webhooks/Svix, Stripe, Shopify, Revel: every
    /// non-2xx answer is a failure).
    Retry,
    /// Final, 429 included: not retried (Flow Retail).
    Final,
    /// Final, except 408 Request Timeout and 429 Too Many Requests, which are retried
    /// (Ordergroove retries "specific server response codes, like 5xx").
    FinalExceptThrottling,
}

/// How one outcome is classified by a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// A 2xx answer: the message arrived.
    Success,
    /// A failure worth another attempt (5xx, 3xx, timeouts, connection and TLS errors, and
    /// 4xx where the policy retries them).
    Retry,
    /// A failure that is final for this message (a 4xx the policy does not retry).
    Reject,
    /// 410 Gone, on a policy that disables the endpoint for it.
    Gone,
}

/// Why a custom policy was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// More delays or attempts than [`MAX_ATTEMPTS`] allows.
    #[error("too many attempts: {0} (at most {MAX_ATTEMPTS})")]
    TooManyAttempts(u64),
    /// An exponential schedule with no attempt allowed at all.
    #[error("max attempts must be at least 1")]
    NoAttempts,
    /// An exponential schedule with a factor of 0.
    #[error("the backoff factor must be at least 1")]
    ZeroFactor,
    /// An exponential schedule whose cap is below its base.
    #[error("the backoff cap {cap} s is below its base {base} s")]
    CapBelowBase {
        /// The base delay, in seconds.
        base: u32,
        /// The cap, in seconds.
        cap: u32,
    },
}

/// A retry policy: the schedule of one message's attempts, how outcomes are classified, how a
/// `Retry-After` is honoured, optional jitter, and the endpoint-health rule.
///
/// Presets follow each platform's published rules ("Delivery rules" in the crate's vendor
/// notes); where a platform publishes only a shape ("exponential backoff over 4 hours"), the
/// preset's doc says which numbers were chosen. Every preset and custom policy ends: at most
/// [`MAX_ATTEMPTS`] attempts.
///
/// ```
/// use pos_webhooks::RetryPolicy;
/// let svix = RetryPolicy::standard_webhooks();
/// assert_eq!(svix.delays(), [5, 300, 1800, 7200, 18000, 36000, 36000]);
/// assert_eq!(svix.max_attempts(), 8);
/// assert_eq!(RetryPolicy::github().max_attempts(), 1);
///
/// // Custom: 10 s doubling up to 10 min, for at most a day, with up to 20 % jitter.
/// let custom = RetryPolicy::exponential(10, 2, 600, pos_webhooks::Limit::Age(86_400))?
///     .with_jitter(200);
/// assert_eq!(custom.delays()[..4], [10, 20, 40, 80]);
/// # Ok::<(), pos_webhooks::PolicyError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    schedule: Schedule,
    client_errors: ClientErrors,
    disable_on_gone: bool,
    retry_after_cap: u32,
    jitter_permille: u16,
    timeout: u32,
    health: HealthRule,
}

const MINUTE: u32 = 60;
const HOUR: u32 = 3600;
const DAY: u32 = 86_400;

impl RetryPolicy {
    fn preset(schedule: Schedule, client_errors: ClientErrors, timeout: u32) -> RetryPolicy {
        RetryPolicy {
            schedule,
            client_errors,
            disable_on_gone: false,
            retry_after_cap: DEFAULT_RETRY_AFTER_CAP_SECS,
            jitter_permille: 0,
            timeout,
            health: HealthRule::Never,
        }
    }

    fn fixed_preset(delays: &[u32], client_errors: ClientErrors, timeout: u32) -> RetryPolicy {
        RetryPolicy::preset(
            Schedule::Fixed {
                delays: delays.to_vec(),
            },
            client_errors,
            timeout,
        )
    }

    /// Flow Retail: 10 s timeout; timeouts and 5xx retried up to 10 times with exponential
    /// backoff; any 4xx, 429 included, is final.
    ///
    /// Flow Retail does not publish the intervals: this preset starts at 1 minute, doubles,
    /// and caps at 1 hour (60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600 s).
    pub fn flow_retail() -> RetryPolicy {
        RetryPolicy::preset(
            Schedule::Exponential {
                base: MINUTE,
                factor: 2,
                cap: HOUR,
                max_attempts: Some(11),
                max_age: None,
            },
            ClientErrors::Final,
            10,
        )
    }

    /// Ordergroove (newest docs): up to 60 attempts over about 9–10 hours, backoff capped at
    /// 10 minutes (1 min, 3 min, then every 10 min: 9 h 34 min in all); 5 s timeout; 5xx,
    /// 408 and 429 retried, other 4xx final. Endpoint health follows the legacy rule: failing
    /// for 3 days disables the route, and a re-enabled route gets nothing from while it was off.
    pub fn ordergroove() -> RetryPolicy {
        let mut delays = vec![MINUTE, 3 * MINUTE];
        delays.extend(core::iter::repeat_n(10 * MINUTE, 57));
        RetryPolicy {
            health: HealthRule::FailingFor { duration: 3 * DAY },
            ..RetryPolicy::fixed_preset(&delays, ClientErrors::FinalExceptThrottling, 5)
        }
    }

    /// Revel: a 2xx within 10 s or it is a failure; retried at 60, 300, 900 and 900 s (one
    /// integrator's spec, matching the "about 36 minutes" of exponential backoff reported
    /// elsewhere). Revel documents no endpoint disabling.
    pub fn revel() -> RetryPolicy {
        RetryPolicy::fixed_preset(&[60, 300, 900, 900], ClientErrors::Retry, 10)
    }

    /// Standard Webhooks as Svix sends it: attempts immediately, then 5 s, 5 min, 30 min,
    /// 2 h, 5 h, 10 h and 10 h after each failure (8 attempts, about 27.6 h); 15 s timeout;
    /// every non-2xx answer (3xx included) is a failure. An endpoint whose attempts all fail
    /// for 5 days is disabled, the clock starting once failures span at least 12 h within
    /// 24 h (see [`HealthRule::FailingForAfterSpan`]).
    pub fn standard_webhooks() -> RetryPolicy {
        RetryPolicy {
            health: HealthRule::FailingForAfterSpan {
                duration: 5 * DAY,
                span: 12 * HOUR,
                within: DAY,
            },
            ..RetryPolicy::fixed_preset(
                &[
                    5,
                    5 * MINUTE,
                    30 * MINUTE,
                    2 * HOUR,
                    5 * HOUR,
                    10 * HOUR,
                    10 * HOUR,
                ],
                ClientErrors::Retry,
                15,
            )
        }
    }

    /// Stripe (live mode): retries for up to 3 days with exponential backoff; each retry has a
    /// fresh `t=` and signature; endpoints failing for days are disabled.
    ///
    /// Stripe publishes neither the intervals nor the exact disabling rule: this preset starts
    /// at 5 minutes, doubles, caps at 12 hours and starts no attempt more than 3 days after the
    /// first (13 attempts, the last at 69 h 15 min); an endpoint failing for 3 days is disabled.
    pub fn stripe() -> RetryPolicy {
        RetryPolicy {
            health: HealthRule::FailingFor { duration: 3 * DAY },
            ..RetryPolicy::preset(
                Schedule::Exponential {
                    base: 5 * MINUTE,
                    factor: 2,
                    cap: 12 * HOUR,
                    max_attempts: None,
                    max_age: Some(3 * DAY),
                },
                ClientErrors::Retry,
                10,
            )
        }
    }

    /// Shopify (since September 2024): 8 retries over 4 hours with exponential backoff; a 2xx
    /// within 5 s or it is a failure (3xx included); the subscription is removed when failures
    /// persist past that point.
    ///
    /// Shopify does not publish the intervals: this preset doubles from 1 minute and puts the
    /// 8th retry at the 4-hour mark (60, 120, 240, 480, 960, 1920, 3840, 6780 s). Health:
    /// 9 failures (a first attempt and its 8 retries) within 4 hours disable the endpoint.
    pub fn shopify() -> RetryPolicy {
        RetryPolicy {
            health: HealthRule::FailuresWithin {
                count: 9,
                window: 4 * HOUR,
            },
            ..RetryPolicy::fixed_preset(
                &[60, 120, 240, 480, 960, 1920, 3840, 6780],
                ClientErrors::Retry,
                5,
            )
        }
    }

    /// GitHub: no automatic retries (redelivery is by hand); a 2xx within 10 s.
    pub fn github() -> RetryPolicy {
        RetryPolicy::fixed_preset(&[], ClientErrors::Retry, 10)
    }

    /// A custom fixed schedule: `delays[i]` seconds after the `i+1`-th failed attempt. Every
    /// failure is retried, 410 Gone disables the endpoint, 30 s timeout, no health rule.
    ///
    /// ```
    /// let policy = pos_webhooks::RetryPolicy::fixed([1, 10, 100])?;
    /// assert_eq!(policy.max_attempts(), 4);
    /// # Ok::<(), pos_webhooks::PolicyError>(())
    /// ```
    pub fn fixed(delays: impl IntoIterator<Item = u32>) -> Result<RetryPolicy, PolicyError> {
        let delays: Vec<u32> = delays.into_iter().collect();
        if delays.len() >= MAX_ATTEMPTS as usize {
            return Err(PolicyError::TooManyAttempts(delays.len() as u64 + 1));
        }
        Ok(RetryPolicy {
            disable_on_gone: true,
            ..RetryPolicy::preset(Schedule::Fixed { delays }, ClientErrors::Retry, 30)
        })
    }

    /// A custom exponential schedule: `base × factor^(n-1)` seconds after the `n`-th failed
    /// attempt, at most `cap`, until `limit`. Every failure is retried, 410 Gone disables the
    /// endpoint, 30 s timeout, no health rule.
    ///
    /// ```
    /// use pos_webhooks::{Limit, RetryPolicy};
    /// let policy = RetryPolicy::exponential(30, 3, 3600, Limit::Attempts(6))?;
    /// assert_eq!(policy.delays(), [30, 90, 270, 810, 2430]);
    /// assert!(RetryPolicy::exponential(30, 0, 3600, Limit::Attempts(6)).is_err());
    /// # Ok::<(), pos_webhooks::PolicyError>(())
    /// ```
    pub fn exponential(
        base: u32,
        factor: u32,
        cap: u32,
        limit: Limit,
    ) -> Result<RetryPolicy, PolicyError> {
        if factor == 0 {
            return Err(PolicyError::ZeroFactor);
        }
        if cap < base {
            return Err(PolicyError::CapBelowBase { base, cap });
        }
        let (max_attempts, max_age) = match limit {
            Limit::Attempts(n) => (Some(n), None),
            Limit::Age(age) => (None, Some(age)),
            Limit::AttemptsOrAge { attempts, age } => (Some(attempts), Some(age)),
        };
        match max_attempts {
            Some(0) => return Err(PolicyError::NoAttempts),
            Some(n) if n > MAX_ATTEMPTS => {
                return Err(PolicyError::TooManyAttempts(u64::from(n)));
            }
            _ => {}
        }
        Ok(RetryPolicy {
            disable_on_gone: true,
            ..RetryPolicy::preset(
                Schedule::Exponential {
                    base,
                    factor,
                    cap,
                    max_attempts,
                    max_age,
                },
                ClientErrors::Retry,
                30,
            )
        })
    }

    /// The same policy with jitter: each scheduled delay is shortened by up to `permille`/1000
    /// of itself (capped at 1000), by the fraction the caller passes to each step (see
    /// [`SendAttempt::record`](crate::SendAttempt::record)). Shortening, never lengthening,
    /// keeps a policy's maximum age.
    #[must_use]
    pub fn with_jitter(mut self, permille: u16) -> RetryPolicy {
        self.jitter_permille = permille.min(1000);
        self
    }

    /// The same policy with this cap on `Retry-After` (seconds).
    #[must_use]
    pub fn with_retry_after_cap(mut self, secs: u32) -> RetryPolicy {
        self.retry_after_cap = secs;
        self
    }

    /// The same policy with this treatment of 4xx answers.
    #[must_use]
    pub fn with_client_errors(mut self, rule: ClientErrors) -> RetryPolicy {
        self.client_errors = rule;
        self
    }

    /// The same policy, disabling the endpoint on 410 Gone (`true`) or treating 410 like any
    /// other 4xx (`false`). Presets follow their vendor (none documents disabling on 410);
    /// custom policies disable.
    #[must_use]
    pub fn with_disable_on_gone(mut self, disable: bool) -> RetryPolicy {
        self.disable_on_gone = disable;
        self
    }

    /// The same policy with this endpoint-health rule.
    #[must_use]
    pub fn with_health(mut self, rule: HealthRule) -> RetryPolicy {
        self.health = rule;
        self
    }

    /// The same policy with this per-attempt timeout (seconds), for the caller's transport.
    #[must_use]
    pub fn with_timeout(mut self, secs: u32) -> RetryPolicy {
        self.timeout = secs;
        self
    }

    /// The schedule.
    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// The per-attempt timeout the platform uses, in seconds: the caller's transport should
    /// give up on an attempt after it (and report [`Outcome::Timeout`]).
    pub fn timeout_secs(&self) -> u32 {
        self.timeout
    }

    /// The endpoint-health rule.
    pub fn health(&self) -> &HealthRule {
        &self.health
    }

    /// The cap on `Retry-After`, in seconds.
    pub fn retry_after_cap(&self) -> u32 {
        self.retry_after_cap
    }

    /// The jitter, in thousandths of each delay.
    pub fn jitter_permille(&self) -> u16 {
        self.jitter_permille
    }

    /// Whether 410 Gone disables the endpoint.
    pub fn disables_on_gone(&self) -> bool {
        self.disable_on_gone
    }

    /// The most attempts (the first included) the schedule makes when every attempt fails,
    /// without `Retry-After` or jitter.
    pub fn max_attempts(&self) -> u32 {
        (self.delays().len() as u32).saturating_add(1)
    }

    /// The nominal delays (seconds) between attempts when every attempt fails, without
    /// `Retry-After` or jitter.
    pub fn delays(&self) -> Vec<u32> {
        let mut delays = Vec::new();
        let mut elapsed = 0u64;
        let mut attempts = 1u32;
        while let Some(delay) = self.delay_after(attempts) {
            elapsed += u64::from(delay);
            if self.max_age().is_some_and(|age| elapsed > u64::from(age)) {
                break;
            }
            delays.push(delay);
            attempts += 1;
        }
        delays
    }

    /// The oldest (seconds after the first attempt) a retry may start.
    pub(crate) fn max_age(&self) -> Option<u32> {
        match &self.schedule {
            Schedule::Fixed { .. } => None,
            Schedule::Exponential { max_age, .. } => *max_age,
        }
    }

    /// The delay before attempt `attempts + 1`, `None` when the schedule allows no more.
    pub(crate) fn delay_after(&self, attempts: u32) -> Option<u32> {
        if attempts == 0 || attempts >= MAX_ATTEMPTS {
            return None;
        }
        match &self.schedule {
            Schedule::Fixed { delays } => delays.get(attempts as usize - 1).copied(),
            Schedule::Exponential {
                base,
                factor,
                cap,
                max_attempts,
                ..
            } => {
                if max_attempts.is_some_and(|max| attempts >= max) {
                    return None;
                }
                let growth = factor.checked_pow(attempts - 1).unwrap_or(u32::MAX);
                Some(base.saturating_mul(growth).min(*cap))
            }
        }
    }

    /// `delay` shortened by the policy's jitter, `jitter / 2^32` being the fraction in [0, 1)
    /// the caller drew.
    pub(crate) fn jittered(&self, delay: u32, jitter: u32) -> u32 {
        if self.jitter_permille == 0 {
            return delay;
        }
        let cut = u128::from(delay) * u128::from(self.jitter_permille) * u128::from(jitter)
            / (1000u128 << 32);
        // `cut` < `delay`: the product over the divisor is below `delay`.
        delay.saturating_sub(u32::try_from(cut).unwrap_or(delay))
    }

    /// How this policy classifies `outcome`.
    ///
    /// ```
    /// use pos_webhooks::{Outcome, RetryPolicy, Verdict};
    /// let flow = RetryPolicy::flow_retail();
    /// assert_eq!(flow.classify(&Outcome::status(204)), Verdict::Success);
    /// assert_eq!(flow.classify(&Outcome::status(503)), Verdict::Retry);
    /// assert_eq!(flow.classify(&Outcome::status(429)), Verdict::Reject);
    /// assert_eq!(flow.classify(&Outcome::Timeout), Verdict::Retry);
    /// assert_eq!(RetryPolicy::shopify().classify(&Outcome::status(301)), Verdict::Retry);
    /// ```
    pub fn classify(&self, outcome: &Outcome) -> Verdict {
        let code = match outcome {
            Outcome::Status { code, .. } => *code,
            Outcome::Timeout | Outcome::Connect | Outcome::Tls => return Verdict::Retry,
        };
        match code {
            200..=299 => Verdict::Success,
            410 if self.disable_on_gone => Verdict::Gone,
            400..=499 => match self.client_errors {
                ClientErrors::Retry => Verdict::Retry,
                ClientErrors::Final => Verdict::Reject,
                ClientErrors::FinalExceptThrottling if matches!(code, 408 | 429) => Verdict::Retry,
                ClientErrors::FinalExceptThrottling => Verdict::Reject,
            },
            // 1xx as a final answer, 3xx (redirects are not followed: the URL is the
            // subscription), 5xx and codes outside the registry are failures.
            _ => Verdict::Retry,
        }
    }
}
