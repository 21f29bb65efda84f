//! Push delivery on this node. Committed events (in commit order, from the storage backend)
//! go to the open streams that follow their topics, each through a bounded channel of its
//! own: a stream that falls too far behind is ended, and its client resumes from its last
//! event id out of the stored log.
//!
//! Topics starting with `@` are the host's own and never reach a client: `@access` names
//! users whose streams must be authorized again (the plugin's `push.access-changed`), and
//! `@sessions` names a session that ended (its streams end). They travel through the event
//! log like any event, so every node of a site sees them in order.

mod admission;

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

pub use crate::storage::{PushEvent, Signal};
pub use admission::{StreamLimits, StreamOwner, StreamRefused};

/// The longest a payload may be.
pub const MAX_PAYLOAD_BYTES: usize = 64 * 1024;
/// The longest payload of a signal (an event never stored): small enough to travel in one
/// PostgreSQL notification with its topic and kind.
pub const MAX_SIGNAL_BYTES: usize = 4 * 1024;
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
    /// A signal on one of its topics: sent as it comes, without an id.
    Signal(Arc<Signal>),
    /// What its user may receive may have changed: authorize its topics again.
    Recheck,
    /// Its session ended.
    SessionEnded,
}

struct Registry {
    next_id: u64,
    streams: HashMap<u64, Slot>,
    by_topic: HashMap<String, HashSet<u64>>,
    by_user: HashMap<String, HashSet<u64>>,
    by_session: HashMap<String, HashSet<u64>>,
    admission: admission::Admission,
}

struct Slot {
    sender: mpsc::Sender<StreamSignal>,
    topics: Vec<String>,
    owner: StreamOwner,
    session: Option<String>,
}

/// Fans committed events out to this node's open streams; cheap to clone.
#[derive(Clone)]
pub struct PushHub {
    registry: Arc<Mutex<Registry>>,
}

impl Default for PushHub {
    fn default() -> Self {
        PushHub::new(StreamLimits::default())
    }
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

impl Registry {
    fn unregister(&mut self, id: u64) {
        if let Some(slot) = self.streams.remove(&id) {
            for topic in &slot.topics {
                unindex(&mut self.by_topic, topic, id);
            }
            if let Some(user) = &slot.owner.user {
                unindex(&mut self.by_user, user, id);
            }
            if let Some(session) = &slot.session {
                unindex(&mut self.by_session, session, id);
            }
            self.admission.release(id, &slot.owner);
        }
    }
}

impl PushHub {
    /// A hub that admits streams under `limits`.
    pub fn new(limits: StreamLimits) -> PushHub {
        PushHub {
            registry: Arc::new(Mutex::new(Registry {
                next_id: 0,
                streams: HashMap::new(),
                by_topic: HashMap::new(),
                by_user: HashMap::new(),
                by_session: HashMap::new(),
                admission: admission::Admission::new(limits),
            })),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a stream following `topics` (each once) for `owner` in `session`, unless
    /// the owner holds as many streams as the limits allow. A stream without a session that
    /// finds the anonymous pool full ends the oldest one to make room.
    pub fn subscribe(
        &self,
        topics: &[String],
        owner: StreamOwner,
        session: Option<&str>,
    ) -> Result<Subscription, StreamRefused> {
        let (sender, signals) = mpsc::channel(STREAM_BACKLOG);
        let mut registry = self.lock();
        registry.admission.check(&owner)?;
        for oldest in registry.admission.to_shed_for(&owner) {
            tracing::debug!(stream = oldest, "the anonymous streams are full; the oldest is ended");
            registry.unregister(oldest);
        }
        registry.next_id += 1;
        let id = registry.next_id;
        for topic in topics {
            index(&mut registry.by_topic, topic, id);
        }
        if let Some(user) = &owner.user {
            index(&mut registry.by_user, user, id);
        }
        if let Some(session) = session {
            index(&mut registry.by_session, session, id);
        }
        registry.admission.admit(id, &owner);
        registry.streams.insert(
            id,
            Slot {
                sender,
                topics: topics.to_vec(),
                owner,
                session: session.map(str::to_string),
            },
        );
        drop(registry);
        Ok(Subscription {
            id,
            hub: self.clone(),
            signals,
        })
    }

    /// Ends the oldest stream without a session, to give its connection to someone else;
    /// whether there was one.
    pub fn shed_oldest_anonymous(&self) -> bool {
        let mut registry = self.lock();
        match registry.admission.oldest_anonymous() {
            Some(oldest) => {
                registry.unregister(oldest);
                true
            }
            None => false,
        }
    }

    fn unregister(&self, id: u64) {
        self.lock().unregister(id);
    }

    /// How many streams are open on this node.
    pub fn open_streams(&self) -> usize {
        self.lock().streams.len()
    }

    /// Hands committed signals to the streams that follow their topics. A stream too slow
    /// to take one misses it: a signal matters only now.
    pub fn deliver_signals(&self, signals: Vec<Signal>) {
        let registry = self.lock();
        for signal in signals {
            let Some(ids) = registry.by_topic.get(&signal.topic) else {
                continue;
            };
            let signal = StreamSignal::Signal(Arc::new(signal));
            for id in ids {
                if let Some(slot) = registry.streams.get(id) {
                    let _ = slot.sender.try_send(signal.clone());
                }
            }
        }
    }

    /// Hands committed events, in commit order, to the streams that follow them.
    pub fn deliver(&self, events: Vec<PushEvent>) {
        let mut registry = self.lock();
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
        // Dropping a slot's sender ends its stream; the client resumes from storage.
        for id in too_slow {
            tracing::debug!(stream = id, "a stream fell behind and is ended; its client resumes");
            registry.unregister(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(user: Option<&str>) -> StreamOwner {
        StreamOwner {
            user: user.map(str::to_string),
            ..StreamOwner::default()
        }
    }

    fn visitor(visitor: &str, network: &str) -> StreamOwner {
        StreamOwner {
            user: None,
            visitor: Some(visitor.into()),
            network: Some(crate::client_network::ClientNetwork::of(network.parse().unwrap(), 64)),
        }
    }

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
        let mut sup = hub
            .subscribe(&["presence:SUP".into()], owner(Some("alice")), None)
            .unwrap();
        let mut ops = hub.subscribe(&["presence:OPS".into()], owner(None), None).unwrap();
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
        let mut alice = hub
            .subscribe(&["presence:SUP".into()], owner(Some("alice")), Some("s1"))
            .unwrap();
        let mut bob = hub
            .subscribe(&["presence:SUP".into()], owner(Some("bob")), Some("s2"))
            .unwrap();
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
        let mut room = hub
            .subscribe(&["team-chat:room-1".into()], owner(Some("bob")), None)
            .unwrap();
        let mut other = hub
            .subscribe(&["team-chat:room-2".into()], owner(Some("tom")), None)
            .unwrap();
        let mut presence = hub
            .subscribe(&["presence:SUP".into()], owner(Some("ann")), None)
            .unwrap();
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
        let mut slow = hub.subscribe(&["t:x".into()], owner(None), None).unwrap();
        let events = (0..=STREAM_BACKLOG as i64).map(|id| event(id, "t:x", "{}")).collect();
        hub.deliver(events);
        assert_eq!(hub.open_streams(), 0, "dropped from the hub");
        let mut received = 0;
        while slow.signals.recv().await.is_some() {
            received += 1;
        }
        assert_eq!(received, STREAM_BACKLOG, "what fitted, then the end");
        let kept = hub.subscribe(&["t:y".into()], owner(None), None).unwrap();
        assert_eq!(hub.open_streams(), 1);
        drop(kept);
        assert_eq!(hub.open_streams(), 0);
    }

    fn limits() -> StreamLimits {
        StreamLimits {
            per_user: 3,
            per_visitor: 2,
            per_network: 4,
            anonymous: 6,
        }
    }

    #[tokio::test]
    async fn pl_7_one_client_cannot_open_more_streams_than_its_share() {
        let hub = PushHub::new(limits());
        let topic = ["chat-status:SUP".to_string()];
        let mut kept = Vec::new();
        kept.push(hub.subscribe(&topic, visitor("v1", "203.0.113.5"), None).unwrap());
        kept.push(hub.subscribe(&topic, visitor("v1", "203.0.113.5"), None).unwrap());
        let refused = hub.subscribe(&topic, visitor("v1", "203.0.113.5"), None).err();
        assert!(
            matches!(refused, Some(StreamRefused::TooMany { limit: 2, .. })),
            "per visitor"
        );
        kept.push(hub.subscribe(&topic, visitor("v2", "203.0.113.5"), None).unwrap());
        kept.push(hub.subscribe(&topic, visitor("v3", "203.0.113.5"), None).unwrap());
        let refused = hub.subscribe(&topic, visitor("v4", "203.0.113.5"), None).err();
        assert!(
            matches!(refused, Some(StreamRefused::TooMany { limit: 4, .. })),
            "per network, whatever visitor tokens it makes up"
        );
        let refused = hub.subscribe(&topic, visitor("v5", "2001:db8:0:1::9"), None);
        assert!(refused.is_ok(), "another network may");
        let mut v6 = vec![refused.unwrap()];
        for n in 0..3 {
            let other_address = format!("2001:db8:0:1:{n}::1");
            v6.push(
                hub.subscribe(&topic, visitor(&format!("w{n}"), &other_address), None)
                    .unwrap(),
            );
        }
        assert!(
            hub.subscribe(&topic, visitor("w9", "2001:db8:0:1:ffff::1"), None)
                .is_err(),
            "one IPv6 /64 is one network"
        );
        for _ in 0..3 {
            kept.push(hub.subscribe(&topic, owner(Some("alice")), Some("s1")).unwrap());
        }
        assert!(
            hub.subscribe(&topic, owner(Some("alice")), Some("s2")).is_err(),
            "per user"
        );
        assert!(
            hub.subscribe(&topic, owner(Some("bob")), Some("s3")).is_ok(),
            "users apart"
        );
        drop(kept.pop());
        assert!(
            hub.subscribe(&topic, owner(Some("alice")), Some("s2")).is_ok(),
            "a closed stream frees its place"
        );
    }

    #[tokio::test]
    async fn pl_7_the_oldest_anonymous_streams_make_room_and_signed_in_ones_stay() {
        let hub = PushHub::new(limits());
        let topic = ["chat-status:SUP".to_string()];
        let staff = hub.subscribe(&topic, owner(Some("alice")), Some("s1")).unwrap();
        let mut anonymous = Vec::new();
        for n in 0..6 {
            anonymous.push(
                hub.subscribe(&topic, visitor(&format!("v{n}"), &format!("198.51.100.{n}")), None)
                    .unwrap(),
            );
        }
        assert_eq!(hub.open_streams(), 7);
        let newest = hub.subscribe(&topic, visitor("v9", "198.51.100.9"), None).unwrap();
        assert_eq!(hub.open_streams(), 7, "the pool stays at its size");
        assert!(anonymous[0].signals.recv().await.is_none(), "the oldest was ended");
        assert!(anonymous[1].signals.try_recv().is_err(), "the next one is still open");
        assert!(hub.shed_oldest_anonymous(), "room for a connection");
        assert!(anonymous[1].signals.recv().await.is_none());
        drop(newest);
        drop(anonymous);
        assert!(!hub.shed_oldest_anonymous(), "signed-in streams are never shed");
        assert_eq!(hub.open_streams(), 1);
        drop(staff);
    }
}
