//! Turning credentials into an `Authorization` header, logging in when needed.

use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::StatusCode;
use reqwest::header::HeaderValue;
use serde::Deserialize;
use url::Url;

use crate::core::Shared;
use crate::credentials::Credentials;
use crate::error::{AuthError, Error, ErrorBody};
use crate::jwt::TokenClaims;
use crate::request::Request;
use crate::secret::Secret;
use crate::token::{CachedToken, TokenCache};

/// The header to send and the token generation it carries.
pub(crate) struct AuthHeader {
    pub(crate) value: HeaderValue,
    /// `Some` when a refresh can replace this token after a 401.
    pub(crate) generation: Option<u64>,
}

/// What the credentials give without fetching a token.
enum Fixed {
    /// No credentials.
    Nothing,
    /// The header value.
    Value(String),
    /// A token must come from the cache or a login.
    Refreshable,
}

/// Credentials plus the token cache of one cluster.
#[derive(Debug)]
pub(crate) struct Authenticator {
    credentials: Credentials,
    login_url: Url,
    cache: TokenCache,
}

impl Authenticator {
    pub(crate) fn new(credentials: Credentials, login_url: Url, seed: Option<Secret>) -> Self {
        Authenticator {
            credentials,
            login_url,
            cache: TokenCache::seeded(seed),
        }
    }

    pub(crate) fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    pub(crate) fn login_url(&self) -> &Url {
        &self.login_url
    }

    /// The header for the next request, logging in first if the cached token is
    /// missing or within 30 s of its expiry.
    pub(crate) async fn header(&self, shared: &Arc<Shared>) -> Result<Option<AuthHeader>, Error> {
        let (value, generation) = match self.fixed_value()? {
            Fixed::Nothing => return Ok(None),
            Fixed::Value(value) => (value, None),
            Fixed::Refreshable => {
                let cached = self.token(shared).await?;
                (
                    format!("token={}", cached.token.expose()),
                    Some(cached.generation),
                )
            }
        };
        let value = self.header_value(value)?;
        Ok(Some(AuthHeader { value, generation }))
    }

    /// The header as the credentials stand, without logging in: for the health
    /// probe. `None` when there are no credentials, when they are unusable, or
    /// when a refreshable credential has no unexpired token yet.
    pub(crate) fn header_without_login(&self) -> Option<HeaderValue> {
        let value = match self.fixed_value().ok()? {
            Fixed::Nothing => return None,
            Fixed::Value(value) => value,
            Fixed::Refreshable => format!("token={}", self.cache.current()?.token.expose()),
        };
        self.header_value(value).ok()
    }

    /// The header value of credentials that need no token fetch.
    fn fixed_value(&self) -> Result<Fixed, Error> {
        Ok(match &self.credentials {
            Credentials::None => Fixed::Nothing,
            Credentials::Basic { username, password } => {
                let raw = format!("{username}:{}", password.expose());
                Fixed::Value(format!("Basic {}", STANDARD.encode(raw)))
            }
            Credentials::Token(token) => {
                let claims = TokenClaims::decode_unverified(token.expose());
                if let Some(exp) = claims.exp.filter(|exp| *exp <= SystemTime::now()) {
                    return Err(AuthError::TokenExpired { expired_at: exp }.into());
                }
                Fixed::Value(format!("token={}", token.expose()))
            }
            _ => Fixed::Refreshable,
        })
    }

    fn header_value(&self, value: String) -> Result<HeaderValue, Error> {
        let mut value = HeaderValue::try_from(value).map_err(|_| {
            Error::from(AuthError::InvalidCredential {
                reason: format!(
                    "the {} credentials hold characters not allowed in an HTTP header \
                     (a line break or control character, such as a trailing newline \
                     from a file)",
                    self.credentials.kind()
                ),
            })
        })?;
        value.set_sensitive(true);
        Ok(value)
    }

    /// The current token, fetched if needed. Only for refreshable credentials.
    pub(crate) async fn token(&self, shared: &Arc<Shared>) -> Result<Arc<CachedToken>, Error> {
        let shared = shared.clone();
        self.cache
            .get(move || async move { shared.auth.fetch(&shared).await })
            .await
    }

    /// What the credentials' current token says, logging in if needed; `None`
    /// for credentials that use no token.
    pub(crate) async fn claims(&self, shared: &Arc<Shared>) -> Result<Option<TokenClaims>, Error> {
        match &self.credentials {
            Credentials::None | Credentials::Basic { .. } => Ok(None),
            Credentials::Token(t) => Ok(Some(TokenClaims::decode_unverified(t.expose()))),
            _ => Ok(Some(self.token(shared).await?.claims.clone())),
        }
    }

    /// Forgets the token of `generation` after a 401.
    pub(crate) fn invalidate(&self, generation: u64) {
        self.cache.invalidate(generation);
    }

    async fn fetch(&self, shared: &Arc<Shared>) -> Result<Secret, Error> {
        let body = match &self.credentials {
            Credentials::Login { uid, password } => {
                serde_json::json!({ "uid": uid, "password": password.expose() })
            }
            Credentials::ServiceAccount(sa) => {
                let token = sa.sign_login_token(SystemTime::now())?;
                serde_json::json!({ "uid": sa.uid(), "token": token })
            }
            Credentials::Custom(source) => return Ok(source.fetch_token().await?),
            // Only refreshable credentials reach here.
            other => {
                return Err(AuthError::InvalidCredential {
                    reason: format!("`{}` credentials do not log in", other.kind()),
                }
                .into());
            }
        };
        tracing::debug!(url = %self.login_url, kind = self.credentials.kind(), "logging in");
        // Logging in changes nothing on the server, so it may be retried.
        let request = Request::post(Vec::<String>::new())
            .json(&body)?
            .idempotent(true)
            .credential_body();
        let response = shared
            .send_unauthenticated(&self.login_url, &request)
            .await?;
        login_result(response.status, &response.body, &self.login_url)
    }
}

#[derive(Deserialize)]
struct LoginResponse {
    #[serde(default)]
    token: Option<String>,
}

/// Reads a login response: the token from the body (not the cookie), or a typed
/// error decided by the status, since Admin Router's own 401s are HTML.
fn login_result(status: StatusCode, body: &[u8], url: &Url) -> Result<Secret, Error> {
    if status.is_success() {
        let token = serde_json::from_slice::<LoginResponse>(body)
            .ok()
            .and_then(|r| r.token)
            .map(|t| t.trim().to_owned())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| AuthError::MissingToken {
                url: Box::new(url.clone()),
            })?;
        return Ok(Secret::new(token));
    }
    let body = ErrorBody::from_bytes(body);
    let code = body.json_str("code").map(str::to_owned);
    let description = body
        .json_str("description")
        .or_else(|| body.json_str("title"))
        .map(str::to_owned);
    Err(if status == StatusCode::UNAUTHORIZED {
        AuthError::InvalidCredentials { code, description }
    } else {
        AuthError::LoginFailed {
            status,
            code,
            description,
        }
    }
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url() -> Url {
        Url::parse("https://dcos.example.com/acs/api/v1/auth/login").unwrap()
    }

    #[test]
    fn token_is_read_from_the_body() {
        let t = login_result(StatusCode::OK, br#"{"token":"abc"}"#, &url()).unwrap();
        assert_eq!(t.expose(), "abc");
        for body in [&b"{}"[..], b"", b"<html>", br#"{"token":""}"#] {
            assert!(matches!(
                login_result(StatusCode::OK, body, &url()),
                Err(Error::Auth(AuthError::MissingToken { .. }))
            ));
        }
    }

    #[test]
    fn a_401_is_invalid_credentials_whatever_the_body() {
        let e = login_result(
            StatusCode::UNAUTHORIZED,
            br#"{"title": "401 Unauthorized", "description": "Invalid credentials.", "code": "ERR_INVALID_CREDENTIALS"}"#,
            &url(),
        )
        .unwrap_err();
        match e {
            Error::Auth(AuthError::InvalidCredentials { code, description }) => {
                assert_eq!(code.as_deref(), Some("ERR_INVALID_CREDENTIALS"));
                assert_eq!(description.as_deref(), Some("Invalid credentials."));
            }
            other => panic!("{other:?}"),
        }
        let html = login_result(StatusCode::UNAUTHORIZED, b"<html>401</html>", &url()).unwrap_err();
        assert!(matches!(
            html,
            Error::Auth(AuthError::InvalidCredentials {
                code: None,
                description: None
            })
        ));
    }

    #[test]
    fn the_dcos_1_8_jwt_parsing_failure_is_a_login_failure() {
        let e = login_result(
            StatusCode::BAD_REQUEST,
            br#"{"title": "Bad Request", "description": "JWT parsing failed"}"#,
            &url(),
        )
        .unwrap_err();
        assert_eq!(e.status(), Some(StatusCode::BAD_REQUEST));
        assert_eq!(
            e.to_string(),
            "login failed with 400 Bad Request: JWT parsing failed"
        );
    }
}
