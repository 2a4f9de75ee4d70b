//! The interleaved timing behind the benches' `VERIFY_TIMES`, `PARSE_TIMES` and `REQUESTS_TIME`
//! modes (included by each with `#[path = "interleave.rs"] mod interleave;`): on a shared
//! machine the minimum of many short interleaved batches is steadier than one long run per id,
//! and interleaving puts the machine's slow and fast moments on every id alike.

use std::time::Instant;

/// Each round times a batch of `batch` calls of every one of `runs` in turn; returns each run's
/// minimum and median time per call over the `rounds`, in seconds.
pub fn min_median(runs: &[&dyn Fn()], batch: u32, rounds: usize) -> Vec<(f64, f64)> {
    let mut samples = vec![Vec::with_capacity(rounds); runs.len()];
    for _ in 0..rounds {
        for (run, samples) in runs.iter().zip(&mut samples) {
            let start = Instant::now();
            for _ in 0..batch {
                run();
            }
            samples.push(start.elapsed().as_secs_f64() / f64::from(batch));
        }
    }
    samples
        .into_iter()
        .map(|mut samples| {
            samples.sort_by(f64::total_cmp);
            let min = samples.first().copied().unwrap_or(f64::NAN);
            let median = samples.get(samples.len() / 2).copied().unwrap_or(f64::NAN);
            (min, median)
        })
        .collect()
}
