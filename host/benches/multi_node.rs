//! Figures for several nodes on PostgreSQL beside SQLite (SPEC PL-6): durable plugin calls
//! per second with their p50/p99, on SQLite, on PostgreSQL with one node and with two nodes
//! on one database (two sites in this process, each with its own connections), and how long
//! an event committed on one node takes to reach a stream on the other. Needs a PostgreSQL
//! server: `HELPDESK_TEST_POSTGRES_URL=$(.ci/postgres) cargo bench -p helpdesk-host --bench
//! multi_node`. Prints figures and asserts nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use helpdesk_host::push::{StreamOwner, StreamSignal};
use helpdesk_host::runtime::SandboxLimits;
use helpdesk_host::storage::StorageFailure;
use helpdesk_host::storage::postgres::scratch::ScratchDatabase;

#[path = "../tests/integration/support.rs"]
mod support;

use support::{ProbePre, TestHost, load_probe, run_probe};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

/// `calls` smallest durable calls (a fresh instance writing one key of its own) from
/// `callers` concurrent callers spread over `nodes`; prints calls/s, p50 and p99.
async fn durable_writes(label: &str, nodes: &[(&TestHost, &ProbePre)], calls: usize, callers: usize) {
    let started = Instant::now();
    let retries_before: u64 = nodes.iter().map(|(n, _)| n.site.db.stats().retries).sum();
    let per_caller = calls / callers;
    let times: Vec<Vec<Duration>> = futures::future::join_all((0..callers).map(|caller| async move {
        let (node, probe) = nodes[caller % nodes.len()];
        let mut times = Vec::with_capacity(per_caller);
        for i in 0..per_caller {
            let key = format!("bench/{label}/{caller}/{i}");
            let one = Instant::now();
            run_probe(node, probe, move |p, store| p.call_write(store, &key).map(Ok))
                .await
                .unwrap();
            times.push(one.elapsed());
        }
        times
    }))
    .await;
    let elapsed = started.elapsed();
    let mut all: Vec<Duration> = times.into_iter().flatten().collect();
    all.sort();
    let retries: u64 = nodes.iter().map(|(n, _)| n.site.db.stats().retries).sum::<u64>() - retries_before;
    println!(
        "{label:<24} {callers:>3} callers {:>7.0} calls/s  p50 {:>6.2} ms  p99 {:>6.2} ms  retries {retries}",
        all.len() as f64 / elapsed.as_secs_f64(),
        ms(percentile(&all, 0.5)),
        ms(percentile(&all, 0.99)),
    );
}

/// Events committed on `from`, one at a time, timed from the write's start (through its
/// durable commit) to their arrival in a stream subscribed on `to`.
async fn push_latency(label: &str, from: &TestHost, to: &TestHost, events: usize) {
    let mut subscription = to
        .site
        .hub
        .subscribe(&["bench:latency".to_string()], StreamOwner::default(), None)
        .unwrap();
    let mut times = Vec::with_capacity(events);
    for n in 0..events {
        let submitted = Instant::now();
        from.site
            .db
            .write(move |slot| -> Result<(), StorageFailure> {
                Ok(slot
                    .tx()?
                    .publish("bench:latency", "tick", &format!("{{\"n\":{n}}}"), 0)?)
            })
            .await
            .unwrap();
        match tokio::time::timeout(Duration::from_secs(5), subscription.signals.recv()).await {
            Ok(Some(StreamSignal::Event(_))) => times.push(submitted.elapsed()),
            other => panic!("event {n} did not arrive: {:?}", other.is_ok()),
        }
    }
    times.sort();
    println!(
        "{label:<36} {events:>5} events  p50 {:>7.3} ms  p99 {:>7.3} ms",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let Ok(admin) = std::env::var("HELPDESK_TEST_POSTGRES_URL") else {
        eprintln!("set HELPDESK_TEST_POSTGRES_URL (HELPDESK_TEST_POSTGRES_URL=$(.ci/postgres))");
        return;
    };
    let calls = std::env::var("CALLS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(4_000);

    let sqlite = TestHost::start(SandboxLimits::default()).await;
    let sqlite_probe = load_probe(sqlite.site.plugin.sandbox(), None);
    for callers in [1, 64] {
        durable_writes("SQLite, one node", &[(&sqlite, &sqlite_probe)], calls, callers).await;
    }
    push_latency("push, SQLite, same node", &sqlite, &sqlite, 1_000).await;
    drop(sqlite);

    let scratch = ScratchDatabase::create(&admin, "helpdesk_bench").expect("the PostgreSQL server answers");
    let a = Arc::new(TestHost::start_on(SandboxLimits::default(), Some(scratch.url.clone())).await);
    let a_probe = load_probe(a.site.plugin.sandbox(), None);
    for callers in [1, 64] {
        durable_writes("PostgreSQL, one node", &[(&a, &a_probe)], calls, callers).await;
    }
    push_latency("push, PostgreSQL, same node", &a, &a, 1_000).await;

    let b = TestHost::start_on(SandboxLimits::default(), Some(scratch.url.clone())).await;
    let b_probe = load_probe(b.site.plugin.sandbox(), None);
    for callers in [2, 64] {
        durable_writes(
            "PostgreSQL, two nodes",
            &[(&a, &a_probe), (&b, &b_probe)],
            calls,
            callers,
        )
        .await;
    }
    push_latency("push, PostgreSQL, node A to node B", &a, &b, 1_000).await;
}
