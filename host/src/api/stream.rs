//! The push stream (SPEC PL-7, TC-9): Server-Sent Events on the topics a client asks for
//! and the plugin allows, resumable from the last event id.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use futures::{Stream, StreamExt, stream};
use tokio::sync::broadcast;

use super::ApiContext;
use super::error::ApiError;
use super::session::{MaybeUser, token_in};
use crate::auth;
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
                return Err(ApiError::Invalid(format!("query: unknown parameter {other:?}")));
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
        return Err(ApiError::LimitExceeded(format!("topic: at most {MAX_TOPICS} topics")));
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
    let actor = user.map(|u| u.id);
    authorize(&ctx, actor.as_deref(), &topics).await?;

    // Subscribe before reading the backlog, so nothing committed in between is missed;
    // duplicates are dropped by id.
    let live = ctx.hub.subscribe();
    let replay_topics = topics.clone();
    let (backlog, bounds) = ctx
        .db
        .run(move |conn| {
            let bounds = push::id_bounds(conn)?;
            let backlog = match resume_from {
                Some(after) => push::replay(conn, &replay_topics, after, MAX_REPLAY)?,
                None => Vec::new(),
            };
            Ok((backlog, bounds))
        })
        .await?;
    let mut pending = VecDeque::new();
    // `ready` carries an id, so a client that drops before its next event resumes from
    // there instead of starting over: the newest id for a fresh client (which reads the
    // current state itself once ready), the resume point for a resuming one.
    let ready_id = resume_from
        .filter(|after| *after <= bounds.latest)
        .unwrap_or(bounds.latest);
    pending.push_back(
        Event::default()
            .id(ready_id.to_string())
            .event("ready")
            .data(format!("{{\"last_event_id\":{}}}", bounds.latest)),
    );
    let last_sent = match resume_from {
        None => bounds.latest,
        Some(after) => match resume_gap(after, &bounds, backlog.len()) {
            None => {
                pending.extend(backlog.iter().map(sse_event));
                backlog.last().map_or(after, |e| e.id)
            }
            Some(reason) => {
                // The client missed events that cannot be replayed: it must reload.
                pending.push_back(
                    Event::default()
                        .id(bounds.latest.to_string())
                        .event("reset")
                        .data(format!("{{\"reason\":\"{reason}\"}}")),
                );
                bounds.latest
            }
        },
    };
    let token = token_in(&headers);
    let state = LiveStream {
        recheck: tokio::time::interval_at(tokio::time::Instant::now() + ctx.stream_recheck, ctx.stream_recheck),
        shutdown: ctx.shutdown.clone(),
        ctx,
        token,
        actor,
        topics,
        live,
        last_sent,
        pending,
    };
    let events = stream::unfold(state, LiveStream::next).map(Ok);
    Ok(Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Why a resuming client cannot be given what it missed, if it cannot.
fn resume_gap(after: i64, bounds: &push::IdBounds, replayed: usize) -> Option<&'static str> {
    if after > bounds.latest {
        Some("unknown-event-id")
    } else if after < bounds.latest && bounds.oldest.is_none_or(|oldest| after + 1 < oldest) {
        Some("events-expired")
    } else if replayed >= MAX_REPLAY as usize {
        Some("too-many-missed-events")
    } else {
        None
    }
}

/// Fails unless `actor` may receive every topic (the plugin decides).
async fn authorize(ctx: &ApiContext, actor: Option<&str>, topics: &[String]) -> Result<(), ApiError> {
    for topic in topics {
        let call = call_context(actor, None);
        let topic = topic.clone();
        ctx.call_plugin(move |plugin, store| {
            plugin
                .helpdesk_chat_subscriptions()
                .call_authorize(store, &call, &topic)
        })
        .await?;
    }
    Ok(())
}

/// An open stream after its first events: live events until the client goes, the
/// session ends, a permission is lost, the client falls too far behind or the host stops.
struct LiveStream {
    ctx: ApiContext,
    token: Option<String>,
    actor: Option<String>,
    topics: Vec<String>,
    live: broadcast::Receiver<Arc<PushEvent>>,
    last_sent: i64,
    pending: VecDeque<Event>,
    recheck: tokio::time::Interval,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

impl LiveStream {
    async fn next(mut self) -> Option<(Event, LiveStream)> {
        if let Some(event) = self.pending.pop_front() {
            return Some((event, self));
        }
        loop {
            tokio::select! {
                _ = self.shutdown.changed() => return None,
                _ = self.recheck.tick() => {
                    if !self.still_allowed().await {
                        return None;
                    }
                }
                received = self.live.recv() => match received {
                    Ok(event) if event.id > self.last_sent && self.topics.contains(&event.topic) => {
                        self.last_sent = event.id;
                        return Some((sse_event(&event), self));
                    }
                    Ok(_) => {}
                    // A client that fell too far behind loses its stream; it reconnects
                    // with its last id and replays from storage.
                    Err(_) => return None,
                },
            }
        }
    }

    /// The session is still live, for the same user, who may still receive every topic.
    async fn still_allowed(&self) -> bool {
        let user = match &self.token {
            None => None,
            Some(token) => {
                let token = token.clone();
                let now = self.ctx.clock.now_ms();
                match self.ctx.db.run(move |conn| auth::session_user(conn, &token, now)).await {
                    Ok(Some(user)) => Some(user.id),
                    _ => return false,
                }
            }
        };
        if self.actor.is_some() && user != self.actor {
            return false;
        }
        authorize(&self.ctx, self.actor.as_deref(), &self.topics).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_7_a_gap_that_cannot_be_replayed_is_named() {
        let bounds = push::IdBounds {
            latest: 100,
            oldest: Some(50),
        };
        assert_eq!(resume_gap(100, &bounds, 0), None, "up to date");
        assert_eq!(resume_gap(60, &bounds, 40), None, "all still stored");
        assert_eq!(resume_gap(49, &bounds, 51), None, "the next one is the oldest kept");
        assert_eq!(resume_gap(10, &bounds, 51), Some("events-expired"));
        assert_eq!(resume_gap(101, &bounds, 0), Some("unknown-event-id"));
        assert_eq!(
            resume_gap(60, &bounds, MAX_REPLAY as usize),
            Some("too-many-missed-events")
        );
        let pruned_all = push::IdBounds {
            latest: 100,
            oldest: None,
        };
        assert_eq!(resume_gap(90, &pruned_all, 0), Some("events-expired"));
        assert_eq!(
            resume_gap(
                0,
                &push::IdBounds {
                    latest: 0,
                    oldest: None
                },
                0
            ),
            None,
            "nothing ever happened"
        );
    }

    #[test]
    fn pl_7_stream_query_takes_repeated_topics_and_a_resume_id() {
        let (topics, last) = parse_query(Some("topic=presence%3ASUP&topic=chat-status:SUP&last_event_id=7")).unwrap();
        assert_eq!(topics, ["presence:SUP", "chat-status:SUP"]);
        assert_eq!(last, Some(7));
        assert!(parse_query(Some("topic=a&bogus=1")).is_err());
        assert!(parse_query(Some("last_event_id=x")).is_err());
    }
}
