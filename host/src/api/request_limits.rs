//! How often one client may make requests that are cheap to send but cost the host work
//! every time and are not worth storing a count for: someone typing, messages marked as
//! seen, team chat messages. Counted in memory per client (the signed-in user; a visitor
//! both as itself and as its network, since visitor tokens are free to make up), with the
//! generic cell rate algorithm: a burst is allowed, then a steady rate. Past it a request is
//! refused with `429 rate_limited` and the seconds to wait. The counts live on one node and
//! a restart forgets them; limits that must hold across nodes and restarts (failed logins,
//! chats started) are counted in storage instead.

use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};

use super::error::ApiError;

/// What is limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequent {
    /// Saying one is typing in a conversation.
    Typing,
    /// Marking messages as seen.
    Seen,
    /// Writing a team chat message.
    TeamMessage,
}

impl Frequent {
    fn what(self) -> &'static str {
        match self {
            Frequent::Typing => "typing notices",
            Frequent::Seen => "seen marks",
            Frequent::TeamMessage => "messages",
        }
    }
}

/// A burst, then one more every `every_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// How many at once.
    pub burst: u32,
    /// How often one more, in milliseconds.
    pub every_ms: u64,
}

impl Rate {
    fn quota(self) -> Quota {
        let burst = NonZeroU32::new(self.burst.max(1)).unwrap_or(NonZeroU32::MIN);
        Quota::with_period(std::time::Duration::from_millis(self.every_ms.max(1)))
            .unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN))
            .allow_burst(burst)
    }
}

/// The rates of one kind of request: per client, and per network for clients without a
/// login (many visitors behind one address share it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rates {
    /// One user or one visitor.
    pub per_client: Rate,
    /// Every client without a login from one network together.
    pub per_network: Rate,
}

/// The team chat messages one member may write a minute unless the operator says otherwise:
/// far more than people type, few enough that a runaway script cannot fill the store.
pub const DEFAULT_TEAM_MESSAGES_PER_MINUTE: u32 = 300;

/// The rates of each kind, with `team_messages_per_minute` for team chat messages (a third
/// of a minute's worth may come at once).
pub fn rates(what: Frequent, team_messages_per_minute: u32) -> Rates {
    match what {
        // The pages say "typing" at most every three seconds, and "stopped" once.
        Frequent::Typing => Rates {
            per_client: Rate {
                burst: 10,
                every_ms: 1_000,
            },
            per_network: Rate {
                burst: 60,
                every_ms: 100,
            },
        },
        Frequent::Seen => Rates {
            per_client: Rate {
                burst: 20,
                every_ms: 500,
            },
            per_network: Rate {
                burst: 120,
                every_ms: 50,
            },
        },
        Frequent::TeamMessage => {
            let per_minute = team_messages_per_minute.max(1);
            let rate = Rate {
                burst: (per_minute / 3).max(1),
                every_ms: (60_000 / u64::from(per_minute)).max(1),
            };
            Rates {
                per_client: rate,
                per_network: rate,
            }
        }
    }
}

/// Who a count is kept for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum ClientKey {
    User(String),
    Visitor(String),
    Network(String),
}

struct Limiter {
    per_client: DefaultKeyedRateLimiter<ClientKey>,
    per_network: DefaultKeyedRateLimiter<ClientKey>,
}

/// Who a request counts against: its signed-in user (or widget customer), else its widget
/// visitor, and its client network (counted only for those without a login).
#[derive(Debug, Clone, Default)]
pub struct Requester<'a> {
    /// The user acting, if any.
    pub user: Option<&'a str>,
    /// The widget visitor, if no user acts.
    pub visitor: Option<&'a str>,
    /// The client's network, as limits per address count it.
    pub network: Option<String>,
}

/// The in-memory limits of one node.
pub struct RequestLimits {
    typing: Limiter,
    seen: Limiter,
    team_messages: Limiter,
    clock: DefaultClock,
    checks: AtomicU64,
}

/// How many checks between two prunings of clients not seen lately.
const PRUNE_EVERY: u64 = 4096;

impl Default for RequestLimits {
    fn default() -> Self {
        RequestLimits::new(DEFAULT_TEAM_MESSAGES_PER_MINUTE)
    }
}

impl RequestLimits {
    /// The limits, with this many team chat messages a minute per member.
    pub fn new(team_messages_per_minute: u32) -> RequestLimits {
        let limiter = |what| {
            let rates = rates(what, team_messages_per_minute);
            Limiter {
                per_client: DefaultKeyedRateLimiter::keyed(rates.per_client.quota()),
                per_network: DefaultKeyedRateLimiter::keyed(rates.per_network.quota()),
            }
        };
        RequestLimits {
            typing: limiter(Frequent::Typing),
            seen: limiter(Frequent::Seen),
            team_messages: limiter(Frequent::TeamMessage),
            clock: DefaultClock::default(),
            checks: AtomicU64::new(0),
        }
    }

    /// Counts one request of `what` by `requester`; `rate_limited` when it is one too many.
    pub fn check(&self, what: Frequent, requester: &Requester<'_>) -> Result<(), ApiError> {
        let limiter = match what {
            Frequent::Typing => &self.typing,
            Frequent::Seen => &self.seen,
            Frequent::TeamMessage => &self.team_messages,
        };
        if self.checks.fetch_add(1, Ordering::Relaxed) % PRUNE_EVERY == PRUNE_EVERY - 1 {
            for limiter in [&self.typing, &self.seen, &self.team_messages] {
                limiter.per_client.retain_recent();
                limiter.per_network.retain_recent();
            }
        }
        let refused = |wait: std::time::Duration, whose: &str| {
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            ApiError::RateLimited(
                format!("too many {} {whose}; try again in {seconds} s", what.what()),
                seconds,
            )
        };
        let network = requester
            .network
            .as_ref()
            .map(|network| ClientKey::Network(network.clone()));
        let user = requester.user;
        let client = match (user, requester.visitor) {
            (Some(user), _) => Some(ClientKey::User(user.to_string())),
            (None, Some(visitor)) => Some(ClientKey::Visitor(visitor.to_string())),
            (None, None) => None,
        };
        if let Some(client) = &client
            && let Err(not_until) = limiter.per_client.check_key(client)
        {
            return Err(refused(not_until.wait_time_from(self.clock.now()), "from you"));
        }
        if user.is_none()
            && let Some(network) = &network
            && let Err(not_until) = limiter.per_network.check_key(network)
        {
            return Err(refused(
                not_until.wait_time_from(self.clock.now()),
                "from your network address",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client_network::ClientNetwork;

    fn visitor<'a>(id: &'a str, address: &str) -> Requester<'a> {
        Requester {
            user: None,
            visitor: Some(id),
            network: Some(ClientNetwork::of(address.parse().unwrap(), 64).to_string()),
        }
    }

    #[test]
    fn lc_9_a_burst_of_typing_notices_passes_and_a_flood_is_refused() {
        let limits = RequestLimits::default();
        let one = visitor("v-1", "203.0.113.5");
        let burst = rates(Frequent::Typing, 1).per_client.burst;
        for _ in 0..burst {
            limits.check(Frequent::Typing, &one).unwrap();
        }
        let refused = limits.check(Frequent::Typing, &one).unwrap_err();
        assert!(
            matches!(refused, ApiError::RateLimited(_, seconds) if seconds >= 1),
            "{refused:?}"
        );
        assert!(refused.to_string().contains("typing"), "{refused}");
        assert!(limits.check(Frequent::Seen, &one).is_ok(), "kinds apart");
        assert!(
            limits.check(Frequent::Typing, &visitor("v-2", "198.51.100.1")).is_ok(),
            "clients apart"
        );
    }

    #[test]
    fn lc_9_visitors_making_up_tokens_share_their_networks_rate() {
        let limits = RequestLimits::default();
        let network_burst = rates(Frequent::Typing, 1).per_network.burst as usize;
        let refused = (0..network_burst + 5)
            .filter(|n| {
                let id = format!("v-{n}");
                let made_up = visitor(&id, &format!("2001:db8:1:1::{n:x}"));
                limits.check(Frequent::Typing, &made_up).is_err()
            })
            .count();
        assert_eq!(refused, 5, "one /64 is one network");
    }
}
