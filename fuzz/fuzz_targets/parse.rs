//! Arbitrary bytes into one parser (chosen by the first byte, see `common.rs`): never panics,
//! and the helpers on what parsed (totals, references, dates, money arithmetic, accessors of
//! untyped values) never panic either. The error explainer is the `parse_errors` target's.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use pos_webhooks::linga::{CheckEvent, CheckEventKind};
use pos_webhooks::revel::{Customer, ItemAvailability, MenuChanged, OrderAllInOne, Ping, RewardsCard};
use pos_webhooks::{
    Decimal, Extra, JsonValue, Money, Rounding, flow_retail, mipos, ordergroove,
};
use serde::de::DeserializeOwned;

const ROUNDINGS: [Rounding; 5] = [
    Rounding::Exact,
    Rounding::HalfUp,
    Rounding::HalfEven,
    Rounding::Down,
    Rounding::Up,
];

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

fn value(v: &JsonValue) {
    let _ = (v.is_null(), v.as_value(), v.members(), v.elements());
    let _ = (v.pointer("/0"), v.pointer("/a/b"), v.get::<Money>("price"));
}

fn extra(e: &Extra) {
    for (_, v) in e.iter().take(4) {
        value(v);
        let _ = v.parse::<Money>().map(|m| money(Some(&m)));
    }
}

fn order(o: &OrderAllInOne) {
    extra(&o.extra);
    if let Some(d) = o.items_total() {
        decimal(d);
    }
    let _ = o.order_history().len();
    for item in o.items.as_deref().unwrap_or_default() {
        if let Some(d) = item.line_total() {
            decimal(d);
        }
        money(item.price.as_ref());
        let _ = item.reference_discounts_json();
    }
    if let Some(info) = &o.order_info {
        extra(&info.extra);
        if let Some(text) = &info.gift_reward_data {
            let _ = text.decode().map_err(|e| e.to_string());
        }
        let _ = info.deleted_discounts_json();
        money(info.final_total.as_ref());
        for r in [&info.created_by, &info.discount].into_iter().flatten() {
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

fn parse<T: DeserializeOwned>(body: &[u8]) -> Option<T> {
    serde_json::from_slice(body).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((parser, body)) = common::split(data) else {
        return;
    };
    match parser {
        0 => {
            if let Some(o) = parse::<OrderAllInOne>(body) {
                order(&o);
            }
        }
        1 => {
            if let Some(c) = parse::<Customer>(body) {
                extra(&c.extra);
            }
        }
        2 => {
            if let Some(c) = parse::<RewardsCard>(body) {
                extra(&c.extra);
            }
        }
        3 => {
            let _ = parse::<ItemAvailability>(body);
        }
        4 => {
            let _ = parse::<MenuChanged>(body);
        }
        5 => {
            let _ = parse::<Ping>(body);
        }
        7 => {
            if let Some(o) = parse::<mipos::Order>(body) {
                let _ = (o.store(), o.amount_due(), o.items_total());
            }
        }
        8 => {
            let _ = parse::<mipos::MenuRequest>(body);
        }
        9 => {
            if let Some(e) = parse::<ordergroove::Envelope>(body) {
                let _ = e.group();
                match e.object() {
                    Some(ordergroove::Object::Order(o)) => money(o.total.as_ref()),
                    Some(ordergroove::Object::Item(i)) => money(i.total_price.as_ref()),
                    Some(ordergroove::Object::Other(v)) => value(v),
                    _ => {}
                }
            }
        }
        10 => {
            if let Some(e) = parse::<flow_retail::Envelope>(body) {
                if let Some(action) = &e.action {
                    let dotted = action.dotted();
                    let _ = (action.is_known(), action.as_str(), action.to_string());
                    let back = flow_retail::Action::from_dotted(&dotted);
                    if action.is_known() {
                        assert_eq!(&back, action);
                    }
                }
            }
        }
        11 => {
            if let Ok(e) = CheckEvent::parse(CheckEventKind::Updated, bytes::Bytes::copy_from_slice(body)) {
                assert_eq!(e.body().as_ref(), body);
                let _ = (e.get("/checkId"), e.get("/items/0/price"), e.kind().event_type());
            }
        }
        // 6 (an unknown Revel event) and 12 are both a JsonValue.
        _ => {
            if let Some(v) = parse::<JsonValue>(body) {
                value(&v);
            }
        }
    }
});
