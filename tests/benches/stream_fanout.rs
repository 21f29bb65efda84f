//! Push delivery under many open streams (SPEC PL-7): how long a presence change takes to
//! reach every one of N anonymous streams that each name the same topic many times, measured
//! across a whole stream re-check period. Prints figures and asserts nothing.
//!
//! `cargo bench -p helpdesk-e2e --bench stream_fanout` runs it against the host binary built
//! for the benchmark (`HELPDESK_HOST_BINARY` points at another one); `STREAMS`, `TOPICS` and
//! `SECONDS` change the load (defaults 1000, 32, 40).

use std::sync::Arc;
use std::time::{Duration, Instant};

use helpdesk_e2e::EventStream;
use helpdesk_e2e::bench::{BenchHost, percentile, setting};
use serde_json::json;
use tokio::sync::Mutex;

#[tokio::main]
async fn main() {
    let streams = setting("STREAMS", 1000);
    let topics = setting("TOPICS", 32);
    let seconds = setting("SECONDS", 40);
    let host = BenchHost::start();
    let base = host.base.clone();
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let query = vec!["topic=chat-status:SUP"; topics].join("&");
    let arrivals: Arc<Mutex<Vec<Vec<Instant>>>> = Arc::new(Mutex::new(vec![Vec::new(); streams]));
    let opened = Instant::now();
    let mut readers = Vec::new();
    for index in 0..streams {
        let response = client
            .get(format!("{base}/api/v1/stream?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "stream {index}");
        let arrivals = arrivals.clone();
        readers.push(tokio::spawn(async move {
            let mut events = EventStream::from_response(response);
            while let Some(event) = events.next_event_within(Duration::from_secs(3600)).await {
                if event.kind == "chat-status" {
                    arrivals.lock().await[index].push(Instant::now());
                }
            }
        }));
    }
    println!(
        "opened {streams} streams of {topics} topics in {:.1} s",
        opened.elapsed().as_secs_f64()
    );
    let login = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "user": "bob", "password": "demo" }))
        .send()
        .await
        .unwrap();
    let token = login.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let mut sent = Vec::new();
    let started = Instant::now();
    let mut online = true;
    while started.elapsed() < Duration::from_secs(seconds as u64) {
        let change = if online { "online" } else { "offline" };
        let at = Instant::now();
        let answer = client
            .post(format!("{base}/api/v1/projects/SUP/presence/{change}"))
            .bearer_auth(&token)
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success());
        sent.push(at);
        online = !online;
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let arrivals = arrivals.lock().await;
    let mut delays = Vec::new();
    let mut missing = 0;
    for (change, at) in sent.iter().enumerate() {
        for stream in arrivals.iter() {
            match stream.get(change) {
                Some(arrived) => delays.push(arrived.duration_since(*at).as_secs_f64() * 1e3),
                None => missing += 1,
            }
        }
    }
    let mut worst: Vec<(usize, f64)> = Vec::new();
    for (change, at) in sent.iter().enumerate() {
        let slowest = arrivals
            .iter()
            .filter_map(|stream| stream.get(change))
            .map(|arrived| arrived.duration_since(*at).as_secs_f64() * 1e3)
            .fold(0.0, f64::max);
        worst.push((change, slowest));
    }
    worst.sort_by(|a, b| b.1.total_cmp(&a.1));
    println!(
        "slowest changes (second sent, slowest stream ms): {:?}",
        worst.iter().take(5).map(|(c, ms)| (*c, ms.round())).collect::<Vec<_>>()
    );
    delays.sort_by(f64::total_cmp);
    println!(
        "{} changes x {streams} streams: delivery p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms  missing {missing}",
        sent.len(),
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        delays.last().copied().unwrap_or(0.0)
    );
    for reader in readers {
        reader.abort();
    }
}
