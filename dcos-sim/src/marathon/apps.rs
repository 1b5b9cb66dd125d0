//! `/v2/apps`: list, create, read, update (PUT, PATCH), delete, restart,
//! versions and the tasks of an app.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::app;
use super::render::{self, Embed};
use super::reply::{self, Rejection};
use super::state::{Change, MarathonState};
use super::tasks;
use crate::sim::SimState;

/// The query string, repeated keys kept.
pub(crate) type Params = Query<Vec<(String, String)>>;

/// `404` for an app.
pub(crate) fn no_app(id: &str) -> Response {
    reply::message(StatusCode::NOT_FOUND, format!("App '{id}' does not exist"))
}

/// Builds the full definition of app `id` from a request body, on top of
/// `base` for a partial update: `400` for wrong types, `422` for invalid
/// values.
pub(crate) fn definition(
    body: &Value,
    id: &str,
    base: Option<&Value>,
    prefix: &str,
) -> Result<Value, Rejection> {
    let Some(fields) = body.as_object() else {
        return Err(Box::new(reply::bad_types(vec![(
            prefix.to_owned(),
            "error.expected.jsobject".to_owned(),
        )])));
    };
    let errors = app::type_errors(fields, prefix);
    if !errors.is_empty() {
        return Err(Box::new(reply::bad_types(errors)));
    }
    let mut merged: Map<String, Value> =
        base.and_then(Value::as_object).cloned().unwrap_or_default();
    for key in ["version", "versionInfo"] {
        merged.remove(key);
    }
    for (key, value) in fields {
        if key != "version" && key != "versionInfo" {
            merged.insert(key.clone(), value.clone());
        }
    }
    merged.insert("id".into(), json!(id));
    let merged = app::with_defaults(merged);
    let errors = app::validate(&merged, prefix);
    if !errors.is_empty() {
        return Err(Box::new(reply::invalid(errors)));
    }
    Ok(Value::Object(merged))
}

/// Publishes `api_post_event` for a changed definition.
pub(crate) fn api_post(st: &MarathonState, uri: &str, def: &Value) {
    st.publish(
        "api_post_event",
        json!({ "clientIp": "127.0.0.1", "uri": uri, "appDefinition": def }),
    );
}

/// `GET /v2/apps`.
pub(crate) async fn list(State(sim): State<SimState>, Query(query): Params) -> Response {
    let embed = Embed::parse(
        reply::values(&query, "embed"),
        Embed {
            counts: true,
            deployments: true,
            ..Embed::default()
        },
    );
    let id_filter = reply::values(&query, "id").next().map(str::to_owned);
    let cmd_filter = reply::values(&query, "cmd").next().map(str::to_owned);
    let label_filter = reply::values(&query, "label").next().map(str::to_owned);
    let st = sim.marathon.lock();
    let apps: Vec<Value> = st
        .apps
        .iter()
        .filter(|(_, r)| !r.removing)
        .filter(|(id, _)| id_filter.as_deref().is_none_or(|f| id.contains(f)))
        .filter(|(_, r)| {
            cmd_filter.as_deref().is_none_or(|f| {
                r.def
                    .get("cmd")
                    .and_then(Value::as_str)
                    .is_some_and(|c| c.contains(f))
            })
        })
        .filter(|(_, r)| {
            label_filter
                .as_deref()
                .is_none_or(|f| labels_match(&r.def, f))
        })
        .map(|(id, r)| render::app(&st, id, r, embed))
        .collect();
    reply::json(StatusCode::OK, &json!({ "apps": apps }))
}

/// A label selector: `key`, `key==value`, `key!=value`, comma-separated,
/// all of which must hold.
fn labels_match(def: &Value, selector: &str) -> bool {
    let labels = def.get("labels");
    let label = |k: &str| labels.and_then(|l| l.get(k.trim())).and_then(Value::as_str);
    selector.split(',').all(|term| {
        if let Some((k, v)) = term.split_once("!=") {
            label(k) != Some(v.trim())
        } else if let Some((k, v)) = term.split_once("==") {
            label(k) == Some(v.trim())
        } else {
            label(term).is_some()
        }
    })
}

/// `POST /v2/apps`: `201` with the app, `Location` and the header.
pub(crate) async fn create(
    State(sim): State<SimState>,
    Query(query): Params,
    body: Bytes,
) -> Response {
    let body = match reply::parse_body(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let raw_id = body.get("id").and_then(Value::as_str).unwrap_or_default();
    if raw_id.is_empty() {
        return reply::invalid(vec![("/id".into(), "error.path.missing".into())]);
    }
    let id = app::canonical_id(raw_id, "/");
    let def = match definition(&body, &id, None, "") {
        Ok(d) => d,
        Err(r) => return *r,
    };
    let force = reply::flag(&query, "force", false);
    let mut st = sim.marathon.lock();
    if st.apps.contains_key(&id) {
        return reply::message(
            StatusCode::CONFLICT,
            format!("An app with id [{id}] already exists."),
        );
    }
    if st.group_exists(&id) {
        return reply::message(
            StatusCode::CONFLICT,
            format!("A group with id [{id}] already exists."),
        );
    }
    let change = Change {
        id: id.clone(),
        def: Some(def),
        restart: false,
    };
    let (deployment, _) = match st.deploy(vec![change], force) {
        Ok(d) => d,
        Err(locked) => return reply::locked(locked),
    };
    let Some(record) = st.apps.get(&id) else {
        return reply::message(StatusCode::INTERNAL_SERVER_ERROR, "app vanished");
    };
    api_post(&st, "/v2/apps", &record.def);
    let body = render::app(
        &st,
        &id,
        record,
        Embed {
            counts: true,
            deployments: true,
            tasks: true,
            ..Embed::default()
        },
    );
    drop(st);
    sim.marathon.wake.notify_one();
    let mut response = reply::deployed(StatusCode::CREATED, &body, &deployment);
    if let Ok(location) = HeaderValue::from_str(&format!("{}/v2/apps{id}", sim.origin(0))) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// `PATCH /v2/apps`: bulk partial updates, one deployment.
pub(crate) async fn patch_many(
    State(sim): State<SimState>,
    Query(mut query): Params,
    body: Bytes,
) -> Response {
    query.retain(|(k, _)| k != "partialUpdate");
    query.push(("partialUpdate".into(), "true".into()));
    put_many(State(sim), Query(query), body).await
}

/// `PUT /v2/apps` (bulk create or update, one deployment).
pub(crate) async fn put_many(
    State(sim): State<SimState>,
    Query(query): Params,
    body: Bytes,
) -> Response {
    let body = match reply::parse_body(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let Some(items) = body.as_array() else {
        return reply::bad_types(vec![(String::new(), "error.expected.jsarray".into())]);
    };
    let force = reply::flag(&query, "force", false);
    let partial = reply::flag(&query, "partialUpdate", true);
    let mut st = sim.marathon.lock();
    let mut changes = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let raw_id = item.get("id").and_then(Value::as_str).unwrap_or_default();
        if raw_id.is_empty() {
            return reply::invalid(vec![(format!("({i})/id"), "error.path.missing".into())]);
        }
        let id = app::canonical_id(raw_id, "/");
        let base = st.apps.get(&id).map(|r| r.def.clone()).filter(|_| partial);
        match definition(item, &id, base.as_ref(), &format!("({i})")) {
            Ok(def) => changes.push(Change {
                id,
                def: Some(def),
                restart: false,
            }),
            Err(r) => return *r,
        }
    }
    let result = st.deploy(changes, force);
    drop(st);
    sim.marathon.wake.notify_one();
    match result {
        Ok(r) => reply::deployment_result(StatusCode::OK, r),
        Err(locked) => reply::locked(locked),
    }
}

/// Everything under `/v2/apps/…`: the app id, then an optional suffix.
pub(crate) async fn dispatch(
    State(sim): State<SimState>,
    method: Method,
    Path(rest): Path<String>,
    Query(query): Params,
    body: Bytes,
) -> Response {
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let n = segments.len();
    let id_of = |k: usize| app::canonical_id(&segments[..k].join("/"), "/");
    let response = match (method.clone(), segments.as_slice()) {
        (Method::GET, [.., "*"]) => Some(in_group(&sim, &id_of(n - 1))),
        (Method::POST, [_, .., "restart"]) => Some(restart(&sim, &id_of(n - 1), &query)),
        (Method::GET, [_, .., "versions"]) => Some(versions(&sim, &id_of(n - 1))),
        (Method::GET, [_, .., "versions", v]) => Some(version(&sim, &id_of(n - 2), v)),
        (Method::GET, [_, .., "tasks"]) => Some(tasks::of_app(&sim, &id_of(n - 1))),
        (Method::DELETE, [_, .., "tasks"]) => {
            Some(tasks::kill_app_tasks(&sim, &id_of(n - 1), None, &query))
        }
        (Method::DELETE, [_, .., "tasks", task]) => Some(tasks::kill_app_tasks(
            &sim,
            &id_of(n - 2),
            Some(task),
            &query,
        )),
        _ => None,
    };
    if let Some(response) = response {
        return response;
    }
    if n == 0 {
        return reply::message(StatusCode::NOT_FOUND, "URI not found");
    }
    let id = id_of(n);
    match method {
        Method::GET => get(&sim, &id, &query),
        Method::PUT => update(&sim, &id, &query, &body, false),
        Method::PATCH => update(&sim, &id, &query, &body, true),
        Method::DELETE => delete(&sim, &id, &query),
        _ => reply::message(StatusCode::METHOD_NOT_ALLOWED, "HTTP method not allowed"),
    }
}

fn get(sim: &SimState, id: &str, query: &[(String, String)]) -> Response {
    let embed = Embed::parse(
        reply::values(query, "embed"),
        Embed {
            counts: true,
            deployments: true,
            tasks: true,
            last_task_failure: true,
            ..Embed::default()
        },
    );
    let st = sim.marathon.lock();
    match st.apps.get(id).filter(|r| !r.removing) {
        Some(record) => reply::json(
            StatusCode::OK,
            &json!({ "app": render::app(&st, id, record, embed) }),
        ),
        None => no_app(id),
    }
}

fn in_group(sim: &SimState, group: &str) -> Response {
    let st = sim.marathon.lock();
    let embed = Embed {
        counts: true,
        deployments: true,
        ..Embed::default()
    };
    let apps: Vec<Value> = st
        .apps
        .iter()
        .filter(|(id, r)| app::is_under(id, group) && *id != group && !r.removing)
        .map(|(id, r)| render::app(&st, id, r, embed))
        .collect();
    reply::json(StatusCode::OK, &json!({ "*": apps }))
}

fn update(
    sim: &SimState,
    id: &str,
    query: &[(String, String)],
    body: &[u8],
    patch: bool,
) -> Response {
    let body = match reply::parse_body(body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let force = reply::flag(query, "force", false);
    let partial = patch || reply::flag(query, "partialUpdate", true);
    let mut st = sim.marathon.lock();
    let existing = st.apps.get(id).map(|r| r.def.clone());
    if patch && existing.is_none() {
        return no_app(id);
    }
    let def = if let Some(version) = body.get("version").and_then(Value::as_str) {
        // A rollback: the definition at that version.
        match st.app_version(id, version) {
            Some(def) => {
                let mut def = def.clone();
                if let Some(map) = def.as_object_mut() {
                    map.remove("version");
                    map.remove("versionInfo");
                }
                def
            }
            None => {
                return reply::message(
                    StatusCode::NOT_FOUND,
                    format!("App '{id}' does not exist in version {version}"),
                );
            }
        }
    } else {
        let base = existing.as_ref().filter(|_| partial);
        match definition(&body, id, base, "") {
            Ok(d) => d,
            Err(r) => return *r,
        }
    };
    let created = existing.is_none();
    let change = Change {
        id: id.to_owned(),
        def: Some(def),
        restart: false,
    };
    let result = st.deploy(vec![change], force);
    if result.is_ok() {
        if let Some(record) = st.apps.get(id) {
            api_post(&st, &format!("/v2/apps{id}"), &record.def);
        }
    }
    drop(st);
    sim.marathon.wake.notify_one();
    match result {
        Ok(r) => {
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            let mut response = reply::deployment_result(status, r);
            if created {
                if let Ok(location) =
                    HeaderValue::from_str(&format!("{}/v2/apps{id}", sim.origin(0)))
                {
                    response.headers_mut().insert(header::LOCATION, location);
                }
            }
            response
        }
        Err(locked) => reply::locked(locked),
    }
}

fn delete(sim: &SimState, id: &str, query: &[(String, String)]) -> Response {
    // Marathon's own default for `force` on DELETE is true.
    let force = reply::flag(query, "force", true);
    let mut st = sim.marathon.lock();
    if !st.apps.contains_key(id) {
        return no_app(id);
    }
    let result = st.deploy(
        vec![Change {
            id: id.to_owned(),
            def: None,
            restart: false,
        }],
        force,
    );
    drop(st);
    sim.marathon.wake.notify_one();
    match result {
        Ok(r) => reply::deployment_result(StatusCode::OK, r),
        Err(locked) => reply::locked(locked),
    }
}

fn restart(sim: &SimState, id: &str, query: &[(String, String)]) -> Response {
    let force = reply::flag(query, "force", false);
    let mut st = sim.marathon.lock();
    let Some(def) = st.apps.get(id).map(|r| r.def.clone()) else {
        return no_app(id);
    };
    let result = st.deploy(
        vec![Change {
            id: id.to_owned(),
            def: Some(def),
            restart: true,
        }],
        force,
    );
    drop(st);
    sim.marathon.wake.notify_one();
    match result {
        Ok(r) => reply::deployment_result(StatusCode::OK, r),
        Err(locked) => reply::locked(locked),
    }
}

fn versions(sim: &SimState, id: &str) -> Response {
    let st = sim.marathon.lock();
    match st.apps.get(id) {
        Some(record) => {
            let versions: Vec<&str> = record
                .versions
                .iter()
                .rev()
                .map(|(v, _)| v.as_str())
                .collect();
            reply::json(StatusCode::OK, &json!({ "versions": versions }))
        }
        None => no_app(id),
    }
}

fn version(sim: &SimState, id: &str, version: &str) -> Response {
    let st = sim.marathon.lock();
    if !st.apps.contains_key(id) {
        return no_app(id);
    }
    match st.app_version(id, version) {
        Some(def) => reply::json(StatusCode::OK, def),
        None => reply::message(
            StatusCode::NOT_FOUND,
            format!("App '{id}' does not exist in version {version}"),
        ),
    }
}
