//! Who is calling, web sessions and CSRF crumbs.
//!
//! Behind Admin Router the caller is the DC/OS user of the token (Admin
//! Router checked it). On the direct listener it is the Jenkins user of a
//! Basic header, with a password or an API token. API-token requests are
//! exempt from CSRF; every other POST needs the crumb of its session, whose
//! id travels in the `JSESSIONID.<hash>` cookie set by the crumb issuer.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use super::{JenkinsSim, USER};
use crate::iam;
use crate::sim::SimState;

/// Where a request arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mount {
    /// `/service/jenkins/` behind Admin Router.
    AdminRouter,
    /// The direct listener.
    Direct,
}

/// The authenticated caller.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The user id.
    pub(crate) user: String,
    /// Authenticated by an API token: no crumb needed.
    pub(crate) csrf_exempt: bool,
    /// The caller's valid session, from its cookie.
    pub(crate) session: Option<String>,
}

/// The crumb request field.
pub(crate) const CRUMB_FIELD: &str = "Jenkins-Crumb";

/// A Jetty error page, as Jenkins sends for `sendError`.
pub(crate) fn jetty_error(status: StatusCode, message: &str, uri: &str) -> Response {
    let body = format!(
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=utf-8\"/>\n\
         <title>Error {code} {message}</title>\n</head>\n<body><h2>HTTP ERROR {code} {message}</h2>\n\
         <table>\n<tr><th>URI:</th><td>{uri}</td></tr>\n<tr><th>STATUS:</th><td>{code}</td></tr>\n\
         <tr><th>MESSAGE:</th><td>{message}</td></tr>\n<tr><th>SERVLET:</th><td>Stapler</td></tr>\n\
         </table>\n<hr><a href=\"https://eclipse.org/jetty\">Powered by Jetty:// 9.4.43.v20210629</a><hr/>\n\n</body>\n</html>\n",
        code = status.as_u16(),
        message = super::config::escape(message),
        uri = super::config::escape(uri),
    );
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html;charset=utf-8"),
    );
    response
}

/// `401` for bad Basic credentials.
fn bad_credentials(user: &str, uri: &str) -> Response {
    let mut response = jetty_error(
        StatusCode::UNAUTHORIZED,
        &format!("Invalid password/token for user: {user}"),
        uri,
    );
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Basic realm=\"Jenkins\""),
    );
    response
}

/// `403` for anonymous callers: Overall/Read is needed.
fn authentication_required(uri: &str) -> Response {
    let mut response = jetty_error(StatusCode::FORBIDDEN, "Authentication required", uri);
    let h = response.headers_mut();
    h.insert(
        "X-You-Are-Authenticated-As",
        HeaderValue::from_static("anonymous"),
    );
    h.insert(
        "X-Required-Permission",
        HeaderValue::from_static("hudson.model.Hudson.Read"),
    );
    h.insert(
        "X-Permission-Implied-By",
        HeaderValue::from_static("hudson.model.Hudson.Administer"),
    );
    response
}

/// The `403` of a POST without a valid crumb.
pub(crate) fn no_valid_crumb(uri: &str) -> Response {
    jetty_error(
        StatusCode::FORBIDDEN,
        "No valid crumb was included in the request",
        uri,
    )
}

fn session_from(jenkins: &JenkinsSim, headers: &HeaderMap, user: &str) -> Option<String> {
    let prefix = format!("{}=", jenkins.cookie_name);
    let id = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(prefix.as_str()).map(str::to_owned))?;
    let state = jenkins.lock();
    (state.sessions.get(&id).map(String::as_str) == Some(user)).then_some(id)
}

/// Identifies the caller, or answers `401`/`403`.
pub(crate) fn identify(
    sim: &SimState,
    mount: Mount,
    headers: &HeaderMap,
    uri: &str,
) -> Result<Caller, Box<Response>> {
    let jenkins = &sim.jenkins;
    let (user, csrf_exempt) = match mount {
        Mount::AdminRouter => {
            let uid = sim
                .iam
                .check(iam::request_token(headers))
                .unwrap_or_else(|_| "anonymous".to_owned());
            (uid, false)
        }
        Mount::Direct => {
            let basic = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| {
                    v.strip_prefix("Basic ")
                        .or_else(|| v.strip_prefix("basic "))
                });
            let Some(basic) = basic else {
                return Err(Box::new(authentication_required(uri)));
            };
            let decoded = STANDARD
                .decode(basic.trim())
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .unwrap_or_default();
            let (user, secret) = decoded.split_once(':').unwrap_or((decoded.as_str(), ""));
            if user != USER {
                return Err(Box::new(bad_credentials(user, uri)));
            }
            if secret == jenkins.api_token {
                (user.to_owned(), true)
            } else if secret == jenkins.password {
                (user.to_owned(), false)
            } else {
                return Err(Box::new(bad_credentials(user, uri)));
            }
        }
    };
    let session = session_from(jenkins, headers, &user);
    Ok(Caller {
        user,
        csrf_exempt,
        session,
    })
}

/// The crumb of `user` in `session`: SHA-256 of the salt, the user and the
/// session id, in hex (as `DefaultCrumbIssuer` since Jenkins 2.186).
pub(crate) fn crumb(jenkins: &JenkinsSim, user: &str, session: &str) -> String {
    let input = format!("{}:{user}:{session}", jenkins.salt);
    let digest = ring::digest::digest(&ring::digest::SHA256, input.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a POST carries a valid crumb (header, query or form field).
pub(crate) fn crumb_ok(
    jenkins: &JenkinsSim,
    caller: &Caller,
    headers: &HeaderMap,
    fields: &[(String, String)],
) -> bool {
    if caller.csrf_exempt {
        return true;
    }
    let Some(session) = &caller.session else {
        return false;
    };
    let expected = crumb(jenkins, &caller.user, session);
    let sent = headers
        .get(CRUMB_FIELD)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| {
            fields
                .iter()
                .find(|(k, _)| k == CRUMB_FIELD)
                .map(|(_, v)| v.clone())
        });
    sent.as_deref() == Some(expected.as_str())
}

/// The caller's session, created (with its `Set-Cookie`) when it has none.
pub(crate) fn ensure_session(
    jenkins: &JenkinsSim,
    caller: &Caller,
    cookie_path: &str,
) -> (String, Option<HeaderValue>) {
    if let Some(id) = &caller.session {
        return (id.clone(), None);
    }
    let mut state = jenkins.lock();
    let id = format!("node0{}.node0", state.hex(24));
    state.sessions.insert(id.clone(), caller.user.clone());
    let cookie = format!("{}={id}; Path={cookie_path}; HttpOnly", jenkins.cookie_name);
    (id, HeaderValue::from_str(&cookie).ok())
}
