//! [`Error`]: Mesos answers, named.

use dcos_auth::ErrorBody;
use dcos_auth::http::StatusCode;

use crate::recordio::RecordIoError;

/// What went wrong talking to Mesos.
///
/// A variant named after a Mesos answer keeps the server's message and, as
/// its source, the [`dcos_auth::Error`] with method, URL, status and body.
/// Build them from an HTTP error with [`Error::from_http`].
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 503: the master has no leader (`No leader elected`), is still
    /// recovering (`Master has not finished recovery`), or, behind Admin
    /// Router, no master answered. Usually transient during an election:
    /// retry with backoff, and find the leader again.
    #[error("no Mesos leader: {message}")]
    NoLeader {
        /// The server's message.
        message: String,
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// 403 `Framework is not subscribed`: a scheduler call was made while the
    /// framework has no subscription on this master (after a failover, for
    /// example). Subscribe again with the same framework id, then retry.
    #[error("framework not subscribed: {message}")]
    NotSubscribed {
        /// The server's message.
        message: String,
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// 400 about `Mesos-Stream-Id`: a scheduler call carried no stream id, or
    /// one that is not the current subscription's (the framework subscribed
    /// again in between), or a SUBSCRIBE carried one. Subscribe again and use
    /// the new stream id.
    #[error("bad Mesos-Stream-Id: {message}")]
    BadStreamId {
        /// The server's message.
        message: String,
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// `Framework has been removed`: the framework was torn down, or its
    /// failover timeout ran out while it was disconnected, and its tasks were
    /// killed. Its id can never subscribe again; this is final. Mesos
    /// usually says it in an ERROR event, so there may be no HTTP error.
    #[error("framework removed: {message}")]
    FrameworkRemoved {
        /// The server's message.
        message: String,
        /// The HTTP error, when the removal was an HTTP answer.
        #[source]
        source: Option<Box<dcos_auth::Error>>,
    },
    /// A subscription stream ended: the master closed the connection, or
    /// failed over. Subscribe again (for a scheduler, with the same
    /// framework id).
    #[error("the Mesos subscription ended")]
    SubscriptionEnded,
    /// A streaming body could not be framed: a bad or oversized length, or a
    /// record cut off by the end of the stream.
    #[error("bad RecordIO stream")]
    RecordIo(#[from] RecordIoError),
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

    /// Whether trying again later may succeed as it is: no leader, a
    /// retryable transport or HTTP failure, or a stream that was cut off
    /// (reconnect). Calls that need a new subscription first say so with
    /// [`Error::needs_resubscribe`] instead.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::NoLeader { .. } | Error::SubscriptionEnded => true,
            Error::RecordIo(e) => {
                matches!(e, RecordIoError::Truncated { .. } | RecordIoError::Io(_))
            }
            Error::Http(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// Whether a scheduler should subscribe again (with its framework id):
    /// not subscribed, a stale stream id, or a subscription that ended or
    /// broke.
    pub fn needs_resubscribe(&self) -> bool {
        matches!(
            self,
            Error::NotSubscribed { .. }
                | Error::BadStreamId { .. }
                | Error::SubscriptionEnded
                | Error::RecordIo(_)
        )
    }

    /// The server's message, when it sent one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::NoLeader { message, .. }
            | Error::NotSubscribed { message, .. }
            | Error::BadStreamId { message, .. }
            | Error::FrameworkRemoved { message, .. } => Some(message),
            Error::Http(e) => e.body().and_then(ErrorBody::message),
            _ => None,
        }
    }

    /// The underlying HTTP error, when there is one.
    pub fn http(&self) -> Option<&dcos_auth::Error> {
        match self {
            Error::NoLeader { source, .. }
            | Error::NotSubscribed { source, .. }
            | Error::BadStreamId { source, .. } => Some(source),
            Error::FrameworkRemoved { source, .. } => source.as_deref(),
            Error::Http(e) => Some(e),
            _ => None,
        }
    }

    /// Names a failed answer by its status and body, as Mesos means them
    /// (`src/master/http.cpp`; Mesos sends its errors as plain text):
    ///
    /// | status | body | variant |
    /// |---|---|---|
    /// | 503 | any (`No leader elected`, `Master has not finished recovery`) | [`Error::NoLeader`] |
    /// | 403 | `Framework is not subscribed` | [`Error::NotSubscribed`] |
    /// | 403 | `Framework has been removed` | [`Error::FrameworkRemoved`] |
    /// | 400 | mentions `Mesos-Stream-Id` or the stream ID | [`Error::BadStreamId`] |
    ///
    /// Anything else stays [`Error::Http`].
    pub fn from_http(err: dcos_auth::Error) -> Self {
        let Some(status) = err.status() else {
            return Error::Http(err);
        };
        let message = err
            .body()
            .and_then(ErrorBody::message)
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| status.to_string());
        let lower = message.to_ascii_lowercase();
        let source = Box::new(err);
        match status.as_u16() {
            503 => Error::NoLeader { message, source },
            403 if lower.contains("not subscribed") => Error::NotSubscribed { message, source },
            403 if lower.contains("has been removed") => Error::FrameworkRemoved {
                message,
                source: Some(source),
            },
            400 if lower.contains("mesos-stream-id") || lower.contains("stream id") => {
                Error::BadStreamId { message, source }
            }
            _ => Error::Http(*source),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcos_auth::http::{Method, Url};

    fn api(status: u16, body: &str) -> dcos_auth::Error {
        dcos_auth::Error::Api {
            method: Method::POST,
            url: Box::new(Url::parse("http://master:5050/api/v1/scheduler").unwrap()),
            status: StatusCode::from_u16(status).unwrap(),
            body: ErrorBody::from_bytes(body.as_bytes()),
        }
    }

    #[test]
    fn no_leader_and_recovery_are_no_leader() {
        for body in [
            "No leader elected",
            "Master has not finished recovery\n",
            "",
        ] {
            let err = Error::from_http(api(503, body));
            assert!(matches!(err, Error::NoLeader { .. }), "{err:?}");
            assert!(err.is_retryable());
            assert!(!err.needs_resubscribe());
            assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        }
        let err = Error::from_http(api(503, "Master has not finished recovery\n"));
        assert_eq!(err.message(), Some("Master has not finished recovery"));
        assert_eq!(
            err.to_string(),
            "no Mesos leader: Master has not finished recovery"
        );
        let empty = Error::from_http(api(503, ""));
        assert_eq!(empty.message(), Some("503 Service Unavailable"));
    }

    #[test]
    fn not_subscribed_is_named_and_keeps_the_source() {
        let err = Error::from_http(api(403, "Framework is not subscribed"));
        assert!(matches!(err, Error::NotSubscribed { .. }), "{err:?}");
        assert!(err.needs_resubscribe());
        assert!(!err.is_retryable());
        assert_eq!(err.status(), Some(StatusCode::FORBIDDEN));
        let source = std::error::Error::source(&err).unwrap();
        assert!(source.to_string().contains("/api/v1/scheduler"), "{source}");
    }

    #[test]
    fn removed_framework_is_final() {
        let err = Error::from_http(api(403, "Framework has been removed"));
        assert!(matches!(err, Error::FrameworkRemoved { .. }), "{err:?}");
        assert!(!err.is_retryable() && !err.needs_resubscribe());
        assert_eq!(err.status(), Some(StatusCode::FORBIDDEN));
        let event = Error::FrameworkRemoved {
            message: "Framework has been removed".into(),
            source: None,
        };
        assert_eq!(event.status(), None);
    }

    #[test]
    fn stream_id_errors_are_bad_stream_id() {
        for body in [
            "All non-subscribe calls should include the 'Mesos-Stream-Id' header",
            "The stream ID included in this request didn't match the stream ID \
             currently associated with framework ID 'abc-0001'",
        ] {
            let err = Error::from_http(api(400, body));
            assert!(matches!(err, Error::BadStreamId { .. }), "{err:?}");
            assert!(err.needs_resubscribe());
            assert_eq!(err.message(), Some(body));
        }
    }

    #[test]
    fn other_answers_stay_http() {
        for (status, body) in [
            (
                400,
                "Failed to validate scheduler::Call: Expecting 'framework_id' to be present",
            ),
            (403, "Forbidden"),
            (404, ""),
            (500, "oops"),
        ] {
            let err = Error::from_http(api(status, body));
            assert!(matches!(err, Error::Http(_)), "{err:?}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status));
        }
        let timeout = dcos_auth::Error::Timeout {
            method: Method::POST,
            url: Box::new(Url::parse("http://m/").unwrap()),
            after: std::time::Duration::from_secs(1),
        };
        let err = Error::from_http(timeout);
        assert!(matches!(err, Error::Http(_)) && err.is_retryable());
        assert_eq!(err.status(), None);
    }

    #[test]
    fn record_io_errors_ask_for_a_new_subscription() {
        let err = Error::from(RecordIoError::Truncated {
            expected: Some(10),
            received: 3,
        });
        assert!(err.is_retryable() && err.needs_resubscribe());
        let err = Error::from(RecordIoError::TooLarge { length: 10, max: 1 });
        assert!(!err.is_retryable());
        assert!(Error::SubscriptionEnded.is_retryable());
    }
}
