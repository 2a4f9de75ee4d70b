//! Event names on the command line, one style everywhere: the bare event type
//! (`order.finalized`), with the vendor from `--vendor` or inferred where only one vendor has
//! that type; the vendor-prefixed forms (`revel.order.finalized`, `mipos.order`,
//! `ordergroove`, `flowretail`, `linga.order`) still work. Also the sample body of each known
//! event (the crate's fixtures), for `trigger`.

use pos_webhooks::linga::CheckEventKind;
use pos_webhooks::{flow_retail, linga, mipos, ordergroove, parse_json, revel};

use crate::Failure;

/// A vendor whose payloads hookctl parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Vendor {
    Revel,
    Mipos,
    Linga,
    Ordergroove,
    FlowRetail,
}

impl Vendor {
    const ALL: [Vendor; 5] = [
        Vendor::Revel,
        Vendor::Mipos,
        Vendor::Linga,
        Vendor::Ordergroove,
        Vendor::FlowRetail,
    ];

    pub(crate) fn name(self) -> &'static str {
        match self {
            Vendor::Revel => "revel",
            Vendor::Mipos => "mipos",
            Vendor::Linga => "linga",
            Vendor::Ordergroove => "ordergroove",
            Vendor::FlowRetail => "flowretail",
        }
    }

    pub(crate) fn from_name(name: &str) -> Option<Vendor> {
        match name.to_ascii_lowercase().as_str() {
            "flow_retail" | "flow-retail" => Some(Vendor::FlowRetail),
            lower => Vendor::ALL.into_iter().find(|v| v.name() == lower),
        }
    }

    /// Whether this vendor's envelope carries its type, so any type parses the same way.
    fn any_type(self) -> bool {
        matches!(self, Vendor::Ordergroove | Vendor::FlowRetail)
    }
}

/// A known event: its vendor, bare type and sample body.
struct Known {
    vendor: Vendor,
    event_type: &'static str,
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    sample: &'static [u8],
}

const fn known(vendor: Vendor, event_type: &'static str, sample: &'static [u8]) -> Known {
    Known {
        vendor,
        event_type,
        sample,
    }
}

const LINGA_SAMPLE: &[u8] = br#"{"checkId": 7, "checkNumber": "1042", "total": 12.5}"#;

const KNOWN: &[Known] = &[
    known(
        Vendor::Revel,
        "order.finalized",
        include_bytes!("../../tests/fixtures/example-revel-order-finalized.json"),
    ),
    known(
        Vendor::Revel,
        "customer.created",
        include_bytes!("../../tests/fixtures/example-revel-customer-created.json"),
    ),
    known(
        Vendor::Revel,
        "customer.updated",
        include_bytes!("../../tests/fixtures/example-revel-customer-created.json"),
    ),
    known(
        Vendor::Revel,
        "rewardcard.created",
        include_bytes!("../../tests/fixtures/example-revel-rewardcard-created.json"),
    ),
    known(
        Vendor::Revel,
        "inout.stock",
        include_bytes!("../../tests/fixtures/example-revel-inout-stock.json"),
    ),
    known(
        Vendor::Revel,
        "menu.updated",
        include_bytes!("../../tests/fixtures/example-revel-menu-updated.json"),
    ),
    known(
        Vendor::Revel,
        "ping",
        include_bytes!("../../tests/fixtures/example-revel-ping.json"),
    ),
    known(
        Vendor::Mipos,
        "order",
        include_bytes!("../../tests/fixtures/example-mipos-order.json"),
    ),
    known(Vendor::Mipos, "menu", br#"{"store_id": "3"}"#),
    known(
        Vendor::Ordergroove,
        "order.success",
        include_bytes!("../../tests/fixtures/example-ordergroove-order.success.json"),
    ),
    known(
        Vendor::Ordergroove,
        "item.create",
        include_bytes!("../../tests/fixtures/example-ordergroove-item.create.json"),
    ),
    known(
        Vendor::Ordergroove,
        "subscriber.create",
        include_bytes!("../../tests/fixtures/example-ordergroove-subscriber.create.json"),
    ),
    known(
        Vendor::Ordergroove,
        "subscription.create",
        include_bytes!("../../tests/fixtures/example-ordergroove-subscription.create.json"),
    ),
    known(
        Vendor::FlowRetail,
        "order.settled",
        include_bytes!("../../tests/fixtures/example-flowretail-ORDER_SETTLED.json"),
    ),
    known(
        Vendor::FlowRetail,
        "order.delivered",
        include_bytes!("../../tests/fixtures/example-flowretail-ORDER_DELIVERED.json"),
    ),
    known(
        Vendor::FlowRetail,
        "order.handling_state_changed",
        include_bytes!("../../tests/fixtures/example-flowretail-ORDER_HANDLING_STATE_CHANGED.json"),
    ),
    known(
        Vendor::FlowRetail,
        "customer.create",
        include_bytes!("../../tests/fixtures/example-flowretail-CUSTOMER_CREATE.json"),
    ),
    known(Vendor::Linga, "order.opened", LINGA_SAMPLE),
    known(Vendor::Linga, "order.opened_in_pos", LINGA_SAMPLE),
    known(Vendor::Linga, "order.updated", LINGA_SAMPLE),
    known(Vendor::Linga, "order.closed", LINGA_SAMPLE),
];

/// The event forms the old `parse` listed (still accepted).
const LEGACY: &[&str] = &[
    "revel.order.finalized",
    "revel.customer.created",
    "revel.customer.updated",
    "revel.rewardcard.created",
    "revel.inout.stock",
    "revel.menu.updated",
    "revel.ping",
    "mipos.order",
    "mipos.menu",
    "ordergroove",
    "flowretail",
    "linga.order",
];

/// An event named on the command line, resolved to its vendor and bare type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Event {
    pub(crate) vendor: Vendor,
    /// The bare type; `None` for a vendor alone (`ordergroove`, `flowretail`: the envelope says).
    pub(crate) event_type: Option<String>,
}

fn is_known(vendor: Vendor, event_type: &str) -> bool {
    KNOWN
        .iter()
        .any(|k| k.vendor == vendor && k.event_type == event_type)
        || (vendor == Vendor::Linga && event_type == "order")
        || (vendor.any_type() && !event_type.is_empty())
}

fn unknown(name: &str) -> Failure {
    let bare: Vec<&str> = KNOWN.iter().map(|k| k.event_type).collect();
    Failure::usage(format_args!(
        "unknown event {name:?} (expected one of {}; or a bare type: {})",
        LEGACY.join(", "),
        bare.join(", ")
    ))
}

/// Splits a vendor prefix off `name`: `revel.order.finalized` → (Revel, `order.finalized`),
/// `ordergroove` → (Ordergroove, ``).
fn split_vendor(name: &str) -> Option<(Vendor, &str)> {
    if let Some(vendor) = Vendor::from_name(name) {
        return Some((vendor, ""));
    }
    let (prefix, rest) = name.split_once('.')?;
    Some((Vendor::from_name(prefix)?, rest))
}

/// Resolves `name` (bare or prefixed) with an optional `--vendor`.
pub(crate) fn resolve(name: &str, vendor: Option<&str>) -> Result<Event, Failure> {
    let flag = match vendor {
        Some(text) => Some(Vendor::from_name(text).ok_or_else(|| {
            Failure::usage(format_args!(
                "unknown vendor {text:?} (expected one of revel, mipos, linga, ordergroove, \
                 flowretail)"
            ))
        })?),
        None => None,
    };
    if let Some((vendor, rest)) = split_vendor(name) {
        if let Some(flag) = flag.filter(|flag| *flag != vendor) {
            return Err(Failure::usage(format_args!(
                "event {name:?} is a {} event, but --vendor says {}",
                vendor.name(),
                flag.name()
            )));
        }
        if rest.is_empty() {
            if vendor.any_type() {
                return Ok(Event {
                    vendor,
                    event_type: None,
                });
            }
            return Err(unknown(name));
        }
        if !is_known(vendor, rest) {
            return Err(unknown(name));
        }
        return Ok(Event {
            vendor,
            event_type: Some(rest.to_owned()),
        });
    }
    if let Some(vendor) = flag {
        if !is_known(vendor, name) {
            return Err(unknown(name));
        }
        return Ok(Event {
            vendor,
            event_type: Some(name.to_owned()),
        });
    }
    let mut vendors: Vec<Vendor> = KNOWN
        .iter()
        .filter(|k| k.event_type == name)
        .map(|k| k.vendor)
        .collect();
    vendors.dedup();
    match vendors.as_slice() {
        [vendor] => Ok(Event {
            vendor: *vendor,
            event_type: Some(name.to_owned()),
        }),
        [] => Err(unknown(name)),
        several => Err(Failure::usage(format_args!(
            "event {name:?} is ambiguous: give --vendor ({})",
            several
                .iter()
                .map(|v| v.name())
                .collect::<Vec<_>>()
                .join(" or ")
        ))),
    }
}

/// The bare type for `match` and `request`: a vendor prefix in front of a type that vendor has
/// is dropped (`revel.order.finalized` → `order.finalized`); anything else is kept as given.
pub(crate) fn bare(name: &str) -> &str {
    match split_vendor(name) {
        Some((vendor, rest)) if !rest.is_empty() && is_known(vendor, rest) => rest,
        _ => name,
    }
}

impl Event {
    /// The type sent on the wire (`linga.order` is Linga's update).
    pub(crate) fn wire_type(&self) -> &str {
        match (self.vendor, self.event_type.as_deref()) {
            (Vendor::Linga, Some("order") | None) => "order.updated",
            (Vendor::Ordergroove, None) => "order.success",
            (Vendor::FlowRetail, None) => "order.settled",
            (_, Some(event_type)) => event_type,
            (Vendor::Revel, None) => "ping",
            (Vendor::Mipos, None) => "order",
        }
    }

    /// The sample body of this event, from the crate's fixtures.
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) fn sample(&self) -> Result<&'static [u8], Failure> {
        let event_type = self.wire_type();
        KNOWN
            .iter()
            .find(|k| k.vendor == self.vendor && k.event_type == event_type)
            .map(|k| k.sample)
            .ok_or_else(|| {
                Failure::usage(format_args!(
                    "no sample for {} event {event_type:?} (samples: {})",
                    self.vendor.name(),
                    KNOWN
                        .iter()
                        .filter(|k| k.vendor == self.vendor)
                        .map(|k| k.event_type)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// Parses `body` into the vendor's typed model and re-serializes it as pretty JSON.
    pub(crate) fn parse_to_json(&self, body: &[u8]) -> Result<String, Failure> {
        let json = match self.vendor {
            Vendor::Mipos if self.wire_type() == "menu" => {
                to_json(&parse_json::<mipos::MenuRequest>(body).map_err(Failure::Unparsable)?)
            }
            Vendor::Mipos => {
                to_json(&parse_json::<mipos::Order>(body).map_err(Failure::Unparsable)?)
            }
            Vendor::Ordergroove => {
                to_json(&parse_json::<ordergroove::Envelope>(body).map_err(Failure::Unparsable)?)
            }
            Vendor::FlowRetail => {
                to_json(&parse_json::<flow_retail::Envelope>(body).map_err(Failure::Unparsable)?)
            }
            Vendor::Linga => {
                let kind = CheckEventKind::from_event_type(self.wire_type())
                    .unwrap_or(CheckEventKind::Updated);
                let check = linga::CheckEvent::parse(kind, bytes::Bytes::copy_from_slice(body))
                    .map_err(Failure::Unparsable)?;
                to_json(check.json())
            }
            Vendor::Revel => {
                let parsed = revel::RevelEvent::parse(self.wire_type(), body)
                    .map_err(Failure::Unparsable)?;
                to_json(
                    &parsed
                        .to_json()
                        .map_err(|e| Failure::usage(format_args!("cannot serialize: {e}")))?,
                )
            }
        }?;
        Ok(json)
    }
}

/// The model serialized exactly (untyped values keep their received text), then laid out as
/// `serde_json::to_string_pretty` lays it out: the models keep raw JSON text, which serde_json's
/// pretty printer writes as it is, so the indentation is done here, on the tokens.
pub(crate) fn to_json<T: serde::Serialize + ?Sized>(model: &T) -> Result<String, Failure> {
    let compact = serde_json::to_string(model)
        .map_err(|e| Failure::usage(format_args!("cannot serialize: {e}")))?;
    Ok(pretty(&compact))
}

/// Re-indents JSON text with two spaces per level, `": "` after keys and empty containers kept as
/// `{}` / `[]`, the layout of `serde_json::to_string_pretty`. Whitespace between tokens is dropped;
/// strings and numbers are copied as they are.
pub(crate) fn pretty(json: &str) -> String {
    let mut out = String::with_capacity(json.len() + json.len() / 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                    chars.next();
                }
                let close = if c == '{' { '}' } else { ']' };
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_ascii_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_matches_serde_json_layout() {
        for text in [
            r#"{"a":[1,2,{"b":null,"c":[]}],"d":{},"e":"x\\\"y,{:}","f":1e400,"g":[ ] }"#,
            r#"[]"#,
            r#"{"ping":"pong"}"#,
            r#"[{"a":{"b":[true,false]}}]"#,
        ] {
            let mut expected = text.to_owned();
            if let Ok(value) = serde_json::from_str::<serde_json::Value>(text) {
                expected = serde_json::to_string_pretty(&value).unwrap_or_default();
            }
            if text.contains("1e400") {
                // Beyond f64: serde_json cannot build the value; the number stays as written.
                assert!(pretty(text).contains("\"f\": 1e400"), "{}", pretty(text));
                continue;
            }
            assert_eq!(pretty(text), expected, "{text}");
        }
    }

    fn ok(name: &str, vendor: Option<&str>) -> (Vendor, Option<String>) {
        match resolve(name, vendor) {
            Ok(event) => (event.vendor, event.event_type),
            Err(failure) => panic!("{name}: {failure:?}"),
        }
    }

    #[test]
    fn bare_prefixed_and_vendor_flag_agree() {
        let want = (Vendor::Revel, Some("order.finalized".to_owned()));
        assert_eq!(ok("order.finalized", None), want);
        assert_eq!(ok("revel.order.finalized", None), want);
        assert_eq!(ok("order.finalized", Some("revel")), want);
        assert_eq!(ok("order", None), (Vendor::Mipos, Some("order".to_owned())));
        assert_eq!(ok("ordergroove", None), (Vendor::Ordergroove, None));
        assert_eq!(ok("flowretail", None), (Vendor::FlowRetail, None));
        assert_eq!(
            ok("order.cancel", Some("ordergroove")),
            (Vendor::Ordergroove, Some("order.cancel".to_owned()))
        );
        assert_eq!(ok("linga.order", None).0, Vendor::Linga);
        for legacy in LEGACY {
            resolve(legacy, None).unwrap();
        }
    }

    #[test]
    fn unknown_and_conflicting_names_are_usage_errors() {
        for (name, vendor) in [
            ("nope", None),
            ("revel.nope", None),
            ("revel", None),
            ("order.finalized", Some("mipos")),
            ("revel.ping", Some("mipos")),
            ("ping", Some("paypal")),
        ] {
            assert!(
                matches!(resolve(name, vendor), Err(Failure::Usage(_))),
                "{name} {vendor:?}"
            );
        }
    }

    #[test]
    fn bare_strips_only_known_prefixes() {
        assert_eq!(bare("revel.order.finalized"), "order.finalized");
        assert_eq!(bare("order.finalized"), "order.finalized");
        assert_eq!(bare("revel.custom"), "revel.custom");
        assert_eq!(bare("ordergroove.order.success"), "order.success");
    }

    #[test]
    fn every_known_sample_parses_as_its_event() {
        for known in KNOWN {
            let event = Event {
                vendor: known.vendor,
                event_type: Some(known.event_type.to_owned()),
            };
            let json = event.parse_to_json(known.sample).unwrap();
            let printed: serde_json::Value = serde_json::from_str(&json).unwrap();
            let original: serde_json::Value = serde_json::from_slice(known.sample).unwrap();
            assert_eq!(printed, original, "{}", known.event_type);
        }
    }
}
