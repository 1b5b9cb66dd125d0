//! An opt-in cookie store for one core ([`HttpCore::with_cookie_store`]).
//!
//! Some services pair a token with a session: Jenkins ties its CSRF crumb to
//! the `JSESSIONID.<hash>` cookie of the request that fetched it, so a client
//! must send that cookie back with every POST. The store here is deliberately
//! small and strict:
//!
//! - it belongs to one core and its clones, never to the whole cluster, so two
//!   services (or two Jenkins instances) never see each other's cookies;
//! - it keeps only cookies set by hosts that may receive credentials (the
//!   cluster's own), and sends each one back only to the host and port that set
//!   it (every cookie is host-only: a `Domain` attribute never widens it), on a
//!   matching path, and over HTTPS only when it is `Secure`;
//! - it honours `Max-Age` and `Expires`, caps how many cookies it keeps, and
//!   never prints a value: `Debug` shows the count only.
//!
//! [`HttpCore::with_cookie_store`]: crate::HttpCore::with_cookie_store

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue, SET_COOKIE};
use url::Url;

use crate::secret::Secret;

/// The most cookies one store keeps; the oldest goes first beyond it.
pub(crate) const MAX_COOKIES: usize = 64;
/// The longest `name=value` pair kept, in bytes (browsers keep 4096).
const MAX_COOKIE_BYTES: usize = 4096;

/// The cookies of one core.
#[derive(Default)]
pub(crate) struct CookieJar {
    cookies: Mutex<Vec<StoredCookie>>,
}

impl std::fmt::Debug for CookieJar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CookieJar")
            .field("cookies", &self.lock().len())
            .finish()
    }
}

/// One cookie, bound to the host that set it.
#[derive(Clone)]
struct StoredCookie {
    name: String,
    value: Secret,
    host: String,
    port: Option<u16>,
    path: String,
    secure: bool,
    expires: Option<SystemTime>,
}

impl CookieJar {
    /// Keeps the cookies `headers` set, as answered by `url`. The caller only
    /// calls this for hosts that may receive credentials.
    pub(crate) fn store(&self, url: &Url, headers: &HeaderMap, now: SystemTime) {
        let Some(host) = url.host_str().map(str::to_ascii_lowercase) else {
            return;
        };
        let port = url.port_or_known_default();
        let mut cookies = self.lock();
        for value in headers.get_all(SET_COOKIE) {
            let Some(parsed) = value
                .to_str()
                .ok()
                .and_then(|v| parse_set_cookie(v, url, now))
            else {
                continue;
            };
            cookies.retain(|c| {
                !(c.name == parsed.name
                    && c.path == parsed.path
                    && c.host == host
                    && c.port == port)
            });
            if parsed.expires.is_some_and(|at| at <= now) {
                continue; // an expiry in the past deletes the cookie
            }
            cookies.push(StoredCookie {
                host: host.clone(),
                port,
                ..parsed
            });
            if cookies.len() > MAX_COOKIES {
                cookies.remove(0);
            }
        }
    }

    /// The `Cookie` header for a request to `url`, marked sensitive, or `None`
    /// when no stored cookie applies.
    pub(crate) fn header_for(&self, url: &Url, now: SystemTime) -> Option<HeaderValue> {
        let host = url.host_str()?.to_ascii_lowercase();
        let port = url.port_or_known_default();
        let https = url.scheme() == "https";
        let mut cookies = self.lock();
        cookies.retain(|c| c.expires.is_none_or(|at| at > now));
        let mut matching: Vec<&StoredCookie> = cookies
            .iter()
            .filter(|c| {
                c.host == host
                    && c.port == port
                    && (https || !c.secure)
                    && path_matches(&c.path, url.path())
            })
            .collect();
        if matching.is_empty() {
            return None;
        }
        // Longer paths first (RFC 6265 §5.4); the sort is stable, so older
        // cookies stay first among equals.
        matching.sort_by_key(|c| std::cmp::Reverse(c.path.len()));
        let line = matching
            .iter()
            .map(|c| format!("{}={}", c.name, c.value.expose()))
            .collect::<Vec<_>>()
            .join("; ");
        let mut value = HeaderValue::from_str(&line).ok()?;
        value.set_sensitive(true);
        Some(value)
    }

    /// Forgets every cookie.
    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    /// The names of the cookies held (never their values).
    pub(crate) fn names(&self) -> Vec<String> {
        self.lock().iter().map(|c| c.name.clone()).collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<StoredCookie>> {
        self.cookies.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Parses one `Set-Cookie` value received from `url` (RFC 6265 §5.2). The
/// host is filled in by the caller. `None` for a malformed or oversized pair.
fn parse_set_cookie(header: &str, url: &Url, now: SystemTime) -> Option<StoredCookie> {
    let mut parts = header.split(';');
    let pair = parts.next()?;
    let (name, value) = pair.split_once('=')?;
    let (name, value) = (name.trim(), value.trim());
    let valid = |s: &str| {
        s.bytes()
            .all(|b| b.is_ascii_graphic() && b != b';' && b != b',')
    };
    if name.is_empty() || !valid(name) || !valid(value) || pair.len() > MAX_COOKIE_BYTES {
        return None;
    }
    let mut path = None;
    let mut secure = false;
    let mut max_age = None;
    let mut expires = None;
    for attribute in parts {
        let (key, val) = match attribute.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => (attribute.trim(), ""),
        };
        if key.eq_ignore_ascii_case("path") && val.starts_with('/') {
            path = Some(val.to_owned());
        } else if key.eq_ignore_ascii_case("secure") {
            secure = true;
        } else if key.eq_ignore_ascii_case("max-age") {
            if let Ok(seconds) = val.parse::<i64>() {
                max_age = Some(if seconds <= 0 {
                    SystemTime::UNIX_EPOCH
                } else {
                    now.checked_add(Duration::from_secs(seconds.unsigned_abs()))
                        .unwrap_or(now + Duration::from_secs(365 * 24 * 3600))
                });
            }
        } else if key.eq_ignore_ascii_case("expires") {
            expires = parse_expires(val);
        }
    }
    Some(StoredCookie {
        name: name.to_owned(),
        value: Secret::new(value),
        host: String::new(),
        port: None,
        path: path.unwrap_or_else(|| default_path(url.path())),
        secure,
        // Max-Age wins over Expires (RFC 6265 §5.3 step 3).
        expires: max_age.or(expires),
    })
}

/// An `Expires` date: an HTTP date, or the Netscape form with dashes
/// (`Thu, 01-Jan-1970 00:00:00 GMT`) that Jetty, and so Jenkins, writes.
fn parse_expires(value: &str) -> Option<SystemTime> {
    httpdate::parse_http_date(value)
        .or_else(|_| httpdate::parse_http_date(&value.replace('-', " ")))
        .ok()
}

/// The default cookie path: the request path up to its last `/` (RFC 6265
/// §5.1.4).
fn default_path(request_path: &str) -> String {
    match request_path.rfind('/') {
        Some(0) | None => "/".to_owned(),
        Some(i) => request_path[..i].to_owned(),
    }
}

/// Whether a request path is inside a cookie path (RFC 6265 §5.1.4).
fn path_matches(cookie_path: &str, request_path: &str) -> bool {
    request_path == cookie_path
        || (request_path.starts_with(cookie_path)
            && (cookie_path.ends_with('/')
                || request_path.as_bytes().get(cookie_path.len()) == Some(&b'/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn set(jar: &CookieJar, from: &str, cookies: &[&str], now: SystemTime) {
        let mut headers = HeaderMap::new();
        for c in cookies {
            headers.append(SET_COOKIE, HeaderValue::from_str(c).unwrap());
        }
        jar.store(&url(from), &headers, now);
    }

    fn sent(jar: &CookieJar, to: &str, now: SystemTime) -> Option<String> {
        jar.header_for(&url(to), now)
            .map(|v| v.to_str().unwrap().to_owned())
    }

    #[test]
    fn a_session_cookie_goes_back_to_its_host_and_path_only() {
        let now = SystemTime::now();
        let jar = CookieJar::default();
        set(
            &jar,
            "https://dcos.example.com/service/jenkins/crumbIssuer/api/json",
            &["JSESSIONID.1a2b=node0abc; Path=/service/jenkins/; Secure; HttpOnly"],
            now,
        );
        assert_eq!(
            sent(
                &jar,
                "https://dcos.example.com/service/jenkins/job/x/build",
                now
            )
            .as_deref(),
            Some("JSESSIONID.1a2b=node0abc")
        );
        assert_eq!(
            sent(
                &jar,
                "https://dcos.example.com/service/marathon/v2/apps",
                now
            ),
            None
        );
        assert_eq!(
            sent(&jar, "https://other.example.com/service/jenkins/", now),
            None
        );
        assert_eq!(
            sent(&jar, "https://dcos.example.com:8443/service/jenkins/", now),
            None
        );
        assert_eq!(
            sent(&jar, "http://dcos.example.com/service/jenkins/x", now),
            None,
            "Secure"
        );
        assert_eq!(jar.names(), ["JSESSIONID.1a2b"]);
        assert_eq!(format!("{jar:?}"), "CookieJar { cookies: 1 }");
    }

    #[test]
    fn the_default_path_is_the_request_folder() {
        let now = SystemTime::now();
        let jar = CookieJar::default();
        set(&jar, "http://j:8080/jenkins/login", &["a=1"], now);
        for inside in ["http://j:8080/jenkins", "http://j:8080/jenkins/job/x/build"] {
            assert_eq!(sent(&jar, inside, now).as_deref(), Some("a=1"), "{inside}");
        }
        for outside in [
            "http://j:8080/jenkinsX",
            "http://j:8080/other",
            "http://j:8080/",
        ] {
            assert_eq!(sent(&jar, outside, now), None, "{outside}");
        }
        set(&jar, "http://j:8080/top", &["b=2"], now);
        assert_eq!(
            sent(&jar, "http://j:8080/anything", now).as_deref(),
            Some("b=2")
        );
    }

    #[test]
    fn replacing_expiring_and_ordering() {
        let now = SystemTime::now();
        let jar = CookieJar::default();
        set(
            &jar,
            "http://j/",
            &["s=1; Path=/", "deep=2; Path=/a/b"],
            now,
        );
        assert_eq!(
            sent(&jar, "http://j/a/b/c", now).as_deref(),
            Some("deep=2; s=1")
        );
        set(&jar, "http://j/", &["s=3; Path=/"], now);
        assert_eq!(sent(&jar, "http://j/x", now).as_deref(), Some("s=3"));
        set(&jar, "http://j/", &["s=; Path=/; Max-Age=0"], now);
        assert_eq!(sent(&jar, "http://j/x", now), None);
        set(&jar, "http://j/", &["t=1; Path=/; Max-Age=60"], now);
        assert_eq!(sent(&jar, "http://j/", now).as_deref(), Some("t=1"));
        assert_eq!(sent(&jar, "http://j/", now + Duration::from_secs(61)), None);
        set(
            &jar,
            "http://j/",
            &["u=1; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT"],
            now,
        );
        assert_eq!(sent(&jar, "http://j/", now), None);
        // Jetty's dashed date, as Jenkins sends to end a session; a plain
        // HTTP-date parser refuses it.
        assert!(httpdate::parse_http_date("Thu, 01-Jan-1970 00:00:00 GMT").is_err());
        set(&jar, "http://j/", &["w=1; Path=/"], now);
        set(
            &jar,
            "http://j/",
            &["w=; Path=/; Expires=Thu, 01-Jan-1970 00:00:00 GMT"],
            now,
        );
        assert_eq!(sent(&jar, "http://j/", now), None);
        set(&jar, "http://j/", &["v=1; Path=/"], now);
        jar.clear();
        assert_eq!(sent(&jar, "http://j/", now), None);
    }

    #[test]
    fn malformed_and_excess_cookies_are_dropped() {
        let now = SystemTime::now();
        let jar = CookieJar::default();
        let huge = format!("big={}", "x".repeat(MAX_COOKIE_BYTES));
        set(&jar, "http://j/", &["no-equals", "=v", "a b=c", &huge], now);
        assert!(jar.names().is_empty());
        let many: Vec<String> = (0..MAX_COOKIES + 3)
            .map(|i| format!("c{i}=1; Path=/"))
            .collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        set(&jar, "http://j/", &refs, now);
        assert_eq!(jar.names().len(), MAX_COOKIES);
        assert_eq!(jar.names()[0], "c3", "the oldest went first");
    }
}
