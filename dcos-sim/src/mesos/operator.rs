//! The v1 operator API, `POST /mesos/api/v1`: the GET_* calls, TEARDOWN,
//! and SUBSCRIBE (a RecordIO event stream).

use std::sync::Arc;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::render::{self, MESOS_VERSION};
use super::{Framing, check_media_types, json, parse_call, text};
use crate::admin_router::Listener;
use crate::sim::SimState;
use crate::stream::{EventStream, Source, recordio};

/// Operator calls of `master.proto` that the simulator does not simulate:
/// they answer `501` naming the call, rather than pretending.
const NOT_SIMULATED: [&str; 26] = [
    "GET_METRICS",
    "GET_LOGGING_LEVEL",
    "SET_LOGGING_LEVEL",
    "LIST_FILES",
    "READ_FILE",
    "GET_ROLES",
    "GET_WEIGHTS",
    "UPDATE_WEIGHTS",
    "GET_OPERATIONS",
    "RESERVE_RESOURCES",
    "UNRESERVE_RESOURCES",
    "CREATE_VOLUMES",
    "DESTROY_VOLUMES",
    "GROW_VOLUME",
    "SHRINK_VOLUME",
    "GET_MAINTENANCE_STATUS",
    "GET_MAINTENANCE_SCHEDULE",
    "UPDATE_MAINTENANCE_SCHEDULE",
    "START_MAINTENANCE",
    "STOP_MAINTENANCE",
    "DRAIN_AGENT",
    "DEACTIVATE_AGENT",
    "REACTIVATE_AGENT",
    "GET_QUOTA",
    "UPDATE_QUOTA",
    "MARK_AGENT_GONE",
];

/// `POST /mesos/api/v1`.
pub(crate) async fn call(
    State(sim): State<SimState>,
    Extension(Listener(listener)): Extension<Listener>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let framing = match check_media_types(&headers) {
        Ok(framing) => framing,
        Err(rejection) => return rejection.into_response(),
    };
    let (call, kind) = match parse_call(&body, "master") {
        Ok(parsed) => parsed,
        Err(rejection) => return rejection.into_response(),
    };
    if kind != "SUBSCRIBE" {
        if let Err(rejection) = framing.require_json() {
            return rejection.into_response();
        }
    }
    let reply = |field: &str, value: Value| {
        let mut body = json!({ "type": kind });
        if let Some(map) = body.as_object_mut() {
            map.insert(field.to_owned(), value);
        }
        json(&body)
    };
    match kind.as_str() {
        "GET_HEALTH" => reply("get_health", json!({ "healthy": true })),
        "GET_FLAGS" => {
            let flags: Vec<Value> = super::flags::flags(&sim, &sim.authority(listener))
                .into_iter()
                .map(|(name, value)| json!({ "name": name, "value": value }))
                .collect();
            reply("get_flags", json!({ "flags": flags }))
        }
        "GET_VERSION" => reply(
            "get_version",
            json!({ "version_info": {
                "version": MESOS_VERSION,
                "build_date": "2019-01-01 00:00:00",
                "build_time": 1_546_300_800.0,
                "build_user": "dcos-sim",
            }}),
        ),
        "GET_MASTER" => {
            let master_id = sim.mesos.lock().master_id.clone();
            reply(
                "get_master",
                json!({
                    "master_info": render::master_info(&master_id, &sim.authority(listener)),
                    "start_time": sim.mesos.start_time,
                    "elected_time": sim.mesos.start_time,
                }),
            )
        }
        "GET_STATE" => reply("get_state", render::get_state(&sim.mesos.lock())),
        "GET_AGENTS" => reply("get_agents", render::get_agents(&sim.mesos.lock())),
        "GET_FRAMEWORKS" => reply("get_frameworks", render::get_frameworks(&sim.mesos.lock())),
        "GET_TASKS" => reply("get_tasks", render::get_tasks(&sim.mesos.lock())),
        "GET_EXECUTORS" => reply("get_executors", render::get_executors(&sim.mesos.lock())),
        "TEARDOWN" => {
            let Some(id) = call
                .pointer("/teardown/framework_id/value")
                .and_then(Value::as_str)
            else {
                return text(
                    StatusCode::BAD_REQUEST,
                    "Failed to validate master::Call: Expecting 'teardown' to be present",
                );
            };
            let now = sim.clock.unix_seconds();
            let mut state = sim.mesos.lock();
            if !state.frameworks.contains_key(id) {
                return text(
                    StatusCode::BAD_REQUEST,
                    format!("No framework found with specified ID '{id}'"),
                );
            }
            state.remove_framework(id, now);
            StatusCode::OK.into_response()
        }
        "SUBSCRIBE" => subscribe(&sim, framing),
        other if NOT_SIMULATED.contains(&other) => text(
            StatusCode::NOT_IMPLEMENTED,
            format!("dcos-sim does not simulate the operator call {other}"),
        ),
        other => text(
            StatusCode::BAD_REQUEST,
            format!("Failed to validate master::Call: unknown call type '{other}'"),
        ),
    }
}

/// Operator SUBSCRIBE: SUBSCRIBED with the whole state, a HEARTBEAT, then
/// every event, with a HEARTBEAT each heartbeat interval.
fn subscribe(sim: &SimState, framing: Framing) -> Response {
    let interval = sim.mesos.heartbeat_interval;
    let (snapshot, events) = {
        let state = sim.mesos.lock();
        // Subscribing under the lock: no event falls between the snapshot
        // and the stream.
        (
            render::get_state(&state),
            sim.mesos.events.operator.subscribe(),
        )
    };
    let heartbeat = Arc::new(json!({ "type": "HEARTBEAT" }));
    let subscribed = Arc::new(json!({
        "type": "SUBSCRIBED",
        "subscribed": {
            "get_state": snapshot,
            "heartbeat_interval_seconds": interval.as_secs_f64(),
        },
    }));
    let stream = EventStream {
        frame: recordio,
        first: vec![subscribed, Arc::clone(&heartbeat)],
        source: Source::Broadcast(events),
        heartbeat: Some((sim.clock.real(interval), heartbeat)),
        drops: sim.faults.stream_drops(),
        shutdown: sim.shutdown.subscribe(),
        guard: None,
    };
    framing.stream_response(stream.into_body())
}
