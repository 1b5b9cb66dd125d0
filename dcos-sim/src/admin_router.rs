//! The simulated Admin Router: the routes of every simulated service under
//! one origin, token checks, and the fault middleware.

use axum::Router;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json};
use serde_json::json;

use crate::sim::SimState;
use crate::{iam, jenkins, marathon, mesos};

/// Which listener a request arrived on: `0` is the cluster URL, `1` the
/// second Mesos master address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Listener(pub(crate) usize);

/// The DC/OS version the simulator reports.
pub const DCOS_VERSION: &str = "1.13.0";

/// Paths Admin Router serves without a token.
fn is_public(path: &str) -> bool {
    path == iam::LOGIN_PATH || path == "/dcos-metadata/dcos-version.json" || path == "/"
}

/// The whole cluster's routes, as served on listener `listener`.
///
/// Each simulated service is one nested router. Marathon goes under
/// `/service/marathon` and Jenkins under `/service/jenkins`, nested here
/// next to `/mesos` when they exist.
pub(crate) fn router(sim: SimState, listener: usize) -> Router {
    Router::new()
        .route(iam::LOGIN_PATH, post(iam::login))
        .route("/acs/api/v1/users", get(iam::list_users))
        .route("/acs/api/v1/users/{uid}", get(iam::get_user))
        .route("/dcos-metadata/dcos-version.json", get(dcos_version))
        .route("/", get(ui))
        .nest("/mesos", mesos::router(sim.clone()))
        .nest("/service/marathon", marathon::router(sim.clone()))
        // Later services nest here, one router each:
        .nest("/service/jenkins", jenkins::admin_router_routes())
        .fallback(not_found)
        .layer(from_fn_with_state(sim.clone(), authenticate))
        .layer(from_fn_with_state(sim.clone(), inject_faults))
        .layer(Extension(Listener(listener)))
        .with_state(sim)
}

/// `GET /dcos-metadata/dcos-version.json`.
async fn dcos_version() -> Json<serde_json::Value> {
    Json(json!({
        "version": DCOS_VERSION,
        "dcos-variant": "enterprise",
        "dcos-image-commit": "dcos-sim",
        "bootstrap-id": "dcos-sim",
    }))
}

/// `GET /`: where the DC/OS UI would be (public, as the UI's static files
/// are); a master's `/master/redirect` points here too.
async fn ui() -> Response {
    let mut response = (
        StatusCode::OK,
        "<html><head><title>dcos-sim</title></head><body>A simulated DC/OS cluster.</body></html>\n",
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// An nginx-style HTML error page.
pub(crate) fn html_error(status: StatusCode) -> Response {
    let line = format!(
        "{} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default()
    );
    let body = format!(
        "<html>\r\n<head><title>{line}</title></head>\r\n<body>\r\n\
         <center><h1>{line}</h1></center>\r\n<hr><center>openresty</center>\r\n\
         </body>\r\n</html>\r\n"
    );
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

/// Admin Router's `401`: `WWW-Authenticate: acsjwt` and an HTML body.
pub(crate) fn unauthorized() -> Response {
    let mut response = html_error(StatusCode::UNAUTHORIZED);
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("acsjwt"));
    response
}

async fn not_found() -> Response {
    html_error(StatusCode::NOT_FOUND)
}

/// Requires a valid token on every route but the public ones.
async fn authenticate(State(sim): State<SimState>, request: Request, next: Next) -> Response {
    if !sim.iam.enabled() || is_public(request.uri().path()) {
        return next.run(request).await;
    }
    match sim.iam.check(iam::request_token(request.headers())) {
        Ok(_) => next.run(request).await,
        Err(_) => unauthorized(),
    }
}

/// Slow responses and bursts of `503`.
async fn inject_faults(State(sim): State<SimState>, request: Request, next: Next) -> Response {
    let latency = sim.faults.latency();
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    if sim.faults.take_unavailable(request.uri().path()) {
        return html_error(StatusCode::SERVICE_UNAVAILABLE);
    }
    next.run(request).await
}
