//! `/v2/info`, `/v2/leader` and `/ping`.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::reply;
use crate::sim::SimState;

/// The Marathon version the simulator reports (the one DC/OS 1.13 ships).
pub const MARATHON_VERSION: &str = "1.8.194";

/// `GET /v2/info`.
pub(crate) async fn info(State(sim): State<SimState>) -> Response {
    let leader = super::leader_authority(&sim);
    let framework = super::engine::framework_id(&sim).to_owned();
    let host = leader.split(':').next().unwrap_or("127.0.0.1").to_owned();
    let port: u64 = leader
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .unwrap_or(8080);
    let config = json!({
        "access_control_allow_origin": null,
        "checkpoint": true,
        "decline_offer_duration": 120000,
        "default_network_name": null,
        "env_vars_prefix": null,
        "executor": "//cmd",
        "failover_timeout": 604800,
        "features": [],
        "framework_name": "marathon",
        "ha": true,
        "hostname": host,
        "launch_token": 100,
        "launch_token_refresh_interval": 30000,
        "leader_proxy_connection_timeout_ms": 5000,
        "leader_proxy_read_timeout_ms": 10000,
        "local_port_max": 20000,
        "local_port_min": 10000,
        "master": "zk://zk-1.zk:2181/mesos",
        "max_instances_per_offer": 100,
        "mesos_bridge_name": "mesos-bridge",
        "mesos_heartbeat_failure_threshold": 5,
        "mesos_heartbeat_interval": 15000,
        "mesos_leader_ui_url": format!("{}/mesos", sim.origin(0)),
        "mesos_role": "*",
        "mesos_user": "root",
        "min_revive_offers_interval": 5000,
        "offer_matching_timeout": 3000,
        "on_elected_prepare_timeout": 180000,
        "reconciliation_initial_delay": 15000,
        "reconciliation_interval": 600000,
        "scale_apps_initial_delay": 15000,
        "scale_apps_interval": 300000,
        "store_cache": true,
        "task_launch_confirm_timeout": 300000,
        "task_launch_timeout": 300000,
        "task_lost_expunge_initial_delay": 300000,
        "task_lost_expunge_interval": 30000,
        "task_reservation_timeout": 20000,
        "webui_url": null
    });
    reply::json(
        StatusCode::OK,
        &json!({
            "name": "marathon",
            "version": MARATHON_VERSION,
            "buildref": "dcos-sim",
            "elected": true,
            "leader": leader,
            "frameworkId": framework,
            "marathon_config": config,
            "zookeeper_config": {
                "zk": "zk://zk-1.zk:2181/marathon",
                "zk_compression": true,
                "zk_compression_threshold": 65536,
                "zk_connection_timeout": 10000,
                "zk_max_node_size": 1024000,
                "zk_max_versions": 50,
                "zk_session_timeout": 10000,
                "zk_timeout": 10000
            },
            "http_config": { "http_port": port, "https_port": 8443 }
        }),
    )
}

/// `GET /v2/leader`.
pub(crate) async fn leader(State(sim): State<SimState>) -> Response {
    reply::json(
        StatusCode::OK,
        &json!({ "leader": super::leader_authority(&sim) }),
    )
}

/// `GET /ping`: `pong` as plain text.
pub(crate) async fn ping() -> Response {
    let mut response = (StatusCode::OK, "pong").into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}
