//! Following redirects by hand: which hops to take and where credentials may go.
//!
//! Automatic redirects are off in the HTTP client. The core asks [`next_hop`]
//! what to do with each 3xx and asks [`AllowedHosts::permits`] whether the next
//! URL may see the credentials. Both are pure, so they are unit-tested here.

use reqwest::{Method, StatusCode};
use url::Url;

use crate::error::Error;

/// One host that may receive credentials: a name, and optionally one port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostRule {
    host: String,
    port: Option<u16>,
}

impl HostRule {
    /// Parses `host` (any port) or `host:port`; an IPv6 address goes in brackets.
    pub fn parse(spec: &str) -> Result<Self, Error> {
        let bad = || Error::config(format!("`{spec}` is not a host or host:port"));
        if spec.contains(['/', '@', '?', '#']) {
            return Err(bad());
        }
        let url = Url::parse(&format!("http://{spec}/")).map_err(|_| bad())?;
        let host = url.host_str().ok_or_else(bad)?.to_ascii_lowercase();
        let explicit_port = spec.rsplit_once(':').is_some_and(|(h, p)| {
            !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':')
        });
        let port = if explicit_port {
            Some(url.port().unwrap_or(80))
        } else {
            None
        };
        Ok(HostRule { host, port })
    }

    /// The rule for exactly the host and port of `url`.
    pub fn exact(url: &Url) -> Option<Self> {
        Some(HostRule {
            host: url.host_str()?.to_ascii_lowercase(),
            port: url.port_or_known_default(),
        })
    }

    /// Whether `url` is on this host (and port, if the rule names one).
    pub(crate) fn matches(&self, url: &Url) -> bool {
        let Some(host) = url.host_str() else {
            return false;
        };
        host.eq_ignore_ascii_case(&self.host)
            && self
                .port
                .is_none_or(|p| Some(p) == url.port_or_known_default())
    }
}

/// The hosts that may receive credentials: the cluster's own, plus any the
/// caller adds, such as the other Mesos masters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AllowedHosts {
    rules: Vec<HostRule>,
}

impl AllowedHosts {
    /// Adds a rule.
    pub fn push(&mut self, rule: HostRule) {
        if !self.rules.contains(&rule) {
            self.rules.push(rule);
        }
    }

    /// Whether `url` may receive credentials.
    pub fn permits(&self, url: &Url) -> bool {
        self.rules.iter().any(|r| r.matches(url))
    }
}

/// What to do with one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Hop {
    /// Not a redirect the core follows: hand the response to the caller.
    Stay,
    /// Send the request again to `url`.
    Follow {
        /// Where to go.
        url: Url,
        /// The method to use there (303 turns it into GET).
        method: Method,
    },
}

/// Decides whether a response is a redirect to follow, and where to.
///
/// - 307 and 308 are followed for every method, with the same method and body.
/// - 301, 302 and 303 are followed only for GET and HEAD.
/// - `Location` is resolved against the URL that answered, so a
///   protocol-relative `//host:port/path` (as the Mesos masters send it) keeps
///   the original scheme, and a relative path keeps the host.
/// - A `Location` that does not parse, leaves HTTP(S), or goes from HTTPS down
///   to HTTP is refused with [`Error::RedirectNotAllowed`].
pub fn next_hop(
    current: &Url,
    method: &Method,
    status: StatusCode,
    location: Option<&str>,
) -> Result<Hop, Error> {
    let follow = match status.as_u16() {
        307 | 308 => true,
        301..=303 => *method == Method::GET || *method == Method::HEAD,
        _ => false,
    };
    let Some(location) = location.filter(|_| follow) else {
        return Ok(Hop::Stay);
    };
    let refuse = |reason| Error::RedirectNotAllowed {
        location: location.to_owned(),
        reason,
    };
    let url = current
        .join(location)
        .map_err(|_| refuse("the Location header is not a valid URL"))?;
    match (current.scheme(), url.scheme()) {
        ("https", "http") => return Err(refuse("it would downgrade HTTPS to HTTP")),
        (_, "http" | "https") => {}
        _ => return Err(refuse("only http and https are followed")),
    }
    Ok(Hop::Follow {
        url,
        method: method.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn hop(current: &str, method: Method, status: u16, location: &str) -> Result<Hop, Error> {
        next_hop(
            &url(current),
            &method,
            StatusCode::from_u16(status).unwrap(),
            Some(location),
        )
    }

    #[test]
    fn protocol_relative_location_keeps_the_scheme() {
        let got = hop(
            "https://m1.example.com:5050/master/state",
            Method::GET,
            307,
            "//m2.example.com:5050/master/state",
        )
        .unwrap();
        assert_eq!(
            got,
            Hop::Follow {
                url: url("https://m2.example.com:5050/master/state"),
                method: Method::GET
            }
        );
    }

    #[test]
    fn relative_location_keeps_the_host() {
        let got = hop("http://a:8080/v2/apps", Method::POST, 307, "/v2/apps?x=1").unwrap();
        assert_eq!(
            got,
            Hop::Follow {
                url: url("http://a:8080/v2/apps?x=1"),
                method: Method::POST
            }
        );
    }

    #[test]
    fn found_and_see_other_only_for_get_and_head() {
        assert!(matches!(
            hop("http://a/", Method::GET, 302, "http://b/"),
            Ok(Hop::Follow { .. })
        ));
        assert!(matches!(
            hop("http://a/", Method::HEAD, 303, "http://b/"),
            Ok(Hop::Follow { .. })
        ));
        assert_eq!(
            hop("http://a/", Method::POST, 302, "http://b/").unwrap(),
            Hop::Stay
        );
        assert_eq!(
            hop("http://a/", Method::PUT, 303, "http://b/").unwrap(),
            Hop::Stay
        );
        assert!(matches!(
            hop("http://a/", Method::PUT, 308, "http://b/"),
            Ok(Hop::Follow { .. })
        ));
    }

    #[test]
    fn non_redirects_and_missing_location_stay() {
        assert_eq!(
            hop("http://a/", Method::GET, 200, "http://b/").unwrap(),
            Hop::Stay
        );
        assert_eq!(
            hop("http://a/", Method::GET, 304, "http://b/").unwrap(),
            Hop::Stay
        );
        let none = next_hop(
            &url("http://a/"),
            &Method::GET,
            StatusCode::TEMPORARY_REDIRECT,
            None,
        );
        assert_eq!(none.unwrap(), Hop::Stay);
    }

    #[test]
    fn downgrade_and_foreign_schemes_are_refused() {
        assert!(matches!(
            hop("https://a/", Method::GET, 307, "http://a/"),
            Err(Error::RedirectNotAllowed { .. })
        ));
        assert!(matches!(
            hop("https://a/", Method::GET, 307, "file:///etc/passwd"),
            Err(Error::RedirectNotAllowed { .. })
        ));
        assert!(matches!(
            hop("http://a/", Method::GET, 307, "https://a/"),
            Ok(Hop::Follow { .. })
        ));
    }

    #[test]
    fn allowed_hosts_match_host_and_port() {
        let mut allowed = AllowedHosts::default();
        allowed.push(HostRule::exact(&url("https://dcos.example.com/")).unwrap());
        allowed.push(HostRule::parse("m2.example.com").unwrap());
        allowed.push(HostRule::parse("m3.example.com:5050").unwrap());
        assert!(allowed.permits(&url("https://DCOS.example.com:443/x")));
        assert!(!allowed.permits(&url("https://dcos.example.com:8443/x")));
        assert!(!allowed.permits(&url("https://evil.example.com/x")));
        assert!(allowed.permits(&url("http://m2.example.com:5050/")));
        assert!(allowed.permits(&url("http://m2.example.com:5051/")));
        assert!(allowed.permits(&url("http://m3.example.com:5050/")));
        assert!(!allowed.permits(&url("http://m3.example.com:5051/")));
    }

    #[test]
    fn host_rules_parse_ports_and_ipv6() {
        assert_eq!(
            HostRule::parse("[::1]:5050").unwrap(),
            HostRule {
                host: "[::1]".into(),
                port: Some(5050)
            }
        );
        assert_eq!(HostRule::parse("[::1]").unwrap().port, None);
        assert_eq!(HostRule::parse("Host").unwrap().host, "host");
        assert!(HostRule::parse("a b").is_err());
        for url_like in ["https://m2.example.com", "m2/x", "user@m2", "m2?x"] {
            assert!(HostRule::parse(url_like).is_err(), "{url_like}");
        }
    }
}
