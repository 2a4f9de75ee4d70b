//! The counting global allocator of the allocation tests (`tests/alloc.rs`,
//! `tests/duplicates_alloc.rs`, `tests/fanout_alloc.rs`), included by each with
//! `#[path = "support/counting.rs"] mod counting;`: every test binary gets its own
//! `#[global_allocator]`.
//!
//! Counting is per thread (a thread-local switch and counters, all `const`-initialised so the
//! allocator itself never allocates), so tests running in parallel do not disturb each other.
//! Reallocations count as allocations.

// Each test binary uses part of it.
#![allow(dead_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::hint::black_box;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static COUNT: Cell<usize> = const { Cell::new(0) };
    static BYTES: Cell<usize> = const { Cell::new(0) };
}

fn note(size: usize) {
    // `try_with`: allocations during thread teardown are simply not counted.
    if COUNTING.try_with(Cell::get).unwrap_or(false) {
        let _ = COUNT.try_with(|count| count.set(count.get() + 1));
        let _ = BYTES.try_with(|bytes| bytes.set(bytes.get() + size));
    }
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; counting
// touches only `const`-initialised thread-locals, which never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: forwarded as is; the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note(layout.size());
        // SAFETY: as above.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note(new_size);
        // SAFETY: as above; `ptr` was allocated by `System` through this wrapper.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Runs `f`; returns its result, the allocations and the bytes allocated on this thread. The
/// result is dropped by the caller, outside the count.
pub fn count_bytes<R>(f: impl FnOnce() -> R) -> (R, usize, usize) {
    COUNT.with(|count| count.set(0));
    BYTES.with(|bytes| bytes.set(0));
    COUNTING.with(|on| on.set(true));
    let result = black_box(f());
    COUNTING.with(|on| on.set(false));
    (result, COUNT.with(Cell::get), BYTES.with(Cell::get))
}

/// Runs `f`, returning its result and how many allocations (and reallocations) it made on
/// this thread. The result is dropped by the caller, outside the count.
pub fn count<R>(f: impl FnOnce() -> R) -> (R, usize) {
    let (result, allocations, _) = count_bytes(f);
    (result, allocations)
}
