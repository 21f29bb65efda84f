//! Push delivery on this node. Committed events (in commit order, from the storage backend)
//! go to the open streams that follow their topics, each through a bounded channel of its
//! own: a stream that falls too far behind is ended, and its client resumes from its last
//! event id out of the stored log.
//!
//! Topics starting with `@` are the host's own and never reach a client: `@access` names
//! users whose streams must be authorized again (the plugin's `push.access-changed`), and
//! `@sessions` names a session that ended (its streams end). They travel through the event
//! log like any event, so every node of a site sees them in order.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

pub use crate::storage::PushEvent;

/// The longest a payload may be.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// How long events are kept for resuming clients.
pub const RETENTION_MS: i64 = 24 * 60 * 60 * 1000;
/// The host's topic for users whose streams must be authorized again.
pub const ACCESS_TOPIC: &str = "@access";
/// The host's topic for ended sessions.
pub const SESSIONS_TOPIC: &str = "@sessions";
/// How many signals may wait for one stream before it is ended as too slow.
const STREAM_BACKLOG: usize = 256;

/// The payload of an `@access` event.
#[derive(Debug, Serialize, Deserialize)]
pub struct AccessChanged {
    /// The users whose streams are authorized again.
    pub users: Vec<String>,
    /// The topics whose followers' streams are authorized again.
    #[serde(default)]
    pub topics: Vec<String>,
}

/// The payload of an `@sessions` event.
#[derive(Debug, Serialize, Deserialize)]
pub struct SessionEnded {
    /// The session that ended.
    pub session: String,
}

/// What a stream is told.
#[derive(Debug, Clone)]
pub enum StreamSignal {
    /// An event on one of its topics.
    Event(Arc<PushEvent>),
    /// What its user may receive may have changed: authorize its topics again.
    Recheck,
    /// Its session ended.
    SessionEnded,
}

#[derive(Default)]
struct Registry {
    next_id: u64,
    streams: HashMap<u64, Slot>,
    by_topic: HashMap<String, HashSet<u64>>,
    by_user: HashMap<String, HashSet<u64>>,
    by_session: HashMap<String, HashSet<u64>>,
}

struct Slot {
    sender: mpsc::Sender<StreamSignal>,
    topics: Vec<String>,
    user: Option<String>,
    session: Option<String>,
}

/// Fans committed events out to this node's open streams; cheap to clone.
#[derive(Clone, Default)]
pub struct PushHub {
    registry: Arc<Mutex<Registry>>,
}

/// One stream's registration; dropping it unregisters the stream.
pub struct Subscription {
    id: u64,
    hub: PushHub,
    /// The stream's signals, in commit order. `None` once the hub has dropped the stream
    /// (it fell behind).
    pub signals: mpsc::Receiver<StreamSignal>,
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.unregister(self.id);
    }
}

fn index(map: &mut HashMap<String, HashSet<u64>>, key: &str, id: u64) {
    map.entry(key.to_string()).or_default().insert(id);
}

fn unindex(map: &mut HashMap<String, HashSet<u64>>, key: &str, id: u64) {
    if let Some(ids) = map.get_mut(key) {
        ids.remove(&id);
        if ids.is_empty() {
            map.remove(key);
        }
    }
}

impl PushHub {
    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a stream following `topics` (each once) for `user` in `session`.
    pub fn subscribe(&self, topics: &[String], user: Option<&str>, session: Option<&str>) -> Subscription {
        let (sender, signals) = mpsc::channel(STREAM_BACKLOG);
        let mut registry = self.lock();
        registry.next_id += 1;
        let id = registry.next_id;
        for topic in topics {
            index(&mut registry.by_topic, topic, id);
        }
        if let Some(user) = user {
            index(&mut registry.by_user, user, id);
        }
        if let Some(session) = session {
            index(&mut registry.by_session, session, id);
        }
        registry.streams.insert(
            id,
            Slot {
                sender,
                topics: topics.to_vec(),
                user: user.map(str::to_string),
                session: session.map(str::to_string),
            },
        );
        drop(registry);
        Subscription {
            id,
            hub: self.clone(),
            signals,
        }
    }

    fn unregister(&self, id: u64) {
        let mut registry = self.lock();
        if let Some(slot) = registry.streams.remove(&id) {
            for topic in &slot.topics {
                unindex(&mut registry.by_topic, topic, id);
            }
            if let Some(user) = &slot.user {
                unindex(&mut registry.by_user, user, id);
            }
            if let Some(session) = &slot.session {
                unindex(&mut registry.by_session, session, id);
            }
        }
    }

    /// How many streams are open on this node.
    pub fn open_streams(&self) -> usize {
        self.lock().streams.len()
    }

    /// Hands committed events, in commit order, to the streams that follow them.
    pub fn deliver(&self, events: Vec<PushEvent>) {
        let registry = self.lock();
        let mut too_slow = Vec::new();
        for event in events {
            let (targets, signal): (Vec<u64>, StreamSignal) = match event.topic.as_str() {
                ACCESS_TOPIC => {
                    let changed = serde_json::from_str::<AccessChanged>(&event.payload).unwrap_or(AccessChanged {
                        users: Vec::new(),
                        topics: Vec::new(),
                    });
                    let by_user = changed.users.iter().filter_map(|user| registry.by_user.get(user));
                    let mut ids: HashSet<u64> = by_user.flatten().copied().collect();
                    for topic in &changed.topics {
                        match topic.strip_suffix('*') {
                            // `<kind>:*`: every topic of the kind.
                            Some(kind) if kind.ends_with(':') => ids.extend(
                                registry
                                    .by_topic
                                    .iter()
                                    .filter(|(followed, _)| followed.starts_with(kind))
                                    .flat_map(|(_, streams)| streams.iter().copied()),
                            ),
                            _ => ids.extend(registry.by_topic.get(topic).into_iter().flatten().copied()),
                        }
                    }
                    let ids = ids.into_iter().collect();
                    (ids, StreamSignal::Recheck)
                }
                SESSIONS_TOPIC => {
                    let ids = serde_json::from_str::<SessionEnded>(&event.payload)
                        .ok()
                        .and_then(|ended| registry.by_session.get(&ended.session))
                        .map(|ids| ids.iter().copied().collect())
                        .unwrap_or_default();
                    (ids, StreamSignal::SessionEnded)
                }
                topic => {
                    let ids = registry
                        .by_topic
                        .get(topic)
                        .map(|ids| ids.iter().copied().collect())
                        .unwrap_or_default();
                    (ids, StreamSignal::Event(Arc::new(event)))
                }
            };
            for id in targets {
                if let Some(slot) = registry.streams.get(&id)
                    && slot.sender.try_send(signal.clone()).is_err()
                {
                    too_slow.push(id);
                }
            }
        }
        drop(registry);
        // Dropping a slot's sender ends its stream; the client resumes from storage.
        for id in too_slow {
            tracing::debug!(stream = id, "a stream fell behind and is ended; its client resumes");
            self.unregister(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, topic: &str, payload: &str) -> PushEvent {
        PushEvent {
            id,
            topic: topic.into(),
            kind: "k".into(),
            payload: payload.into(),
        }
    }

    #[tokio::test]
    async fn pl_7_events_reach_only_the_streams_that_follow_their_topic_in_order() {
        let hub = PushHub::default();
        let mut sup = hub.subscribe(&["presence:SUP".into()], Some("alice"), None);
        let mut ops = hub.subscribe(&["presence:OPS".into()], None, None);
        hub.deliver(vec![
            event(1, "presence:SUP", "{}"),
            event(2, "presence:OPS", "{}"),
            event(3, "presence:SUP", "{}"),
        ]);
        let ids: Vec<i64> = [sup.signals.recv().await, sup.signals.recv().await]
            .into_iter()
            .map(|signal| match signal {
                Some(StreamSignal::Event(event)) => event.id,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(ids, [1, 3]);
        assert!(matches!(ops.signals.recv().await, Some(StreamSignal::Event(e)) if e.id == 2));
        assert!(sup.signals.try_recv().is_err() && ops.signals.try_recv().is_err());
    }

    #[tokio::test]
    async fn pl_7_host_topics_recheck_a_users_streams_and_end_a_sessions_streams() {
        let hub = PushHub::default();
        let mut alice = hub.subscribe(&["presence:SUP".into()], Some("alice"), Some("s1"));
        let mut bob = hub.subscribe(&["presence:SUP".into()], Some("bob"), Some("s2"));
        hub.deliver(vec![
            event(1, ACCESS_TOPIC, r#"{"users":["alice"]}"#),
            event(2, SESSIONS_TOPIC, r#"{"session":"s2"}"#),
        ]);
        assert!(matches!(alice.signals.recv().await, Some(StreamSignal::Recheck)));
        assert!(matches!(bob.signals.recv().await, Some(StreamSignal::SessionEnded)));
        assert!(alice.signals.try_recv().is_err() && bob.signals.try_recv().is_err());
    }

    #[tokio::test]
    async fn tc_1_tc_3_streams_following_a_topic_or_a_whole_kind_are_asked_again() {
        let hub = PushHub::default();
        let mut room = hub.subscribe(&["team-chat:room-1".into()], Some("bob"), None);
        let mut other = hub.subscribe(&["team-chat:room-2".into()], Some("tom"), None);
        let mut presence = hub.subscribe(&["presence:SUP".into()], Some("ann"), None);
        hub.deliver(vec![event(
            1,
            ACCESS_TOPIC,
            r#"{"users":[],"topics":["team-chat:room-1"]}"#,
        )]);
        assert!(matches!(room.signals.recv().await, Some(StreamSignal::Recheck)));
        assert!(other.signals.try_recv().is_err(), "only the room's followers");
        hub.deliver(vec![event(2, ACCESS_TOPIC, r#"{"users":[],"topics":["team-chat:*"]}"#)]);
        assert!(matches!(room.signals.recv().await, Some(StreamSignal::Recheck)));
        assert!(matches!(other.signals.recv().await, Some(StreamSignal::Recheck)));
        assert!(presence.signals.try_recv().is_err(), "another kind is left alone");
    }

    #[tokio::test]
    async fn pl_7_a_stream_that_falls_behind_is_ended_and_dropping_unregisters() {
        let hub = PushHub::default();
        let mut slow = hub.subscribe(&["t:x".into()], None, None);
        let events = (0..=STREAM_BACKLOG as i64).map(|id| event(id, "t:x", "{}")).collect();
        hub.deliver(events);
        assert_eq!(hub.open_streams(), 0, "dropped from the hub");
        let mut received = 0;
        while slow.signals.recv().await.is_some() {
            received += 1;
        }
        assert_eq!(received, STREAM_BACKLOG, "what fitted, then the end");
        let kept = hub.subscribe(&["t:y".into()], None, None);
        assert_eq!(hub.open_streams(), 1);
        drop(kept);
        assert_eq!(hub.open_streams(), 0);
    }
}
