//! A request described as data: method, path segments, query, headers and body.
//!
//! Building a [`Request`] does no I/O, so path and query logic is unit-tested
//! without a server. [`Request::url`] appends percent-encoded segments to a base
//! URL and always keeps the base path.

use bytes::Bytes;
use reqwest::Method;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use serde::Serialize;
use url::Url;

use crate::error::Error;

/// One HTTP request relative to a core's base URL.
#[derive(Debug, Clone)]
#[must_use]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) segments: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Option<Bytes>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) credential_body: bool,
    pub(crate) follow_redirects: bool,
}

impl Request {
    /// A request with `method` to the path made of `segments`.
    ///
    /// Each segment is percent-encoded on its own, so a segment may hold spaces or
    /// `/` (`["job", "a b"]` becomes `job/a%20b`). An empty last segment gives a
    /// trailing slash.
    pub fn new<I, S>(method: Method, segments: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Request {
            method,
            segments: segments.into_iter().map(Into::into).collect(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: None,
            idempotent: None,
            credential_body: false,
            follow_redirects: true,
        }
    }

    /// A GET request.
    pub fn get<I: IntoIterator<Item = S>, S: Into<String>>(segments: I) -> Self {
        Request::new(Method::GET, segments)
    }

    /// A POST request.
    pub fn post<I: IntoIterator<Item = S>, S: Into<String>>(segments: I) -> Self {
        Request::new(Method::POST, segments)
    }

    /// A PUT request.
    pub fn put<I: IntoIterator<Item = S>, S: Into<String>>(segments: I) -> Self {
        Request::new(Method::PUT, segments)
    }

    /// A PATCH request.
    pub fn patch<I: IntoIterator<Item = S>, S: Into<String>>(segments: I) -> Self {
        Request::new(Method::PATCH, segments)
    }

    /// A DELETE request.
    pub fn delete<I: IntoIterator<Item = S>, S: Into<String>>(segments: I) -> Self {
        Request::new(Method::DELETE, segments)
    }

    /// A HEAD request.
    pub fn head<I: IntoIterator<Item = S>, S: Into<String>>(segments: I) -> Self {
        Request::new(Method::HEAD, segments)
    }

    /// Appends one query parameter. Repeating a key sends it several times.
    pub fn query(mut self, key: impl Into<String>, value: impl ToString) -> Self {
        self.query.push((key.into(), value.to_string()));
        self
    }

    /// Appends a query parameter when `value` is `Some`.
    pub fn query_opt(self, key: impl Into<String>, value: Option<impl ToString>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Sets a header. Authorization is set by the core and cannot be set here.
    pub fn header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        if name != reqwest::header::AUTHORIZATION {
            self.headers.insert(name, value);
        }
        self
    }

    /// Sets the `Accept` header.
    pub fn accept(self, value: &'static str) -> Self {
        self.header(ACCEPT, HeaderValue::from_static(value))
    }

    /// Serialises `body` as the JSON body. The bytes are kept so that a retry or
    /// a 307 can send them again.
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::config_with("the request body cannot be serialised as JSON", e))?;
        self.body = Some(Bytes::from(bytes));
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(self.accept("application/json"))
    }

    /// Sets a raw body with its content type.
    pub fn body(mut self, body: impl Into<Bytes>, content_type: &'static str) -> Self {
        self.body = Some(body.into());
        self.headers
            .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        self
    }

    /// Overrides whether the request may be resent when its outcome is unknown.
    /// By default GET, HEAD, PUT, DELETE, OPTIONS and TRACE are idempotent.
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Marks the body as holding credentials (a password, a signed login
    /// token). A redirect to a host that may not receive credentials is then
    /// refused with [`Error::RedirectNotAllowed`] instead of resending the body.
    pub fn credential_body(mut self) -> Self {
        self.credential_body = true;
        self
    }

    /// Whether the core follows redirects for this request (the default).
    ///
    /// With `false`, a 3xx is returned as it is, its `Location` header
    /// unread, so the caller can read where it points: Mesos'
    /// `master/redirect` answers `307` with the leader in `Location`, and
    /// following it would cost a request to the leader. Leader memory
    /// ([`HttpCore::remember_leader`](crate::HttpCore::remember_leader)) is
    /// not updated by a redirect that is not followed.
    pub fn follow_redirects(mut self, follow: bool) -> Self {
        self.follow_redirects = follow;
        self
    }

    /// Whether the core follows redirects for this request.
    pub fn follows_redirects(&self) -> bool {
        self.follow_redirects
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// Whether the request may be resent when its outcome is unknown.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent
            .unwrap_or_else(|| crate::retry::is_idempotent(&self.method))
    }

    /// The full URL under `base`. `base` is treated as a folder even when it does
    /// not end in `/`, so its path is never dropped.
    ///
    /// A segment that is `.` or `..` is refused: URLs cannot carry them as data
    /// (they would be resolved away), and no resource of these APIs has such a
    /// name.
    pub fn url(&self, base: &Url) -> Result<Url, Error> {
        if let Some(dot) = self.segments.iter().find(|s| *s == "." || *s == "..") {
            return Err(Error::config(format!(
                "`{dot}` cannot be a path segment of a request"
            )));
        }
        let mut url = base.clone();
        url.set_query(None);
        url.set_fragment(None);
        if !self.segments.is_empty() {
            if let Ok(mut path) = url.path_segments_mut() {
                path.pop_if_empty();
                path.extend(&self.segments);
            }
        }
        if !self.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&self.query);
        }
        Ok(url)
    }
}

/// Makes sure a base URL is an absolute HTTP(S) URL ending in `/`.
pub(crate) fn folder_url(url: &str) -> Result<Url, Error> {
    let shown = redact_userinfo(url);
    let mut parsed = Url::parse(url.trim())
        .map_err(|e| Error::config_with(format!("`{shown}` is not a valid URL"), e))?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::config(format!(
            "`{shown}` must be an http:// or https:// URL with a host"
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::config(
            "put credentials in .auth(...), not in the URL".to_owned(),
        ));
    }
    parsed.set_query(None);
    parsed.set_fragment(None);
    if !parsed.path().ends_with('/') {
        let path = format!("{}/", parsed.path());
        parsed.set_path(&path);
    }
    Ok(parsed)
}

/// `url` with anything between `://` and `@` replaced, for messages.
fn redact_userinfo(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(start), Some(at)) if at > start => {
            format!("{}://***@{}", &url[..start], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

/// `base` with `segments` appended, as a folder.
pub(crate) fn sub_folder(base: &Url, segments: &[&str]) -> Url {
    let mut url = base.clone();
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty();
        path.extend(segments);
        path.push("");
    }
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(s: &str) -> Url {
        folder_url(s).unwrap()
    }

    #[test]
    fn base_path_is_kept_and_segments_are_encoded() {
        let jenkins = base("https://dcos.example.com/service/jenkins");
        let url = Request::get(["job", "a b", "api", "json"])
            .url(&jenkins)
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://dcos.example.com/service/jenkins/job/a%20b/api/json"
        );
    }

    #[test]
    fn slash_and_percent_inside_a_segment_are_encoded() {
        let b = base("http://m:8080/");
        let url = Request::get(["v2", "apps", "a/b%c?d#e"]).url(&b).unwrap();
        assert_eq!(url.as_str(), "http://m:8080/v2/apps/a%2Fb%25c%3Fd%23e");
    }

    #[test]
    fn redirects_are_followed_unless_the_request_opts_out() {
        let request = Request::get(["master", "redirect"]);
        assert!(request.follows_redirects());
        let request = request.follow_redirects(false);
        assert!(!request.follows_redirects());
        assert!(request.follow_redirects(true).follows_redirects());
    }

    #[test]
    fn trailing_empty_segment_gives_a_trailing_slash() {
        let b = base("http://j/jenkins/");
        assert_eq!(
            Request::get(["job", "x", ""]).url(&b).unwrap().as_str(),
            "http://j/jenkins/job/x/"
        );
        assert_eq!(
            Request::get(Vec::<String>::new()).url(&b).unwrap().as_str(),
            "http://j/jenkins/"
        );
    }

    #[test]
    fn dot_segments_are_refused() {
        let b = base("http://m/");
        assert!(Request::delete(["v2", "apps", ".."]).url(&b).is_err());
        assert!(Request::get([".", "x"]).url(&b).is_err());
        assert_eq!(
            Request::get(["v2", "apps", "..x", ".hidden"])
                .url(&b)
                .unwrap()
                .as_str(),
            "http://m/v2/apps/..x/.hidden"
        );
    }

    #[test]
    fn query_is_encoded_and_repeatable() {
        let b = base("http://m/");
        let url = Request::get(["v2", "events"])
            .query("event_type", "deployment_success")
            .query("event_type", "deployment_failed")
            .query("label", "team==cd & ops")
            .query_opt("force", None::<bool>)
            .query_opt("embed", Some("apps.tasks"))
            .url(&b)
            .unwrap();
        assert_eq!(
            url.as_str(),
            "http://m/v2/events?event_type=deployment_success&event_type=deployment_failed&label=team%3D%3Dcd+%26+ops&embed=apps.tasks"
        );
    }

    #[test]
    fn folder_url_validates_and_normalises() {
        assert_eq!(base("https://a.b/x").as_str(), "https://a.b/x/");
        assert_eq!(base("https://a.b").as_str(), "https://a.b/");
        assert_eq!(base("https://a.b/x/?q=1#f").as_str(), "https://a.b/x/");
        assert!(folder_url("ftp://a.b/").is_err());
        assert!(folder_url("not a url").is_err());
        assert!(folder_url("https://user:pw@a.b/").is_err());
        let err = folder_url("https://user:hunter2@a.b/").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("hunter2"));
        // A URL that does not even parse is not echoed with its password either.
        let err = folder_url("https://user:hunter2@a b/").unwrap_err();
        assert!(!format!("{err} {err:?}").contains("hunter2"), "{err}");
        assert!(err.to_string().contains("https://***@a b/"), "{err}");
    }

    #[test]
    fn sub_folders_keep_the_base_path() {
        let b = base("https://dcos.example.com/prefix/");
        assert_eq!(
            sub_folder(&b, &["service", "marathon"]).as_str(),
            "https://dcos.example.com/prefix/service/marathon/"
        );
        assert_eq!(
            sub_folder(&b, &["service", "marathon-user"]).as_str(),
            "https://dcos.example.com/prefix/service/marathon-user/"
        );
    }

    #[test]
    fn authorization_cannot_be_set_by_callers_and_methods_default_idempotency() {
        let r = Request::get(["x"]).header(
            reqwest::header::AUTHORIZATION,
            HeaderValue::from_static("token=x"),
        );
        assert!(r.headers.is_empty());
        assert!(r.is_idempotent());
        assert!(!Request::post(["x"]).is_idempotent());
        assert!(Request::post(["x"]).idempotent(true).is_idempotent());
        assert!(Request::put(["x"]).is_idempotent());
    }

    #[test]
    fn json_body_sets_content_type_and_accept() {
        let r = Request::put(["v2", "apps", "x"])
            .json(&serde_json::json!({"instances": 0, "cmd": null}))
            .unwrap();
        assert_eq!(
            r.body.as_deref(),
            Some(&br#"{"cmd":null,"instances":0}"#[..])
        );
        assert_eq!(r.headers[CONTENT_TYPE], "application/json");
        assert_eq!(r.headers[ACCEPT], "application/json");
    }
}
