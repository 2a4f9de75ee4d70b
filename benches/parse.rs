//! Parsing beside `serde_json::Value` and the `IgnoredAny` validation floor.
//!
//! ```text
//! cargo bench --bench parse
//! ```

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use pos_webhooks::revel::OrderAllInOne;
use serde_json::Value;

/// The seed order with more items, about 9 KiB.
fn revel_order() -> Vec<u8> {
    let seed: Value = serde_json::from_slice(include_bytes!(
        "../tests/fixtures/example-revel-order-finalized.json"
    ))
    .expect("fixture");
    let mut order = seed.clone();
    let item = seed["items"][0].clone();
    while serde_json::to_vec(&order).map_or(0, |v| v.len()) < 9 * 1024 {
        let mut next = item.clone();
        next["id"] = Value::from(1630 + order["items"].as_array().map_or(0, Vec::len));
        if let Some(items) = order["items"].as_array_mut() {
            items.push(next);
        }
    }
    serde_json::to_vec(&order).expect("serialize")
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    let order = revel_order();
    group.throughput(Throughput::Bytes(order.len() as u64));
    group.bench_with_input(
        BenchmarkId::new("revel-order", "pos-webhooks"),
        &order,
        |b, o| b.iter(|| serde_json::from_slice::<OrderAllInOne>(black_box(o)).expect("parse")),
    );
    group.bench_with_input(
        BenchmarkId::new("revel-order", "serde-json-value"),
        &order,
        |b, o| b.iter(|| serde_json::from_slice::<Value>(black_box(o)).expect("parse")),
    );
    group.bench_with_input(
        BenchmarkId::new("revel-order", "serde-json-ignored"),
        &order,
        |b, o| {
            b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(o)).expect("parse"))
        },
    );
    let model: OrderAllInOne = serde_json::from_slice(&order).expect("parse");
    let value: Value = serde_json::from_slice(&order).expect("parse");
    group.bench_function("serialize/revel-order/pos-webhooks", |b| {
        b.iter(|| serde_json::to_vec(black_box(&model)).expect("serialize"))
    });
    group.bench_function("serialize/revel-order/serde-json-value", |b| {
        b.iter(|| serde_json::to_vec(black_box(&value)).expect("serialize"))
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
