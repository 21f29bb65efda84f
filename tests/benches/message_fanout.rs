//! One chat message fanned out to many push subscribers of its conversation (SPEC LC-9): the
//! time from sending the message to its arrival on each of N streams. Prints figures and
//! asserts nothing.
//!
//! `cargo bench -p helpdesk-e2e --bench message_fanout`; `STREAMS` (default 1000) and
//! `MESSAGES` (default 50, one every 200 ms) change the load.

use std::sync::Arc;
use std::time::{Duration, Instant};

use helpdesk_e2e::EventStream;
use helpdesk_e2e::bench::{BenchHost, percentile, setting};
use serde_json::{Value, json};
use tokio::sync::Mutex;

#[tokio::main]
async fn main() {
    let streams = setting("STREAMS", 1000);
    let messages = setting("MESSAGES", 50);
    let host = BenchHost::start();
    let base = host.base.clone();
    let client = reqwest::Client::builder().pool_max_idle_per_host(0).build().unwrap();
    let conversation: Value = client
        .post(format!("{base}/api/v1/projects/SUP/chat/conversations"))
        .header("sec-fetch-site", "same-origin")
        .header("x-visitor-token", "bench-visitor-token-xxxxxxxxxxxx")
        .json(&json!({ "client_id": "start", "body": "Hello", "page_url": null, "email": "v@example.test" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = conversation["id"].as_str().expect("a conversation").to_string();
    let login: Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({ "user": "bob", "password": "demo" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = login["token"].as_str().unwrap().to_string();

    // Each arrival: (stream, message seq, when).
    let arrivals: Arc<Mutex<Vec<(usize, u64, Instant)>>> = Arc::new(Mutex::new(Vec::new()));
    let opened = Instant::now();
    let mut readers = Vec::new();
    for index in 0..streams {
        let response = client
            .get(format!("{base}/api/v1/stream?topic=conversation:{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "stream {index}");
        let arrivals = arrivals.clone();
        readers.push(tokio::spawn(async move {
            let mut events = EventStream::from_response(response);
            while let Some(event) = events.next_event_within(Duration::from_secs(3600)).await {
                if event.kind == "chat-message" {
                    let seq = event.data["seq"].as_u64().unwrap_or(0);
                    arrivals.lock().await.push((index, seq, Instant::now()));
                }
            }
        }));
    }
    println!(
        "opened {streams} streams on conversation {id} in {:.1} s",
        opened.elapsed().as_secs_f64()
    );
    tokio::time::sleep(Duration::from_secs(1)).await;

    let mut sent = std::collections::HashMap::new();
    for n in 0..messages {
        let at = Instant::now();
        let answer: Value = client
            .post(format!("{base}/api/v1/chat/conversations/{id}/messages"))
            .bearer_auth(&token)
            .json(&json!({ "client_id": format!("m{n}"), "body": format!("Message {n}") }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        sent.insert(answer["seq"].as_u64().expect("a stored message"), at);
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_secs(3)).await;
    let arrivals = arrivals.lock().await;
    let mut delays: Vec<f64> = arrivals
        .iter()
        .filter_map(|(_, seq, at)| sent.get(seq).map(|sent| at.duration_since(*sent).as_secs_f64() * 1e3))
        .collect();
    let expected = messages * streams;
    delays.sort_by(f64::total_cmp);
    println!(
        "{messages} messages x {streams} streams: post-to-receipt p50 {:.1} ms  p99 {:.1} ms  max {:.1} ms  missing {}",
        percentile(&delays, 0.5),
        percentile(&delays, 0.99),
        delays.last().copied().unwrap_or(0.0),
        expected.saturating_sub(delays.len())
    );
    for reader in readers {
        reader.abort();
    }
}
