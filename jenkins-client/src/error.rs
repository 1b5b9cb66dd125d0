//! [`Error`]: Jenkins' answers, named.

use std::time::Duration;

use dcos_auth::ErrorBody;
use dcos_auth::http::StatusCode;

/// What went wrong talking to Jenkins.
///
/// Every variant that comes from a server answer keeps, as its source, the
/// [`dcos_auth::Error`] with method, URL, status and body (Jenkins error
/// pages are HTML; the body is kept as text, capped in size).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 404: the job, build, queue item, node or view does not exist, **or**
    /// the caller may not read it. Jenkins answers 404 rather than 403 to a
    /// user without `Item/Read` (403 only with `Item/Discover`), so a 404 is
    /// never proof that a name is free.
    #[error("not found (or not readable with these credentials)")]
    NotFound {
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// 403: the credentials lack a permission.
    #[error("forbidden: the credentials lack a permission")]
    Forbidden {
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// 403 "No valid crumb was included in the request", still, after the
    /// session and crumb were fetched again and the request retried once.
    #[error("the CSRF crumb was rejected even after a fresh session and crumb")]
    CrumbRejected {
        /// The HTTP error of the retried request.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// 409 on a build trigger: the job is disabled.
    #[error("the job is disabled")]
    JobDisabled {
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// 400 "already exists" on a create: an item has that name, though it
    /// may be hidden from these credentials (a job without `Item/Read`
    /// answers 404, so it looked absent).
    #[error("an item named {path:?} already exists (perhaps hidden from these credentials)")]
    AlreadyExists {
        /// The full name that was to be created.
        path: String,
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// The queue item was cancelled before it started a build.
    #[error("queue item {id} was cancelled{}", why.as_ref().map(|w| format!(": {w}")).unwrap_or_default())]
    QueueItemCancelled {
        /// The queue item id.
        id: u64,
        /// The last `why` the queue gave, if any.
        why: Option<String>,
    },
    /// The queue item is gone (left items expire after 5 minutes) and no
    /// build of the job carries its id.
    #[error("queue item {id} expired and no build of the job has its id")]
    QueueItemExpired {
        /// The queue item id.
        id: u64,
    },
    /// The build ended with a result other than `SUCCESS`.
    #[error("build {url} ended with {result}")]
    BuildFailed {
        /// The result as Jenkins wrote it: `FAILURE`, `UNSTABLE`, `ABORTED`,
        /// `NOT_BUILT` or a newer value.
        result: String,
        /// The build's URL, rebased onto the client's base URL.
        url: String,
    },
    /// A job path given to the client is not valid.
    #[error("invalid job path {path:?}: {reason}")]
    InvalidJobPath {
        /// The path as given.
        path: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A `config.xml` could not be written or read back.
    #[error("config.xml: {0}")]
    ConfigXml(#[from] crate::config_xml::ConfigXmlError),
    /// A request the client refuses to send, because Jenkins would refuse it
    /// or it is incomplete.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The server answered, but not in a shape the API documents, such as a
    /// payload `url` that cannot be rebased or a crumb with an invalid header
    /// name.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// A wait ran out of time.
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long the wait lasted.
        after: Duration,
    },
    /// Writing what was read failed, such as an artifact download into a
    /// file.
    #[error("{what}")]
    Io {
        /// What was being written.
        what: String,
        /// The I/O error.
        #[source]
        source: std::sync::Arc<std::io::Error>,
    },
    /// Anything else: transport, auth, redirects, decoding, other statuses.
    #[error(transparent)]
    Http(#[from] dcos_auth::Error),
}

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        self.http().and_then(dcos_auth::Error::status)
    }

    /// Whether this is [`Error::NotFound`]: absent, or not readable.
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// Whether trying again later may succeed: a retryable transport or HTTP
    /// failure (connection, time-out, 429, 502, 503, 504).
    pub fn is_retryable(&self) -> bool {
        self.http().is_some_and(dcos_auth::Error::is_retryable)
    }

    /// The underlying HTTP error, when there is one.
    pub fn http(&self) -> Option<&dcos_auth::Error> {
        match self {
            Error::NotFound { source }
            | Error::Forbidden { source }
            | Error::CrumbRejected { source }
            | Error::JobDisabled { source }
            | Error::AlreadyExists { source, .. } => Some(source),
            Error::Http(e) => Some(e),
            _ => None,
        }
    }

    /// The response body of an HTTP error, when there is one.
    pub fn body(&self) -> Option<&ErrorBody> {
        self.http().and_then(dcos_auth::Error::body)
    }

    /// Names a failed answer by its status: 404 is [`Error::NotFound`], 403 is
    /// [`Error::Forbidden`] (or [`Error::CrumbRejected`] when the body says the
    /// crumb was invalid); anything else stays [`Error::Http`]. Statuses that
    /// mean something only for one call, such as 409 on a build trigger, are
    /// named by that call.
    pub fn from_http(err: dcos_auth::Error) -> Self {
        match err.status().map(|s| s.as_u16()) {
            Some(404) => Error::NotFound {
                source: Box::new(err),
            },
            Some(403) if is_crumb_rejection(err.body()) => Error::CrumbRejected {
                source: Box::new(err),
            },
            Some(403) => Error::Forbidden {
                source: Box::new(err),
            },
            _ => Error::Http(err),
        }
    }

    pub(crate) fn invalid_path(path: &str, reason: impl Into<String>) -> Self {
        Error::InvalidJobPath {
            path: path.to_owned(),
            reason: reason.into(),
        }
    }
}

/// Whether a 403 body is Jenkins' "No valid crumb was included in the request".
pub(crate) fn is_crumb_rejection(body: Option<&ErrorBody>) -> bool {
    body.is_some_and(|b| b.text().to_ascii_lowercase().contains("no valid crumb"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcos_auth::http::{Method, Url};

    fn api(status: u16, body: &str) -> dcos_auth::Error {
        dcos_auth::Error::Api {
            method: Method::POST,
            url: Box::new(Url::parse("http://j/job/x/build").unwrap()),
            status: StatusCode::from_u16(status).unwrap(),
            body: ErrorBody::from_bytes(body.as_bytes()),
        }
    }

    #[test]
    fn statuses_are_named_and_keep_their_source() {
        let e = Error::from_http(api(404, "<html>Not Found</html>"));
        assert!(e.is_not_found());
        assert_eq!(e.status(), Some(StatusCode::NOT_FOUND));
        assert!(std::error::Error::source(&e).is_some());

        let e = Error::from_http(api(
            403,
            "<html>x is missing the Job/Build permission</html>",
        ));
        assert!(matches!(e, Error::Forbidden { .. }), "{e:?}");
        let e = Error::from_http(api(
            403,
            "<html><body>HTTP ERROR 403 No valid crumb was included in the request</body></html>",
        ));
        assert!(matches!(e, Error::CrumbRejected { .. }), "{e:?}");
        assert_eq!(e.status(), Some(StatusCode::FORBIDDEN));

        let e = Error::from_http(api(500, "boom"));
        assert!(matches!(e, Error::Http(_)));
        assert_eq!(e.body().unwrap().text(), "boom");
        assert!(!e.is_retryable());
        assert!(Error::from_http(api(503, "")).is_retryable());
    }

    #[test]
    fn domain_variants_say_what_happened() {
        let e = Error::QueueItemCancelled {
            id: 7,
            why: Some("In the quiet period".into()),
        };
        assert_eq!(
            e.to_string(),
            "queue item 7 was cancelled: In the quiet period"
        );
        assert_eq!(e.status(), None);
        let e = Error::BuildFailed {
            result: "FAILURE".into(),
            url: "http://j/job/x/3/".into(),
        };
        assert_eq!(e.to_string(), "build http://j/job/x/3/ ended with FAILURE");
    }
}
