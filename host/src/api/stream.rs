//! The push stream (SPEC PL-7, TC-9): Server-Sent Events on the topics a client asks for
//! and the plugin allows, resumable from the last event id.

use std::convert::Infallible;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures::{Stream, StreamExt, stream};
use tokio_stream::wrappers::BroadcastStream;

use super::ApiContext;
use super::error::{ApiError, current_request_id};
use super::session::MaybeUser;
use crate::push::{self, PushEvent};
use crate::runtime::plugin::call_context;

/// The most topics one stream may follow.
const MAX_TOPICS: usize = 32;
/// The most stored events replayed to a resuming client; past that it must reload.
const MAX_REPLAY: u32 = 1000;

/// The stream route.
pub fn router() -> Router<ApiContext> {
    Router::new().route("/stream", get(open_stream))
}

/// `topic` may repeat; `last_event_id` resumes (the `Last-Event-ID` header wins).
fn parse_query(raw: Option<&str>) -> Result<(Vec<String>, Option<i64>), ApiError> {
    let mut topics = Vec::new();
    let mut last_id = None;
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "topic" => topics.push(value.into_owned()),
            "last_event_id" => {
                last_id = Some(
                    value
                        .parse()
                        .map_err(|_| ApiError::Invalid("last_event_id: must be a number".into()))?,
                )
            }
            other => {
                return Err(ApiError::Invalid(format!(
                    "query: unknown parameter {other:?}"
                )));
            }
        }
    }
    Ok((topics, last_id))
}

fn sse_event(event: &PushEvent) -> Event {
    Event::default()
        .id(event.id.to_string())
        .event(event.kind.clone())
        .data(event.payload.clone())
}

async fn open_stream(
    State(ctx): State<ApiContext>,
    MaybeUser(user): MaybeUser,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let (topics, query_last_id) = parse_query(uri.query())?;
    if topics.is_empty() {
        return Err(ApiError::Invalid("topic: name at least one topic".into()));
    }
    if topics.len() > MAX_TOPICS {
        return Err(ApiError::LimitExceeded(format!(
            "topic: at most {MAX_TOPICS} topics"
        )));
    }
    let header_last_id = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.parse::<i64>()
                .map_err(|_| ApiError::Invalid("Last-Event-ID: must be a number".into()))
        })
        .transpose()?;
    let resume_from = header_last_id.or(query_last_id);

    for topic in &topics {
        let call = call_context(user.as_ref().map(|u| u.id.as_str()), None);
        let topic = topic.clone();
        ctx.plugin
            .call(&ctx.db, current_request_id(), move |plugin, store| {
                plugin
                    .helpdesk_chat_subscriptions()
                    .call_authorize(store, &call, &topic)
            })
            .await?;
    }

    // Subscribe before reading the backlog, so nothing committed in between is missed;
    // duplicates are dropped by id below.
    let live = ctx.hub.subscribe();
    let replay_topics = topics.clone();
    let (backlog, latest) = ctx
        .db
        .run(move |conn| {
            let latest = push::latest_id(conn)?;
            let backlog = match resume_from {
                Some(after) => push::replay(conn, &replay_topics, after, MAX_REPLAY)?,
                None => Vec::new(),
            };
            Ok((backlog, latest))
        })
        .await?;
    // A fresh client starts from now (it reads the current state itself); a resuming one
    // from the last event it was sent.
    let mut last_sent = match resume_from {
        Some(after) => backlog.last().map_or(after, |e| e.id),
        None => latest,
    };
    let ready = Event::default()
        .event("ready")
        .data(format!("{{\"last_event_id\":{latest}}}"));
    let replayed = stream::iter(backlog.iter().map(sse_event).collect::<Vec<_>>());
    let live = BroadcastStream::new(live)
        // A client that fell too far behind loses its stream; it reconnects with its
        // last id and replays from storage.
        .take_while(|item| std::future::ready(item.is_ok()))
        .filter_map(move |item| {
            let event = item
                .ok()
                .filter(|e| e.id > last_sent && topics.contains(&e.topic));
            if let Some(e) = &event {
                last_sent = e.id;
            }
            std::future::ready(event.map(|e| sse_event(&e)))
        });
    let events = stream::once(std::future::ready(ready))
        .chain(replayed)
        .chain(live)
        .map(Ok);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_7_stream_query_takes_repeated_topics_and_a_resume_id() {
        let (topics, last) = parse_query(Some(
            "topic=presence%3ASUP&topic=chat-status:SUP&last_event_id=7",
        ))
        .unwrap();
        assert_eq!(topics, ["presence:SUP", "chat-status:SUP"]);
        assert_eq!(last, Some(7));
        assert!(parse_query(Some("topic=a&bogus=1")).is_err());
        assert!(parse_query(Some("last_event_id=x")).is_err());
    }
}
