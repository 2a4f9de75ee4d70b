//! Arbitrary bytes into every parser: never panics, errors display, and the helpers on what
//! parsed (totals, references, dates, money arithmetic) never panic either.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pos_webhooks::linga::{CheckEvent, CheckEventKind};
use pos_webhooks::revel::{OrderAllInOne, RevelEvent};
use pos_webhooks::{
    Decimal, Money, ParseError, Rounding, flow_retail, mipos, ordergroove, parse_json,
};

const REVEL_EVENT_TYPES: [&str; 8] = [
    "order.finalized",
    "customer.created",
    "customer.updated",
    "rewardcard.created",
    "inout.stock",
    "menu.updated",
    "ping",
    "timesheet.created",
];

const ROUNDINGS: [Rounding; 5] = [
    Rounding::Exact,
    Rounding::HalfUp,
    Rounding::HalfEven,
    Rounding::Down,
    Rounding::Up,
];

fn error(err: &ParseError) {
    let _ = (
        err.to_string(),
        err.kind(),
        err.path(),
        err.line(),
        err.column(),
    );
    let _ = err.message();
}

fn decimal(d: Decimal) {
    let _ = d.to_string();
    let _ = (d.is_zero(), d.is_negative(), d.mantissa(), d.scale());
    for decimals in [0, 2, 6, 28, 40] {
        for rounding in ROUNDINGS {
            let _ = d.to_minor_units(decimals, rounding);
        }
        let _ = d.rescale(decimals);
    }
    let _ = d.checked_mul(d);
    let _ = d.checked_add(d);
    let _ = d.checked_sub(Decimal::from_int(1));
    let _ = d.checked_mul_int(-3);
    let _ = d.cmp(&Decimal::ZERO);
    // Display then parse gives the same value.
    let again: Decimal = d.to_string().parse().expect("a decimal's text parses");
    assert_eq!(again, d);
}

fn money(m: Option<&Money>) {
    if let Some(m) = m {
        let _ = (m.to_string(), m.form(), m.is_empty(), m.is_null());
        if let Some(d) = m.value() {
            decimal(d);
        }
        let _ = m.value_or_zero();
    }
}

fn order(o: &OrderAllInOne) {
    if let Some(d) = o.items_total() {
        decimal(d);
    }
    let _ = o.order_history().len();
    for item in o.items.as_deref().unwrap_or_default() {
        if let Some(d) = item.line_total() {
            decimal(d);
        }
        money(item.price.as_ref());
    }
    if let Some(info) = &o.order_info {
        if let Some(text) = &info.gift_reward_data {
            if let Err(e) = text.decode() {
                error(&e);
            }
        }
        money(info.final_total.as_ref());
        if let Some(r) = &info.created_by {
            let _ = (r.id(), r.resource(), r.to_string());
        }
        if let Some(t) = &info.pickup_time {
            let _ = (
                t.as_str(),
                t.is_unset(),
                t.offset_minutes(),
                t.microsecond(),
            );
        }
    }
}

fuzz_target!(|data: &[u8]| {
    for event_type in REVEL_EVENT_TYPES {
        match RevelEvent::parse(event_type, data) {
            Ok(event) => {
                let _ = event.to_json().expect("a parsed event serializes");
                let _ = event.event_type();
                if let RevelEvent::OrderFinalized(o) = &event {
                    order(o);
                }
            }
            Err(e) => error(&e),
        }
    }

    match parse_json::<mipos::Order>(data) {
        Ok(o) => {
            let _ = (o.store(), o.amount_due(), o.items_total());
        }
        Err(e) => error(&e),
    }
    if let Err(e) = parse_json::<mipos::MenuRequest>(data) {
        error(&e);
    }

    match parse_json::<ordergroove::Envelope>(data) {
        Ok(e) => {
            let _ = (e.group(), e.object());
            if let Some(ordergroove::Object::Order(o)) = e.object() {
                money(o.total.as_ref());
            }
        }
        Err(e) => error(&e),
    }

    match parse_json::<flow_retail::Envelope>(data) {
        Ok(e) => {
            if let Some(action) = &e.action {
                let dotted = action.dotted();
                let _ = (action.is_known(), action.as_str(), action.to_string());
                let back = flow_retail::Action::from_dotted(&dotted);
                if action.is_known() {
                    assert_eq!(&back, action);
                }
            }
        }
        Err(e) => error(&e),
    }

    match CheckEvent::parse(CheckEventKind::Updated, bytes::Bytes::copy_from_slice(data)) {
        Ok(e) => {
            assert_eq!(e.body().as_ref(), data);
            let _ = (
                e.get("/checkId"),
                e.get("/items/0/price"),
                e.kind().event_type(),
            );
        }
        Err(e) => error(&e),
    }
});
