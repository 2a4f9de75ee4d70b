//! The axum receiver and the reqwest emitter over 127.0.0.1: a valid webhook is accepted and
//! parsed, a tampered one answered 401, a filtered one 2xx, a duplicate 2xx and not applied.

use std::time::{SystemTime, UNIX_EPOCH};

use axum_receiver::{App, router};
use bytes::Bytes;
use pos_webhooks::revel::RevelEvent;
use pos_webhooks::{DuplicateFilter, Receiver, Scheme, Verifier};
use reqwest_emitter::{revel_endpoint, revel_request, send};

const SECRET: &str = "loopback-secret";
const ORDER: &[u8] = include_bytes!("../../../tests/fixtures/example-revel-order-finalized.json");

#[tokio::test]
async fn emitter_to_receiver_over_loopback() {
    let receiver = Receiver::new(
        Verifier::new(Scheme::Revel, [SECRET]).unwrap(),
        "order.*".parse().unwrap(),
    )
    .with_duplicate_filter(DuplicateFilter::new(1_000));
    let app = App::new(receiver);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let to = format!("http://{}/revel", listener.local_addr().unwrap());
    let server = tokio::spawn(axum::serve(listener, router(app.clone())).into_future());

    let client = reqwest::Client::new();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let endpoint = revel_endpoint("https://partner.example/revel", SECRET).unwrap();
    let order = revel_request(&endpoint, "order.finalized", ORDER, now, "msg_order_1").unwrap();

    // Valid: accepted, parsed and applied once.
    let response = send(&client, order.clone(), Some(&to)).await.unwrap();
    assert_eq!(response.status(), 200);
    {
        let applied = app.applied.lock().unwrap();
        assert_eq!(applied.len(), 1);
        let RevelEvent::OrderFinalized(parsed) = &applied[0] else {
            panic!("not an order: {:?}", applied[0]);
        };
        assert_eq!(parsed.order_info.as_ref().unwrap().id, Some(417));
    }

    // The same request again (a retry after a lost answer): 200, not applied again.
    let response = send(&client, order.clone(), Some(&to)).await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .starts_with("duplicate: key ")
    );
    assert_eq!(app.applied.lock().unwrap().len(), 1);

    // Tampered on the way: 401, and the body says no more than that.
    let mut tampered = order.clone();
    let changed = String::from_utf8_lossy(ORDER).replacen("417", "418", 1);
    *tampered.body_mut() = Bytes::from(changed);
    let response = send(&client, tampered, Some(&to)).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(response.text().await.unwrap(), "not authentic");

    // Outside the receiver's filter: 204, so the POS does not retry it; not applied.
    let customer = revel_request(
        &endpoint,
        "customer.created",
        br#"{"id": 2192}"#,
        now,
        "msg_c",
    )
    .unwrap();
    let response = send(&client, customer, Some(&to)).await.unwrap();
    assert_eq!(response.status(), 204);
    assert_eq!(app.applied.lock().unwrap().len(), 1);

    server.abort();
}
