//! The client's network address, for limits per address (login throttling, the widget's
//! rate limits, push streams). Behind a reverse proxy every connection comes from the
//! proxy, so the operator names the proxies it trusts (`--trusted-proxy`), and the address
//! is then read from `X-Forwarded-For`, right to left: each trusted proxy appends the
//! address it saw, so the first address from the right that is not a trusted proxy is the
//! client. Anything left of it may be made up by the client and is ignored.
//!
//! Limits count a [`ClientNetwork`] made from that address.

use std::net::IpAddr;

use axum::http::HeaderMap;
use ipnet::IpNet;

/// One hop of `X-Forwarded-For` as proxies write it: an address, possibly with a port, an
/// IPv6 address possibly in brackets (`[2001:db8::1]:443`), possibly quoted.
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim().trim_matches('"');
    if let Ok(address) = hop.parse::<IpAddr>() {
        return Some(address);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port_ok = after.is_empty() || after.strip_prefix(':').is_some_and(is_port);
        return port_ok
            .then(|| inside.parse::<std::net::Ipv6Addr>().ok().map(IpAddr::V6))
            .flatten();
    }
    // `198.51.100.7:5678`: only IPv4 has a bare port (an IPv6 address has colons of its own).
    let (address, port) = hop.rsplit_once(':')?;
    if !is_port(port) {
        return None;
    }
    address.parse::<std::net::Ipv4Addr>().ok().map(IpAddr::V4)
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The client's address: the connection's `peer`, or, when the peer is a trusted proxy,
/// the nearest forwarded address that is not one.
pub fn client_address(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let peer = peer?;
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(&address.to_canonical()));
    if !is_trusted(&peer) {
        return Some(peer.to_canonical());
    }
    let forwarded = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    let mut client = peer.to_canonical();
    for hop in forwarded.iter().rev() {
        // A hop that is no address ends the chain: nothing left of it can be trusted.
        let Some(address) = parse_hop(hop).map(|address| address.to_canonical()) else {
            break;
        };
        client = address;
        if !is_trusted(&address) {
            break;
        }
    }
    Some(client)
}

/// Whether the client reached the site over TLS, as a trusted proxy in front says
/// (`X-Forwarded-Proto: https`); the host itself serves plain HTTP.
pub fn forwarded_https(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> bool {
    let Some(peer) = peer else { return false };
    trusted.iter().any(|net| net.contains(&peer))
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn forwarded_for(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_str(value).unwrap());
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn lc_4_a_direct_client_is_its_peer_whatever_it_forwards() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        assert_eq!(
            client_address(Some(ip("203.0.113.5")), &forwarded_for("198.51.100.1"), &trusted),
            Some(ip("203.0.113.5"))
        );
        assert_eq!(client_address(None, &forwarded_for("198.51.100.1"), &trusted), None);
    }

    #[test]
    fn lc_4_behind_trusted_proxies_the_nearest_untrusted_hop_is_the_client() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap(), "::1/128".parse().unwrap()];
        let proxy = Some(ip("10.1.2.3"));
        assert_eq!(
            client_address(proxy, &forwarded_for("6.6.6.6, 198.51.100.7, 10.9.9.9"), &trusted),
            Some(ip("198.51.100.7")),
            "what the client claimed left of its own address is ignored"
        );
        assert_eq!(
            client_address(proxy, &forwarded_for("2001:db8::5"), &trusted),
            Some(ip("2001:db8::5"))
        );
        assert_eq!(
            client_address(proxy, &forwarded_for("junk, 198.51.100.7"), &trusted),
            Some(ip("198.51.100.7"))
        );
        assert_eq!(
            client_address(proxy, &forwarded_for("198.51.100.7, junk"), &trusted),
            proxy,
            "a malformed nearest hop leaves the proxy as the client"
        );
        assert_eq!(client_address(proxy, &HeaderMap::new(), &trusted), proxy);
    }

    #[test]
    fn lc_4_forwarded_hops_with_ports_and_brackets_are_read() {
        let trusted: Vec<IpNet> = vec!["10.0.0.0/8".parse().unwrap()];
        let proxy = Some(ip("10.1.2.3"));
        for (hop, client) in [
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("[2001:db8::1]", "2001:db8::1"),
            ("198.51.100.7:5678", "198.51.100.7"),
            ("\"[2001:db8::2]:80\"", "2001:db8::2"),
            ("::ffff:198.51.100.9", "198.51.100.9"),
        ] {
            assert_eq!(
                client_address(proxy, &forwarded_for(hop), &trusted),
                Some(ip(client)),
                "{hop}"
            );
        }
        for junk in [
            "[2001:db8::1",
            "[2001:db8::1]:x",
            "2001:db8::1:99999x",
            "1.2.3.4:",
            "[1.2.3.4]:80",
        ] {
            assert_eq!(client_address(proxy, &forwarded_for(junk), &trusted), proxy, "{junk}");
        }
    }
}
