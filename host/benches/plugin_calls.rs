//! Figures for the storage and sandbox design: durable plugin calls per second, with one
//! caller and with many concurrent callers sharing commits, and reads beside them. Run with
//! `cargo bench -p helpdesk-host --bench plugin_calls`; it prints figures and asserts nothing.

use std::time::{Duration, Instant};

use helpdesk_host::runtime::Access::Read;
use helpdesk_host::runtime::SandboxLimits;

#[path = "../tests/integration/support.rs"]
mod support;

use support::{ProbePre, TestHost, load_probe, run_probe, user_in};

/// The smallest durable call: a fresh instance that writes one key (what appending one
/// chat message costs at the least), as one job.
async fn minimal_write(bench: &TestHost, probe: &ProbePre, key: String) {
    run_probe(bench, probe, move |p, store| p.call_write(store, &key).map(Ok))
        .await
        .unwrap();
}

/// One presence change: online for alice, then offline, alternating by `i`.
async fn toggle(bench: &TestHost, i: usize) {
    bench.set_online("alice", "SUP", i.is_multiple_of(2)).await.unwrap();
}

async fn read(bench: &TestHost) {
    bench
        .call(Read, user_in("paula", "SUP"), |p, store, ctx| {
            p.helpdesk_chat_presence().call_project_presence(store, ctx)
        })
        .await
        .unwrap();
}

fn report(
    label: &str,
    calls: usize,
    elapsed: Duration,
    before: helpdesk_host::storage::BackendStats,
    bench: &TestHost,
) {
    let after = bench.site.db.stats();
    let commits = after.commits - before.commits;
    let writes = after.writes - before.writes;
    let per_commit = if commits == 0 {
        "-".to_string()
    } else {
        format!("{:.1}", writes as f64 / commits as f64)
    };
    println!(
        "{label:<44} {:>9.0} calls/s  {:>8.1} µs/call  {per_commit:>6} calls/commit",
        calls as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / calls as f64,
    );
}

/// Runs `calls` calls of `one` from `concurrency` callers at once and reports the figures.
async fn measure<F, Fut>(bench: &TestHost, label: &str, calls: usize, concurrency: usize, one: F)
where
    F: Fn(usize, usize) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let before = bench.site.db.stats();
    let started = Instant::now();
    let one = &one;
    futures::future::join_all((0..concurrency).map(|worker| async move {
        for i in 0..calls / concurrency {
            one(worker, i).await;
        }
    }))
    .await;
    report(label, calls, started.elapsed(), before, bench);
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bench = TestHost::start(SandboxLimits::default()).await;
    // The host caches compiled components; time a compile without the cache.
    let started = Instant::now();
    bench
        .site
        .plugin
        .sandbox()
        .compile(&support::plugin_wasm(), None)
        .unwrap();
    println!(
        "compile the component (no cache):            {:>9.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    for i in 0..200 {
        toggle(&bench, i).await;
    }
    let bench = &bench;
    measure(bench, "presence change, one caller (durable)", 2_000, 1, |_, i| {
        toggle(bench, i)
    })
    .await;
    measure(bench, "project presence read, one caller", 2_000, 1, |_, _| read(bench)).await;
    measure(
        bench,
        "project presence read, 64 concurrent callers",
        20_000,
        64,
        |_, _| read(bench),
    )
    .await;
    let probe = load_probe(bench.site.plugin.sandbox(), None);
    let probe = &probe;
    for concurrency in [1, 512] {
        measure(
            bench,
            &format!("minimal durable write, {concurrency} callers"),
            20_000,
            concurrency,
            |worker, i| minimal_write(bench, probe, format!("bench/{worker}/{i}")),
        )
        .await;
    }
    for concurrency in [16, 128, 512] {
        measure(
            bench,
            &format!("presence change, {concurrency} concurrent callers"),
            20_000,
            concurrency,
            |worker, i| toggle(bench, worker + i),
        )
        .await;
    }
}
