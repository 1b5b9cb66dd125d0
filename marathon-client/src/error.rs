//! [`Error`]: Marathon's answers, named.

use dcos_auth::ErrorBody;
use dcos_auth::http::StatusCode;
use serde::Deserialize;

use crate::ids::DeploymentId;

/// What went wrong talking to Marathon.
///
/// Every variant that comes from a server answer keeps the server's `message`
/// and, as its source, the [`dcos_auth::Error`] with method, URL, status and body.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// 409 with `deployments`: running deployments lock the app or group.
    /// Retry with `force(true)` to cancel them, or wait for them.
    #[error("locked by deployment(s) {}: {message}", join(deployments))]
    AppLocked {
        /// The server's message.
        message: String,
        /// The deployments that hold the lock.
        deployments: Vec<DeploymentId>,
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// Any other 409, such as an id that already exists.
    #[error("conflict: {message}")]
    Conflict {
        /// The server's message.
        message: String,
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// 400 or 422: the definition or the JSON was rejected.
    #[error("{status}: {message}{}", details.as_ref().map(|d| format!(" ({d})")).unwrap_or_default())]
    Validation {
        /// 400 or 422.
        status: StatusCode,
        /// The server's message, such as `Object is not valid`.
        message: String,
        /// Which fields failed, when the server said.
        details: Option<ValidationDetails>,
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// 404: no such app, group, pod, task, deployment or version.
    #[error("not found: {message}")]
    NotFound {
        /// The server's message.
        message: String,
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// No leader could be reached: 502 "Could not determine the current leader",
    /// 503, or 404 on `/v2/leader`. Usually transient during an election.
    #[error("no Marathon leader: {message}")]
    NoLeader {
        /// The server's message.
        message: String,
        /// The HTTP error.
        #[source]
        source: Box<dcos_auth::Error>,
    },
    /// An id given to the client is not a valid Marathon id.
    #[error("invalid id {id:?}: {reason}")]
    InvalidId {
        /// The id as given.
        id: String,
        /// Why it is invalid.
        reason: String,
    },
    /// A request the client refuses to send, because Marathon would refuse it
    /// or it is incomplete (such as no Marathon URL at all).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The server answered 2xx but not in a shape the API documents, such as
    /// a change that returned no deployment id.
    #[error("unexpected answer: {0}")]
    Protocol(String),
    /// A wait ran out of time.
    #[error("timed out after {after:?} waiting for {what}")]
    Timeout {
        /// What was awaited.
        what: String,
        /// How long the wait lasted.
        after: std::time::Duration,
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

    /// Whether this is [`Error::NotFound`].
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// Whether trying again later may succeed: no leader, or a retryable
    /// transport or HTTP failure.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::NoLeader { .. } | Error::AppLocked { .. } => true,
            Error::Http(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// The server's message, when it sent one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::AppLocked { message, .. }
            | Error::Conflict { message, .. }
            | Error::Validation { message, .. }
            | Error::NotFound { message, .. }
            | Error::NoLeader { message, .. } => Some(message),
            Error::Http(e) => e.body().and_then(ErrorBody::message),
            _ => None,
        }
    }

    /// The underlying HTTP error, when there is one.
    pub fn http(&self) -> Option<&dcos_auth::Error> {
        match self {
            Error::AppLocked { source, .. }
            | Error::Conflict { source, .. }
            | Error::Validation { source, .. }
            | Error::NotFound { source, .. }
            | Error::NoLeader { source, .. } => Some(source),
            Error::Http(e) => Some(e),
            _ => None,
        }
    }

    /// Names a failed answer by its status and body, as Marathon means them.
    pub fn from_http(err: dcos_auth::Error) -> Self {
        let Some(status) = err.status() else {
            return Error::Http(err);
        };
        let body: MarathonErrorBody = err
            .body()
            .and_then(ErrorBody::json)
            .and_then(|v| MarathonErrorBody::deserialize(v).ok())
            .unwrap_or_default();
        let message = body
            .message
            .clone()
            .or_else(|| err.body().map(ErrorBody::text).filter(|t| !t.is_empty()))
            .unwrap_or_else(|| status.to_string());
        let source = Box::new(err);
        match status.as_u16() {
            409 => match body.deployments {
                Some(deployments) => Error::AppLocked {
                    message,
                    deployments: deployments.into_iter().map(|d| d.id).collect(),
                    source,
                },
                None => Error::Conflict { message, source },
            },
            400 | 422 => Error::Validation {
                status,
                details: body.details.clone().or_else(|| legacy_details(&body)),
                message,
                source,
            },
            404 => Error::NotFound { message, source },
            503 => Error::NoLeader { message, source },
            502 if message.to_ascii_lowercase().contains("leader") => {
                Error::NoLeader { message, source }
            }
            _ => Error::Http(*source),
        }
    }
}

/// Which fields failed validation.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ValidationDetails {
    /// Per-field errors: `[{path, errors}]`.
    Fields(Vec<FieldErrors>),
    /// A plain description, as for unparsable JSON.
    Text(String),
    /// Any other shape, kept as sent.
    Other(serde_json::Value),
}

/// The errors of one field.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct FieldErrors {
    /// A JSON path such as `/upgradeStrategy/minimumHealthCapacity`.
    #[serde(default)]
    pub path: String,
    /// What is wrong with it.
    #[serde(default)]
    pub errors: Vec<String>,
}

impl std::fmt::Display for ValidationDetails {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ValidationDetails::Fields(fields) => {
                for (i, field) in fields.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(f, "{}: {}", field.path, field.errors.join(", "))?;
                }
                Ok(())
            }
            ValidationDetails::Text(text) => f.write_str(text),
            ValidationDetails::Other(value) => write!(f, "{value}"),
        }
    }
}

/// Marathon's error body: `message`, plus `details`, `deployments` or the
/// 0.x `errors`.
#[derive(Debug, Default, Deserialize)]
struct MarathonErrorBody {
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    details: Option<ValidationDetails>,
    #[serde(default)]
    deployments: Option<Vec<LockingDeployment>>,
    #[serde(default)]
    errors: Option<Vec<LegacyError>>,
}

#[derive(Debug, Deserialize)]
struct LockingDeployment {
    id: DeploymentId,
}

#[derive(Debug, Clone, Deserialize)]
struct LegacyError {
    #[serde(default)]
    attribute: String,
    #[serde(default)]
    error: String,
}

fn legacy_details(body: &MarathonErrorBody) -> Option<ValidationDetails> {
    let errors = body.errors.as_ref()?;
    Some(ValidationDetails::Fields(
        errors
            .iter()
            .map(|e| FieldErrors {
                path: e.attribute.clone(),
                errors: vec![e.error.clone()],
            })
            .collect(),
    ))
}

fn join(ids: &[DeploymentId]) -> String {
    ids.iter()
        .map(DeploymentId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
