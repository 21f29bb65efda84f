//! A reader for the host's Server-Sent Events stream.

use std::time::Duration;

use futures::StreamExt;
use futures::stream::BoxStream;
use serde_json::Value;

/// One event received.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceivedEvent {
    pub id: Option<i64>,
    pub kind: String,
    pub data: Value,
}

/// An open stream.
pub struct EventStream {
    bytes: BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl EventStream {
    /// Opens the stream for `topics` (with `headers`' session), waiting for its `ready` event.
    pub async fn open(
        client: &reqwest::Client,
        base_url: &str,
        topics: &[&str],
        last_event_id: Option<i64>,
    ) -> EventStream {
        let query: Vec<String> = topics.iter().map(|t| format!("topic={t}")).collect();
        let mut request = client.get(format!("{base_url}/api/v1/stream?{}", query.join("&")));
        if let Some(id) = last_event_id {
            request = request.header("Last-Event-ID", id.to_string());
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            200,
            "opening the stream: {}",
            response.text().await.unwrap_or_default()
        );
        let mut stream = EventStream::from_response(response);
        let ready = stream.next_event().await.expect("a ready event");
        assert_eq!(ready.kind, "ready");
        stream
    }

    /// Reads the events of a stream already answered (for a caller that sent the request
    /// itself); its first event is `ready`.
    pub fn from_response(response: reqwest::Response) -> EventStream {
        EventStream {
            bytes: response.bytes_stream().boxed(),
            buffer: String::new(),
        }
    }

    /// The next event, or `None` if none comes within five seconds.
    pub async fn next_event(&mut self) -> Option<ReceivedEvent> {
        self.next_event_within(Duration::from_secs(5)).await
    }

    /// The next event, or `None` if none comes within `wait`.
    pub async fn next_event_within(&mut self, wait: Duration) -> Option<ReceivedEvent> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                if let Some(event) = parse_block(&block) {
                    return Some(event);
                }
                continue;
            }
            match tokio::time::timeout_at(deadline, self.bytes.next()).await {
                Ok(Some(Ok(chunk))) => self.buffer.push_str(&String::from_utf8_lossy(&chunk)),
                _ => return None,
            }
        }
    }

    /// Whether the server ends the stream within `wait` (events before the end are skipped).
    pub async fn ends_within(&mut self, wait: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match tokio::time::timeout_at(deadline, self.bytes.next()).await {
                Ok(Some(Ok(_))) => continue,
                Ok(Some(Err(_)) | None) => return true,
                Err(_) => return false,
            }
        }
    }

    /// The next event of `kind`, skipping others.
    pub async fn next_of_kind(&mut self, kind: &str) -> ReceivedEvent {
        loop {
            let event = self
                .next_event()
                .await
                .unwrap_or_else(|| panic!("no {kind} event arrived"));
            if event.kind == kind {
                return event;
            }
        }
    }
}

fn parse_block(block: &str) -> Option<ReceivedEvent> {
    let mut id = None;
    let mut kind = String::from("message");
    let mut data = String::new();
    for line in block.lines() {
        if let Some(value) = line.strip_prefix("id:") {
            id = value.trim().parse().ok();
        } else if let Some(value) = line.strip_prefix("event:") {
            kind = value.trim().to_string();
        } else if let Some(value) = line.strip_prefix("data:") {
            data.push_str(value.trim_start());
        }
    }
    // Comment-only blocks are keep-alives.
    if data.is_empty() {
        return None;
    }
    Some(ReceivedEvent {
        id,
        kind,
        data: serde_json::from_str(&data).unwrap_or(Value::String(data)),
    })
}
