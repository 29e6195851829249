//! Where a request really comes from. Behind a reverse proxy every connection is the
//! proxy's, so the client's address is read from `Forwarded` (RFC 7239) or
//! `X-Forwarded-For`, but only when the connection comes from a proxy this instance was
//! told to trust (`WAYPOINT_TRUSTED_PROXIES`): anyone else could write those headers to
//! pass for anyone, and spread their guesses over made-up addresses.
use http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// The reverse proxies whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an address or address range: {0:?}")]
pub struct NotAnAddress(String);

impl std::str::FromStr for TrustedProxies {
    type Err = NotAnAddress;

    /// Addresses or ranges, separated by commas or spaces: `127.0.0.1, 10.0.0.0/8, ::1`.
    fn from_str(text: &str) -> Result<Self, NotAnAddress> {
        text.split([',', ' '])
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<IpNet>()
                    .or_else(|_| part.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| NotAnAddress(part.to_owned()))
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl TrustedProxies {
    fn trusts(&self, address: &IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(address))
    }

    /// The client's address: the connection's own, unless it comes from a trusted proxy;
    /// then the nearest address in the forwarding chain that is not a trusted proxy (the
    /// proxies append, so the nearest entries are the ones they wrote). A chain that
    /// cannot be read gives the proxy's own address.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(&peer) {
            return peer;
        }
        let chain = forwarded_for(headers).or_else(|| x_forwarded_for(headers));
        let Some(chain) = chain else {
            return peer;
        };
        let mut client = peer;
        for address in chain.into_iter().rev() {
            match address {
                Some(address) if self.trusts(&address) => client = address,
                Some(address) => return address,
                // Unreadable (`unknown`, an obfuscated name): stop at the last one known.
                None => return client,
            }
        }
        client
    }
}

/// Every `Forwarded` header's `for=` values, in order; `None` when there is no such header.
fn forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut chain = Vec::new();
    for value in headers.get_all("forwarded") {
        let text = value.to_str().ok()?;
        for element in text.split(',') {
            let found = element.split(';').find_map(|pair| {
                let (name, value) = pair.trim().split_once('=')?;
                name.eq_ignore_ascii_case("for")
                    .then(|| node_address(value))
            });
            chain.push(found.flatten());
        }
    }
    (!chain.is_empty()).then_some(chain)
}

/// A `for=` node: `192.0.2.1`, `"192.0.2.1:4711"`, `"[2001:db8::1]:4711"`.
fn node_address(node: &str) -> Option<IpAddr> {
    let node = node.trim().trim_matches('"');
    if let Some(rest) = node.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    node.parse()
        .ok()
        .or_else(|| node.rsplit_once(':')?.0.parse().ok())
}

fn x_forwarded_for(headers: &HeaderMap) -> Option<Vec<Option<IpAddr>>> {
    let mut chain = Vec::new();
    for value in headers.get_all("x-forwarded-for") {
        let text = value.to_str().ok()?;
        chain.extend(text.split(',').map(|part| part.trim().parse().ok()));
    }
    (!chain.is_empty()).then_some(chain)
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn forwarding_headers_count_only_from_a_trusted_proxy() {
        let proxies: TrustedProxies = "127.0.0.1, 10.0.0.0/8".parse().unwrap();
        let forwarded = headers(&[("x-forwarded-for", "203.0.113.7")]);
        assert_eq!(
            proxies.client_address(ip("127.0.0.1"), &forwarded),
            ip("203.0.113.7")
        );
        // Straight from the internet: the header is anyone's to write.
        assert_eq!(
            proxies.client_address(ip("198.51.100.2"), &forwarded),
            ip("198.51.100.2")
        );
        // No proxies configured: nobody's headers are believed.
        let none = TrustedProxies::default();
        assert_eq!(
            none.client_address(ip("127.0.0.1"), &forwarded),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn the_nearest_untrusted_address_in_the_chain_is_the_client() {
        let proxies: TrustedProxies = "127.0.0.1 10.0.0.0/8".parse().unwrap();
        // The client wrote a made-up first entry; the proxies appended the real one.
        let spoofed = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.7, 10.0.0.5")]);
        assert_eq!(
            proxies.client_address(ip("127.0.0.1"), &spoofed),
            ip("203.0.113.7")
        );
        let standard = headers(&[(
            "forwarded",
            "for=1.2.3.4, for=\"[2001:db8::7]:4711\";proto=https, for=10.0.0.5",
        )]);
        assert_eq!(
            proxies.client_address(ip("127.0.0.1"), &standard),
            ip("2001:db8::7")
        );
        let unknown = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(
            proxies.client_address(ip("127.0.0.1"), &unknown),
            ip("127.0.0.1")
        );
    }

    #[test]
    fn a_bad_list_is_refused_at_start() {
        assert!("127.0.0.1, proxy.local".parse::<TrustedProxies>().is_err());
        assert_eq!("".parse::<TrustedProxies>(), Ok(TrustedProxies::default()));
    }
}
