//! De-duplication: a key for every received webhook, how long to remember it, and a bounded
//! in-memory filter.
//!
//! Every platform sends *at least once*: a retry after a lost answer, Ordergroove's documented
//! duplicates, or a replay by whoever captured a request. A receiver that applies an order twice
//! has a bug; the key says which webhooks are the same message.

use core::fmt;

use sha2::{Digest as _, Sha256};

/// Default for how long a key is remembered ([`Receiver::dedup_ttl_secs`](crate::Receiver::dedup_ttl_secs)):
/// one day.
///
/// Senders retry for longer or shorter (Revel about 36 min, Shopify 4 h, Standard Webhooks /
/// Svix about 28 h over 8 attempts, Stripe and Ordergroove up to 3 days); set it to the horizon
/// of the sender in front of you.
pub const DEFAULT_DEDUP_TTL_SECS: u64 = 86_400;

/// Where a [`DedupKey`] was taken from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DedupSource {
    /// A message or event id header: `webhook-id` (or `svix-id`), `X-GitHub-Delivery`,
    /// `X-Shopify-Event-Id`, `X-Shopify-Webhook-Id`, `X-Revel-Event-Id`, `X-Revel-Message-Id`.
    /// The name is lowercase.
    Header(&'static str),
    /// The `id` field of the body (Ordergroove's envelope, a Stripe event).
    BodyId,
    /// No id: the SHA-256 digest of the verified body.
    BodyDigest,
    /// Built by the caller with [`DedupKey::custom`].
    Custom,
}

impl DedupSource {
    fn tag(self) -> &'static [u8] {
        match self {
            DedupSource::Header(name) => name.as_bytes(),
            DedupSource::BodyId => b"body id",
            DedupSource::BodyDigest => b"body digest",
            DedupSource::Custom => b"custom",
        }
    }
}

impl fmt::Display for DedupSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DedupSource::Header(name) => write!(f, "header {name}"),
            DedupSource::BodyId => f.write_str("body id"),
            DedupSource::BodyDigest => f.write_str("body digest"),
            DedupSource::Custom => f.write_str("custom"),
        }
    }
}

/// The de-duplication key of one received webhook, and until when it must be remembered.
///
/// The key is the SHA-256 digest of where the id came from and the id itself (or of the body,
/// when there is no id): fixed-size, so a filter's memory per key is fixed too, and safe to use
/// as a Redis key or a database column whatever bytes the sender put in its id. Its `Display`
/// form is the digest in lowercase hex (64 characters).
///
/// For a store shared by several receiver instances, use [`DedupKey::to_string`](ToString::to_string) and
/// [`DedupKey::ttl_secs`]: `SET <prefix><key> 1 NX EX <ttl>` in Redis (a reply of nil means
/// duplicate), or an insert into a table with a unique index on the key and the expiry as a
/// column (a unique violation means duplicate; delete rows past their expiry now and then).
/// Prefix the key with the endpoint's name when one store serves several endpoints.
///
/// ```
/// use pos_webhooks::{DedupKey, DedupSource};
/// let key = DedupKey::custom(b"order-417-finalized", 1_700_000_300);
/// assert_eq!(key.source(), DedupSource::Custom);
/// assert_eq!(key.to_string().len(), 64);
/// assert_eq!(key.ttl_secs(1_700_000_000), 300);
/// assert_eq!(key, DedupKey::custom(b"order-417-finalized", 1_700_000_900)); // same message
/// ```
///
/// Two keys are equal when they name the same message (the same digest), whatever their expiry.
#[derive(Clone, Copy)]
pub struct DedupKey {
    digest: [u8; 32],
    source: DedupSource,
    signed: bool,
    expires_at: i64,
}

impl DedupKey {
    pub(crate) fn new(source: DedupSource, id: &[u8], signed: bool, expires_at: i64) -> DedupKey {
        let mut hasher = Sha256::new();
        let tag = source.tag();
        // Length-prefixed, so no (source, id) pair can collide with another.
        hasher.update(u64::try_from(tag.len()).unwrap_or(u64::MAX).to_be_bytes());
        hasher.update(tag);
        hasher.update(id);
        DedupKey {
            digest: hasher.finalize().into(),
            source,
            signed,
            expires_at,
        }
    }

    /// A key for an id of the caller's choosing (an id inside the payload the crate does not
    /// know, say), remembered until `expires_at` (unix seconds, exclusive).
    pub fn custom(id: &[u8], expires_at: i64) -> DedupKey {
        DedupKey::new(DedupSource::Custom, id, false, expires_at)
    }

    /// The key's 32 bytes.
    pub fn digest(&self) -> &[u8; 32] {
        &self.digest
    }

    /// Where the id was taken from.
    pub fn source(&self) -> DedupSource {
        self.source
    }

    /// Whether the id is covered by the signature: Standard Webhooks' `webhook-id`, and the
    /// body's `id` or digest for schemes that sign the body (all but Linga's static token).
    ///
    /// An id taken from a header the scheme does not sign (`X-GitHub-Delivery`,
    /// `X-Shopify-Event-Id`, Revel's ids, `webhook-id` under other schemes) is what the sender
    /// stamped on every retry, so it de-duplicates retries; but whoever replays a captured
    /// request can change it. For schemes without a signed timestamp (Revel, miPOS, GitHub,
    /// Shopify, Square) the key is therefore no replay protection; check the body too (an
    /// order's own id and update time) before applying a change.
    pub fn is_signed(&self) -> bool {
        self.signed
    }

    /// Until when the key must be remembered: unix seconds, exclusive.
    pub fn expires_at(&self) -> i64 {
        self.expires_at
    }

    /// Seconds from `now` until the key may be forgotten (0 if it already may): the `EX` of
    /// a Redis `SET`.
    pub fn ttl_secs(&self, now: i64) -> u64 {
        u64::try_from(i128::from(self.expires_at) - i128::from(now)).unwrap_or(0)
    }

    /// The first 16 bytes as two words, never both zero (zero marks an empty slot).
    fn fingerprint(&self) -> [u64; 2] {
        let mut words = [0u64; 2];
        for (word, chunk) in words.iter_mut().zip(self.digest.chunks_exact(8)) {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(chunk);
            *word = u64::from_le_bytes(bytes);
        }
        let [a, b] = words;
        [a, b | 1]
    }
}

impl PartialEq for DedupKey {
    fn eq(&self, other: &DedupKey) -> bool {
        self.digest == other.digest
    }
}

impl Eq for DedupKey {}

impl core::hash::Hash for DedupKey {
    fn hash<H: core::hash::Hasher>(&self, state: &mut H) {
        self.digest.hash(state);
    }
}

impl fmt::Display for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.digest {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for DedupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DedupKey")
            .field("digest", &format_args!("{self}"))
            .field("source", &self.source)
            .field("signed", &self.signed)
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What [`DuplicateFilter::check`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seen {
    /// Not seen within its window: recorded now; apply the webhook.
    New,
    /// Seen within its window: answer 2xx and do not apply it again.
    Duplicate,
    /// The filter holds its maximum of unexpired keys: nothing recorded. Answer 503 so the
    /// sender retries later, by when keys will have expired.
    Full,
}

/// One slot: a key's fingerprint (`[0, 0]`: empty) and its expiry.
#[derive(Clone, Copy)]
struct Slot {
    fingerprint: [u64; 2],
    expires_at: i64,
}

const EMPTY: Slot = Slot {
    fingerprint: [0, 0],
    expires_at: 0,
};

/// How many slots a check also inspects to forget expired keys.
const SWEEP_PER_CHECK: usize = 2;

/// An in-memory duplicate filter with bounded memory: one receiver process's memory of the keys
/// it has seen, each until its [`DedupKey::expires_at`].
///
/// - **Bounded**: it holds at most `max_keys` keys, in a table allocated once by
///   [`DuplicateFilter::new`] (24 bytes per slot, two slots per key, rounded up to a power of
///   two: about 48 MB for a million keys). A check never allocates.
/// - **Forgets**: keys whose window has passed are dropped, a few slots per check and all at
///   once when the filter fills up.
/// - **When full** of unexpired keys, a new key is refused ([`Seen::Full`]; the receiver answers
///   503) rather than another key evicted: evicting would let a duplicate of the evicted key
///   through, silently, while a refusal only delays a webhook the sender retries. Size it for the
///   peak rate times the TTL.
/// - Keys are compared by their first 128 bits.
///
/// It is one process's memory: several receiver instances need a shared store instead (see
/// [`DedupKey`]).
///
/// ```
/// use pos_webhooks::{DedupKey, DuplicateFilter, Seen};
/// let mut filter = DuplicateFilter::new(1_000);
/// let key = DedupKey::custom(b"msg_1", 1_060); // remembered until 1060
/// assert_eq!(filter.check(&key, 1_000), Seen::New);
/// assert_eq!(filter.check(&key, 1_059), Seen::Duplicate);
/// assert_eq!(filter.check(&key, 1_060), Seen::New); // its window has passed
/// ```
#[derive(Clone)]
pub struct DuplicateFilter {
    slots: Box<[Slot]>,
    mask: usize,
    len: usize,
    max_keys: usize,
    cursor: usize,
    /// No key expires before this (a lower bound).
    soonest: i64,
}

impl fmt::Debug for DuplicateFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DuplicateFilter")
            .field("len", &self.len)
            .field("max_keys", &self.max_keys)
            .finish_non_exhaustive()
    }
}

impl DuplicateFilter {
    /// A filter holding at most `max_keys` keys (at least 1), its table allocated now.
    pub fn new(max_keys: usize) -> DuplicateFilter {
        let max_keys = max_keys.max(1);
        let slots = max_keys
            .checked_mul(2)
            .and_then(usize::checked_next_power_of_two)
            .unwrap_or(1 << (usize::BITS - 1))
            .max(8);
        DuplicateFilter {
            slots: vec![EMPTY; slots].into_boxed_slice(),
            mask: slots - 1,
            len: 0,
            max_keys: max_keys.min(slots / 2),
            cursor: 0,
            soonest: i64::MAX,
        }
    }

    /// How many keys it holds, expired ones not yet dropped included (never more than
    /// [`max_keys`](DuplicateFilter::max_keys)).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds no key.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The most keys it holds.
    pub fn max_keys(&self) -> usize {
        self.max_keys
    }

    /// Slots in its table: fixed at construction (memory is this times 24 bytes).
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Checks `key` at time `now` and records it if it is new: [`Seen::Duplicate`] if it was
    /// recorded before and its window has not passed (`now < key.expires_at()` of the first
    /// one), else [`Seen::New`], or [`Seen::Full`] if it cannot be recorded. A duplicate does
    /// not extend the window.
    pub fn check(&mut self, key: &DedupKey, now: i64) -> Seen {
        self.sweep(now);
        let fingerprint = key.fingerprint();
        let mut reusable = None;
        let mut i = self.home(fingerprint);
        for _ in 0..self.slots.len() {
            let Some(slot) = self.slots.get_mut(i) else {
                break;
            };
            if slot.fingerprint == fingerprint {
                if slot.expires_at > now {
                    return Seen::Duplicate;
                }
                slot.expires_at = key.expires_at;
                self.soonest = self.soonest.min(key.expires_at);
                return Seen::New;
            }
            if slot.fingerprint == [0, 0] {
                break;
            }
            if slot.expires_at <= now && reusable.is_none() {
                reusable = Some(i);
            }
            i = (i + 1) & self.mask;
        }
        let at = match reusable {
            // An expired key on the probe path: replaced, the count unchanged.
            Some(at) => at,
            None => {
                if self.len >= self.max_keys {
                    self.purge(now);
                    if self.len >= self.max_keys {
                        return Seen::Full;
                    }
                }
                // The purge may have moved keys: look for the empty slot again.
                match self.vacant(fingerprint) {
                    Some(at) => {
                        self.len += 1;
                        at
                    }
                    None => return Seen::Full,
                }
            }
        };
        if let Some(slot) = self.slots.get_mut(at) {
            *slot = Slot {
                fingerprint,
                expires_at: key.expires_at,
            };
        }
        self.soonest = self.soonest.min(key.expires_at);
        Seen::New
    }

    /// Forgets `key` (the receiver could not apply the webhook, so its retry must not count as
    /// a duplicate). Returns whether it was held.
    pub fn forget(&mut self, key: &DedupKey) -> bool {
        let fingerprint = key.fingerprint();
        let mut i = self.home(fingerprint);
        for _ in 0..self.slots.len() {
            match self.slots.get(i) {
                Some(slot) if slot.fingerprint == fingerprint => {
                    self.remove(i);
                    return true;
                }
                Some(slot) if slot.fingerprint != [0, 0] => i = (i + 1) & self.mask,
                _ => return false,
            }
        }
        false
    }

    fn home(&self, fingerprint: [u64; 2]) -> usize {
        // The digest is uniform: its low bits are as good an index as any.
        usize::try_from(fingerprint[0] & (self.mask as u64)).unwrap_or(0)
    }

    /// The first empty slot on `fingerprint`'s probe path.
    fn vacant(&self, fingerprint: [u64; 2]) -> Option<usize> {
        let mut i = self.home(fingerprint);
        for _ in 0..self.slots.len() {
            if self.slots.get(i)?.fingerprint == [0, 0] {
                return Some(i);
            }
            i = (i + 1) & self.mask;
        }
        None
    }

    /// Drops expired keys from a few slots at the cursor.
    fn sweep(&mut self, now: i64) {
        if self.len == 0 {
            return;
        }
        for _ in 0..SWEEP_PER_CHECK {
            let i = self.cursor;
            match self.slots.get(i) {
                // Removing shifts a later key into `i`: it is looked at on the next check.
                Some(slot) if slot.fingerprint != [0, 0] && slot.expires_at <= now => {
                    self.remove(i);
                }
                _ => self.cursor = (i + 1) & self.mask,
            }
        }
    }

    /// Drops every expired key; scans nothing while none can have expired yet.
    fn purge(&mut self, now: i64) {
        if now < self.soonest {
            return;
        }
        let mut soonest = i64::MAX;
        let mut i = 0;
        while i < self.slots.len() {
            match self.slots.get(i) {
                Some(slot) if slot.fingerprint != [0, 0] && slot.expires_at <= now => {
                    // A later key may shift into `i`: look at `i` again.
                    self.remove(i);
                }
                Some(slot) => {
                    if slot.fingerprint != [0, 0] {
                        soonest = soonest.min(slot.expires_at);
                    }
                    i += 1;
                }
                None => break,
            }
        }
        self.soonest = soonest;
    }

    /// Empties slot `i`, moving later keys of the same run back so every key stays reachable
    /// from its home slot without crossing an empty one (linear probing's backward shift).
    fn remove(&mut self, mut i: usize) {
        let mut j = i;
        loop {
            j = (j + 1) & self.mask;
            let Some(&next) = self.slots.get(j) else {
                break;
            };
            if next.fingerprint == [0, 0] {
                break;
            }
            let home = self.home(next.fingerprint);
            // `next` may move to `i` unless its home lies cyclically in (i, j].
            let stays = if i <= j {
                i < home && home <= j
            } else {
                i < home || home <= j
            };
            if !stays {
                if let Some(slot) = self.slots.get_mut(i) {
                    *slot = next;
                }
                i = j;
            }
        }
        if let Some(slot) = self.slots.get_mut(i) {
            *slot = EMPTY;
        }
        self.len = self.len.saturating_sub(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u64, expires_at: i64) -> DedupKey {
        DedupKey::custom(&n.to_le_bytes(), expires_at)
    }

    /// Every held key is found from its home slot without crossing an empty slot.
    fn assert_reachable(filter: &DuplicateFilter) {
        let mut held = 0;
        for (at, slot) in filter.slots.iter().enumerate() {
            if slot.fingerprint == [0, 0] {
                continue;
            }
            held += 1;
            let mut i = filter.home(slot.fingerprint);
            while i != at {
                assert_ne!(
                    filter.slots[i].fingerprint,
                    [0, 0],
                    "key at {at} unreachable"
                );
                i = (i + 1) & filter.mask;
            }
        }
        assert_eq!(held, filter.len);
    }

    #[test]
    fn forgets_and_refuses_when_full() {
        let mut filter = DuplicateFilter::new(4);
        assert_eq!(filter.max_keys(), 4);
        assert_eq!(filter.capacity(), 8);
        for n in 0..4 {
            assert_eq!(filter.check(&key(n, 100), 0), Seen::New);
        }
        assert_eq!(filter.len(), 4);
        assert_eq!(filter.check(&key(9, 100), 50), Seen::Full);
        assert_eq!(filter.check(&key(0, 100), 50), Seen::Duplicate);
        // Once the window passed, room again.
        assert_eq!(filter.check(&key(9, 200), 100), Seen::New);
        assert!(filter.len() <= 4);
        assert_reachable(&filter);
    }

    #[test]
    fn removal_keeps_every_key_reachable() {
        let mut filter = DuplicateFilter::new(64);
        for n in 0..64 {
            assert_eq!(filter.check(&key(n, (n % 5) as i64 + 1), 0), Seen::New);
        }
        assert_reachable(&filter);
        for now in 1..6 {
            filter.purge(now);
            assert_reachable(&filter);
        }
        assert!(filter.is_empty());
        for n in 0..64 {
            filter.check(&key(n, 10), 6);
        }
        for n in (0..64).step_by(3) {
            assert!(filter.forget(&key(n, 10)));
            assert!(!filter.forget(&key(n, 10)));
            assert_reachable(&filter);
        }
        for n in 0..64 {
            let expected = if n % 3 == 0 {
                Seen::New
            } else {
                Seen::Duplicate
            };
            assert_eq!(filter.check(&key(n, 10), 7), expected, "{n}");
        }
    }

    #[test]
    fn keys_differ_by_source() {
        let a = DedupKey::new(DedupSource::Header("webhook-id"), b"1", true, 0);
        let b = DedupKey::new(DedupSource::BodyId, b"1", true, 0);
        assert_ne!(a.digest(), b.digest());
        assert_eq!(a.ttl_secs(5), 0);
    }
}
