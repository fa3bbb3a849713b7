//! Where a webhook may be sent (SSRF rules): an absolute `https` URL whose host resolves
//! to public addresses only, checked when an endpoint is saved and again at every
//! delivery (the deliverer's resolver drops every other address). With `allow_private`
//! (development and tests) `http` and loopback or private addresses are allowed too.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

/// The longest URL an endpoint may have.
pub const MAX_URL_CHARS: usize = 2_000;

/// Checks a URL's form: absolute `http(s)` (only `https` unless `allow_private`), with a
/// host, without credentials, and, when the host is an address, a public one unless
/// `allow_private`. What is wrong, for people.
pub fn check_form(raw: &str, allow_private: bool) -> Result<Url, String> {
    if raw.chars().count() > MAX_URL_CHARS {
        return Err(format!("must be at most {MAX_URL_CHARS} characters"));
    }
    let url = Url::parse(raw.trim()).map_err(|_| "must be an absolute http(s) URL".to_owned())?;
    match url.scheme() {
        "https" => {}
        "http" if allow_private => {}
        "http" => return Err("must be an https URL".into()),
        _ => return Err("must be an absolute http(s) URL".into()),
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("must not carry credentials".into());
    }
    match url.host() {
        None => Err("must name a host".into()),
        Some(Host::Ipv4(ip)) if !allow_private && !is_public(IpAddr::V4(ip)) => {
            Err("must reach a public address".into())
        }
        Some(Host::Ipv6(ip)) if !allow_private && !is_public(IpAddr::V6(ip)) => {
            Err("must reach a public address".into())
        }
        Some(_) => Ok(url),
    }
}

/// Checks a URL's form and, unless `allow_private`, that its host resolves to public
/// addresses only.
pub async fn check(raw: &str, allow_private: bool) -> Result<Url, String> {
    let url = check_form(raw, allow_private)?;
    if allow_private {
        return Ok(url);
    }
    if let Some(Host::Domain(domain)) = url.host() {
        let port = url.port_or_known_default().unwrap_or(443);
        let addresses: Vec<SocketAddr> = tokio::net::lookup_host((domain, port))
            .await
            .map_err(|_| "must name a host that resolves".to_owned())?
            .collect();
        if addresses.is_empty() || !addresses.iter().all(|a| is_public(a.ip())) {
            return Err("must resolve to public addresses only".into());
        }
    }
    Ok(url)
}

/// Whether an address is reachable on the public internet: not loopback, private,
/// link-local, shared (CGNAT), multicast, reserved, documentation or unspecified.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local
                || (first & 0xffc0) == 0xfe80 // link-local
                || (first == 0x2001 && v6.segments()[1] == 0x0db8) // documentation
                || (first == 0x0064 && v6.segments()[1] == 0xff9b) // NAT64
                || v6 == Ipv6Addr::UNSPECIFIED)
        }
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_unspecified()
        || a == 0
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT)
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments
        || (a == 198 && (b == 18 || b == 19)) // benchmarking
        || a >= 240) // reserved
}

/// The deliverer's resolver: the system's answer, less every address that is not
/// public (all of them allowed with `allow_private`), so that a name cannot be turned
/// toward an internal address after it was checked.
#[derive(Debug, Clone, Copy)]
pub struct PublicResolver {
    pub allow_private: bool,
}

impl reqwest::dns::Resolve for PublicResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let addresses: Vec<SocketAddr> = found
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if addresses.is_empty() {
                return Err("the host resolves to no public address".into());
            }
            let addresses: reqwest::dns::Addrs = Box::new(addresses.into_iter());
            Ok(addresses)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "198.18.0.1",
            "::1",
            "::",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "2001:db8::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "93.184.216.34", "2606:4700:4700::1111"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn urls_must_be_absolute_https_public_and_without_credentials() {
        assert!(check_form("https://hooks.example.com/roster", false).is_ok());
        assert!(check_form("http://127.0.0.1:9000/hook", true).is_ok());
        for (bad, why) in [
            ("http://hooks.example.com/", "https"),
            ("ftp://hooks.example.com/", "absolute"),
            ("/relative", "absolute"),
            ("https://127.0.0.1/", "public"),
            ("https://[::1]/", "public"),
            ("https://10.0.0.8/", "public"),
            ("https://user:pw@hooks.example.com/", "credentials"),
        ] {
            let err = check_form(bad, false).unwrap_err();
            assert!(err.contains(why), "{bad}: {err}");
        }
        assert!(check_form(&format!("https://a.example/{}", "x".repeat(2_000)), false).is_err());
    }
}
