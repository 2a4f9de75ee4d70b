//! The demo's policies, and the labels it writes in its attempt log. The decisions themselves
//! are the crate's: [`pos_webhooks::SendAttempt::record`] under a [`RetryPolicy`], with the
//! endpoint's [`pos_webhooks::EndpointHealth`]; the dispatcher stores all three as JSON.
//!
//! ## The scaling
//!
//! The crate counts in unix seconds, so the demo runs on the real clock with short policies
//! instead of a simulated one: Standard Webhooks retries after 5 s, 5 min, 30 min, 2 h, 5 h,
//! 10 h and 10 h with a 15 s timeout and disables an endpoint failing for 5 days; the partner
//! policy here keeps that shape in seconds (1, 1, 2, 2, 3, ... s, a 1 s timeout, failing for
//! 30 s disables), so that a run with a stretch of downtime and a crash ends within seconds.

use pos_webhooks::{GiveUpReason, HealthRule, Next, RetryPolicy};
use serde::{Deserialize, Serialize};

/// Which of the demo's two endpoints a policy is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Which {
    /// The partner's Standard Webhooks endpoint: every event must arrive exactly once.
    Partner,
    /// A legacy GitHub-style endpoint that goes away (410 Gone) during the run.
    Legacy,
}

/// The partner's retry delays, in seconds, after the 1st, 2nd, ... failed attempt.
pub const PARTNER_DELAYS: [u32; 11] = [1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3];

/// The policy of an endpoint: a custom fixed schedule (every failure retried, 410 Gone
/// disables the endpoint), a 1 s timeout, `Retry-After` honoured up to 5 s.
pub fn policy(which: Which) -> RetryPolicy {
    let policy = match which {
        Which::Partner => RetryPolicy::fixed(PARTNER_DELAYS)
            .map(|p| p.with_health(HealthRule::FailingFor { duration: 30 })),
        Which::Legacy => RetryPolicy::fixed([1, 2, 2, 2]),
    };
    // A fixed list this short is always accepted.
    policy
        .unwrap_or_else(|_| RetryPolicy::github())
        .with_timeout(1)
        .with_retry_after_cap(5)
}

/// A short text for the attempt log.
pub fn label(next: &Next) -> String {
    match next {
        Next::Done => "done".to_owned(),
        Next::RetryAt { .. } => "retry".to_owned(),
        Next::GiveUp {
            reason: GiveUpReason::EndpointDisabled,
        } => "dropped".to_owned(),
        Next::GiveUp { reason } => format!("give_up: {reason}"),
        Next::DisableEndpoint { reason } => format!("disable: {reason}"),
    }
}
