//! Where an endpoint may point: the destination policy against server-side request forgery
//! (SSRF), and the host parser it relies on.
//!
//! The host of a URL is read the way the WHATWG URL standard's host parser (the `url` crate
//! that reqwest uses, every browser) and `inet_aton` (what `getaddrinfo` falls back to) read
//! it, so every spelling of an address is caught: `127.1`, `2130706433`, `0x7f000001`,
//! `0177.0.0.1`, `127.0.0.1.`, `[::ffff:127.0.0.1]`.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use http::Uri;

/// Why a destination was refused by a [`DestinationPolicy`].
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DestinationError {
    /// The URL cannot be parsed or has no host.
    #[error("invalid destination url: {0}")]
    InvalidUrl(&'static str),
    /// The URL has user info (`user:password@` or `good.example@`), which is never a
    /// destination's credential and can hide the real host.
    #[error("destination url has user info; put credentials in the endpoint's auth")]
    UserInfo,
    /// The host is not one the URL standard accepts (an IPv4 address with a part out of range,
    /// a name ending in a number, a percent-encoded or non-ASCII host, an IPv6 zone id).
    #[error("destination host is not a valid host: {0}")]
    InvalidHost(&'static str),
    /// A plain `http://` URL, and the policy requires https.
    #[error("plain http is refused by the destination policy")]
    PlainHttp,
    /// The host is `localhost` or a name under it (`*.localhost`), which resolve to the
    /// sender's own machine.
    #[error("destination host {0} is a local name")]
    LocalName(String),
    /// The host is (or the transport resolved it to) an address that is not publicly
    /// routable: loopback, private, link-local, ...
    #[error("destination address {addr} is {range}")]
    NonPublicAddress {
        /// The address, as the transport would reach it (`127.0.0.1` for `0x7f000001`).
        addr: IpAddr,
        /// What kind of address it is (`loopback`, `private`, `link-local`, ...).
        range: &'static str,
    },
}

/// Which destinations endpoints may point at: the sender's defence against server-side
/// request forgery, for POS vendors that let merchants type the URL their webhooks go to.
///
/// Off by default ([`DestinationPolicy::unrestricted`], what [`Endpoint::builder`] does when no
/// policy is given), for compatibility and for local testing; one call to turn on:
/// [`DestinationPolicy::public_only`] refuses
///
/// - hosts that are a literal address which is not publicly routable, in any spelling the URL
///   standard or `inet_aton` accept (dotted, decimal `2130706433`, hex `0x7f000001`, octal
///   `0177.0.0.1`, short `127.1`, trailing dot, IPv4-mapped `[::ffff:127.0.0.1]`): loopback
///   `127.0.0.0/8` and `::1`, unspecified `0.0.0.0/8` and `::`, private `10/8`, `172.16/12`,
///   `192.168/16` and `fc00::/7`, link-local `169.254/16` (cloud metadata services) and
///   `fe80::/10`, shared (CGNAT) `100.64/10`, multicast, broadcast, benchmarking,
///   documentation and reserved ranges, and IPv6 forms that embed such an IPv4 address
///   (mapped, compatible, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) or tunnel (Teredo);
/// - `localhost` and every name under it (`*.localhost`);
/// - plain `http://`, even when the endpoint (or the JSON it was read from) says `allow_http`,
///   unless the policy itself allows it with [`DestinationPolicy::allow_plain_http`]: a stored
///   endpoint cannot weaken what the caller decided.
///
/// The crate does no DNS, so a *name* that resolves to a private address passes
/// [`check_url`](DestinationPolicy::check_url): the caller's transport must check the address
/// it actually connects to with [`check_resolved`](DestinationPolicy::check_resolved) (which
/// also defeats DNS rebinding, since the checked address is the one used). With reqwest, give
/// the client a resolver that refuses non-public addresses, and turn redirects and proxies off
/// (a redirect or a proxy would reach a host no one checked):
///
/// ```ignore
/// // reqwest is not a dependency of this crate; this is the shape of the glue.
/// use std::{net::SocketAddr, sync::Arc, time::Duration};
/// use pos_webhooks::DestinationPolicy;
/// use reqwest::dns::{Addrs, Name, Resolve, Resolving};
///
/// struct PublicOnly;
///
/// impl Resolve for PublicOnly {
///     fn resolve(&self, name: Name) -> Resolving {
///         Box::pin(async move {
///             let addrs: Vec<SocketAddr> =
///                 tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
///             let policy = DestinationPolicy::public_only();
///             // Refuse the name if any of its addresses is not public.
///             for addr in &addrs {
///                 policy.check_resolved(addr.ip())?;
///             }
///             Ok(Box::new(addrs.into_iter()) as Addrs)
///         })
///     }
/// }
///
/// let client = reqwest::Client::builder()
///     .dns_resolver(Arc::new(PublicOnly))
///     .redirect(reqwest::redirect::Policy::none())
///     .no_proxy()
///     .connect_timeout(Duration::from_secs(5))
///     .timeout(Duration::from_secs(15))
///     .build()?;
/// ```
///
/// A URL whose host is a literal address never reaches the resolver: that is what
/// [`check_url`](DestinationPolicy::check_url) (and [`Endpoint::check_destination`]) are for.
/// After the fact, `reqwest::Response::remote_addr()` gives the address that was used, for
/// logging; it cannot stop a request that was already sent.
///
/// ```
/// use pos_webhooks::{DestinationError, DestinationPolicy, Endpoint};
/// let policy = DestinationPolicy::public_only();
/// assert!(policy.check_url("https://partner.example/hooks").is_ok());
/// for url in ["https://127.1/", "https://0x7f000001/", "https://169.254.169.254/latest",
///             "https://[::ffff:10.0.0.1]/", "https://api.localhost/"] {
///     assert!(policy.check_url(url).is_err(), "{url}");
/// }
/// // On a built or deserialized endpoint:
/// let endpoint: Endpoint = serde_json::from_str(
///     r#"{"url": "http://10.0.0.7/hook", "allow_http": true, "auth": {"type": "none"}}"#,
/// ).unwrap();
/// assert_eq!(endpoint.check_destination(&policy), Err(DestinationError::PlainHttp));
/// ```
///
/// [`Endpoint::builder`]: crate::Endpoint::builder
/// [`Endpoint::check_destination`]: crate::Endpoint::check_destination
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct DestinationPolicy {
    public_only: bool,
    https_only: bool,
}

impl DestinationPolicy {
    /// No restriction (the default): any host, and plain http as the endpoint allows it.
    pub const fn unrestricted() -> DestinationPolicy {
        DestinationPolicy {
            public_only: false,
            https_only: false,
        }
    }

    /// Public destinations over https only: see the type's documentation for what is refused.
    pub const fn public_only() -> DestinationPolicy {
        DestinationPolicy {
            public_only: true,
            https_only: true,
        }
    }

    /// The same policy, accepting plain `http://` to public hosts where the endpoint allows it
    /// (`allow_http`). Addresses are still checked.
    #[must_use]
    pub const fn allow_plain_http(mut self) -> DestinationPolicy {
        self.https_only = false;
        self
    }

    /// Whether non-public destinations are refused.
    pub const fn is_public_only(&self) -> bool {
        self.public_only
    }

    /// Checks a URL's scheme and host (no DNS: a name passes unless it is a local one).
    ///
    /// ```
    /// use pos_webhooks::{DestinationError, DestinationPolicy};
    /// let policy = DestinationPolicy::public_only();
    /// assert_eq!(
    ///     policy.check_url("https://2130706433/").unwrap_err().to_string(),
    ///     "destination address 127.0.0.1 is loopback",
    /// );
    /// assert_eq!(
    ///     policy.check_url("https://good.example@evil.example/"),
    ///     Err(DestinationError::UserInfo),
    /// );
    /// ```
    pub fn check_url(&self, url: &str) -> Result<(), DestinationError> {
        let uri: Uri = url
            .parse()
            .map_err(|_| DestinationError::InvalidUrl("not a url"))?;
        self.check_uri(&uri)
    }

    pub(crate) fn check_uri(&self, uri: &Uri) -> Result<(), DestinationError> {
        let authority = uri
            .authority()
            .ok_or(DestinationError::InvalidUrl("no host"))?;
        if authority.as_str().contains('@') {
            return Err(DestinationError::UserInfo);
        }
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if !self.https_only => {}
            Some("http") => return Err(DestinationError::PlainHttp),
            _ => {
                return Err(DestinationError::InvalidUrl(
                    "the scheme must be https or http",
                ));
            }
        }
        if !self.public_only {
            return Ok(());
        }
        match parse_host(authority.host())? {
            Host::Ip(addr) => self.check_resolved(addr),
            Host::Domain(name) => {
                let bare = name.strip_suffix('.').unwrap_or(&name);
                if bare == "localhost" || bare.ends_with(".localhost") {
                    Err(DestinationError::LocalName(name))
                } else {
                    Ok(())
                }
            }
        }
    }

    /// Checks an address the transport resolved a name to (or is about to connect to). Call it
    /// for every address before connecting; see the type's documentation for reqwest.
    ///
    /// ```
    /// use std::net::IpAddr;
    /// use pos_webhooks::DestinationPolicy;
    /// let policy = DestinationPolicy::public_only();
    /// assert!(policy.check_resolved("93.184.215.14".parse::<IpAddr>().unwrap()).is_ok());
    /// assert!(policy.check_resolved("::ffff:169.254.169.254".parse::<IpAddr>().unwrap()).is_err());
    /// assert!(DestinationPolicy::unrestricted().check_resolved([127, 0, 0, 1].into()).is_ok());
    /// ```
    pub fn check_resolved(&self, addr: IpAddr) -> Result<(), DestinationError> {
        if !self.public_only {
            return Ok(());
        }
        match non_public(addr) {
            Some((addr, range)) => Err(DestinationError::NonPublicAddress { addr, range }),
            None => Ok(()),
        }
    }
}

/// A URL host as the WHATWG URL parser reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Host {
    /// A literal address.
    Ip(IpAddr),
    /// A domain name, lowercase.
    Domain(String),
}

/// Parses a URL host (as `http::Uri::host` gives it: IPv6 in brackets) like the WHATWG host
/// parser: bracketed IPv6; otherwise, a name whose last label is a number is an IPv4 address
/// in the standard's (and `inet_aton`'s) forms, or invalid; otherwise a domain.
pub(crate) fn parse_host(host: &str) -> Result<Host, DestinationError> {
    if host.is_empty() {
        return Err(DestinationError::InvalidUrl("no host"));
    }
    if let Some(inner) = host.strip_prefix('[') {
        let inner = inner
            .strip_suffix(']')
            .ok_or(DestinationError::InvalidHost("unclosed ipv6 bracket"))?;
        return inner
            .parse::<Ipv6Addr>()
            .map(|a| Host::Ip(IpAddr::V6(a)))
            .map_err(|_| DestinationError::InvalidHost("not an ipv6 address (or has a zone id)"));
    }
    if !host.is_ascii() || host.contains('%') {
        return Err(DestinationError::InvalidHost(
            "percent-encoded or non-ascii host",
        ));
    }
    let host = host.to_ascii_lowercase();
    if ends_in_a_number(&host) {
        return parse_ipv4(&host).map(|a| Host::Ip(IpAddr::V4(a))).ok_or(
            DestinationError::InvalidHost("a name ending in a number must be an ipv4 address"),
        );
    }
    Ok(Host::Domain(host))
}

/// The WHATWG "ends in a number" checker.
fn ends_in_a_number(host: &str) -> bool {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.last() == Some(&"") {
        if parts.len() == 1 {
            return false;
        }
        parts.pop();
    }
    let Some(last) = parts.last() else {
        return false;
    };
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    parse_ipv4_number(last).is_some()
}

/// One part of an IPv4 address: `0x`/`0X` hex (empty after the prefix is 0), a leading `0`
/// octal, otherwise decimal.
fn parse_ipv4_number(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (part.get(1..)?, 8)
        } else {
            (part, 10)
        };
    if digits.is_empty() {
        return Some(0);
    }
    if !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // Bounded: anything above 2^32 is refused below, so stop before overflowing.
    let mut value: u64 = 0;
    for c in digits.chars() {
        value = value
            .checked_mul(u64::from(radix))?
            .checked_add(u64::from(c.to_digit(radix)?))?;
        if value > u64::from(u32::MAX) + 1 {
            value = u64::from(u32::MAX) + 1;
        }
    }
    Some(value)
}

/// The WHATWG IPv4 parser (1 to 4 parts; the last fills the remaining bytes).
fn parse_ipv4(host: &str) -> Option<Ipv4Addr> {
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.last() == Some(&"") && parts.len() > 1 {
        parts.pop();
    }
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let numbers = parts
        .iter()
        .map(|p| parse_ipv4_number(p))
        .collect::<Option<Vec<u64>>>()?;
    let (last, init) = numbers.split_last()?;
    if init.iter().any(|n| *n > 255) {
        return None;
    }
    let free_bits = 8 * (5 - numbers.len() as u32);
    if *last >= 1u64 << free_bits {
        return None;
    }
    let mut value = *last;
    for (i, n) in init.iter().enumerate() {
        value += n << (8 * (3 - i as u32));
    }
    u32::try_from(value).ok().map(Ipv4Addr::from)
}

/// Whether a host is the sender's own machine for plain-http local testing: a loopback
/// address in any spelling, or exactly `localhost` (not names under it, which a resolver
/// might send to DNS).
pub(crate) fn is_loopback_host(host: &str) -> bool {
    match parse_host(host) {
        Ok(Host::Ip(IpAddr::V4(a))) => a.is_loopback(),
        Ok(Host::Ip(IpAddr::V6(a))) => {
            a.is_loopback() || a.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
        Ok(Host::Domain(name)) => name == "localhost" || name == "localhost.",
        Err(_) => false,
    }
}

/// What kind of non-public address `addr` is, with the address it reaches (the embedded IPv4
/// address for mapped forms); `None` for a public one.
fn non_public(addr: IpAddr) -> Option<(IpAddr, &'static str)> {
    match addr {
        IpAddr::V4(v4) => non_public_v4(v4).map(|range| (addr, range)),
        IpAddr::V6(v6) => non_public_v6(v6),
    }
}

fn in_v4(addr: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(addr) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn non_public_v4(a: Ipv4Addr) -> Option<&'static str> {
    const RANGES: [([u8; 4], u32, &str); 16] = [
        ([255, 255, 255, 255], 32, "broadcast"),
        ([0, 0, 0, 0], 8, "unspecified (this network)"),
        ([10, 0, 0, 0], 8, "private"),
        ([100, 64, 0, 0], 10, "shared address space (cgnat)"),
        ([127, 0, 0, 0], 8, "loopback"),
        ([169, 254, 0, 0], 16, "link-local"),
        ([172, 16, 0, 0], 12, "private"),
        ([192, 0, 0, 0], 24, "reserved for protocol assignments"),
        ([192, 0, 2, 0], 24, "documentation"),
        ([192, 88, 99, 0], 24, "reserved (6to4 relay)"),
        ([192, 168, 0, 0], 16, "private"),
        ([198, 18, 0, 0], 15, "benchmarking"),
        ([198, 51, 100, 0], 24, "documentation"),
        ([203, 0, 113, 0], 24, "documentation"),
        ([224, 0, 0, 0], 4, "multicast"),
        ([240, 0, 0, 0], 4, "reserved"),
    ];
    RANGES
        .iter()
        .find(|(net, prefix, _)| in_v4(a, *net, *prefix))
        .map(|(_, _, range)| *range)
}

fn non_public_v6(a: Ipv6Addr) -> Option<(IpAddr, &'static str)> {
    let s = a.segments();
    let v6 = |range| Some((IpAddr::V6(a), range));
    let embedded = |v4: Ipv4Addr| non_public_v4(v4).map(|range| (IpAddr::V4(v4), range));
    if a.is_unspecified() {
        return v6("unspecified");
    }
    if a.is_loopback() {
        return v6("loopback");
    }
    if let Some(v4) = a.to_ipv4_mapped() {
        return embedded(v4);
    }
    let octets = a.octets();
    let low_v4 = Ipv4Addr::new(octets[12], octets[13], octets[14], octets[15]);
    match s {
        // IPv4-compatible (::a.b.c.d, deprecated): never a real destination.
        [0, 0, 0, 0, 0, 0, _, _] => v6("ipv4-compatible (deprecated)"),
        // NAT64 well-known prefix: reaches the embedded IPv4 address.
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => embedded(low_v4),
        [0x64, 0xff9b, 1, ..] => v6("local-use nat64"),
        [0x100, 0, 0, 0, ..] => v6("discard-only"),
        [0x2001, 0, ..] => v6("teredo tunnel"),
        [0x2001, 0xdb8, ..] => v6("documentation"),
        // 6to4: the IPv4 address in bits 16..48.
        [0x2002, hi, lo, ..] => embedded(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo))),
        [first, ..] if first & 0xfe00 == 0xfc00 => v6("private (unique local)"),
        [first, ..] if first & 0xffc0 == 0xfe80 => v6("link-local"),
        [first, ..] if first & 0xffc0 == 0xfec0 => v6("site-local (deprecated)"),
        [first, ..] if first & 0xff00 == 0xff00 => v6("multicast"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v4(host: &str) -> Option<Ipv4Addr> {
        match parse_host(host) {
            Ok(Host::Ip(IpAddr::V4(a))) => Some(a),
            _ => None,
        }
    }

    #[test]
    fn whatwg_ipv4_spellings() {
        let lo = Some(Ipv4Addr::LOCALHOST);
        for host in [
            "127.0.0.1",
            "127.1",
            "127.0.1",
            "2130706433",
            "0x7f000001",
            "0X7F000001",
            "0x7f.1",
            "0177.0.0.1",
            "0177.0.0.01",
            "0x7f.0.0.0x1",
            "127.0.0.1.",
            "017700000001",
        ] {
            assert_eq!(v4(host), lo, "{host}");
        }
        assert_eq!(v4("0x"), Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(v4("0"), Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(v4("1.2.3.4"), Some(Ipv4Addr::new(1, 2, 3, 4)));
        assert_eq!(v4("4294967295"), Some(Ipv4Addr::BROADCAST));
        for bad in [
            "1.2.3.256",
            "4294967296",
            "1.2.3.4.5",
            "256.1",
            "foo.123",
            "09.1.1.1",
            "99999999999999999999999",
        ] {
            assert!(parse_host(bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_host("Partner.Example"),
            Ok(Host::Domain("partner.example".into()))
        );
        assert_eq!(
            parse_host("a1.example"),
            Ok(Host::Domain("a1.example".into()))
        );
    }

    #[test]
    fn ranges() -> Result<(), std::net::AddrParseError> {
        let p = DestinationPolicy::public_only();
        for ok in [
            "93.184.215.14",
            "8.8.8.8",
            "2606:4700::1111",
            "64:ff9b::808:808",
        ] {
            assert_eq!(p.check_resolved(ok.parse()?), Ok(()), "{ok}");
        }
        for bad in [
            "0.0.0.0",
            "10.1.2.3",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "172.31.255.255",
            "192.168.1.1",
            "224.0.0.1",
            "255.255.255.255",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a00:1",
            "2002:a00:1::",
            "fc00::1",
            "fd12::1",
            "fe80::1",
            "ff02::1",
            "2001:db8::1",
        ] {
            assert!(p.check_resolved(bad.parse()?).is_err(), "{bad}");
        }
        Ok(())
    }
}
