//! The filter pattern parser and matcher: any pattern either parses or is a `FilterError`; a
//! parsed filter agrees with a plain scan over its alternatives, survives its canonical pattern
//! and serde, and its store scope behaves.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pos_webhooks::EventFilter;

/// What the pattern means, by a scan over the alternatives (the filter uses hash sets).
fn reference(pattern: &str, event: &str) -> bool {
    pattern.split('|').map(str::trim).any(|alternative| {
        alternative == "*"
            || alternative == event
            || alternative.strip_suffix(".*").is_some_and(|group| {
                event
                    .split_once('.')
                    .is_some_and(|(event_group, _)| event_group == group)
            })
    })
}

fuzz_target!(|data: &[u8]| {
    // pattern NUL event [NUL store]
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(3, '\0');
    let pattern = parts.next().unwrap_or_default();
    let event = parts.next().unwrap_or_default();
    let store = parts.next();
    let filter = match EventFilter::parse(pattern) {
        Ok(filter) => filter,
        Err(error) => {
            let _ = (error.to_string(), format!("{error:?}"));
            return;
        }
    };
    let matched = filter.matches(event, store);
    assert_eq!(
        matched,
        reference(pattern, event),
        "pattern {pattern:?} event {event:?}"
    );

    let canonical = filter.pattern();
    let again = EventFilter::parse(&canonical).expect("the canonical pattern parses");
    assert_eq!(again, filter);

    let json = serde_json::to_string(&filter).expect("serializes");
    let back: EventFilter = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(back, filter);

    let scoped = filter.clone().with_stores([store.unwrap_or("s")]);
    assert_eq!(scoped.matches(event, store), matched && store.is_some());
    let names: Vec<&str> = pattern.split('|').map(str::trim).collect();
    if let Ok(from_names) = EventFilter::from_names(&names) {
        assert_eq!(from_names, filter);
    }
});
