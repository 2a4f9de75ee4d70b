//! The crate's main job in one run: a POS signs a webhook, a partner verifies it and parses it
//! into a typed order, and tampered or forged copies are rejected.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! The body is Revel's published OrderAllInOne sample (`tests/fixtures/`), signed the way Revel
//! signs: HMAC-SHA1 of the raw body in `X-Revel-Signature`.

use std::process::ExitCode;

use bytes::Bytes;
use http::{HeaderMap, HeaderValue};
use pos_webhooks::revel::RevelEvent;
use pos_webhooks::{Message, Rounding, Scheme, Signer, Verifier, header};

/// Revel's order sample, repaired into valid JSON (see `tests/fixtures/README.md`).
const ORDER: &[u8] = include_bytes!("../tests/fixtures/example-revel-order-finalized.json");

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("quickstart failed: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    // The shared secret Revel gives the partner when the webhook is set up.
    let secret = "the-shared-secret";
    // Time is passed in; the library never reads the clock.
    let now: i64 = 1_700_000_000;

    // 1. The POS (Revel) signs the order it is about to send.
    let body = Bytes::from_static(ORDER);
    let signer = Signer::new(Scheme::Revel, [secret]).map_err(|e| e.to_string())?;
    let signed = signer
        .sign(&Message::new(&body))
        .map_err(|e| e.to_string())?;
    let mut headers = HeaderMap::new();
    signed
        .insert_into(&mut headers)
        .map_err(|e| e.to_string())?;
    headers.insert(
        header::REVEL_EVENT_TYPE,
        HeaderValue::from_static("order.finalized"),
    );
    headers.insert(
        header::REVEL_INSTANCE,
        HeaderValue::from_static("revelcustomer"),
    );
    println!("1. POS signs order.finalized ({} bytes):", body.len());
    for (name, value) in &headers {
        println!("     {name}: {}", value.to_str().unwrap_or("<binary>"));
    }

    // 2. The partner verifies the raw body it received, with the same secret.
    let verifier = Verifier::new(Scheme::Revel, [secret]).map_err(|e| e.to_string())?;
    let verified = verifier
        .verify(&headers, body.clone(), now)
        .map_err(|e| format!("the genuine order was rejected: {e}"))?;
    println!(
        "2. partner verifies it: ok (secret #{} matched, {} bytes, body not copied: {})",
        verified.secret_index() + 1,
        verified.body().len(),
        verified.body().as_ptr() == body.as_ptr(),
    );

    // 3. Only then is the verified body parsed, into the event the header names.
    let event_type = headers
        .get(header::REVEL_EVENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let event = RevelEvent::parse(event_type, verified.body()).map_err(|e| e.to_string())?;
    let RevelEvent::OrderFinalized(order) = event else {
        return Err(format!("expected an order, got {}", event.event_type()));
    };
    let info = order
        .order_info
        .as_ref()
        .ok_or("the order has no orderInfo")?;
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
        .try_fold(pos_webhooks::Decimal::ZERO, |sum, amount| {
            sum.checked_add(amount)
        })
        .ok_or("payments overflow")?;
    let items = order.items_total().ok_or("an item has no price")?;
    println!(
        "3. parsed {}: order #{} final_total {final_total}, items {items}, paid {paid} ({} cents), settled: {}",
        event_type,
        info.id.unwrap_or_default(),
        paid.to_minor_units(2, Rounding::Exact)
            .ok_or("not whole cents")?,
        paid == final_total,
    );

    // 4. Someone changes the total on the way: the signature no longer matches.
    let tampered = String::from_utf8_lossy(ORDER).replacen(
        "\"final_total\":\t4.86",
        "\"final_total\":\t0.01",
        1,
    );
    if tampered.as_bytes() == ORDER {
        return Err("the sample did not contain the expected final_total".into());
    }
    match verifier.verify(&headers, Bytes::from(tampered), now) {
        Err(error) => println!("4. tampered copy (final_total 4.86 -> 0.01) rejected: {error}"),
        Ok(_) => return Err("a tampered order was accepted".into()),
    }

    // 5. The right body signed with another secret is rejected too.
    let forger = Signer::new(Scheme::Revel, ["a-guessed-secret"]).map_err(|e| e.to_string())?;
    let forged = forger
        .sign(&Message::new(&body))
        .map_err(|e| e.to_string())?;
    let mut forged_headers = HeaderMap::new();
    forged
        .insert_into(&mut forged_headers)
        .map_err(|e| e.to_string())?;
    match verifier.verify(&forged_headers, body, now) {
        Err(error) => println!("5. copy signed with a guessed secret rejected: {error}"),
        Ok(_) => return Err("a forged signature was accepted".into()),
    }
    Ok(())
}
