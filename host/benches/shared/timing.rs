//! Timing for the in-process benchmarks: run one read or write many times and print its
//! p50 and p99, asserting nothing.

use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize].as_secs_f64() * 1e3
}

/// Runs `one` `runs` times and prints `label` with the p50 and p99 of its times.
pub async fn timed<F, Fut>(label: &str, runs: usize, one: F)
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        one().await;
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "{label:<62} p50 {:>7.3} ms  p99 {:>7.3} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
}
