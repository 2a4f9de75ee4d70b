//! The one hash of the crate's lookup tables (`EventFilter`'s names, `EndpointSet`'s fan-out
//! index): deterministic, keyed by the caller (no RNG in the library), a few multiplications
//! per 16 bytes. Neither table relies on it alone against chosen keys: each bounds its buckets
//! and falls back to an ordered search.

/// The 128-bit product of `a` and `b`, its halves folded together.
pub(crate) fn fold_mul(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// `N` bytes of `bytes` from `at`, zero when out of range (never, for the callers below).
fn read<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(src) = bytes.get(at..at + N) {
        out.copy_from_slice(src);
    }
    out
}

/// A keyed hash of `bytes` (folded multiplications over 16-byte blocks, the length mixed in):
/// for one key, two texts of the same length differ in at least one word it reads. Chained
/// (`keyed(keyed(k, a), b)`), each part's length goes in, so where one part ends counts.
pub(crate) fn keyed(key: u64, bytes: &[u8]) -> u64 {
    const K0: u64 = 0x243f_6a88_85a3_08d3;
    const K1: u64 = 0x1319_8a2e_0370_7344;
    const K2: u64 = 0xa409_3822_299f_31d0;
    let len = bytes.len();
    let h = key ^ (len as u64).wrapping_mul(K2);
    let k1 = key.rotate_left(32) ^ K1;
    let (a, b) = match len {
        0 => (0, 0),
        1..=3 => {
            let byte = |at: usize| u64::from(bytes.get(at).copied().unwrap_or(0));
            (byte(0) | byte(len / 2) << 8 | byte(len - 1) << 16, 0)
        }
        4..=7 => (
            u64::from(u32::from_le_bytes(read(bytes, 0))),
            u64::from(u32::from_le_bytes(read(bytes, len - 4))),
        ),
        8..=16 => (
            u64::from_le_bytes(read(bytes, 0)),
            u64::from_le_bytes(read(bytes, len - 8)),
        ),
        _ => {
            let mut h = h;
            let mut blocks = bytes.chunks_exact(16);
            for block in &mut blocks {
                h = fold_mul(
                    u64::from_le_bytes(read(block, 0)) ^ K0 ^ h,
                    u64::from_le_bytes(read(block, 8)) ^ k1,
                );
            }
            if !blocks.remainder().is_empty() {
                h = fold_mul(
                    u64::from_le_bytes(read(bytes, len - 16)) ^ K0 ^ h,
                    u64::from_le_bytes(read(bytes, len - 8)) ^ k1,
                );
            }
            return fold_mul(h ^ K2, k1 ^ K0);
        }
    };
    fold_mul(a ^ K0 ^ h, b ^ k1)
}
