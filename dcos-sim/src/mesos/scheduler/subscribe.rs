//! Scheduler SUBSCRIBE: registering or failing over a framework, and its
//! event stream.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use super::STREAM_ID;
use crate::mesos::render;
use crate::mesos::{Framing, text};
use crate::sim::SimState;
use crate::state::framework::{Framework, Subscriber};
use crate::stream::{EventStream, Source, recordio};

/// Marks the framework disconnected when its stream ends, and starts its
/// failover timeout.
struct Disconnect {
    sim: SimState,
    framework_id: String,
    stream_id: String,
    listener: usize,
}

impl Drop for Disconnect {
    fn drop(&mut self) {
        let mut state = self.sim.mesos.lock();
        let Some(framework) = state.frameworks.get_mut(&self.framework_id) else {
            return;
        };
        if framework
            .subscriber
            .as_ref()
            .is_none_or(|s| s.stream_id != self.stream_id)
        {
            return;
        }
        framework.subscriber = None;
        framework.active = false;
        let timeout = framework.failover_timeout;
        state.rescind_offers_of(&self.framework_id);
        state.framework_updated(&self.framework_id);
        drop(state);
        // After a leader change the new master waits for the framework to
        // subscribe again; otherwise the failover timeout starts.
        if self.sim.faults.mesos_leader() != self.listener {
            return;
        }
        let sim = Arc::clone(&self.sim);
        let (framework_id, stream_id) = (self.framework_id.clone(), self.stream_id.clone());
        let wait = Duration::from_secs_f64(timeout.clamp(0.0, 1e9));
        self.sim.mesos.spawn(async move {
            sim.clock.sleep(wait).await;
            let now = sim.clock.unix_seconds();
            let mut state = sim.mesos.lock();
            let still_gone = state.frameworks.get(&framework_id).is_some_and(|f| {
                f.subscriber.is_none() && f.last_stream_id.as_deref() == Some(stream_id.as_str())
            });
            if still_gone {
                state.remove_framework(&framework_id, now);
            }
        });
    }
}

/// Handles SUBSCRIBE.
pub(super) fn subscribe(
    sim: &SimState,
    listener: usize,
    call: &Value,
    framing: Framing,
) -> Response {
    let Some(info) = call.pointer("/subscribe/framework_info") else {
        return super::missing("subscribe.framework_info");
    };
    for field in ["user", "name"] {
        if info.get(field).and_then(Value::as_str).is_none() {
            return text(
                StatusCode::BAD_REQUEST,
                format!(
                    "Failed to convert JSON into Call protobuf: Missing required fields: subscribe.framework_info.{field}"
                ),
            );
        }
    }
    let info_id = info.pointer("/id/value").and_then(Value::as_str);
    let call_id = call.pointer("/framework_id/value").and_then(Value::as_str);
    if call_id.is_some() && call_id != info_id {
        return text(
            StatusCode::BAD_REQUEST,
            "Failed to validate scheduler::Call: 'framework_id' differs from 'subscribe.framework_info.id'",
        );
    }
    let now_nanos = sim.clock.unix_nanos();
    let (tx, rx) = mpsc::unbounded_channel();
    let mut state = sim.mesos.lock();
    let framework_id = match info_id {
        Some(id) => id.to_owned(),
        None => state.new_framework_id(),
    };
    if state.was_removed(&framework_id) {
        return text(StatusCode::FORBIDDEN, "Framework has been removed");
    }
    if state
        .frameworks
        .get(&framework_id)
        .is_some_and(|f| f.internal)
    {
        return text(
            StatusCode::BAD_REQUEST,
            format!("Framework {framework_id} is run by a simulated service"),
        );
    }
    let stream_id = state.uuid();
    let mut info = info.clone();
    if let Some(map) = info.as_object_mut() {
        map.insert("id".into(), json!({ "value": framework_id }));
    }
    let subscriber = Subscriber {
        stream_id: stream_id.clone(),
        events: tx,
    };
    let role = Framework::role_of(&info);
    let partition_aware = Framework::has_capability(&info, "PARTITION_AWARE");
    let failover_timeout = info
        .get("failover_timeout")
        .and_then(Value::as_f64)
        .unwrap_or(0.0);
    if let Some(existing) = state.frameworks.get_mut(&framework_id) {
        if let Some(old) = existing.subscriber.take() {
            let _ = old.events.send(Arc::new(json!({
                "type": "ERROR",
                "error": { "message": "Framework failed over" },
            })));
        }
        existing.info = info;
        existing.role = role;
        existing.partition_aware = partition_aware;
        existing.failover_timeout = failover_timeout;
        existing.active = true;
        existing.reregistered_nanos = now_nanos;
        existing.subscriber = Some(subscriber);
        existing.last_stream_id = Some(stream_id.clone());
        state.rescind_offers_of(&framework_id);
        state.framework_updated(&framework_id);
        state.events.allocate.notify_one();
    } else {
        state.add_framework(Framework {
            id: framework_id.clone(),
            info,
            role,
            active: true,
            registered_nanos: now_nanos,
            reregistered_nanos: now_nanos,
            subscriber: Some(subscriber),
            last_stream_id: Some(stream_id.clone()),
            internal: false,
            suppressed: false,
            filters: HashMap::new(),
            partition_aware,
            failover_timeout,
        });
    }
    let master_info = render::master_info(&state.master_id, &sim.authority(listener));
    drop(state);
    let interval = sim.mesos.heartbeat_interval;
    let heartbeat = Arc::new(json!({ "type": "HEARTBEAT" }));
    let subscribed = Arc::new(json!({
        "type": "SUBSCRIBED",
        "subscribed": {
            "framework_id": { "value": framework_id },
            "heartbeat_interval_seconds": interval.as_secs_f64(),
            "master_info": master_info,
        },
    }));
    let stream = EventStream {
        frame: recordio,
        first: vec![subscribed],
        source: Source::Channel(rx),
        heartbeat: Some((sim.clock.real(interval), heartbeat)),
        drops: sim.faults.stream_drops(),
        shutdown: sim.shutdown.subscribe(),
        guard: Some(Box::new(Disconnect {
            sim: Arc::clone(sim),
            framework_id,
            stream_id: stream_id.clone(),
            listener,
        })),
    };
    let mut response = framing.stream_response(stream.into_body());
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&stream_id) {
        headers.insert(STREAM_ID, value);
    }
    response
}
