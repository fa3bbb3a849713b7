//! Who the client is: the TCP peer, unless the peer is a trusted proxy, in which case the
//! right-most `X-Forwarded-For` entry that is not one. Logs, rate limits and the
//! connection cap all use this one address.

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use actix_web::{web, HttpRequest};
use ipnet::IpNet;

use crate::state::AppState;

const X_FORWARDED_FOR: &str = "x-forwarded-for";

/// The proxies in front of the gateway (`ROSTER_TRUSTED_PROXIES`).
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

/// Comma-separated addresses (`10.0.0.7`) or networks (`10.0.0.0/8`); blank entries (an
/// empty setting) are none.
impl FromStr for TrustedProxies {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, String> {
        raw.split(',')
            .map(str::trim)
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| format!("{entry:?} is neither an IP address nor a CIDR"))
            })
            .collect::<Result<_, _>>()
            .map(Self)
    }
}

impl TrustedProxies {
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

    /// The client behind `peer` with these `X-Forwarded-For` lines, when 10.0.0.0/8 and ::1
    /// are the trusted proxies.
    fn client(peer: &str, lines: &[&str]) -> IpAddr {
        let proxies: TrustedProxies = "10.0.0.0/8, ::1".parse().unwrap();
        proxies.client(ip(peer), lines.iter().copied())
    }

    #[test]
    fn the_client_is_the_peer_or_the_right_most_untrusted_forwarded_entry() {
        let cases: [(&str, &[&str], &str); 9] = [
            // An untrusted peer is the client whatever it forwards.
            ("203.0.113.9", &["198.51.100.1"], "203.0.113.9"),
            // The client wrote the first entry itself: only what the proxies added counts.
            (
                "10.0.0.2",
                &["6.6.6.6, 198.51.100.7", "10.1.1.1"],
                "198.51.100.7",
            ),
            ("::1", &["[2001:db8::5]:4711"], "2001:db8::5"),
            ("10.0.0.2", &["198.51.100.7:80"], "198.51.100.7"),
            // Without an untrusted entry, the last trusted hop.
            ("10.0.0.2", &[], "10.0.0.2"),
            ("10.0.0.2", &["10.9.9.9"], "10.9.9.9"),
            ("10.0.0.2", &["198.51.100.7, unknown, 10.3.3.3"], "10.3.3.3"),
            // Mapped addresses are their IPv4 selves.
            ("::ffff:10.0.0.3", &["198.51.100.7"], "198.51.100.7"),
            ("::ffff:203.0.113.9", &[], "203.0.113.9"),
        ];
        for (peer, lines, expected) in cases {
            assert_eq!(client(peer, lines), ip(expected), "{peer} {lines:?}");
        }
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("10.0.0.1"), ["198.51.100.1"].into_iter()),
            ip("10.0.0.1")
        );
    }
}
