//! `dispatch-demo`: pos-webhooks with real parts. A POS dispatcher keeps its outbox and the
//! crate's per-(message, endpoint) attempt states in SQLite, sends with reqwest and does what
//! the crate decides; a partner receiver (axum) verifies, de-duplicates and applies orders to
//! its own SQLite table while injecting faults; the dispatcher is killed and started again
//! mid-run. See `ARCHITECTURE.md` at the repository's root.
//!
//! - [`attempts`]: the one place the demo calls the crate's send-attempt state machine;
//! - [`dispatcher`]: the sender loop (child process `dispatch-demo dispatcher --db ...`);
//! - [`receiver`]: the receiver and its faults;
//! - [`scenario`]: the orchestration and the summary.

pub mod attempts;
pub mod dispatcher;
pub mod receiver;
pub mod scenario;

/// Milliseconds since the unix epoch, from the system clock.
pub fn unix_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// A small seeded generator (splitmix64) for the fault choices: runs are reproducible by seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}
