//! Crash safety of chat messages (LC-9): customers and an agent post under load while the
//! host is killed with SIGKILL at random moments. After every restart each acknowledged
//! message is there exactly once and in the order its sender sent it, a message whose answer
//! was lost is there at most once (and sending it again stores it once), the conversation's
//! numbers have no gaps, and SQLite's `PRAGMA integrity_check` passes.
//!
//! `CRASH_CYCLES` sets the number of kills (50 by default, as CI runs it) and `CRASH_SEED`
//! repeats a run's random moments; the seed is printed at the start.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use helpdesk_e2e::{ApiClient, HostProcess};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Customers writing at once in each cycle, each in a conversation of their own.
const CUSTOMERS_PER_CYCLE: usize = 3;
/// Messages one customer sends at most (below the 30 a minute a customer may send).
const MESSAGES_PER_CUSTOMER: usize = 20;

/// One message a test client sent, and whether the host acknowledged it.
#[derive(Debug, Clone)]
struct Sent {
    client_id: String,
    body: String,
    /// Who sent it: one sequential writer, so its messages must keep their sending order.
    writer: String,
    acknowledged: bool,
}

/// What was sent into each conversation, in sending order per writer.
#[derive(Default)]
struct Ledger {
    conversations: HashMap<String, Vec<Sent>>,
    /// Messages whose answer the kill cut off, and how many of them had been stored.
    lost_answers: usize,
    lost_but_stored: usize,
}

type SharedLedger = Arc<Mutex<Ledger>>;

/// A customer of one cycle: a visitor token and an address of their own (through the
/// trusted proxy), so the per-address limits do not mix the test's writers together.
struct Customer {
    token: String,
    address: String,
    start_body: String,
    conversation: Option<String>,
}

fn bearer(token: &str) -> reqwest::Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("authorization", format!("Bearer {token}").parse().unwrap());
    reqwest::Client::builder().default_headers(headers).build().unwrap()
}

fn start_host(dir: &Path) -> HostProcess {
    HostProcess::start_with(dir, &["--trusted-proxy", "127.0.0.1"])
}

#[tokio::test]
async fn lc_9_acknowledged_messages_survive_sigkill_exactly_once_in_order() {
    let cycles: usize = std::env::var("CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let seed: u64 = std::env::var("CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test: {cycles} cycles, CRASH_SEED={seed}");
    // The kill moments, repeatable from the seed.
    let mut moments = StdRng::seed_from_u64(seed);
    let dir = tempfile::tempdir().unwrap();
    let ledger: SharedLedger = Arc::default();
    let mut customers: Vec<Customer> = Vec::new();

    let mut host = start_host(dir.path());
    let (status, login) = ApiClient::anonymous(&host.base_url)
        .post("/api/v1/auth/login", json!({ "user": "bob", "password": "demo" }))
        .await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let bob = bearer(login["token"].as_str().unwrap());

    for cycle in 0..cycles {
        // Starts whose answer was lost are sent again: the same client id gives back the
        // conversation if it was stored, or starts it now.
        for customer in customers.iter_mut().filter(|c| c.conversation.is_none()) {
            let visitor = ApiClient::visitor_from(&host.base_url, &customer.token, &customer.address);
            let (status, conv) = visitor
                .post(
                    "/api/v1/projects/SUP/chat/conversations",
                    start_message(&customer.start_body),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "cycle {cycle}: starting again: {conv}");
            let id = conv["id"].as_str().unwrap().to_string();
            ledger
                .lock()
                .unwrap()
                .conversations
                .entry(id.clone())
                .or_default()
                .push(Sent {
                    client_id: "start".into(),
                    body: customer.start_body.clone(),
                    writer: customer.token.clone(),
                    acknowledged: true,
                });
            customer.conversation = Some(id);
        }
        verify_and_resend(&host.base_url, &bob, &ledger, &customers, cycle, false).await;

        let first_new = customers.len();
        for n in 0..CUSTOMERS_PER_CYCLE {
            customers.push(Customer {
                token: format!("crash-visitor-{cycle:04}-{n}-aaaaaaaaaaaa"),
                address: format!("10.{}.{}.{}", cycle / 250, cycle % 250, n + 1),
                start_body: format!("Hello from customer {n} of cycle {cycle}"),
                conversation: None,
            });
        }
        let writers = customers[first_new..]
            .iter()
            .map(|c| {
                tokio::spawn(customer_writes(
                    host.base_url.clone(),
                    c.token.clone(),
                    c.address.clone(),
                    c.start_body.clone(),
                    ledger.clone(),
                ))
            })
            .collect::<Vec<_>>();
        let killed = Arc::new(AtomicBool::new(false));
        let agent = tokio::spawn(agent_writes(
            host.base_url.clone(),
            bob.clone(),
            cycle,
            ledger.clone(),
            killed.clone(),
        ));

        tokio::time::sleep(Duration::from_millis(moments.random_range(20..400))).await;
        host.stop(); // SIGKILL
        killed.store(true, Ordering::SeqCst);
        for (writer, customer) in writers.into_iter().zip(&mut customers[first_new..]) {
            customer.conversation = writer.await.unwrap();
        }
        agent.await.unwrap();

        let integrity = integrity_check(&dir.path().join("helpdesk.db"));
        assert_eq!(integrity, "ok", "cycle {cycle}: PRAGMA integrity_check");
        host = start_host(dir.path());
    }

    // Every conversation of the whole run, checked once more after the last restart.
    verify_and_resend(&host.base_url, &bob, &ledger, &customers, cycles, true).await;
    let ledger = ledger.lock().unwrap();
    let total: usize = ledger.conversations.values().map(Vec::len).sum();
    eprintln!(
        "crash test: {cycles} kills, {} conversations, {total} messages checked; {} answers cut off by a kill, {} of those messages had been stored",
        ledger.conversations.len(),
        ledger.lost_answers,
        ledger.lost_but_stored
    );
    host.stop();
}

fn start_message(body: &str) -> Value {
    json!({ "client_id": "start", "body": body, "page_url": "https://shop.example/", "email": "crash@example.test" })
}

/// One customer: starts a conversation, then sends messages one after another until the
/// host dies or the customer has said enough. Returns the conversation, if its start was
/// acknowledged.
async fn customer_writes(
    base_url: String,
    token: String,
    address: String,
    start_body: String,
    ledger: SharedLedger,
) -> Option<String> {
    let visitor = ApiClient::visitor_from(&base_url, &token, &address);
    let Ok((StatusCode::OK, conv)) = visitor
        .try_post("/api/v1/projects/SUP/chat/conversations", &start_message(&start_body))
        .await
    else {
        return None;
    };
    let id = conv["id"].as_str().unwrap().to_string();
    ledger
        .lock()
        .unwrap()
        .conversations
        .entry(id.clone())
        .or_default()
        .push(Sent {
            client_id: "start".into(),
            body: start_body,
            writer: token.clone(),
            acknowledged: true,
        });
    for n in 1..MESSAGES_PER_CUSTOMER {
        let sent = Sent {
            client_id: format!("c{n}"),
            body: format!("customer message {n}"),
            writer: token.clone(),
            acknowledged: false,
        };
        if !send(&visitor.client, &base_url, &id, sent, &ledger).await {
            break;
        }
    }
    Some(id)
}

/// The agent answers, round robin, in every conversation started so far, until the host dies.
async fn agent_writes(
    base_url: String,
    bob: reqwest::Client,
    cycle: usize,
    ledger: SharedLedger,
    killed: Arc<AtomicBool>,
) {
    for n in 0.. {
        if killed.load(Ordering::SeqCst) {
            return;
        }
        let open = {
            let ledger = ledger.lock().unwrap();
            let mut ids = ledger.conversations.keys().cloned().collect::<Vec<_>>();
            ids.sort();
            ids
        };
        if open.is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
            continue;
        }
        let id = &open[n % open.len()];
        let sent = Sent {
            client_id: format!("bob-{cycle}-{n}"),
            body: format!("agent answer {n} of cycle {cycle}"),
            writer: "bob".into(),
            acknowledged: false,
        };
        if !send(&bob, &base_url, id, sent, &ledger).await {
            return;
        }
    }
}

/// Sends one message, noting it first as sent (its answer may never come) and then as
/// acknowledged. False once the host is gone.
async fn send(client: &reqwest::Client, base_url: &str, id: &str, sent: Sent, ledger: &SharedLedger) -> bool {
    let body = json!({ "client_id": sent.client_id, "body": sent.body });
    let index = {
        let mut ledger = ledger.lock().unwrap();
        let log = ledger.conversations.entry(id.to_string()).or_default();
        log.push(sent);
        log.len() - 1
    };
    let answer = client
        .post(format!("{base_url}/api/v1/chat/conversations/{id}/messages"))
        .json(&body)
        .send()
        .await;
    match answer {
        Ok(response) if response.status() == StatusCode::OK => {
            // The answer's body may still be cut off by the kill; the status is the
            // acknowledgement, as for any HTTP client.
            ledger.lock().unwrap().conversations.get_mut(id).unwrap()[index].acknowledged = true;
            true
        }
        Ok(response) => panic!(
            "a message was refused: {} {}",
            response.status(),
            response.text().await.unwrap_or_default()
        ),
        Err(_) => false,
    }
}

/// Checks conversations against the ledger, then sends again each message whose answer was
/// lost, which must then be stored exactly once. Between kills it checks the conversations
/// of the last two cycles and those with a lost answer; with `all`, every one.
async fn verify_and_resend(
    base_url: &str,
    bob: &reqwest::Client,
    ledger: &SharedLedger,
    customers: &[Customer],
    cycle: usize,
    all: bool,
) {
    let snapshot = ledger.lock().unwrap().conversations.clone();
    let recent = customers
        .iter()
        .rev()
        .take(2 * CUSTOMERS_PER_CYCLE)
        .filter_map(|c| c.conversation.clone())
        .collect::<Vec<_>>();
    let mut checked = Vec::new();
    for (id, sent) in &snapshot {
        if !all && !recent.contains(id) && sent.iter().all(|s| s.acknowledged) {
            continue;
        }
        checked.push(id.clone());
        let stored = all_messages(base_url, bob, id).await;
        check_conversation(id, sent, &stored, cycle);
        for lost in sent.iter().filter(|s| !s.acknowledged) {
            let was_stored = stored.iter().any(|m| m["client_id"] == lost.client_id.as_str());
            {
                let mut counts = ledger.lock().unwrap();
                counts.lost_answers += 1;
                counts.lost_but_stored += usize::from(was_stored);
            }
            let (status, message) = post(bob, base_url, id, lost, customers).await;
            assert_eq!(
                status,
                StatusCode::OK,
                "cycle {cycle}: sending {} again: {message}",
                lost.client_id
            );
        }
        let mut ledger = ledger.lock().unwrap();
        for s in ledger.conversations.get_mut(id).unwrap() {
            s.acknowledged = true;
        }
    }
    // After the resends every message is acknowledged: each is there exactly once.
    let snapshot = ledger.lock().unwrap().conversations.clone();
    for id in &checked {
        let stored = all_messages(base_url, bob, id).await;
        check_conversation(id, &snapshot[id], &stored, cycle);
    }
}

/// Sends a message again as the writer who first sent it.
async fn post(
    bob: &reqwest::Client,
    base_url: &str,
    id: &str,
    sent: &Sent,
    customers: &[Customer],
) -> (StatusCode, Value) {
    let body = json!({ "client_id": sent.client_id, "body": sent.body });
    let url = format!("{base_url}/api/v1/chat/conversations/{id}/messages");
    let request = if sent.writer == "bob" {
        bob.post(url)
    } else {
        let customer = customers.iter().find(|c| c.token == sent.writer).unwrap();
        ApiClient::visitor_from(base_url, &customer.token, &customer.address)
            .client
            .post(url)
    };
    let response = request.json(&body).send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every message of a conversation, oldest first, read page by page.
async fn all_messages(base_url: &str, bob: &reqwest::Client, id: &str) -> Vec<Value> {
    let mut messages = Vec::new();
    let mut before: Option<u64> = None;
    loop {
        let mut url = format!("{base_url}/api/v1/chat/conversations/{id}/messages?limit=200");
        if let Some(seq) = before {
            url.push_str(&format!("&before={seq}"));
        }
        let page: Value = bob.get(url).send().await.unwrap().json().await.unwrap();
        let batch = page["messages"].as_array().unwrap_or_else(|| panic!("{page}")).clone();
        before = batch.first().and_then(|m| m["seq"].as_u64());
        messages.splice(0..0, batch);
        if page["more_before"] != json!(true) {
            return messages;
        }
    }
}

/// Acknowledged messages are stored exactly once; lost answers at most once; nothing else is
/// there; numbers run 1, 2, 3 …; each writer's messages keep their sending order.
fn check_conversation(id: &str, sent: &[Sent], stored: &[Value], cycle: usize) {
    for (index, message) in stored.iter().enumerate() {
        assert_eq!(
            message["seq"].as_u64(),
            Some(index as u64 + 1),
            "cycle {cycle}: {id} numbers its messages without gaps"
        );
    }
    let mut positions: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, message) in stored.iter().enumerate() {
        positions
            .entry(message["client_id"].as_str().unwrap())
            .or_default()
            .push(index);
    }
    for message in stored {
        let client_id = message["client_id"].as_str().unwrap();
        let known = sent.iter().find(|s| s.client_id == client_id);
        let known = known.unwrap_or_else(|| panic!("cycle {cycle}: {id} holds {client_id}, never sent"));
        assert_eq!(
            message["body"].as_str(),
            Some(known.body.as_str()),
            "cycle {cycle}: {id}"
        );
    }
    let mut last_position: HashMap<&str, usize> = HashMap::new();
    for s in sent {
        let found = positions
            .get(s.client_id.as_str())
            .map(Vec::as_slice)
            .unwrap_or_default();
        if s.acknowledged {
            assert_eq!(
                found.len(),
                1,
                "cycle {cycle}: {id}: acknowledged {} stored once",
                s.client_id
            );
        } else {
            assert!(
                found.len() <= 1,
                "cycle {cycle}: {id}: unacknowledged {} stored twice",
                s.client_id
            );
        }
        if let Some(&position) = found.first() {
            if let Some(&previous) = last_position.get(s.writer.as_str()) {
                assert!(
                    position > previous,
                    "cycle {cycle}: {id}: {}'s messages keep their order",
                    s.writer
                );
            }
            last_position.insert(&s.writer, position);
        }
    }
}

/// SQLite's own check of the database the killed host left behind.
fn integrity_check(db: &Path) -> String {
    let connection = rusqlite::Connection::open(db).unwrap();
    connection
        .query_row("PRAGMA integrity_check", [], |row| row.get::<_, String>(0))
        .unwrap()
}
