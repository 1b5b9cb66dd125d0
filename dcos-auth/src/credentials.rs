//! The ways a client proves who it is to DC/OS or to a service directly.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;

use crate::error::{AuthError, Error};
use crate::jwt::SigningKey;
use crate::secret::Secret;

/// How requests are authenticated.
///
/// Every variant's `Debug` hides its secret.
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Credentials {
    /// No credentials: an open cluster, or plain Marathon or Mesos.
    #[default]
    None,
    /// HTTP basic auth, such as a Jenkins user with an API token.
    Basic {
        /// The user name.
        username: String,
        /// The password or API token.
        password: Secret,
    },
    /// A fixed ACS token (`DCOS_ACS_TOKEN`, `core.dcos_acs_token`). It cannot be
    /// refreshed: once the IAM rejects it, requests fail with
    /// [`AuthError::Unauthorized`].
    Token(Secret),
    /// A DC/OS user: `POST /acs/api/v1/auth/login {uid, password}`.
    Login {
        /// The user id.
        uid: String,
        /// The password.
        password: Secret,
    },
    /// A DC/OS service account that signs an RS256 login token with its key.
    ServiceAccount(ServiceAccount),
    /// Tokens from a source of the caller's, such as an OIDC flow.
    Custom(Arc<dyn TokenSource>),
}

impl Credentials {
    /// HTTP basic auth.
    pub fn basic(username: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::Basic {
            username: username.into(),
            password: password.into(),
        }
    }

    /// A fixed ACS token.
    pub fn token(token: impl Into<Secret>) -> Self {
        Credentials::Token(token.into())
    }

    /// A DC/OS user login.
    pub fn login(uid: impl Into<String>, password: impl Into<Secret>) -> Self {
        Credentials::Login {
            uid: uid.into(),
            password: password.into(),
        }
    }

    /// Whether these credentials put anything on requests.
    pub fn sends_auth(&self) -> bool {
        !matches!(self, Credentials::None)
    }

    /// Whether new tokens can be fetched when the current one expires.
    pub fn can_refresh(&self) -> bool {
        matches!(
            self,
            Credentials::Login { .. } | Credentials::ServiceAccount(_) | Credentials::Custom(_)
        )
    }

    /// The DC/OS user or service account id, when the credentials name one. A
    /// basic-auth user name is not a DC/OS uid and is not returned.
    pub fn uid(&self) -> Option<&str> {
        match self {
            Credentials::Login { uid, .. } => Some(uid),
            Credentials::ServiceAccount(sa) => Some(sa.uid()),
            _ => None,
        }
    }

    /// A short name for the kind of credentials, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Credentials::None => "none",
            Credentials::Basic { .. } => "basic",
            Credentials::Token(_) => "token",
            Credentials::Login { .. } => "login",
            Credentials::ServiceAccount(_) => "service-account",
            Credentials::Custom(_) => "custom",
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::None => f.write_str("None"),
            Credentials::Basic { username, .. } => f
                .debug_struct("Basic")
                .field("username", username)
                .field("password", &"***")
                .finish(),
            Credentials::Token(_) => f.write_str("Token(***)"),
            Credentials::Login { uid, .. } => f
                .debug_struct("Login")
                .field("uid", uid)
                .field("password", &"***")
                .finish(),
            Credentials::ServiceAccount(sa) => f.debug_tuple("ServiceAccount").field(sa).finish(),
            Credentials::Custom(source) => f.debug_tuple("Custom").field(source).finish(),
        }
    }
}

impl From<ServiceAccount> for Credentials {
    fn from(sa: ServiceAccount) -> Self {
        Credentials::ServiceAccount(sa)
    }
}

/// A source of ACS tokens supplied by the caller, for login flows this crate does
/// not implement itself. The core calls it whenever it needs a new token, one
/// call at a time.
#[async_trait::async_trait]
pub trait TokenSource: fmt::Debug + Send + Sync + 'static {
    /// Fetches a new token.
    async fn fetch_token(&self) -> Result<Secret, AuthError>;
}

/// A DC/OS service account: a uid and an RSA private key.
///
/// It logs in by signing a JWT `{uid, exp}` that lives 5 minutes and posting
/// `{uid, token}` to the login endpoint.
#[derive(Clone)]
pub struct ServiceAccount {
    uid: String,
    key: Arc<SigningKey>,
    login_endpoint: Option<String>,
    /// Set by [`ServiceAccount::with_login_endpoint`] rather than read from a
    /// credential file.
    endpoint_chosen: bool,
}

impl fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("uid", &self.uid)
            .field("login_endpoint", &self.login_endpoint)
            .field("private_key", &"***")
            .finish()
    }
}

#[derive(Deserialize)]
struct CredentialJson {
    #[serde(default)]
    scheme: Option<String>,
    uid: String,
    #[serde(default)]
    login_endpoint: Option<String>,
    private_key: String,
}

impl ServiceAccount {
    /// A service account from its uid and a PKCS#8 or PKCS#1 PEM private key.
    pub fn from_pem(uid: impl Into<String>, pem: impl AsRef<[u8]>) -> Result<Self, Error> {
        let uid = uid.into();
        if uid.is_empty() {
            return Err(AuthError::InvalidCredential {
                reason: "the uid is empty".into(),
            }
            .into());
        }
        Ok(ServiceAccount {
            uid,
            key: Arc::new(SigningKey::from_pem(pem.as_ref())?),
            login_endpoint: None,
            endpoint_chosen: false,
        })
    }

    /// A service account from the JSON credential DC/OS gives its services:
    /// `{"scheme":"RS256","uid":…,"login_endpoint":…,"private_key":…}`.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let invalid = |reason: String| Error::from(AuthError::InvalidCredential { reason });
        let parsed: CredentialJson = serde_json::from_str(json).map_err(|e| {
            // serde_json can quote input in its messages; report only the place.
            invalid(format!(
                "not a service account JSON credential ({:?} error at line {} column {}; expected the keys scheme, uid, login_endpoint and private_key)",
                e.classify(),
                e.line(),
                e.column()
            ))
        })?;
        if let Some(scheme) = parsed.scheme.as_deref() {
            if !scheme.eq_ignore_ascii_case("RS256") {
                return Err(invalid(format!(
                    "scheme `{scheme}` is not supported, only RS256"
                )));
            }
        }
        let mut sa = ServiceAccount::from_pem(parsed.uid, parsed.private_key.as_bytes())?;
        sa.login_endpoint = parsed.login_endpoint.filter(|e| !e.trim().is_empty());
        Ok(sa)
    }

    /// A service account from a JSON credential file.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let json = std::fs::read_to_string(path).map_err(|e| {
            Error::config_with(
                format!(
                    "cannot read the service account credential {}",
                    path.display()
                ),
                e,
            )
        })?;
        ServiceAccount::from_json(&json)
    }

    /// Sets where to log in: an absolute URL, or a path resolved against the
    /// cluster URL. By default the cluster's `/acs/api/v1/auth/login`.
    ///
    /// An endpoint set here is always used. One read from a JSON credential is
    /// used only when it is on the cluster's own host: credentials made for use
    /// inside the cluster name `https://leader.mesos/...`, which is neither
    /// reachable from outside nor a host that should receive the signed login
    /// token when the cluster URL says otherwise.
    #[must_use]
    pub fn with_login_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.login_endpoint = Some(endpoint.into());
        self.endpoint_chosen = true;
        self
    }

    pub(crate) fn login_endpoint_chosen(&self) -> bool {
        self.endpoint_chosen
    }

    /// The service account's uid.
    pub fn uid(&self) -> &str {
        &self.uid
    }

    /// The login endpoint named by the credential, if any.
    pub fn login_endpoint(&self) -> Option<&str> {
        self.login_endpoint.as_deref()
    }

    pub(crate) fn sign_login_token(&self, now: std::time::SystemTime) -> Result<String, AuthError> {
        self.key.sign(&crate::jwt::LoginClaims::new(&self.uid, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_of_every_kind_hides_secrets() {
        let kinds = [
            Credentials::basic("jenkins", "api-token-123"),
            Credentials::token("eyJsecret.token.value"),
            Credentials::login("alice", "hunter2"),
        ];
        for c in &kinds {
            let shown = format!("{c:?}");
            for secret in ["api-token-123", "eyJsecret", "hunter2"] {
                assert!(!shown.contains(secret), "{shown}");
            }
            assert!(shown.contains("***"), "{shown}");
        }
        assert_eq!(format!("{:?}", Credentials::None), "None");
    }

    #[test]
    fn json_errors_do_not_quote_the_input() {
        let err =
            ServiceAccount::from_json(r#"{"uid": "bot", "private_key": 5, "x": "SECRETKEYDATA"}"#)
                .unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("SECRETKEYDATA"), "{shown}");
        // serde_json would say "invalid type: integer `5`" and may quote a
        // string it did not expect; the message must be ours, naming the place.
        assert!(!shown.contains("invalid type"), "{shown}");
        assert!(shown.contains("Data error at line 1 column"), "{shown}");
        let truncated =
            ServiceAccount::from_json(r#"{"uid": "bot", "private_key": "-----BEGIN PRIV"#)
                .unwrap_err()
                .to_string();
        assert!(!truncated.contains("BEGIN PRIV"), "{truncated}");
        assert!(truncated.contains("Eof error"), "{truncated}");

        let err = ServiceAccount::from_json(r#"{"uid":"bot","scheme":"HS256","private_key":"k"}"#)
            .unwrap_err();
        assert!(err.to_string().contains("HS256"), "{err}");
    }

    #[test]
    fn empty_uid_is_rejected() {
        assert!(ServiceAccount::from_pem("", b"x").is_err());
    }
}
