//! The network one client is counted as, for limits per client (login throttling, the
//! widget's rate limits, open push streams). One IPv6 subscriber is given a whole /64 (or
//! more), so counting each IPv6 address would let one client pass as billions of them.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

/// The IPv6 prefix length one client is assumed to hold unless the operator says otherwise
/// (RFC 6177: end sites get at least a /64).
pub const DEFAULT_IPV6_PREFIX: u8 = 64;

/// The network one client is counted as: an IPv4 address alone, or the IPv6 network of the
/// configured prefix around an IPv6 address. IPv4 addresses mapped into IPv6
/// (`::ffff:198.51.100.7`) count as the IPv4 address they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientNetwork(IpNet);

impl ClientNetwork {
    /// The network of `address` when IPv6 clients hold networks of `ipv6_prefix` bits
    /// (taken as 1 to 128).
    pub fn of(address: IpAddr, ipv6_prefix: u8) -> ClientNetwork {
        let address = address.to_canonical();
        let prefix = match address {
            IpAddr::V4(_) => 32,
            IpAddr::V6(_) => ipv6_prefix.clamp(1, 128),
        };
        // The prefix is in range for the address family, so this cannot fail.
        let net = IpNet::new(address, prefix).map_or_else(|_| IpNet::from(address), |net| net.trunc());
        ClientNetwork(net)
    }

    /// The network.
    pub fn net(&self) -> IpNet {
        self.0
    }
}

/// An IPv4 client as its address (`203.0.113.7`), an IPv6 client as its network
/// (`2001:db8:1:2::/64`): the form limits are keyed by, and the plugin's `address`.
impl fmt::Display for ClientNetwork {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.prefix_len() == self.0.max_prefix_len() {
            write!(f, "{}", self.0.addr())
        } else {
            write!(f, "{}", self.0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn lc_4_ipv6_clients_count_as_their_network() {
        let net = |text: &str, prefix| ClientNetwork::of(ip(text), prefix).to_string();
        assert_eq!(net("2001:db8:1:2:aaaa::1", 64), "2001:db8:1:2::/64");
        assert_eq!(
            ClientNetwork::of(ip("2001:db8:1:2:aaaa::1"), 64),
            ClientNetwork::of(ip("2001:db8:1:2:ffff:1:2:3"), 64),
            "one /64, one client"
        );
        assert_ne!(
            ClientNetwork::of(ip("2001:db8:1:2::1"), 64),
            ClientNetwork::of(ip("2001:db8:1:3::1"), 64)
        );
        assert_eq!(net("2001:db8:1:2:aaaa::1", 48), "2001:db8:1::/48");
        assert_eq!(net("2001:db8::1", 128), "2001:db8::1");
        assert_eq!(net("203.0.113.7", 64), "203.0.113.7", "IPv4 is one address");
        assert_eq!(net("::ffff:203.0.113.7", 64), "203.0.113.7", "mapped IPv4 too");
        assert_eq!(net("2001:db8::1", 0), "::/1", "taken as at least 1");
    }
}
