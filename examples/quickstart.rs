//! The crate's main job in one run, each step printed:
//!
//! 1. a POS (Revel) emits an order to the two endpoints subscribed to it;
//! 2. each partner receives its request, verifies it and parses it into a typed order, and
//!    computes exact totals;
//! 3. an event outside a partner's filter is dropped, by the POS and by the receiver;
//! 4. a tampered request and a forged one are rejected.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! The order is Revel's published OrderAllInOne sample (`tests/fixtures/`). Nothing here does
//! I/O: the requests are `http::Request<Bytes>` values handed from one side to the other.

use std::process::ExitCode;

use bytes::Bytes;
use http::Request;
use pos_webhooks::revel::{OrderAllInOne, RevelEvent, WebhookSettings, event_type};
use pos_webhooks::{
    Auth, Decimal, Endpoint, EndpointSet, EventFilter, OutgoingEvent, ReceiveError, Receiver,
    Rounding, Scheme, Verifier,
};

/// Revel's order sample, repaired into valid JSON (see `tests/fixtures/README.md`).
const ORDER: &[u8] = include_bytes!("../tests/fixtures/example-revel-order-finalized.json");

const REVEL_SECRET: &str = "the-shared-secret";
const SVIX_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("quickstart failed: {message}");
            ExitCode::FAILURE
        }
    }
}

fn show(request: &Request<Bytes>) {
    println!("     {} {}", request.method(), request.uri());
    for (name, value) in request.headers() {
        println!("     {name}: {}", value.to_str().unwrap_or("<binary>"));
    }
    println!("     ({} bytes of body)", request.body().len());
}

fn run() -> Result<(), String> {
    let err = |e: &dyn std::fmt::Display| e.to_string();
    // Time is passed in; the library never reads the clock.
    let now: i64 = 1_700_000_000;

    // The POS keeps its partners' subscriptions.
    let mut endpoints = EndpointSet::new();
    // A loyalty partner set up the Revel way: one https URL per event type, signed with
    // HMAC-SHA1 in X-Revel-Signature.
    let loyalty = WebhookSettings {
        instance: "revelcustomer".into(),
        secret: REVEL_SECRET.into(),
        urls: [(
            event_type::ORDER_FINALIZED,
            "https://loyalty.example/receive/revel/loyalty_orders/".to_owned(),
        )]
        .into_iter()
        .collect(),
    };
    for endpoint in loyalty.endpoints().map_err(|e| err(&e))? {
        endpoints.create(endpoint);
    }
    // An analytics partner that takes Standard Webhooks, for every order.* event of store 1.
    endpoints.create(
        Endpoint::builder("https://analytics.example/hooks")
            .auth(Auth::Signature {
                scheme: Scheme::Standard,
                secrets: vec![SVIX_SECRET.into()],
            })
            .filter(
                EventFilter::parse("order.*")
                    .map_err(|e| err(&e))?
                    .with_stores(["1"]),
            )
            .build()
            .map_err(|e| err(&e))?,
    );

    // 1. The POS emits the finalized order of establishment 1.
    let event =
        OutgoingEvent::new(event_type::ORDER_FINALIZED, Bytes::from_static(ORDER)).for_store("1");
    let requests = endpoints.requests(&event, now, "msg_2NfOrder417");
    println!(
        "1. POS emits {} for store 1 ({} bytes) to {} endpoints:",
        event.event_type,
        ORDER.len(),
        requests.len()
    );
    let mut sent = Vec::new();
    for (id, request) in requests {
        let request = request.map_err(|e| err(&e))?;
        println!("   {id}:");
        show(&request);
        sent.push(request);
    }
    let [to_loyalty, to_analytics] =
        <[Request<Bytes>; 2]>::try_from(sent).map_err(|_| "expected two requests".to_owned())?;

    // 2. Each partner verifies the raw bytes, then parses them into a typed order.
    let loyalty_receiver = Receiver::new(
        Verifier::new(Scheme::Revel, [REVEL_SECRET]).map_err(|e| err(&e))?,
        EventFilter::from(&event_type::ORDER_FINALIZED),
    );
    let RevelEvent::OrderFinalized(order) = loyalty_receiver
        .revel_request(&to_loyalty, now + 2)
        .map_err(|e| err(&e))?
        .event
    else {
        return Err("the loyalty partner did not get an order".into());
    };
    let info = order.order_info.as_ref().ok_or("no orderInfo")?;
    let final_total = info
        .final_total
        .as_ref()
        .and_then(|m| m.value())
        .ok_or("no final_total")?;
    let paid = order
        .payments
        .as_deref()
        .unwrap_or_default()
        .iter()
        .filter_map(|p| p.amount.as_ref()?.value())
        .try_fold(Decimal::ZERO, |sum, amount| sum.checked_add(amount))
        .ok_or("payments overflow")?;
    let points = info
        .gift_reward_data
        .as_ref()
        .map(|g| g.decode())
        .transpose()
        .map_err(|e| err(&e))?
        .and_then(|g| g.total_points)
        .and_then(|p| p.value());
    println!(
        "2. loyalty partner: verified (Revel HMAC-SHA1), order #{} final_total {final_total}, \
         paid {paid} = {} cents, settled: {}, reward points {}",
        info.id.unwrap_or_default(),
        paid.to_minor_units(2, Rounding::Exact)
            .ok_or("not whole cents")?,
        paid == final_total,
        points.map_or("none".to_owned(), |p| p.to_string()),
    );

    let analytics_receiver = Receiver::new(
        Verifier::new(Scheme::Standard, [SVIX_SECRET]).map_err(|e| err(&e))?,
        EventFilter::parse("order.*").map_err(|e| err(&e))?,
    );
    let order: OrderAllInOne = analytics_receiver
        .receive_json(
            to_analytics.headers(),
            to_analytics.body().clone(),
            now + 2,
            "order.finalized",
            Some("1"),
        )
        .map_err(|e| err(&e))?
        .event;
    println!(
        "   analytics partner: verified (Standard Webhooks), {} item(s), items total {}",
        order.items.as_deref().unwrap_or_default().len(),
        order.items_total().ok_or("an item has no price")?,
    );

    // 3. A customer update is outside both filters: the POS sends it nowhere...
    let customer =
        OutgoingEvent::new(event_type::CUSTOMER_UPDATED, &br#"{"id": 2192}"#[..]).for_store("1");
    println!(
        "3. POS emits customer.updated: {} endpoint(s) want it",
        endpoints
            .targets(customer.event_type.as_str(), customer.store.as_deref())
            .count()
    );
    // ... and a receiver that gets one anyway drops it after verifying, before parsing.
    let stray = Endpoint::builder("https://loyalty.example/receive/revel/any")
        .vendor(pos_webhooks::Vendor::Revel {
            instance: "revelcustomer".into(),
        })
        .auth(Auth::Signature {
            scheme: Scheme::Revel,
            secrets: vec![REVEL_SECRET.into()],
        })
        .build()
        .map_err(|e| err(&e))?
        .request(&customer, now, "msg_stray")
        .map_err(|e| err(&e))?;
    match loyalty_receiver.revel_request(&stray, now) {
        Err(error @ ReceiveError::FilteredOut { .. }) => {
            println!("   the loyalty receiver drops a stray one: {error}");
        }
        other => return Err(format!("a stray event was not dropped: {other:?}")),
    }

    // 4. Someone changes the total on the way: the signature no longer matches.
    let tampered = String::from_utf8_lossy(ORDER).replacen(
        "\"final_total\":\t4.86",
        "\"final_total\":\t0.01",
        1,
    );
    if tampered.as_bytes() == ORDER {
        return Err("the sample did not contain the expected final_total".into());
    }
    match loyalty_receiver.revel(to_loyalty.headers(), Bytes::from(tampered), now) {
        Err(error @ ReceiveError::NotAuthentic(_)) => {
            println!("4. tampered copy (final_total 4.86 -> 0.01) rejected: {error}");
        }
        other => return Err(format!("a tampered order was not rejected: {other:?}")),
    }
    // A replay an hour later is refused by the timestamped scheme.
    match analytics_receiver.receive_json::<OrderAllInOne>(
        to_analytics.headers(),
        to_analytics.body().clone(),
        now + 3600,
        "order.finalized",
        Some("1"),
    ) {
        Err(error @ ReceiveError::NotAuthentic(_)) => {
            println!("   replayed an hour later, rejected: {error}");
        }
        other => return Err(format!("a replay was not rejected: {other:?}")),
    }
    Ok(())
}
