//! The simulated IAM (Bouncer): accounts, `POST /acs/api/v1/auth/login`,
//! ACS tokens and `GET /acs/api/v1/users/<uid>`.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::jwt::{self, JwtError, Signer};
use crate::sim::SimState;

/// The path of the login endpoint.
pub(crate) const LOGIN_PATH: &str = "/acs/api/v1/auth/login";

/// The default ACS token lifetime: DC/OS's `EXPIRATION_AUTH_TOKEN_DAYS: 5`.
pub const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(5 * 24 * 3600);

/// What an account logs in with.
enum Secret {
    /// A local user's password.
    Password(String),
    /// A service account's public key: DER `RSAPublicKey` for verifying, and
    /// the SubjectPublicKeyInfo PEM that IAM shows.
    PublicKey { der: Vec<u8>, pem: String },
}

struct Account {
    description: String,
    secret: Secret,
}

/// The IAM's state: accounts, the signing key, issued tokens.
pub(crate) struct Iam {
    signer: Arc<Signer>,
    /// The signer's public key, DER.
    public_key: Vec<u8>,
    accounts: Mutex<HashMap<String, Account>>,
    /// The generation each issued token was minted in; tokens of an older
    /// generation than `generation` are refused (the "expire every token"
    /// fault).
    issued: Mutex<HashMap<String, u64>>,
    generation: AtomicU64,
    lifetime_ms: AtomicU64,
    enabled: AtomicBool,
}

impl std::fmt::Debug for Iam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Iam")
            .field("enabled", &self.enabled())
            .field("token_lifetime", &self.token_lifetime())
            .finish_non_exhaustive()
    }
}

/// Why a request's token was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenRefused {
    /// No `Authorization` header or cookie.
    Missing,
    /// The token failed verification.
    Invalid(JwtError),
    /// The token was revoked by the "expire every token" fault.
    Revoked,
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64()
}

impl Iam {
    /// An IAM signing with `signer`.
    pub(crate) fn new(signer: Arc<Signer>, lifetime: Duration, enabled: bool) -> Self {
        let iam = Iam {
            public_key: signer.public_key(),
            signer,
            accounts: Mutex::new(HashMap::new()),
            issued: Mutex::new(HashMap::new()),
            generation: AtomicU64::new(0),
            lifetime_ms: AtomicU64::new(0),
            enabled: AtomicBool::new(enabled),
        };
        iam.set_token_lifetime(lifetime);
        iam
    }

    /// Adds a user with a password.
    pub(crate) fn add_user(&self, uid: &str, password: &str, description: &str) {
        self.lock_accounts().insert(
            uid.to_owned(),
            Account {
                description: description.to_owned(),
                secret: Secret::Password(password.to_owned()),
            },
        );
    }

    /// Adds a service account with its public key.
    pub(crate) fn add_service_account(
        &self,
        uid: &str,
        der: Vec<u8>,
        pem: &str,
        description: &str,
    ) {
        self.lock_accounts().insert(
            uid.to_owned(),
            Account {
                description: description.to_owned(),
                secret: Secret::PublicKey {
                    der,
                    pem: pem.to_owned(),
                },
            },
        );
    }

    fn lock_accounts(&self) -> std::sync::MutexGuard<'_, HashMap<String, Account>> {
        self.accounts.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn lock_issued(&self) -> std::sync::MutexGuard<'_, HashMap<String, u64>> {
        self.issued.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether requests need a token.
    pub(crate) fn enabled(&self) -> bool {
        self.enabled.load(Ordering::Relaxed)
    }

    /// Turns auth on or off.
    pub(crate) fn set_enabled(&self, enabled: bool) {
        self.enabled.store(enabled, Ordering::Relaxed);
    }

    /// The lifetime of the tokens issued from now on.
    pub(crate) fn token_lifetime(&self) -> Duration {
        Duration::from_millis(self.lifetime_ms.load(Ordering::Relaxed))
    }

    /// Sets the lifetime of the tokens issued from now on.
    pub(crate) fn set_token_lifetime(&self, lifetime: Duration) {
        let ms = u64::try_from(lifetime.as_millis()).unwrap_or(u64::MAX);
        self.lifetime_ms.store(ms, Ordering::Relaxed);
    }

    /// Makes every token issued so far invalid.
    pub(crate) fn expire_all(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
    }

    /// Mints an ACS token for `uid`: RS256, claims `uid` and `exp`.
    pub(crate) fn issue(&self, uid: &str) -> Result<String, String> {
        let exp = (unix_now() + self.token_lifetime().as_secs_f64()).floor() as u64;
        let token = self.signer.sign(&json!({ "uid": uid, "exp": exp }))?;
        self.lock_issued()
            .insert(token.clone(), self.generation.load(Ordering::SeqCst));
        Ok(token)
    }

    /// Checks a request's token; returns its uid.
    pub(crate) fn check(&self, token: Option<&str>) -> Result<String, TokenRefused> {
        let token = token.ok_or(TokenRefused::Missing)?;
        let claims =
            jwt::verify(token, &self.public_key, unix_now()).map_err(TokenRefused::Invalid)?;
        let current = self.generation.load(Ordering::SeqCst);
        if self
            .lock_issued()
            .get(token)
            .is_none_or(|generation| *generation < current)
        {
            return Err(TokenRefused::Revoked);
        }
        Ok(claims.uid.unwrap_or_default())
    }

    /// The login decision for a `{uid,password}` or `{uid,token}` body.
    fn login(&self, body: &Value) -> Result<String, LoginError> {
        let field = |name: &str| body.get(name).and_then(Value::as_str);
        let (password, token) = (field("password"), field("token"));
        let uid = field("uid").filter(|u| !u.is_empty());
        let valid = match (uid, password, token) {
            (Some(uid), Some(password), None) => self.check_password(uid, password),
            (Some(uid), None, Some(token)) => self.check_login_token(uid, token),
            (None, None, Some(_)) => {
                return Err(LoginError::BadRequest(
                    "OpenID Connect ID token login is not simulated: send `uid` with the token",
                ));
            }
            _ => {
                return Err(LoginError::BadRequest(
                    "Request has bad format: send `uid` and exactly one of `password` or `token`",
                ));
            }
        };
        match (valid, uid) {
            (true, Some(uid)) => self.issue(uid).map_err(|_| LoginError::Internal),
            _ => Err(LoginError::InvalidCredentials),
        }
    }

    fn check_password(&self, uid: &str, password: &str) -> bool {
        matches!(
            self.lock_accounts().get(uid).map(|a| &a.secret),
            Some(Secret::Password(p)) if p == password
        )
    }

    fn check_login_token(&self, uid: &str, token: &str) -> bool {
        let accounts = self.lock_accounts();
        let Some(Secret::PublicKey { der, .. }) = accounts.get(uid).map(|a| &a.secret) else {
            return false;
        };
        jwt::verify(token, der, unix_now()).is_ok_and(|c| c.uid.as_deref() == Some(uid))
    }

    /// The IAM user object of `uid`.
    fn user(&self, uid: &str) -> Option<Value> {
        let accounts = self.lock_accounts();
        let account = accounts.get(uid)?;
        let mut user = json!({
            "uid": uid,
            "url": format!("/acs/api/v1/users/{uid}"),
            "description": account.description,
            "is_remote": false,
            "is_service": matches!(account.secret, Secret::PublicKey { .. }),
            "provider_type": "internal",
            "provider_id": "",
        });
        if let (Secret::PublicKey { pem, .. }, Some(map)) = (&account.secret, user.as_object_mut())
        {
            map.insert("public_key".into(), Value::String(pem.clone()));
        }
        Some(user)
    }
}

enum LoginError {
    BadRequest(&'static str),
    InvalidCredentials,
    Internal,
}

/// A Bouncer error body `{title,description,code}`.
pub(crate) fn bouncer_error(status: StatusCode, description: &str, code: &str) -> Response {
    let title = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    );
    let mut response = (
        status,
        Json(json!({ "title": title, "description": description, "code": code })),
    )
        .into_response();
    if status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("acsjwt"));
    }
    response
}

/// `POST /acs/api/v1/auth/login`.
pub(crate) async fn login(State(sim): State<SimState>, body: axum::body::Bytes) -> Response {
    let Ok(body) = serde_json::from_slice::<Value>(&body) else {
        return bouncer_error(
            StatusCode::BAD_REQUEST,
            "Request has bad format: the body is not JSON",
            "ERR_INVALID_DATA",
        );
    };
    match sim.iam.login(&body) {
        Ok(token) => {
            let uid = body.get("uid").and_then(Value::as_str).unwrap_or_default();
            let description = sim
                .iam
                .user(uid)
                .and_then(|u| {
                    u.get("description")
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            let info = STANDARD.encode(
                json!({ "uid": uid, "description": description, "is_remote": false }).to_string(),
            );
            let mut response = Json(json!({ "token": token })).into_response();
            let headers = response.headers_mut();
            for cookie in [
                format!("dcos-acs-auth-cookie={token}; HttpOnly; Path=/"),
                format!("dcos-acs-info-cookie={info}; Path=/"),
            ] {
                if let Ok(v) = HeaderValue::from_str(&cookie) {
                    headers.append(header::SET_COOKIE, v);
                }
            }
            response
        }
        Err(LoginError::BadRequest(reason)) => {
            bouncer_error(StatusCode::BAD_REQUEST, reason, "ERR_INVALID_DATA")
        }
        Err(LoginError::InvalidCredentials) => bouncer_error(
            StatusCode::UNAUTHORIZED,
            "Invalid credentials.",
            "ERR_INVALID_CREDENTIALS",
        ),
        Err(LoginError::Internal) => bouncer_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            "The token could not be signed.",
            "ERR_INTERNAL",
        ),
    }
}

/// `GET /acs/api/v1/users[?type=service]`: `{"array":[User]}`, sorted by
/// uid; `type=service` lists the service accounts only.
pub(crate) async fn list_users(
    State(sim): State<SimState>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let services_only = query.get("type").map(String::as_str) == Some("service");
    let mut uids: Vec<String> = sim.iam.lock_accounts().keys().cloned().collect();
    uids.sort();
    let users: Vec<Value> = uids
        .iter()
        .filter_map(|uid| sim.iam.user(uid))
        .filter(|u| !services_only || u["is_service"] == true)
        .collect();
    Json(json!({ "array": users })).into_response()
}

/// `GET /acs/api/v1/users/<uid>`.
pub(crate) async fn get_user(State(sim): State<SimState>, Path(uid): Path<String>) -> Response {
    match sim.iam.user(&uid) {
        Some(user) => Json(user).into_response(),
        None => bouncer_error(
            StatusCode::BAD_REQUEST,
            &format!("User with uid `{uid}` not known."),
            "ERR_UNKNOWN_USER_ID",
        ),
    }
}

/// The token a request carries: `Authorization: token=…`, `Bearer …`, or
/// the `dcos-acs-auth-cookie` cookie, as Admin Router accepts.
pub(crate) fn request_token(headers: &HeaderMap) -> Option<&str> {
    if let Some(value) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let value = value.trim();
        if let Some(t) = value.strip_prefix("token=") {
            return Some(t.trim());
        }
        if let Some(t) = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
        {
            return Some(t.trim());
        }
        return None;
    }
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("dcos-acs-auth-cookie="))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys;

    fn iam() -> Iam {
        let iam = Iam::new(keys::iam_signer().unwrap(), Duration::from_secs(60), true);
        iam.add_user("alice", "secret", "Alice");
        iam
    }

    #[test]
    fn passwords_log_in_and_tokens_check() {
        let iam = iam();
        let token = iam
            .login(&json!({"uid": "alice", "password": "secret"}))
            .ok()
            .unwrap();
        assert_eq!(iam.check(Some(&token)), Ok("alice".to_owned()));
        assert!(matches!(
            iam.login(&json!({"uid": "alice", "password": "nope"})),
            Err(LoginError::InvalidCredentials)
        ));
        assert!(matches!(
            iam.login(&json!({"uid": "alice", "password": "secret", "token": "x"})),
            Err(LoginError::BadRequest(_))
        ));
        assert_eq!(iam.check(None), Err(TokenRefused::Missing));
    }

    #[test]
    fn expiring_every_token_revokes_old_ones_only() {
        let iam = iam();
        let old = iam.issue("alice").unwrap();
        iam.expire_all();
        assert_eq!(iam.check(Some(&old)), Err(TokenRefused::Revoked));
        let new = iam.issue("alice").unwrap();
        assert_eq!(iam.check(Some(&new)), Ok("alice".to_owned()));
    }

    #[test]
    fn a_zero_lifetime_gives_expired_tokens() {
        let iam = iam();
        iam.set_token_lifetime(Duration::ZERO);
        let t = iam.issue("alice").unwrap();
        assert_eq!(
            iam.check(Some(&t)),
            Err(TokenRefused::Invalid(JwtError::Expired))
        );
    }

    #[test]
    fn tokens_are_read_from_every_place_admin_router_reads() {
        let mut h = HeaderMap::new();
        assert_eq!(request_token(&h), None);
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=b; dcos-acs-auth-cookie=C"),
        );
        assert_eq!(request_token(&h), Some("C"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("token=T"));
        assert_eq!(request_token(&h), Some("T"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer B"));
        assert_eq!(request_token(&h), Some("B"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic x"));
        assert_eq!(request_token(&h), None);
    }
}
