//! Who the client is: the TCP peer, unless the peer is a trusted proxy, in which case the
//! right-most `X-Forwarded-For` entry that is not one. Logs, rate limits and the
//! connection cap all use this one address.

use std::net::{IpAddr, SocketAddr};

use actix_web::{web, HttpRequest};
use ipnet::IpNet;

use crate::state::AppState;

const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The proxies in front of the gateway (`ROSTER_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> Self {
        Self(networks)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client behind `peer`, given the `X-Forwarded-For` header lines in order. An
    /// entry that is not an address ends the walk: the last trusted hop is the client.
    pub fn client<'a>(&self, peer: IpAddr, forwarded_for: impl Iterator<Item = &'a str>) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let entries: Vec<&str> = forwarded_for.flat_map(|line| line.split(',')).collect();
        for entry in entries.iter().rev() {
            let Some(hop) = parse_hop(entry.trim()) else {
                break;
            };
            client = hop;
            if !self.trusts(hop) {
                break;
            }
        }
        client
    }
}

/// An `X-Forwarded-For` entry: an address, with or without a port.
fn parse_hop(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .or_else(|_| entry.parse::<SocketAddr>().map(|a| a.ip()))
        .ok()
        .map(|ip| ip.to_canonical())
}

/// The client address of a request (`None` only without a peer, as in unit tests).
pub fn of(req: &HttpRequest) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    let Some(state) = req.app_data::<web::Data<AppState>>() else {
        return Some(peer);
    };
    let forwarded_for = req
        .headers()
        .get_all(X_FORWARDED_FOR)
        .filter_map(|v| v.to_str().ok());
    Some(state.defences.proxies.client(peer, forwarded_for))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn proxies() -> TrustedProxies {
        TrustedProxies::new(vec![
            "10.0.0.0/8".parse().unwrap(),
            "::1/128".parse().unwrap(),
        ])
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_forwards() {
        let client = proxies().client(ip("203.0.113.9"), ["198.51.100.1"].into_iter());
        assert_eq!(client, ip("203.0.113.9"));
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("10.0.0.1"), ["198.51.100.1"].into_iter()),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn behind_trusted_proxies_the_right_most_untrusted_entry_is_the_client() {
        let p = proxies();
        // The client wrote the first entry itself: only what the proxies added counts.
        let lines = ["6.6.6.6, 198.51.100.7", "10.1.1.1"];
        assert_eq!(
            p.client(ip("10.0.0.2"), lines.into_iter()),
            ip("198.51.100.7")
        );
        assert_eq!(
            p.client(ip("::1"), ["[2001:db8::5]:4711"].into_iter()),
            ip("2001:db8::5")
        );
        assert_eq!(
            p.client(ip("10.0.0.2"), ["198.51.100.7:80"].into_iter()),
            ip("198.51.100.7")
        );
    }

    #[test]
    fn without_an_untrusted_entry_the_last_trusted_hop_is_the_client() {
        let p = proxies();
        assert_eq!(p.client(ip("10.0.0.2"), std::iter::empty()), ip("10.0.0.2"));
        assert_eq!(
            p.client(ip("10.0.0.2"), ["10.9.9.9"].into_iter()),
            ip("10.9.9.9")
        );
        let garbage = ["198.51.100.7, unknown, 10.3.3.3"];
        assert_eq!(
            p.client(ip("10.0.0.2"), garbage.into_iter()),
            ip("10.3.3.3")
        );
    }

    #[test]
    fn mapped_addresses_are_their_ipv4_selves() {
        let p = proxies();
        assert!(p.trusts(ip("::ffff:10.0.0.3")));
        assert_eq!(
            p.client(ip("::ffff:203.0.113.9"), std::iter::empty()),
            ip("203.0.113.9")
        );
    }
}
