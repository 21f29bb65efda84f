//! Figures for the storage and sandbox design: durable plugin calls per second, with one
//! caller and with many concurrent callers sharing commits. Run with
//! `cargo bench -p helpdesk-host --bench plugin_calls`; it prints figures and asserts nothing.

use std::time::{Duration, Instant};

use helpdesk_host::runtime::SandboxLimits;
use helpdesk_host::runtime::capabilities::CHAT_PLUGIN_GRANTS;
use helpdesk_host::runtime::plugin::call_context;

#[path = "../tests/support/probe.rs"]
mod probe;
#[path = "../tests/support/test_host.rs"]
mod test_host;

use probe::{ProbePre, load_probe};
use test_host::TestHost as Bench;

/// The smallest durable call: a fresh instance that writes one key (what appending one
/// chat message costs at the least), as one job.
async fn minimal_write(bench: &Bench, probe: &ProbePre, key: String) {
    let sandbox = bench.sandbox.clone();
    let probe = probe.clone();
    bench
        .db
        .transact(move |scope| {
            sandbox
                .run_call(scope, "", |store| {
                    let instance = probe.instantiate(&mut *store)?;
                    instance.helpdesk_chat_probe().call_write(store, &key)
                })
                .map(|_| ())
        })
        .await
        .unwrap();
}

fn setup() -> Bench {
    let bench = Bench::start(SandboxLimits {
        concurrent_instances: 64,
        ..Default::default()
    });
    // The host caches compiled components; time a compile without the cache.
    let started = Instant::now();
    bench
        .sandbox
        .load_component(&test_host::plugin_wasm(), None, CHAT_PLUGIN_GRANTS)
        .unwrap();
    println!(
        "compile the component (no cache):          {:>10.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    bench
}

/// One presence change: online for alice, then offline, alternating by `i`.
async fn toggle(bench: &Bench, i: usize) {
    let ctx = call_context(Some("alice"), Some("SUP"));
    let online = i.is_multiple_of(2);
    bench
        .plugin
        .call(&bench.db, String::new(), move |p, store| {
            if online {
                p.helpdesk_chat_presence().call_go_online(store, &ctx, false, None)
            } else {
                p.helpdesk_chat_presence().call_go_offline(store, &ctx, false)
            }
        })
        .await
        .unwrap();
}

async fn read(bench: &Bench) {
    let ctx = call_context(Some("paula"), Some("SUP"));
    bench
        .plugin
        .call(&bench.db, String::new(), move |p, store| {
            p.helpdesk_chat_presence().call_project_presence(store, &ctx)
        })
        .await
        .unwrap();
}

fn report(label: &str, calls: usize, elapsed: Duration, stats_before: (u64, u64), bench: &Bench) {
    let (batches, jobs) = bench.db.stats().snapshot();
    let batches = batches - stats_before.0;
    let jobs = jobs - stats_before.1;
    println!(
        "{label:<42} {:>10.0} calls/s  {:>8.1} µs/call  {:>6.1} calls/commit",
        calls as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1e6 / calls as f64,
        jobs as f64 / batches.max(1) as f64
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let bench = setup();
    for i in 0..200 {
        toggle(&bench, i).await;
    }

    let calls = 2_000;
    let before = bench.db.stats().snapshot();
    let started = Instant::now();
    for i in 0..calls {
        toggle(&bench, i).await;
    }
    report(
        "presence change, one caller (durable)",
        calls,
        started.elapsed(),
        before,
        &bench,
    );

    let before = bench.db.stats().snapshot();
    let started = Instant::now();
    for _ in 0..calls {
        read(&bench).await;
    }
    report(
        "project presence read, one caller",
        calls,
        started.elapsed(),
        before,
        &bench,
    );

    let probe = load_probe(&bench.sandbox, None);
    for concurrency in [1, 512] {
        let calls = 20_000;
        let before = bench.db.stats().snapshot();
        let started = Instant::now();
        let (bench_ref, probe_ref) = (&bench, &probe);
        futures::future::join_all((0..concurrency).map(|worker| async move {
            for i in 0..calls / concurrency {
                minimal_write(bench_ref, probe_ref, format!("bench/{worker}/{i}")).await;
            }
        }))
        .await;
        report(
            &format!("minimal durable write, {concurrency} callers"),
            calls,
            started.elapsed(),
            before,
            &bench,
        );
    }

    for concurrency in [16, 128, 512] {
        let calls = 20_000;
        let before = bench.db.stats().snapshot();
        let started = Instant::now();
        let bench_ref = &bench;
        futures::future::join_all((0..concurrency).map(|worker| async move {
            for i in 0..calls / concurrency {
                toggle(bench_ref, worker + i).await;
            }
        }))
        .await;
        report(
            &format!("presence change, {concurrency} concurrent callers"),
            calls,
            started.elapsed(),
            before,
            &bench,
        );
    }
}
