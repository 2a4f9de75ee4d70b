//! The README's "Sending reliably" code (notes/emit.md), kept compiling and passing: a
//! dispatcher loop around `SendAttempt`, with a fake transport that fails twice.

use pos_webhooks::{
    Endpoint, EndpointHealth, EndpointSet, Next, Outcome, OutgoingEvent, RequestError, RetryPolicy,
    SendAttempt,
};

#[test]
fn sending_reliably() -> Result<(), Box<dyn std::error::Error>> {
    let mut now: i64 = 1_700_000_000;
    let mut answers = vec![Outcome::status(200), Outcome::Timeout, Outcome::status(503)];
    let mut send = |_request: http::Request<bytes::Bytes>| answers.pop().unwrap();
    let rand_u32 = || 0x9e37_79b9;
    let mut sent_at = Vec::new();
    // --- README code begins ---
    let mut set = EndpointSet::new();
    let id = set.create(Endpoint::builder("https://partner.example/hooks").build()?);
    let policy = RetryPolicy::standard_webhooks(); // or ::shopify(), ::flow_retail(), ...
    let mut health = EndpointHealth::new(); // stored beside the endpoint
    let event = OutgoingEvent::new("order.success", r#"{"id":417}"#);

    // One SendAttempt per (message, endpoint), stored in your outbox (it is serde data).
    let mut attempt = SendAttempt::new("msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", now);
    while let Some(at) = attempt.due_at() {
        now = now.max(at); // your scheduler wakes the attempt at `at`
        let Some(endpoint) = set.get(id) else { break };
        let request = match attempt.request(endpoint, &event, now) {
            Ok(request) => request, // same webhook-id, fresh timestamp and signature
            Err(RequestError::Disabled) => {
                attempt.endpoint_disabled(now); // dropped, not replayed on re-enable
                break;
            }
            Err(e) => return Err(e.into()),
        };
        sent_at.push(now);
        // Your client, with `policy.timeout_secs()`: `Outcome::from_response(status, &headers)`,
        // or `Outcome::Timeout` / `Connect` / `Tls`.
        let outcome = send(request);
        match attempt
            .record(&policy, &mut health, now, outcome, rand_u32())
            .next
        {
            Next::Done | Next::GiveUp { .. } => {}
            Next::RetryAt { .. } => {} // persist `attempt`, wake it at `at`
            Next::DisableEndpoint { .. } => set.disable(id)?, // and drop its other attempts
        }
    }
    // --- README code ends ---
    assert_eq!(attempt.next(), Next::Done);
    assert_eq!(sent_at, [1_700_000_000, 1_700_000_005, 1_700_000_305]);
    assert_eq!(attempt.attempts(), 3);
    Ok(())
}
