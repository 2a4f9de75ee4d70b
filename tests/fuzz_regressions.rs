//! Inputs of the fuzz targets' checks that failed (FUZZING.md), kept as regression tests.
#![cfg(feature = "revel")]

use pos_webhooks::Decimal;
use pos_webhooks::revel::OrderAllInOne;

/// Made by hand for the fuzz target `parse` (FUZZING.md): a price of -2^64 times a quantity of
/// 2^63 is exactly i128::MIN, whose text did not parse back ("out of range"), breaking
/// Display → parse.
#[test]
fn parse_decimal_i128_min() {
    let input = include_bytes!("fuzz_regressions/parse-decimal-i128-min.bin");
    let order: OrderAllInOne = pos_webhooks::parse_json(input).unwrap();
    let total = order.items_total().unwrap();
    assert_eq!(total.mantissa(), i128::MIN);
    let again: Decimal = total.to_string().parse().unwrap();
    assert_eq!(again, total);
    assert_eq!(
        total.to_string(),
        "-170141183460469231731687303715884105728"
    );
    // One more is out of range, as an error.
    assert!(
        "-170141183460469231731687303715884105729"
            .parse::<Decimal>()
            .is_err()
    );
    assert!(
        "170141183460469231731687303715884105728"
            .parse::<Decimal>()
            .is_err()
    );
    assert_eq!(
        "170141183460469231731687303715884105727"
            .parse::<Decimal>()
            .unwrap()
            .mantissa(),
        i128::MAX
    );
}

/// Found by the fuzz target `filter`: a pattern with `*` among other alternatives matched like
/// `*` but did not equal the filter parsed from its own canonical pattern (`*`).
#[test]
fn filter_star_redundant() {
    let input = include_bytes!("fuzz_regressions/filter-star-redundant.bin");
    let text = String::from_utf8_lossy(input);
    let pattern = text.split('\0').next().unwrap();
    let filter = pos_webhooks::EventFilter::parse(pattern).unwrap();
    assert_eq!(filter.pattern(), "*");
    assert_eq!(
        pos_webhooks::EventFilter::parse(&filter.pattern()).unwrap(),
        filter
    );
    assert!(filter.matches("anything", None));
}
