//! Marathon's answers: JSON bodies, its error shapes, and the
//! `Marathon-Deployment-Id` header.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::app::FieldError;
use super::state::Locked;

/// The header set on every change that starts a deployment.
pub(crate) const DEPLOYMENT_ID_HEADER: &str = "Marathon-Deployment-Id";

/// A refused request, as its response (boxed: responses are large).
pub(crate) type Rejection = Box<Response>;

/// `status` with a JSON body.
pub(crate) fn json(status: StatusCode, body: &Value) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `{"message": …}`.
pub(crate) fn message(status: StatusCode, message: impl Into<String>) -> Response {
    json(status, &json!({ "message": message.into() }))
}

/// A change's answer: the body and the `Marathon-Deployment-Id` header.
pub(crate) fn deployed(status: StatusCode, body: &Value, deployment_id: &str) -> Response {
    let mut response = json(status, body);
    if let Ok(value) = HeaderValue::from_str(deployment_id) {
        response.headers_mut().insert(DEPLOYMENT_ID_HEADER, value);
    }
    response
}

/// `{"deploymentId", "version"}` with the header.
pub(crate) fn deployment_result(status: StatusCode, (id, version): (String, String)) -> Response {
    deployed(
        status,
        &json!({ "deploymentId": id, "version": version }),
        &id,
    )
}

/// `409` locked by deployments.
pub(crate) fn locked(Locked(ids): Locked) -> Response {
    let deployments: Vec<Value> = ids.iter().map(|id| json!({ "id": id })).collect();
    json(
        StatusCode::CONFLICT,
        &json!({
            "message": "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
            "deployments": deployments,
        }),
    )
}

fn details(errors: Vec<FieldError>) -> Value {
    let mut grouped: Vec<(String, Vec<String>)> = Vec::new();
    for (path, error) in errors {
        match grouped.iter_mut().find(|(p, _)| *p == path) {
            Some((_, list)) => list.push(error),
            None => grouped.push((path, vec![error])),
        }
    }
    Value::Array(
        grouped
            .into_iter()
            .map(|(path, errors)| json!({ "path": path, "errors": errors }))
            .collect(),
    )
}

/// `422 Object is not valid` with `details`.
pub(crate) fn invalid(errors: Vec<FieldError>) -> Response {
    json(
        StatusCode::UNPROCESSABLE_ENTITY,
        &json!({ "message": "Object is not valid", "details": details(errors) }),
    )
}

/// `400 Invalid JSON` with `details` per field.
pub(crate) fn bad_types(errors: Vec<FieldError>) -> Response {
    json(
        StatusCode::BAD_REQUEST,
        &json!({ "message": "Invalid JSON", "details": details(errors) }),
    )
}

/// Parses a JSON body: `400 Invalid JSON` with the parser's message as a
/// string `details` when it does not parse.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, Rejection> {
    serde_json::from_slice(body).map_err(|e| {
        Box::new(json(
            StatusCode::BAD_REQUEST,
            &json!({ "message": "Invalid JSON", "details": e.to_string() }),
        ))
    })
}

/// A Jetty HTML error page, as Marathon's servlet layer sends.
pub(crate) fn jetty_error(status: StatusCode, path: &str, reason: &str) -> Response {
    let code = status.as_u16();
    let body = format!(
        "<html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html;charset=ISO-8859-1\"/>\n\
         <title>Error {code} {reason}</title>\n</head>\n<body><h2>HTTP ERROR {code}</h2>\n\
         <p>Problem accessing {path}. Reason:\n<pre>    {reason}</pre></p>\n</body>\n</html>\n"
    );
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html;charset=iso-8859-1"),
    );
    response
}

/// Reads a boolean query flag (`true`/`false`), `default` when absent.
pub(crate) fn flag(query: &[(String, String)], name: &str, default: bool) -> bool {
    query
        .iter()
        .rev()
        .find(|(k, _)| k == name)
        .map_or(default, |(_, v)| {
            v.eq_ignore_ascii_case("true") || v.is_empty()
        })
}

/// Every value of a repeated query parameter.
pub(crate) fn values<'a>(
    query: &'a [(String, String)],
    name: &'a str,
) -> impl Iterator<Item = &'a str> {
    query
        .iter()
        .filter(move |(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}
