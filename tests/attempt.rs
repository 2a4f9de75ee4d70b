//! The send-attempt state machine: every preset's schedule attempt by attempt, classification
//! per policy, `Retry-After`, endpoint health, disabled endpoints, the retry request, and
//! properties (every sequence of outcomes ends; the state survives serde at every step).

use bytes::Bytes;
use pos_webhooks::{
    AttemptState, Auth, ClientErrors, DisableReason, Endpoint, EndpointHealth, GiveUpReason,
    HealthRule, Limit, MAX_ATTEMPTS, Next, Outcome, OutgoingEvent, RequestError, RetryAfter,
    RetryPolicy, Scheme, SendAttempt, Verdict, Verifier,
};
use proptest::prelude::*;

const T0: i64 = 1_700_000_000;

/// The start times (seconds after the first) of every attempt when each one times out and the
/// next is made exactly when due.
fn attempt_times(policy: &RetryPolicy) -> (Vec<i64>, Next) {
    let mut health = EndpointHealth::new();
    let mut attempt = SendAttempt::new("msg", T0);
    let mut times = Vec::new();
    let mut now = T0;
    loop {
        times.push(now - T0);
        let decision = attempt.record(policy, &mut health, now, Outcome::Timeout, 0);
        match decision.next {
            Next::RetryAt { at, attempt: n } => {
                assert_eq!(n as usize, times.len() + 1);
                now = at;
            }
            other => return (times, other),
        }
    }
}

fn cumulative(delays: &[i64]) -> Vec<i64> {
    let mut at = 0;
    let mut times = vec![0];
    for d in delays {
        at += d;
        times.push(at);
    }
    times
}

const MIN: i64 = 60;
const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

#[test]
fn standard_webhooks_schedule_is_svix_published_one() {
    // Svix: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (docs.svix.com/retries).
    let (times, last) = attempt_times(&RetryPolicy::standard_webhooks());
    assert_eq!(
        times,
        cumulative(&[
            5,
            5 * MIN,
            30 * MIN,
            2 * HOUR,
            5 * HOUR,
            10 * HOUR,
            10 * HOUR
        ])
    );
    // "an attempt that fails three times before eventually succeeding will be delivered
    // roughly 35 minutes and 5 seconds following the first attempt"
    assert_eq!(times[3], 35 * MIN + 5);
    assert_eq!(*times.last().unwrap(), 27 * HOUR + 35 * MIN + 5);
    assert_eq!(
        last,
        Next::GiveUp {
            reason: GiveUpReason::Exhausted { attempts: 8 }
        }
    );
}

#[test]
fn flow_retail_schedule_retries_ten_times() {
    let (times, last) = attempt_times(&RetryPolicy::flow_retail());
    assert_eq!(times.len(), 11, "a first attempt and 10 retries");
    assert_eq!(
        times,
        cumulative(&[60, 120, 240, 480, 960, 1920, 3600, 3600, 3600, 3600])
    );
    assert_eq!(
        last,
        Next::GiveUp {
            reason: GiveUpReason::Exhausted { attempts: 11 }
        }
    );
    assert_eq!(RetryPolicy::flow_retail().timeout_secs(), 10);
}

#[test]
fn ordergroove_schedule_is_60_attempts_capped_at_10_minutes() {
    let (times, _) = attempt_times(&RetryPolicy::ordergroove());
    assert_eq!(times.len(), 60);
    assert_eq!(&times[..4], &[0, MIN, 4 * MIN, 14 * MIN]);
    let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(gaps.iter().all(|g| *g <= 10 * MIN));
    // "up to 60 attempts over ~9-10 h"
    assert_eq!(*times.last().unwrap(), 574 * MIN);
    assert!((9 * HOUR..10 * HOUR).contains(times.last().unwrap()));
    assert_eq!(RetryPolicy::ordergroove().timeout_secs(), 5);
}

#[test]
fn revel_schedule_is_60_300_900_900() {
    let (times, _) = attempt_times(&RetryPolicy::revel());
    assert_eq!(times, [0, 60, 360, 1260, 2160]);
    assert_eq!(*times.last().unwrap(), 36 * MIN, "about 36 minutes");
}

#[test]
fn stripe_schedule_stays_within_three_days() {
    let (times, last) = attempt_times(&RetryPolicy::stripe());
    assert_eq!(
        times,
        cumulative(&[
            300, 600, 1200, 2400, 4800, 9600, 19200, 38400, 43200, 43200, 43200, 43200
        ])
    );
    assert!(*times.last().unwrap() <= 3 * DAY);
    assert!(*times.last().unwrap() > 2 * DAY + 12 * HOUR);
    assert_eq!(
        last,
        Next::GiveUp {
            reason: GiveUpReason::Exhausted { attempts: 13 }
        }
    );
}

#[test]
fn shopify_schedule_is_8_retries_over_4_hours() {
    let policy = RetryPolicy::shopify().with_health(HealthRule::Never);
    let (times, _) = attempt_times(&policy);
    assert_eq!(times.len(), 9, "a first attempt and 8 retries");
    assert_eq!(*times.last().unwrap(), 4 * HOUR);
    let gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert!(
        gaps.windows(2).all(|w| w[0] < w[1]),
        "backoff grows: {gaps:?}"
    );
}

#[test]
fn shopify_health_disables_after_the_retries_of_4_hours_fail() {
    let (times, last) = attempt_times(&RetryPolicy::shopify());
    assert_eq!(times.len(), 9);
    assert_eq!(
        last,
        Next::DisableEndpoint {
            reason: DisableReason::FailuresWithin {
                count: 9,
                window: 4 * 3600
            }
        }
    );
}

#[test]
fn github_makes_one_attempt() {
    let (times, last) = attempt_times(&RetryPolicy::github());
    assert_eq!(times, [0]);
    assert_eq!(
        last,
        Next::GiveUp {
            reason: GiveUpReason::Exhausted { attempts: 1 }
        }
    );
}

#[test]
fn custom_schedules() {
    let fixed = RetryPolicy::fixed([1, 10, 100]).unwrap();
    assert_eq!(attempt_times(&fixed).0, [0, 1, 11, 111]);
    let by_count = RetryPolicy::exponential(10, 3, 100, Limit::Attempts(5)).unwrap();
    assert_eq!(attempt_times(&by_count).0, [0, 10, 40, 130, 230]);
    let by_age = RetryPolicy::exponential(10, 2, 1000, Limit::Age(100)).unwrap();
    assert_eq!(attempt_times(&by_age).0, [0, 10, 30, 70]);
    let both = RetryPolicy::exponential(
        10,
        1,
        10,
        Limit::AttemptsOrAge {
            attempts: 100,
            age: 35,
        },
    )
    .unwrap();
    assert_eq!(attempt_times(&both).0, [0, 10, 20, 30]);
    assert_eq!(
        RetryPolicy::exponential(10, 2, 5, Limit::Attempts(3)).unwrap_err(),
        pos_webhooks::PolicyError::CapBelowBase { base: 10, cap: 5 }
    );
    assert_eq!(
        RetryPolicy::exponential(10, 2, 50, Limit::Attempts(0)).unwrap_err(),
        pos_webhooks::PolicyError::NoAttempts
    );
    assert!(RetryPolicy::fixed(vec![1; MAX_ATTEMPTS as usize]).is_err());
    assert!(RetryPolicy::exponential(1, 2, 5, Limit::Attempts(MAX_ATTEMPTS + 1)).is_err());
}

#[test]
fn jitter_shortens_delays_by_the_callers_fraction() {
    let policy = RetryPolicy::fixed([1000, 1000]).unwrap().with_jitter(500);
    let mut health = EndpointHealth::new();
    let mut none = SendAttempt::new("m", 0);
    assert_eq!(
        none.record(&policy, &mut health, 0, Outcome::Timeout, 0)
            .next,
        Next::RetryAt {
            at: 1000,
            attempt: 2
        }
    );
    let mut half = SendAttempt::new("m", 0);
    // 0.5 of the 50 % jitter: 25 % shorter.
    assert_eq!(
        half.record(&policy, &mut health, 0, Outcome::Timeout, 1 << 31)
            .next,
        Next::RetryAt {
            at: 750,
            attempt: 2
        }
    );
    let mut most = SendAttempt::new("m", 0);
    assert_eq!(
        most.record(&policy, &mut health, 0, Outcome::Timeout, u32::MAX)
            .next,
        Next::RetryAt {
            at: 501,
            attempt: 2
        }
    );
}

fn verdicts(policy: &RetryPolicy, codes: &[u16]) -> Vec<Verdict> {
    codes
        .iter()
        .map(|code| policy.classify(&Outcome::status(*code)))
        .collect()
}

#[test]
fn classification_per_policy() {
    use Verdict::{Gone, Reject, Retry, Success};
    let codes = [
        200, 204, 299, 301, 304, 400, 401, 404, 408, 410, 429, 500, 503, 100, 600,
    ];
    // Every non-2xx is a failure worth retrying (3xx included).
    let retry_all = [
        Success, Success, Success, Retry, Retry, Retry, Retry, Retry, Retry, Retry, Retry, Retry,
        Retry, Retry, Retry,
    ];
    for policy in [
        RetryPolicy::standard_webhooks(),
        RetryPolicy::stripe(),
        RetryPolicy::shopify(),
        RetryPolicy::revel(),
    ] {
        assert_eq!(verdicts(&policy, &codes), retry_all, "{policy:?}");
    }
    // Flow Retail: any 4xx, 429 included, is final.
    assert_eq!(
        verdicts(&RetryPolicy::flow_retail(), &codes),
        [
            Success, Success, Success, Retry, Retry, Reject, Reject, Reject, Reject, Reject,
            Reject, Retry, Retry, Retry, Retry
        ]
    );
    // Ordergroove: 5xx (and throttling) retried, other 4xx final.
    assert_eq!(
        verdicts(&RetryPolicy::ordergroove(), &codes),
        [
            Success, Success, Success, Retry, Retry, Reject, Reject, Reject, Retry, Reject, Retry,
            Retry, Retry, Retry, Retry
        ]
    );
    // Custom policies disable on 410 Gone.
    let custom = RetryPolicy::fixed([1]).unwrap();
    assert_eq!(custom.classify(&Outcome::status(410)), Gone);
    assert_eq!(
        custom
            .clone()
            .with_disable_on_gone(false)
            .classify(&Outcome::status(410)),
        Retry
    );
    assert_eq!(
        custom
            .with_client_errors(ClientErrors::Final)
            .classify(&Outcome::status(404)),
        Reject
    );
    for policy in [RetryPolicy::flow_retail(), RetryPolicy::standard_webhooks()] {
        for outcome in [Outcome::Timeout, Outcome::Connect, Outcome::Tls] {
            assert_eq!(policy.classify(&outcome), Retry);
        }
    }
}

#[test]
fn final_4xx_gives_up_and_410_disables() {
    let mut health = EndpointHealth::new();
    let mut attempt = SendAttempt::new("m", T0);
    let d = attempt.record(
        &RetryPolicy::flow_retail(),
        &mut health,
        T0,
        Outcome::status(429),
        0,
    );
    assert_eq!(
        d.next,
        Next::GiveUp {
            reason: GiveUpReason::Rejected { status: 429 }
        }
    );
    assert_eq!(d.verdict, Verdict::Reject);
    assert_eq!(d.attempt, 1);
    // Recording again on an ended attempt changes nothing.
    let again = attempt.record(
        &RetryPolicy::flow_retail(),
        &mut health,
        T0 + 1,
        Outcome::status(200),
        0,
    );
    assert_eq!(again.next, d.next);
    assert_eq!(attempt.attempts(), 1);

    let mut gone = SendAttempt::new("m", T0);
    let d = gone.record(
        &RetryPolicy::fixed([5]).unwrap(),
        &mut health,
        T0,
        Outcome::status(410),
        0,
    );
    assert_eq!(
        d.next,
        Next::DisableEndpoint {
            reason: DisableReason::Gone
        }
    );
    assert!(gone.is_finished());
}

#[test]
fn retry_after_is_honoured_up_to_the_cap() {
    let policy = RetryPolicy::standard_webhooks().with_retry_after_cap(600);
    let step = |outcome: Outcome| {
        let mut attempt = SendAttempt::new("m", T0);
        attempt
            .record(&policy, &mut EndpointHealth::new(), T0, outcome, 0)
            .next
    };
    let status = |code, retry_after| Outcome::Status { code, retry_after };
    // Longer than the schedule's 5 s: honoured.
    assert_eq!(
        step(status(429, Some(RetryAfter::Seconds(120)))),
        Next::RetryAt {
            at: T0 + 120,
            attempt: 2
        }
    );
    assert_eq!(
        step(status(503, Some(RetryAfter::At(T0 + 300)))),
        Next::RetryAt {
            at: T0 + 300,
            attempt: 2
        }
    );
    // Past the cap: capped.
    assert_eq!(
        step(status(429, Some(RetryAfter::Seconds(86_400)))),
        Next::RetryAt {
            at: T0 + 600,
            attempt: 2
        }
    );
    assert_eq!(
        step(status(503, Some(RetryAfter::At(T0 + 10 * DAY)))),
        Next::RetryAt {
            at: T0 + 600,
            attempt: 2
        }
    );
    // Shorter than the schedule, or a date in the past: the schedule wins.
    assert_eq!(
        step(status(429, Some(RetryAfter::Seconds(1)))),
        Next::RetryAt {
            at: T0 + 5,
            attempt: 2
        }
    );
    assert_eq!(
        step(status(429, Some(RetryAfter::At(T0 - 100)))),
        Next::RetryAt {
            at: T0 + 5,
            attempt: 2
        }
    );
    // Only on 429 and 503.
    assert_eq!(
        step(status(500, Some(RetryAfter::Seconds(120)))),
        Next::RetryAt {
            at: T0 + 5,
            attempt: 2
        }
    );
}

#[test]
fn retry_after_parsed_from_headers() {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "retry-after",
        "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
    );
    assert_eq!(
        Outcome::from_response(http::StatusCode::SERVICE_UNAVAILABLE, &headers),
        Outcome::Status {
            code: 503,
            retry_after: Some(RetryAfter::At(1_445_412_480))
        }
    );
    headers.insert("retry-after", "next tuesday".parse().unwrap());
    assert_eq!(
        Outcome::from_response(http::StatusCode::TOO_MANY_REQUESTS, &headers),
        Outcome::status(429)
    );
    for bad in [
        &b""[..],
        b"-5",
        b"1.5",
        b"Sun, 06 Nov 1994 08:49:37 UTC",
        b"Sun, 32 Nov 1994 08:49:37 GMT",
        b"Sun, 06 Nov 1994 24:49:37 GMT",
        b"Sun, 06 Foo 1994 08:49:37 GMT",
        b"\xff",
    ] {
        assert_eq!(RetryAfter::parse(bad), None, "{bad:?}");
    }
    assert_eq!(
        RetryAfter::parse(b"99999999999999999999999"),
        Some(RetryAfter::Seconds(u64::MAX))
    );
    assert_eq!(
        RetryAfter::parse(b"Thu, 01 Jan 1970 00:00:00 GMT"),
        Some(RetryAfter::At(0))
    );
    assert_eq!(
        RetryAfter::parse(b"Tue, 29 Feb 2000 23:59:59 GMT"),
        Some(RetryAfter::At(951_868_799))
    );
}

#[test]
fn svix_health_disables_after_five_days_once_failures_span_twelve_hours() {
    let rule = RetryPolicy::standard_webhooks().health().clone();
    let mut health = EndpointHealth::new();
    // Failures every hour: the clock starts at the failure 12 h after the first.
    let mut now = T0;
    let mut disabled_at = None;
    while disabled_at.is_none() && now < T0 + 10 * DAY {
        if let Some(reason) = health.record(&rule, now, false) {
            assert_eq!(
                reason,
                DisableReason::FailingSince {
                    since: T0 + 12 * HOUR
                }
            );
            disabled_at = Some(now);
        }
        now += HOUR;
    }
    assert_eq!(disabled_at, Some(T0 + 12 * HOUR + 5 * DAY));

    // Failures 30 h apart never span 12 h within 24 h: the clock never starts.
    let mut sparse = EndpointHealth::new();
    for i in 0..20 {
        assert_eq!(sparse.record(&rule, T0 + i * 30 * HOUR, false), None);
    }
    // A success resets it.
    let mut reset = EndpointHealth::new();
    for i in 0..13 {
        reset.record(&rule, T0 + i * HOUR, false);
    }
    reset.record(&rule, T0 + 13 * HOUR, true);
    assert_eq!(reset.consecutive_failures(), 0);
    assert_eq!(reset.record(&rule, T0 + 5 * DAY + 13 * HOUR, false), None);
}

#[test]
fn ordergroove_health_disables_after_three_days_failing() {
    let rule = RetryPolicy::ordergroove().health().clone();
    let mut health = EndpointHealth::new();
    assert_eq!(health.record(&rule, T0, false), None);
    assert_eq!(health.record(&rule, T0 + 3 * DAY - 1, false), None);
    assert_eq!(
        health.record(&rule, T0 + 3 * DAY, false),
        Some(DisableReason::FailingSince { since: T0 })
    );
    assert_eq!(health.failing_since(), Some(T0));
}

#[test]
fn health_through_the_state_machine_disables_the_endpoint() {
    // Many messages failing against one endpoint: the one whose failure crosses the rule
    // answers DisableEndpoint.
    let policy = RetryPolicy::revel().with_health(HealthRule::ConsecutiveFailures { count: 3 });
    let mut health = EndpointHealth::new();
    let mut a = SendAttempt::new("a", T0);
    let mut b = SendAttempt::new("b", T0);
    assert!(matches!(
        a.record(&policy, &mut health, T0, Outcome::Connect, 0).next,
        Next::RetryAt { .. }
    ));
    assert!(matches!(
        b.record(&policy, &mut health, T0, Outcome::Tls, 0).next,
        Next::RetryAt { .. }
    ));
    assert_eq!(
        a.record(&policy, &mut health, T0 + 60, Outcome::status(500), 0)
            .next,
        Next::DisableEndpoint {
            reason: DisableReason::ConsecutiveFailures { count: 3 }
        }
    );
    // The caller disables the endpoint; b is dropped, not replayed.
    assert_eq!(
        b.endpoint_disabled(T0 + 61),
        Next::GiveUp {
            reason: GiveUpReason::EndpointDisabled
        }
    );
    assert_eq!(
        b.state(),
        AttemptState::GaveUp {
            at: T0 + 61,
            reason: GiveUpReason::EndpointDisabled
        }
    );
}

fn standard_endpoint() -> Endpoint {
    Endpoint::builder("https://partner.example/hooks")
        .auth(Auth::Signature {
            scheme: Scheme::Standard,
            secrets: vec!["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()],
        })
        .build()
        .unwrap()
}

#[test]
fn retry_request_keeps_the_id_and_refreshes_timestamp_and_signature() {
    let endpoint = standard_endpoint();
    let event = OutgoingEvent::new("order.success", Bytes::from(vec![b'x'; 4096]));
    let attempt = SendAttempt::new("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", T0);
    let first = attempt.request(&endpoint, &event, T0).unwrap();
    let retry = attempt.request(&endpoint, &event, T0 + 300).unwrap();
    let h = |r: &http::Request<Bytes>, n: &str| r.headers()[n].to_str().unwrap().to_owned();
    assert_eq!(h(&first, "webhook-id"), "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W");
    assert_eq!(h(&retry, "webhook-id"), h(&first, "webhook-id"));
    assert_eq!(h(&first, "webhook-timestamp"), T0.to_string());
    assert_eq!(h(&retry, "webhook-timestamp"), (T0 + 300).to_string());
    assert_ne!(
        h(&retry, "webhook-signature"),
        h(&first, "webhook-signature")
    );
    // The body is the event's, shared, not copied.
    assert_eq!(retry.body().as_ptr(), event.body.as_ptr());
    // And it verifies at its own time.
    let verifier =
        Verifier::new(Scheme::Standard, ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]).unwrap();
    let (parts, body) = retry.into_parts();
    assert!(verifier.verify(&parts.headers, body, T0 + 300).is_ok());
}

#[test]
fn message_id_header_per_scheme() {
    let event = OutgoingEvent::new("order.success", Bytes::from_static(b"{}"));
    for (auth, header) in [
        (
            Auth::Signature {
                scheme: Scheme::Github,
                secrets: vec!["s".into()],
            },
            "x-github-delivery",
        ),
        (
            Auth::Signature {
                scheme: Scheme::Shopify,
                secrets: vec!["s".into()],
            },
            "x-shopify-webhook-id",
        ),
        (
            Auth::Signature {
                scheme: Scheme::Stripe,
                secrets: vec!["whsec_s".into()],
            },
            "webhook-id",
        ),
        (
            Auth::Signature {
                scheme: Scheme::Revel,
                secrets: vec!["s".into()],
            },
            "webhook-id",
        ),
        (Auth::None, "webhook-id"),
    ] {
        let endpoint = Endpoint::builder("https://a.example/")
            .auth(auth)
            .build()
            .unwrap();
        assert_eq!(endpoint.message_id_header(), header);
        let request = endpoint.request(&event, T0, "evt_42").unwrap();
        assert_eq!(request.headers().get_all(header).iter().count(), 1);
        assert_eq!(request.headers()[header], "evt_42");
        let others = ["webhook-id", "x-github-delivery", "x-shopify-webhook-id"];
        for other in others.iter().filter(|o| **o != header) {
            assert!(!request.headers().contains_key(*other), "{header}: {other}");
        }
    }
    let endpoint = Endpoint::builder("https://a.example/").build().unwrap();
    assert_eq!(
        endpoint.request(&event, T0, "bad\nid").unwrap_err(),
        RequestError::InvalidMessageId("webhook-id")
    );
    assert!(
        !endpoint
            .request(&event, T0, "")
            .unwrap()
            .headers()
            .contains_key("webhook-id")
    );
}

#[test]
fn disabled_endpoint_drops_the_attempt() {
    let mut endpoint = standard_endpoint();
    endpoint.set_enabled(false);
    let event = OutgoingEvent::new("order.success", Bytes::from_static(b"{}"));
    let mut attempt = SendAttempt::new("m", T0);
    assert_eq!(
        attempt.request(&endpoint, &event, T0).unwrap_err(),
        RequestError::Disabled
    );
    assert_eq!(
        attempt.endpoint_disabled(T0),
        Next::GiveUp {
            reason: GiveUpReason::EndpointDisabled
        }
    );
    // Re-enabled: the dropped attempt stays dropped.
    endpoint.set_enabled(true);
    assert!(attempt.is_finished());
    assert!(!attempt.is_due(T0 + 1_000_000));
}

fn presets() -> Vec<RetryPolicy> {
    vec![
        RetryPolicy::flow_retail(),
        RetryPolicy::ordergroove(),
        RetryPolicy::revel(),
        RetryPolicy::standard_webhooks(),
        RetryPolicy::stripe(),
        RetryPolicy::shopify(),
        RetryPolicy::github(),
        RetryPolicy::fixed([0, 0, 1]).unwrap().with_jitter(1000),
        RetryPolicy::exponential(0, 1, 0, Limit::Age(0)).unwrap(),
        RetryPolicy::exponential(1, 2, 10, Limit::Age(1_000_000_000))
            .unwrap()
            .with_retry_after_cap(u32::MAX),
    ]
}

fn outcome() -> impl Strategy<Value = Outcome> {
    prop_oneof![
        Just(Outcome::Timeout),
        Just(Outcome::Connect),
        Just(Outcome::Tls),
        (0u16..700).prop_map(Outcome::status),
        (
            prop_oneof![Just(429u16), Just(503u16)],
            prop_oneof![
                any::<u64>().prop_map(RetryAfter::Seconds),
                any::<i64>().prop_map(RetryAfter::At)
            ]
        )
            .prop_map(|(code, ra)| Outcome::Status {
                code,
                retry_after: Some(ra)
            }),
    ]
}

proptest! {
    /// Whatever the outcomes, the jitter and the clock (even one that stands still or goes
    /// back), every policy ends within MAX_ATTEMPTS; the state survives a serde round trip at
    /// every step; no retry is scheduled before `now`; Retry-After never pushes a retry past
    /// the cap or the schedule.
    #[test]
    fn every_sequence_ends_and_round_trips(
        which in 0usize..10,
        outcomes in proptest::collection::vec(outcome(), 1..64),
        jitters in proptest::collection::vec(any::<u32>(), 64),
        steps in proptest::collection::vec(-5i64..100_000, 64),
        start in 0i64..4_000_000_000,
    ) {
        let policy = presets().swap_remove(which);
        let mut health = EndpointHealth::new();
        let mut attempt = SendAttempt::new("msg_prop", start);
        let mut now = start;
        let mut i = 0usize;
        loop {
            let outcome = outcomes[i % outcomes.len()];
            let decision = attempt.record(&policy, &mut health, now, outcome, jitters[i % 64]);
            prop_assert_eq!(decision.attempt as usize, i + 1);
            let json = serde_json::to_string(&attempt).unwrap();
            let back: SendAttempt = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(&back, &attempt);
            let health_json = serde_json::to_string(&health).unwrap();
            let health_back: EndpointHealth = serde_json::from_str(&health_json).unwrap();
            prop_assert_eq!(&health_back, &health);
            match decision.next {
                Next::RetryAt { at, attempt: n } => {
                    prop_assert!(at >= now);
                    prop_assert_eq!(n as usize, i + 2);
                    let scheduled = i64::from(policy.delays().get(i).copied().unwrap_or(0));
                    let cap = i64::from(policy.retry_after_cap());
                    prop_assert!(at - now <= scheduled.max(cap), "{} > max({}, {})", at - now, scheduled, cap);
                }
                _ => {
                    prop_assert!(attempt.is_finished());
                    break;
                }
            }
            i += 1;
            prop_assert!(i < MAX_ATTEMPTS as usize);
            now = now.saturating_add(steps[i % 64]);
        }
        prop_assert!(attempt.attempts() <= policy.max_attempts().max(1));
    }

    /// `Retry-After` past the cap is capped, for any cap and any wish.
    #[test]
    fn retry_after_past_the_cap_is_capped(cap in 0u32..1_000_000, wish in any::<u64>(), code in prop_oneof![Just(429u16), Just(503u16)]) {
        let policy = RetryPolicy::fixed([1]).unwrap().with_retry_after_cap(cap);
        let mut attempt = SendAttempt::new("m", T0);
        let outcome = Outcome::Status { code, retry_after: Some(RetryAfter::Seconds(wish)) };
        let next = attempt.record(&policy, &mut EndpointHealth::new(), T0, outcome, 0).next;
        let expected = 1i64.max(i64::try_from(wish.min(u64::from(cap))).unwrap());
        prop_assert_eq!(next, Next::RetryAt { at: T0 + expected, attempt: 2 });
    }

    /// Parsing any bytes as `Retry-After` never panics.
    #[test]
    fn retry_after_parse_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        let _ = RetryAfter::parse(&bytes);
    }
}
