//! Parsing beside `serde_json::Value` and the `IgnoredAny` validation floor; serializing beside
//! serializing a `Value`.
//!
//! ```text
//! cargo bench --bench parse
//! ```
//!
//! Group `parse`:
//! - `revel-order/<impl>`: a Revel order of about 9 KiB (the finalized-order fixture with more
//!   items), `<impl>` = `pos-webhooks` (`pos_webhooks::parse_json::<revel::OrderAllInOne>`, the
//!   lossless typed model, as receivers parse it), `pos-webhooks-from-slice`
//!   (`serde_json::from_slice` of the same model, which checks each string's UTF-8 on its own),
//!   `serde-json-value` (`from_slice::<Value>`), `serde-json-value-from-str` (`from_utf8`, then
//!   `from_str::<Value>`: `Value` given the same one-pass UTF-8 check as `parse_json`),
//!   `serde-json-ignored` (`from_slice::<IgnoredAny>`: validation only, the floor);
//! - `mipos-order/<impl>`: the same for a miPOS order of about 4 KiB (`mipos::Order`);
//! - `serialize/revel-order/<impl>` and `serialize/mipos-order/<impl>`: `serde_json::to_vec` of
//!   the parsed model (`pos-webhooks`) and of the parsed `Value` (`serde-json-value`).

use std::hint::black_box;

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, Throughput, criterion_group};
use pos_webhooks::{mipos, revel};
use serde::Serialize;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde_json::Value;

/// `seed` with copies of its first item appended (`renumber`ed with the item's index) until
/// it is at least `target` bytes of compact JSON.
fn grow(seed: &[u8], target: usize, renumber: impl Fn(&mut Value, usize)) -> Vec<u8> {
    let seed: Value = serde_json::from_slice(seed).expect("fixture");
    let mut order = seed.clone();
    let item = seed["items"][0].clone();
    while serde_json::to_vec(&order).map_or(0, |v| v.len()) < target {
        let items = order["items"].as_array_mut().expect("items");
        let mut next = item.clone();
        renumber(&mut next, items.len());
        items.push(next);
    }
    serde_json::to_vec(&order).expect("serialize")
}

/// The seed order with more items, about 9 KiB.
fn revel_order() -> Vec<u8> {
    grow(
        include_bytes!("../tests/fixtures/example-revel-order-finalized.json"),
        9 * 1024,
        |item, n| item["id"] = Value::from(1630 + n),
    )
}

/// The seed order with more items, about 4 KiB.
fn mipos_order() -> Vec<u8> {
    grow(
        include_bytes!("../tests/fixtures/example-mipos-order.json"),
        4 * 1024,
        |item, n| item["external_id"] = Value::from((13753 + n).to_string()),
    )
}

/// The parses each `<impl>` id runs (the same functions in criterion, `PARSE_TIMES` and
/// `PARSE_CALLGRIND`).
fn ours<T: DeserializeOwned>(order: &[u8]) -> T {
    pos_webhooks::parse_json::<T>(order).expect("parse")
}

fn ours_from_slice<T: DeserializeOwned>(order: &[u8]) -> T {
    serde_json::from_slice::<T>(order).expect("parse")
}

fn value_from_slice(order: &[u8]) -> Value {
    serde_json::from_slice::<Value>(order).expect("parse")
}

fn value_from_str(order: &[u8]) -> Value {
    serde_json::from_str::<Value>(std::str::from_utf8(order).expect("utf-8")).expect("parse")
}

fn ignored(order: &[u8]) -> IgnoredAny {
    serde_json::from_slice::<IgnoredAny>(order).expect("parse")
}

fn bench_order<T: DeserializeOwned + Serialize>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    name: &str,
    order: &[u8],
) {
    group.throughput(Throughput::Bytes(order.len() as u64));
    group.bench_with_input(BenchmarkId::new(name, "pos-webhooks"), order, |b, o| {
        b.iter(|| ours::<T>(black_box(o)))
    });
    group.bench_with_input(
        BenchmarkId::new(name, "pos-webhooks-from-slice"),
        order,
        |b, o| b.iter(|| ours_from_slice::<T>(black_box(o))),
    );
    group.bench_with_input(BenchmarkId::new(name, "serde-json-value"), order, |b, o| {
        b.iter(|| value_from_slice(black_box(o)))
    });
    group.bench_with_input(
        BenchmarkId::new(name, "serde-json-value-from-str"),
        order,
        |b, o| b.iter(|| value_from_str(black_box(o))),
    );
    group.bench_with_input(
        BenchmarkId::new(name, "serde-json-ignored"),
        order,
        |b, o| b.iter(|| ignored(black_box(o))),
    );

    let model: T = serde_json::from_slice(order).expect("parse");
    let value: Value = serde_json::from_slice(order).expect("parse");
    // Lossless: the model serializes back to the same JSON, by the exact oracle (numbers as
    // exact decimals, strings unescaped; not through `Value`).
    let out = serde_json::to_vec(&model).expect("serialize");
    if let Err(e) = pos_webhooks::oracle::same_json(order, &out) {
        panic!("{name}: the model is not lossless on the bench input: {e}");
    }
    let serialize = format!("serialize/{name}");
    group.bench_with_input(
        BenchmarkId::new(&serialize, "pos-webhooks"),
        &model,
        |b, m| b.iter(|| serde_json::to_vec(black_box(m)).expect("serialize")),
    );
    group.bench_with_input(
        BenchmarkId::new(&serialize, "serde-json-value"),
        &value,
        |b, v| b.iter(|| serde_json::to_vec(black_box(v)).expect("serialize")),
    );
}

fn parse(c: &mut Criterion) {
    let mut group = c.benchmark_group("parse");
    bench_order::<revel::OrderAllInOne>(&mut group, "revel-order", &revel_order());
    bench_order::<mipos::Order>(&mut group, "mipos-order", &mipos_order());
    group.finish();
}

criterion_group!(benches, parse);

/// With `PARSE_CALLGRIND="<id> <iterations>"` set, the program only runs `<id>` (one of
/// `revel-order/pos-webhooks`, `revel-order/serde-json-value`, `revel-order/serde-json-ignored`,
/// the same for `mipos-order`, and `serialize/revel-order/pos-webhooks`, ...) that many times
/// and exits: for `valgrind --tool=callgrind` (deterministic instruction counts; run two
/// iteration counts and diff to cancel the setup, as `benches/parse-callgrind.sh` does). With
/// `PARSE_SIZES=1`, it prints the byte sizes of the main model types and exits. Without either,
/// the criterion benches.
fn main() {
    if std::env::var_os("PARSE_SIZES").is_some() {
        sizes();
        return;
    }
    if let Ok(rounds) = std::env::var("PARSE_TIMES") {
        times(rounds.parse().expect("PARSE_TIMES: <rounds>"));
        return;
    }
    if let Ok(spec) = std::env::var("PARSE_CALLGRIND") {
        let mut words = spec.split_whitespace();
        let id = words.next().expect("PARSE_CALLGRIND: <id> <iterations>");
        let n: usize = words
            .next()
            .and_then(|n| n.parse().ok())
            .expect("iterations");
        callgrind(id, n);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}

/// `PARSE_TIMES=<rounds>`: the Revel order's ids timed in interleaved batches (each round
/// times a batch of every id in turn), printing each id's minimum and median per-iteration
/// time over the rounds and the ratios of the minimums: on a shared machine the minimum of
/// many short interleaved batches is steadier than one long run per id.
fn times(rounds: usize) {
    use std::time::Instant;
    let order = revel_order();
    let model: revel::OrderAllInOne = serde_json::from_slice(&order).expect("parse");
    let value: Value = serde_json::from_slice(&order).expect("parse");
    const BATCH: u32 = 50;
    type Run<'a> = Box<dyn Fn() + 'a>;
    let ids: [(&str, Run<'_>); 7] = [
        (
            "parse/revel-order/pos-webhooks",
            Box::new(|| {
                black_box(ours::<revel::OrderAllInOne>(black_box(&order)));
            }),
        ),
        (
            "parse/revel-order/pos-webhooks-from-slice",
            Box::new(|| {
                black_box(ours_from_slice::<revel::OrderAllInOne>(black_box(&order)));
            }),
        ),
        (
            "parse/revel-order/serde-json-value-from-str",
            Box::new(|| {
                black_box(value_from_str(black_box(&order)));
            }),
        ),
        (
            "parse/revel-order/serde-json-value",
            Box::new(|| {
                black_box(value_from_slice(black_box(&order)));
            }),
        ),
        (
            "parse/revel-order/serde-json-ignored",
            Box::new(|| {
                black_box(ignored(black_box(&order)));
            }),
        ),
        (
            "parse/serialize/revel-order/pos-webhooks",
            Box::new(|| {
                black_box(serde_json::to_vec(black_box(&model)).expect("serialize"));
            }),
        ),
        (
            "parse/serialize/revel-order/serde-json-value",
            Box::new(|| {
                black_box(serde_json::to_vec(black_box(&value)).expect("serialize"));
            }),
        ),
    ];
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); ids.len()];
    for _ in 0..rounds {
        for ((_, run), samples) in ids.iter().zip(&mut samples) {
            let start = Instant::now();
            for _ in 0..BATCH {
                run();
            }
            samples.push(start.elapsed().as_secs_f64() * 1e6 / f64::from(BATCH));
        }
    }
    let mut mins = Vec::new();
    for ((name, _), samples) in ids.iter().zip(&mut samples) {
        samples.sort_by(f64::total_cmp);
        let min = samples.first().copied().unwrap_or(0.0);
        let median = samples.get(samples.len() / 2).copied().unwrap_or(0.0);
        println!("{name}: min {min:.2} µs, median {median:.2} µs");
        mins.push(min);
    }
    if let [
        ours,
        ours_slice,
        value_str,
        value,
        ignored,
        ser_ours,
        ser_value,
    ] = mins[..]
    {
        println!(
            "min ratios: Value/ours {:.2}×, ours/IgnoredAny {:.2}×, serialize ours/Value {:.2}×",
            value / ours,
            ours / ignored,
            ser_ours / ser_value
        );
        println!(
            "  beside: Value/ours-from-slice {:.2}×, Value-from-str/ours {:.2}×",
            value / ours_slice,
            value_str / ours
        );
    }
}

fn sizes() {
    use std::mem::size_of;
    macro_rules! show {
        ($($t:ty),* $(,)?) => {
            $(println!("{:>6}  {}", size_of::<$t>(), stringify!($t));)*
        };
    }
    show!(
        pos_webhooks::Decimal,
        pos_webhooks::Money,
        Option<pos_webhooks::Money>,
        pos_webhooks::JsonValue,
        Option<pos_webhooks::JsonValue>,
        pos_webhooks::Extra,
        pos_webhooks::Flag,
        Option<pos_webhooks::Flag>,
        pos_webhooks::IntOrText,
        revel::Reference,
        Option<revel::Reference>,
        revel::RevelDateTime,
        Option<revel::RevelDateTime>,
        revel::OrderAllInOne,
        revel::OrderInfo,
        revel::OrderItem,
        revel::AppliedTax,
        revel::ModifierItem,
        revel::Payment,
        revel::OrderHistory,
        mipos::Order,
        mipos::Item,
        mipos::Modifier,
    );
}

fn run_id<T: DeserializeOwned + Serialize>(what: &str, order: &[u8], n: usize) {
    match what {
        "pos-webhooks" => (0..n).for_each(|_| {
            black_box(ours::<T>(black_box(order)));
        }),
        "pos-webhooks-from-slice" => (0..n).for_each(|_| {
            black_box(ours_from_slice::<T>(black_box(order)));
        }),
        "serde-json-value" => (0..n).for_each(|_| {
            black_box(value_from_slice(black_box(order)));
        }),
        "serde-json-value-from-str" => (0..n).for_each(|_| {
            black_box(value_from_str(black_box(order)));
        }),
        "serde-json-ignored" => (0..n).for_each(|_| {
            black_box(ignored(black_box(order)));
        }),
        "serialize-pos-webhooks" => {
            let model: T = serde_json::from_slice(order).expect("parse");
            (0..n).for_each(|_| {
                black_box(serde_json::to_vec(black_box(&model)).expect("serialize"));
            })
        }
        "serialize-serde-json-value" => {
            let value: Value = serde_json::from_slice(order).expect("parse");
            (0..n).for_each(|_| {
                black_box(serde_json::to_vec(black_box(&value)).expect("serialize"));
            })
        }
        other => panic!("unknown id {other}"),
    }
}

fn callgrind(id: &str, n: usize) {
    let (serialize, id) = match id.strip_prefix("serialize/") {
        Some(rest) => (true, rest),
        None => (false, id),
    };
    let (name, what) = id.split_once('/').expect("<name>/<impl>");
    let what = if serialize {
        format!("serialize-{what}")
    } else {
        what.to_owned()
    };
    match name {
        "revel-order" => run_id::<revel::OrderAllInOne>(&what, &revel_order(), n),
        "mipos-order" => run_id::<mipos::Order>(&what, &mipos_order(), n),
        other => panic!("unknown order {other}"),
    }
}
