//! What the parser targets share: one parser per input, chosen by its first byte.
//!
//! The first byte (modulo [`PARSERS`]`.len()`) picks the parser; the rest is the body. One parser
//! per input (instead of every parser on every input) is what makes the targets fast; the seeds
//! (`fuzz/seed.py`) carry the right first byte for each fixture.

#![allow(dead_code)] // each target uses part of it

/// The parsers, by selector.
pub const PARSERS: [&str; 13] = [
    "revel.order.finalized",
    "revel.customer.created",
    "revel.rewardcard.created",
    "revel.inout.stock",
    "revel.menu.updated",
    "revel.ping",
    "revel.other",
    "mipos.order",
    "mipos.menu",
    "ordergroove",
    "flowretail",
    "linga",
    "json",
];

/// The Revel event type of the selectors 0..=6.
pub const REVEL_EVENT_TYPES: [&str; 7] = [
    "order.finalized",
    "customer.created",
    "rewardcard.created",
    "inout.stock",
    "menu.updated",
    "ping",
    "timesheet.created",
];

/// The parser index and the body.
pub fn split(data: &[u8]) -> Option<(usize, &[u8])> {
    let (first, body) = data.split_first()?;
    Some((usize::from(*first) % PARSERS.len(), body))
}
