//! How many push streams a client may hold open on this node. A stream is a connection
//! held for as long as the client likes, and opening one needs no login (the widget's
//! visitors follow their chat), so without limits one client can take every connection
//! the host has. Streams are counted per owner: per signed-in user, per visitor, and per
//! client network for every stream without a session. Streams without a session also share
//! a pool of their own, smaller than the host's connections, so that room is always left
//! for signed-in people and ordinary requests; when that pool is full, or the host runs out
//! of connections, the oldest stream without a session is ended to make room (its client
//! reconnects and resumes from its last event id).

use std::collections::{BTreeSet, HashMap};

use crate::client_network::ClientNetwork;

/// The limits on open streams of one node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamLimits {
    /// Streams one signed-in user may hold open, over all their sessions.
    pub per_user: usize,
    /// Streams one anonymous visitor (one visitor token) may hold open.
    pub per_visitor: usize,
    /// Streams without a session that one client network may hold open, whoever they are.
    pub per_network: usize,
    /// Streams without a session open at once on this node; past it, the oldest is ended.
    pub anonymous: usize,
}

impl StreamLimits {
    /// The defaults for a host that accepts `max_connections` connections: half of them may
    /// be anonymous streams.
    pub fn for_connections(max_connections: usize) -> StreamLimits {
        StreamLimits {
            per_user: 64,
            per_visitor: 16,
            per_network: 32,
            anonymous: (max_connections / 2).max(1),
        }
    }
}

impl Default for StreamLimits {
    fn default() -> Self {
        StreamLimits::for_connections(crate::http_server::DEFAULT_MAX_CONNECTIONS)
    }
}

/// Who opens a stream, as the limits count it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamOwner {
    /// The signed-in user, if a session came with the request.
    pub user: Option<String>,
    /// The anonymous visitor, if a visitor token came (and no session).
    pub visitor: Option<String>,
    /// The client's network, when the host knows it.
    pub network: Option<ClientNetwork>,
}

impl StreamOwner {
    /// A signed-in user.
    pub fn user(user: &str) -> StreamOwner {
        StreamOwner {
            user: Some(user.to_string()),
            ..StreamOwner::default()
        }
    }

    fn anonymous(&self) -> bool {
        self.user.is_none()
    }
}

/// Why a stream was not opened.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StreamRefused {
    /// The owner holds as many streams as they may.
    #[error("too many open streams {whose} (at most {limit}); close some first")]
    TooMany {
        /// Whose streams, in words ("for this user", "from this network").
        whose: &'static str,
        /// The limit reached.
        limit: usize,
    },
}

/// The counts behind the limits.
#[derive(Debug)]
pub(super) struct Admission {
    limits: StreamLimits,
    by_user: HashMap<String, usize>,
    by_visitor: HashMap<String, usize>,
    by_network: HashMap<ClientNetwork, usize>,
    /// Streams without a session, oldest (smallest id) first.
    anonymous: BTreeSet<u64>,
}

fn count_up<K: std::hash::Hash + Eq + Clone>(map: &mut HashMap<K, usize>, key: &K) {
    *map.entry(key.clone()).or_default() += 1;
}

fn count_down<K: std::hash::Hash + Eq>(map: &mut HashMap<K, usize>, key: &K) {
    if let Some(count) = map.get_mut(key) {
        *count -= 1;
        if *count == 0 {
            map.remove(key);
        }
    }
}

impl Admission {
    /// Admission under these limits.
    pub(super) fn new(limits: StreamLimits) -> Admission {
        Admission {
            limits,
            by_user: HashMap::new(),
            by_visitor: HashMap::new(),
            by_network: HashMap::new(),
            anonymous: BTreeSet::new(),
        }
    }

    /// Whether `owner` may open one more stream: checked before anything is registered.
    pub(super) fn check(&self, owner: &StreamOwner) -> Result<(), StreamRefused> {
        let limits = &self.limits;
        let over = |count: Option<&usize>, limit: usize| count.copied().unwrap_or(0) >= limit;
        if let Some(user) = &owner.user {
            if over(self.by_user.get(user), limits.per_user) {
                return Err(StreamRefused::TooMany {
                    whose: "for this user",
                    limit: limits.per_user,
                });
            }
            return Ok(());
        }
        if let Some(visitor) = &owner.visitor
            && over(self.by_visitor.get(visitor), limits.per_visitor)
        {
            return Err(StreamRefused::TooMany {
                whose: "for this visitor",
                limit: limits.per_visitor,
            });
        }
        if let Some(network) = &owner.network
            && over(self.by_network.get(network), limits.per_network)
        {
            return Err(StreamRefused::TooMany {
                whose: "from your network address",
                limit: limits.per_network,
            });
        }
        Ok(())
    }

    /// The anonymous streams to end before one more of `owner`'s is opened: the oldest,
    /// while the pool is full.
    pub(super) fn to_shed_for(&self, owner: &StreamOwner) -> Vec<u64> {
        if !owner.anonymous() {
            return Vec::new();
        }
        let excess = (self.anonymous.len() + 1).saturating_sub(self.limits.anonymous);
        self.anonymous.iter().take(excess).copied().collect()
    }

    /// The oldest stream without a session, if any.
    pub(super) fn oldest_anonymous(&self) -> Option<u64> {
        self.anonymous.first().copied()
    }

    /// Counts stream `id` of `owner`.
    pub(super) fn admit(&mut self, id: u64, owner: &StreamOwner) {
        if let Some(user) = &owner.user {
            count_up(&mut self.by_user, user);
            return;
        }
        if let Some(visitor) = &owner.visitor {
            count_up(&mut self.by_visitor, visitor);
        }
        if let Some(network) = &owner.network {
            count_up(&mut self.by_network, network);
        }
        self.anonymous.insert(id);
    }

    /// Stops counting stream `id` of `owner`.
    pub(super) fn release(&mut self, id: u64, owner: &StreamOwner) {
        if let Some(user) = &owner.user {
            count_down(&mut self.by_user, user);
            return;
        }
        if let Some(visitor) = &owner.visitor {
            count_down(&mut self.by_visitor, visitor);
        }
        if let Some(network) = &owner.network {
            count_down(&mut self.by_network, network);
        }
        self.anonymous.remove(&id);
    }
}
