//! Verify throughput of one `Verifier` shared by 1 and by 2 threads (issue 12, goal 5: 2
//! threads ≥ 1.8× one thread). A small harness, not criterion: criterion measures one thread.
//!
//! ```text
//! cargo bench -p pos-webhooks-benches --bench threads            # 4096-byte and 256-byte bodies
//! cargo bench -p pos-webhooks-benches --bench threads -- 20000 9 # verifies per thread, rounds
//! ```
//!
//! Each round times `N` verifies on one thread, then `N` verifies on each of 2 threads started
//! together (`std::thread::scope`, a barrier so both start at once), all on the same
//! `&Verifier` and the same signed Standard Webhooks request. The best (shortest) time of the
//! rounds is kept for each, so a round disturbed by another process counts less; the ratio is
//! `2 × t(1 thread) / t(2 threads)` (1.0: no gain, 2.0: perfect scaling). The load average
//! before and after is printed: on a shared machine the second core may simply be busy.
//!
//! Two variants, one row each: `own body` (the goal's measure) gives each thread its own copy
//! of the body (its own `Bytes`, allocated by that thread) and its own `HeaderMap`, as a
//! server's requests each have their own, with the one `Verifier` shared; `shared body` (the
//! earlier harness) has both threads clone one `Bytes`, so every verify's clone and drop bump
//! one shared atomic reference count (a cache line written by both cores).
//!
//! Beside the wall-clock ratio, each thread's own CPU time (`/proc/thread-self/schedstat`,
//! nanoseconds on a CPU) is read before and after its verifies: CPU time per verify on each of
//! 2 threads ≈ on 1 thread means the threads do not slow each other (no shared mutable state,
//! no cache-line ping-pong), which is what 2× throughput needs once two cores are free. It is
//! printed as `cpu scaling = 2 × cpu(1 thread) / (cpu(thread a) + cpu(thread b))` per verify.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::HeaderMap;
use pos_webhooks::{Scheme, Verifier};

#[path = "inputs.rs"]
mod inputs;

use inputs::{NOW, secret, signed_headers};

fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

/// Nanoseconds this thread has spent on a CPU (Linux), or 0 when unknown.
fn thread_cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn run(verifier: &Verifier, headers: &HeaderMap, body: &Bytes, n: usize) {
    for _ in 0..n {
        black_box(
            verifier
                .verify(black_box(headers), black_box(body.clone()), NOW)
                .expect("valid"),
        );
    }
}

/// How the threads get the request: each its own copy, or one shared `Bytes` and `HeaderMap`.
#[derive(Clone, Copy, PartialEq)]
enum Inputs {
    Own,
    Shared,
}

fn measure(len: usize, n: usize, rounds: usize, inputs: Inputs) {
    let body = Bytes::from(format!("{{\"pad\":\"{}\"}}", "x".repeat(len - 10)));
    assert_eq!(body.len(), len);
    let verifier = Verifier::new(Scheme::Standard, [secret(Scheme::Standard)]).expect("verifier");
    let headers = signed_headers(Scheme::Standard, &body, NOW);
    run(&verifier, &headers, &body, n / 10); // warm up

    let mut one = Duration::MAX;
    let mut two = Duration::MAX;
    let mut cpu_one = u64::MAX;
    let mut cpu_two = u64::MAX;
    for _ in 0..rounds {
        let start = Instant::now();
        let cpu = thread_cpu_ns();
        run(&verifier, &headers, &body, n);
        cpu_one = cpu_one.min(thread_cpu_ns() - cpu);
        one = one.min(start.elapsed());

        let barrier = Barrier::new(2);
        let elapsed = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    let (verifier, headers, body, barrier) = (&verifier, &headers, &body, &barrier);
                    scope.spawn(move || {
                        // This thread's own request: a body and headers of its own.
                        let own = (inputs == Inputs::Own)
                            .then(|| (headers.clone(), Bytes::copy_from_slice(body)));
                        let (headers, body) = match &own {
                            Some((headers, body)) => (headers, body),
                            None => (headers, body),
                        };
                        barrier.wait();
                        let start = Instant::now();
                        let cpu = thread_cpu_ns();
                        run(verifier, headers, body, n);
                        (start, thread_cpu_ns() - cpu)
                    })
                })
                .collect();
            let done: Vec<(Instant, u64)> = workers
                .into_iter()
                .map(|w| w.join().expect("worker"))
                .collect();
            let first = done.iter().map(|d| d.0).min().expect("two starts");
            (first.elapsed(), done.iter().map(|d| d.1).sum::<u64>())
        });
        two = two.min(elapsed.0);
        cpu_two = cpu_two.min(elapsed.1);
    }
    let per_one = one.as_nanos() as f64 / n as f64;
    let per_two = two.as_nanos() as f64 / (2 * n) as f64;
    println!(
        "| standard/{len}, {} | {n} | {:.1} ns | {:.1} ns | {:.2}× | {:.1} ns | {:.1} ns | {:.2}× |",
        match inputs {
            Inputs::Own => "own body",
            Inputs::Shared => "shared body",
        },
        per_one,
        per_two,
        2.0 * one.as_secs_f64() / two.as_secs_f64(),
        cpu_one as f64 / n as f64,
        cpu_two as f64 / (2 * n) as f64,
        2.0 * cpu_one as f64 / cpu_two as f64,
    );
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(20_000);
    let rounds = args.get(1).copied().unwrap_or(7);
    println!("load average before: {}", load());
    println!(
        "| id | verifies per thread | 1 thread, wall per verify | 2 threads, wall / 2N | throughput 2 threads / 1 thread | 1 thread, cpu per verify | 2 threads, cpu per verify | cpu scaling |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for inputs in [Inputs::Own, Inputs::Shared] {
        measure(4096, n, rounds, inputs);
        measure(256, n * 8, rounds, inputs);
    }
    println!("load average after: {}", load());
}
