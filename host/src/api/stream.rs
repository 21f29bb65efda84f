//! The push stream (SPEC PL-7, PR-10): Server-Sent Events on the topics a client asks for
//! and the plugin allows, resumable from the last event id.
//!
//! A stream's topics (each once, however often named) are authorized in one read-only
//! plugin call. It is authorized again at once when the plugin says its user's access
//! changed, and ends at once when its session ends; only streams whose grants can be
//! withdrawn or that belong to a session also check now and then, at a jittered time.

use std::collections::{HashMap, VecDeque};
use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{StreamExt, stream};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::caller::Caller;
use super::context::ApiContext;
use super::error::{ApiError, ApiErrors, ApiResult};
use crate::contract::exports::helpdesk::chat::subscriptions::TopicGrant;
use crate::push::{PushEvent, StreamOwner, StreamSignal, Subscription};
use crate::runtime::Access::Read;
use crate::storage::{IdBounds, ReplayedEvent};

/// The most distinct topics one stream may follow.
const MAX_TOPICS: usize = 32;
/// The most stored events replayed to a resuming client; past that it must reload.
const MAX_REPLAY: u32 = 1000;
/// When a client refused for holding too many streams may try again: a stream it holds may
/// have closed by then.
const STREAM_RETRY_AFTER_SECS: u64 = 30;

/// The stream route.
pub fn router() -> OpenApiRouter<ApiContext> {
    OpenApiRouter::new().routes(routes!(open_stream))
}

/// `GET /stream` query (described for the OpenAPI document; `topic` may repeat).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
struct StreamQuery {
    /// A topic to follow, for example `presence:SUP` or `chat-status:SUP`; repeat for more
    /// (at most 32 distinct). Each feature documents its topics in the WIT contract.
    topic: Vec<String>,
    /// Resume after this event id (the `Last-Event-ID` header wins).
    last_event_id: Option<i64>,
    /// An anonymous visitor's token (a stream cannot send the `X-Visitor-Token` header).
    visitor_token: Option<String>,
    /// A session token, for a client that holds a bearer token rather than a cookie (a
    /// stream cannot send the `Authorization` header).
    access_token: Option<String>,
}

/// `topic` may repeat (and is followed once); `last_event_id` resumes; `visitor_token`
/// identifies an anonymous visitor.
fn parse_query(raw: Option<&str>) -> Result<(Vec<String>, Option<i64>), ApiError> {
    let mut topics: Vec<String> = Vec::new();
    let mut last_id = None;
    for (name, value) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match name.as_ref() {
            "topic" => {
                if value.starts_with('@') {
                    return Err(ApiError::Invalid(
                        "topic: topics starting with @ are the host's own".into(),
                    ));
                }
                if !topics.iter().any(|topic| *topic == value) {
                    topics.push(value.into_owned());
                }
            }
            "last_event_id" => {
                last_id = Some(
                    value
                        .parse::<i64>()
                        .ok()
                        .filter(|id| *id >= 0)
                        .ok_or_else(|| ApiError::Invalid("last_event_id: must be an event id, 0 or more".into()))?,
                )
            }
            "visitor_token" | "access_token" => {}
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

/// Server-Sent Events on the topics named. First comes `ready` (its data names the newest
/// event id; its SSE id is where this stream stands: the newest for a new client, the
/// resume point for a resuming one, so a drop before the next event resumes from there),
/// then, when resuming, what was missed or a `reset` when that cannot be replayed, then
/// live events in commit order. Every event and its payload (a WIT record) is listed in
/// this operation's `x-events`.
#[utoipa::path(get, path = "/stream", tag = "push", params(StreamQuery),
    responses((status = OK, description = "A stream of Server-Sent Events.", content_type = "text/event-stream", body = String), ApiErrors))]
async fn open_stream(
    State(api): State<ApiContext>,
    caller: Caller,
    headers: HeaderMap,
    uri: axum::http::Uri,
) -> ApiResult<impl axum::response::IntoResponse> {
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
                .ok()
                .filter(|id| *id >= 0)
                .ok_or_else(|| ApiError::Invalid("Last-Event-ID: must be an event id, 0 or more".into()))
        })
        .transpose()?;
    let resume_from = header_last_id.or(query_last_id);

    // Subscribe first: an event, an access change or the end of the session committed
    // after this point reaches the subscription, and everything committed before it is
    // seen by the authorization and the read below. Duplicates are dropped by id.
    // Its owner's limits are checked here too (a refusal is `429`).
    let owner = StreamOwner {
        user: caller
            .user
            .as_ref()
            .or(caller.customer.as_ref().map(|(user, _)| user))
            .map(|u| u.id.clone()),
        visitor: caller.visitor.clone(),
        network: caller.network,
    };
    let subscription = api
        .site
        .hub
        .subscribe(&topics, owner, caller.session.as_deref())
        .map_err(|refused| ApiError::RateLimited(refused.to_string(), STREAM_RETRY_AFTER_SECS))?;
    let grants = authorize(&api, &caller, &topics).await?;
    let replay_topics = topics.clone();
    let session = caller.session.clone();
    let now = api.site.clock.now_ms();
    let kept_since = now - crate::push::RETENTION_MS;
    let (backlog, bounds) = api
        .site
        .db
        .read(move |slot| -> Result<_, ApiError> {
            let mut tx = slot.tx()?;
            if let Some(session) = &session {
                // It may have ended since the caller was identified.
                tx.session_user(session, now)?.ok_or(ApiError::Unauthenticated)?;
            }
            let bounds = tx.id_bounds()?;
            let backlog = match resume_from {
                Some(after) => tx.replay(&replay_topics, after, kept_since, MAX_REPLAY)?,
                None => Vec::new(),
            };
            Ok((backlog, bounds))
        })
        .await?;
    let backlog = still_readable(&api, &caller, &topics, backlog).await?;
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
    let needs_checks = grants.iter().any(|grant| grant.revocable) || caller.session.is_some();
    let recheck = needs_checks.then(|| {
        // Spread the checks of streams opened together over the period.
        let every = api.settings.stream_recheck;
        let first = every.mul_f64(0.5 + rand::random::<f64>());
        tokio::time::interval_at(tokio::time::Instant::now() + first, every)
    });
    let api_max_age = api.settings.stream_max_age;
    let state = LiveStream {
        shutdown: api.shutdown.clone(),
        api,
        caller,
        topics,
        subscription,
        last_sent,
        pending,
        recheck,
        // Jittered, so streams opened together do not all come back together.
        ends_at: tokio::time::Instant::now() + api_max_age.mul_f64(0.9 + 0.2 * rand::random::<f64>()),
    };
    let events = stream::unfold(state, LiveStream::next).map(Ok::<_, Infallible>);
    let sse = Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)));
    // A stream's connection closes with it, so an ended stream gives its connection back
    // at once instead of idling as a kept-alive connection.
    Ok(([(axum::http::header::CONNECTION, "close")], sse))
}

/// The missed events this reader may still be given: an event that requires another topic
/// (a mention quoting a room, on the reader's own topic) is left out unless the plugin still
/// allows the reader that topic now. Each topic is asked about once.
async fn still_readable(
    api: &ApiContext,
    caller: &Caller,
    followed: &[String],
    backlog: Vec<ReplayedEvent>,
) -> Result<Vec<PushEvent>, ApiError> {
    let mut allowed: HashMap<String, bool> = followed.iter().map(|topic| (topic.clone(), true)).collect();
    let mut readable = Vec::with_capacity(backlog.len());
    for replayed in backlog {
        if let Some(required) = &replayed.requires {
            if !allowed.contains_key(required) {
                let may = match authorize(api, caller, std::slice::from_ref(required)).await {
                    Ok(_) => true,
                    Err(ApiError::AccessDenied(_) | ApiError::NotFound(_) | ApiError::Unauthenticated) => false,
                    Err(other) => return Err(other),
                };
                allowed.insert(required.clone(), may);
            }
            if allowed.get(required) != Some(&true) {
                continue;
            }
        }
        readable.push(replayed.event);
    }
    Ok(readable)
}

/// Why a resuming client cannot be given what it missed, if it cannot.
fn resume_gap(after: i64, bounds: &IdBounds, replayed: usize) -> Option<&'static str> {
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

/// The plugin's grants for every topic, in one read-only call; fails with the first refusal.
/// A plugin that answers for other topics than those asked is at fault, and nothing is
/// granted.
async fn authorize(api: &ApiContext, caller: &Caller, topics: &[String]) -> Result<Vec<TopicGrant>, ApiError> {
    let asked = topics.to_vec();
    let grants = api
        .call(Read, caller.context(None), move |plugin, store, ctx| {
            plugin.helpdesk_chat_subscriptions().call_authorize(store, ctx, &asked)
        })
        .await
        .map_err(|err| match err {
            // Nobody identified (no session, or one that ended): log in, as REST says.
            ApiError::AccessDenied(_)
                if caller.user.is_none() && caller.customer.is_none() && caller.visitor.is_none() =>
            {
                ApiError::Unauthenticated
            }
            other => other,
        })?;
    if !grants_match(topics, &grants) {
        tracing::error!(?topics, "the plugin's grants do not answer the topics asked");
        return Err(ApiError::PluginFault);
    }
    Ok(grants)
}

/// One grant per topic asked, in order.
fn grants_match(topics: &[String], grants: &[TopicGrant]) -> bool {
    topics.len() == grants.len() && topics.iter().zip(grants).all(|(topic, grant)| *topic == grant.topic)
}

/// The next periodic check, or never for a stream that needs none.
async fn next_tick(recheck: &mut Option<tokio::time::Interval>) {
    match recheck {
        Some(interval) => {
            interval.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// An open stream after its first events: live events until the client goes, the session
/// ends, a permission is lost, the client falls too far behind or the host stops.
struct LiveStream {
    api: ApiContext,
    caller: Caller,
    topics: Vec<String>,
    subscription: Subscription,
    last_sent: i64,
    pending: VecDeque<Event>,
    recheck: Option<tokio::time::Interval>,
    shutdown: tokio::sync::watch::Receiver<bool>,
    /// When the stream ends by itself, so that no stream is held for ever; its client
    /// reconnects and resumes from its last event id.
    ends_at: tokio::time::Instant,
}

impl LiveStream {
    async fn next(mut self) -> Option<(Event, LiveStream)> {
        if let Some(event) = self.pending.pop_front() {
            return Some((event, self));
        }
        loop {
            tokio::select! {
                _ = self.shutdown.changed() => return None,
                () = tokio::time::sleep_until(self.ends_at) => return None,
                _ = next_tick(&mut self.recheck) => {
                    if !self.still_allowed().await {
                        return None;
                    }
                }
                signal = self.subscription.signals.recv() => match signal {
                    Some(StreamSignal::Event(event)) if event.id > self.last_sent => {
                        self.last_sent = event.id;
                        return Some((sse_event(&event), self));
                    }
                    Some(StreamSignal::Event(_)) => {}
                    Some(StreamSignal::Signal(signal)) => {
                        // No id: a client resuming later resumes from its last event, and is
                        // never given a signal again.
                        let event = Event::default().event(signal.kind.clone()).data(signal.payload.clone());
                        return Some((event, self));
                    }
                    Some(StreamSignal::Recheck) => {
                        if !self.still_allowed().await {
                            return None;
                        }
                    }
                    // Its session ended, or it fell too far behind: the client reconnects
                    // (and resumes from its last id, or is told to log in).
                    Some(StreamSignal::SessionEnded) | None => return None,
                },
            }
        }
    }

    /// The session (if any) is still live, and the plugin still allows every topic.
    async fn still_allowed(&self) -> bool {
        if let Some(session) = self.caller.session.clone() {
            let now = self.api.site.clock.now_ms();
            let live = self
                .api
                .site
                .db
                .read(move |slot| -> Result<_, ApiError> { Ok(slot.tx()?.session_user(&session, now)?.is_some()) })
                .await;
            if !matches!(live, Ok(true)) {
                return false;
            }
        }
        authorize(&self.api, &self.caller, &self.topics).await.is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pl_7_a_gap_that_cannot_be_replayed_is_named() {
        let bounds = IdBounds {
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
        let pruned_all = IdBounds {
            latest: 100,
            oldest: None,
        };
        assert_eq!(resume_gap(90, &pruned_all, 0), Some("events-expired"));
        let empty = IdBounds {
            latest: 0,
            oldest: None,
        };
        assert_eq!(resume_gap(0, &empty, 0), None, "nothing ever happened");
    }

    #[test]
    fn pl_7_stream_query_merges_repeated_topics_and_takes_a_resume_id() {
        let (topics, last) = parse_query(Some(
            "topic=presence%3ASUP&topic=chat-status:SUP&topic=presence:SUP&last_event_id=7&visitor_token=x",
        ))
        .unwrap();
        assert_eq!(topics, ["presence:SUP", "chat-status:SUP"]);
        assert_eq!(last, Some(7));
        assert!(parse_query(Some("topic=a&bogus=1")).is_err());
        assert!(parse_query(Some("topic=%40sessions")).is_err(), "the host's own topics");
    }

    #[test]
    fn pl_7_grants_must_answer_the_topics_asked_in_order() {
        let grant = |topic: &str| TopicGrant {
            topic: topic.into(),
            revocable: false,
        };
        let asked = ["a".to_string(), "b".to_string()];
        assert!(grants_match(&asked, &[grant("a"), grant("b")]));
        assert!(!grants_match(&asked, &[grant("a")]));
        assert!(!grants_match(&asked, &[grant("b"), grant("a")]));
        assert!(!grants_match(&asked, &[grant("a"), grant("@sessions")]));
        assert!(parse_query(Some("last_event_id=x")).is_err());
        assert!(parse_query(Some("last_event_id=-1")).is_err(), "no negative ids");
    }
}
