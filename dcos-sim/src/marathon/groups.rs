//! `/v2/groups`: the group tree, create, update (with `dryRun` and
//! `scaleBy`), delete, and versions.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::app::{self, FieldError};
use super::apps::{Params, definition};
use super::deployment::steps_json;
use super::render::{self, Embed};
use super::reply::{self, Rejection};
use super::state::{Change, MarathonState};
use crate::sim::SimState;

fn no_group(id: &str) -> Response {
    reply::message(
        StatusCode::NOT_FOUND,
        format!("Group '{id}' does not exist"),
    )
}

/// `GET|POST|PUT|DELETE /v2/groups`: the root group.
pub(crate) async fn root(
    state: State<SimState>,
    method: Method,
    query: Params,
    body: Bytes,
) -> Response {
    dispatch(state, method, Path(String::new()), query, body).await
}

/// `/v2/groups/{id}` and `/v2/groups/{id}/versions`.
pub(crate) async fn dispatch(
    State(sim): State<SimState>,
    method: Method,
    Path(rest): Path<String>,
    Query(query): Params,
    body: Bytes,
) -> Response {
    let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    if method == Method::GET && segments.last() == Some(&"versions") {
        let id = app::canonical_id(&segments[..segments.len() - 1].join("/"), "/");
        let st = sim.marathon.lock();
        if !st.group_exists(&id) {
            return no_group(&id);
        }
        let versions: Vec<&String> = st.root_versions.iter().rev().collect();
        return reply::json(StatusCode::OK, &json!(versions));
    }
    let id = app::canonical_id(&segments.join("/"), "/");
    match method {
        Method::GET => {
            let embed = Embed::parse(
                reply::values(&query, "embed"),
                Embed {
                    counts: true,
                    deployments: true,
                    ..Embed::default()
                },
            );
            let st = sim.marathon.lock();
            if !st.group_exists(&id) {
                return no_group(&id);
            }
            reply::json(StatusCode::OK, &render::group(&st, &id, embed))
        }
        Method::POST => change(&sim, &id, &query, &body, true),
        Method::PUT => change(&sim, &id, &query, &body, false),
        Method::DELETE => delete(&sim, &id, &query),
        _ => reply::message(StatusCode::METHOD_NOT_ALLOWED, "HTTP method not allowed"),
    }
}

/// Reads a group body into app changes, recursively. `known` are the
/// groups it names, for creation.
fn collect(
    st: &MarathonState,
    body: &Value,
    group: &str,
    prefix: &str,
    changes: &mut Vec<Change>,
    known: &mut Vec<String>,
    errors: &mut Vec<FieldError>,
) -> Result<(), Rejection> {
    known.push(group.to_owned());
    if let Some(apps) = body.get("apps") {
        let Some(apps) = apps.as_array() else {
            return Err(Box::new(reply::bad_types(vec![(
                format!("{prefix}/apps"),
                "error.expected.jsarray".into(),
            )])));
        };
        let mut listed = Vec::new();
        for (i, item) in apps.iter().enumerate() {
            let path = format!("{prefix}/apps({i})");
            let raw = item.get("id").and_then(Value::as_str).unwrap_or_default();
            if raw.is_empty() {
                errors.push((format!("{path}/id"), "error.path.missing".into()));
                continue;
            }
            let id = app::canonical_id(raw, group);
            if !app::is_under(&id, group) || id == group {
                errors.push((
                    format!("{path}/id"),
                    format!("identifier {id} is not child of {group}. Hint: use relative paths."),
                ));
                continue;
            }
            let def = definition(item, &id, None, &path)?;
            listed.push(id.clone());
            changes.push(Change {
                id,
                def: Some(def),
                restart: false,
            });
        }
        // Apps of the group the body leaves out are removed.
        for existing in st.apps.keys().filter(|a| app::parent(a) == group) {
            if !listed.contains(existing) {
                changes.push(Change {
                    id: existing.clone(),
                    def: None,
                    restart: false,
                });
            }
        }
    }
    if let Some(groups) = body.get("groups") {
        let Some(groups) = groups.as_array() else {
            return Err(Box::new(reply::bad_types(vec![(
                format!("{prefix}/groups"),
                "error.expected.jsarray".into(),
            )])));
        };
        let mut listed = Vec::new();
        for (j, sub) in groups.iter().enumerate() {
            let path = format!("{prefix}/groups({j})");
            let raw = sub.get("id").and_then(Value::as_str).unwrap_or_default();
            let id = app::canonical_id(raw, group);
            if raw.is_empty() || !app::valid_id(raw) || !app::is_under(&id, group) || id == group {
                errors.push((
                    format!("{path}/id"),
                    format!("identifier {id} is not child of {group}. Hint: use relative paths."),
                ));
                continue;
            }
            listed.push(id.clone());
            collect(st, sub, &id, &path, changes, known, errors)?;
        }
        // Subgroups the body leaves out are removed with their apps.
        for existing in st
            .apps
            .keys()
            .filter(|a| app::parent(a) != group && app::is_under(a, group))
        {
            if !listed.iter().any(|g| app::is_under(existing, g))
                && !changes.iter().any(|c| &c.id == existing)
            {
                changes.push(Change {
                    id: existing.clone(),
                    def: None,
                    restart: false,
                });
            }
        }
    }
    Ok(())
}

fn change(
    sim: &SimState,
    path_id: &str,
    query: &[(String, String)],
    body: &[u8],
    create: bool,
) -> Response {
    let body = match reply::parse_body(body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    if !body.is_object() {
        return reply::bad_types(vec![(String::new(), "error.expected.jsobject".into())]);
    }
    let force = reply::flag(query, "force", false);
    let dry_run = reply::flag(query, "dryRun", false);
    let id = match body.get("id").and_then(Value::as_str) {
        Some(raw) if create => app::canonical_id(raw, path_id),
        _ => path_id.to_owned(),
    };
    let mut st = sim.marathon.lock();
    if create && id != "/" && st.group_exists(&id) {
        return reply::message(
            StatusCode::CONFLICT,
            format!("Group {id} is already created. Use PUT to change this group."),
        );
    }
    if create && st.apps.contains_key(&id) {
        return reply::message(
            StatusCode::CONFLICT,
            format!("An app with id [{id}] already exists."),
        );
    }
    let mut changes = Vec::new();
    let mut known = Vec::new();
    if let Some(factor) = body.get("scaleBy").and_then(Value::as_f64) {
        if !st.group_exists(&id) {
            return no_group(&id);
        }
        for (app_id, record) in st.apps.iter().filter(|(a, _)| app::is_under(a, &id)) {
            let mut def = record.def.clone();
            let instances = (app::instances(&def) as f64 * factor).ceil().max(0.0) as u64;
            if let Some(map) = def.as_object_mut() {
                map.insert("instances".into(), json!(instances));
                map.remove("version");
                map.remove("versionInfo");
            }
            changes.push(Change {
                id: app_id.clone(),
                def: Some(def),
                restart: false,
            });
        }
    } else {
        let mut errors = Vec::new();
        if let Err(r) = collect(&st, &body, &id, "", &mut changes, &mut known, &mut errors) {
            return *r;
        }
        if !errors.is_empty() {
            return reply::invalid(errors);
        }
    }
    if dry_run {
        let (steps, _) = st.plan(&changes);
        return reply::json(StatusCode::OK, &json!({ "steps": steps_json(&steps) }));
    }
    let result = st.deploy(changes, force);
    if let Ok((_, version)) = &result {
        for group in known {
            if group != "/" {
                st.groups.insert(group);
            }
        }
        st.publish(
            "group_change_success",
            json!({ "groupId": id, "version": version }),
        );
    }
    drop(st);
    sim.marathon.wake.notify_one();
    match result {
        Ok(r) => reply::deployment_result(
            if create {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            },
            r,
        ),
        Err(locked) => reply::locked(locked),
    }
}

fn delete(sim: &SimState, id: &str, query: &[(String, String)]) -> Response {
    let force = reply::flag(query, "force", false);
    let mut st = sim.marathon.lock();
    if !st.group_exists(id) {
        return no_group(id);
    }
    let changes: Vec<Change> = st
        .apps
        .keys()
        .filter(|a| app::is_under(a, id))
        .map(|a| Change {
            id: a.clone(),
            def: None,
            restart: false,
        })
        .collect();
    let result = st.deploy(changes, force);
    if result.is_ok() {
        st.groups.retain(|g| !app::is_under(g, id));
    }
    drop(st);
    sim.marathon.wake.notify_one();
    match result {
        Ok(r) => reply::deployment_result(StatusCode::OK, r),
        Err(locked) => reply::locked(locked),
    }
}
