//! The error type shared by every client built on this crate.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};
use url::Url;

/// The largest error body kept in an [`Error::Api`], in bytes.
pub const MAX_ERROR_BODY: usize = 64 * 1024;

/// Result alias for this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An error from talking to a DC/OS cluster or a service behind it.
///
/// URLs are boxed to keep `Result<T, Error>` small on the success path.
///
/// Every variant that comes from a request keeps the method and URL, and an HTTP
/// error keeps its status and body (JSON or text, capped at [`MAX_ERROR_BODY`])
/// even when the body is an HTML page. No variant ever holds a token, password or
/// key. `Error` is `Clone` so that one failed login can be handed to every request
/// that was waiting for it; sources are held in `Arc`s for that reason.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status the call does not accept.
    #[error("{method} {url} returned {status}{}", body.display_suffix())]
    Api {
        /// The request method.
        method: Method,
        /// The URL that answered (after any redirects).
        url: Box<Url>,
        /// The status the server sent.
        status: StatusCode,
        /// The response body, JSON or text, capped in size.
        body: ErrorBody,
    },
    /// A response body could not be decoded into the expected type.
    #[error("could not decode {what}: invalid value at `{path}`")]
    Decode {
        /// What was being decoded, usually the method, URL and target type.
        what: String,
        /// The path of the failing field, such as `apps[3].container.docker`.
        path: String,
        /// The decoder's error.
        #[source]
        source: Arc<serde_json::Error>,
    },
    /// The request could not be sent or its response could not be read.
    #[error("{method} {url}: {}", if *connect { "could not connect" } else { "transport error" })]
    Transport {
        /// The request method.
        method: Method,
        /// The URL being requested.
        url: Box<Url>,
        /// Whether the failure happened while connecting, before anything was sent.
        connect: bool,
        /// The HTTP client's error.
        #[source]
        source: Arc<reqwest::Error>,
    },
    /// The request, or a stream going idle, ran past its time limit.
    #[error("{method} {url}: timed out after {after:?}")]
    Timeout {
        /// The request method.
        method: Method,
        /// The URL being requested.
        url: Box<Url>,
        /// The limit that ran out.
        after: Duration,
    },
    /// Logging in failed, or the server rejected the credentials.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// A request was redirected more times than allowed.
    #[error("{method} {url}: more than {max} redirects")]
    TooManyRedirects {
        /// The request method.
        method: Method,
        /// The URL first requested.
        url: Box<Url>,
        /// The most hops allowed.
        max: usize,
    },
    /// A redirect pointed somewhere the core refuses to go.
    #[error("redirect to {location} not followed: {reason}")]
    RedirectNotAllowed {
        /// The `Location` the server sent.
        location: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The cluster could not be configured: a bad URL, file, variable or setting.
    #[error("configuration error: {message}")]
    Config {
        /// What is wrong, naming the setting.
        message: String,
        /// The underlying error, such as a file read or TOML parse failure.
        #[source]
        source: Option<Arc<dyn std::error::Error + Send + Sync>>,
    },
}

impl Error {
    /// The HTTP status behind this error, if the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Auth(auth) => auth.status(),
            _ => None,
        }
    }

    /// Whether the server answered 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether trying the same call again later may succeed: connection failures,
    /// time-outs, 429 and the gateway errors 502, 503 and 504.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Timeout { .. } => true,
            Error::Api { status, .. } | Error::Auth(AuthError::LoginFailed { status, .. }) => {
                matches!(status.as_u16(), 429 | 502 | 503 | 504)
            }
            _ => false,
        }
    }

    /// The server's error code: the IAM's code of a login failure, or the
    /// `code` field of a JSON error body (such as `ERR_UNKNOWN_USER_ID`).
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Auth(auth) if auth.code().is_some() => auth.code(),
            _ => self.body()?.json_str("code"),
        }
    }

    /// The response body of an HTTP error.
    pub fn body(&self) -> Option<&ErrorBody> {
        match self {
            Error::Api { body, .. } => Some(body),
            Error::Auth(AuthError::Unauthorized { body, .. }) => Some(body),
            _ => None,
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
            source: None,
        }
    }

    pub(crate) fn config_with(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Error::Config {
            message: message.into(),
            source: Some(Arc::new(source)),
        }
    }

    pub(crate) fn transport(method: &Method, url: &Url, source: reqwest::Error) -> Self {
        Error::Transport {
            method: method.clone(),
            url: Box::new(url.clone()),
            connect: source.is_connect(),
            source: Arc::new(source),
        }
    }
}

/// Why logging in failed or why the server refused the credentials.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The IAM answered 401 to the login: wrong uid, password or key.
    #[error("invalid credentials{}", code_suffix(code, description))]
    InvalidCredentials {
        /// The IAM's error code, such as `ERR_INVALID_CREDENTIALS`.
        code: Option<String>,
        /// The IAM's description, such as `Invalid credentials.`.
        description: Option<String>,
    },
    /// The login endpoint answered with an error other than 401.
    #[error("login failed with {status}{}", code_suffix(code, description))]
    LoginFailed {
        /// The status of the login response.
        status: StatusCode,
        /// The IAM's error code, when it sent one.
        code: Option<String>,
        /// The IAM's description or title, when it sent one.
        description: Option<String>,
    },
    /// The login succeeded but its response held no token.
    #[error("the login response from {url} has no token")]
    MissingToken {
        /// The login endpoint.
        url: Box<Url>,
    },
    /// A request was refused with 401 although fresh credentials were sent, or the
    /// credentials cannot be refreshed (a static token, basic auth).
    #[error("{method} {url} returned {status}: the credentials were rejected{}", challenge.as_deref().map(|c| format!(" (WWW-Authenticate: {c})")).unwrap_or_default())]
    Unauthorized {
        /// The request method.
        method: Method,
        /// The URL that refused.
        url: Box<Url>,
        /// The status, 401.
        status: StatusCode,
        /// The `WWW-Authenticate` challenge: `acsjwt` on DC/OS Enterprise,
        /// `oauthjwt` on Open DC/OS.
        challenge: Option<String>,
        /// The response body; Admin Router sends HTML here.
        body: ErrorBody,
    },
    /// A static token had expired before it was sent.
    #[error("the ACS token expired at {}", httpdate::fmt_http_date(*expired_at))]
    TokenExpired {
        /// When the token expired.
        expired_at: SystemTime,
    },
    /// The service account's private key could not be used.
    #[error("invalid service account private key: {reason}")]
    InvalidKey {
        /// What is wrong with the key. Never contains key material.
        reason: String,
    },
    /// The service account credential is malformed.
    #[error("invalid service account credential: {reason}")]
    InvalidCredential {
        /// What is wrong with the credential. Never contains key material.
        reason: String,
    },
    /// A custom token source failed.
    #[error("token source failed: {message}")]
    Source {
        /// What the source reported.
        message: String,
    },
}

impl AuthError {
    /// The HTTP status behind this error, if the server answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            AuthError::InvalidCredentials { .. } => Some(StatusCode::UNAUTHORIZED),
            AuthError::LoginFailed { status, .. } | AuthError::Unauthorized { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// The IAM error code, such as `ERR_INVALID_CREDENTIALS`, when there is one.
    pub fn code(&self) -> Option<&str> {
        match self {
            AuthError::InvalidCredentials { code, .. } | AuthError::LoginFailed { code, .. } => {
                code.as_deref()
            }
            _ => None,
        }
    }
}

fn code_suffix(code: &Option<String>, description: &Option<String>) -> String {
    match (code, description) {
        (Some(c), Some(d)) => format!(": {c}: {d}"),
        (Some(c), None) => format!(": {c}"),
        (None, Some(d)) => format!(": {d}"),
        (None, None) => String::new(),
    }
}

/// The body of an HTTP error response, kept so that callers can see what the
/// server said.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// No body.
    Empty,
    /// A body that parsed as JSON.
    Json(serde_json::Value),
    /// Any other body (HTML, plain text), cut at [`MAX_ERROR_BODY`] bytes.
    Text {
        /// The text, with invalid UTF-8 replaced.
        text: String,
        /// Whether the body was longer than the cap.
        truncated: bool,
    },
}

impl ErrorBody {
    /// Classifies a body that was read with at most [`MAX_ERROR_BODY`] + 1 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return ErrorBody::Empty;
        }
        let truncated = bytes.len() > MAX_ERROR_BODY;
        if !truncated {
            if let Ok(value) = serde_json::from_slice(bytes) {
                return ErrorBody::Json(value);
            }
        }
        let kept = &bytes[..bytes.len().min(MAX_ERROR_BODY)];
        ErrorBody::Text {
            text: String::from_utf8_lossy(kept).into_owned(),
            truncated,
        }
    }

    /// The body as JSON, if it was JSON.
    pub fn json(&self) -> Option<&serde_json::Value> {
        match self {
            ErrorBody::Json(v) => Some(v),
            _ => None,
        }
    }

    /// The body as text: JSON is re-serialised.
    pub fn text(&self) -> String {
        match self {
            ErrorBody::Empty => String::new(),
            ErrorBody::Json(v) => v.to_string(),
            ErrorBody::Text { text, .. } => text.clone(),
        }
    }

    /// The server's human-readable message: the `message`, `description` or
    /// `title` field of a JSON body, or a text body.
    pub fn message(&self) -> Option<&str> {
        match self {
            ErrorBody::Empty => None,
            ErrorBody::Json(v) => ["message", "description", "title", "error"]
                .iter()
                .find_map(|k| v.get(*k).and_then(|m| m.as_str())),
            ErrorBody::Text { text, .. } => Some(text.as_str()),
        }
    }

    /// A string field of a JSON body, such as `code`.
    pub fn json_str(&self, field: &str) -> Option<&str> {
        self.json()?.get(field)?.as_str()
    }

    fn display_suffix(&self) -> String {
        const SHOWN: usize = 200;
        let Some(message) = self.message() else {
            return String::new();
        };
        let one_line: String = message.split_whitespace().collect::<Vec<_>>().join(" ");
        if one_line.is_empty() {
            return String::new();
        }
        let mut shown: String = one_line.chars().take(SHOWN).collect();
        if shown.len() < one_line.len() {
            shown.push('…');
        }
        format!(": {shown}")
    }
}

impl fmt::Display for ErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(body: &[u8]) -> Error {
        Error::Api {
            method: Method::GET,
            url: Box::new(Url::parse("https://dcos.example.com/service/marathon/v2/apps").unwrap()),
            status: StatusCode::BAD_GATEWAY,
            body: ErrorBody::from_bytes(body),
        }
    }

    #[test]
    fn html_body_keeps_status_and_text() {
        let err = api(b"<html><body>502 Bad Gateway</body></html>");
        assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
        assert!(err.is_retryable());
        match err.body() {
            Some(ErrorBody::Text { text, truncated }) => {
                assert!(text.contains("502 Bad Gateway"));
                assert!(!truncated);
            }
            other => panic!("expected a text body, got {other:?}"),
        }
        assert!(err.to_string().contains("returned 502 Bad Gateway: <html>"));
    }

    #[test]
    fn json_body_message_is_shown() {
        let err = api(br#"{"message":"App is locked by one or more deployments."}"#);
        assert_eq!(
            err.body().and_then(ErrorBody::message),
            Some("App is locked by one or more deployments.")
        );
        assert!(
            err.to_string()
                .ends_with(": App is locked by one or more deployments.")
        );
    }

    #[test]
    fn oversized_body_is_capped_and_marked() {
        let big = vec![b'x'; MAX_ERROR_BODY + 1];
        match ErrorBody::from_bytes(&big) {
            ErrorBody::Text { text, truncated } => {
                assert_eq!(text.len(), MAX_ERROR_BODY);
                assert!(truncated);
            }
            other => panic!("expected text, got {other:?}"),
        }
    }

    #[test]
    fn empty_and_whitespace_bodies_are_empty() {
        assert_eq!(ErrorBody::from_bytes(b""), ErrorBody::Empty);
        assert_eq!(ErrorBody::from_bytes(b" \n"), ErrorBody::Empty);
        assert_eq!(
            api(b"").to_string(),
            "GET https://dcos.example.com/service/marathon/v2/apps returned 502 Bad Gateway"
        );
    }

    #[test]
    fn code_comes_from_the_iam_or_the_json_body() {
        let unknown_user = Error::Api {
            method: Method::GET,
            url: Box::new(Url::parse("https://a/acs/api/v1/users/bob").unwrap()),
            status: StatusCode::BAD_REQUEST,
            body: ErrorBody::from_bytes(br#"{"title":"Bad Request","description":"User with uid `bob` not known.","code":"ERR_UNKNOWN_USER_ID"}"#),
        };
        assert_eq!(unknown_user.code(), Some("ERR_UNKNOWN_USER_ID"));
        assert_eq!(api(b"<html>").code(), None);
        let login = Error::from(AuthError::LoginFailed {
            status: StatusCode::BAD_REQUEST,
            code: Some("ERR_INVALID_DATA".into()),
            description: None,
        });
        assert_eq!(login.code(), Some("ERR_INVALID_DATA"));
    }

    #[test]
    fn invalid_credentials_display_and_code() {
        let err = Error::from(AuthError::InvalidCredentials {
            code: Some("ERR_INVALID_CREDENTIALS".into()),
            description: Some("Invalid credentials.".into()),
        });
        assert_eq!(err.status(), Some(StatusCode::UNAUTHORIZED));
        assert_eq!(
            err.to_string(),
            "invalid credentials: ERR_INVALID_CREDENTIALS: Invalid credentials."
        );
        assert!(!err.is_retryable());
    }
}
